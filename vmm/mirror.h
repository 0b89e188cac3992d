/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mirrors (mirror.c): two copies of one guest global, its old layout and
 * its new one, kept equal byte for byte in their mapped ranges while the
 * guest runs, so that code of either version can work on its own copy
 * during a binary patch. Built on write protection (vm_protect).
 */
#ifndef SV_VMM_MIRROR_H
#define SV_VMM_MIRROR_H

#include "mirror_map.h"
#include "vm.h"

struct mirror_stats {
	uint64_t trapped;        /* guest writes into either copy */
	uint64_t passed;         /* other guest writes on the protected pages */
	uint64_t mirrored_bytes; /* bytes copied to the other copy */
	uint64_t trap_ns;        /* time in the write hook, summed over vCPUs */
};

/*
 * Pauses the VM, write-protects the pages of both copies, builds the new
 * copy (zero, then each copy range from the old one) and resumes. *id gets
 * the mirror's id (1, 2, ...; never reused while the VMM runs). Returns 0
 * or a negative errno with a message naming the copy or pages in err:
 * -EINVAL (the spec, see mirror_spec_check), -EFAULT (a copy outside RAM),
 * -ENOSPC (VM_MIRRORS_MAX mirrors already), -EEXIST (a page already
 * protected, by another mirror or range), -ESHUTDOWN, -ENOMEM, or a
 * memslot error.
 */
int mirror_start(struct vm *vm, const struct mirror_spec *spec, unsigned *id,
		 char *err, size_t errlen);

/* Unprotects the pages and ends the mirror, giving its final stats.
 * -ENOENT for an id that is no running mirror; on any other error the
 * mirror keeps running. */
int mirror_stop(struct vm *vm, unsigned id, struct mirror_stats *stats);

/* The id of the running mirror one of whose copies starts at gpa, or
 * -ENOENT. */
int mirror_find(struct vm *vm, uint64_t gpa, unsigned *id);

/* The stats of a running mirror, or -ENOENT. */
int mirror_get_stats(struct vm *vm, unsigned id, struct mirror_stats *stats);

/* Frees every mirror of a VM whose vCPUs have stopped (vm_destroy). */
void mirrors_release(struct vm *vm);

#endif
