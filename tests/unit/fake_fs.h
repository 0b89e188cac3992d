/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small in-memory file system answering the request ring's service
 * opcodes (sv/ring.h) the way the guest's services do, with the same
 * checks of untrusted requests: for the fake guest of the unit tests.
 * Thread-safe (one lock).
 */
#ifndef SV_TEST_FAKE_FS_H
#define SV_TEST_FAKE_FS_H

#include <stdbool.h>

#include <sv/ring.h>

#define FAKE_FS_FILE_MAX (1ull << 30) /* offsets and sizes past this: SV_EFBIG */

struct fake_fs;

struct fake_fs *fake_fs_create(void);
void fake_fs_destroy(struct fake_fs *fs);

/* From now on SV_OP_CHECKSUM answers as the guest kernel does without the
 * checksum-fix patch (on: bytes summed as signed char) or with it (off,
 * the default). */
void fake_fs_checksum_bug(struct fake_fs *fs, bool on);

/* Executes req; data holds its payload and receives the response data.
 * Fills resp except tag and op. */
void fake_fs_execute(struct fake_fs *fs, const struct sv_ring_req *req,
		     uint8_t data[SV_RING_DATA_MAX], struct sv_ring_resp *resp);

#endif
