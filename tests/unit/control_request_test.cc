// SPDX-License-Identifier: GPL-2.0-only
// Parsing and validation of control-socket requests (vmm/control_request.c):
// every command, every kind of bad input and its exact message, both number
// forms and the boundaries of every range.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "control_request_shim.h"

namespace {

struct Result {
	bool ok;
	crs_request req;
	std::string error;
};

Result Parse(const std::string &line)
{
	Result r{};
	char err[512];

	r.ok = crs_parse(line.data(), line.size(), &r.req, err, sizeof(err)) == 0;
	r.error = err;
	return r;
}

// The error message for line, failing the test if the line parsed.
std::string ErrorOf(const std::string &line)
{
	Result r = Parse(line);

	EXPECT_FALSE(r.ok) << "accepted: " << line;
	EXPECT_FALSE(r.error.empty()) << "no message for: " << line;
	return r.error;
}

crs_request Ok(const std::string &line)
{
	Result r = Parse(line);

	EXPECT_TRUE(r.ok) << line << " -> " << r.error;
	return r.req;
}

bool StartsWith(const std::string &s, const std::string &prefix)
{
	return s.compare(0, prefix.size(), prefix) == 0;
}

bool PrintableAscii(const std::string &s)
{
	for (unsigned char c : s)
		if (c < 0x20 || c > 0x7e)
			return false;
	return true;
}

// ---- every command ---------------------------------------------------

TEST(ControlRequest, ParsesArgumentlessCommands)
{
	EXPECT_STREQ(Ok(R"({"cmd":"status"})").cmd, "status");
	EXPECT_STREQ(Ok(R"({"cmd":"pause"})").cmd, "pause");
	EXPECT_STREQ(Ok(R"({"cmd":"resume"})").cmd, "resume");
}

TEST(ControlRequest, ParsesRegs)
{
	crs_request r = Ok(R"({"cmd":"regs","cpu":3})");

	EXPECT_STREQ(r.cmd, "regs");
	EXPECT_EQ(r.cpu, 3u);
}

TEST(ControlRequest, ParsesReadPhysIntegers)
{
	crs_request r = Ok(R"({"cmd":"read-phys","addr":4096,"len":16})");

	EXPECT_STREQ(r.cmd, "read-phys");
	EXPECT_EQ(r.addr, 4096u);
	EXPECT_EQ(r.len, 16u);
}

TEST(ControlRequest, ParsesTranslate)
{
	crs_request r = Ok(R"({"cmd":"translate","cpu":1,"vaddr":"0xffffffff80001000"})");

	EXPECT_STREQ(r.cmd, "translate");
	EXPECT_EQ(r.cpu, 1u);
	EXPECT_EQ(r.vaddr, 0xffffffff80001000ull);
}

TEST(ControlRequest, QuitStatusDefaultsToZero)
{
	EXPECT_EQ(Ok(R"({"cmd":"quit"})").status, 0);
	EXPECT_EQ(Ok(R"({"cmd":"quit","status":7})").status, 7);
}

TEST(ControlRequest, KeyOrderDoesNotMatter)
{
	crs_request r = Ok(R"({"len":2,"addr":"0x10","cmd":"read-phys"})");

	EXPECT_EQ(r.addr, 0x10u);
	EXPECT_EQ(r.len, 2u);
}

TEST(ControlRequest, ToleratesWhitespace)
{
	EXPECT_EQ(Ok(" { \"cmd\" : \"regs\" , \"cpu\" : 2 } ").cpu, 2u);
}

TEST(ControlRequest, CommandNamesRoundTrip)
{
	ASSERT_EQ(crs_cmd_count(), 16);
	for (int i = 0; i < crs_cmd_count(); i++) {
		const char *name = crs_cmd_name(i);

		ASSERT_NE(name, nullptr) << i;
		// Every name parses back as that command (the arguments differ
		// per command, so only the command-name error is ruled out).
		Result r = Parse(std::string(R"({"cmd":")") + name + "\"}");
		EXPECT_EQ(r.error.find("unknown command"), std::string::npos) << name;
	}
	EXPECT_EQ(crs_cmd_name(crs_cmd_count()), nullptr);
	EXPECT_EQ(crs_cmd_name(-1), nullptr);
}

// ---- id ----------------------------------------------------------------

TEST(ControlRequest, IdIsAnyJsonValue)
{
	EXPECT_STREQ(Ok(R"({"cmd":"status","id":42})").id, "42");
	EXPECT_STREQ(Ok(R"({"cmd":"status","id":"abc"})").id, "\"abc\"");
	EXPECT_STREQ(Ok(R"({"id":{"seq":[1,2]},"cmd":"status"})").id, R"({"seq":[1,2]})");
	EXPECT_STREQ(Ok(R"({"cmd":"status","id":null})").id, "null");
	EXPECT_STREQ(Ok(R"({"cmd":"status"})").id, "");
}

TEST(ControlRequest, IdSurvivesErrors)
{
	Result r = Parse(R"({"id":7,"cmd":"nope"})");

	EXPECT_FALSE(r.ok);
	EXPECT_STREQ(r.req.id, "7");
	r = Parse(R"({"id":"x","cmd":"read-phys","addr":0,"len":0})");
	EXPECT_FALSE(r.ok);
	EXPECT_STREQ(r.req.id, "\"x\"");
}

// ---- malformed requests -------------------------------------------------

TEST(ControlRequest, MalformedJson)
{
	EXPECT_TRUE(StartsWith(ErrorOf(R"({"cmd":)"), "malformed JSON at column "));
	EXPECT_TRUE(StartsWith(ErrorOf(""), "malformed JSON at column "));
	EXPECT_TRUE(StartsWith(ErrorOf(R"({"cmd":"status"} x)"), "malformed JSON"));
	EXPECT_TRUE(StartsWith(ErrorOf(R"({'cmd':'status'})"), "malformed JSON"));
}

TEST(ControlRequest, DuplicateKeysAreRefused)
{
	// Which "cmd" would win is the parser's accident: refuse instead.
	std::string e = ErrorOf(R"({"cmd":"status","cmd":"quit"})");

	EXPECT_TRUE(StartsWith(e, "malformed JSON")) << e;
	EXPECT_NE(e.find("duplicate"), std::string::npos) << e;
}

TEST(ControlRequest, EmbeddedNulIsMalformed)
{
	std::string line("{\"cmd\":\"status\"}\0", 17);

	EXPECT_TRUE(StartsWith(ErrorOf(line), "malformed JSON"));
}

TEST(ControlRequest, ErrorsStayPrintableAscii)
{
	// Invalid UTF-8 that jansson may quote back, and a valid non-ASCII name.
	std::string bad = ErrorOf("{\"cmd\":\"\xff\xfe\"}");
	std::string accented = ErrorOf("{\"cmd\":\"st\xc3\xa4tus\"}");

	EXPECT_TRUE(PrintableAscii(bad)) << bad;
	EXPECT_EQ(accented, R"(unknown command "st\u00E4tus")");
}

TEST(ControlRequest, NonObjectRequests)
{
	EXPECT_EQ(ErrorOf("[1]"), "request must be a JSON object, got an array");
	EXPECT_EQ(ErrorOf(R"("status")"), "request must be a JSON object, got a string");
	EXPECT_EQ(ErrorOf("42"), "request must be a JSON object, got an integer");
	EXPECT_EQ(ErrorOf("1.5"), "request must be a JSON object, got a real number");
	EXPECT_EQ(ErrorOf("null"), "request must be a JSON object, got null");
	EXPECT_EQ(ErrorOf("true"), "request must be a JSON object, got true");
}

TEST(ControlRequest, MissingOrBadCmd)
{
	EXPECT_EQ(ErrorOf("{}"), R"(request has no "cmd")");
	EXPECT_EQ(ErrorOf(R"({"id":1})"), R"(request has no "cmd")");
	EXPECT_EQ(ErrorOf(R"({"cmd":5})"), R"("cmd" must be a string, got 5)");
	EXPECT_EQ(ErrorOf(R"({"cmd":["status"]})"), R"("cmd" must be a string, got ["status"])");
	EXPECT_EQ(ErrorOf(R"({"cmd":"stats"})"), R"(unknown command "stats")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"STATUS"})"), R"(unknown command "STATUS")");
	EXPECT_EQ(ErrorOf(R"({"cmd":""})"), R"(unknown command "")");
}

TEST(ControlRequest, LongValuesAreCutInMessages)
{
	std::string e = ErrorOf(R"({"cmd":")" + std::string(5000, 'x') + "\"}");

	EXPECT_TRUE(StartsWith(e, "unknown command \"xxxx")) << e;
	EXPECT_LT(e.size(), 100u);
	EXPECT_EQ(e.substr(e.size() - 3), "...");
}

TEST(ControlRequest, UnknownKeysAreRefused)
{
	EXPECT_EQ(ErrorOf(R"({"cmd":"status","verbose":true})"), R"(status: unknown key "verbose")");
	// A misspelt argument must not fall back to its default.
	EXPECT_EQ(ErrorOf(R"({"cmd":"quit","staus":3})"), R"(quit: unknown key "staus")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"regs","cpu":0,"addr":1})"), R"(regs: unknown key "addr")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"pause","cpu":0})"), R"(pause: unknown key "cpu")");
}

// ---- missing and ill-typed arguments ------------------------------------

TEST(ControlRequest, MissingArguments)
{
	EXPECT_EQ(ErrorOf(R"({"cmd":"regs"})"), R"(regs: missing "cpu")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","len":1})"), R"(read-phys: missing "addr")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","addr":1})"), R"(read-phys: missing "len")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"translate","vaddr":1})"), R"(translate: missing "cpu")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"translate","cpu":0})"), R"(translate: missing "vaddr")");
}

TEST(ControlRequest, CpuMustBeAnInteger)
{
	EXPECT_EQ(ErrorOf(R"({"cmd":"regs","cpu":"1"})"),
		  R"(regs: "cpu" must be a non-negative integer, got "1")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"regs","cpu":1.0})"),
		  R"(regs: "cpu" must be a non-negative integer, got 1.0)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"regs","cpu":true})"),
		  R"(regs: "cpu" must be a non-negative integer, got true)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"regs","cpu":null})"),
		  R"(regs: "cpu" must be a non-negative integer, got null)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"translate","cpu":-1,"vaddr":0})"),
		  R"(translate: "cpu" must be a non-negative integer, got -1)");
}

TEST(ControlRequest, AddressesMustBeIntegersOrHexStrings)
{
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","addr":-1,"len":1})"),
		  R"(read-phys: "addr" must be a non-negative integer or a "0x..." hex string, got -1)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","addr":{},"len":1})"),
		  R"(read-phys: "addr" must be a non-negative integer or a "0x..." hex string, got {})");
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","addr":0,"len":[1]})"),
		  R"(read-phys: "len" must be a non-negative integer or a "0x..." hex string, got [1])");
	EXPECT_EQ(ErrorOf(R"({"cmd":"translate","cpu":0,"vaddr":4096.5})"),
		  R"(translate: "vaddr" must be a non-negative integer or a "0x..." hex string, got 4096.5)");
}

TEST(ControlRequest, FcmPolicyNamesOneOfThree)
{
	EXPECT_EQ(Ok(R"({"cmd":"fcm-policy","policy":"shared"})").policy, 0u);
	EXPECT_EQ(Ok(R"({"cmd":"fcm-policy","policy":"replicated"})").policy, 1u);
	EXPECT_EQ(Ok(R"({"cmd":"fcm-policy","policy":"adaptive"})").policy, 2u);
	EXPECT_EQ(ErrorOf(R"({"cmd":"fcm-policy"})"),
		  R"(fcm-policy: "policy" is required (shared, replicated or adaptive))");
	EXPECT_EQ(ErrorOf(R"({"cmd":"fcm-policy","policy":"Shared"})"),
		  R"(fcm-policy: "policy" must be shared, replicated or adaptive, got "Shared")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"fcm-policy","policy":1})"),
		  R"(fcm-policy: "policy" must be shared, replicated or adaptive, got 1)");
}

TEST(ControlRequest, RingCommandsTakeNoArguments)
{
	EXPECT_EQ(ErrorOf(R"({"cmd":"ring-attach","queues":2})"),
		  R"(ring-attach: unknown key "queues")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"guest-stats","cpu":0})"),
		  R"(guest-stats: unknown key "cpu")");
}

TEST(ControlRequest, GuestStatsSettlesOnlyWhenAsked)
{
	EXPECT_FALSE(Ok(R"({"cmd":"guest-stats"})").settle);
	EXPECT_FALSE(Ok(R"({"cmd":"guest-stats","settle":false})").settle);
	EXPECT_TRUE(Ok(R"({"cmd":"guest-stats","settle":true})").settle);
	EXPECT_EQ(ErrorOf(R"({"cmd":"guest-stats","settle":1})"),
		  R"(guest-stats: "settle" must be true or false, got 1)");
}

TEST(ControlRequest, QuitStatusMustBeAnInteger)
{
	EXPECT_EQ(ErrorOf(R"({"cmd":"quit","status":"0x1"})"),
		  R"(quit: "status" must be a non-negative integer, got "0x1")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"quit","status":null})"),
		  R"(quit: "status" must be a non-negative integer, got null)");
}

// ---- hex strings ---------------------------------------------------------

TEST(ControlRequest, HexStringForms)
{
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":"0x1000","len":1})").addr, 0x1000u);
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":"0X1f","len":1})").addr, 0x1fu);
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":"0xABCdef","len":1})").addr, 0xabcdefu);
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":"0x0","len":"0x1"})").len, 1u);
	// Leading zeros do not count against the 64 bits.
	EXPECT_EQ(Ok(R"({"cmd":"translate","cpu":0,"vaddr":"0x00000000000000000001"})").vaddr, 1u);
	EXPECT_EQ(Ok(R"({"cmd":"translate","cpu":0,"vaddr":"0xffffffffffffffff"})").vaddr,
		  0xffffffffffffffffull);
}

TEST(ControlRequest, BadHexStrings)
{
	const char *bad[] = { "", "0x", "1000", "0xg", " 0x1", "0x1 ", "-0x1",
			      "+0x1", "0x-1", "x10", "0x1_000", "0x10000000000000000" };

	for (const char *s : bad) {
		std::string e = ErrorOf(std::string(R"({"cmd":"translate","cpu":0,"vaddr":")") + s + "\"}");

		EXPECT_EQ(e, std::string(R"(translate: "vaddr" must be a "0x..." hex string of at most 64 bits, got ")") +
				     s + "\"")
			<< "for " << s;
	}
}

TEST(ControlRequest, IntegerAndHexFormsAgree)
{
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":9223372036854775807,"len":1})").addr,
		  Ok(R"({"cmd":"read-phys","addr":"0x7fffffffffffffff","len":1})").addr);
	// Beyond JSON integers (jansson stops at 2^63 - 1): hex strings only.
	EXPECT_TRUE(StartsWith(ErrorOf(R"({"cmd":"read-phys","addr":18446744073709551615,"len":1})"),
			       "malformed JSON"));
}

// ---- boundaries ----------------------------------------------------------

TEST(ControlRequest, ReadLengthBounds)
{
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":0,"len":1})").len, 1u);
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":0,"len":65536})").len, 65536u);
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":0,"len":"0x10000"})").len, 65536u);
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","addr":0,"len":0})"),
		  R"(read-phys: "len" must be 1..65536, got 0)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","addr":0,"len":65537})"),
		  R"(read-phys: "len" must be 1..65536, got 65537)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","addr":0,"len":"0x10001"})"),
		  R"(read-phys: "len" must be 1..65536, got "0x10001")");
}

TEST(ControlRequest, ReadMustNotWrapTheAddressSpace)
{
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":"0xffffffffffffffff","len":1})").addr,
		  0xffffffffffffffffull);
	EXPECT_EQ(Ok(R"({"cmd":"read-phys","addr":"0xffffffffffff0000","len":65536})").len, 65536u);
	EXPECT_EQ(ErrorOf(R"({"cmd":"read-phys","addr":"0xffffffffffffffff","len":2})"),
		  R"(read-phys: "addr" 0xffffffffffffffff + "len" 2 runs past the end of the 64-bit address space)");
}

TEST(ControlRequest, CpuBounds)
{
	EXPECT_EQ(Ok(R"({"cmd":"regs","cpu":0})").cpu, 0u);
	EXPECT_EQ(Ok(R"({"cmd":"regs","cpu":63})").cpu, 63u);
	EXPECT_EQ(ErrorOf(R"({"cmd":"regs","cpu":64})"), R"(regs: "cpu" must be 0..63, got 64)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"translate","cpu":4294967296,"vaddr":0})"),
		  R"(translate: "cpu" must be 0..63, got 4294967296)");
}

TEST(ControlRequest, QuitStatusBounds)
{
	EXPECT_EQ(Ok(R"({"cmd":"quit","status":0})").status, 0);
	EXPECT_EQ(Ok(R"({"cmd":"quit","status":119})").status, 119);
	EXPECT_EQ(ErrorOf(R"({"cmd":"quit","status":120})"), R"(quit: "status" must be 0..119, got 120)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"quit","status":-1})"),
		  R"(quit: "status" must be a non-negative integer, got -1)");
}

} // namespace

TEST(ControlRequest, PatchStepTakesEveryFieldOfTheStep)
{
	crs_request r = Ok(R"({"cmd":"patch-step","step":"instances","revert":true,"handle":3,)"
			   R"("change":1,"first":16,"count":8,"module":"0xfe00000","timeout_ms":250})");

	EXPECT_EQ(r.step, 2u);
	EXPECT_EQ(r.step_flags, 1u);
	EXPECT_EQ(r.handle, 3u);
	EXPECT_EQ(r.change, 1u);
	EXPECT_EQ(r.first, 16u);
	EXPECT_EQ(r.count, 8u);
	EXPECT_EQ(r.module, 0xfe00000u);
	EXPECT_EQ(r.timeout_us, 250000u);
	EXPECT_EQ(Ok(R"({"cmd":"patch-step","step":"commit"})").timeout_us, 10000000u);
}

TEST(ControlRequest, PatchStepRefusesWhatItCannotCarry)
{
	EXPECT_EQ(ErrorOf(R"({"cmd":"patch-step"})"),
		  R"(patch-step: "step" is required (load, factory, instances, object, service, check, commit or unload))");
	EXPECT_EQ(ErrorOf(R"({"cmd":"patch-step","step":"apply"})"),
		  R"(patch-step: "step" must be load, factory, instances, object, service, check, commit or unload, got "apply")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"patch-step","step":"load","revert":1})"),
		  R"(patch-step: "revert" must be true or false, got 1)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"patch-step","step":"load","timeout_ms":60001})"),
		  R"(patch-step: "timeout_ms" must be 0..60000, got 60001)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"patch-step","step":"load","handle":4294967296})"),
		  R"(patch-step: "handle" must be 0..4294967295, got 4294967296)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"patch-step","step":"load","batch":1})"),
		  R"(patch-step: unknown key "batch")");
}

namespace {

// ---- pause with registers, resume with writes -----------------------------

TEST(ControlRequest, PauseMayAskForEveryVcpusRegisters)
{
	EXPECT_FALSE(Ok(R"({"cmd":"pause"})").regs);
	EXPECT_FALSE(Ok(R"({"cmd":"pause","regs":false})").regs);
	EXPECT_TRUE(Ok(R"({"cmd":"pause","regs":true})").regs);
	EXPECT_EQ(ErrorOf(R"({"cmd":"pause","regs":1})"),
		  R"(pause: "regs" must be true or false, got 1)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"pause","reg":true})"), R"(pause: unknown key "reg")");
}

TEST(ControlRequest, ResumeCarriesWritesAsBytes)
{
	crs_request r = Ok(R"({"cmd":"resume","writes":[)"
			   R"({"addr":"0x100200","old":"5589e5","new":"e9FBff"},)"
			   R"({"new":"00","old":"ff","addr":4096}]})");

	EXPECT_STREQ(r.cmd, "resume");
	ASSERT_EQ(r.nwrites, 2u);
	EXPECT_EQ(r.writes[0].addr, 0x100200u);
	ASSERT_EQ(r.writes[0].len, 3u);
	const uint8_t old0[] = { 0x55, 0x89, 0xe5 }, new0[] = { 0xe9, 0xfb, 0xff };
	EXPECT_EQ(memcmp(r.writes[0].old_bytes, old0, 3), 0);
	EXPECT_EQ(memcmp(r.writes[0].new_bytes, new0, 3), 0);
	EXPECT_EQ(r.writes[1].addr, 4096u);
	EXPECT_EQ(r.writes[1].len, 1u);
	EXPECT_EQ(r.writes[1].old_bytes[0], 0xff);
	EXPECT_EQ(r.writes[1].new_bytes[0], 0x00);
	EXPECT_EQ(Ok(R"({"cmd":"resume"})").nwrites, 0u);
}

std::string Write(const std::string &addr, const std::string &old_hex, const std::string &new_hex)
{
	return R"({"addr":)" + addr + R"(,"old":")" + old_hex + R"(","new":")" + new_hex + "\"}";
}

std::string Resume(const std::string &writes)
{
	return R"({"cmd":"resume","writes":[)" + writes + "]}";
}

TEST(ControlRequest, WriteLengthsRunFromOneTo64Bytes)
{
	std::string b64(128, 'a'), b65(130, 'a');

	EXPECT_EQ(Ok(Resume(Write("0", b64, b64))).writes[0].len, 64u);
	EXPECT_EQ(ErrorOf(Resume(Write("0", b65, b65))),
		  R"(resume: writes[0]: "old" must be 1..64 bytes as hex digits, two per byte, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...)");
	EXPECT_EQ(ErrorOf(Resume(Write("0", "", ""))),
		  R"(resume: writes[0]: "old" must be 1..64 bytes as hex digits, two per byte, got "")");
	EXPECT_EQ(ErrorOf(Resume(Write("0", "abc", "abc"))),
		  R"(resume: writes[0]: "old" must be 1..64 bytes as hex digits, two per byte, got "abc")");
	EXPECT_EQ(ErrorOf(Resume(Write("0", "0x12", "0012"))),
		  R"(resume: writes[0]: "old" must be 1..64 bytes as hex digits, two per byte, got "0x12")");
	EXPECT_EQ(ErrorOf(Resume(Write("0", "12", "1g"))),
		  R"(resume: writes[0]: "new" must be 1..64 bytes as hex digits, two per byte, got "1g")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"resume","writes":[{"addr":0,"old":12,"new":"12"}]})"),
		  R"(resume: writes[0]: "old" must be 1..64 bytes as hex digits, two per byte, got 12)");
}

TEST(ControlRequest, WriteOldAndNewHaveOneLength)
{
	EXPECT_EQ(ErrorOf(Resume(Write("0", "1234", "12"))),
		  R"(resume: writes[0]: "old" has 2 bytes but "new" has 1)");
}

TEST(ControlRequest, WritesAreCheckedOneByOneAndNamed)
{
	std::string good = Write("0", "00", "01");

	EXPECT_EQ(ErrorOf(Resume(good + "," + R"({"addr":1,"old":"00"})")),
		  R"(resume: writes[1]: missing "new")");
	EXPECT_EQ(ErrorOf(Resume(good + "," + R"({"old":"00","new":"00"})")),
		  R"(resume: writes[1]: missing "addr")");
	EXPECT_EQ(ErrorOf(Resume(good + "," + Write("\"0x\"", "00", "00"))),
		  R"(resume: writes[1]: "addr" must be a "0x..." hex string of at most 64 bits, got "0x")");
	EXPECT_EQ(ErrorOf(Resume(good + "," + R"({"addr":2,"old":"00","new":"00","len":1})")),
		  R"(resume: writes[1]: unknown key "len")");
	EXPECT_EQ(ErrorOf(Resume(good + ",[1]")),
		  R"(resume: writes[1] must be an object with "addr", "old" and "new", got [1])");
	EXPECT_EQ(ErrorOf(Resume(Write("\"0xffffffffffffffff\"", "0000", "0000"))),
		  R"(resume: writes[0]: "addr" 0xffffffffffffffff + 2 bytes runs past the end of the 64-bit address space)");
	EXPECT_EQ(Ok(Resume(Write("\"0xffffffffffffffff\"", "00", "00"))).writes[0].addr,
		  0xffffffffffffffffull);
}

TEST(ControlRequest, WritesMayNotOverlapEachOther)
{
	EXPECT_EQ(ErrorOf(Resume(Write("16", "00000000", "00000000") + "," + Write("19", "0000", "0000"))),
		  R"(resume: writes[1] (0x13, 2 bytes) overlaps writes[0] (0x10, 4 bytes))");
	// Touching is not overlapping.
	EXPECT_EQ(Ok(Resume(Write("16", "00000000", "00000000") + "," + Write("20", "00", "00"))).nwrites,
		  2u);
}

TEST(ControlRequest, WritesListHasOneTo64Entries)
{
	std::string many;

	for (int i = 0; i < 64; i++)
		many += (i ? "," : "") + Write(std::to_string(i), "00", "01");
	EXPECT_EQ(Ok(Resume(many)).nwrites, 64u);
	EXPECT_TRUE(StartsWith(ErrorOf(Resume(many + "," + Write("64", "00", "01"))),
			       R"(resume: "writes" must be an array of 1..64 writes, got [{)"));
	EXPECT_EQ(ErrorOf(Resume("")), R"(resume: "writes" must be an array of 1..64 writes, got [])");
	EXPECT_EQ(ErrorOf(R"({"cmd":"resume","writes":{}})"),
		  R"(resume: "writes" must be an array of 1..64 writes, got {})");
	EXPECT_EQ(ErrorOf(R"({"cmd":"resume","write":[]})"), R"(resume: unknown key "write")");
}

// ---- mirrors ----------------------------------------------------------------

TEST(ControlRequest, MirrorStartTakesBothCopiesAndTheMap)
{
	crs_request r = Ok(R"({"cmd":"mirror-start","old":"0x104000","new":1085440,)"
			   R"("old_size":64,"new_size":"0x60","copies":[[0,8,8],[8,0,4],[16,32,32]]})");

	EXPECT_STREQ(r.cmd, "mirror-start");
	EXPECT_EQ(r.old_gpa, 0x104000u);
	EXPECT_EQ(r.new_gpa, 1085440u);
	EXPECT_EQ(r.old_size, 64u);
	EXPECT_EQ(r.new_size, 0x60u);
	ASSERT_EQ(r.ncopies, 3u);
	EXPECT_EQ(r.copies[1].old_off, 8u);
	EXPECT_EQ(r.copies[1].new_off, 0u);
	EXPECT_EQ(r.copies[1].len, 4u);
	EXPECT_EQ(r.copies[2].len, 32u);
}

std::string MirrorStart(const std::string &copies, const std::string &sizes = R"("old_size":64,"new_size":96)")
{
	return R"({"cmd":"mirror-start","old":"0x10000","new":"0x20000",)" + sizes +
	       R"(,"copies":)" + copies + "}";
}

TEST(ControlRequest, MirrorStartRefusesBadArguments)
{
	EXPECT_EQ(ErrorOf(R"({"cmd":"mirror-start","new":0,"old_size":1,"new_size":1,"copies":[[0,0,1]]})"),
		  R"(mirror-start: missing "old")");
	EXPECT_EQ(ErrorOf(MirrorStart("[[0,0,1]]", R"("old_size":0,"new_size":1)")),
		  R"(mirror-start: "old_size" must be 1..1048576, got 0)");
	EXPECT_EQ(ErrorOf(MirrorStart("[[0,0,1]]", R"("old_size":1,"new_size":1048577)")),
		  R"(mirror-start: "new_size" must be 1..1048576, got 1048577)");
	EXPECT_EQ(ErrorOf(MirrorStart("[]")),
		  R"(mirror-start: "copies" must be an array of 1..1024 [old_off, new_off, len], got [])");
	EXPECT_EQ(ErrorOf(MirrorStart("[[0,0]]")),
		  R"(mirror-start: copies[0] must be [old_off, new_off, len], three non-negative integers, got [0,0])");
	EXPECT_EQ(ErrorOf(MirrorStart(R"([[0,0,1],[1,1,"2"]])")),
		  R"(mirror-start: copies[1] must be [old_off, new_off, len], three non-negative integers, got [1,1,"2"])");
	EXPECT_EQ(ErrorOf(MirrorStart("[[0,0,-1]]")),
		  R"(mirror-start: copies[0] must be [old_off, new_off, len], three non-negative integers, got [0,0,-1])");
	EXPECT_EQ(ErrorOf(R"({"cmd":"mirror-start","old":0,"new":64,"old_size":64,"new_size":8,"copies":[[0,0,1]],"mirror":1})"),
		  R"(mirror-start: unknown key "mirror")");
}

TEST(ControlRequest, MirrorStartChecksTheMap)
{
	EXPECT_EQ(ErrorOf(MirrorStart("[[0,0,0]]")), "mirror-start: copies[0] has length 0");
	EXPECT_EQ(ErrorOf(MirrorStart("[[60,0,8]]")),
		  "mirror-start: copies[0] [60, 0, 8] runs past the old copy's 64 bytes or the new copy's 96");
	EXPECT_EQ(ErrorOf(MirrorStart("[[0,90,8]]")),
		  "mirror-start: copies[0] [0, 90, 8] runs past the old copy's 64 bytes or the new copy's 96");
	EXPECT_EQ(ErrorOf(MirrorStart("[[0,0,8],[4,16,4]]")),
		  "mirror-start: copies[1] overlaps copies[0] in the old copy");
	EXPECT_EQ(ErrorOf(MirrorStart("[[0,0,8],[8,7,4]]")),
		  "mirror-start: copies[1] overlaps copies[0] in the new copy");
	EXPECT_EQ(ErrorOf(R"({"cmd":"mirror-start","old":"0x1000","new":"0x1020","old_size":64,"new_size":8,"copies":[[0,0,1]]})"),
		  "mirror-start: the old copy [0x1000, 0x1040) and the new copy [0x1020, 0x1028) overlap");
	EXPECT_EQ(ErrorOf(R"({"cmd":"mirror-start","old":"0xfffffffffffffff0","new":0,"old_size":64,"new_size":8,"copies":[[0,0,1]]})"),
		  "mirror-start: the old copy at 0xfffffffffffffff0 runs past the end of the 64-bit address space");
	// Adjacent copies, and copies sharing a page, are fine.
	EXPECT_EQ(Ok(R"({"cmd":"mirror-start","old":"0x1000","new":"0x1040","old_size":64,"new_size":8,"copies":[[0,0,8]]})").ncopies,
		  1u);
}

TEST(ControlRequest, MirrorCopiesAreLimited)
{
	std::string copies = "[";

	for (int i = 0; i < 1024; i++)
		copies += (i ? ",[" : "[") + std::to_string(i) + "," + std::to_string(i) + ",1]";
	EXPECT_EQ(Ok(MirrorStart(copies + "]", R"("old_size":1024,"new_size":1024)")).ncopies, 1024u);
	EXPECT_TRUE(StartsWith(ErrorOf(MirrorStart(copies + ",[1024,1024,1]]",
						   R"("old_size":2048,"new_size":2048)")),
			       R"(mirror-start: "copies" must be an array of 1..1024)"));
}

TEST(ControlRequest, MirrorStopAndStatsNameTheMirror)
{
	EXPECT_EQ(Ok(R"({"cmd":"mirror-stop","mirror":3})").mirror, 3u);
	EXPECT_EQ(Ok(R"({"cmd":"mirror-stats","mirror":1})").mirror, 1u);
	EXPECT_EQ(ErrorOf(R"({"cmd":"mirror-stats"})"), R"(mirror-stats: missing "mirror")");
	EXPECT_EQ(ErrorOf(R"({"cmd":"mirror-stop","mirror":0})"),
		  R"(mirror-stop: "mirror" must be 1..2147483647, got 0)");
	EXPECT_EQ(ErrorOf(R"({"cmd":"mirror-stop","mirror":"1"})"),
		  R"(mirror-stop: "mirror" must be a non-negative integer, got "1")");
}

} // namespace
