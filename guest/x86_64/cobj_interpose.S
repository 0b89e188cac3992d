/*
 * The interposer (kernel/co_interpose.h): an interface of CO_METHODS_MAX
 * stubs whose trampoline saves the call as a struct co_call and hands it
 * to co_interpose_enter, which runs the wrapper's precall and answers the
 * rep to go on to; the call restarts there with the arguments the precall
 * left. When a postcall is due, enter has swapped the caller's return
 * address for co_interpose_return, which saves the return value, lets
 * co_interpose_leave run the postcall and answer the caller's address,
 * and returns there.
 */
#include "cobj_trampoline.h"

#define CALL_SIZE 224       /* sizeof(struct co_call) */
#define CALL_STACK_ARGS 192
#define CALL_RETURN_SLOT 200
#define RETURN_SIZE 64      /* sizeof(struct co_return) */

	.text
	.balign 16
co_interpose_trampoline:
	co_save_call CALL_SIZE
	lea 16(%rbp), %r10      /* above the return address: stack arguments */
	mov %r10, CALL_STACK_ARGS(%rsp)
	lea 8(%rbp), %r10
	mov %r10, CALL_RETURN_SLOT(%rsp)
	mov %rsp, %rdi
	call co_interpose_enter /* rax = the rep to go on to */
	co_restart_call

	/* Reached by the callee's ret: rsp is the caller's again, 16-byte
	 * aligned, with the return value in rax:rdx or xmm0:xmm1. */
	.balign 16
	.globl co_interpose_return
co_interpose_return:
	sub $8, %rsp            /* the slot the caller's address returns to */
	push %rbp
	mov %rsp, %rbp
	sub $RETURN_SIZE, %rsp
	mov %rax, 0(%rsp)
	mov %rdx, 8(%rsp)
	movdqu %xmm0, 16(%rsp)
	movdqu %xmm1, 32(%rsp)
	mov %rsp, %rdi
	call co_interpose_leave /* rax = the caller's return address */
	mov %rax, 8(%rbp)
	mov 0(%rsp), %rax
	mov 8(%rsp), %rdx
	movdqu 16(%rsp), %xmm0
	movdqu 32(%rsp), %xmm1
	leave
	ret

	co_stub_table co_interposer_ops, co_interpose_trampoline

	.section .note.GNU-stack, "", @progbits
