// SPDX-License-Identifier: GPL-2.0
/*
 * genl.c without a kernel: messages built with libnl as the module would
 * send them, fed to the parse functions and the receive callbacks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include "test.h"
#include "genl.h"
#include "util.h"

#define FAMILY		0x1d
#define HIST_BYTES	(MV_STATS_HIST_BUCKETS * sizeof(uint64_t))
#define A_UNKNOWN	(MV_A_MAX + 20)

/* ---- building messages ---- */

static struct nl_msg *genl_msg(uint8_t cmd, uint8_t version)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 1, 2, FAMILY, 0, NLM_F_MULTI, cmd,
				 version)) {
		fprintf(stderr, "test_genl: out of memory\n");
		abort();
	}
	return msg;
}

static void put(struct nl_msg *msg, int type, int len, const void *data)
{
	CHECK_EQ(nla_put(msg, type, len, data), 0);
}

static void put_u32(struct nl_msg *msg, int type, uint32_t v)
{
	CHECK_EQ(nla_put_u32(msg, type, v), 0);
}

static void put_u64(struct nl_msg *msg, int type, uint64_t v)
{
	CHECK_EQ(nla_put_u64(msg, type, v), 0);
}

/* The attributes one LIST_VMS message has, minus @skip (0: none). */
static struct nl_msg *vm_msg(uint32_t id, uint32_t pid, uint32_t nr,
			     uint64_t mem, int skip)
{
	struct nl_msg *msg = genl_msg(MV_CMD_LIST_VMS, MV_GENL_VERSION);

	if (skip != MV_A_VM_ID)
		put_u32(msg, MV_A_VM_ID, id);
	if (skip != MV_A_PID)
		put_u32(msg, MV_A_PID, pid);
	if (skip != MV_A_NR_VCPUS)
		put_u32(msg, MV_A_NR_VCPUS, nr);
	if (skip != MV_A_MEM_BYTES)
		put_u64(msg, MV_A_MEM_BYTES, mem);
	return msg;
}

struct reason_spec {
	uint32_t id;
	uint64_t count, total, max;
	unsigned int bucket;		/* hist[bucket] = count */
	int skip;			/* an attribute to leave out */
	int hist_len;			/* 0: HIST_BYTES */
	int id_len;			/* 0: 4 */
};

static void put_reason(struct nl_msg *msg, const struct reason_spec *s)
{
	uint64_t hist[MV_STATS_HIST_BUCKETS + 1];
	struct nlattr *nest = nla_nest_start(msg, MV_A_REASON);

	CHECK(nest != NULL);
	memset(hist, 0, sizeof(hist));
	hist[s->bucket] = s->count;
	if (s->skip != MV_A_REASON_ID)
		put(msg, MV_A_REASON_ID, s->id_len ? s->id_len : 4, &s->id);
	/* Something the tool does not know: ignored. */
	put_u32(msg, A_UNKNOWN, 0xdead);
	if (s->skip != MV_A_COUNT)
		put_u64(msg, MV_A_COUNT, s->count);
	if (s->skip != MV_A_CYCLES_TOTAL)
		put_u64(msg, MV_A_CYCLES_TOTAL, s->total);
	/* The kernel's alignment padding before a u64. */
	put(msg, MV_A_PAD, 0, NULL);
	if (s->skip != MV_A_CYCLES_MAX)
		put_u64(msg, MV_A_CYCLES_MAX, s->max);
	if (s->skip != MV_A_HIST)
		put(msg, MV_A_HIST, s->hist_len ? s->hist_len : (int)HIST_BYTES,
		    hist);
	nla_nest_end(msg, nest);
}

/* A GET_STATS message: per vCPU if @vcpu >= 0, else the totals. */
static struct nl_msg *stats_msg(uint32_t vm, int vcpu, uint64_t exits,
				const struct reason_spec *r, size_t nr)
{
	struct nl_msg *msg = genl_msg(MV_CMD_GET_STATS, MV_GENL_VERSION);
	size_t i;

	put_u32(msg, MV_A_VM_ID, vm);
	if (vcpu >= 0)
		put_u32(msg, MV_A_VCPU_ID, vcpu);
	put_u64(msg, MV_A_EXITS_TOTAL, exits);
	for (i = 0; i < nr; i++)
		put_reason(msg, &r[i]);
	return msg;
}

static struct nl_msg *sample_msg(int skip)
{
	struct nl_msg *msg = genl_msg(MV_CMD_EXIT_SAMPLE, MV_GENL_VERSION);

	if (skip != MV_A_VM_ID)
		put_u32(msg, MV_A_VM_ID, 1);
	if (skip != MV_A_VCPU_ID)
		put_u32(msg, MV_A_VCPU_ID, 2);
	if (skip != MV_A_REASON_ID)
		put_u32(msg, MV_A_REASON_ID, 30);
	if (skip != MV_A_EXIT_QUAL)
		put_u64(msg, MV_A_EXIT_QUAL, 0x3f80008);
	if (skip != MV_A_GUEST_RIP)
		put_u64(msg, MV_A_GUEST_RIP, 0xffffffff81000000ULL);
	if (skip != MV_A_CYCLES)
		put_u64(msg, MV_A_CYCLES, 5120);
	return msg;
}

/* ---- LIST_VMS ---- */

TEST(genl_parse_vm)
{
	struct nl_msg *msg = vm_msg(3, 1234, 2, 64ULL << 20, 0);
	struct mv_stats_vm vm;
	char err[256] = "";

	memset(&vm, 0xa5, sizeof(vm));
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), 0);
	CHECK_EQ(vm.id, 3);
	CHECK_EQ(vm.pid, 1234);
	CHECK_EQ(vm.nr_vcpus, 2);
	CHECK_EQ(vm.mem_bytes, 64ULL << 20);
	CHECK(vm.have_info);
	/* No statistics yet. */
	CHECK_EQ(vm.nr_vcpu_stats, 0);
	CHECK(vm.vcpus == NULL);
	CHECK(!vm.have_total);
	CHECK_EQ(vm.total.nr_reasons, 0);
	CHECK_STREQ(err, "");
	nlmsg_free(msg);
}

TEST(genl_parse_vm_ignores_unknown)
{
	struct nl_msg *msg = genl_msg(MV_CMD_LIST_VMS, MV_GENL_VERSION);
	static const char junk[3] = "ab";
	struct mv_stats_vm vm;
	char err[256];

	/* A bad attribute is refused even if a good one of its type follows. */
	put(msg, A_UNKNOWN, sizeof(junk), junk);
	put_u32(msg, MV_A_MEM_BYTES, 0);
	put_u32(msg, MV_A_VM_ID, 4294967295U);
	put(msg, MV_A_COUNT, sizeof(junk), junk);	/* not in this policy */
	put_u32(msg, MV_A_PID, 1);
	put(msg, MV_A_PAD, 0, NULL);
	put_u32(msg, MV_A_NR_VCPUS, 255);
	put_u64(msg, MV_A_MEM_BYTES, 4096);
	put(msg, 0, 0, NULL);	/* MV_A_UNSPEC */
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), -EBADMSG);
	CHECK_CONTAINS(err, "MV_A_MEM_BYTES has the wrong size or type");
	nlmsg_free(msg);

	/*
	 * Unknown attributes, in any order and size, and known ones of no
	 * use here (any size: not in this message's policy).
	 */
	msg = genl_msg(MV_CMD_LIST_VMS, MV_GENL_VERSION);
	put(msg, A_UNKNOWN, sizeof(junk), junk);
	put_u32(msg, MV_A_VM_ID, 4294967295U);
	put(msg, MV_A_COUNT, sizeof(junk), junk);
	put_u32(msg, MV_A_PID, 1);
	put(msg, MV_A_PAD, 0, NULL);
	put_u32(msg, MV_A_NR_VCPUS, 255);
	put_u64(msg, MV_A_MEM_BYTES, 4096);
	put(msg, 0, 0, NULL);
	put(msg, A_UNKNOWN + 100, 0, NULL);
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), 0);
	CHECK_EQ(vm.id, 4294967295U);
	CHECK_EQ(vm.pid, 1);
	CHECK_EQ(vm.nr_vcpus, 255);
	CHECK_EQ(vm.mem_bytes, 4096);
	nlmsg_free(msg);
}

TEST(genl_parse_vm_missing)
{
	static const struct {
		int skip;
		const char *name;
	} cases[] = {
		{ MV_A_VM_ID, "MV_A_VM_ID" },
		{ MV_A_PID, "MV_A_PID" },
		{ MV_A_NR_VCPUS, "MV_A_NR_VCPUS" },
		{ MV_A_MEM_BYTES, "MV_A_MEM_BYTES" },
	};
	struct mv_stats_vm vm;
	char err[256], expect[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nl_msg *msg = vm_msg(3, 4, 5, 6, cases[i].skip);

		err[0] = '\0';
		CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), -EBADMSG);
		snprintf(expect, sizeof(expect),
			 "malformed MV_CMD_LIST_VMS from the minivisor module: %s is missing",
			 cases[i].name);
		CHECK_STREQ(err, expect);
		nlmsg_free(msg);
	}
}

TEST(genl_parse_vm_wrong_size)
{
	static const uint8_t bytes[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const struct {
		int type, len;
		const char *name;
	} cases[] = {
		{ MV_A_VM_ID, 2, "MV_A_VM_ID" },
		{ MV_A_VM_ID, 8, "MV_A_VM_ID" },	/* too long is wrong too */
		{ MV_A_VM_ID, 0, "MV_A_VM_ID" },
		{ MV_A_PID, 3, "MV_A_PID" },
		{ MV_A_NR_VCPUS, 1, "MV_A_NR_VCPUS" },
		{ MV_A_MEM_BYTES, 4, "MV_A_MEM_BYTES" },
		{ MV_A_MEM_BYTES, 16, "MV_A_MEM_BYTES" },
	};
	struct mv_stats_vm vm;
	char err[256], expect[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* The good ones first, then the bad one: it is named. */
		struct nl_msg *msg = vm_msg(3, 4, 5, 6, cases[i].type);

		put(msg, cases[i].type, cases[i].len, bytes);
		err[0] = '\0';
		CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), -EBADMSG);
		snprintf(expect, sizeof(expect),
			 "malformed MV_CMD_LIST_VMS from the minivisor module: %s has the wrong size or type (",
			 cases[i].name);
		CHECK_CONTAINS(err, expect);
		CHECK(!strncmp(err, expect, strlen(expect)));
		nlmsg_free(msg);
	}
}

TEST(genl_parse_header)
{
	struct mv_stats_vm vm;
	struct nl_msg *msg;
	char err[256];

	/* Another version of the family. */
	msg = genl_msg(MV_CMD_LIST_VMS, MV_GENL_VERSION + 1);
	put_u32(msg, MV_A_VM_ID, 1);
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), -EPROTO);
	CHECK_STREQ(err, "the minivisor module speaks generic netlink version 2, this tool version 1: rebuild the tool and the module from the same tree");
	nlmsg_free(msg);
	msg = genl_msg(MV_CMD_LIST_VMS, 0);
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), -EPROTO);
	CHECK_CONTAINS(err, "generic netlink version 0, this tool version 1");
	nlmsg_free(msg);

	/* Another command. */
	msg = vm_msg(1, 2, 3, 4, 0);
	genlmsg_hdr(nlmsg_hdr(msg))->cmd = MV_CMD_GET_STATS;
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "unexpected reply from the minivisor module: command 2 where MV_CMD_LIST_VMS was expected");
	nlmsg_free(msg);
	msg = genl_msg(200, MV_GENL_VERSION);
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), -EBADMSG);
	CHECK_CONTAINS(err, "command 200 where MV_CMD_LIST_VMS was expected");
	nlmsg_free(msg);

	/* No generic netlink header at all. */
	msg = nlmsg_alloc_simple(FAMILY, 0);
	CHECK(msg != NULL);
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "malformed reply from the minivisor module: message too short for a generic netlink header");
	nlmsg_free(msg);

	/* The message fits a small buffer, truncated. */
	msg = genl_msg(MV_CMD_LIST_VMS, 7);
	CHECK_EQ(mv_genl_parse_vm(msg, &vm, err, 11), -EPROTO);
	CHECK_STREQ(err, "the minivi");
	nlmsg_free(msg);
}

/* ---- GET_STATS ---- */

static const struct reason_spec io = {
	.id = 30, .count = 10, .total = 5000, .max = 2000, .bucket = 8,
};
static const struct reason_spec hlt = {
	.id = 12, .count = 1, .total = 0, .max = 0, .bucket = 31,
};

TEST(genl_parse_stats_vcpu)
{
	struct reason_spec r[3] = { io, hlt, io };
	struct mv_stats_vcpu v;
	struct nl_msg *msg;
	uint32_t vm_id = 0;
	char err[256] = "";
	unsigned int b;

	r[2].id = 0x80000021;
	r[2].count = 18446744073709551615ULL;
	r[2].bucket = 0;
	msg = stats_msg(3, 1, 15, r, 3);
	put(msg, A_UNKNOWN, 0, NULL);
	memset(&v, 0xa5, sizeof(v));
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), 0);
	CHECK_STREQ(err, "");
	CHECK_EQ(vm_id, 3);
	CHECK(!v.is_total);
	CHECK_EQ(v.id, 1);
	CHECK_EQ(v.exits_total, 15);
	/* Every nest, in message order (not just nla_parse()'s last). */
	CHECK_EQ(v.nr_reasons, 3);
	if (v.nr_reasons == 3) {
		CHECK_EQ(v.reasons[0].id, 30);
		CHECK_EQ(v.reasons[0].count, 10);
		CHECK_EQ(v.reasons[0].cycles_total, 5000);
		CHECK_EQ(v.reasons[0].cycles_max, 2000);
		for (b = 0; b < MV_STATS_HIST_BUCKETS; b++)
			CHECK_EQ(v.reasons[0].hist[b], b == 8 ? 10 : 0);
		CHECK_EQ(v.reasons[1].id, 12);
		CHECK_EQ(v.reasons[1].count, 1);
		CHECK_EQ(v.reasons[1].hist[31], 1);
		CHECK_EQ(mv_stats_handled(&v.reasons[1]), 1);
		CHECK_EQ(v.reasons[2].id, 0x80000021);
		CHECK_EQ(v.reasons[2].count, 18446744073709551615ULL);
		CHECK_EQ(v.reasons[2].hist[0], 18446744073709551615ULL);
	}
	mv_stats_vcpu_free(&v);
	nlmsg_free(msg);
}

TEST(genl_parse_stats_total)
{
	struct mv_stats_vcpu v;
	struct nl_msg *msg;
	uint32_t vm_id = 0;
	char err[256];

	msg = stats_msg(7, -1, 11, &hlt, 1);
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), 0);
	CHECK_EQ(vm_id, 7);
	CHECK(v.is_total);
	CHECK_EQ(v.id, 0);
	CHECK_EQ(v.exits_total, 11);
	CHECK_EQ(v.nr_reasons, 1);
	CHECK_EQ(v.reasons[0].id, 12);
	mv_stats_vcpu_free(&v);
	nlmsg_free(msg);

	/* No reasons seen since the reset. */
	msg = stats_msg(7, 0, 0, NULL, 0);
	memset(&v, 0xa5, sizeof(v));
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), 0);
	CHECK(!v.is_total);
	CHECK_EQ(v.id, 0);
	CHECK_EQ(v.exits_total, 0);
	CHECK_EQ(v.nr_reasons, 0);
	CHECK(v.reasons == NULL);
	nlmsg_free(msg);
}

TEST(genl_parse_stats_top_errors)
{
	struct mv_stats_vcpu v;
	struct nl_msg *msg;
	uint32_t vm_id;
	char err[256];
	uint16_t two = 1;

	/* Missing: VM_ID, EXITS_TOTAL. */
	msg = genl_msg(MV_CMD_GET_STATS, MV_GENL_VERSION);
	put_u64(msg, MV_A_EXITS_TOTAL, 1);
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "malformed MV_CMD_GET_STATS from the minivisor module: MV_A_VM_ID is missing");
	CHECK_EQ(v.nr_reasons, 0);
	CHECK(v.reasons == NULL);
	nlmsg_free(msg);
	msg = genl_msg(MV_CMD_GET_STATS, MV_GENL_VERSION);
	put_u32(msg, MV_A_VM_ID, 1);
	put_reason(msg, &io);
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "malformed MV_CMD_GET_STATS from the minivisor module: MV_A_EXITS_TOTAL is missing");
	CHECK(v.reasons == NULL);
	nlmsg_free(msg);

	/* A u32 of 2 bytes. */
	msg = genl_msg(MV_CMD_GET_STATS, MV_GENL_VERSION);
	put_u32(msg, MV_A_VM_ID, 1);
	put(msg, MV_A_VCPU_ID, sizeof(two), &two);
	put_u64(msg, MV_A_EXITS_TOTAL, 1);
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), -EBADMSG);
	CHECK_CONTAINS(err, "malformed MV_CMD_GET_STATS from the minivisor module: MV_A_VCPU_ID has the wrong size or type (");
	nlmsg_free(msg);

	/* Wrong command, wrong version. */
	msg = vm_msg(1, 2, 3, 4, 0);
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "unexpected reply from the minivisor module: command 1 where MV_CMD_GET_STATS was expected");
	nlmsg_free(msg);
	msg = stats_msg(1, 0, 0, &io, 1);
	genlmsg_hdr(nlmsg_hdr(msg))->version = 3;
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), -EPROTO);
	CHECK_CONTAINS(err, "generic netlink version 3, this tool version 1");
	CHECK(v.reasons == NULL);
	nlmsg_free(msg);
}

TEST(genl_parse_stats_reason_errors)
{
	static const struct {
		int skip;
		const char *name;
	} missing[] = {
		{ MV_A_REASON_ID, "MV_A_REASON_ID" },
		{ MV_A_COUNT, "MV_A_COUNT" },
		{ MV_A_CYCLES_TOTAL, "MV_A_CYCLES_TOTAL" },
		{ MV_A_CYCLES_MAX, "MV_A_CYCLES_MAX" },
		{ MV_A_HIST, "MV_A_HIST" },
	};
	static const int hist_lens[] = { 8, HIST_BYTES - 1, HIST_BYTES - 8,
					 HIST_BYTES + 8 };
	struct reason_spec r[3] = { io, hlt, io };
	struct mv_stats_vcpu v;
	char err[256], expect[256];
	struct nl_msg *msg;
	uint32_t vm_id;
	size_t i;

	/* The bad nest comes after a good one: that one is freed again. */
	for (i = 0; i < ARRAY_SIZE(missing); i++) {
		r[1].skip = missing[i].skip;
		msg = stats_msg(1, 0, 3, r, 3);
		CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)),
			 -EBADMSG);
		snprintf(expect, sizeof(expect),
			 "malformed MV_A_REASON of MV_CMD_GET_STATS from the minivisor module: %s is missing",
			 missing[i].name);
		CHECK_STREQ(err, expect);
		CHECK_EQ(v.nr_reasons, 0);
		CHECK(v.reasons == NULL);
		nlmsg_free(msg);
	}
	r[1].skip = 0;

	for (i = 0; i < ARRAY_SIZE(hist_lens); i++) {
		r[2].hist_len = hist_lens[i];
		msg = stats_msg(1, 0, 3, r, 3);
		CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)),
			 -EBADMSG);
		CHECK_CONTAINS(err, "malformed MV_CMD_GET_STATS from the minivisor module: MV_A_HIST in MV_A_REASON has the wrong size or type (");
		CHECK_CONTAINS(err, "; MV_A_HIST must be 256 bytes)");
		CHECK_EQ(v.nr_reasons, 0);
		CHECK(v.reasons == NULL);
		nlmsg_free(msg);
	}
	r[2].hist_len = 0;

	r[0].id_len = 2;
	msg = stats_msg(1, 0, 3, r, 3);
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), -EBADMSG);
	CHECK_CONTAINS(err, "MV_A_REASON_ID in MV_A_REASON has the wrong size or type (");
	nlmsg_free(msg);

	/* An empty nest. */
	msg = stats_msg(1, 0, 3, NULL, 0);
	put(msg, MV_A_REASON, 0, NULL);	/* nla_nest_end() would drop it */
	CHECK_EQ(mv_genl_parse_stats(msg, &v, &vm_id, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "malformed MV_A_REASON of MV_CMD_GET_STATS from the minivisor module: MV_A_REASON_ID is missing");
	nlmsg_free(msg);
}

/* ---- events ---- */

TEST(genl_parse_events)
{
	struct mv_event ev;
	struct nl_msg *msg;
	char err[256] = "";

	msg = genl_msg(MV_CMD_VM_CREATED, MV_GENL_VERSION);
	put_u32(msg, MV_A_VM_ID, 4);
	put_u32(msg, MV_A_PID, 999);
	put_u64(msg, A_UNKNOWN, 1);
	memset(&ev, 0xa5, sizeof(ev));
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), 0);
	CHECK_EQ(ev.cmd, MV_CMD_VM_CREATED);
	CHECK_EQ(ev.vm_id, 4);
	CHECK_EQ(ev.pid, 999);
	CHECK_EQ(ev.vcpu_id, 0);
	CHECK_EQ(ev.reason, 0);
	CHECK_EQ(ev.exit_qual, 0);
	CHECK_EQ(ev.guest_rip, 0);
	CHECK_EQ(ev.cycles, 0);
	nlmsg_free(msg);

	msg = genl_msg(MV_CMD_VM_DESTROYED, MV_GENL_VERSION);
	put_u32(msg, MV_A_VM_ID, 5);
	memset(&ev, 0xa5, sizeof(ev));
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), 0);
	CHECK_EQ(ev.cmd, MV_CMD_VM_DESTROYED);
	CHECK_EQ(ev.vm_id, 5);
	CHECK_EQ(ev.pid, 0);
	CHECK_EQ(ev.cycles, 0);
	nlmsg_free(msg);

	msg = sample_msg(0);
	memset(&ev, 0xa5, sizeof(ev));
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), 0);
	CHECK_EQ(ev.cmd, MV_CMD_EXIT_SAMPLE);
	CHECK_EQ(ev.vm_id, 1);
	CHECK_EQ(ev.vcpu_id, 2);
	CHECK_EQ(ev.reason, 30);
	CHECK_EQ(ev.exit_qual, 0x3f80008);
	CHECK_EQ(ev.guest_rip, 0xffffffff81000000ULL);
	CHECK_EQ(ev.cycles, 5120);
	CHECK_EQ(ev.pid, 0);
	CHECK_STREQ(err, "");
	nlmsg_free(msg);
}

TEST(genl_parse_event_errors)
{
	static const struct {
		int skip;
		const char *name;
	} missing[] = {
		{ MV_A_VM_ID, "MV_A_VM_ID" },
		{ MV_A_VCPU_ID, "MV_A_VCPU_ID" },
		{ MV_A_REASON_ID, "MV_A_REASON_ID" },
		{ MV_A_EXIT_QUAL, "MV_A_EXIT_QUAL" },
		{ MV_A_GUEST_RIP, "MV_A_GUEST_RIP" },
		{ MV_A_CYCLES, "MV_A_CYCLES" },
	};
	struct mv_event ev;
	struct nl_msg *msg;
	char err[256], expect[256];
	uint32_t four = 4;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(missing); i++) {
		msg = sample_msg(missing[i].skip);
		CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), -EBADMSG);
		snprintf(expect, sizeof(expect),
			 "malformed MV_CMD_EXIT_SAMPLE from the minivisor module: %s is missing",
			 missing[i].name);
		CHECK_STREQ(err, expect);
		nlmsg_free(msg);
	}

	msg = genl_msg(MV_CMD_VM_CREATED, MV_GENL_VERSION);
	put_u32(msg, MV_A_VM_ID, 4);
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "malformed MV_CMD_VM_CREATED from the minivisor module: MV_A_PID is missing");
	nlmsg_free(msg);

	msg = genl_msg(MV_CMD_VM_DESTROYED, MV_GENL_VERSION);
	put_u32(msg, MV_A_PID, 4);
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "malformed MV_CMD_VM_DESTROYED from the minivisor module: MV_A_VM_ID is missing");
	nlmsg_free(msg);

	/* A u64 of 4 bytes. */
	msg = sample_msg(MV_A_EXIT_QUAL);
	put(msg, MV_A_EXIT_QUAL, sizeof(four), &four);
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), -EBADMSG);
	CHECK_CONTAINS(err, "malformed MV_CMD_EXIT_SAMPLE from the minivisor module: MV_A_EXIT_QUAL has the wrong size or type (");
	nlmsg_free(msg);

	/* Not an event; not this version. */
	msg = stats_msg(1, 0, 0, NULL, 0);
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), -EBADMSG);
	CHECK_STREQ(err, "unexpected reply from the minivisor module: command 2 where MV_CMD_VM_CREATED was expected");
	nlmsg_free(msg);
	msg = genl_msg(MV_CMD_UNSPEC, MV_GENL_VERSION);
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), -EBADMSG);
	CHECK_CONTAINS(err, "command 0 where");
	nlmsg_free(msg);
	msg = sample_msg(0);
	genlmsg_hdr(nlmsg_hdr(msg))->version = 2;
	CHECK_EQ(mv_genl_parse_event(msg, &ev, err, sizeof(err)), -EPROTO);
	CHECK_CONTAINS(err, "version 2");
	nlmsg_free(msg);
}

/* ---- the receive callbacks ---- */

static void req_init(struct mv_genl_req *req, struct mv_genl *g)
{
	memset(g, 0, sizeof(*g));
	memset(req, 0, sizeof(*req));
	req->g = g;
}

TEST(genl_list_cb)
{
	struct mv_genl_req req;
	struct mv_genl g;
	struct nl_msg *msg;

	req_init(&req, &g);
	msg = vm_msg(1, 100, 1, 1 << 20, 0);
	CHECK_EQ(mv_genl_list_cb(msg, &req), NL_OK);
	nlmsg_free(msg);
	msg = vm_msg(5, 500, 4, 1ULL << 30, 0);
	CHECK_EQ(mv_genl_list_cb(msg, &req), NL_OK);
	nlmsg_free(msg);
	CHECK_EQ(req.nr, 2);
	CHECK_EQ(req.error, 0);
	CHECK(!req.done);
	CHECK_EQ(req.vms[0].id, 1);
	CHECK_EQ(req.vms[0].pid, 100);
	CHECK_EQ(req.vms[1].id, 5);
	CHECK_EQ(req.vms[1].nr_vcpus, 4);
	CHECK_EQ(req.vms[1].mem_bytes, 1ULL << 30);
	CHECK(req.vms[1].have_info);

	/* A bad one stops the dump with the message in g->err. */
	msg = vm_msg(6, 600, 1, 1, MV_A_PID);
	CHECK_EQ(mv_genl_list_cb(msg, &req), NL_STOP);
	nlmsg_free(msg);
	CHECK_EQ(req.error, -EBADMSG);
	CHECK(req.done);
	CHECK_EQ(req.nr, 2);
	CHECK_STREQ(g.err, "malformed MV_CMD_LIST_VMS from the minivisor module: MV_A_PID is missing");
	mv_stats_vms_free(req.vms, req.nr);
}

TEST(genl_stats_cb)
{
	struct reason_spec r[2] = { io, hlt };
	struct mv_genl_req req;
	struct mv_stats_vm vm;
	struct mv_genl g;
	struct nl_msg *msg;

	memset(&vm, 0, sizeof(vm));
	vm.id = 3;
	req_init(&req, &g);
	req.vm = &vm;

	msg = stats_msg(3, 0, 11, r, 2);
	CHECK_EQ(mv_genl_stats_cb(msg, &req), NL_OK);
	nlmsg_free(msg);
	msg = stats_msg(3, 1, 4, &hlt, 1);
	CHECK_EQ(mv_genl_stats_cb(msg, &req), NL_OK);
	nlmsg_free(msg);
	/* Totals; a second one replaces the first. */
	msg = stats_msg(3, -1, 99, r, 2);
	CHECK_EQ(mv_genl_stats_cb(msg, &req), NL_OK);
	nlmsg_free(msg);
	msg = stats_msg(3, -1, 15, &io, 1);
	CHECK_EQ(mv_genl_stats_cb(msg, &req), NL_OK);
	nlmsg_free(msg);
	CHECK_EQ(req.error, 0);
	CHECK(!req.done);
	CHECK_EQ(vm.nr_vcpu_stats, 2);
	CHECK_EQ(vm.vcpus[0].id, 0);
	CHECK_EQ(vm.vcpus[0].exits_total, 11);
	CHECK_EQ(vm.vcpus[0].nr_reasons, 2);
	CHECK_EQ(vm.vcpus[0].reasons[1].id, 12);
	CHECK_EQ(vm.vcpus[1].id, 1);
	CHECK_EQ(vm.vcpus[1].nr_reasons, 1);
	CHECK(vm.have_total);
	CHECK(vm.total.is_total);
	CHECK_EQ(vm.total.exits_total, 15);
	CHECK_EQ(vm.total.nr_reasons, 1);
	CHECK_EQ(vm.total.reasons[0].id, 30);

	/* Statistics of another VM. */
	msg = stats_msg(4, 2, 1, r, 2);
	CHECK_EQ(mv_genl_stats_cb(msg, &req), NL_STOP);
	nlmsg_free(msg);
	CHECK_EQ(req.error, -EBADMSG);
	CHECK(req.done);
	CHECK_STREQ(g.err, "unexpected reply from the minivisor module: statistics of VM 4 where VM 3 was asked for");
	CHECK_EQ(vm.nr_vcpu_stats, 2);

	/* A malformed one. */
	req.error = 0;
	req.done = false;
	msg = stats_msg(3, 2, 1, NULL, 0);
	genlmsg_hdr(nlmsg_hdr(msg))->version = 9;
	CHECK_EQ(mv_genl_stats_cb(msg, &req), NL_STOP);
	nlmsg_free(msg);
	CHECK_EQ(req.error, -EPROTO);
	CHECK(req.done);
	CHECK_CONTAINS(g.err, "version 9");
	CHECK_EQ(vm.nr_vcpu_stats, 2);

	mv_stats_vm_free_stats(&vm);
}

struct seen {
	struct mv_event ev[4];
	int n;
	int ret;		/* what the handler returns */
};

static int on_event(const struct mv_event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n < (int)ARRAY_SIZE(s->ev))
		s->ev[s->n] = *ev;
	s->n++;
	return s->ret;
}

/* Runs @fn with stderr sent to /dev/null. */
static int quietly(int (*fn)(struct nl_msg *, void *), struct nl_msg *msg,
		   void *arg)
{
	int saved, null, ret;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	ret = fn(msg, arg);
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return ret;
}

TEST(genl_event_cb)
{
	struct mv_genl_req req;
	struct seen s;
	struct mv_genl g;
	struct nl_msg *msg, *created;

	memset(&s, 0, sizeof(s));
	req_init(&req, &g);
	req.fn = on_event;
	req.fn_arg = &s;

	created = genl_msg(MV_CMD_VM_CREATED, MV_GENL_VERSION);
	put_u32(created, MV_A_VM_ID, 4);
	put_u32(created, MV_A_PID, 999);
	CHECK_EQ(mv_genl_event_cb(created, &req), NL_OK);
	msg = sample_msg(0);
	CHECK_EQ(mv_genl_event_cb(msg, &req), NL_OK);
	nlmsg_free(msg);
	CHECK_EQ(s.n, 2);
	CHECK_EQ(s.ev[0].cmd, MV_CMD_VM_CREATED);
	CHECK_EQ(s.ev[0].pid, 999);
	CHECK_EQ(s.ev[1].cmd, MV_CMD_EXIT_SAMPLE);
	CHECK_EQ(s.ev[1].cycles, 5120);
	CHECK(!req.done);
	CHECK_EQ(req.error, 0);

	/* A malformed event is skipped, not handed on, not an error. */
	msg = sample_msg(MV_A_CYCLES);
	CHECK_EQ(quietly(mv_genl_event_cb, msg, &req), NL_SKIP);
	nlmsg_free(msg);
	CHECK_EQ(s.n, 2);
	CHECK(!req.done);
	CHECK_EQ(req.error, 0);

	/* The handler has had enough: stop, no error. */
	s.ret = 1;
	CHECK_EQ(mv_genl_event_cb(created, &req), NL_STOP);
	CHECK_EQ(s.n, 3);
	CHECK(req.done);
	CHECK_EQ(req.error, 0);

	/* The handler fails: stop with its error. */
	req.done = false;
	s.ret = -EINTR;
	CHECK_EQ(mv_genl_event_cb(created, &req), NL_STOP);
	CHECK_EQ(s.n, 4);
	CHECK(req.done);
	CHECK_EQ(req.error, -EINTR);

	/* No handler. */
	req_init(&req, &g);
	CHECK_EQ(mv_genl_event_cb(created, &req), NL_OK);
	CHECK(!req.done);
	nlmsg_free(created);
}

/*
 * An NLMSG_ERROR as the kernel sends it: struct nlmsgerr, then (unless
 * NLM_F_CAPPED) the request's payload, then the ext-ack TLVs if
 * @extack is not NULL (NLM_F_ACK_TLVS).
 */
static struct nl_msg *error_msg(int error, bool capped, const char *extack)
{
	struct nl_msg *req = genl_msg(MV_CMD_GET_STATS, MV_GENL_VERSION);
	struct nl_msg *msg;
	struct nlmsghdr *rh;
	struct nlmsgerr e;
	int flags = 0;

	put_u32(req, MV_A_VM_ID, 42);
	rh = nlmsg_hdr(req);
	if (capped)
		flags |= NLM_F_CAPPED;
	if (extack)
		flags |= NLM_F_ACK_TLVS;
	msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	CHECK(msg != NULL);
	memset(&e, 0, sizeof(e));
	e.error = error;
	e.msg = *rh;
	CHECK_EQ(nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (!capped)
		CHECK_EQ(nlmsg_append(msg, nlmsg_data(rh), nlmsg_datalen(rh),
				      NLMSG_ALIGNTO), 0);
	if (extack) {
		CHECK_EQ(nla_put_string(msg, NLMSGERR_ATTR_MSG, extack), 0);
		CHECK_EQ(nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20), 0);
	}
	nlmsg_free(req);
	return msg;
}

static int call_error_cb(struct nl_msg *msg, struct mv_genl_req *req)
{
	return mv_genl_error_cb(NULL, nlmsg_data(nlmsg_hdr(msg)), req);
}

TEST(genl_error_cb)
{
	struct mv_genl_req req;
	struct mv_genl g;
	struct nl_msg *msg;

	/* The errno alone. */
	req_init(&req, &g);
	snprintf(g.extack, sizeof(g.extack), "stale");
	msg = error_msg(-ENOENT, true, NULL);
	CHECK_EQ(call_error_cb(msg, &req), NL_STOP);
	CHECK_EQ(req.error, -ENOENT);
	CHECK(req.done);
	CHECK_STREQ(g.extack, "");
	nlmsg_free(msg);

	req_init(&req, &g);
	msg = error_msg(-EPERM, false, NULL);
	CHECK_EQ(call_error_cb(msg, &req), NL_STOP);
	CHECK_EQ(req.error, -EPERM);
	CHECK_STREQ(g.extack, "");
	nlmsg_free(msg);

	/* With the kernel's message, request capped or not. */
	req_init(&req, &g);
	msg = error_msg(-ENOENT, true, "no VM with id 42");
	CHECK_EQ(call_error_cb(msg, &req), NL_STOP);
	CHECK_EQ(req.error, -ENOENT);
	CHECK(req.done);
	CHECK_STREQ(g.extack, "no VM with id 42");
	nlmsg_free(msg);

	req_init(&req, &g);
	msg = error_msg(-EINVAL, false, "MV_A_VM_ID: wrong type");
	CHECK_EQ(call_error_cb(msg, &req), NL_STOP);
	CHECK_EQ(req.error, -EINVAL);
	CHECK_STREQ(g.extack, "MV_A_VM_ID: wrong type");
	nlmsg_free(msg);

	/* TLVs without NLM_F_ACK_TLVS are not looked at. */
	req_init(&req, &g);
	msg = error_msg(-EINVAL, true, "ignored");
	nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_ACK_TLVS;
	CHECK_EQ(call_error_cb(msg, &req), NL_STOP);
	CHECK_EQ(req.error, -EINVAL);
	CHECK_STREQ(g.extack, "");
	nlmsg_free(msg);

	/* A message too long for g->extack is cut. */
	{
		char longmsg[400];

		memset(longmsg, 'x', sizeof(longmsg) - 1);
		longmsg[sizeof(longmsg) - 1] = '\0';
		req_init(&req, &g);
		msg = error_msg(-EINVAL, true, longmsg);
		CHECK_EQ(call_error_cb(msg, &req), NL_STOP);
		CHECK_EQ(strlen(g.extack), sizeof(g.extack) - 1);
		nlmsg_free(msg);
	}

	/* Not a negative errno: still an error. */
	req_init(&req, &g);
	msg = error_msg(5, true, NULL);
	CHECK_EQ(call_error_cb(msg, &req), NL_STOP);
	CHECK_EQ(req.error, -EIO);
	CHECK(req.done);
	nlmsg_free(msg);
}

TEST(genl_error_cb_bad_request_length)
{
	static const uint32_t lens[] = { 0, 15, 1000, 0x7ffffffb,
					 0x7ffffffc, 0x80000000, 0xc0000000,
					 0xfffffff0, 0xffffffff };
	struct mv_genl_req req;
	struct mv_genl g;
	struct nl_msg *msg;
	size_t i;

	/*
	 * Whatever the copied request header claims, the ext-ack is only
	 * looked for inside the message (valgrind checks the reads).
	 */
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		req_init(&req, &g);
		msg = error_msg(-ENOENT, false, "x");
		((struct nlmsgerr *)nlmsg_data(nlmsg_hdr(msg)))->msg.nlmsg_len =
			lens[i];
		CHECK_EQ(call_error_cb(msg, &req), NL_STOP);
		CHECK_EQ(req.error, -ENOENT);
		CHECK(req.done);
		CHECK_STREQ(g.extack, "");
		nlmsg_free(msg);
	}
}

/* NLMSG_DONE with @error (and an ext-ack message if not NULL). */
static struct nl_msg *done_msg(int error, const char *extack)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI |
						(extack ? NLM_F_ACK_TLVS : 0));

	CHECK(msg != NULL);
	CHECK_EQ(nlmsg_append(msg, &error, sizeof(error), NLMSG_ALIGNTO), 0);
	if (extack)
		CHECK_EQ(nla_put_string(msg, NLMSGERR_ATTR_MSG, extack), 0);
	return msg;
}

TEST(genl_finish_cb)
{
	struct mv_genl_req req;
	struct mv_genl g;
	struct nl_msg *msg;

	req_init(&req, &g);
	msg = done_msg(0, NULL);
	CHECK_EQ(mv_genl_finish_cb(msg, &req), NL_STOP);
	CHECK(req.done);
	CHECK_EQ(req.error, 0);
	nlmsg_free(msg);

	/* The dump failed: the error and the kernel's message. */
	req_init(&req, &g);
	msg = done_msg(-ENOENT, "minivisor: no vCPU 7 in VM 1");
	CHECK_EQ(mv_genl_finish_cb(msg, &req), NL_STOP);
	CHECK(req.done);
	CHECK_EQ(req.error, -ENOENT);
	CHECK_STREQ(g.extack, "minivisor: no vCPU 7 in VM 1");
	nlmsg_free(msg);

	req_init(&req, &g);
	snprintf(g.extack, sizeof(g.extack), "stale");
	msg = done_msg(-EPERM, NULL);
	CHECK_EQ(mv_genl_finish_cb(msg, &req), NL_STOP);
	CHECK_EQ(req.error, -EPERM);
	CHECK_STREQ(g.extack, "");
	nlmsg_free(msg);

	/* No payload at all (old kernels): done, no error. */
	req_init(&req, &g);
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	CHECK(msg != NULL);
	CHECK_EQ(mv_genl_finish_cb(msg, &req), NL_STOP);
	CHECK(req.done);
	CHECK_EQ(req.error, 0);
	nlmsg_free(msg);
}
