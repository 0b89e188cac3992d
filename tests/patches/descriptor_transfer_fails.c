// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test patch: a version of the descriptor allocator whose state transfer
 * fails. Its root speaks the one format version 0 exports (the whole
 * state), so the hot swap starts, but its import refuses every state it
 * is handed, as the import of a version whose tables cannot hold the
 * running one's would. The swap aborts with the object still at version
 * 0 and the monitor has to roll back and say why.
 */
#include <kernel/co_root.h>
#include <kernel/descriptor_allocator.h>
#include <kernel/heap.h>
#include <sv/patch.h>

SV_PATCH("descriptor-transfer-fails", 1, "a descriptor allocator that cannot import (test)");

static const struct descriptor_allocator_ops v0_methods = {
	.take = descriptor_v0_take,
	.give = descriptor_v0_give,
	.hold = descriptor_v0_hold,
	.stats = descriptor_v0_stats,
};

/* An import frees the state whatever happens (kernel/co_transfer.h). */
static int refuse_import(struct co_root *root, unsigned format, unsigned cpu, void *state)
{
	(void)root, (void)format, (void)cpu;
	kfree(state);
	return -1;
}

static const struct co_transfer_ops refusing_transfer = {
	.imports = 1ull << 0, /* version 0's whole-state format */
	.import_state = refuse_import,
};

static struct co_root *make_refusing_root(struct co_root *old)
{
	struct co_root *root = descriptor_root_create(&v0_methods);

	(void)old;
	if (root)
		root->transfer = &refusing_transfer;
	return root;
}

SV_PATCH_OBJECT(allocator, DESCRIPTOR_ALLOCATOR_NAME, 0, 1, make_refusing_root);
