/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a run measured: outcome counts, a log-scale latency histogram
 * (8 buckets per power of two, so percentiles are within 12.5%) over the
 * whole run and per time window, and the longest time without any
 * completion (how long the service was unavailable).
 */
#ifndef SV_LOADGEN_STATS_H
#define SV_LOADGEN_STATS_H

#include <stdbool.h>
#include <stdint.h>

#define LG_BUCKETS 512
#define LG_ERRORS_KEPT 16

struct lg_hist {
	uint64_t count[LG_BUCKETS];
	uint64_t n;
	uint64_t max_ns;
};

struct lg_counts {
	uint64_t requests, ok, wrong, lost, late;
};

struct lg_window {
	struct lg_counts counts;
	struct lg_hist hist;
};

enum lg_outcome { LG_OK, LG_WRONG, LG_LOST };

struct lg_stats {
	struct lg_counts counts;
	uint64_t rejected;          /* invalid ring completions */
	/* SV_OP_CHECKSUM answers taken as right (verdict.h): the Adler-32,
	 * and the unpatched kernel's signed-char sum. */
	uint64_t checksums_right, checksums_buggy;
	struct lg_hist hist;
	struct lg_window *windows;
	unsigned nwindows;
	uint64_t window_ns;
	uint64_t late_ns;
	int64_t start_ns, end_ns;
	int64_t last_completion_ns;
	uint64_t longest_gap_ns;
	int64_t longest_gap_at_ns;  /* when it ended, from the start */
	char errors[LG_ERRORS_KEPT][256]; /* the first messages */
	uint64_t nerrors;
};

void lg_stats_init(struct lg_stats *s, int64_t start_ns, uint64_t window_ns, uint64_t late_ns);
void lg_stats_free(struct lg_stats *s);

/* One request's end at now_ns after latency_ns. */
void lg_stats_record(struct lg_stats *s, int64_t now_ns, enum lg_outcome outcome,
		     uint64_t latency_ns);

/* Keeps msg if it is among the first LG_ERRORS_KEPT; counts it anyway. */
void lg_stats_error(struct lg_stats *s, const char *msg);

/* The latency below which fraction p (0..1) of h falls (a bucket's upper
 * bound, at most the maximum). */
uint64_t lg_hist_percentile(const struct lg_hist *h, double p);

/* Bucket i's upper bound in ns. */
uint64_t lg_hist_bucket_max(unsigned i);

#endif
