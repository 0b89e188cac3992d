// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadgen: attaches to a running swapvisor's request queues and drives the
 * guest's services with a verified workload (options.c says which).
 * A first SIGINT/SIGTERM ends the measured phase (the mix then deletes
 * its files), a second stops submitting at once; the report covers what
 * was done.
 * A SIGKILLed run leaves requests posted: the next run's ring_client_init
 * waits them out.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "options.h"
#include "report.h"
#include "ring_attach.h"

#define EXIT_WRONG 1
#define EXIT_ATTACH 3

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = stop_requested < 2 ? stop_requested + 1 : 2;
}

/* No SA_RESTART: the engine's poll returns at once. */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int adopt_queues(const struct ring_attachment *a, struct ring_client *clients,
			int timeout_ms)
{
	for (unsigned q = 0; q < a->queues; q++) {
		char msg[RING_CLIENT_MSG_MAX];

		if (ring_client_init(&clients[q], ring_attachment_queue(a, q), q, a->kick_fd[q],
				     a->call_fd[q], timeout_ms, msg)) {
			fprintf(stderr, "loadgen: %s\n", msg);
			return -1;
		}
	}
	return 0;
}

static int write_json(const struct lg_options *o, const struct lg_report_input *in)
{
	json_t *doc = lg_report_json(in);
	int ret = !strcmp(o->json_path, "-") ?
		  json_dumpf(doc, stdout, JSON_INDENT(1)) :
		  json_dump_file(doc, o->json_path, JSON_INDENT(1));

	if (!strcmp(o->json_path, "-"))
		putchar('\n');
	json_decref(doc);
	if (ret)
		fprintf(stderr, "loadgen: could not write the JSON report to %s\n", o->json_path);
	return ret;
}

static void report(const struct lg_options *o, unsigned queues, const struct lg_stats *stats,
		   const struct ring_client *clients)
{
	struct lg_report_input in = { .opts = o, .queues = queues, .stats = stats,
				      .interrupted = stop_requested };

	for (unsigned q = 0; q < queues; q++) {
		in.ring.kicks += clients[q].stats.kicks;
		in.ring.kicks_saved += clients[q].stats.kicks_saved;
		in.ring.stale_drained += clients[q].stats.stale_drained;
		in.ring.abandoned_late += clients[q].stats.abandoned_late;
	}
	/* With --json -, stdout is the JSON's alone. */
	lg_report_human(&in, o->json_path && !strcmp(o->json_path, "-") ? stderr : stdout);
	if (o->json_path)
		write_json(o, &in);
}

int main(int argc, char **argv)
{
	static struct ring_client clients[SV_RING_QUEUES_MAX];
	struct lg_options o;
	struct ring_attachment a;
	struct lg_stats stats;
	char msg[RING_ATTACH_MSG_MAX], run_id[64];
	int status;

	lg_parse_options(argc, argv, &o);
	catch_stop_signals();
	if (ring_attach(o.socket, &a, msg)) {
		fprintf(stderr, "loadgen: %s\n", msg);
		return EXIT_ATTACH;
	}
	if (adopt_queues(&a, clients, (int)o.lost_after_ms)) {
		ring_detach(&a);
		return EXIT_ATTACH;
	}
	snprintf(run_id, sizeof(run_id), "%llu-%d", (unsigned long long)o.seed, (int)getpid());
	struct lg_engine_config cfg = {
		.mix = { .kind = o.mix, .queues = a.queues, .concurrency = o.concurrency,
			 .files = o.files, .requests = o.requests, .seed = o.seed,
			 .run_id = run_id },
		.rate = o.rate, .lost_after_ms = o.lost_after_ms, .timeout_ms = o.timeout_ms,
		.window_ms = o.window_ms, .stop = &stop_requested,
	};
	if (lg_run(&cfg, clients, &stats, msg)) {
		fprintf(stderr, "loadgen: %s\n", msg);
		ring_detach(&a);
		return EXIT_ATTACH;
	}
	report(&o, a.queues, &stats, clients);
	status = stats.counts.lost || stats.counts.wrong ? EXIT_WRONG : 0;
	lg_stats_free(&stats);
	ring_detach(&a);
	return status;
}
