/* SPDX-License-Identifier: GPL-2.0-only */
/* The load generator's command line. */
#ifndef SV_LOADGEN_OPTIONS_H
#define SV_LOADGEN_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

enum lg_mix_kind { LG_MIX_POSTMARK, LG_MIX_SDET, LG_MIX_MALFORMED };

struct lg_options {
	const char *socket;
	enum lg_mix_kind mix;
	uint64_t requests;      /* ring requests of the measured phase */
	double rate;            /* requests/s over all queues; 0: closed loop */
	unsigned concurrency;   /* requests in flight per queue */
	uint64_t seed;
	unsigned files;         /* PostMark files / SDET shared files, all queues */
	unsigned window_ms;     /* the report's time windows */
	const char *json_path;  /* NULL: none, "-": stdout */
	unsigned timeout_ms;    /* latency above this is late */
	unsigned lost_after_ms; /* no completion after this: lost */
};

/* Parses argv into o; on a usage error prints why and exits with 2. */
void lg_parse_options(int argc, char **argv, struct lg_options *o);

const char *lg_mix_name(enum lg_mix_kind mix);

#endif
