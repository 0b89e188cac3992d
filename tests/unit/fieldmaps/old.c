// SPDX-License-Identifier: GPL-2.0-only
/*
 * The old build's globals for field_map_test.cc, compiled with -g into
 * fieldmap-old.o (and without it into fieldmap-nodwarf.o). Each is a
 * case; new.c defines the same names in their new layouts.
 */
#include "conn_old.h"

struct conn_table conns;

struct added { int a; long b; } added;
struct removed { int a; int gone; int b; } removed;
struct nested { int x; struct inner { int p; int q; } in; } nested;
struct grown { int n; short hist[4]; } grown;
struct rows { struct row { int a; } r[2]; } rows;
struct typedefd { unsigned int flags; long when; } typedefd;
struct retyped { int owner; } retyped;
struct widened { u32 count; } widened;
struct resigned { int count; } resigned;
struct unions { int tag; union { int i; float f; } u; } unions;
struct unionchg { union val { int i; float f; } v; } unionchg;
struct bits { unsigned int ready : 1; unsigned int mode : 3; int n; } bits;
struct anon { int a; union { int b; float c; }; } anon;
struct repointed { int *p; } repointed;
struct flex { int n; int items[]; } flex;
int cube[2][3][4];
