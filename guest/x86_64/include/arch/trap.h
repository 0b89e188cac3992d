/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_ARCH_TRAP_H
#define SV_ARCH_TRAP_H

#include <stdint.h>

/* What traps.S pushes, in memory order. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_PAGE_FAULT 14
#define IST_DOUBLE_FAULT 1 /* its own stack: see gdt.c */
#define VECTOR_TIMER 0x20
#define VECTOR_CALL_IPI 0xf0
#define VECTOR_RESCHEDULE_IPI 0xf1
#define VECTOR_SPURIOUS 0xff

typedef void (*irq_handler)(struct trap_frame *frame);

void idt_init(void);  /* once, on CPU 0 */
void idt_load(void);  /* on every CPU */
void gdt_load(unsigned cpu); /* on every CPU: GDT and TSS (gdt.c) */
void irq_register(unsigned vector, irq_handler handler);
void timer_init(void); /* registers the scheduler tick (timer.c) */

#endif
