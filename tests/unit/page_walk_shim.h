/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of vmm/page_walk.h for the C++ tests: a synthetic guest RAM
 * holding x86-64 page tables the test builds, and page_walk() called on it
 * with plain register values.
 */
#ifndef SV_TEST_PAGE_WALK_SHIM_H
#define SV_TEST_PAGE_WALK_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PWS_CR0_PE (1ull << 0)
#define PWS_CR0_PG (1ull << 31)
#define PWS_CR4_PAE (1ull << 5)
#define PWS_CR4_LA57 (1ull << 12)
#define PWS_EFER_LME (1ull << 8)
#define PWS_EFER_LMA (1ull << 10)

#define PWS_PTE_P (1ull << 0)
#define PWS_PTE_W (1ull << 1)
#define PWS_PTE_PS (1ull << 7)  /* large page at PDPT/PD; PAT bit in a PTE */
#define PWS_PTE_PAT_LARGE (1ull << 12)
#define PWS_PTE_NX (1ull << 63)

struct pws_guest;

/* Guest RAM of ram_size bytes whose last byte sits right before a
 * PROT_NONE page, so any read past the end of RAM kills the test with
 * SIGSEGV instead of passing unnoticed. Tables are handed out from
 * table_base (non-zero, page-aligned) upwards; the root (CR3) is the
 * first, and is 0 when not even it fits. NULL on failure. */
struct pws_guest *pws_guest_new(uint64_t ram_size, uint64_t table_base);
void pws_guest_free(struct pws_guest *g);

uint64_t pws_cr3(const struct pws_guest *g);

/* Maps gva to gpa with a page at `level` (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB),
 * creating the tables above it. leaf_bits are ORed into the leaf entry
 * besides P, W and (for levels 2, 3) PS. Returns 0, or -1 when a table
 * would not fit in RAM or a large page already sits on the path. */
int pws_map(struct pws_guest *g, uint64_t gva, uint64_t gpa, int level,
	    uint64_t leaf_bits);

/* The guest-physical address of the entry that translates gva at `level`
 * (4 = PML4 .. 1 = PT), following the tables built so far; 0 when the path
 * stops above that level. */
uint64_t pws_entry_addr(const struct pws_guest *g, uint64_t gva, int level);

uint64_t pws_read64(const struct pws_guest *g, uint64_t gpa);
void pws_write64(struct pws_guest *g, uint64_t gpa, uint64_t value);

/* page_walk() on this RAM with the given registers. *fault_level is
 * preset to 0, so the caller sees whether the walker set it. */
int pws_walk(const struct pws_guest *g, uint64_t cr0, uint64_t cr3,
	     uint64_t cr4, uint64_t efer, uint64_t gva, uint64_t *gpa,
	     int *fault_level);

/* pws_walk with long-mode 4-level paging on and CR3 at the root table. */
int pws_walk64(const struct pws_guest *g, uint64_t gva, uint64_t *gpa,
	       int *fault_level);

/* A struct page_walk_ctx for that same long-mode paging over this RAM,
 * for readers built on the walker (quiesce/guest_read.h); it lives as
 * long as g. */
const void *pws_ctx64(struct pws_guest *g);

#ifdef __cplusplus
}
#endif

#endif
