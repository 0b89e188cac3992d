// SPDX-License-Identifier: GPL-2.0-only
#include "code_index_shim.h"

#include "guest_image.h"

struct shim_visit {
	cis_visit visit;
	void *ctx;
};

static int forward(void *ctx, const struct guest_code *c)
{
	struct shim_visit *v = ctx;

	return v->visit(v->ctx, c->name, c->addr, c->size, c->bytes, c->avail);
}

int cis_kernel_code(const char *path, cis_visit visit, void *ctx, char *err, size_t errlen)
{
	struct shim_visit v = { visit, ctx };

	return guest_image_visit_code(path, forward, &v, err, errlen);
}
