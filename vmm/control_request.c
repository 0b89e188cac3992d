// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsing and validating control requests. Everything a client sends is
 * untrusted: each rule here answers with a message that names the command
 * and the field, and quotes what was sent, so a client author can fix the
 * request from the message alone.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sv/patch.h>
#include <sv/ring.h>

#include "control_request.h"

#define QUOTE_MAX 48 /* bytes of a quoted value inside an error message */

struct cmd_spec {
	const char *name;
	const char *args[9]; /* accepted besides "cmd" and "id"; NULL-terminated */
	int (*parse)(json_t *obj, struct control_request *req, char *err);
};

static void fail(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, CONTROL_ERROR_MAX, fmt, ap);
	va_end(ap);
}

/* The JSON text of v, ASCII-only and cut short, for quoting in a message:
 * cutting ASCII can never leave a broken UTF-8 sequence behind. */
static const char *quote(json_t *v, char buf[QUOTE_MAX])
{
	char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII);

	if (!text) {
		snprintf(buf, QUOTE_MAX, "(unprintable)");
		return buf;
	}
	if (strlen(text) < QUOTE_MAX)
		snprintf(buf, QUOTE_MAX, "%s", text);
	else
		snprintf(buf, QUOTE_MAX, "%.*s...", QUOTE_MAX - 4, text);
	free(text);
	return buf;
}

static const char *quote_str(const char *s, char buf[QUOTE_MAX])
{
	json_t *v = json_string(s);

	quote(v, buf);
	json_decref(v);
	return buf;
}

static const char *type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	default: return "null";
	}
}

/* The value of a hex digit, or -1. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" followed by 1.. hex digits whose value fits in 64 bits. Written out
 * rather than strtoull(), which also takes spaces, signs and wraps silently. */
static bool parse_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2])
		return false;
	for (s += 2; *s; s++) {
		int d = hex_digit(*s);

		if (d < 0)
			return false;
		if (v >> 60)
			return false; /* another digit would overflow */
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return true;
}

/*
 * The unsigned 64-bit argument `key`: a non-negative JSON integer, or when
 * hex_ok also a "0x..." string (JSON integers stop at 2^63 - 1).
 */
static int get_u64(json_t *obj, const char *cmd, const char *key, bool hex_ok,
		   uint64_t *out, char *err)
{
	json_t *v = json_object_get(obj, key);
	char q[QUOTE_MAX];

	if (!v) {
		fail(err, "%s: missing \"%s\"", cmd, key);
		return -1;
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (hex_ok && json_is_string(v)) {
		if (parse_hex(json_string_value(v), out))
			return 0;
		fail(err, "%s: \"%s\" must be a \"0x...\" hex string of at most 64 bits, got %s",
		     cmd, key, quote(v, q));
		return -1;
	}
	fail(err, "%s: \"%s\" must be a non-negative integer%s, got %s", cmd, key,
	     hex_ok ? " or a \"0x...\" hex string" : "", quote(v, q));
	return -1;
}

static int get_ranged(json_t *obj, const char *cmd, const char *key, bool hex_ok,
		      uint64_t min, uint64_t max, uint64_t *out, char *err)
{
	char q[QUOTE_MAX];

	if (get_u64(obj, cmd, key, hex_ok, out, err))
		return -1;
	if (*out >= min && *out <= max)
		return 0;
	fail(err, "%s: \"%s\" must be %llu..%llu, got %s", cmd, key,
	     (unsigned long long)min, (unsigned long long)max,
	     quote(json_object_get(obj, key), q));
	return -1;
}

static int get_cpu(json_t *obj, const char *cmd, struct control_request *req,
		   char *err)
{
	uint64_t cpu;

	if (get_ranged(obj, cmd, "cpu", false, 0, CONTROL_CPU_MAX - 1, &cpu, err))
		return -1;
	req->cpu = (unsigned)cpu;
	return 0;
}

static bool listed(const char *const *names, const char *key)
{
	for (; *names; names++)
		if (!strcmp(key, *names))
			return true;
	return false;
}

static int parse_none(json_t *obj, struct control_request *req, char *err)
{
	(void)obj, (void)req, (void)err;
	return 0;
}


static int parse_regs(json_t *obj, struct control_request *req, char *err)
{
	return get_cpu(obj, "regs", req, err);
}

static int parse_read_phys(json_t *obj, struct control_request *req, char *err)
{
	if (get_u64(obj, "read-phys", "addr", true, &req->addr, err) ||
	    get_ranged(obj, "read-phys", "len", true, 1, CONTROL_READ_MAX,
		       &req->len, err))
		return -1;
	if (req->addr + req->len - 1 < req->addr) {
		fail(err, "read-phys: \"addr\" 0x%llx + \"len\" %llu runs past the end of the 64-bit address space",
		     (unsigned long long)req->addr, (unsigned long long)req->len);
		return -1;
	}
	return 0;
}

static int parse_translate(json_t *obj, struct control_request *req, char *err)
{
	if (get_cpu(obj, "translate", req, err) ||
	    get_u64(obj, "translate", "vaddr", true, &req->vaddr, err))
		return -1;
	return 0;
}

static int parse_quit(json_t *obj, struct control_request *req, char *err)
{
	uint64_t status = 0;

	if (json_object_get(obj, "status") &&
	    get_ranged(obj, "quit", "status", false, 0, CONTROL_QUIT_STATUS_MAX,
		       &status, err))
		return -1;
	req->status = (int)status;
	return 0;
}

static const char *const fcm_policies[SV_FCM_POLICY_MAX] = {
	[SV_FCM_POLICY_SHARED] = "shared",
	[SV_FCM_POLICY_REPLICATED] = "replicated",
	[SV_FCM_POLICY_ADAPTIVE] = "adaptive",
};

static int parse_fcm_policy(json_t *obj, struct control_request *req, char *err)
{
	json_t *v = json_object_get(obj, "policy");
	char q[QUOTE_MAX];

	for (unsigned p = 0; json_is_string(v) && p < SV_FCM_POLICY_MAX; p++) {
		if (!strcmp(json_string_value(v), fcm_policies[p])) {
			req->policy = p;
			return 0;
		}
	}
	if (!v)
		fail(err, "fcm-policy: \"policy\" is required (shared, replicated or adaptive)");
	else
		fail(err, "fcm-policy: \"policy\" must be shared, replicated or adaptive, got %s",
		     quote(v, q));
	return -1;
}

const char *control_fcm_policy_name(unsigned policy)
{
	return policy < SV_FCM_POLICY_MAX ? fcm_policies[policy] : NULL;
}

static const char *const patch_steps[SV_PATCH_STEPS] = {
	[SV_PATCH_STEP_LOAD] = "load",
	[SV_PATCH_STEP_FACTORY] = "factory",
	[SV_PATCH_STEP_INSTANCES] = "instances",
	[SV_PATCH_STEP_OBJECT] = "object",
	[SV_PATCH_STEP_SERVICE] = "service",
	[SV_PATCH_STEP_CHECK] = "check",
	[SV_PATCH_STEP_COMMIT] = "commit",
	[SV_PATCH_STEP_UNLOAD] = "unload",
	[SV_PATCH_STEP_QUIESCE] = "quiesce",
};

const char *control_patch_step_name(unsigned step)
{
	return step < SV_PATCH_STEPS ? patch_steps[step] : NULL;
}

static int parse_step_name(json_t *obj, struct sv_patch_step_req *step, char *err)
{
	json_t *v = json_object_get(obj, "step");
	char q[QUOTE_MAX];

	for (unsigned i = 0; json_is_string(v) && i < SV_PATCH_STEPS; i++) {
		if (!strcmp(json_string_value(v), patch_steps[i])) {
			step->step = i;
			return 0;
		}
	}
	if (!v)
		fail(err, "patch-step: \"step\" is required (load, factory, instances, object, "
		     "service, check, commit or unload)");
	else
		fail(err, "patch-step: \"step\" must be load, factory, instances, object, "
		     "service, check, commit or unload, got %s", quote(v, q));
	return -1;
}

/* An argument that may be left out (then `fallback`), else as get_ranged. */
static int get_optional(json_t *obj, const char *cmd, const char *key, uint64_t max,
			uint64_t fallback, uint64_t *out, char *err)
{
	*out = fallback;
	if (!json_object_get(obj, key))
		return 0;
	return get_ranged(obj, cmd, key, true, 0, max, out, err);
}

static int parse_patch_step(json_t *obj, struct control_request *req, char *err)
{
	struct sv_patch_step_req *step = &req->step;
	json_t *revert = json_object_get(obj, "revert");
	uint64_t handle, change, first, count, timeout_ms;
	char q[QUOTE_MAX];

	if (parse_step_name(obj, step, err))
		return -1;
	if (revert && !json_is_boolean(revert)) {
		fail(err, "patch-step: \"revert\" must be true or false, got %s", quote(revert, q));
		return -1;
	}
	if (get_optional(obj, "patch-step", "handle", UINT32_MAX, 0, &handle, err) ||
	    get_optional(obj, "patch-step", "change", UINT32_MAX, 0, &change, err) ||
	    get_optional(obj, "patch-step", "first", UINT32_MAX, 0, &first, err) ||
	    get_optional(obj, "patch-step", "count", UINT32_MAX, 0, &count, err) ||
	    get_optional(obj, "patch-step", "module", UINT64_MAX, 0, &step->module, err) ||
	    get_optional(obj, "patch-step", "timeout_ms", CONTROL_STEP_TIMEOUT_MS_MAX,
			 CONTROL_STEP_TIMEOUT_MS, &timeout_ms, err))
		return -1;
	step->flags = json_is_true(revert) ? SV_PATCH_REVERT : 0;
	step->handle = (uint32_t)handle;
	step->change = (uint32_t)change;
	step->first = (uint32_t)first;
	step->count = (uint32_t)count;
	step->timeout_us = timeout_ms * 1000;
	return 0;
}

static int get_bool(json_t *obj, const char *cmd, const char *key, bool *out, char *err)
{
	json_t *v = json_object_get(obj, key);
	char q[QUOTE_MAX];

	if (v && !json_is_boolean(v)) {
		fail(err, "%s: \"%s\" must be true or false, got %s", cmd, key, quote(v, q));
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

static int parse_guest_stats(json_t *obj, struct control_request *req, char *err)
{
	return get_bool(obj, "guest-stats", "settle", &req->settle, err);
}

static int parse_pause(json_t *obj, struct control_request *req, char *err)
{
	return get_bool(obj, "pause", "regs", &req->regs, err);
}

/* A byte string as hex digits, two per byte in address order (the form
 * read-phys answers in), 1..PHYS_WRITE_LEN_MAX bytes. */
static int get_hex_bytes(json_t *obj, const char *where, const char *key, uint8_t *out,
			 unsigned *len, char *err)
{
	json_t *v = json_object_get(obj, key);
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	char q[QUOTE_MAX];

	if (!v) {
		fail(err, "%s: missing \"%s\"", where, key);
		return -1;
	}
	for (size_t i = 0; s && i < n; i++)
		if (hex_digit(s[i]) < 0)
			s = NULL;
	if (!s || n == 0 || n % 2 || n > 2 * PHYS_WRITE_LEN_MAX) {
		fail(err, "%s: \"%s\" must be 1..%u bytes as hex digits, two per byte, got %s",
		     where, key, PHYS_WRITE_LEN_MAX, quote(v, q));
		return -1;
	}
	for (size_t i = 0; i < n / 2; i++)
		out[i] = (uint8_t)(hex_digit(s[2 * i]) << 4 | hex_digit(s[2 * i + 1]));
	*len = (unsigned)(n / 2);
	return 0;
}

static const char *const write_keys[] = { "addr", "old", "new", NULL };

static int parse_write(json_t *w, unsigned i, struct phys_write *out, char *err)
{
	char where[32], q[QUOTE_MAX];
	unsigned new_len;
	const char *key;
	json_t *v;

	snprintf(where, sizeof(where), "resume: writes[%u]", i);
	if (!json_is_object(w)) {
		fail(err, "%s must be an object with \"addr\", \"old\" and \"new\", got %s",
		     where, quote(w, q));
		return -1;
	}
	json_object_foreach(w, key, v) {
		if (!listed(write_keys, key)) {
			fail(err, "%s: unknown key %s", where, quote_str(key, q));
			return -1;
		}
	}
	if (get_u64(w, where, "addr", true, &out->gpa, err) ||
	    get_hex_bytes(w, where, "old", out->old_bytes, &out->len, err) ||
	    get_hex_bytes(w, where, "new", out->new_bytes, &new_len, err))
		return -1;
	if (new_len != out->len) {
		fail(err, "%s: \"old\" has %u bytes but \"new\" has %u", where, out->len, new_len);
		return -1;
	}
	if (out->gpa + out->len - 1 < out->gpa) {
		fail(err, "%s: \"addr\" 0x%llx + %u bytes runs past the end of the 64-bit address space",
		     where, (unsigned long long)out->gpa, out->len);
		return -1;
	}
	return 0;
}

/* Two writes to one byte would make "old" of the second a guess about the
 * first; a client merges them instead. */
static int check_disjoint(const struct phys_write *w, unsigned n, char *err)
{
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = 0; j < i; j++) {
			if (w[i].gpa < w[j].gpa + w[j].len && w[j].gpa < w[i].gpa + w[i].len) {
				fail(err, "resume: writes[%u] (0x%llx, %u bytes) overlaps writes[%u] (0x%llx, %u bytes)",
				     i, (unsigned long long)w[i].gpa, w[i].len, j,
				     (unsigned long long)w[j].gpa, w[j].len);
				return -1;
			}
		}
	}
	return 0;
}

static int parse_resume(json_t *obj, struct control_request *req, char *err)
{
	json_t *writes = json_object_get(obj, "writes");
	size_t n = json_array_size(writes);
	char q[QUOTE_MAX];

	if (!writes)
		return 0;
	if (!json_is_array(writes) || n == 0 || n > CONTROL_WRITES_MAX) {
		fail(err, "resume: \"writes\" must be an array of 1..%u writes, got %s",
		     CONTROL_WRITES_MAX, quote(writes, q));
		return -1;
	}
	req->writes = calloc(n, sizeof(*req->writes));
	if (!req->writes) {
		fail(err, "resume: out of memory for %zu writes", n);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		if (parse_write(json_array_get(writes, i), i, &req->writes[i], err))
			return -1;
	req->nwrites = (unsigned)n;
	return check_disjoint(req->writes, req->nwrites, err);
}

/* [old_off, new_off, len]: three non-negative integers. */
static int parse_copy(json_t *v, size_t i, struct mirror_copy *out, char *err)
{
	uint64_t f[3] = { 0 };
	bool ok = json_array_size(v) == 3;
	char q[QUOTE_MAX];

	for (size_t k = 0; ok && k < 3; k++) {
		json_t *x = json_array_get(v, k);

		ok = json_is_integer(x) && json_integer_value(x) >= 0;
		if (ok)
			f[k] = (uint64_t)json_integer_value(x);
	}
	if (ok) {
		*out = (struct mirror_copy){ f[0], f[1], f[2] };
		return 0;
	}
	fail(err, "mirror-start: copies[%zu] must be [old_off, new_off, len], three non-negative integers, got %s",
	     i, quote(v, q));
	return -1;
}

static int parse_copies(json_t *obj, struct mirror_spec *m, char *err)
{
	json_t *copies = json_object_get(obj, "copies");
	size_t n = json_array_size(copies);
	char q[QUOTE_MAX];

	if (!copies) {
		fail(err, "mirror-start: missing \"copies\"");
		return -1;
	}
	if (!json_is_array(copies) || n == 0 || n > CONTROL_MIRROR_COPIES_MAX) {
		fail(err, "mirror-start: \"copies\" must be an array of 1..%u [old_off, new_off, len], got %s",
		     CONTROL_MIRROR_COPIES_MAX, quote(copies, q));
		return -1;
	}
	m->copies = calloc(n, sizeof(*m->copies));
	if (!m->copies) {
		fail(err, "mirror-start: out of memory for %zu copies", n);
		return -1;
	}
	m->ncopies = n;
	for (size_t i = 0; i < n; i++)
		if (parse_copy(json_array_get(copies, i), i, &m->copies[i], err))
			return -1;
	return 0;
}

static int parse_mirror_start(json_t *obj, struct control_request *req, char *err)
{
	struct mirror_spec *m = &req->mirror;
	char msg[CONTROL_ERROR_MAX];

	if (get_u64(obj, "mirror-start", "old", true, &m->old_gpa, err) ||
	    get_u64(obj, "mirror-start", "new", true, &m->new_gpa, err) ||
	    get_ranged(obj, "mirror-start", "old_size", true, 1, CONTROL_MIRROR_SIZE_MAX,
		       &m->old_size, err) ||
	    get_ranged(obj, "mirror-start", "new_size", true, 1, CONTROL_MIRROR_SIZE_MAX,
		       &m->new_size, err) ||
	    parse_copies(obj, m, err))
		return -1;
	if (mirror_spec_check(m, msg, sizeof(msg))) {
		fail(err, "mirror-start: %s", msg);
		return -1;
	}
	return 0;
}

/* A mirror by its id, or by the address of either copy (what a monitor
 * restarted from its journal knows). */
static int parse_mirror_id(json_t *obj, struct control_request *req, char *err)
{
	const char *cmd = control_cmd_name(req->cmd);
	uint64_t id;

	if (json_object_get(obj, "addr")) {
		if (json_object_get(obj, "mirror")) {
			fail(err, "%s: give \"mirror\" or \"addr\", not both", cmd);
			return -1;
		}
		req->mirror_id = 0;
		return get_u64(obj, cmd, "addr", true, &req->addr, err);
	}
	if (get_ranged(obj, cmd, "mirror", false, 1, INT32_MAX, &id, err))
		return -1;
	req->mirror_id = (unsigned)id;
	return 0;
}

static const struct cmd_spec specs[CONTROL_CMDS] = {
	[CONTROL_STATUS] = { "status", { NULL }, parse_none },
	[CONTROL_PAUSE] = { "pause", { "regs", NULL }, parse_pause },
	[CONTROL_RESUME] = { "resume", { "writes", NULL }, parse_resume },
	[CONTROL_REGS] = { "regs", { "cpu", NULL }, parse_regs },
	[CONTROL_READ_PHYS] = { "read-phys", { "addr", "len", NULL }, parse_read_phys },
	[CONTROL_TRANSLATE] = { "translate", { "cpu", "vaddr", NULL }, parse_translate },
	[CONTROL_QUIT] = { "quit", { "status", NULL }, parse_quit },
	[CONTROL_RING_ATTACH] = { "ring-attach", { NULL }, parse_none },
	[CONTROL_GUEST_STATS] = { "guest-stats", { "settle", NULL }, parse_guest_stats },
	[CONTROL_FCM_POLICY] = { "fcm-policy", { "policy", NULL }, parse_fcm_policy },
	[CONTROL_UPDATE_INFO] = { "update-info", { NULL }, parse_none },
	[CONTROL_PATCH_AREA] = { "patch-area", { NULL }, parse_none },
	[CONTROL_PATCH_STEP] = { "patch-step", { "step", "revert", "handle", "change", "first",
		"count", "module", "timeout_ms", NULL }, parse_patch_step },
	[CONTROL_MIRROR_START] = { "mirror-start", { "old", "new", "old_size", "new_size",
		"copies", NULL }, parse_mirror_start },
	[CONTROL_MIRROR_STOP] = { "mirror-stop", { "mirror", "addr", NULL }, parse_mirror_id },
	[CONTROL_MIRROR_STATS] = { "mirror-stats", { "mirror", "addr", NULL }, parse_mirror_id },
};

const char *control_cmd_name(enum control_cmd cmd)
{
	return (unsigned)cmd < CONTROL_CMDS ? specs[cmd].name : NULL;
}

static bool accepts(const struct cmd_spec *spec, const char *key)
{
	return !strcmp(key, "cmd") || !strcmp(key, "id") || listed(spec->args, key);
}

/* A typo in an argument name must not silently fall back to a default
 * (quit's status, say), so every key the command does not take is refused. */
static int check_keys(json_t *obj, const struct cmd_spec *spec, char *err)
{
	const char *key;
	json_t *v;
	char q[QUOTE_MAX];

	json_object_foreach(obj, key, v) {
		if (!accepts(spec, key)) {
			fail(err, "%s: unknown key %s", spec->name, quote_str(key, q));
			return -1;
		}
	}
	return 0;
}

static const struct cmd_spec *find_cmd(json_t *obj, struct control_request *req,
				       char *err)
{
	json_t *cmd = json_object_get(obj, "cmd");
	char q[QUOTE_MAX];

	if (!cmd) {
		fail(err, "request has no \"cmd\"");
		return NULL;
	}
	if (!json_is_string(cmd)) {
		fail(err, "\"cmd\" must be a string, got %s", quote(cmd, q));
		return NULL;
	}
	for (unsigned i = 0; i < CONTROL_CMDS; i++) {
		if (!strcmp(json_string_value(cmd), specs[i].name)) {
			req->cmd = (enum control_cmd)i;
			return &specs[i];
		}
	}
	fail(err, "unknown command %s", quote(cmd, q));
	return NULL;
}

static int parse_object(json_t *obj, struct control_request *req, char *err)
{
	const struct cmd_spec *spec;

	if (!json_is_object(obj)) {
		fail(err, "request must be a JSON object, got %s", type_name(obj));
		return -1;
	}
	req->id = json_incref(json_object_get(obj, "id"));
	spec = find_cmd(obj, req, err);
	if (!spec || check_keys(obj, spec, err))
		return -1;
	return spec->parse(obj, req, err);
}

/* jansson quotes the input near a syntax error, which may be any bytes;
 * messages end up in JSON strings, so keep them printable ASCII. */
static void make_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

int control_request_parse(const char *line, size_t len,
			  struct control_request *req, char *err)
{
	json_error_t jerr;
	json_t *obj;
	int ret;

	memset(req, 0, sizeof(*req));
	obj = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		fail(err, "malformed JSON at column %d: %s", jerr.column, jerr.text);
		ret = -1;
	} else {
		ret = parse_object(obj, req, err);
		json_decref(obj);
	}
	if (ret)
		make_printable(err);
	return ret;
}

void control_request_release(struct control_request *req)
{
	json_decref(req->id);
	req->id = NULL;
	free(req->writes);
	req->writes = NULL;
	free(req->mirror.copies);
	req->mirror.copies = NULL;
}
