# SPDX-License-Identifier: GPL-2.0
#
# spin: never exits on its own: a tight loop with interrupts disabled. Only
# the host's own interrupts (external-interrupt exiting) take the CPU
# back, so only a signal to the VMM ends it (RUN fails with EINTR). Used by
# tests/integration/scenarios/08-signal.sh.

	.include "console16.inc"

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg
1:	jmp	1b

msg:
	.asciz	"spinning with interrupts off\n"
