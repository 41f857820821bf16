# SPDX-License-Identifier: GPL-2.0
#
# hostile-spin: guests that never stop on their own, one image per kind of
# endless loop (the Makefile assembles this file with --defsym SPIN_CASE=N,
# all `--entry long`):
#
#   hostile-spin-pause  1  IF = 0, PAUSE in a tight loop (no VM exit at all:
#                          only the host's interrupts and the module's
#                          preemption timer take the CPU back)
#   hostile-spin-cpuid  2  IF = 0, CPUID in a loop: an exit the module
#                          answers in the kernel, so RUN never returns to
#                          the VMM by itself
#   hostile-spin-io     3  IF = 0, IN from an unclaimed port in a loop: an
#                          exit to the VMM each time
#   hostile-spin-sti    4  IF = 1, JMP to itself (the guest could take
#                          interrupts, and none is ever sent)
#
# Each prints "spin: <kind>" and loops; only a signal to the VMM ends it
# (tests/integration/scenarios/16-hostile-guests.sh: SIGTERM, status 130,
# or SIGKILL).

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	lea	msg(%rip), %rsi
	call	con_puts
.if SPIN_CASE == 1
1:	pause
	jmp	1b
.elseif SPIN_CASE == 2
1:	xor	%eax, %eax
	cpuid
	jmp	1b
.elseif SPIN_CASE == 3
1:	in	$0x80, %al
	jmp	1b
.else
	sti
1:	jmp	1b
.endif

	.include "console64.inc"

	.section .rodata
msg:
.if SPIN_CASE == 1
	.asciz	"spin: IF=0, PAUSE loop\n"
.elseif SPIN_CASE == 2
	.asciz	"spin: IF=0, CPUID loop (exits handled in the kernel)\n"
.elseif SPIN_CASE == 3
	.asciz	"spin: IF=0, IN loop (exits to the VMM)\n"
.else
	.asciz	"spin: IF=1, JMP to itself\n"
.endif
