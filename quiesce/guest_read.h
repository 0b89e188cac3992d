/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stack walker's reader (stack_walk.h) over a stopped guest: each
 * guest-virtual address through a vCPU's page tables (vmm/page_walk.h)
 * into the host's view of guest RAM. Pure, like the page walker: the
 * monitor fills the context from a paused vCPU's control registers, the
 * tests from synthetic tables.
 */
#ifndef SV_QUIESCE_GUEST_READ_H
#define SV_QUIESCE_GUEST_READ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A qs_read_fn; ctx is a const struct page_walk_ctx. A read crossing a
 * page is translated page by page. Returns 0, or -1 when a page is not
 * mapped or lies outside RAM. */
int qs_read_paged(void *ctx, uint64_t gva, void *buf, size_t len);

/* The same with the last page's translation kept: a stack walk reads
 * word after word of one page, and a walk of all four levels for each
 * would add to the time the guest stands still. Only for a guest whose
 * page tables cannot change meanwhile (every vCPU paused). */
struct qs_cached_reader {
	const struct page_walk_ctx *pages;
	uint64_t page_gva, page_gpa;  /* the last 4 KiB page translated */
	int valid;
};
int qs_read_cached(void *ctx, uint64_t gva, void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
