// SPDX-License-Identifier: GPL-2.0-only
#include "machine_scenarios.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vm.h"

#define SPIN_WAIT_MS 60000

static int boot(struct vm **vm, const char *kernel, unsigned ncpus, bool paused)
{
	struct vm_config cfg = {
		.ncpus = ncpus, .mem_size = 64ull << 20, .console = stderr,
		.start_paused = paused,
	};
	int err = vm_create(vm, &cfg);

	if (err)
		return err;
	err = vm_load_kernel(*vm, kernel, NULL);
	if (!err)
		err = vm_start(*vm);
	if (!err && paused)
		err = vm_pause(*vm, NULL); /* returns once every vCPU has parked */
	if (err)
		vm_destroy(*vm);
	return err;
}

/* Resumes a VM booted paused: the start pause and the waiting pause. */
static void release(struct vm *vm)
{
	vm_resume(vm);
	vm_resume(vm);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int scenario_single_step(const char *kernel, uint64_t until, uint64_t limit,
			 uint64_t *steps, uint64_t *rip_after_batch)
{
	struct vm *vm;
	uint64_t rip = 0;
	int err = boot(&vm, kernel, 1, true);

	if (err)
		return err;
	for (*steps = 0; !err && rip != until && *steps < limit; ++*steps)
		err = vcpu_single_step(vm, 0, 1, &rip);
	vm_destroy(vm);
	if (err || rip != until)
		return err ? err : -ERANGE;

	err = boot(&vm, kernel, 1, true);
	if (err)
		return err;
	err = vcpu_single_step(vm, 0, (unsigned)*steps, rip_after_batch);
	vm_destroy(vm);
	return err;
}

struct protect_ctx {
	struct protect_result *res;
	uint32_t refused;
};

static bool log_write(void *opaque, unsigned cpu, uint64_t gpa, const void *data,
		      unsigned len)
{
	struct protect_ctx *ctx = opaque;
	struct protect_result *res = ctx->res;
	struct trapped_write w = { .gpa = gpa, .len = len, .cpu = cpu };

	memcpy(&w.value, data, len);
	if (res->nwrites < PROTECT_LOG_MAX)
		res->writes[res->nwrites++] = w;
	return !(len == 4 && (uint32_t)w.value == ctx->refused);
}

int scenario_protect(const char *kernel, uint64_t page_gpa, uint32_t refused,
		     struct protect_result *res)
{
	struct protect_ctx ctx = { .res = res, .refused = refused };
	struct vm *vm;
	int err = boot(&vm, kernel, 1, true), id;

	if (err)
		return err;
	memset(res, 0, sizeof(*res));
	id = vm_protect(vm, page_gpa, VM_PAGE_SIZE, log_write, &ctx);
	if (id < 0) {
		vm_destroy(vm);
		return id;
	}
	release(vm);
	res->exit_status = vm_wait(vm);
	res->mmio_exits = atomic_load(&vm->vcpus[0].exits[EXIT_MMIO]);
	vm_destroy(vm);
	return 0;
}

int scenario_dirty_log(const char *kernel, uint64_t buffer_gpa, unsigned npages,
		       uint64_t *dirty)
{
	struct vm *vm;
	uint64_t bitmap[(64ull << 20) / VM_PAGE_SIZE / 64];
	int err = boot(&vm, kernel, 1, true);

	if (err)
		return err;
	err = vm_dirty_log_start(vm);
	if (!err) {
		release(vm);
		vm_wait(vm);
		err = vm_dirty_log_fetch(vm, bitmap, sizeof(bitmap) / sizeof(bitmap[0]));
	}
	*dirty = 0;
	for (unsigned i = 0; !err && i < npages && i < 64; i++) {
		uint64_t page = buffer_gpa / VM_PAGE_SIZE + i;
		if (bitmap[page / 64] >> (page % 64) & 1)
			*dirty |= 1ull << i;
	}
	vm_destroy(vm);
	return err;
}

static int wait_ready(struct vm *vm, uint64_t ready_gpa)
{
	uint64_t ready = 0;

	for (int ms = 0; ms < SPIN_WAIT_MS && !ready; ms += 10) {
		vm_read_phys(vm, ready_gpa, &ready, sizeof(ready));
		sleep_ms(10);
	}
	return ready ? 0 : -ETIMEDOUT;
}

static bool all_moved(struct vm *vm, uint64_t progress_gpa, const uint64_t *before)
{
	uint64_t now[VM_CPUS_MAX];

	vm_read_phys(vm, progress_gpa, now, vm->ncpus * sizeof(now[0]));
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (now[i] == before[i])
			return false;
	return true;
}

static void check_paused(struct vm *vm, uint64_t progress_gpa, struct pause_result *res)
{
	uint64_t before[VM_CPUS_MAX], after[VM_CPUS_MAX];
	size_t size = vm->ncpus * sizeof(before[0]);

	res->all_parked = 1;
	for (unsigned i = 0; i < vm->ncpus; i++)
		res->all_parked &= atomic_load(&vm->vcpus[i].state) == VCPU_PAUSED;
	vm_read_phys(vm, progress_gpa, before, size);
	sleep_ms(300);
	vm_read_phys(vm, progress_gpa, after, size);
	res->frozen = memcmp(before, after, size) == 0;
}

int scenario_pause_resume(const char *kernel, unsigned ncpus, uint64_t ready_gpa,
			  uint64_t progress_gpa, struct pause_result *res)
{
	uint64_t at_resume[VM_CPUS_MAX];
	struct vm *vm;
	int err = boot(&vm, kernel, ncpus, false);

	if (err)
		return err;
	memset(res, 0, sizeof(*res));
	err = wait_ready(vm, ready_gpa);
	if (!err)
		err = vm_pause(vm, &res->pause_ns);
	if (!err) {
		check_paused(vm, progress_gpa, res);
		vm_read_phys(vm, progress_gpa, at_resume, ncpus * sizeof(at_resume[0]));
		err = vm_resume(vm);
	}
	for (int ms = 0; !err && ms < SPIN_WAIT_MS && !res->moved_after_resume; ms += 10) {
		sleep_ms(10);
		res->moved_after_resume = all_moved(vm, progress_gpa, at_resume);
	}
	vm_stop(vm, 0);
	vm_wait(vm);
	vm_destroy(vm);
	return err;
}
