// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mirrors: the old and the new copy of a guest global kept equal in their
 * mapped bytes while both versions of the code run.
 *
 * The pages of both copies are write-protected (vm_protect: a read-only
 * memslot). Reads stay native. A guest write there exits to KVM, which
 * emulates the instruction and hands us the address, length (1..8 bytes)
 * and data (KVM_EXIT_MMIO); mirror_hook then, under the mirror's lock:
 *   - a write touching a copy: stores it into guest memory, then copies
 *     the mapped bytes it touched to the other copy (mirror_map_write),
 *     before the writing vCPU continues. One lock per mirror orders every
 *     write into either copy, so both copies see each location's writes
 *     in the same order;
 *   - a write elsewhere on the protected pages (other variables that share
 *     them) goes through unchanged and is counted as passed.
 * The old and new copies may share a page: their page spans are then
 * protected as one range. Pages already protected (another mirror) are
 * refused.
 *
 * Limitation: KVM emulates a lock-prefixed read-modify-write (lock inc,
 * xadd, cmpxchg) on a read-only memslot as a read followed by a plain
 * write exit. Such instructions on mirrored pages are therefore not atomic
 * across vCPUs: two vCPUs incrementing one counter can lose an increment.
 * A guest global whose users rely on atomics must not be mirrored (or its
 * updates must happen under a guest lock that lives on other pages).
 * Likewise only vCPU writes are mirrored: the VMM's own writes into guest
 * memory (hypercall answers, resume's writes) bypass the hook.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "memory.h"
#include "mirror.h"

/* KVM hands a trapped write over in kvm_run's mmio.data: at most 8 bytes,
 * so a write overlaps at most 8 copy ranges (they are disjoint). */
#define MIRROR_WRITE_MAX 8u

struct mirror {
	struct vm *vm;
	unsigned id;
	struct mirror_spec spec; /* its copies are ours */
	int ranges[2];           /* vm_protect ids */
	unsigned nranges;
	pthread_mutex_t lock;    /* orders writes into the copies */
	_Atomic uint64_t trapped, passed, mirrored_bytes, trap_ns;
};

static bool touches(uint64_t gpa, unsigned len, uint64_t at, uint64_t size)
{
	return gpa < at + size && at < gpa + len;
}

/* Copies the mapped bytes a write into side's copy changed to the other
 * copy; returns how many. */
static uint64_t reflect(struct mirror *m, enum mirror_side side, uint64_t gpa, unsigned len)
{
	const struct mirror_spec *s = &m->spec;
	uint64_t base = side == MIRROR_OLD ? s->old_gpa : s->new_gpa;
	uint64_t size = side == MIRROR_OLD ? s->old_size : s->new_size;
	uint64_t lo = gpa > base ? gpa : base;
	uint64_t hi = gpa + len < base + size ? gpa + len : base + size;
	struct mirror_copy out[MIRROR_WRITE_MAX];
	size_t n = mirror_map_write(s->copies, s->ncopies, side, lo - base, hi - lo, out,
				    MIRROR_WRITE_MAX);
	uint64_t bytes = 0;

	for (size_t i = 0; i < n && i < MIRROR_WRITE_MAX; i++) {
		uint8_t *old_at = m->vm->ram + s->old_gpa + out[i].old_off;
		uint8_t *new_at = m->vm->ram + s->new_gpa + out[i].new_off;

		if (side == MIRROR_OLD)
			guest_store(new_at, old_at, (unsigned)out[i].len);
		else
			guest_store(old_at, new_at, (unsigned)out[i].len);
		bytes += out[i].len;
	}
	return bytes;
}

static bool mirror_hook(void *opaque, unsigned cpu, uint64_t gpa, const void *data,
			unsigned len)
{
	struct mirror *m = opaque;
	const struct mirror_spec *s = &m->spec;
	uint64_t start = monotonic_ns(), bytes = 0;
	bool in_old = touches(gpa, len, s->old_gpa, s->old_size);
	bool in_new = touches(gpa, len, s->new_gpa, s->new_size);

	(void)cpu;
	if (!in_old && !in_new) {
		atomic_fetch_add(&m->passed, 1);
		atomic_fetch_add(&m->trap_ns, monotonic_ns() - start);
		return true; /* protect.c stores it */
	}
	pthread_mutex_lock(&m->lock);
	guest_store(m->vm->ram + gpa, data, len);
	if (in_old)
		bytes += reflect(m, MIRROR_OLD, gpa, len);
	if (in_new)
		bytes += reflect(m, MIRROR_NEW, gpa, len);
	pthread_mutex_unlock(&m->lock);
	atomic_fetch_add(&m->trapped, 1);
	atomic_fetch_add(&m->mirrored_bytes, bytes);
	atomic_fetch_add(&m->trap_ns, monotonic_ns() - start);
	return false; /* stored above, under the lock */
}

static uint64_t page_down(uint64_t a)
{
	return a & ~(VM_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t a)
{
	return page_down(a + VM_PAGE_SIZE - 1);
}

struct page_span {
	uint64_t lo, hi; /* page-aligned [lo, hi) */
};

static struct page_span pages_of(uint64_t gpa, uint64_t size)
{
	return (struct page_span){ page_down(gpa), page_up(gpa + size) };
}

/* Protects the pages of both copies: one range when they share pages. */
static int protect_copies(struct mirror *m, char *err, size_t errlen)
{
	const struct mirror_spec *s = &m->spec;
	struct page_span span[2] = { pages_of(s->old_gpa, s->old_size),
				     pages_of(s->new_gpa, s->new_size) };
	unsigned n = 2;

	if (span[0].lo < span[1].hi && span[1].lo < span[0].hi) {
		span[0].lo = span[0].lo < span[1].lo ? span[0].lo : span[1].lo;
		span[0].hi = span[0].hi > span[1].hi ? span[0].hi : span[1].hi;
		n = 1;
	}
	for (m->nranges = 0; m->nranges < n; m->nranges++) {
		const struct page_span *p = &span[m->nranges];
		int id = vm_protect(m->vm, p->lo, p->hi - p->lo, mirror_hook, m);

		if (id < 0) {
			snprintf(err, errlen, "cannot protect the pages [0x%llx, 0x%llx): %s",
				 (unsigned long long)p->lo, (unsigned long long)p->hi,
				 id == -EEXIST ? "some are protected already (another mirror?)" :
						 strerror(-id));
			while (m->nranges)
				vm_unprotect(m->vm, m->ranges[--m->nranges]);
			return id;
		}
		m->ranges[m->nranges] = id;
	}
	return 0;
}

/* The new copy as the new version expects it at the switch: zero but for
 * what the old copy's mapped bytes hold. Called with the VM paused. */
static void build_new_copy(struct vm *vm, const struct mirror_spec *s)
{
	memset(vm->ram + s->new_gpa, 0, s->new_size);
	for (size_t i = 0; i < s->ncopies; i++)
		memcpy(vm->ram + s->new_gpa + s->copies[i].new_off,
		       vm->ram + s->old_gpa + s->copies[i].old_off, s->copies[i].len);
}

static int check_in_ram(struct vm *vm, const struct mirror_spec *s, char *err, size_t errlen)
{
	bool old_ok = vm_phys_ptr(vm, s->old_gpa, s->old_size) != NULL;

	if (old_ok && vm_phys_ptr(vm, s->new_gpa, s->new_size))
		return 0;
	snprintf(err, errlen, "the %s copy [0x%llx, +%llu bytes) is outside guest RAM (0x0..0x%llx)",
		 old_ok ? "new" : "old",
		 (unsigned long long)(old_ok ? s->new_gpa : s->old_gpa),
		 (unsigned long long)(old_ok ? s->new_size : s->old_size),
		 (unsigned long long)(vm->ram_size - 1));
	return -EFAULT;
}

static struct mirror *mirror_new(struct vm *vm, const struct mirror_spec *spec)
{
	struct mirror *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->vm = vm;
	m->spec = *spec;
	m->spec.copies = calloc(spec->ncopies ? spec->ncopies : 1, sizeof(*spec->copies));
	if (!m->spec.copies) {
		free(m);
		return NULL;
	}
	memcpy(m->spec.copies, spec->copies, spec->ncopies * sizeof(*spec->copies));
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

static void mirror_free(struct mirror *m)
{
	pthread_mutex_destroy(&m->lock);
	free(m->spec.copies);
	free(m);
}

/* A free slot in vm->mirrors for m (not yet findable: its id is 0 until
 * it runs); -ENOSPC. */
static int claim_slot(struct vm *vm, struct mirror *m)
{
	int slot = -ENOSPC;

	pthread_mutex_lock(&vm->lock);
	for (int i = 0; i < VM_MIRRORS_MAX && slot < 0; i++) {
		if (!vm->mirrors[i]) {
			slot = i;
			vm->mirrors[i] = m;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	return slot;
}

/* Ids count only mirrors that started, so a client sees 1, 2, ... */
static void assign_id(struct vm *vm, struct mirror *m)
{
	pthread_mutex_lock(&vm->lock);
	m->id = ++vm->mirror_last_id;
	pthread_mutex_unlock(&vm->lock);
}

static void drop_slot(struct vm *vm, int slot)
{
	pthread_mutex_lock(&vm->lock);
	vm->mirrors[slot] = NULL;
	pthread_mutex_unlock(&vm->lock);
}

/* Builds and protects inside one pause, so no guest write to the old copy
 * falls between the copy and the protection. */
static int start_paused(struct vm *vm, struct mirror *m, char *err, size_t errlen)
{
	int ret = vm_pause(vm, NULL);

	if (ret) {
		snprintf(err, errlen, "the VM is stopping");
		return ret;
	}
	/* Protected first: a refusal (pages protected already) must leave
	 * the new copy's memory as it was. */
	ret = protect_copies(m, err, errlen);
	if (!ret)
		build_new_copy(vm, &m->spec);
	vm_resume(vm);
	return ret;
}

int mirror_start(struct vm *vm, const struct mirror_spec *spec, unsigned *id,
		 char *err, size_t errlen)
{
	struct mirror *m;
	int slot, ret;

	if (mirror_spec_check(spec, err, errlen))
		return -EINVAL;
	ret = check_in_ram(vm, spec, err, errlen);
	if (ret)
		return ret;
	m = mirror_new(vm, spec);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	slot = claim_slot(vm, m);
	if (slot < 0) {
		snprintf(err, errlen, "%u mirrors are running already (the most at once)",
			 VM_MIRRORS_MAX);
		mirror_free(m);
		return slot;
	}
	ret = start_paused(vm, m, err, errlen);
	if (ret) {
		drop_slot(vm, slot);
		mirror_free(m);
		return ret;
	}
	assign_id(vm, m);
	*id = m->id;
	return 0;
}

int mirror_find(struct vm *vm, uint64_t gpa, unsigned *id)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&vm->lock);
	for (int i = 0; i < VM_MIRRORS_MAX && ret; i++) {
		struct mirror *m = vm->mirrors[i];

		if (m && m->id && (m->spec.old_gpa == gpa || m->spec.new_gpa == gpa)) {
			*id = m->id;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

static void read_stats(const struct mirror *m, struct mirror_stats *stats)
{
	stats->trapped = atomic_load(&m->trapped);
	stats->passed = atomic_load(&m->passed);
	stats->mirrored_bytes = atomic_load(&m->mirrored_bytes);
	stats->trap_ns = atomic_load(&m->trap_ns);
}

/* The slot of mirror id, or -ENOENT. Called with vm->lock held. */
static int find_slot(struct vm *vm, unsigned id)
{
	for (int i = 0; i < VM_MIRRORS_MAX; i++)
		if (vm->mirrors[i] && vm->mirrors[i]->id == id)
			return i;
	return -ENOENT;
}

int mirror_get_stats(struct vm *vm, unsigned id, struct mirror_stats *stats)
{
	int slot;

	pthread_mutex_lock(&vm->lock);
	slot = find_slot(vm, id);
	if (slot >= 0)
		read_stats(vm->mirrors[slot], stats);
	pthread_mutex_unlock(&vm->lock);
	return slot < 0 ? slot : 0;
}

/* Unprotecting pauses every vCPU, so once it returns no hook is running
 * and none will: the mirror can go. */
int mirror_stop(struct vm *vm, unsigned id, struct mirror_stats *stats)
{
	struct mirror *m;
	int slot, err = 0;

	pthread_mutex_lock(&vm->lock);
	slot = find_slot(vm, id);
	m = slot >= 0 ? vm->mirrors[slot] : NULL;
	pthread_mutex_unlock(&vm->lock);
	if (!m)
		return -ENOENT;
	while (!err && m->nranges) {
		err = vm_unprotect(vm, m->ranges[m->nranges - 1]);
		if (!err)
			m->nranges--;
	}
	if (err)
		return err;
	read_stats(m, stats);
	drop_slot(vm, slot);
	mirror_free(m);
	return 0;
}

void mirrors_release(struct vm *vm)
{
	for (int i = 0; i < VM_MIRRORS_MAX; i++) {
		struct mirror *m = vm->mirrors[i];

		if (!m)
			continue;
		for (unsigned r = 0; r < m->nranges; r++)
			vm->protected[m->ranges[r]].in_use = false;
		mirror_free(m);
		vm->mirrors[i] = NULL;
	}
}
