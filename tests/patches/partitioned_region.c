// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch: a new kernel interface, seed 004 §4.3.1's partitioned memory
 * region, as a loadable module: nothing is replaced, a service is added.
 * SV_OP_CALL "partitioned-region" with arg = pages per partition builds a
 * region of one partition per CPU (so no CPU's allocations contend on a
 * shared table, the point of K42's object), writes each page with its
 * partition and index, reads every page back, frees the region and
 * answers how many pages it verified (resp.value).
 */
#include <stdbool.h>

#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <sv/patch.h>
#include <sv/ring.h>

SV_PATCH("partitioned-region", 1, "a partitioned memory region service (seed 004 4.3.1)");

#define REGION_PAGES_MAX 16u

struct partition {
	uint64_t *pages[REGION_PAGES_MAX];
};

static uint64_t stamp(unsigned cpu, unsigned page)
{
	return 0x5265670000000000ull | (uint64_t)cpu << 16 | page;
}

static unsigned fill(struct partition *parts, unsigned ncpus, unsigned npages)
{
	unsigned filled = 0;

	for (unsigned c = 0; c < ncpus; c++) {
		for (unsigned p = 0; p < npages; p++) {
			parts[c].pages[p] = pages_alloc(0);
			if (!parts[c].pages[p])
				return filled;
			for (unsigned w = 0; w < PAGE_SIZE / 8; w++)
				parts[c].pages[p][w] = stamp(c, p);
			filled++;
		}
	}
	return filled;
}

static uint64_t verify_and_free(struct partition *parts, unsigned ncpus, unsigned npages)
{
	uint64_t good = 0;

	for (unsigned c = 0; c < ncpus; c++) {
		for (unsigned p = 0; p < npages && parts[c].pages[p]; p++) {
			bool intact = true;

			for (unsigned w = 0; w < PAGE_SIZE / 8; w++)
				intact &= parts[c].pages[p][w] == stamp(c, p);
			good += intact;
			pages_free(parts[c].pages[p], 0);
		}
	}
	return good;
}

static int serve_region(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	unsigned ncpus = cpus_online();
	unsigned npages = (unsigned)req->arg;
	struct partition *parts;
	unsigned filled;

	(void)data;
	if (npages < 1 || npages > REGION_PAGES_MAX)
		return SV_EINVAL;
	parts = kzalloc(ncpus * sizeof(*parts));
	if (!parts)
		return SV_ENOMEM;
	filled = fill(parts, ncpus, npages);
	resp->value = verify_and_free(parts, ncpus, npages);
	kfree(parts);
	return filled == ncpus * npages ? SV_OK : SV_ENOMEM;
}

SV_PATCH_SERVICE(region, "partitioned-region", serve_region);
