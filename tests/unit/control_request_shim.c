// SPDX-License-Identifier: GPL-2.0-only
/* Copies a parsed control_request into the shim's plain struct. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_request.h"
#include "control_request_shim.h"

static void copy_id(json_t *id, char *buf, size_t size)
{
	char *text = id ? json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	snprintf(buf, size, "%s", text ? text : "");
	free(text);
}

static void copy_step(const struct sv_patch_step_req *step, struct crs_request *out)
{
	out->step = step->step;
	out->step_flags = step->flags;
	out->handle = step->handle;
	out->change = step->change;
	out->first = step->first;
	out->count = step->count;
	out->module = step->module;
	out->timeout_us = step->timeout_us;
}

static void copy_writes(const struct control_request *req, struct crs_request *out)
{
	out->nwrites = req->nwrites;
	for (unsigned i = 0; i < req->nwrites && i < CRS_WRITES_MAX; i++) {
		const struct phys_write *w = &req->writes[i];

		out->writes[i].addr = w->gpa;
		out->writes[i].len = w->len;
		memcpy(out->writes[i].old_bytes, w->old_bytes, w->len);
		memcpy(out->writes[i].new_bytes, w->new_bytes, w->len);
	}
}

static void copy_mirror(const struct control_request *req, struct crs_request *out)
{
	const struct mirror_spec *m = &req->mirror;

	out->old_gpa = m->old_gpa;
	out->new_gpa = m->new_gpa;
	out->old_size = m->old_size;
	out->new_size = m->new_size;
	out->ncopies = m->ncopies;
	for (size_t i = 0; i < m->ncopies && i < CRS_COPIES_MAX; i++)
		out->copies[i] = (struct crs_copy){ m->copies[i].old_off, m->copies[i].new_off,
						    m->copies[i].len };
	out->mirror = req->mirror_id;
}

int crs_parse(const char *line, size_t len, struct crs_request *out,
	      char *err, size_t err_size)
{
	struct control_request req;
	char msg[CONTROL_ERROR_MAX] = "";
	int ret = control_request_parse(line, len, &req, msg);

	memset(out, 0, sizeof(*out));
	snprintf(err, err_size, "%s", ret ? msg : "");
	copy_id(req.id, out->id, sizeof(out->id));
	if (!ret) {
		snprintf(out->cmd, sizeof(out->cmd), "%s", control_cmd_name(req.cmd));
		out->cpu = req.cpu;
		out->addr = req.addr;
		out->len = req.len;
		out->vaddr = req.vaddr;
		out->status = req.status;
		out->policy = req.policy;
		out->settle = req.settle;
		copy_step(&req.step, out);
		out->regs = req.regs;
		copy_writes(&req, out);
		copy_mirror(&req, out);
	}
	control_request_release(&req);
	return ret;
}

const char *crs_cmd_name(int cmd)
{
	return control_cmd_name((enum control_cmd)cmd);
}

int crs_cmd_count(void)
{
	return CONTROL_CMDS;
}
