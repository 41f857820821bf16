// SPDX-License-Identifier: GPL-2.0
#include "test.h"
#include "caps.h"

TEST(caps_rendering)
{
	struct mv_caps c;
	struct mv_memfile m;
	const char *t;

	memset(&c, 0, sizeof(c));
	c.api_version = 1;
	c.run_mmap_size = 4096;
	c.features = MV_FEAT_EPT | MV_FEAT_UNRESTRICTED_GUEST |
		     MV_FEAT_INSOUTS_INFO;
	c.max_vms = 8;
	c.max_vcpus = 1;
	c.max_slots = 32;
	c.max_mem = 1ULL << 32;
	c.max_gpa = 1ULL << 39;
	c.vmx_basic = 0xda0400000004ULL;
	c.vmx_cr4_fixed1 = 0x3727ff;
	mv_memfile_open(&m);
	mv_print_caps(m.f, &c);
	t = mv_memfile_text(&m);
	CHECK_CONTAINS(t, "api version: 1\n");
	CHECK_CONTAINS(t, "  EPT                  yes\n");
	CHECK_CONTAINS(t, "  unrestricted guest   yes\n");
	CHECK_CONTAINS(t, "  VPID                 no\n");
	CHECK_CONTAINS(t, "  preemption timer     no\n");
	CHECK_CONTAINS(t, "  virtual NMI          no\n");
	CHECK_CONTAINS(t, "  EPT A/D bits         no\n");
	CHECK_CONTAINS(t, "  INS/OUTS info        yes\n");
	CHECK_CONTAINS(t, "  VMs                  8\n");
	CHECK_CONTAINS(t, "  memory slots         32\n");
	CHECK_CONTAINS(t, "  guest memory         4294967296 bytes\n");
	CHECK_CONTAINS(t, "  guest-physical end   0x8000000000\n");
	CHECK_CONTAINS(t, "  IA32_VMX_BASIC            0x0000da0400000004\n");
	CHECK_CONTAINS(t, "  IA32_VMX_CR4_FIXED1       0x00000000003727ff\n");
	mv_memfile_close(&m);
}

TEST(caps_usage)
{
	struct mv_memfile m;

	mv_memfile_open(&m);
	mv_print_caps_usage(m.f);
	CHECK_CONTAINS(mv_memfile_text(&m), "Usage: minivisor caps");
	mv_memfile_close(&m);
}
