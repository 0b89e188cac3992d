// SPDX-License-Identifier: GPL-2.0-only
/* The cache's frame budget and counters (kernel/fcm_cache.h). */
#include <kernel/fcm_cache.h>
#include <kernel/page_alloc.h>
#include <kernel/string.h>

static uint64_t budget = FCM_CACHE_DEFAULT_BUDGET;
static uint64_t frames;
static uint64_t events[FCM_CACHE_EVENTS];

void fcm_cache_set_budget(uint64_t n)
{
	__atomic_store_n(&budget, n ? n : 1, __ATOMIC_RELAXED);
}

uint64_t fcm_cache_budget(void)
{
	return __atomic_load_n(&budget, __ATOMIC_RELAXED);
}

uint64_t fcm_cache_excess(void)
{
	uint64_t held = __atomic_load_n(&frames, __ATOMIC_RELAXED), limit = fcm_cache_budget();

	return held > limit ? held - limit : 0;
}

void *fcm_frame_alloc(void)
{
	void *frame = pages_alloc(0);

	if (frame) {
		memset(frame, 0, PAGE_SIZE);
		__atomic_add_fetch(&frames, 1, __ATOMIC_RELAXED);
	}
	return frame;
}

void fcm_frame_free(void *frame)
{
	pages_free(frame, 0);
	__atomic_sub_fetch(&frames, 1, __ATOMIC_RELAXED);
}

void fcm_cache_count(enum fcm_cache_event event)
{
	__atomic_add_fetch(&events[event], 1, __ATOMIC_RELAXED);
}

void fcm_cache_stats(struct fcm_cache_stats *out)
{
	out->frames = __atomic_load_n(&frames, __ATOMIC_RELAXED);
	out->budget = fcm_cache_budget();
	out->hits = __atomic_load_n(&events[FCM_HIT], __ATOMIC_RELAXED);
	out->misses = __atomic_load_n(&events[FCM_MISS], __ATOMIC_RELAXED);
	out->evictions = __atomic_load_n(&events[FCM_EVICTION], __ATOMIC_RELAXED);
	out->replica_sweeps = __atomic_load_n(&events[FCM_REPLICA_SWEEP], __ATOMIC_RELAXED);
}
