// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring-call: one SV_OP_CALL of a guest service over the request ring, for
 * the benchmark scripts (which cannot attach the ring themselves):
 *
 *   ring-call SOCKET SERVICE [PAYLOAD]
 *
 * prints {"status":S,"value":V,"arg":A} (the answer's fields) and exits 0
 * when the call was answered, 1 with a message on stderr when not. It
 * holds the ring only while it runs (one ring client at a time).
 */
#include <stdio.h>
#include <string.h>

#include "ring_session.h"

#define SV_OP_CALL 13 /* sv/ring.h */
#define CALL_TIMEOUT_MS 600000

int main(int argc, char **argv)
{
	static struct rs_answer ans;
	struct rs_request req = { .op = SV_OP_CALL };
	struct ring_session *s;
	char msg[256];
	int ret;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: ring-call SOCKET SERVICE [PAYLOAD]\n");
		return 2;
	}
	req.path = argv[2];
	req.path_len = (uint32_t)strlen(argv[2]);
	req.data = argc == 4 ? argv[3] : NULL;
	req.len = argc == 4 ? strlen(argv[3]) : 0;
	s = rs_attach(argv[1], msg, sizeof(msg));
	if (!s) {
		fprintf(stderr, "ring-call: %s: %s\n", argv[1], msg);
		return 1;
	}
	ret = rs_call(s, 0, &req, CALL_TIMEOUT_MS, &ans, msg, sizeof(msg));
	rs_detach(s);
	if (ret) {
		fprintf(stderr, "ring-call: %s: %s\n", argv[2], msg);
		return 1;
	}
	printf("{\"status\":%d,\"value\":%llu,\"arg\":%llu}\n", ans.status,
	       (unsigned long long)ans.value, (unsigned long long)ans.arg);
	return 0;
}
