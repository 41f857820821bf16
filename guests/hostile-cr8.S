# SPDX-License-Identifier: GPL-2.0
#
# hostile-cr8: the guest's CR8 (the task-priority register, TPR[7:4]) must
# be its own. The guest prints the CR8 it finds at entry, writes CR8_VALUE
# and prints what it reads back. The Makefile builds it twice:
# hostile-cr8-set writes 2, hostile-cr8-restore writes 1.
#
# Unless the VMM intercepts CR8 (CR8-load/store exiting, which minivisor
# uses) or shadows it (TPR shadow), MOV to/from CR8 in 64-bit mode reads
# and writes the TPR of the host CPU's local APIC (SDM Vol. 3C 25.3, "MOV
# to CR8"): the value would stay in the host after the VM exits, and the
# next VM would read it; a guest writing 15 would mask every host
# interrupt on that CPU. tests/integration/scenarios/16-hostile-guests.sh
# runs set, then restore, and expects 0 at each entry (the guest's own
# TPR starts at 0). Linux keeps its TPR at 0x10 (CR8 = 1, "accept all but
# vectors 0-31"): should CR8 reach the host again, 2 masks vectors
# 0x20..0x2f, which this PC's kernel leaves unused, for the few seconds
# until restore writes 1, Linux's own value, back.

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	lea	msg_entry(%rip), %rsi
	call	con_puts
	mov	%cr8, %rax
	call	con_putdec
	mov	$CR8_VALUE, %eax
	mov	%rax, %cr8
	lea	msg_wrote(%rip), %rsi
	call	con_puts
	mov	$CR8_VALUE, %eax
	call	con_putdec
	lea	msg_back(%rip), %rsi
	call	con_puts
	mov	%cr8, %rax
	call	con_putdec
	mov	$'\n', %al
	call	con_putc
	xor	%eax, %eax
	call	con_exit

	.include "console64.inc"

	.section .rodata
msg_entry:	.asciz	"cr8: at entry "
msg_wrote:	.asciz	", wrote "
msg_back:	.asciz	", read back "
