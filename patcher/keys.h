/* SPDX-License-Identifier: GPL-2.0-only */
/* Signing key files: one line of hex each, PREFIX.key (the 32-byte Ed25519
 * seed, mode 0600) and PREFIX.pub (the public key). */
#ifndef SV_PATCHER_KEYS_H
#define SV_PATCHER_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "signature.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes a new key pair to prefix.key and prefix.pub. 0, or -1 with err. */
int key_generate(const char *prefix, char *err, size_t errlen);

/* Reads a key file (either kind: both are 32 bytes of hex). 0 or -1. */
int key_read(const char *path, uint8_t key[SIGNATURE_KEY_BYTES], char *err, size_t errlen);

/* The public key of a secret seed. */
void key_public(const uint8_t seed[SIGNATURE_KEY_BYTES], uint8_t pub[SIGNATURE_KEY_BYTES]);

#ifdef __cplusplus
}
#endif

#endif
