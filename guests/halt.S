# SPDX-License-Identifier: GPL-2.0
#
# halt: ends with HLT instead of the debug-exit port.
#
# HLT exits unconditionally (HLT exiting, SDM Vol. 3C 25.6.2); with
# interrupts disabled nothing could wake the guest, so the run ends and the
# tool reports the halt and exits with status 0.

	.include "console16.inc"

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg
	hlt
	# Not reached if HLT ends the run.
	mov	$1, %al
	out	%al, $DEBUG_EXIT
1:	jmp	1b

msg:
	.asciz	"halting with interrupts off\n"
