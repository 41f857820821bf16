// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_state: a VMM that loads invalid guest state, printed as TAP.
 *
 * Two kinds of case:
 *
 *   entry   a state SET_REGS/SET_SREGS accept (kmod/validate.c checks
 *           the architectural rules of the registers themselves) but VM
 *           entry refuses (SDM Vol. 3C 26.3.1, checks on the guest-state
 *           area): RUN must return 0 with MV_EXIT_FAIL_ENTRY, hardware
 *           exit reason 0x80000021 (bit 31, basic reason 33 "invalid
 *           guest state"), and the same again on a second RUN (nothing
 *           changed in between); then, with a valid state set, RUN must
 *           reach the guest's HLT: the vCPU is usable again.
 *   reject  a state SET_SREGS must refuse with EINVAL (rules of validate.c
 *           that ioctl_errors does not try: it has the reserved fields,
 *           the segment field ranges, CR4 bit 63 and the LMA cases),
 *           leaving GET_SREGS unchanged; the vCPU then still runs.
 *
 * One CS type 1 entry failure is already in ioctl_errors, and
 * ioctl_fuzz draws random mutations of SET_SREGS (whose entry failures
 * it only counts); these are fixed cases, one per rule, each checked to
 * the exit reason. The guest is a HLT at guest-physical 0x8000, entered
 * in real mode or in 64-bit mode (an identity map of the first 2 MiB, as
 * `minivisor run --entry long` builds it).
 *
 * The last line is "# CASES entry N reject M" (the cases tried). Exit
 * status 0 if every check passed, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <minivisor.h>

#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MEM_SIZE	(2ul << 20)
#define PML4_GPA	0x1000ul
#define PDPT_GPA	0x2000ul
#define PD_GPA		0x3000ul
#define PAE_PDPT_GPA	0x4000ul
#define CODE_GPA	0x8000ul

#define CR0_PE		(1ull << 0)
#define CR0_ET		(1ull << 4)
#define CR0_NE		(1ull << 5)
#define CR0_NW		(1ull << 29)
#define CR0_CD		(1ull << 30)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)
#define CR4_VMXE	(1ull << 13)
#define CR4_PCIDE	(1ull << 17)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)
#define RFLAGS_VM	(1ull << 17)
#define FAIL_GUEST_STATE 0x80000021ull

static int vcpu_fd;
static struct mv_run *run;
static uint8_t *mem;
static struct mv_sregs reset_sregs;	/* the vCPU's state at creation */
static uint64_t max_gpa;
static unsigned int n_entry, n_reject;

static void real_state(struct mv_sregs *s, struct mv_regs *r)
{
	*s = reset_sregs;	/* real mode, flat 64 KiB segments at 0 */
	s->cs.selector = 0;
	s->cs.base = 0;
	memset(r, 0, sizeof(*r));
	r->rip = CODE_GPA;
	r->rsp = 0x7000;
	r->rflags = 0x2;
}

static void long_state(struct mv_sregs *s, struct mv_regs *r)
{
	struct mv_segment code = {
		.limit = 0xffffffff, .selector = 0x08, .type = 11, .s = 1,
		.present = 1, .l = 1, .g = 1,
	};
	struct mv_segment data = {
		.limit = 0xffffffff, .selector = 0x10, .type = 3, .s = 1,
		.present = 1, .db = 1, .g = 1,
	};

	memset(s, 0, sizeof(*s));
	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr = (struct mv_segment){ .limit = 0x67, .type = 11, .present = 1 };
	s->ldt.unusable = 1;
	s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	s->cr3 = PML4_GPA;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
	memset(r, 0, sizeof(*r));
	r->rip = CODE_GPA;
	r->rsp = 0x7000;
	r->rflags = 0x2;
}

static bool set_state(const struct mv_sregs *s, const struct mv_regs *r)
{
	return ioctl(vcpu_fd, MV_SET_SREGS, s) == 0 &&
	       ioctl(vcpu_fd, MV_SET_REGS, r) == 0;
}

/* RUN must reach the HLT at CODE_GPA (IF = 0: MV_EXIT_HLT). */
static void expect_runs(const char *name)
{
	struct mv_regs r;
	long ret;

	run->exit_reason = MV_EXIT_NONE;
	ret = ioctl(vcpu_fd, MV_RUN, 0);
	memset(&r, 0, sizeof(r));
	ioctl(vcpu_fd, MV_GET_REGS, &r);
	tap_result(ret == 0 && run->exit_reason == MV_EXIT_HLT &&
		   r.rip == CODE_GPA + 1,
		   "%s: ... then with a valid state RUN reaches the HLT (ret %ld, exit %u, rip 0x%llx)",
		   name, ret, run->exit_reason, (unsigned long long)r.rip);
}

/* ---- entry: accepted by SET_*, refused by VM entry -------------------- */

struct entry_case {
	const char *name;
	bool long_mode;
	void (*bad)(struct mv_sregs *s, struct mv_regs *r);
};

static void e_rflags_vm(struct mv_sregs *s, struct mv_regs *r)
{
	(void)s;
	r->rflags |= RFLAGS_VM;		/* 26.3.1.4: VM = 0 in IA-32e mode */
}

static void e_rip_high(struct mv_sregs *s, struct mv_regs *r)
{
	(void)s;
	r->rip = 0x100000000ull | CODE_GPA;	/* 63:32 = 0 unless CS.L */
}

static void e_tr_unusable(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->tr.unusable = 1;			/* TR must be usable */
}

static void e_tr_16bit(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->tr.type = 3;		/* busy 16-bit TSS: not in IA-32e mode */
}

static void e_tr_s(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->tr.s = 1;				/* TR is a system segment */
}

static void e_tr_absent(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->tr.present = 0;
}

static void e_ldt_type(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->ldt = (struct mv_segment){ .limit = 0xffff, .type = 3, .present = 1 };
}

static void e_fs_base(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->fs.base = 0x8000000000000000ull;	/* FS base canonical */
}

static void e_gdt_base(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->gdt.base = 0x0000800000000000ull;	/* GDTR base canonical */
}

static void e_ds_base_high(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->ds.base = 0x100000000ull;	/* DS base 63:32 = 0 if usable */
}

static void e_ds_absent(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->ds.present = 0;		/* usable segments are present */
}

static void e_ds_limit_g(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->ds.g = 1;		/* G = 1 needs limit 11:0 all ones */
	s->ds.limit = 0xffff0;
}

static void e_ss_code(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->ss.type = 11;	/* SS: read/write data only */
}

static void e_ss_dpl(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->ss.dpl = 3;		/* unrestricted guest, CR0.PE = 0: DPL 0 */
}

static void e_ds_not_accessed(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->ds.type = 2;		/* usable DS/ES/FS/GS: accessed */
}

/* PAE paging, PDPTE 0 present with reserved bit 1 (26.3.1.6). */
static void e_pae_pdpte(struct mv_sregs *s, struct mv_regs *r)
{
	(void)r;
	s->cs.type = 11;
	s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	s->cr4 = CR4_PAE;
	s->cr3 = PAE_PDPT_GPA;
	s->efer = 0;
}

static const struct entry_case entry_cases[] = {
	{ "RFLAGS.VM = 1 in 64-bit mode", true, e_rflags_vm },
	{ "RIP bits 63:32 set in real mode", false, e_rip_high },
	{ "TR unusable", false, e_tr_unusable },
	{ "TR a busy 16-bit TSS in 64-bit mode", true, e_tr_16bit },
	{ "TR with S = 1", false, e_tr_s },
	{ "TR not present", false, e_tr_absent },
	{ "LDTR usable with a data-segment type", false, e_ldt_type },
	{ "FS base not canonical", false, e_fs_base },
	{ "GDTR base not canonical", true, e_gdt_base },
	{ "DS base bits 63:32 set", false, e_ds_base_high },
	{ "DS usable but not present", false, e_ds_absent },
	{ "DS G = 1 with limit 0xffff0", false, e_ds_limit_g },
	{ "SS a code segment", false, e_ss_code },
	{ "SS.DPL = 3 in real mode", false, e_ss_dpl },
	{ "DS type 2 (not accessed)", false, e_ds_not_accessed },
	{ "PAE paging with a reserved bit in PDPTE 0", false, e_pae_pdpte },
};

static void entry_case(const struct entry_case *c)
{
	struct mv_sregs s;
	struct mv_regs r;
	uint64_t reason, qual;
	unsigned int exit1;
	long ret;

	n_entry++;
	(c->long_mode ? long_state : real_state)(&s, &r);
	c->bad(&s, &r);
	if (!tap_result(set_state(&s, &r), "entry: %s: SET_SREGS/SET_REGS accept it",
			c->name)) {
		diag("errno %s", strerror(errno));
		return;
	}
	run->exit_reason = MV_EXIT_NONE;
	ret = ioctl(vcpu_fd, MV_RUN, 0);
	exit1 = run->exit_reason;
	reason = run->fail_entry.hardware_exit_reason;
	qual = run->fail_entry.exit_qualification;
	tap_result(ret == 0 && exit1 == MV_EXIT_FAIL_ENTRY && reason == FAIL_GUEST_STATE,
		   "entry: %s: RUN -> MV_EXIT_FAIL_ENTRY, reason 0x%llx, qualification %llu (ret %ld, exit %u)",
		   c->name, (unsigned long long)reason, (unsigned long long)qual,
		   ret, exit1);
	run->exit_reason = MV_EXIT_NONE;
	ret = ioctl(vcpu_fd, MV_RUN, 0);
	tap_result(ret == 0 && run->exit_reason == MV_EXIT_FAIL_ENTRY &&
		   run->fail_entry.hardware_exit_reason == reason,
		   "entry: %s: ... and the same on a second RUN (exit %u)",
		   c->name, run->exit_reason);

	(c->long_mode ? long_state : real_state)(&s, &r);
	if (!tap_result(set_state(&s, &r), "entry: %s: ... a valid state is accepted",
			c->name))
		return;
	expect_runs(c->name);
}

/* ---- reject: SET_SREGS says EINVAL ------------------------------------- */

struct reject_case {
	const char *name;
	bool long_mode;
	void (*bad)(struct mv_sregs *s);
};

static void r_vmxe(struct mv_sregs *s) { s->cr4 |= CR4_VMXE; }
static void r_cr0_high(struct mv_sregs *s) { s->cr0 |= 1ull << 32; }
static void r_nw(struct mv_sregs *s) { s->cr0 |= CR0_NW; s->cr0 &= ~CR0_CD; }
static void r_pg_no_pe(struct mv_sregs *s) { s->cr0 |= CR0_PG; s->cr0 &= ~CR0_PE; }
static void r_cr3(struct mv_sregs *s) { s->cr3 = max_gpa; }
static void r_efer(struct mv_sregs *s) { s->efer |= 1ull << 1; }
static void r_no_pae(struct mv_sregs *s) { s->cr4 &= ~CR4_PAE; }
static void r_pcide(struct mv_sregs *s) { s->cr4 |= CR4_PCIDE; }
static void r_cs_ld(struct mv_sregs *s) { s->cs.db = 1; }

static const struct reject_case reject_cases[] = {
	{ "CR4.VMXE (no nested VMX)", false, r_vmxe },
	{ "CR0 bit 32", false, r_cr0_high },
	{ "CR0.NW without CR0.CD", false, r_nw },
	{ "CR0.PG without CR0.PE", false, r_pg_no_pe },
	{ "CR3 at max_gpa", false, r_cr3 },
	{ "EFER bit 1 (reserved)", false, r_efer },
	{ "64-bit mode without CR4.PAE", true, r_no_pae },
	{ "CR4.PCIDE outside IA-32e mode", false, r_pcide },
	{ "64-bit mode with CS.L = CS.D = 1", true, r_cs_ld },
};

static void reject_case(const struct reject_case *c)
{
	struct mv_sregs s, before, after;
	struct mv_regs r;
	long ret;
	int err;

	n_reject++;
	(c->long_mode ? long_state : real_state)(&s, &r);
	if (!tap_result(set_state(&s, &r), "reject: %s: the valid state first", c->name))
		return;
	memset(&before, 0, sizeof(before));
	ioctl(vcpu_fd, MV_GET_SREGS, &before);
	c->bad(&s);
	ret = ioctl(vcpu_fd, MV_SET_SREGS, &s);
	err = errno;
	tap_result(ret == -1 && err == EINVAL, "reject: %s: SET_SREGS -> EINVAL (ret %ld, %s)",
		   c->name, ret, ret ? strerror(err) : "accepted");
	memset(&after, 0, sizeof(after));
	ioctl(vcpu_fd, MV_GET_SREGS, &after);
	tap_result(!memcmp(&before, &after, sizeof(after)),
		   "reject: %s: ... GET_SREGS unchanged", c->name);
	expect_runs(c->name);
}

int main(int argc, char **argv)
{
	struct mv_memory_slot slot;
	struct mv_caps caps;
	uint64_t *pml4, *pdpt, *pd, *pae;
	int sys, vm;
	size_t i;

	if (argc > 1) {
		printf("usage: hostile_state\n"
		       "Loads invalid guest states into a vCPU: VM entry must fail\n"
		       "cleanly (or SET_SREGS refuse them) and the vCPU run again\n"
		       "afterwards; prints TAP, exits 0 if every check passed.\n");
		return strcmp(argv[1], "--help") ? 1 : 0;
	}

	sys = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (sys < 0)
		bail("open /dev/minivisor: %s (is the module loaded?)", strerror(errno));
	if (ioctl(sys, MV_GET_CAPS, &caps))
		bail("GET_CAPS: %s", strerror(errno));
	max_gpa = caps.max_gpa;
	vm = ioctl(sys, MV_CREATE_VM, 0);
	if (vm < 0)
		bail("CREATE_VM: %s", strerror(errno));
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		bail("mmap guest memory: %s", strerror(errno));
	slot = (struct mv_memory_slot){
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, MV_SET_MEMORY_SLOT, &slot))
		bail("SET_MEMORY_SLOT: %s", strerror(errno));
	vcpu_fd = ioctl(vm, MV_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		bail("CREATE_VCPU: %s", strerror(errno));
	run = mmap(NULL, caps.run_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu_fd, 0);
	if (run == MAP_FAILED)
		bail("mmap run page: %s", strerror(errno));
	if (ioctl(vcpu_fd, MV_GET_SREGS, &reset_sregs))
		bail("GET_SREGS: %s", strerror(errno));

	/* The guest: HLT; identity map of 0..2 MiB; a bad PAE PDPT. */
	mem[CODE_GPA] = 0xf4;
	pml4 = (uint64_t *)(mem + PML4_GPA);
	pdpt = (uint64_t *)(mem + PDPT_GPA);
	pd = (uint64_t *)(mem + PD_GPA);
	pae = (uint64_t *)(mem + PAE_PDPT_GPA);
	pml4[0] = PDPT_GPA | 3;
	pdpt[0] = PD_GPA | 3;
	pd[0] = 0x83;			/* 2 MiB page at 0, P | RW | PS */
	pae[0] = PD_GPA | 1 | 2;	/* P and bit 1, reserved in a PDPTE */

	for (i = 0; i < ARRAY_SIZE(entry_cases); i++)
		entry_case(&entry_cases[i]);
	for (i = 0; i < ARRAY_SIZE(reject_cases); i++)
		reject_case(&reject_cases[i]);

	close(vcpu_fd);
	close(vm);
	close(sys);
	printf("1..%u\n", tap_count);
	printf("# CASES entry %u reject %u\n", n_entry, n_reject);
	printf("# %u passed, %u failed\n", tap_count - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}
