// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "hv/kvm_names.h"
#include "hv/kvm_xlate.h"

/* CPUID bits (SDM Vol. 2A "CPUID") and KVM's hypervisor leaves. */
#define CPUID1_ECX_VMX		(1u << 5)
#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1u << 24)
#define CPUID1_ECX_HYPERVISOR	(1u << 31)
#define CPUID1_EDX_APIC		(1u << 9)
#define CPUID_LEAF_TOPOLOGY	0x0b
#define CPUID_LEAF_TOPOLOGY2	0x1f
#define CPUID_KVM_SIGNATURE	0x40000000
#define CPUID_KVM_FEATURES	0x40000001
#define MSR_APIC_BASE_ENABLE	(1ULL << 11)	/* IA32_APIC_BASE.EN */

void mv_kvm_regs_from_mv(struct kvm_regs *k, const struct mv_regs *m)
{
	memset(k, 0, sizeof(*k));
	k->rax = m->rax;
	k->rbx = m->rbx;
	k->rcx = m->rcx;
	k->rdx = m->rdx;
	k->rsi = m->rsi;
	k->rdi = m->rdi;
	k->rsp = m->rsp;
	k->rbp = m->rbp;
	k->r8 = m->r8;
	k->r9 = m->r9;
	k->r10 = m->r10;
	k->r11 = m->r11;
	k->r12 = m->r12;
	k->r13 = m->r13;
	k->r14 = m->r14;
	k->r15 = m->r15;
	k->rip = m->rip;
	k->rflags = m->rflags;
}

void mv_kvm_regs_to_mv(struct mv_regs *m, const struct kvm_regs *k)
{
	memset(m, 0, sizeof(*m));
	m->rax = k->rax;
	m->rbx = k->rbx;
	m->rcx = k->rcx;
	m->rdx = k->rdx;
	m->rsi = k->rsi;
	m->rdi = k->rdi;
	m->rsp = k->rsp;
	m->rbp = k->rbp;
	m->r8 = k->r8;
	m->r9 = k->r9;
	m->r10 = k->r10;
	m->r11 = k->r11;
	m->r12 = k->r12;
	m->r13 = k->r13;
	m->r14 = k->r14;
	m->r15 = k->r15;
	m->rip = k->rip;
	m->rflags = k->rflags;
}

/* Both are the unpacked descriptor with a byte-granular limit. */
static void seg_from_mv(struct kvm_segment *k, const struct mv_segment *m)
{
	memset(k, 0, sizeof(*k));
	k->base = m->base;
	k->limit = m->limit;
	k->selector = m->selector;
	k->type = m->type;
	k->present = m->present;
	k->dpl = m->dpl;
	k->db = m->db;
	k->s = m->s;
	k->l = m->l;
	k->g = m->g;
	k->avl = m->avl;
	k->unusable = m->unusable;
}

static void seg_to_mv(struct mv_segment *m, const struct kvm_segment *k)
{
	memset(m, 0, sizeof(*m));
	m->base = k->base;
	m->limit = k->limit;
	m->selector = k->selector;
	m->type = k->type;
	m->s = k->s;
	m->dpl = k->dpl;
	m->present = k->present;
	m->avl = k->avl;
	m->l = k->l;
	m->db = k->db;
	m->g = k->g;
	m->unusable = k->unusable;
}

static void dt_from_mv(struct kvm_dtable *k, const struct mv_dtable *m)
{
	memset(k, 0, sizeof(*k));
	k->base = m->base;
	k->limit = m->limit;
}

static void dt_to_mv(struct mv_dtable *m, const struct kvm_dtable *k)
{
	memset(m, 0, sizeof(*m));
	m->base = k->base;
	m->limit = k->limit;
}

void mv_kvm_sregs_from_mv(struct kvm_sregs *k, const struct mv_sregs *m)
{
	seg_from_mv(&k->cs, &m->cs);
	seg_from_mv(&k->ds, &m->ds);
	seg_from_mv(&k->es, &m->es);
	seg_from_mv(&k->fs, &m->fs);
	seg_from_mv(&k->gs, &m->gs);
	seg_from_mv(&k->ss, &m->ss);
	seg_from_mv(&k->tr, &m->tr);
	seg_from_mv(&k->ldt, &m->ldt);
	dt_from_mv(&k->gdt, &m->gdt);
	dt_from_mv(&k->idt, &m->idt);
	k->cr0 = m->cr0;
	k->cr2 = m->cr2;
	k->cr3 = m->cr3;
	k->cr4 = m->cr4;
	k->efer = m->efer;
	/*
	 * There is no local APIC: its global enable bit goes off, or KVM,
	 * which mirrors that bit into CPUID.1:EDX.APIC, would show the
	 * guest an APIC again.
	 */
	k->apic_base &= ~MSR_APIC_BASE_ENABLE;
}

void mv_kvm_sregs_to_mv(struct mv_sregs *m, const struct kvm_sregs *k)
{
	memset(m, 0, sizeof(*m));
	seg_to_mv(&m->cs, &k->cs);
	seg_to_mv(&m->ds, &k->ds);
	seg_to_mv(&m->es, &k->es);
	seg_to_mv(&m->fs, &k->fs);
	seg_to_mv(&m->gs, &k->gs);
	seg_to_mv(&m->ss, &k->ss);
	seg_to_mv(&m->tr, &k->tr);
	seg_to_mv(&m->ldt, &k->ldt);
	dt_to_mv(&m->gdt, &k->gdt);
	dt_to_mv(&m->idt, &k->idt);
	m->cr0 = k->cr0;
	m->cr2 = k->cr2;
	m->cr3 = k->cr3;
	m->cr4 = k->cr4;
	m->efer = k->efer;
}

/* An exit the VMM cannot take, reported with KVM's reason and details. */
static enum mv_kvm_xlate unhandled(struct mv_run *run, uint32_t reason,
				   unsigned int n, const uint64_t *detail)
{
	unsigned int i;

	run->exit_reason = MV_EXIT_INTERNAL_ERROR;
	memset(&run->internal, 0, sizeof(run->internal));
	run->internal.suberror = MV_INTERNAL_KVM_EXIT;
	run->internal.data[0] = reason;
	for (i = 0; i < n && i + 1 < 16; i++)
		run->internal.data[i + 1] = detail[i];
	run->internal.ndata = 1 + i;
	return MV_KVM_EXIT;
}

static enum mv_kvm_xlate xlate_io(const struct kvm_run *kr, size_t kr_size,
				  struct mv_run *run, size_t run_size,
				  enum mv_kvm_completion *cpl)
{
	uint64_t bytes = (uint64_t)kr->io.size * kr->io.count;
	uint64_t detail[4] = { kr->io.port, kr->io.size, kr->io.count,
			       kr->io.direction };
	struct mv_exit_io *io = &run->io;

	if ((kr->io.size != 1 && kr->io.size != 2 && kr->io.size != 4) ||
	    kr->io.count == 0 || kr->io.direction > KVM_EXIT_IO_OUT ||
	    run_size < MV_RUN_IO_DATA_OFFSET ||
	    bytes > run_size - MV_RUN_IO_DATA_OFFSET ||
	    kr->io.data_offset > kr_size ||
	    bytes > kr_size - kr->io.data_offset)
		return unhandled(run, KVM_EXIT_IO, 4, detail);

	run->exit_reason = MV_EXIT_IO;
	memset(io, 0, sizeof(*io));
	/* KVM's direction values are minivisor's (0 in, 1 out). */
	io->direction = kr->io.direction == KVM_EXIT_IO_OUT ? MV_IO_OUT
							    : MV_IO_IN;
	io->size = kr->io.size;
	io->port = kr->io.port;
	io->count = kr->io.count;
	io->data_offset = MV_RUN_IO_DATA_OFFSET;
	if (io->direction == MV_IO_OUT) {
		memcpy((uint8_t *)run + MV_RUN_IO_DATA_OFFSET,
		       (const uint8_t *)kr + kr->io.data_offset, bytes);
	} else {
		memset((uint8_t *)run + MV_RUN_IO_DATA_OFFSET, 0, bytes);
		*cpl = MV_KVM_CPL_PIO_IN;
	}
	return MV_KVM_EXIT;
}

static enum mv_kvm_xlate xlate_mmio(const struct kvm_run *kr,
				    struct mv_run *run,
				    enum mv_kvm_completion *cpl)
{
	uint32_t len = kr->mmio.len;
	uint64_t detail[3] = { kr->mmio.phys_addr, len, kr->mmio.is_write };

	/*
	 * KVM splits an access that crosses a page into pieces, which may
	 * be 3 bytes long; no device page here is crossed by one, so such
	 * a piece would be a guest bug better reported than guessed at.
	 */
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return unhandled(run, KVM_EXIT_MMIO, 3, detail);
	run->exit_reason = MV_EXIT_MMIO;
	memset(&run->mmio, 0, sizeof(run->mmio));
	run->mmio.phys_addr = kr->mmio.phys_addr;
	run->mmio.len = len;
	run->mmio.is_write = kr->mmio.is_write ? 1 : 0;
	if (run->mmio.is_write)
		memcpy(run->mmio.data, kr->mmio.data, len);
	else
		*cpl = MV_KVM_CPL_MMIO_READ;
	return MV_KVM_EXIT;
}

/*
 * KVM_EXIT_FAIL_ENTRY carries one number: the VM-exit reason with bit 31
 * set when the entry failed its guest-state checks, else the
 * VM-instruction error of a VMLAUNCH/VMRESUME that failed (KVM's vmx.c).
 */
static void xlate_fail_entry(const struct kvm_run *kr, struct mv_run *run)
{
	uint64_t reason = kr->fail_entry.hardware_entry_failure_reason;

	run->exit_reason = MV_EXIT_FAIL_ENTRY;
	memset(&run->fail_entry, 0, sizeof(run->fail_entry));
	if (reason & (1ULL << 31))
		run->fail_entry.hardware_exit_reason = reason;
	else
		run->fail_entry.vm_instruction_error = (uint32_t)reason;
}

static void xlate_internal(const struct kvm_run *kr, struct mv_run *run)
{
	uint32_t n = kr->internal.ndata, i;

	if (n > 15)
		n = 15;
	run->exit_reason = MV_EXIT_INTERNAL_ERROR;
	memset(&run->internal, 0, sizeof(run->internal));
	run->internal.suberror = MV_INTERNAL_KVM_ERROR;
	run->internal.data[0] = kr->internal.suberror;
	for (i = 0; i < n; i++)
		run->internal.data[i + 1] = kr->internal.data[i];
	run->internal.ndata = n + 1;
}

static void xlate_msr(const struct kvm_run *kr, struct mv_run *run,
		      bool is_write, enum mv_kvm_completion *cpl)
{
	run->exit_reason = MV_EXIT_MSR;
	memset(&run->msr, 0, sizeof(run->msr));
	run->msr.index = kr->msr.index;
	run->msr.is_write = is_write;
	if (is_write)
		run->msr.data = kr->msr.data;
	*cpl = MV_KVM_CPL_MSR;
}

enum mv_kvm_xlate mv_kvm_exit_to_mv(const struct kvm_run *kr, size_t kr_size,
				    struct mv_run *run, size_t run_size,
				    enum mv_kvm_completion *cpl)
{
	*cpl = MV_KVM_CPL_NONE;
	run->guest_rip = 0;
	switch (kr->exit_reason) {
	case KVM_EXIT_IO:
		return xlate_io(kr, kr_size, run, run_size, cpl);
	case KVM_EXIT_MMIO:
		return xlate_mmio(kr, run, cpl);
	case KVM_EXIT_IRQ_WINDOW_OPEN:
	case KVM_EXIT_INTR:
		return MV_KVM_RERUN;
	case KVM_EXIT_HLT:
		/*
		 * Without an in-kernel local APIC KVM leaves every HLT to
		 * userspace (RIP already past it). minivisor sleeps in the
		 * kernel while IF = 1 and reports only the HLT nothing can
		 * end; the backend does the same.
		 */
		run->exit_reason = MV_EXIT_HLT;
		return kr->if_flag ? MV_KVM_HALTED : MV_KVM_EXIT;
	case KVM_EXIT_SHUTDOWN:
		run->exit_reason = MV_EXIT_SHUTDOWN;
		return MV_KVM_EXIT;
	case KVM_EXIT_FAIL_ENTRY:
		xlate_fail_entry(kr, run);
		return MV_KVM_EXIT;
	case KVM_EXIT_INTERNAL_ERROR:
		xlate_internal(kr, run);
		return MV_KVM_EXIT;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		xlate_msr(kr, run, kr->exit_reason == KVM_EXIT_X86_WRMSR, cpl);
		return MV_KVM_EXIT;
	default:
		return unhandled(run, kr->exit_reason, 0, NULL);
	}
}

bool mv_kvm_exit_wants_rip(uint32_t mv_exit_reason)
{
	return mv_exit_reason != MV_EXIT_IO && mv_exit_reason != MV_EXIT_MMIO;
}

int mv_kvm_complete(struct kvm_run *kr, size_t kr_size,
		    const struct mv_run *run, size_t run_size,
		    enum mv_kvm_completion cpl)
{
	uint64_t bytes;

	switch (cpl) {
	case MV_KVM_CPL_NONE:
		return 0;
	case MV_KVM_CPL_PIO_IN:
		/* kr->io is as KVM left it: nothing writes it in between. */
		bytes = (uint64_t)kr->io.size * kr->io.count;
		if (run_size < MV_RUN_IO_DATA_OFFSET ||
		    bytes > run_size - MV_RUN_IO_DATA_OFFSET ||
		    kr->io.data_offset > kr_size ||
		    bytes > kr_size - kr->io.data_offset)
			return -EINVAL;
		memcpy((uint8_t *)kr + kr->io.data_offset,
		       (const uint8_t *)run + MV_RUN_IO_DATA_OFFSET, bytes);
		return 0;
	case MV_KVM_CPL_MMIO_READ:
		if (kr->mmio.len > sizeof(kr->mmio.data))
			return -EINVAL;
		memcpy(kr->mmio.data, run->mmio.data, kr->mmio.len);
		return 0;
	case MV_KVM_CPL_MSR:
		if (run->msr.error > 1)
			return -EINVAL;
		kr->msr.error = run->msr.error;
		if (kr->exit_reason == KVM_EXIT_X86_RDMSR)
			kr->msr.data = run->msr.data;
		return 0;
	}
	return -EINVAL;
}

static struct kvm_cpuid_entry2 *find_leaf(struct kvm_cpuid_entry2 *e,
					  unsigned int n, uint32_t function)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (e[i].function == function)
			return &e[i];
	return NULL;
}

unsigned int mv_kvm_cpuid_adjust(struct kvm_cpuid_entry2 *e, unsigned int n,
				 unsigned int room, unsigned int vcpu_id)
{
	struct kvm_cpuid_entry2 *sig;
	unsigned int i;

	for (i = 0; i < n; i++) {
		switch (e[i].function) {
		case 1:
			e[i].ecx &= ~(CPUID1_ECX_VMX | CPUID1_ECX_X2APIC |
				      CPUID1_ECX_TSC_DEADLINE);
			e[i].ecx |= CPUID1_ECX_HYPERVISOR;
			e[i].edx &= ~CPUID1_EDX_APIC;
			e[i].ebx = (e[i].ebx & 0x00ffffff) | vcpu_id << 24;
			break;
		case CPUID_LEAF_TOPOLOGY:
		case CPUID_LEAF_TOPOLOGY2:
			e[i].edx = vcpu_id;
			break;
		case CPUID_KVM_SIGNATURE:
			e[i].eax = CPUID_KVM_FEATURES;
			break;
		case CPUID_KVM_FEATURES:
			e[i].eax = e[i].ebx = e[i].ecx = e[i].edx = 0;
			break;
		}
	}
	/*
	 * Without an explicit leaf KVM answers an in-range hypervisor leaf
	 * with the highest basic leaf's values, which a guest would read
	 * as feature bits.
	 */
	sig = find_leaf(e, n, CPUID_KVM_SIGNATURE);
	if (sig && !find_leaf(e, n, CPUID_KVM_FEATURES) && n < room) {
		memset(&e[n], 0, sizeof(e[n]));
		e[n].function = CPUID_KVM_FEATURES;
		n++;
	}
	return n;
}
