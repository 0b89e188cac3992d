/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The file cache's global frame budget and counters, over every FCM. A
 * frame is counted from the page allocator to its return; an FCM that
 * finds the cache over budget after a call evicts its own least recently
 * used pages, and the file system asks the other open files for the rest
 * (fcm_files_reclaim), so the budget is a real limit under pressure.
 */
#ifndef SV_KERNEL_FCM_CACHE_H
#define SV_KERNEL_FCM_CACHE_H

#include <stdint.h>

#define FCM_CACHE_DEFAULT_BUDGET 2048u /* frames: 8 MiB */

void fcm_cache_set_budget(uint64_t frames);
uint64_t fcm_cache_budget(void);
/* Frames held above the budget now (0 when within it). */
uint64_t fcm_cache_excess(void);

/* A zeroed frame counted against the budget (NULL when out of memory),
 * and its return. */
void *fcm_frame_alloc(void);
void fcm_frame_free(void *frame);

/* FCM_REPLICA_SWEEP: a replicated FCM's truncate took every replica's
 * lock to drop pages past the new end (fcm_replicated.c). */
enum fcm_cache_event { FCM_HIT, FCM_MISS, FCM_EVICTION, FCM_REPLICA_SWEEP, FCM_CACHE_EVENTS };
void fcm_cache_count(enum fcm_cache_event event);

struct fcm_cache_stats {
	uint64_t frames, budget;
	uint64_t hits, misses, evictions, replica_sweeps;
};

void fcm_cache_stats(struct fcm_cache_stats *out);

#endif
