// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mirror descriptions checked, and writes mapped from one copy to the
 * other. The copy list is searched linearly: a trapped write costs a VM
 * exit (microseconds), against which a scan of a field map's copies
 * (tens, at most CONTROL_MIRROR_COPIES_MAX) does not show.
 */
#include <stdbool.h>
#include <stdio.h>

#include "mirror_map.h"

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool wraps(uint64_t at, uint64_t len)
{
	return at + len < at;
}

/* The copy range inside [0, size) of its side, as offset and length. */
static bool inside(uint64_t off, uint64_t len, uint64_t size)
{
	return len <= size && off <= size - len;
}

static int check_copy(const struct mirror_spec *spec, size_t i, char *err, size_t errlen)
{
	const struct mirror_copy *c = &spec->copies[i];

	if (c->len == 0) {
		snprintf(err, errlen, "copies[%zu] has length 0", i);
		return -1;
	}
	if (!inside(c->old_off, c->len, spec->old_size) ||
	    !inside(c->new_off, c->len, spec->new_size)) {
		snprintf(err, errlen,
			 "copies[%zu] [%llu, %llu, %llu] runs past the old copy's %llu bytes or the new copy's %llu",
			 i, (unsigned long long)c->old_off, (unsigned long long)c->new_off,
			 (unsigned long long)c->len, (unsigned long long)spec->old_size,
			 (unsigned long long)spec->new_size);
		return -1;
	}
	for (size_t j = 0; j < i; j++) {
		const struct mirror_copy *d = &spec->copies[j];
		const char *side = overlap(c->old_off, c->len, d->old_off, d->len) ? "old" :
				   overlap(c->new_off, c->len, d->new_off, d->len) ? "new" : NULL;

		if (side) {
			snprintf(err, errlen, "copies[%zu] overlaps copies[%zu] in the %s copy",
				 i, j, side);
			return -1;
		}
	}
	return 0;
}

int mirror_spec_check(const struct mirror_spec *spec, char *err, size_t errlen)
{
	if (spec->old_size == 0 || spec->new_size == 0) {
		snprintf(err, errlen, "a copy of 0 bytes (old_size %llu, new_size %llu)",
			 (unsigned long long)spec->old_size, (unsigned long long)spec->new_size);
		return -1;
	}
	if (wraps(spec->old_gpa, spec->old_size) || wraps(spec->new_gpa, spec->new_size)) {
		snprintf(err, errlen, "the %s copy at 0x%llx runs past the end of the 64-bit address space",
			 wraps(spec->old_gpa, spec->old_size) ? "old" : "new",
			 (unsigned long long)(wraps(spec->old_gpa, spec->old_size) ?
					      spec->old_gpa : spec->new_gpa));
		return -1;
	}
	if (overlap(spec->old_gpa, spec->old_size, spec->new_gpa, spec->new_size)) {
		snprintf(err, errlen, "the old copy [0x%llx, 0x%llx) and the new copy [0x%llx, 0x%llx) overlap",
			 (unsigned long long)spec->old_gpa,
			 (unsigned long long)(spec->old_gpa + spec->old_size),
			 (unsigned long long)spec->new_gpa,
			 (unsigned long long)(spec->new_gpa + spec->new_size));
		return -1;
	}
	for (size_t i = 0; i < spec->ncopies; i++)
		if (check_copy(spec, i, err, errlen))
			return -1;
	return 0;
}

size_t mirror_map_write(const struct mirror_copy *copies, size_t ncopies,
			enum mirror_side written, uint64_t off, uint64_t len,
			struct mirror_copy *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ncopies; i++) {
		const struct mirror_copy *c = &copies[i];
		uint64_t at = written == MIRROR_OLD ? c->old_off : c->new_off;
		uint64_t lo = off > at ? off : at;
		uint64_t hi = off + len < at + c->len ? off + len : at + c->len;

		if (lo >= hi)
			continue;
		if (n < max)
			out[n] = (struct mirror_copy){ c->old_off + (lo - at), c->new_off + (lo - at),
						       hi - lo };
		n++;
	}
	return n;
}
