/* SPDX-License-Identifier: GPL-2.0-only */
/* The file system's ring operations (file_ops.c), for service_ops.c's table. */
#ifndef SV_SERVICES_FILE_OPS_H
#define SV_SERVICES_FILE_OPS_H

#include <sv/ring.h>

int file_op_create(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_mkdir(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_write(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_append(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_read(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_truncate(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_delete(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_stat(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_fsync(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_checksum(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
int file_op_readdir(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);

#endif
