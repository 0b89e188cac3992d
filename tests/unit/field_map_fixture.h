// SPDX-License-Identifier: GPL-2.0-only
// The field map tests' fixtures: layouts read from the objects meson
// compiles from fieldmaps/ (fieldmap-old.o, fieldmap-new.o,
// fieldmap-nodwarf.o in SV_FIELDMAPS) and other files, and maps derived
// from them, owned for one test.
#ifndef SV_TEST_FIELD_MAP_FIXTURE_H
#define SV_TEST_FIELD_MAP_FIXTURE_H

#include <gtest/gtest.h>

#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "field_map.h"

inline std::string fieldmap_object(const char *which)
{
	return std::string(std::getenv("SV_FIELDMAPS")) + "/fieldmap-" + which + ".o";
}

// field_layout_of_variable (or, with is_struct, field_layout_of_struct).
struct Layout {
	field_layout l{};
	int rc;
	std::string err;
	Layout(const std::string &path, const char *name, bool is_struct = false)
	{
		char e[1024] = "";
		rc = is_struct ? field_layout_of_struct(path.c_str(), name, &l, e, sizeof(e))
			       : field_layout_of_variable(path.c_str(), name, &l, e, sizeof(e));
		err = e;
	}
	~Layout() { field_layout_free(&l); }
	Layout(const Layout &) = delete;
	Layout &operator=(const Layout &) = delete;
};

// The map from variable `name` in one object to the same name in another
// (old to new unless reversed).
struct Map {
	Layout from, to;
	field_map m{};
	int rc = -2;
	Map(const char *name, bool reversed = false)
		: from(fieldmap_object(reversed ? "new" : "old"), name),
		  to(fieldmap_object(reversed ? "old" : "new"), name)
	{
		EXPECT_EQ(from.rc, 0) << from.err;
		EXPECT_EQ(to.rc, 0) << to.err;
		if (!from.rc && !to.rc)
			rc = field_map_derive(&from.l, &to.l, &m);
	}
	~Map() { field_map_free(&m); }
	Map(const Map &) = delete;
	Map &operator=(const Map &) = delete;

	std::vector<field_copy> copies() const { return { m.copies, m.copies + m.ncopies }; }
	std::vector<std::string> lines() const
	{
		std::vector<std::string> out;
		char buf[2048];
		for (size_t i = 0; i < m.nfields; i++) {
			field_map_line(&m, i, buf, sizeof(buf));
			out.push_back(buf);
		}
		return out;
	}
	std::string summary() const
	{
		char buf[2048];
		field_map_summary(&m, buf, sizeof(buf));
		return buf;
	}
};

inline bool operator==(const field_copy &a, const field_copy &b)
{
	return a.old_off == b.old_off && a.new_off == b.new_off && a.size == b.size;
}

inline std::ostream &operator<<(std::ostream &os, const field_copy &c)
{
	return os << "{old +" << c.old_off << ", new +" << c.new_off << ", " << c.size << " bytes}";
}

#endif
