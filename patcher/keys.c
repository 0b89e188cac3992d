// SPDX-License-Identifier: GPL-2.0-only
#include "keys.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "whole_file.h"

#define HEX_LEN (2 * SIGNATURE_KEY_BYTES)

static int write_key(const char *prefix, const char *suffix, const uint8_t *key,
		     unsigned mode, char *err, size_t errlen)
{
	char path[4096], line[HEX_LEN + 2];

	if ((size_t)snprintf(path, sizeof(path), "%s%s", prefix, suffix) >= sizeof(path))
		return patcher_fail(err, errlen, prefix, "path too long");
	sodium_bin2hex(line, sizeof(line), key, SIGNATURE_KEY_BYTES);
	strcat(line, "\n");
	if (write_file_atomic(path, line, strlen(line), mode)) {
		sodium_memzero(line, sizeof(line));
		return patcher_fail(err, errlen, path, "cannot write: %s", strerror(errno));
	}
	sodium_memzero(line, sizeof(line));
	return 0;
}

int key_generate(const char *prefix, char *err, size_t errlen)
{
	uint8_t seed[SIGNATURE_KEY_BYTES], pub[SIGNATURE_KEY_BYTES];
	int rc;

	if (sodium_init() < 0)
		return patcher_fail(err, errlen, prefix, "cannot initialise libsodium");
	randombytes_buf(seed, sizeof(seed));
	key_public(seed, pub);
	rc = write_key(prefix, ".key", seed, 0600, err, errlen);
	sodium_memzero(seed, sizeof(seed));
	return rc ? rc : write_key(prefix, ".pub", pub, 0644, err, errlen);
}

int key_read(const char *path, uint8_t key[SIGNATURE_KEY_BYTES], char *err, size_t errlen)
{
	size_t size, len;
	char *text = (char *)read_file(path, &size);
	const char *end;
	int bad;

	if (!text)
		return patcher_fail(err, errlen, path, "cannot read: %s", strerror(errno));
	bad = sodium_hex2bin(key, SIGNATURE_KEY_BYTES, text, size, NULL, &len, &end) ||
	      len != SIGNATURE_KEY_BYTES || end[strspn(end, "\r\n")];
	sodium_memzero(text, size);
	free(text);
	if (bad)
		return patcher_fail(err, errlen, path, "not a key: want one line of %d hex digits",
				    HEX_LEN);
	return 0;
}

void key_public(const uint8_t seed[SIGNATURE_KEY_BYTES], uint8_t pub[SIGNATURE_KEY_BYTES])
{
	uint8_t sk[crypto_sign_SECRETKEYBYTES];

	crypto_sign_seed_keypair(pub, sk, seed);
	sodium_memzero(sk, sizeof(sk));
}
