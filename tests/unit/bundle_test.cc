// SPDX-License-Identifier: GPL-2.0-only
// Patch bundles end to end on the host: bundles swap-build made at build
// time (tests/unit/meson.build) from bundles/*.c against the real guest
// kernel are opened, verified and linked; copies damaged here, and
// sources swap-build must refuse, each fail with their own message.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "bundle_edit.h"
#include "bundle_shim.h"
#include "elf_symbols.h"
#include "process.h"

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kArea = 0x0fc00000;   // where a 256 MiB guest's patch area is
constexpr uint64_t kHalf = 2ull << 20;   // SV_PATCH_AREA_SIZE / 2
constexpr int kRelocGotpcrel = 9;        // R_X86_64_GOTPCREL
constexpr int kRelocPc32 = 2;            // R_X86_64_PC32

std::string env(const char *name)
{
	const char *v = std::getenv(name);
	return v ? v : "";
}

std::string built(const std::string &name)
{
	return env("SV_BUNDLES") + "/" + name;
}

std::vector<uint8_t> read_bytes(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

// A bundle opened from a file or bytes, closed at scope end; err holds
// the refusal.
struct Opened {
	char err[BS_ERR] = "";
	bundle *b = nullptr;
	explicit Opened(const std::string &path) { b = bs_open(path.c_str(), err); }
	explicit Opened(const std::vector<uint8_t> &bytes)
	{
		b = bs_open_mem(bytes.data(), bytes.size(), err);
	}
	~Opened() { bs_close(b); }
};

struct Guest {
	char err[BS_ERR] = "";
	guest_image *g;
	explicit Guest(const std::string &path) : g(bs_guest_open(path.c_str(), err)) {}
	~Guest()
	{
		if (g)
			bs_guest_close(g);
	}
};

// A bundle built here linked against the guest kernel at kArea; rc is
// bs_link's (-1 too when either could not be opened).
struct Linked {
	Opened o;
	Guest guest;
	bs_linked l{};
	char err[BS_ERR] = "";
	int rc = -1;
	explicit Linked(const std::string &bundle)
		: o(built(bundle)), guest(env("SV_GUEST_KERNEL"))
	{
		if (o.b && guest.g)
			rc = bs_link(o.b, guest.g, kArea, kHalf, &l, err);
	}
	~Linked()
	{
		if (!rc)
			bs_linked_free(&l);
	}
	std::string why() const { return std::string(o.err) + guest.err + err; }
};

uint64_t u64_at(const uint8_t *p)
{
	uint64_t v;
	std::memcpy(&v, p, sizeof(v));
	return v;
}

bool in(uint64_t addr, uint64_t base, uint64_t size)
{
	return addr >= base && addr < base + size;
}

TEST(Bundle, GoodBundleExposesItsManifest)
{
	Opened o(built("good.svp"));
	ASSERT_NE(o.b, nullptr) << o.err;
	bs_manifest m;
	bs_read_manifest(o.b, &m);
	EXPECT_STREQ(m.id, "fix-good");
	EXPECT_EQ(m.version, 2u);
	EXPECT_EQ(m.build_id_len, 20u); // sha1
	ASSERT_EQ(m.ndeps, 1u);
	EXPECT_STREQ(m.dep_id, "fix-base");
	EXPECT_EQ(m.dep_min_version, 1u);
	ASSERT_EQ(m.nclasses, 1u);
	EXPECT_STREQ(m.class_name, "fcm");
	EXPECT_EQ(m.class_from, 0u);
	EXPECT_EQ(m.class_to, 1u);
	// Static symbols are relocated through their section; the names must
	// still come out.
	EXPECT_STREQ(m.class_impl, "fcm_v1_class");
	EXPECT_STREQ(m.object_make_root, "good_make_root");
	EXPECT_STREQ(m.service_serve, "good_serve");
	ASSERT_EQ(m.nchecks, 1u);
	EXPECT_STREQ(m.check_name, "healthy");
	EXPECT_STREQ(m.check_fn, "good_check");
}

// binary.svp's records, in the order the compiler emitted them.
bs_binary binary_records()
{
	Opened o(built("binary.svp"));
	bs_binary bin{};
	EXPECT_NE(o.b, nullptr) << o.err;
	if (o.b)
		bs_read_binary(o.b, &bin);
	return bin;
}

TEST(Bundle, BinaryPatchRecordsAreRead)
{
	bs_binary bin = binary_records();
	ASSERT_EQ(bin.nfunctions, 2u);
	// The compiler may emit the records in either order.
	int count = std::strcmp(bin.functions[0].name, "thread_count") ? 1 : 0;
	EXPECT_STREQ(bin.functions[count].name, "thread_count");
	// A static replacement is named through its section's relocation.
	EXPECT_STREQ(bin.functions[count].replacement, "binary_thread_count");
	EXPECT_EQ(bin.functions[count].flags, 1u); // SV_PATCH_FN_OLD_MAY_FINISH
	EXPECT_STREQ(bin.functions[1 - count].name, "printk_banner");
	EXPECT_STREQ(bin.functions[1 - count].replacement, "binary_printk_banner");
	EXPECT_EQ(bin.functions[1 - count].flags, 0u);
	ASSERT_EQ(bin.nmirrors, 1u);
	EXPECT_STREQ(bin.mirrors[0].name, "gens");
	EXPECT_STREQ(bin.mirrors[0].copy, "binary_gens_v2");
	ASSERT_EQ(bin.ncallers, 1u);
	EXPECT_STREQ(bin.caller, "kernel_main");
}

// The link says where the replacements and the copy went, with their
// sizes from the bundle's symbol table.
TEST(Bundle, LinkedImageHasTheBundlesSymbols)
{
	Linked k("binary.svp");
	ASSERT_EQ(k.rc, 0) << k.why();
	const bs_linked &l = k.l;
	uint64_t addr, size;
	int func;

	ASSERT_EQ(bs_linked_symbol(&l, "binary_thread_count", &addr, &size, &func), 0);
	EXPECT_TRUE(func);
	EXPECT_TRUE(in(addr, l.text_base, l.text_size)) << std::hex << addr;
	EXPECT_GT(size, 0u);
	EXPECT_LE(addr + size, l.text_base + l.text_size);

	ASSERT_EQ(bs_linked_symbol(&l, "binary_printk_banner", &addr, &size, &func), 0);
	EXPECT_TRUE(func);
	EXPECT_TRUE(in(addr, l.text_base, l.text_size)) << std::hex << addr;

	ASSERT_EQ(bs_linked_symbol(&l, "binary_gens_v2", &addr, &size, &func), 0);
	EXPECT_FALSE(func);
	EXPECT_EQ(size, 9 * 8u); // eight generations and the added counter
	ASSERT_TRUE(in(addr, l.data_base, l.data_size)) << std::hex << addr;
	// Its initial value is where the symbol says: .retired = 1.
	EXPECT_EQ(u64_at(l.data + (addr - l.data_base) + 8 * 8), 1u);

	// Guest symbols and undefined names are not the bundle's.
	EXPECT_EQ(bs_linked_symbol(&l, "printk", &addr, &size, &func), -1);
	EXPECT_EQ(bs_linked_symbol(&l, "no_such_symbol", &addr, &size, &func), -1);
}

// binary.svp's .svp.functions with one edit, and the refusal it gets.
std::string binary_refusal(void (*edit)(std::vector<uint8_t> &bytes, uint64_t off, uint64_t len))
{
	std::vector<uint8_t> bytes = read_bytes(built("binary.svp"));
	uint64_t off, len;
	EXPECT_EQ(bundle_edit_section(bytes.data(), bytes.size(), ".svp.functions", &off, &len), 0);
	EXPECT_EQ(len, 2 * bs_function_size());
	edit(bytes, off, len);
	Opened o(bytes);
	EXPECT_EQ(o.b, nullptr);
	return o.err;
}

TEST(Bundle, BinaryRecordWithUnknownFlagsIsRefused)
{
	std::string err = binary_refusal([](std::vector<uint8_t> &b, uint64_t off, uint64_t) {
		b[off + bs_function_flags_offset()] |= 0x4;
	});
	std::string first = binary_records().functions[0].name;
	EXPECT_NE(err.find("function " + first + ": unknown flags 0x4"), std::string::npos) << err;
}

TEST(Bundle, FunctionReplacedTwiceIsRefused)
{
	std::string err = binary_refusal([](std::vector<uint8_t> &b, uint64_t off, uint64_t) {
		std::memcpy(&b[off + bs_function_size()], &b[off], 64);
	});
	std::string first = binary_records().functions[0].name;
	EXPECT_NE(err.find("function " + first + " is replaced twice"), std::string::npos) << err;
}

// The name is 64 bytes, not the 32 of other records: all 64 are checked.
TEST(Bundle, BinaryRecordWithUnterminatedNameIsRefused)
{
	std::string err = binary_refusal([](std::vector<uint8_t> &b, uint64_t off, uint64_t) {
		std::memset(&b[off + bs_function_size()], 'x', 64);
	});
	EXPECT_NE(err.find(".svp.functions record 1: unterminated name"), std::string::npos) << err;
}

// A 64-byte name that uses every byte before its NUL is fine.
TEST(Bundle, BinaryRecordNameMayUseAllSixtyFourBytes)
{
	std::vector<uint8_t> bytes = read_bytes(built("binary.svp"));
	uint64_t off, len;
	ASSERT_EQ(bundle_edit_section(bytes.data(), bytes.size(), ".svp.functions", &off, &len), 0);
	std::memset(&bytes[off], 'y', 63);
	bytes[off + 63] = 0;
	Opened o(bytes);
	ASSERT_NE(o.b, nullptr) << o.err;
	bs_binary bin;
	bs_read_binary(o.b, &bin);
	EXPECT_EQ(std::string(bin.functions[0].name), std::string(63, 'y'));
}

// binary.svp with the first relocation of rela made PC-relative: the
// record's pointer is left without its R_X86_64_64. The refusal.
std::string unrelocated(const char *rela)
{
	std::vector<uint8_t> bytes = read_bytes(built("binary.svp"));
	EXPECT_EQ(bundle_edit_reloc_type(bytes.data(), bytes.size(), rela, kRelocPc32), 0);
	Opened o(bytes);
	EXPECT_EQ(o.b, nullptr);
	return o.err;
}

TEST(Bundle, ReplacementWithoutARelocationIsRefused)
{
	std::string err = unrelocated(".rela.svp.functions");
	EXPECT_NE(err.find(": replacement is not set"), std::string::npos) << err;
}

TEST(Bundle, MirrorCopyWithoutARelocationIsRefused)
{
	std::string err = unrelocated(".rela.svp.mirrors");
	EXPECT_NE(err.find("mirror gens: copy is not set"), std::string::npos) << err;
}

TEST(Bundle, BinaryRecordsOfAWrongSizeAreRefused)
{
	std::vector<uint8_t> bytes = read_bytes(built("binary.svp"));
	ASSERT_EQ(bundle_edit_section_size(bytes.data(), bytes.size(), ".svp.mirrors", 64), 0);
	Opened o(bytes);
	EXPECT_EQ(o.b, nullptr);
	EXPECT_NE(std::strstr(o.err, ".svp.mirrors holds 64 bytes, not a multiple of its 72-byte records"),
		  nullptr) << o.err;
}

TEST(Bundle, GoodBundleVerifiesWithTheTrustedKey)
{
	Opened o(built("good.svp"));
	ASSERT_NE(o.b, nullptr) << o.err;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_verify(o.b, built("trusted.pub").c_str(), err), 0) << err;
}

TEST(Bundle, GoodBundleLinksIntoThePatchArea)
{
	Linked k("good.svp");
	ASSERT_EQ(k.rc, 0) << k.why();
	const bs_linked &l = k.l;

	EXPECT_EQ(l.text_base, kArea);
	EXPECT_EQ(l.data_base, kArea + kHalf);
	EXPECT_GT(l.text_size, 0u);
	// The module record and every manifest table are in the data range.
	EXPECT_TRUE(in(l.module_addr, l.data_base, l.data_size));
	EXPECT_TRUE(in(l.header, l.data_base, l.data_size));
	EXPECT_TRUE(in(l.classes, l.data_base, l.data_size));
	EXPECT_TRUE(in(l.objects, l.data_base, l.data_size));
	EXPECT_TRUE(in(l.services, l.data_base, l.data_size));
	ASSERT_TRUE(in(l.checks, l.data_base, l.data_size));
	EXPECT_EQ(l.nchecks, 1u);
	EXPECT_EQ(l.nclasses, 1u);
	// The module record in the data says what the link returned.
	EXPECT_EQ(u64_at(l.data + (l.module_addr - l.data_base)), l.header);

	// The relocated check record points at code in the text range.
	uint64_t check = u64_at(l.data + (l.checks - l.data_base) + bs_check_fn_offset());
	EXPECT_TRUE(in(check, l.text_base, l.text_size)) << std::hex << check;

	// good_check calls printk: some call's displacement must land on the
	// guest's printk (looked up independently, by the VMM's reader).
	uint64_t printk = elf_symbol(env("SV_GUEST_KERNEL").c_str(), "printk");
	ASSERT_NE(printk, 0u);
	bool found = false;
	for (uint64_t i = 0; i + 5 <= l.text_size && !found; i++) {
		int32_t rel;
		std::memcpy(&rel, l.text + i + 1, 4);
		found = l.text[i] == 0xe8 && l.text_base + i + 5 + (int64_t)rel == printk;
	}
	EXPECT_TRUE(found) << "no call to printk at 0x" << std::hex << printk;
}

TEST(Bundle, LinkRefusesCodeThatDoesNotFit)
{
	Opened o(built("good.svp"));
	Guest guest(env("SV_GUEST_KERNEL"));
	ASSERT_NE(o.b, nullptr) << o.err;
	bs_linked l;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_link(o.b, guest.g, kArea, 16, &l, err), -1);
	EXPECT_NE(std::strstr(err, "does not fit"), nullptr) << err;
	EXPECT_NE(std::strstr(err, "16 bytes available"), nullptr) << err;
}

// The guest's kernel is at 1 MiB: from a patch area at 3 GiB the module's
// own addresses still fit 32 bits, but a call down to printk is out of
// reach of a signed 32-bit displacement.
TEST(Bundle, LinkRefusesDisplacementsThatOverflowNamingTheSymbol)
{
	Opened o(built("good.svp"));
	Guest guest(env("SV_GUEST_KERNEL"));
	ASSERT_NE(o.b, nullptr) << o.err;
	bs_linked l;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_link(o.b, guest.g, 0xc0000000ull, kHalf, &l, err), -1);
	EXPECT_NE(std::strstr(err, "R_X86_64_PLT32 at .text+0x"), nullptr) << err;
	EXPECT_NE(std::strstr(err, "against printk-4 overflows"), nullptr) << err;
}

TEST(Bundle, BundleForAnotherGuestBuildIsRefused)
{
	Opened o(built("good-other-guest.svp"));
	Guest guest(env("SV_GUEST_KERNEL"));
	ASSERT_NE(o.b, nullptr) << o.err;
	bs_linked l;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_link(o.b, guest.g, kArea, kHalf, &l, err), -1);
	EXPECT_NE(std::strstr(err, "built for guest build-id"), nullptr) << err;
	EXPECT_NE(std::strstr(err, env("SV_GUEST_KERNEL").c_str()), nullptr) << err;
}

TEST(Bundle, UnsignedBundleIsRefused)
{
	Opened o(built("good-unsigned.svp"));
	ASSERT_NE(o.b, nullptr) << o.err;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_verify(o.b, built("trusted.pub").c_str(), err), -1);
	EXPECT_NE(std::strstr(err, "unsigned"), nullptr) << err;
}

TEST(Bundle, BundleSignedByAnUntrustedKeyIsRefused)
{
	Opened o(built("good-untrusted.svp"));
	ASSERT_NE(o.b, nullptr) << o.err;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_verify(o.b, built("trusted.pub").c_str(), err), -2);
	EXPECT_NE(std::strstr(err, "which is not trusted"), nullptr) << err;
	// The key is named by a prefix of the signer's public key.
	std::vector<uint8_t> pub = read_bytes(built("other.pub"));
	ASSERT_GE(pub.size(), 16u);
	std::string prefix(pub.begin(), pub.begin() + 16);
	EXPECT_NE(std::strstr(err, prefix.c_str()), nullptr) << err;
}

TEST(Bundle, TamperedBundleHasABadSignature)
{
	std::vector<uint8_t> bytes = read_bytes(built("good.svp"));
	uint64_t off, len;
	ASSERT_EQ(bundle_edit_section(bytes.data(), bytes.size(), ".text", &off, &len), 0);
	bytes[off] ^= 0x01;
	Opened o(bytes);
	ASSERT_NE(o.b, nullptr) << o.err;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_verify(o.b, built("trusted.pub").c_str(), err), -3);
	EXPECT_NE(std::strstr(err, "bad signature"), nullptr) << err;
}

TEST(Bundle, NonElfIsRefused)
{
	std::vector<uint8_t> text(200, 'x');
	Opened o(text);
	EXPECT_EQ(o.b, nullptr);
	EXPECT_NE(std::strstr(o.err, "not an ELF file"), nullptr) << o.err;
}

TEST(Bundle, TruncatedBundleIsRefused)
{
	std::vector<uint8_t> bytes = read_bytes(built("good.svp"));
	for (size_t size : {size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
		std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + size);
		Opened o(cut);
		EXPECT_EQ(o.b, nullptr) << size;
		EXPECT_NE(std::strstr(o.err, "truncated"), nullptr) << size << ": " << o.err;
	}
}

TEST(Bundle, ObjectThatIsNotRelocatableIsRefused)
{
	std::vector<uint8_t> bytes = read_bytes(built("good.svp"));
	bundle_edit_elf_type(bytes.data(), 2 /* ET_EXEC */);
	Opened o(bytes);
	EXPECT_EQ(o.b, nullptr);
	EXPECT_NE(std::strstr(o.err, "ELF type 2, not a relocatable object"), nullptr) << o.err;
}

TEST(Bundle, WrongMagicIsRefused)
{
	std::vector<uint8_t> bytes = read_bytes(built("good.svp"));
	uint64_t off, len;
	ASSERT_EQ(bundle_edit_section(bytes.data(), bytes.size(), ".svp.patch", &off, &len), 0);
	bytes[off + bs_header_magic_offset()] ^= 0xff;
	Opened o(bytes);
	EXPECT_EQ(o.b, nullptr);
	EXPECT_NE(std::strstr(o.err, "wrong magic"), nullptr) << o.err;
}

TEST(Bundle, SectionOutOfBoundsIsRefused)
{
	std::vector<uint8_t> bytes = read_bytes(built("good.svp"));
	ASSERT_EQ(bundle_edit_section_offset(bytes.data(), bytes.size(), ".svp.checks", 0xffffff00),
		  0);
	Opened o(bytes);
	EXPECT_EQ(o.b, nullptr);
	EXPECT_NE(std::strstr(o.err, "section .svp.checks (0x"), nullptr) << o.err;
	EXPECT_NE(std::strstr(o.err, "at 0xffffff00) is out of bounds"), nullptr) << o.err;
}

// The names are in a section too: it is checked before any name is read.
TEST(Bundle, SectionNamesOutOfBoundsAreRefused)
{
	std::vector<uint8_t> bytes = read_bytes(built("good.svp"));
	ASSERT_EQ(bundle_edit_section_offset(bytes.data(), bytes.size(), ".shstrtab", 0xffffff00),
		  0);
	Opened o(bytes);
	EXPECT_EQ(o.b, nullptr);
	EXPECT_NE(std::strstr(o.err, "section holding the section names (0x"), nullptr) << o.err;
}

TEST(Bundle, UnsupportedRelocationIsRefusedNamingItsPlace)
{
	std::vector<uint8_t> bytes = read_bytes(built("good.svp"));
	ASSERT_EQ(bundle_edit_reloc_type(bytes.data(), bytes.size(), ".rela.text", kRelocGotpcrel), 0);
	Opened o(bytes);
	Guest guest(env("SV_GUEST_KERNEL"));
	ASSERT_NE(o.b, nullptr) << o.err;
	bs_linked l;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_link(o.b, guest.g, kArea, kHalf, &l, err), -1);
	EXPECT_NE(std::strstr(err, "unsupported relocation R_X86_64_GOTPCREL at .text+0x"), nullptr)
		<< err;
}

TEST(Bundle, AmbiguousLocalGuestSymbolIsNotResolved)
{
	Guest guest(env("SV_TWICE_GUEST"));
	ASSERT_NE(guest.g, nullptr) << guest.err;
	uint64_t addr = 0;
	EXPECT_EQ(bs_guest_lookup(guest.g, "twice", &addr), -2);
	EXPECT_EQ(bs_guest_lookup(guest.g, "twice_a", &addr), 0);
	EXPECT_EQ(addr, elf_symbol(env("SV_TWICE_GUEST").c_str(), "twice_a"));
	EXPECT_EQ(bs_guest_lookup(guest.g, "thrice", &addr), -1);
}

// swap-build on a source it must refuse: fails, names the cause, and
// leaves no output behind.
std::string swap_build_refusal(const std::vector<std::string> &sources)
{
	fs::path dir = fs::temp_directory_path() / ("bundle-test-" + std::to_string(getpid()));
	fs::create_directories(dir);
	std::string out = (dir / "out.svp").string();
	std::string swap_build = env("SV_SWAP_BUILD"), guest = env("SV_GUEST_KERNEL");
	std::vector<std::string> srcs;
	for (const std::string &s : sources)
		srcs.push_back(env("SV_BUNDLE_SOURCES") + "/" + s);
	std::vector<const char *> argv = {swap_build.c_str(), "--guest", guest.c_str(), "-o",
					  out.c_str()};
	for (const std::string &s : srcs)
		argv.push_back(s.c_str());
	argv.push_back(nullptr);
	proc_result res;
	EXPECT_EQ(proc_run(argv.data(), 120, &res), 0);
	EXPECT_NE(res.status, 0) << sources[0];
	EXPECT_FALSE(fs::exists(out)) << sources[0];
	std::string err = res.err ? res.err : "";
	proc_free(&res);
	fs::remove_all(dir);
	return err;
}

TEST(SwapBuild, RefusesAnUndefinedSymbol)
{
	std::string err = swap_build_refusal({"undefined.c"});
	EXPECT_NE(err.find("undefined symbol no_such_guest_function"), std::string::npos) << err;
}

TEST(SwapBuild, RefusesLazyUpdate)
{
	std::string err = swap_build_refusal({"lazy.c"});
	EXPECT_NE(err.find("class fcm: lazy update is not supported yet"), std::string::npos) << err;
}

TEST(SwapBuild, RefusesSourcesWithoutAPatchHeader)
{
	std::string err = swap_build_refusal({"headerless.c"});
	EXPECT_NE(err.find("missing .svp.patch"), std::string::npos) << err;
}

// Two sources each with SV_PATCH: ld -r merges their headers into one
// section of two records.
TEST(SwapBuild, RefusesOldMayFinishWithoutAMirror)
{
	std::string err = swap_build_refusal({"old_may_finish.c"});
	EXPECT_NE(err.find("function thread_count: SV_PATCH_FN_OLD_MAY_FINISH without any mirror"),
		  std::string::npos) << err;
}

TEST(SwapBuild, RefusesTwoPatchHeaders)
{
	std::string err = swap_build_refusal({"undefined.c", "lazy.c"});
	EXPECT_NE(err.find(".svp.patch holds 2 records, not one"), std::string::npos) << err;
}

TEST(SwapBuild, KeygenWritesAPrivateSecretKey)
{
	fs::path dir = fs::temp_directory_path() / ("keygen-test-" + std::to_string(getpid()));
	fs::create_directories(dir);
	std::string prefix = (dir / "k").string(), swap_build = env("SV_SWAP_BUILD");
	const char *argv[] = {swap_build.c_str(), "--keygen", prefix.c_str(), nullptr};
	proc_result res;
	ASSERT_EQ(proc_run(argv, 30, &res), 0);
	EXPECT_EQ(res.status, 0) << res.err;
	proc_free(&res);
	struct stat st;
	ASSERT_EQ(stat((prefix + ".key").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0600u);
	EXPECT_EQ(read_bytes(prefix + ".pub").size(), 65u); // 64 hex digits and a newline
	fs::remove_all(dir);
}

// bundle-mutate (which makes the integration tests' damaged bundles) run
// on good.svp with its options and edit; the mutant's bytes, empty if it
// failed.
std::vector<uint8_t> mutant(const std::vector<std::string> &options,
			    const std::vector<std::string> &edit)
{
	fs::path dir = fs::temp_directory_path() / ("mutate-test-" + std::to_string(getpid()));
	fs::create_directories(dir);
	std::string out = (dir / "mutant.svp").string();
	std::vector<std::string> words = {env("SV_BUNDLE_MUTATE")};
	words.insert(words.end(), options.begin(), options.end());
	words.insert(words.end(), {built("good.svp"), out});
	words.insert(words.end(), edit.begin(), edit.end());
	std::vector<const char *> argv;
	for (const std::string &w : words)
		argv.push_back(w.c_str());
	argv.push_back(nullptr);
	proc_result res;
	EXPECT_EQ(proc_run(argv.data(), 60, &res), 0);
	EXPECT_EQ(res.status, 0) << res.err;
	proc_free(&res);
	std::vector<uint8_t> bytes = read_bytes(out);
	fs::remove_all(dir);
	return bytes;
}

// Signed again after the edit, so the relocation is all that is wrong.
TEST(BundleMutate, RelocationChangedAndSignedAgainFailsOnlyToLink)
{
	Opened o(mutant({"--sign", built("trusted.key")}, {"reloc", ".rela.text", "9"}));
	Guest guest(env("SV_GUEST_KERNEL"));
	ASSERT_NE(o.b, nullptr) << o.err;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_verify(o.b, built("trusted.pub").c_str(), err), 0) << err;
	bs_linked l;
	EXPECT_EQ(bs_link(o.b, guest.g, kArea, kHalf, &l, err), -1);
	EXPECT_NE(std::strstr(err, "unsupported relocation R_X86_64_GOTPCREL at .text+0x"), nullptr)
		<< err;
}

TEST(BundleMutate, FlippedByteBreaksOnlyTheSignature)
{
	Opened o(mutant({}, {"flip", ".text"}));
	Guest guest(env("SV_GUEST_KERNEL"));
	ASSERT_NE(o.b, nullptr) << o.err;
	char err[BS_ERR] = "";
	EXPECT_EQ(bs_verify(o.b, built("trusted.pub").c_str(), err), -3) << err;
	bs_linked l;
	ASSERT_EQ(bs_link(o.b, guest.g, kArea, kHalf, &l, err), 0) << err;
	bs_linked_free(&l);
}

// A damaged ELF is refused for what is wrong with the file: the
// signature is never reached (it could not even be found).
TEST(BundleMutate, TruncatedOrMisplacedSectionIsAnElfRefusal)
{
	Opened cut(mutant({}, {"truncate"}));
	EXPECT_EQ(cut.b, nullptr);
	EXPECT_NE(std::strstr(cut.err, "truncated or corrupted: "), nullptr) << cut.err;
	Opened moved(mutant({}, {"offset", ".text", "0x7fffff00"}));
	EXPECT_EQ(moved.b, nullptr);
	EXPECT_NE(std::strstr(moved.err, "section .text (0x"), nullptr) << moved.err;
}

// Random damage never crashes the patcher: every mutant opens or is
// refused, and those that open are verified and linked without harm
// (ASan and UBSan abort the test otherwise).
TEST(Bundle, RandomDamageNeverCrashes)
{
	std::vector<uint8_t> good = read_bytes(built("good.svp"));
	Guest guest(env("SV_GUEST_KERNEL"));
	ASSERT_NE(guest.g, nullptr) << guest.err;
	uint64_t shoff, shlen;
	ASSERT_EQ(bundle_edit_section_headers(good.data(), good.size(), &shoff, &shlen), 0);
	std::mt19937_64 rng(20261123);
	int opened = 0, refused = 0;

	for (int i = 0; i < 2000; i++) {
		std::vector<uint8_t> m = good;
		// A third of the flips hit the ELF header, a third the section
		// headers, a third anywhere.
		for (int n = 1 + (int)(rng() % 4); n > 0; n--) {
			uint64_t pick = rng() % 3, at;
			if (pick == 0)
				at = rng() % 64;
			else if (pick == 1)
				at = shoff + rng() % shlen;
			else
				at = rng() % m.size();
			m[at] ^= (uint8_t)(1u << (rng() % 8));
		}
		if (i % 10 == 0)
			m.resize(rng() % m.size());
		Opened o(m);
		if (!o.b) {
			refused++;
			continue;
		}
		opened++;
		char err[BS_ERR];
		bs_verify(o.b, built("trusted.pub").c_str(), err);
		bs_linked l;
		if (!bs_link(o.b, guest.g, kArea, kHalf, &l, err))
			bs_linked_free(&l);
	}
	// Both outcomes happen, or the mutations were not reaching anything.
	EXPECT_GT(opened, 0);
	EXPECT_GT(refused, 0);
}

} // namespace
