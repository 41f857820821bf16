# SPDX-License-Identifier: GPL-2.0
#
# mmio-forms: the instructions beyond MOV that the kernel emulates for
# MMIO, against the VMM's test device, one check per line.
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# The image is linked at 0x10000.
#
# The test device is at guest-physical 0xfe000000, outside guest RAM
# (see mmio.S):
#   0x000..0x7ff  scratch: reads return what was written, initially zero
#   0x800..0x807  ID, read-only: the bytes of 0x8877665544332211
#   0xff8         8 bytes: how many writes the device has seen
#
# Forms and what each check pins down:
#   - MOVZX/MOVSX (0F B6/B7/BE/BF) and MOVSXD (63): the load size and the
#     zero/sign extension to the destination size; 16-bit destinations
#     keep bits 63:16, 32-bit ones clear bits 63:32 (SDM Vol. 1 3.4.1.1).
#   - ALU with a memory destination (ADD, ADC, SBB, SUB, AND, OR, XOR in
#     00..31 and 80/81/83), CMP and TEST (38/39, 84/85, 80/81/83 /7,
#     F6/F7 /0) and ALU into a register (02..3B): the value, the status
#     flags against a constant worked out from the SDM, the same value
#     and flags as the CPU computes for the same instruction on RAM, and
#     how many writes the device saw (1 for a read-modify-write, 0 for
#     CMP/TEST). AF is undefined after AND/OR/XOR/TEST and not compared.
#   - XCHG with memory: both sides swapped, one device write.
#   - STOS and MOVS (RAM to device, device to RAM), with and without REP,
#     DF = 0 and 1, and the 67 prefix: memory, RDI/RSI/RCX afterwards and
#     the number of device writes (one per element).
#
# Each check prints "mmio-forms: <what> ok". A failed one prints
# "mmio-forms: FAIL <what>: <part>: got X, want Y" and exits with code 1.

	.set	MMIO_ID, 0x800
	.set	MMIO_WRITES, 0xff8
	.set	ID_VALUE, 0x8877665544332211
	.set	OP, 0x40		# scratch offset the ALU checks use

	# RFLAGS (SDM Vol. 1 3.4.3).
	.set	CF, 0x001
	.set	PF, 0x004
	.set	AF, 0x010
	.set	ZF, 0x040
	.set	SF, 0x080
	.set	OF, 0x800
	.set	ARITH, CF | PF | AF | ZF | SF | OF	# flags ADD/SUB/CMP define
	.set	LOGIC, CF | PF | ZF | SF | OF		# AND/OR/XOR/TEST: AF undefined
	.set	FL_NONE, 0x002				# bit 1 is always 1
	.set	FL_CF, 0x002 | CF
	.set	FL_ALL, 0x002 | ARITH

	.include "mmio_map64.inc"

# BEGIN name: start a check named \name (for PART and PASS).
	.macro	BEGIN name:req
	push	%rax
	lea	.Lname\@(%rip), %rax
	mov	%rax, cur_name(%rip)
	pop	%rax
	.pushsection .rodata
.Lname\@:
	.asciz	"\name"
	.popsection
	.endm

# PART reg, want, part: one part of the current check: compare \reg (a
# 64-bit register) with \want ($imm or memory). Silent if equal, else
# prints the failure and exits 1. Changes nothing.
	.macro	PART reg:req, want:req, part:req
	mov	\reg, check_got(%rip)
	push	%rax
	mov	\want, %rax
	mov	%rax, check_want(%rip)
	pop	%rax
	push	%rdi
	lea	.Lpart\@(%rip), %rdi
	call	check_part
	pop	%rdi
	.pushsection .rodata
.Lpart\@:
	.asciz	"\part"
	.popsection
	.endm

# PASS: every part of the current check held; print its line.
	.macro	PASS
	call	pass
	.endm

# EXPECT reg, want, name: a check of one part.
	.macro	EXPECT reg:req, want:req, name:req
	BEGIN	"\name"
	PART	\reg, \want, "value"
	PASS
	.endm

# ALU_M insn, init, setup, flin, want, wantfl, flmask, nwrites, name:
# \insn has its memory operand at OP(%rbx). It runs first on RAM, then on
# the device, each time with the 8 bytes at OP = \init, the registers set
# by \setup and RFLAGS = \flin. Checks the 8 bytes at OP afterwards
# (\want), the flags (\wantfl, within \flmask), both against the run on
# RAM, and the number of device writes.
	.macro	ALU_M insn:req, init:req, setup, flin:req, want:req, wantfl:req, flmask:req, nwrites:req, name:req
	BEGIN	"\name"
	lea	ram_area(%rip), %rbx
	mov	\init, %rax
	mov	%rax, OP(%rbx)
	\setup
	push	$\flin
	popf
	\insn
	pushf
	pop	%rax
	and	$\flmask, %eax
	mov	%rax, ram_flags(%rip)
	mov	OP(%rbx), %rax
	mov	%rax, ram_val(%rip)

	mov	$MMIO_BASE, %ebx
	mov	\init, %rax
	mov	%rax, OP(%rbx)
	call	writes_mark
	\setup
	push	$\flin
	popf
	\insn
	pushf
	pop	%rax
	and	$\flmask, %eax
	mov	%rax, dev_flags(%rip)
	call	writes_since_mark
	PART	%rax, $\nwrites, "device writes"
	mov	OP(%rbx), %rax
	mov	%rax, dev_val(%rip)
	PART	%rax, \want, "value"
	mov	dev_flags(%rip), %rax
	PART	%rax, $\wantfl, "flags"
	call	same_as_ram
	PASS
	.endm

# ALU_R insn, init, setup, flin, res, want, wantfl, flmask, name: as
# ALU_M for an instruction whose result is register \res.
	.macro	ALU_R insn:req, init:req, setup, flin:req, res:req, want:req, wantfl:req, flmask:req, name:req
	BEGIN	"\name"
	lea	ram_area(%rip), %rbx
	mov	\init, %rax
	mov	%rax, OP(%rbx)
	\setup
	push	$\flin
	popf
	\insn
	pushf
	mov	\res, ram_val(%rip)
	pop	%rax
	and	$\flmask, %eax
	mov	%rax, ram_flags(%rip)

	mov	$MMIO_BASE, %ebx
	mov	\init, %rax
	mov	%rax, OP(%rbx)
	call	writes_mark
	\setup
	push	$\flin
	popf
	\insn
	pushf
	mov	\res, dev_val(%rip)
	pop	%rax
	and	$\flmask, %eax
	mov	%rax, dev_flags(%rip)
	call	writes_since_mark
	PART	%rax, $0, "device writes"
	mov	dev_val(%rip), %rax
	PART	%rax, \want, "value"
	mov	dev_flags(%rip), %rax
	PART	%rax, $\wantfl, "flags"
	call	same_as_ram
	PASS
	.endm

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
	cld
	mov	$stack_top, %esp

	# Our own page tables, see mmio_map64.inc.
	MMIO_PAGE_TABLES

	mov	$MMIO_BASE, %ebx

	# -- MOVZX, MOVSX, MOVSXD from the ID register -----------------------
	# Bytes at 0x800..0x807: 11 22 33 44 55 66 77 88.

	mov	$-1, %rcx
	movzbl	MMIO_ID + 7(%rbx), %ecx
	EXPECT	%rcx, $0x88, "movzx r32, m8 (0F B6): zero-extends, clears 63:32"

	mov	$-1, %rcx
	movzbw	MMIO_ID + 7(%rbx), %cx
	EXPECT	%rcx, $0xffffffffffff0088, "movzx r16, m8 (66 0F B6): keeps 63:16"

	mov	$-1, %r9
	movzbq	MMIO_ID + 7(%rbx), %r9
	EXPECT	%r9, $0x88, "movzx r64, m8 (REX.WR 0F B6)"

	mov	$-1, %rdx
	movzwl	MMIO_ID + 6(%rbx), %edx
	EXPECT	%rdx, $0x8877, "movzx r32, m16 (0F B7)"

	mov	$-1, %r14
	movzwq	MMIO_ID + 6(%rbx), %r14
	EXPECT	%r14, $0x8877, "movzx r64, m16 (REX.WR 0F B7)"

	mov	$0x5555555555555555, %rcx
	movsbl	MMIO_ID + 7(%rbx), %ecx
	EXPECT	%rcx, $0xffffff88, "movsx r32, m8 (0F BE): sign-extends, clears 63:32"

	mov	$0x5555555555555555, %rcx
	movsbw	MMIO_ID + 7(%rbx), %cx
	EXPECT	%rcx, $0x555555555555ff88, "movsx r16, m8 (66 0F BE): keeps 63:16"

	mov	$0x5555555555555555, %r10
	movsbq	MMIO_ID + 7(%rbx), %r10
	EXPECT	%r10, $0xffffffffffffff88, "movsx r64, m8 (REX.WR 0F BE): negative"

	mov	$-1, %r10
	movsbq	MMIO_ID(%rbx), %r10
	EXPECT	%r10, $0x11, "movsx r64, m8 (REX.WR 0F BE): positive"

	mov	$0x5555555555555555, %rsi
	movswl	MMIO_ID + 6(%rbx), %esi
	EXPECT	%rsi, $0xffff8877, "movsx r32, m16 (0F BF)"

	mov	$0, %r11
	movswq	MMIO_ID + 6(%rbx), %r11
	EXPECT	%r11, $0xffffffffffff8877, "movsx r64, m16 (REX.WR 0F BF): negative"

	mov	$-1, %r11
	movswq	MMIO_ID(%rbx), %r11
	EXPECT	%r11, $0x2211, "movsx r64, m16 (REX.WR 0F BF): positive"

	mov	$0, %r12
	movslq	MMIO_ID + 4(%rbx), %r12
	EXPECT	%r12, $0xffffffff88776655, "movsxd r64, m32 (REX.WR 63): negative"

	mov	$-1, %r13
	movslq	MMIO_ID(%rbx), %r13
	EXPECT	%r13, $0x44332211, "movsxd r64, m32 (REX.WR 63): positive"

	mov	$-1, %rax
	movsxd	MMIO_ID + 4(%rbx), %eax
	EXPECT	%rax, $0x88776655, "movsxd r32, m32 (63, no REX.W): clears 63:32"

	# -- Read-modify-write: ALU with a memory destination ----------------

	ALU_M	"addb %cl, OP(%rbx)", $0x0123456789abcd7f, "mov $1, %ecx", FL_NONE, $0x0123456789abcd80, OF|SF|AF, ARITH, 1, "add m8, r8 (00): 0x7f + 1"
	ALU_M	"addb %ah, OP(%rbx)", $0x5a5a5a5a5a5a5af0, "mov $0x1000, %eax", FL_NONE, $0x5a5a5a5a5a5a5a00, CF|ZF|PF, ARITH, 1, "add m8, ah (00, no REX): 0xf0 + 0x10"
	ALU_M	"addl %ecx, OP(%rbx)", $0x01234567ffffffff, "mov $1, %ecx", FL_NONE, $0x0123456700000000, CF|ZF|PF|AF, ARITH, 1, "add m32, r32 (01): 0xffffffff + 1"
	ALU_M	"addw %cx, OP(%rbx)", $0x1111111111117fff, "mov $1, %ecx", FL_NONE, $0x1111111111118000, OF|SF|AF|PF, ARITH, 1, "add m16, r16 (66 01): 0x7fff + 1"
	ALU_M	"addq $-1, OP(%rbx)", $1, "", FL_NONE, $0, CF|ZF|PF|AF, ARITH, 1, "add m64, imm8 (REX.W 83 /0): 1 + -1"
	ALU_M	"addl $0x1000, OP(%rbx)", $0x33333333fffff000, "", FL_NONE, $0x3333333300000000, CF|ZF|PF, ARITH, 1, "add m32, imm32 (81 /0)"
	ALU_M	"lock addl %ecx, OP(%rbx)", $0x2222222200000010, "mov $0x10, %ecx", FL_ALL, $0x2222222200000020, 0, ARITH, 1, "lock add m32, r32 (F0 01): clears stale flags"
	ALU_M	"adcl %ecx, OP(%rbx)", $0x7fffffff, "xor %ecx, %ecx", FL_CF, $0x80000000, OF|SF|AF|PF, ARITH, 1, "adc m32, r32 (11): 0x7fffffff + 0 + CF"
	ALU_M	"sbbb $5, OP(%rbx)", $5, "", FL_CF, $0xff, CF|SF|AF|PF, ARITH, 1, "sbb m8, imm8 (80 /3): 5 - 5 - CF"
	ALU_M	"subb %cl, OP(%rbx)", $0x3300, "mov $1, %ecx", FL_NONE, $0x33ff, CF|SF|AF|PF, ARITH, 1, "sub m8, r8 (28): 0 - 1"
	ALU_M	"subl $0x100, OP(%rbx)", $0x80000000, "", FL_NONE, $0x7fffff00, OF|PF, ARITH, 1, "sub m32, imm32 (81 /5): signed overflow"
	ALU_M	"subq %rcx, OP(%rbx)", $0x100000000, "mov $1, %ecx", FL_NONE, $0xffffffff, AF|PF, ARITH, 1, "sub m64, r64 (REX.W 29): borrow across 32 bits"
	ALU_M	"subw $1, OP(%rbx)", $0x8000, "", FL_NONE, $0x7fff, OF|AF|PF, ARITH, 1, "sub m16, imm8 (66 83 /5): 0x8000 - 1"
	ALU_M	"orw $0x0103, OP(%rbx)", $0x4400000000000000, "", FL_ALL, $0x4400000000000103, PF, LOGIC, 1, "or m16, imm16 (66 81 /1): PF of bits 7:0 only"
	ALU_M	"orl %ecx, OP(%rbx)", $0x9999999900000000, "mov $0x80000000, %ecx", FL_NONE, $0x9999999980000000, SF|PF, LOGIC, 1, "or m32, r32 (09)"
	ALU_M	"orb $0x0f, OP(%rbx)", $0x70, "", FL_ALL, $0x7f, 0, LOGIC, 1, "or m8, imm8 (80 /1): odd parity"
	ALU_M	"andl $0xff00, OP(%rbx)", $0x123456789abcdef0, "", FL_ALL, $0x123456780000de00, PF, LOGIC, 1, "and m32, imm32 (81 /4): clears CF and OF"
	ALU_M	"andq %rcx, OP(%rbx)", $-1, "mov $0x8000000000000000, %rcx", FL_NONE, $0x8000000000000000, SF|PF, LOGIC, 1, "and m64, r64 (REX.W 21)"
	ALU_M	"andl $-2, OP(%rbx)", $-1, "", FL_NONE, $0xfffffffffffffffe, SF, LOGIC, 1, "and m32, imm8 (83 /4): imm sign-extended"
	ALU_M	"andb %cl, OP(%rbx)", $0xf0, "mov $0x0f, %ecx", FL_ALL, $0, ZF|PF, LOGIC, 1, "and m8, r8 (20): zero"
	ALU_M	"xorb $0x80, OP(%rbx)", $0x7f, "", FL_NONE, $0xff, SF|PF, LOGIC, 1, "xor m8, imm8 (80 /6)"
	ALU_M	"xorl %ecx, OP(%rbx)", $0x55555555deadbeef, "mov $0xdeadbeef, %ecx", FL_ALL, $0x5555555500000000, ZF|PF, LOGIC, 1, "xor m32, r32 (31): zero"

	# -- CMP and TEST with memory: flags only, no device write -----------

	ALU_M	"cmpb %cl, OP(%rbx)", $0x80, "mov $0x7f, %ecx", FL_NONE, $0x80, OF|AF, ARITH, 0, "cmp m8, r8 (38): 0x80 - 0x7f"
	ALU_M	"cmpq %rcx, OP(%rbx)", $1, "mov $2, %ecx", FL_NONE, $1, CF|SF|AF|PF, ARITH, 0, "cmp m64, r64 (REX.W 39): 1 - 2"
	ALU_M	"cmpl $5, OP(%rbx)", $5, "", FL_ALL, $5, ZF|PF, ARITH, 0, "cmp m32, imm8 (83 /7): equal"
	ALU_M	"cmpb $0x7f, OP(%rbx)", $0xff, "", FL_NONE, $0xff, SF, ARITH, 0, "cmp m8, imm8 (80 /7)"
	ALU_M	"cmpl $0x12345678, OP(%rbx)", $0x12345678, "", FL_NONE, $0x12345678, ZF|PF, ARITH, 0, "cmp m32, imm32 (81 /7)"
	ALU_M	"testb %cl, OP(%rbx)", $0x80, "mov $0xff, %ecx", FL_ALL, $0x80, SF, LOGIC, 0, "test m8, r8 (84)"
	ALU_M	"testl %ecx, OP(%rbx)", $1, "mov $2, %ecx", FL_NONE, $1, ZF|PF, LOGIC, 0, "test m32, r32 (85): disjoint"
	ALU_M	"testb $1, OP(%rbx)", $3, "", FL_ALL, $3, 0, LOGIC, 0, "test m8, imm8 (F6 /0)"
	ALU_M	"testl $0x80000000, OP(%rbx)", $0xffffffff, "", FL_NONE, $0xffffffff, SF|PF, LOGIC, 0, "test m32, imm32 (F7 /0)"
	ALU_M	"testw $0x8001, OP(%rbx)", $0xffff, "", FL_NONE, $0xffff, SF, LOGIC, 0, "test m16, imm16 (66 F7 /0)"
	ALU_M	"testq $-1, OP(%rbx)", $0, "", FL_NONE, $0, ZF|PF, LOGIC, 0, "test m64, imm32 (REX.W F7 /0)"

	# -- ALU into a register from memory ---------------------------------

	ALU_R	"addl OP(%rbx), %ecx", $0x0000000100000010, "mov $-1, %rcx", FL_NONE, %rcx, $0xf, CF|PF, ARITH, "add r32, m32 (03): clears 63:32"
	ALU_R	"addb OP(%rbx), %dh", $1, "mov $0x1122334455667f88, %rdx", FL_NONE, %rdx, $0x1122334455668088, OF|SF|AF, ARITH, "add dh, m8 (02, no REX)"
	ALU_R	"addq OP(%rbx), %r9", $0x8000000000000000, "mov $0x8000000000000000, %r9", FL_NONE, %r9, $0, CF|OF|ZF|PF, ARITH, "add r64, m64 (REX.WR 03)"
	ALU_R	"orl OP(%rbx), %ecx", $0x0f0f0000, "mov $0xffffffff000000f0, %rcx", FL_ALL, %rcx, $0x0f0f00f0, PF, LOGIC, "or r32, m32 (0B)"
	ALU_R	"orb OP(%rbx), %r10b", $0x80, "mov $1, %r10", FL_NONE, %r10, $0x81, SF|PF, LOGIC, "or r10b, m8 (REX.R 0A)"
	ALU_R	"andl OP(%rbx), %esi", $0xff00ff00, "mov $0x1234567812345678, %rsi", FL_ALL, %rsi, $0x12005600, PF, LOGIC, "and r32, m32 (23)"
	ALU_R	"xorl OP(%rbx), %edi", $0x80000001, "mov $1, %edi", FL_NONE, %rdi, $0x80000000, SF|PF, LOGIC, "xor r32, m32 (33)"
	ALU_R	"xorw OP(%rbx), %cx", $0xffff, "mov $0x123456789abc0000, %rcx", FL_NONE, %rcx, $0x123456789abcffff, SF|PF, LOGIC, "xor r16, m16 (66 33): keeps 63:16"
	ALU_R	"subl OP(%rbx), %edx", $1, "xor %edx, %edx", FL_NONE, %rdx, $0xffffffff, CF|SF|AF|PF, ARITH, "sub r32, m32 (2B): 0 - 1"
	ALU_R	"subb OP(%rbx), %al", $1, "mov $0x1122334455667780, %rax", FL_NONE, %rax, $0x112233445566777f, OF|AF, ARITH, "sub al, m8 (2A): 0x80 - 1"
	ALU_R	"cmpl OP(%rbx), %ecx", $5, "mov $0xffffffff00000003, %rcx", FL_NONE, %rcx, $0xffffffff00000003, CF|SF|AF, ARITH, "cmp r32, m32 (3B): register unchanged"
	ALU_R	"cmpq OP(%rbx), %r13", $0x8000000000000000, "mov $0x7fffffffffffffff, %r13", FL_NONE, %r13, $0x7fffffffffffffff, CF|OF|SF|PF, ARITH, "cmp r64, m64 (REX.WR 3B)"
	ALU_R	"adcq OP(%rbx), %rcx", $-1, "xor %ecx, %ecx", FL_CF, %rcx, $0, CF|ZF|PF|AF, ARITH, "adc r64, m64 (REX.W 13): 0 + -1 + CF"
	ALU_R	"sbbw OP(%rbx), %cx", $1, "mov $0x5555555555550002, %rcx", FL_CF, %rcx, $0x5555555555550000, ZF|PF, ARITH, "sbb r16, m16 (66 1B): 2 - 1 - CF"

	# -- XCHG with memory ------------------------------------------------

	BEGIN	"xchg m32, r32 (87): swaps, clears 63:32, keeps flags"
	mov	$0x1111111122222222, %rax
	mov	%rax, 0x500(%rbx)
	call	writes_mark
	mov	$0xffffffff33333333, %rcx
	push	$FL_ALL
	popf
	xchg	%ecx, 0x500(%rbx)
	pushf
	pop	%rax
	and	$ARITH, %eax
	PART	%rax, $ARITH, "flags"
	PART	%rcx, $0x22222222, "register"
	mov	0x500(%rbx), %rax
	PART	%rax, $0x1111111133333333, "memory"
	call	writes_since_mark
	PART	%rax, $1, "device writes"
	PASS

	BEGIN	"xchg m8, ah (86, no REX)"
	movq	$0xaa, 0x508(%rbx)
	mov	$0x1122334455667788, %rax
	xchg	%ah, 0x508(%rbx)
	PART	%rax, $0x112233445566aa88, "register"
	mov	0x508(%rbx), %rax
	PART	%rax, $0x77, "memory"
	PASS

	BEGIN	"xchg m64, r8 (REX.WR 87)"
	mov	$0x0123456789abcdef, %rax
	mov	%rax, 0x510(%rbx)
	mov	$0xfedcba9876543210, %r8
	xchg	%r8, 0x510(%rbx)
	PART	%r8, $0x0123456789abcdef, "register"
	mov	0x510(%rbx), %rax
	PART	%rax, $0xfedcba9876543210, "memory"
	PASS

	# -- STOS ------------------------------------------------------------

	BEGIN	"stosb (AA): one byte, RDI + 1, RCX untouched"
	call	writes_mark
	lea	0x300(%rbx), %rdi
	mov	$0x12345678abcdefa5, %rax
	mov	$7, %ecx
	stosb
	PART	%rdi, $(MMIO_BASE + 0x301), "rdi"
	PART	%rcx, $7, "rcx"
	call	writes_since_mark
	PART	%rax, $1, "device writes"
	mov	0x300(%rbx), %rax
	PART	%rax, $0xa5, "memory"
	PASS

	BEGIN	"stosw (66 AB): RDI + 2"
	lea	0x308(%rbx), %rdi
	mov	$0xbeef, %eax
	stosw
	PART	%rdi, $(MMIO_BASE + 0x30a), "rdi"
	mov	0x308(%rbx), %rax
	PART	%rax, $0xbeef, "memory"
	PASS

	BEGIN	"stosl (AB): RDI + 4"
	lea	0x310(%rbx), %rdi
	mov	$0xdeadbeef, %eax
	stosl
	PART	%rdi, $(MMIO_BASE + 0x314), "rdi"
	mov	0x310(%rbx), %rax
	PART	%rax, $0xdeadbeef, "memory"
	PASS

	BEGIN	"stosq (REX.W AB): RDI + 8"
	lea	0x318(%rbx), %rdi
	mov	$0x0102030405060708, %rax
	stosq
	PART	%rdi, $(MMIO_BASE + 0x320), "rdi"
	mov	0x318(%rbx), %rax
	PART	%rax, $0x0102030405060708, "memory"
	PASS

	BEGIN	"rep stosb (F3 AA), RCX = 5: five writes"
	call	writes_mark
	lea	0x320(%rbx), %rdi
	mov	$0x5a, %eax
	mov	$5, %ecx
	rep stosb
	PART	%rdi, $(MMIO_BASE + 0x325), "rdi"
	PART	%rcx, $0, "rcx"
	call	writes_since_mark
	PART	%rax, $5, "device writes"
	mov	0x320(%rbx), %rax
	PART	%rax, $0x5a5a5a5a5a, "memory"
	PASS

	BEGIN	"rep stosq (F3 REX.W AB), RCX = 3"
	call	writes_mark
	lea	0x330(%rbx), %rdi
	mov	$0x1111222233334444, %rax
	mov	$3, %ecx
	rep stosq
	PART	%rdi, $(MMIO_BASE + 0x348), "rdi"
	PART	%rcx, $0, "rcx"
	call	writes_since_mark
	PART	%rax, $3, "device writes"
	mov	0x330(%rbx), %rax
	PART	%rax, $0x1111222233334444, "memory[0]"
	mov	0x340(%rbx), %rax
	PART	%rax, $0x1111222233334444, "memory[2]"
	PASS

	BEGIN	"std; rep stosl (F3 AB), RCX = 3: downwards"
	call	writes_mark
	lea	0x358(%rbx), %rdi
	mov	$0xcafef00d, %eax
	mov	$3, %ecx
	std
	rep stosl
	cld
	PART	%rdi, $(MMIO_BASE + 0x34c), "rdi"
	PART	%rcx, $0, "rcx"
	call	writes_since_mark
	PART	%rax, $3, "device writes"
	mov	0x350(%rbx), %rax
	PART	%rax, $0xcafef00dcafef00d, "memory 0x350"
	mov	0x358(%rbx), %rax
	PART	%rax, $0xcafef00d, "memory 0x358"
	mov	0x348(%rbx), %rax
	PART	%rax, $0, "memory 0x348 untouched"
	PASS

	BEGIN	"rep stosb with RCX = 0: nothing"
	call	writes_mark
	lea	0x360(%rbx), %rdi
	xor	%ecx, %ecx
	rep stosb
	PART	%rdi, $(MMIO_BASE + 0x360), "rdi"
	call	writes_since_mark
	PART	%rax, $0, "device writes"
	PASS

	BEGIN	"addr32 rep stosw (67 F3 66 AB): EDI and ECX, as on RAM"
	lea	ram_area(%rip), %edi
	mov	$0xffffffff, %eax
	shl	$32, %rax
	or	%rax, %rdi			# bits 63:32 are ignored
	mov	$0xffffffff00000002, %rcx
	addr32 rep stosw
	mov	%rdi, ram_val(%rip)		# what the CPU leaves in RDI/RCX
	mov	%rcx, ram_flags(%rip)
	lea	ram_area(%rip), %eax
	sub	%rax, ram_val(%rip)
	mov	$0xffffffff00000000 + MMIO_BASE + 0x370, %rdi
	mov	$0xffffffff00000002, %rcx
	mov	$0x4321, %eax
	addr32 rep stosw
	PART	%rcx, $0, "rcx"
	PART	%rcx, ram_flags(%rip), "rcx as on RAM"
	PART	%rdi, $(MMIO_BASE + 0x374), "rdi"
	lea	-0x370(%rdi), %rdi
	sub	%rbx, %rdi
	PART	%rdi, ram_val(%rip), "rdi as on RAM"
	mov	0x370(%rbx), %rax
	PART	%rax, $0x43214321, "memory"
	PASS

	# -- MOVS ------------------------------------------------------------

	BEGIN	"movsb (A4) RAM to device: RSI and RDI + 1"
	call	writes_mark
	lea	src_data(%rip), %rsi
	lea	0x400(%rbx), %rdi
	movsb
	lea	src_data + 1(%rip), %rax
	PART	%rsi, %rax, "rsi"
	PART	%rdi, $(MMIO_BASE + 0x401), "rdi"
	call	writes_since_mark
	PART	%rax, $1, "device writes"
	mov	0x400(%rbx), %rax
	PART	%rax, $0x01, "memory"
	PASS

	BEGIN	"rep movsq (F3 REX.W A5) RAM to device, RCX = 2"
	call	writes_mark
	lea	src_data(%rip), %rsi
	lea	0x410(%rbx), %rdi
	mov	$2, %ecx
	rep movsq
	lea	src_data + 16(%rip), %rax
	PART	%rsi, %rax, "rsi"
	PART	%rdi, $(MMIO_BASE + 0x420), "rdi"
	PART	%rcx, $0, "rcx"
	call	writes_since_mark
	PART	%rax, $2, "device writes"
	mov	0x410(%rbx), %rax
	PART	%rax, src_data(%rip), "memory[0]"
	mov	0x418(%rbx), %rax
	PART	%rax, src_data + 8(%rip), "memory[1]"
	PASS

	BEGIN	"rep movsl (F3 A5) device to RAM, RCX = 2"
	call	writes_mark
	lea	MMIO_ID(%rbx), %rsi
	lea	dst_data(%rip), %rdi
	mov	$2, %ecx
	rep movsl
	PART	%rsi, $(MMIO_BASE + MMIO_ID + 8), "rsi"
	lea	dst_data + 8(%rip), %rax
	PART	%rdi, %rax, "rdi"
	PART	%rcx, $0, "rcx"
	call	writes_since_mark
	PART	%rax, $0, "device writes"
	mov	dst_data(%rip), %rax
	PART	%rax, $ID_VALUE, "memory"
	PASS

	BEGIN	"std; rep movsb (F3 A4) device to RAM, RCX = 3: downwards"
	lea	MMIO_ID + 2(%rbx), %rsi
	lea	dst_data + 16 + 2(%rip), %rdi
	mov	$3, %ecx
	std
	rep movsb
	cld
	PART	%rsi, $(MMIO_BASE + MMIO_ID - 1), "rsi"
	lea	dst_data + 16 - 1(%rip), %rax
	PART	%rdi, %rax, "rdi"
	PART	%rcx, $0, "rcx"
	mov	dst_data + 16(%rip), %rax
	PART	%rax, $0x332211, "memory"
	PASS

	BEGIN	"std; movsw (66 A5) RAM to device: RSI and RDI - 2"
	lea	src_data + 8(%rip), %rsi
	lea	0x420(%rbx), %rdi
	std
	movsw
	cld
	lea	src_data + 6(%rip), %rax
	PART	%rsi, %rax, "rsi"
	PART	%rdi, $(MMIO_BASE + 0x41e), "rdi"
	mov	0x420(%rbx), %rax
	PART	%rax, $0x1211, "memory"
	PASS

	lea	msg_all(%rip), %rsi
	call	con_puts
	mov	npassed(%rip), %rax
	call	con_putdec
	lea	msg_passed(%rip), %rsi
	call	con_puts
	xor	%al, %al
	call	con_exit

# writes_mark: remember the device's write counter. writes_since_mark:
# RAX = writes since then. Both preserve the flags.
writes_mark:
	pushf
	push	%rax
	mov	$MMIO_BASE + MMIO_WRITES, %eax
	mov	(%rax), %rax
	mov	%rax, writes_before(%rip)
	pop	%rax
	popf
	ret

writes_since_mark:
	pushf
	mov	$MMIO_BASE + MMIO_WRITES, %eax
	mov	(%rax), %rax
	sub	writes_before(%rip), %rax
	popf
	ret

# same_as_ram: the parts "value as on RAM" and "flags as on RAM".
# Changes RAX.
same_as_ram:
	mov	dev_val(%rip), %rax
	PART	%rax, ram_val(%rip), "value as on RAM"
	mov	dev_flags(%rip), %rax
	PART	%rax, ram_flags(%rip), "flags as on RAM"
	ret

# check_part: compare check_got with check_want; silent if equal, else
# print "mmio-forms: FAIL <cur_name>: <RDI>: got X, want Y" and exit 1.
# Preserves every register and the flags.
check_part:
	pushf
	push	%rax
	mov	check_got(%rip), %rax
	cmp	check_want(%rip), %rax
	jne	1f
	pop	%rax
	popf
	ret
1:	lea	msg_fail(%rip), %rsi
	call	con_puts
	mov	cur_name(%rip), %rsi
	call	con_puts
	lea	msg_sep(%rip), %rsi
	call	con_puts
	mov	%rdi, %rsi
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

# pass: print "mmio-forms: <cur_name> ok" and count it.
pass:
	pushf
	push	%rsi
	incq	npassed(%rip)
	lea	msg_prefix(%rip), %rsi
	call	con_puts
	mov	cur_name(%rip), %rsi
	call	con_puts
	lea	msg_ok(%rip), %rsi
	call	con_puts
	pop	%rsi
	popf
	ret

	.include "console64.inc"

	.section .rodata
msg_prefix:	.asciz "mmio-forms: "
msg_ok:		.asciz " ok\n"
msg_fail:	.asciz "mmio-forms: FAIL "
msg_sep:	.asciz ": "
msg_got:	.asciz ": got "
msg_want:	.asciz ", want "
msg_all:	.asciz "mmio-forms: all "
msg_passed:	.asciz " checks passed\n"

	.section .data
	.balign	8
check_got:	.quad 0
check_want:	.quad 0
cur_name:	.quad 0
npassed:	.quad 0
writes_before:	.quad 0
ram_val:	.quad 0
ram_flags:	.quad 0
dev_val:	.quad 0
dev_flags:	.quad 0
src_data:	.quad 0x0807060504030201, 0x1817161514131211
dst_data:	.quad 0, 0, 0, 0
ram_area:	.skip 0x100

	.section .bss
	.balign	4096
pml4:		.skip 4096
pdpt:		.skip 4096
pd_low:		.skip 4096
pd_high:	.skip 4096
		.skip 4096
stack_top:
