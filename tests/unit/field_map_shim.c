// SPDX-License-Identifier: GPL-2.0-only
/*
 * One side's struct conn_table for the field map tests (field_map_shim.h),
 * compiled twice: with FMS_NEW from fieldmaps/conn_new.h into fms_new_*,
 * without it from conn_old.h into fms_old_*.
 */
#include <stdint.h>
#include <string.h>

#include "field_map_shim.h"

#ifdef FMS_NEW
#include "fieldmaps/conn_new.h"
#define FMS(name) fms_new_##name
#define ONLY_NEW(...) __VA_ARGS__
#define ONLY_OLD(...)
#else
#include "fieldmaps/conn_old.h"
#define FMS(name) fms_old_##name
#define ONLY_NEW(...)
#define ONLY_OLD(...) __VA_ARGS__
#endif

#define NSLOTS (sizeof(((struct conn_table *)0)->slots) / sizeof(struct conn))

void FMS(layout)(struct fms_layout *l)
{
	*l = (struct fms_layout){
		.size = sizeof(struct conn_table),
		.nslots = NSLOTS,
		.slot_size = sizeof(struct conn),
		.count = offsetof(struct conn_table, count),
		.owner = SIZE_MAX,
		.slots = offsetof(struct conn_table, slots),
		.slot_state = offsetof(struct conn, state),
		.accepted = offsetof(struct conn_table, stats.accepted),
		.refused = offsetof(struct conn_table, stats.refused),
		.timeouts = SIZE_MAX,
		.legacy = SIZE_MAX,
	};
	ONLY_NEW(l->owner = offsetof(struct conn_table, owner));
	ONLY_NEW(l->timeouts = offsetof(struct conn_table, stats.timeouts));
	ONLY_OLD(l->legacy = offsetof(struct conn_table, legacy));
}

/* Field by field, so padding keeps whatever bytes it had. */
void FMS(store)(const struct fms_conns *v, void *bytes)
{
	struct conn_table *t = bytes;

	t->count = v->count;
	for (size_t i = 0; i < NSLOTS; i++) {
		t->slots[i].id = v->id[i];
		t->slots[i].state = v->state[i];
		t->slots[i].peer = (void *)(uintptr_t)v->peer[i];
	}
	t->stats.accepted = v->accepted;
	t->stats.refused = v->refused;
	ONLY_NEW(t->owner = (struct task *)(uintptr_t)v->owner);
	ONLY_NEW(t->stats.timeouts = v->timeouts);
	ONLY_OLD(t->legacy = v->legacy);
}

void FMS(load)(const void *bytes, struct fms_conns *v)
{
	const struct conn_table *t = bytes;

	memset(v, 0, sizeof(*v));
	v->count = t->count;
	for (size_t i = 0; i < NSLOTS; i++) {
		v->id[i] = t->slots[i].id;
		v->state[i] = t->slots[i].state;
		v->peer[i] = (uintptr_t)t->slots[i].peer;
	}
	v->accepted = t->stats.accepted;
	v->refused = t->stats.refused;
	ONLY_NEW(v->owner = (uintptr_t)t->owner);
	ONLY_NEW(v->timeouts = t->stats.timeouts);
	ONLY_OLD(v->legacy = t->legacy);
}
