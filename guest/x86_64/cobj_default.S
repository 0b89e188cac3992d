/*
 * The default object (seed 000 §2): an interface of CO_METHODS_MAX slots,
 * each a stub that puts its method number in r11 (not an argument
 * register) and jumps to one trampoline. The trampoline saves every
 * argument register (six integer, al for varargs, eight vector), asks
 * co_handle_miss(self, method) for this CPU's rep, then restores them and
 * jumps to the same method of that rep with self replaced: the caller's
 * return address and stack arguments are untouched, so the call simply
 * restarts. Vector registers are saved whole (movdqu) though the kernel
 * itself is built without SSE: callers compiled with it must see their
 * arguments arrive.
 */
#define METHODS 256

	.text
	.balign 16
co_miss_trampoline:
	push %rbp
	mov %rsp, %rbp
	sub $192, %rsp          /* 8 integer slots + 8 vector; rsp stays 16-aligned */
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
	mov %r11d, %esi
	call co_handle_miss     /* rax = the rep to restart on */
	mov %rax, %rdi
	mov 56(%rsp), %r11
	mov (%rax), %r10        /* its ops */
	mov (%r10,%r11,8), %r11 /* the method */
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

	.macro miss_stub n
	.balign 16
co_miss_stub_\n:
	mov $\n, %r11d
	jmp co_miss_trampoline
	.endm

	.altmacro
	.balign 16
co_miss_stubs:
	.set n, 0
	.rept METHODS
	miss_stub %n
	.set n, n + 1
	.endr

	.macro stub_address n
	.quad co_miss_stub_\n
	.endm

	/* Read-only once relocated (hosted tests are position-independent). */
	.section .data.rel.ro, "aw"
	.balign 8
	.globl co_default_ops
co_default_ops:
	.set n, 0
	.rept METHODS
	stub_address %n
	.set n, n + 1
	.endr

	.section .note.GNU-stack, "", @progbits
