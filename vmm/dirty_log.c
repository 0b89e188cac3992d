// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty-page logging over guest RAM. KVM keeps one bitmap per memslot;
 * this merges them into one bitmap indexed by guest page number, so
 * callers never see how RAM happens to be split into slots.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "memory.h"

static int set_logging(struct vm *vm, bool on)
{
	int err = vm_pause(vm, NULL);

	if (err)
		return err;
	pthread_mutex_lock(&vm->lock);
	vm->ram_slot_flags = on ? KVM_MEM_LOG_DIRTY_PAGES : 0;
	err = vm_memslots_update(vm);
	pthread_mutex_unlock(&vm->lock);
	vm_resume(vm);
	return err;
}

int vm_dirty_log_start(struct vm *vm)
{
	return set_logging(vm, true);
}

int vm_dirty_log_stop(struct vm *vm)
{
	return set_logging(vm, false);
}

static void merge_slot_bitmap(uint64_t *out, const uint64_t *slot_bits,
			      uint64_t first_page, uint64_t npages)
{
	for (uint64_t p = 0; p < npages; p++)
		if (slot_bits[p / 64] >> (p % 64) & 1)
			out[(first_page + p) / 64] |= 1ull << ((first_page + p) % 64);
}

static int fetch_slot(struct vm *vm, unsigned id, uint64_t *out)
{
	const struct memslot *s = &vm->slots.slot[id];
	uint64_t npages = s->size / VM_PAGE_SIZE;
	uint64_t *bits = calloc((npages + 63) / 64, sizeof(uint64_t));
	struct kvm_dirty_log log = { .slot = id, .dirty_bitmap = bits };
	int err = 0;

	if (!bits)
		return -ENOMEM;
	if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0) {
		err = -errno;
		fprintf(stderr, "swapvisor: KVM_GET_DIRTY_LOG slot %u: %s\n", id, strerror(errno));
	} else {
		merge_slot_bitmap(out, bits, s->gpa / VM_PAGE_SIZE, npages);
	}
	free(bits);
	return err;
}

int vm_dirty_log_fetch(struct vm *vm, uint64_t *bitmap, size_t bitmap_words)
{
	int err = 0;

	if (bitmap_words * 64 < vm->ram_size / VM_PAGE_SIZE)
		return -EINVAL;
	memset(bitmap, 0, bitmap_words * sizeof(uint64_t));
	pthread_mutex_lock(&vm->lock);
	if (!(vm->ram_slot_flags & KVM_MEM_LOG_DIRTY_PAGES))
		err = -ENOENT;
	for (unsigned i = 0; !err && i < vm->slots.count; i++)
		if (vm->slots.slot[i].flags & KVM_MEM_LOG_DIRTY_PAGES)
			err = fetch_slot(vm, i, bitmap);
	pthread_mutex_unlock(&vm->lock);
	return err;
}
