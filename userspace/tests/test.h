/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny unit-test framework. TEST(name) { ... } defines a test that
 * registers itself; CHECK*() record failures and go on. test_main.c runs
 * every test (or those whose name contains argv[1]) and ends with the
 * line "N passed, N failed".
 */
#ifndef MV_TEST_H
#define MV_TEST_H

#include <stdio.h>
#include <string.h>

struct mv_test {
	const char *name;
	void (*fn)(void);
	struct mv_test *next;
};

void mv_test_register(struct mv_test *t);
void mv_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TEST(name)							\
	static void name(void);						\
	static struct mv_test name##_test = { #name, name, NULL };	\
	__attribute__((constructor)) static void name##_register(void)	\
	{								\
		mv_test_register(&name##_test);				\
	}								\
	static void name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			mv_test_fail(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long a_ = (unsigned long long)(a);	\
		unsigned long long b_ = (unsigned long long)(b);	\
		if (a_ != b_)						\
			mv_test_fail(__FILE__, __LINE__,		\
				     "%s == %s: 0x%llx != 0x%llx",	\
				     #a, #b, a_, b_);			\
	} while (0)

#define CHECK_STREQ(a, b)						\
	do {								\
		const char *a_ = (a), *b_ = (b);			\
		if (!a_ || !b_ || strcmp(a_, b_))			\
			mv_test_fail(__FILE__, __LINE__,		\
				     "%s == %s: \"%s\" != \"%s\"",	\
				     #a, #b, a_ ? a_ : "(null)",	\
				     b_ ? b_ : "(null)");		\
	} while (0)

#define CHECK_CONTAINS(haystack, needle)				\
	do {								\
		const char *h_ = (haystack), *n_ = (needle);		\
		if (!h_ || !strstr(h_, n_))				\
			mv_test_fail(__FILE__, __LINE__,		\
				     "\"%s\" contains \"%s\"",		\
				     h_ ? h_ : "(null)", n_);		\
	} while (0)

/* An in-memory FILE for output tests; mv_memfile_close() frees it. */
struct mv_memfile {
	FILE *f;
	char *buf;
	size_t len;
};

void mv_memfile_open(struct mv_memfile *m);
/* Flushes and returns the text so far (NUL-terminated, owned by @m). */
const char *mv_memfile_text(struct mv_memfile *m);
void mv_memfile_close(struct mv_memfile *m);

#endif /* MV_TEST_H */
