/* SPDX-License-Identifier: GPL-2.0-only */
/* Where the built programs are: under SV_BUILD_ROOT, set by meson test. */
#ifndef SV_TEST_PATHS_H
#define SV_TEST_PATHS_H

#include <cstdlib>
#include <string>

inline std::string build_path(const std::string &rel)
{
	const char *root = std::getenv("SV_BUILD_ROOT");
	return std::string(root ? root : ".") + "/" + rel;
}

inline std::string guest_path(const std::string &name)
{
	return build_path("tests/guests/" + name + ".elf");
}

#endif
