// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interposer: a root that wraps the object's own root in the GTT
 * entry. A CPU's miss asks the wrapped root for the rep it would call and
 * installs, instead, this CPU's interposer rep, which remembers that rep
 * as the call's target; every interposer rep's interface is the stub
 * table of cobj_interpose.S.
 */
#include <kernel/co_interpose.h>
#include <kernel/co_root.h>
#include <kernel/generation.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/thread.h>

extern const void *const co_interposer_ops[CO_METHODS_MAX];
extern const char co_interpose_return[];

_Static_assert(offsetof(struct co_call, xmm) == 64 &&
		       offsetof(struct co_call, stack_args) == 192 &&
		       offsetof(struct co_call, return_slot) == 200 &&
		       sizeof(struct co_call) == 224,
	       "struct co_call must match cobj_interpose.S");
_Static_assert(sizeof(struct co_return) == 64, "struct co_return must match cobj_interpose.S");

struct interposer_rep {
	const void *ops;          /* co_interposer_ops */
	struct co_interposer *ip;
	struct co_rep *target;    /* the wrapped root's rep for this CPU */
};

struct co_interposer {
	struct co_root base;      /* in the GTT entry while attached */
	coid_t id;
	struct co_root *inner;    /* the wrapped root */
	struct co_wrapper *wrapper;
	bool exclusive;           /* no interposer may go on top */
	struct interposer_rep *reps[CPUS_MAX];
	struct generation_request reclaim;
};

/* Every online CPU's rep is made when the interposer is: a miss then
 * never allocates, so even the page allocator's object can be interposed
 * (its miss must not call it again). */
static bool create_reps(struct co_interposer *ip)
{
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		ip->reps[cpu] = (struct interposer_rep *)co_rep_alloc(sizeof(*ip->reps[cpu]),
								      co_interposer_ops);
		if (!ip->reps[cpu])
			return false;
		ip->reps[cpu]->ip = ip;
	}
	return true;
}

static void free_reps(struct co_interposer *ip)
{
	for (unsigned cpu = 0; cpu < CPUS_MAX; cpu++)
		co_rep_free((struct co_rep *)ip->reps[cpu]);
}

static struct co_rep *interposer_handle_miss(struct co_root *base, coid_t id, unsigned cpu)
{
	struct co_interposer *ip = (struct co_interposer *)base;
	struct co_rep *target = ip->inner->ops->handle_miss(ip->inner, id, cpu);
	struct interposer_rep *rep = ip->reps[cpu];

	if (!target)
		return NULL;
	__atomic_store_n(&rep->target, target, __ATOMIC_RELEASE);
	return (struct co_rep *)rep;
}

static void free_interposer(struct co_interposer *ip)
{
	free_reps(ip);
	if (ip->wrapper->ops->release)
		ip->wrapper->ops->release(ip->wrapper);
	kfree(ip);
}

/* co_destroy of an object that is still interposed: both go. */
static void interposer_destroy(struct co_root *base)
{
	struct co_interposer *ip = (struct co_interposer *)base;

	ip->inner->ops->destroy(ip->inner);
	free_interposer(ip);
}

static const struct co_root_ops interposer_root_ops = {
	.handle_miss = interposer_handle_miss,
	.destroy = interposer_destroy,
};

/* A swap's mediator must be the one its swap takes out at the end. */
static bool takes_no_interposer(const struct co_root *root)
{
	return co_root_is_interposer(root) && ((const struct co_interposer *)root)->exclusive;
}

static struct co_interposer *interpose(coid_t id, struct co_wrapper *w, bool exclusive)
{
	struct co_root *inner = co_root_of(id);
	struct co_interposer *ip;

	if (!inner || takes_no_interposer(inner) || !(ip = kzalloc(sizeof(*ip))))
		return NULL;
	ip->base.ops = &interposer_root_ops;
	ip->id = id;
	ip->wrapper = w;
	ip->inner = inner;
	ip->exclusive = exclusive;
	/* Fails if the root changed since we looked (a swap began). */
	if (!create_reps(ip) || co_swing_root(id, inner, &ip->base) != 0) {
		free_reps(ip);
		kfree(ip);
		return NULL;
	}
	return ip;
}

struct co_interposer *co_interpose(coid_t id, struct co_wrapper *w)
{
	return interpose(id, w, false);
}

struct co_interposer *co_interpose_exclusive(coid_t id, struct co_wrapper *w)
{
	return interpose(id, w, true);
}

static void reclaim_when_quiescent(void *arg)
{
	free_interposer(arg);
}

int co_interpose_end(struct co_interposer *ip, struct co_root *successor)
{
	if (co_swing_root(ip->id, &ip->base, successor) != 0)
		return -1;
	generation_request_into(&ip->reclaim, reclaim_when_quiescent, ip);
	return 0;
}

int co_interpose_detach(struct co_interposer *ip)
{
	return co_interpose_end(ip, ip->inner);
}

bool co_root_is_interposer(const struct co_root *root)
{
	return root->ops == &interposer_root_ops;
}

struct co_root *co_interposed_root(const struct co_interposer *ip)
{
	return ip->inner;
}

/* ---- the trampolines' C halves ----------------------------------------- */

static void push_frame(struct co_interposer *ip, struct co_call *call)
{
	struct co_frames *f = &thread_current()->co_frames;
	uint32_t depth = f->depth;
	struct co_frame *frame;

	if (depth == CO_FRAMES_MAX)
		panic("cobj: more than %u interposed calls nested on one thread (method %llu of %p)",
		      CO_FRAMES_MAX, (unsigned long long)call->method, (void *)ip->id);
	frame = &f->frame[depth];
	/* Claimed before it is written: an interrupt arriving now nests
	 * above it. */
	f->depth = depth + 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	frame->return_address = *call->return_slot;
	frame->ip = ip;
	frame->cookie = call->cookie;
	frame->method = (uint32_t)call->method;
	*call->return_slot = (void *)co_interpose_return;
}

struct co_rep *co_interpose_enter(struct co_call *call)
{
	struct interposer_rep *rep = (struct interposer_rep *)call->reg[0];
	struct co_wrapper *w = rep->ip->wrapper;

	call->target = __atomic_load_n(&rep->target, __ATOMIC_ACQUIRE);
	call->cookie = NULL;
	if (w->ops->precall(w, call))
		push_frame(rep->ip, call);
	return call->target;
}

void *co_interpose_leave(struct co_return *ret)
{
	struct co_frames *f = &thread_current()->co_frames;
	struct co_frame frame = f->frame[f->depth - 1];
	struct co_wrapper *w = frame.ip->wrapper;

	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	f->depth--; /* read before it is released to interrupts */
	ret->method = frame.method;
	ret->cookie = frame.cookie;
	w->ops->postcall(w, ret);
	return frame.return_address;
}

unsigned co_calls_in_progress(const struct co_wrapper_ops *ops)
{
	const struct co_frames *f = &thread_current()->co_frames;
	unsigned n = 0;

	for (uint32_t i = 0; i < f->depth; i++)
		n += f->frame[i].ip->wrapper->ops == ops;
	return n;
}
