// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <linux/kvm.h>

#include "hv/kvm_names.h"
#include "util.h"

#define N(x)	[KVM_EXIT_##x] = "KVM_EXIT_" #x

static const char *const exit_names[] = {
	N(UNKNOWN), N(EXCEPTION), N(IO), N(HYPERCALL), N(DEBUG), N(HLT),
	N(MMIO), N(IRQ_WINDOW_OPEN), N(SHUTDOWN), N(FAIL_ENTRY), N(INTR),
	N(SET_TPR), N(TPR_ACCESS), N(S390_SIEIC), N(S390_RESET), N(DCR),
	N(NMI), N(INTERNAL_ERROR), N(OSI), N(PAPR_HCALL), N(S390_UCONTROL),
	N(WATCHDOG), N(S390_TSCH), N(EPR), N(SYSTEM_EVENT), N(S390_STSI),
	N(IOAPIC_EOI), N(HYPERV), N(ARM_NISV), N(X86_RDMSR), N(X86_WRMSR),
	N(DIRTY_RING_FULL), N(AP_RESET_HOLD), N(X86_BUS_LOCK), N(XEN),
	N(RISCV_SBI), N(RISCV_CSR), N(NOTIFY),
};

#undef N

const char *mv_kvm_exit_name(uint32_t reason)
{
	if (reason < ARRAY_SIZE(exit_names) && exit_names[reason])
		return exit_names[reason];
	return "KVM_EXIT_?";
}

const char *mv_kvm_internal_name(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "KVM could not emulate an instruction";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "an exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "a VM exit while delivering an event";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return "a VM exit reason KVM does not handle";
	default:
		return "unknown";
	}
}

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

static void describe_exit(const struct mv_exit_internal *in, uint32_t n,
			  unsigned long long rip, char *buf, size_t len,
			  size_t *pos)
{
	const __u64 *d = in->data;
	uint32_t reason = n >= 1 ? (uint32_t)d[0] : KVM_EXIT_UNKNOWN;

	append(buf, len, pos, "KVM returned exit %u (%s) at rip 0x%llx, which the VMM cannot handle\n",
	       reason, mv_kvm_exit_name(reason), rip);
	if (reason == KVM_EXIT_MMIO && n >= 4)
		append(buf, len, pos, "  MMIO %s of %llu bytes at 0x%llx: devices take 1, 2, 4 or 8 bytes\n",
		       d[3] ? "write" : "read", (unsigned long long)d[2],
		       (unsigned long long)d[1]);
	else if (reason == KVM_EXIT_IO && n >= 5)
		append(buf, len, pos, "  port %s at 0x%llx: %llu items of %llu bytes do not fit the run page\n",
		       d[4] ? "OUT" : "IN", (unsigned long long)d[1],
		       (unsigned long long)d[3], (unsigned long long)d[2]);
	append(buf, len, pos, "  run the guest under minivisor (without --hv kvm) to compare\n");
}

void mv_kvm_describe_internal(const struct mv_exit_internal *in,
			      unsigned long long rip, char *buf, size_t len)
{
	uint32_t n = in->ndata < 16 ? in->ndata : 16;
	uint32_t sub = n >= 1 ? (uint32_t)in->data[0] : 0;
	size_t pos = 0;
	uint32_t i;

	if (len)
		buf[0] = '\0';
	if (in->suberror == MV_INTERNAL_KVM_EXIT) {
		describe_exit(in, n, rip, buf, len, &pos);
		return;
	}
	append(buf, len, &pos, "KVM internal error at rip 0x%llx: %s (KVM_EXIT_INTERNAL_ERROR, suberror %u)\n",
	       rip, mv_kvm_internal_name(sub), sub);
	for (i = 1; i < n; i++)
		append(buf, len, &pos, "  data[%u] = 0x%llx\n", i - 1,
		       (unsigned long long)in->data[i]);
	append(buf, len, &pos, "  KVM's reason is in the host's dmesg; run the guest under minivisor (without --hv kvm) to compare\n");
}
