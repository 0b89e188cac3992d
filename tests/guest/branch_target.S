/*
 * A function of the test kernel no binary patch may replace: its loop
 * branches back to offset 2, inside the 5 bytes a jmp rel32 at its entry
 * would overwrite, so a thread looping there would land in the middle of
 * the jump. Nothing calls it; tests/patches/branch_into_entry.c names it
 * and the monitor must refuse the bundle (docs/binary-patching.md, rule 3).
 */
	.text
	.globl branch_target
	.type branch_target, @function
	.balign 16
/* Counts edi down to zero: returns how many steps it took. */
branch_target:
	xor %eax, %eax          /* offset 0, 2 bytes */
1:	inc %eax                /* offset 2: the loop's target */
	dec %edi
	jg 1b
	ret
	.size branch_target, . - branch_target
