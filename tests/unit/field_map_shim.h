/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fieldmaps/conn_old.h's and conn_new.h's struct conn_table compiled into
 * the test, for field_map tests to check offsets read from DWARF against
 * the compiler's offsetof, and to fill and read copies by field name.
 */
#ifndef SV_TEST_FIELD_MAP_SHIM_H
#define SV_TEST_FIELD_MAP_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FMS_SLOTS_MAX 8

/* conns's fields in plain types; a field the layout lacks reads as 0 and
 * is not stored. */
struct fms_conns {
	uint32_t count;
	uint64_t owner;                                   /* new only */
	uint32_t id[FMS_SLOTS_MAX], state[FMS_SLOTS_MAX];
	uint64_t peer[FMS_SLOTS_MAX];                     /* 4 slots old, 8 new */
	uint64_t accepted, refused, timeouts;             /* timeouts new only */
	int32_t legacy;                                   /* old only */
};

/* offsetof each field; SIZE_MAX for one the layout lacks. */
struct fms_layout {
	size_t size, nslots, slot_size;
	size_t count, owner, slots, slot_state, accepted, refused, timeouts, legacy;
};

void fms_old_layout(struct fms_layout *l);
void fms_old_store(const struct fms_conns *v, void *bytes);
void fms_old_load(const void *bytes, struct fms_conns *v);

void fms_new_layout(struct fms_layout *l);
void fms_new_store(const struct fms_conns *v, void *bytes);
void fms_new_load(const void *bytes, struct fms_conns *v);

#ifdef __cplusplus
}
#endif

#endif
