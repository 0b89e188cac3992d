/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hot swaps of a dynamic update (guest/update/): co_hot_swap with its
 * time accounted into the update step's answer and its failure explained
 * and translated into the patch protocol's codes (sv/patch.h).
 */
#ifndef SV_KERNEL_UPDATE_SWAP_H
#define SV_KERNEL_UPDATE_SWAP_H

#include <stdint.h>

#include <kernel/co_swap.h>
#include <sv/patch.h>

/* What the hot swaps of an update step did, and its first failure. */
struct swap_result {
	uint64_t done;                       /* instances or objects changed */
	struct sv_patch_timings timings;
	int status;                          /* SV_OK or the first SV_E* */
	char detail[SV_PATCH_DETAIL_MAX];
};

/* co_hot_swap of `id` to `to`; on failure out->status and detail (naming
 * `what`, this CPU and thread) record it unless an earlier failure did,
 * and the answer is SV_EPROTO (a transfer function failed, or no common
 * format), SV_ETIMEDOUT, SV_EBUSY, SV_ENOMEM or SV_ENOENT. */
int update_hot_swap(coid_t id, struct co_root *to, uint64_t timeout_us, struct co_swap **swap,
		    struct swap_result *out, const char *what);

/* co_swap_rollback, accounted and explained the same way. */
int update_swap_rollback(struct co_swap *swap, uint64_t timeout_us, struct swap_result *out,
			 const char *what);

/* Records a failure that is not a swap's (the first one wins). */
int update_fail(struct swap_result *out, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
