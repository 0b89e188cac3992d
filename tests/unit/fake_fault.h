/* SPDX-License-Identifier: GPL-2.0-only */
/* How the fake guest can misbehave (fake_guest.h); plain C, so the C++
 * tests can name the faults too. */
#ifndef SV_TEST_FAKE_FAULT_H
#define SV_TEST_FAKE_FAULT_H

enum fake_fault {
	FAKE_FAULT_NONE,
	/* ring-level: the completion itself is bad */
	FAKE_FAULT_SLOT_OUT_OF_RANGE,
	FAKE_FAULT_SLOT_NOT_OUTSTANDING,
	FAKE_FAULT_WRONG_TAG,
	FAKE_FAULT_LEN_TOO_BIG,
	FAKE_FAULT_UNKNOWN_STATUS,
	/* service-level: a well-formed completion with a wrong answer */
	FAKE_FAULT_WRONG_CONTENT, /* a READ's data has a byte flipped */
	FAKE_FAULT_WRONG_SIZE,    /* an APPEND reports a size one too big */
	FAKE_FAULT_WRONG_SUM,     /* a CHECKSUM answers a sum one too big */
	FAKE_FAULT_DROP,          /* the request is taken and never completed */
};

#endif
