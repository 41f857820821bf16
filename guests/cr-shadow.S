# SPDX-License-Identifier: GPL-2.0
#
# cr-shadow: the guest sees its own CR0 and CR4, not the values VMX needs.
#
# VMX operation fixes some CR bits (IA32_VMX_CR0_FIXED0 has NE,
# IA32_VMX_CR4_FIXED0 has VMXE; SDM Vol. 3D A.7, A.8). minivisor owns those
# bits through the guest/host masks and shows the guest its own values
# through the read shadows (SDM Vol. 3C 25.6.6):
#   - CR0.NE cleared by the guest reads back as 0 (the CPU keeps NE = 1);
#   - CR4.VMXE reads as 0 although the CPU runs the guest with it set;
#   - setting CR4.VMXE raises #GP (no nested VMX), CR4 is unchanged after;
#   - CR0.NE set again reads back as 1.
# Started with --entry long: 64-bit mode, identity-mapped, selector 0x08.

	.set	CR0_NE, 1 << 5
	.set	CR4_VMXE, 1 << 13

	.include "idt64.inc"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	# #GP handler (vector 13), see idt64.inc.
	IDT_GATE 13, gp_handler, idt
	lidt	idt_desc(%rip)

	# CR0.NE off, then read back.
	mov	%cr0, %rax
	and	$~CR0_NE, %rax
	mov	%rax, %cr0
	mov	%cr0, %rax
	and	$CR0_NE, %eax
	cmp	$0, %eax
	lea	msg_ne_clear(%rip), %rsi
	call	check

	# CR4.VMXE is the host's: the guest reads 0.
	mov	%cr4, %rax
	mov	%rax, %rbx			# kept to compare after the #GP
	and	$CR4_VMXE, %eax
	cmp	$0, %eax
	lea	msg_vmxe_hidden(%rip), %rsi
	call	check

	# Setting it raises #GP; the handler skips the 3-byte MOV to CR4.
	mov	%rbx, %rax
	or	$CR4_VMXE, %rax
	mov	%rax, %cr4
	movzbl	gp_count(%rip), %eax
	cmp	$1, %eax
	lea	msg_vmxe_gp(%rip), %rsi
	call	check
	mov	%cr4, %rax
	cmp	%rbx, %rax
	lea	msg_cr4_kept(%rip), %rsi
	call	check

	# CR0.NE back on.
	mov	%cr0, %rax
	or	$CR0_NE, %rax
	mov	%rax, %cr0
	mov	%cr0, %rax
	and	$CR0_NE, %eax
	cmp	$CR0_NE, %eax
	lea	msg_ne_set(%rip), %rsi
	call	check

	mov	failed(%rip), %al
	call	con_exit

gp_handler:
	add	$8, %rsp		# the error code
	addq	$3, (%rsp)		# skip MOV %rax, %cr4 (0f 22 e0)
	incb	gp_count(%rip)
	iretq

	.include "console64.inc"

# check: see CHECK_ROUTINE in console64.inc.
	CHECK_ROUTINE check

	.section .rodata
	.balign	8
idt_desc:	.word	14 * 16 - 1
		.quad	idt
msg_prefix:	.asciz "cr: "
msg_fail:	.asciz "cr: FAIL "
msg_ne_clear:	.asciz "CR0.NE cleared by the guest reads 0"
msg_vmxe_hidden: .asciz "CR4.VMXE reads 0"
msg_vmxe_gp:	.asciz "setting CR4.VMXE raises #GP"
msg_cr4_kept:	.asciz "CR4 unchanged after the #GP"
msg_ne_set:	.asciz "CR0.NE set again reads 1"

	# Not in the image: RAM past it is zero at entry.
	.bss
	.balign	4096
idt:		.skip	14 * 16
failed:		.skip	1
gp_count:	.skip	1
