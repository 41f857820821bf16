# SPDX-License-Identifier: GPL-2.0
#
# hostile-insn: a 64-bit guest at CPL 0 executes every VMX instruction and
# a set of privileged or odd ones. Whatever it does must stay inside the
# guest: an exception in the guest (caught by its own IDT, hostile64.inc),
# or a defined no-op, or an access the VMM ignores; never a host effect.
#
# Run with `--entry long --stats` (tests/integration/scenarios/
# 16-hostile-guests.sh): the unhandled-access counters of --stats must be
# exactly the accesses listed below.
#
# VMX (class 4 of the scenario; uapi/minivisor.h: "The other VMX
# instructions raise #UD in the guest"):
#   VMXON, VMXOFF, VMREAD, VMWRITE, VMPTRLD, VMPTRST, VMCLEAR, VMLAUNCH,
#   VMRESUME, INVEPT, INVVPID: each a VM exit the module answers with #UD;
#   VMFUNC: #UD from the CPU (VM functions are not enabled);
#   GETSEC: #UD from the CPU (CR4.SMXE = 0);
#   MOV to CR4 with VMXE or SMXE: #GP (the module's CR4 rules), CR4 kept;
#   VMCALL with an unknown number: no fault, RAX = -EOPNOTSUPP (-95).
# Odd instructions (the scenario's "privileged/odd" class):
#   INVD (a no-op exit), WBINVD x1000 (1000 no-op exits: the host's
#   caches are not the guest's to flush), MONITOR and MWAIT (no-op
#   exits), RDPMC of counter 0 and of counter 0x3fffffff (exits, #GP:
#   the guest has no performance counters, the host's are not its), XSETBV with CR4.OSXSAVE = 0 (#UD) and with
#   ECX = 1 (#GP), RSM outside SMM (#UD), ICEBP (#DB), INT3 (#BP), HLT
#   with IF = 1 and no interrupt pending: not tried (it would sleep until
#   the VMM is stopped; scenario 08 covers it);
#   an INIT and a SIPI IPI written to the local APIC's ICR (0xfee00300)
#   and a read of its ID register (there is no APIC: one unhandled MMIO
#   read returning all-ones, two ignored writes);
#   the three PC reset ports: 0xcf9 <- 6, 0x64 <- 0xfe, 0x92 <- 1 (three
#   ignored port writes; the guest runs on).
# Each check prints "insn: <what> ok" or "insn: FAIL <what>: got X", then
# one summary line per class; the exit code is 1 if any check failed.

	.set	CR4_VMXE, 1 << 13
	.set	CR4_SMXE, 1 << 14
	.set	CR4_OSXSAVE, 1 << 18
	.set	VEC_DB, 1
	.set	VEC_BP, 3
	.set	VEC_UD, 6
	.set	VEC_GP, 13
	.set	APIC_ICR, 0xfee00300
	.set	APIC_ID, 0xfee00020

	.include "idt64.inc"
	.include "hostile64.inc"

# FAULT_CASE vec, counter, name, insn...: run insn expecting exactly one
# exception, of vector vec; count it in \counter; report.
.macro	FAULT_CASE vec, counter, name, insn:vararg
	movl	$0xff, trap_last(%rip)
	movl	$0, trap_counts + \vec * 4(%rip)
	EXPECT_TRAP
	\insn
1:	call	trap_outcome
	cmp	$\vec, %eax
	jne	2f
	incl	\counter(%rip)
	cmp	$\vec, %eax		# ZF = 1 again for check
2:	lea	\name(%rip), %rsi
	call	check
.endm

# NOFAULT_CASE counter, name, insn...: insn must raise nothing.
.macro	NOFAULT_CASE counter, name, insn:vararg
	movl	$0xff, trap_last(%rip)
	EXPECT_TRAP
	\insn
1:	movq	$0, trap_resume(%rip)
	push	%rax
	mov	trap_last(%rip), %eax
	cmp	$0xff, %eax
	jne	2f
	incl	\counter(%rip)
	cmp	$0xff, %eax		# ZF = 1 again for check
2:	pop	%rax			# (POP leaves the flags alone)
	lea	\name(%rip), %rsi
	call	check
.endm

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	TRAPS_INSTALL
	lea	msg_start(%rip), %rsi
	call	con_puts

	# ---- VMX ------------------------------------------------------------
	FAULT_CASE VEC_UD, n_vmx, m_vmxon, vmxon vmx_region(%rip)
	FAULT_CASE VEC_UD, n_vmx, m_vmxoff, vmxoff
	FAULT_CASE VEC_UD, n_vmx, m_vmread, vmread %rax, %rbx
	FAULT_CASE VEC_UD, n_vmx, m_vmwrite, vmwrite %rbx, %rax
	FAULT_CASE VEC_UD, n_vmx, m_vmptrld, vmptrld vmx_region(%rip)
	FAULT_CASE VEC_UD, n_vmx, m_vmptrst, vmptrst vmx_region(%rip)
	FAULT_CASE VEC_UD, n_vmx, m_vmclear, vmclear vmx_region(%rip)
	FAULT_CASE VEC_UD, n_vmx, m_vmlaunch, vmlaunch
	FAULT_CASE VEC_UD, n_vmx, m_vmresume, vmresume
	xor	%eax, %eax
	FAULT_CASE VEC_UD, n_vmx, m_invept, invept inv_desc(%rip), %rax
	FAULT_CASE VEC_UD, n_vmx, m_invvpid, invvpid inv_desc(%rip), %rax
	xor	%eax, %eax
	FAULT_CASE VEC_UD, n_vmx, m_vmfunc, vmfunc
	FAULT_CASE VEC_UD, n_vmx, m_getsec, getsec

	mov	%cr4, %r12
	mov	%r12, %rbx
	or	$CR4_VMXE, %rbx
	FAULT_CASE VEC_GP, n_vmx, m_cr4_vmxe, mov %rbx, %cr4
	mov	%r12, %rbx
	or	$CR4_SMXE, %rbx
	FAULT_CASE VEC_GP, n_vmx, m_cr4_smxe, mov %rbx, %cr4
	mov	%cr4, %rax
	cmp	%r12, %rax
	lea	m_cr4_kept(%rip), %rsi
	call	check

	mov	$0x4d56dead, %eax	# no such hypercall
	NOFAULT_CASE n_vmx, m_vmcall, vmcall
	cmp	$-95, %rax
	lea	m_vmcall_ret(%rip), %rsi
	call	check

	lea	m_vmx_sum(%rip), %rsi
	call	con_puts
	mov	n_vmx(%rip), %eax
	call	con_putdec
	lea	m_vmx_sum2(%rip), %rsi
	call	con_puts

	# ---- odd ------------------------------------------------------------
	NOFAULT_CASE n_odd, m_invd, invd
	NOFAULT_CASE n_odd, m_wbinvd, call wbinvd_loop
	lea	vmx_region(%rip), %rax
	xor	%ecx, %ecx
	xor	%edx, %edx
	NOFAULT_CASE n_odd, m_monitor, monitor
	xor	%eax, %eax
	xor	%ecx, %ecx
	NOFAULT_CASE n_odd, m_mwait, mwait
	xor	%ecx, %ecx
	FAULT_CASE VEC_GP, n_odd, m_rdpmc0, rdpmc
	mov	$0x3fffffff, %ecx
	FAULT_CASE VEC_GP, n_odd, m_rdpmc_bad, rdpmc
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$1, %eax
	FAULT_CASE VEC_UD, n_odd, m_xsetbv_ud, xsetbv
	mov	%cr4, %rax
	or	$CR4_OSXSAVE, %rax
	mov	%rax, %cr4
	mov	$1, %ecx
	xor	%edx, %edx
	mov	$1, %eax
	FAULT_CASE VEC_GP, n_odd, m_xsetbv_gp, xsetbv
	mov	%r12, %cr4		# OSXSAVE off again
	FAULT_CASE VEC_UD, n_odd, m_rsm, rsm
	FAULT_CASE VEC_DB, n_odd, m_icebp, .byte 0xf1
	FAULT_CASE VEC_BP, n_odd, m_int3, int3

	# No local APIC: the ICR write and the ID read are MMIO to nothing.
	mov	$APIC_ICR, %edi
	NOFAULT_CASE n_odd, m_init, movl $0x000c4500, (%rdi)
	NOFAULT_CASE n_odd, m_sipi, movl $0x000c4610, (%rdi)
	mov	$APIC_ID, %edi
	NOFAULT_CASE n_odd, m_apic_id, mov (%rdi), %ebx
	cmp	$0xffffffff, %ebx
	lea	m_apic_ones(%rip), %rsi
	call	check

	# Reset requests to ports nobody claims.
	mov	$0x06, %al
	mov	$0xcf9, %dx
	NOFAULT_CASE n_odd, m_rst_cf9, outb %al, %dx
	mov	$0xfe, %al
	NOFAULT_CASE n_odd, m_rst_kbc, outb %al, $0x64
	mov	$0x01, %al
	NOFAULT_CASE n_odd, m_rst_92, outb %al, $0x92

	lea	m_odd_sum(%rip), %rsi
	call	con_puts
	mov	n_odd(%rip), %eax
	call	con_putdec
	lea	m_odd_sum2(%rip), %rsi
	call	con_puts

	mov	failed(%rip), %al
	call	con_exit

wbinvd_loop:
	mov	$1000, %ecx
1:	wbinvd
	loop	1b
	ret

# RAX = the vector of the one exception the last case raised, or 0x100 +
# the count of that vector if it was not exactly one; 0xff if none.
trap_outcome:
	movq	$0, trap_resume(%rip)
	mov	trap_last(%rip), %eax
	cmp	$0xff, %eax
	je	1f			# none: 0xff
	cmpl	$1, trap_counts(,%rax,4)
	je	1f
	mov	trap_counts(,%rax,4), %eax
	add	$0x100, %eax
1:	ret

	.include "console64.inc"

	CHECK_ROUTINE check

	.section .rodata
	.balign	16
inv_desc:	.quad	0, 0		# INVEPT/INVVPID descriptor
msg_prefix:	.asciz	"insn: "
msg_fail:	.asciz	"insn: FAIL "
msg_start:	.asciz	"insn: start\n"
m_vmxon:	.asciz	"VMXON #UD"
m_vmxoff:	.asciz	"VMXOFF #UD"
m_vmread:	.asciz	"VMREAD #UD"
m_vmwrite:	.asciz	"VMWRITE #UD"
m_vmptrld:	.asciz	"VMPTRLD #UD"
m_vmptrst:	.asciz	"VMPTRST #UD"
m_vmclear:	.asciz	"VMCLEAR #UD"
m_vmlaunch:	.asciz	"VMLAUNCH #UD"
m_vmresume:	.asciz	"VMRESUME #UD"
m_invept:	.asciz	"INVEPT #UD"
m_invvpid:	.asciz	"INVVPID #UD"
m_vmfunc:	.asciz	"VMFUNC #UD"
m_getsec:	.asciz	"GETSEC #UD"
m_cr4_vmxe:	.asciz	"CR4.VMXE #GP"
m_cr4_smxe:	.asciz	"CR4.SMXE #GP"
m_cr4_kept:	.asciz	"CR4 unchanged"
m_vmcall:	.asciz	"VMCALL unknown nr no fault"
m_vmcall_ret:	.asciz	"VMCALL RAX -95"
m_vmx_sum:	.asciz	"insn: vmx: "
m_vmx_sum2:	.asciz	" of 16 as expected\n"
m_invd:		.asciz	"INVD no fault"
m_wbinvd:	.asciz	"WBINVD x1000 no fault (1000 exits)"
m_monitor:	.asciz	"MONITOR no fault"
m_mwait:	.asciz	"MWAIT returns"
m_rdpmc0:	.asciz	"RDPMC 0 #GP (no counters)"
m_rdpmc_bad:	.asciz	"RDPMC 0x3fffffff #GP"
m_xsetbv_ud:	.asciz	"XSETBV no OSXSAVE #UD"
m_xsetbv_gp:	.asciz	"XSETBV ECX=1 #GP"
m_rsm:		.asciz	"RSM #UD"
m_icebp:	.asciz	"ICEBP #DB"
m_int3:		.asciz	"INT3 #BP"
m_init:		.asciz	"INIT IPI ignored"
m_sipi:		.asciz	"SIPI IPI ignored"
m_apic_id:	.asciz	"APIC ID read no fault"
m_apic_ones:	.asciz	"APIC ID all-ones"
m_rst_cf9:	.asciz	"reset 0xcf9 ignored"
m_rst_kbc:	.asciz	"reset 0x64 ignored"
m_rst_92:	.asciz	"reset 0x92 ignored"
m_odd_sum:	.asciz	"insn: odd: "
m_odd_sum2:	.asciz	" of 17 as expected\n"

	.bss
	.balign	4096
vmx_region:	.skip	4096		# a VMXON/VMCS region for the operands
failed:		.skip	1
	.balign	4
n_vmx:		.skip	4
n_odd:		.skip	4
