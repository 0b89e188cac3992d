/* SPDX-License-Identifier: GPL-2.0-only */
/* guest_image_visit_code in plain types for code_index_test.cc (the
 * patcher's headers bring in sv/patch.h, which is C). */
#ifndef SV_TEST_CODE_INDEX_SHIM_H
#define SV_TEST_CODE_INDEX_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every named symbol in the kernel's code: size 0 for assembly labels,
 * bytes (valid during the call) up to the end of its section. */
typedef int (*cis_visit)(void *ctx, const char *name, uint64_t addr, uint64_t size,
			 const uint8_t *bytes, uint64_t avail);
int cis_kernel_code(const char *path, cis_visit visit, void *ctx, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
