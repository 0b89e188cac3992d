// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake guest's file system: a flat table of absolute paths (files and
 * directories; "/" always exists), good for the few hundred files a unit
 * test makes. Requests are checked as the guest checks them: opcode,
 * lengths, absolute path, offsets below FAKE_FS_FILE_MAX.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "adler32.h"
#include "fake_fs.h"

struct fake_node {
	char path[SV_RING_PATH_MAX + 1];
	bool is_dir;
	uint8_t *data;
	uint64_t size;
};

struct fake_fs {
	pthread_mutex_t lock;
	struct fake_node *nodes;
	unsigned count, capacity;
	uint64_t counters[SV_COUNTERS];
	bool checksum_bug; /* answer SV_OP_CHECKSUM as the unpatched kernel */
};

struct fake_fs *fake_fs_create(void)
{
	struct fake_fs *fs = calloc(1, sizeof(*fs));

	if (fs)
		pthread_mutex_init(&fs->lock, NULL);
	return fs;
}

void fake_fs_destroy(struct fake_fs *fs)
{
	for (unsigned i = 0; i < fs->count; i++)
		free(fs->nodes[i].data);
	free(fs->nodes);
	pthread_mutex_destroy(&fs->lock);
	free(fs);
}

void fake_fs_checksum_bug(struct fake_fs *fs, bool on)
{
	pthread_mutex_lock(&fs->lock);
	fs->checksum_bug = on;
	pthread_mutex_unlock(&fs->lock);
}

static struct fake_node *lookup(struct fake_fs *fs, const char *path)
{
	for (unsigned i = 0; i < fs->count; i++)
		if (!strcmp(fs->nodes[i].path, path))
			return &fs->nodes[i];
	return NULL;
}

/* SV_OK if path's parent is a directory ("/" is one). */
static int32_t parent_ok(struct fake_fs *fs, const char *path)
{
	char parent[SV_RING_PATH_MAX + 1];
	const char *slash = strrchr(path, '/');
	struct fake_node *p;

	if (slash == path)
		return SV_OK;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	p = lookup(fs, parent);
	return !p ? SV_ENOENT : p->is_dir ? SV_OK : SV_ENOTDIR;
}

static int32_t make_node(struct fake_fs *fs, const char *path, bool is_dir)
{
	int32_t ret = parent_ok(fs, path);

	if (!strcmp(path, "/") || lookup(fs, path))
		return SV_EEXIST;
	if (ret)
		return ret;
	if (fs->count == fs->capacity) {
		unsigned cap = fs->capacity ? 2 * fs->capacity : 64;
		struct fake_node *n = realloc(fs->nodes, cap * sizeof(*n));

		if (!n)
			return SV_ENOMEM;
		fs->nodes = n;
		fs->capacity = cap;
	}
	fs->nodes[fs->count] = (struct fake_node){ .is_dir = is_dir };
	strcpy(fs->nodes[fs->count++].path, path);
	return SV_OK;
}

static bool has_children(struct fake_fs *fs, const char *dir)
{
	size_t len = strlen(dir);

	for (unsigned i = 0; i < fs->count; i++)
		if (!strncmp(fs->nodes[i].path, dir, len) && fs->nodes[i].path[len] == '/')
			return true;
	return false;
}

static int32_t delete_node(struct fake_fs *fs, struct fake_node *n)
{
	if (n->is_dir && has_children(fs, n->path))
		return SV_ENOTEMPTY;
	free(n->data);
	*n = fs->nodes[--fs->count];
	return SV_OK;
}

static int32_t resize(struct fake_node *n, uint64_t size)
{
	uint8_t *data = realloc(n->data, size ? size : 1);

	if (!data)
		return SV_ENOMEM;
	if (size > n->size)
		memset(data + n->size, 0, size - n->size);
	n->data = data;
	n->size = size;
	return SV_OK;
}

static int32_t write_at(struct fake_node *n, uint64_t offset, const uint8_t *src,
			uint64_t len)
{
	int32_t ret = offset + len > n->size ? resize(n, offset + len) : SV_OK;

	if (!ret)
		memcpy(n->data + offset, src, len);
	return ret;
}

static void read_dir(struct fake_fs *fs, const char *dir, uint8_t *out,
		     struct sv_ring_resp *resp)
{
	size_t len = strcmp(dir, "/") ? strlen(dir) : 0;

	for (unsigned i = 0; i < fs->count; i++) {
		const char *p = fs->nodes[i].path;
		size_t name_len = strlen(p + len + 1) + 1;

		if (strncmp(p, dir, len) || p[len] != '/' || strchr(p + len + 1, '/'))
			continue;
		if (resp->len + name_len > SV_RING_DATA_MAX)
			break;
		memcpy(out + resp->len, p + len + 1, name_len);
		resp->len += name_len;
	}
}

/* The opcodes on an existing file or directory n. */
static int32_t on_node(struct fake_fs *fs, struct fake_node *n,
		       const struct sv_ring_req *req, uint8_t *data,
		       struct sv_ring_resp *resp)
{
	bool needs_file = req->op == SV_OP_WRITE || req->op == SV_OP_APPEND ||
			  req->op == SV_OP_READ || req->op == SV_OP_TRUNCATE ||
			  req->op == SV_OP_CHECKSUM;
	int32_t ret = SV_OK;

	if (needs_file && n->is_dir)
		return SV_EISDIR;
	switch (req->op) {
	case SV_OP_WRITE:
		resp->len = req->len;
		return write_at(n, req->offset, data, req->len);
	case SV_OP_APPEND:
		ret = write_at(n, n->size, data, req->len);
		resp->len = req->len;
		resp->value = n->size;
		return ret;
	case SV_OP_READ:
		resp->len = req->offset >= n->size ? 0 : n->size - req->offset;
		resp->len = resp->len < req->len ? resp->len : req->len;
		memcpy(data, n->data + req->offset, resp->len);
		return SV_OK;
	case SV_OP_TRUNCATE:
		return resize(n, req->offset);
	case SV_OP_DELETE:
		return delete_node(fs, n);
	case SV_OP_STAT:
		resp->value = n->size;
		resp->arg = n->is_dir ? SV_STAT_DIR : SV_STAT_FILE;
		return SV_OK;
	case SV_OP_READDIR:
		if (!n->is_dir)
			return SV_ENOTDIR;
		read_dir(fs, n->path, data, resp);
		return SV_OK;
	case SV_OP_CHECKSUM:
		resp->value = fs->checksum_bug ? sv_adler32_signed_char(n->data, n->size) :
						 sv_adler32(n->data, n->size);
		return SV_OK;
	default: /* SV_OP_FSYNC: nothing is ever dirty here */
		return SV_OK;
	}
}

static int32_t counter_op(struct fake_fs *fs, const struct sv_ring_req *req,
			  struct sv_ring_resp *resp)
{
	if (req->arg >= SV_COUNTERS)
		return SV_EINVAL;
	if (req->op == SV_OP_COUNTER_ADD)
		fs->counters[req->arg] += req->offset;
	resp->value = fs->counters[req->arg];
	return SV_OK;
}

/* The guest's checks of what the host may not be trusted with. */
static int32_t check_request(const struct sv_ring_req *req)
{
	bool has_data = req->op == SV_OP_WRITE || req->op == SV_OP_APPEND ||
			req->op == SV_OP_READ;
	bool has_offset = req->op == SV_OP_WRITE || req->op == SV_OP_READ ||
			  req->op == SV_OP_TRUNCATE;

	if (req->op >= SV_OP_MAX)
		return SV_ENOSYS;
	if (req->op == SV_OP_NOP || req->op == SV_OP_COUNTER_ADD ||
	    req->op == SV_OP_COUNTER_READ)
		return SV_OK;
	if (!req->path_len || req->path_len > SV_RING_PATH_MAX || req->path[0] != '/' ||
	    memchr(req->path, '\0', req->path_len))
		return SV_EINVAL;
	if (has_data && req->len > SV_RING_DATA_MAX)
		return SV_EINVAL;
	if (has_offset && (req->offset > FAKE_FS_FILE_MAX ||
			   req->offset + req->len > FAKE_FS_FILE_MAX))
		return SV_EFBIG;
	return SV_OK;
}

/* "/" is not in the table: it always exists and cannot go. */
static int32_t root_op(struct fake_fs *fs, const struct sv_ring_req *req,
		       uint8_t *data, struct sv_ring_resp *resp)
{
	if (req->op == SV_OP_READDIR)
		read_dir(fs, "/", data, resp);
	else if (req->op == SV_OP_STAT)
		resp->arg = SV_STAT_DIR;
	else
		return req->op == SV_OP_DELETE ? SV_EBUSY : SV_EISDIR;
	return SV_OK;
}

static int32_t execute_locked(struct fake_fs *fs, const struct sv_ring_req *req,
			      const char *path, uint8_t *data,
			      struct sv_ring_resp *resp)
{
	struct fake_node *n;

	switch (req->op) {
	case SV_OP_NOP:
		return SV_OK;
	case SV_OP_COUNTER_ADD: case SV_OP_COUNTER_READ:
		return counter_op(fs, req, resp);
	case SV_OP_CREATE: case SV_OP_MKDIR:
		return make_node(fs, path, req->op == SV_OP_MKDIR);
	}
	if (!strcmp(path, "/"))
		return root_op(fs, req, data, resp);
	n = lookup(fs, path);
	return n ? on_node(fs, n, req, data, resp) : SV_ENOENT;
}

void fake_fs_execute(struct fake_fs *fs, const struct sv_ring_req *req,
		     uint8_t data[SV_RING_DATA_MAX], struct sv_ring_resp *resp)
{
	char path[SV_RING_PATH_MAX + 1] = "";

	memset(resp, 0, sizeof(*resp));
	resp->status = check_request(req);
	if (resp->status)
		return;
	memcpy(path, req->path, req->path_len <= SV_RING_PATH_MAX ? req->path_len : 0);
	pthread_mutex_lock(&fs->lock);
	resp->status = execute_locked(fs, req, path, data, resp);
	pthread_mutex_unlock(&fs->lock);
	if (resp->status)
		resp->len = resp->value = 0;
}
