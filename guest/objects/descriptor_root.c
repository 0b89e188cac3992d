// SPDX-License-Identifier: GPL-2.0-only
/* The memory-descriptor allocator as a swappable single object: its root
 * (a shared co_multi_root that remembers which version's methods its rep
 * gets), the state transfer between versions, and version 0's instance,
 * published by name for the update engine. */
#include <kernel/co_root.h>
#include <kernel/descriptor_allocator.h>
#include <kernel/heap.h>
#include <kernel/object_registry.h>
#include <kernel/printf.h>
#include <kernel/string.h>

struct descriptor_root {
	struct co_multi_root multi; /* first: freed as one by its destroy */
	const struct descriptor_allocator_ops *ops;
};

static struct co_rep *create_rep(struct co_multi_root *root, unsigned index)
{
	(void)index;
	return co_rep_alloc(sizeof(struct descriptor_allocator),
			    ((struct descriptor_root *)root)->ops);
}

/* After a completed swap both roots have seen the pages: only the one the
 * state last moved to frees them. */
static void destroy_rep(struct co_rep *rep)
{
	struct descriptor_allocator *a = (struct descriptor_allocator *)rep;

	for (uint32_t p = 0; a->owns_pages && p < a->npages; p++)
		pages_free(a->pages[p], 0);
	co_rep_free(rep);
}

/* ---- state transfer ----------------------------------------------------- */

enum { DESCRIPTOR_FORMAT_STATE = 0 };

struct descriptor_state {
	struct descriptor_allocator *from; /* gives up the pages on import */
	uint32_t npages;
	uint64_t handed_twice, given_twice, dropped;
	void *pages[DESCRIPTOR_PAGES_MAX];
	uint8_t in_use[DESCRIPTORS_MAX];
};

static struct descriptor_allocator *rep_of(struct co_root *root)
{
	return (struct descriptor_allocator *)co_multi_root_rep((struct co_multi_root *)root, 0);
}

static void *export_state(struct co_root *root, unsigned format, unsigned cpu)
{
	struct descriptor_allocator *a = rep_of(root);
	struct descriptor_state *s = a ? kmalloc(sizeof(*s)) : NULL;

	(void)format, (void)cpu;
	if (!s)
		return NULL;
	*s = (struct descriptor_state){ .from = a, .npages = a->npages,
		.handed_twice = a->handed_twice, .given_twice = a->given_twice,
		.dropped = a->dropped };
	memcpy(s->pages, a->pages, sizeof(s->pages));
	memcpy(s->in_use, a->in_use, sizeof(s->in_use));
	return s;
}

/* The free stack from the in-use bytes: every free descriptor once. */
static void rebuild_stack(struct descriptor_allocator *a)
{
	a->top = 0;
	for (unsigned i = a->npages * DESCRIPTORS_PER_PAGE; i-- > 0;)
		if (!a->in_use[i])
			a->stack[a->top++] = (uint16_t)i;
}

/* The last step of a swap that cannot fail any more, so the pages change
 * hands here: the exporter is then committed (destroyed without them) or
 * rolled back onto (and takes them back by the same import). */
static int import_state(struct co_root *root, unsigned format, unsigned cpu, void *state)
{
	struct descriptor_allocator *a = rep_of(root);
	struct descriptor_state *s = state;

	(void)format, (void)cpu;
	if (a) {
		a->npages = s->npages;
		a->handed_twice = s->handed_twice;
		a->given_twice = s->given_twice;
		a->dropped = s->dropped;
		memcpy(a->pages, s->pages, sizeof(a->pages));
		memcpy(a->in_use, s->in_use, sizeof(a->in_use));
		rebuild_stack(a);
		s->from->owns_pages = 0;
		a->owns_pages = 1;
	}
	kfree(s);
	return a ? 0 : -1;
}

static const struct co_transfer_ops transfer = {
	.exports = 1ull << DESCRIPTOR_FORMAT_STATE,
	.imports = 1ull << DESCRIPTOR_FORMAT_STATE,
	.export_state = export_state,
	.import_state = import_state,
};

static const struct co_rep_type rep_type = { create_rep, destroy_rep, &transfer };

struct co_root *descriptor_root_create(const struct descriptor_allocator_ops *ops)
{
	struct descriptor_root *root = kzalloc(sizeof(*root));

	if (!root)
		return NULL;
	co_multi_root_init(&root->multi, &rep_type, CO_SHARED);
	root->ops = ops;
	return &root->multi.base;
}

/* ---- version 0's instance ------------------------------------------------- */

static const struct descriptor_allocator_ops v0_ops = {
	.take = descriptor_v0_take,
	.give = descriptor_v0_give,
	.hold = descriptor_v0_hold,
	.stats = descriptor_v0_stats,
};

static struct spinlock start_lock = SPINLOCK_INIT;
static coid_t instance;

/* A fresh rep owns what it will carve. */
static int claim_pages(struct co_root *root)
{
	struct descriptor_allocator *a = rep_of(root);

	if (a)
		a->owns_pages = 1;
	return a ? 0 : -1;
}

static coid_t create_instance(void)
{
	struct co_root *root = descriptor_root_create(&v0_ops);
	coid_t id = root && claim_pages(root) == 0 ? co_create(root) : NULL;
	int err;

	if (!id) {
		printk("descriptor allocator: no memory or COID for version %u\n",
		       DESCRIPTOR_ALLOCATOR_VERSION);
		if (root)
			root->ops->destroy(root);
		return NULL;
	}
	err = object_registry_add(DESCRIPTOR_ALLOCATOR_NAME, id, DESCRIPTOR_ALLOCATOR_VERSION);
	if (!err)
		return id;
	printk("descriptor allocator: object registry refused %s (error %d)\n",
	       DESCRIPTOR_ALLOCATOR_NAME, err);
	(void)co_destroy(id);
	return NULL;
}

coid_t descriptor_allocator_start(void)
{
	uint64_t flags = spin_lock_irqsave(&start_lock);

	if (!instance)
		instance = create_instance();
	spin_unlock_irqrestore(&start_lock, flags);
	return instance;
}
