// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch: class "fcm" version 1, the file cache manager optimisation of
 * seed 004 §4.3.3. K42's unmapPage did its expensive synchronisation
 * even for a page that was not mapped; our replicated FCM's truncate
 * takes every replica's lock to drop the pages past the new end even
 * when the file has none resident there (statistic
 * truncate_replica_sweeps). Version 1 sweeps only when the master set,
 * which holds every page any replica holds, has such a page. Everything
 * else is version 0's code.
 */
#include <kernel/fcm_class.h>
#include <sv/patch.h>

#include "fs/fcm_impl.h"

SV_PATCH("fcm-unmap-check", 1, "replicated FCM truncate sweeps replicas only for resident pages");

struct page_past {
	uint64_t first;
	bool found;
};

static void note_page_past(struct fcm_page *p, void *arg)
{
	struct page_past *pp = arg;

	pp->found |= p->index >= pp->first;
}

/* Under the master lock (fcm_replica_truncate_if). */
static bool holds_pages_from(struct fcm_root *root, uint64_t first)
{
	struct page_past pp = { first, false };

	fcm_set_for_each(&root->pages, note_page_past, &pp);
	return pp.found;
}

static int truncate_if_resident(struct fcm *self, uint64_t size)
{
	return fcm_replica_truncate_if(self, size, holds_pages_from);
}

static const struct fcm_ops replica_ops_v1 = {
	.read = fcm_replica_read,
	.write = fcm_replica_write,
	.truncate = truncate_if_resident,
	.fsync = fcm_root_fsync,
	.evict = fcm_replica_evict,
	.resident = fcm_root_resident,
};

static struct fcm_rep *replica_create_v1(struct fcm_root *root)
{
	return fcm_replica_create(root, &replica_ops_v1);
}

static const struct fcm_kind_ops replicated_v1 = {
	.kind = FCM_REPLICATED,
	.per_cpu = true,
	.create_rep = replica_create_v1,
	.destroy_rep = fcm_replica_destroy,
	.forget_pages = fcm_replica_forget,
};

static fcm_kinds_t kinds_v1 = {
	[FCM_SHARED] = &fcm_shared_kind,
	[FCM_REPLICATED] = &replicated_v1,
	[FCM_SEQUENTIAL] = &fcm_sequential_kind,
};

static struct co_root *make_root_v1(const void *args)
{
	const struct fcm_create_args *a = args;

	return fcm_root_create_in(kinds_v1, a->kind, a->backing, a->file);
}

static struct co_root *make_swap_root_v1(struct co_root *old)
{
	return fcm_root_create_like(kinds_v1, old);
}

const struct sv_class_impl fcm_unmap_check_class = {
	.name = "fcm",
	.version = 1,
	.make_root = make_root_v1,
	.make_swap_root = make_swap_root_v1,
};

SV_PATCH_CLASS(fcm, "fcm", 0, 1, SV_PATCH_EAGER, &fcm_unmap_check_class);
