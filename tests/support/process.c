// SPDX-License-Identifier: GPL-2.0-only
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct buffer {
	char *data;
	size_t len;
};

static void append(struct buffer *b, const char *src, size_t n)
{
	char *grown = realloc(b->data, b->len + n + 1);

	if (!grown)
		abort();
	b->data = grown;
	memcpy(b->data + b->len, src, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int decode_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return 128 + WTERMSIG(wstatus);
}

/* Drains both pipes until they close or the deadline passes. */
static int drain(int out_fd, int err_fd, struct buffer *out, struct buffer *err,
		 double deadline)
{
	struct pollfd fds[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	struct buffer *bufs[2] = { out, err };
	int open_fds = 2;
	char chunk[65536];

	while (open_fds > 0) {
		int left_ms = (int)((deadline - now_s()) * 1000);
		if (left_ms <= 0)
			return -1;
		if (poll(fds, 2, left_ms) < 0 && errno != EINTR)
			return -1;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			ssize_t n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				append(bufs[i], chunk, (size_t)n);
			} else {
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	return 0;
}

int proc_run(const char *const argv[], int timeout_s, struct proc_result *res)
{
	int out_pipe[2], err_pipe[2], wstatus;
	struct buffer out = { 0 }, err = { 0 };
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out_pipe[1]);
	close(err_pipe[1]);
	if (rc) {
		close(out_pipe[0]);
		close(err_pipe[0]);
		return -rc;
	}
	append(&out, "", 0);
	append(&err, "", 0);
	int timed_out = drain(out_pipe[0], err_pipe[0], &out, &err, now_s() + timeout_s);
	if (timed_out)
		kill(pid, SIGKILL);
	waitpid(pid, &wstatus, 0);
	close(out_pipe[0]);
	close(err_pipe[0]);
	res->status = timed_out ? -1 : decode_status(wstatus);
	res->out = out.data;
	res->err = err.data;
	return 0;
}

pid_t proc_spawn(const char *const argv[], const char *log_path)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return rc ? -rc : pid;
}

int proc_wait(pid_t pid, int timeout_s)
{
	double deadline = now_s() + timeout_s;
	int wstatus;

	while (now_s() < deadline) {
		pid_t r = waitpid(pid, &wstatus, WNOHANG);
		if (r == pid)
			return decode_status(wstatus);
		if (r < 0)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &wstatus, 0);
	return -1;
}

void proc_free(struct proc_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

char *read_text_file(const char *path)
{
	struct buffer b = { 0 };
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	append(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		append(&b, chunk, n);
	fclose(f);
	return b.data;
}
