/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Macros shared by the clustered-object trampolines (the default object's
 * and the interposer's .S files).
 *
 * A call frame is struct co_call's first 192 bytes (kernel/co_interpose.h):
 * rdi .. r9 at 0 .. 40, rax (al: a variadic call's vector count) at 48,
 * the method number at 56, xmm0 .. xmm7 at 64 .. 176. Vector registers are
 * saved whole (movdqu) though the kernel itself is built without SSE:
 * callers compiled with it must see their arguments arrive.
 */
#define CO_STUB_SLOTS 256  /* CO_METHODS_MAX */
#define CO_CALL_SAVED 192  /* bytes of the frame co_save_call fills */

/* Opens a frame of `size` bytes (a multiple of 16, at least
 * CO_CALL_SAVED) on the caller's stack and saves the call in it; rsp
 * points at it, 16-byte aligned. */
	.macro co_save_call size
	push %rbp
	mov %rsp, %rbp
	sub $\size, %rsp
	mov %rdi, 0(%rsp)
	mov %rsi, 8(%rsp)
	mov %rdx, 16(%rsp)
	mov %rcx, 24(%rsp)
	mov %r8, 32(%rsp)
	mov %r9, 40(%rsp)
	mov %rax, 48(%rsp)
	mov %r11, 56(%rsp)
	movdqu %xmm0, 64(%rsp)
	movdqu %xmm1, 80(%rsp)
	movdqu %xmm2, 96(%rsp)
	movdqu %xmm3, 112(%rsp)
	movdqu %xmm4, 128(%rsp)
	movdqu %xmm5, 144(%rsp)
	movdqu %xmm6, 160(%rsp)
	movdqu %xmm7, 176(%rsp)
	.endm

/* Restarts the saved call on the rep in rax: self becomes that rep, the
 * other arguments come back from the frame, the frame is closed and the
 * rep's method of the same number is jumped to, so it returns straight to
 * the caller (or wherever the return slot now says). */
	.macro co_restart_call
	mov %rax, %rdi
	mov 56(%rsp), %r11
	mov (%rax), %r10        /* the rep's ops */
	mov (%r10,%r11,8), %r11 /* its method */
	mov 8(%rsp), %rsi
	mov 16(%rsp), %rdx
	mov 24(%rsp), %rcx
	mov 32(%rsp), %r8
	mov 40(%rsp), %r9
	mov 48(%rsp), %rax
	movdqu 64(%rsp), %xmm0
	movdqu 80(%rsp), %xmm1
	movdqu 96(%rsp), %xmm2
	movdqu 112(%rsp), %xmm3
	movdqu 128(%rsp), %xmm4
	movdqu 144(%rsp), %xmm5
	movdqu 160(%rsp), %xmm6
	movdqu 176(%rsp), %xmm7
	leave
	jmp *%r11
	.endm

/* `co_stub_table table, trampoline` emits CO_STUB_SLOTS stubs, each
 * putting its method number in r11d (not an argument register) and
 * jumping to `trampoline`, and `table`, the interface of their addresses.
 * Every stub fits one 16-byte slot: stub n is at table_stubs + 16 * n. */
	.macro co_stub_table table, trampoline
	.text
	.balign 16
\table\()_stubs:
	.set co_stub_n, 0
	.rept CO_STUB_SLOTS
	.balign 16
	mov $co_stub_n, %r11d
	jmp \trampoline
	.set co_stub_n, co_stub_n + 1
	.endr

	/* Read-only once relocated (hosted tests are position-independent). */
	.section .data.rel.ro, "aw"
	.balign 8
	.globl \table
\table:
	.set co_stub_n, 0
	.rept CO_STUB_SLOTS
	.quad \table\()_stubs + 16 * co_stub_n
	.set co_stub_n, co_stub_n + 1
	.endr
	.text
	.endm
