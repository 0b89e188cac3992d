// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>

#include <kernel/co_root.h>
#include <kernel/fcm.h>
#include <kernel/page_alloc.h>
#include <sv/abi.h>

#include "fcm_shim.h"

struct fcs_file {
	coid_t id;
	unsigned pages;
	uint8_t *data; /* the backing: pages * PAGE_SIZE bytes */
};

static int backing_read(void *file, uint64_t index, void *frame)
{
	struct fcs_file *f = file;

	if (index >= f->pages)
		return SV_EFBIG;
	memcpy(frame, f->data + index * PAGE_SIZE, PAGE_SIZE);
	return SV_OK;
}

static int backing_write(void *file, uint64_t index, const void *frame)
{
	struct fcs_file *f = file;

	if (index >= f->pages)
		return SV_EFBIG;
	memcpy(f->data + index * PAGE_SIZE, frame, PAGE_SIZE);
	return SV_OK;
}

static void backing_release(void *file)
{
	(void)file; /* fcs_destroy frees it */
}

static const struct fcm_backing_ops backing = { backing_read, backing_write, backing_release };

static uint8_t pattern(unsigned page, uint64_t i, uint64_t gen)
{
	return (uint8_t)(page * 31 + i * 7 + gen * 13 + (i >> 9));
}

static void fill(uint8_t *buf, unsigned page, uint64_t gen)
{
	for (uint64_t i = 0; i < PAGE_SIZE; i++)
		buf[i] = pattern(page, i, gen);
}

static int holds(const uint8_t *buf, unsigned page, uint64_t gen)
{
	for (uint64_t i = 0; i < PAGE_SIZE; i++)
		if (buf[i] != pattern(page, i, gen))
			return 0;
	return 1;
}

struct fcs_file *fcs_create(int kind, unsigned pages)
{
	struct fcs_file *f = calloc(1, sizeof(*f));
	struct co_root *root;

	if (!f || !(f->data = calloc(pages, PAGE_SIZE)))
		goto fail;
	f->pages = pages;
	root = fcm_root_create((enum fcm_kind)kind, &backing, f);
	if (root && (f->id = co_create(root)))
		return f;
	if (root)
		root->ops->destroy(root);
fail:
	if (f)
		free(f->data);
	free(f);
	return NULL;
}

int fcs_destroy(struct fcs_file *f)
{
	int rc = co_destroy(f->id);

	free(f->data);
	free(f);
	return rc;
}

void *fcs_id(struct fcs_file *f)
{
	return f->id;
}

void *fcs_root(struct fcs_file *f, int kind)
{
	return fcm_root_create((enum fcm_kind)kind, &backing, f);
}

int fcs_write_page(struct fcs_file *f, unsigned page, uint64_t gen)
{
	uint8_t buf[PAGE_SIZE];
	int64_t n;

	fill(buf, page, gen);
	n = fcm_write(f->id, (uint64_t)page * PAGE_SIZE, buf, PAGE_SIZE);
	return n == (int64_t)PAGE_SIZE ? SV_OK : (n < 0 ? (int)n : SV_EIO);
}

int fcs_page_is(struct fcs_file *f, unsigned page, uint64_t gen)
{
	uint8_t buf[PAGE_SIZE];

	if (fcm_read(f->id, (uint64_t)page * PAGE_SIZE, buf, PAGE_SIZE) != (int64_t)PAGE_SIZE)
		return 0;
	return holds(buf, page, gen);
}

int fcs_fsync(struct fcs_file *f)
{
	return fcm_fsync(f->id);
}

int fcs_backing_is(struct fcs_file *f, unsigned page, uint64_t gen)
{
	return holds(f->data + (size_t)page * PAGE_SIZE, page, gen);
}
