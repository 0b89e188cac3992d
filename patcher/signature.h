/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bundle signatures: Ed25519 (libsodium) over the whole bundle file with
 * its .svp.sig section's bytes zeroed; the section then holds the
 * signer's public key and the signature (struct sv_patch_signature).
 */
#ifndef SV_PATCHER_SIGNATURE_H
#define SV_PATCHER_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIGNATURE_KEY_BYTES 32  /* a public key, and a secret key's seed */

enum signature_status {
	SIGNATURE_OK = 0,
	SIGNATURE_UNSIGNED = -1,   /* no .svp.sig, or an all-zero one */
	SIGNATURE_UNTRUSTED = -2,  /* by a key not in the trusted list */
	SIGNATURE_BAD = -3,        /* the bytes changed after signing */
};

/* Signs b in place (b->bytes; the manifest read from it stays valid) with
 * the key whose secret seed is given. The bundle needs a .svp.sig section
 * to sign into. Returns 0, or -1 with err. */
int signature_sign(struct bundle *b, const uint8_t seed[SIGNATURE_KEY_BYTES],
		   char *err, size_t errlen);

/* Checks b's signature against the ntrusted public keys; err says why a
 * bundle is refused, naming the file and, if untrusted, the key. */
enum signature_status signature_verify(const struct bundle *b,
				       const uint8_t (*trusted)[SIGNATURE_KEY_BYTES],
				       size_t ntrusted, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
