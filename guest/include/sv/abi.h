/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest/host ABI of swapvisor: boot state, boot-info page and hypercalls.
 *
 * One header for both sides (the VMM includes it, guests and patch sources
 * compile against it), so the two can never disagree about a number or a
 * layout. Every struct has fixed-width fields and explicit padding; the
 * static asserts at the end pin the layouts. Bump SV_ABI_VERSION on any
 * incompatible change.
 *
 * Boot (x86-64): every vCPU enters in 64-bit mode at the ELF entry with
 *   rdi = guest-physical address of struct sv_boot_info
 *   rsi = CPU index (0 .. ncpus-1)
 *   rsp = top of that CPU's boot stack (16-byte aligned)
 * paging on, RAM identity-mapped, plus RAM mapped at each link offset the
 * kernel's PT_LOAD segments use (virtual minus physical address).
 *
 * Hypercalls: `outl %eax, $(SV_HC_BASE + nr)` with eax = guest-physical
 * address of the call's argument struct (below 4 GiB). The VMM answers in
 * rax: 0 or a negative SV_E* code. Every address and length the guest passes
 * is checked by the VMM; a bad one is answered with SV_EFAULT or SV_EINVAL.
 * Argument structs are 8-byte aligned and never in page 0 (so a null
 * pointer is always refused).
 */
#ifndef SV_ABI_H
#define SV_ABI_H

#include <stdint.h>

#define SV_ABI_VERSION 3u

/* ---- boot info ------------------------------------------------------ */

#define SV_BOOT_MAGIC 0x7476735f6f6f6273ull /* "sboo_svt" */

enum sv_mem_type {
	SV_MEM_RAM = 1,      /* free for the guest */
	SV_MEM_BOOT = 2,     /* VMM boot structures: boot info, GDT, page tables */
	SV_MEM_STACKS = 3,   /* per-CPU boot stacks */
	SV_MEM_KERNEL = 4,   /* the loaded kernel image */
	SV_MEM_RING = 5,     /* the request ring's queues (sv/ring.h) */
	SV_MEM_PATCH = 6,    /* the patch area: the monitor writes modules here */
};

/* The patch area: SV_PATCH_AREA_SIZE bytes, 2 MiB-aligned; the guest maps
 * the first half read-execute (modules' code) and the second half
 * read-write, never executable (their data and manifests). */
#define SV_PATCH_AREA_SIZE (4ull << 20)

struct sv_mem_region {
	uint64_t base;
	uint64_t size;
	uint32_t type; /* enum sv_mem_type */
	uint32_t pad;
};

#define SV_MEM_REGIONS_MAX 16
#define SV_CMDLINE_MAX 1024

struct sv_boot_info {
	uint64_t magic;         /* SV_BOOT_MAGIC */
	uint32_t abi_version;   /* SV_ABI_VERSION */
	uint32_t ncpus;
	uint64_t ram_size;      /* bytes of RAM from guest-physical 0 */
	uint64_t stack_size;    /* bytes of boot stack per CPU */
	uint64_t stacks_base;   /* CPU n's stack is [base + n*size, base + (n+1)*size) */
	uint64_t tsc_khz;       /* guest TSC frequency, 0 if unknown */
	uint64_t ring_base;     /* guest-physical address of queue 0 (sv/ring.h) */
	uint32_t ring_queues;   /* ncpus request queues, then the control queue */
	uint32_t nregions;
	uint64_t patch_base;    /* the patch area (SV_MEM_PATCH): code half, */
	uint64_t patch_size;    /* then data half; each 2 MiB-aligned */
	struct sv_mem_region regions[SV_MEM_REGIONS_MAX];
	char cmdline[SV_CMDLINE_MAX]; /* NUL-terminated guest arguments */
};

/* ---- hypercalls ----------------------------------------------------- */

#define SV_HC_BASE 0x500
#define SV_HC_PORTS 64 /* ports SV_HC_BASE .. +63 are the VMM's */

enum sv_hypercall {
	SV_HC_PUTS = 1,        /* struct sv_hc_puts */
	SV_HC_EXIT = 2,        /* struct sv_hc_exit: ends the VM */
	SV_HC_TEST_REPORT = 3, /* struct sv_hc_test_report */
	SV_HC_TIME = 4,        /* struct sv_hc_time */
	SV_HC_PANIC = 5,       /* struct sv_hc_panic: ends the VM */
	SV_HC_MAX
};

/* Answers in rax (as int64_t). */
#define SV_OK 0
#define SV_EFAULT (-14) /* an address or length lies outside guest RAM */
#define SV_EINVAL (-22) /* a field holds a value the call does not accept */
#define SV_ENOSYS (-38) /* no such hypercall (or ring opcode) */

/* More answers, from the services behind the request ring (sv/ring.h);
 * the numbers are Linux's errno values, negated. */
#define SV_ENOENT (-2)        /* no such file or directory */
#define SV_EIO (-5)           /* the block store failed */
#define SV_ENOMEM (-12)       /* out of memory */
#define SV_EBUSY (-16)        /* in use (a swap in progress) */
#define SV_EEXIST (-17)       /* already exists */
#define SV_ENOTDIR (-20)      /* a path component is not a directory */
#define SV_EISDIR (-21)       /* a directory where a file was wanted */
#define SV_EFBIG (-27)        /* offset or size past the largest file */
#define SV_ENOSPC (-28)       /* the block store is full */
#define SV_ENAMETOOLONG (-36) /* a path or a name too long */
#define SV_ENOTEMPTY (-39)    /* deleting a directory that has entries */
#define SV_EPROTO (-71)       /* a state transfer function failed */
#define SV_ETIMEDOUT (-110)   /* a hot swap's calls did not drain in time */
#define SV_ESTALE (-116)      /* an update for a version that is not running */
#define SV_ECANCELED (-125)   /* a patch's health check failed */

/* Argument structs are 8-byte aligned wherever the guest puts them. */
#define SV_HC_ARG __attribute__((aligned(8)))

#define SV_PUTS_MAX 4096 /* longest string one puts may carry */

struct sv_hc_puts {
	uint64_t data; /* guest-physical address of the bytes */
	uint64_t len;  /* at most SV_PUTS_MAX */
} SV_HC_ARG;

struct sv_hc_exit {
	uint32_t status; /* becomes swapvisor's exit status (0..119) */
	uint32_t pad;
} SV_HC_ARG;

struct sv_hc_test_report {
	uint64_t name;     /* guest-physical address of the test's name */
	uint64_t name_len; /* at most SV_PUTS_MAX */
	uint64_t msg;      /* guest-physical address of a message, or 0 */
	uint64_t msg_len;  /* at most SV_PUTS_MAX */
	uint32_t passed;   /* 1 passed, 0 failed, 2 skipped */
	uint32_t line;     /* source line of the failing assertion, 0 if none */
} SV_HC_ARG;

#define SV_TEST_FAILED 0u
#define SV_TEST_PASSED 1u
#define SV_TEST_SKIPPED 2u

struct sv_hc_time {
	uint64_t ns; /* out: host CLOCK_MONOTONIC in nanoseconds */
} SV_HC_ARG;

#define SV_PANIC_FRAMES_MAX 32

struct sv_hc_panic {
	uint64_t msg;     /* guest-physical address of the message */
	uint64_t msg_len; /* at most SV_PUTS_MAX */
	uint64_t frames;  /* guest-physical address of nframes return addresses */
	uint64_t nframes; /* at most SV_PANIC_FRAMES_MAX; frame 0 is where it died */
} SV_HC_ARG;

/* Also for the C++ tests that include these headers. */
#ifdef __cplusplus
#define SV_STATIC_ASSERT(c) static_assert(c, #c)
#else
#define SV_STATIC_ASSERT(c) _Static_assert(c, #c)
#endif
SV_STATIC_ASSERT(sizeof(struct sv_mem_region) == 24);
SV_STATIC_ASSERT(sizeof(struct sv_hc_puts) == 16);
SV_STATIC_ASSERT(sizeof(struct sv_hc_test_report) == 40);
SV_STATIC_ASSERT(sizeof(struct sv_boot_info) ==
		 80 + 24 * SV_MEM_REGIONS_MAX + SV_CMDLINE_MAX);

#endif
