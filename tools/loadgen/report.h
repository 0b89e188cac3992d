/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run's report: a human availability summary and a JSON document.
 * The JSON has the run's counts (with "checksums_right" and
 * "checksums_buggy": the SV_OP_CHECKSUM answers that were the Adler-32 and
 * that were the unpatched kernel's signed-char sum, both counted in "ok"),
 * latency percentiles and histogram
 * ("histogram_us": [upper bound in us, count] for each non-empty bucket),
 * and "windows": per window of "window_ms", by completion time, its counts,
 * percentiles and histogram, "start_ms" after "start_monotonic_ns", the
 * run's start on the host's CLOCK_MONOTONIC, so another program on the
 * same host can line the windows up with what it did meanwhile.
 */
#ifndef SV_LOADGEN_REPORT_H
#define SV_LOADGEN_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "options.h"
#include "ring_client.h"
#include "stats.h"

struct lg_report_input {
	const struct lg_options *opts;
	unsigned queues;
	const struct lg_stats *stats;
	struct ring_client_stats ring; /* summed over the queues */
	bool interrupted;
};

json_t *lg_report_json(const struct lg_report_input *in);
void lg_report_human(const struct lg_report_input *in, FILE *out);

#endif
