// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket's transport: the listening socket, one thread that
 * poll()s it and every client, line framing and one response per request.
 *
 * Clients are untrusted even when they are our own user: an over-long
 * line is answered and dropped, a client that stops reading its responses
 * only stalls itself (we stop reading its requests until its response has
 * gone out), and a client that disconnects while holding a pause has the
 * pause released, so a crashed tool never leaves the guest frozen.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "control_commands.h"
#include "control_request.h"

#define CONTROL_CLIENTS_MAX 16
#define SV_STR_(x) #x
#define SV_STR(x) SV_STR_(x)
#define CONTROL_IN_SIZE (CONTROL_LINE_MAX + 1) /* a longest line and its '\n' */

struct client {
	int fd;         /* -1: free slot */
	char *in;       /* CONTROL_IN_SIZE bytes of unframed input */
	size_t in_len;
	bool discarding; /* dropping the rest of an over-long line */
	char *out;      /* the response being sent, or NULL */
	size_t out_len, out_off;
	struct control_session session;
};

struct control {
	struct vm *vm;
	char *path;
	dev_t dev; /* our socket file, so that stop removes only ours */
	ino_t ino;
	int listen_fd;
	int wake[2]; /* control_stop() writes to wake[1] */
	pthread_t thread;
	struct client clients[CONTROL_CLIENTS_MAX];
};

/* ---- responses ------------------------------------------------------- */

/* Sends bytes of the response, with the session's descriptors (if any)
 * attached to the first of them: they travel with the answer that names
 * them, and are sent once. */
static ssize_t send_some(struct client *c)
{
	struct control_session *s = &c->session;
	struct iovec iov = { c->out + c->out_off, c->out_len - c->out_off };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * CONTROL_FDS_MAX)];
	} control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (s->n_send_fds) {
		struct cmsghdr *cm;

		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * s->n_send_fds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * s->n_send_fds);
		memcpy(CMSG_DATA(cm), s->send_fds, sizeof(int) * s->n_send_fds);
	}
	n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n > 0)
		s->n_send_fds = 0;
	return n;
}

/* Sends what the socket takes now; returns false when the client is gone. */
static bool flush_out(struct client *c)
{
	while (c->out) {
		ssize_t n = send_some(c);

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		c->out_off += (size_t)n;
		if (c->out_off == c->out_len) {
			free(c->out);
			c->out = NULL;
		}
	}
	return true;
}

/* Takes resp (may be NULL: out of memory) and queues it as one line. */
static bool send_response(struct client *c, json_t *resp)
{
	static const char oom[] = "{\"ok\":false,\"error\":\"out of memory\"}";
	char *text = resp ? json_dumps(resp, JSON_COMPACT) : NULL;

	json_decref(resp);
	if (!text)
		text = strdup(oom);
	if (!text)
		return false;
	/* Sent by length, so the NUL becomes the line's end; compact JSON
	 * has no raw newline of its own. */
	c->out_len = strlen(text) + 1;
	text[c->out_len - 1] = '\n';
	c->out = text;
	c->out_off = 0;
	return flush_out(c);
}

/* ---- requests -------------------------------------------------------- */

/* Returns false when the connection must be closed. */
static bool handle_line(struct control *ctl, struct client *c, char *line, size_t len)
{
	struct control_request req;
	char err[CONTROL_ERROR_MAX];
	int stop_status = -1;
	json_t *resp;
	bool alive;

	if (len && line[len - 1] == '\r')
		len--; /* tolerate CRLF from terminals and socat */
	if (control_request_parse(line, len, &req, err))
		resp = control_error("%s", err);
	else
		resp = control_execute(ctl->vm, &c->session, &req, &stop_status);
	if (resp && req.id)
		json_object_set(resp, "id", req.id);
	control_request_release(&req);
	alive = send_response(c, resp);
	if (stop_status >= 0)
		vm_stop(ctl->vm, stop_status); /* after the response went out */
	return alive;
}

static void consume(struct client *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

/* Handles complete lines while no response is pending. */
static bool process_input(struct control *ctl, struct client *c)
{
	while (!c->out) {
		char *nl = memchr(c->in, '\n', c->in_len);

		if (!nl) {
			if (c->in_len < CONTROL_IN_SIZE)
				return true; /* wait for the rest of the line */
			c->in_len = 0;
			if (c->discarding)
				continue;
			c->discarding = true;
			if (!send_response(c, control_error("request line longer than %u bytes: dropped",
							    CONTROL_LINE_MAX)))
				return false;
			continue;
		}
		size_t len = (size_t)(nl - c->in);
		bool skip = c->discarding;

		c->discarding = false;
		if (!skip && !handle_line(ctl, c, c->in, len))
			return false;
		consume(c, len + 1);
	}
	return true;
}

/* ---- connections ----------------------------------------------------- */

static void close_client(struct control *ctl, struct client *c)
{
	control_session_end(ctl->vm, &c->session);
	close(c->fd);
	free(c->in);
	free(c->out);
	*c = (struct client){ .fd = -1 };
}

static bool read_input(struct control *ctl, struct client *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, CONTROL_IN_SIZE - c->in_len,
			 MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (n == 0)
		return false; /* EOF: an unterminated last line is not a request */
	c->in_len += (size_t)n;
	return process_input(ctl, c);
}

static void service_client(struct control *ctl, struct client *c, short revents)
{
	bool alive = true;

	if (revents & POLLOUT)
		alive = flush_out(c) && process_input(ctl, c);
	if (alive && (revents & POLLIN))
		alive = read_input(ctl, c);
	if (!alive || (revents & (POLLERR | POLLNVAL)) ||
	    ((revents & POLLHUP) && !(revents & POLLIN)))
		close_client(ctl, c);
}

/* Answers a connection we will not serve with one error line, and closes it. */
static void refuse(int fd, const char *msg)
{
	json_t *resp = json_pack("{s:b, s:s}", "ok", 0, "error", msg);
	char *text = resp ? json_dumps(resp, JSON_COMPACT) : NULL;

	/* Best effort: one short line always fits an empty socket buffer. */
	if (text && send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
		send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	free(text);
	json_decref(resp);
	close(fd);
}

/* The socket file's mode already keeps other users out; the credential
 * check also holds where the file's directory or mode were loosened. */
static bool peer_allowed(struct control *ctl, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		fprintf(stderr, "swapvisor: control socket %s: SO_PEERCRED: %s\n",
			ctl->path, strerror(errno));
		refuse(fd, "permission denied: peer credentials unavailable");
		return false;
	}
	if (cred.uid != geteuid()) {
		char msg[CONTROL_ERROR_MAX];

		fprintf(stderr, "swapvisor: control socket %s: refused pid %d, uid %u\n",
			ctl->path, (int)cred.pid, (unsigned)cred.uid);
		snprintf(msg, sizeof(msg), "permission denied: uid %u is not the VMM's uid %u",
			 (unsigned)cred.uid, (unsigned)geteuid());
		refuse(fd, msg);
		return false;
	}
	return true;
}

static void accept_client(struct control *ctl)
{
	int fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return; /* the client gave up already (ECONNABORTED) */
	if (!peer_allowed(ctl, fd))
		return;
	for (unsigned i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *c = &ctl->clients[i];

		if (c->fd >= 0)
			continue;
		c->in = malloc(CONTROL_IN_SIZE);
		if (!c->in)
			break;
		c->fd = fd;
		return;
	}
	refuse(fd, "too many control clients (at most " SV_STR(CONTROL_CLIENTS_MAX) ")");
}

/* ---- the thread ------------------------------------------------------ */

static nfds_t poll_set(struct control *ctl, struct pollfd *fds, struct client **who)
{
	nfds_t n = 2;

	fds[0] = (struct pollfd){ .fd = ctl->wake[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = ctl->listen_fd, .events = POLLIN };
	for (unsigned i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *c = &ctl->clients[i];

		if (c->fd < 0)
			continue;
		/* While a response is pending, read no further requests. */
		fds[n] = (struct pollfd){ .fd = c->fd, .events = c->out ? POLLOUT : POLLIN };
		who[n++] = c;
	}
	return n;
}

static void *control_thread(void *arg)
{
	struct control *ctl = arg;
	struct pollfd fds[2 + CONTROL_CLIENTS_MAX];
	struct client *who[2 + CONTROL_CLIENTS_MAX];

	for (;;) {
		nfds_t n = poll_set(ctl, fds, who);

		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "swapvisor: control socket %s: poll: %s\n",
				ctl->path, strerror(errno));
			return NULL;
		}
		if (fds[0].revents)
			return NULL; /* control_stop() */
		if (fds[1].revents & POLLIN)
			accept_client(ctl);
		for (nfds_t i = 2; i < n; i++)
			if (fds[i].revents)
				service_client(ctl, who[i], fds[i].revents);
	}
}

/* ---- the socket file ------------------------------------------------- */

/* Prints "what: strerror(err)" for the socket at path; returns -err. */
static int fail_path(const char *path, const char *what, int err)
{
	fprintf(stderr, "swapvisor: control socket %s: %s: %s\n", path, what,
		strerror(err));
	return -err;
}

static int make_addr(const char *path, struct sockaddr_un *addr)
{
	size_t len = strlen(path);

	*addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (!len || len >= sizeof(addr->sun_path)) {
		fprintf(stderr, "swapvisor: control socket \"%s\": path must be 1..%zu bytes\n",
			path, sizeof(addr->sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(addr->sun_path, path, len);
	return 0;
}

/* A socket file nobody listens on is what a killed VMM leaves behind;
 * anything else at the path is someone's and stays. */
static int remove_stale(const char *path, const struct sockaddr_un *addr)
{
	struct stat st;
	int fd, err;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : fail_path(path, "stat", errno);
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "swapvisor: control socket %s: exists and is not a socket\n",
			path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_path(path, "socket", errno);
	err = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) ? errno : 0;
	close(fd);
	if (!err) {
		fprintf(stderr, "swapvisor: control socket %s: another process is listening on it\n",
			path);
		return -EADDRINUSE;
	}
	if (err != ECONNREFUSED)
		return fail_path(path, "probing the existing socket", err);
	if (unlink(path) < 0)
		return fail_path(path, "removing the stale socket", errno);
	return 0;
}

/* The umask makes the file 0600 from birth: a chmod after bind() would
 * leave a window in which another user could connect. The umask is
 * process-wide, so this runs before other threads create files. */
static int bind_private(struct control *ctl, const struct sockaddr_un *addr)
{
	struct stat st;
	mode_t old = umask(0177);
	int err = bind(ctl->listen_fd, (const struct sockaddr *)addr, sizeof(*addr)) ? errno : 0;

	umask(old);
	if (err)
		return fail_path(ctl->path, "bind", err);
	if (stat(ctl->path, &st) < 0)
		return fail_path(ctl->path, "stat after bind", errno);
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	if (!S_ISSOCK(st.st_mode) || (st.st_mode & 07777) != 0600 || st.st_uid != geteuid()) {
		fprintf(stderr, "swapvisor: control socket %s: created with mode %04o, owner %u; expected a socket with mode 0600 owned by %u\n",
			ctl->path, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
			(unsigned)geteuid());
		unlink(ctl->path);
		return -EPERM;
	}
	return 0;
}

static int open_socket(struct control *ctl)
{
	struct sockaddr_un addr;
	int err = make_addr(ctl->path, &addr);

	if (!err)
		err = remove_stale(ctl->path, &addr);
	if (err)
		return err;
	ctl->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ctl->listen_fd < 0)
		return fail_path(ctl->path, "socket", errno);
	err = bind_private(ctl, &addr);
	if (err)
		return err;
	if (listen(ctl->listen_fd, CONTROL_CLIENTS_MAX) < 0) {
		err = fail_path(ctl->path, "listen", errno);
		unlink(ctl->path);
	}
	return err;
}

/* Removes the file only if it is still the one we bound: a second VMM may
 * have replaced it after we stopped listening. */
static void remove_socket(struct control *ctl)
{
	struct stat st;

	if (stat(ctl->path, &st) == 0 && st.st_dev == ctl->dev && st.st_ino == ctl->ino)
		unlink(ctl->path);
}

/* ---- start and stop -------------------------------------------------- */

static void free_control(struct control *ctl)
{
	if (ctl->listen_fd >= 0)
		close(ctl->listen_fd);
	if (ctl->wake[0] >= 0)
		close(ctl->wake[0]);
	if (ctl->wake[1] >= 0)
		close(ctl->wake[1]);
	free(ctl->path);
	free(ctl);
}

/* The thread starts with every signal blocked, so that SIGINT and friends
 * reach the threads that expect them and never interrupt a client's I/O. */
static int start_thread(struct control *ctl)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&ctl->thread, NULL, control_thread, ctl);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err ? fail_path(ctl->path, "starting the control thread", err) : 0;
}

int control_start(struct vm *vm, const char *path, struct control **out)
{
	struct control *ctl = calloc(1, sizeof(*ctl));
	int err;

	if (!ctl)
		return -ENOMEM;
	ctl->vm = vm;
	ctl->listen_fd = ctl->wake[0] = ctl->wake[1] = -1;
	for (unsigned i = 0; i < CONTROL_CLIENTS_MAX; i++)
		ctl->clients[i].fd = -1;
	ctl->path = strdup(path);
	if (!ctl->path || pipe2(ctl->wake, O_CLOEXEC) < 0) {
		err = -(ctl->path ? errno : ENOMEM);
		fail_path(path, "setting up", -err);
		free_control(ctl);
		return err;
	}
	err = open_socket(ctl);
	if (!err) {
		err = start_thread(ctl);
		if (err)
			remove_socket(ctl);
	}
	if (err) {
		free_control(ctl);
		return err;
	}
	*out = ctl;
	return 0;
}

void control_stop(struct control *ctl)
{
	if (!ctl)
		return;
	while (write(ctl->wake[1], "", 1) < 0 && errno == EINTR)
		;
	pthread_join(ctl->thread, NULL);
	for (unsigned i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *c = &ctl->clients[i];

		if (c->fd >= 0) {
			flush_out(c); /* e.g. the answer to "quit" */
			close_client(ctl, c);
		}
	}
	remove_socket(ctl);
	free_control(ctl);
}
