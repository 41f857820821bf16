# SPDX-License-Identifier: GPL-2.0
#
# hostile-irq: interrupts masked forever while the VMM keeps queueing them,
# one image per case (the Makefile assembles this file with --defsym
# IRQ_CASE=N, all `--entry long`). The interrupts come from the VMM's
# irq-test device (ports 0xf8..0xff, userspace/devices/irq_test.h): an OUT
# of count << 8 | vector makes its thread call MV_INTERRUPT (or MV_NMI)
# count times, retrying after 50 us while the module's queue is full
# (MV_MAX_PENDING_IRQS = 256, -EAGAIN beyond: uapi/minivisor.h); an IN of
# port 0xf8 reads how many it queued so far.
#
#   hostile-irq-hlt   1  IF = 0, 100000 interrupts requested: the queued
#                        count must reach 256 and never pass 257 (the
#                        device counts an attempt before the ioctl and
#                        takes it back on -EAGAIN) while the guest polls
#                        it 2000 more times, and none is delivered; then
#                        `cli; hlt` with 256 pending must end the run as
#                        MV_EXIT_HLT ("guest halted", status 0)
#   hostile-irq-nmi   2  1000 NMIs requested; the NMI handler never IRETs
#                        (NMIs stay blocked) and does `cli; hlt`: also
#                        MV_EXIT_HLT, with NMIs still queued
#   hostile-irq-spin  3  IF = 0, 100000 interrupts requested, then a tight
#                        JMP to itself: ended by a signal to the VMM
#   hostile-irq-sync  4  IF = 0, 1000 interrupts requested with bit 31 set
#                        (queued from the vCPU's own thread before the
#                        OUT completes): the request can never be met
#                        while the guest is inside that OUT, so the device
#                        must give up (it drops the rest once the queue
#                        has stayed full for 100 ms) and the OUT complete;
#                        then a JMP to itself, which a signal must end
#
# The IDT has gates for vector 0x20 (counts; must never run here) and 2
# (NMI); any other exception triple-faults the guest (status 2).

	.set	IRQ_TEST, 0xf8
	.set	SYNC, 0x80000000
	.set	VEC, 0x20
	.set	NR_REQ, 100000
	.set	POLL_LIMIT, 200000	# polls to wait for 256 (each an exit)
	.set	POLL_MORE, 2000

	.include "idt64.inc"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
	IDT_GATE VEC, irq_handler, idt
	IDT_GATE 2, nmi_handler, idt
	lidt	idt_desc(%rip)
	lea	msg_start(%rip), %rsi
	call	con_puts
	mov	$IRQ_TEST, %dx
.if IRQ_CASE == 1
	mov	$(NR_REQ << 8 | VEC), %eax
	out	%eax, %dx
	xor	%r12d, %r12d		# highest count seen
	xor	%r13d, %r13d		# polls
1:	in	%dx, %eax
	cmp	%r12d, %eax
	cmova	%eax, %r12d
	cmp	$256, %eax
	jae	2f
	inc	%r13d
	cmp	$POLL_LIMIT, %r13d
	jb	1b
	mov	%rax, %rbx
	lea	msg_never(%rip), %rsi
	jmp	fail
2:	mov	$POLL_MORE, %ecx
3:	in	%dx, %eax
	cmp	%r12d, %eax
	cmova	%eax, %r12d
	loop	3b
	cmp	$257, %r12d
	jbe	4f
	mov	%r12, %rbx
	lea	msg_grew(%rip), %rsi
	jmp	fail
4:	cmpl	$0, irq_count(%rip)
	je	5f
	mov	irq_count(%rip), %ebx
	lea	msg_delivered(%rip), %rsi
	jmp	fail
5:	lea	msg_bounded(%rip), %rsi
	call	con_puts
	lea	msg_hlt(%rip), %rsi
	call	con_puts
	cli
	hlt
	lea	msg_woke(%rip), %rsi
	xor	%ebx, %ebx
	jmp	fail
.elseif IRQ_CASE == 2
	mov	$(1000 << 8 | 2), %eax
	out	%eax, %dx
1:	pause				# NMIs are not masked by IF
	jmp	1b
.elseif IRQ_CASE == 3
	mov	$(NR_REQ << 8 | VEC), %eax
	out	%eax, %dx
	lea	msg_spin(%rip), %rsi
	call	con_puts
1:	jmp	1b
.else
	mov	$(SYNC | 1000 << 8 | VEC), %eax
	out	%eax, %dx
	lea	msg_spin(%rip), %rsi
	call	con_puts
1:	jmp	1b
.endif

irq_handler:
	incl	irq_count(%rip)
	iretq

nmi_handler:
	incl	nmi_count(%rip)
	lea	msg_nmi(%rip), %rsi
	call	con_puts
	cli
	hlt				# NMIs blocked, IF = 0: nothing can wake it
	lea	msg_woke(%rip), %rsi
	xor	%ebx, %ebx
	jmp	fail

# RSI = message, RBX = value to show.
fail:
	call	con_puts
	mov	%rbx, %rax
	call	con_puthex
	mov	$'\n', %al
	call	con_putc
	mov	$1, %al
	call	con_exit

	.include "console64.inc"

	.section .rodata
	.balign	8
idt_desc:	.word	(VEC + 1) * 16 - 1
		.quad	idt
msg_start:
.if IRQ_CASE == 1
	.asciz	"irq: IF=0, 100000 interrupts requested\n"
.elseif IRQ_CASE == 2
	.asciz	"irq: 1000 NMIs requested\n"
.elseif IRQ_CASE == 3
	.asciz	"irq: IF=0, 100000 interrupts requested\n"
.else
	.asciz	"irq: IF=0, 1000 interrupts requested, queued before the OUT completes\n"
.endif
msg_bounded:	.asciz	"irq: 256 queued, the rest refused, none delivered\n"
msg_hlt:	.asciz	"irq: cli; hlt with 256 pending\n"
msg_nmi:	.asciz	"irq: NMI handler: no IRET, cli; hlt\n"
msg_spin:	.asciz	"irq: spinning with IF=0\n"
msg_never:	.asciz	"irq: FAIL the queue never reached 256: "
msg_grew:	.asciz	"irq: FAIL more than 257 queued: "
msg_delivered:	.asciz	"irq: FAIL delivered with IF=0: "
msg_woke:	.asciz	"irq: FAIL woke from cli; hlt: "

	.bss
	.balign	4096			# its own page: no RWX segment in the .elf
idt:		.skip	(VEC + 1) * 16
irq_count:	.skip	4
nmi_count:	.skip	4
