// SPDX-License-Identifier: GPL-2.0-only
/* old.c's globals in their new layouts, compiled with -g into
 * fieldmap-new.o; the comments say what changed. */
#include "conn_new.h"

typedef unsigned int flags_t;
typedef long tick_t;
typedef unsigned long u64;

struct conn_table conns;

/* owner added in the middle */
struct added { int a; void *owner; long b; } added;
/* gone removed */
struct removed { int a; int b; } removed;
/* the inner struct's fields swapped, one added before them */
struct nested { int x; struct inner { int extra; int q; int p; } in; } nested;
/* hist grown from 4 to 8 */
struct grown { int n; short hist[8]; } grown;
/* the element gained b, the array grew from 2 to 3 */
struct rows { struct row { int a; int b; } r[3]; } rows;
/* the same types through typedefs and a qualifier, and a field added */
struct typedefd { volatile flags_t flags; tick_t when; int added; } typedefd;
/* int became a pointer */
struct retyped { void *owner; } retyped;
/* u32 became u64 */
struct widened { u64 count; } widened;
/* int became unsigned */
struct resigned { unsigned int count; } resigned;
/* a field added before an unchanged union */
struct unions { int tag; long extra; union { int i; float f; } u; } unions;
/* the union's f became unsigned int: same size, other members */
struct unionchg { union val { int i; unsigned int f; } v; } unionchg;
/* bitfields, unchanged */
struct bits { unsigned int ready : 1; unsigned int mode : 3; int n; } bits;
/* z added before the anonymous union */
struct anon { int a; long z; union { int b; float c; }; } anon;
/* int * became long * */
struct repointed { long *p; } repointed;
/* a flexible array member, unchanged */
struct flex { int n; int items[]; } flex;
/* the innermost dimension grown from 4 to 5 */
int cube[2][3][5];
