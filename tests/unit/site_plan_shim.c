// SPDX-License-Identifier: GPL-2.0-only
#include "site_plan_shim.h"

#include <stdlib.h>

#include "guest_image.h"
#include "site_plan.h"

struct guest_image *sps_open(const char *path, char *err, size_t errlen)
{
	struct guest_image *g = malloc(sizeof(*g));

	if (g && !guest_image_open(path, g, err, errlen))
		return g;
	free(g);
	return NULL;
}

void sps_close(struct guest_image *g)
{
	guest_image_close(g);
	free(g);
}

size_t sps_nsyms(const struct guest_image *g)
{
	return g->nsyms;
}

const char *sps_sym_name(const struct guest_image *g, size_t i)
{
	return g->syms[i].name;
}

int sps_plan(const struct guest_image *g, const char *name, uint64_t replacement,
	     struct site_plan *plan, char *err, size_t errlen)
{
	struct guest_function fn;
	int rc;

	if (guest_image_function(g, name, &fn, err, errlen))
		return -2;
	rc = site_plan_function(&(struct site_function){ name, fn.addr, fn.bytes, fn.size },
				replacement, plan);
	guest_function_free(&fn);
	return rc;
}
