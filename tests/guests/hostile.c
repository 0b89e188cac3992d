// SPDX-License-Identifier: GPL-2.0-only
/*
 * Passes the VMM every kind of bad hypercall argument and checks each is
 * answered with an error code while the VM keeps running; then checks a
 * good call still works. The host test expects the VMM to count exactly
 * HOSTILE_CALLS refusals.
 */
#include "guest.h"

static int64_t call_at(unsigned nr, uint64_t arg_gpa)
{
	uint64_t ret = arg_gpa;

	__asm__ volatile("outl %k0, %w1" : "+a"(ret) : "Nd"((uint16_t)(SV_HC_BASE + nr))
			 : "memory");
	return (int64_t)ret;
}

static struct sv_hc_puts puts_arg;
static struct sv_hc_test_report report_arg;
static char text[] = "hostile guest still alive\n";

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	uint64_t ram = bi->ram_size;
	bool ok = true;

	if (cpu != 0)
		for (;;)
			__asm__ volatile("hlt");

	ok &= GUEST_CHECK("null argument", call_at(SV_HC_PUTS, 0) == SV_EFAULT);
	ok &= GUEST_CHECK("argument beyond RAM", call_at(SV_HC_PUTS, ram + 4096) == SV_EFAULT);
	ok &= GUEST_CHECK("argument straddling RAM end", call_at(SV_HC_PUTS, ram - 8) == SV_EFAULT);
	ok &= GUEST_CHECK("argument at 4 GiB - 8", call_at(SV_HC_PUTS, 0xfffffff8u) == SV_EFAULT);
	ok &= GUEST_CHECK("unaligned argument",
			  call_at(SV_HC_PUTS, (uintptr_t)&puts_arg + 1) == SV_EINVAL);
	ok &= GUEST_CHECK("unknown hypercall", call_at(SV_HC_MAX, (uintptr_t)&puts_arg) == SV_ENOSYS);

	puts_arg = (struct sv_hc_puts){ .data = UINT64_MAX - 2, .len = 16 };
	ok &= GUEST_CHECK("string address overflow", sv_hypercall(SV_HC_PUTS, &puts_arg) == SV_EFAULT);
	puts_arg = (struct sv_hc_puts){ .data = (uintptr_t)text, .len = UINT64_MAX };
	ok &= GUEST_CHECK("string length overflow", sv_hypercall(SV_HC_PUTS, &puts_arg) == SV_EINVAL);
	puts_arg = (struct sv_hc_puts){ .data = ram - 4, .len = 16 };
	ok &= GUEST_CHECK("string past RAM end", sv_hypercall(SV_HC_PUTS, &puts_arg) == SV_EFAULT);
	report_arg = (struct sv_hc_test_report){ .name = (uintptr_t)text, .name_len = 4, .passed = 7 };
	ok &= GUEST_CHECK("bad verdict", sv_hypercall(SV_HC_TEST_REPORT, &report_arg) == SV_EINVAL);
	struct sv_hc_exit bad_exit = { .status = 1000 };
	ok &= GUEST_CHECK("exit status out of range", sv_hypercall(SV_HC_EXIT, &bad_exit) == SV_EINVAL);

	puts_arg = (struct sv_hc_puts){ .data = (uintptr_t)text, .len = sizeof(text) - 1 };
	ok &= GUEST_CHECK("good puts after bad ones", sv_hypercall(SV_HC_PUTS, &puts_arg) == SV_OK);
	sv_exit(ok ? 0 : 1);
}
