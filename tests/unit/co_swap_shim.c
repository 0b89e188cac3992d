// SPDX-License-Identifier: GPL-2.0-only
/* The hosted side of interposition and hot swap: see co_swap_shim.h. */
#include "co_swap_shim.h"

#include <stdio.h>
#include <time.h>

#include <kernel/co_interpose.h>
#include <kernel/co_root.h>
#include <kernel/co_swap.h>
#include <kernel/counter.h>
#include <kernel/heap.h>

const int CSS_OK = CO_SWAP_OK, CSS_ENOENT = CO_SWAP_ENOENT, CSS_EBUSY = CO_SWAP_EBUSY,
	  CSS_ENOFORMAT = CO_SWAP_ENOFORMAT, CSS_ETIMEDOUT = CO_SWAP_ETIMEDOUT,
	  CSS_ECALLER = CO_SWAP_ECALLER;

/* ---- swaps -------------------------------------------------------------- */

void *css_counter_root(int distributed)
{
	return distributed ? counter_root_distributed() : counter_root_shared();
}

int64_t css_root_total(void *root)
{
	return counter_root_total(root);
}

void *css_root_of(void *id)
{
	return co_root_of(id);
}

void css_root_destroy(void *root)
{
	((struct co_root *)root)->ops->destroy(root);
}

int css_hot_swap(void *id, void *to, uint64_t timeout_us, void **swap)
{
	return co_hot_swap(id, to, timeout_us, (struct co_swap **)swap);
}

int css_hot_swap_reported(void *id, void *to, uint64_t timeout_us, void **swap, char *blockers,
			  size_t cap)
{
	struct co_swap_report report;
	int error = co_hot_swap_reported(id, to, timeout_us, (struct co_swap **)swap, &report);

	snprintf(blockers, cap, "%s", report.why);
	return error;
}

void css_commit(void *swap)
{
	co_swap_commit(swap);
}

int css_rollback(void *swap, uint64_t timeout_us)
{
	return co_swap_rollback(swap, timeout_us);
}

void *css_old_root(void *swap)
{
	return co_swap_old_root(swap);
}

const char *css_strerror(int error)
{
	return co_swap_strerror(error);
}

int css_negotiate(uint64_t exports, uint64_t imports)
{
	return co_negotiate(exports, imports);
}

/* ---- probe objects ------------------------------------------------------ */

struct probe;
struct probe_ops {
	void (*add)(struct probe *self, int64_t n);
	int64_t (*value)(struct probe *self);
	uint64_t (*recurse)(struct probe *self, coid_t next, coid_t after, unsigned depth,
			    unsigned sleep_us);
	void (*gate)(struct probe *self, const int *open);
};

struct probe {
	const struct probe_ops *ops;
	int64_t count;
};

const unsigned CSS_ADD = CO_METHOD(struct probe_ops, add);
const unsigned CSS_VALUE = CO_METHOD(struct probe_ops, value);
const unsigned CSS_RECURSE = CO_METHOD(struct probe_ops, recurse);

static void sleep_us(unsigned us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static void probe_add(struct probe *self, int64_t n)
{
	__atomic_add_fetch(&self->count, n, __ATOMIC_RELAXED);
}

static int64_t probe_value(struct probe *self)
{
	return __atomic_load_n(&self->count, __ATOMIC_RELAXED);
}

static uint64_t probe_recurse(struct probe *self, coid_t next, coid_t after, unsigned depth,
			      unsigned us)
{
	(void)self;
	if (depth == 0)
		return 0;
	sleep_us(us);
	return CO_CALL(struct probe, next, recurse, after, next, depth - 1, us) + 1;
}

static void probe_gate(struct probe *self, const int *open)
{
	probe_add(self, 1);
	while (!__atomic_load_n(open, __ATOMIC_ACQUIRE))
		sleep_us(200);
}

static const struct probe_ops probe_ops = { probe_add, probe_value, probe_recurse, probe_gate };

static struct co_rep *probe_create(struct co_multi_root *root, unsigned index)
{
	(void)root;
	(void)index;
	return co_rep_alloc(sizeof(struct probe), &probe_ops);
}

static int64_t *probe_count(struct co_root *root)
{
	return &((struct probe *)co_multi_root_rep((struct co_multi_root *)root, 0))->count;
}

static void *probe_export(struct co_root *root, unsigned format, unsigned cpu)
{
	int64_t *state = kmalloc(sizeof(*state));

	(void)format;
	(void)cpu;
	if (state)
		*state = *probe_count(root);
	return state;
}

static int probe_import(struct co_root *root, unsigned format, unsigned cpu, void *state)
{
	(void)format;
	(void)cpu;
	*probe_count(root) = *(int64_t *)state;
	kfree(state);
	return 0;
}

static const struct co_transfer_ops probe_transfer = {
	.exports = 1, .imports = 1, .export_state = probe_export, .import_state = probe_import,
};

/* Speaks only format 5: shares nothing with a probe or a counter. */
static const struct co_transfer_ops alien_transfer = {
	.exports = 1u << 5, .imports = 1u << 5,
	.export_state = probe_export, .import_state = probe_import,
};

static const struct co_rep_type probe_type = {
	.create = probe_create, .destroy = co_rep_free, .transfer = &probe_transfer,
};

static const struct co_rep_type alien_type = {
	.create = probe_create, .destroy = co_rep_free, .transfer = &alien_transfer,
};

void *css_probe_create(void)
{
	return co_multi_create(&probe_type, CO_SHARED);
}

void *css_probe_root(void)
{
	return co_multi_root_create(&probe_type, CO_SHARED);
}

void *css_probe_root_alien(void)
{
	return co_multi_root_create(&alien_type, CO_SHARED);
}

void css_probe_add(void *id, int64_t n)
{
	CO_CALL(struct probe, (coid_t)id, add, n);
}

int64_t css_probe_value(void *id)
{
	return CO_CALL(struct probe, (coid_t)id, value);
}

uint64_t css_probe_recurse(void *a, void *b, unsigned depth, unsigned sleep_us)
{
	return CO_CALL(struct probe, (coid_t)a, recurse, b, a, depth, sleep_us);
}

void css_probe_gate(void *id, const int *open)
{
	CO_CALL(struct probe, (coid_t)id, gate, open);
}

/* ---- interposer --------------------------------------------------------- */

struct tap {
	struct co_wrapper wrapper; /* first: the wrapper leads to the tap */
	struct co_interposer *ip;
	int meddle;
	uint64_t pre[CO_METHODS_MAX], post[CO_METHODS_MAX];
};

static uint64_t taps_released;

static bool tap_precall(struct co_wrapper *w, struct co_call *call)
{
	struct tap *tap = (struct tap *)w;

	__atomic_add_fetch(&tap->pre[call->method], 1, __ATOMIC_RELAXED);
	if (tap->meddle && call->method == CSS_ADD)
		*co_call_arg(call, 1) *= 2;
	return true;
}

static void tap_postcall(struct co_wrapper *w, struct co_return *ret)
{
	struct tap *tap = (struct tap *)w;

	__atomic_add_fetch(&tap->post[ret->method], 1, __ATOMIC_RELAXED);
	if (tap->meddle && ret->method == CSS_VALUE)
		ret->rax += 1000;
}

static void tap_release(struct co_wrapper *w)
{
	(void)w;
	__atomic_add_fetch(&taps_released, 1, __ATOMIC_RELEASE);
}

static const struct co_wrapper_ops tap_ops = { tap_precall, tap_postcall, tap_release };

void *css_tap_attach(void *id, int meddle)
{
	struct tap *tap = kzalloc(sizeof(*tap));

	if (!tap)
		return NULL;
	tap->wrapper.ops = &tap_ops;
	tap->meddle = meddle;
	tap->ip = co_interpose(id, &tap->wrapper);
	if (!tap->ip) {
		kfree(tap);
		return NULL;
	}
	return tap;
}

int css_tap_detach(void *tap)
{
	return co_interpose_detach(((struct tap *)tap)->ip);
}

void css_tap_free(void *tap)
{
	kfree(tap);
}

uint64_t css_tap_precalls(void *tap, unsigned method)
{
	return __atomic_load_n(&((struct tap *)tap)->pre[method], __ATOMIC_RELAXED);
}

uint64_t css_tap_postcalls(void *tap, unsigned method)
{
	return __atomic_load_n(&((struct tap *)tap)->post[method], __ATOMIC_RELAXED);
}

uint64_t css_taps_released(void)
{
	return __atomic_load_n(&taps_released, __ATOMIC_ACQUIRE);
}
