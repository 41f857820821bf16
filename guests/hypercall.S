# SPDX-License-Identifier: GPL-2.0
#
# hypercall: minivisor's VMCALL hypercalls (uapi/minivisor.h) from real
# mode, CPL 0: MV_HC_NOP returns 0 in RAX, an unknown number returns
# -EOPNOTSUPP, MV_HC_FLOOR leaves RAX as it was and the guest goes on
# after the 3-byte VMCALL. Exit status 0 if all held, else the number of
# the failed check.

	.include "console16.inc"

	.equ	MV_HC_FLOOR, 0x4d56464c
	.equ	NEG_EOPNOTSUPP, 0xffffffa1	# -95, low 32 bits

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg_start

	xorl	%eax, %eax		# MV_HC_NOP
	vmcall
	mov	$1, %bl
	testl	%eax, %eax
	jnz	fail

	movl	$0x1234, %eax		# no such hypercall
	vmcall
	mov	$2, %bl
	cmpl	$NEG_EOPNOTSUPP, %eax
	jne	fail

	movl	$MV_HC_FLOOR, %eax
	mov	$1000, %cx
1:	vmcall
	loop	1b
	mov	$3, %bl
	cmpl	$MV_HC_FLOOR, %eax
	jne	fail

	mov	$msg_ok, %si
	call	puts16
	xor	%al, %al
	out	%al, $DEBUG_EXIT
2:	jmp	2b

fail:
	mov	$msg_fail, %si
	call	puts16
	mov	%bl, %al
	out	%al, $DEBUG_EXIT
3:	jmp	3b

msg_start:
	.asciz	"hypercall: NOP, unknown number, 1000 x FLOOR\n"
msg_ok:
	.asciz	"hypercall: ok\n"
msg_fail:
	.asciz	"hypercall: FAILED\n"
