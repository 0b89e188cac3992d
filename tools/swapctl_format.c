// SPDX-License-Identifier: GPL-2.0-only
/*
 * Human-readable output of swapctl. Fields the VMM did not send print as
 * "?" rather than failing: an older or newer VMM still gets a readable
 * answer, and --json is there for exact output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swapctl_format.h"

/* A "0x..." field as a number; *ok says whether it was there. */
static uint64_t hex_field(json_t *obj, const char *key, int *ok)
{
	const char *s = json_string_value(json_object_get(obj, key));

	*ok = s != NULL;
	return s ? strtoull(s, NULL, 16) : 0;
}

static long long int_field(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

static void print_cpu_row(json_t *cpu, json_t *names, FILE *out)
{
	json_t *exits = json_object_get(cpu, "exits");
	const char *state = json_string_value(json_object_get(cpu, "state"));
	const char *rip = json_string_value(json_object_get(cpu, "rip"));
	size_t i;
	json_t *name;

	fprintf(out, "%-4lld %-9s %-20s", int_field(cpu, "cpu"), state ? state : "?",
		rip ? rip : "?");
	json_array_foreach(names, i, name) {
		const char *n = json_string_value(name);
		int width = (int)strlen(n) > 6 ? (int)strlen(n) : 6;

		fprintf(out, " %*lld", width, int_field(exits, n));
	}
	fputc('\n', out);
}

/* The exit columns are whatever the VMM counts, in the order it sends. */
static json_t *exit_names(json_t *cpus)
{
	json_t *names = json_array();
	json_t *exits = json_object_get(json_array_get(cpus, 0), "exits");
	const char *key;
	json_t *v;

	json_object_foreach(exits, key, v)
		json_array_append_new(names, json_string(key));
	return names;
}

static void format_status(json_t *resp, FILE *out)
{
	json_t *cpus = json_object_get(resp, "cpus");
	json_t *names = exit_names(cpus);
	size_t i;
	json_t *v;

	fprintf(out, "up %.3f s, RAM %lld MiB, %zu vCPUs, %s, %lld bad hypercalls\n",
		(double)int_field(resp, "uptime_ns") / 1e9,
		int_field(resp, "ram_size") >> 20, json_array_size(cpus),
		json_is_true(json_object_get(resp, "paused")) ? "paused" : "not paused",
		int_field(resp, "bad_hypercalls"));
	fprintf(out, "cpu  %-9s %-20s", "state", "rip");
	json_array_foreach(names, i, v) {
		int width = (int)strlen(json_string_value(v));

		fprintf(out, " %*s", width > 6 ? width : 6, json_string_value(v));
	}
	fputc('\n', out);
	json_array_foreach(cpus, i, v)
		print_cpu_row(v, names, out);
	json_decref(names);
}

static void format_regs(json_t *resp, FILE *out)
{
	static const char *const rows[][4] = {
		{ "rax", "rbx", "rcx", "rdx" }, { "rsi", "rdi", "rsp", "rbp" },
		{ "r8", "r9", "r10", "r11" },   { "r12", "r13", "r14", "r15" },
		{ "rip", "rflags", NULL },      { "cr0", "cr2", "cr3", "cr4" },
		{ "efer", NULL },
	};
	json_t *regs = json_object_get(resp, "regs");

	fprintf(out, "cpu %lld%s\n", int_field(resp, "cpu"),
		json_is_true(json_object_get(resp, "paused_briefly")) ?
			" (paused briefly to read)" : "");
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		for (size_t c = 0; c < 4 && rows[r][c]; c++) {
			int ok;
			uint64_t v = hex_field(regs, rows[r][c], &ok);

			fprintf(out, "%s%-6s ", c ? "  " : "", rows[r][c]);
			if (ok)
				fprintf(out, "%016llx", (unsigned long long)v);
			else
				fprintf(out, "%16s", "?");
		}
		fputc('\n', out);
	}
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0;
}

/* One line of the dump: address, up to 16 bytes in hex, then as text. */
static void dump_line(uint64_t addr, const char *hex, size_t n, FILE *out)
{
	char text[17];

	fprintf(out, "%016llx ", (unsigned long long)addr);
	for (size_t i = 0; i < 16; i++) {
		if (i == 8)
			fputc(' ', out);
		if (i >= n) {
			fputs("   ", out);
			continue;
		}
		int b = nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]);

		fprintf(out, " %02x", b);
		text[i] = b >= 0x20 && b < 0x7f ? (char)b : '.';
	}
	text[n] = '\0';
	fprintf(out, "  |%s|\n", text);
}

static void format_read_phys(json_t *resp, FILE *out)
{
	int ok;
	uint64_t addr = hex_field(resp, "addr", &ok);
	const char *data = json_string_value(json_object_get(resp, "data"));
	size_t len = data ? strlen(data) / 2 : 0;

	for (size_t off = 0; off < len; off += 16)
		dump_line(addr + off, data + 2 * off, len - off < 16 ? len - off : 16, out);
}

static void format_translate(json_t *resp, FILE *out)
{
	const char *va = json_string_value(json_object_get(resp, "vaddr"));
	const char *pa = json_string_value(json_object_get(resp, "paddr"));

	fprintf(out, "%s -> %s\n", va ? va : "?", pa ? pa : "?");
}

static void format_pause(json_t *resp, FILE *out)
{
	fprintf(out, "paused in %.1f us\n", (double)int_field(resp, "pause_ns") / 1e3);
}

static void format_resume(json_t *resp, FILE *out)
{
	if (json_is_true(json_object_get(resp, "paused")))
		fputs("released this pause; another pause still holds the VM\n", out);
	else
		fputs("resumed\n", out);
}

static void format_quit(json_t *resp, FILE *out)
{
	fprintf(out, "the VM stops with status %lld\n", int_field(resp, "status"));
}

/* A group's numbers on one line ("ring: served 12, refused 0"), so the
 * guest's statistics read at a glance; strings print as they are. */
static void format_stats_group(const char *name, json_t *group, FILE *out)
{
	const char *key;
	json_t *v;
	const char *sep = "";

	fprintf(out, "%s:", name);
	json_object_foreach(group, key, v) {
		fprintf(out, "%s %s ", sep, key);
		if (json_is_string(v))
			fputs(json_string_value(v), out);
		else
			json_dumpf(v, out, JSON_ENCODE_ANY | JSON_COMPACT);
		sep = ",";
	}
	fputc('\n', out);
}

static void format_guest_stats(json_t *resp, FILE *out)
{
	const char *name;
	json_t *group;

	json_object_foreach(json_object_get(resp, "stats"), name, group)
		format_stats_group(name, group, out);
}

static void format_fcm_policy(json_t *resp, FILE *out)
{
	fprintf(out, "the guest's files use %s FCMs\n",
		json_string_value(json_object_get(resp, "policy")));
}

static const char *str_field(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "?";
}

/* What runs in the guest at which version, a line each, so a version
 * that an update or a rollback changed stands out. */
static void format_update_info(json_t *resp, FILE *out)
{
	json_t *info = json_object_get(resp, "info");
	json_t *services = json_object_get(info, "services");
	json_t *modules = json_object_get(info, "modules");
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(info, "classes"), i, v)
		fprintf(out, "class   %-24s version %lld, %lld instances\n", str_field(v, "name"),
			int_field(v, "version"), int_field(v, "instances"));
	json_array_foreach(json_object_get(info, "objects"), i, v)
		fprintf(out, "object  %-24s version %lld\n", str_field(v, "name"),
			int_field(v, "version"));
	json_array_foreach(services, i, v)
		fprintf(out, "service %-24s patched in\n", json_is_string(v) ? json_string_value(v) : "?");
	if (!json_array_size(services))
		fputs("no services patched in\n", out);
	json_array_foreach(modules, i, v)
		fprintf(out, "module  %-24s version %lld, %s (handle %lld)\n", str_field(v, "id"),
			int_field(v, "version"), str_field(v, "state"), int_field(v, "handle"));
	if (!json_array_size(modules))
		fputs("no patch modules loaded\n", out);
	fprintf(out, "free pages %lld\n", int_field(info, "free_pages"));
}

void swapctl_format(const char *cmd, json_t *resp, FILE *out)
{
	static const struct {
		const char *cmd;
		void (*fn)(json_t *resp, FILE *out);
	} formats[] = {
		{ "status", format_status },       { "regs", format_regs },
		{ "read-phys", format_read_phys }, { "translate", format_translate },
		{ "pause", format_pause },         { "resume", format_resume },
		{ "quit", format_quit },
		{ "guest-stats", format_guest_stats }, { "fcm-policy", format_fcm_policy },
		{ "update-info", format_update_info },
	};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (!strcmp(cmd, formats[i].cmd)) {
			formats[i].fn(resp, out);
			return;
		}
	}
	json_dumpf(resp, out, JSON_INDENT(2));
	fputc('\n', out);
}
