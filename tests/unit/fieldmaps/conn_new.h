/* SPDX-License-Identifier: GPL-2.0-only */
/* The new build's struct conn_table (conn_old.h's, changed): a field added
 * in the middle, the array grown, the nested stats reordered and grown,
 * a field removed. */
#ifndef SV_TEST_FIELDMAPS_CONN_NEW_H
#define SV_TEST_FIELDMAPS_CONN_NEW_H

typedef unsigned int u32;

struct task;

struct conn {
	u32 id;
	u32 state;
	void *peer;
};

struct conn_stats {
	unsigned long refused;
	unsigned long accepted;
	unsigned long timeouts;
};

struct conn_table {
	u32 count;
	struct task *owner;
	struct conn slots[8];
	struct conn_stats stats;
};

#endif
