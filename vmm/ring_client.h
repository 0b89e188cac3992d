/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host end of one request-ring queue (guest/include/sv/ring.h): posts
 * requests into free slots, rings the guest's doorbell only when it waits,
 * and reaps completions, believing none it has not checked. Used by the
 * load generator for the request queues and by the VMM for the control
 * queue. One thread per client; clients of different queues are
 * independent.
 *
 * The guest is untrusted: every slot number, tag, opcode, length and
 * status it writes is validated against what this client posted before it
 * is used. A completion that fails is counted and reported (naming the
 * queue, the slot and the field); if it names a slot that was outstanding,
 * that request is over and is handed back marked rejected, with nothing
 * of the guest's response in it.
 */
#ifndef SV_VMM_RING_CLIENT_H
#define SV_VMM_RING_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include <sv/ring.h>

#define RING_CLIENT_MSG_MAX 256

/* One posted request, as this client remembers it. */
struct ring_posted {
	uint64_t tag;
	uint32_t op;
	uint64_t resp_max;  /* most response bytes the request allows */
	bool abandoned;     /* given up on: its completion is dropped */
};

struct ring_client_stats {
	uint64_t posted;
	uint64_t completed;       /* valid completions delivered */
	uint64_t rejected;        /* completions that failed validation */
	uint64_t abandoned_late;  /* completions of abandoned requests */
	uint64_t kicks;           /* doorbells rung (guest was waiting) */
	uint64_t kicks_saved;     /* posts that needed no doorbell */
	uint64_t stale_drained;   /* a previous client's requests waited out */
};

struct ring_client {
	struct sv_ring_queue *q;
	unsigned queue;           /* its number, for messages */
	int kick_fd;              /* eventfd -> irqfd: the guest's MSI */
	int call_fd;              /* ioeventfd: the guest rang the doorbell */
	uint32_t req_head;        /* our copy; the shared one is only written */
	uint32_t comp_seen;       /* completions consumed */
	uint32_t free_slots;      /* bit n: slot n is ours and unused */
	uint32_t outstanding;     /* bit n: slot n is posted, not completed */
	uint64_t next_tag;
	struct ring_posted posted[SV_RING_SLOTS];
	struct ring_client_stats stats;
	/* Called with each rejection's message; NULL: printed on stderr. */
	void (*report)(void *ctx, const char *msg);
	void *report_ctx;
};

/* A completed request. The slot stays the caller's (not reused) until
 * ring_client_release(), so its data can be read in place. */
struct ring_completion {
	unsigned slot;
	uint64_t tag;
	bool rejected;            /* invalid: resp and data mean nothing */
	struct sv_ring_resp resp; /* a validated snapshot the guest cannot change */
	const uint8_t *data;      /* resp.len bytes in the slot */
};

/*
 * Adopts queue `queue` at q: waits up to timeout_ms for every request a
 * previous (perhaps killed) client left posted to complete, discarding
 * those completions, so that every slot is free. 0, or -1 with a message
 * in msg naming the queue.
 */
int ring_client_init(struct ring_client *rc, struct sv_ring_queue *q,
		     unsigned queue, int kick_fd, int call_fd, int timeout_ms,
		     char msg[RING_CLIENT_MSG_MAX]);

/* A free slot's number, or -1 when all are in use. */
int ring_client_get_slot(struct ring_client *rc);

/* The slot's payload buffer (SV_RING_DATA_MAX bytes), for request data. */
uint8_t *ring_client_data(struct ring_client *rc, unsigned slot);

/*
 * Posts req (its tag is assigned here) in slot, which came from
 * ring_client_get_slot() and holds the request's data; resp_max is the
 * most response bytes accepted (capped at SV_RING_DATA_MAX). Kicks the
 * guest if it waits. Returns the tag.
 */
uint64_t ring_client_post(struct ring_client *rc, unsigned slot,
			  const struct sv_ring_req *req, uint64_t resp_max);

/* Moves up to max completions into out; returns how many. Invalid ones
 * are counted in stats.rejected and reported; those of outstanding slots
 * come out marked rejected. */
unsigned ring_client_reap(struct ring_client *rc, struct ring_completion *out,
			  unsigned max);

/* Gives a reaped completion's slot back for reuse. */
void ring_client_release(struct ring_client *rc, unsigned slot);

/* Gives up on a posted request (lost): its slot comes back only when the
 * guest completes it after all, and that completion is dropped. */
void ring_client_abandon(struct ring_client *rc, unsigned slot);

/* Whether completions wait to be reaped. */
bool ring_client_pending(const struct ring_client *rc);

/* Asks the guest for a doorbell on its next completion. Returns true if
 * completions are already there (the request is then withdrawn). */
bool ring_client_arm(struct ring_client *rc);

/* After call_fd polled readable or the wait ended: clears the doorbell
 * and withdraws the request. */
void ring_client_disarm(struct ring_client *rc);

/* Waits up to timeout_ms (-1: forever) for completions: 1 there are some,
 * 0 timed out or interrupted by a signal, -1 poll failed. */
int ring_client_wait(struct ring_client *rc, int timeout_ms);

/* How many requests are posted and not completed (abandoned included). */
unsigned ring_client_in_flight(const struct ring_client *rc);

/* Whether status is SV_OK or a negative SV_E* code of sv/abi.h. */
bool ring_status_known(int32_t status);
/* Its name ("SV_ENOSYS"), or NULL when unknown. */
const char *ring_status_name(int32_t status);

#endif
