# SPDX-License-Identifier: GPL-2.0
#
# irq: event injection, checked by counting.
#
# The guest asks the VMM's irq-test device (ports 0xf8..0xff, see
# userspace/devices/irq_test.h) to queue events from another thread, and
# counts what its handlers receive. Each phase checks that N queued means
# N delivered:
#   1. 1000 external interrupts, waited for with STI; HLT (the vCPU sleeps
#      in the kernel and is woken by each one);
#   2. 100 interrupts queued while IF = 0 (synchronously, so all are
#      pending when the OUT completes): none may arrive until STI, then
#      all arrive (interrupt-window exiting, SDM Vol. 3C 25.6.2);
#   3. 10 NMIs while IF = 0 and the guest spins without exiting (the vCPU
#      is kicked out of the guest; NMI-window exiting covers NMI blocking);
#   4. a quiet period with IF = 1, after which the counts must not have
#      moved and must equal what the device queued (nothing delivered
#      twice).
# Real mode: the handlers sit in the IVT at linear 0 (vector 0x20 and the
# NMI vector 2).

	.include "console16.inc"

	.set	IRQ_TEST, 0xf8		# write: count << 8 | vector
	.set	SYNC, 0x80000000	# ... queued before the OUT completes
	.set	NMI_QUEUED, 0xfc	# read: NMIs the device queued
	.set	VEC, 0x20
	.set	N1, 1000
	.set	N2, 100
	.set	NNMI, 10

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg_start

	xor	%ax, %ax
	mov	%ax, %es
	movw	$irq_handler, %es:(VEC * 4)
	movw	%cs, %es:(VEC * 4 + 2)
	movw	$nmi_handler, %es:(2 * 4)
	movw	%cs, %es:(2 * 4 + 2)

	# Phase 1. CLI before the check and STI right before HLT: an
	# interrupt after the check cannot slip in before HLT (STI blocks
	# interrupts for one instruction), so HLT never misses a wake-up.
	mov	$(N1 << 8 | VEC), %eax
	mov	$IRQ_TEST, %dx
	out	%eax, %dx
1:	cli
	cmpw	$N1, irq_count
	jae	2f
	sti
	hlt
	jmp	1b
2:	mov	$msg_phase1, %si
	call	puts16

	# Phase 2. IF stays 0 while all N2 are queued at once.
	mov	$(SYNC | N2 << 8 | VEC), %eax
	mov	$IRQ_TEST, %dx
	out	%eax, %dx
	in	%dx, %eax
	cmp	$(N1 + N2), %eax
	jne	fail
	cmpw	$N1, irq_count
	jne	fail
	sti
4:	cmpw	$(N1 + N2), irq_count
	jb	4b
	cli
	mov	$msg_phase2, %si
	call	puts16

	# Phase 3. Spin with IF = 0; only a kick gets the NMIs in.
	mov	$(NNMI << 8 | 2), %eax
	mov	$IRQ_TEST, %dx
	out	%eax, %dx
5:	cmpw	$NNMI, nmi_count
	jb	5b
	mov	$msg_phase3, %si
	call	puts16

	# Phase 4.
	sti
	mov	$200000, %ecx
6:	dec	%ecx
	jnz	6b
	cli
	cmpw	$(N1 + N2), irq_count
	jne	fail
	cmpw	$NNMI, nmi_count
	jne	fail
	mov	$IRQ_TEST, %dx
	in	%dx, %eax
	cmp	$(N1 + N2), %eax
	jne	fail
	mov	$NMI_QUEUED, %dx
	in	%dx, %eax
	cmp	$NNMI, %eax
	jne	fail
	mov	$msg_phase4, %si
	call	puts16

	xor	%al, %al
	out	%al, $DEBUG_EXIT
7:	hlt
	jmp	7b

fail:
	mov	$msg_fail, %si
	call	puts16
	mov	$1, %al
	out	%al, $DEBUG_EXIT
8:	hlt
	jmp	8b

irq_handler:
	incw	%cs:irq_count
	iret

nmi_handler:
	incw	%cs:nmi_count
	iret

irq_count:
	.word	0
nmi_count:
	.word	0
msg_start:
	.asciz	"irq: start\n"
msg_phase1:
	.asciz	"irq: 1000 queued, 1000 delivered, woken from HLT\n"
msg_phase2:
	.asciz	"irq: 100 queued while IF=0, none early, all after STI\n"
msg_phase3:
	.asciz	"nmi: 10 queued while IF=0, 10 delivered\n"
msg_phase4:
	.asciz	"irq: after a quiet period, delivered = queued (1100 + 10 NMIs)\n"
msg_fail:
	.asciz	"irq: FAIL: counts differ\n"
