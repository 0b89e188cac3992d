/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pure part of a mirror (mirror.c): two copies of one guest global in
 * guest-physical memory, its old layout and its new one, and which byte
 * ranges of the one are which of the other. Checking a mirror's
 * description and turning a write into one copy into the byte ranges the
 * other must take need no VM, so they live here and are unit-tested.
 * The semantics are those of the patcher's field_map_write
 * (patcher/field_map.h), which the VMM does not link.
 */
#ifndef SV_VMM_MIRROR_MAP_H
#define SV_VMM_MIRROR_MAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* old_off..old_off + len of the old copy is new_off.. of the new one. */
struct mirror_copy {
	uint64_t old_off, new_off, len;
};

struct mirror_spec {
	uint64_t old_gpa, new_gpa;   /* where each copy starts */
	uint64_t old_size, new_size; /* its bytes */
	struct mirror_copy *copies;
	size_t ncopies;
};

enum mirror_side { MIRROR_OLD, MIRROR_NEW };

/*
 * Checks what needs no VM: both copies non-empty and not wrapping the
 * address space, the copies' bytes disjoint (a byte in both would be two
 * things at once), and every copy range non-empty, inside both copies and
 * disjoint from the others on each side (so each mapped byte has exactly
 * one image). Returns 0, or -1 with a message naming the copy range or the
 * copies in err[0..errlen).
 */
int mirror_spec_check(const struct mirror_spec *spec, char *err, size_t errlen);

/*
 * A write of [off, off + len) into the `written` copy, as the byte ranges
 * of the other copy that must take its bytes: the parts of the copy ranges
 * the write overlaps, in out[0..max) (as mirror_copy, both offsets filled).
 * Returns how many there are, which may exceed max; 0 when the write
 * touches no mapped byte. The copies must have passed mirror_spec_check.
 */
size_t mirror_map_write(const struct mirror_copy *copies, size_t ncopies,
			enum mirror_side written, uint64_t off, uint64_t len,
			struct mirror_copy *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
