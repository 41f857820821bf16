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
	{ { "--kernel", "bz", "g.bin" }, "either --kernel BZIMAGE or GUEST.bin" },
	{ { "--kernel", "bz", "--entry", "long" }, "drop --entry" },
	{ { "--initrd", "rd", "g.bin" }, "--initrd needs --kernel" },
	{ { "--cmdline", "quiet", "g.bin" }, "--cmdline needs --kernel" },
	{ { "--kernel" }, "option --kernel needs a value" },
	{ { "--kernel", "bz", "--cpus", "2" }, "drop --cpus" },
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
		       "                     [--cpus N] [--stats] [--ring NAME[:posted|:sync]]...\n"
		       "                     [--ring-entries N] [--ring-busy-poll US] [--ring-poll]\n"
		       "                     GUEST.bin");
	CHECK_CONTAINS(mv_memfile_text(&m), "--ring-entries N  request ring entries, a power of two 2..65536");
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

TEST(options_ring_defaults)
{
	char *argv[] = { "run", "guest.bin" };
	struct mv_run_opts o;
	char err[256];

	CHECK_EQ(parse(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.nr_rings, 0);
	CHECK_EQ(o.ring_entries, 64);
	CHECK_EQ(o.ring_busy_poll_us, 0);
	CHECK(!o.ring_poll);
}

TEST(options_ring_forms)
{
	char *a1[] = { "run", "--ring", "ring-test", "--ring=console:posted",
		       "--ring", "debug-exit:sync", "--ring-entries", "2",
		       "--ring-busy-poll=1000", "--ring-poll", "g.bin" };
	char *a2[] = { "run", "--ring", "a:b:posted", "--ring-entries=65536",
		       "--ring-busy-poll", "0", "g.bin" };
	struct mv_run_opts o;
	char err[256];

	CHECK_EQ(parse(ARGC(a1), a1, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.nr_rings, 3);
	CHECK_STREQ(o.rings[0].name, "ring-test");
	CHECK(!o.rings[0].posted);
	CHECK_STREQ(o.rings[1].name, "console");
	CHECK(o.rings[1].posted);
	CHECK_STREQ(o.rings[2].name, "debug-exit");
	CHECK(!o.rings[2].posted);
	CHECK_EQ(o.ring_entries, 2);
	CHECK_EQ(o.ring_busy_poll_us, 1000);
	CHECK(o.ring_poll);

	/* Only the last colon separates the mode. */
	CHECK_EQ(parse(ARGC(a2), a2, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.nr_rings, 1);
	CHECK_STREQ(o.rings[0].name, "a:b");
	CHECK(o.rings[0].posted);
	CHECK_EQ(o.ring_entries, 65536);
}

TEST(options_ring_errors)
{
	static const struct {
		const char *opt, *val, *msg;
	} cases[] = {
		{ "--ring", "ring-test:fast", "expected NAME, NAME:posted or NAME:sync" },
		{ "--ring", ":posted", "missing the device NAME" },
		{ "--ring", "", "missing the device NAME" },
		{ "--ring", "0123456789012345678901234567890123", "too long" },
		{ "--ring-entries", "3", "expected a power of two, 2..65536" },
		{ "--ring-entries", "1", "power of two, 2..65536" },
		{ "--ring-entries", "131072", "power of two, 2..65536" },
		{ "--ring-entries", "99999999999999999999999", "power of two" },
		{ "--ring-entries", "0x40", "power of two" },
		{ "--ring-entries", "", "power of two" },
		{ "--ring-busy-poll", "1001", "expected microseconds, 0..1000" },
		{ "--ring-busy-poll", "-1", "expected microseconds, 0..1000" },
		{ "--ring-busy-poll", "10us", "expected microseconds" },
	};
	struct mv_run_opts o;
	char err[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *argv[] = { "run", "--ring", "x", (char *)cases[i].opt,
				 (char *)cases[i].val, "g.bin" };

		CHECK_EQ(parse(ARGC(argv), argv, &o, err, sizeof(err)), -1);
		CHECK_CONTAINS(err, cases[i].msg);
		CHECK_CONTAINS(err, cases[i].val);
	}
}

TEST(options_ring_misuse)
{
	char *a1[] = { "run", "--ring", "x", "--ring", "x:posted", "g.bin" };
	char *a2[] = { "run", "--ring-poll", "g.bin" };
	char *a3[] = { "run", "--ring-entries", "8", "g.bin" };
	char *a4[] = { "run", "g.bin", "--ring" };
	char *many[2 * MV_RING_OPTS_MAX + 4];
	char names[MV_RING_OPTS_MAX + 1][8];
	struct mv_run_opts o;
	char err[256];
	int n = 0, i;

	CHECK_EQ(parse(ARGC(a1), a1, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "device x given twice: give each NAME once");
	CHECK_EQ(parse(ARGC(a2), a2, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "--ring-poll has no effect without --ring NAME");
	CHECK_EQ(parse(ARGC(a3), a3, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "--ring-entries has no effect without --ring NAME");
	CHECK_EQ(parse(ARGC(a4), a4, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "option --ring needs a value");

	many[n++] = "run";
	for (i = 0; i <= MV_RING_OPTS_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "d%d", i);
		many[n++] = "--ring";
		many[n++] = names[i];
	}
	many[n++] = "g.bin";
	CHECK_EQ(parse(n, many, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "at most 16 --ring options");
	CHECK_EQ(parse(n - 3, many, &o, err, sizeof(err)), -1);	/* no guest */
	many[n - 3] = "g.bin";
	CHECK_EQ(parse(n - 2, many, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.nr_rings, MV_RING_OPTS_MAX);
}

TEST(options_kernel)
{
	char *a1[] = { "run", "--kernel", "bzImage", "--initrd=rd.gz",
		       "--cmdline", "console=ttyS0 quiet" };
	char *a2[] = { "run", "--mem", "1G", "--kernel=bz" };
	struct mv_run_opts o;
	char err[256];

	CHECK_EQ(parse(ARGC(a1), a1, &o, err, sizeof(err)), 0);
	CHECK_STREQ(o.kernel, "bzImage");
	CHECK_STREQ(o.initrd, "rd.gz");
	CHECK_STREQ(o.cmdline, "console=ttyS0 quiet");
	CHECK(o.guest == NULL);
	CHECK_EQ(o.mem_size, 128ULL << 20);	/* the Linux default */

	CHECK_EQ(parse(ARGC(a2), a2, &o, err, sizeof(err)), 0);
	CHECK_STREQ(o.kernel, "bz");
	CHECK(o.initrd == NULL && o.cmdline == NULL);
	CHECK_EQ(o.mem_size, 1ULL << 30);	/* --mem wins */
}
