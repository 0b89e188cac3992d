/* Every vCPU starts here in 64-bit mode (VMM boot ABI, sv/abi.h):
 * rdi = boot info, rsi = CPU index, rsp = this CPU's boot stack. */
	.section .text.start, "ax"
	.globl _start
_start:
	xor %ebp, %ebp          /* the outermost frame: backtraces stop here */
	and $-16, %rsp
	call arch_boot          /* never returns */
1:	cli
	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
