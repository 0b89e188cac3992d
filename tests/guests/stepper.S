/* A loop of known length for the single-step test: from _start to
 * loop_end the CPU executes exactly 1 + 2 * STEPPER_ITERATIONS
 * instructions (mov, then dec and jnz per iteration). */
#define STEPPER_ITERATIONS 1000

	.section .text.start, "ax"
	.globl _start, loop_end
_start:
	mov $STEPPER_ITERATIONS, %ecx
1:	dec %ecx
	jnz 1b
loop_end:
	lea exit_arg(%rip), %rax
	mov $0x502, %dx         /* SV_HC_BASE + SV_HC_EXIT */
	outl %eax, %dx
2:	hlt
	jmp 2b

	.section .data
	.balign 8
exit_arg:
	.quad 0                 /* struct sv_hc_exit: status 0 */

	.section .note.GNU-stack, "", @progbits
