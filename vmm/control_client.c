// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client end of the control socket (docs/control-protocol.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control_client.h"

static int fail(char msg[CONTROL_CLIENT_MSG_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(char msg[CONTROL_CLIENT_MSG_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, CONTROL_CLIENT_MSG_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

int control_client_connect(const char *path, unsigned timeout_s,
			   char msg[CONTROL_CLIENT_MSG_MAX])
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_s };
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

static int send_all(int sock, const char *path, const char *line, size_t len,
		    char msg[CONTROL_CLIENT_MSG_MAX])
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(sock, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno != EINTR)
			return fail(msg, "%s: sending a request: %s", path, strerror(errno));
		off += n > 0 ? (size_t)n : 0;
	}
	return 0;
}

static void keep_fds(struct control_answer *ans, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (ans->nfds < CONTROL_CLIENT_FDS_MAX)
				ans->fds[ans->nfds++] = fd;
			else
				close(fd);
		}
	}
}

/* The server answers one line per request and reads no further request
 * until it is sent, so nothing past this answer's newline can arrive. */
static int receive_line(int sock, const char *path, char *line, size_t *len,
			struct control_answer *ans, char msg[CONTROL_CLIENT_MSG_MAX])
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(CONTROL_CLIENT_FDS_MAX * sizeof(int))];
	} control;

	while (!memchr(line, '\n', *len)) {
		struct iovec iov = { line + *len, CONTROL_CLIENT_ANSWER_MAX - 1 - *len };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
		};
		ssize_t n;

		if (!iov.iov_len)
			return fail(msg, "%s: answer longer than %u bytes", path,
				    CONTROL_CLIENT_ANSWER_MAX - 1);
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(msg, "%s: no answer: %s", path,
				    n ? strerror(errno) : "connection closed");
		keep_fds(ans, &mh);
		if (mh.msg_flags & MSG_CTRUNC)
			return fail(msg, "%s: answer carried more than %d fds", path,
				    CONTROL_CLIENT_FDS_MAX);
		*len += (size_t)n;
	}
	*len = (size_t)((char *)memchr(line, '\n', *len) - line);
	return 0;
}

int control_client_call(int sock, const char *path, json_t *req, struct control_answer *ans,
			char msg[CONTROL_CLIENT_MSG_MAX])
{
	char *text = json_dumps(req, JSON_COMPACT);
	char *line = malloc(CONTROL_CLIENT_ANSWER_MAX);
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	size_t len = 0;
	int ret = -1;

	*ans = (struct control_answer){ .json = NULL };
	if (!text || !line) {
		fail(msg, "%s: out of memory", path);
	} else if (!send_all(sock, path, text, strlen(text), msg) &&
		   !send_all(sock, path, "\n", 1, msg) &&
		   !receive_line(sock, path, line, &len, ans, msg)) {
		ans->json = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
		if (json_is_object(ans->json))
			ret = 0;
		else
			fail(msg, "%s: %s: answer is not a JSON object: %.80s", path,
			     cmd ? cmd : "request", line);
	}
	free(text);
	free(line);
	if (ret)
		control_answer_release(ans);
	return ret;
}

void control_answer_release(struct control_answer *ans)
{
	json_decref(ans->json);
	for (unsigned i = 0; i < ans->nfds; i++)
		close(ans->fds[i]);
	*ans = (struct control_answer){ .json = NULL };
}

int control_answer_hex(json_t *obj, const char *key, unsigned long long *out)
{
	const char *s = json_string_value(json_object_get(obj, key));
	char *end;

	if (!s || strncmp(s, "0x", 2) || !s[2])
		return -1;
	errno = 0;
	*out = strtoull(s + 2, &end, 16);
	return *end || errno ? -1 : 0;
}
