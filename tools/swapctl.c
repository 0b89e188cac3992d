// SPDX-License-Identifier: GPL-2.0-only
/*
 * swapctl: the command-line client of swapvisor's control socket. It sends
 * one JSON request per command over one connection and prints each answer.
 * A pause belongs to its connection (the VMM releases it when the client
 * goes away), so commands that should see a paused guest go in the same
 * invocation: `swapctl -s S pause regs 0 resume`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "swapctl_format.h"
#include "swapctl_patch.h"

#define EXIT_ERROR_RESPONSE 1
#define EXIT_USAGE 2
#define RESPONSE_MAX (1u << 20)  /* the largest (read-phys) is ~128 KiB */
#define RESPONSE_TIMEOUT_S 60    /* a pause under nested TCG can be slow */
#define STR_(x) #x
#define STR(x) STR_(x)

static const char usage_text[] =
	"usage: swapctl -s SOCKET [--json] COMMAND [ARGS] [COMMAND [ARGS]]...\n"
	"\n"
	"Talks to a running swapvisor through its control socket\n"
	"(swapvisor run --control SOCKET). Commands run in order over one\n"
	"connection; swapctl stops at the first one that fails.\n"
	"\n"
	"commands:\n"
	"  status                every vCPU's state, last exit rip and exit counts\n"
	"  pause                 stop every vCPU\n"
	"  resume                release a pause taken earlier in this invocation\n"
	"  regs CPU              registers of vCPU CPU (paused briefly if running)\n"
	"  read-phys ADDR LEN    hex dump of LEN (1..65536) bytes of guest RAM\n"
	"  translate CPU VADDR   guest virtual to physical through CPU's page tables\n"
	"  quit [STATUS]         stop the VM; swapvisor exits with STATUS (0..119)\n"
	"  guest-stats           the guest services' statistics (request ring, file\n"
	"                        system, FCMs and their autonomic swaps)\n"
	"  update-info           the guest's classes, named objects, services and\n"
	"                        patch modules, with their versions\n"
	"  fcm-policy POLICY     shared, replicated or adaptive: the file cache\n"
	"                        managers every file uses from now on\n"
	"  patch apply FILE.svp [--dry-run] [--timeout SECONDS]\n"
	"  patch list | show ID | rollback ID\n"
	"                        the patch monitor (must be the only command;\n"
	"                        docs/patch-bundles.md)\n"
	"\n"
	"Numbers are decimal or 0x-prefixed hex. A pause lasts as long as the\n"
	"connection: `swapctl -s S pause regs 0 read-phys 0x1000 64 resume` looks\n"
	"at a stopped guest. If the commands end with a pause still held, swapctl\n"
	"keeps it until Enter, end of input or Ctrl-C.\n"
	"\n"
	"options:\n"
	"  -s, --socket SOCKET   the control socket (required)\n"
	"  -j, --json            print each raw JSON response line instead\n"
	"  -h, --help            this text\n"
	"\n"
	"exit status: 0 all commands succeeded, 1 the VMM answered an error\n"
	"(printed to stderr), 2 usage or connection error.\n"
	"The protocol is described in docs/control-protocol.md.\n";

struct command {
	const char *name;
	const char *args[2]; /* argument names, for messages; NULL-terminated */
	unsigned optional;   /* how many trailing arguments may be left out */
	/* Sets the request's arguments from argv; false on a bad number. */
	bool (*build)(json_t *req, char **argv);
};

static void usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("swapctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(swapctl --help for usage)\n", stderr);
	exit(EXIT_USAGE);
}

/* A decimal or 0x-hex number that fits in 64 bits, nothing else. */
static uint64_t number(const char *name, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || *s == '-' || *s == '+' || *s == ' ' || errno)
		usage_error("%s must be a decimal or 0x-hex number of at most 64 bits, got \"%s\"",
			    name, s);
	return v;
}

/* Small numbers go out as JSON integers, addresses as "0x..." strings,
 * which carry all 64 bits. */
static json_t *small(const char *name, const char *s)
{
	uint64_t v = number(name, s);

	if (v > INT64_MAX)
		usage_error("%s is far too large: \"%s\"", name, s);
	return json_integer((json_int_t)v);
}

static json_t *address(const char *name, const char *s)
{
	return json_sprintf("0x%llx", (unsigned long long)number(name, s));
}

static bool build_none(json_t *req, char **argv)
{
	(void)req, (void)argv;
	return true;
}

static bool build_regs(json_t *req, char **argv)
{
	return !json_object_set_new(req, "cpu", small("CPU", argv[0]));
}

static bool build_read_phys(json_t *req, char **argv)
{
	return !json_object_set_new(req, "addr", address("ADDR", argv[0])) &&
	       !json_object_set_new(req, "len", small("LEN", argv[1]));
}

static bool build_translate(json_t *req, char **argv)
{
	return !json_object_set_new(req, "cpu", small("CPU", argv[0])) &&
	       !json_object_set_new(req, "vaddr", address("VADDR", argv[1]));
}

static bool build_quit(json_t *req, char **argv)
{
	return !argv[0] || !json_object_set_new(req, "status",
						small("STATUS", argv[0]));
}

static bool build_fcm_policy(json_t *req, char **argv)
{
	return !json_object_set_new(req, "policy", json_string(argv[0]));
}

static const struct command commands[] = {
	{ "status", { NULL }, 0, build_none },
	{ "pause", { NULL }, 0, build_none },
	{ "resume", { NULL }, 0, build_none },
	{ "regs", { "CPU", NULL }, 0, build_regs },
	{ "read-phys", { "ADDR", "LEN" }, 0, build_read_phys },
	{ "translate", { "CPU", "VADDR" }, 0, build_translate },
	{ "quit", { "STATUS", NULL }, 1, build_quit },
	{ "guest-stats", { NULL }, 0, build_none },
	{ "update-info", { NULL }, 0, build_none },
	{ "fcm-policy", { "POLICY", NULL }, 0, build_fcm_policy },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	usage_error("unknown command \"%s\"", name);
}

static unsigned arity(const struct command *c)
{
	return c->args[0] ? (c->args[1] ? 2 : 1) : 0;
}

static bool is_command(const char *word)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, word))
			return true;
	return false;
}

/* ---- requests -------------------------------------------------------- */

struct step {
	const struct command *cmd;
	json_t *req;
};

/* Turns the command words into requests before connecting, so that a typo
 * late in the line does not leave half the commands executed. */
static size_t build_steps(int argc, char **argv, struct step *steps)
{
	size_t n = 0;

	for (int i = 0; i < argc; n++) {
		const struct command *c = find_command(argv[i++]);
		unsigned want = arity(c), have = 0;
		char *args[3] = { NULL, NULL, NULL };

		while (have < want && i < argc && !(have >= want - c->optional && is_command(argv[i])))
			args[have++] = argv[i++];
		if (have < want - c->optional)
			usage_error("%s: missing %s", c->name, c->args[have]);
		steps[n].cmd = c;
		steps[n].req = json_pack("{s:s, s:I}", "cmd", c->name, "id", (json_int_t)n);
		if (!steps[n].req || !c->build(steps[n].req, args)) {
			fprintf(stderr, "swapctl: out of memory\n");
			exit(EXIT_USAGE);
		}
	}
	return n;
}

/* ---- the connection -------------------------------------------------- */

struct conn {
	const char *path;
	int fd;
	char *buf;       /* received bytes */
	size_t len;
	size_t consumed; /* of buf, by the line returned last */
};

static __attribute__((noreturn)) void conn_fail(const struct conn *c, const char *what)
{
	fprintf(stderr, "swapctl: %s: %s%s%s\n", c->path, what, errno ? ": " : "",
		errno ? strerror(errno) : "");
	exit(EXIT_USAGE);
}

static void conn_open(struct conn *c, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = RESPONSE_TIMEOUT_S };

	*c = (struct conn){ .path = path, .fd = -1 };
	errno = 0;
	if (strlen(path) >= sizeof(addr.sun_path))
		conn_fail(c, "socket path too long");
	memcpy(addr.sun_path, path, strlen(path));
	c->buf = malloc(RESPONSE_MAX);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!c->buf || c->fd < 0)
		conn_fail(c, "socket");
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		conn_fail(c, "connect");
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void conn_send(struct conn *c, json_t *req)
{
	char *text = json_dumps(req, JSON_COMPACT);
	size_t len = text ? strlen(text) : 0;

	errno = 0;
	if (!text)
		conn_fail(c, "encoding the request");
	text[len] = '\n'; /* replaces the NUL: the line is sent by length */
	for (size_t off = 0; off <= len;) {
		ssize_t n = send(c->fd, text + off, len + 1 - off, MSG_NOSIGNAL);

		if (n < 0 && errno != EINTR)
			conn_fail(c, "sending the request");
		off += n > 0 ? (size_t)n : 0;
	}
	free(text);
}

/* Returns the next response line, NUL-terminated in place of its '\n';
 * valid until the next call. */
static char *conn_receive(struct conn *c, size_t *line_len)
{
	char *nl;

	memmove(c->buf, c->buf + c->consumed, c->len - c->consumed);
	c->len -= c->consumed;
	c->consumed = 0;
	while (!(nl = memchr(c->buf, '\n', c->len))) {
		ssize_t n;

		errno = 0;
		if (c->len == RESPONSE_MAX)
			conn_fail(c, "response line too long");
		n = recv(c->fd, c->buf + c->len, RESPONSE_MAX - c->len, 0);
		if (n == 0)
			conn_fail(c, "the VMM closed the connection before answering");
		if (n < 0 && errno == EAGAIN)
			conn_fail(c, "no response within " STR(RESPONSE_TIMEOUT_S) " s");
		if (n < 0 && errno != EINTR)
			conn_fail(c, "receiving the response");
		c->len += n > 0 ? (size_t)n : 0;
	}
	*nl = '\0';
	*line_len = (size_t)(nl - c->buf);
	c->consumed = *line_len + 1;
	return c->buf;
}

/* ---- running the commands ------------------------------------------- */

/* Sends one request and prints its answer; returns whether it succeeded. */
static bool run_step(struct conn *c, const struct step *s, bool raw)
{
	size_t len;
	char *line;
	json_error_t jerr;
	json_t *resp;
	bool ok;

	conn_send(c, s->req);
	line = conn_receive(c, &len);
	resp = json_loadb(line, len, 0, &jerr);
	errno = 0;
	if (!json_is_object(resp))
		conn_fail(c, "the response is not a JSON object");
	if (!json_equal(json_object_get(resp, "id"), json_object_get(s->req, "id")))
		conn_fail(c, "the response does not answer the request (\"id\" differs)");
	ok = json_is_true(json_object_get(resp, "ok"));
	if (raw)
		printf("%s\n", line);
	if (ok && !raw)
		swapctl_format(s->cmd->name, resp, stdout);
	if (!ok) {
		const char *msg = json_string_value(json_object_get(resp, "error"));

		/* The VMM's messages already name the command and the field. */
		fprintf(stderr, "swapctl: %s\n", msg ? msg : "the VMM answered an error");
	}
	json_decref(resp);
	fflush(stdout);
	return ok;
}

/* Closing the connection would release the pause at once, which is never
 * what a trailing "pause" means: hold it until the user lets go. */
static void hold_pause(void)
{
	int ch;

	fprintf(stderr, "swapctl: the VM stays paused until Enter, end of input or Ctrl-C\n");
	while ((ch = getchar()) != EOF && ch != '\n')
		;
}

static int run(const char *path, struct step *steps, size_t n, bool raw)
{
	struct conn c;
	int held = 0, status = 0;

	conn_open(&c, path);
	for (size_t i = 0; i < n && !status; i++) {
		if (!run_step(&c, &steps[i], raw))
			status = EXIT_ERROR_RESPONSE;
		else if (!strcmp(steps[i].cmd->name, "pause"))
			held++;
		else if (!strcmp(steps[i].cmd->name, "resume"))
			held--;
	}
	if (!status && held > 0)
		hold_pause();
	close(c.fd);
	free(c.buf);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	bool raw = false;
	int opt;

	/* '+': options end at the first command word. */
	while ((opt = getopt_long(argc, argv, "+s:jh", options, NULL)) != -1) {
		switch (opt) {
		case 's': path = optarg; break;
		case 'j': raw = true; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return EXIT_USAGE;
		}
	}
	if (!path)
		usage_error("%s", "no control socket given (-s SOCKET)");
	if (optind == argc)
		usage_error("%s", "no command given");
	if (!strcmp(argv[optind], "patch"))
		return swapctl_patch(path, raw, argc - optind, argv + optind);

	struct step *steps = calloc((size_t)(argc - optind), sizeof(*steps));

	if (!steps)
		return EXIT_USAGE;
	size_t n = build_steps(argc - optind, argv + optind, steps);
	int status = run(path, steps, n, raw);

	for (size_t i = 0; i < n; i++)
		json_decref(steps[i].req);
	free(steps);
	return status;
}
