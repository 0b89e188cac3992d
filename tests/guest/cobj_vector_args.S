/*
 * Helpers for cobj_vector_args_test.c, in assembly because the kernel is
 * built with -mgeneral-regs-only: its C can neither pass nor read vector
 * registers. The record layout is struct vector_probe in the test.
 */
#define SLOT 37      /* the method's slot: well past 0, so the stub number counts */

#define REC_RAX 8    /* rax (al: the vector registers a varargs call uses) */
#define REC_INTS 16  /* rdi, rsi, rdx, rcx, r8, r9 */
#define REC_VECS 64  /* xmm0..xmm7, 16 bytes each */
#define REC_CALLS 192

	.text

/* The method: records every argument register in the rep it was called on
 * (rdi), counts the call and returns that rep. */
	.globl vector_probe_take
	.balign 16
vector_probe_take:
	mov %rax, REC_RAX(%rdi)
	mov %rdi, REC_INTS + 0(%rdi)
	mov %rsi, REC_INTS + 8(%rdi)
	mov %rdx, REC_INTS + 16(%rdi)
	mov %rcx, REC_INTS + 24(%rdi)
	mov %r8, REC_INTS + 32(%rdi)
	mov %r9, REC_INTS + 40(%rdi)
	movdqu %xmm0, REC_VECS + 0(%rdi)
	movdqu %xmm1, REC_VECS + 16(%rdi)
	movdqu %xmm2, REC_VECS + 32(%rdi)
	movdqu %xmm3, REC_VECS + 48(%rdi)
	movdqu %xmm4, REC_VECS + 64(%rdi)
	movdqu %xmm5, REC_VECS + 80(%rdi)
	movdqu %xmm6, REC_VECS + 96(%rdi)
	movdqu %xmm7, REC_VECS + 112(%rdi)
	incq REC_CALLS(%rdi)
	mov %rdi, %rax
	ret

/* uint64_t vector_probe_call(coid_t id, const uint64_t ints[5],
 *                            const void *vecs);  (8 x 16 bytes)
 * Calls method SLOT of the object as CO_CALL does: one load of the rep
 * from the COID (this CPU's LTT entry), its ops from the rep's first word,
 * self in rdi; xmm0-7 from vecs, rsi..r9 from ints, al = 8 as for a
 * varargs call. Returns what the method returned. */
	.globl vector_probe_call
	.balign 16
vector_probe_call:
	push %rbp               /* the only callee-saved register used */
	mov %rsp, %rbp          /* rsp is now 16-aligned, as the call needs */
	movdqu 0(%rdx), %xmm0
	movdqu 16(%rdx), %xmm1
	movdqu 32(%rdx), %xmm2
	movdqu 48(%rdx), %xmm3
	movdqu 64(%rdx), %xmm4
	movdqu 80(%rdx), %xmm5
	movdqu 96(%rdx), %xmm6
	movdqu 112(%rdx), %xmm7
	mov (%rdi), %rdi        /* DREF: the entry's rep */
	mov (%rdi), %rax        /* its ops */
	mov SLOT * 8(%rax), %r11
	mov %rsi, %r10
	mov 0(%r10), %rsi
	mov 8(%r10), %rdx
	mov 16(%r10), %rcx
	mov 24(%r10), %r8
	mov 32(%r10), %r9
	mov $8, %eax
	call *%r11
	leave
	ret

/* Sets xmm0-15 to all ones. The test's rep constructor calls it: it runs
 * inside the miss, where the ABI lets any code built with SSE clobber
 * every vector register, so only the trampoline's save and restore can
 * bring the caller's arguments back. */
	.globl vector_probe_clobber
	.balign 16
vector_probe_clobber:
	pcmpeqd %xmm0, %xmm0
	pcmpeqd %xmm1, %xmm1
	pcmpeqd %xmm2, %xmm2
	pcmpeqd %xmm3, %xmm3
	pcmpeqd %xmm4, %xmm4
	pcmpeqd %xmm5, %xmm5
	pcmpeqd %xmm6, %xmm6
	pcmpeqd %xmm7, %xmm7
	pcmpeqd %xmm8, %xmm8
	pcmpeqd %xmm9, %xmm9
	pcmpeqd %xmm10, %xmm10
	pcmpeqd %xmm11, %xmm11
	pcmpeqd %xmm12, %xmm12
	pcmpeqd %xmm13, %xmm13
	pcmpeqd %xmm14, %xmm14
	pcmpeqd %xmm15, %xmm15
	ret

	.section .note.GNU-stack, "", @progbits
