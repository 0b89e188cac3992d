/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of vmm/control_request.h for the C++ tests: plain types only,
 * so the VMM's C11 headers (jansson types, _Atomic) never compile as C++.
 */
#ifndef SV_TEST_CONTROL_REQUEST_SHIM_H
#define SV_TEST_CONTROL_REQUEST_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRS_WRITES_MAX 4
#define CRS_COPIES_MAX 4

struct crs_request {
	char cmd[16]; /* the command's protocol name, "read-phys" */
	unsigned cpu;
	uint64_t addr;
	uint64_t len;
	uint64_t vaddr;
	int status;
	unsigned policy; /* fcm-policy: 0 shared, 1 replicated, 2 adaptive */
	bool settle;     /* guest-stats */
	/* patch-step: the sv_patch_step_req it becomes */
	unsigned step, step_flags, handle, change, first, count;
	uint64_t module, timeout_us;
	char id[128]; /* the "id" as compact JSON, "" when the request had none */
	bool regs;    /* pause */
	unsigned nwrites; /* resume: its writes, the first CRS_WRITES_MAX here */
	struct crs_write {
		uint64_t addr;
		unsigned len;
		uint8_t old_bytes[64], new_bytes[64];
	} writes[CRS_WRITES_MAX];
	/* mirror-start, its first CRS_COPIES_MAX copies; mirror-stop/-stats */
	uint64_t old_gpa, new_gpa, old_size, new_size, ncopies;
	struct crs_copy { uint64_t old_off, new_off, len; } copies[CRS_COPIES_MAX];
	unsigned mirror;
};

/* control_request_parse() on line[0..len): returns 0, or -1 with the error
 * message in err (and out->id still filled when an "id" was readable). */
int crs_parse(const char *line, size_t len, struct crs_request *out,
	      char *err, size_t err_size);

/* control_cmd_name(), or NULL. */
const char *crs_cmd_name(int cmd);
int crs_cmd_count(void);

#ifdef __cplusplus
}
#endif

#endif
