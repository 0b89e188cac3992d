// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest end of the request ring: taking requests, serving each on a
 * thread of its own, posting completions, and sleeping between them.
 *
 * The host is not trusted to keep the ring well formed: a slot number out
 * of range, or a request index that runs ahead of what the ring can hold,
 * is refused (counted) and never used to index anything.
 */
#include <arch/cpu.h>
#include <kernel/heap.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/request_ring.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/thread.h>

struct guest_queue {
	struct sv_ring_queue *ring;
	const struct ring_service *service;
	unsigned cpu;
	struct thread *dispatcher;  /* published last: the interrupt reads it */
	struct spinlock complete_lock;
};

static struct guest_queue queues[SV_RING_QUEUES_MAX];
static unsigned nqueues;
static uint64_t served, refused; /* atomic */

/* Its place in the ring: the doorbell port's offset, too. */
static unsigned queue_number(const struct guest_queue *g)
{
	return (unsigned)(g - queues);
}

/* ---- taking requests -------------------------------------------------- */

/* The next request's slot number, or -1 when none is posted. */
static int take_request(struct guest_queue *g)
{
	struct sv_ring_indices *idx = &g->ring->idx;

	for (;;) {
		uint32_t head = __atomic_load_n(&idx->req_head, __ATOMIC_ACQUIRE);
		uint32_t tail = idx->req_tail;
		uint32_t slot;

		if (head == tail)
			return -1;
		if (head - tail > SV_RING_SLOTS) {
			/* More posted than slots exist: skip to the host's head
			 * rather than read entries it never wrote. */
			__atomic_add_fetch(&refused, head - tail, __ATOMIC_RELAXED);
			__atomic_store_n(&idx->req_tail, head, __ATOMIC_RELEASE);
			continue;
		}
		slot = __atomic_load_n(&g->ring->req[tail % SV_RING_SLOTS], __ATOMIC_RELAXED);
		__atomic_store_n(&idx->req_tail, tail + 1, __ATOMIC_RELEASE);
		if (slot < SV_RING_SLOTS)
			return (int)slot;
		__atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
	}
}

/* ---- completing ------------------------------------------------------- */

static void post_completion(struct guest_queue *g, unsigned slot)
{
	struct sv_ring_indices *idx = &g->ring->idx;
	uint64_t flags = spin_lock_irqsave(&g->complete_lock);
	uint32_t head = idx->comp_head;

	__atomic_store_n(&g->ring->comp[head % SV_RING_SLOTS], slot, __ATOMIC_RELAXED);
	__atomic_store_n(&idx->comp_head, head + 1, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&g->complete_lock, flags);
	/* The host sets host_waiting, fences, then looks at comp_head; we
	 * publish comp_head, fence, then look at host_waiting: one of us
	 * sees the other, so a sleeping host always gets its doorbell. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&idx->host_waiting, __ATOMIC_RELAXED))
		arch_ring_doorbell(SV_RING_PORT_BASE + queue_number(g));
}

/* ---- serving ---------------------------------------------------------- */

static int check_request(const struct ring_service *svc, const struct sv_ring_req *req)
{
	if (req->op >= svc->nops || !svc->ops[req->op].serve)
		return SV_ENOSYS;
	if (req->path_len > SV_RING_PATH_MAX)
		return SV_EINVAL;
	if (svc->ops[req->op].payload && req->len > SV_RING_DATA_MAX)
		return SV_EINVAL;
	return SV_OK;
}

static void answer(struct guest_queue *g, unsigned slot_no, const struct sv_ring_resp *resp)
{
	memcpy(&g->ring->slots[slot_no].resp, resp, sizeof(*resp));
	__atomic_add_fetch(&served, 1, __ATOMIC_RELAXED);
	post_completion(g, slot_no);
}

/* A response that names its request. */
static struct sv_ring_resp response_to(const struct sv_ring_req *req, int status)
{
	return (struct sv_ring_resp){ .tag = req->tag, .op = req->op, .status = status };
}

static bool wants_daemon(const struct ring_service *svc, uint32_t op)
{
	return op < svc->nops && svc->ops[op].daemon;
}

/* The thread's kind was chosen from the slot before this copy of it: a
 * host that rewrote the opcode since gets SV_EINVAL, never an op served
 * on the wrong kind of thread. */
static void serve_slot(struct guest_queue *g, unsigned slot_no, bool daemon)
{
	struct sv_ring_slot *slot = &g->ring->slots[slot_no];
	struct sv_ring_req req;
	struct sv_ring_resp resp;

	memcpy(&req, &slot->req, sizeof(req));
	resp = response_to(&req, check_request(g->service, &req));
	if (resp.status == SV_OK && wants_daemon(g->service, req.op) != daemon)
		resp.status = SV_EINVAL;
	if (resp.status == SV_OK)
		resp.status = g->service->ops[req.op].serve(&req, slot->data, &resp);
	if (resp.status != SV_OK)
		resp.len = 0;
	answer(g, slot_no, &resp);
}

/* A request's thread: the queue and the slot travel in the argument. */
static void request_thread(void *arg)
{
	uintptr_t job = (uintptr_t)arg;

	serve_slot(&queues[job / SV_RING_SLOTS], job % SV_RING_SLOTS,
		   thread_current()->flags & THREAD_DAEMON);
}

/* Without memory for a thread the request is answered SV_ENOMEM: the
 * dispatcher must not serve it itself, since a daemon's calls are
 * invisible to the quiescence a hot swap of a service waits for. */
static void dispatch(struct guest_queue *g, unsigned slot)
{
	uintptr_t job = queue_number(g) * SV_RING_SLOTS + slot;
	uint32_t op = __atomic_load_n(&g->ring->slots[slot].req.op, __ATOMIC_RELAXED);
	unsigned flags = wants_daemon(g->service, op) ? THREAD_DAEMON : 0;

	if (!thread_create_on(g->cpu, request_thread, (void *)job, flags)) {
		struct sv_ring_resp resp = response_to(&g->ring->slots[slot].req, SV_ENOMEM);

		answer(g, slot, &resp);
	}
}

/* ---- the dispatcher --------------------------------------------------- */

/* Sleeps until the host posts: the flag first, then a last look, so a
 * post between the look and the block still wakes us (the interrupt's
 * thread_wake ends the block at once). */
static void wait_for_requests(struct guest_queue *g)
{
	struct sv_ring_indices *idx = &g->ring->idx;

	__atomic_store_n(&idx->guest_waiting, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&idx->req_head, __ATOMIC_RELAXED) == idx->req_tail)
		thread_block();
	__atomic_store_n(&idx->guest_waiting, 0, __ATOMIC_RELAXED);
}

static void dispatcher(void *arg)
{
	struct guest_queue *g = arg;

	for (;;) {
		int slot;

		while ((slot = take_request(g)) >= 0)
			dispatch(g, (unsigned)slot);
		wait_for_requests(g);
	}
}

static int start_queue(const struct sv_boot_info *bi, unsigned q)
{
	struct guest_queue *g = &queues[q];
	struct thread *t;

	g->ring = (struct sv_ring_queue *)(uintptr_t)(bi->ring_base +
						      q * sizeof(struct sv_ring_queue));
	g->cpu = q < bi->ncpus ? q : 0;
	g->service = q < bi->ncpus ? &file_service : &control_service;
	t = thread_create_on(g->cpu, dispatcher, g, THREAD_DAEMON);
	if (!t)
		return SV_ENOMEM;
	__atomic_store_n(&g->dispatcher, t, __ATOMIC_RELEASE);
	return SV_OK;
}

int request_ring_start(const struct sv_boot_info *bi)
{
	if (bi->ring_queues != bi->ncpus + 1 || bi->ring_queues > SV_RING_QUEUES_MAX ||
	    !bi->ring_base || bi->ring_base % 4096) {
		printk("request ring: boot info gives %u queues at %#llx for %u CPUs: malformed\n",
		       bi->ring_queues, (unsigned long long)bi->ring_base, bi->ncpus);
		return SV_EINVAL;
	}
	nqueues = bi->ring_queues;
	for (unsigned q = 0; q < nqueues; q++) {
		int err = start_queue(bi, q);

		if (err)
			return err;
	}
	return SV_OK;
}

void request_ring_interrupt(bool control)
{
	unsigned q = control ? nqueues - 1 : cpu_id();
	struct thread *t;

	if (q >= nqueues)
		return; /* before request_ring_start: nobody to wake */
	t = __atomic_load_n(&queues[q].dispatcher, __ATOMIC_ACQUIRE);
	if (t)
		thread_wake(t);
}

void request_ring_stats(struct request_ring_stats *out)
{
	out->served = __atomic_load_n(&served, __ATOMIC_RELAXED);
	out->refused = __atomic_load_n(&refused, __ATOMIC_RELAXED);
}
