// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch: a descriptor audit service, which only the locked allocator of
 * descriptor-lock can serve, hence its dependency. SV_OP_CALL
 * "descriptor-audit" with arg = n takes n descriptors, stamps them, checks
 * the stamps and gives them back (SV_OP_DESCRIPTORS' exercise) and
 * answers SV_EPROTO if any descriptor was handed out twice: a promise
 * version 0's racy take cannot keep under load from every CPU. Its health
 * check runs one audit after it is applied.
 */
#include <kernel/descriptor_allocator.h>
#include <kernel/printf.h>
#include <sv/patch.h>
#include <sv/ring.h>

SV_PATCH("descriptor-audit", 1, "descriptors handed out once each, audited (needs the lock)");
SV_PATCH_DEPENDS(lock, "descriptor-lock", 1);

#define AUDIT_CHECK_DESCRIPTORS 64u

static int audit(uint64_t n, uint64_t *collisions)
{
	int error = descriptor_exercise(n, 0, collisions);

	return error ? error : *collisions ? SV_EPROTO : SV_OK;
}

static int serve_audit(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)data;
	return audit(req->arg, &resp->value);
}

SV_PATCH_SERVICE(audit, "descriptor-audit", serve_audit);

static int audit_passes(char why[SV_PATCH_WHY_MAX])
{
	uint64_t collisions = 0;
	int error = audit(AUDIT_CHECK_DESCRIPTORS, &collisions);

	if (error)
		snprintf(why, SV_PATCH_WHY_MAX, "audit of %u descriptors: error %d, %llu handed twice",
			 AUDIT_CHECK_DESCRIPTORS, error, (unsigned long long)collisions);
	return error;
}

SV_PATCH_CHECK(audit, "descriptor-audit", audit_passes);
