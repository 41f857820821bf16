# SPDX-License-Identifier: GPL-2.0
#
# hostile-tf: ways for a guest to triple-fault, one image per way (the
# Makefile assembles this file with --defsym TF_CASE=N):
#
#   hostile-tf-real     1  real mode, IDT limit 0, DIV by zero: #DE cannot
#                          be delivered, nor the #GP, nor the #DF (linked
#                          at 0, default `--entry real`)
#   hostile-tf-long     2  64-bit mode with the entry IDT (limit 0): UD2
#   hostile-tf-gate     3  an IDT of 32 gates that are not present: #UD,
#                          then #NP delivering it, #NP again: #DF, whose
#                          gate is not present either
#   hostile-tf-handler  4  a working #UD handler that loads a null IDT and
#                          executes UD2 itself: the triple fault starts
#                          inside an exception handler
#   hostile-tf-stack    5  every gate present, RSP non-canonical: pushing
#                          the #UD frame faults, and so does every handler
#                          after it
#   hostile-tf-cr3      6  every gate present, then CR3 = an empty PML4:
#                          the next instruction fetch page-faults and
#                          nothing (not even the IDT) is mapped any more
#   hostile-tf-smp      7  `--cpus 2`: vCPU 1 triple-faults while vCPU 0
#                          spins with PAUSE; the whole VM stops
#
# Each prints "tf: <case>: fault at rip 0x..." (the 64-bit ones; the
# address of the instruction whose fault starts the triple fault: for
# case 4 the UD2 in the handler) and never returns:
# a triple fault is a VM exit (SDM Vol. 3C 26.2) that minivisor reports
# as MV_EXIT_SHUTDOWN and the tool as "guest triple-faulted (shutdown) at
# rip 0x..." with exit status 2. If the guest gets past its fault it
# exits with code 1.

	.set	DEBUG_EXIT, 0xf4

.if TF_CASE == 1
	.include "console16.inc"

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg_real
	lidt	null_idt
	xor	%ax, %ax
	xor	%dx, %dx
	div	%ax			# #DE
	mov	$1, %al
	out	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b

null_idt:
	.word	0
	.long	0
msg_real:
	.asciz	"tf: real mode, DIV by zero with IDT limit 0\n"

.else

	.include "idt64.inc"
	.include "hostile64.inc"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
.if TF_CASE == 7
	test	%rbx, %rbx		# vCPU id
	jnz	vcpu1
.endif
.if TF_CASE == 3
	# 32 gates, each with P = 0 (type 0xE, DPL 0, present bit clear).
	.irp	v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	IDT_GATE \v, trap_stub_\v, trap_idt
	movb	$0x0e, trap_idt + \v * 16 + 5(%rip)
	.endr
	lidt	trap_idt_desc(%rip)
.endif
.if TF_CASE == 4 || TF_CASE == 5 || TF_CASE == 6
	TRAPS_INSTALL
.endif
.if TF_CASE == 4
	IDT_GATE 6, ud_handler, trap_idt
.endif
	lea	msg_case(%rip), %rsi
	call	con_puts
.if TF_CASE == 4
	lea	handler_fault(%rip), %rax	# the first #UD is handled
.else
	lea	fault_insn(%rip), %rax
.endif
	call	con_puthex
	mov	$'\n', %al
	call	con_putc
.if TF_CASE == 7
	movb	$1, printed(%rip)
1:	pause				# vCPU 0: spin until the VM stops
	jmp	1b
vcpu1:
2:	pause
	cmpb	$0, printed(%rip)
	je	2b
.endif
.if TF_CASE == 5
	mov	$0x0000800000000000, %rsp	# not canonical
.endif
.if TF_CASE == 6
	lea	empty_pml4(%rip), %rax
	mov	%rax, %cr3
.endif
fault_insn:
	ud2
	mov	$1, %al
	call	con_exit

.if TF_CASE == 4
ud_handler:
	lea	msg_in_handler(%rip), %rsi
	call	con_puts
	lidt	null_idt(%rip)
handler_fault:
	ud2
	mov	$1, %al
	call	con_exit
.endif

	.include "console64.inc"

	.section .rodata
null_idt:
	.word	0
	.quad	0
msg_in_handler:
	.asciz	"tf: in the #UD handler: null IDT, UD2\n"
msg_case:
.if TF_CASE == 2
	.ascii	"tf: long mode, UD2 with the entry IDT (limit 0)"
.elseif TF_CASE == 3
	.ascii	"tf: long mode, 32 gates not present"
.elseif TF_CASE == 4
	.ascii	"tf: long mode, triple fault from inside the #UD handler"
.elseif TF_CASE == 5
	.ascii	"tf: long mode, RSP not canonical"
.elseif TF_CASE == 6
	.ascii	"tf: long mode, CR3 = an empty PML4"
.elseif TF_CASE == 7
	.ascii	"tf: 2 vCPUs, vCPU 1 triple-faults"
.endif
	.asciz	": fault at rip "

	.bss
	.balign	4096
empty_pml4:	.skip	4096
printed:	.skip	1
.endif
