// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/page_alloc.h>
#include <kernel/printf.h>
#include <kernel/string.h>
#include <kernel/test.h>

#include "update_util.h"

#define TEST_RECORDS_MAX 4

/* A module's records laid out as the host lays them out. */
struct staged {
	struct sv_patch_module module;
	struct sv_patch_header header;
	struct sv_patch_class classes[TEST_RECORDS_MAX];
	struct sv_patch_check checks[TEST_RECORDS_MAX];
};

/* LOAD knows a module by its address, so each test module gets a slot
 * of its own (a test that failed may have left its module loaded). */
#define STAGE_SLOTS 16
#define STAGE_STRIDE ((sizeof(struct staged) + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE)

static unsigned next_slot;

static int request(const struct sv_patch_step_req *req, struct sv_patch_step_resp *resp)
{
	int status = update_step(req, resp);

	if (status != SV_OK)
		printk("update test: step %u (change %u) answered %d: %s\n", req->step, req->change,
		       status, resp->detail);
	return status;
}

/* The patch area's data half is ordinary RAM in the kernel's identity
 * map: the test writes the records there as the host would. */
static struct staged *stage(const struct test_module *tm)
{
	uint64_t base, size;
	struct staged *s;

	update_patch_area(&base, &size);
	s = (struct staged *)(uintptr_t)(base + size / 2 + next_slot++ % STAGE_SLOTS * STAGE_STRIDE);
	memset(s, 0, sizeof(*s));
	s->header = (struct sv_patch_header){ .magic = SV_PATCH_MAGIC, .version = 1 };
	memcpy(s->header.id, tm->id, strlen(tm->id) + 1);
	memcpy(s->classes, tm->classes, tm->nclasses * sizeof(s->classes[0]));
	memcpy(s->checks, tm->checks, tm->nchecks * sizeof(s->checks[0]));
	s->module = (struct sv_patch_module){
		.header = (uintptr_t)&s->header,
		.classes = (uintptr_t)s->classes, .nclasses = tm->nclasses,
		.objects = (uintptr_t)s->checks,
		.services = (uintptr_t)s->checks,
		.checks = (uintptr_t)s->checks, .nchecks = tm->nchecks,
		.text_base = base, .text_size = size / 2,
		.data_base = base + size / 2, .data_size = size / 2,
	};
	return s;
}

uint32_t update_test_load(const struct test_module *tm)
{
	uint64_t base, size;
	struct sv_patch_step_req req = { .step = SV_PATCH_STEP_LOAD };
	struct sv_patch_step_resp resp;

	update_patch_area(&base, &size);
	if (!size || tm->nclasses > TEST_RECORDS_MAX || tm->nchecks > TEST_RECORDS_MAX ||
	    STAGE_SLOTS * STAGE_STRIDE > size / 2) {
		test_fail(__FILE__, __LINE__, "module %s: no patch area, or too many records",
			  tm->id);
		return 0;
	}
	req.module = (uintptr_t)&stage(tm)->module;
	if (request(&req, &resp) != SV_OK) {
		test_fail(__FILE__, __LINE__, "LOAD of %s: %s", tm->id, resp.detail);
		return 0;
	}
	return resp.handle;
}

int update_test_step(uint32_t step, uint32_t flags, uint32_t handle, uint32_t change,
		     uint32_t first, uint32_t count, struct sv_patch_step_resp *resp)
{
	struct sv_patch_step_req req = {
		.step = step, .flags = flags, .handle = handle, .change = change,
		.first = first, .count = count, .timeout_us = UPDATE_TEST_TIMEOUT_US,
	};

	return request(&req, resp);
}

bool update_test_detail_has(const struct sv_patch_step_resp *resp, const char *text)
{
	size_t n = strlen(text);

	for (const char *p = resp->detail; *p; p++)
		if (strncmp(p, text, n) == 0)
			return true;
	return false;
}
