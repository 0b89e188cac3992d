/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A client of the control socket for other host programs (the load
 * generator's ring-attach, the patch monitor): one request line out, one
 * answer line back with any file descriptors it carries (SCM_RIGHTS).
 */
#ifndef SV_VMM_CONTROL_CLIENT_H
#define SV_VMM_CONTROL_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#define CONTROL_CLIENT_MSG_MAX 512
#define CONTROL_CLIENT_FDS_MAX 80
#define CONTROL_CLIENT_ANSWER_MAX (256u << 10)

struct control_answer {
	json_t *json;   /* the answer object (the caller's reference) */
	int fds[CONTROL_CLIENT_FDS_MAX];
	unsigned nfds;  /* the caller's to close */
};

/* A connected socket (answers awaited up to timeout_s), or -1 with msg. */
int control_client_connect(const char *path, unsigned timeout_s,
			   char msg[CONTROL_CLIENT_MSG_MAX]);

/* Sends req (a JSON object, borrowed) and reads its answer. 0, or -1 with
 * msg naming the socket and the command; an answer {"ok":false} is still
 * 0: the caller reads its "error". */
int control_client_call(int sock, const char *path, json_t *req, struct control_answer *ans,
			char msg[CONTROL_CLIENT_MSG_MAX]);

void control_answer_release(struct control_answer *ans);

/* The "0x..." string at key, or -1. */
int control_answer_hex(json_t *obj, const char *key, unsigned long long *out);

#endif
