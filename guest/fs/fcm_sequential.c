// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sequential FCM (seed 001 §6.3): for a file read or written in one
 * pass, caching more than a few pages only pushes other files out, and
 * the page just finished is the one least likely to be wanted again. So
 * it keeps at most SEQUENTIAL_KEEP pages and, to make room, recycles the
 * most recently used one (written back first if dirty). Otherwise it is
 * the shared FCM (one rep, one lock).
 */
#include "fcm_impl.h"

#define SEQUENTIAL_KEEP 4

static struct fcm_page *sequential_get(struct fcm_rep *rep, uint64_t index, int *error)
{
	struct fcm_root *root = rep->root;
	struct fcm_page *p = fcm_set_find(&root->pages, index);

	if (p)
		return fcm_root_page_locked(root, index, error); /* counts the hit */
	/* Pages imported from another kind are trimmed here too, down to the
	 * few this kind keeps. */
	while (root->pages.count >= SEQUENTIAL_KEEP)
		if ((*error = fcm_root_evict_locked(root, fcm_set_mru(&root->pages))))
			return NULL;
	return fcm_root_page_locked(root, index, error);
}

static struct fcm_rep *sequential_create(struct fcm_root *root)
{
	return fcm_single_rep_create(root, sequential_get);
}

const struct fcm_kind_ops fcm_sequential_kind = {
	.kind = FCM_SEQUENTIAL,
	.per_cpu = false,
	.create_rep = sequential_create,
	.destroy_rep = fcm_single_rep_destroy,
	.forget_pages = fcm_rep_forget_nothing,
};
