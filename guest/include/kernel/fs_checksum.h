/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The file system's Adler-32 (as zlib defines it: RFC 1950), behind
 * SV_OP_CHECKSUM. Arch-neutral and free of the rest of the file system,
 * so the unit tests compile it on the host.
 */
#ifndef SV_KERNEL_FS_CHECKSUM_H
#define SV_KERNEL_FS_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#define FS_CHECKSUM_INIT 1u /* the Adler-32 of no bytes */

/* adler updated with buf[0 .. len). KNOWN BUG, kept on purpose: wrong for
 * bytes from 0x80 up (see fs_checksum.c). */
uint32_t fs_checksum_update(uint32_t adler, const void *buf, size_t len);

#endif
