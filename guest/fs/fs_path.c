// SPDX-License-Identifier: GPL-2.0-only
/* Path syntax (kernel/fs.h): checked whole before any lookup, so a walk
 * never stops half way on a malformed path. */
#include <kernel/string.h>
#include <sv/abi.h>

#include "fs_impl.h"

static bool has_nul(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!s[i])
			return true;
	return false;
}

static int check_name(const char *name, size_t len)
{
	if (len == 0 || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return SV_EINVAL;
	if (has_nul(name, len))
		return SV_EINVAL;
	return len > FS_NAME_MAX ? SV_ENAMETOOLONG : 0;
}

int fs_path_check(const char *path, size_t len)
{
	size_t start = 1;

	if (len > SV_RING_PATH_MAX)
		return SV_ENAMETOOLONG;
	if (len == 0 || path[0] != '/')
		return SV_EINVAL;
	if (len == 1)
		return 0; /* the root */
	for (size_t i = 1; i <= len; i++) {
		int error;

		if (i < len && path[i] != '/')
			continue;
		error = check_name(path + start, i - start);
		if (error)
			return error;
		start = i + 1;
	}
	return 0;
}

bool fs_path_next(const char *path, size_t len, struct fs_name *prev)
{
	size_t start = prev->name ? (size_t)(prev->name - path) + prev->len + 1 : 1;
	size_t end = start;

	if (start >= len)
		return false;
	while (end < len && path[end] != '/')
		end++;
	prev->name = path + start;
	prev->len = end - start;
	return true;
}
