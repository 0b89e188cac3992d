/* SPDX-License-Identifier: GPL-2.0-only */
/* What lg_verify (verify.h) makes of one answer; plain C, so the C++
 * tests can name the verdicts too. */
#ifndef SV_LOADGEN_VERDICT_H
#define SV_LOADGEN_VERDICT_H

enum lg_verdict {
	LG_VERDICT_WRONG,
	LG_VERDICT_RIGHT,
	/* An SV_OP_CHECKSUM answer, right either way: the checksum-fix binary
	 * patch changes which sum the guest gives while the load runs. */
	LG_VERDICT_SUM_RIGHT, /* the Adler-32 (also a file with no byte >= 0x80) */
	LG_VERDICT_SUM_BUGGY, /* the kernel's known bug: bytes summed as signed char */
};

#endif
