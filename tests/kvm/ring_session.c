// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring_attach.h"
#include "ring_client.h"
#include "ring_session.h"

#define DRAIN_TIMEOUT_MS 10000

/* A request sent with rs_post, whose answer rs_wait will want: when a
 * wait for another request reaps it first, its completion is kept here
 * (the slot not yet given back) rather than dropped. */
struct awaited {
	bool used, done;
	uint64_t tag;
	unsigned slot;
	struct ring_completion c;
};

struct ring_session {
	struct ring_attachment att;
	struct ring_client clients[SV_RING_QUEUES_MAX];
	struct awaited awaited[SV_RING_QUEUES_MAX][SV_RING_SLOTS];
};

struct ring_session *rs_attach(const char *socket, char *msg, size_t msg_size)
{
	struct ring_session *s = calloc(1, sizeof(*s));
	char why[RING_ATTACH_MSG_MAX];

	if (!s || ring_attach(socket, &s->att, why)) {
		snprintf(msg, msg_size, "%s", s ? why : "out of memory");
		free(s);
		return NULL;
	}
	for (unsigned q = 0; q < s->att.queues; q++) {
		if (ring_client_init(&s->clients[q], ring_attachment_queue(&s->att, q), q,
				     s->att.kick_fd[q], s->att.call_fd[q], DRAIN_TIMEOUT_MS, why)) {
			snprintf(msg, msg_size, "%s", why);
			rs_detach(s);
			return NULL;
		}
	}
	return s;
}

void rs_detach(struct ring_session *s)
{
	ring_detach(&s->att);
	free(s);
}

unsigned rs_queues(const struct ring_session *s)
{
	return s->att.queues;
}

static int post(struct ring_client *rc, const struct rs_request *r, uint64_t *tag)
{
	struct sv_ring_req req = { .op = r->op, .path_len = r->path_len, .offset = r->offset,
				   .len = r->len, .arg = r->arg };
	int slot = ring_client_get_slot(rc);

	if (slot < 0)
		return -1;
	if (r->path)
		memcpy(req.path, r->path, strnlen(r->path, SV_RING_PATH_MAX));
	if (r->data)
		memcpy(ring_client_data(rc, (unsigned)slot), r->data,
		       r->len < SV_RING_DATA_MAX ? r->len : SV_RING_DATA_MAX);
	*tag = ring_client_post(rc, (unsigned)slot, &req, SV_RING_DATA_MAX);
	return slot;
}

int rs_post_only(struct ring_session *s, unsigned q, const struct rs_request *req,
		 unsigned n)
{
	uint64_t tag;

	for (unsigned i = 0; i < n; i++)
		if (post(&s->clients[q], req, &tag) < 0)
			return -1;
	return 0;
}

static void copy_answer(const struct ring_completion *c, struct rs_answer *ans)
{
	ans->status = c->resp.status;
	ans->len = c->resp.len;
	ans->value = c->resp.value;
	ans->arg = c->resp.arg;
	memcpy(ans->data, c->data, c->resp.len);
}

static struct awaited *awaited_of(struct ring_session *s, unsigned q, uint64_t tag)
{
	for (unsigned i = 0; i < SV_RING_SLOTS; i++)
		if (s->awaited[q][i].used && s->awaited[q][i].tag == tag)
			return &s->awaited[q][i];
	return NULL;
}

int rs_post(struct ring_session *s, unsigned q, const struct rs_request *req, uint64_t *tag,
	    char *msg, size_t msg_size)
{
	int slot = post(&s->clients[q], req, tag);
	struct awaited *a = NULL;

	if (slot < 0) {
		snprintf(msg, msg_size, "queue %u: no free slot", q);
		return -1;
	}
	/* At most SV_RING_SLOTS requests are outstanding, so one is free. */
	for (unsigned i = 0; !a; i++)
		if (!s->awaited[q][i].used)
			a = &s->awaited[q][i];
	*a = (struct awaited){ .used = true, .tag = *tag, .slot = (unsigned)slot };
	return 0;
}

/* A reaped completion: kept for the rs_wait that wants it, else its slot
 * goes back (an rs_post_only request's, or one an earlier wait gave up). */
static void keep_or_release(struct ring_session *s, unsigned q, const struct ring_completion *c)
{
	struct awaited *a = awaited_of(s, q, c->tag);

	if (a) {
		a->c = *c;
		a->done = true;
	} else {
		ring_client_release(&s->clients[q], c->slot);
	}
}

int rs_wait(struct ring_session *s, unsigned q, uint64_t tag, int timeout_ms,
	    struct rs_answer *ans, char *msg, size_t msg_size)
{
	struct ring_client *rc = &s->clients[q];
	struct awaited *a = awaited_of(s, q, tag);
	struct ring_completion c;
	int ret = 0;

	if (!a) {
		snprintf(msg, msg_size, "queue %u: tag %llu was not sent with rs_post (or was "
			 "waited for already)", q, (unsigned long long)tag);
		return -1;
	}
	while (!a->done) {
		if (ring_client_reap(rc, &c, 1)) {
			keep_or_release(s, q, &c);
		} else if (ring_client_wait(rc, timeout_ms) <= 0) {
			ring_client_abandon(rc, a->slot);
			a->used = false;
			snprintf(msg, msg_size, "queue %u: no answer within %d ms", q, timeout_ms);
			return -1;
		}
	}
	if (a->c.rejected) {
		snprintf(msg, msg_size, "queue %u: the answer was rejected", q);
		ret = -1;
	} else {
		copy_answer(&a->c, ans);
	}
	ring_client_release(rc, a->c.slot);
	a->used = false;
	return ret;
}

int rs_call(struct ring_session *s, unsigned q, const struct rs_request *req,
	    int timeout_ms, struct rs_answer *ans, char *msg, size_t msg_size)
{
	uint64_t tag;

	if (rs_post(s, q, req, &tag, msg, msg_size))
		return -1;
	return rs_wait(s, q, tag, timeout_ms, ans, msg, msg_size);
}

uint64_t rs_rejected(const struct ring_session *s)
{
	uint64_t n = 0;

	for (unsigned q = 0; q < s->att.queues; q++)
		n += s->clients[q].stats.rejected;
	return n;
}

uint64_t rs_stale_drained(const struct ring_session *s)
{
	uint64_t n = 0;

	for (unsigned q = 0; q < s->att.queues; q++)
		n += s->clients[q].stats.stale_drained;
	return n;
}
