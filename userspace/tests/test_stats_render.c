// SPDX-License-Identifier: GPL-2.0
/* stats_render.c: the text and JSON of `minivisor stats`, `top`, `events`. */
#include <stdlib.h>

#include "test.h"
#include "stats_render.h"
#include "util.h"

#define HDR	"  REASON  NAME                            COUNT     CYCLES-TOTAL         MEAN            MAX  HISTOGRAM (2^K:N = N exits took [2^K, 2^(K+1)) cycles)\n"
#define ROW_CPUID	"      10  CPUID                               4              400          100            150  2^6:3 2^7:1\n"
#define ROW_HLT		"      12  HLT                                 1                0            -              0  -\n"
#define ROW_IO		"      30  IO_INSTRUCTION                     10             5000          500           2000  2^8:6 2^10:4\n"
#define ROW_UNKNOWN	"      35  unknown                             2                9            4              5  2^2:2\n"
#define ROW_ENTRYFAIL	"  2147483681  INVALID_GUEST_STATE                 1       3000000000   3000000000     3000000000  2^31+:1\n"

#define TOP_HDR	"     EXITS/S  REASON  NAME                          EXITS\n"

static struct mv_stats_reason reason(uint32_t id, uint64_t count,
				     uint64_t total, uint64_t max)
{
	struct mv_stats_reason r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.count = count;
	r.cycles_total = total;
	r.cycles_max = max;
	return r;
}

static void add(struct mv_stats_vcpu *v, const struct mv_stats_reason *r)
{
	CHECK_EQ(mv_stats_vcpu_add_reason(v, r), 0);
}

/* vCPU @id with the reasons 30, 12, 10 (out of order): 15 exits. */
static void vcpu_fixture(struct mv_stats_vcpu *v, uint32_t id)
{
	struct mv_stats_reason r;

	memset(v, 0, sizeof(*v));
	v->id = id;
	v->exits_total = 15;
	r = reason(30, 10, 5000, 2000);
	r.hist[8] = 6;
	r.hist[10] = 4;
	add(v, &r);
	r = reason(12, 1, 0, 0);	/* in HLT: nothing handled yet */
	add(v, &r);
	r = reason(10, 4, 400, 150);
	r.hist[6] = 3;
	r.hist[7] = 1;
	add(v, &r);
}

/* Totals with an unnamed reason and an entry failure (bit 31). */
static void total_fixture(struct mv_stats_vcpu *v)
{
	struct mv_stats_reason r;

	memset(v, 0, sizeof(*v));
	v->is_total = true;
	v->exits_total = 17;
	r = reason(0x80000021, 1, 3000000000ULL, 3000000000ULL);
	r.hist[31] = 1;
	add(v, &r);
	r = reason(35, 2, 9, 5);
	r.hist[2] = 2;
	add(v, &r);
}

/* ---- building and freeing ---- */

TEST(stats_render_add_and_free)
{
	struct mv_stats_vm vm;
	struct mv_stats_vcpu v;
	struct mv_stats_reason r;
	unsigned int i;

	memset(&vm, 0, sizeof(vm));
	memset(&v, 0, sizeof(v));
	for (i = 0; i < 5; i++) {
		r = reason(i, i + 1, 0, 0);
		r.hist[i] = i + 1;
		add(&v, &r);
	}
	CHECK_EQ(v.nr_reasons, 5);
	CHECK_EQ(v.reasons[3].id, 3);
	CHECK_EQ(v.reasons[4].count, 5);
	CHECK_EQ(v.reasons[4].hist[4], 5);

	/* The VM takes the reasons over: @v is left empty. */
	v.id = 2;
	v.exits_total = 15;
	CHECK_EQ(mv_stats_vm_add_vcpu(&vm, &v), 0);
	CHECK(v.reasons == NULL);
	CHECK_EQ(v.nr_reasons, 0);
	CHECK_EQ(vm.nr_vcpu_stats, 1);
	CHECK_EQ(vm.vcpus[0].id, 2);
	CHECK_EQ(vm.vcpus[0].exits_total, 15);
	CHECK_EQ(vm.vcpus[0].nr_reasons, 5);
	CHECK_EQ(vm.vcpus[0].reasons[2].count, 3);

	vcpu_fixture(&v, 3);
	CHECK_EQ(mv_stats_vm_add_vcpu(&vm, &v), 0);
	CHECK_EQ(vm.nr_vcpu_stats, 2);
	CHECK_EQ(vm.vcpus[1].id, 3);
	CHECK_EQ(vm.vcpus[1].nr_reasons, 3);
	/* The first vCPU's copy survived the realloc. */
	CHECK_EQ(vm.vcpus[0].reasons[4].id, 4);

	total_fixture(&vm.total);
	vm.have_total = true;
	vm.id = 9;
	vm.pid = 99;
	vm.have_info = true;
	mv_stats_vm_free_stats(&vm);
	CHECK_EQ(vm.nr_vcpu_stats, 0);
	CHECK(vm.vcpus == NULL);
	CHECK(!vm.have_total);
	CHECK_EQ(vm.total.nr_reasons, 0);
	CHECK(vm.total.reasons == NULL);
	/* The list info stays. */
	CHECK_EQ(vm.id, 9);
	CHECK_EQ(vm.pid, 99);
	CHECK(vm.have_info);

	/* Freeing twice is harmless; so is freeing an empty vCPU. */
	mv_stats_vm_free_stats(&vm);
	mv_stats_vcpu_free(&v);
	CHECK(v.reasons == NULL);
}

TEST(stats_render_vms_free)
{
	struct mv_stats_vm *vms = calloc(3, sizeof(*vms));
	struct mv_stats_vcpu v;

	CHECK(vms != NULL);
	if (!vms)
		return;
	vcpu_fixture(&v, 0);
	CHECK_EQ(mv_stats_vm_add_vcpu(&vms[0], &v), 0);
	total_fixture(&vms[0].total);
	vms[0].have_total = true;
	vcpu_fixture(&vms[2].total, 0);
	vms[2].have_total = true;
	mv_stats_vms_free(vms, 3);	/* valgrind checks that all is gone */
	mv_stats_vms_free(NULL, 0);
}

TEST(stats_render_find_reason)
{
	struct mv_stats_vcpu v;

	vcpu_fixture(&v, 0);
	CHECK(mv_stats_find_reason(&v, 12) == &v.reasons[1]);
	CHECK(mv_stats_find_reason(&v, 10) == &v.reasons[2]);
	CHECK(mv_stats_find_reason(&v, 30) == &v.reasons[0]);
	CHECK(mv_stats_find_reason(&v, 31) == NULL);
	CHECK(mv_stats_find_reason(NULL, 30) == NULL);
	mv_stats_vcpu_free(&v);
	CHECK(mv_stats_find_reason(&v, 30) == NULL);
}

TEST(stats_render_handled_and_mean)
{
	struct mv_stats_reason r = reason(30, 11, 1000, 900);

	CHECK_EQ(mv_stats_handled(&r), 0);
	CHECK_EQ(mv_stats_mean(&r), 0);	/* nothing handled: no division */
	r.hist[0] = 1;
	r.hist[5] = 3;
	r.hist[MV_STATS_HIST_BUCKETS - 1] = 6;
	CHECK_EQ(mv_stats_handled(&r), 10);	/* COUNT - 1: one in progress */
	CHECK_EQ(mv_stats_mean(&r), 100);
	r.cycles_total = 1009;
	CHECK_EQ(mv_stats_mean(&r), 100);	/* rounded down */
	r.cycles_total = 0;
	CHECK_EQ(mv_stats_mean(&r), 0);
}

/* ---- histogram and sizes ---- */

TEST(stats_render_hist_format)
{
	uint64_t h[MV_STATS_HIST_BUCKETS];
	char buf[512];

	memset(h, 0, sizeof(h));
	CHECK_STREQ(mv_stats_hist_format(h, buf, sizeof(buf)), "-");
	CHECK(mv_stats_hist_format(h, buf, sizeof(buf)) == buf);

	h[5] = 12;
	CHECK_STREQ(mv_stats_hist_format(h, buf, sizeof(buf)), "2^5:12");
	h[5] = 0;
	h[0] = 7;
	CHECK_STREQ(mv_stats_hist_format(h, buf, sizeof(buf)), "2^0:7");
	h[0] = 0;
	h[MV_STATS_HIST_BUCKETS - 1] = 2;
	CHECK_STREQ(mv_stats_hist_format(h, buf, sizeof(buf)), "2^31+:2");
	h[MV_STATS_HIST_BUCKETS - 2] = 18446744073709551615ULL;
	CHECK_STREQ(mv_stats_hist_format(h, buf, sizeof(buf)),
		    "2^30:18446744073709551615 2^31+:2");

	memset(h, 0, sizeof(h));
	h[0] = 1;
	h[10] = 2;
	h[31] = 3;
	CHECK_STREQ(mv_stats_hist_format(h, buf, sizeof(buf)),
		    "2^0:1 2^10:2 2^31+:3");

	/* Every bucket: the whole string, in bucket order. */
	{
		unsigned int b;

		for (b = 0; b < MV_STATS_HIST_BUCKETS; b++)
			h[b] = b + 1;
		CHECK_STREQ(mv_stats_hist_format(h, buf, sizeof(buf)),
			    "2^0:1 2^1:2 2^2:3 2^3:4 2^4:5 2^5:6 2^6:7 2^7:8 "
			    "2^8:9 2^9:10 2^10:11 2^11:12 2^12:13 2^13:14 "
			    "2^14:15 2^15:16 2^16:17 2^17:18 2^18:19 2^19:20 "
			    "2^20:21 2^21:22 2^22:23 2^23:24 2^24:25 2^25:26 "
			    "2^26:27 2^27:28 2^28:29 2^29:30 2^30:31 2^31+:32");
	}
}

TEST(stats_render_hist_truncation)
{
	uint64_t h[MV_STATS_HIST_BUCKETS];
	char buf[64];

	/* "2^3:5 2^4:1234 2^5:1" is 20 characters. */
	memset(h, 0, sizeof(h));
	h[3] = 5;
	h[4] = 1234;
	h[5] = 1;
	CHECK_STREQ(mv_stats_hist_format(h, buf, 21), "2^3:5 2^4:1234 2^5:1");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 20), "2^3:5 2^4:1234 ...");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 19), "2^3:5 2^4:1234 ...");
	/*
	 * No room for " ..." after the second item: the ellipsis goes
	 * after the first one, never into a cut-off count ("2^4:12 ...").
	 */
	CHECK_STREQ(mv_stats_hist_format(h, buf, 18), "2^3:5 ...");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 17), "2^3:5 ...");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 10), "2^3:5 ...");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 9), "...");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 4), "...");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 3), "..");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 1), "");

	/* @len 0: @buf is not touched. */
	buf[0] = 'x';
	buf[1] = '\0';
	CHECK_STREQ(mv_stats_hist_format(h, buf, 0), "x");

	/* Nothing written past @len. */
	memset(buf, '#', sizeof(buf));
	mv_stats_hist_format(h, buf, 12);
	CHECK_STREQ(buf, "2^3:5 ...");
	CHECK_EQ(buf[12], '#');
	CHECK_EQ(buf[11], '#');

	/* The first item alone does not fit. */
	memset(h, 0, sizeof(h));
	h[31] = 123456;
	CHECK_STREQ(mv_stats_hist_format(h, buf, 13), "2^31+:123456");
	CHECK_STREQ(mv_stats_hist_format(h, buf, 12), "...");
}

TEST(stats_render_size_format)
{
	char buf[32];

	CHECK_STREQ(mv_stats_size_format(0, buf, sizeof(buf)), "0 bytes");
	CHECK(mv_stats_size_format(0, buf, sizeof(buf)) == buf);
	CHECK_STREQ(mv_stats_size_format(1000, buf, sizeof(buf)), "1000 bytes");
	CHECK_STREQ(mv_stats_size_format(1023, buf, sizeof(buf)), "1023 bytes");
	CHECK_STREQ(mv_stats_size_format(1536, buf, sizeof(buf)), "1536 bytes");
	CHECK_STREQ(mv_stats_size_format(1024, buf, sizeof(buf)), "1 KiB");
	CHECK_STREQ(mv_stats_size_format(12 << 10, buf, sizeof(buf)), "12 KiB");
	CHECK_STREQ(mv_stats_size_format(1536ULL << 10, buf, sizeof(buf)),
		    "1536 KiB");
	CHECK_STREQ(mv_stats_size_format(64ULL << 20, buf, sizeof(buf)), "64 MiB");
	CHECK_STREQ(mv_stats_size_format(1ULL << 30, buf, sizeof(buf)), "1 GiB");
	CHECK_STREQ(mv_stats_size_format(3ULL << 40, buf, sizeof(buf)), "3 TiB");
	CHECK_STREQ(mv_stats_size_format(1ULL << 50, buf, sizeof(buf)),
		    "1024 TiB");
	CHECK_STREQ(mv_stats_size_format(64ULL << 20, buf, 4), "64 ");
}

/* ---- tables ---- */

TEST(stats_render_print_vcpu)
{
	struct mv_stats_vcpu v;
	struct mv_memfile m;

	vcpu_fixture(&v, 2);
	mv_memfile_open(&m);
	mv_stats_print_vcpu(m.f, &v);
	CHECK_STREQ(mv_memfile_text(&m),
		    "vCPU 2: 15 exits\n"
		    HDR
		    ROW_CPUID
		    ROW_HLT
		    ROW_IO);
	mv_memfile_close(&m);
	/* Printing sorts a copy: the message order is kept. */
	CHECK_EQ(v.reasons[0].id, 30);
	CHECK_EQ(v.reasons[1].id, 12);
	CHECK_EQ(v.reasons[2].id, 10);
	mv_stats_vcpu_free(&v);

	/* No reasons: the title alone. */
	v.id = 1;
	v.exits_total = 0;
	mv_memfile_open(&m);
	mv_stats_print_vcpu(m.f, &v);
	CHECK_STREQ(mv_memfile_text(&m), "vCPU 1: 0 exits\n");
	mv_memfile_close(&m);
}

TEST(stats_render_print_total)
{
	struct mv_stats_vcpu v;
	struct mv_memfile m;

	total_fixture(&v);
	v.id = 5;	/* unused for the totals */
	mv_memfile_open(&m);
	mv_stats_print_vcpu(m.f, &v);
	CHECK_STREQ(mv_memfile_text(&m),
		    "total (all vCPUs): 17 exits\n"
		    HDR
		    ROW_UNKNOWN
		    ROW_ENTRYFAIL);
	mv_memfile_close(&m);
	mv_stats_vcpu_free(&v);
}

TEST(stats_render_print_vm)
{
	struct mv_stats_vm vm;
	struct mv_stats_vcpu v;
	struct mv_memfile m;

	memset(&vm, 0, sizeof(vm));
	vm.id = 3;
	vm.pid = 1234;
	vm.nr_vcpus = 2;
	vm.mem_bytes = 64ULL << 20;
	vm.have_info = true;
	vcpu_fixture(&v, 0);
	CHECK_EQ(mv_stats_vm_add_vcpu(&vm, &v), 0);
	memset(&v, 0, sizeof(v));
	v.id = 1;
	CHECK_EQ(mv_stats_vm_add_vcpu(&vm, &v), 0);
	total_fixture(&vm.total);
	vm.have_total = true;

	mv_memfile_open(&m);
	mv_stats_print_vm(m.f, &vm);
	CHECK_STREQ(mv_memfile_text(&m),
		    "VM 3 (pid 1234, 2 vCPUs, 64 MiB)\n"
		    "vCPU 0: 15 exits\n"
		    HDR
		    ROW_CPUID
		    ROW_HLT
		    ROW_IO
		    "vCPU 1: 0 exits\n"
		    "total (all vCPUs): 17 exits\n"
		    HDR
		    ROW_UNKNOWN
		    ROW_ENTRYFAIL);
	mv_memfile_close(&m);

	/* One vCPU, no totals (--vcpu): singular, no totals table. */
	mv_stats_vm_free_stats(&vm);
	vm.nr_vcpus = 1;
	vm.mem_bytes = 1000;
	memset(&v, 0, sizeof(v));
	v.exits_total = 4;
	CHECK_EQ(mv_stats_vm_add_vcpu(&vm, &v), 0);
	mv_memfile_open(&m);
	mv_stats_print_vm(m.f, &vm);
	CHECK_STREQ(mv_memfile_text(&m),
		    "VM 3 (pid 1234, 1 vCPU, 1000 bytes)\n"
		    "vCPU 0: 4 exits\n");
	mv_memfile_close(&m);

	/* Not in the list: the id alone. */
	mv_stats_vm_free_stats(&vm);
	vm.have_info = false;
	mv_memfile_open(&m);
	mv_stats_print_vm(m.f, &vm);
	CHECK_STREQ(mv_memfile_text(&m), "VM 3\n");
	mv_memfile_close(&m);
}

TEST(stats_render_print_vm_list)
{
	struct mv_stats_vm vms[2];
	struct mv_memfile m;

	memset(vms, 0, sizeof(vms));
	vms[0].id = 1;
	vms[0].pid = 1234;
	vms[0].nr_vcpus = 2;
	vms[0].mem_bytes = 64ULL << 20;
	vms[1].id = 4294967295U;
	vms[1].pid = 7;
	vms[1].nr_vcpus = 1;
	vms[1].mem_bytes = 1000;
	mv_memfile_open(&m);
	mv_stats_print_vm_list(m.f, vms, 2);
	CHECK_STREQ(mv_memfile_text(&m),
		    "    VM      PID  vCPUs  MEMORY\n"
		    "     1     1234      2  64 MiB\n"
		    "4294967295        7      1  1000 bytes\n");
	mv_memfile_close(&m);

	mv_memfile_open(&m);
	mv_stats_print_vm_list(m.f, NULL, 0);
	CHECK_STREQ(mv_memfile_text(&m), "no VMs\n");
	mv_memfile_close(&m);
}

/* ---- JSON ---- */

static void json_of(const char *s, const char *expect)
{
	struct mv_memfile m;

	mv_memfile_open(&m);
	mv_json_string(m.f, s);
	CHECK_STREQ(mv_memfile_text(&m), expect);
	mv_memfile_close(&m);
}

TEST(stats_render_json_string)
{
	json_of("HLT", "\"HLT\"");
	json_of("", "\"\"");
	json_of(NULL, "\"\"");
	json_of("a\"b\\c", "\"a\\\"b\\\\c\"");
	json_of("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	json_of("\x01x\x1f\x7f", "\"\\u0001x\\u001f\\u007f\"");
	json_of("/ok ~", "\"/ok ~\"");
	/* Bytes >= 0x80 are not passed through as (maybe bad) UTF-8. */
	json_of("\xc3\xa9", "\"\\u00c3\\u00a9\"");
}

#define Z10	"0,0,0,0,0,0,0,0,0,0"
#define HIST_ZERO	"[" Z10 "," Z10 "," Z10 ",0,0]"
#define HIST_48		"[1," Z10 "," Z10 "," Z10 ",4]"
#define JSON_REASONS							\
	"\"reasons\":["							\
	"{\"id\":12,\"name\":\"HLT\",\"count\":1,\"cycles_total\":0,"	\
	"\"cycles_max\":0,\"cycles_mean\":0,\"hist\":" HIST_ZERO "},"	\
	"{\"id\":48,\"name\":\"EPT_VIOLATION\",\"count\":5,"		\
	"\"cycles_total\":1000,\"cycles_max\":400,\"cycles_mean\":200,"	\
	"\"hist\":" HIST_48 "}]"

static void json_reasons_fixture(struct mv_stats_vcpu *v)
{
	struct mv_stats_reason r;

	r = reason(48, 5, 1000, 400);
	r.hist[0] = 1;
	r.hist[31] = 4;
	add(v, &r);
	r = reason(12, 1, 0, 0);
	add(v, &r);
}

TEST(stats_render_print_json)
{
	struct mv_stats_vm vms[3];
	struct mv_stats_vcpu v;
	struct mv_memfile m;

	memset(vms, 0, sizeof(vms));
	vms[0].id = 7;
	vms[0].pid = 42;
	vms[0].nr_vcpus = 2;
	vms[0].mem_bytes = 1ULL << 30;
	vms[0].have_info = true;
	memset(&v, 0, sizeof(v));
	v.exits_total = 6;
	json_reasons_fixture(&v);
	CHECK_EQ(mv_stats_vm_add_vcpu(&vms[0], &v), 0);
	memset(&v, 0, sizeof(v));
	v.id = 1;
	CHECK_EQ(mv_stats_vm_add_vcpu(&vms[0], &v), 0);
	vms[0].total.is_total = true;
	vms[0].total.exits_total = 6;
	json_reasons_fixture(&vms[0].total);
	vms[0].have_total = true;
	/* Not listed, statistics of one vCPU: no pid etc., totals null. */
	vms[1].id = 8;
	vms[1].pid = 99;	/* not shown without have_info */
	memset(&v, 0, sizeof(v));
	v.id = 3;
	v.exits_total = 18446744073709551615ULL;
	CHECK_EQ(mv_stats_vm_add_vcpu(&vms[1], &v), 0);
	/* Nothing at all. */
	vms[2].id = 9;

	mv_memfile_open(&m);
	mv_stats_print_json(m.f, vms, 3);
	CHECK_STREQ(mv_memfile_text(&m),
		    "{\"vms\":["
		    "{\"id\":7,\"pid\":42,\"nr_vcpus\":2,\"mem_bytes\":1073741824,"
		    "\"vcpus\":["
		    "{\"id\":0,\"exits_total\":6," JSON_REASONS "},"
		    "{\"id\":1,\"exits_total\":0,\"reasons\":[]}],"
		    "\"totals\":{\"exits_total\":6," JSON_REASONS "}},"
		    "{\"id\":8,\"vcpus\":["
		    "{\"id\":3,\"exits_total\":18446744073709551615,\"reasons\":[]}],"
		    "\"totals\":null},"
		    "{\"id\":9,\"vcpus\":[],\"totals\":null}"
		    "]}\n");
	mv_memfile_close(&m);

	mv_memfile_open(&m);
	mv_stats_print_json(m.f, NULL, 0);
	CHECK_STREQ(mv_memfile_text(&m), "{\"vms\":[]}\n");
	mv_memfile_close(&m);

	mv_stats_vm_free_stats(&vms[0]);
	mv_stats_vm_free_stats(&vms[1]);
}

TEST(stats_render_json_entry_failure_name)
{
	struct mv_stats_vm vm;
	struct mv_stats_reason r;
	struct mv_memfile m;

	memset(&vm, 0, sizeof(vm));
	vm.id = 1;
	vm.have_total = true;
	r = reason(0x80000021, 1, 0, 0);
	add(&vm.total, &r);
	mv_memfile_open(&m);
	mv_stats_print_json(m.f, &vm, 1);
	CHECK_STREQ(mv_memfile_text(&m),
		    "{\"vms\":[{\"id\":1,\"vcpus\":[],\"totals\":"
		    "{\"exits_total\":0,\"reasons\":["
		    "{\"id\":2147483681,\"name\":\"INVALID_GUEST_STATE\","
		    "\"count\":1,\"cycles_total\":0,\"cycles_max\":0,"
		    "\"cycles_mean\":0,\"hist\":" HIST_ZERO "}]}}]}\n");
	mv_memfile_close(&m);
	mv_stats_vm_free_stats(&vm);
}

/* ---- top ---- */

/* A snapshot: exits_total and (id, count) pairs, in this order. */
static void snap(struct mv_stats_vcpu *v, uint64_t exits_total,
		 const uint64_t (*ids_counts)[2], size_t n)
{
	struct mv_stats_reason r;
	size_t i;

	memset(v, 0, sizeof(*v));
	v->exits_total = exits_total;
	for (i = 0; i < n; i++) {
		r = reason((uint32_t)ids_counts[i][0], ids_counts[i][1], 0, 0);
		add(v, &r);
	}
}

TEST(stats_render_top_compute)
{
	static const uint64_t p[][2] = { { 30, 50 }, { 12, 10 }, { 10, 40 } };
	static const uint64_t c[][2] = { { 10, 50 }, { 12, 10 }, { 30, 80 },
					 { 48, 20 } };
	struct mv_stats_vcpu prev, cur;
	struct mv_top_row rows[8];
	double total = -1;
	size_t n;

	snap(&prev, 100, p, ARRAY_SIZE(p));
	snap(&cur, 160, c, ARRAY_SIZE(c));
	memset(rows, 0xff, sizeof(rows));
	n = mv_top_compute(&prev, &cur, 2.0, rows, ARRAY_SIZE(rows), &total);
	/* HLT did not grow: no row. 48 is new: counted from zero. */
	CHECK_EQ(n, 3);
	CHECK_EQ(rows[0].id, 30);
	CHECK_EQ(rows[0].delta, 30);
	CHECK(rows[0].rate == 15.0);
	CHECK_EQ(rows[1].id, 48);
	CHECK_EQ(rows[1].delta, 20);
	CHECK(rows[1].rate == 10.0);
	CHECK_EQ(rows[2].id, 10);
	CHECK_EQ(rows[2].delta, 10);
	CHECK(rows[2].rate == 5.0);
	CHECK(total == 30.0);

	/* Fractional interval. */
	n = mv_top_compute(&prev, &cur, 0.5, rows, ARRAY_SIZE(rows), &total);
	CHECK_EQ(n, 3);
	CHECK(rows[0].rate == 60.0);
	CHECK(rows[2].rate == 20.0);
	CHECK(total == 120.0);

	/* No previous snapshot: everything counts from zero. */
	n = mv_top_compute(NULL, &cur, 1.0, rows, ARRAY_SIZE(rows), &total);
	CHECK_EQ(n, 4);
	CHECK_EQ(rows[0].id, 30);
	CHECK_EQ(rows[0].delta, 80);
	CHECK_EQ(rows[1].id, 10);
	CHECK_EQ(rows[2].id, 48);
	CHECK_EQ(rows[3].id, 12);
	CHECK_EQ(rows[3].delta, 10);
	CHECK(total == 160.0);

	/* Nothing to compare: 0 rows, rate 0. */
	n = mv_top_compute(&prev, NULL, 1.0, rows, ARRAY_SIZE(rows), &total);
	CHECK_EQ(n, 0);
	CHECK(total == 0);

	mv_stats_vcpu_free(&prev);
	mv_stats_vcpu_free(&cur);
}

TEST(stats_render_top_ties_and_reset)
{
	static const uint64_t p[][2] = { { 30, 100 }, { 12, 1 }, { 10, 1 } };
	static const uint64_t c[][2] = { { 30, 7 }, { 12, 8 }, { 10, 8 },
					 { 1, 8 } };
	struct mv_stats_vcpu prev, cur;
	struct mv_top_row rows[8];
	double total = -1;
	size_t n;

	/* Reset in between: 30 and EXITS_TOTAL count from zero. */
	snap(&prev, 1000, p, ARRAY_SIZE(p));
	snap(&cur, 31, c, ARRAY_SIZE(c));
	n = mv_top_compute(&prev, &cur, 1.0, rows, ARRAY_SIZE(rows), &total);
	CHECK_EQ(n, 4);
	/* Equal rates: by reason number. */
	CHECK_EQ(rows[0].id, 1);
	CHECK_EQ(rows[0].delta, 8);
	CHECK_EQ(rows[1].id, 10);
	CHECK_EQ(rows[1].delta, 7);
	CHECK_EQ(rows[2].id, 12);
	CHECK_EQ(rows[2].delta, 7);
	CHECK_EQ(rows[3].id, 30);
	CHECK_EQ(rows[3].delta, 7);
	CHECK(total == 31.0);

	/* The same count: no rows, total rate 0. */
	n = mv_top_compute(&cur, &cur, 1.0, rows, ARRAY_SIZE(rows), &total);
	CHECK_EQ(n, 0);
	CHECK(total == 0);

	mv_stats_vcpu_free(&prev);
	mv_stats_vcpu_free(&cur);
}

TEST(stats_render_top_max_rows)
{
	static const uint64_t c[][2] = { { 10, 1 }, { 12, 5 }, { 30, 3 },
					 { 48, 4 } };
	struct mv_stats_vcpu cur;
	struct mv_top_row rows[4];
	double total;
	size_t n;

	snap(&cur, 13, c, ARRAY_SIZE(c));
	/* The cap keeps the highest rates, whatever the message order. */
	memset(rows, 0, sizeof(rows));
	n = mv_top_compute(NULL, &cur, 1.0, rows, 2, &total);
	CHECK_EQ(n, 2);
	CHECK_EQ(rows[0].id, 12);
	CHECK_EQ(rows[1].id, 48);
	CHECK_EQ(rows[2].id, 0);	/* not written past max_rows */
	CHECK(total == 13.0);

	n = mv_top_compute(NULL, &cur, 1.0, rows, 1, &total);
	CHECK_EQ(n, 1);
	CHECK_EQ(rows[0].id, 12);
	CHECK_EQ(rows[0].delta, 5);

	n = mv_top_compute(NULL, &cur, 1.0, rows, 3, &total);
	CHECK_EQ(n, 3);
	CHECK_EQ(rows[0].id, 12);
	CHECK_EQ(rows[1].id, 48);
	CHECK_EQ(rows[2].id, 30);

	/* No rows wanted (rows may be NULL): the total rate only. */
	total = -1;
	n = mv_top_compute(NULL, &cur, 1.0, NULL, 0, &total);
	CHECK_EQ(n, 0);
	CHECK(total == 13.0);
	mv_stats_vcpu_free(&cur);
}

TEST(stats_render_top_no_interval)
{
	static const uint64_t c[][2] = { { 10, 1 }, { 12, 5 } };
	struct mv_stats_vcpu cur;
	struct mv_top_row rows[4];
	double total = -1;
	size_t n;

	snap(&cur, 6, c, ARRAY_SIZE(c));
	n = mv_top_compute(NULL, &cur, 0, rows, ARRAY_SIZE(rows), &total);
	CHECK_EQ(n, 2);
	CHECK_EQ(rows[0].id, 12);
	CHECK_EQ(rows[0].delta, 5);
	CHECK(rows[0].rate == 0);
	CHECK(rows[1].rate == 0);
	CHECK(total == 0);
	total = -1;
	n = mv_top_compute(NULL, &cur, -1.5, rows, ARRAY_SIZE(rows), &total);
	CHECK_EQ(n, 2);
	CHECK(rows[0].rate == 0);
	CHECK(total == 0);
	mv_stats_vcpu_free(&cur);
}

TEST(stats_render_top_print)
{
	static const struct mv_top_row rows[] = {
		{ .id = 30, .delta = 30, .rate = 15.0 },
		{ .id = 48, .delta = 20, .rate = 10.0 },
		{ .id = 10, .delta = 10, .rate = 5.0 },
	};
	struct mv_memfile m;

	mv_memfile_open(&m);
	mv_top_print(m.f, "VM 1", rows, ARRAY_SIZE(rows), 30.04);
	CHECK_STREQ(mv_memfile_text(&m),
		    "VM 1: 30.0 exits/s\n"
		    TOP_HDR
		    "        15.0      30  IO_INSTRUCTION                   30\n"
		    "        10.0      48  EPT_VIOLATION                    20\n"
		    "         5.0      10  CPUID                            10\n");
	mv_memfile_close(&m);

	mv_memfile_open(&m);
	mv_top_print(m.f, "total", NULL, 0, 0);
	CHECK_STREQ(mv_memfile_text(&m), "total: 0.0 exits/s\n  (no exits)\n");
	mv_memfile_close(&m);
}

TEST(stats_render_top_print_vm)
{
	static const uint64_t p[][2] = { { 30, 50 }, { 12, 10 } };
	static const uint64_t c[][2] = { { 12, 10 }, { 30, 80 }, { 10, 5 } };
	static const uint64_t none[1][2];
	struct mv_stats_vm prev, cur;
	struct mv_stats_vcpu v;
	struct mv_memfile m;

	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	prev.id = cur.id = 2;
	cur.pid = 77;
	cur.nr_vcpus = 2;
	cur.mem_bytes = 16ULL << 20;
	cur.have_info = true;
	snap(&prev.total, 60, p, ARRAY_SIZE(p));
	prev.have_total = true;
	snap(&cur.total, 95, c, ARRAY_SIZE(c));
	cur.have_total = true;
	/* vCPU 1 listed first in prev; vCPU 0 new in cur. */
	snap(&v, 40, none, 0);
	v.id = 1;
	CHECK_EQ(mv_stats_vm_add_vcpu(&prev, &v), 0);
	snap(&v, 20, none, 0);
	v.id = 0;
	CHECK_EQ(mv_stats_vm_add_vcpu(&prev, &v), 0);
	snap(&v, 30, none, 0);
	v.id = 0;
	CHECK_EQ(mv_stats_vm_add_vcpu(&cur, &v), 0);
	snap(&v, 45, none, 0);
	v.id = 1;
	CHECK_EQ(mv_stats_vm_add_vcpu(&cur, &v), 0);

	mv_memfile_open(&m);
	mv_top_print_vm(m.f, &prev, &cur, 2.0);
	CHECK_STREQ(mv_memfile_text(&m),
		    "VM 2 (pid 77, 2 vCPUs, 16 MiB): 17.5 exits/s\n"
		    TOP_HDR
		    "        15.0      30  IO_INSTRUCTION                   30\n"
		    "         2.5      10  CPUID                             5\n"
		    "  per vCPU:  0: 5.0/s  1: 2.5/s\n");
	mv_memfile_close(&m);

	/* No previous snapshot: from zero. */
	mv_memfile_open(&m);
	mv_top_print_vm(m.f, NULL, &cur, 5.0);
	CHECK_STREQ(mv_memfile_text(&m),
		    "VM 2 (pid 77, 2 vCPUs, 16 MiB): 19.0 exits/s\n"
		    TOP_HDR
		    "        16.0      30  IO_INSTRUCTION                   80\n"
		    "         2.0      12  HLT                              10\n"
		    "         1.0      10  CPUID                             5\n"
		    "  per vCPU:  0: 6.0/s  1: 9.0/s\n");
	mv_memfile_close(&m);

	/* Nothing grew, one vCPU, not listed. */
	mv_stats_vm_free_stats(&cur);
	cur.have_info = false;
	snap(&cur.total, 60, p, ARRAY_SIZE(p));
	cur.have_total = true;
	snap(&v, 20, none, 0);
	CHECK_EQ(mv_stats_vm_add_vcpu(&cur, &v), 0);
	mv_memfile_open(&m);
	mv_top_print_vm(m.f, &prev, &cur, 1.0);
	CHECK_STREQ(mv_memfile_text(&m),
		    "VM 2: 0.0 exits/s\n"
		    "  (no exits)\n"
		    "  per vCPU:  0: 0.0/s\n");
	mv_memfile_close(&m);

	/* Totals without reasons, no vCPUs. */
	mv_stats_vm_free_stats(&cur);
	cur.have_info = true;
	cur.nr_vcpus = 1;
	cur.have_total = true;
	cur.total.exits_total = 3;
	mv_memfile_open(&m);
	mv_top_print_vm(m.f, NULL, &cur, 1.0);
	CHECK_STREQ(mv_memfile_text(&m),
		    "VM 2 (pid 77, 1 vCPU, 16 MiB): 3.0 exits/s\n"
		    "  (no exits)\n");
	mv_memfile_close(&m);

	/* No statistics (the VM went away). */
	cur.have_total = false;
	mv_memfile_open(&m);
	mv_top_print_vm(m.f, &prev, &cur, 1.0);
	CHECK_STREQ(mv_memfile_text(&m),
		    "VM 2 (pid 77, 1 vCPU, 16 MiB): no statistics\n");
	mv_memfile_close(&m);

	mv_stats_vm_free_stats(&prev);
	mv_stats_vm_free_stats(&cur);
}

/* ---- events ---- */

static void event_text(const struct mv_event *ev, const char *expect)
{
	struct mv_memfile m;

	mv_memfile_open(&m);
	mv_event_print(m.f, ev);
	CHECK_STREQ(mv_memfile_text(&m), expect);
	mv_memfile_close(&m);
}

TEST(stats_render_event_print)
{
	struct mv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = MV_CMD_VM_CREATED;
	ev.vm_id = 1;
	ev.pid = 1234;
	event_text(&ev, "vm-created vm=1 pid=1234\n");

	ev.cmd = MV_CMD_VM_DESTROYED;
	ev.vm_id = 4294967295U;
	event_text(&ev, "vm-destroyed vm=4294967295\n");

	memset(&ev, 0, sizeof(ev));
	ev.cmd = MV_CMD_EXIT_SAMPLE;
	ev.vm_id = 1;
	ev.vcpu_id = 0;
	ev.reason = 30;
	ev.exit_qual = 0x3f80008;
	ev.guest_rip = 0x10004;
	ev.cycles = 5120;
	event_text(&ev, "exit vm=1 vcpu=0 reason=30 IO_INSTRUCTION "
			"qual=0x3f80008 rip=0x10004 cycles=5120\n");

	ev.vcpu_id = 3;
	ev.reason = 0x80000021;
	ev.exit_qual = 0;
	ev.guest_rip = 0xffffffff81000000ULL;
	ev.cycles = 0;
	event_text(&ev, "exit vm=1 vcpu=3 reason=2147483681 INVALID_GUEST_STATE "
			"qual=0x0 rip=0xffffffff81000000 cycles=0\n");

	ev.reason = 35;
	event_text(&ev, "exit vm=1 vcpu=3 reason=35 unknown "
			"qual=0x0 rip=0xffffffff81000000 cycles=0\n");

	memset(&ev, 0, sizeof(ev));
	ev.cmd = 99;
	ev.vm_id = 5;
	ev.pid = 6;
	event_text(&ev, "event cmd=99 vm=5\n");
	ev.cmd = MV_CMD_LIST_VMS;
	event_text(&ev, "event cmd=1 vm=5\n");
	ev.cmd = MV_CMD_UNSPEC;
	event_text(&ev, "event cmd=0 vm=5\n");
}
