// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM backend without /dev/kvm: its pure parts (hv/kvm_xlate.h,
 * kvm_events.h, kvm_coalesced.h, kvm_stats.h) on fake kvm_run pages and
 * rings, the messages of its failure paths, and the --hv / --coalesced
 * options.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "exit.h"
#include "options.h"
#include "util.h"
#include "hv/hv.h"
#include "hv/kvm.h"
#include "hv/kvm_coalesced.h"
#include "hv/kvm_events.h"
#include "hv/kvm_names.h"
#include "hv/kvm_stats.h"
#include "hv/kvm_xlate.h"
#include "lib/libminivisor.h"

/* KVM's mapping: the kvm_run page, then the PIO data page (offset 4096). */
#define FAKE_KR_SIZE	(3 * 4096)
#define FAKE_PIO_OFFSET	4096

struct fake {
	struct kvm_run *kr;
	struct mv_run *run;
	enum mv_kvm_completion cpl;
};

static void fake_init(struct fake *f)
{
	f->kr = calloc(1, FAKE_KR_SIZE);
	f->run = calloc(1, MV_KVM_RUN_SIZE);
	f->cpl = MV_KVM_CPL_NONE;
}

static void fake_free(struct fake *f)
{
	free(f->kr);
	free(f->run);
}

static enum mv_kvm_xlate xlate(struct fake *f)
{
	return mv_kvm_exit_to_mv(f->kr, FAKE_KR_SIZE, f->run, MV_KVM_RUN_SIZE,
				 &f->cpl);
}

static int complete(struct fake *f)
{
	return mv_kvm_complete(f->kr, FAKE_KR_SIZE, f->run, MV_KVM_RUN_SIZE,
			       f->cpl);
}

static uint8_t *kr_pio(struct fake *f)
{
	return (uint8_t *)f->kr + FAKE_PIO_OFFSET;
}

static uint8_t *run_io(struct fake *f)
{
	return (uint8_t *)f->run + f->run->io.data_offset;
}

static void set_io(struct fake *f, uint8_t dir, uint8_t size, uint16_t port,
		   uint32_t count)
{
	f->kr->exit_reason = KVM_EXIT_IO;
	f->kr->io.direction = dir;
	f->kr->io.size = size;
	f->kr->io.port = port;
	f->kr->io.count = count;
	f->kr->io.data_offset = FAKE_PIO_OFFSET;
}

TEST(hv_kvm_regs_round_trip)
{
	struct mv_regs m, back;
	struct kvm_regs k;
	uint64_t *w = (uint64_t *)&m;
	unsigned int i;

	for (i = 0; i < sizeof(m) / 8; i++)
		w[i] = 0x1111111111111111ULL * (i + 1);
	mv_kvm_regs_from_mv(&k, &m);
	CHECK_EQ(k.rax, m.rax);
	CHECK_EQ(k.r15, m.r15);
	CHECK_EQ(k.rip, m.rip);
	CHECK_EQ(k.rflags, m.rflags);
	CHECK_EQ(k.rsp, m.rsp);
	mv_kvm_regs_to_mv(&back, &k);
	CHECK(!memcmp(&back, &m, sizeof(m)));
}

TEST(hv_kvm_sregs_keep_kvm_fields)
{
	struct mv_sregs m, back;
	struct kvm_sregs k;

	memset(&m, 0, sizeof(m));
	m.cs = (struct mv_segment){ .base = 0x10000, .limit = 0xffff,
				    .selector = 0x1000, .type = 0xb, .s = 1,
				    .present = 1 };
	m.ds = (struct mv_segment){ .limit = 0xffffffff, .selector = 0x10,
				    .type = 3, .s = 1, .present = 1, .db = 1,
				    .g = 1, .dpl = 3, .avl = 1 };
	m.fs = m.gs = m.es = m.ss = m.ds;
	m.tr = (struct mv_segment){ .limit = 0x67, .type = 0xb, .present = 1 };
	m.ldt.unusable = 1;
	m.gdt = (struct mv_dtable){ .base = 0x500, .limit = 0x17 };
	m.idt = (struct mv_dtable){ .base = 0x1234, .limit = 0xfff };
	m.cr0 = 0x80000031;
	m.cr2 = 0xdead;
	m.cr3 = 0x1000;
	m.cr4 = 0x20;
	m.efer = 0x500;

	memset(&k, 0xa5, sizeof(k));
	k.cr8 = 7;
	k.apic_base = 0xfee00900;
	mv_kvm_sregs_from_mv(&k, &m);
	CHECK_EQ(k.cr8, 7);
	CHECK_EQ(k.apic_base, 0xfee00100);	/* BSP, not enabled */
	CHECK_EQ(k.interrupt_bitmap[0], 0xa5a5a5a5a5a5a5a5ULL);
	CHECK_EQ(k.cs.base, 0x10000);
	CHECK_EQ(k.cs.selector, 0x1000);
	CHECK_EQ(k.cs.type, 0xb);
	CHECK_EQ(k.cs.padding, 0);
	CHECK_EQ(k.ds.g, 1);
	CHECK_EQ(k.ds.dpl, 3);
	CHECK_EQ(k.ds.avl, 1);
	CHECK_EQ(k.ldt.unusable, 1);
	CHECK_EQ(k.ldt.present, 0);
	CHECK_EQ(k.tr.limit, 0x67);
	CHECK_EQ(k.gdt.limit, 0x17);
	CHECK_EQ(k.idt.base, 0x1234);
	CHECK_EQ(k.gdt.padding[0], 0);
	CHECK_EQ(k.cr0, 0x80000031);
	CHECK_EQ(k.cr2, 0xdead);
	CHECK_EQ(k.efer, 0x500);

	mv_kvm_sregs_to_mv(&back, &k);
	CHECK(!memcmp(&back, &m, sizeof(m)));
}

TEST(hv_kvm_exit_pio_out)
{
	struct fake f;

	fake_init(&f);
	set_io(&f, KVM_EXIT_IO_OUT, 1, 0x3f8, 1);
	kr_pio(&f)[0] = 'h';
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_IO);
	CHECK_EQ(f.run->io.direction, MV_IO_OUT);
	CHECK_EQ(f.run->io.size, 1);
	CHECK_EQ(f.run->io.port, 0x3f8);
	CHECK_EQ(f.run->io.count, 1);
	CHECK_EQ(f.run->io.data_offset, MV_RUN_IO_DATA_OFFSET);
	CHECK_EQ(run_io(&f)[0], 'h');
	CHECK_EQ(f.cpl, MV_KVM_CPL_NONE);
	CHECK_EQ(f.run->guest_rip, 0);
	CHECK(!mv_kvm_exit_wants_rip(f.run->exit_reason));
	fake_free(&f);
}

TEST(hv_kvm_exit_pio_in_written_back)
{
	struct fake f;

	fake_init(&f);
	set_io(&f, KVM_EXIT_IO_IN, 4, 0xe4, 1);
	memset(kr_pio(&f), 0xee, 4);
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->io.direction, MV_IO_IN);
	CHECK_EQ(run_io(&f)[0], 0);	/* the device fills it */
	CHECK_EQ(f.cpl, MV_KVM_CPL_PIO_IN);
	memcpy(run_io(&f), "\x78\x56\x34\x12", 4);
	CHECK_EQ(complete(&f), 0);
	CHECK(!memcmp(kr_pio(&f), "\x78\x56\x34\x12", 4));
	fake_free(&f);
}

TEST(hv_kvm_exit_string_io)
{
	struct fake f;
	unsigned int i;

	fake_init(&f);
	/* REP OUTSW of 2000 words: 4000 bytes, more than minivisor's 3072. */
	set_io(&f, KVM_EXIT_IO_OUT, 2, 0x3f8, 2000);
	for (i = 0; i < 4000; i++)
		kr_pio(&f)[i] = (uint8_t)i;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->io.count, 2000);
	CHECK_EQ(f.run->io.size, 2);
	CHECK(!memcmp(run_io(&f), kr_pio(&f), 4000));

	/* REP INSB of 100: the VMM's bytes reach KVM's page, in order. */
	set_io(&f, KVM_EXIT_IO_IN, 1, 0x60, 100);
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	for (i = 0; i < 100; i++)
		run_io(&f)[i] = (uint8_t)(0xff - i);
	CHECK_EQ(complete(&f), 0);
	for (i = 0; i < 100; i++)
		CHECK_EQ(kr_pio(&f)[i], 0xff - i);

	/* More than a page of items cannot be (KVM would not do it). */
	set_io(&f, KVM_EXIT_IO_OUT, 4, 0x80, 1025);
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_INTERNAL_ERROR);
	CHECK_EQ(f.run->internal.suberror, MV_INTERNAL_KVM_EXIT);
	CHECK_EQ(f.run->internal.data[0], KVM_EXIT_IO);
	CHECK_EQ(f.run->internal.data[1], 0x80);
	CHECK_EQ(f.run->internal.data[3], 1025);

	set_io(&f, KVM_EXIT_IO_OUT, 3, 0x80, 1);
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_INTERNAL_ERROR);
	fake_free(&f);
}

TEST(hv_kvm_exit_mmio)
{
	struct fake f;

	fake_init(&f);
	f.kr->exit_reason = KVM_EXIT_MMIO;
	f.kr->mmio.phys_addr = 0xfe000800;
	f.kr->mmio.len = 8;
	f.kr->mmio.is_write = 1;
	memcpy(f.kr->mmio.data, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_MMIO);
	CHECK_EQ(f.run->mmio.phys_addr, 0xfe000800);
	CHECK_EQ(f.run->mmio.len, 8);
	CHECK_EQ(f.run->mmio.is_write, 1);
	CHECK(!memcmp(f.run->mmio.data, f.kr->mmio.data, 8));
	CHECK_EQ(f.cpl, MV_KVM_CPL_NONE);

	/* A read: the device's bytes go back to KVM before the next run. */
	f.kr->mmio.len = 2;
	f.kr->mmio.is_write = 0;
	memset(f.kr->mmio.data, 0, 8);
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->mmio.is_write, 0);
	CHECK_EQ(f.cpl, MV_KVM_CPL_MMIO_READ);
	f.run->mmio.data[0] = 0x77;
	f.run->mmio.data[1] = 0x88;
	f.run->mmio.data[2] = 0x99;	/* past len: not copied */
	CHECK_EQ(complete(&f), 0);
	CHECK_EQ(f.kr->mmio.data[0], 0x77);
	CHECK_EQ(f.kr->mmio.data[1], 0x88);
	CHECK_EQ(f.kr->mmio.data[2], 0);

	/* A 3-byte piece of a page-crossing access: reported, not guessed. */
	f.kr->mmio.len = 3;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_INTERNAL_ERROR);
	CHECK_EQ(f.run->internal.suberror, MV_INTERNAL_KVM_EXIT);
	CHECK_EQ(f.run->internal.data[0], KVM_EXIT_MMIO);
	CHECK_EQ(f.run->internal.data[2], 3);
	fake_free(&f);
}

TEST(hv_kvm_exit_hlt)
{
	struct fake f;

	fake_init(&f);
	f.kr->exit_reason = KVM_EXIT_HLT;
	f.kr->if_flag = 0;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_HLT);
	CHECK(mv_kvm_exit_wants_rip(MV_EXIT_HLT));
	f.kr->if_flag = 1;
	CHECK_EQ(xlate(&f), MV_KVM_HALTED);
	fake_free(&f);
}

TEST(hv_kvm_exit_ends)
{
	struct fake f;

	fake_init(&f);
	f.kr->exit_reason = KVM_EXIT_SHUTDOWN;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_SHUTDOWN);

	/* Entry failed its checks: the exit reason with bit 31. */
	f.kr->exit_reason = KVM_EXIT_FAIL_ENTRY;
	f.kr->fail_entry.hardware_entry_failure_reason = 0x80000021;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_FAIL_ENTRY);
	CHECK_EQ(f.run->fail_entry.hardware_exit_reason, 0x80000021);
	CHECK_EQ(f.run->fail_entry.vm_instruction_error, 0);
	/* VMLAUNCH failed: the VM-instruction error. */
	f.kr->fail_entry.hardware_entry_failure_reason = 7;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->fail_entry.hardware_exit_reason, 0);
	CHECK_EQ(f.run->fail_entry.vm_instruction_error, 7);

	f.kr->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	f.kr->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	f.kr->internal.ndata = 2;
	f.kr->internal.data[0] = 0xab;
	f.kr->internal.data[1] = 0xcd;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_INTERNAL_ERROR);
	CHECK_EQ(f.run->internal.suberror, MV_INTERNAL_KVM_ERROR);
	CHECK_EQ(f.run->internal.ndata, 3);
	CHECK_EQ(f.run->internal.data[0], KVM_INTERNAL_ERROR_EMULATION);
	CHECK_EQ(f.run->internal.data[1], 0xab);
	CHECK_EQ(f.run->internal.data[2], 0xcd);
	f.kr->internal.ndata = 99;	/* clamped to what fits */
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->internal.ndata, 16);

	/* Anything else: an internal error carrying the KVM reason. */
	f.kr->exit_reason = KVM_EXIT_DEBUG;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_INTERNAL_ERROR);
	CHECK_EQ(f.run->internal.suberror, MV_INTERNAL_KVM_EXIT);
	CHECK_EQ(f.run->internal.ndata, 1);
	CHECK_EQ(f.run->internal.data[0], KVM_EXIT_DEBUG);

	/* The interrupt window and a signal are the backend's own. */
	f.kr->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
	CHECK_EQ(xlate(&f), MV_KVM_RERUN);
	f.kr->exit_reason = KVM_EXIT_INTR;
	CHECK_EQ(xlate(&f), MV_KVM_RERUN);
	fake_free(&f);
}

TEST(hv_kvm_exit_msr)
{
	struct fake f;

	fake_init(&f);
	f.kr->exit_reason = KVM_EXIT_X86_RDMSR;
	f.kr->msr.index = 0x4d565f31;
	f.kr->msr.reason = KVM_MSR_EXIT_REASON_UNKNOWN;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->exit_reason, MV_EXIT_MSR);
	CHECK_EQ(f.run->msr.index, 0x4d565f31);
	CHECK_EQ(f.run->msr.is_write, 0);
	CHECK_EQ(f.cpl, MV_KVM_CPL_MSR);
	f.run->msr.data = 0x1234;
	f.run->msr.error = 0;
	CHECK_EQ(complete(&f), 0);
	CHECK_EQ(f.kr->msr.data, 0x1234);
	CHECK_EQ(f.kr->msr.error, 0);
	f.run->msr.error = 2;
	CHECK_EQ(complete(&f), -EINVAL);

	f.kr->exit_reason = KVM_EXIT_X86_WRMSR;
	f.kr->msr.data = 0x55;
	CHECK_EQ(xlate(&f), MV_KVM_EXIT);
	CHECK_EQ(f.run->msr.is_write, 1);
	CHECK_EQ(f.run->msr.data, 0x55);
	f.run->msr.error = 1;
	f.run->msr.data = 0x99;
	CHECK_EQ(complete(&f), 0);
	CHECK_EQ(f.kr->msr.error, 1);
	CHECK_EQ(f.kr->msr.data, 0x55);	/* a write's value is KVM's */
	fake_free(&f);
}

TEST(hv_kvm_internal_messages)
{
	struct mv_exit_internal in;
	char buf[1024];

	memset(&in, 0, sizeof(in));
	in.suberror = MV_INTERNAL_KVM_EXIT;
	in.ndata = 4;
	in.data[0] = KVM_EXIT_MMIO;
	in.data[1] = 0xfe000fff;
	in.data[2] = 3;
	in.data[3] = 1;
	CHECK(mv_internal_is_kvm(in.suberror));
	CHECK(!mv_internal_is_kvm(MV_INTERNAL_EMULATION));
	mv_describe_internal(&in, 0x10020, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "KVM returned exit 6 (KVM_EXIT_MMIO) at rip 0x10020");
	CHECK_CONTAINS(buf, "MMIO write of 3 bytes at 0xfe000fff");
	CHECK(!strstr(buf, "in the module"));

	in.suberror = MV_INTERNAL_KVM_ERROR;
	in.ndata = 2;
	in.data[0] = KVM_INTERNAL_ERROR_EMULATION;
	in.data[1] = 0x42;
	mv_describe_internal(&in, 0x1000, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "KVM internal error at rip 0x1000: KVM could not emulate an instruction");
	CHECK_CONTAINS(buf, "data[0] = 0x42");
	CHECK_STREQ(mv_kvm_exit_name(KVM_EXIT_IRQ_WINDOW_OPEN),
		    "KVM_EXIT_IRQ_WINDOW_OPEN");
	CHECK_STREQ(mv_kvm_exit_name(999), "KVM_EXIT_?");
}

TEST(hv_kvm_evq_limits)
{
	struct mv_kvm_evq q;
	unsigned int i;
	uint8_t v;

	mv_kvm_evq_init(&q);
	CHECK(!mv_kvm_evq_pending(&q));
	CHECK_EQ(mv_kvm_evq_push_irq(&q, 31), -EINVAL);
	CHECK_EQ(mv_kvm_evq_push_irq(&q, 256), -EINVAL);
	for (i = 0; i < MV_MAX_PENDING_IRQS; i++)
		CHECK_EQ(mv_kvm_evq_push_irq(&q, 32 + i % 224), 0);
	CHECK_EQ(mv_kvm_evq_push_irq(&q, 40), -EAGAIN);
	CHECK(mv_kvm_evq_pending(&q));
	/* Not while the guest cannot take it. */
	CHECK(!mv_kvm_evq_irq_to_inject(&q, false, true, &v));
	CHECK(!mv_kvm_evq_irq_to_inject(&q, true, false, &v));
	CHECK(mv_kvm_evq_irq_to_inject(&q, true, true, &v));
	CHECK_EQ(v, 32);
	mv_kvm_evq_irq_taken(&q);
	CHECK_EQ(mv_kvm_evq_push_irq(&q, 40), 0);	/* room again */

	for (i = 0; i < MV_MAX_PENDING_IRQS; i++)
		CHECK_EQ(mv_kvm_evq_push_nmi(&q), 0);
	CHECK_EQ(mv_kvm_evq_push_nmi(&q), -EAGAIN);
}

/*
 * A model of KVM without an irqchip: one interrupt slot that a second
 * KVM_INTERRUPT would overwrite, one pending NMI beyond which more are
 * dropped. Events are queued at random moments from "another thread";
 * the guest takes interrupts only sometimes (IF, shadows). Every queued
 * event must come out exactly once, interrupts in order.
 */
TEST(hv_kvm_evq_exactly_once)
{
	unsigned int queued_irqs = 0, queued_nmis = 0, got_irqs = 0;
	unsigned int got_nmis = 0, dropped = 0, overwritten = 0, step;
	bool kvm_irq = false, kvm_nmi = false, window = false;
	struct mv_kvm_evq q;
	uint8_t kvm_vec = 0, v, next_vec = 32, want_vec = 32;
	unsigned int seed = 12345;

	mv_kvm_evq_init(&q);
	for (step = 0; step < 200000; step++) {
		bool guest_if;

		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 3 == 0 &&
		    mv_kvm_evq_push_irq(&q, next_vec) == 0) {
			queued_irqs++;
			next_vec = next_vec == 255 ? 32 : next_vec + 1;
		}
		if ((seed >> 20) % 7 == 0 && mv_kvm_evq_push_nmi(&q) == 0)
			queued_nmis++;
		guest_if = (seed >> 24) % 2;

		/* The backend before KVM_RUN (hv/kvm.c inject_events()). */
		if (mv_kvm_evq_irq_to_inject(&q, !kvm_irq && guest_if,
					     guest_if, &v)) {
			if (kvm_irq)
				overwritten++;
			kvm_irq = true;
			kvm_vec = v;
			mv_kvm_evq_irq_taken(&q);
		}
		window = mv_kvm_evq_irq_waiting(&q);
		if (q.nr_nmis &&
		    mv_kvm_evq_nmi_to_inject(&q, mv_kvm_evq_nmi_query_needed(&q) &&
						 kvm_nmi)) {
			if (kvm_nmi)
				dropped++;
			kvm_nmi = true;
			mv_kvm_evq_nmi_taken(&q);
		}
		/* KVM_RUN: delivers what it holds when the guest allows. */
		if (kvm_nmi && (seed >> 8) % 2) {
			kvm_nmi = false;
			got_nmis++;
		}
		if (kvm_irq && guest_if) {
			CHECK_EQ(kvm_vec, want_vec);
			want_vec = want_vec == 255 ? 32 : want_vec + 1;
			kvm_irq = false;
			got_irqs++;
		}
	}
	(void)window;
	/* Let everything drain. */
	while (mv_kvm_evq_pending(&q) || kvm_irq || kvm_nmi) {
		if (mv_kvm_evq_irq_to_inject(&q, !kvm_irq, true, &v)) {
			kvm_irq = true;
			kvm_vec = v;
			mv_kvm_evq_irq_taken(&q);
		}
		if (q.nr_nmis && mv_kvm_evq_nmi_to_inject(&q, kvm_nmi)) {
			kvm_nmi = true;
			mv_kvm_evq_nmi_taken(&q);
		}
		if (kvm_nmi) {
			kvm_nmi = false;
			got_nmis++;
		}
		if (kvm_irq) {
			CHECK_EQ(kvm_vec, want_vec);
			want_vec = want_vec == 255 ? 32 : want_vec + 1;
			kvm_irq = false;
			got_irqs++;
		}
	}
	CHECK(queued_irqs > 10000);
	CHECK(queued_nmis > 10000);
	CHECK_EQ(got_irqs, queued_irqs);
	CHECK_EQ(got_nmis, queued_nmis);
	CHECK_EQ(overwritten, 0);
	CHECK_EQ(dropped, 0);
}

/* A fake coalesced ring with room for 4 records. */
#define FAKE_RING_MAX	4

struct drain_log {
	uint64_t addr[16];
	uint8_t first_byte[16];
	uint32_t pio[16];
	unsigned int n;
};

static void log_record(void *arg, const struct kvm_coalesced_mmio *e)
{
	struct drain_log *l = arg;

	l->addr[l->n] = e->phys_addr;
	l->first_byte[l->n] = e->data[0];
	l->pio[l->n] = e->pio;
	l->n++;
}

static void ring_put(struct kvm_coalesced_mmio_ring *r, uint64_t addr,
		     uint8_t byte, uint32_t pio)
{
	struct kvm_coalesced_mmio *e = &r->coalesced_mmio[r->last];

	e->phys_addr = addr;
	e->len = 8;
	e->pio = pio;
	memset(e->data, byte, sizeof(e->data));
	r->last = (r->last + 1) % FAKE_RING_MAX;
}

TEST(hv_kvm_coalesced_drain_order_and_wrap)
{
	size_t size = sizeof(struct kvm_coalesced_mmio_ring) +
		      FAKE_RING_MAX * sizeof(struct kvm_coalesced_mmio);
	struct kvm_coalesced_mmio_ring *r = calloc(1, size);
	struct drain_log log;
	unsigned int round;

	/* KVM's own ring: a page of 24-byte records after two indices. */
	CHECK_EQ(MV_KVM_COALESCED_MAX, (4096 - 8) / 24);

	memset(&log, 0, sizeof(log));
	CHECK_EQ(mv_kvm_coalesced_drain(r, FAKE_RING_MAX, log_record, &log), 0);
	CHECK_EQ(log.n, 0);

	/* Start near the end so that the records wrap around. */
	r->first = r->last = 2;
	ring_put(r, 0xfe010000, 1, 0);
	ring_put(r, 0xe0, 2, 1);
	ring_put(r, 0xfe010000, 3, 0);	/* slot 0: wrapped */
	CHECK_EQ(r->last, 1);
	CHECK_EQ(mv_kvm_coalesced_drain(r, FAKE_RING_MAX, log_record, &log), 3);
	CHECK_EQ(log.n, 3);
	CHECK_EQ(log.first_byte[0], 1);
	CHECK_EQ(log.first_byte[1], 2);
	CHECK_EQ(log.pio[1], 1);
	CHECK_EQ(log.addr[1], 0xe0);
	CHECK_EQ(log.first_byte[2], 3);
	CHECK_EQ(r->first, 1);

	/* Many rounds through a full ring (one slot always stays free). */
	for (round = 0; round < 50; round++) {
		memset(&log, 0, sizeof(log));
		ring_put(r, round, (uint8_t)round, 0);
		ring_put(r, round + 1, (uint8_t)(round + 1), 0);
		ring_put(r, round + 2, (uint8_t)(round + 2), 0);
		CHECK_EQ(mv_kvm_coalesced_drain(r, FAKE_RING_MAX, log_record,
						&log), 3);
		CHECK_EQ(log.addr[0], round);
		CHECK_EQ(log.addr[2], round + 2);
		CHECK_EQ(r->first, r->last);
	}

	/* An index KVM could not have written: nothing is performed. */
	memset(&log, 0, sizeof(log));
	r->last = FAKE_RING_MAX;
	CHECK_EQ(mv_kvm_coalesced_drain(r, FAKE_RING_MAX, log_record, &log),
		 -EPROTO);
	CHECK_EQ(log.n, 0);
	free(r);
}

TEST(hv_kvm_cpuid_adjust)
{
	struct kvm_cpuid_entry2 e[5];
	unsigned int n;

	memset(e, 0, sizeof(e));
	e[0].function = 1;
	e[0].ecx = (1u << 5) | (1u << 21) | (1u << 24) | (1u << 0);
	e[0].edx = (1u << 9) | (1u << 0);
	e[0].ebx = 0xff000800;
	e[1].function = 0xb;
	e[1].index = 1;
	e[1].edx = 0;
	e[2].function = 0x40000000;
	e[2].eax = 0x40000010;
	e[2].ebx = 0x4b4d564b;
	e[3].function = 7;
	e[3].ebx = 0x1234;
	n = mv_kvm_cpuid_adjust(e, 4, 5, 3);
	CHECK_EQ(n, 5);
	CHECK_EQ(e[0].ecx, (1u << 31) | 1u);	/* VMX, x2APIC, deadline off */
	CHECK_EQ(e[0].edx, 1u);			/* no APIC */
	CHECK_EQ(e[0].ebx, 0x03000800);		/* initial APIC id 3 */
	CHECK_EQ(e[1].edx, 3);			/* x2APIC id */
	CHECK_EQ(e[2].eax, 0x40000001);
	CHECK_EQ(e[2].ebx, 0x4b4d564b);		/* KVM's signature stays */
	CHECK_EQ(e[3].ebx, 0x1234);
	CHECK_EQ(e[4].function, 0x40000001);	/* added: no PV features */
	CHECK_EQ(e[4].eax | e[4].ebx | e[4].ecx | e[4].edx, 0);

	/* KVM's own features leaf is cleared, nothing added then. */
	e[4].eax = 0x01ff;
	CHECK_EQ(mv_kvm_cpuid_adjust(e, 5, 5, 0), 5);
	CHECK_EQ(e[4].eax, 0);
	CHECK_EQ(e[0].ebx, 0x00000800);
}

TEST(hv_kvm_stats_render)
{
	struct mv_kvm_stats st, sum;
	struct mv_memfile m;
	const char *t;

	memset(&st, 0, sizeof(st));
	memset(&sum, 0, sizeof(sum));
	mv_kvm_stats_count(&st, KVM_EXIT_IO);
	mv_kvm_stats_count(&st, KVM_EXIT_IO);
	mv_kvm_stats_count(&st, KVM_EXIT_HLT);
	mv_kvm_stats_count(&st, 1000);
	st.irqs_injected = 4;
	mv_kvm_stats_add(&sum, &st);
	mv_kvm_stats_add(&sum, &st);
	mv_memfile_open(&m);
	mv_kvm_print_stats(m.f, "exit statistics (KVM)", &sum);
	t = mv_memfile_text(&m);
	CHECK_CONTAINS(t, "\n--- exit statistics (KVM) ---\n");
	CHECK_CONTAINS(t, "only the exits KVM returns to userspace are counted");
	CHECK_CONTAINS(t, "     2  KVM_EXIT_IO                         4\n");
	CHECK_CONTAINS(t, "     5  KVM_EXIT_HLT                        2\n");
	CHECK_CONTAINS(t, "(other KVM_EXIT_*)");
	CHECK_CONTAINS(t, "exits to userspace: 8\n");
	CHECK_CONTAINS(t, "interrupts injected: 8\n");
	CHECK(!strstr(t, "total exits"));	/* not minivisor's table */
	mv_memfile_close(&m);
}

TEST(hv_kvm_open_errors)
{
	const char *old = getenv(MV_KVM_DEVICE_ENV);
	char *saved = old ? strdup(old) : NULL;
	struct mv_hv *hv = (struct mv_hv *)&hv;

	setenv(MV_KVM_DEVICE_ENV, "/nonexistent/kvm", 1);
	CHECK_EQ(mv_hv_open(MV_HV_KVM, &hv), -ENOENT);
	CHECK(hv == NULL);
	CHECK_CONTAINS(mv_last_error(), "cannot open /nonexistent/kvm");
	CHECK_CONTAINS(mv_last_error(), "modprobe kvm_intel");

	/* /dev/null opens but knows no KVM ioctl. */
	setenv(MV_KVM_DEVICE_ENV, "/dev/null", 1);
	CHECK_EQ(mv_hv_open(MV_HV_KVM, &hv), -ENOTTY);
	CHECK_CONTAINS(mv_last_error(), "/dev/null: KVM_GET_API_VERSION failed");
	CHECK_CONTAINS(mv_last_error(), "really the KVM device");
	if (saved)
		setenv(MV_KVM_DEVICE_ENV, saved, 1);
	else
		unsetenv(MV_KVM_DEVICE_ENV);
	free(saved);
	mv_hv_close(NULL);
}

TEST(hv_kind_names)
{
	enum mv_hv_kind k = MV_HV_MINIVISOR;

	CHECK_EQ(mv_hv_parse_kind("kvm", &k), 0);
	CHECK_EQ(k, MV_HV_KVM);
	CHECK_EQ(mv_hv_parse_kind("minivisor", &k), 0);
	CHECK_EQ(k, MV_HV_MINIVISOR);
	CHECK_EQ(mv_hv_parse_kind("KVM", &k), -EINVAL);
	CHECK_STREQ(mv_hv_kind_name(MV_HV_KVM), "kvm");
	CHECK_STREQ(mv_hv_kind_name(MV_HV_MINIVISOR), "minivisor");
}

TEST(hv_options)
{
	char *a1[] = { "run", "--hv", "kvm", "g.bin" };
	char *a2[] = { "run", "--hv=minivisor", "g.bin" };
	char *a3[] = { "run", "--hv", "xen", "g.bin" };
	char *a4[] = { "run", "--hv", "kvm", "--coalesced", "ring-test",
		       "--coalesced=console", "g.bin" };
	char *a5[] = { "run", "--coalesced", "ring-test", "g.bin" };
	char *a6[] = { "run", "--hv", "kvm", "--ring", "ring-test:posted",
		       "g.bin" };
	char *a7[] = { "run", "--hv", "kvm", "--coalesced", "x",
		       "--coalesced", "x", "g.bin" };
	char *a8[] = { "run", "--hv", "kvm", "--coalesced=", "g.bin" };
	char *a9[] = { "run", "--hv", "kvm", "--kernel", "bz" };
	struct mv_run_opts o;
	char err[512];

	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a1), a1, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.hv, MV_HV_KVM);
	CHECK_EQ(o.nr_coalesced, 0);
	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a2), a2, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.hv, MV_HV_MINIVISOR);
	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a3), a3, &o, err, sizeof(err)), -1);
	CHECK_STREQ(err, "--hv 'xen': expected minivisor or kvm");
	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a4), a4, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.nr_coalesced, 2);
	CHECK_STREQ(o.coalesced[0], "ring-test");
	CHECK_STREQ(o.coalesced[1], "console");
	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a5), a5, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "--coalesced ring-test is KVM's coalesced MMIO and needs --hv kvm; on minivisor use --ring ring-test:posted");
	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a6), a6, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "--ring ring-test: KVM has no shared exit rings");
	CHECK_CONTAINS(err, "use --coalesced ring-test");
	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a7), a7, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "device given twice");
	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a8), a8, &o, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "missing the device NAME");
	CHECK_EQ(mv_parse_run_opts(ARRAY_SIZE(a9), a9, &o, err, sizeof(err)), 0);
	CHECK_EQ(o.hv, MV_HV_KVM);
}

TEST(hv_options_usage)
{
	struct mv_memfile m;

	mv_memfile_open(&m);
	mv_print_run_usage(m.f);
	CHECK_CONTAINS(mv_memfile_text(&m), "--hv HV");
	CHECK_CONTAINS(mv_memfile_text(&m), "--coalesced NAME");
	CHECK_CONTAINS(mv_memfile_text(&m), "minivisor run --hv kvm");
	mv_memfile_close(&m);
}
