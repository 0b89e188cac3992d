// SPDX-License-Identifier: GPL-2.0-only
#include "memslots.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

static int compare_ranges(const void *a, const void *b)
{
	const struct gpa_range *x = a, *y = b;
	return (x->gpa > y->gpa) - (x->gpa < y->gpa);
}

static int add_slot(struct memslot_table *t, uint64_t gpa, uint64_t size,
		    uint32_t flags)
{
	if (size == 0)
		return 0;
	if (t->count == MEMSLOTS_MAX)
		return -ENOSPC;
	t->slot[t->count++] = (struct memslot){ gpa, size, flags };
	return 0;
}

static int check_range(const struct gpa_range *r, uint64_t ram_size)
{
	if (r->size == 0 || (r->gpa | r->size) & 4095)
		return -EINVAL;
	if (r->gpa >= ram_size || r->size > ram_size - r->gpa)
		return -ERANGE;
	return 0;
}

int memslots_plan(struct memslot_table *out, uint64_t ram_size,
		  const struct gpa_range *readonly, unsigned nreadonly,
		  uint32_t ram_flags)
{
	struct gpa_range sorted[MEMSLOTS_MAX];
	uint64_t cursor = 0;
	int err;

	if (nreadonly > MEMSLOTS_MAX / 2)
		return -ENOSPC;
	if (nreadonly) {
		memcpy(sorted, readonly, nreadonly * sizeof(*readonly));
		qsort(sorted, nreadonly, sizeof(*sorted), compare_ranges);
	}

	out->count = 0;
	for (unsigned i = 0; i < nreadonly; i++) {
		err = check_range(&sorted[i], ram_size);
		if (err)
			return err;
		if (sorted[i].gpa < cursor)
			return -EEXIST; /* overlaps the previous range */
		err = add_slot(out, cursor, sorted[i].gpa - cursor, ram_flags);
		if (!err)
			err = add_slot(out, sorted[i].gpa, sorted[i].size,
				       KVM_MEM_READONLY);
		if (err)
			return err;
		cursor = sorted[i].gpa + sorted[i].size;
	}
	return add_slot(out, cursor, ram_size - cursor, ram_flags);
}

static int set_slot(int vm_fd, unsigned id, const struct memslot *s,
		    uint8_t *ram, uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = id,
		.flags = s->flags,
		.guest_phys_addr = s->gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)(ram + s->gpa),
	};

	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		int err = -errno;
		fprintf(stderr, "swapvisor: memslot %u [%#llx, +%#llx) flags %#x: %s\n",
			id, (unsigned long long)s->gpa,
			(unsigned long long)size, s->flags, strerror(errno));
		return err;
	}
	return 0;
}

int memslots_install(int vm_fd, uint8_t *ram, struct memslot_table *cur,
		     const struct memslot_table *next)
{
	int err;

	for (unsigned i = 0; i < cur->count; i++) {
		err = set_slot(vm_fd, i, &cur->slot[i], ram, 0);
		if (err)
			return err;
	}
	cur->count = 0;
	for (unsigned i = 0; i < next->count; i++) {
		err = set_slot(vm_fd, i, &next->slot[i], ram, next->slot[i].size);
		if (err)
			return err;
		cur->slot[cur->count++] = next->slot[i];
	}
	return 0;
}
