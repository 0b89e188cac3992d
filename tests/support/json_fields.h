/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading fields out of a JSON document (jansson) for C++ tests. A path is
 * dot-separated keys and array indices: "cpus.1.rip". */
#ifndef SV_TEST_JSON_FIELDS_H
#define SV_TEST_JSON_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Integers, or strings holding "0x..." hex; returns 0 or -1. */
int jf_u64(const char *json, const char *path, uint64_t *out);
int jf_bool(const char *json, const char *path, int *out);
int jf_string(const char *json, const char *path, char *buf, size_t size);
/* Number of elements of an array, or -1. */
int jf_array_size(const char *json, const char *path);
/* The document (compact, keys sorted) with every member whose key is in
 * keys (NULL-terminated) removed at any depth: the part of a state that
 * must not change, without its counters. malloc'd, or NULL if not JSON. */
char *jf_without(const char *json, const char *const keys[]);

#ifdef __cplusplus
}
#endif

#endif
