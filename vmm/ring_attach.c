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

#include "ring_attach.h"

#define ANSWER_MAX 4096
#define ANSWER_TIMEOUT_S 30
#define FDS_MAX (1 + 2 * SV_RING_QUEUES_MAX)
#define PAGE_SIZE 4096u

static const char request_line[] = "{\"cmd\":\"ring-attach\"}\n";

/* What arrived on the connection: the answer line and its fds. */
struct answer {
	char line[ANSWER_MAX];
	size_t len;
	int fds[FDS_MAX];
	unsigned nfds;
};

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

static int connect_to(const char *path, char msg[RING_ATTACH_MSG_MAX])
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = ANSWER_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return fail(msg, "%s: socket path too long", path);
	memcpy(addr.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(msg, "%s: socket: %s", path, strerror(errno));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fail(msg, "%s: connect: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void keep_fds(struct answer *ans, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (ans->nfds < FDS_MAX)
				ans->fds[ans->nfds++] = fd;
			else
				close(fd);
		}
	}
}

/* Reads up to the answer's newline, collecting any fds on the way. */
static int receive_answer(int sock, const char *path, struct answer *ans,
			  char msg[RING_ATTACH_MSG_MAX])
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(FDS_MAX * sizeof(int))];
	} control;

	while (!memchr(ans->line, '\n', ans->len)) {
		struct iovec iov = { ans->line + ans->len, sizeof(ans->line) - 1 - ans->len };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
		};
		ssize_t n;

		if (!iov.iov_len)
			return fail(msg, "%s: ring-attach answer longer than %d bytes", path,
				    ANSWER_MAX - 1);
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(msg, "%s: no ring-attach answer: %s", path,
				    n ? strerror(errno) : "connection closed");
		keep_fds(ans, &mh);
		if (mh.msg_flags & MSG_CTRUNC)
			return fail(msg, "%s: ring-attach answer carried more than %d fds",
				    path, FDS_MAX);
		ans->len += (size_t)n;
	}
	ans->len = (size_t)((char *)memchr(ans->line, '\n', ans->len) - ans->line);
	ans->line[ans->len] = '\0';
	return 0;
}

static int parse_hex(json_t *v, uint64_t *out)
{
	const char *s = json_string_value(v);
	char *end;

	if (!s || strncmp(s, "0x", 2) || !s[2])
		return -1;
	errno = 0;
	*out = strtoull(s + 2, &end, 16);
	return *end || errno ? -1 : 0;
}

/* Takes the answer's numbers into a, checking them against this build's
 * ring ABI and the fds that came with them. */
static int parse_answer(const char *path, const struct answer *ans,
			struct ring_attachment *a, char msg[RING_ATTACH_MSG_MAX])
{
	json_error_t jerr;
	json_t *root = json_loadb(ans->line, ans->len, JSON_REJECT_DUPLICATES, &jerr);
	json_int_t queues, size, slots;
	int ret = -1;

	if (!json_is_object(root))
		fail(msg, "%s: ring-attach answer is not a JSON object: %.80s", path, ans->line);
	else if (!json_is_true(json_object_get(root, "ok")))
		fail(msg, "%s: ring-attach refused: %s", path,
		     json_string_value(json_object_get(root, "error")) ?: ans->line);
	else if (json_unpack_ex(root, &jerr, 0, "{s:I, s:I, s:I}", "queues", &queues,
				"queue_size", &size, "slots", &slots) ||
		 parse_hex(json_object_get(root, "ring_gpa"), &a->ring_gpa))
		fail(msg, "%s: ring-attach answer lacks queues, queue_size, slots or a \"0x...\" ring_gpa: %.120s",
		     path, ans->line);
	else if (queues < 1 || queues >= SV_RING_QUEUES_MAX)
		fail(msg, "%s: ring-attach: %lld queues, expected 1..%u", path,
		     (long long)queues, SV_RING_QUEUES_MAX - 1);
	else if (slots != SV_RING_SLOTS || size != sizeof(struct sv_ring_queue))
		fail(msg, "%s: ring-attach: %lld slots of queue size %lld, this build has %u of %zu",
		     path, (long long)slots, (long long)size, SV_RING_SLOTS,
		     sizeof(struct sv_ring_queue));
	else if (a->ring_gpa % PAGE_SIZE)
		fail(msg, "%s: ring-attach: ring_gpa 0x%llx is not page aligned", path,
		     (unsigned long long)a->ring_gpa);
	else if (ans->nfds != 1 + 2 * (unsigned)queues)
		fail(msg, "%s: ring-attach: %u fds for %lld queues, expected %lld", path,
		     ans->nfds, (long long)queues, 1 + 2 * (long long)queues);
	else {
		a->queues = (unsigned)queues;
		a->queue_size = (uint64_t)size;
		ret = 0;
	}
	json_decref(root);
	return ret;
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

static int send_request(int sock, const char *path, char msg[RING_ATTACH_MSG_MAX])
{
	size_t off = 0, len = sizeof(request_line) - 1;

	while (off < len) {
		ssize_t n = send(sock, request_line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno != EINTR)
			return fail(msg, "%s: sending ring-attach: %s", path, strerror(errno));
		off += n > 0 ? (size_t)n : 0;
	}
	return 0;
}

int ring_attach(const char *path, struct ring_attachment *a,
		char msg[RING_ATTACH_MSG_MAX])
{
	struct answer ans = { .nfds = 0 };
	int ret;

	*a = (struct ring_attachment){ .sock = connect_to(path, msg) };
	if (a->sock < 0)
		return -1;
	ret = send_request(a->sock, path, msg);
	if (!ret)
		ret = receive_answer(a->sock, path, &ans, msg);
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
