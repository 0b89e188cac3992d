/* SPDX-License-Identifier: GPL-2.0-only */
/* Whole files in and out: bundles and keys are small. */
#ifndef SV_PATCHER_WHOLE_FILE_H
#define SV_PATCHER_WHOLE_FILE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The file's bytes (malloc'd, plus a NUL not counted in *size), or NULL
 * with errno set. */
uint8_t *read_file(const char *path, size_t *size);

/* Writes bytes to path atomically: a temporary file beside it, fsync'd,
 * then renamed over it, with the given mode. Returns 0, or -1 with errno. */
int write_file_atomic(const char *path, const void *bytes, size_t size, unsigned mode);

#ifdef __cplusplus
}
#endif

#endif
