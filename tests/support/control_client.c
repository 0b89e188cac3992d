// SPDX-License-Identifier: GPL-2.0-only
#include "control_client.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int ctl_connect(const char *path, int timeout_s)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	for (int tries = 0; tries < timeout_s * 100; tries++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			return fd;
		close(fd);
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int ctl_request(int fd, const char *request, char *resp, size_t size)
{
	size_t len = strlen(request), used = 0;

	if (write(fd, request, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		return -errno;
	while (used + 1 < size) {
		ssize_t n = read(fd, resp + used, 1);
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		if (resp[used] == '\n')
			break;
		used++;
	}
	resp[used] = '\0';
	return 0;
}
