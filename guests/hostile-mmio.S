# SPDX-License-Identifier: GPL-2.0
#
# hostile-mmio: MMIO storms and MMIO the module cannot emulate, one image
# per case (the Makefile assembles this file with --defsym MMIO_CASE=N, all
# `--entry long`, whose page tables map the first 4 GiB). U = 0xd0000000
# is in the MMIO hole and claimed by no device: the VMM ignores writes and
# reads all-ones there (userspace/README.md, "Devices"); the mmio_test
# device is at 0xfe000000.
#
#   hostile-mmio-storm  1  200000 accesses to unclaimed addresses: loads
#                          and stores of 1, 2, 4 and 8 bytes in rotation,
#                          each to another address; prints a line before
#                          and after (the scenario stops it midway)
#   hostile-mmio-forms  2  100 rounds of the same 24 accesses, each form
#                          the decoder knows: MOV loads of 1/2/4/8 bytes,
#                          MOVZX, MOVSX, MOV stores of 1/2/4/8 bytes, ADD
#                          to memory (read + write), CMP, TEST, XCHG (read
#                          + write), REP STOSB of 4, MOVSQ RAM -> MMIO and
#                          MMIO -> RAM: 11 reads and 11 writes at U, each
#                          read checked to be all-ones; a store and a load
#                          back at the device's scratch memory. Then the
#                          device's write counter (one more read): 2401
#                          accesses, 1100 unhandled reads and 1100
#                          unhandled writes, in exactly 2201 EPT-violation
#                          exits (the write half of ADD and XCHG comes back
#                          from the RUN that completes the read)
#   hostile-mmio-exec   3  jumps to U: instructions fetched from MMIO
#   hostile-mmio-sse    4  MOVDQU from U into XMM0 (an instruction the
#                          decoder does not know)
#   hostile-mmio-stack  5  RSP in MMIO, then PUSH
#   hostile-mmio-idt    6  the IDT in MMIO, then UD2: the #UD cannot be
#                          delivered without reading MMIO
#   hostile-mmio-pt     7  a page table in MMIO: PD[0x200] (linear 1 GiB)
#                          points to a page table at U, then a load from
#                          1 GiB makes the CPU walk through U. The module
#                          cannot emulate a page walk (a CPU would read
#                          all-ones as the PTE and raise #PF for its
#                          reserved bits); it must not take the walk's
#                          read for the load's own. If the guest gets past
#                          the load it prints what it got
#   hostile-mmio-moffs  8  MOV EAX, [U] in its moffs form (opcode A1, the
#                          one assemblers pick for an absolute address
#                          and the accumulator): a MOV, which should read
#                          all-ones like any other; prints what it got
#
# 3 to 7 must stop the run with the module's "could not emulate" internal
# error (status 3), naming the guest-physical address; 8 must not stop it.
# Each prints "mmio: <case>" first; 1, 2 and 8 end with exit code 0 (1 if
# a check failed).

	.set	U, 0xd0000000
	.set	DEV, 0xfe000000
	.set	DEV_WRITES, DEV + 0xff8
	.set	STORM_N, 200000
	.set	ROUNDS, 100
	.set	CR0_EM, 1 << 2
	.set	CR0_MP, 1 << 1
	.set	CR4_OSFXSR, 1 << 9
	.set	PTE_P, 1 << 0
	.set	PTE_RW, 1 << 1

	.include "idt64.inc"
	.include "hostile64.inc"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	lea	msg_start(%rip), %rsi
	call	con_puts
	mov	$U, %edi		# zero-extended: RDI = U
.if MMIO_CASE == 1
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	and	$0xfff8, %eax		# another address each time
	lea	(%rdi,%rax), %rsi
	mov	%ecx, %eax
	and	$7, %eax
	jmp	*storm_ops(,%rax,8)
s0:	movb	(%rsi), %al
	jmp	2f
s1:	movw	(%rsi), %ax
	jmp	2f
s2:	movl	(%rsi), %eax
	jmp	2f
s3:	movq	(%rsi), %rax
	jmp	2f
s4:	movb	%cl, (%rsi)
	jmp	2f
s5:	movw	%cx, (%rsi)
	jmp	2f
s6:	movl	%ecx, (%rsi)
	jmp	2f
s7:	movq	%rcx, (%rsi)
2:	inc	%ecx
	cmp	$STORM_N, %ecx
	jb	1b
	lea	msg_done(%rip), %rsi
	call	con_puts
	xor	%eax, %eax
	call	con_exit

.elseif MMIO_CASE == 2
	mov	$DEV, %r15d
	lea	ram_buf(%rip), %r14
	mov	$ROUNDS, %r13d
round:
	# Loads: all-ones of their size, extended as the form says.
	xor	%eax, %eax
	movb	(%rdi), %al
	cmp	$0xff, %rax
	jne	bad
	xor	%eax, %eax
	movw	(%rdi), %ax
	cmp	$0xffff, %rax
	jne	bad
	movq	$0, %rax
	movl	(%rdi), %eax		# zero-extends
	mov	$0xffffffff, %ebx
	cmp	%rbx, %rax
	jne	bad
	movq	(%rdi), %rax
	cmp	$-1, %rax
	jne	bad
	movzbl	(%rdi), %eax
	cmp	$0xff, %rax
	jne	bad
	movsbq	(%rdi), %rax
	cmp	$-1, %rax
	jne	bad
	# Stores of each size.
	movb	%al, (%rdi)
	movw	%ax, 2(%rdi)
	movl	%eax, 4(%rdi)
	movq	%rax, 8(%rdi)
	# Read-modify-write: 0xffffffff + 1 = 0 with CF set.
	addl	$1, 16(%rdi)
	jnc	bad
	# CMP and TEST: a read each, flags from all-ones.
	cmpl	$0, 20(%rdi)
	je	bad
	testb	$0x80, 24(%rdi)
	jz	bad
	# XCHG: the register gets all-ones, the device the old register.
	mov	$0x12345678, %eax
	xchg	%eax, 28(%rdi)
	cmp	$0xffffffff, %eax
	jne	bad
	# REP STOSB of 4 bytes: 4 writes.
	push	%rdi
	add	$32, %rdi
	mov	$4, %ecx
	mov	$0x5a, %al
	cld
	rep stosb
	pop	%rdi
	# MOVSQ RAM -> MMIO (a write), then MMIO -> RAM (a read).
	movq	$0x1122334455667788, %rax
	mov	%rax, (%r14)
	mov	%r14, %rsi
	push	%rdi
	add	$40, %rdi
	movsq
	pop	%rdi
	movq	$0, 8(%r14)
	lea	48(%rdi), %rsi
	push	%rdi
	lea	8(%r14), %rdi
	movsq
	pop	%rdi
	cmpq	$-1, 8(%r14)
	jne	bad
	# The device: a store and a load back.
	mov	%r13, %rax
	movq	%rax, 0x100(%r15)
	movq	0x100(%r15), %rbx
	cmp	%rax, %rbx
	jne	bad
	dec	%r13d
	jnz	round
	lea	msg_forms(%rip), %rsi
	call	con_puts
	mov	$DEV_WRITES, %eax
	mov	(%rax), %rax
	mov	%rax, %rbx
	cmp	$ROUNDS, %rax
	jne	bad_counter
	lea	msg_counter(%rip), %rsi
	call	con_puts
	call	con_putdec
	mov	$'\n', %al
	call	con_putc
	xor	%eax, %eax
	call	con_exit
bad_counter:
	lea	msg_bad_counter(%rip), %rsi
	jmp	fail
bad:
	mov	%rax, %rbx
	lea	msg_bad(%rip), %rsi
fail:
	call	con_puts
	mov	%rbx, %rax
	call	con_puthex
	mov	$'\n', %al
	call	con_putc
	mov	$1, %al
	call	con_exit

.elseif MMIO_CASE == 3
	jmp	*%rdi

.elseif MMIO_CASE == 4
	mov	%cr0, %rax
	and	$~CR0_EM, %rax
	or	$CR0_MP, %rax
	mov	%rax, %cr0
	mov	%cr4, %rax
	or	$CR4_OSFXSR, %rax
	mov	%rax, %cr4
	movdqu	(%rdi), %xmm0

.elseif MMIO_CASE == 5
	lea	0x1000(%rdi), %rsp
	push	%rax

.elseif MMIO_CASE == 6
	movw	$0xfff, idt_mmio(%rip)
	mov	%rdi, idt_mmio + 2(%rip)
	lidt	idt_mmio(%rip)
	ud2

.elseif MMIO_CASE == 7
	TRAPS_INSTALL
	# PD 0 (at 0x3000, the first GiB's) is the VMM's; the second GiB has
	# the PD at 0x4000: entry 0 of it maps 1 GiB .. 1 GiB + 2 MiB.
	mov	$0x4000, %ebx
	mov	$(U + PTE_P + PTE_RW), %eax
	mov	%rax, (%rbx)		# a PDE without PS: a page table at U
	invlpg	0x40000000
	mov	$0x40000000, %esi
	mov	$0x5a5a5a5a, %eax
	EXPECT_TRAP
	mov	(%rsi), %eax
1:	mov	%rax, %rbx
	mov	trap_last(%rip), %ecx
	mov	trap_counts + 14 * 4(%rip), %edx
	lea	msg_pt_got(%rip), %rsi
	call	con_puts
	mov	%rbx, %rax
	call	con_puthex
	lea	msg_pt_pf(%rip), %rsi
	call	con_puts
	mov	%edx, %eax
	call	con_putdec
	mov	$'\n', %al
	call	con_putc
	xor	%eax, %eax
	call	con_exit

.elseif MMIO_CASE == 8
	movabs	U, %eax			# A1 with a 64-bit address
	mov	%rax, %rbx
	lea	msg_moffs_got(%rip), %rsi
	call	con_puts
	mov	%rbx, %rax
	call	con_puthex
	mov	$'\n', %al
	call	con_putc
	xor	%eax, %eax
	call	con_exit
.endif
	# 3 to 6: not reached if the module stops the VM.
	lea	msg_survived(%rip), %rsi
	call	con_puts
	mov	$1, %al
	call	con_exit

	.include "console64.inc"

	.section .rodata
	.balign	8
.if MMIO_CASE == 1
storm_ops:	.quad	s0, s1, s2, s3, s4, s5, s6, s7
.endif
msg_start:
.if MMIO_CASE == 1
	.asciz	"mmio: storm of 200000 accesses to unclaimed addresses\n"
.elseif MMIO_CASE == 2
	.asciz	"mmio: forms: 100 rounds of 22 accesses to unclaimed U and 2 to the device\n"
.elseif MMIO_CASE == 3
	.asciz	"mmio: jump to 0xd0000000\n"
.elseif MMIO_CASE == 4
	.asciz	"mmio: MOVDQU from 0xd0000000\n"
.elseif MMIO_CASE == 5
	.asciz	"mmio: RSP = 0xd0001000, PUSH\n"
.elseif MMIO_CASE == 6
	.asciz	"mmio: IDT at 0xd0000000, UD2\n"
.elseif MMIO_CASE == 7
	.asciz	"mmio: page table at 0xd0000000, load from 0x40000000\n"
.else
	.asciz	"mmio: MOV EAX, moffs 0xd0000000 (A1)\n"
.endif
msg_done:	.asciz	"mmio: storm done\n"
msg_forms:	.asciz	"mmio: forms: every value as expected\n"
msg_counter:	.asciz	"mmio: device write counter "
msg_bad_counter: .asciz	"mmio: FAIL device write counter "
msg_bad:	.asciz	"mmio: FAIL unexpected value "
msg_survived:	.asciz	"mmio: FAIL the VM went on\n"
msg_pt_got:	.asciz	"mmio: load through the MMIO page table: "
msg_pt_pf:	.asciz	", #PF count "
msg_moffs_got:	.asciz	"mmio: moffs load: "

	.bss
	.balign	4096
idt_mmio:	.skip	10
	.balign	16
ram_buf:	.skip	16
