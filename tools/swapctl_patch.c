// SPDX-License-Identifier: GPL-2.0-only
/*
 * `swapctl -s SOCKET patch apply FILE.svp [--dry-run] [--timeout SECONDS]
 *  [--stop-wait SECONDS] [--journal DIR]`, `patch list`, `patch show ID`, `patch rollback ID`.
 * swapctl itself is the monitor: every invocation first finishes what a
 * killed one left half done (patcher/journal.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"
#include "swapctl_patch.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static const char patch_usage[] =
	"usage: swapctl -s SOCKET [--json] patch apply FILE.svp [--dry-run] [--timeout SECONDS]\n"
	"       swapctl -s SOCKET [--json] patch list | show ID | rollback ID\n"
	"       (any of them also takes --journal DIR, default SOCKET.patches, and\n"
	"       --stop-wait SECONDS, how long a binary patch waits for threads to\n"
	"       leave its functions, default 5)\n";

static int usage(void)
{
	fputs(patch_usage, stderr);
	return EXIT_USAGE;
}

static int parse_options(int argc, char **argv, struct monitor_options *o)
{
	static const struct option options[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "journal", required_argument, NULL, 'J' },
		{ "stop-wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	double s;
	int opt;

	optind = 0; /* a full re-initialisation: swapctl parsed its own options first */
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'n': o->dry_run = true; break;
		case 'J': o->journal_dir = optarg; break;
		case 't':
		case 'w':
			s = strtod(optarg, &end);
			if (*end || s <= 0 || s > 600 || (opt == 't' && s > 60)) {
				fprintf(stderr, "swapctl: patch: --%s %s: seconds, more than 0 and at "
					"most %d\n", opt == 't' ? "timeout" : "stop-wait", optarg,
					opt == 't' ? 60 : 600);
				return -1;
			}
			*(opt == 't' ? &o->timeout_ms : &o->stop_wait_ms) = (unsigned)(s * 1000);
			break;
		default: return -1;
		}
	}
	return 0;
}

static int run(struct monitor *m, const char *verb, const char *arg, char err[MONITOR_ERR_MAX])
{
	if (!strcmp(verb, "apply"))
		return monitor_apply(m, arg, err);
	if (!strcmp(verb, "rollback"))
		return monitor_rollback(m, arg, err);
	if (!strcmp(verb, "show"))
		return monitor_show(m, arg, err);
	return monitor_list(m, err);
}

int swapctl_patch(const char *socket, bool json, int argc, char **argv)
{
	struct monitor_options o = { .socket = socket, .json = json };
	static const char *const verbs[] = { "apply", "rollback", "show", "list" };
	char err[MONITOR_ERR_MAX];
	struct monitor m;
	const char *verb, *arg;
	bool known = false;
	int ret;

	if (argc < 2 || parse_options(argc - 1, argv + 1, &o))
		return usage();
	verb = argv[1];
	arg = optind + 1 < argc ? argv[optind + 1] : NULL;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		known |= !strcmp(verb, verbs[i]);
	if (!known || (strcmp(verb, "list") ? !arg || optind + 2 != argc : optind + 1 != argc))
		return usage();
	if (monitor_open(&m, &o, err)) {
		fprintf(stderr, "swapctl: patch: %s\n", err);
		return EXIT_FAILED;
	}
	ret = run(&m, verb, arg, err);
	if (ret)
		fprintf(stderr, "swapctl: patch %s: %s\n", verb, err);
	monitor_close(&m);
	return ret ? EXIT_FAILED : 0;
}
