// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client side of the control socket's "ring-attach": one request line,
 * one answer line that carries 1 + 2 * queues file descriptors (guest RAM,
 * then each queue's kick eventfd, then each queue's call eventfd).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "control_client.h"
#include "ring_attach.h"

#define ANSWER_TIMEOUT_S 30
#define PAGE_SIZE 4096u

static int fail(char msg[RING_ATTACH_MSG_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(char msg[RING_ATTACH_MSG_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, RING_ATTACH_MSG_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* Takes the answer's numbers into a, checking them against this build's
 * ring ABI and the fds that came with them. */
static int parse_answer(const char *path, const struct control_answer *ans,
			struct ring_attachment *a, char msg[RING_ATTACH_MSG_MAX])
{
	json_t *root = ans->json;
	json_error_t jerr;
	json_int_t queues, size, slots;
	unsigned long long gpa = 0;

	if (!json_is_true(json_object_get(root, "ok")))
		return fail(msg, "%s: ring-attach refused: %s", path,
			    json_string_value(json_object_get(root, "error")) ?: "(no error)");
	if (json_unpack_ex(root, &jerr, 0, "{s:I, s:I, s:I}", "queues", &queues,
			   "queue_size", &size, "slots", &slots) ||
	    control_answer_hex(root, "ring_gpa", &gpa))
		fail(msg, "%s: ring-attach answer lacks queues, queue_size, slots or a \"0x...\" ring_gpa",
		     path);
	else if (queues < 1 || queues >= SV_RING_QUEUES_MAX)
		fail(msg, "%s: ring-attach: %lld queues, expected 1..%u", path,
		     (long long)queues, SV_RING_QUEUES_MAX - 1);
	else if (slots != SV_RING_SLOTS || size != sizeof(struct sv_ring_queue))
		fail(msg, "%s: ring-attach: %lld slots of queue size %lld, this build has %u of %zu",
		     path, (long long)slots, (long long)size, SV_RING_SLOTS,
		     sizeof(struct sv_ring_queue));
	else if (gpa % PAGE_SIZE)
		fail(msg, "%s: ring-attach: ring_gpa 0x%llx is not page aligned", path, gpa);
	else if (ans->nfds != 1 + 2 * (unsigned)queues)
		fail(msg, "%s: ring-attach: %u fds for %lld queues, expected %lld", path,
		     ans->nfds, (long long)queues, 1 + 2 * (long long)queues);
	else {
		a->queues = (unsigned)queues;
		a->queue_size = (uint64_t)size;
		a->ring_gpa = gpa;
		return 0;
	}
	return -1;
}

static int map_queues(const char *path, int mem_fd, struct ring_attachment *a,
		      char msg[RING_ATTACH_MSG_MAX])
{
	a->map_len = a->queues * a->queue_size;
	a->map = mmap(NULL, a->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, mem_fd,
		      (off_t)a->ring_gpa);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		return fail(msg, "%s: mapping %u queues at guest-physical 0x%llx: %s", path,
			    a->queues, (unsigned long long)a->ring_gpa, strerror(errno));
	}
	return 0;
}

int ring_attach(const char *path, struct ring_attachment *a,
		char msg[RING_ATTACH_MSG_MAX])
{
	json_t *req = json_pack("{s:s}", "cmd", "ring-attach");
	struct control_answer ans = { .nfds = 0 };
	int ret;

	*a = (struct ring_attachment){ .sock = control_client_connect(path, ANSWER_TIMEOUT_S, msg) };
	if (a->sock < 0) {
		json_decref(req);
		return -1;
	}
	ret = control_client_call(a->sock, path, req, &ans, msg);
	json_decref(req);
	if (!ret)
		ret = parse_answer(path, &ans, a, msg);
	if (!ret)
		ret = map_queues(path, ans.fds[0], a, msg);
	/* The mapping keeps guest RAM; the memfd itself is not needed. */
	if (ans.nfds)
		close(ans.fds[0]);
	for (unsigned i = 1; i < ans.nfds; i++) {
		unsigned q = (i - 1) % (ans.nfds / 2);
		int *fds = (i - 1) < ans.nfds / 2 ? a->kick_fd : a->call_fd;

		if (ret)
			close(ans.fds[i]);
		else
			fds[q] = ans.fds[i];
	}
	ans.nfds = 0; /* kept or closed above */
	control_answer_release(&ans);
	if (ret) {
		close(a->sock);
		a->sock = -1;
	}
	return ret;
}

struct sv_ring_queue *ring_attachment_queue(const struct ring_attachment *a,
					    unsigned q)
{
	return (struct sv_ring_queue *)((char *)a->map + q * a->queue_size);
}

void ring_detach(struct ring_attachment *a)
{
	if (a->map)
		munmap(a->map, a->map_len);
	for (unsigned q = 0; q < a->queues; q++) {
		close(a->kick_fd[q]);
		close(a->call_fd[q]);
	}
	if (a->sock >= 0)
		close(a->sock);
	*a = (struct ring_attachment){ .sock = -1 };
}
