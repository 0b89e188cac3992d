/* SPDX-License-Identifier: GPL-2.0-only */
/* The old build's struct conn_table, field_map_test's main case: its DWARF
 * from old.c's object, its bytes from the test's field_map_shim.c. */
#ifndef SV_TEST_FIELDMAPS_CONN_OLD_H
#define SV_TEST_FIELDMAPS_CONN_OLD_H

typedef unsigned int u32;

struct conn {
	u32 id;
	u32 state;
	void *peer;
};

struct conn_stats {
	unsigned long accepted;
	unsigned long refused;
};

struct conn_table {
	u32 count;
	struct conn slots[4];
	struct conn_stats stats;
	int legacy;
};

#endif
