# SPDX-License-Identifier: GPL-2.0
#
# hello-long: walk from real mode to 64-bit mode, one step at a time.
#
# Run with the default `--entry real` (CS:IP = 0x1000:0000, image at
# guest-physical 0x10000). The image is linked at 0x10000, so a label's
# value is its linear address; 16-bit code, whose segment base is 0x10000,
# uses the offset label - LOAD_ADDR instead.
#
# Each step prints a line once it is done, so the last line of a failed
# run shows where it stopped. The kernel paths this exercises: CR0.PE and
# CR0.PG writes, CR4.PAE, CR3, RDMSR/WRMSR of IA32_EFER and the LMA update
# that CR0.PG makes in IA-32e mode, far jumps that load CS from the GDT,
# and port I/O from 16-, 32- and 64-bit code.
#
# Memory used: the image, and its .bss right after it (three page-table
# pages and a stack), all below 0x20000.

	.set	LOAD_ADDR, 0x10000
	.set	COM1_THR, 0x3f8
	.set	DEBUG_EXIT, 0xf4

	.set	MSR_EFER, 0xc0000080
	.set	EFER_LME, 1 << 8
	.set	EFER_LMA, 1 << 10
	.set	CR0_PE, 1 << 0
	.set	CR0_PG, 1 << 31
	.set	CR4_PAE, 1 << 5

	# Page-table entry bits (SDM Vol. 3A 4.5, tables 4-15 to 4-18).
	.set	PTE_P, 1 << 0		# present
	.set	PTE_RW, 1 << 1		# writable
	.set	PTE_PS, 1 << 7		# in a PDE: maps a 2 MiB page

	# GDT selectors (index * 8, TI = 0, RPL = 0).
	.set	SEL_CODE32, 0x08
	.set	SEL_DATA, 0x10
	.set	SEL_CODE64, 0x18

/* ------------------------------------------------------------------------ */
	.code16
	.section .text.entry, "ax"
	.globl	_start
_start:
	# No IDT is set up for protected or long mode, so no interrupt may
	# be taken from here on (SDM Vol. 3A 9.9.1, step 1).
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$(stack_top - LOAD_ADDR), %sp

	mov	$(msg_real - LOAD_ADDR), %si
	call	puts16

	# Switch to protected mode, SDM Vol. 3A 9.9.1: load the GDT, set
	# CR0.PE, and follow at once with a far JMP, which loads CS from the
	# GDT and discards instructions fetched in real mode. The operand-size
	# prefix (LGDTL, LJMPL) is needed for a 32-bit GDT base and offset.
	lgdtl	(gdt_desc - LOAD_ADDR)
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $pm32

# SI = offset of a NUL-terminated string in DS.
puts16:
	push	%ax
	push	%dx
	push	%si
	mov	$COM1_THR, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	pop	%si
	pop	%dx
	pop	%ax
	ret

/* ------------------------------------------------------------------------ */
	.code32
pm32:
	# CS is now the flat 32-bit code segment; load the data segments
	# with the flat data segment (SDM Vol. 3A 9.9.1, step 9).
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$stack_top, %esp

	mov	$msg_prot, %esi
	call	puts32

	# Identity-map the first 1 GiB with 2 MiB pages: PML4[0] -> PDPT,
	# PDPT[0] -> PD, PD[i] -> i * 2 MiB. A 2 MiB page (PDE.PS = 1) needs
	# no CPUID feature in 4-level paging (SDM Vol. 3A 4.5.4, table 4-18).
	mov	$pml4, %edi
	mov	$(3 * 4096 / 4), %ecx
	xor	%eax, %eax
	rep stosl			# .bss is not in the image: zero it
	movl	$(pdpt + PTE_P + PTE_RW), pml4
	movl	$(pd + PTE_P + PTE_RW), pdpt
	mov	$pd, %edi
	mov	$(PTE_P + PTE_RW + PTE_PS), %eax
	mov	$512, %ecx
1:	mov	%eax, (%edi)		# bits 63:32 stay 0: all below 4 GiB
	add	$(2 << 20), %eax
	add	$8, %edi
	loop	1b
	mov	$msg_tables, %esi
	call	puts32

	# Enter IA-32e mode, SDM Vol. 3A 9.8.5: with paging off (it is),
	# 1. set CR4.PAE,
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$msg_pae, %esi
	call	puts32

	# 2. load CR3 with the physical address of the PML4,
	mov	$pml4, %eax
	mov	%eax, %cr3
	mov	$msg_cr3, %esi
	call	puts32

	# 3. set IA32_EFER.LME (read-modify-write: keep the other bits),
	#    and read it back to see that the write took.
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	test	$EFER_LME, %eax
	jz	fail32
	mov	$msg_lme, %esi
	call	puts32

	# 4. set CR0.PG. This activates IA-32e mode: the CPU sets EFER.LMA
	#    (SDM Vol. 3A 9.8.5, 2.2.1). We are now in compatibility mode,
	#    still running this 32-bit code, now through the page tables; the
	#    code is identity-mapped, as 9.8.5 requires of the MOV to CR0 and
	#    the instructions that follow it.
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	mov	$MSR_EFER, %ecx
	rdmsr
	test	$EFER_LMA, %eax
	jz	fail32
	mov	$msg_lma, %esi
	call	puts32

	# 5. far-jump to a code segment with L = 1: 64-bit mode.
	ljmp	$SEL_CODE64, $lm64

fail32:
	mov	$msg_fail, %esi
	call	puts32
	mov	$1, %al
	out	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b

# ESI = NUL-terminated string.
puts32:
	push	%eax
	push	%edx
	push	%esi
	mov	$COM1_THR, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	pop	%esi
	pop	%edx
	pop	%eax
	ret

/* ------------------------------------------------------------------------ */
	.code64
lm64:
	# DS, ES, SS keep the flat data selector loaded in protected mode;
	# in 64-bit mode their bases and limits are not used (SDM Vol. 3A
	# 3.4.4). Reload RSP so that bits 63:32 are known to be zero.
	mov	$stack_top, %esp	# zero-extends into RSP

	lea	msg_long(%rip), %rsi
	call	con_puts
	lea	msg_hello(%rip), %rsi
	call	con_puts
	xor	%al, %al
	call	con_exit

	.include "console64.inc"

/* ------------------------------------------------------------------------ */
	.section .rodata
	.balign	8
	# Segment descriptors, SDM Vol. 3A 3.4.5 (figure 3-8): base 0,
	# limit 0xfffff with G = 1 (4 GiB), P = 1, DPL = 0, S = 1. The type
	# has the accessed bit already set, so that loading a selector does
	# not make the CPU write to this table.
gdt:
	.quad	0			# 0x00: the null descriptor
	.quad	0x00cf9b000000ffff	# 0x08: code, execute/read, D = 1 (32-bit)
	.quad	0x00cf93000000ffff	# 0x10: data, read/write, B = 1
	.quad	0x00af9b000000ffff	# 0x18: code, execute/read, L = 1, D = 0
gdt_end:

	# Operand of LGDT: 16-bit limit, then the linear base (SDM Vol. 3A
	# 3.5.1). The base is the link address, which is the linear address
	# because the image runs where it is linked.
	.balign	8
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

msg_real:	.asciz "real mode: ok\n"
msg_prot:	.asciz "protected mode: ok\n"
msg_tables:	.asciz "page tables: ok\n"
msg_pae:	.asciz "CR4.PAE: ok\n"
msg_cr3:	.asciz "CR3: ok\n"
msg_lme:	.asciz "EFER.LME: ok\n"
msg_lma:	.asciz "CR0.PG: ok, EFER.LMA set\n"
msg_long:	.asciz "long mode: ok\n"
msg_hello:	.asciz "Hello from a 64-bit minivisor guest\n"
msg_fail:	.asciz "hello-long: FAIL\n"

/* ------------------------------------------------------------------------ */
	.section .bss
	.balign	4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4096
	.skip	4096
stack_top:
