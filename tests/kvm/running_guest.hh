/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The default guest kernel running under swapvisor with a control socket,
 * for tests that talk to its services: started, waited for (its control
 * queue answers guest-stats once the services serve), stopped by quit.
 */
#ifndef SV_TEST_RUNNING_GUEST_HH
#define SV_TEST_RUNNING_GUEST_HH

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include "control_client.h"
#include "json_fields.h"
#include "paths.hh"
#include "process.h"

class RunningGuest {
public:
	// Boots, with `extra` options for `swapvisor run` (such as
	// --patch-key); false (with the log in why) when the guest never served.
	// The test kernel (the kernel plus tests/guest, with its built-in
	// services) instead of the production one, for the next start.
	void use_test_kernel() { kernel_ = "tests/guest/sv-kernel-test.elf"; }

	bool start(unsigned cpus, const std::string &tag, std::string *why,
		   const std::vector<std::string> &extra = {})
	{
		std::string base = "/tmp/sv-" + tag + "-" + std::to_string(getpid());
		socket_ = base + ".sock";
		log_ = base + ".log";
		std::vector<std::string> args = { build_path("vmm/swapvisor"), "run", "--kernel",
						  build_path(kernel_), "--cpus",
						  std::to_string(cpus), "--control", socket_ };
		args.insert(args.end(), extra.begin(), extra.end());
		std::vector<const char *> argv;
		for (const auto &a : args)
			argv.push_back(a.c_str());
		argv.push_back(nullptr);
		pid_ = proc_spawn(argv.data(), log_.c_str());
		fd_ = pid_ > 0 ? ctl_connect(socket_.c_str(), 120) : -1;
		for (int i = 0; fd_ >= 0 && i < 24; i++) // 5 s per try: two minutes
			if (request(R"({"cmd":"guest-stats"})").find("\"ok\":true") !=
			    std::string::npos)
				return true;
		*why = "the guest's services never answered: " + log();
		return false;
	}

	// Quits the VM; its exit status (0 expected).
	int stop()
	{
		if (fd_ >= 0) {
			request(R"({"cmd":"quit"})");
			close(fd_);
			fd_ = -1;
		}
		int status = pid_ > 0 ? proc_wait(pid_, 60) : -1;
		pid_ = -1;
		return status;
	}

	~RunningGuest()
	{
		if (pid_ > 0)
			stop();
		unlink(log_.c_str());
	}

	std::string request(const std::string &req)
	{
		static char resp[1 << 20];
		if (ctl_request(fd_, req.c_str(), resp, sizeof(resp)))
			return "(no response)";
		return resp;
	}

	std::string log() const
	{
		char *text = read_text_file(log_.c_str());
		std::string s = text ? text : "";
		std::free(text);
		return s;
	}

	const std::string &socket() const { return socket_; }

private:
	std::string socket_, log_;
	std::string kernel_ = "guest/sv-kernel.elf";
	pid_t pid_ = -1;
	int fd_ = -1;
};

#endif
