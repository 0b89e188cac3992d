// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bring-up of every CPU. CPU 0 checks the boot info and builds the page
 * tables and the IDT while the others wait; then each CPU switches to its
 * own page tables, loads the IDT, enables its x2APIC, and all meet before
 * entering kernel_main with interrupts on.
 */
#include <sv/hypercall.h>

#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/paging.h>
#include <arch/stacks.h>
#include <arch/trap.h>
#include <kernel/early_alloc.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/request_ring.h>
#include <kernel/smp.h>

/* Exit statuses for a boot that cannot go on (no console is trusted yet). */
#define BOOT_EXIT_BAD_ABI 100
#define BOOT_EXIT_TOO_MANY_CPUS 101

struct percpu percpu_area[CPUS_MAX];
uint64_t boot_tsc; /* CPU 0's TSC at its first C instruction */

static const struct sv_boot_info *boot_info;
static int tables_ready;
static unsigned cpus_arrived;

extern char __kernel_end[];

unsigned cpus_online(void)
{
	return boot_info->ncpus;
}

/* The VMM's boot stacks lie one after another (sv/abi.h), identity-mapped:
 * their guest-physical addresses are also their virtual ones. */
struct arch_stack arch_boot_stack(unsigned cpu)
{
	uint64_t lo = boot_info->stacks_base + cpu * boot_info->stack_size;

	return (struct arch_stack){ lo, lo + boot_info->stack_size };
}

/* From the boot info, which CPU 0 publishes before any CPU can arm a
 * timer: every CPU's first tick needs it. */
uint64_t tsc_khz(void)
{
	return boot_info->tsc_khz;
}

static void call_ipi(struct trap_frame *frame)
{
	(void)frame;
	smp_call_handle();
	lapic_eoi();
}

/* Nothing to do but acknowledge: trap_dispatch's preemption point runs
 * the thread that was made runnable. */
static void reschedule_ipi(struct trap_frame *frame)
{
	(void)frame;
	lapic_eoi();
}

static void ring_requests(struct trap_frame *frame)
{
	(void)frame;
	request_ring_interrupt(false);
	lapic_eoi();
}

static void ring_control(struct trap_frame *frame)
{
	(void)frame;
	request_ring_interrupt(true);
	lapic_eoi();
}

static void spurious(struct trap_frame *frame)
{
	(void)frame; /* no EOI for the spurious vector */
}

static void boot_cpu0(const struct sv_boot_info *bi)
{
	if (bi->magic != SV_BOOT_MAGIC || bi->abi_version != SV_ABI_VERSION)
		sv_exit(BOOT_EXIT_BAD_ABI);
	if (bi->ncpus > CPUS_MAX)
		sv_exit(BOOT_EXIT_TOO_MANY_CPUS);
	boot_info = bi;
	early_alloc_init(bi, (uint64_t)(uintptr_t)__kernel_end);
	paging_init(bi);
	idt_init();
	irq_register(VECTOR_CALL_IPI, call_ipi);
	irq_register(VECTOR_RESCHEDULE_IPI, reschedule_ipi);
	irq_register(SV_RING_VECTOR, ring_requests);
	irq_register(SV_RING_CTL_VECTOR, ring_control);
	irq_register(VECTOR_SPURIOUS, spurious);
	timer_init();
	__atomic_store_n(&tables_ready, 1, __ATOMIC_RELEASE);
}

void arch_boot(const struct sv_boot_info *bi, unsigned cpu);

void arch_boot(const struct sv_boot_info *bi, unsigned cpu)
{
	struct percpu *me = &percpu_area[cpu < CPUS_MAX ? cpu : 0];

	if (cpu >= CPUS_MAX)
		for (;;) /* CPU 0 refuses the whole boot */
			halt();
	me->self = me;
	me->cpu = cpu;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)me);

	if (cpu == 0) {
		boot_tsc = rdtsc();
		boot_cpu0(bi);
	}
	while (!__atomic_load_n(&tables_ready, __ATOMIC_ACQUIRE))
		cpu_relax();
	paging_enter(cpu);
	gdt_load(cpu);
	idt_load();
	lapic_init();
	me->apic_id = lapic_id();

	__atomic_add_fetch(&cpus_arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&cpus_arrived, __ATOMIC_ACQUIRE) < bi->ncpus)
		cpu_relax();
	irq_enable();
	kernel_main(bi, cpu);
}
