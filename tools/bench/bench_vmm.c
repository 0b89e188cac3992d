// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-vmm: the VMM's primitive costs, as JSON on stdout. Every figure is
 * also given as a ratio to the port-I/O exit round trip of the same run,
 * since absolute times on shared and nested (TCG) machines mean little.
 *
 *   bench-vmm GUEST_DIR     (the directory with bench_exits.elf, spin.elf,
 *                            stepper.elf; default: tests/guests of the build)
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "elf_symbols.h"
#include "vm.h"

#include <sv/abi.h>

#define PAUSE_ROUNDS 200
#define STEP_INSNS 2001 /* stepper.elf's loop, to loop_end */

struct bench_results {
	uint64_t rounds, io_cycles, hypercall_cycles;
};

static int boot(struct vm **vm, const char *kernel, unsigned ncpus, bool paused)
{
	struct vm_config cfg = { .ncpus = ncpus, .mem_size = 64ull << 20,
				 .console = stderr, .start_paused = paused };
	int err = vm_create(vm, &cfg);

	if (!err && (err = vm_load_kernel(*vm, kernel, NULL)) == 0)
		err = vm_start(*vm);
	if (!err && paused)
		err = vm_pause(*vm, NULL);
	return err;
}

static uint64_t guest_tsc_khz(struct vm *vm)
{
	uint64_t khz = 0;
	vm_read_phys(vm, vm->boot_info_gpa + offsetof(struct sv_boot_info, tsc_khz),
		     &khz, sizeof(khz));
	return khz;
}

/* Port I/O and hypercall round trips in microseconds. */
static int bench_exits(const char *dir, double *io_us, double *hc_us)
{
	char kernel[4096];
	struct bench_results r = { 0 };
	struct vm *vm;
	int err;

	snprintf(kernel, sizeof(kernel), "%s/bench_exits.elf", dir);
	err = boot(&vm, kernel, 1, false);
	if (err)
		return err;
	vm_wait(vm);
	uint64_t khz = guest_tsc_khz(vm);
	vm_read_phys(vm, elf_symbol(kernel, "bench_results"), &r, sizeof(r));
	vm_destroy(vm);
	if (!khz || !r.rounds)
		return -EIO;
	*io_us = (double)r.io_cycles / (double)r.rounds / (double)khz * 1000.0;
	*hc_us = (double)r.hypercall_cycles / (double)r.rounds / (double)khz * 1000.0;
	return 0;
}

/* Median of PAUSE_ROUNDS pause-all-and-resume round trips, microseconds. */
static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int bench_pause(const char *dir, unsigned ncpus, double *median_us)
{
	char kernel[4096];
	uint64_t samples[PAUSE_ROUNDS];
	struct vm *vm;
	int err;

	snprintf(kernel, sizeof(kernel), "%s/spin.elf", dir);
	err = boot(&vm, kernel, ncpus, false);
	for (int i = 0; !err && i < PAUSE_ROUNDS; i++) {
		uint64_t start = monotonic_ns();
		err = vm_pause(vm, NULL);
		if (!err)
			err = vm_resume(vm);
		samples[i] = monotonic_ns() - start;
		usleep(1000); /* let the vCPUs get back into the guest */
	}
	if (!err) {
		vm_stop(vm, 0);
		vm_wait(vm);
		qsort(samples, PAUSE_ROUNDS, sizeof(samples[0]), compare_u64);
		*median_us = (double)samples[PAUSE_ROUNDS / 2] / 1000.0;
	}
	if (vm)
		vm_destroy(vm);
	return err;
}

static int bench_single_step(const char *dir, double *us_per_insn)
{
	char kernel[4096];
	struct vm *vm;
	uint64_t rip, start;
	int err;

	snprintf(kernel, sizeof(kernel), "%s/stepper.elf", dir);
	err = boot(&vm, kernel, 1, true);
	if (err)
		return err;
	start = monotonic_ns();
	err = vcpu_single_step(vm, 0, STEP_INSNS, &rip);
	*us_per_insn = (double)(monotonic_ns() - start) / STEP_INSNS / 1000.0;
	vm_destroy(vm);
	if (!err && rip != elf_symbol(kernel, "loop_end"))
		err = -EIO;
	return err;
}

static json_t *measure(double us, double io_us)
{
	return json_pack("{s:f, s:f}", "us", us, "ratio_to_io_exit", us / io_us);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "build/tests/guests";
	double io_us, hc_us, step_us, pause_us;
	json_t *out = json_object(), *pause = json_object();
	static const unsigned cpus[] = { 1, 2, 4 };

	if (bench_exits(dir, &io_us, &hc_us) || bench_single_step(dir, &step_us)) {
		fprintf(stderr, "bench-vmm: a guest in %s did not run\n", dir);
		return 1;
	}
	json_object_set_new(out, "io_exit_round_trip", measure(io_us, io_us));
	json_object_set_new(out, "hypercall_round_trip", measure(hc_us, io_us));
	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		char key[16];
		if (bench_pause(dir, cpus[i], &pause_us))
			return 1;
		snprintf(key, sizeof(key), "%u_vcpus", cpus[i]);
		json_object_set_new(pause, key, measure(pause_us, io_us));
	}
	json_object_set_new(out, "pause_resume_round_trip_median", pause);
	json_object_set_new(out, "single_step_per_instruction", measure(step_us, io_us));
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	return 0;
}
