/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of the file cache managers (guest/fs/fcm_*.c) for the hosted
 * C++ tests: a file of whole pages in host memory as the backing, its FCM
 * as a clustered object, page-pattern writes and checks, and roots of
 * each kind for hot swaps (through co_swap_shim.h).
 */
#ifndef SV_TEST_FCM_SHIM_H
#define SV_TEST_FCM_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { FCS_SHARED, FCS_REPLICATED, FCS_SEQUENTIAL, FCS_KINDS };

struct fcs_file;

/* A file of `pages` zero pages whose FCM is of `kind`; NULL when out of
 * memory. */
struct fcs_file *fcs_create(int kind, unsigned pages);
/* Destroys the FCM (after quiescence) and frees the file. */
int fcs_destroy(struct fcs_file *f);
void *fcs_id(struct fcs_file *f);
/* A root of `kind` over the same file, for css_hot_swap. */
void *fcs_root(struct fcs_file *f, int kind);

/* Writes page `page` whole, in pattern generation `gen`: 0 or SV_E*. */
int fcs_write_page(struct fcs_file *f, unsigned page, uint64_t gen);
/* Reads page `page` through the FCM: 1 when it holds generation `gen`. */
int fcs_page_is(struct fcs_file *f, unsigned page, uint64_t gen);
int fcs_fsync(struct fcs_file *f);
/* Whether the backing (what fsync wrote) holds generation `gen`. */
int fcs_backing_is(struct fcs_file *f, unsigned page, uint64_t gen);

#ifdef __cplusplus
}
#endif

#endif
