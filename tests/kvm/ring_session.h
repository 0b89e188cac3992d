/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of the ring client for the C++ tests (vmm/ring_attach.h and
 * vmm/ring_client.h, whose ABI header is C11): attach to a running VM's
 * request queues, send one request and wait for its answer, or leave
 * requests in flight as a killed client would.
 */
#ifndef SV_TEST_RING_SESSION_H
#define SV_TEST_RING_SESSION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ring_session;

/* NULL with the reason in msg (msg_size bytes). */
struct ring_session *rs_attach(const char *socket, char *msg, size_t msg_size);
void rs_detach(struct ring_session *s);
unsigned rs_queues(const struct ring_session *s);

struct rs_request {
	uint32_t op;
	uint32_t path_len; /* used as given, even when it lies about path */
	const char *path;  /* copied up to min(path_len, SV_RING_PATH_MAX) */
	uint64_t offset, len, arg;
	const void *data;  /* len bytes of payload, or NULL */
};

struct rs_answer {
	int32_t status;
	uint64_t len, value, arg;
	uint8_t data[16384];
};

/* Sends req on queue q and waits up to timeout_ms: 0 and *ans filled, or
 * -1 (no answer, or one the client rejected) with a message in msg. */
int rs_call(struct ring_session *s, unsigned q, const struct rs_request *req,
	    int timeout_ms, struct rs_answer *ans, char *msg, size_t msg_size);

/* The same in two halves, so that requests can be outstanding together
 * (a request the guest holds while others are answered): rs_post sends
 * req and gives its tag; rs_wait waits for that tag's answer, keeping any
 * other rs_post request's answer it reaps meanwhile for that request's
 * own rs_wait. Each tag is waited for once. */
int rs_post(struct ring_session *s, unsigned q, const struct rs_request *req, uint64_t *tag,
	    char *msg, size_t msg_size);
int rs_wait(struct ring_session *s, unsigned q, uint64_t tag, int timeout_ms,
	    struct rs_answer *ans, char *msg, size_t msg_size);

/* Posts n requests of req on queue q and does not wait for them (their
 * answers are dropped when reaped). */
int rs_post_only(struct ring_session *s, unsigned q, const struct rs_request *req,
		 unsigned n);

/* Completions the client rejected, and a previous client's requests it
 * waited out when it attached, over all queues. */
uint64_t rs_rejected(const struct ring_session *s);
uint64_t rs_stale_drained(const struct ring_session *s);

#ifdef __cplusplus
}
#endif

#endif
