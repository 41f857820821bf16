# SPDX-License-Identifier: GPL-2.0
#
# unhandled-msr: an exit the module does not handle.
#
# Every RDMSR exits (no MSR bitmap); minivisor emulates only IA32_EFER so
# far, so reading any other MSR stops the vCPU with an internal error
# (MV_INTERNAL_UNHANDLED_EXIT, exit reason 31 and the MSR number), which
# the tool reports before exiting with status 3.

	.include "console16.inc"

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg
	mov	$0x4d565f31, %ecx	# an MSR no CPU defines
	rdmsr
	# Not reached.
	mov	$1, %al
	out	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b
msg:
	.asciz	"reading an MSR minivisor does not emulate\n"
