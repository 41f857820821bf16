// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "exit.h"
#include "hv/kvm_names.h"
#include "lib/libminivisor.h"

#define VMX_EXIT_REASON_ENTRY_FAILURE	(1ULL << 31)	/* SDM Vol. 3C 24.9.1 */
#define VMX_BASIC_REASON(r)		((uint32_t)((r) & 0xffff))
#define VMX_REASON_INVALID_GUEST_STATE	33
#define VMX_REASON_MSR_LOADING		34
#define VMX_REASON_MACHINE_CHECK	41

/* snprintf that appends at *pos and never overruns. */
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

static bool handle_io(struct mv_vcpu_ctx *ctx, struct mv_bus *bus)
{
	const struct mv_exit_io *io = &ctx->run->io;
	uint64_t bytes = (uint64_t)io->size * io->count;
	uint8_t *data;
	uint32_t i;

	/* The data must lie in the run page after the header. */
	if ((io->size != 1 && io->size != 2 && io->size != 4) ||
	    io->count == 0 || io->direction > MV_IO_OUT ||
	    io->data_offset < sizeof(struct mv_run) ||
	    io->data_offset > ctx->run_size ||
	    bytes > ctx->run_size - io->data_offset) {
		mv_vcpu_stop(ctx, MV_STATUS_VM_ERROR,
			     "malformed I/O exit from the module (port 0x%x, direction %u, size %u, count %u, data_offset %u, run page %zu bytes): module and tool out of sync?",
			     io->port, io->direction, io->size, io->count,
			     io->data_offset, ctx->run_size);
		return false;
	}

	data = (uint8_t *)ctx->run + io->data_offset;
	for (i = 0; i < io->count && !ctx->stop; i++)
		mv_bus_access(bus, MV_SPACE_PIO, ctx, io->port,
			      data + (size_t)i * io->size, io->size,
			      io->direction == MV_IO_OUT);
	return !ctx->stop;
}

static bool handle_mmio(struct mv_vcpu_ctx *ctx, struct mv_bus *bus)
{
	struct mv_exit_mmio *mmio = &ctx->run->mmio;
	uint32_t len = mmio->len;

	if ((len != 1 && len != 2 && len != 4 && len != 8) ||
	    mmio->is_write > 1) {
		mv_vcpu_stop(ctx, MV_STATUS_VM_ERROR,
			     "malformed MMIO exit from the module (gpa 0x%llx, len %u, is_write %u): module and tool out of sync?",
			     (unsigned long long)mmio->phys_addr, len,
			     mmio->is_write);
		return false;
	}
	if (!mmio->is_write)
		memset(mmio->data, 0, sizeof(mmio->data));
	mv_bus_access(bus, MV_SPACE_MMIO, ctx, mmio->phys_addr, mmio->data,
		      len, mmio->is_write);
	return !ctx->stop;
}

static const char *entry_failure_meaning(uint32_t basic)
{
	switch (basic) {
	case VMX_REASON_INVALID_GUEST_STATE:
		return "VM-entry failure due to invalid guest state";
	case VMX_REASON_MSR_LOADING:
		return "VM-entry failure due to MSR loading";
	case VMX_REASON_MACHINE_CHECK:
		return "VM-entry failure due to machine-check event";
	default:
		return mv_vmx_exit_reason_name(basic);
	}
}

/* SDM Vol. 3C 27.8: the exit qualification of a failed VM entry. */
static void qualification_meaning(uint32_t basic, uint64_t qual, char *buf,
				  size_t len)
{
	if (basic == VMX_REASON_MSR_LOADING) {
		snprintf(buf, len, "entry %llu of the VM-entry MSR-load area failed",
			 (unsigned long long)qual);
		return;
	}
	switch (qual) {
	case 0:
		snprintf(buf, len, "no further information");
		break;
	case 2:
		snprintf(buf, len, "loading the PDPTEs failed");
		break;
	case 3:
		snprintf(buf, len, "NMI injection while blocked by STI");
		break;
	case 4:
		snprintf(buf, len, "invalid VMCS link pointer");
		break;
	default:
		snprintf(buf, len, "reserved value");
		break;
	}
}

void mv_describe_fail_entry(const struct mv_exit_fail_entry *fe,
			    unsigned long long rip, char *buf, size_t len)
{
	uint32_t basic = VMX_BASIC_REASON(fe->hardware_exit_reason);
	uint32_t err = fe->vm_instruction_error;
	char qual[96];
	size_t pos = 0;

	append(buf, len, &pos, "VM entry failed at rip 0x%llx\n", rip);
	if (fe->hardware_exit_reason & VMX_EXIT_REASON_ENTRY_FAILURE) {
		qualification_meaning(basic, fe->exit_qualification, qual,
				      sizeof(qual));
		append(buf, len, &pos,
		       "  hardware exit reason: 0x%llx = entry failure, basic reason %u: %s\n"
		       "  exit qualification:   0x%llx (%s)\n",
		       (unsigned long long)fe->hardware_exit_reason, basic,
		       entry_failure_meaning(basic),
		       (unsigned long long)fe->exit_qualification, qual);
	} else {
		append(buf, len, &pos,
		       "  hardware exit reason: 0x%llx (%s)\n"
		       "  exit qualification:   0x%llx\n",
		       (unsigned long long)fe->hardware_exit_reason,
		       fe->hardware_exit_reason ? mv_vmx_exit_reason_name(basic)
						: "none",
		       (unsigned long long)fe->exit_qualification);
	}
	append(buf, len, &pos, "  VM-instruction error: %u (%s)\n", err,
	       err ? mv_vm_instruction_error_name(err) : "none");

	/* Where to look next. */
	if (err == 7 || err == 8)
		append(buf, len, &pos, "  VMLAUNCH/VMRESUME refused the VMCS %s (SDM Vol. 3C 26.2): a module bug, see dmesg",
		       err == 7 ? "controls" : "host state");
	else if (basic == VMX_REASON_INVALID_GUEST_STATE)
		append(buf, len, &pos, "  the guest state fails a check of SDM Vol. 3C 26.3.1: see dmesg, and the entry state in userspace/README.md");
	else if (basic == VMX_REASON_MSR_LOADING)
		append(buf, len, &pos, "  an MSR in the VM-entry MSR-load area was refused (SDM Vol. 3C 26.4): a module bug, see dmesg");
	else if (basic == VMX_REASON_MACHINE_CHECK)
		append(buf, len, &pos, "  a machine check occurred during VM entry: check the host's dmesg for hardware errors");
	else
		append(buf, len, &pos, "  see dmesg");
}

void mv_describe_internal(const struct mv_exit_internal *in,
			  unsigned long long rip, char *buf, size_t len)
{
	uint32_t n = in->ndata < 16 ? in->ndata : 16;
	const __u64 *d = in->data;
	size_t pos = 0;
	uint32_t i;

	/* Made by the KVM backend (--hv kvm), not the module. */
	if (mv_internal_is_kvm(in->suberror)) {
		mv_kvm_describe_internal(in, rip, buf, len);
		return;
	}
	append(buf, len, &pos, "internal error in the module at rip 0x%llx: %s (suberror %u)\n",
	       rip, mv_internal_suberror_name(in->suberror), in->suberror);

	switch (in->suberror) {
	case MV_INTERNAL_UNHANDLED_EXIT:
		/* data: reason, qualification, rip, gpa */
		if (n >= 1)
			append(buf, len, &pos, "  VM exit reason %llu (%s) is not handled by the module\n",
			       (unsigned long long)d[0],
			       mv_vmx_exit_reason_name(VMX_BASIC_REASON(d[0])));
		/* For RDMSR/WRMSR (31/32) the module reports the MSR and value. */
		if (n >= 2 && (d[0] == 31 || d[0] == 32))
			append(buf, len, &pos, "  MSR 0x%llx\n",
			       (unsigned long long)d[1]);
		else if (n >= 2)
			append(buf, len, &pos, "  exit qualification 0x%llx\n",
			       (unsigned long long)d[1]);
		if (n >= 3)
			append(buf, len, &pos, "  rip 0x%llx\n",
			       (unsigned long long)d[2]);
		if (n >= 4 && d[0] == 32)
			append(buf, len, &pos, "  value written 0x%llx\n",
			       (unsigned long long)d[3]);
		else if (n >= 4 && d[0] != 31)
			append(buf, len, &pos, "  guest-physical address 0x%llx\n",
			       (unsigned long long)d[3]);
		return;
	case MV_INTERNAL_EMULATION:
		/* data: gpa, rip, len, then the bytes packed 8 per entry. */
		if (n >= 1)
			append(buf, len, &pos, "  the module could not emulate an access to guest-physical 0x%llx\n",
			       (unsigned long long)d[0]);
		if (n >= 2)
			append(buf, len, &pos, "  rip 0x%llx\n",
			       (unsigned long long)d[1]);
		if (n >= 3) {
			uint64_t ilen = d[2];
			uint64_t avail = (uint64_t)(n - 3) * 8;

			if (ilen > 15)
				ilen = 15;	/* the longest x86 instruction */
			if (ilen > avail)
				ilen = avail;
			append(buf, len, &pos, "  instruction bytes (%llu):",
			       (unsigned long long)d[2]);
			for (i = 0; i < ilen; i++)
				append(buf, len, &pos, " %02x",
				       (unsigned int)(d[3 + i / 8] >> (8 * (i % 8)) & 0xff));
			append(buf, len, &pos, "\n");
		}
		return;
	case MV_INTERNAL_STRING_IO:
		/* data: I/O exit qualification, rip */
		if (n >= 1)
			append(buf, len, &pos, "  INS/OUTS on port 0x%llx whose memory operand is not guest RAM (exit qualification 0x%llx)\n",
			       (unsigned long long)(d[0] >> 16 & 0xffff),
			       (unsigned long long)d[0]);
		if (n >= 2)
			append(buf, len, &pos, "  rip 0x%llx\n",
			       (unsigned long long)d[1]);
		return;
	case MV_INTERNAL_RING:
		/* data: MV_RING_ERR_*, the offending value */
		if (n >= 1)
			append(buf, len, &pos, "  the module stopped the VM: the tool broke the shared-ring protocol: MV_RING_ERR_%s (%llu)%s",
			       mv_ring_err_name(d[0]), (unsigned long long)d[0],
			       n >= 2 ? "" : "\n");
		if (n >= 2)
			append(buf, len, &pos, ", value 0x%llx\n",
			       (unsigned long long)d[1]);
		append(buf, len, &pos, "  a bug in userspace/ring_service.c (or a module that does not match the tool): rerun without --ring to use classic exits\n");
		return;
	default:
		for (i = 0; i < n; i++)
			append(buf, len, &pos, "  data[%u] = 0x%llx\n", i,
			       (unsigned long long)d[i]);
		return;
	}
}

void mv_describe_msr_exit(const struct mv_exit_msr *m, unsigned long long rip,
			  char *buf, size_t len)
{
	if (m->is_write)
		snprintf(buf, len, "guest WRMSR of MSR 0x%x (value 0x%llx) at rip 0x%llx: neither the module nor the tool emulates it",
			 m->index, (unsigned long long)m->data, rip);
	else
		snprintf(buf, len, "guest RDMSR of MSR 0x%x at rip 0x%llx: neither the module nor the tool emulates it",
			 m->index, rip);
}

static void strip_newline(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
}

bool mv_handle_exit(struct mv_vcpu_ctx *ctx, struct mv_bus *bus)
{
	struct mv_run *run = ctx->run;
	unsigned long long rip = run->guest_rip;

	switch (run->exit_reason) {
	case MV_EXIT_IO:
		return handle_io(ctx, bus);
	case MV_EXIT_MMIO:
		return handle_mmio(ctx, bus);
	case MV_EXIT_INTR:
		/* A signal: the run loop decides whether to stop. */
		return true;
	case MV_EXIT_HLT:
		mv_vcpu_stop(ctx, MV_STATUS_HALT, "guest halted at rip 0x%llx",
			     rip);
		return false;
	case MV_EXIT_SHUTDOWN:
		mv_vcpu_stop(ctx, MV_STATUS_SHUTDOWN,
			     "guest triple-faulted (shutdown) at rip 0x%llx",
			     rip);
		return false;
	case MV_EXIT_FAIL_ENTRY:
		mv_vcpu_stop(ctx, MV_STATUS_VM_ERROR, "%s", "");
		mv_describe_fail_entry(&run->fail_entry, rip, ctx->stop_msg,
				       sizeof(ctx->stop_msg));
		strip_newline(ctx->stop_msg);
		return false;
	case MV_EXIT_MSR:
		/*
		 * Only with --msr-policy exit: the tool has no MSRs of its
		 * own, so it names the MSR and stops (with the default
		 * policy the module injects #GP instead, as hardware does
		 * for an MSR that does not exist).
		 */
		mv_vcpu_stop(ctx, MV_STATUS_VM_ERROR, "%s", "");
		mv_describe_msr_exit(&run->msr, rip, ctx->stop_msg,
				     sizeof(ctx->stop_msg));
		return false;
	case MV_EXIT_INTERNAL_ERROR:
		mv_vcpu_stop(ctx, MV_STATUS_VM_ERROR, "%s", "");
		mv_describe_internal(&run->internal, rip, ctx->stop_msg,
				     sizeof(ctx->stop_msg));
		strip_newline(ctx->stop_msg);
		return false;
	default:
		mv_vcpu_stop(ctx, MV_STATUS_VM_ERROR,
			     "unexpected exit reason %u (%s) from the module at rip 0x%llx: module and tool out of sync?",
			     run->exit_reason, mv_exit_name(run->exit_reason),
			     rip);
		return false;
	}
}
