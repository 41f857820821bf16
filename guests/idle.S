# SPDX-License-Identifier: GPL-2.0
#
# idle: waits forever in HLT with interrupts enabled and no interrupt ever
# queued. The vCPU sleeps in the kernel (it must not use CPU time) until a
# signal to the VMM ends the run. Used by
# tests/integration/scenarios/08-signal.sh.

	.include "console16.inc"

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg
	sti
1:	hlt
	jmp	1b

msg:
	.asciz	"idle in HLT with interrupts on\n"
