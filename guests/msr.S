# SPDX-License-Identifier: GPL-2.0
#
# msr: the MSRs the module emulates, from a 64-bit guest, and the default
# policy for the rest (#GP).
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# The image is linked at 0x10000.
#
# Every RDMSR and WRMSR exits to the module. Each check writes a value and
# reads it back, or reads a value the module fixes, and prints
# "msr: <what> ok"; a failed one prints "msr: FAIL <what>: got X" and the
# guest exits with code 1. The guest installs its own IDT with a #GP
# handler (a 64-bit interrupt gate, SDM Vol. 3A 6.14.1) that records the
# fault and steps over the 2-byte RDMSR/WRMSR, so #GP is checked as well:
# for an MSR no CPU defines (the default policy), for a reserved PAT
# memory type and for a non-canonical base address.
#
# Not checked here: SYSCALL through LSTAR (that needs STAR/LSTAR loaded on
# VM entry, see kmod/msr.c mv_msr_load_guest).

	.set	MSR_TSC, 0x10
	.set	MSR_APIC_BASE, 0x1b
	.set	MSR_MTRRCAP, 0xfe
	.set	MSR_SYSENTER_CS, 0x174
	.set	MSR_SYSENTER_ESP, 0x175
	.set	MSR_SYSENTER_EIP, 0x176
	.set	MSR_MISC_ENABLE, 0x1a0
	.set	MSR_MTRR_FIX64K, 0x250
	.set	MSR_PAT, 0x277
	.set	MSR_MTRR_DEF_TYPE, 0x2ff
	.set	MSR_EFER, 0xc0000080
	.set	MSR_STAR, 0xc0000081
	.set	MSR_LSTAR, 0xc0000082
	.set	MSR_CSTAR, 0xc0000083
	.set	MSR_SFMASK, 0xc0000084
	.set	MSR_FS_BASE, 0xc0000100
	.set	MSR_GS_BASE, 0xc0000101
	.set	MSR_KERNEL_GS_BASE, 0xc0000102
	.set	MSR_UNKNOWN, 0x4d565f31		# no CPU defines it


# ECX = MSR, RAX = 64-bit value: WRMSR / RDMSR into RAX.
.macro	WR64
	mov	%rax, %rdx
	shr	$32, %rdx
	wrmsr
.endm
.macro	RD64
	rdmsr
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
.endm

# Write \val to \msr, read it back, check equality.
.macro	RW msr, val, name
	mov	$\msr, %ecx
	movabs	$\val, %rax
	WR64
	xor	%eax, %eax
	xor	%edx, %edx
	RD64
	movabs	$\val, %rbx
	cmp	%rbx, %rax
	lea	\name(%rip), %rsi
	call	check
.endm

# Read \msr, check it equals \val.
.macro	RDEQ msr, val, name
	mov	$\msr, %ecx
	RD64
	movabs	$\val, %rbx
	cmp	%rbx, %rax
	lea	\name(%rip), %rsi
	call	check
.endm

# The instruction after this macro must raise #GP; checks that it did.
.macro	EXPECT_GP name
	movb	$0, gp_count(%rip)
.endm
.macro	CHECK_GP name
	movzbl	gp_count(%rip), %eax
	cmp	$1, %eax
	lea	\name(%rip), %rsi
	call	check
.endm

	.include "idt64.inc"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	# #GP handler (vector 13), see idt64.inc.
	IDT_GATE 13, gp_handler, idt
	lidt	idt_desc(%rip)

	RDEQ	MSR_EFER, 0x500, msg_efer
	RDEQ	MSR_APIC_BASE, 0xfee00900, msg_apic_base
	RW	MSR_PAT, 0x0007010600070106, msg_pat
	RW	MSR_SYSENTER_CS, 0x10, msg_sysenter_cs
	RW	MSR_SYSENTER_ESP, 0xffffffff81234560, msg_sysenter_esp
	RW	MSR_SYSENTER_EIP, 0xffffffff81000000, msg_sysenter_eip
	RW	MSR_STAR, 0x0023001000000000, msg_star
	RW	MSR_LSTAR, 0xffffffff81a00000, msg_lstar
	RW	MSR_CSTAR, 0xffffffff81a00040, msg_cstar
	RW	MSR_SFMASK, 0x47700, msg_sfmask
	RW	MSR_KERNEL_GS_BASE, 0xffff888000001000, msg_kgs
	RW	MSR_MTRR_DEF_TYPE, 0xc06, msg_def_type
	RW	MSR_MTRR_FIX64K, 0x0606060606060606, msg_fix64k
	RDEQ	MSR_MTRRCAP, 0x500, msg_mtrrcap
	RDEQ	MSR_MISC_ENABLE, 0x1801, msg_misc

	# FS base: the value read back, and a load through %fs uses it.
	RW	MSR_FS_BASE, fs_data, msg_fs
	mov	%fs:0, %rax
	movabs	$0x1122334455667788, %rbx
	cmp	%rbx, %rax
	lea	msg_fs_load(%rip), %rsi
	call	check

	# GS base and SWAPGS: the module keeps the guest's KERNEL_GS_BASE in
	# the CPU while the guest runs, so SWAPGS exchanges the two values.
	RW	MSR_GS_BASE, 0x5000, msg_gs
	mov	$MSR_KERNEL_GS_BASE, %ecx
	mov	$0x6000, %eax
	WR64
	swapgs
	RDEQ	MSR_GS_BASE, 0x6000, msg_swapgs_gs
	RDEQ	MSR_KERNEL_GS_BASE, 0x5000, msg_swapgs_kgs
	swapgs

	# TSC: RDTSC and RDMSR(IA32_TSC) move forward; a write moves it.
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r12
	mov	$MSR_TSC, %ecx
	RD64
	cmp	%r12, %rax
	seta	%al
	movzbl	%al, %eax
	cmp	$1, %eax
	lea	msg_tsc_mono(%rip), %rsi
	call	check

	mov	$MSR_TSC, %ecx
	movabs	$0x0100000000000000, %rax
	WR64
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	movabs	$0x0100000000000000, %rbx
	sub	%rbx, %rax		# ticks since the write: small
	movabs	$0x0001000000000000, %rbx
	cmp	%rbx, %rax
	setb	%al
	movzbl	%al, %eax
	cmp	$1, %eax
	lea	msg_tsc_write(%rip), %rsi
	call	check

	# #GP cases.
	EXPECT_GP
	mov	$MSR_UNKNOWN, %ecx
	rdmsr
	CHECK_GP msg_gp_rd_unknown

	EXPECT_GP
	mov	$MSR_UNKNOWN, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	CHECK_GP msg_gp_wr_unknown

	EXPECT_GP
	mov	$MSR_PAT, %ecx
	mov	$0x02, %eax		# type 2 is reserved
	xor	%edx, %edx
	wrmsr
	CHECK_GP msg_gp_pat
	RDEQ	MSR_PAT, 0x0007010600070106, msg_pat_kept

	EXPECT_GP
	mov	$MSR_LSTAR, %ecx
	movabs	$0x0000800000000000, %rax	# not canonical
	WR64
	CHECK_GP msg_gp_lstar

	EXPECT_GP
	mov	$MSR_MTRRCAP, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	CHECK_GP msg_gp_mtrrcap

	mov	failed(%rip), %al
	call	con_exit

# #GP(0): count it and step over the faulting RDMSR/WRMSR (0F 32 / 0F 30).
gp_handler:
	add	$8, %rsp		# the error code
	addq	$2, (%rsp)		# the saved RIP
	incb	gp_count(%rip)
	iretq

	.include "console64.inc"

# check: see CHECK_ROUTINE in console64.inc.
	CHECK_ROUTINE check

	.section .rodata
	.balign	8
fs_data:	.quad	0x1122334455667788
idt_desc:	.word	14 * 16 - 1
		.quad	idt
msg_prefix:	.asciz "msr: "
msg_fail:	.asciz "msr: FAIL "
msg_efer:	.asciz "EFER reads LME|LMA"
msg_apic_base:	.asciz "APIC_BASE reads 0xfee00900 (enabled, BSP)"
msg_pat:	.asciz "PAT write/read"
msg_sysenter_cs: .asciz "SYSENTER_CS write/read"
msg_sysenter_esp: .asciz "SYSENTER_ESP write/read"
msg_sysenter_eip: .asciz "SYSENTER_EIP write/read"
msg_star:	.asciz "STAR write/read"
msg_lstar:	.asciz "LSTAR write/read"
msg_cstar:	.asciz "CSTAR write/read"
msg_sfmask:	.asciz "SFMASK write/read"
msg_kgs:	.asciz "KERNEL_GS_BASE write/read"
msg_def_type:	.asciz "MTRRdefType write/read"
msg_fix64k:	.asciz "MTRRfix64K_00000 write/read"
msg_mtrrcap:	.asciz "MTRRcap reads 0x500 (fixed, WC, no variable ranges)"
msg_misc:	.asciz "MISC_ENABLE reads 0x1801"
msg_fs:		.asciz "FS_BASE write/read"
msg_fs_load:	.asciz "load through %fs uses FS_BASE"
msg_gs:		.asciz "GS_BASE write/read"
msg_swapgs_gs:	.asciz "SWAPGS: GS_BASE is the old KERNEL_GS_BASE"
msg_swapgs_kgs:	.asciz "SWAPGS: KERNEL_GS_BASE is the old GS_BASE"
msg_tsc_mono:	.asciz "TSC: RDMSR after RDTSC is larger"
msg_tsc_write:	.asciz "TSC: a write moves it"
msg_gp_rd_unknown: .asciz "RDMSR of an unknown MSR raises #GP"
msg_gp_wr_unknown: .asciz "WRMSR of an unknown MSR raises #GP"
msg_gp_pat:	.asciz "PAT with a reserved type raises #GP"
msg_pat_kept:	.asciz "PAT unchanged after the #GP"
msg_gp_lstar:	.asciz "non-canonical LSTAR raises #GP"
msg_gp_mtrrcap:	.asciz "MTRRcap write raises #GP"

	# Not in the image: RAM past it is zero at entry.
	.bss
	.balign	4096			# its own page: no RWX segment in the .elf
idt:		.skip	14 * 16
failed:		.skip	1
gp_count:	.skip	1
