// SPDX-License-Identifier: GPL-2.0
#include "test.h"
#include "lib/libminivisor.h"
#include "util.h"

TEST(names_exit_reasons_complete)
{
	unsigned int i, named = 0;

	for (i = 0; i < MV_NR_EXIT_REASONS; i++) {
		const char *n = mv_vmx_exit_reason_name(i);

		CHECK(n != NULL);
		if (n && strcmp(n, "unknown"))
			named++;
	}
	/* 0..79 are defined except 35, 38, 42, 71. */
	CHECK_EQ(named, 76);
	CHECK_STREQ(mv_vmx_exit_reason_name(MV_NR_EXIT_REASONS), "unknown");
	CHECK_STREQ(mv_vmx_exit_reason_name(0xffffffff), "unknown");
	CHECK_STREQ(mv_vmx_exit_reason_name(35), "unknown");
}

TEST(names_exit_reasons_sdm)
{
	static const struct {
		unsigned int nr;
		const char *name;
	} known[] = {
		{ 0, "EXCEPTION_NMI" }, { 1, "EXTERNAL_INTERRUPT" },
		{ 2, "TRIPLE_FAULT" }, { 10, "CPUID" }, { 12, "HLT" },
		{ 18, "VMCALL" }, { 28, "CR_ACCESS" }, { 30, "IO_INSTRUCTION" },
		{ 31, "MSR_READ" }, { 32, "MSR_WRITE" },
		{ 33, "INVALID_GUEST_STATE" }, { 48, "EPT_VIOLATION" },
		{ 49, "EPT_MISCONFIG" }, { 52, "PREEMPTION_TIMER" },
		{ 55, "XSETBV" }, { 74, "BUS_LOCK" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known); i++)
		CHECK_STREQ(mv_vmx_exit_reason_name(known[i].nr), known[i].name);
}

TEST(names_vm_instruction_errors)
{
	CHECK_STREQ(mv_vm_instruction_error_name(7),
		    "VM entry with invalid control field(s)");
	CHECK_STREQ(mv_vm_instruction_error_name(8),
		    "VM entry with invalid host-state field(s)");
	CHECK_STREQ(mv_vm_instruction_error_name(5),
		    "VMRESUME with non-launched VMCS");
	CHECK_STREQ(mv_vm_instruction_error_name(0), "unknown");
	CHECK_STREQ(mv_vm_instruction_error_name(14), "unknown");
	CHECK_STREQ(mv_vm_instruction_error_name(29), "unknown");
}

TEST(names_mv_exits)
{
	CHECK_STREQ(mv_exit_name(MV_EXIT_HLT), "HLT");
	CHECK_STREQ(mv_exit_name(MV_EXIT_INTR), "INTR");
	CHECK_STREQ(mv_exit_name(MV_EXIT_MSR), "MSR");
	CHECK_STREQ(mv_exit_name(9), "unknown");
	CHECK_STREQ(mv_internal_suberror_name(MV_INTERNAL_EMULATION),
		    "EMULATION");
	CHECK_STREQ(mv_internal_suberror_name(0), "unknown");
	CHECK_STREQ(mv_internal_suberror_name(MV_INTERNAL_RING), "RING");
	CHECK_STREQ(mv_internal_suberror_name(5), "unknown");
}

TEST(names_ring_errors)
{
	CHECK_STREQ(mv_ring_err_name(MV_RING_ERR_REQ_HEAD), "REQ_HEAD");
	CHECK_STREQ(mv_ring_err_name(MV_RING_ERR_CPL_TAIL), "CPL_TAIL");
	CHECK_STREQ(mv_ring_err_name(MV_RING_ERR_CPL_VCPU), "CPL_VCPU");
	CHECK_STREQ(mv_ring_err_name(MV_RING_ERR_CPL_SEQ), "CPL_SEQ");
	CHECK_STREQ(mv_ring_err_name(MV_RING_ERR_CPL_RESERVED),
		    "CPL_RESERVED");
	CHECK_STREQ(mv_ring_err_name(0), "unknown");
	CHECK_STREQ(mv_ring_err_name(6), "unknown");
	CHECK_STREQ(mv_ring_err_name(1ULL << 32 | 1), "unknown");
}
