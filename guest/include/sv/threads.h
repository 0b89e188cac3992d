/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's thread table: every guest context that can hold a pc, for a
 * monitor that reads guest memory with all vCPUs paused (the consistency
 * check of a binary patch). One header for both sides, like sv/abi.h.
 *
 * The kernel exports the table at its ELF symbol `sv_thread_table`; the
 * monitor finds it by name in the kernel's symbol table and reads it
 * through the guest's page tables. Addresses in it are guest-virtual.
 *
 * A paused vCPU may have stopped anywhere, so every field is written with
 * one aligned store of its own size (never torn): a reader sees the old
 * or the new value. What the guest guarantees:
 *
 *  - A thread is put in a slot of thread[] (one 8-byte store) before it
 *    can first run, and taken out (one store of 0) before its stack is
 *    freed. A thread that finds no free slot is counted in `overflow`
 *    while it lives (the count drops again when it is reaped): while
 *    `overflow` is nonzero the table is incomplete and proves nothing.
 *  - cpu[c].current is the thread CPU c runs (its idle context when
 *    idle). It is stored just before the switch: until arch_switch has
 *    saved the old thread's rsp and loaded the new one's (a few
 *    instructions), CPU c's live rsp is still on the previous thread's
 *    stack, whose saved rsp is not yet written. A reader that finds a
 *    CPU's live rsp outside current's stack (and outside the CPU's fault
 *    stack) has caught a switch and must look again.
 *  - cpu[c].idle is CPU c's idle context (the boot context), which runs
 *    on the CPU's boot stack [idle_stack_lo, idle_stack_hi). The entry is
 *    filled before `ncpus` counts the CPU, so the first ncpus CPUs'
 *    entries are complete (CPUs come up in any order, but ncpus equals
 *    the VM's vCPU count only once all have).
 *  - Interrupts and exceptions run on the interrupted context's stack,
 *    except the double fault, which runs on the CPU's own fault stack
 *    [fault_stack_lo, fault_stack_hi) (x86-64 IST 1): a CPU paused inside
 *    that handler has its live rsp there (it is on its way to a panic).
 *  - A thread's saved rsp (valid while it is switched out), stack base,
 *    CPU, state and flags are read from its struct thread at the off_*
 *    offsets: saved_rsp and stack 8 bytes, cpu, state and flags 4 bytes
 *    (state: 0 runnable, 1 blocked, 2 dead and not yet reaped; flags bit
 *    0: a daemon). Every non-idle thread's stack is
 *    [stack, stack + stack_size).
 */
#ifndef SV_THREADS_H
#define SV_THREADS_H

#include <stddef.h>
#include <stdint.h>

#include <sv/abi.h>

#define SV_THREAD_TABLE_MAGIC 0x54545653u /* "SVTT" */
#define SV_THREAD_TABLE_VERSION 1
#define SV_THREAD_TABLE_SLOTS 1024
#define SV_THREAD_TABLE_CPUS 64
#define SV_THREAD_FLAG_DAEMON 1u /* flags: long-lived, outside the generation counts */

struct sv_thread_table_cpu {
	uint64_t current;        /* struct thread it runs now */
	uint64_t idle;           /* its idle context's struct thread */
	uint64_t idle_stack_lo;  /* the idle context's (boot) stack */
	uint64_t idle_stack_hi;
	uint64_t fault_stack_lo; /* the double-fault handler's stack */
	uint64_t fault_stack_hi;
};

struct sv_thread_table {
	uint32_t magic;          /* SV_THREAD_TABLE_MAGIC */
	uint32_t version;        /* SV_THREAD_TABLE_VERSION */
	uint32_t slots;          /* SV_THREAD_TABLE_SLOTS */
	uint32_t ncpus;          /* CPUs whose cpu[] entry is filled */
	uint64_t overflow;       /* live threads that found no free slot */
	uint64_t stack_size;     /* bytes of every non-idle thread's stack */
	uint32_t off_saved_rsp, off_stack, off_cpu, off_state, off_flags, reserved;
	struct sv_thread_table_cpu cpu[SV_THREAD_TABLE_CPUS];
	uint64_t thread[SV_THREAD_TABLE_SLOTS]; /* struct thread addresses, 0 = free */
};

SV_STATIC_ASSERT(sizeof(struct sv_thread_table_cpu) == 48);
SV_STATIC_ASSERT(offsetof(struct sv_thread_table, overflow) == 16);
SV_STATIC_ASSERT(offsetof(struct sv_thread_table, stack_size) == 24);
SV_STATIC_ASSERT(offsetof(struct sv_thread_table, off_saved_rsp) == 32);
SV_STATIC_ASSERT(offsetof(struct sv_thread_table, reserved) == 52);
SV_STATIC_ASSERT(offsetof(struct sv_thread_table, cpu) == 56);
SV_STATIC_ASSERT(offsetof(struct sv_thread_table, thread) ==
		 56 + 48 * SV_THREAD_TABLE_CPUS);
SV_STATIC_ASSERT(sizeof(struct sv_thread_table) ==
		 56 + 48 * SV_THREAD_TABLE_CPUS + 8 * SV_THREAD_TABLE_SLOTS);

#endif
