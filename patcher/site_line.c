// SPDX-License-Identifier: GPL-2.0-only
/* A patch-site plan in words (site_plan.h), for --dry-run and refusals. */
#include "site_plan.h"

#include <stdarg.h>
#include <stdio.h>

/* Appends to a fixed buffer; once full, the rest is dropped. */
struct line {
	char *buf;
	size_t len, n;
};

__attribute__((format(printf, 2, 3)))
static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->n >= l->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->n, l->len - l->n, fmt, ap);
	va_end(ap);
	l->n += n > 0 ? (size_t)n : 0;
}

void site_plan_head(const struct site_plan *plan, char *buf, size_t len)
{
	snprintf(buf, len, "function %s at 0x%llx (%llu byte%s)", plan->name,
		 (unsigned long long)plan->entry, (unsigned long long)plan->size,
		 plan->size == 1 ? "" : "s");
}

static void put_reach(struct line *l, const struct site_plan *p)
{
	if (p->verdict == SITE_DIRECT)
		put(l, "jmp rel32 to 0x%llx (direct)", (unsigned long long)p->replacement);
	else if (p->trampoline)
		put(l, "jmp rel32 to a trampoline at 0x%llx, which jumps to 0x%llx "
		    "(absolute, beyond rel32)",
		    (unsigned long long)p->trampoline, (unsigned long long)p->replacement);
	else
		put(l, "0x%llx is beyond rel32: needs a %d-byte trampoline in the patch area",
		    (unsigned long long)p->replacement, SITE_TRAMPOLINE_LEN);
}

static void put_bytes(struct line *l, const uint8_t *bytes)
{
	for (size_t i = 0; i < SITE_JMP_LEN; i++)
		put(l, i ? " %02x" : "%02x", bytes[i]);
}

/* "displaces push rbp; mov rbp, rsp; ... (1+3+1 bytes; 55 48 89 e5 53 -> e9 ...)" */
static void put_displaced(struct line *l, const struct site_plan *p)
{
	put(l, ", displaces ");
	for (size_t i = 0; i < p->ndisplaced; i++)
		put(l, "%s%s", i ? "; " : "", p->displaced[i].text);
	put(l, " (");
	for (size_t i = 0; i < p->ndisplaced; i++)
		put(l, "%s%u", i ? "+" : "", p->displaced[i].len);
	put(l, " bytes; ");
	put_bytes(l, p->old_bytes);
	if (p->verdict == SITE_DIRECT || p->trampoline) {
		put(l, " -> ");
		put_bytes(l, p->new_bytes);
	}
	put(l, ")");
}

void site_plan_line(const struct site_plan *plan, char *buf, size_t len)
{
	struct line l = { buf, len, 0 };
	char head[SITE_HEAD_MAX];

	if (plan->verdict == SITE_REFUSED) {
		put(&l, "%s", plan->reason);
		return;
	}
	site_plan_head(plan, head, sizeof(head));
	put(&l, "%s: ", head);
	put_reach(&l, plan);
	put_displaced(&l, plan);
	if (plan->page_split)
		put(&l, "; the %d bytes cross the page boundary at 0x%llx", SITE_JMP_LEN,
		    (unsigned long long)plan->page_split);
	if (plan->indirect_jumps)
		put(&l, "; %zu indirect jump%s not analysed (first at +0x%llx)",
		    plan->indirect_jumps, plan->indirect_jumps > 1 ? "s" : "",
		    (unsigned long long)plan->first_indirect);
}
