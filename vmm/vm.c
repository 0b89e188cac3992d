// SPDX-License-Identifier: GPL-2.0-only
/* Creating, running and tearing down the VM. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clock.h"
#include "cpuid.h"
#include "guest_control.h"
#include "kvm_caps.h"
#include "mirror.h"
#include "vcpu.h"
#include "vm.h"

uint64_t vm_uptime_ns(const struct vm *vm)
{
	return monotonic_ns() - vm->start_ns;
}

static int check_config(const struct vm_config *cfg)
{
	if (cfg->ncpus < 1 || cfg->ncpus > VM_CPUS_MAX) {
		fprintf(stderr, "swapvisor: --cpus %u: must be 1..%u\n",
			cfg->ncpus, VM_CPUS_MAX);
		return -EINVAL;
	}
	if (cfg->mem_size < VM_MEM_MIN || cfg->mem_size > VM_MEM_MAX ||
	    cfg->mem_size % (2u << 20)) {
		fprintf(stderr,
			"swapvisor: --mem %llu bytes: must be a multiple of 2 MiB in [4 MiB, 3 GiB]\n",
			(unsigned long long)cfg->mem_size);
		return -EINVAL;
	}
	return 0;
}

static int create_ram(struct vm *vm, uint64_t size)
{
	vm->ram_fd = memfd_create("swapvisor-ram", MFD_CLOEXEC);
	if (vm->ram_fd < 0 || ftruncate(vm->ram_fd, (off_t)size) < 0) {
		fprintf(stderr, "swapvisor: guest RAM (%llu MiB): %s\n",
			(unsigned long long)(size >> 20), strerror(errno));
		return -errno;
	}
	vm->ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->ram_fd, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		fprintf(stderr, "swapvisor: mapping guest RAM: %s\n", strerror(errno));
		return -errno;
	}
	vm->ram_size = size;

	struct memslot_table all_ram;
	int err = memslots_plan(&all_ram, size, NULL, 0, 0);
	return err ? err : memslots_install(vm->vm_fd, vm->ram, &vm->slots, &all_ram);
}

/* The in-kernel irqchip gives every vCPU a LAPIC (timer, IPIs); the TSS and
 * identity-map addresses only matter on Intel but are harmless elsewhere. */
static int create_irqchip(struct vm *vm)
{
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000ul) < 0 ||
	    ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		fprintf(stderr, "swapvisor: creating the in-kernel irqchip: %s\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

static int open_kvm(struct vm *vm)
{
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		fprintf(stderr, "swapvisor: /dev/kvm: %s (run it through tools/kvm-sandbox where there is no KVM)\n",
			strerror(errno));
		return -errno;
	}
	int err = kvm_check_caps(vm->kvm_fd);
	if (err)
		return err;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		fprintf(stderr, "swapvisor: KVM_CREATE_VM: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

static void init_sync(struct vm *vm)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&vm->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&vm->cond, &attr);
	pthread_condattr_destroy(&attr);
}

int vm_create(struct vm **out, const struct vm_config *cfg)
{
	struct vm *vm;
	int err = check_config(cfg);

	if (err)
		return err;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->kvm_fd = vm->vm_fd = vm->ram_fd = -1;
	vm->ncpus = cfg->ncpus;
	vm->trust = cfg->trust;
	vm->console = cfg->console ? cfg->console : stdout;
	vm->pause_depth = cfg->start_paused ? 1 : 0;
	atomic_store(&vm->pause_wanted, cfg->start_paused);
	init_sync(vm);

	err = open_kvm(vm);
	if (!err)
		err = create_irqchip(vm);
	if (!err)
		err = create_ram(vm, cfg->mem_size);
	if (!err)
		err = vcpus_create(vm);
	if (err) {
		vm_destroy(vm);
		return err;
	}
	vm->start_ns = monotonic_ns();
	*out = vm;
	return 0;
}

int vm_start(struct vm *vm)
{
	vm->start_ns = monotonic_ns();
	vm->stop_began_ns = vm->start_ns; /* a VM started paused stops from here */
	return vcpus_start(vm);
}

void vm_stop(struct vm *vm, int status)
{
	pthread_mutex_lock(&vm->lock);
	if (!atomic_load(&vm->stopping)) {
		vm->exit_status = status;
		atomic_store(&vm->stopping, true);
		vcpus_kick_all(vm);
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
}

int vm_wait(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	while (!atomic_load(&vm->stopping))
		pthread_cond_wait(&vm->cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);
	vcpus_join(vm);
	if (vm->exit_status == VM_EXIT_GUEST_CRASH)
		vcpus_dump_all(vm, stderr);
	return vm->exit_status;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	vcpus_destroy(vm);
	mirrors_release(vm);
	guest_control_release(vm);
	ring_device_teardown(vm);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	if (vm->ram_fd >= 0)
		close(vm->ram_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	pthread_cond_destroy(&vm->cond);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}
