// SPDX-License-Identifier: GPL-2.0-only
/* The guest's test runner: see kernel/test.h. */
#include <stdarg.h>

#include <sv/hypercall.h>

#include <arch/cpu.h>

#include <kernel/printf.h>
#include <kernel/string.h>
#include <kernel/test.h>
#include <kernel/thread.h>

extern const struct sv_test __sv_tests_start[], __sv_tests_end[];

static struct {
	int failed;
	int finished;
	char message[SV_PUTS_MAX / 4];
	unsigned line;
} current;

void test_fail(const char *file, unsigned line, const char *fmt, ...)
{
	char what[384];
	va_list ap;

	if (__atomic_exchange_n(&current.failed, 1, __ATOMIC_ACQ_REL))
		return; /* the first failure is the one reported */
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(current.message, sizeof(current.message), "%s:%u: %s", file, line, what);
	current.line = line;
}

bool test_failed(void)
{
	return __atomic_load_n(&current.failed, __ATOMIC_ACQUIRE);
}

static void report(const struct sv_test *t)
{
	struct sv_hc_test_report r = {
		.name = (uintptr_t)t->name, .name_len = strlen(t->name),
		.msg = (uintptr_t)current.message,
		.msg_len = current.failed ? strlen(current.message) : 0,
		.passed = current.failed ? SV_TEST_FAILED : SV_TEST_PASSED,
		.line = current.line,
	};
	sv_hypercall(SV_HC_TEST_REPORT, &r);
}

/* Whether the test is in the comma-separated list, or the list is "all"
 * and the test does not crash the kernel on purpose. */
static bool selected(const char *list, size_t len, const struct sv_test *t)
{
	const char *name = t->name;
	size_t n = strlen(name);

	if (len == 3 && !strncmp(list, "all", 3))
		return !t->explicit_only;
	for (const char *p = list; p < list + len;) {
		const char *comma = strchr(p, ',');
		size_t item = (comma && comma < list + len ? (size_t)(comma - p)
							    : (size_t)(list + len - p));
		if (item == n && !strncmp(p, name, n))
			return true;
		p += item + 1;
	}
	return false;
}

/* The value of the `test=` word of the command line. */
static const char *test_list(const char *cmdline, size_t *len)
{
	for (const char *p = cmdline; p && *p; p = strchr(p, ' ')) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, "test=", 5)) {
			const char *end = strchr(p, ' ');
			p += 5;
			*len = end ? (size_t)(end - p) : strlen(p);
			return p;
		}
	}
	return NULL;
}

bool run_tests_requested(const char *cmdline)
{
	size_t len;
	return test_list(cmdline, &len) != NULL;
}

static void run_one(void *arg)
{
	const struct sv_test *t = arg;

	t->fn();
	__atomic_store_n(&current.finished, 1, __ATOMIC_RELEASE);
}

/* Each test runs on a thread of its own on CPU 0, so it is scheduled
 * round robin with the threads it creates there; the caller (CPU 0's idle
 * context) halts until it is done. The test thread is a daemon: it lives
 * across the generation requests it makes and waits for, so counting it
 * would make every such wait wait for itself. */
static void run_in_thread(const struct sv_test *t)
{
	if (!thread_create_on(0, run_one, (void *)t, THREAD_DAEMON)) {
		test_fail(__FILE__, __LINE__, "no memory for the test's thread");
		return;
	}
	while (!__atomic_load_n(&current.finished, __ATOMIC_ACQUIRE))
		halt();
}

int run_tests(const char *cmdline)
{
	size_t len = 0;
	const char *list = test_list(cmdline, &len);
	int failures = 0, ran = 0;

	if (!list)
		return 0;
	for (const struct sv_test *t = __sv_tests_start; t < __sv_tests_end; t++) {
		if (len == 4 && !strncmp(list, "list", 4)) {
			printk("sv-test: %s%s\n", t->name, t->explicit_only ? " (explicit)" : "");
			continue;
		}
		if (!selected(list, len, t))
			continue;
		memset(&current, 0, sizeof(current));
		run_in_thread(t);
		report(t);
		failures += current.failed;
		ran++;
	}
	if (ran == 0 && !(len == 4 && !strncmp(list, "list", 4))) {
		printk("no test matches the test= list of the command line\n");
		return 1;
	}
	return failures ? 1 : 0;
}
