// SPDX-License-Identifier: GPL-2.0-only
/* Why a stack walk is unreliable, in words (stack_walk.h). */
#include "stack_walk.h"

#include <stdio.h>

const char *qs_walk_status_name(enum qs_walk_status s)
{
	static const char *const names[] = {
		[QS_WALK_RELIABLE] = "reliable",
		[QS_WALK_OUT_OF_BOUNDS] = "out-of-bounds",
		[QS_WALK_NOT_INCREASING] = "not-increasing",
		[QS_WALK_MISALIGNED] = "misaligned",
		[QS_WALK_UNREADABLE] = "unreadable",
		[QS_WALK_UNKNOWN_CODE] = "unknown-code",
		[QS_WALK_TOO_DEEP] = "too-deep",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void out_of_bounds(const struct qs_walk_problem *p, char *buf, size_t len)
{
	if (p->stack.lo == p->stack.hi)
		snprintf(buf, len, "%s 0x%llx runs past the end of the address space", p->what,
			 (unsigned long long)p->addr);
	else
		snprintf(buf, len, "%s 0x%llx is outside the stack [0x%llx, 0x%llx)", p->what,
			 (unsigned long long)p->addr, (unsigned long long)p->stack.lo,
			 (unsigned long long)p->stack.hi);
}

void qs_walk_problem_text(const struct qs_walk_problem *p, char *buf, size_t len)
{
	unsigned long long addr = p->addr;

	switch (p->status) {
	case QS_WALK_RELIABLE:
		snprintf(buf, len, "reliable");
		break;
	case QS_WALK_OUT_OF_BOUNDS:
		out_of_bounds(p, buf, len);
		break;
	case QS_WALK_NOT_INCREASING:
		snprintf(buf, len, "%s 0x%llx is below 0x%llx, where the frames under it end",
			 p->what, addr, (unsigned long long)p->prev);
		break;
	case QS_WALK_MISALIGNED:
		snprintf(buf, len, "%s 0x%llx is not 8-byte aligned", p->what, addr);
		break;
	case QS_WALK_UNREADABLE:
		snprintf(buf, len, "the word at 0x%llx (%s) cannot be read", addr, p->what);
		break;
	case QS_WALK_UNKNOWN_CODE:
		snprintf(buf, len, "%s 0x%llx is in code with no known frame layout", p->what, addr);
		break;
	case QS_WALK_TOO_DEEP:
		snprintf(buf, len, "more than %d frames", QS_WALK_MAX_FRAMES);
		break;
	}
}
