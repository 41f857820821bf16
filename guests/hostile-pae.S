# SPDX-License-Identifier: GPL-2.0
#
# hostile-pae: a guest turns on PAE paging with a page-directory-pointer
# table entry that is present and has a reserved bit set. On a CPU the MOV
# to CR0 that sets PG raises #GP(0) and loads nothing (SDM Vol. 3A 4.4.1,
# "PDPTE Registers"); under VMX with EPT the VMM emulates that MOV (CR0.PG
# is host-owned), so it must make the same check: PDPTEs it loads without
# it fail the next VM entry (SDM Vol. 3C 26.3.1.6) and the guest can stop
# its own VM with "VM entry failed" instead of taking a #GP.
#
# Default `--entry real`; the image is linked at 0x10000 (labels are
# linear addresses; the 16-bit prologue uses label - LOAD_ADDR). It goes
# to 32-bit protected mode (flat segments, no paging) with an IDT whose
# #GP gate prints "pae: MOV to CR0.PG raised #GP" and exits 0; if the MOV
# completes it prints "pae: FAIL ..." and exits 1.

	.set	LOAD_ADDR, 0x10000
	.set	COM1_THR, 0x3f8
	.set	DEBUG_EXIT, 0xf4
	.set	SEL_CODE32, 0x08
	.set	SEL_DATA, 0x10
	.set	CR0_PE, 1 << 0
	.set	CR0_PG, 1 << 31
	.set	CR4_PAE, 1 << 5
	.set	PDPTE_P, 1 << 0
	.set	PDPTE_RSVD1, 1 << 1	# reserved in a PAE PDPTE (SDM Table 4-8)

	.code16
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	(gdt_desc - LOAD_ADDR)
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $pm32

	.code32
pm32:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$stack_top, %esp

	# 32-bit interrupt gate for #GP (SDM Vol. 3A 6.11, figure 6-2).
	mov	$gp_handler, %eax
	mov	%ax, idt + 13 * 8
	movw	$SEL_CODE32, idt + 13 * 8 + 2
	movw	$0x8e00, idt + 13 * 8 + 4
	shr	$16, %eax
	mov	%ax, idt + 13 * 8 + 6
	lidt	idt_desc

	mov	$msg_start, %esi
	call	puts32

	movl	$(pd + PDPTE_P + PDPTE_RSVD1), pdpt
	movl	$0, pdpt + 4
	mov	$pdpt, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0		# must raise #GP
	mov	$msg_nogp, %esi
	call	puts32
	mov	$1, %al
	out	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b

gp_handler:
	mov	$msg_gp, %esi
	call	puts32
	xor	%al, %al
	out	%al, $DEBUG_EXIT
2:	hlt
	jmp	2b

puts32:
	mov	$COM1_THR, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	ret

	.section .rodata
	.balign	8
gdt:	.quad	0
	.quad	0x00cf9b000000ffff	# 0x08: 32-bit code, flat
	.quad	0x00cf93000000ffff	# 0x10: data, flat
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
idt_desc:
	.word	14 * 8 - 1
	.long	idt
msg_start:	.asciz	"pae: CR4.PAE, PDPTE 0 present with reserved bit 1, setting CR0.PG\n"
msg_gp:		.asciz	"pae: MOV to CR0.PG raised #GP\n"
msg_nogp:	.asciz	"pae: FAIL MOV to CR0.PG completed with a bad PDPTE\n"

	.bss
	.balign	4096
pd:	.skip	4096
pdpt:	.skip	32
idt:	.skip	14 * 8
	.balign	16
	.skip	1024
stack_top:
