/* SPDX-License-Identifier: GPL-2.0-only */
/* A small seeded generator (xorshift64*): the same seed gives the same
 * files, sizes and operations, so a run can be repeated. */
#ifndef SV_LOADGEN_RNG_H
#define SV_LOADGEN_RNG_H

#include <stdint.h>

struct lg_rng {
	uint64_t s;
};

static inline void lg_rng_seed(struct lg_rng *r, uint64_t seed)
{
	r->s = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	if (!r->s)
		r->s = 1;
}

static inline uint64_t lg_rng_next(struct lg_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

/* Uniform in lo..hi inclusive. */
static inline uint64_t lg_rng_range(struct lg_rng *r, uint64_t lo, uint64_t hi)
{
	return lo + lg_rng_next(r) % (hi - lo + 1);
}

static inline void lg_rng_fill(struct lg_rng *r, uint8_t *buf, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(lg_rng_next(r) >> 56);
}

#endif
