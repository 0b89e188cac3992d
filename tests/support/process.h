/* SPDX-License-Identifier: GPL-2.0-only */
/* Running the project's programs from tests: plain C, callable from C++. */
#ifndef SV_TEST_PROCESS_H
#define SV_TEST_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct proc_result {
	int status;     /* exit status, or 128 + signal, or -1 on timeout */
	char *out;      /* captured stdout, NUL-terminated (free with proc_free) */
	char *err;      /* captured stderr */
};

/* Runs argv (NULL-terminated) to completion, killing it after timeout_s. */
int proc_run(const char *const argv[], int timeout_s, struct proc_result *res);

/* Starts argv in the background with stdout and stderr to log_path. */
pid_t proc_spawn(const char *const argv[], const char *log_path);
/* Waits for a spawned process; returns its status as in proc_result, or -1
 * after timeout_s (the process is then killed). */
int proc_wait(pid_t pid, int timeout_s);

void proc_free(struct proc_result *res);

/* Reads a whole file into a NUL-terminated malloc'd string (NULL on error). */
char *read_text_file(const char *path);

#ifdef __cplusplus
}
#endif

#endif
