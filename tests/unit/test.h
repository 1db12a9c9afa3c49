/*
 * A tiny unit-test runner.  Each test binary defines tests with TEST(name)
 * and lists them in main via RUN(name).  Results are printed as
 *   TEST PASS <binary>/<name>
 *   TEST FAIL <binary>/<name>: file:line: expression
 * which scripts/check.sh counts.  The binary exits 1 if any test failed.
 */
#ifndef HVM_TEST_H
#define HVM_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed_total;
static int test_cur_failed;
static const char *test_prog = "unit";

#define TEST(name) static void test_##name(void)

#define RUN(name) do { \
	test_cur_failed = 0; \
	test_##name(); \
	if (test_cur_failed) test_failed_total++; \
	else printf("TEST PASS %s/%s\n", test_prog, #name); \
	fflush(stdout); \
} while (0)

#define TEST_MAIN_BEGIN(prog) int main(void) { test_prog = (prog); setvbuf(stdout, NULL, _IOLBF, 0);
#define TEST_MAIN_END() return test_failed_total ? 1 : 0; }

#define test_fail_(...) do { \
	if (!test_cur_failed) { \
		printf("TEST FAIL %s/%s: %s:%d: ", test_prog, __func__ + 5, __FILE__, __LINE__); \
		printf(__VA_ARGS__); printf("\n"); \
	} \
	test_cur_failed = 1; \
} while (0)

#define CHECK(cond) do { if (!(cond)) { test_fail_("%s", #cond); return; } } while (0)

#define CHECK_EQ(a, b) do { \
	unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
	if (_a != _b) { test_fail_("%s == %s: got %#llx, want %#llx", #a, #b, _a, _b); return; } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b)) { test_fail_("%s: got \"%s\", want \"%s\"", #a, _a ? _a : "(null)", _b ? _b : "(null)"); return; } \
} while (0)

#endif
