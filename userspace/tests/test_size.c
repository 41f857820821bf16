// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>

#include "test.h"
#include "size.h"
#include "util.h"

static const struct {
	const char *in;
	int ret;
	uint64_t out;
} size_cases[] = {
	{ "0", 0, 0 },
	{ "65536", 0, 65536 },
	{ "4096", 0, 4096 },
	{ "1K", 0, 1024 },
	{ "4k", 0, 4096 },
	{ "64M", 0, 64ULL << 20 },
	{ "64m", 0, 64ULL << 20 },
	{ "1G", 0, 1ULL << 30 },
	{ "3g", 0, 3ULL << 30 },
	{ "16777216G", 0, 1ULL << 54 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "17179869184G", -ERANGE, 0 },		/* 2^34 G = 2^64 */
	{ "", -EINVAL, 0 },
	{ "M", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
	{ "1 ", -EINVAL, 0 },
	{ "1T", -EINVAL, 0 },
	{ "1MB", -EINVAL, 0 },
	{ "1MiB", -EINVAL, 0 },
	{ "0x1000", -EINVAL, 0 },
	{ "1.5G", -EINVAL, 0 },
	{ "64MM", -EINVAL, 0 },
};

TEST(size_parse_table)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		uint64_t out = 0xdeadbeef;
		int ret = mv_parse_size(size_cases[i].in, &out);

		if (ret != size_cases[i].ret)
			mv_test_fail(__FILE__, __LINE__, "\"%s\": ret %d, want %d",
				     size_cases[i].in, ret, size_cases[i].ret);
		if (ret == 0 && out != size_cases[i].out)
			mv_test_fail(__FILE__, __LINE__, "\"%s\": 0x%llx, want 0x%llx",
				     size_cases[i].in, (unsigned long long)out,
				     (unsigned long long)size_cases[i].out);
		if (ret != 0 && out != 0xdeadbeef)
			mv_test_fail(__FILE__, __LINE__, "\"%s\": output written on error",
				     size_cases[i].in);
	}
}

TEST(size_parse_null)
{
	uint64_t out;

	CHECK_EQ(mv_parse_size(NULL, &out), -EINVAL);
}

TEST(size_format)
{
	char buf[32];

	mv_format_size(64ULL << 20, buf, sizeof(buf));
	CHECK_STREQ(buf, "64M");
	mv_format_size(3ULL << 30, buf, sizeof(buf));
	CHECK_STREQ(buf, "3G");
	mv_format_size(4096, buf, sizeof(buf));
	CHECK_STREQ(buf, "4K");
	mv_format_size(5000, buf, sizeof(buf));
	CHECK_STREQ(buf, "5000");
	mv_format_size(0, buf, sizeof(buf));
	CHECK_STREQ(buf, "0");
	mv_format_size((1ULL << 20) + 1024, buf, sizeof(buf));
	CHECK_STREQ(buf, "1025K");
}
