// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdint.h>

#include <sv/hypercall.h>

#include <arch/cpu.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/string.h>

/* Follows saved frame pointers from rbp while they stay inside RAM the
 * kernel could have used as a stack; frame 0 is rip itself. */
static unsigned backtrace(uint64_t rbp, uint64_t rip, uint64_t *frames)
{
	unsigned n = 0;

	frames[n++] = rip;
	while (rbp && !(rbp & 7) && rbp >= 0x1000 && n < SV_PANIC_FRAMES_MAX) {
		const uint64_t *frame = (const uint64_t *)rbp;
		if (!frame[1])
			break;
		frames[n++] = frame[1];
		if (frame[0] <= rbp) /* stacks grow down: callers' frames are higher */
			break;
		rbp = frame[0];
	}
	return n;
}

static void __attribute__((noreturn)) vpanic(uint64_t rbp, uint64_t rip, const char *fmt, va_list ap)
{
	static char msg[512];
	static uint64_t frames[SV_PANIC_FRAMES_MAX];
	static int panicking;
	struct sv_hc_panic p;

	irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL))
		for (;;) /* another CPU is reporting; the VM ends with it */
			halt();
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	p = (struct sv_hc_panic){
		.msg = (uintptr_t)msg, .msg_len = n < (int)sizeof(msg) ? (uint64_t)n : sizeof(msg) - 1,
		.frames = (uintptr_t)frames, .nframes = backtrace(rbp, rip, frames),
	};
	sv_hypercall(SV_HC_PANIC, &p);
	for (;;)
		halt();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* Our frame's saved rbp is the caller's frame: start there. */
	vpanic(*(uint64_t *)__builtin_frame_address(0),
	       (uint64_t)__builtin_return_address(0), fmt, ap);
}

void panic_at(uint64_t rbp, uint64_t rip, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(rbp, rip, fmt, ap);
}
