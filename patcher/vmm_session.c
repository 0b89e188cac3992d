// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor's control-socket session (vmm_session.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sv/abi.h>

#include "control_client.h"
#include "vmm_session.h"

/* A step waits for its hot swaps (up to a minute each, control-request.h). */
#define SESSION_ANSWER_TIMEOUT_S 120

static int call(struct vmm_session *s, json_t *req, struct control_answer *ans,
		char err[SESSION_ERR_MAX])
{
	int ret = control_client_call(s->sock, s->socket, req, ans, err);

	json_decref(req);
	if (ret)
		return -1;
	if (json_is_true(json_object_get(ans->json, "ok")))
		return 0;
	snprintf(err, SESSION_ERR_MAX, "%s", json_string_value(json_object_get(ans->json, "error")) ?: "(no error)");
	control_answer_release(ans);
	return -1;
}

/* All of guest RAM, read-only: a binary patch reads the guest's page
 * tables, thread table and stacks through it while the vCPUs are paused
 * (its writes go through the VMM, which checks them). */
static int map_ram(struct vmm_session *s, const struct control_answer *ans,
		   char err[SESSION_ERR_MAX])
{
	unsigned long long size;
	void *map;

	if (control_answer_hex(ans->json, "ram_size", &size) || !size) {
		snprintf(err, SESSION_ERR_MAX, "%s: patch-area answer lacks ram_size", s->socket);
		return -1;
	}
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, ans->fds[0], 0);
	if (map == MAP_FAILED) {
		snprintf(err, SESSION_ERR_MAX, "%s: mapping guest RAM (0x%llx bytes): %s", s->socket,
			 size, strerror(errno));
		return -1;
	}
	s->ram = map;
	s->ram_size = size;
	return 0;
}

static int map_area(struct vmm_session *s, const struct control_answer *ans,
		    char err[SESSION_ERR_MAX])
{
	unsigned long long base, size;
	void *map;

	if (control_answer_hex(ans->json, "base", &base) ||
	    control_answer_hex(ans->json, "size", &size) || size != SV_PATCH_AREA_SIZE ||
	    ans->nfds != 1) {
		snprintf(err, SESSION_ERR_MAX, "%s: patch-area answer lacks base, size (%llu MiB) or "
			 "guest RAM's fd", s->socket, SV_PATCH_AREA_SIZE >> 20);
		return -1;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ans->fds[0], (off_t)base);
	if (map == MAP_FAILED) {
		snprintf(err, SESSION_ERR_MAX, "%s: mapping the patch area at 0x%llx: %s", s->socket,
			 base, strerror(errno));
		return -1;
	}
	s->area = map;
	s->area_base = base;
	s->area_size = size;
	return map_ram(s, ans, err);
}

int vmm_session_open(struct vmm_session *s, const char *socket, char err[SESSION_ERR_MAX])
{
	struct control_answer ans;
	const char *kernel, *build_id;

	*s = (struct vmm_session){ .socket = socket };
	s->sock = control_client_connect(socket, SESSION_ANSWER_TIMEOUT_S, err);
	if (s->sock < 0)
		return -1;
	if (call(s, json_pack("{s:s}", "cmd", "patch-area"), &ans, err))
		goto fail;
	kernel = json_string_value(json_object_get(ans.json, "kernel"));
	build_id = json_string_value(json_object_get(ans.json, "build_id"));
	snprintf(s->kernel, sizeof(s->kernel), "%s", kernel ? kernel : "");
	snprintf(s->build_id, sizeof(s->build_id), "%s", build_id ? build_id : "");
	s->trusted_keys = json_incref(json_object_get(ans.json, "trusted_keys"));
	s->allow_unsigned = json_is_true(json_object_get(ans.json, "allow_unsigned"));
	if (map_area(s, &ans, err)) {
		control_answer_release(&ans);
		goto fail;
	}
	control_answer_release(&ans);
	return 0;
fail:
	vmm_session_close(s);
	return -1;
}

void vmm_session_close(struct vmm_session *s)
{
	if (s->area)
		munmap(s->area, s->area_size);
	if (s->ram)
		munmap((void *)s->ram, s->ram_size);
	if (s->sock >= 0)
		close(s->sock);
	json_decref(s->trusted_keys);
	*s = (struct vmm_session){ .sock = -1 };
}

int vmm_request(struct vmm_session *s, json_t *req, json_t **answer, char err[SESSION_ERR_MAX])
{
	struct control_answer ans;

	if (call(s, req, &ans, err))
		return -1;
	if (answer)
		*answer = json_incref(ans.json);
	control_answer_release(&ans);
	return 0;
}

int vmm_update_info(struct vmm_session *s, json_t **info, char err[SESSION_ERR_MAX])
{
	json_t *answer;

	if (vmm_request(s, json_pack("{s:s}", "cmd", "update-info"), &answer, err))
		return -1;
	*info = json_incref(json_object_get(answer, "info"));
	json_decref(answer);
	return 0;
}

int vmm_patch_step(struct vmm_session *s, json_t *step, json_t **answer,
		   char err[SESSION_ERR_MAX])
{
	json_t *req = json_deep_copy(step);
	struct control_answer ans;

	json_object_set_new(req, "cmd", json_string("patch-step"));
	if (call(s, req, &ans, err))
		return -1;
	json_object_del(ans.json, "ok");
	*answer = json_incref(ans.json);
	control_answer_release(&ans);
	return 0;
}
