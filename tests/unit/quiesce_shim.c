// SPDX-License-Identifier: GPL-2.0-only
/* The fake guest of quiesce_shim.h. The classifier is written here from
 * the rules in stack_walk.h, independently of the walker. */
#include "quiesce_shim.h"

#include <stdlib.h>
#include <string.h>

#include <arch/switch.h>
#include <arch/trap.h>

#define MAX_FUNCTIONS 32
#define MAX_HOLES 8

struct fn {
	uint64_t start, end, ret_at;
	enum qss_kind kind;
};

struct qss_guest {
	uint64_t base, size;
	uint8_t *mem;
	uint64_t holes[MAX_HOLES];  /* unreadable pages */
	unsigned nholes;
	unsigned odd_reads;
	struct fn fns[MAX_FUNCTIONS];
	unsigned nfns;
};

struct qss_guest *qss_guest_new(uint64_t base, uint64_t size)
{
	struct qss_guest *g = calloc(1, sizeof(*g));

	if (g && !(g->mem = calloc(1, size))) {
		free(g);
		return NULL;
	}
	if (g) {
		g->base = base;
		g->size = size;
	}
	return g;
}

void qss_guest_free(struct qss_guest *g)
{
	if (g)
		free(g->mem);
	free(g);
}

void qss_put(struct qss_guest *g, uint64_t gva, uint64_t value)
{
	memcpy(qss_host(g, gva), &value, sizeof(value));
}

void *qss_host(struct qss_guest *g, uint64_t gva)
{
	return g->mem + (gva - g->base);
}

void qss_unreadable(struct qss_guest *g, uint64_t gva)
{
	if (g->nholes < MAX_HOLES)
		g->holes[g->nholes++] = gva & ~(QSS_PAGE - 1);
}

unsigned qss_odd_reads(const struct qss_guest *g)
{
	return g->odd_reads;
}

static int readable(const struct qss_guest *g, uint64_t gva, size_t len)
{
	if (gva < g->base || gva - g->base > g->size || len > g->size - (gva - g->base))
		return 0;
	for (unsigned i = 0; i < g->nholes; i++)
		if (gva < g->holes[i] + QSS_PAGE && gva + len > g->holes[i])
			return 0;
	return 1;
}

static int read_guest(void *ctx, uint64_t gva, void *buf, size_t len)
{
	struct qss_guest *g = ctx;

	if (len != 8 || gva % 8)
		g->odd_reads++;
	if (!readable(g, gva, len))
		return -1;
	memcpy(buf, g->mem + (gva - g->base), len);
	return 0;
}

static const struct fn *function_at(const struct qss_guest *g, uint64_t addr)
{
	for (unsigned i = 0; i < g->nfns; i++)
		if (addr >= g->fns[i].start && addr < g->fns[i].end)
			return &g->fns[i];
	return NULL;
}

static struct qs_code code(enum qs_code_kind kind, uint32_t ra_offset)
{
	return (struct qs_code){ .kind = kind, .ra_offset = ra_offset };
}

/* A return address is classified by its call, just before it. */
static struct qs_code classify(void *ctx, uint64_t pc, bool is_return)
{
	const struct fn *f = function_at(ctx, is_return ? pc - 1 : pc);

	if (!f)
		return code(QS_CODE_UNKNOWN, 0);
	switch (f->kind) {
	case QSS_C:
		if (is_return || (pc != f->start && pc != f->start + 1 && pc != f->ret_at))
			return code(QS_CODE_FRAMED, 0);
		return code(QS_CODE_UNFRAMED, pc == f->start + 1 ? 8 : 0);
	case QSS_LEAF:
		return code(is_return ? QS_CODE_UNKNOWN : QS_CODE_UNFRAMED, 0);
	case QSS_TRAP_ENTRY:
		return code(is_return && pc == f->ret_at ? QS_CODE_TRAP : QS_CODE_UNKNOWN, 0);
	case QSS_ASM:
		break;
	}
	return code(QS_CODE_UNKNOWN, 0);
}

struct qs_walk_env qss_env(struct qss_guest *g)
{
	return (struct qs_walk_env){
		.read = read_guest, .read_ctx = g, .classify = classify, .classify_ctx = g,
	};
}

int qss_function(struct qss_guest *g, uint64_t start, uint64_t end, enum qss_kind kind,
		 uint64_t ret_at)
{
	if (g->nfns == MAX_FUNCTIONS)
		return -1;
	g->fns[g->nfns++] = (struct fn){ .start = start, .end = end, .ret_at = ret_at, .kind = kind };
	return 0;
}

uint64_t qss_push_trap_frame(struct qss_guest *g, uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	uint64_t at = (rsp & ~15ull) - sizeof(struct trap_frame);
	struct trap_frame tf = {
		.rip = rip, .rsp = rsp, .rbp = rbp, .cs = 8, .ss = 16, .rflags = 0x202,
		.vector = VECTOR_TIMER, .rax = 0xaaaa, .r15 = 0xf15,
	};

	memcpy(qss_host(g, at), &tf, sizeof(tf));
	return at;
}

uint64_t qss_new_thread(struct qss_guest *g, uint64_t top, uint64_t entry)
{
	uint8_t *host_top = qss_host(g, top);
	uint64_t sp = arch_stack_init(host_top, (void (*)(void))(uintptr_t)entry);

	return top - (uint64_t)((uintptr_t)host_top - (uintptr_t)sp);
}

char *qss_report_json(const struct qs_report *r)
{
	json_t *j = qs_report_json(r);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return s;
}
