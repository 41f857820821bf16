# SPDX-License-Identifier: GPL-2.0
#
# mmio: loads and stores to the VMM's test device, one check per line.
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# The image is linked at 0x10000.
#
# The test device is at guest-physical 0xfe000000, outside guest RAM, so
# every access is an EPT violation that the kernel decodes and forwards to
# the VMM as an MMIO exit:
#   0x000..0x7ff  scratch: reads return what was written, initially zero
#   0x800..0x807  ID, read-only: the bytes of 0x8877665544332211
#   0xff8         8 bytes: how many writes the device has seen
#
# Only plain MOVs touch the device (88, 89, 8A, 8B, C6 /0, C7 /0, with 66
# and REX prefixes): those are what the kernel's decoder guarantees. Each
# check pins down one part of the decoding: the operand size; the register
# (AH..BH without REX vs. SPL..DIL and R8..R15 with it); the addressing
# form, including the R12/R13 special cases of ModRM (SDM Vol. 2A 2.2.1.2,
# table 2-5); and how a load writes its destination: an 8- or 16-bit load
# leaves the rest of the register alone, a 32-bit load zeroes bits 63:32
# (SDM Vol. 1 3.4.1.1).
#
# Each check prints "mmio: <what> ok". A failed one prints
# "mmio: FAIL <what>: got X, want Y" and exits with code 1.

	.set	MMIO_ID, 0x800
	.set	MMIO_WRITES, 0xff8
	.set	ID_VALUE, 0x8877665544332211

	.include "mmio_map64.inc"

# EXPECT reg, want, name: compare \reg (any 64-bit register) with \want (an
# immediate $x or a memory operand) and print the result. Changes nothing
# but the flags.
	.macro	EXPECT reg:req, want:req, name:req
	mov	\reg, check_got(%rip)
	push	%rax
	mov	\want, %rax
	mov	%rax, check_want(%rip)
	pop	%rax
	push	%rsi
	lea	.Lname\@(%rip), %rsi
	call	check
	pop	%rsi
	.pushsection .rodata
.Lname\@:
	.asciz	"\name"
	.popsection
	.endm

# MMIO_STORE insn: an instruction that writes to the device once, counted
# so that the device's write counter can be checked at the end.
	.macro	MMIO_STORE insn:vararg
	\insn
	incq	nstores(%rip)
	.endm

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
	cld
	mov	$stack_top, %esp	# zero-extends into RSP

	# Our own page tables, see mmio_map64.inc.
	MMIO_PAGE_TABLES

	mov	$MMIO_BASE, %ebx	# the base register of most accesses

	# -- The device before any store -------------------------------------

	mov	0x7f8(%rbx), %rcx
	EXPECT	%rcx, $0, "load64 of untouched scratch is 0"

	# -- The ID register, each size, into various registers --------------

	mov	$-1, %rdx
	mov	MMIO_ID(%rbx), %dl			# 8A, reg 2
	EXPECT	%rdx, $0xffffffffffffff11, "id load8 into DL keeps bits 63:8"

	mov	$0x0123456789abcdef, %rax
	mov	MMIO_ID(%rbx), %ah			# 8A, reg 4 = AH (no REX)
	EXPECT	%rax, $0x0123456789ab11ef, "id load8 into AH keeps the rest of RAX"

	mov	$0x5555555555555555, %r10
	mov	MMIO_ID(%rbx), %r10w			# 66 REX.R 8B
	EXPECT	%r10, $0x5555555555552211, "id load16 into R10W keeps bits 63:16"

	mov	$-1, %r9
	mov	MMIO_ID(%rbx), %r9d			# REX.R 8B
	EXPECT	%r9, $0x44332211, "id load32 into R9D clears bits 63:32"

	mov	MMIO_ID(%rbx), %r12			# REX.WR 8B
	EXPECT	%r12, $ID_VALUE, "id load64 into R12"

	mov	MMIO_ID(%rbx), %rbx			# destination = base
	EXPECT	%rbx, $ID_VALUE, "id load64 into its own base register"
	mov	$MMIO_BASE, %ebx

	# -- 8-bit stores and loads ------------------------------------------

	mov	$0xa5, %ecx
	MMIO_STORE mov %cl, (%rbx)			# 88, [base]
	mov	$-1, %rdx
	mov	(%rbx), %dl				# 8A, [base]
	EXPECT	%rdx, $0xffffffffffffffa5, "store8 CL / load8 DL, [base]"

	mov	$0x3c00, %eax
	MMIO_STORE mov %ah, 1(%rbx)			# 88, reg 4 = AH, [base+disp8]
	xor	%ecx, %ecx
	mov	1(%rbx), %ch				# 8A, reg 5 = CH
	EXPECT	%rcx, $0x3c00, "store8 AH / load8 CH (no REX), [base+disp8]"

	mov	$0x7e, %edi
	MMIO_STORE mov %dil, 2(%rbx)			# REX 88, reg 7 = DIL
	mov	$-1, %rsi
	mov	2(%rbx), %sil				# REX 8A, reg 6 = SIL
	EXPECT	%rsi, $0xffffffffffffff7e, "store8 DIL / load8 SIL (REX, not BH/DH)"

	MMIO_STORE movb $0x5a, 3(%rbx)			# C6 /0 ib
	xor	%r8d, %r8d
	mov	3(%rbx), %r8b				# REX.R 8A
	EXPECT	%r8, $0x5a, "store8 imm / load8 R8B"

	mov	(%rbx), %r11d
	EXPECT	%r11, $0x5a7e3ca5, "byte stores leave their neighbours alone"

	# -- 16-bit stores and loads -----------------------------------------

	mov	$0x1234, %eax
	MMIO_STORE mov %ax, 0x10(%rbx)			# 66 89
	mov	$0x5555555555555555, %r10
	mov	0x10(%rbx), %r10w			# 66 REX.R 8B
	EXPECT	%r10, $0x5555555555551234, "store16 AX / load16 R10W keeps bits 63:16"

	MMIO_STORE movw $0xbeef, 0x12(%rbx)		# 66 C7 /0 iw
	mov	$-1, %rcx
	mov	0x12(%rbx), %cx				# 66 8B
	EXPECT	%rcx, $0xffffffffffffbeef, "store16 imm / load16 CX"

	# -- 32-bit stores and loads -----------------------------------------

	mov	$2, %ecx
	mov	$0xcafef00d, %r11d
	MMIO_STORE mov %r11d, 0x100(%rbx,%rcx,8)	# REX.R 89, [base+index*8+disp32]
	mov	$-1, %r9
	mov	0x110(%rbx), %r9d			# REX.R 8B
	EXPECT	%r9, $0xcafef00d, "store32 R11D [base+index*8+disp32] / load32 R9D"

	MMIO_STORE movl $0xdeadbeef, 0x120(%rbx)	# C7 /0 id
	mov	$-1, %r14
	mov	0x120(%rbx), %r14d			# REX.R 8B
	EXPECT	%r14, $0xdeadbeef, "store32 imm / load32 R14D clears bits 63:32"

	# -- 64-bit stores and loads; sub-reads show the byte order ----------

	mov	$0x0807060504030201, %r13
	mov	$0x40, %esi
	MMIO_STORE mov %r13, 0x100(%rbx,%rsi,4)		# REX.WR 89, [base+index*4+disp32]
	mov	0x200(%rbx), %r12			# REX.WR 8B
	EXPECT	%r12, $0x0807060504030201, "store64 R13 [base+index*4+disp32] / load64 R12"

	mov	$-1, %rdx
	mov	0x203(%rbx), %dl
	EXPECT	%rdx, $0xffffffffffffff04, "load8 at +3 of a 64-bit store (little-endian)"

	xor	%eax, %eax
	mov	0x202(%rbx), %ax
	EXPECT	%rax, $0x0403, "load16 at +2 of a 64-bit store"

	mov	0x204(%rbx), %eax
	EXPECT	%rax, $0x08070605, "load32 at +4 of a 64-bit store"

	MMIO_STORE movq $-2, 0x208(%rbx)		# REX.W C7 /0 id, sign-extended
	mov	0x208(%rbx), %rcx
	EXPECT	%rcx, $0xfffffffffffffffe, "store64 imm32 -2 is sign-extended"

	MMIO_STORE movq $0x7fffffff, 0x210(%rbx)	# REX.W C7 /0 id
	mov	0x210(%rbx), %rcx
	EXPECT	%rcx, $0x7fffffff, "store64 imm32 0x7fffffff is not"

	MMIO_STORE mov %rbx, 0x218(%rbx)		# source = base
	mov	0x218(%rbx), %rcx
	EXPECT	%rcx, $MMIO_BASE, "store64 of its own base register"

	# -- ModRM/SIB special cases with REX.B/REX.X ------------------------

	# Base R12 (r/m = 100) always needs a SIB byte; index R8 needs REX.X.
	mov	%rbx, %r12
	mov	$0x300, %r8d
	mov	$0x11223344, %eax
	MMIO_STORE mov %eax, (%r12,%r8,2)		# REX.XB 89, SIB
	# Base R13 (r/m = 101) with mod = 00 would mean RIP+disp32, so it
	# is encoded as mod = 01 with a zero disp8.
	lea	0x600(%rbx), %r13
	mov	$-1, %r15
	mov	(%r13), %r15d				# REX.RB 8B, mod 01
	EXPECT	%r15, $0x11223344, "store32 [R12+R8*2] / load32 [R13]"

	mov	$0x1122334455667788, %rcx
	lea	0x608(%rbx), %r12
	MMIO_STORE mov %rcx, (%r12)			# REX.WB 89, SIB, no index
	lea	0x600(%rbx), %rbp
	mov	8(%rbp), %rdx				# REX.W 8B, base RBP, disp8
	EXPECT	%rdx, $0x1122334455667788, "store64 [R12] / load64 [RBP+8]"

	# -- The device counted every store above ----------------------------

	mov	MMIO_WRITES(%rbx), %rdx
	EXPECT	%rdx, nstores(%rip), "write counter equals the stores done"

	lea	msg_all(%rip), %rsi
	call	con_puts
	mov	npassed(%rip), %rax
	call	con_putdec
	lea	msg_passed(%rip), %rsi
	call	con_puts
	xor	%al, %al
	call	con_exit

# check: compare check_got with check_want; print "mmio: NAME ok", or
# "mmio: FAIL NAME: got X, want Y" and exit 1. RSI = NAME. Preserves
# every register and the flags.
check:
	pushf
	push	%rax
	push	%rsi
	mov	check_got(%rip), %rax
	cmp	check_want(%rip), %rax
	jne	1f
	incq	npassed(%rip)
	lea	msg_prefix(%rip), %rsi
	call	con_puts
	mov	(%rsp), %rsi
	call	con_puts
	lea	msg_ok(%rip), %rsi
	call	con_puts
	pop	%rsi
	pop	%rax
	popf
	ret
1:	lea	msg_fail(%rip), %rsi
	call	con_puts
	mov	(%rsp), %rsi
	call	con_puts
	lea	msg_got(%rip), %rsi
	call	con_puts
	call	con_puthex			# RAX = check_got
	lea	msg_want(%rip), %rsi
	call	con_puts
	mov	check_want(%rip), %rax
	call	con_puthex
	mov	$'\n', %al
	call	con_putc
	mov	$1, %al
	call	con_exit

	.include "console64.inc"

	.section .rodata
msg_prefix:	.asciz "mmio: "
msg_ok:		.asciz " ok\n"
msg_fail:	.asciz "mmio: FAIL "
msg_got:	.asciz ": got "
msg_want:	.asciz ", want "
msg_all:	.asciz "mmio: all "
msg_passed:	.asciz " checks passed\n"

	.section .data
	.balign	8
check_got:	.quad 0
check_want:	.quad 0
nstores:	.quad 0		# MMIO stores done
npassed:	.quad 0		# checks passed

	.section .bss
	.balign	4096
pml4:		.skip 4096
pdpt:		.skip 4096
pd_low:		.skip 4096
pd_high:	.skip 4096
		.skip 4096
stack_top:
