/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The update engine's loaded modules and its steps (kernel/update.h).
 * Each change a module makes keeps what undoing it needs: a class change
 * the version it replaced and the instance snapshot taken at FACTORY, an
 * object change its open swap (never committed: the old root is what a
 * rollback returns to), a service change whether it is published. Steps run one at a time (update_step), so none of it is
 * locked.
 */
#ifndef SV_UPDATE_MODULE_IMPL_H
#define SV_UPDATE_MODULE_IMPL_H

#include <stdbool.h>

#include <kernel/factory.h>
#include <kernel/update.h>
#include <kernel/update_swap.h>

#define UPDATE_MODULES_MAX 8
#define UPDATE_TABLE_MAX 64   /* entries per manifest table */

enum module_state {
	MODULE_FREE,
	MODULE_LOADED,
	MODULE_APPLIED,   /* some change applied */
	MODULE_COMMITTED,
	MODULE_REVERTED,  /* every change it applied undone */
};

struct class_change {
	const struct sv_class_impl *old_impl; /* NULL until FACTORY applied it */
	struct factory_instance **snapshot;  /* the list at FACTORY */
	uint64_t nsnapshot;
};

struct object_change {
	struct co_swap *swap; /* applied: kept open, so that even after COMMIT
			       * a rollback swaps back to the old root */
};

struct module {
	enum module_state state;
	uint32_t handle;
	uint64_t addr; /* of its sv_patch_module: a repeated LOAD finds it */
	const struct sv_patch_header *header;
	const struct sv_patch_class *classes;
	const struct sv_patch_object *objects;
	const struct sv_patch_service *services;
	const struct sv_patch_check *checks;
	uint64_t nclasses, nobjects, nservices, nchecks;
	struct class_change *class_changes;
	struct object_change *object_changes;
	bool *service_published;
};

/* The loaded module with `handle`, or NULL (out->detail says so). */
struct module *module_find(uint32_t handle, struct swap_result *out);
/* Calls fn on every loaded module. */
void module_for_each(void (*fn)(const struct module *m, void *arg), void *arg);
const char *module_state_name(enum module_state state);
/* Whether any change of m is applied now. */
bool module_applied(const struct module *m);
/* After a change was applied or undone: m's state follows. */
void module_update_state(struct module *m);

/* The steps. `revert` is SV_PATCH_REVERT; `out` collects the swaps'
 * timings and the failure. Each answers SV_OK or an SV_E*. */
int step_load(const struct sv_patch_step_req *req, struct sv_patch_step_resp *resp,
	      struct swap_result *out);
int step_unload(struct module *m, const struct sv_patch_step_req *req, struct swap_result *out);
int step_factory(struct module *m, const struct sv_patch_step_req *req, bool revert,
		 struct sv_patch_step_resp *resp, struct swap_result *out);
int step_instances(struct module *m, const struct sv_patch_step_req *req, bool revert,
		   struct swap_result *out);
int step_object(struct module *m, const struct sv_patch_step_req *req, bool revert,
		struct swap_result *out);
int step_service(struct module *m, const struct sv_patch_step_req *req, bool revert,
		 struct swap_result *out);
int step_check(struct module *m, const struct sv_patch_step_req *req, struct swap_result *out);
int step_commit(struct module *m, struct swap_result *out);

/* Waits (a daemon thread, blocking) until every thread alive now has
 * ended, and then once more, so that what the first quiescence set off
 * (deferred destruction of old roots) has run too. false on timeout. */
bool update_quiesce(uint64_t timeout_us);
/* QUIESCE: update_quiesce within the step's timeout. It names no module:
 * a binary patch's mirrors end there, and its code needs none. */
int step_quiesce(const struct sv_patch_step_req *req, struct swap_result *out);

#endif
