// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel heap, in three layers (Bonwick's magazines over slabs):
 *
 *   CPU cache  per CPU and class, a loaded and a previous magazine (arrays
 *              of free objects). Used with interrupts off, never locked:
 *              only its own CPU touches it.
 *   depot      per class, lists of full and empty magazines, under the
 *              class lock. A CPU whose magazines are both empty swaps an
 *              empty one for a full one; both full, a full for an empty.
 *   slabs      per class, blocks of pages cut into objects, under the same
 *              lock. Allocation falls through to them when the depot has
 *              no full magazine; frees reach them when the depot holds
 *              more than DEPOT_FULL_MAX full magazines, or when no empty
 *              magazine can be had. A slab left empty goes back to the
 *              page allocator at once.
 *
 * The page map (a byte per page of the heap's range) says what each page
 * holds: a slab of class c (tag c + 1, on every page of the slab), a
 * slab of magazines, or the first page of a large block with its order.
 * kfree reads the tag, finds the slab header at the end of the slab
 * (slabs are naturally aligned blocks) and checks the pointer is an
 * object's start. So any CPU can free any block.
 *
 * Locks never nest: each class lock, the magazine cache's lock and the
 * page allocator's are taken one at a time, and no page is allocated or
 * freed under a heap lock. The longest hold of a class lock returns one
 * magazine (MAG_ROUNDS objects) to the slabs. The CPU-cache paths run with
 * interrupts off throughout; their worst case is growing a slab (one page
 * allocation, cutting up to 16 KiB into objects) or, on a free, emptying
 * one overflowing magazine into the slabs and releasing the slabs that
 * leaves empty (up to MAG_ROUNDS page frees).
 */
#include <stdbool.h>

#include <arch/cpu.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define NCLASSES 14
#define MAG_ROUNDS 30      /* a magazine is 256 bytes */
#define DEPOT_FULL_MAX 16  /* per class; more go back to the slabs */
#define DEPOT_EMPTY_MAX 16 /* per class; more are freed */
#define SLAB_HDR 64        /* bytes at the end of each slab */
#define SLAB_MAGIC 0x51ab5eedu
#define SLAB_ORDER_MAX 3

/* Page map tags. */
#define TAG_NONE 0u
#define TAG_MAGAZINE (NCLASSES + 1u)
#define TAG_LARGE 0x80u /* | order, on the first page of a large block */

static const uint16_t class_size[NCLASSES] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
};

struct magazine {
	struct magazine *next; /* in a depot list */
	uint32_t n;            /* rounds (objects) held, obj[0..n) */
	uint32_t pad;
	void *obj[MAG_ROUNDS];
};

struct slab {
	uint32_t magic;
	uint8_t tag;
	uint8_t order;
	uint16_t total;  /* objects in the slab */
	uint16_t inuse;  /* objects outside it (handed out or in magazines) */
	void *free;      /* free objects, linked through their first word */
	struct slab *next, *prev; /* in the partial list */
};

/* Slabs of one object size, and for a class its depot: one lock for both. */
struct slab_cache {
	struct spinlock lock;
	uint32_t size;
	uint8_t order;
	uint8_t tag;
	uint16_t per_slab;
	struct slab *partial; /* slabs with a free object and at least one out */
	struct magazine *full, *empty;
	unsigned nfull, nempty;
};

struct cpu_cache {
	struct magazine *loaded, *prev; /* each NULL, empty or (prev) full */
};

/* Written only by its own CPU; the counters atomically so heap_stats can
 * read them from anywhere. */
struct cpu_heap {
	struct cpu_cache cc[NCLASSES];
	uint64_t allocs, frees, bytes_alloc, bytes_freed;
} __attribute__((aligned(64)));

static struct heap {
	uintptr_t lo, hi;
	uint8_t *map;
	unsigned map_order;
	struct slab_cache cls[NCLASSES];
	struct slab_cache mags;
	uint64_t slab_pages, large_pages, magazines; /* atomic */
	uint64_t depot_swaps, depot_overflows;       /* atomic */
	struct cpu_heap cpu[CPUS_MAX];
} heap;

static void count(uint64_t *c, int64_t d)
{
	__atomic_fetch_add(c, (uint64_t)d, __ATOMIC_RELAXED);
}

static uint64_t read_count(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static struct cpu_heap *this_cpu_heap(void)
{
	unsigned cpu = cpu_id();

	if (cpu >= CPUS_MAX)
		panic("heap: cpu id %u out of range", cpu);
	return &heap.cpu[cpu];
}

static uint8_t *map_entry(uintptr_t a)
{
	return &heap.map[(a - heap.lo) >> PAGE_SHIFT];
}

static void map_set(uintptr_t a, unsigned order, uint8_t tag)
{
	memset(map_entry(a), tag, 1ull << order);
}

/* A block from the page allocator that the page map covers. */
static void *heap_pages(unsigned order)
{
	void *p = pages_alloc(order);
	uintptr_t a = (uintptr_t)p;

	if (p && (a < heap.lo || a + (PAGE_SIZE << order) > heap.hi))
		panic("heap: page allocator gave %p, outside the heap range [%#llx, %#llx)",
		      p, (unsigned long long)heap.lo, (unsigned long long)heap.hi);
	return p;
}

/* ---- slab layer (callers of *_locked hold sc->lock) ----------------- */

static uintptr_t slab_bytes(const struct slab_cache *sc)
{
	return (uintptr_t)PAGE_SIZE << sc->order;
}

static struct slab *slab_of(const struct slab_cache *sc, uintptr_t a)
{
	uintptr_t base = a & ~(slab_bytes(sc) - 1);

	return (struct slab *)(base + slab_bytes(sc) - SLAB_HDR);
}

static void partial_add(struct slab_cache *sc, struct slab *s)
{
	s->prev = NULL;
	s->next = sc->partial;
	if (sc->partial)
		sc->partial->prev = s;
	sc->partial = s;
}

static void partial_remove(struct slab_cache *sc, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		sc->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
}

static void *slab_take_locked(struct slab_cache *sc)
{
	struct slab *s = sc->partial;
	void *obj;

	if (!s)
		return NULL;
	obj = s->free;
	s->free = *(void **)obj;
	s->inuse++;
	if (!s->free)
		partial_remove(sc, s); /* full: found again through the page map */
	return obj;
}

/* Answers the slab if this object was its last one out (it is then off
 * every list and the caller releases it after dropping the lock). */
static struct slab *slab_put_locked(struct slab_cache *sc, void *obj)
{
	struct slab *s = slab_of(sc, (uintptr_t)obj);

	if (!s->free)
		partial_add(sc, s);
	*(void **)obj = s->free;
	s->free = obj;
	if (--s->inuse)
		return NULL;
	partial_remove(sc, s);
	return s;
}

/* A new slab, cut into objects, put on the partial list with one object
 * already taken for the caller: so every slab on that list has objects
 * out, and the last one coming back releases it. NULL without pages. */
static void *slab_grow(struct slab_cache *sc)
{
	char *base = heap_pages(sc->order);
	struct slab *s;
	uint64_t flags;
	void *obj;

	if (!base)
		return NULL;
	s = slab_of(sc, (uintptr_t)base);
	s->magic = SLAB_MAGIC;
	s->tag = sc->tag;
	s->order = sc->order;
	s->total = sc->per_slab;
	s->inuse = 0;
	s->free = base;
	for (unsigned i = 0; i + 1 < sc->per_slab; i++)
		*(void **)(base + i * sc->size) = base + (i + 1) * sc->size;
	*(void **)(base + (sc->per_slab - 1) * sc->size) = NULL;
	map_set((uintptr_t)base, sc->order, sc->tag);
	count(&heap.slab_pages, 1ll << sc->order);

	flags = spin_lock_irqsave(&sc->lock);
	partial_add(sc, s);
	obj = slab_take_locked(sc); /* from s: partial_add put it first */
	spin_unlock_irqrestore(&sc->lock, flags);
	return obj;
}

static void slab_release(struct slab_cache *sc, struct slab *s)
{
	uintptr_t base = (uintptr_t)s + SLAB_HDR - slab_bytes(sc);

	s->magic = 0;
	map_set(base, sc->order, TAG_NONE);
	count(&heap.slab_pages, -(1ll << sc->order));
	pages_free((void *)base, sc->order);
}

static void *cache_alloc_obj(struct slab_cache *sc)
{
	uint64_t flags = spin_lock_irqsave(&sc->lock);
	void *obj = slab_take_locked(sc);

	spin_unlock_irqrestore(&sc->lock, flags);
	return obj ? obj : slab_grow(sc);
}

/* Returns n objects to their slabs under one lock hold; slabs left empty
 * are released after it. */
static void cache_free_objs(struct slab_cache *sc, void *const *objs, unsigned n)
{
	struct slab *empty = NULL, *s;
	uint64_t flags = spin_lock_irqsave(&sc->lock);

	for (unsigned i = 0; i < n; i++) {
		s = slab_put_locked(sc, objs[i]);
		if (s) {
			s->next = empty;
			empty = s;
		}
	}
	spin_unlock_irqrestore(&sc->lock, flags);
	while ((s = empty)) {
		empty = s->next;
		slab_release(sc, s);
	}
}

static void cache_init(struct slab_cache *sc, uint32_t size, uint8_t tag)
{
	unsigned order = 0;

	/* The smallest slab that wastes at most an eighth of itself. */
	for (;;) {
		uint64_t bytes = PAGE_SIZE << order;
		uint64_t per = (bytes - SLAB_HDR) / size;

		if (bytes - per * size <= bytes / 8 || order == SLAB_ORDER_MAX)
			break;
		order++;
	}
	sc->lock = (struct spinlock)SPINLOCK_INIT;
	sc->size = size;
	sc->order = (uint8_t)order;
	sc->tag = tag;
	sc->per_slab = (uint16_t)(((PAGE_SIZE << order) - SLAB_HDR) / size);
}

/* ---- magazines ------------------------------------------------------ */

static struct magazine *mag_alloc(void)
{
	struct magazine *m = cache_alloc_obj(&heap.mags);

	if (m) {
		m->next = NULL;
		m->n = 0;
		count(&heap.magazines, 1);
	}
	return m;
}

static void mag_free(struct magazine *m)
{
	void *obj = m;

	count(&heap.magazines, -1);
	cache_free_objs(&heap.mags, &obj, 1);
}

/* Its objects back to the slabs, then the magazine itself. */
static void mag_drain(struct slab_cache *sc, struct magazine *m)
{
	cache_free_objs(sc, m->obj, m->n);
	mag_free(m);
}

/* ---- depot (the class lock) ------------------------------------------ */

/* Unlinks the head of a depot list (class lock held); NULL when empty. */
static struct magazine *depot_list_pop(struct magazine **list, unsigned *count)
{
	struct magazine *m = *list;

	if (m) {
		*list = m->next;
		(*count)--;
	}
	return m;
}

static struct magazine *depot_get(struct slab_cache *sc, struct magazine **list,
				  unsigned *count)
{
	uint64_t flags = spin_lock_irqsave(&sc->lock);
	struct magazine *m = depot_list_pop(list, count);

	spin_unlock_irqrestore(&sc->lock, flags);
	return m;
}

static struct magazine *depot_get_full(struct slab_cache *sc)
{
	return depot_get(sc, &sc->full, &sc->nfull);
}

static struct magazine *depot_get_empty(struct slab_cache *sc)
{
	return depot_get(sc, &sc->empty, &sc->nempty);
}

/* Answers a full magazine the depot has no room for, or NULL. */
static struct magazine *depot_put_full(struct slab_cache *sc, struct magazine *m)
{
	uint64_t flags = spin_lock_irqsave(&sc->lock);
	struct magazine *excess = NULL;

	m->next = sc->full;
	sc->full = m;
	if (++sc->nfull > DEPOT_FULL_MAX)
		excess = depot_list_pop(&sc->full, &sc->nfull);
	spin_unlock_irqrestore(&sc->lock, flags);
	return excess;
}

static void depot_put_empty(struct slab_cache *sc, struct magazine *m)
{
	uint64_t flags = spin_lock_irqsave(&sc->lock);
	bool kept = sc->nempty < DEPOT_EMPTY_MAX;

	if (kept) {
		m->next = sc->empty;
		sc->empty = m;
		sc->nempty++;
	}
	spin_unlock_irqrestore(&sc->lock, flags);
	if (!kept)
		mag_free(m);
}

/* ---- CPU layer (interrupts off, this CPU's cache) -------------------- */

static void *cc_pop(struct cpu_cache *cc)
{
	struct magazine *t;

	if (cc->loaded && cc->loaded->n)
		return cc->loaded->obj[--cc->loaded->n];
	if (cc->prev && cc->prev->n) { /* prev is full: swap */
		t = cc->loaded;
		cc->loaded = cc->prev;
		cc->prev = t;
		return cc->loaded->obj[--cc->loaded->n];
	}
	return NULL;
}

static bool cc_push(struct cpu_cache *cc, void *obj)
{
	struct magazine *t;

	if (cc->loaded && cc->loaded->n < MAG_ROUNDS) {
		cc->loaded->obj[cc->loaded->n++] = obj;
		return true;
	}
	if (cc->prev && cc->prev->n == 0) { /* loaded is full, prev empty: swap */
		t = cc->loaded;
		cc->loaded = cc->prev;
		cc->prev = t;
		cc->loaded->obj[cc->loaded->n++] = obj;
		return true;
	}
	return false;
}

/* Both magazines empty: trade the previous one for a full one from the
 * depot, or take one object from the slabs. */
static void *depot_alloc(struct slab_cache *sc, struct cpu_cache *cc)
{
	struct magazine *m = depot_get_full(sc);

	if (!m)
		return cache_alloc_obj(sc);
	count(&heap.depot_swaps, 1);
	if (cc->prev)
		depot_put_empty(sc, cc->prev);
	cc->prev = cc->loaded;
	cc->loaded = m;
	return m->obj[--m->n];
}

/* Both magazines full (or none yet): trade the previous one for an empty
 * one. Without an empty magazine to be had, the object goes to its slab. */
static void depot_free(struct slab_cache *sc, struct cpu_cache *cc, void *obj)
{
	struct magazine *m = depot_get_empty(sc), *excess = NULL;

	if (!m)
		m = mag_alloc();
	if (!m) {
		cache_free_objs(sc, &obj, 1);
		return;
	}
	if (cc->prev)
		excess = depot_put_full(sc, cc->prev);
	cc->prev = cc->loaded;
	cc->loaded = m;
	m->obj[m->n++] = obj;
	if (excess) {
		count(&heap.depot_overflows, 1);
		mag_drain(sc, excess);
	}
}

static void *small_alloc(unsigned c)
{
	uint64_t flags = irq_save();
	struct cpu_heap *ch = this_cpu_heap();
	void *p = cc_pop(&ch->cc[c]);

	if (!p)
		p = depot_alloc(&heap.cls[c], &ch->cc[c]);
	if (p) {
		count(&ch->allocs, 1);
		count(&ch->bytes_alloc, class_size[c]);
	}
	irq_restore(flags);
	return p;
}

static void small_free(unsigned c, void *p)
{
	uint64_t flags = irq_save();
	struct cpu_heap *ch = this_cpu_heap();

	if (!cc_push(&ch->cc[c], p))
		depot_free(&heap.cls[c], &ch->cc[c], p);
	count(&ch->frees, 1);
	count(&ch->bytes_freed, class_size[c]);
	irq_restore(flags);
}

/* ---- large blocks ---------------------------------------------------- */

static void *large_alloc(size_t size)
{
	unsigned order = 0;
	uint64_t flags;
	struct cpu_heap *ch;
	void *p;

	if (size > (PAGE_SIZE << PAGE_ORDER_MAX))
		return NULL;
	while ((PAGE_SIZE << order) < size)
		order++;
	p = heap_pages(order);
	if (!p)
		return NULL;
	*map_entry((uintptr_t)p) = (uint8_t)(TAG_LARGE | order);
	count(&heap.large_pages, 1ll << order);
	flags = irq_save();
	ch = this_cpu_heap();
	count(&ch->allocs, 1);
	count(&ch->bytes_alloc, PAGE_SIZE << order);
	irq_restore(flags);
	return p;
}

static void large_free(void *p, unsigned order)
{
	uint64_t flags = irq_save();
	struct cpu_heap *ch = this_cpu_heap();

	count(&ch->frees, 1);
	count(&ch->bytes_freed, PAGE_SIZE << order);
	irq_restore(flags);
	*map_entry((uintptr_t)p) = TAG_NONE;
	count(&heap.large_pages, -(1ll << order));
	pages_free(p, order);
}

/* ---- the API ---------------------------------------------------------- */

/* What p is, checked: a small block of class *cls (and *order = -1), or a
 * large block of *order pages (and *cls = -1). Panics on anything else. */
static void classify(const char *who, const void *p, int *cls, int *order)
{
	uintptr_t a = (uintptr_t)p;
	const struct slab_cache *sc;
	const struct slab *s;
	uintptr_t off;
	uint8_t tag;

	if (a < heap.lo || a >= heap.hi)
		panic("%s(%p): not heap memory", who, p);
	tag = *map_entry(a);
	if (tag & TAG_LARGE) {
		if (a & (PAGE_SIZE - 1))
			panic("%s(%p): not the start of a large block", who, p);
		*cls = -1;
		*order = tag & ~TAG_LARGE;
		return;
	}
	if (tag == TAG_NONE || tag > NCLASSES)
		panic("%s(%p): not a kmalloc block (double free of a large block?)", who, p);
	sc = &heap.cls[tag - 1];
	s = slab_of(sc, a);
	off = a & (slab_bytes(sc) - 1);
	if (s->magic != SLAB_MAGIC || s->tag != tag)
		panic("%s(%p): slab header at %p is corrupt", who, p, (const void *)s);
	if (off % sc->size || off / sc->size >= s->total)
		panic("%s(%p): not the start of a %u-byte block", who, p, sc->size);
	*cls = tag - 1;
	*order = -1;
}

static unsigned size_class(size_t size)
{
	unsigned c = 0;

	while (class_size[c] < size)
		c++;
	return c;
}

void *kmalloc(size_t size)
{
	if (size <= HEAP_SMALL_MAX)
		return small_alloc(size_class(size));
	return large_alloc(size);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	int cls, order;

	if (!p)
		return;
	classify("kfree", p, &cls, &order);
	if (cls >= 0)
		small_free((unsigned)cls, p);
	else
		large_free(p, (unsigned)order);
}

size_t ksize(const void *p)
{
	int cls, order;

	classify("ksize", p, &cls, &order);
	return cls >= 0 ? class_size[cls] : (size_t)(PAGE_SIZE << order);
}

void heap_drain_cpu(void)
{
	uint64_t flags = irq_save();
	struct cpu_heap *ch = this_cpu_heap();

	for (unsigned c = 0; c < NCLASSES; c++) {
		struct cpu_cache *cc = &ch->cc[c];

		if (cc->loaded)
			mag_drain(&heap.cls[c], cc->loaded);
		if (cc->prev)
			mag_drain(&heap.cls[c], cc->prev);
		cc->loaded = cc->prev = NULL;
	}
	irq_restore(flags);
}

void heap_reclaim(void)
{
	for (unsigned c = 0; c < NCLASSES; c++) {
		struct slab_cache *sc = &heap.cls[c];
		uint64_t flags = spin_lock_irqsave(&sc->lock);
		struct magazine *full = sc->full, *empty = sc->empty, *m;

		sc->full = sc->empty = NULL;
		sc->nfull = sc->nempty = 0;
		spin_unlock_irqrestore(&sc->lock, flags);
		while ((m = full)) {
			full = m->next;
			mag_drain(sc, m);
		}
		while ((m = empty)) {
			empty = m->next;
			mag_free(m);
		}
	}
}

void heap_stats(struct heap_stats *out)
{
	uint64_t allocs = 0, frees = 0, in = 0, out_bytes = 0;

	for (unsigned i = 0; i < CPUS_MAX; i++) {
		allocs += read_count(&heap.cpu[i].allocs);
		frees += read_count(&heap.cpu[i].frees);
		in += read_count(&heap.cpu[i].bytes_alloc);
		out_bytes += read_count(&heap.cpu[i].bytes_freed);
	}
	out->objects_in_use = allocs - frees;
	out->bytes_in_use = in - out_bytes;
	out->slab_pages = read_count(&heap.slab_pages);
	out->large_pages = read_count(&heap.large_pages);
	out->magazines = read_count(&heap.magazines);
	out->depot_swaps = read_count(&heap.depot_swaps);
	out->depot_overflows = read_count(&heap.depot_overflows);
	out->map_pages = heap.map ? 1ull << heap.map_order : 0;
}

int heap_init(uintptr_t lo, uintptr_t hi)
{
	uint64_t pages, map_pages;
	unsigned order = 0;

	lo &= ~(uintptr_t)(PAGE_SIZE - 1);
	hi = (hi + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
	if (lo >= hi)
		return HEAP_EINVAL;
	pages = (hi - lo) >> PAGE_SHIFT;
	map_pages = (pages + PAGE_SIZE - 1) >> PAGE_SHIFT;
	while ((1ull << order) < map_pages)
		order++;
	if (order > PAGE_ORDER_MAX)
		return HEAP_EINVAL;

	memset(&heap, 0, sizeof(heap));
	heap.map = pages_alloc(order);
	if (!heap.map)
		return HEAP_ENOMEM;
	heap.map_order = order;
	memset(heap.map, TAG_NONE, pages);
	heap.lo = lo;
	heap.hi = hi;
	for (unsigned c = 0; c < NCLASSES; c++)
		cache_init(&heap.cls[c], class_size[c], (uint8_t)(c + 1));
	cache_init(&heap.mags, sizeof(struct magazine), TAG_MAGAZINE);
	return 0;
}

_Static_assert(sizeof(struct slab) <= SLAB_HDR, "slab header too big");
_Static_assert(sizeof(struct magazine) == 256, "magazine size");
_Static_assert(NCLASSES < TAG_MAGAZINE && TAG_MAGAZINE < TAG_LARGE, "tags");
