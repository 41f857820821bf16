# SPDX-License-Identifier: GPL-2.0
#
# triple-fault: a guest that shuts itself down.
#
# With an IDT limit of 0, INT3 cannot be delivered: in real mode a vector
# beyond the IDT limit raises #GP, which cannot be delivered either (#DF),
# and a fault while delivering #DF is a triple fault (SDM Vol. 3A 7.15,
# "Interrupt 8 - Double Fault Exception"). Under VMX a triple fault is a
# VM exit (reason 2, SDM Vol. 3C 26.2), which minivisor reports as
# MV_EXIT_SHUTDOWN; the tool then exits with status 2.

	.include "console16.inc"

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg
	lidt	null_idt
	int3
	# Not reached: report failure if it is.
	mov	$1, %al
	out	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b

null_idt:
	.word	0			# limit
	.long	0			# base
msg:
	.asciz	"about to triple-fault\n"
