/* Entry of every test guest: the VMM gives us 64-bit mode, a stack, the boot
 * info in rdi and the CPU index in rsi; guest_main(boot_info, cpu) never
 * returns (it exits through the exit hypercall). */
	.section .text.start, "ax"
	.globl _start
_start:
	xor %ebp, %ebp          /* ends frame-pointer backtraces */
	and $-16, %rsp
	call guest_main
1:	cli
	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
