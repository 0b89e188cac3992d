// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake guest's ring side: takes requests the way the guest does
 * (req_tail, release of comp_head, a doorbell only when the host waits,
 * guest_waiting around its sleep on the kick eventfd) and answers them
 * from fake_fs, spoiling one answer if told to.
 */
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_fs.h"
#include "fake_guest.h"

#define IDLE_POLL_MS 20 /* how often an idle server looks at `stop` */

int fake_guest_create(struct fake_guest *g, unsigned nqueues, uint32_t start_index)
{
	size_t len = nqueues * sizeof(struct sv_ring_queue);

	memset(g, 0, sizeof(*g));
	g->queues = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	g->fs = fake_fs_create();
	if (g->queues == MAP_FAILED || !g->fs)
		return -1;
	g->nqueues = nqueues;
	for (unsigned q = 0; q < nqueues; q++) {
		struct sv_ring_indices *idx = &g->queues[q].idx;

		idx->req_head = idx->req_tail = idx->comp_head = start_index;
		g->kick_fd[q] = eventfd(0, EFD_CLOEXEC);
		g->call_fd[q] = eventfd(0, EFD_CLOEXEC);
		if (g->kick_fd[q] < 0 || g->call_fd[q] < 0)
			return -1;
	}
	return 0;
}

void fake_guest_destroy(struct fake_guest *g)
{
	fake_guest_stop(g);
	for (unsigned q = 0; q < g->nqueues; q++) {
		close(g->kick_fd[q]);
		close(g->call_fd[q]);
	}
	munmap(g->queues, g->nqueues * sizeof(struct sv_ring_queue));
	fake_fs_destroy(g->fs);
}

/* The fault to do on this request, if it is the chosen one. */
static enum fake_fault fault_for(struct fake_guest *g, uint32_t op, uint64_t nr)
{
	bool ring_level = g->fault < FAKE_FAULT_WRONG_CONTENT;

	if (g->fault == FAKE_FAULT_NONE || nr < g->fault_after ||
	    (!ring_level && op != g->fault_op) ||
	    atomic_exchange(&g->fault_done, true))
		return FAKE_FAULT_NONE;
	return g->fault;
}

static void spoil_answer(enum fake_fault fault, struct sv_ring_resp *resp, uint8_t *data)
{
	if (fault == FAKE_FAULT_WRONG_CONTENT && resp->len)
		data[resp->len / 2] ^= 0x5a;
	if (fault == FAKE_FAULT_WRONG_SIZE && resp->op == SV_OP_APPEND)
		resp->value++;
	else if (fault == FAKE_FAULT_WRONG_SIZE && resp->len)
		resp->len--;
	if (fault == FAKE_FAULT_WRONG_SUM)
		resp->value++;
}

/* Returns the slot number to complete with. */
static uint32_t spoil_completion(enum fake_fault fault, uint32_t slot,
				 struct sv_ring_resp *resp)
{
	switch (fault) {
	case FAKE_FAULT_SLOT_OUT_OF_RANGE: return SV_RING_SLOTS + 7;
	case FAKE_FAULT_SLOT_NOT_OUTSTANDING: return (slot + SV_RING_SLOTS / 2) % SV_RING_SLOTS;
	case FAKE_FAULT_WRONG_TAG: resp->tag ^= 1; break;
	case FAKE_FAULT_LEN_TOO_BIG: resp->len = SV_RING_DATA_MAX + 1; break;
	case FAKE_FAULT_UNKNOWN_STATUS: resp->status = -1000; break;
	default: break;
	}
	return slot;
}

static void complete(struct fake_guest *g, unsigned q, uint32_t slot)
{
	struct sv_ring_queue *Q = &g->queues[q];
	uint32_t head = Q->idx.comp_head;

	__atomic_store_n(&Q->comp[head % SV_RING_SLOTS], slot, __ATOMIC_RELAXED);
	__atomic_store_n(&Q->idx.comp_head, head + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&Q->idx.host_waiting, __ATOMIC_ACQUIRE)) {
		uint64_t one = 1;

		if (write(g->call_fd[q], &one, sizeof(one)) == sizeof(one))
			atomic_fetch_add(&g->doorbells, 1);
	}
}

int fake_guest_serve_one(struct fake_guest *g, unsigned q)
{
	struct sv_ring_queue *Q = &g->queues[q];
	uint32_t tail = Q->idx.req_tail, slot;
	struct sv_ring_req req;
	struct sv_ring_resp resp;
	enum fake_fault fault;

	if (__atomic_load_n(&Q->idx.req_head, __ATOMIC_ACQUIRE) == tail)
		return 0;
	slot = __atomic_load_n(&Q->req[tail % SV_RING_SLOTS], __ATOMIC_RELAXED);
	__atomic_store_n(&Q->idx.req_tail, tail + 1, __ATOMIC_RELEASE);
	if (slot >= SV_RING_SLOTS)
		return 1; /* the guest ignores a bad slot number */
	req = Q->slots[slot].req;
	fault = fault_for(g, req.op, atomic_fetch_add(&g->served, 1));
	fake_fs_execute(g->fs, &req, Q->slots[slot].data, &resp);
	resp.tag = req.tag;
	resp.op = req.op;
	spoil_answer(fault, &resp, Q->slots[slot].data);
	if (fault == FAKE_FAULT_DROP)
		return 1;
	slot = spoil_completion(fault, slot, &resp);
	Q->slots[slot % SV_RING_SLOTS].resp = resp;
	complete(g, q, slot);
	return 1;
}

bool fake_guest_take_kick(struct fake_guest *g, unsigned q)
{
	struct pollfd pfd = { .fd = g->kick_fd[q], .events = POLLIN };
	uint64_t count;

	if (poll(&pfd, 1, 0) != 1 || read(g->kick_fd[q], &count, sizeof(count)) != sizeof(count))
		return false;
	atomic_fetch_add(&g->msis, 1);
	return true;
}

/* Sleeps until kicked (or a while passes), as the guest's idle CPU does. */
static void idle(struct fake_guest *g, unsigned q)
{
	struct sv_ring_queue *Q = &g->queues[q];
	struct pollfd pfd = { .fd = g->kick_fd[q], .events = POLLIN };

	__atomic_store_n(&Q->idx.guest_waiting, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&Q->idx.req_head, __ATOMIC_ACQUIRE) == Q->idx.req_tail &&
	    poll(&pfd, 1, IDLE_POLL_MS) == 1)
		fake_guest_take_kick(g, q);
	__atomic_store_n(&Q->idx.guest_waiting, 0, __ATOMIC_RELAXED);
}

static void *serve(void *p)
{
	struct fake_server *a = p;

	while (!atomic_load(&a->g->stop))
		if (!fake_guest_serve_one(a->g, a->q))
			idle(a->g, a->q);
	return NULL;
}

int fake_guest_start(struct fake_guest *g)
{
	atomic_store(&g->stop, false);
	for (unsigned q = 0; q < g->nqueues; q++) {
		g->servers[q] = (struct fake_server){ .g = g, .q = q };
		if (pthread_create(&g->servers[q].thread, NULL, serve, &g->servers[q]))
			return -1;
	}
	g->running = true;
	return 0;
}

void fake_guest_stop(struct fake_guest *g)
{
	if (!g->running)
		return;
	atomic_store(&g->stop, true);
	for (unsigned q = 0; q < g->nqueues; q++)
		pthread_join(g->servers[q].thread, NULL);
	g->running = false;
}
