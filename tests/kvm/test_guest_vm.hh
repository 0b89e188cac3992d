/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small test guest (tests/guests/) running under swapvisor with a control
 * socket: started, requests sent over one or more connections, guest memory
 * read by symbol, and its exit status collected. For tests of the control
 * commands that need a guest whose memory layout they know.
 */
#ifndef SV_TEST_TEST_GUEST_VM_HH
#define SV_TEST_TEST_GUEST_VM_HH

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "control_client.h"
#include "elf_symbols.h"
#include "json_fields.h"
#include "paths.hh"
#include "process.h"

class TestGuestVm {
public:
	// Boots tests/guests/NAME.elf on `cpus` vCPUs; false (why says so)
	// when its control socket never came up.
	bool start(const std::string &name, unsigned cpus, std::string *why)
	{
		kernel_ = guest_path(name);
		std::string base = "/tmp/sv-" + name + "-vm-" + std::to_string(getpid());
		socket_ = base + ".sock";
		log_ = base + ".log";
		std::string swapvisor = build_path("vmm/swapvisor"), ncpus = std::to_string(cpus);
		const char *argv[] = { swapvisor.c_str(), "run", "--kernel", kernel_.c_str(),
				       "--cpus", ncpus.c_str(), "--control", socket_.c_str(), nullptr };
		pid_ = proc_spawn(argv, log_.c_str());
		int fd = pid_ > 0 ? connect() : -1;
		if (fd < 0) {
			*why = "no control socket: " + log();
			return false;
		}
		return true;
	}

	~TestGuestVm()
	{
		if (pid_ > 0) {
			request(R"({"cmd":"quit"})");
			proc_wait(pid_, 30); // killed if it hangs
		}
		for (int fd : fds_)
			close(fd);
		unlink(log_.c_str());
	}

	// Another connection; requests name it by the index returned.
	int connect()
	{
		int fd = ctl_connect(socket_.c_str(), 60);
		if (fd < 0)
			return -1;
		fds_.push_back(fd);
		return (int)fds_.size() - 1;
	}

	std::string request(const std::string &req, int conn = 0)
	{
		static char resp[1 << 16];
		if (conn >= (int)fds_.size() || ctl_request(fds_[conn], req.c_str(), resp, sizeof(resp)))
			return "(no response)";
		return resp;
	}

	uint64_t symbol(const char *name) const { return elf_symbol(kernel_.c_str(), name); }

	std::vector<uint8_t> read(uint64_t gpa, size_t len)
	{
		std::string r = request(R"({"cmd":"read-phys","addr":)" + std::to_string(gpa) +
					R"(,"len":)" + std::to_string(len) + "}");
		std::string hex(2 * len + 1, '\0');
		std::vector<uint8_t> bytes;
		if (jf_string(r.c_str(), "data", &hex[0], hex.size()))
			return bytes;
		for (size_t i = 0; i < len; i++)
			bytes.push_back((uint8_t)std::stoul(hex.substr(2 * i, 2), nullptr, 16));
		return bytes;
	}

	uint64_t read_u64(uint64_t gpa)
	{
		std::vector<uint8_t> b = read(gpa, 8);
		uint64_t v = 0;
		for (size_t i = b.size(); i-- > 0;)
			v = v << 8 | b[i];
		return v;
	}

	// Waits (up to a minute) for the u64 at gpa to become nonzero.
	bool wait_nonzero(uint64_t gpa)
	{
		for (int i = 0; i < 6000; i++) {
			if (read_u64(gpa))
				return true;
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
		return false;
	}

	// The guest's exit status, once it exits by itself.
	int wait_exit()
	{
		int status = proc_wait(pid_, 120);
		pid_ = -1;
		return status;
	}

	std::string log() const
	{
		char *text = read_text_file(log_.c_str());
		std::string s = text ? text : "";
		std::free(text);
		return s;
	}

	const std::string &kernel() const { return kernel_; }

private:
	std::string kernel_, socket_, log_;
	pid_t pid_ = -1;
	std::vector<int> fds_;
};

// A field of a JSON answer, or the fallback when it is missing.
inline uint64_t json_u64(const std::string &json, const char *path, uint64_t fallback = ~0ull)
{
	uint64_t v;
	return jf_u64(json.c_str(), path, &v) ? fallback : v;
}

inline std::string json_str(const std::string &json, const char *path)
{
	char buf[1024];
	return jf_string(json.c_str(), path, buf, sizeof(buf)) ? "" : buf;
}

inline bool json_ok(const std::string &json)
{
	int ok = 0;
	return jf_bool(json.c_str(), "ok", &ok) == 0 && ok;
}

inline std::string hex_of(uint64_t v, unsigned bytes = 8)
{
	static const char digits[] = "0123456789abcdef";
	std::string s;
	for (unsigned i = 0; i < bytes; i++, v >>= 8) {
		s += digits[(v >> 4) & 15];
		s += digits[v & 15];
	}
	return s;
}

#endif
