// SPDX-License-Identifier: GPL-2.0
/* The RUN loop against a scripted MV_RUN. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "test.h"
#include "exit.h"
#include "loop.h"
#include "devices/console.h"
#include "devices/debug_exit.h"
#include "devices/mmio_test.h"
#include "lib/libminivisor.h"
#include "util.h"

#define RUN_SIZE	4096

struct step {
	int ret;		/* what MV_RUN returns */
	uint32_t exit_reason;
	uint16_t port;
	const char *out;	/* OUT data, size 1 */
	uint64_t gpa;		/* MMIO */
	bool stop_now;		/* "a signal arrives during this RUN" */
};

struct fake {
	const struct step *steps;
	unsigned int nr, next;
	struct mv_run *run;
	volatile sig_atomic_t *stop;
	uint64_t last_mmio;	/* data of the previous MMIO exit */
};

static int fake_run(void *arg)
{
	struct fake *f = arg;
	const struct step *s;

	/* Remember what the VMM answered to the last MMIO read. */
	memcpy(&f->last_mmio, f->run->mmio.data, 8);
	if (f->next >= f->nr) {
		mv_test_fail(__FILE__, __LINE__, "RUN called past the script");
		return -EIO;
	}
	s = &f->steps[f->next++];
	if (s->stop_now)
		*f->stop = 1;
	memset(f->run, 0, RUN_SIZE);
	if (s->ret) {
		if (s->ret == -EINTR)
			f->run->exit_reason = MV_EXIT_INTR;
		return s->ret;
	}
	f->run->exit_reason = s->exit_reason;
	f->run->guest_rip = 0x10000 + f->next;
	if (s->exit_reason == MV_EXIT_IO) {
		f->run->io.direction = s->out ? MV_IO_OUT : MV_IO_IN;
		f->run->io.size = 1;
		f->run->io.port = s->port;
		f->run->io.count = s->out ? (uint32_t)strlen(s->out) : 1;
		f->run->io.data_offset = MV_RUN_IO_DATA_OFFSET;
		if (s->out)
			memcpy((uint8_t *)f->run + MV_RUN_IO_DATA_OFFSET,
			       s->out, strlen(s->out));
	} else if (s->exit_reason == MV_EXIT_MMIO) {
		f->run->mmio.phys_addr = s->gpa;
		f->run->mmio.len = 8;
	}
	return 0;
}

struct loop_fixture {
	struct mv_run *run;
	struct mv_vcpu_ctx ctx;
	struct mv_bus bus;
	struct mv_console con;
	struct mv_mmio_test mmio;
	struct mv_memfile out;
	volatile sig_atomic_t stop;
	struct fake fake;
};

static int run_script(struct loop_fixture *lf, const struct step *steps,
		      unsigned int nr)
{
	lf->run = calloc(1, RUN_SIZE);
	mv_memfile_open(&lf->out);
	mv_bus_init(&lf->bus, NULL);
	CHECK_EQ(mv_console_init(&lf->con, &lf->bus, lf->out.f), 0);
	CHECK_EQ(mv_debug_exit_init(&lf->bus), 0);
	CHECK_EQ(mv_mmio_test_init(&lf->mmio, &lf->bus), 0);
	mv_vcpu_ctx_init(&lf->ctx, 0, lf->run, RUN_SIZE);
	lf->stop = 0;
	lf->fake = (struct fake){
		.steps = steps, .nr = nr, .run = lf->run, .stop = &lf->stop,
	};
	return mv_run_loop(&lf->ctx, &lf->bus, fake_run, &lf->fake, &lf->stop);
}

static void loop_fixture_free(struct loop_fixture *lf)
{
	mv_memfile_close(&lf->out);
	free(lf->run);
}

TEST(loop_runs_to_halt)
{
	static struct loop_fixture lf;
	static const struct step steps[] = {
		{ .exit_reason = MV_EXIT_IO, .port = 0x3f8, .out = "ok " },
		{ .ret = -EINTR },	/* a stray signal: run again */
		{ .exit_reason = MV_EXIT_MMIO, .gpa = 0xfe000800 },
		{ .exit_reason = MV_EXIT_INTR },
		{ .exit_reason = MV_EXIT_IO, .port = 0x3f8, .out = "done\n" },
		{ .exit_reason = MV_EXIT_HLT },
	};

	CHECK_EQ(run_script(&lf, steps, ARRAY_SIZE(steps)), 0);
	CHECK_EQ(lf.fake.next, ARRAY_SIZE(steps));
	CHECK_STREQ(mv_memfile_text(&lf.out), "ok done\n");
	CHECK_STREQ(lf.ctx.stop_msg, "guest halted at rip 0x10006");
	loop_fixture_free(&lf);
}

TEST(loop_mmio_answer_reaches_next_run)
{
	static struct loop_fixture lf;
	static const struct step steps[] = {
		{ .exit_reason = MV_EXIT_MMIO, .gpa = 0xfe000800 },
		{ .exit_reason = MV_EXIT_HLT },
	};

	CHECK_EQ(run_script(&lf, steps, ARRAY_SIZE(steps)), 0);
	CHECK_EQ(lf.fake.last_mmio, 0x8877665544332211ULL);
	loop_fixture_free(&lf);
}

TEST(loop_debug_exit_status)
{
	static struct loop_fixture lf;
	static const struct step steps[] = {
		{ .exit_reason = MV_EXIT_IO, .port = 0xf4, .out = "\x2a" },
	};

	CHECK_EQ(run_script(&lf, steps, ARRAY_SIZE(steps)), 42);
	CHECK_CONTAINS(lf.ctx.stop_msg, "debug-exit");
	loop_fixture_free(&lf);
}

TEST(loop_signal_stops)
{
	static struct loop_fixture lf;
	static const struct step steps[] = {
		{ .exit_reason = MV_EXIT_IO, .port = 0x3f8, .out = "a" },
		{ .ret = -EINTR, .stop_now = true },
	};

	CHECK_EQ(run_script(&lf, steps, ARRAY_SIZE(steps)), 130);
	CHECK_STREQ(lf.ctx.stop_msg, "interrupted");
	CHECK_EQ(lf.fake.next, 2);
	loop_fixture_free(&lf);
}

TEST(loop_signal_during_a_completed_exit)
{
	static struct loop_fixture lf;
	/* The signal lands while RUN returns a normal exit: handled, then stop. */
	static const struct step steps[] = {
		{ .exit_reason = MV_EXIT_IO, .port = 0x3f8, .out = "x\n",
		  .stop_now = true },
	};

	CHECK_EQ(run_script(&lf, steps, ARRAY_SIZE(steps)), 130);
	CHECK_STREQ(mv_memfile_text(&lf.out), "x\n");
	loop_fixture_free(&lf);
}

TEST(loop_run_error)
{
	static struct loop_fixture lf;
	static const struct step steps[] = {
		{ .ret = -EFAULT },
	};
	struct mv_vcpu bad = { .fd = -1, .id = 0 };

	/* Leave a library message behind, as mv_run() would. */
	CHECK_EQ(mv_run(&bad), -EBADF);
	CHECK_EQ(run_script(&lf, steps, ARRAY_SIZE(steps)), 3);
	CHECK_CONTAINS(lf.ctx.stop_msg, "MV_RUN failed");
	loop_fixture_free(&lf);
}

TEST(loop_shutdown)
{
	static struct loop_fixture lf;
	static const struct step steps[] = {
		{ .exit_reason = MV_EXIT_SHUTDOWN },
	};

	CHECK_EQ(run_script(&lf, steps, ARRAY_SIZE(steps)), 2);
	loop_fixture_free(&lf);
}
