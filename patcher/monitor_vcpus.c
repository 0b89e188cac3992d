// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where the guest is when it leaves a step unanswered (monitor.h): the
 * VMM pauses every vCPU a few times for one look at its instruction
 * pointer, which is named as a kernel function or as code of a live
 * patch, so the user sees what the guest is stuck in (a patch's transfer
 * function that never returns, say) rather than only a timeout.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elf_symbols.h"
#include "monitor.h"

#define LOOKS 5
#define LOOK_GAP_NS 20000000l

static bool holds(const struct patch_record *r, uint64_t rip, uint64_t *offset)
{
	json_int_t base = json_integer_value(json_object_get(r->begin, "text_base"));
	json_int_t size = json_integer_value(json_object_get(r->begin, "text_size"));

	if (r->state == PATCH_ROLLED_BACK || rip < (uint64_t)base ||
	    rip - (uint64_t)base >= (uint64_t)size)
		return false;
	*offset = rip - (uint64_t)base;
	return true;
}

/* The patch (`current`, or a live one of the journal) whose code holds
 * `rip`, or NULL. */
static const char *patch_at(const struct monitor *m, const struct patch_record *current,
			    uint64_t rip, uint64_t *offset)
{
	if (current && holds(current, rip, offset))
		return patch_record_id(current);
	for (size_t i = 0; i < m->nrecords; i++)
		if (holds(&m->records[i], rip, offset))
			return patch_record_id(&m->records[i]);
	return NULL;
}

static void name_rip(const struct monitor *m, const struct patch_record *current, uint64_t rip,
		     char *out, size_t cap)
{
	char fn[128];
	uint64_t offset;
	const char *id = patch_at(m, current, rip, &offset);

	if (id)
		snprintf(out, cap, "patch %s code+%#llx", id, (unsigned long long)offset);
	else if (!elf_symbolize(m->vmm.kernel, rip, fn, sizeof(fn), &offset))
		snprintf(out, cap, "%s+%#llx", fn, (unsigned long long)offset);
	else
		snprintf(out, cap, "%#llx", (unsigned long long)rip);
}

/* Look number `n`: every vCPU's rip, read while all are paused. */
static int look(struct monitor *m, unsigned ncpus, uint64_t (*rips)[LOOKS], unsigned n)
{
	char err[SESSION_ERR_MAX];
	json_t *answer;
	int ret = 0;

	if (vmm_request(&m->vmm, json_pack("{s:s}", "cmd", "pause"), NULL, err))
		return -1;
	for (unsigned cpu = 0; !ret && cpu < ncpus; cpu++) {
		ret = vmm_request(&m->vmm, json_pack("{s:s, s:I}", "cmd", "regs", "cpu",
						     (json_int_t)cpu), &answer, err);
		if (!ret) {
			const char *rip = json_string_value(json_object_get(
				json_object_get(answer, "regs"), "rip"));

			rips[cpu][n] = rip ? strtoull(rip, NULL, 16) : 0;
			json_decref(answer);
		}
	}
	return vmm_request(&m->vmm, json_pack("{s:s}", "cmd", "resume"), NULL, err) || ret;
}

/* Appends "; vCPU 0: f+0x10 (3 of 5 looks), ..." for the place each vCPU
 * was seen at most. */
static void append_places(struct monitor *m, const struct patch_record *current, unsigned ncpus,
			  uint64_t (*rips)[LOOKS], unsigned looks, char err[MONITOR_ERR_MAX])
{
	for (unsigned cpu = 0; cpu < ncpus; cpu++) {
		unsigned best = 0, best_count = 0;
		char place[192];
		size_t len = strlen(err);

		for (unsigned i = 0; i < looks; i++) {
			unsigned count = 0;

			for (unsigned j = 0; j < looks; j++)
				count += rips[cpu][j] == rips[cpu][i];
			if (count > best_count)
				best = i, best_count = count;
		}
		name_rip(m, current, rips[cpu][best], place, sizeof(place));
		snprintf(err + len, MONITOR_ERR_MAX - len, "%s vCPU %u at %s (%u of %u looks)",
			 cpu ? "," : "; the guest's vCPUs were:", cpu, place, best_count, looks);
	}
}

void monitor_name_vcpus(struct monitor *m, const struct patch_record *current,
			char err[MONITOR_ERR_MAX])
{
	char why[SESSION_ERR_MAX];
	json_t *status;
	unsigned ncpus, looks = 0;
	uint64_t (*rips)[LOOKS];

	if (vmm_request(&m->vmm, json_pack("{s:s}", "cmd", "status"), &status, why))
		return;
	ncpus = (unsigned)json_array_size(json_object_get(status, "cpus"));
	json_decref(status);
	rips = calloc(ncpus ? ncpus : 1, sizeof(*rips));
	if (!rips)
		return;
	for (; looks < LOOKS && !look(m, ncpus, rips, looks); looks++)
		nanosleep(&(struct timespec){ .tv_nsec = LOOK_GAP_NS }, NULL);
	if (looks)
		append_places(m, current, ncpus, rips, looks, err);
	free(rips);
}
