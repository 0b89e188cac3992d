/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Requests the KVM tests send through ring_session (sv/ring.h, the ABI,
 * is C11 only). What SV_OP_CHECKSUM should answer is tools/adler32's.
 */
#ifndef SV_TEST_RING_REQUESTS_HH
#define SV_TEST_RING_REQUESTS_HH

#include <cstddef>
#include <cstdint>
#include <string>

#include "ring_session.h"

// op on `path` (a file, or a built-in service's name for SV_OP_CALL) with
// len bytes of payload; path and data must outlive the request.
inline rs_request ring_request(uint32_t op, const std::string &path, const void *data = nullptr,
			       size_t len = 0)
{
	rs_request r{};
	r.op = op;
	r.path = path.c_str();
	r.path_len = (uint32_t)path.size();
	r.data = data;
	r.len = len;
	return r;
}

#endif
