// SPDX-License-Identifier: GPL-2.0-only
/* The file system's operations on the service queues (sv/ring.h): each
 * takes its path and numbers from the request and answers with what the
 * file system returns. Range checks beyond the ring's own (lengths, path
 * size) are the file system's: it answers SV_EFBIG, SV_EINVAL. */
#include <kernel/fs.h>
#include <kernel/request_ring.h>

#include "file_ops.h"

/* A call that answers a size or an SV_E* code: the size goes to *field. */
static int sized(int64_t r, uint64_t *field)
{
	if (r < 0)
		return (int)r;
	*field = (uint64_t)r;
	return SV_OK;
}

int file_op_create(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)data, (void)resp;
	return fs_create(req->path, req->path_len);
}

int file_op_mkdir(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)data, (void)resp;
	return fs_mkdir(req->path, req->path_len);
}

int file_op_write(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	return sized(fs_write(req->path, req->path_len, req->offset, data, req->len), &resp->len);
}

int file_op_append(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	return sized(fs_append(req->path, req->path_len, data, req->len), &resp->value);
}

int file_op_read(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	return sized(fs_read(req->path, req->path_len, req->offset, data, req->len), &resp->len);
}

int file_op_truncate(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)data, (void)resp;
	return fs_truncate(req->path, req->path_len, req->offset);
}

int file_op_delete(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)data, (void)resp;
	return fs_delete(req->path, req->path_len);
}

int file_op_stat(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	uint64_t size;
	uint32_t type;
	int err = fs_stat(req->path, req->path_len, &size, &type);

	(void)data;
	if (err)
		return err;
	resp->value = size;
	resp->arg = type;
	return SV_OK;
}

int file_op_fsync(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)data, (void)resp;
	return fs_fsync(req->path, req->path_len);
}

int file_op_readdir(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	return sized(fs_readdir(req->path, req->path_len, (char *)data, SV_RING_DATA_MAX),
		     &resp->len);
}

int file_op_checksum(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	uint32_t adler;
	int err = fs_checksum(req->path, req->path_len, &adler);

	(void)data;
	if (err)
		return err;
	resp->value = adler;
	return SV_OK;
}
