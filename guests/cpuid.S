# SPDX-License-Identifier: GPL-2.0
#
# cpuid: what the guest sees of the vCPU's CPUID table (the module's
# default one; see "CPUID and MSRs" in uapi/minivisor.h).
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# The image is linked at 0x10000.
#
# Only facts that hold on any host are checked, so the output does not
# depend on the CPU under the test: the hypervisor bit CPUID.1:ECX[31] is
# set, VMX (CPUID.1:ECX[5]) and the local APIC (CPUID.1:EDX[9]) are hidden,
# the initial APIC id (CPUID.1:EBX[31:24]) is the vCPU id 0, leaf
# 0x40000000 holds the signature "minivisor" and EAX = 0x40000000, a
# hypervisor leaf above that reads as zeros, and CPUID.1:ECX.OSXSAVE
# follows CR4.OSXSAVE (which is 0 at entry).
#
# Each check prints "cpuid: <what> ok"; a failed one prints
# "cpuid: FAIL <what>: got X" and the guest exits with code 1.

	.set	SIG_LEAF, 0x40000000

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	# Leaf 1.
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%ecx, %eax
	and	$(1 << 31), %eax
	cmp	$(1 << 31), %eax
	lea	msg_hv(%rip), %rsi
	call	check

	mov	$1, %eax
	cpuid
	mov	%ecx, %eax
	and	$(1 << 5), %eax
	cmp	$0, %eax
	lea	msg_vmx(%rip), %rsi
	call	check

	mov	$1, %eax
	cpuid
	mov	%edx, %eax
	and	$(1 << 9), %eax
	cmp	$0, %eax
	lea	msg_apic(%rip), %rsi
	call	check

	mov	$1, %eax
	cpuid
	mov	%ebx, %eax
	shr	$24, %eax
	cmp	$0, %eax
	lea	msg_apic_id(%rip), %rsi
	call	check

	mov	$1, %eax
	cpuid
	mov	%ecx, %eax
	and	$(1 << 27), %eax
	cmp	$0, %eax
	lea	msg_osxsave(%rip), %rsi
	call	check

	# The signature leaf: EAX, then EBX:ECX:EDX against "minivisor".
	mov	$SIG_LEAF, %eax
	cpuid
	cmp	$SIG_LEAF, %eax
	lea	msg_sig_max(%rip), %rsi
	call	check

	mov	$SIG_LEAF, %eax
	cpuid
	mov	%ebx, sig(%rip)
	mov	%ecx, sig+4(%rip)
	mov	%edx, sig+8(%rip)
	lea	sig(%rip), %rsi
	lea	want_sig(%rip), %rdi
	mov	$12, %ecx
	cld
	repe cmpsb
	mov	$0, %eax
	setne	%al			# EAX = 0 if all 12 bytes matched
	cmp	$0, %eax
	lea	msg_sig(%rip), %rsi
	call	check
	lea	msg_sig_is(%rip), %rsi
	call	con_puts
	lea	sig(%rip), %rsi		# NUL-padded: prints "minivisor"
	call	con_puts
	mov	$'"', %al
	call	con_putc
	mov	$'\n', %al
	call	con_putc

	# A leaf missing from the table reads as zeros.
	mov	$(SIG_LEAF + 1), %eax
	cpuid
	or	%ebx, %eax
	or	%ecx, %eax
	or	%edx, %eax
	cmp	$0, %eax
	lea	msg_missing(%rip), %rsi
	call	check

	mov	failed(%rip), %al
	call	con_exit

	.include "console64.inc"

# check: see CHECK_ROUTINE in console64.inc.
	CHECK_ROUTINE check

	.section .rodata
want_sig:	.ascii "minivisor\0\0\0"
msg_prefix:	.asciz "cpuid: "
msg_fail:	.asciz "cpuid: FAIL "
msg_hv:		.asciz "hypervisor bit (1:ECX[31]) set"
msg_vmx:	.asciz "VMX bit (1:ECX[5]) clear"
msg_apic:	.asciz "APIC bit (1:EDX[9]) clear"
msg_apic_id:	.asciz "initial APIC id (1:EBX[31:24]) is 0"
msg_osxsave:	.asciz "OSXSAVE (1:ECX[27]) clear with CR4.OSXSAVE clear"
msg_sig_max:	.asciz "leaf 0x40000000 EAX is 0x40000000"
msg_sig:	.asciz "leaf 0x40000000 signature"
msg_sig_is:	.asciz "cpuid: signature \""
msg_missing:	.asciz "leaf 0x40000001 reads as zeros"

	# Not in the image: RAM past it is zero at entry.
	.bss
	.balign	4096			# its own page: no RWX segment in the .elf
sig:	.skip	13			# 12 signature bytes and a NUL
failed:	.skip	1
