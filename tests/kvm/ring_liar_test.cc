// SPDX-License-Identifier: GPL-2.0-only
// A guest that answers the control queue with lies (tests/guests/
// ring_liar.c): the VMM refuses each answer, reports an error for the
// command, and goes on serving its control socket.
#include <gtest/gtest.h>

#include <string>
#include <unistd.h>

#include "control_client.h"
#include "json_fields.h"
#include "paths.hh"
#include "process.h"

namespace {

std::string request(int fd, const char *req)
{
	char resp[65536];
	if (ctl_request(fd, req, resp, sizeof(resp)))
		return "(no response)";
	return resp;
}

TEST(RingLiar, EveryLieOnTheControlQueueIsRefusedAndTheVmmServesOn)
{
	std::string sock = "/tmp/sv-ring-liar-" + std::to_string(getpid()) + ".sock";
	std::string log = "/tmp/sv-ring-liar-" + std::to_string(getpid()) + ".log";
	std::string vmm = build_path("vmm/swapvisor"), kernel = guest_path("ring_liar");
	const char *argv[] = { vmm.c_str(), "run", "--kernel", kernel.c_str(), "--cpus", "2",
			       "--control", sock.c_str(), nullptr };
	pid_t pid = proc_spawn(argv, log.c_str());
	ASSERT_GT(pid, 0);
	int fd = ctl_connect(sock.c_str(), 60);
	ASSERT_GE(fd, 0);

	// Slot out of range, a slot never posted, a wrong tag, a length past
	// the slot, an unknown status, a completion index run ahead.
	for (int lie = 0; lie < 6; lie++) {
		std::string r = request(fd, R"({"cmd":"guest-stats"})");
		int ok = 1;
		char error[256] = "";
		ASSERT_EQ(jf_bool(r.c_str(), "ok", &ok), 0) << r;
		EXPECT_FALSE(ok) << "lie " << lie << ": " << r;
		ASSERT_EQ(jf_string(r.c_str(), "error", error, sizeof(error)), 0) << r;
		EXPECT_EQ(std::string(error).rfind("guest-stats: ", 0), 0u) << error;
		std::string status = request(fd, R"({"cmd":"status"})");
		EXPECT_NE(status.find("\"ok\":true"), std::string::npos) << status;
	}
	request(fd, R"({"cmd":"quit"})");
	close(fd);
	EXPECT_EQ(proc_wait(pid, 60), 0);
	char *text = read_text_file(log.c_str());
	std::string console = text ? text : "";
	std::free(text);
	EXPECT_NE(console.find("ring queue"), std::string::npos)
		<< "the VMM should name the queue of each refused completion: " << console;
	unlink(log.c_str());
}

} // namespace
