// SPDX-License-Identifier: GPL-2.0
/* The options of `minivisor stats`, `top` and `events` (stats_cmd.c). */
#include <stdint.h>

#include "test.h"
#include "stats_cmd.h"
#include "util.h"

#define MAX_ARGS	8

static const char *const names[] = {
	[MV_NLCMD_STATS] = "stats",
	[MV_NLCMD_TOP] = "top",
	[MV_NLCMD_EVENTS] = "events",
};

/*
 * mv_nl_parse_args() of the command name and the NULL-terminated @args;
 * @errtext gets what it printed (at most @len bytes).
 */
static int parse(enum mv_nl_cmd cmd, const char *const *args,
		 struct mv_nl_opts *o, char *errtext, size_t len)
{
	char *argv[MAX_ARGS + 2];
	struct mv_memfile m;
	int argc = 0, i, ret;

	argv[argc++] = (char *)names[cmd];
	for (i = 0; i < MAX_ARGS && args[i]; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	mv_memfile_open(&m);
	ret = mv_nl_parse_args(cmd, argc, argv, o, m.f);
	snprintf(errtext, len, "%s", mv_memfile_text(&m) ? mv_memfile_text(&m) : "");
	mv_memfile_close(&m);
	return ret;
}

#define ARGS(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define NOARGS		((const char *const[]){ NULL })

static void check_defaults(const struct mv_nl_opts *o)
{
	CHECK(!o->help);
	CHECK_EQ(o->vm, -1);
	CHECK_EQ(o->vcpu, -1);
	CHECK(!o->json);
	CHECK(!o->reset);
	CHECK(o->interval == 1.0);
	CHECK_EQ(o->iterations, 0);
	CHECK(!o->have_sample);
	CHECK_EQ(o->sample, 0);
	CHECK_EQ(o->count, 0);
}

TEST(stats_cmd_defaults)
{
	struct mv_nl_opts o;
	char err[512];
	int c;

	for (c = MV_NLCMD_STATS; c <= MV_NLCMD_EVENTS; c++) {
		memset(&o, 0x5a, sizeof(o));
		CHECK_EQ(parse(c, NOARGS, &o, err, sizeof(err)), 0);
		check_defaults(&o);
		CHECK_STREQ(err, "");
	}
}

TEST(stats_cmd_stats_options)
{
	struct mv_nl_opts o;
	char err[512];

	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--vm", "3", "--vcpu", "1", "--json"),
		       &o, err, sizeof(err)), 0);
	CHECK_STREQ(err, "");
	CHECK_EQ(o.vm, 3);
	CHECK_EQ(o.vcpu, 1);
	CHECK(o.json);
	CHECK(!o.reset);
	CHECK(!o.help);

	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--vcpu=0", "--vm=4294967295"),
		       &o, err, sizeof(err)), 0);
	CHECK_EQ(o.vm, 4294967295LL);
	CHECK_EQ(o.vcpu, 0);
	CHECK(!o.json);

	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--vm", "0"), &o, err, sizeof(err)), 0);
	CHECK_EQ(o.vm, 0);
	CHECK_EQ(o.vcpu, -1);

	/* The last one wins. */
	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--vm", "1", "--vm=2"), &o, err,
		       sizeof(err)), 0);
	CHECK_EQ(o.vm, 2);

	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--reset", "--vm", "2"), &o, err,
		       sizeof(err)), 0);
	CHECK(o.reset);
	CHECK_EQ(o.vm, 2);
	CHECK_EQ(o.vcpu, -1);
	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--vm=2", "--vcpu", "3", "--reset"),
		       &o, err, sizeof(err)), 0);
	CHECK(o.reset);
	CHECK_EQ(o.vcpu, 3);
	CHECK_STREQ(err, "");
}

TEST(stats_cmd_top_options)
{
	struct mv_nl_opts o;
	char err[512];

	CHECK_EQ(parse(MV_NLCMD_TOP, ARGS("--vm", "1", "--interval", "0.5",
					  "--iterations", "10"),
		       &o, err, sizeof(err)), 0);
	CHECK_STREQ(err, "");
	CHECK_EQ(o.vm, 1);
	CHECK(o.interval == 0.5);
	CHECK_EQ(o.iterations, 10);
	CHECK_EQ(o.vcpu, -1);

	CHECK_EQ(parse(MV_NLCMD_TOP, ARGS("--interval=3600", "--iterations=1"),
		       &o, err, sizeof(err)), 0);
	CHECK(o.interval == 3600);
	CHECK_EQ(o.iterations, 1);
	CHECK_EQ(o.vm, -1);
	CHECK_EQ(parse(MV_NLCMD_TOP, ARGS("--interval", "0.01"), &o, err,
		       sizeof(err)), 0);
	CHECK(o.interval == 0.01);
	CHECK_EQ(parse(MV_NLCMD_TOP, ARGS("--interval=2"), &o, err,
		       sizeof(err)), 0);
	CHECK(o.interval == 2);
	CHECK_EQ(o.iterations, 0);
	CHECK_EQ(parse(MV_NLCMD_TOP, ARGS("--iterations", "18446744073709551615"),
		       &o, err, sizeof(err)), 0);
	CHECK_EQ(o.iterations, 18446744073709551615ULL);
}

TEST(stats_cmd_events_options)
{
	struct mv_nl_opts o;
	char err[512];

	CHECK_EQ(parse(MV_NLCMD_EVENTS, ARGS("--sample", "100", "--count", "5"),
		       &o, err, sizeof(err)), 0);
	CHECK_STREQ(err, "");
	CHECK(o.have_sample);
	CHECK_EQ(o.sample, 100);
	CHECK_EQ(o.count, 5);
	CHECK_EQ(o.vm, -1);

	/* 0 turns sampling off: given, not absent. */
	CHECK_EQ(parse(MV_NLCMD_EVENTS, ARGS("--sample=0"), &o, err,
		       sizeof(err)), 0);
	CHECK(o.have_sample);
	CHECK_EQ(o.sample, 0);
	CHECK_EQ(o.count, 0);

	CHECK_EQ(parse(MV_NLCMD_EVENTS, ARGS("--count=1", "--sample",
					     "4294967295"),
		       &o, err, sizeof(err)), 0);
	CHECK_EQ(o.count, 1);
	CHECK_EQ(o.sample, 4294967295U);
}

TEST(stats_cmd_help)
{
	struct mv_nl_opts o;
	char err[512];
	int c;

	for (c = MV_NLCMD_STATS; c <= MV_NLCMD_EVENTS; c++) {
		CHECK_EQ(parse(c, ARGS("--help"), &o, err, sizeof(err)), 0);
		CHECK(o.help);
		CHECK_EQ(parse(c, ARGS("-h"), &o, err, sizeof(err)), 0);
		CHECK(o.help);
		/* Help first: what follows is not looked at. */
		CHECK_EQ(parse(c, ARGS("-h", "--bogus"), &o, err, sizeof(err)), 0);
		CHECK(o.help);
		CHECK_STREQ(err, "");
	}
	/* Nor are the checks after the options. */
	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--reset", "--help"), &o, err,
		       sizeof(err)), 0);
	CHECK(o.help);
	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--vcpu", "1", "-h"), &o, err,
		       sizeof(err)), 0);
	CHECK(o.help);
	CHECK_STREQ(err, "");
	/* An error before it still counts. */
	CHECK_EQ(parse(MV_NLCMD_TOP, ARGS("--bogus", "--help"), &o, err,
		       sizeof(err)), -1);
	CHECK_CONTAINS(err, "unknown option '--bogus'");
	/* A value that looks like help is a value. */
	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--vm", "-h"), &o, err,
		       sizeof(err)), -1);
	CHECK(!o.help);
}

static const struct {
	enum mv_nl_cmd cmd;
	const char *args[6];		/* NULL-terminated */
	const char *msg;
} bad[] = {
	/* stats */
	{ MV_NLCMD_STATS, { "--vm" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not ''" },
	{ MV_NLCMD_STATS, { "--vm=" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not ''" },
	{ MV_NLCMD_STATS, { "--vm", "abc" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not 'abc'" },
	{ MV_NLCMD_STATS, { "--vm=-1" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not '-1'" },
	{ MV_NLCMD_STATS, { "--vm", "+1" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not '+1'" },
	{ MV_NLCMD_STATS, { "--vm", " 1" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not ' 1'" },
	{ MV_NLCMD_STATS, { "--vm", "1x" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not '1x'" },
	{ MV_NLCMD_STATS, { "--vm", "0x10" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not '0x10'" },
	{ MV_NLCMD_STATS, { "--vm", "4294967296" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not '4294967296'" },
	{ MV_NLCMD_STATS, { "--vm", "99999999999999999999999" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not '99999999999999999999999'" },
	{ MV_NLCMD_STATS, { "--vm", "1", "--vcpu" },
	  "--vcpu needs a vCPU number, not ''" },
	{ MV_NLCMD_STATS, { "--vm", "1", "--vcpu=x" },
	  "--vcpu needs a vCPU number, not 'x'" },
	{ MV_NLCMD_STATS, { "--vm", "1", "--vcpu", "-1" },
	  "--vcpu needs a vCPU number, not '-1'" },
	{ MV_NLCMD_STATS, { "--vcpu", "1" }, "--vcpu needs --vm" },
	{ MV_NLCMD_STATS, { "--vcpu=0", "--json" }, "--vcpu needs --vm" },
	{ MV_NLCMD_STATS, { "--reset" },
	  "--reset needs --vm ID (and optionally --vcpu N)" },
	{ MV_NLCMD_STATS, { "--reset", "--json" },
	  "--reset needs --vm ID (and optionally --vcpu N)" },
	{ MV_NLCMD_STATS, { "--reset", "--json", "--vm=1" },
	  "--reset and --json do not go together" },
	{ MV_NLCMD_STATS, { "--json", "--vm", "1", "--reset" },
	  "--reset and --json do not go together" },
	{ MV_NLCMD_STATS, { "--json=1" }, "unknown option '--json=1'" },
	{ MV_NLCMD_STATS, { "--reset=yes", "--vm=1" },
	  "unknown option '--reset=yes'" },
	{ MV_NLCMD_STATS, { "--vmx", "1" }, "unknown option '--vmx'" },
	{ MV_NLCMD_STATS, { "-v" }, "unknown option '-v'" },
	{ MV_NLCMD_STATS, { "--" }, "unknown option '--'" },
	{ MV_NLCMD_STATS, { "3" }, "unexpected argument '3'" },
	{ MV_NLCMD_STATS, { "--vm", "1", "extra" },
	  "unexpected argument 'extra'" },
	/* options of top and events */
	{ MV_NLCMD_STATS, { "--interval", "1" }, "unknown option '--interval'" },
	{ MV_NLCMD_STATS, { "--iterations=2" },
	  "unknown option '--iterations=2'" },
	{ MV_NLCMD_STATS, { "--sample", "1" }, "unknown option '--sample'" },
	{ MV_NLCMD_STATS, { "--count", "1" }, "unknown option '--count'" },

	/* top */
	{ MV_NLCMD_TOP, { "--interval", "0" },
	  "--interval needs seconds between 0.01 and 3600, not '0'" },
	{ MV_NLCMD_TOP, { "--interval=0.009" },
	  "--interval needs seconds between 0.01 and 3600, not '0.009'" },
	{ MV_NLCMD_TOP, { "--interval", "3600.5" },
	  "--interval needs seconds between 0.01 and 3600, not '3600.5'" },
	{ MV_NLCMD_TOP, { "--interval", "-1" },
	  "--interval needs seconds between 0.01 and 3600, not '-1'" },
	{ MV_NLCMD_TOP, { "--interval", "1s" },
	  "--interval needs seconds between 0.01 and 3600, not '1s'" },
	{ MV_NLCMD_TOP, { "--interval", "abc" },
	  "--interval needs seconds between 0.01 and 3600, not 'abc'" },
	{ MV_NLCMD_TOP, { "--interval=nan" },
	  "--interval needs seconds between 0.01 and 3600, not 'nan'" },
	{ MV_NLCMD_TOP, { "--interval=inf" },
	  "--interval needs seconds between 0.01 and 3600, not 'inf'" },
	{ MV_NLCMD_TOP, { "--interval=" },
	  "--interval needs seconds between 0.01 and 3600, not ''" },
	{ MV_NLCMD_TOP, { "--interval", "" },
	  "--interval needs seconds between 0.01 and 3600, not ''" },
	{ MV_NLCMD_TOP, { "--interval" },
	  "--interval needs seconds between 0.01 and 3600, not ''" },
	{ MV_NLCMD_TOP, { "--iterations", "0" },
	  "--iterations needs a number of refreshes (1 or more), not '0'" },
	{ MV_NLCMD_TOP, { "--iterations=-1" },
	  "--iterations needs a number of refreshes (1 or more), not '-1'" },
	{ MV_NLCMD_TOP, { "--iterations", "x" },
	  "--iterations needs a number of refreshes (1 or more), not 'x'" },
	{ MV_NLCMD_TOP, { "--iterations", "18446744073709551616" },
	  "--iterations needs a number of refreshes (1 or more), not '18446744073709551616'" },
	{ MV_NLCMD_TOP, { "--iterations" },
	  "--iterations needs a number of refreshes (1 or more), not ''" },
	{ MV_NLCMD_TOP, { "--vm", "x" },
	  "--vm needs a VM id (a number, see 'minivisor stats'), not 'x'" },
	/* options of stats and events */
	{ MV_NLCMD_TOP, { "--vm", "1", "--vcpu", "0" }, "unknown option '--vcpu'" },
	{ MV_NLCMD_TOP, { "--json" }, "unknown option '--json'" },
	{ MV_NLCMD_TOP, { "--reset", "--vm", "1" }, "unknown option '--reset'" },
	{ MV_NLCMD_TOP, { "--sample=1" }, "unknown option '--sample=1'" },
	{ MV_NLCMD_TOP, { "--count", "1" }, "unknown option '--count'" },
	{ MV_NLCMD_TOP, { "1" }, "unexpected argument '1'" },

	/* events */
	{ MV_NLCMD_EVENTS, { "--sample" },
	  "--sample needs a period N (every N-th exit; 0 turns sampling off), not ''" },
	{ MV_NLCMD_EVENTS, { "--sample", "-1" },
	  "--sample needs a period N (every N-th exit; 0 turns sampling off), not '-1'" },
	{ MV_NLCMD_EVENTS, { "--sample=4294967296" },
	  "--sample needs a period N (every N-th exit; 0 turns sampling off), not '4294967296'" },
	{ MV_NLCMD_EVENTS, { "--sample", "1.5" },
	  "--sample needs a period N (every N-th exit; 0 turns sampling off), not '1.5'" },
	{ MV_NLCMD_EVENTS, { "--count", "0" },
	  "--count needs a number of events (1 or more), not '0'" },
	{ MV_NLCMD_EVENTS, { "--count=" },
	  "--count needs a number of events (1 or more), not ''" },
	{ MV_NLCMD_EVENTS, { "--count", "ten" },
	  "--count needs a number of events (1 or more), not 'ten'" },
	/* options of stats and top */
	{ MV_NLCMD_EVENTS, { "--vm", "1" }, "unknown option '--vm'" },
	{ MV_NLCMD_EVENTS, { "--vm=1" }, "unknown option '--vm=1'" },
	{ MV_NLCMD_EVENTS, { "--vcpu", "1" }, "unknown option '--vcpu'" },
	{ MV_NLCMD_EVENTS, { "--json" }, "unknown option '--json'" },
	{ MV_NLCMD_EVENTS, { "--reset" }, "unknown option '--reset'" },
	{ MV_NLCMD_EVENTS, { "--interval", "1" }, "unknown option '--interval'" },
	{ MV_NLCMD_EVENTS, { "--iterations=1" },
	  "unknown option '--iterations=1'" },
	{ MV_NLCMD_EVENTS, { "vm" }, "unexpected argument 'vm'" },
};

TEST(stats_cmd_bad_args)
{
	struct mv_nl_opts o;
	char err[512], expect[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *n = names[bad[i].cmd];

		err[0] = '\0';
		if (parse(bad[i].cmd, bad[i].args, &o, err, sizeof(err)) != -1)
			mv_test_fail(__FILE__, __LINE__,
				     "case %zu (%s %s ...) was accepted", i, n,
				     bad[i].args[0]);
		snprintf(expect, sizeof(expect),
			 "minivisor %s: %s\nTry 'minivisor %s --help'.\n", n,
			 bad[i].msg, n);
		if (strcmp(err, expect))
			mv_test_fail(__FILE__, __LINE__,
				     "case %zu: \"%s\" != \"%s\"", i, err,
				     expect);
	}
}

static void check_usage(void (*fn)(FILE *), const char *first_line,
			const char *const *opts)
{
	struct mv_memfile m;
	const char *t;

	mv_memfile_open(&m);
	fn(m.f);
	t = mv_memfile_text(&m);
	CHECK(t && !strncmp(t, first_line, strlen(first_line)));
	CHECK_CONTAINS(t, "\nOptions:\n");
	CHECK_CONTAINS(t, "  -h, --help    ");
	for (; *opts; opts++)
		CHECK_CONTAINS(t, *opts);
	CHECK(t && t[strlen(t) - 1] == '\n');
	mv_memfile_close(&m);
}

TEST(stats_cmd_usage)
{
	struct mv_nl_opts o;
	char err[512];

	check_usage(mv_print_stats_usage,
		    "Usage: minivisor stats [--vm ID [--vcpu N]] [--json]\n"
		    "       minivisor stats --reset --vm ID [--vcpu N]\n\n",
		    ARGS("  --vm ID  ", "  --vcpu N  ", "  --json  ",
			 "  --reset  ", "\"hist\":[32]",
			 "2^31+ is everything"));
	check_usage(mv_print_top_usage,
		    "Usage: minivisor top [--vm ID] [--interval SECONDS] [--iterations N]\n\n",
		    ARGS("  --vm ID  ", "  --interval SECONDS  ",
			 "  --iterations N  ", "0.01 .. 3600"));
	check_usage(mv_print_events_usage,
		    "Usage: minivisor events [--sample N] [--count N]\n\n",
		    ARGS("  --sample N  ", "  --count N  ",
			 "  vm-created vm=ID pid=PID\n",
			 "  vm-destroyed vm=ID\n",
			 "  exit vm=ID vcpu=N reason=R NAME qual=0x.. rip=0x.. cycles=C\n"));

	/* Every option a usage text shows is accepted. */
	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--vm", "1", "--vcpu", "2", "--json"),
		       &o, err, sizeof(err)), 0);
	CHECK_EQ(parse(MV_NLCMD_STATS, ARGS("--reset", "--vm", "1", "--vcpu", "2"),
		       &o, err, sizeof(err)), 0);
	CHECK_EQ(parse(MV_NLCMD_TOP, ARGS("--vm", "1", "--interval", "1",
					  "--iterations", "1"),
		       &o, err, sizeof(err)), 0);
	CHECK_EQ(parse(MV_NLCMD_EVENTS, ARGS("--sample", "1", "--count", "1"),
		       &o, err, sizeof(err)), 0);
}
