// SPDX-License-Identifier: GPL-2.0-only
#include "bundle_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "guest_image.h"
#include "keys.h"
#include "link.h"
#include "signature.h"

struct bundle *bs_open(const char *path, char *err)
{
	return bundle_open(path, err, BS_ERR);
}

struct bundle *bs_open_mem(const void *bytes, size_t size, char *err)
{
	return bundle_open_mem("mutant.svp", bytes, size, err, BS_ERR);
}

void bs_close(struct bundle *b)
{
	bundle_close(b);
}

void bs_read_manifest(const struct bundle *b, struct bs_manifest *m)
{
	*m = (struct bs_manifest){ .version = b->header.version,
				   .build_id_len = b->target.build_id_len,
				   .ndeps = b->ndeps, .nclasses = b->nclasses,
				   .nobjects = b->nobjects, .nservices = b->nservices,
				   .nchecks = b->nchecks };
	snprintf(m->id, BS_NAME, "%s", b->header.id);
	if (b->ndeps) {
		snprintf(m->dep_id, BS_NAME, "%s", b->deps[0].id);
		m->dep_min_version = b->deps[0].min_version;
	}
	if (b->nclasses) {
		snprintf(m->class_name, BS_NAME, "%s", b->classes[0].rec.name);
		snprintf(m->class_impl, BS_NAME, "%s", b->classes[0].impl);
		m->class_from = b->classes[0].rec.from_version;
		m->class_to = b->classes[0].rec.to_version;
	}
	if (b->nobjects)
		snprintf(m->object_make_root, BS_NAME, "%s", b->objects[0].make_root);
	if (b->nservices)
		snprintf(m->service_serve, BS_NAME, "%s", b->services[0].serve);
	if (b->nchecks) {
		snprintf(m->check_name, BS_NAME, "%s", b->checks[0].rec.name);
		snprintf(m->check_fn, BS_NAME, "%s", b->checks[0].check);
	}
}

void bs_read_binary(const struct bundle *b, struct bs_binary *out)
{
	*out = (struct bs_binary){ .nfunctions = b->nfunctions, .nmirrors = b->nmirrors,
				   .ncallers = b->ncallers };
	if (b->ncallers)
		snprintf(out->caller, BS_NAME, "%s", b->callers[0].name);
	for (size_t i = 0; i < b->nfunctions && i < BS_RECORDS; i++) {
		snprintf(out->functions[i].name, BS_NAME, "%s", b->functions[i].rec.name);
		snprintf(out->functions[i].replacement, BS_NAME, "%s", b->functions[i].replacement);
		out->functions[i].flags = b->functions[i].rec.flags;
	}
	for (size_t i = 0; i < b->nmirrors && i < BS_RECORDS; i++) {
		snprintf(out->mirrors[i].name, BS_NAME, "%s", b->mirrors[i].rec.name);
		snprintf(out->mirrors[i].copy, BS_NAME, "%s", b->mirrors[i].copy);
	}
}

size_t bs_function_size(void)
{
	return sizeof(struct sv_patch_function);
}

size_t bs_function_flags_offset(void)
{
	return offsetof(struct sv_patch_function, flags);
}

int bs_verify(const struct bundle *b, const char *pub_path, char *err)
{
	uint8_t key[1][SIGNATURE_KEY_BYTES];

	if (key_read(pub_path, key[0], err, BS_ERR))
		return 1;
	return signature_verify(b, key, 1, err, BS_ERR);
}

struct guest_image *bs_guest_open(const char *path, char *err)
{
	struct guest_image *g = malloc(sizeof(*g));

	if (g && guest_image_open(path, g, err, BS_ERR)) {
		free(g);
		return NULL;
	}
	return g;
}

void bs_guest_close(struct guest_image *g)
{
	guest_image_close(g);
	free(g);
}

int bs_guest_lookup(const struct guest_image *g, const char *name, uint64_t *addr)
{
	return guest_image_lookup(g, name, addr);
}

int bs_link(const struct bundle *b, const struct guest_image *g, uint64_t base, uint64_t half,
	    struct bs_linked *out, char *err)
{
	struct patch_image *img = malloc(sizeof(*img));

	*out = (struct bs_linked){ 0 };
	if (!img) {
		snprintf(err, BS_ERR, "out of memory");
		return -1;
	}
	if (patch_link(b, g, base, half, base + half, half, img, err, BS_ERR)) {
		free(img);
		return -1;
	}
	*out = (struct bs_linked){ img, img->text, img->data,
				   img->text_base, img->text_size, img->data_base, img->data_size,
				   img->module_addr, img->module.header, img->module.checks,
				   img->module.nchecks, img->module.classes, img->module.nclasses,
				   img->module.objects, img->module.services };
	return 0;
}

void bs_linked_free(struct bs_linked *l)
{
	if (l->img)
		patch_image_free(l->img);
	free(l->img);
	*l = (struct bs_linked){ 0 };
}

int bs_linked_symbol(const struct bs_linked *l, const char *name, uint64_t *addr,
		     uint64_t *size, int *func)
{
	const struct patch_symbol *s = patch_image_symbol(l->img, name);

	if (!s)
		return -1;
	*addr = s->addr;
	*size = s->size;
	*func = s->func;
	return 0;
}

size_t bs_check_size(void)
{
	return sizeof(struct sv_patch_check);
}

size_t bs_check_fn_offset(void)
{
	return offsetof(struct sv_patch_check, check);
}

size_t bs_header_magic_offset(void)
{
	return offsetof(struct sv_patch_header, magic);
}
