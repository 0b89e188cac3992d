/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of the guest's page allocator and heap (guest/mm/) for the C++
 * tests, compiled hosted: a host thread stands for a CPU, a host buffer
 * for guest RAM (the guest is identity-mapped, so its pointers are used
 * directly), and panic() records its message and returns to the caller of
 * a gmm_*_panics() function instead of stopping a VM.
 */
#ifndef SV_TEST_GUEST_MM_SHIM_H
#define SV_TEST_GUEST_MM_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GMM_PAGE_SIZE 4096ull
#define GMM_ORDER_MAX 10
#define GMM_BLOCK_MAX (GMM_PAGE_SIZE << GMM_ORDER_MAX)
#define GMM_SMALL_MAX 2048
#define GMM_EINVAL (-22)
#define GMM_ENOMEM (-12)

/* Region types of the boot info's memory map. */
#define GMM_RAM 1u
#define GMM_BOOT 2u
#define GMM_KERNEL 4u

/* Host memory of `size` bytes whose first byte is aligned to
 * GMM_BLOCK_MAX, standing for guest RAM; NULL on failure. */
void *gmm_ram_map(uint64_t size);
void gmm_ram_unmap(void *base, uint64_t size);

struct gmm_region {
	uint64_t base, size;
	uint32_t type;
};

/* page_alloc_init() over a boot info holding these regions (n may exceed
 * what the boot info holds, to test the refusal). bad_magic spoils the
 * magic. Answers its return value. */
int gmm_page_init(const struct gmm_region *r, unsigned n, uint64_t reserved_end,
		  int bad_magic);

void *gmm_pages_alloc(unsigned order);
void gmm_pages_free(void *p, unsigned order);
uint64_t gmm_pages_free_count(void);
uint64_t gmm_free_blocks(unsigned order); /* of the boot buddy allocator */
uint64_t gmm_meta_pages(void);            /* pages of its descriptor array */
uint64_t gmm_managed_pages(void);

/* Calls pages_free/kfree; answers 1 and copies panic()'s message into msg
 * when it panicked, 0 when it returned. */
int gmm_pages_free_panics(void *p, unsigned order, char *msg, size_t len);
int gmm_kfree_panics(void *p, char *msg, size_t len);

/* Puts a counting allocator that forwards to the boot buddy allocator in
 * front of it (page_allocator_install), or takes it out again. */
void gmm_install_counting(void);
void gmm_uninstall_counting(void);
uint64_t gmm_counting_calls(void); /* alloc + free + free_count calls seen */

int gmm_heap_init(uint64_t lo, uint64_t hi);
void *gmm_kmalloc(size_t size);
void *gmm_kzalloc(size_t size);
void gmm_kfree(void *p);
size_t gmm_ksize(const void *p);
void gmm_heap_drain_cpu(void);
void gmm_heap_reclaim(void);

struct gmm_stats {
	uint64_t objects_in_use, bytes_in_use, slab_pages, large_pages, magazines,
		map_pages, depot_swaps, depot_overflows;
};
void gmm_heap_stats(struct gmm_stats *out);

/* Makes the calling thread CPU `cpu` (< 64) for cpu_id(). */
void gmm_set_cpu(unsigned cpu);

#ifdef __cplusplus
}
#endif

#endif
