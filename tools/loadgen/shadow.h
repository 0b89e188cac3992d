/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shadow model: what every file the load generator uses must hold.
 * A file is changed only by one task at a time (busy), and the model is
 * updated only when the guest confirmed the change, so every answer can
 * be checked against it exactly. A file whose state became uncertain (a
 * wrong or lost answer) is tainted and never used again.
 */
#ifndef SV_LOADGEN_SHADOW_H
#define SV_LOADGEN_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sv/ring.h>

struct lg_file {
	char path[SV_RING_PATH_MAX + 1];
	bool is_dir;
	bool exists;
	bool busy;     /* a task works on it */
	bool tainted;  /* its state is unknown */
	uint8_t *data; /* size bytes */
	uint64_t size;
};

struct lg_shadow {
	struct lg_file *files;
	unsigned count, capacity;
};

/* Adds a file (or directory) that does not exist yet: its index, or -1
 * when out of memory. The path is printf-formatted. */
int lg_shadow_add(struct lg_shadow *sh, bool is_dir, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void lg_shadow_free(struct lg_shadow *sh);

/* Whether a task may start on file i now. */
bool lg_shadow_usable(const struct lg_shadow *sh, int i);

/* The names of dir's existing children, each ending in '\0', sorted, in
 * buf; their total length, or -1 if more than size bytes. */
long lg_shadow_list(const struct lg_shadow *sh, const char *dir, char *buf, size_t size);

/* The '\0'-terminated names[0..len) sorted into buf: the length, or -1
 * if the last does not end in '\0' or they do not fit. */
long lg_names_sort(const char *names, size_t len, char *buf, size_t size);

/* Sets file i's content (it exists from now on). */
int lg_shadow_set(struct lg_file *f, const uint8_t *data, uint64_t size);

#endif
