// SPDX-License-Identifier: GPL-2.0-only
#include "report.h"

static double us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static double seconds(const struct lg_stats *s)
{
	double d = (double)(s->end_ns - s->start_ns) / 1e9;

	return d > 0 ? d : 1e-9;
}

static json_t *latency(const struct lg_hist *h)
{
	return json_pack("{s:f, s:f, s:f, s:f}",
			 "p50", us(lg_hist_percentile(h, 0.50)),
			 "p99", us(lg_hist_percentile(h, 0.99)),
			 "p999", us(lg_hist_percentile(h, 0.999)),
			 "max", us(h->max_ns));
}

static json_t *counts(const struct lg_counts *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "requests", (json_int_t)c->requests,
			 "ok", (json_int_t)c->ok, "wrong", (json_int_t)c->wrong,
			 "lost", (json_int_t)c->lost, "late", (json_int_t)c->late);
}

/* Non-empty buckets only: [upper bound in us, count]. */
static json_t *histogram(const struct lg_hist *h)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < LG_BUCKETS; i++)
		if (h->count[i])
			json_array_append_new(a, json_pack("[f, I]", us(lg_hist_bucket_max(i)),
							   (json_int_t)h->count[i]));
	return a;
}

static json_t *windows(const struct lg_stats *s)
{
	json_t *a = json_array();

	for (unsigned w = 0; w < s->nwindows; w++) {
		json_t *o = counts(&s->windows[w].counts);

		json_object_set_new(o, "start_ms", json_integer((json_int_t)(w * s->window_ns / 1000000)));
		json_object_set_new(o, "latency_us", latency(&s->windows[w].hist));
		/* So a reader can merge windows into exact percentiles
		 * (tools/bench/patch-bench: steady state around an update). */
		json_object_set_new(o, "histogram_us", histogram(&s->windows[w].hist));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *errors(const struct lg_stats *s)
{
	json_t *a = json_array();

	for (uint64_t i = 0; i < s->nerrors && i < LG_ERRORS_KEPT; i++)
		json_array_append_new(a, json_string(s->errors[i]));
	return a;
}

json_t *lg_report_json(const struct lg_report_input *in)
{
	const struct lg_stats *s = in->stats;
	json_t *o = counts(&s->counts);

	json_object_update_new(o, json_pack(
		"{s:s, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:o, s:o, s:o, s:o, s:I, s:o}",
		"mix", lg_mix_name(in->opts->mix), "queues", (json_int_t)in->queues,
		"interrupted", in->interrupted,
		"start_monotonic_ns", (json_int_t)s->start_ns,
		"window_ms", (json_int_t)(s->window_ns / 1000000),
		"rejected_completions", (json_int_t)s->rejected,
		"checksums_right", (json_int_t)s->checksums_right,
		"checksums_buggy", (json_int_t)s->checksums_buggy,
		"duration_s", seconds(s),
		"throughput_rps", (double)s->counts.ok / seconds(s),
		"longest_gap_ms", (double)s->longest_gap_ns / 1e6,
		"longest_gap_end_s", (double)s->longest_gap_at_ns / 1e9,
		"latency_us", latency(&s->hist),
		"histogram_us", histogram(&s->hist),
		"windows", windows(s),
		"ring", json_pack("{s:I, s:I, s:I, s:I}",
				  "kicks", (json_int_t)in->ring.kicks,
				  "kicks_saved", (json_int_t)in->ring.kicks_saved,
				  "stale_drained", (json_int_t)in->ring.stale_drained,
				  "late_after_lost", (json_int_t)in->ring.abandoned_late),
		"errors_total", (json_int_t)s->nerrors,
		"errors", errors(s)));
	return o;
}

void lg_report_human(const struct lg_report_input *in, FILE *out)
{
	const struct lg_stats *s = in->stats;
	const struct lg_counts *c = &s->counts;

	fprintf(out, "loadgen: %s mix on %u queues, %.3f s%s\n", lg_mix_name(in->opts->mix),
		in->queues, seconds(s), in->interrupted ? " (interrupted)" : "");
	fprintf(out, "availability summary:\n");
	fprintf(out, "  requests   %llu (ok %llu, wrong %llu, lost %llu, late %llu > %u ms)\n",
		(unsigned long long)c->requests, (unsigned long long)c->ok,
		(unsigned long long)c->wrong, (unsigned long long)c->lost,
		(unsigned long long)c->late, in->opts->timeout_ms);
	fprintf(out, "  rejected ring completions %llu\n", (unsigned long long)s->rejected);
	fprintf(out, "  checksums  %llu right, %llu with the kernel's known signed-char bug\n",
		(unsigned long long)s->checksums_right, (unsigned long long)s->checksums_buggy);
	fprintf(out, "  throughput %.1f requests/s\n", (double)c->ok / seconds(s));
	fprintf(out, "  latency    p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us\n",
		us(lg_hist_percentile(&s->hist, 0.50)), us(lg_hist_percentile(&s->hist, 0.99)),
		us(lg_hist_percentile(&s->hist, 0.999)), us(s->hist.max_ns));
	fprintf(out, "  longest gap between completions %.3f ms (ending at %.3f s)\n",
		(double)s->longest_gap_ns / 1e6, (double)s->longest_gap_at_ns / 1e9);
	for (uint64_t i = 0; i < s->nerrors && i < LG_ERRORS_KEPT; i++)
		fprintf(out, "  error: %s\n", s->errors[i]);
	if (s->nerrors > LG_ERRORS_KEPT)
		fprintf(out, "  ... %llu more errors\n", (unsigned long long)(s->nerrors - LG_ERRORS_KEPT));
}
