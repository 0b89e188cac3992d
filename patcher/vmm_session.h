/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The monitor's connection to a running swapvisor: the patch area mapped
 * from guest RAM (patch-area lends the memfd), what the VMM was told to
 * trust, and the guest's update state and steps (update-info,
 * patch-step), all over one control-socket connection.
 */
#ifndef SV_PATCHER_VMM_SESSION_H
#define SV_PATCHER_VMM_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include <sv/patch.h>

#define SESSION_ERR_MAX 512

struct vmm_session {
	const char *socket;
	int sock;
	uint64_t area_base, area_size;
	uint8_t *area;        /* the patch area, mapped shared */
	const uint8_t *ram;   /* all of guest RAM, read-only */
	uint64_t ram_size;
	char kernel[4096];    /* the running guest's ELF */
	char build_id[2 * SV_PATCH_BUILD_ID_MAX + 1]; /* hex: what the VMM booted */
	json_t *trusted_keys; /* public key files */
	bool allow_unsigned;
};

int vmm_session_open(struct vmm_session *s, const char *socket, char err[SESSION_ERR_MAX]);
void vmm_session_close(struct vmm_session *s);

/* One control request (req is consumed); *answer (if not NULL) is the
 * answer, a new reference. -1 with err when the VMM refused it. */
int vmm_request(struct vmm_session *s, json_t *req, json_t **answer, char err[SESSION_ERR_MAX]);

/* The guest's classes, objects, services and modules (a new reference). */
int vmm_update_info(struct vmm_session *s, json_t **info, char err[SESSION_ERR_MAX]);

/* Runs one step (a patch-step request's fields, borrowed) and answers the
 * guest's reply: {"status", "status_name", "handle", "done", "tracked",
 * "timings", "detail"}. -1 only when no answer came (err says why). */
int vmm_patch_step(struct vmm_session *s, json_t *step, json_t **answer,
		   char err[SESSION_ERR_MAX]);

#endif
