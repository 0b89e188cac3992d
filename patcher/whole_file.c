// SPDX-License-Identifier: GPL-2.0-only
#include "whole_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint8_t *read_file(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(buf = malloc((size_t)st.st_size + 1)))
		goto out;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* shrank while read */
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = 0;
	*size = got;
out:
	close(fd);
	return buf;
}

static int write_all(int fd, const uint8_t *p, size_t size)
{
	while (size) {
		ssize_t n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

int write_file_atomic(const char *path, const void *bytes, size_t size, unsigned mode)
{
	size_t len = strlen(path) + sizeof(".XXXXXX");
	char *tmp = malloc(len);
	int fd, ok, saved;

	if (!tmp)
		return -1;
	snprintf(tmp, len, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		return -1;
	}
	ok = !fchmod(fd, mode) && !write_all(fd, bytes, size) && !fsync(fd);
	ok = !close(fd) && ok && !rename(tmp, path);
	if (!ok) {
		saved = errno;
		unlink(tmp);
		errno = saved;
	}
	free(tmp);
	return ok ? 0 : -1;
}
