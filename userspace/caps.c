// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "exit.h"
#include "hv/hv.h"
#include "hv/kvm.h"
#include "lib/libminivisor.h"
#include "util.h"

static const struct {
	__u32 bit;
	const char *name;
} features[] = {
	{ MV_FEAT_EPT,			"EPT" },
	{ MV_FEAT_UNRESTRICTED_GUEST,	"unrestricted guest" },
	{ MV_FEAT_VPID,			"VPID" },
	{ MV_FEAT_PREEMPTION_TIMER,	"preemption timer" },
	{ MV_FEAT_VIRTUAL_NMI,		"virtual NMI" },
	{ MV_FEAT_EPT_AD,		"EPT A/D bits" },
	{ MV_FEAT_INSOUTS_INFO,		"INS/OUTS info" },
};

void mv_print_caps(FILE *out, const struct mv_caps *c)
{
	const struct {
		const char *name;
		__u64 val;
	} msrs[] = {
		{ "IA32_VMX_BASIC",		c->vmx_basic },
		{ "IA32_VMX_PINBASED_CTLS",	c->vmx_pinbased_ctls },
		{ "IA32_VMX_PROCBASED_CTLS",	c->vmx_procbased_ctls },
		{ "IA32_VMX_PROCBASED_CTLS2",	c->vmx_procbased_ctls2 },
		{ "IA32_VMX_EXIT_CTLS",		c->vmx_exit_ctls },
		{ "IA32_VMX_ENTRY_CTLS",	c->vmx_entry_ctls },
		{ "IA32_VMX_MISC",		c->vmx_misc },
		{ "IA32_VMX_EPT_VPID_CAP",	c->vmx_ept_vpid_cap },
		{ "IA32_VMX_CR0_FIXED0",	c->vmx_cr0_fixed0 },
		{ "IA32_VMX_CR0_FIXED1",	c->vmx_cr0_fixed1 },
		{ "IA32_VMX_CR4_FIXED0",	c->vmx_cr4_fixed0 },
		{ "IA32_VMX_CR4_FIXED1",	c->vmx_cr4_fixed1 },
	};
	unsigned int i;

	fprintf(out, "api version: %u\n", c->api_version);
	fprintf(out, "features:\n");
	for (i = 0; i < ARRAY_SIZE(features); i++)
		fprintf(out, "  %-20s %s\n", features[i].name,
			c->features & features[i].bit ? "yes" : "no");
	fprintf(out, "limits:\n");
	fprintf(out, "  %-20s %u\n", "VMs", c->max_vms);
	fprintf(out, "  %-20s %u\n", "vCPUs per VM", c->max_vcpus);
	fprintf(out, "  %-20s %u\n", "memory slots", c->max_slots);
	fprintf(out, "  %-20s %llu bytes\n", "guest memory",
		(unsigned long long)c->max_mem);
	fprintf(out, "  %-20s 0x%llx\n", "guest-physical end",
		(unsigned long long)c->max_gpa);
	fprintf(out, "  %-20s %u bytes\n", "run page", c->run_mmap_size);
	fprintf(out, "VMX MSRs (TRUE_ variants where they exist):\n");
	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		fprintf(out, "  %-25s 0x%016llx\n", msrs[i].name,
			(unsigned long long)msrs[i].val);
}

void mv_print_caps_usage(FILE *out)
{
	fputs("Usage: minivisor caps [--hv minivisor|kvm]\n"
	      "\n"
	      "Print what the loaded minivisor module offers on this CPU: the API\n"
	      "version, optional VMX features (yes/no), the module's limits and the raw\n"
	      "IA32_VMX_* capability MSRs. With --hv kvm, what KVM offers that\n"
	      "`minivisor run --hv kvm` uses: its API version, capabilities and the\n"
	      "kvm_intel parameters.\n"
	      "\n"
	      "Options:\n"
	      "      --hv HV   minivisor (default) or kvm\n"
	      "  -h, --help    show this help\n", out);
}

int mv_cmd_caps(int argc, char *argv[])
{
	enum mv_hv_kind hv = MV_HV_MINIVISOR;
	struct mv_caps caps;
	const char *val;
	int fd, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			mv_print_caps_usage(stdout);
			return 0;
		}
		val = NULL;
		if (!strncmp(argv[i], "--hv=", 5))
			val = argv[i] + 5;
		else if (!strcmp(argv[i], "--hv") && i + 1 < argc)
			val = argv[++i];
		else if (!strcmp(argv[i], "--hv"))
			val = "";
		if (val && !mv_hv_parse_kind(val, &hv))
			continue;
		if (val) {
			fprintf(stderr, "minivisor caps: --hv '%s': expected minivisor or kvm\nTry 'minivisor caps --help'.\n",
				val);
			return MV_STATUS_USAGE;
		}
		fprintf(stderr, "minivisor caps: %s '%s'\nTry 'minivisor caps --help'.\n",
			argv[i][0] == '-' ? "unknown option" : "unexpected argument",
			argv[i]);
		return MV_STATUS_USAGE;
	}
	if (hv == MV_HV_KVM) {
		if (mv_kvm_print_caps(stdout) < 0) {
			fprintf(stderr, "minivisor: %s\n", mv_last_error());
			return MV_STATUS_SETUP_ERROR;
		}
		return 0;
	}

	fd = mv_open_system(NULL);
	if (fd < 0) {
		fprintf(stderr, "minivisor: %s\n", mv_last_error());
		return MV_STATUS_SETUP_ERROR;
	}
	if (mv_get_caps(fd, &caps) < 0) {
		fprintf(stderr, "minivisor: %s\n", mv_last_error());
		close(fd);
		return MV_STATUS_SETUP_ERROR;
	}
	close(fd);
	mv_print_caps(stdout, &caps);
	return 0;
}
