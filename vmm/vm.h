/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual machine: KVM file descriptors, guest RAM, vCPUs and the
 * machine API that quiesce/ and patcher/ build on.
 *
 * Threads: one per vCPU (vcpu.c), optionally one for the control socket
 * (control.c), and the caller's. vm->lock guards the pause state, the
 * memslot table, the protected ranges and the mirror table; the exit loop
 * runs without it.
 *
 * Functions return 0 or a negative errno and print a message that names
 * the object at fault; pointer-returning ones return NULL instead.
 */
#ifndef SV_VMM_VM_H
#define SV_VMM_VM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "elf_load.h"
#include "exit_reasons.h"
#include "memslots.h"
#include "phys_write.h"
#include "ring_device.h"

#define VM_CPUS_MAX 64
#define VM_MEM_MAX (3ull << 30) /* RAM stays below the 32-bit MMIO hole */
#define VM_MEM_MIN (4ull << 20)
#define VM_PAGE_SIZE 4096ull

/* swapvisor's own exit statuses; a guest's status is passed through. */
#define VM_EXIT_SETUP_ERROR 120 /* could not build or start the VM */
#define VM_EXIT_GUEST_CRASH 121 /* triple fault, failed entry, KVM error */
#define VM_EXIT_GUEST_PANIC 122 /* the guest reported a panic */

struct vm;

#define PATCH_TRUST_KEYS_MAX 8

/* Which patch bundles the monitor may apply (docs/patch-bundles.md): the
 * VMM only holds this for its control clients; the monitor enforces it. */
struct patch_trust {
	const char *key_files[PATCH_TRUST_KEYS_MAX]; /* Ed25519 public keys */
	unsigned nkeys;
	bool allow_unsigned; /* development only: --allow-unsigned-patches */
};

struct vm_config {
	unsigned ncpus;
	uint64_t mem_size;
	FILE *console;       /* where the guest's UART output goes */
	bool start_paused;   /* vCPUs park before their first instruction */
	struct patch_trust trust;
};

enum vcpu_state {
	VCPU_CREATED,
	VCPU_RUNNING,
	VCPU_PAUSED,
	VCPU_STEPPING,
	VCPU_STOPPED,
};

struct vcpu {
	struct vm *vm;
	unsigned index;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	_Atomic int state;                /* enum vcpu_state */
	_Atomic uint64_t exits[EXIT_REASONS];
	_Atomic uint64_t last_rip;         /* rip when it last left the guest */
	unsigned step_request;             /* instructions still to single-step */
	int step_result;
};

/* Called for each guest write into a protected range; returns true to let
 * the write reach memory. Runs on the writing vCPU's thread. */
typedef bool (*vm_write_hook)(void *opaque, unsigned cpu, uint64_t gpa,
			      const void *data, unsigned len);

struct protected_range {
	uint64_t gpa;
	uint64_t size;
	vm_write_hook hook;
	void *opaque;
	bool in_use;
};

#define VM_PROTECTED_MAX 16
#define VM_MIRRORS_MAX (VM_PROTECTED_MAX / 2) /* each protects one or two ranges */

struct mirror; /* mirror.h */

struct uart_state {
	uint8_t lcr; /* line control: its DLAB bit hides the data register */
	uint8_t scr; /* scratch register, probed by some drivers */
};

struct vm {
	int kvm_fd;
	int vm_fd;
	unsigned ncpus;
	struct vcpu *vcpus;

	int ram_fd;        /* memfd backing guest RAM */
	uint8_t *ram;      /* host mapping of guest-physical 0 .. ram_size */
	uint64_t ram_size;
	struct memslot_table slots;
	uint32_t ram_slot_flags; /* on every writable slot: dirty logging */
	struct protected_range protected[VM_PROTECTED_MAX];
	struct mirror *mirrors[VM_MIRRORS_MAX]; /* running mirrors, under lock */
	unsigned mirror_last_id;                /* ids count up from 1 */

	FILE *console;
	char kernel_path[4096]; /* for naming functions in guest backtraces */
	/* The booted kernel's build-id in hex ("" if it has none): a patch
	 * monitor checks bundles against what runs, not against the file,
	 * which may have been rebuilt since. */
	char kernel_build_id[2 * ELF_BUILD_ID_MAX + 1];
	struct uart_state uart;
	uint64_t entry;
	uint64_t boot_info_gpa;
	uint64_t ring_base;    /* request ring (sv/ring.h): queue 0's address */
	uint64_t patch_base;   /* patch area (SV_PATCH_AREA_SIZE bytes) */
	struct patch_trust trust;
	struct ring_device ring;
	uint64_t start_ns;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned pause_depth;      /* nested pause requests; 0 = running */
	uint64_t stop_began_ns;    /* the request that took pause_depth 0 -> 1 */
	_Atomic bool pause_wanted; /* read lock-free by the exit loops */
	unsigned parked;           /* vCPUs parked in response */
	_Atomic bool stopping;
	int exit_status;

	_Atomic uint64_t bad_hypercalls; /* rejected guest arguments */
	_Atomic uint64_t last_report_ns; /* uptime at the last test report */
};

/* Lifecycle (vm.c). */
int vm_create(struct vm **out, const struct vm_config *cfg);
/* Loads the kernel ELF and sets every vCPU up to enter it (boot.c);
 * cmdline (may be NULL) reaches the guest in its boot info. */
int vm_load_kernel(struct vm *vm, const char *path, const char *cmdline);
int vm_start(struct vm *vm);
int vm_wait(struct vm *vm); /* until the guest exits; returns its status */
void vm_stop(struct vm *vm, int status); /* any thread, idempotent */
void vm_destroy(struct vm *vm);
uint64_t vm_uptime_ns(const struct vm *vm);

/* Guest physical memory (memory.c). vm_phys_ptr checks bounds and overflow
 * once for every access the VMM makes on the guest's behalf. */
void *vm_phys_ptr(struct vm *vm, uint64_t gpa, uint64_t len);
int vm_read_phys(struct vm *vm, uint64_t gpa, void *buf, uint64_t len);
int vm_write_phys(struct vm *vm, uint64_t gpa, const void *buf, uint64_t len);

/* Stop the world (pause.c), after vm_start. Nestable: each successful
 * vm_pause needs one vm_resume; a failed one (-ESHUTDOWN: the VM is
 * stopping) needs none. *pause_ns (may be NULL) gets the time from the
 * request until every vCPU acknowledged. */
int vm_pause(struct vm *vm, uint64_t *pause_ns);
int vm_resume(struct vm *vm);
/* vm_resume that also measures the stop: when this resume lets the VM run
 * again (the last pause released), *stopped_ns gets the time since the
 * pause request that began the stop (depth 0 -> 1); else 0. */
int vm_resume_timed(struct vm *vm, uint64_t *stopped_ns);
bool vm_pause_held(struct vm *vm); /* some pause is in force */
bool vm_is_paused(struct vm *vm);  /* ... and every vCPU has parked */

/* Writes guest-physical memory only if it still holds what the caller
 * expects (phys_write.c): with every vCPU parked under a pause, checks
 * that each write lies in RAM and that its current bytes equal its old
 * ones, and only then writes every new one. -EBUSY when the VM is not
 * paused, -EFAULT when writes[*bad] is outside RAM, -ESTALE when its bytes
 * differ; nothing is written unless all pass. The writes go to memory
 * directly: protection hooks (mirrors) do not see them. */
int vm_write_if_unchanged(struct vm *vm, const struct phys_write *writes, unsigned n,
			  unsigned *bad);

/* Registers of a paused vCPU (registers.c): -EBUSY while it runs. */
int vcpu_get_regs(struct vm *vm, unsigned cpu, struct kvm_regs *regs);
int vcpu_set_regs(struct vm *vm, unsigned cpu, const struct kvm_regs *regs);
int vcpu_get_sregs(struct vm *vm, unsigned cpu, struct kvm_sregs *sregs);
int vcpu_set_sregs(struct vm *vm, unsigned cpu, const struct kvm_sregs *sregs);

/* Single-step a paused vCPU by n instructions (singlestep.c); *rip gets
 * where it stopped. Interrupts stay blocked while stepping. */
int vcpu_single_step(struct vm *vm, unsigned cpu, unsigned n, uint64_t *rip);

/* Guest virtual to guest physical through a paused vCPU's page tables
 * (translate.c): -EFAULT when unmapped. */
int vcpu_translate(struct vm *vm, unsigned cpu, uint64_t gva, uint64_t *gpa);

/* Write protection (protect.c): reads stay native, each write exits to the
 * hook. gpa and size must be page-aligned and inside RAM. Returns an id. */
int vm_protect(struct vm *vm, uint64_t gpa, uint64_t size, vm_write_hook hook,
	       void *opaque);
int vm_unprotect(struct vm *vm, int id);

/* Dirty-page logging over all RAM (dirty_log.c). The bitmap has one bit per
 * page of RAM; fetching clears the log. */
int vm_dirty_log_start(struct vm *vm);
int vm_dirty_log_fetch(struct vm *vm, uint64_t *bitmap, size_t bitmap_words);
int vm_dirty_log_stop(struct vm *vm);

#endif
