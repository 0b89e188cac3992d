/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest self-tests, in the style of the KVM selftests' GUEST_ASSERT:
 *
 *   SV_TEST(percpu_region_differs) { SV_ASSERT_EQ(a, b); ... }
 *
 * Each test is registered in the .sv_tests section; the kernel runs the
 * tests named on its command line (`test=NAME,NAME` or `test=all`;
 * `test=list` prints the names, crash tests marked) and reports each one to the host through
 * the test-report hypercall. A failed assertion reports file, line and
 * both values and ends the test.
 */
#ifndef SV_KERNEL_TEST_H
#define SV_KERNEL_TEST_H

#include <stdbool.h>
#include <stdint.h>

struct sv_test {
	const char *name;
	void (*fn)(void);
	int explicit_only; /* a crash test or a benchmark: runs only when named */
};

#define SV_TEST_DEFINE(name, crash)                                           \
	static void sv_test_##name(void);                                     \
	static const struct sv_test sv_test_desc_##name                       \
		__attribute__((used, section(".sv_tests"), aligned(8))) = {    \
			#name, sv_test_##name, crash                          \
		};                                                            \
	static void sv_test_##name(void)

#define SV_TEST(name) SV_TEST_DEFINE(name, 0)
/* A test that must bring the kernel down (a fault, a panic); `test=all`
 * leaves it out and the host checks how the VM ended. */
#define SV_CRASH_TEST(name) SV_TEST_DEFINE(name, 1)
/* A benchmark: prints JSON through printk; also only run when named. */
#define SV_BENCH(name) SV_TEST_DEFINE(name, 1)

/* Records a failure of the running test (the first one is reported). */
void test_fail(const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool test_failed(void);

#define SV_ASSERT(cond)                                                       \
	do {                                                                  \
		if (!(cond)) {                                                \
			test_fail(__FILE__, __LINE__, "%s", #cond);           \
			return;                                               \
		}                                                             \
	} while (0)

#define SV_ASSERT_EQ(a, b)                                                    \
	do {                                                                  \
		uint64_t sv_a_ = (uint64_t)(a), sv_b_ = (uint64_t)(b);        \
		if (sv_a_ != sv_b_) {                                         \
			test_fail(__FILE__, __LINE__, "%s == %s: %#llx != %#llx", \
				  #a, #b, (unsigned long long)sv_a_,          \
				  (unsigned long long)sv_b_);                 \
			return;                                               \
		}                                                             \
	} while (0)

/* Whether the command line has a test= word. */
bool run_tests_requested(const char *cmdline);
/* Runs the tests the command line names; returns the exit status. */
int run_tests(const char *cmdline);

#endif
