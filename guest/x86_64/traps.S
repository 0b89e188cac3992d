/* Interrupt and exception entry: every vector gets a stub that pushes a
 * uniform frame (struct trap_frame) and calls trap_dispatch(frame). */

	.altmacro

/* Exceptions that push an error code themselves. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.macro trap_stub vector
	.balign 16
	.if HAS_ERROR_CODE(\vector) == 0
	push $0
	.endif
	push $\vector
	jmp trap_common
	.endm

	.text
	.globl trap_stubs
	.balign 16
trap_stubs:
	.set v, 0
	.rept 256
	trap_stub %v
	.set v, v + 1
	.endr

trap_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	cld
	mov %rsp, %rdi
	call trap_dispatch
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp           /* vector and error code */
	iretq

	.section .note.GNU-stack, "", @progbits
