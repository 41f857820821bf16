// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdlib.h>

#include "test.h"
#include "exit.h"
#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "devices/console.h"
#include "devices/debug_exit.h"
#include "devices/mmio_test.h"
#include "util.h"

#define RUN_SIZE	4096

/* A synthetic vCPU: a run page, the default devices, console to memory. */
struct fixture {
	union {
		struct mv_run run;
		uint8_t page[RUN_SIZE];
	} *page;
	struct mv_vcpu_ctx ctx;
	struct mv_bus bus;
	struct mv_console con;
	struct mv_mmio_test mmio;
	struct mv_memfile out;
};

static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->page = calloc(1, sizeof(*f->page));
	mv_memfile_open(&f->out);
	mv_bus_init(&f->bus, NULL);
	CHECK_EQ(mv_console_init(&f->con, &f->bus, f->out.f), 0);
	CHECK_EQ(mv_debug_exit_init(&f->bus), 0);
	CHECK_EQ(mv_mmio_test_init(&f->mmio, &f->bus), 0);
	mv_vcpu_ctx_init(&f->ctx, 0, &f->page->run, RUN_SIZE);
	return f;
}

static void fixture_free(struct fixture *f)
{
	mv_memfile_close(&f->out);
	free(f->page);
	free(f);
}

static void set_io(struct fixture *f, uint8_t dir, uint8_t size,
		   uint16_t port, uint32_t count, const void *data)
{
	struct mv_run *run = &f->page->run;

	run->exit_reason = MV_EXIT_IO;
	run->io.direction = dir;
	run->io.size = size;
	run->io.port = port;
	run->io.count = count;
	run->io.data_offset = MV_RUN_IO_DATA_OFFSET;
	if (data)
		memcpy(f->page->page + MV_RUN_IO_DATA_OFFSET, data,
		       (size_t)size * count);
}

static uint8_t *io_data(struct fixture *f)
{
	return f->page->page + MV_RUN_IO_DATA_OFFSET;
}

TEST(exit_io_out_string)
{
	struct fixture *f = fixture_new();

	/* OUTSB with count 6: one exit, six bytes to THR. */
	set_io(f, MV_IO_OUT, 1, 0x3f8, 6, "hello\n");
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK(!f->ctx.stop);
	CHECK_STREQ(mv_memfile_text(&f->out), "hello\n");
	fixture_free(f);
}

TEST(exit_io_out_word_string)
{
	struct fixture *f = fixture_new();
	const uint16_t words[3] = { 0x0078, 0x0079, 0x007a };

	/* OUTSW to THR: each word is THR (low byte) then IER (high byte). */
	set_io(f, MV_IO_OUT, 2, 0x3f8, 3, words);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_STREQ(mv_memfile_text(&f->out), "xyz");
	fixture_free(f);
}

TEST(exit_io_in_fill)
{
	struct fixture *f = fixture_new();

	/* INSB from LSR, count 4: every item filled. */
	set_io(f, MV_IO_IN, 1, 0x3fd, 4, NULL);
	memset(io_data(f), 0xcc, 8);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(io_data(f)[0], 0x60);
	CHECK_EQ(io_data(f)[3], 0x60);
	CHECK_EQ(io_data(f)[4], 0xcc);	/* nothing past count * size */

	/* IN of 4 bytes from an unhandled port: all-ones. */
	set_io(f, MV_IO_IN, 4, 0x1234, 1, NULL);
	memset(io_data(f), 0, 8);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(io_data(f)[0] & io_data(f)[1] & io_data(f)[2] & io_data(f)[3],
		 0xff);
	CHECK_EQ(io_data(f)[4], 0);
	CHECK_EQ(f->bus.unhandled_reads[MV_SPACE_PIO], 1);

	/* INSW x 2 from an unhandled port. */
	set_io(f, MV_IO_IN, 2, 0x1234, 2, NULL);
	memset(io_data(f), 0, 8);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(io_data(f)[3], 0xff);
	CHECK_EQ(io_data(f)[4], 0);
	CHECK_EQ(f->bus.unhandled_reads[MV_SPACE_PIO], 3);
	fixture_free(f);
}

TEST(exit_io_debug_exit)
{
	struct fixture *f = fixture_new();
	const uint8_t codes[3] = { 5, 6, 7 };

	set_io(f, MV_IO_OUT, 1, 0xf4, 3, codes);
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK(f->ctx.stop);
	CHECK_EQ(f->ctx.exit_status, 5);
	fixture_free(f);
}

TEST(exit_io_malformed)
{
	/* Each row breaks one field of an otherwise good OUT exit. */
	static const struct {
		uint8_t direction, size;
		uint32_t count, data_offset;
	} bad[] = {
		{ MV_IO_OUT, 3, 1, MV_RUN_IO_DATA_OFFSET },
		{ MV_IO_OUT, 1, 0, MV_RUN_IO_DATA_OFFSET },
		{ MV_IO_OUT, 1, 1, RUN_SIZE },
		{ MV_IO_OUT, 1, RUN_SIZE, MV_RUN_IO_DATA_OFFSET },
		{ MV_IO_OUT, 4, 0x40000001, MV_RUN_IO_DATA_OFFSET },
		{ MV_IO_OUT, 1, 1, 8 },		/* inside the header */
		{ 2, 1, 1, MV_RUN_IO_DATA_OFFSET },
		{ MV_IO_OUT, 1, 1, 0xffffffff },
	};
	struct fixture *f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		f = fixture_new();
		set_io(f, MV_IO_OUT, 1, 0x3f8, 1, "x");
		f->page->run.io.direction = bad[i].direction;
		f->page->run.io.size = bad[i].size;
		f->page->run.io.count = bad[i].count;
		f->page->run.io.data_offset = bad[i].data_offset;
		CHECK(!mv_handle_exit(&f->ctx, &f->bus));
		CHECK_EQ(f->ctx.exit_status, MV_STATUS_VM_ERROR);
		CHECK_CONTAINS(f->ctx.stop_msg, "malformed I/O exit");
		CHECK_STREQ(mv_memfile_text(&f->out), "");
		fixture_free(f);
	}

	/* The largest well-formed one: the data ends at the page end. */
	f = fixture_new();
	set_io(f, MV_IO_IN, 4, 0x3fc, 1, NULL);
	f->page->run.io.data_offset = RUN_SIZE - 4;
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->page->page[RUN_SIZE - 3], 0x60);
	fixture_free(f);
}

static void set_mmio(struct fixture *f, uint64_t gpa, uint32_t len,
		     bool is_write, uint64_t val)
{
	struct mv_run *run = &f->page->run;

	run->exit_reason = MV_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = len;
	run->mmio.is_write = is_write;
	memset(run->mmio.data, 0xee, sizeof(run->mmio.data));
	if (is_write)
		memcpy(run->mmio.data, &val, len);
}

static uint64_t mmio_result(struct fixture *f)
{
	uint64_t v;

	memcpy(&v, f->page->run.mmio.data, sizeof(v));
	return v;
}

TEST(exit_mmio_read_write)
{
	struct fixture *f = fixture_new();
	const uint64_t B = MV_MMIO_TEST_BASE;

	set_mmio(f, B + 0x800, 8, false, 0);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(mmio_result(f), 0x8877665544332211ULL);

	/* A narrow read leaves the rest of data[] zero. */
	set_mmio(f, B + 0x807, 1, false, 0);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(mmio_result(f), 0x88);

	set_mmio(f, B + 0x40, 4, true, 0xcafef00d);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	set_mmio(f, B + 0x40, 8, false, 0);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(mmio_result(f), 0xcafef00d);
	set_mmio(f, B + 0x42, 2, false, 0);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(mmio_result(f), 0xcafe);

	set_mmio(f, B + 0xff8, 8, false, 0);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(mmio_result(f), 1);

	/* Unhandled: all-ones of the access size. */
	set_mmio(f, 0xfec00000, 4, false, 0);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(mmio_result(f), 0xffffffff);
	set_mmio(f, 0xfec00000, 4, true, 1);
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->bus.unhandled_reads[MV_SPACE_MMIO], 1);
	CHECK_EQ(f->bus.unhandled_writes[MV_SPACE_MMIO], 1);
	CHECK(!f->ctx.stop);
	fixture_free(f);
}

TEST(exit_mmio_malformed)
{
	struct fixture *f = fixture_new();

	set_mmio(f, MV_MMIO_TEST_BASE, 3, false, 0);
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, MV_STATUS_VM_ERROR);
	CHECK_CONTAINS(f->ctx.stop_msg, "malformed MMIO exit");
	fixture_free(f);

	f = fixture_new();
	set_mmio(f, MV_MMIO_TEST_BASE, 16, false, 0);
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	fixture_free(f);
}

TEST(exit_hlt_shutdown_intr)
{
	struct fixture *f = fixture_new();

	f->page->run.exit_reason = MV_EXIT_INTR;
	CHECK(mv_handle_exit(&f->ctx, &f->bus));
	CHECK(!f->ctx.stop);

	f->page->run.exit_reason = MV_EXIT_HLT;
	f->page->run.guest_rip = 0x10005;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, MV_STATUS_HALT);
	CHECK_STREQ(f->ctx.stop_msg, "guest halted at rip 0x10005");
	fixture_free(f);

	f = fixture_new();
	f->page->run.exit_reason = MV_EXIT_SHUTDOWN;
	f->page->run.guest_rip = 0xdead;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, 2);
	CHECK_STREQ(f->ctx.stop_msg,
		    "guest triple-faulted (shutdown) at rip 0xdead");
	fixture_free(f);

	f = fixture_new();
	f->page->run.exit_reason = 99;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, 3);
	CHECK_CONTAINS(f->ctx.stop_msg, "unexpected exit reason 99 (unknown)");
	fixture_free(f);

	f = fixture_new();
	f->page->run.exit_reason = MV_EXIT_NONE;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_CONTAINS(f->ctx.stop_msg, "unexpected exit reason 0 (NONE)");
	fixture_free(f);
}

TEST(exit_fail_entry_guest_state)
{
	struct fixture *f = fixture_new();
	struct mv_run *run = &f->page->run;

	run->exit_reason = MV_EXIT_FAIL_ENTRY;
	run->guest_rip = 0x10000;
	run->fail_entry.hardware_exit_reason = 0x80000021;
	run->fail_entry.exit_qualification = 0;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, 3);
	CHECK_CONTAINS(f->ctx.stop_msg, "VM entry failed at rip 0x10000");
	CHECK_CONTAINS(f->ctx.stop_msg, "0x80000021 = entry failure, basic reason 33: VM-entry failure due to invalid guest state");
	CHECK_CONTAINS(f->ctx.stop_msg, "exit qualification:   0x0 (no further information)");
	CHECK_CONTAINS(f->ctx.stop_msg, "VM-instruction error: 0 (none)");
	CHECK_CONTAINS(f->ctx.stop_msg, "26.3.1");
	CHECK(f->ctx.stop_msg[strlen(f->ctx.stop_msg) - 1] != '\n');
	fixture_free(f);
}

TEST(exit_fail_entry_messages)
{
	struct mv_exit_fail_entry fe;
	char buf[1024];

	memset(&fe, 0, sizeof(fe));
	fe.vm_instruction_error = 7;
	mv_describe_fail_entry(&fe, 0x1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "VM-instruction error: 7 (VM entry with invalid control field(s))");
	CHECK_CONTAINS(buf, "refused the VMCS controls");

	fe.vm_instruction_error = 8;
	mv_describe_fail_entry(&fe, 0x1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "VM-instruction error: 8 (VM entry with invalid host-state field(s))");

	fe.vm_instruction_error = 0;
	fe.hardware_exit_reason = 0x80000022;
	fe.exit_qualification = 3;
	mv_describe_fail_entry(&fe, 0x1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "basic reason 34: VM-entry failure due to MSR loading");
	CHECK_CONTAINS(buf, "entry 3 of the VM-entry MSR-load area failed");

	fe.hardware_exit_reason = 0x80000029;
	fe.exit_qualification = 0;
	mv_describe_fail_entry(&fe, 0x1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "basic reason 41: VM-entry failure due to machine-check event");

	fe.hardware_exit_reason = 0x80000021;
	fe.exit_qualification = 4;
	mv_describe_fail_entry(&fe, 0x1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "(invalid VMCS link pointer)");

	fe.vm_instruction_error = 200;
	mv_describe_fail_entry(&fe, 0x1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "VM-instruction error: 200 (unknown)");

	/* A tiny buffer is truncated, never overrun. */
	memset(buf, 'Z', sizeof(buf));
	mv_describe_fail_entry(&fe, 0x1, buf, 16);
	CHECK_EQ(strlen(buf), 15);
	CHECK_EQ(buf[16], 'Z');
}

TEST(exit_internal_unhandled)
{
	struct fixture *f = fixture_new();
	struct mv_run *run = &f->page->run;

	run->exit_reason = MV_EXIT_INTERNAL_ERROR;
	run->guest_rip = 0x10010;
	run->internal.suberror = MV_INTERNAL_UNHANDLED_EXIT;
	run->internal.ndata = 4;
	run->internal.data[0] = 10;
	run->internal.data[1] = 0x1234;
	run->internal.data[2] = 0x10010;
	run->internal.data[3] = 0xfee00000;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, 3);
	CHECK_CONTAINS(f->ctx.stop_msg, "UNHANDLED_EXIT (suberror 1)");
	CHECK_CONTAINS(f->ctx.stop_msg, "VM exit reason 10 (CPUID) is not handled");
	CHECK_CONTAINS(f->ctx.stop_msg, "exit qualification 0x1234");
	CHECK_CONTAINS(f->ctx.stop_msg, "guest-physical address 0xfee00000");
	fixture_free(f);
}

TEST(exit_internal_emulation_bytes)
{
	struct mv_exit_internal in;
	char buf[1024];

	memset(&in, 0, sizeof(in));
	in.suberror = MV_INTERNAL_EMULATION;
	in.ndata = 5;
	in.data[0] = 0xfe000000;
	in.data[1] = 0x10020;
	in.data[2] = 10;
	/* 48 c7 04 25 00 00 00 fe 01 00 ... packed 8 per entry */
	in.data[3] = 0xfe0000002504c748ULL;
	in.data[4] = 0x0000000000000001ULL;
	mv_describe_internal(&in, 0x10020, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "EMULATION (suberror 2)");
	CHECK_CONTAINS(buf, "guest-physical 0xfe000000");
	CHECK_CONTAINS(buf, "instruction bytes (10): 48 c7 04 25 00 00 00 fe 01 00\n");

	/* A length beyond the data present is clamped to it. */
	in.ndata = 4;
	in.data[2] = 15;
	mv_describe_internal(&in, 0, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "instruction bytes (15): 48 c7 04 25 00 00 00 fe\n");

	/* ndata beyond the array is clamped to 16. */
	in.suberror = 77;
	in.ndata = 1000;
	mv_describe_internal(&in, 0, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "unknown (suberror 77)");
	CHECK_CONTAINS(buf, "data[15] = 0x0");
	CHECK(!strstr(buf, "data[16]"));

	in.suberror = MV_INTERNAL_STRING_IO;
	in.ndata = 2;
	in.data[0] = 0x3f80019;	/* port 0x3f8, REP OUTSB */
	in.data[1] = 0x10030;
	mv_describe_internal(&in, 0, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "STRING_IO");
	CHECK_CONTAINS(buf, "port 0x3f8");
	CHECK_CONTAINS(buf, "rip 0x10030");

	/* An unhandled WRMSR names the MSR and the value. */
	in.suberror = MV_INTERNAL_UNHANDLED_EXIT;
	in.ndata = 4;
	in.data[0] = 32;
	in.data[1] = 0xc0000081;
	in.data[2] = 0x10040;
	in.data[3] = 0x123;
	mv_describe_internal(&in, 0, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "MSR 0xc0000081");
	CHECK_CONTAINS(buf, "value written 0x123");
}

TEST(exit_msr_read_write)
{
	struct fixture *f = fixture_new();

	f->page->run.exit_reason = MV_EXIT_MSR;
	f->page->run.guest_rip = 0x10010;
	f->page->run.msr.index = 0x4d565f31;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, MV_STATUS_VM_ERROR);
	CHECK_STREQ(f->ctx.stop_msg,
		    "guest RDMSR of MSR 0x4d565f31 at rip 0x10010: neither the module nor the tool emulates it");
	fixture_free(f);

	f = fixture_new();
	f->page->run.exit_reason = MV_EXIT_MSR;
	f->page->run.guest_rip = 0x10020;
	f->page->run.msr.index = 0xce;
	f->page->run.msr.is_write = 1;
	f->page->run.msr.data = 0x123456789aULL;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, 3);
	CHECK_STREQ(f->ctx.stop_msg,
		    "guest WRMSR of MSR 0xce (value 0x123456789a) at rip 0x10020: neither the module nor the tool emulates it");
	fixture_free(f);
}

TEST(exit_internal_ring)
{
	struct fixture *f = fixture_new();
	struct mv_run *run = &f->page->run;
	struct mv_exit_internal in;
	char buf[1024];

	run->exit_reason = MV_EXIT_INTERNAL_ERROR;
	run->guest_rip = 0x10040;
	run->internal.suberror = MV_INTERNAL_RING;
	run->internal.ndata = 2;
	run->internal.data[0] = MV_RING_ERR_CPL_SEQ;
	run->internal.data[1] = 0x2a;
	CHECK(!mv_handle_exit(&f->ctx, &f->bus));
	CHECK_EQ(f->ctx.exit_status, MV_STATUS_VM_ERROR);
	CHECK_CONTAINS(f->ctx.stop_msg, "RING (suberror 4)");
	CHECK_CONTAINS(f->ctx.stop_msg,
		       "broke the shared-ring protocol: MV_RING_ERR_CPL_SEQ (4), value 0x2a\n");
	CHECK_CONTAINS(f->ctx.stop_msg, "rerun without --ring");
	fixture_free(f);

	/* An unknown code, or data missing, is still readable. */
	memset(&in, 0, sizeof(in));
	in.suberror = MV_INTERNAL_RING;
	in.ndata = 1;
	in.data[0] = 99;
	mv_describe_internal(&in, 0, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "MV_RING_ERR_unknown (99)\n");
	in.ndata = 0;
	mv_describe_internal(&in, 0, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "RING (suberror 4)");
}
