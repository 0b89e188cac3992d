// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sv/ring.h>

#include "options.h"

#define EXIT_USAGE 2

static const char usage_text[] =
	"usage: loadgen -s SOCKET [--mix postmark|sdet|malformed] [--requests N]\n"
	"               [--rate R] [--concurrency C] [--seed S] [--files F]\n"
	"               [--window-ms W] [--json FILE|-] [--timeout-ms T] [--lost-after-ms L]\n"
	"\n"
	"Drives the guest's services through the request ring of a running\n"
	"swapvisor (attached over its control socket) and verifies every answer\n"
	"against a shadow model of the files.\n"
	"\n"
	"  -s, --socket SOCKET    swapvisor's control socket (required)\n"
	"  -m, --mix MIX          postmark (default): small files created, read\n"
	"                         (one read in 8 a checksum), appended, deleted;\n"
	"                         sdet: one script per concurrent user over shared\n"
	"                         read-only and private files;\n"
	"                         malformed: bad requests that must get the right error\n"
	"  -n, --requests N       ring requests of the measured phase (default 10000);\n"
	"                         set-up and clean-up requests come on top\n"
	"  -r, --rate R           open loop at R requests/s over all queues\n"
	"                         (default: closed loop)\n"
	"  -c, --concurrency C    requests in flight per queue, 1..32 (default 8)\n"
	"      --seed S           seed of every random choice and content (default 1)\n"
	"  -f, --files F          PostMark files / SDET shared files (default 64)\n"
	"      --window-ms W      report latency per window of W ms (default 1000)\n"
	"  -j, --json FILE        write the JSON report to FILE (- for stdout)\n"
	"      --timeout-ms T     a request taking longer is late (default 100)\n"
	"      --lost-after-ms L  a request unanswered this long is lost (default 10000)\n"
	"  -h, --help             this text\n"
	"\n"
	"SIGINT or SIGTERM ends the measured phase early: the mix then deletes its\n"
	"files and the report covers what was done; a second one stops at once.\n"
	"\n"
	"Exit status: 0 every answer right, 1 an answer was wrong or lost,\n"
	"2 usage error, 3 could not attach.\n";

static void usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(loadgen --help for usage)\n", stderr);
	exit(EXIT_USAGE);
}

static uint64_t number(const char *name, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || *s == '-' || errno || v < min || v > max)
		usage_error("%s must be a number %llu..%llu, got \"%s\"", name,
			    (unsigned long long)min, (unsigned long long)max, s);
	return v;
}

static double rate(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v > 0) || v > 1e9)
		usage_error("--rate must be a number of requests/s above 0, got \"%s\"", s);
	return v;
}

static enum lg_mix_kind mix(const char *s)
{
	for (int m = LG_MIX_POSTMARK; m <= LG_MIX_MALFORMED; m++)
		if (!strcmp(s, lg_mix_name((enum lg_mix_kind)m)))
			return (enum lg_mix_kind)m;
	usage_error("unknown mix \"%s\" (postmark, sdet or malformed)", s);
}

const char *lg_mix_name(enum lg_mix_kind m)
{
	static const char *const names[] = { "postmark", "sdet", "malformed" };

	return names[m];
}

enum { OPT_SEED = 256, OPT_WINDOW, OPT_TIMEOUT, OPT_LOST };

void lg_parse_options(int argc, char **argv, struct lg_options *o)
{
	static const struct option options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "mix", required_argument, NULL, 'm' },
		{ "requests", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "files", required_argument, NULL, 'f' },
		{ "window-ms", required_argument, NULL, OPT_WINDOW },
		{ "json", required_argument, NULL, 'j' },
		{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
		{ "lost-after-ms", required_argument, NULL, OPT_LOST },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*o = (struct lg_options){
		.mix = LG_MIX_POSTMARK, .requests = 10000, .concurrency = 8, .seed = 1,
		.files = 64, .window_ms = 1000, .timeout_ms = 100, .lost_after_ms = 10000,
	};
	while ((opt = getopt_long(argc, argv, "s:m:n:r:c:f:j:h", options, NULL)) != -1) {
		switch (opt) {
		case 's': o->socket = optarg; break;
		case 'm': o->mix = mix(optarg); break;
		case 'n': o->requests = number("--requests", optarg, 1, UINT64_MAX >> 1); break;
		case 'r': o->rate = rate(optarg); break;
		case 'c': o->concurrency = (unsigned)number("--concurrency", optarg, 1, SV_RING_SLOTS); break;
		case OPT_SEED: o->seed = number("--seed", optarg, 0, UINT64_MAX); break;
		case 'f': o->files = (unsigned)number("--files", optarg, 1, 100000); break;
		case OPT_WINDOW: o->window_ms = (unsigned)number("--window-ms", optarg, 1, 3600000); break;
		case 'j': o->json_path = optarg; break;
		case OPT_TIMEOUT: o->timeout_ms = (unsigned)number("--timeout-ms", optarg, 1, 3600000); break;
		case OPT_LOST: o->lost_after_ms = (unsigned)number("--lost-after-ms", optarg, 1, 3600000); break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default: fputs(usage_text, stderr); exit(EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	if (!o->socket)
		usage_error("%s", "no control socket given (-s SOCKET)");
}
