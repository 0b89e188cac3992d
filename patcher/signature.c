// SPDX-License-Identifier: GPL-2.0-only
#include "signature.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"

_Static_assert(crypto_sign_PUBLICKEYBYTES == SIGNATURE_KEY_BYTES &&
	       crypto_sign_SEEDBYTES == SIGNATURE_KEY_BYTES &&
	       crypto_sign_BYTES == sizeof(((struct sv_patch_signature *)0)->signature),
	       "struct sv_patch_signature holds an Ed25519 key and signature");

/* A copy of the file with the signature section zeroed: what is signed. */
static uint8_t *signed_bytes(const struct bundle *b)
{
	uint8_t *copy = malloc(b->size ? b->size : 1);

	if (copy) {
		memcpy(copy, b->bytes, b->size);
		memset(copy + b->sig_offset, 0, b->sig_size);
	}
	return copy;
}

int signature_sign(struct bundle *b, const uint8_t seed[SIGNATURE_KEY_BYTES],
		   char *err, size_t errlen)
{
	struct sv_patch_signature sig;
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	uint8_t *msg;

	if (!b->sig_size)
		return patcher_fail(err, errlen, b->path, "no .svp.sig section to sign into");
	if (sodium_init() < 0 || !(msg = signed_bytes(b)))
		return patcher_fail(err, errlen, b->path, "cannot set up signing");
	crypto_sign_seed_keypair(sig.public_key, sk, seed);
	crypto_sign_detached(sig.signature, NULL, msg, b->size, sk);
	sodium_memzero(sk, sizeof(sk));
	free(msg);
	memcpy(b->bytes + b->sig_offset, &sig, sizeof(sig));
	return 0;
}

static int trusted_key(const uint8_t *key, const uint8_t (*trusted)[SIGNATURE_KEY_BYTES],
		       size_t ntrusted)
{
	for (size_t i = 0; i < ntrusted; i++)
		if (!memcmp(key, trusted[i], SIGNATURE_KEY_BYTES))
			return 1;
	return 0;
}

enum signature_status signature_verify(const struct bundle *b,
				       const uint8_t (*trusted)[SIGNATURE_KEY_BYTES],
				       size_t ntrusted, char *err, size_t errlen)
{
	struct sv_patch_signature sig;
	char hex[2 * 8 + 1];
	uint8_t *msg;
	int good;

	if (!b->sig_size) {
		patcher_fail(err, errlen, b->path, "unsigned: no .svp.sig section");
		return SIGNATURE_UNSIGNED;
	}
	memcpy(&sig, b->bytes + b->sig_offset, sizeof(sig));
	if (sodium_is_zero((const uint8_t *)&sig, sizeof(sig))) {
		patcher_fail(err, errlen, b->path, "unsigned: .svp.sig is empty");
		return SIGNATURE_UNSIGNED;
	}
	if (!trusted_key(sig.public_key, trusted, ntrusted)) {
		sodium_bin2hex(hex, sizeof(hex), sig.public_key, 8);
		patcher_fail(err, errlen, b->path, "signed by key %s... which is not trusted", hex);
		return SIGNATURE_UNTRUSTED;
	}
	if (sodium_init() < 0 || !(msg = signed_bytes(b))) {
		patcher_fail(err, errlen, b->path, "bad signature: cannot set up verifying");
		return SIGNATURE_BAD;
	}
	good = !crypto_sign_verify_detached(sig.signature, msg, b->size, sig.public_key);
	free(msg);
	if (!good) {
		patcher_fail(err, errlen, b->path,
			     "bad signature: the bundle changed after it was signed");
		return SIGNATURE_BAD;
	}
	return SIGNATURE_OK;
}
