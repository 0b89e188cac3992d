// SPDX-License-Identifier: GPL-2.0-only
/*
 * One stop of the world for a binary patch (world_stop.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "control_client.h"
#include "guest_read.h"
#include "page_walk.h"
#include "world_stop.h"

#define WORLD_CPUS_MAX 64

struct stopped {
	struct qs_context cpus[WORLD_CPUS_MAX];
	unsigned ncpus;
	struct page_walk_ctx pages;  /* cpu 0's: the kernel's tables are shared */
};

static int regs_of(json_t *regs, struct qs_context *ctx, struct page_walk_ctx *pages)
{
	unsigned long long rip, rsp, rbp, cr0, cr3, cr4, efer;

	if (control_answer_hex(regs, "rip", &rip) || control_answer_hex(regs, "rsp", &rsp) ||
	    control_answer_hex(regs, "rbp", &rbp) || control_answer_hex(regs, "cr0", &cr0) ||
	    control_answer_hex(regs, "cr3", &cr3) || control_answer_hex(regs, "cr4", &cr4) ||
	    control_answer_hex(regs, "efer", &efer))
		return -1;
	*ctx = (struct qs_context){ rip, rsp, rbp };
	if (pages)
		*pages = (struct page_walk_ctx){ .cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .efer = efer };
	return 0;
}

/* Pauses the VM and reads every vCPU's registers from the same answer:
 * 0; 1 when the VMM refused the pause; -1 when it paused but answered
 * registers that cannot be read (the pause is held). */
static int pause_with_regs(struct vmm_session *s, struct stopped *st, char err[SESSION_ERR_MAX])
{
	json_t *answer, *cpu;
	size_t i;
	int ret = 0;

	if (vmm_request(s, json_pack("{s:s, s:b}", "cmd", "pause", "regs", 1), &answer, err))
		return 1; /* nothing is held */
	st->ncpus = 0;
	json_array_foreach(json_object_get(answer, "cpus"), i, cpu) {
		if (i >= WORLD_CPUS_MAX ||
		    regs_of(json_object_get(cpu, "regs"), &st->cpus[i], i ? NULL : &st->pages)) {
			snprintf(err, SESSION_ERR_MAX, "%s: pause answered registers it cannot read "
				 "for vCPU %zu", s->socket, i);
			ret = -1;
			break;
		}
		st->ncpus++;
	}
	if (!ret && !st->ncpus) {
		snprintf(err, SESSION_ERR_MAX, "%s: pause answered no vCPU registers", s->socket);
		ret = -1;
	}
	json_decref(answer);
	st->pages.ram = s->ram;
	st->pages.ram_size = s->ram_size;
	return ret;
}

static json_t *hex(const uint8_t *bytes, size_t len)
{
	char text[2 * WORLD_WRITE_MAX + 1];

	sodium_bin2hex(text, sizeof(text), bytes, len);
	return json_string(text);
}

/* The VMM writes guest-physical memory: each write split where it
 * crosses a page, each part translated through the guest's tables. */
static int add_physical(json_t *list, const struct stopped *st, const struct world_write *w,
			char err[SESSION_ERR_MAX])
{
	for (size_t done = 0; done < w->len;) {
		uint64_t gva = w->gva + done, gpa;
		size_t part = 4096 - (gva & 4095);
		int level;

		if (part > w->len - done)
			part = w->len - done;
		if (page_walk(&st->pages, gva, &gpa, &level)) {
			snprintf(err, SESSION_ERR_MAX, "%s's entry 0x%llx is not mapped in the guest",
				 w->function, (unsigned long long)gva);
			return -1;
		}
		json_array_append_new(list, json_pack("{s:o, s:o, s:o}", "addr",
			json_sprintf("0x%llx", (unsigned long long)gpa), "old",
			hex(w->old + done, part), "new", hex(w->new + done, part)));
		done += part;
	}
	return 0;
}

/* The writes still to do: a site already holding its new bytes was done
 * by an earlier try of the same step; one holding neither is refused. */
static json_t *pending_writes(const struct world_stop *w, const struct stopped *st,
			      size_t *skipped, char err[SESSION_ERR_MAX])
{
	json_t *list = json_array();

	*skipped = 0;
	for (size_t i = 0; i < w->nwrites; i++) {
		const struct world_write *ww = &w->writes[i];
		uint8_t now[WORLD_WRITE_MAX];

		if (qs_read_paged((void *)&st->pages, ww->gva, now, ww->len)) {
			snprintf(err, SESSION_ERR_MAX, "%s's entry 0x%llx cannot be read", ww->function,
				 (unsigned long long)ww->gva);
			goto fail;
		}
		if (!memcmp(now, ww->new, ww->len)) {
			++*skipped;
			continue;
		}
		if (memcmp(now, ww->old, ww->len)) {
			snprintf(err, SESSION_ERR_MAX, "%s's entry 0x%llx holds bytes that are neither "
				 "the original nor the patch's (another tool wrote there?)",
				 ww->function, (unsigned long long)ww->gva);
			goto fail;
		}
		if (add_physical(list, st, ww, err))
			goto fail;
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

/* A pc strictly inside the bytes a write replaces would resume in the
 * middle of the new instruction (the entry itself is fine: the jump is
 * what runs there next). */
static bool inside_write(const struct world_stop *w, const struct qs_frame *f, const char **fn)
{
	for (size_t i = 0; i < w->nwrites; i++) {
		uint64_t lo = w->writes[i].gva, hi = lo + w->writes[i].len;

		if ((f->is_return ? f->pc - 1 : f->pc) > lo && f->pc < hi + f->is_return) {
			*fn = w->writes[i].function;
			return true;
		}
	}
	return false;
}

static bool any_inside_writes(const struct world_stop *w, const struct qs_guest_threads *t,
			      char why[WORLD_WHY_MAX])
{
	const char *fn;

	for (size_t i = 0; i < t->n; i++)
		for (unsigned f = 0; f < t->walks[i].n; f++)
			if (inside_write(w, &t->walks[i].frames[f], &fn)) {
				snprintf(why, WORLD_WHY_MAX, "thread 0x%llx (CPU %u) is at 0x%llx, "
					 "inside the bytes to be written at %s's entry",
					 (unsigned long long)t->threads[i].id, t->threads[i].cpu,
					 (unsigned long long)t->walks[i].frames[f].pc, fn);
				return true;
			}
	return false;
}

/* Collects and checks; true when the writes may go in. */
static bool check(const struct world_stop *w, const struct stopped *st, struct world_result *out)
{
	struct qs_cached_reader reader = { .pages = &st->pages };
	struct qs_walk_env env = { qs_read_cached, &reader, code_index_classify, (void *)w->code };
	struct qs_guest_threads threads;
	bool clean;

	if (qs_guest_threads_collect(&env, w->thread_table, st->cpus, st->ncpus, &threads,
				     out->why))
		return false;
	if (qs_check(w->fns, w->nfns, threads.threads, threads.n, &out->report)) {
		snprintf(out->why, WORLD_WHY_MAX, "out of memory checking %zu threads", threads.n);
		clean = false;
	} else {
		clean = qs_report_clean(&out->report) && !any_inside_writes(w, &threads, out->why);
	}
	qs_guest_threads_free(&threads);
	return clean;
}

static int resume(struct vmm_session *s, json_t *writes, struct world_result *out,
		  char err[SESSION_ERR_MAX])
{
	json_t *req = json_pack("{s:s}", "cmd", "resume"), *answer;

	if (writes)
		json_object_set(req, "writes", writes);
	if (vmm_request(s, req, &answer, err))
		return -1;
	out->paused_ns = (uint64_t)json_integer_value(json_object_get(answer, "paused_ns"));
	json_decref(answer);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int world_stop_once(struct vmm_session *s, const struct world_stop *w, struct world_result *out,
		    char err[SESSION_ERR_MAX])
{
	uint64_t checked_from;
	char ignored[SESSION_ERR_MAX];
	struct stopped st;
	json_t *writes = NULL;
	int ret;

	*out = (struct world_result){ 0 };
	ret = pause_with_regs(s, &st, err);
	if (ret > 0)
		return -1;
	if (ret) {
		resume(s, NULL, out, ignored); /* a pause whose answer was bad is still held */
		return -1;
	}
	checked_from = now_ns();
	if (check(w, &st, out)) {
		writes = pending_writes(w, &st, &out->skipped, err);
		if (!writes) {
			resume(s, NULL, out, ignored);
			return -1;
		}
	}
	out->check_ns = now_ns() - checked_from;
	ret = resume(s, json_array_size(writes) ? writes : NULL, out, err);
	out->written = !ret && writes;
	json_decref(writes);
	return ret;
}
