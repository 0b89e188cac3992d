// SPDX-License-Identifier: GPL-2.0-only
/*
 * Applying a bundle (monitor.h): verify, plan, load, apply step by step,
 * health-check, commit; any failure rolls back every started step.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binary_mirrors.h"
#include "binary_sites.h"
#include "monitor_apply.h"

struct apply {
	struct monitor *m;
	const struct bundle *b;
	struct patch_record rec;
	json_t *info;          /* the guest's update state before the apply */
	long handle;
	uint64_t start_ns;
	json_t *sites;         /* the binary patch sites, NULL when there are none */
	json_t *mirrors;       /* the mirrored globals, NULL when there are none */
	/* the report */
	unsigned steps;
	uint64_t instances, swaps, longest_blocked_ns;
	uint64_t paused_ns;    /* the vCPUs stood still for the binary patch */
	uint64_t trapped, trap_ns; /* writes the mirrors trapped, time in them */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static json_int_t class_instances(json_t *info, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(info, "classes"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")) ?: "", name))
			return json_integer_value(json_object_get(c, "instances"));
	return 0;
}

/* --dry-run's answer, and the head of every apply's output. */
static void print_plan(struct apply *a)
{
	const struct bundle *b = a->b;
	struct monitor *m = a->m;

	monitor_progress(m, "plan", json_pack("{s:s, s:I}", "id", b->header.id,
					      "version", (json_int_t)b->header.version),
			 "patch %s version %u: %s", b->header.id, b->header.version,
			 b->header.description);
	for (size_t i = 0; i < b->nclasses; i++) {
		const struct bundle_class *c = &b->classes[i];

		monitor_progress(m, "plan-class", json_pack("{s:s, s:I}", "class", c->rec.name,
			"instances", class_instances(a->info, c->rec.name)),
			"  class %s %u -> %u (%s): translation table (every instance is reached "
			"through its entry): its factory, then %lld instances, eagerly",
			c->rec.name, c->rec.from_version, c->rec.to_version, c->impl,
			(long long)class_instances(a->info, c->rec.name));
	}
	for (size_t i = 0; i < b->nobjects; i++)
		monitor_progress(m, "plan-object", json_pack("{s:s}", "object", b->objects[i].rec.name),
				 "  object %s %u -> %u (%s): translation table (its entry): one hot swap",
				 b->objects[i].rec.name,
				 b->objects[i].rec.from_version, b->objects[i].rec.to_version,
				 b->objects[i].make_root);
	for (size_t i = 0; i < b->nservices; i++)
		monitor_progress(m, "plan-service", json_pack("{s:s}", "service", b->services[i].rec.name),
				 "  new service %s (%s)", b->services[i].rec.name, b->services[i].serve);
	for (size_t i = 0; i < b->nchecks; i++)
		monitor_progress(m, "plan-check", json_pack("{s:s}", "check", b->checks[i].rec.name),
				 "  health check %s (%s)", b->checks[i].rec.name, b->checks[i].check);
}

static void say_lines(struct apply *a, const char *event, json_t *lines,
		      const char *(*name_of)(const struct bundle *, size_t), const char *fmt)
{
	json_t *line;
	size_t i;

	json_array_foreach(lines, i, line)
		monitor_progress(a->m, event, json_pack("{s:s, s:O}", "name", name_of(a->b, i),
							"plan", line),
				 fmt, name_of(a->b, i), json_string_value(line));
}

static const char *function_name(const struct bundle *b, size_t i) { return b->functions[i].rec.name; }
static const char *mirror_name(const struct bundle *b, size_t i) { return b->mirrors[i].rec.name; }
static const char *caller_name(const struct bundle *b, size_t i) { return b->callers[i].name; }

/* The live patch whose jumps already replace `function`, or NULL: the
 * new jump's old bytes would be that patch's, never the kernel's. */
static struct patch_record *replacing(struct monitor *m, const char *function)
{
	for (size_t i = 0; i < m->nrecords; i++) {
		json_t *step, *site;
		size_t k, j;

		if (m->records[i].state == PATCH_ROLLED_BACK)
			continue;
		json_array_foreach(m->records[i].started, k, step)
			json_array_foreach(json_object_get(step, "sites"), j, site)
				if (!json_is_true(json_object_get(site, "caller")) &&
				    !strcmp(json_string_value(json_object_get(site, "function")) ?: "",
					    function))
					return &m->records[i];
	}
	return NULL;
}

static int refuse_replaced_twice(struct apply *a, char err[MONITOR_ERR_MAX])
{
	for (size_t i = 0; i < a->b->nfunctions; i++) {
		const char *fn = a->b->functions[i].rec.name;
		struct patch_record *r = replacing(a->m, fn);

		if (r) {
			snprintf(err, MONITOR_ERR_MAX, "%s: function %s is replaced already, by live "
				 "patch %s (roll it back first)", a->b->path, fn, patch_record_id(r));
			return -1;
		}
	}
	return 0;
}

/* The binary part of the plan, once the bundle is linked: which path
 * each function takes and its site, and each mirrored global's field map. */
static int plan_binary(struct apply *a, const struct guest_image *g,
		       const struct patch_image *img, char err[MONITOR_ERR_MAX])
{
	json_t *sites = json_array(), *mirrors = json_array(), *callers = json_array();

	if (a->b->nfunctions && !refuse_replaced_twice(a, err))
		a->sites = binary_sites_plan(a->b, g, img, sites, err);
	if (a->sites && binary_callers_plan(a->b, g, a->sites, callers, err)) {
		json_decref(a->sites);
		a->sites = NULL;
	}
	if (a->b->nmirrors && (a->sites || !a->b->nfunctions))
		a->mirrors = binary_mirrors_plan(a->b, g, img, mirrors, err);
	say_lines(a, "plan-function", sites, function_name,
		  "  function %s: binary patch (called directly, not through a translation "
		  "table): %s");
	say_lines(a, "plan-caller", callers, caller_name,
		  "  caller %s: kept, but no thread may be inside it while the jumps go in or "
		  "out (it carries state across its calls): %s");
	say_lines(a, "plan-mirror", mirrors, mirror_name,
		  "  global %s: mirrored while old code may still write it: %s");
	json_decref(sites);
	json_decref(mirrors);
	json_decref(callers);
	return (a->b->nfunctions && !a->sites) || (a->b->nmirrors && !a->mirrors) ? -1 : 0;
}

/* The patch's functions where they were linked: the stack walker must
 * know them while the patch lives (a thread may be in any of them). */
static json_t *code_of(const struct patch_image *img)
{
	json_t *code = json_array();

	for (size_t i = 0; i < img->nsymbols; i++)
		if (img->symbols[i].func && img->symbols[i].size)
			json_array_append_new(code, json_pack("{s:s, s:o, s:o}", "name",
				img->symbols[i].name,
				"addr", json_sprintf("0x%llx", (unsigned long long)img->symbols[i].addr),
				"size", json_sprintf("0x%llx", (unsigned long long)img->symbols[i].size)));
	return code;
}

static json_t *begin_record(const struct bundle *b, const struct patch_image *img)
{
	json_t *deps = json_array();

	for (size_t i = 0; i < b->ndeps; i++)
		json_array_append_new(deps, json_string(b->deps[i].id));
	return json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:o}",
			 "id", b->header.id, "version", (json_int_t)b->header.version,
			 "bundle", b->path,
			 "text_base", (json_int_t)img->text_base, "text_size", (json_int_t)img->text_size,
			 "data_base", (json_int_t)img->data_base, "data_size", (json_int_t)img->data_size,
			 "module", (json_int_t)img->module_addr, "deps", deps,
			 "classes", (json_int_t)b->nclasses, "objects", (json_int_t)b->nobjects,
			 "services", (json_int_t)b->nservices, "checks", (json_int_t)b->nchecks,
			 "code", code_of(img));
}

static void write_module(struct monitor *m, const struct patch_image *img)
{
	memcpy(m->vmm.area + (img->text_base - m->vmm.area_base), img->text, img->text_size);
	memcpy(m->vmm.area + (img->data_base - m->vmm.area_base), img->data, img->data_size);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* before the guest hears of it */
}

static void account(struct apply *a, json_t *answer)
{
	json_t *t = json_object_get(answer, "timings");
	uint64_t blocked = (uint64_t)json_integer_value(json_object_get(t, "longest_blocked_ns"));

	a->steps++;
	a->swaps += (uint64_t)json_integer_value(json_object_get(t, "swaps"));
	if (blocked > a->longest_blocked_ns)
		a->longest_blocked_ns = blocked;
}

static void report_step(struct apply *a, json_t *step, json_t *answer, const char *what)
{
	json_t *t = json_object_get(answer, "timings");

	account(a, answer);
	monitor_progress(a->m, "step", json_pack("{s:O, s:O}", "step", step, "answer", answer),
			 "[%2u] %-34s forward %.2f ms, block %.2f ms, transfer %.2f ms, complete %.2f ms",
			 a->steps, what,
			 json_integer_value(json_object_get(t, "forward_ns")) / 1e6,
			 json_integer_value(json_object_get(t, "block_ns")) / 1e6,
			 json_integer_value(json_object_get(t, "transfer_ns")) / 1e6,
			 json_integer_value(json_object_get(t, "complete_ns")) / 1e6);
}

/* One step of this patch: fields after "step" are key/integer pairs. */
static int run_step(struct apply *a, const char *name, unsigned change, unsigned first,
		    unsigned count, const char *what, json_t **answer, char err[MONITOR_ERR_MAX])
{
	json_t *step = json_pack("{s:s, s:I, s:I, s:I, s:I}", "step", name,
				 "handle", (json_int_t)a->handle, "change", (json_int_t)change,
				 "first", (json_int_t)first, "count", (json_int_t)count);
	int ret = monitor_step(a->m, &a->rec, step, answer, err);

	if (!ret)
		report_step(a, step, *answer, what);
	json_decref(step);
	return ret;
}

static int apply_class(struct apply *a, unsigned i, char err[MONITOR_ERR_MAX])
{
	const char *name = a->b->classes[i].rec.name;
	char what[128];
	json_t *answer;
	uint64_t tracked;
	int ret;

	snprintf(what, sizeof(what), "factory %s", name);
	ret = run_step(a, "factory", i, 0, 0, what, &answer, err);
	tracked = (uint64_t)json_integer_value(json_object_get(answer, "tracked"));
	json_decref(answer);
	for (uint64_t first = 0; !ret && first < tracked; first += MONITOR_BATCH) {
		unsigned count = (unsigned)(tracked - first < MONITOR_BATCH ? tracked - first : MONITOR_BATCH);

		snprintf(what, sizeof(what), "instances %s %llu..%llu of %llu", name,
			 (unsigned long long)first, (unsigned long long)(first + count - 1),
			 (unsigned long long)tracked);
		ret = run_step(a, "instances", i, (unsigned)first, count, what, &answer, err);
		a->instances += (uint64_t)json_integer_value(json_object_get(answer, "done"));
		json_decref(answer);
	}
	return ret;
}

static int apply_table(struct apply *a, const char *step, size_t n,
		       const char *(*name_of)(const struct bundle *, size_t), char err[MONITOR_ERR_MAX])
{
	for (size_t i = 0; i < n; i++) {
		char what[128];
		json_t *answer;
		int ret;

		snprintf(what, sizeof(what), "%s %s", step, name_of(a->b, i));
		ret = run_step(a, step, (unsigned)i, 0, 0, what, &answer, err);
		json_decref(answer);
		if (ret)
			return -1;
	}
	return 0;
}

static const char *object_name(const struct bundle *b, size_t i) { return b->objects[i].rec.name; }
static const char *service_name(const struct bundle *b, size_t i) { return b->services[i].rec.name; }
static const char *check_name(const struct bundle *b, size_t i) { return b->checks[i].rec.name; }

/* One of the monitor's own steps over `records` (monitor.h). */
static int host_step(struct apply *a, const char *name, const char *key, json_t *records,
		     json_t **answer, char err[MONITOR_ERR_MAX])
{
	json_t *step = json_pack("{s:s, s:I, s:O}", "step", name, "handle", (json_int_t)a->handle,
				 key, records);
	int ret = monitor_step(a->m, &a->rec, step, answer, err);

	if (!ret)
		a->steps++;
	json_decref(step);
	return ret;
}

/* Every function replacement at once, in one stop of the world: the new
 * functions may call each other, so none goes in alone. */
static int apply_jumps(struct apply *a, char err[MONITOR_ERR_MAX])
{
	json_t *answer = NULL;

	if (!a->sites)
		return 0;
	if (host_step(a, "jumps", "sites", a->sites, &answer, err))
		return -1;
	a->paused_ns = (uint64_t)json_integer_value(json_object_get(answer, "paused_ns"));
	monitor_progress(a->m, "jumps", json_incref(answer),
			 "[%2u] jumps into %zu functions          %lld attempts, vCPUs paused "
			 "%.3f ms in all (longest %.3f ms; the stack checks %.3f ms of it), waited "
			 "%.1f ms", a->steps, a->b->nfunctions,
			 json_integer_value(json_object_get(answer, "attempts")), a->paused_ns / 1e6,
			 json_integer_value(json_object_get(answer, "longest_pause_ns")) / 1e6,
			 json_integer_value(json_object_get(answer, "check_ns")) / 1e6,
			 json_integer_value(json_object_get(answer, "waited_ns")) / 1e6);
	json_decref(answer);
	return 0;
}

/* The mirrors start before any new code can reach the new copies. */
static int start_mirrors(struct apply *a, char err[MONITOR_ERR_MAX])
{
	json_t *answer = NULL;

	if (!a->mirrors)
		return 0;
	if (host_step(a, "mirror", "mirrors", a->mirrors, &answer, err))
		return -1;
	monitor_progress(a->m, "mirror", json_incref(answer),
			 "[%2u] mirror %zu globals                 every write to either copy "
			 "trapped and copied to the other", a->steps, json_array_size(a->mirrors));
	json_decref(answer);
	return 0;
}

/* Once no thread that began on the old code is left, the old copies are
 * no longer written: the mirrors end. */
static int end_mirrors(struct apply *a, char err[MONITOR_ERR_MAX])
{
	json_t *answer = NULL;

	if (!a->mirrors)
		return 0;
	if (host_step(a, "mirror-end", "mirrors", a->mirrors, &answer, err))
		return -1;
	a->trapped = (uint64_t)json_integer_value(json_object_get(answer, "trapped"));
	a->trap_ns = (uint64_t)json_integer_value(json_object_get(answer, "trap_ns"));
	monitor_progress(a->m, "mirror-end", json_incref(answer),
			 "[%2u] mirrors ended                    %llu writes trapped (%.1f us "
			 "each), %lld other writes on their pages", a->steps,
			 (unsigned long long)a->trapped,
			 a->trapped ? a->trap_ns / 1e3 / (double)a->trapped : 0.0,
			 json_integer_value(json_object_get(answer, "passed")));
	json_decref(answer);
	return 0;
}

static int apply_changes(struct apply *a, char err[MONITOR_ERR_MAX])
{
	if (start_mirrors(a, err) || apply_jumps(a, err))
		return -1;
	for (size_t i = 0; i < a->b->nclasses; i++)
		if (apply_class(a, (unsigned)i, err))
			return -1;
	return apply_table(a, "object", a->b->nobjects, object_name, err) ||
	       apply_table(a, "service", a->b->nservices, service_name, err) ||
	       apply_table(a, "check", a->b->nchecks, check_name, err) || end_mirrors(a, err)
		       ? -1 : 0;
}

static int load_module(struct apply *a, const struct patch_image *img, char err[MONITOR_ERR_MAX])
{
	json_t *step = json_pack("{s:s, s:I}", "step", "load", "module", (json_int_t)img->module_addr);
	json_t *answer;
	int ret;

	write_module(a->m, img);
	if (!monitor_guest_loads(a->rec.begin)) {
		json_decref(step);
		return 0; /* its code is only reached through the monitor's jumps */
	}
	ret = monitor_step(a->m, &a->rec, step, &answer, err);
	a->handle = ret ? -1 : (long)json_integer_value(json_object_get(answer, "handle"));
	json_decref(step);
	json_decref(answer);
	return ret;
}

static json_t *report_of(const struct apply *a)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "id", a->b->header.id,
			 "steps", (json_int_t)a->steps, "instances", (json_int_t)a->instances,
			 "swaps", (json_int_t)a->swaps, "paused_ns", (json_int_t)a->paused_ns,
			 "trapped_writes", (json_int_t)a->trapped, "trap_ns", (json_int_t)a->trap_ns,
			 "longest_blocked_ns", (json_int_t)a->longest_blocked_ns,
			 "time_to_commit_ms", (now_ns() - a->start_ns) / 1e6);
}

static int commit(struct apply *a, char err[MONITOR_ERR_MAX])
{
	json_t *answer = NULL, *report;
	int ret;

	if (journal_state(&a->rec, PATCH_COMMITTING, NULL, err))
		return -1;
	if (monitor_guest_commits(a->rec.begin)) {
		ret = run_step(a, "commit", 0, 0, 0, "commit", &answer, err);
		json_decref(answer);
		if (ret)
			return -1;
	}
	report = report_of(a);
	if (journal_state(&a->rec, PATCH_COMMITTED, json_pack("{s:O}", "report", report), err)) {
		json_decref(report);
		return -1;
	}
	monitor_progress(a->m, "committed", json_pack("{s:O}", "report", report),
			 "committed %s: %u steps, %llu instances updated, %llu hot swaps, longest "
			 "blocked call %.3f ms, time to commit %.1f ms", a->b->header.id, a->steps,
			 (unsigned long long)a->instances, (unsigned long long)a->swaps,
			 a->longest_blocked_ns / 1e6,
			 json_real_value(json_object_get(report, "time_to_commit_ms")));
	json_decref(report);
	return 0;
}

/* Loads and applies; on failure rolls back and answers -1 with the
 * failure in err, followed by how the rollback went. */
static int load_apply_commit(struct apply *a, const struct patch_image *img,
			     char err[MONITOR_ERR_MAX])
{
	char rollback_err[MONITOR_ERR_MAX];
	size_t len;

	if (!journal_begin(&a->m->journal, a->m->nrecords ? a->m->records[a->m->nrecords - 1].seq + 1 : 1,
			   begin_record(a->b, img), a->b->path, &a->rec, err) &&
	    !load_module(a, img, err) && !apply_changes(a, err) && !commit(a, err))
		return 0;
	if (!a->rec.path)
		return -1;
	if (a->rec.state == PATCH_COMMITTING)
		return -1; /* a restarted monitor commits it */
	len = strlen(err);
	if (monitor_revert(a->m, &a->rec, err, rollback_err))
		snprintf(err + len, MONITOR_ERR_MAX - len, "; and the rollback failed: %s", rollback_err);
	else
		snprintf(err + len, MONITOR_ERR_MAX - len, "; rolled back");
	return -1;
}

static int refuse_if_unfinished(struct monitor *m, char err[MONITOR_ERR_MAX])
{
	struct patch_record *r = monitor_unfinished(m);

	if (!r)
		return 0;
	snprintf(err, MONITOR_ERR_MAX, "patch %s is still %s (swapctl patch show %s): nothing new "
		 "is applied until it is done", patch_record_id(r), patch_state_name(r->state),
		 patch_record_id(r));
	return -1;
}

int monitor_apply(struct monitor *m, const char *bundle_path, char err[MONITOR_ERR_MAX])
{
	struct apply a = { .m = m, .start_ns = now_ns(), .handle = -1 };
	struct guest_image g = { 0 };
	struct patch_image img = { 0 };
	struct bundle *b;
	int ret = -1;

	if (refuse_if_unfinished(m, err) || !(b = bundle_open(bundle_path, err, MONITOR_ERR_MAX)))
		return -1;
	a.b = b;
	if (!guest_image_open(m->vmm.kernel, &g, err, MONITOR_ERR_MAX) &&
	    !vmm_update_info(&m->vmm, &a.info, err) &&
	    !monitor_verify(m, b, &g, a.info, err)) {
		print_plan(&a);
		ret = monitor_place(m, b, &g, &img, err) || plan_binary(&a, &g, &img, err) ? -1 : 0;
		if (!ret && !m->opt->dry_run)
			ret = load_apply_commit(&a, &img, err);
		patch_image_free(&img);
	}
	json_decref(a.sites);
	json_decref(a.mirrors);
	patch_record_release(&a.rec);
	json_decref(a.info);
	guest_image_close(&g);
	bundle_close(b);
	return ret;
}
