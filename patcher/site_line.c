// SPDX-License-Identifier: GPL-2.0-only
/* A patch-site plan in words (site_plan.h), for --dry-run and refusals. */
#include "site_plan.h"

#include <stdio.h>

#include "text_line.h"

void site_plan_head(const struct site_plan *plan, char *buf, size_t len)
{
	snprintf(buf, len, "function %s at 0x%llx (%llu byte%s)", plan->name,
		 (unsigned long long)plan->entry, (unsigned long long)plan->size,
		 plan->size == 1 ? "" : "s");
}

static void put_reach(struct text_line *l, const struct site_plan *p)
{
	if (p->verdict == SITE_DIRECT)
		text_put(l, "jmp rel32 to 0x%llx (direct)", (unsigned long long)p->replacement);
	else if (p->trampoline)
		text_put(l, "jmp rel32 to a trampoline at 0x%llx, which jumps to 0x%llx "
			 "(absolute, beyond rel32)",
			 (unsigned long long)p->trampoline, (unsigned long long)p->replacement);
	else
		text_put(l, "0x%llx is beyond rel32: needs a %d-byte trampoline in the patch area",
			 (unsigned long long)p->replacement, SITE_TRAMPOLINE_LEN);
}

static void put_bytes(struct text_line *l, const uint8_t *bytes)
{
	for (size_t i = 0; i < SITE_JMP_LEN; i++)
		text_put(l, i ? " %02x" : "%02x", bytes[i]);
}

/* "displaces push rbp; mov rbp, rsp; ... (1+3+1 bytes; 55 48 89 e5 53 -> e9 ...)" */
static void put_displaced(struct text_line *l, const struct site_plan *p)
{
	text_put(l, ", displaces ");
	for (size_t i = 0; i < p->ndisplaced; i++)
		text_put(l, "%s%s", i ? "; " : "", p->displaced[i].text);
	text_put(l, " (");
	for (size_t i = 0; i < p->ndisplaced; i++)
		text_put(l, "%s%u", i ? "+" : "", p->displaced[i].len);
	text_put(l, " bytes; ");
	put_bytes(l, p->old_bytes);
	if (p->verdict == SITE_DIRECT || p->trampoline) {
		text_put(l, " -> ");
		put_bytes(l, p->new_bytes);
	}
	text_put(l, ")");
}

void site_plan_line(const struct site_plan *plan, char *buf, size_t len)
{
	struct text_line l = { buf, len, 0 };
	char head[SITE_HEAD_MAX];

	if (plan->verdict == SITE_REFUSED) {
		text_put(&l, "%s", plan->reason);
		return;
	}
	site_plan_head(plan, head, sizeof(head));
	text_put(&l, "%s: ", head);
	put_reach(&l, plan);
	put_displaced(&l, plan);
	if (plan->page_split)
		text_put(&l, "; the %d bytes cross the page boundary at 0x%llx", SITE_JMP_LEN,
			 (unsigned long long)plan->page_split);
	if (plan->indirect_jumps)
		text_put(&l, "; %zu indirect jump%s not analysed (first at +0x%llx)",
			 plan->indirect_jumps, plan->indirect_jumps > 1 ? "s" : "",
			 (unsigned long long)plan->first_indirect);
}
