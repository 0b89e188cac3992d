// SPDX-License-Identifier: GPL-2.0-only
/* The IDT: 256 interrupt gates into traps.S's stubs, and the dispatcher. */
#include <arch/cpu.h>
#include <arch/trap.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/thread.h>

#define KERNEL_CS 0x08      /* the VMM's boot GDT (vmm/boot_layout.h) */
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define TRAP_STUB_SIZE 16

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
static irq_handler handlers[256];

extern char trap_stubs[];

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check", "machine check",
	"SIMD error", "virtualization", "control protection",
};

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t addr = (uint64_t)(uintptr_t)(trap_stubs + v * TRAP_STUB_SIZE);
		idt[v] = (struct idt_entry){
			.offset_lo = (uint16_t)addr, .selector = KERNEL_CS,
			.type = GATE_INTERRUPT, .offset_mid = (uint16_t)(addr >> 16),
			.ist = v == VECTOR_DOUBLE_FAULT ? IST_DOUBLE_FAULT : 0,
			.offset_hi = (uint32_t)(addr >> 32),
		};
	}
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void irq_register(unsigned vector, irq_handler handler)
{
	handlers[vector & 255] = handler;
}

static void report_fault(const struct trap_frame *f)
{
	const char *name = f->vector < 32 && exception_names[f->vector] ?
				   exception_names[f->vector] : "unexpected interrupt";

	printk("CPU %u: %s (vector %llu, error %#llx) at rip %#llx\n", cpu_id(), name,
	       (unsigned long long)f->vector, (unsigned long long)f->error_code,
	       (unsigned long long)f->rip);
	if (f->vector == VECTOR_PAGE_FAULT)
		printk("  cr2 %016llx (the faulting address)\n", (unsigned long long)read_cr2());
	printk("  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
	       "  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n"
	       "  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n"
	       "  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n"
	       "  rflags %016llx cs %llx ss %llx\n",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx,
	       (unsigned long long)f->rcx, (unsigned long long)f->rdx,
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi,
	       (unsigned long long)f->rbp, (unsigned long long)f->rsp,
	       (unsigned long long)f->r8, (unsigned long long)f->r9,
	       (unsigned long long)f->r10, (unsigned long long)f->r11,
	       (unsigned long long)f->r12, (unsigned long long)f->r13,
	       (unsigned long long)f->r14, (unsigned long long)f->r15,
	       (unsigned long long)f->rflags, (unsigned long long)f->cs,
	       (unsigned long long)f->ss);
	panic_at(f->rbp, f->rip, "%s on CPU %u at rip %#llx", name, cpu_id(),
		 (unsigned long long)f->rip);
}

void trap_dispatch(struct trap_frame *frame);

void trap_dispatch(struct trap_frame *frame)
{
	irq_handler h = handlers[frame->vector & 255];

	if (!h) {
		report_fault(frame);
		return;
	}
	this_cpu()->irq_depth++;
	h(frame);
	this_cpu()->irq_depth--;
	if (frame->vector >= 32)
		sched_preempt_point(); /* interrupts may make a thread runnable */
}
