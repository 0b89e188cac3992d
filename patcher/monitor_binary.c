// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor's binary-patching step (monitor.h, "jumps"): stop the world,
 * prove no thread is in the code being swapped out, write the jumps (or
 * put the original bytes back), resume; while something blocks, resume
 * and try again on the retry schedule (quiesce/retry.h), saying who
 * blocks; give up at its limit naming them, with nothing changed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sv/abi.h>

#include "binary_sites.h"
#include "control_client.h"
#include "monitor.h"
#include "report.h"
#include "retry.h"

#define THREAD_TABLE_SYMBOL "sv_thread_table"

struct stop_log {
	unsigned attempts;
	uint64_t paused_ns, longest_pause_ns, waited_ns, check_ns;
	size_t written, skipped;
	char blockers[MONITOR_ERR_MAX]; /* the last attempt's, as said */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

/* The functions a live patch put in the patch area, from its begin
 * record: threads may be in them, and the stack walker must know them. */
static int add_patch_code(struct code_index *ix, struct monitor *m, json_t *begin,
			  char err[MONITOR_ERR_MAX])
{
	json_t *fn;
	size_t i;

	json_array_foreach(json_object_get(begin, "code"), i, fn) {
		unsigned long long addr, size;
		const char *name = json_string_value(json_object_get(fn, "name"));

		if (!name || control_answer_hex(fn, "addr", &addr) ||
		    control_answer_hex(fn, "size", &size) || addr < m->vmm.area_base ||
		    size > m->vmm.area_size || addr - m->vmm.area_base > m->vmm.area_size - size) {
			snprintf(err, MONITOR_ERR_MAX, "patch %s: its journal's code entry %zu is "
				 "malformed or outside the patch area",
				 json_string_value(json_object_get(begin, "id")) ?: "?", i);
			return -1;
		}
		if (code_index_add(ix, name, addr, m->vmm.area + (addr - m->vmm.area_base), size,
				   err, MONITOR_ERR_MAX))
			return -1;
	}
	return 0;
}

/* The guest kernel's code and every live patch's, `current` included. */
static struct code_index *guest_code(struct monitor *m, struct patch_record *current,
				     char err[MONITOR_ERR_MAX])
{
	struct code_index *ix;
	bool current_listed = false;

	if (code_index_from_kernel(m->vmm.kernel, &ix, err, MONITOR_ERR_MAX))
		return NULL;
	for (size_t i = 0; i < m->nrecords; i++) {
		struct patch_record *r = &m->records[i];

		current_listed |= r == current;
		if (r->state != PATCH_ROLLED_BACK && add_patch_code(ix, m, r->begin, err))
			goto fail;
	}
	if (!current_listed && add_patch_code(ix, m, current->begin, err))
		goto fail;
	return ix;
fail:
	code_index_free(ix);
	return NULL;
}

static int thread_table_address(struct monitor *m, uint64_t *addr, char err[MONITOR_ERR_MAX])
{
	struct guest_image g;
	int ret;

	if (guest_image_open(m->vmm.kernel, &g, err, MONITOR_ERR_MAX))
		return -1;
	ret = guest_image_lookup(&g, THREAD_TABLE_SYMBOL, addr) == GUEST_SYMBOL_FOUND ? 0 : -1;
	if (ret)
		snprintf(err, MONITOR_ERR_MAX, "%.512s has no symbol %s: the guest cannot list its "
			 "threads, so no binary patch can be proven safe", m->vmm.kernel,
			 THREAD_TABLE_SYMBOL);
	guest_image_close(&g);
	return ret;
}

/* Why the last attempt was blocked, every blocker in one line each. */
static void blockers_text(const struct world_result *r, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s", r->why);

	for (size_t i = 0; i < r->report.n && used < len; i++) {
		char line[512];

		qs_blocker_line(&r->report.blockers[i], line, sizeof(line));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "; " : "", line);
	}
}

/* A line per wait, and each blocker in full whenever they change. */
static void say_waiting(struct monitor *m, const struct world_result *r, struct stop_log *log,
			uint64_t elapsed_ns)
{
	char line[MONITOR_ERR_MAX], blockers[MONITOR_ERR_MAX];
	json_t *report = qs_report_json(&r->report);

	blockers_text(r, blockers, sizeof(blockers));
	if (strcmp(blockers, log->blockers)) {
		for (size_t i = 0; i < r->report.n; i++) {
			qs_blocker_line(&r->report.blockers[i], line, sizeof(line));
			monitor_progress(m, "blocker", json_pack("{s:s}", "blocker", line),
					 "  blocked: %s", line);
		}
		snprintf(log->blockers, sizeof(log->blockers), "%s", blockers);
	}

	if (r->why[0])
		snprintf(line, sizeof(line), "waited %u times over %.1f s: %s", log->attempts,
			 elapsed_ns / 1e9, r->why);
	else
		qs_waited_line(&r->report, log->attempts, elapsed_ns, line, sizeof(line));
	monitor_progress(m, "waiting", json_pack("{s:I, s:I, s:s, s:o*}", "attempts",
			 (json_int_t)log->attempts, "elapsed_ns", (json_int_t)elapsed_ns, "why",
			 r->why, "report", report), "  %s", line);
}

static json_t *answer_of(const struct stop_log *log, int status, const char *detail)
{
	return json_pack("{s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "status", status,
			 "status_name", status ? "SV_EBUSY" : "SV_OK", "detail", detail,
			 "attempts", (json_int_t)log->attempts, "paused_ns",
			 (json_int_t)log->paused_ns, "longest_pause_ns",
			 (json_int_t)log->longest_pause_ns, "waited_ns", (json_int_t)log->waited_ns,
			 "written", (json_int_t)log->written, "skipped", (json_int_t)log->skipped,
			 "done", (json_int_t)log->written, "check_ns", (json_int_t)log->check_ns);
}

/* The default schedule, or one that waits --stop-wait in all: the wait
 * then binds, not the count of attempts. */
static struct qs_retry_policy retry_policy(const struct monitor *m)
{
	struct qs_retry_policy p = QS_RETRY_DEFAULT;

	if (m->opt->stop_wait_ms) {
		p.max_total_ns = m->opt->stop_wait_ms * 1000000ull;
		p.max_attempts = (unsigned)(p.max_total_ns / p.max_wait_ns) + 20;
	}
	return p;
}

/* Stops the world until the writes go in or the schedule gives up. */
static int stop_until_written(struct monitor *m, const struct world_stop *w, json_t **answer,
			      char err[MONITOR_ERR_MAX])
{
	const struct qs_retry_policy policy = retry_policy(m);
	struct stop_log log = { 0 };
	uint64_t start = now_ns();

	for (;;) {
		struct world_result r;
		struct qs_retry_step next;
		char detail[MONITOR_ERR_MAX];

		if (world_stop_once(&m->vmm, w, &r, err))
			return -1;
		log.attempts++;
		log.paused_ns += r.paused_ns;
		log.check_ns += r.check_ns;
		if (r.paused_ns > log.longest_pause_ns)
			log.longest_pause_ns = r.paused_ns;
		if (r.written) {
			log.written = w->nwrites - r.skipped;
			log.skipped = r.skipped;
			*answer = answer_of(&log, 0, "");
			return 0;
		}
		next = qs_retry_next(&policy, log.attempts, now_ns() - start);
		if (next.verdict != QS_RETRY_WAIT) {
			int used = snprintf(detail, sizeof(detail), "gave up after %u attempts over "
					    "%.1f s: ", log.attempts, (now_ns() - start) / 1e9);
			blockers_text(&r, detail + used, sizeof(detail) - (size_t)used);
			*answer = answer_of(&log, SV_EBUSY, detail);
			qs_report_free(&r.report);
			return 0;
		}
		say_waiting(m, &r, &log, now_ns() - start);
		qs_report_free(&r.report);
		sleep_ns(next.wait_ns);
		log.waited_ns += next.wait_ns;
	}
}

int monitor_binary_step(struct monitor *m, struct patch_record *rec, json_t *step,
			json_t **answer, char err[MONITOR_ERR_MAX])
{
	bool revert = json_is_true(json_object_get(step, "revert"));
	struct binary_stop stop;
	struct world_stop w;
	struct code_index *code = NULL;
	uint64_t table;
	int ret = -1;

	if (!binary_stop_of(json_object_get(step, "sites"), revert, &stop, err) &&
	    !thread_table_address(m, &table, err) && (code = guest_code(m, rec, err))) {
		w = (struct world_stop){ code, table, stop.fns, stop.nfns, stop.writes, stop.nwrites };
		ret = stop_until_written(m, &w, answer, err);
	}
	if (code)
		code_index_free(code);
	binary_stop_free(&stop);
	return ret;
}
