// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU threads. Each runs one exit loop:
 *
 *   RUNNING --pause wanted--> PAUSED (parked, may single-step) --resume--> RUNNING
 *   RUNNING --stop / crash--> STOPPED
 *
 * Exits are counted per reason and handed to the device or subsystem that
 * owns them: port I/O (io.c), MMIO on protected ranges (protect.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpuid.h"
#include "io.h"
#include "pause.h"
#include "protect.h"
#include "vcpu.h"

#define SIG_KICK SIGUSR1

static __thread struct vcpu *current_vcpu;

/* A kick only has to make KVM_RUN return; immediate_exit covers a kick
 * that lands just before the thread enters KVM_RUN. */
static void kick_handler(int sig)
{
	(void)sig;
	if (current_vcpu)
		current_vcpu->run->immediate_exit = 1;
}

static void install_kick_handler(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(SIG_KICK, &sa, NULL); /* no SA_RESTART: KVM_RUN must return */
}

static int create_vcpu(struct vm *vm, struct vcpu *v, unsigned index, int run_size)
{
	struct kvm_mp_state runnable = { .mp_state = KVM_MP_STATE_RUNNABLE };

	v->vm = vm;
	v->index = index;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, index);
	if (v->fd < 0) {
		fprintf(stderr, "swapvisor: KVM_CREATE_VCPU %u: %s\n", index, strerror(errno));
		return -errno;
	}
	v->run_size = (size_t)run_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		fprintf(stderr, "swapvisor: mapping kvm_run of vCPU %u: %s\n", index, strerror(errno));
		return -errno;
	}
	int err = cpuid_setup_vcpu(vm->kvm_fd, v->fd, index);
	if (err)
		return err;
	/* Application processors would otherwise wait for INIT/SIPI. */
	if (ioctl(v->fd, KVM_SET_MP_STATE, &runnable) < 0) {
		fprintf(stderr, "swapvisor: vCPU %u: KVM_SET_MP_STATE: %s\n", index, strerror(errno));
		return -errno;
	}
	return 0;
}

int vcpus_create(struct vm *vm)
{
	int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (run_size <= 0) {
		fprintf(stderr, "swapvisor: KVM_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
		return -errno;
	}
	vm->vcpus = calloc(vm->ncpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	for (unsigned i = 0; i < vm->ncpus; i++)
		vm->vcpus[i].fd = -1;
	install_kick_handler();
	for (unsigned i = 0; i < vm->ncpus; i++) {
		int err = create_vcpu(vm, &vm->vcpus[i], i, run_size);
		if (err)
			return err;
	}
	return 0;
}

static enum exit_reason classify(uint32_t kvm_reason)
{
	switch (kvm_reason) {
	case KVM_EXIT_IO: return EXIT_IO;
	case KVM_EXIT_MMIO: return EXIT_MMIO;
	case KVM_EXIT_HLT: return EXIT_HLT;
	case KVM_EXIT_DEBUG: return EXIT_DEBUG;
	case KVM_EXIT_SHUTDOWN: return EXIT_SHUTDOWN;
	case KVM_EXIT_INTR: return EXIT_INTR;
	case KVM_EXIT_INTERNAL_ERROR: return EXIT_INTERNAL_ERROR;
	case KVM_EXIT_FAIL_ENTRY: return EXIT_FAIL_ENTRY;
	default: return EXIT_OTHER;
	}
}

int vcpu_run_once(struct vcpu *v)
{
	enum exit_reason reason;

	v->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	if (ioctl(v->fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR && errno != EAGAIN) {
			fprintf(stderr, "swapvisor: vCPU %u: KVM_RUN: %s\n", v->index, strerror(errno));
			return -1;
		}
		v->run->immediate_exit = 0;
		reason = EXIT_INTR;
	} else {
		reason = classify(v->run->exit_reason);
	}
	/* KVM stores the synced registers on every return, kicks included. */
	if (reason != EXIT_SHUTDOWN) /* registers are already reset */
		atomic_store(&v->last_rip, v->run->s.regs.regs.rip);
	atomic_fetch_add(&v->exits[reason], 1);
	return (int)reason;
}

static bool crash(struct vcpu *v, const char *what, unsigned long long detail)
{
	fprintf(stderr, "swapvisor: vCPU %u: %s (%#llx) at rip %#llx\n", v->index,
		what, detail, (unsigned long long)atomic_load(&v->last_rip));
	vm_stop(v->vm, VM_EXIT_GUEST_CRASH);
	return false;
}

/* On AMD, KVM re-initialises the vCPU when it intercepts a shutdown, so
 * the faulting state is gone; say so rather than print reset values as if
 * they were the guest's. */
static bool crash_on_shutdown(struct vcpu *v)
{
	struct kvm_regs r;

	if (ioctl(v->fd, KVM_GET_REGS, &r) == 0 && r.rip == 0xfff0)
		fprintf(stderr, "swapvisor: vCPU %u: registers were reset by KVM at the shutdown; "
			"its last exit before it was at rip %#llx\n", v->index,
			(unsigned long long)atomic_load(&v->last_rip));
	return crash(v, "triple fault (shutdown)", 0);
}

bool vcpu_handle_exit(struct vcpu *v, int reason)
{
	struct kvm_run *run = v->run;

	switch ((enum exit_reason)reason) {
	case EXIT_IO:
		return io_handle_exit(v);
	case EXIT_MMIO:
		protect_handle_mmio(v);
		return true;
	case EXIT_INTR:
	case EXIT_DEBUG: /* a stale step trap after stepping ended */
		return true;
	case EXIT_SHUTDOWN:
		return crash_on_shutdown(v);
	case EXIT_HLT:
		return crash(v, "halted with no in-kernel APIC to wake it", 0);
	case EXIT_INTERNAL_ERROR:
		return crash(v, "KVM internal error, suberror", run->internal.suberror);
	case EXIT_FAIL_ENTRY:
		return crash(v, "VM entry failed, hardware reason",
			     run->fail_entry.hardware_entry_failure_reason);
	default:
		return crash(v, "unhandled KVM exit reason", run->exit_reason);
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;

	current_vcpu = v;
	atomic_store(&v->state, VCPU_RUNNING);
	while (!atomic_load(&vm->stopping)) {
		if (atomic_load(&vm->pause_wanted)) {
			vcpu_park(v);
			continue;
		}
		int reason = vcpu_run_once(v);
		if (reason < 0) {
			vm_stop(vm, VM_EXIT_GUEST_CRASH);
			break;
		}
		if (!vcpu_handle_exit(v, reason))
			break;
	}
	atomic_store(&v->state, VCPU_STOPPED);
	return NULL;
}

int vcpus_start(struct vm *vm)
{
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int err = pthread_create(&v->thread, NULL, vcpu_thread, v);
		if (err) {
			fprintf(stderr, "swapvisor: starting vCPU %u: %s\n", i, strerror(err));
			vm_stop(vm, VM_EXIT_SETUP_ERROR);
			return -err;
		}
		atomic_store(&v->state, VCPU_RUNNING);
	}
	return 0;
}

void vcpus_kick_all(struct vm *vm)
{
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		if (atomic_load(&v->state) == VCPU_CREATED)
			continue;
		v->run->immediate_exit = 1;
		pthread_kill(v->thread, SIG_KICK);
	}
}

void vcpus_join(struct vm *vm)
{
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		if (atomic_load(&v->state) == VCPU_CREATED)
			continue;
		pthread_join(v->thread, NULL);
		atomic_store(&v->state, VCPU_CREATED);
	}
}

void vcpus_destroy(struct vm *vm)
{
	if (!vm->vcpus)
		return;
	vm_stop(vm, vm->exit_status);
	vcpus_join(vm);
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		if (v->run)
			munmap(v->run, v->run_size);
		if (v->fd >= 0)
			close(v->fd);
	}
	free(vm->vcpus);
	vm->vcpus = NULL;
}

void vcpu_dump(struct vcpu *v, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "vCPU %u: registers unavailable: %s\n", v->index, strerror(errno));
		return;
	}
	fprintf(out,
		"vCPU %u: rip %016llx rsp %016llx rbp %016llx rflags %08llx\n"
		"  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx r8  %016llx r9  %016llx\n"
		"  r10 %016llx r11 %016llx r12 %016llx r13 %016llx\n"
		"  r14 %016llx r15 %016llx\n"
		"  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx efer %llx\n"
		"  cs %04x ss %04x idt %016llx/%x gdt %016llx/%x\n",
		v->index, r.rip, r.rsp, r.rbp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx,
		r.rsi, r.rdi, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15,
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer, s.cs.selector, s.ss.selector,
		s.idt.base, s.idt.limit, s.gdt.base, s.gdt.limit);
}

void vcpus_dump_all(struct vm *vm, FILE *out)
{
	for (unsigned i = 0; i < vm->ncpus; i++)
		vcpu_dump(&vm->vcpus[i], out);
}
