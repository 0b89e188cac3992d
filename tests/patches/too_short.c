// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch the monitor must refuse: it replaces serve_nop, the request
 * ring's SV_OP_NOP handler, whose 3 bytes (xor eax, eax; ret) leave no
 * room for the 5-byte jump at its entry.
 */
#include <sv/patch.h>

struct sv_ring_req;
struct sv_ring_resp;

SV_PATCH("too-short", 1, "serve_nop replaced: refused, too short");

static int serve_nop_replaced(const struct sv_ring_req *req, void *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data, (void)resp;
	return 0;
}

SV_PATCH_FUNCTION(nop, "serve_nop", serve_nop_replaced, 0);
