/* SPDX-License-Identifier: GPL-2.0-only */
/* provisional copy of brief §1 (H1 delivers the real one) */
#ifndef SV_THREADS_H
#define SV_THREADS_H
#include <stdint.h>
#define SV_THREAD_TABLE_MAGIC 0x54545653u
#define SV_THREAD_TABLE_VERSION 1
#define SV_THREAD_TABLE_SLOTS 1024
#define SV_THREAD_TABLE_CPUS 64
struct sv_thread_table_cpu { uint64_t current, idle, idle_stack_lo, idle_stack_hi; };
struct sv_thread_table {
	uint32_t magic, version;
	uint32_t slots;
	uint32_t ncpus;
	uint64_t overflow;
	uint64_t stack_size;
	uint32_t off_saved_rsp, off_stack, off_cpu, off_state, off_flags, reserved;
	struct sv_thread_table_cpu cpu[SV_THREAD_TABLE_CPUS];
	uint64_t thread[SV_THREAD_TABLE_SLOTS];
};
#endif
