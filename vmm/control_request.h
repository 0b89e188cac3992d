/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One control-socket request: a JSON line parsed and validated into a typed
 * struct. Pure (no VM, no I/O), so every rule of the protocol is unit-tested
 * here; what needs the machine (does cpu N exist, is addr in RAM) is checked
 * when the request is executed (control_commands.c).
 *
 * The protocol is described in docs/control-protocol.md.
 */
#ifndef SV_VMM_CONTROL_REQUEST_H
#define SV_VMM_CONTROL_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sv/patch.h>

#include "mirror_map.h"
#include "phys_write.h"

#define CONTROL_LINE_MAX 65536u     /* bytes of one request line, without '\n' */
#define CONTROL_READ_MAX 65536u     /* read-phys "len" */
#define CONTROL_CPU_MAX 64u         /* "cpu" below this; equals VM_CPUS_MAX */
#define CONTROL_QUIT_STATUS_MAX 119 /* 120.. are swapvisor's own exit statuses */
/* bytes of an error message, with NUL: room for a refused write's address
 * and both of its byte strings (2 x 128 hex digits) */
#define CONTROL_ERROR_MAX 512
#define CONTROL_WRITES_MAX 64u      /* resume "writes" */
#define CONTROL_MIRROR_SIZE_MAX (1u << 20) /* mirror-start "old_size", "new_size" */
#define CONTROL_MIRROR_COPIES_MAX 1024u    /* mirror-start "copies" */
#define CONTROL_STEP_TIMEOUT_MS_MAX 60000u /* patch-step "timeout_ms" */
#define CONTROL_STEP_TIMEOUT_MS 10000u     /* ... when left out */

enum control_cmd {
	CONTROL_STATUS,
	CONTROL_PAUSE,
	CONTROL_RESUME,
	CONTROL_REGS,
	CONTROL_READ_PHYS,
	CONTROL_TRANSLATE,
	CONTROL_QUIT,
	CONTROL_RING_ATTACH,
	CONTROL_GUEST_STATS,
	CONTROL_FCM_POLICY,
	CONTROL_UPDATE_INFO,
	CONTROL_PATCH_AREA,
	CONTROL_PATCH_STEP,
	CONTROL_MIRROR_START,
	CONTROL_MIRROR_STOP,
	CONTROL_MIRROR_STATS,
	CONTROL_CMDS
};

struct control_request {
	enum control_cmd cmd;
	json_t *id;     /* the request's "id" (a reference we own), or NULL */
	unsigned cpu;   /* regs, translate */
	uint64_t addr;  /* read-phys */
	uint64_t len;   /* read-phys */
	uint64_t vaddr; /* translate */
	int status;     /* quit */
	unsigned policy; /* fcm-policy: enum sv_fcm_policy */
	bool settle;     /* guest-stats: caches given back before counting */
	struct sv_patch_step_req step; /* patch-step */
	bool regs;       /* pause: every vCPU's registers in the answer */
	struct phys_write *writes; /* resume: nwrites (0: none), ours to free */
	unsigned nwrites;
	struct mirror_spec mirror; /* mirror-start: its copies are ours to free */
	unsigned mirror_id;        /* mirror-stop, mirror-stats; 0: by addr */
};

/*
 * Parses the request in line[0..len) (no trailing newline needed). Returns 0
 * and fills *req, or -1 with a message naming the field at fault in
 * err[0..CONTROL_ERROR_MAX). On failure req->id is still set when the line
 * was an object with an "id", so the error can be matched to its request.
 * Either way the caller releases req with control_request_release(), which
 * frees what the request allocated (its writes, a mirror's copies).
 */
int control_request_parse(const char *line, size_t len,
			  struct control_request *req, char *err);
void control_request_release(struct control_request *req);

/* The protocol's name of an FCM policy ("adaptive"), or NULL. */
const char *control_fcm_policy_name(unsigned policy);

/* The protocol's name of a patch step ("instances"), or NULL. */
const char *control_patch_step_name(unsigned step);

/* The protocol's name of a command ("read-phys"), or NULL if out of range. */
const char *control_cmd_name(enum control_cmd cmd);

#endif
