/* SPDX-License-Identifier: GPL-2.0-only */
/* A bare control-socket client for tests that need exact timing between
 * requests (swapctl is tested separately, as the user's client). */
#ifndef SV_TEST_CONTROL_CLIENT_H
#define SV_TEST_CONTROL_CLIENT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Connects to the socket, retrying for up to timeout_s while it does not
 * exist yet; returns the fd or -errno. */
int ctl_connect(const char *path, int timeout_s);

/* Sends one request line and reads one response line into resp
 * (NUL-terminated, newline stripped); returns 0 or -errno. */
int ctl_request(int fd, const char *request, char *resp, size_t size);

#ifdef __cplusplus
}
#endif

#endif
