// SPDX-License-Identifier: GPL-2.0
#include "test.h"
#include "options.h"
#include "util.h"

#define ARGC(a)	((int)ARRAY_SIZE(a))

static int parse(int argc, char **argv, struct mv_run_opts *o, char *err,
		 size_t errlen)
{
	return mv_parse_run_opts(argc, argv, o, err, errlen);
}

TEST(options_defaults)
{
	char *argv[] = { "run", "guest.bin" };
	struct mv_run_opts o;
	char err[256];

	CHECK_EQ(parse(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.mem_size, 64ULL << 20);
	CHECK_EQ(o.entry, MV_ENTRY_REAL);
	CHECK(!o.stats);
	CHECK(!o.help);
	CHECK_STREQ(o.guest, "guest.bin");
}

TEST(options_all_forms)
{
	char *a1[] = { "run", "--mem", "1G", "--entry", "long", "--stats",
		       "g.bin" };
	char *a2[] = { "run", "--mem=2M", "--entry=real", "g.bin" };
	char *a3[] = { "run", "g.bin", "-m", "4194304", "--entry", "long" };
	char *a4[] = { "run", "--", "--weird-name.bin" };
	struct mv_run_opts o;
	char err[256];

	CHECK_EQ(parse(ARGC(a1), a1, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.mem_size, 1ULL << 30);
	CHECK_EQ(o.entry, MV_ENTRY_LONG);
	CHECK(o.stats);
	CHECK_STREQ(o.guest, "g.bin");

	CHECK_EQ(parse(ARGC(a2), a2, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.mem_size, 2ULL << 20);
	CHECK_EQ(o.entry, MV_ENTRY_REAL);

	CHECK_EQ(parse(ARGC(a3), a3, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.mem_size, 4ULL << 20);
	CHECK_EQ(o.entry, MV_ENTRY_LONG);

	CHECK_EQ(parse(ARGC(a4), a4, &o, err, sizeof(err)), 0);
	CHECK_STREQ(o.guest, "--weird-name.bin");
}

TEST(options_help)
{
	char *a1[] = { "run", "--help" };
	char *a2[] = { "run", "-h", "--bogus" };
	char *a3[] = { "run", "--mem", "2M", "-h" };
	struct mv_run_opts o;
	char err[256];

	CHECK_EQ(parse(ARGC(a1), a1, &o, err, sizeof(err)), 0);
	CHECK(o.help);
	CHECK_EQ(parse(ARGC(a2), a2, &o, err, sizeof(err)), 0);
	CHECK(o.help);
	CHECK_EQ(parse(ARGC(a3), a3, &o, err, sizeof(err)), 0);
	CHECK(o.help);
}

static const struct {
	const char *args[5];
	const char *msg;
} bad_cases[] = {
	{ { "--bogus", "g.bin" }, "unknown option '--bogus'" },
	{ { "-x", "g.bin" }, "unknown option '-x'" },
	{ { "--stats=1", "g.bin" }, "unknown option '--stats=1'" },
	{ { "g.bin", "--mem" }, "option --mem needs a value" },
	{ { "g.bin", "-m" }, "option -m needs a value" },
	{ { "g.bin", "--entry" }, "option --entry needs a value" },
	{ { "--mem", "lots", "g.bin" }, "--mem 'lots': expected SIZE as a byte count" },
	{ { "--mem=", "g.bin" }, "--mem '': expected SIZE" },
	{ { "--mem", "1T", "g.bin" }, "K, M or G suffix" },
	{ { "--mem", "99999999999999999999", "g.bin" }, "too large" },
	{ { "--mem", "1M", "g.bin" }, "--mem 1M: guest memory must be at least 2M" },
	{ { "--mem", "2097151", "g.bin" }, "at least 2M" },
	{ { "--mem", "4G", "g.bin" }, "--mem 4G: guest memory can be at most 3G" },
	{ { "--mem", "3145729K", "g.bin" }, "at most 3G" },
	{ { "--mem", "2100000", "g.bin" }, "multiple of 4K" },
	{ { "--entry", "protected", "g.bin" }, "--entry 'protected': expected real or long" },
	{ { "--entry=", "g.bin" }, "expected real or long" },
	{ { "a.bin", "b.bin" }, "unexpected argument 'b.bin'" },
	{ { "--stats" }, "missing GUEST.bin" },
	{ { NULL }, "missing GUEST.bin" },
};

TEST(options_errors)
{
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		char *argv[6] = { "run" };
		struct mv_run_opts o;
		char err[256];

		for (n = 0; n < 5 && bad_cases[i].args[n]; n++)
			argv[n + 1] = (char *)bad_cases[i].args[n];
		if (parse((int)n + 1, argv, &o, err, sizeof(err)) != -1) {
			mv_test_fail(__FILE__, __LINE__, "case %u accepted", i);
			continue;
		}
		if (!strstr(err, bad_cases[i].msg))
			mv_test_fail(__FILE__, __LINE__, "case %u: \"%s\" lacks \"%s\"",
				     i, err, bad_cases[i].msg);
	}
}

TEST(options_mem_limits)
{
	char err[256];

	CHECK_EQ(mv_check_mem_size("2M", 2ULL << 20, err, sizeof(err)), 0);
	CHECK_EQ(mv_check_mem_size("3G", 3ULL << 30, err, sizeof(err)), 0);
	CHECK_EQ(mv_check_mem_size("x", (2ULL << 20) + 4096, err,
				   sizeof(err)), 0);
	CHECK_EQ(mv_check_mem_size("x", (3ULL << 30) + 4096, err,
				   sizeof(err)), -1);
	CHECK_EQ(mv_check_mem_size("x", 0, err, sizeof(err)), -1);
}

TEST(options_usage_text)
{
	struct mv_memfile m;

	mv_memfile_open(&m);
	mv_print_run_usage(m.f);
	CHECK_CONTAINS(mv_memfile_text(&m),
		       "Usage: minivisor run [--mem SIZE] [--entry real|long] [--msr-policy gp|exit]\n"
		       "                     [--cpus N] [--stats] GUEST.bin");
	CHECK_CONTAINS(mv_memfile_text(&m), "--entry MODE");
	CHECK_CONTAINS(mv_memfile_text(&m), "--cpus N        run N vCPUs (1..8,");
	mv_memfile_close(&m);
}

TEST(options_msr_policy)
{
	char *a1[] = { "run", "g.bin" };
	char *a2[] = { "run", "--msr-policy", "exit", "g.bin" };
	char *a3[] = { "run", "--msr-policy=gp", "g.bin" };
	char *a4[] = { "run", "--msr-policy", "ignore", "g.bin" };
	char *a5[] = { "run", "g.bin", "--msr-policy" };
	struct mv_run_opts o;
	char err[256];

	CHECK_EQ(parse(ARGC(a1), a1, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.msr_policy, MV_MSR_POLICY_GP);
	CHECK_EQ(parse(ARGC(a2), a2, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.msr_policy, MV_MSR_POLICY_EXIT);
	CHECK_STREQ(o.guest, "g.bin");
	CHECK_EQ(parse(ARGC(a3), a3, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.msr_policy, MV_MSR_POLICY_GP);
	CHECK_EQ(parse(ARGC(a4), a4, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "--msr-policy 'ignore': expected gp or exit");
	CHECK_EQ(parse(ARGC(a5), a5, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "option --msr-policy needs a value");
}

TEST(options_cpus)
{
	char *a1[] = { "run", "g.bin" };
	char *a2[] = { "run", "--cpus", "2", "g.bin" };
	char *a3[] = { "run", "--cpus=8", "g.bin" };
	char *a4[] = { "run", "--cpus", "0", "g.bin" };
	char *a5[] = { "run", "--cpus", "9", "g.bin" };
	char *a6[] = { "run", "--cpus=99999999999999999999999", "g.bin" };
	char *a7[] = { "run", "--cpus", "2x", "g.bin" };
	char *a8[] = { "run", "--cpus", "", "g.bin" };
	char *a9[] = { "run", "--cpus", "-1", "g.bin" };
	char *a10[] = { "run", "g.bin", "--cpus" };
	struct mv_run_opts o;
	char err[256];

	CHECK_EQ(parse(ARGC(a1), a1, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.cpus, 1);
	CHECK_EQ(parse(ARGC(a2), a2, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.cpus, 2);
	CHECK_STREQ(o.guest, "g.bin");
	CHECK_EQ(parse(ARGC(a3), a3, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.cpus, 8);
	CHECK_EQ(parse(ARGC(a4), a4, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "--cpus 0: the number of vCPUs must be 1..8");
	CHECK_EQ(parse(ARGC(a5), a5, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "--cpus 9: the number of vCPUs must be 1..8");
	CHECK_EQ(parse(ARGC(a6), a6, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "--cpus 99999999999999999999999: the number of vCPUs must be 1..8");
	CHECK_EQ(parse(ARGC(a7), a7, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "--cpus '2x': expected a number of vCPUs, 1..8");
	CHECK_EQ(parse(ARGC(a8), a8, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "--cpus '': expected a number of vCPUs, 1..8");
	/* "-1" is taken as the value, and refused. */
	CHECK_EQ(parse(ARGC(a9), a9, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "--cpus '-1': expected a number of vCPUs, 1..8");
	CHECK_EQ(parse(ARGC(a10), a10, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "option --cpus needs a value");
}
