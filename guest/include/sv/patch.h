/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Patch bundles: the manifest a patch source declares, and the control-
 * queue messages with which the monitor applies it. One header for the
 * guest, the patch sources and the host (patcher/, swap-build).
 *
 * A patch source is C compiled against guest/include with the guest's
 * flags (swap-build). Its manifest is a set of records in ELF sections,
 * written by the SV_PATCH_* macros below, in the spirit of Linux
 * livepatch's klp_func tables:
 *
 *   .svp.patch    exactly one struct sv_patch_header: id, version
 *   .svp.target   one struct sv_patch_target: the guest build-id the
 *                 bundle was built against (swap-build writes it)
 *   .svp.deps     struct sv_patch_dep: patches that must be applied first
 *   .svp.classes  struct sv_patch_class: a class replaced, every instance
 *   .svp.objects  struct sv_patch_object: one named object replaced
 *   .svp.services struct sv_patch_service: a new request-ring interface
 *   .svp.checks   struct sv_patch_check: health checks run after applying
 *   .svp.functions struct sv_patch_function: a guest function replaced by
 *                 a jump at its entry (a binary patch)
 *   .svp.mirrors  struct sv_patch_mirror: a guest global whose layout the
 *                 patch changes, kept in step with its new-layout copy
 *   .svp.callers  struct sv_patch_caller: a guest function, not replaced,
 *                 that no thread may be inside while the jumps go in or out
 *   .svp.sig      struct sv_patch_signature: Ed25519 over the whole file
 *                 with this section's bytes zeroed (swap-build --sign)
 *
 * Names are fixed-size arrays so the host reads them without applying
 * relocations; code addresses are pointers the patcher relocates when it
 * writes the module into the guest's patch area. The guest reads the
 * relocated records there.
 */
#ifndef SV_PATCH_H
#define SV_PATCH_H

#include <stdint.h>

#include <sv/abi.h>

#define SV_PATCH_MAGIC 0x31505653u /* "SVP1" */
#define SV_PATCH_NAME_MAX 32       /* ids and names, NUL-terminated */
#define SV_PATCH_BUILD_ID_MAX 32

/* Update modes of a class replacement. Lazy update and adaptors are a
 * later step: bundles asking for them are refused today. */
enum sv_patch_mode {
	SV_PATCH_EAGER = 0,
	SV_PATCH_LAZY = 1,
};

struct sv_patch_header {
	uint32_t magic;                /* SV_PATCH_MAGIC */
	uint32_t version;              /* of this patch: 1, 2, ... */
	char id[SV_PATCH_NAME_MAX];
	char description[64];
};

struct sv_patch_target {
	uint32_t build_id_len;
	uint8_t build_id[SV_PATCH_BUILD_ID_MAX];
};

struct sv_patch_dep {
	char id[SV_PATCH_NAME_MAX];
	uint32_t min_version;          /* the applied one must be at least this */
	uint32_t reserved;
};

struct co_root;
struct sv_class_impl;

/* Replaces class `name` (at version from_version in the guest) by the
 * implementation `impl` (version to_version): the factory is swapped for
 * the new one, then every instance is hot-swapped to the new class with
 * the class's state transfer (guest/include/kernel/factory.h). */
struct sv_patch_class {
	char name[SV_PATCH_NAME_MAX];
	uint32_t from_version;
	uint32_t to_version;
	uint32_t mode;                 /* enum sv_patch_mode */
	uint32_t reserved;
	const struct sv_class_impl *impl;
};

/* Replaces the single named object `name` (at from_version) by a root
 * make_root builds, by one hot swap; the old root's transfer ops must
 * speak a format the new root imports (and back, for rollback). */
struct sv_patch_object {
	char name[SV_PATCH_NAME_MAX];
	uint32_t from_version;
	uint32_t to_version;
	struct co_root *(*make_root)(struct co_root *old);
};

/* A new request-ring interface (SV_OP_CALL with path = name): serve gets
 * the request's payload in data[0 .. len) and answers like a ring op. */
struct sv_ring_req;
struct sv_ring_resp;
struct sv_patch_service {
	char name[SV_PATCH_NAME_MAX];
	int (*serve)(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp);
};

/* Run after every change is applied: 0 when healthy, else a negative
 * SV_E* code; `why` (SV_PATCH_NAME_MAX * 4 bytes) may say what failed. */
#define SV_PATCH_WHY_MAX 128
struct sv_patch_check {
	char name[SV_PATCH_NAME_MAX];
	int (*check)(char why[SV_PATCH_WHY_MAX]);
};

/* Guest symbols are named in full, not cut to SV_PATCH_NAME_MAX: a binary
 * patch names the kernel's own functions and globals. */
#define SV_PATCH_SYMBOL_MAX 64

/* A thread already inside the old body may finish it, so the stack check
 * does not wait for it to leave. Only safe when what the old code and the
 * new disagree about is mirrored (the old code works on the old copy, kept
 * in step), so a bundle with this flag and no mirror is refused. */
#define SV_PATCH_FN_OLD_MAY_FINISH 1u

/* The guest function `name` is replaced: a jmp to `replacement` is
 * written at its entry once no thread is inside it (docs/binary-patching.md). */
struct sv_patch_function {
	char name[SV_PATCH_SYMBOL_MAX];
	uint32_t flags;                /* SV_PATCH_FN_* */
	uint32_t reserved;
	void (*replacement)(void);
};

/* The guest global `name` (old layout) gets the new-layout copy `copy`,
 * the patch's own variable; the monitor builds it from the old one and
 * mirrors writes between the two while both are live. */
struct sv_patch_mirror {
	char name[SV_PATCH_SYMBOL_MAX];
	void *copy;
};

/* A guest function that calls a replaced one and carries state from one
 * call to the next (a checksum summed over several calls, say): it stays
 * as it is, but the consistency check keeps every thread out of it too
 * while the jumps are written or taken out, so that no run of its loop
 * mixes the old function's results with the new one's. */
struct sv_patch_caller {
	char name[SV_PATCH_SYMBOL_MAX];
};

struct sv_patch_signature {
	uint8_t public_key[32];        /* the signer's Ed25519 key */
	uint8_t signature[64];
};

/* The parameter is not called `section`: it would replace the attribute's
 * own name too. */
#define SV__PATCH_RECORD(sect, type, var)                                      \
	static const type var __attribute__((used, section(sect), aligned(8)))

#define SV_PATCH(id_, version_, description_)                                  \
	SV__PATCH_RECORD(".svp.patch", struct sv_patch_header, sv_patch_header) = { \
		.magic = SV_PATCH_MAGIC, .version = (version_), .id = id_,      \
		.description = description_ }

#define SV_PATCH_DEPENDS(tag, id_, min_version_)                               \
	SV__PATCH_RECORD(".svp.deps", struct sv_patch_dep, sv_patch_dep_##tag) = { \
		.id = id_, .min_version = (min_version_) }

#define SV_PATCH_CLASS(tag, name_, from_, to_, mode_, impl_)                   \
	SV__PATCH_RECORD(".svp.classes", struct sv_patch_class, sv_patch_class_##tag) = { \
		.name = name_, .from_version = (from_), .to_version = (to_),    \
		.mode = (mode_), .impl = (impl_) }

#define SV_PATCH_OBJECT(tag, name_, from_, to_, make_root_)                    \
	SV__PATCH_RECORD(".svp.objects", struct sv_patch_object, sv_patch_object_##tag) = { \
		.name = name_, .from_version = (from_), .to_version = (to_),    \
		.make_root = (make_root_) }

#define SV_PATCH_SERVICE(tag, name_, serve_)                                   \
	SV__PATCH_RECORD(".svp.services", struct sv_patch_service, sv_patch_service_##tag) = { \
		.name = name_, .serve = (serve_) }

#define SV_PATCH_CHECK(tag, name_, check_)                                     \
	SV__PATCH_RECORD(".svp.checks", struct sv_patch_check, sv_patch_check_##tag) = { \
		.name = name_, .check = (check_) }

/* The replacement is cast: it has the replaced function's signature, not
 * void (void). */
#define SV_PATCH_FUNCTION(tag, name_, replacement_, flags_)                    \
	SV__PATCH_RECORD(".svp.functions", struct sv_patch_function, sv_patch_function_##tag) = { \
		.name = name_, .flags = (flags_),                               \
		.replacement = (void (*)(void))(replacement_) }

#define SV_PATCH_CALLER(tag, name_)                                            \
	SV__PATCH_RECORD(".svp.callers", struct sv_patch_caller, sv_patch_caller_##tag) = { \
		.name = name_ }

/* copy_ is the patch's variable itself (not its address). */
#define SV_PATCH_MIRROR(tag, name_, copy_)                                     \
	SV__PATCH_RECORD(".svp.mirrors", struct sv_patch_mirror, sv_patch_mirror_##tag) = { \
		.name = name_, .copy = (void *)&(copy_) }

/* ---- the control queue's patch commands ----------------------------- */

/*
 * The monitor drives an update one step at a time over the control queue
 * (sv/ring.h: SV_CTL_PATCH_*), each request carrying a struct
 * sv_patch_step_req as payload and answered with a struct
 * sv_patch_step_resp. Steps are idempotent, so a monitor restarted after a
 * crash can repeat a revert whose answer it never saw:
 *
 *   LOAD       register the module whose relocated sv_patch_module is at
 *              guest address `module`; answers its handle
 *   FACTORY    change `change` of the classes table: swap the class's
 *              factory to the new version (transferring the instance
 *              list); answers the instances the factory tracks
 *   INSTANCES  hot-swap instances [first, first + count) of that class's
 *              list to the new version
 *   OBJECT     change `change` of the objects table: swap the object
 *   SERVICE    change `change` of the services table: publish it
 *   CHECK      run health check `change`
 *   COMMIT     the update stays: the old roots go after quiescence
 *   UNLOAD     forget the module once no thread can be in its code
 *   QUIESCE    return once every thread alive at the call has ended
 *              (generation quiescence): a binary patch's mirrors end
 *              there, no thread being left that started on the old code;
 *              it names no module (handle is ignored)
 *
 * With SV_PATCH_REVERT set in `flags`, FACTORY, INSTANCES, OBJECT and
 * SERVICE undo their change instead (a no-op for what is not applied).
 */
enum sv_patch_step {
	SV_PATCH_STEP_LOAD = 0,
	SV_PATCH_STEP_FACTORY = 1,
	SV_PATCH_STEP_INSTANCES = 2,
	SV_PATCH_STEP_OBJECT = 3,
	SV_PATCH_STEP_SERVICE = 4,
	SV_PATCH_STEP_CHECK = 5,
	SV_PATCH_STEP_COMMIT = 6,
	SV_PATCH_STEP_UNLOAD = 7,
	SV_PATCH_STEP_QUIESCE = 8,
	SV_PATCH_STEPS
};

#define SV_PATCH_REVERT 1u

/* Where the host put the module's manifest tables in guest memory (guest
 * addresses, within the patch area), after relocating them. */
struct sv_patch_module {
	uint64_t header;               /* struct sv_patch_header */
	uint64_t classes, nclasses;    /* struct sv_patch_class[] */
	uint64_t objects, nobjects;
	uint64_t services, nservices;
	uint64_t checks, nchecks;
	uint64_t text_base, text_size; /* the module's code, for the guest's */
	uint64_t data_base, data_size; /* own checks of who is inside it */
};

struct sv_patch_step_req {
	uint32_t step;                 /* enum sv_patch_step */
	uint32_t flags;                /* SV_PATCH_REVERT */
	uint32_t handle;               /* from LOAD */
	uint32_t change;               /* index into the step's table */
	uint32_t first, count;         /* INSTANCES: the batch */
	uint64_t module;               /* LOAD: guest address of sv_patch_module */
	uint64_t timeout_us;           /* per hot swap */
};

/* Phase timings of the hot swaps a step did, summed, and the worst. */
struct sv_patch_timings {
	uint64_t forward_ns, block_ns, transfer_ns, complete_ns;
	uint64_t longest_blocked_ns;   /* longest any call waited in a swap */
	uint64_t swaps;
};

#define SV_PATCH_DETAIL_MAX 512

struct sv_patch_step_resp {
	/* The step's result. The ring-level resp.status is SV_OK whenever
	 * the step was tried (so this answer and its detail reach the host:
	 * the dispatcher drops the data of an error answer), and an SV_E*
	 * code only for a request it could not read. */
	int32_t status;
	uint32_t handle;               /* LOAD */
	uint64_t done;                 /* instances/objects changed by this step */
	uint64_t tracked;              /* FACTORY: instances the factory tracks */
	struct sv_patch_timings timings;
	/* On failure: what failed, naming the object, the CPU and the threads
	 * still inside a swap that timed out. NUL-terminated. */
	char detail[SV_PATCH_DETAIL_MAX];
};

SV_STATIC_ASSERT(sizeof(struct sv_patch_header) == 104);
SV_STATIC_ASSERT(sizeof(struct sv_patch_class) == 56);
SV_STATIC_ASSERT(sizeof(struct sv_patch_object) == 48);
SV_STATIC_ASSERT(sizeof(struct sv_patch_function) == 80);
SV_STATIC_ASSERT(sizeof(struct sv_patch_mirror) == 72);
SV_STATIC_ASSERT(sizeof(struct sv_patch_caller) == 64);
SV_STATIC_ASSERT(sizeof(struct sv_patch_step_req) == 40);

#endif
