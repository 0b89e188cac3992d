// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host end of a request-ring queue. The shared words are plain
 * uint32_t in the ABI header (the guest compiles it too), so they are
 * accessed with the __atomic builtins: release when publishing an index,
 * acquire when reading the other side's, and a full fence between setting
 * a "waiting" flag and looking at the index again (the other side does
 * the mirror image, so one of the two always sees the other).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ring_client.h"

#define ALL_SLOTS ((uint32_t)((1ull << SV_RING_SLOTS) - 1))

const char *ring_status_name(int32_t status)
{
	switch (status) {
	case SV_OK: return "SV_OK";
	case SV_EFAULT: return "SV_EFAULT";
	case SV_EINVAL: return "SV_EINVAL";
	case SV_ENOSYS: return "SV_ENOSYS";
	case SV_ENOENT: return "SV_ENOENT";
	case SV_EIO: return "SV_EIO";
	case SV_ENOMEM: return "SV_ENOMEM";
	case SV_EBUSY: return "SV_EBUSY";
	case SV_EEXIST: return "SV_EEXIST";
	case SV_ENOTDIR: return "SV_ENOTDIR";
	case SV_EISDIR: return "SV_EISDIR";
	case SV_EFBIG: return "SV_EFBIG";
	case SV_ENOSPC: return "SV_ENOSPC";
	case SV_ENAMETOOLONG: return "SV_ENAMETOOLONG";
	case SV_ENOTEMPTY: return "SV_ENOTEMPTY";
	case SV_EPROTO: return "SV_EPROTO";
	case SV_ETIMEDOUT: return "SV_ETIMEDOUT";
	case SV_ESTALE: return "SV_ESTALE";
	case SV_ECANCELED: return "SV_ECANCELED";
	default: return NULL;
	}
}

bool ring_status_known(int32_t status)
{
	return ring_status_name(status) != NULL;
}

static uint32_t load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void kick(struct ring_client *rc)
{
	uint64_t one = 1;

	/* An eventfd write only fails on counter overflow, which a pending
	 * MSI cannot reach; nothing to do about it but count no kick. */
	if (write(rc->kick_fd, &one, sizeof(one)) == sizeof(one))
		rc->stats.kicks++;
}

static void kick_if_guest_waits(struct ring_client *rc)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (load_acquire(&rc->q->idx.guest_waiting))
		kick(rc);
	else
		rc->stats.kicks_saved++;
}

/* Every message about this queue's completions goes through here. */
static void reject(struct ring_client *rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reject(struct ring_client *rc, const char *fmt, ...)
{
	char msg[RING_CLIENT_MSG_MAX];
	int n = snprintf(msg, sizeof(msg), "ring queue %u: rejected completion: ", rc->queue);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	rc->stats.rejected++;
	if (rc->report)
		rc->report(rc->report_ctx, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

bool ring_client_pending(const struct ring_client *rc)
{
	return load_acquire(&rc->q->idx.comp_head) != rc->comp_seen;
}

bool ring_client_arm(struct ring_client *rc)
{
	__atomic_store_n(&rc->q->idx.host_waiting, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!ring_client_pending(rc))
		return false;
	__atomic_store_n(&rc->q->idx.host_waiting, 0, __ATOMIC_RELAXED);
	return true;
}

void ring_client_disarm(struct ring_client *rc)
{
	struct pollfd pfd = { .fd = rc->call_fd, .events = POLLIN };
	uint64_t count;

	__atomic_store_n(&rc->q->idx.host_waiting, 0, __ATOMIC_RELAXED);
	/* The fd is the VMM's too: poll instead of making it non-blocking. */
	if (poll(&pfd, 1, 0) == 1 && read(rc->call_fd, &count, sizeof(count)) < 0)
		fprintf(stderr, "ring queue %u: clearing the doorbell eventfd: %s\n",
			rc->queue, strerror(errno));
}

int ring_client_wait(struct ring_client *rc, int timeout_ms)
{
	struct pollfd pfd = { .fd = rc->call_fd, .events = POLLIN };
	int ret;

	if (ring_client_pending(rc) || ring_client_arm(rc))
		return 1;
	ret = poll(&pfd, 1, timeout_ms);
	ring_client_disarm(rc);
	if (ret < 0 && errno != EINTR)
		return -1;
	return ring_client_pending(rc) ? 1 : 0;
}

/* Waits until the guest has completed everything posted so far. Until
 * then slots may still be written by the guest, so none can be reused. */
static int drain(struct ring_client *rc, uint32_t req_head, int timeout_ms,
		 char msg[RING_CLIENT_MSG_MAX])
{
	int64_t deadline = (int64_t)monotonic_ms() + timeout_ms;
	uint32_t pending = req_head - rc->comp_seen;

	if (pending > SV_RING_SLOTS) {
		snprintf(msg, RING_CLIENT_MSG_MAX,
			 "ring queue %u: indices inconsistent: req_head %u, comp_head %u",
			 rc->queue, req_head, rc->comp_seen);
		return -1;
	}
	/* A killed client may have died between publishing and kicking. */
	if (pending)
		kick_if_guest_waits(rc);
	while (load_acquire(&rc->q->idx.comp_head) != req_head) {
		int64_t left = deadline - (int64_t)monotonic_ms();

		if (left <= 0 || ring_client_wait(rc, (int)left) < 0) {
			snprintf(msg, RING_CLIENT_MSG_MAX,
				 "ring queue %u: %u requests of a previous client still outstanding after %d ms",
				 rc->queue, req_head - load_acquire(&rc->q->idx.comp_head), timeout_ms);
			return -1;
		}
	}
	rc->stats.stale_drained = pending;
	rc->comp_seen = req_head;
	return 0;
}

int ring_client_init(struct ring_client *rc, struct sv_ring_queue *q,
		     unsigned queue, int kick_fd, int call_fd, int timeout_ms,
		     char msg[RING_CLIENT_MSG_MAX])
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	*rc = (struct ring_client){
		.q = q, .queue = queue, .kick_fd = kick_fd, .call_fd = call_fd,
		.free_slots = ALL_SLOTS,
		/* Tags differ between runs, so no leftover response can match. */
		.next_tag = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec,
	};
	rc->req_head = load_acquire(&q->idx.req_head);
	rc->comp_seen = load_acquire(&q->idx.comp_head);
	return drain(rc, rc->req_head, timeout_ms, msg);
}

int ring_client_get_slot(struct ring_client *rc)
{
	return rc->free_slots ? __builtin_ctz(rc->free_slots) : -1;
}

uint8_t *ring_client_data(struct ring_client *rc, unsigned slot)
{
	return rc->q->slots[slot % SV_RING_SLOTS].data;
}

uint64_t ring_client_post(struct ring_client *rc, unsigned slot,
			  const struct sv_ring_req *req, uint64_t resp_max)
{
	struct sv_ring_slot *s = &rc->q->slots[slot];
	uint64_t tag = rc->next_tag++;

	s->req = *req;
	s->req.tag = tag;
	rc->posted[slot] = (struct ring_posted){
		.tag = tag, .op = req->op,
		.resp_max = resp_max < SV_RING_DATA_MAX ? resp_max : SV_RING_DATA_MAX,
	};
	rc->free_slots &= ~(1u << slot);
	rc->outstanding |= 1u << slot;
	__atomic_store_n(&rc->q->req[rc->req_head % SV_RING_SLOTS], slot, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->q->idx.req_head, ++rc->req_head, __ATOMIC_RELEASE);
	rc->stats.posted++;
	kick_if_guest_waits(rc);
	return tag;
}

/* Checks the response in an outstanding slot against what was posted. */
static bool response_valid(struct ring_client *rc, unsigned slot,
			   const struct sv_ring_resp *r)
{
	const struct ring_posted *p = &rc->posted[slot];

	if (r->tag != p->tag)
		reject(rc, "slot %u: tag 0x%llx, posted 0x%llx", slot,
		       (unsigned long long)r->tag, (unsigned long long)p->tag);
	else if (r->op != p->op)
		reject(rc, "slot %u: op %u, posted op %u", slot, r->op, p->op);
	else if (r->len > p->resp_max)
		reject(rc, "slot %u: len %llu, the request allows %llu", slot,
		       (unsigned long long)r->len, (unsigned long long)p->resp_max);
	else if (!ring_status_known(r->status))
		reject(rc, "slot %u: status %d is no SV_E* code", slot, r->status);
	else
		return true;
	return false;
}

/* Consumes completion entry `index`; true if it ended a request, which
 * is then described in out. */
static bool take_completion(struct ring_client *rc, uint32_t index,
			    struct ring_completion *out)
{
	uint32_t slot = __atomic_load_n(&rc->q->comp[index % SV_RING_SLOTS], __ATOMIC_RELAXED);
	struct sv_ring_resp resp;
	bool valid;

	if (slot >= SV_RING_SLOTS) {
		reject(rc, "entry %u: slot %u out of range 0..%u", index, slot, SV_RING_SLOTS - 1);
		return false;
	}
	if (!(rc->outstanding & (1u << slot))) {
		reject(rc, "slot %u: not outstanding", slot);
		return false;
	}
	memcpy(&resp, &rc->q->slots[slot].resp, sizeof(resp));
	valid = response_valid(rc, slot, &resp);
	rc->outstanding &= ~(1u << slot);
	if (rc->posted[slot].abandoned) {
		rc->stats.abandoned_late += valid;
		rc->free_slots |= 1u << slot;
		return false;
	}
	*out = (struct ring_completion){
		.slot = slot, .tag = rc->posted[slot].tag, .rejected = !valid,
		.resp = valid ? resp : (struct sv_ring_resp){ 0 },
		.data = rc->q->slots[slot].data,
	};
	rc->stats.completed += valid;
	return true;
}

unsigned ring_client_reap(struct ring_client *rc, struct ring_completion *out,
			  unsigned max)
{
	uint32_t head = load_acquire(&rc->q->idx.comp_head);
	uint32_t avail = head - rc->comp_seen;
	uint32_t posted = rc->req_head - rc->comp_seen;
	unsigned n = 0;

	if (avail > posted) {
		reject(rc, "comp_head %u runs %u entries past the %u requests posted",
		       head, avail - posted, posted);
		avail = posted;
	}
	while (avail && n < max) {
		n += take_completion(rc, rc->comp_seen++, &out[n]);
		avail--;
	}
	return n;
}

void ring_client_release(struct ring_client *rc, unsigned slot)
{
	if (slot < SV_RING_SLOTS && !(rc->outstanding & (1u << slot)))
		rc->free_slots |= 1u << slot;
}

void ring_client_abandon(struct ring_client *rc, unsigned slot)
{
	if (slot < SV_RING_SLOTS && (rc->outstanding & (1u << slot)))
		rc->posted[slot].abandoned = true;
}

unsigned ring_client_in_flight(const struct ring_client *rc)
{
	return (unsigned)__builtin_popcount(rc->outstanding);
}
