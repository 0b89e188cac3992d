/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel's functions for site_plan_test.cc, in plain types
 * (the patcher's guest_image.h is C only).
 */
#ifndef SV_TEST_SITE_PLAN_SHIM_H
#define SV_TEST_SITE_PLAN_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct guest_image;
struct site_plan;

struct guest_image *sps_open(const char *path, char *err, size_t errlen);
void sps_close(struct guest_image *g);
/* The image's symbol names, functions or not. */
size_t sps_nsyms(const struct guest_image *g);
const char *sps_sym_name(const struct guest_image *g, size_t i);

/* Reads function `name` (guest_image_function) and plans its site:
 * site_plan's 0 or -1, or -2 with err when the function cannot be read. */
int sps_plan(const struct guest_image *g, const char *name, uint64_t replacement,
	     struct site_plan *plan, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
