// SPDX-License-Identifier: GPL-2.0-only
// The foundation's proof that KVM works where the kvm suite runs: natively,
// or inside tools/kvm-sandbox's nested VM.
#include <gtest/gtest.h>

#include <cstdlib>
#include <linux/kvm.h>

#include "smoke.h"

TEST(KvmSmoke, GuestOutReachesUserspace)
{
	const char *where = std::getenv("SV_SANDBOX");
	std::printf("kvm smoke test running %s\n",
		    where && std::string(where) == "qemu" ? "inside the kvm-sandbox VM (nested KVM under QEMU)"
							  : "on the host's /dev/kvm");
	RecordProperty("sandbox", where ? where : "none");

	struct smoke_result res;
	smoke_run_out(0x3f8, 0x5a, &res);
	ASSERT_EQ(res.error, 0) << res.step << " failed";
	EXPECT_EQ(res.exit_reason, (uint32_t)KVM_EXIT_IO);
	EXPECT_EQ(res.port, 0x3f8);
	EXPECT_EQ(res.size, 1u);
	EXPECT_EQ(res.value, 0x5a);
}
