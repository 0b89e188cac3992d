// SPDX-License-Identifier: GPL-2.0-only
/* The file services' statistics as one JSON object (kernel/fs.h), for the
 * control queue to hand to the host. */
#include <kernel/block_store.h>
#include <kernel/fcm_cache.h>
#include <kernel/fcm_file.h>
#include <kernel/printf.h>
#include <sv/abi.h>

#include "fs_impl.h"

static const char *policy_name(enum sv_fcm_policy p)
{
	static const char *const names[SV_FCM_POLICY_MAX] = { "shared", "replicated", "adaptive" };

	return (unsigned)p < SV_FCM_POLICY_MAX ? names[p] : "unknown";
}

int fs_stats_json(char *buf, size_t cap)
{
	struct fcm_cache_stats cache;
	struct fcm_file_stats fcms;
	uint64_t files, dirs, used = 0, total = 0;
	coid_t store = fs_block_store();
	int n;

	fcm_cache_stats(&cache);
	fcm_file_stats(&fcms);
	fs_inodes_count(&files, &dirs);
	if (store) {
		used = block_store_used(store);
		total = block_store_total(store);
	}
	n = snprintf(buf, cap,
		     "{\"files\":%llu,\"dirs\":%llu,\"blocks_used\":%llu,\"blocks_free\":%llu,"
		     "\"fcm_policy\":\"%s\",\"fcms_alive\":%llu,\"fcms_shared\":%llu,"
		     "\"fcms_replicated\":%llu,\"fcms_sequential\":%llu,\"monitors\":%llu,"
		     "\"swaps_to_replicated\":%llu,\"swaps_to_shared\":%llu,"
		     "\"swaps_to_sequential\":%llu,\"swaps_from_sequential\":%llu,"
		     "\"swaps_failed\":%llu,\"swaps_pending\":%llu,"
		     "\"pages_cached\":%llu,\"cache_budget\":%llu,\"cache_hits\":%llu,"
		     "\"cache_misses\":%llu,\"evictions\":%llu,\"truncate_replica_sweeps\":%llu}",
		     (unsigned long long)files, (unsigned long long)dirs, (unsigned long long)used,
		     (unsigned long long)(total - used), policy_name(fcm_policy()),
		     (unsigned long long)fcms.alive,
		     (unsigned long long)fcms.by_kind[FCM_SHARED],
		     (unsigned long long)fcms.by_kind[FCM_REPLICATED],
		     (unsigned long long)fcms.by_kind[FCM_SEQUENTIAL],
		     (unsigned long long)fcms.monitors,
		     (unsigned long long)fcms.swaps[FCM_SWAPS_TO_REPLICATED],
		     (unsigned long long)fcms.swaps[FCM_SWAPS_TO_SHARED],
		     (unsigned long long)fcms.swaps[FCM_SWAPS_TO_SEQUENTIAL],
		     (unsigned long long)fcms.swaps[FCM_SWAPS_FROM_SEQUENTIAL],
		     (unsigned long long)fcms.swaps[FCM_SWAPS_FAILED],
		     (unsigned long long)fcm_swaps_pending(),
		     (unsigned long long)cache.frames, (unsigned long long)cache.budget,
		     (unsigned long long)cache.hits, (unsigned long long)cache.misses,
		     (unsigned long long)cache.evictions,
		     (unsigned long long)cache.replica_sweeps);
	return n >= 0 && (size_t)n < cap ? n : SV_ENOMEM;
}
