/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One compare-then-write of guest-physical memory: the bytes a client saw
 * (old) and the bytes it wants there (new). Plain data, shared by the
 * control request parser and the machine API (vm_write_if_unchanged).
 */
#ifndef SV_VMM_PHYS_WRITE_H
#define SV_VMM_PHYS_WRITE_H

#include <stdint.h>

#define PHYS_WRITE_LEN_MAX 64u /* bytes of one write: a patched entry and more */

struct phys_write {
	uint64_t gpa;
	unsigned len; /* 1..PHYS_WRITE_LEN_MAX */
	uint8_t old_bytes[PHYS_WRITE_LEN_MAX];
	uint8_t new_bytes[PHYS_WRITE_LEN_MAX];
};

#endif
