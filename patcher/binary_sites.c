// SPDX-License-Identifier: GPL-2.0-only
/*
 * Function replacements as patch sites, and back from the journal
 * (binary_sites.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "binary_sites.h"
#include "control_client.h"
#include "site_plan.h"

static json_t *hex_addr(uint64_t v)
{
	return json_sprintf("0x%llx", (unsigned long long)v);
}

static json_t *hex_bytes(const uint8_t *bytes, size_t len)
{
	char text[2 * WORLD_WRITE_MAX + 1];

	sodium_bin2hex(text, sizeof(text), bytes, len);
	return json_string(text);
}

static json_t *site_record(const struct bundle_function *f, const struct site_plan *plan,
			   const struct patch_symbol *repl)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
			 "function", f->rec.name, "entry", hex_addr(plan->entry),
			 "old", hex_bytes(plan->old_bytes, SITE_JMP_LEN),
			 "new", hex_bytes(plan->new_bytes, SITE_JMP_LEN),
			 "start", hex_addr(plan->entry), "end", hex_addr(plan->entry + plan->size),
			 "replacement", hex_addr(repl->addr),
			 "replacement_end", hex_addr(repl->addr + repl->size),
			 "may_finish", (f->rec.flags & SV_PATCH_FN_OLD_MAY_FINISH) != 0);
}

/* Plans one function's site; -1 with err when it cannot take the jump. */
static int plan_one(const struct bundle *b, const struct bundle_function *f, const struct guest_image *g,
		    const struct patch_image *img, struct site_plan *plan, char err[BINARY_ERR_MAX])
{
	const struct patch_symbol *repl = patch_image_symbol(img, f->replacement);
	struct guest_function code;
	int ret;

	if (!repl || !repl->func) {
		snprintf(err, BINARY_ERR_MAX, "%s: the replacement of %s, %s, is not a function of "
			 "the bundle", b->path, f->rec.name, f->replacement);
		return -1;
	}
	if (guest_image_function(g, f->rec.name, &code, err, BINARY_ERR_MAX))
		return -1;
	ret = site_plan_function(&(struct site_function){ f->rec.name, code.addr, code.bytes,
							   code.size }, repl->addr, plan);
	guest_function_free(&code);
	if (ret)
		snprintf(err, BINARY_ERR_MAX, "%s", plan->reason);
	else if (plan->verdict == SITE_TRAMPOLINE)
		snprintf(err, BINARY_ERR_MAX, "function %s: its replacement at 0x%llx is beyond "
			 "rel32 of its entry 0x%llx, and the monitor places no trampolines",
			 f->rec.name, (unsigned long long)repl->addr,
			 (unsigned long long)plan->entry);
	return ret || plan->verdict != SITE_DIRECT ? -1 : 0;
}

json_t *binary_sites_plan(const struct bundle *b, const struct guest_image *g,
			  const struct patch_image *img, json_t *lines, char err[BINARY_ERR_MAX])
{
	json_t *sites = json_array();

	for (size_t i = 0; i < b->nfunctions; i++) {
		const struct bundle_function *f = &b->functions[i];
		struct site_plan plan;
		char line[SITE_REASON_MAX + SITE_HEAD_MAX];

		if (plan_one(b, f, g, img, &plan, err)) {
			json_decref(sites);
			return NULL;
		}
		json_array_append_new(sites, site_record(f, &plan,
							 patch_image_symbol(img, f->replacement)));
		if (lines) {
			site_plan_line(&plan, line, sizeof(line));
			json_array_append_new(lines, json_string(line));
		}
	}
	return sites;
}

int binary_callers_plan(const struct bundle *b, const struct guest_image *g, json_t *sites,
			json_t *lines, char err[BINARY_ERR_MAX])
{
	for (size_t i = 0; i < b->ncallers; i++) {
		const char *name = b->callers[i].name;
		struct guest_function code;

		if (guest_image_function(g, name, &code, err, BINARY_ERR_MAX))
			return -1;
		json_array_append_new(sites, json_pack("{s:s, s:b, s:o, s:o}", "function", name,
						       "caller", 1, "start", hex_addr(code.addr),
						       "end", hex_addr(code.addr + code.size)));
		if (lines)
			json_array_append_new(lines, json_sprintf("function %s at 0x%llx (%zu bytes)",
				name, (unsigned long long)code.addr, code.size));
		guest_function_free(&code);
	}
	return 0;
}

static int read_bytes(json_t *site, const char *key, uint8_t *out, size_t *len)
{
	const char *text = json_string_value(json_object_get(site, key));

	return !text || sodium_hex2bin(out, WORLD_WRITE_MAX, text, strlen(text), NULL, len, NULL) ||
		       !*len ? -1 : 0;
}

static int read_site(json_t *site, bool revert, struct qs_function *fn, struct world_write *w)
{
	unsigned long long entry, start, end;
	size_t old_len, new_len;
	const char *sides[2][2] = { { "start", "end" }, { "replacement", "replacement_end" } };

	fn->name = json_string_value(json_object_get(site, "function"));
	w->function = fn->name;
	if (!fn->name || control_answer_hex(site, "entry", &entry) ||
	    control_answer_hex(site, sides[revert][0], &start) ||
	    control_answer_hex(site, sides[revert][1], &end) || start >= end ||
	    read_bytes(site, revert ? "new" : "old", w->old, &old_len) ||
	    read_bytes(site, revert ? "old" : "new", w->new, &new_len) || old_len != new_len)
		return -1;
	fn->start = start;
	fn->end = end;
	w->gva = entry;
	w->len = old_len;
	return 0;
}

/* A caller's record: only its range, checked both ways. */
static int read_caller(json_t *site, struct qs_function *fn)
{
	unsigned long long start, end;

	fn->name = json_string_value(json_object_get(site, "function"));
	if (!fn->name || control_answer_hex(site, "start", &start) ||
	    control_answer_hex(site, "end", &end) || start >= end)
		return -1;
	fn->start = start;
	fn->end = end;
	return 0;
}

int binary_stop_of(json_t *sites, bool revert, struct binary_stop *out, char err[BINARY_ERR_MAX])
{
	size_t n = json_array_size(sites), i;
	json_t *site;

	*out = (struct binary_stop){ calloc(n + 1, sizeof(*out->fns)),
				     calloc(n + 1, sizeof(*out->writes)), 0, 0 };
	if (!out->fns || !out->writes) {
		snprintf(err, BINARY_ERR_MAX, "out of memory for %zu patch sites", n);
		return -1;
	}
	json_array_foreach(sites, i, site) {
		struct qs_function fn = { 0 };

		if (json_is_true(json_object_get(site, "caller"))) {
			if (read_caller(site, &fn)) {
				snprintf(err, BINARY_ERR_MAX, "the journal's caller %zu is malformed", i);
				return -1;
			}
			out->fns[out->nfns++] = fn;
			continue;
		}
		if (read_site(site, revert, &fn, &out->writes[out->nwrites])) {
			snprintf(err, BINARY_ERR_MAX, "the journal's patch site %zu is malformed", i);
			return -1;
		}
		out->nwrites++;
		/* Reverting, every replacement must be left; applying, an old
		 * body the bundle lets finish (it runs on a mirrored copy) may
		 * still be running, in any thread but a daemon. */
		fn.daemons_only = !revert && json_is_true(json_object_get(site, "may_finish"));
		out->fns[out->nfns++] = fn;
	}
	return 0;
}

void binary_stop_free(struct binary_stop *s)
{
	free(s->fns);
	free(s->writes);
	*s = (struct binary_stop){ 0 };
}
