// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypercall handlers. The guest is untrusted: each handler copies the
 * argument struct out of guest memory once (so the guest cannot change it
 * under our feet), checks every field, and answers an SV_E* code for
 * anything it cannot accept. Rejections are counted in vm->bad_hypercalls.
 */
#include <string.h>

#include <sv/abi.h>

#include "clock.h"
#include "elf_symbols.h"
#include "io.h"

struct hypercall_def {
	size_t arg_size;
	int64_t (*handle)(struct vcpu *v, void *arg);
};

/* A guest string: inside RAM and no longer than SV_PUTS_MAX. */
static const char *guest_string(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (len > SV_PUTS_MAX)
		return NULL;
	return vm_phys_ptr(vm, gpa, len);
}

static int64_t hc_puts(struct vcpu *v, void *arg)
{
	struct sv_hc_puts *a = arg;
	const char *s = guest_string(v->vm, a->data, a->len);

	if (!s)
		return a->len > SV_PUTS_MAX ? SV_EINVAL : SV_EFAULT;
	flockfile(v->vm->console);
	fwrite_unlocked(s, 1, a->len, v->vm->console);
	fflush_unlocked(v->vm->console);
	funlockfile(v->vm->console);
	return SV_OK;
}

static int64_t hc_exit(struct vcpu *v, void *arg)
{
	struct sv_hc_exit *a = arg;

	if (a->status >= VM_EXIT_SETUP_ERROR)
		return SV_EINVAL;
	vm_stop(v->vm, (int)a->status);
	return SV_OK;
}

static const char *const verdicts[] = {
	[SV_TEST_FAILED] = "FAIL",
	[SV_TEST_PASSED] = "PASS",
	[SV_TEST_SKIPPED] = "SKIP",
};

static int64_t hc_test_report(struct vcpu *v, void *arg)
{
	struct sv_hc_test_report *a = arg;
	const char *name = guest_string(v->vm, a->name, a->name_len);
	const char *msg = a->msg_len ? guest_string(v->vm, a->msg, a->msg_len) : "";
	uint64_t now, took;

	if (!name || !msg)
		return (a->name_len > SV_PUTS_MAX || a->msg_len > SV_PUTS_MAX) ?
			       SV_EINVAL : SV_EFAULT;
	if (a->name_len == 0 || a->passed > SV_TEST_SKIPPED)
		return SV_EINVAL;
	now = vm_uptime_ns(v->vm);
	took = now - atomic_exchange(&v->vm->last_report_ns, now);
	/* The time since the previous report: the guest runs its tests one
	 * after another, so a slow one shows in the log that boots them. */
	fprintf(stderr, "swapvisor: guest test %s %.*s in %.3f s", verdicts[a->passed],
		(int)a->name_len, name, (double)took / 1e9);
	if (a->line)
		fprintf(stderr, " (line %u)", a->line);
	fprintf(stderr, "%s%.*s\n", a->msg_len ? ": " : "", (int)a->msg_len, msg);
	return SV_OK;
}

static int64_t hc_time(struct vcpu *v, void *arg)
{
	struct sv_hc_time *a = arg;

	(void)v;
	a->ns = monotonic_ns();
	return SV_OK;
}

static void print_frame(struct vm *vm, unsigned i, uint64_t addr)
{
	char name[256];
	uint64_t offset;

	if (elf_symbolize(vm->kernel_path, addr, name, sizeof(name), &offset) == 0)
		fprintf(stderr, "  #%-2u %#llx %s+%#llx\n", i, (unsigned long long)addr,
			name, (unsigned long long)offset);
	else
		fprintf(stderr, "  #%-2u %#llx ?\n", i, (unsigned long long)addr);
}

/* The guest's last words: its message and a backtrace the VMM names with
 * the kernel's symbols, then the VM ends with VM_EXIT_GUEST_PANIC. */
static int64_t hc_panic(struct vcpu *v, void *arg)
{
	struct sv_hc_panic *a = arg;
	const char *msg = guest_string(v->vm, a->msg, a->msg_len);
	const uint64_t *frames = a->nframes <= SV_PANIC_FRAMES_MAX ?
		vm_phys_ptr(v->vm, a->frames, a->nframes * sizeof(uint64_t)) : NULL;

	if (!msg || (a->nframes && !frames))
		return a->nframes > SV_PANIC_FRAMES_MAX ? SV_EINVAL : SV_EFAULT;
	fprintf(stderr, "swapvisor: guest panic on vCPU %u: %.*s\n", v->index,
		(int)a->msg_len, msg);
	for (unsigned i = 0; i < a->nframes; i++)
		print_frame(v->vm, i, frames[i]);
	vm_stop(v->vm, VM_EXIT_GUEST_PANIC);
	return SV_OK;
}

static const struct hypercall_def hypercalls[SV_HC_MAX] = {
	[SV_HC_PUTS] = { sizeof(struct sv_hc_puts), hc_puts },
	[SV_HC_EXIT] = { sizeof(struct sv_hc_exit), hc_exit },
	[SV_HC_TEST_REPORT] = { sizeof(struct sv_hc_test_report), hc_test_report },
	[SV_HC_TIME] = { sizeof(struct sv_hc_time), hc_time },
	[SV_HC_PANIC] = { sizeof(struct sv_hc_panic), hc_panic },
};

#define HC_ARG_MAX 64

static int64_t dispatch(struct vcpu *v, unsigned nr, uint32_t arg_gpa)
{
	const struct hypercall_def *def;
	uint8_t arg[HC_ARG_MAX];
	int64_t ret;

	if (nr >= SV_HC_MAX || !hypercalls[nr].handle)
		return SV_ENOSYS;
	def = &hypercalls[nr];
	if (arg_gpa < VM_PAGE_SIZE)
		return SV_EFAULT;
	if (arg_gpa % 8)
		return SV_EINVAL;
	if (vm_read_phys(v->vm, arg_gpa, arg, def->arg_size))
		return SV_EFAULT;
	ret = def->handle(v, arg);
	if (ret == SV_OK)
		vm_write_phys(v->vm, arg_gpa, arg, def->arg_size); /* outputs */
	return ret;
}

int64_t hypercall(struct vcpu *v, unsigned nr, uint32_t arg_gpa)
{
	int64_t ret = dispatch(v, nr, arg_gpa);

	if (ret != SV_OK)
		atomic_fetch_add(&v->vm->bad_hypercalls, 1);
	return ret;
}
