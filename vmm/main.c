// SPDX-License-Identifier: GPL-2.0-only
/* swapvisor: the command line. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sv/abi.h>

#include "control.h"
#include "vm.h"

struct run_options {
	const char *kernel;
	const char *control;
	const char *console;
	struct vm_config cfg;
	char cmdline[SV_CMDLINE_MAX];
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: swapvisor run --kernel FILE.elf [--cpus N] [--mem SIZE]\n"
		"                     [--control SOCKET] [--console stdio|FILE]\n"
		"                     [--patch-key KEY.pub]... [--allow-unsigned-patches]\n"
		"                     [-- GUEST ARGS...]\n"
		"\n"
		"Boots an x86-64 ELF guest under KVM on N vCPUs (default 1) with SIZE of\n"
		"RAM (default 256M; suffixes K, M, G). --control opens the JSON control\n"
		"socket (see docs/control-protocol.md). Patch bundles applied through it\n"
		"must be signed by a --patch-key; --allow-unsigned-patches (development\n"
		"only) lets unsigned ones through. The exit status is the guest's\n"
		"(0..119), %d when the VM could not be set up, %d when the guest crashed,\n"
		"%d when the guest kernel panicked.\n",
		VM_EXIT_SETUP_ERROR, VM_EXIT_GUEST_CRASH, VM_EXIT_GUEST_PANIC);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'G': case 'g': v <<= 30; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'K': case 'k': v <<= 10; end++; break;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int join_args(char *out, int argc, char **argv)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < argc; i++) {
		int n = snprintf(out + used, SV_CMDLINE_MAX - used, "%s%s",
				 i ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= SV_CMDLINE_MAX - used) {
			fprintf(stderr, "swapvisor: guest arguments exceed %d bytes\n",
				SV_CMDLINE_MAX - 1);
			return -E2BIG;
		}
		used += (size_t)n;
	}
	return 0;
}

/* A key file the monitor cannot read later would make every signed bundle
 * fail at apply time: say so at start instead. */
static int add_patch_key(struct patch_trust *t, const char *path)
{
	if (t->nkeys == PATCH_TRUST_KEYS_MAX) {
		fprintf(stderr, "swapvisor: at most %d --patch-key files\n", PATCH_TRUST_KEYS_MAX);
		return -1;
	}
	if (access(path, R_OK)) {
		fprintf(stderr, "swapvisor: --patch-key %s: %s\n", path, strerror(errno));
		return -1;
	}
	t->key_files[t->nkeys++] = path;
	return 0;
}

static int parse_run(int argc, char **argv, struct run_options *o)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "control", required_argument, NULL, 's' },
		{ "console", required_argument, NULL, 'o' },
		{ "patch-key", required_argument, NULL, 'p' },
		{ "allow-unsigned-patches", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	o->cfg.ncpus = 1;
	o->cfg.mem_size = 256ull << 20;
	while ((opt = getopt_long(argc, argv, "k:c:m:s:o:p:Uh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'k': o->kernel = optarg; break;
		case 's': o->control = optarg; break;
		case 'o': o->console = optarg; break;
		case 'p':
			if (add_patch_key(&o->cfg.trust, optarg))
				return -EINVAL;
			break;
		case 'U': o->cfg.trust.allow_unsigned = true; break;
		case 'c': o->cfg.ncpus = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'm':
			if (parse_size(optarg, &o->cfg.mem_size)) {
				fprintf(stderr, "swapvisor: --mem %s: not a size\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (!o->kernel) {
		fprintf(stderr, "swapvisor: --kernel FILE.elf is required\n");
		return -EINVAL;
	}
	return join_args(o->cmdline, argc - optind, argv + optind);
}

static FILE *open_console(const char *spec)
{
	FILE *f;

	if (!spec || !strcmp(spec, "stdio"))
		return stdout;
	f = fopen(spec, "w");
	if (!f)
		fprintf(stderr, "swapvisor: --console %s: %s\n", spec, strerror(errno));
	return f;
}

/* SIGINT and SIGTERM stop the VM cleanly from a thread of their own. */
static void *signal_thread(void *arg)
{
	struct vm *vm = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigwait(&set, &sig) == 0)
		vm_stop(vm, 128 + sig);
	return NULL;
}

static int run(struct run_options *o)
{
	struct control *control = NULL;
	struct vm *vm;
	pthread_t sig_thread;
	int status;

	o->cfg.console = open_console(o->console);
	if (!o->cfg.console || vm_create(&vm, &o->cfg))
		return VM_EXIT_SETUP_ERROR;
	if (vm_load_kernel(vm, o->kernel, o->cmdline) ||
	    (o->control && control_start(vm, o->control, &control)) ||
	    vm_start(vm)) {
		control_stop(control);
		vm_destroy(vm);
		return VM_EXIT_SETUP_ERROR;
	}
	pthread_create(&sig_thread, NULL, signal_thread, vm);
	pthread_detach(sig_thread);
	status = vm_wait(vm);
	control_stop(control);
	if (atomic_load(&vm->bad_hypercalls))
		fprintf(stderr, "swapvisor: refused %llu hypercalls with bad arguments\n",
			(unsigned long long)atomic_load(&vm->bad_hypercalls));
	vm_destroy(vm);
	fflush(o->cfg.console);
	return status;
}

int main(int argc, char **argv)
{
	struct run_options opts = { 0 };
	sigset_t set;

	if (argc < 2 || strcmp(argv[1], "run")) {
		usage(argc < 2 ? stderr : (strcmp(argv[1], "--help") ? stderr : stdout));
		return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : VM_EXIT_SETUP_ERROR;
	}
	/* Blocked in every thread; signal_thread takes them with sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (parse_run(argc - 1, argv + 1, &opts))
		return VM_EXIT_SETUP_ERROR;
	return run(&opts);
}
