/* SPDX-License-Identifier: GPL-2.0-only */
/* The project's programs run from C++ tests (process.h underneath). */
#ifndef SV_TEST_PROGRAMS_HH
#define SV_TEST_PROGRAMS_HH

#include <string>
#include <vector>

#include "process.h"

inline std::vector<const char *> c_argv(const std::vector<std::string> &args)
{
	std::vector<const char *> argv;
	for (const auto &a : args)
		argv.push_back(a.c_str());
	argv.push_back(nullptr);
	return argv;
}

struct ProgramRun {
	int status = -1; // exit status, 128 + signal, -1 on timeout, -errno if it never ran
	std::string out, err;
};

// Runs args to completion, killed after timeout_s.
inline ProgramRun run_program(const std::vector<std::string> &args, int timeout_s)
{
	proc_result res{};
	ProgramRun out;
	int spawn = proc_run(c_argv(args).data(), timeout_s, &res);

	out.status = spawn ? spawn : res.status;
	out.out = res.out ? res.out : "";
	out.err = res.err ? res.err : "";
	proc_free(&res);
	return out;
}

#endif
