# SPDX-License-Identifier: GPL-2.0
#
# fpu: the guest's own x87/SSE/AVX registers survive VM exits, and XSETBV
# is emulated with the checks of SDM Vol. 2C "XSETBV".
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# The image is linked at 0x10000.
#
# The guest turns SSE on (CR0.EM = 0, CR0.MP = 1, CR4.OSFXSR|OSXMMEXCPT)
# and, if CPUID offers XSAVE and AVX, CR4.OSXSAVE and XCR0 = 7 (x87, SSE,
# AVX). It loads a value into x87 ST0 and a non-default MXCSR, makes 200000
# CPUID exits each after loading XMM0-15 again (so that guest register
# writes happen between many exits, for progs/fpu_host to catch if they
# reach another task), loads a distinct pattern into each of XMM0-15 (with
# AVX: a 32-byte one into YMM0-15, so the upper halves differ too), then
# makes 2000 VM exits: 1000 CPUIDs, which the module answers
# in the kernel, and 1000 OUTs to the console's scratch register (0x3ff),
# each a return to the VMM, whose own code uses SSE/AVX. Then it stores
# every register and compares. A #GP handler (own IDT) counts faults and
# steps over the 3-byte XSETBV, so the invalid XCR0 values are checked to
# raise #GP and leave XCR0 unchanged.
#
# Each check prints "fpu: <what> ok", or "fpu: FAIL <what>: got X" and the
# guest exits with code 1. Without XSAVE and AVX in CPUID it says so in one
# line and checks x87/SSE only, so the output depends on the CPU: the
# .expected file is for the integration tests' emulated CPU, whose CPUID
# (Bochs 2.7 as Debian builds it) offers neither.

	.set	NR_EXITS, 1000		# of each kind
	.set	NR_PRESSURE, 200000	# CPUID exits that reload XMM0-15
	.set	CR0_MP, 1 << 1
	.set	CR0_EM, 1 << 2
	.set	CR4_OSFXSR, 1 << 9
	.set	CR4_OSXMMEXCPT, 1 << 10
	.set	CR4_OSXSAVE, 1 << 18
	.set	CPUID1_XSAVE_AVX, (1 << 26) | (1 << 28)
	.set	CPUID1_OSXSAVE, 1 << 27
	.set	MXCSR_TEST, 0x7f80	# default 0x1f80 with RC = 11 (truncate)

# XSETBV with ECX = \ecx, EDX:EAX = \edx:\eax must raise #GP and leave XCR0
# at 7.
.macro	XSETBV_GP ecx, edx, eax, name
	movb	$0, gp_count(%rip)
	mov	$\ecx, %ecx
	mov	$\edx, %edx
	mov	$\eax, %eax
	xsetbv
	movzbl	gp_count(%rip), %eax
	cmp	$1, %eax
	lea	\name(%rip), %rsi
	call	check
	xor	%ecx, %ecx
	xgetbv
	cmp	$7, %eax
	lea	msg_xcr0_kept(%rip), %rsi
	call	check
.endm

	.include "idt64.inc"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	# #GP handler (vector 13), see idt64.inc.
	IDT_GATE 13, gp_handler, idt
	lidt	idt_desc(%rip)

	# SSE on (SDM Vol. 3A 13.1.3).
	mov	%cr0, %rax
	and	$~CR0_EM, %rax
	or	$CR0_MP, %rax
	mov	%rax, %cr0
	mov	%cr4, %rax
	or	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	mov	%rax, %cr4

	# The pattern: byte i of the 512 is i * 7 + 0x35 (mod 256), so each
	# register and each half differ.
	lea	pattern(%rip), %rdi
	xor	%ecx, %ecx
1:	imul	$7, %ecx, %eax
	add	$0x35, %eax
	mov	%al, (%rdi,%rcx)
	inc	%ecx
	cmp	$512, %ecx
	jb	1b

	# XSAVE and AVX offered? OSXSAVE follows CR4 in any case.
	mov	$1, %eax
	cpuid
	and	$CPUID1_XSAVE_AVX, %ecx
	cmp	$CPUID1_XSAVE_AVX, %ecx
	je	have_avx
	lea	msg_no_avx(%rip), %rsi
	call	con_puts
	call	load_xmm
	jmp	make_exits

have_avx:
	movb	$1, avx(%rip)

	mov	%cr4, %rax
	or	$CR4_OSXSAVE, %rax
	mov	%rax, %cr4
	mov	$1, %eax
	cpuid
	mov	%ecx, %eax
	and	$CPUID1_OSXSAVE, %ecx
	cmp	$CPUID1_OSXSAVE, %ecx
	lea	msg_osxsave(%rip), %rsi
	call	check

	# XCR0 is 1 at reset; XSETBV(7) turns SSE and AVX state on.
	xor	%ecx, %ecx
	xgetbv
	cmp	$1, %eax
	lea	msg_xcr0_reset(%rip), %rsi
	call	check
	mov	$0xd, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%ebx, %eax
	cmp	$576, %eax
	lea	msg_size_x87(%rip), %rsi
	call	check

	movb	$0, gp_count(%rip)
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$7, %eax
	xsetbv
	xgetbv
	cmp	$7, %eax
	lea	msg_xsetbv(%rip), %rsi
	call	check
	movzbl	gp_count(%rip), %eax
	cmp	$0, %eax
	lea	msg_xsetbv_nogp(%rip), %rsi
	call	check

	# CPUID.(0DH,0):EBX follows XCR0: legacy area + header + AVX.
	mov	$0xd, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%ebx, %eax
	cmp	$832, %eax
	lea	msg_size_avx(%rip), %rsi
	call	check

	call	load_ymm

make_exits:
	fninit
	fildq	x87_value(%rip)
	ldmxcsr	mxcsr_value(%rip)

	# Pressure on the host: 1000 CPUID exits, each after loading the
	# XMM registers again, so that a guest run with registers the kernel
	# thinks are another task's shows up in that task (progs/fpu_host).
	mov	$NR_PRESSURE, %r12d
7:	call	load_xmm
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r12d
	jnz	7b
	cmpb	$0, avx(%rip)
	je	9f
	call	load_ymm
9:
	# Then the check: 1000 exits handled in the kernel, 1000 that go to
	# the VMM, with no reload.
	mov	$NR_EXITS, %r12d
2:	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r12d
	jnz	2b
	mov	$NR_EXITS, %r12d
	mov	$0x3ff, %dx
3:	mov	%r12b, %al
	out	%al, %dx
	dec	%r12d
	jnz	3b

	cmpb	$0, avx(%rip)
	jne	1f
	call	store_xmm
	jmp	2f
1:	lea	saved(%rip), %rax
	vmovdqu	%ymm0, 0*32(%rax)
	vmovdqu	%ymm1, 1*32(%rax)
	vmovdqu	%ymm2, 2*32(%rax)
	vmovdqu	%ymm3, 3*32(%rax)
	vmovdqu	%ymm4, 4*32(%rax)
	vmovdqu	%ymm5, 5*32(%rax)
	vmovdqu	%ymm6, 6*32(%rax)
	vmovdqu	%ymm7, 7*32(%rax)
	vmovdqu	%ymm8, 8*32(%rax)
	vmovdqu	%ymm9, 9*32(%rax)
	vmovdqu	%ymm10, 10*32(%rax)
	vmovdqu	%ymm11, 11*32(%rax)
	vmovdqu	%ymm12, 12*32(%rax)
	vmovdqu	%ymm13, 13*32(%rax)
	vmovdqu	%ymm14, 14*32(%rax)
	vmovdqu	%ymm15, 15*32(%rax)
2:	fistpq	x87_saved(%rip)
	stmxcsr	mxcsr_saved(%rip)

	# XMM0-15: the low 16 bytes of each 32; then the upper halves.
	xor	%ebx, %ebx		# differing bytes, low halves
	xor	%edx, %edx		# differing bytes, upper halves
	lea	pattern(%rip), %rsi
	lea	saved(%rip), %rdi
	xor	%ecx, %ecx
4:	mov	(%rsi,%rcx), %al
	cmp	(%rdi,%rcx), %al
	je	5f
	mov	%ecx, %eax
	and	$16, %eax
	jnz	6f
	inc	%ebx
	jmp	5f
6:	inc	%edx
5:	inc	%ecx
	cmp	$512, %ecx
	jb	4b
	mov	%ebx, %eax
	cmp	$0, %eax
	lea	msg_xmm(%rip), %rsi
	call	check
	cmpb	$0, avx(%rip)
	je	1f
	mov	%edx, %eax
	cmp	$0, %eax
	lea	msg_ymm(%rip), %rsi
	call	check
1:	mov	x87_saved(%rip), %rax
	cmp	x87_value(%rip), %rax
	lea	msg_x87(%rip), %rsi
	call	check
	mov	mxcsr_saved(%rip), %eax
	cmp	$MXCSR_TEST, %eax
	lea	msg_mxcsr(%rip), %rsi
	call	check

	cmpb	$0, avx(%rip)
	je	done

	# Invalid XSETBVs: #GP, XCR0 unchanged.
	XSETBV_GP 0, 0, 6, msg_gp_no_x87
	XSETBV_GP 0, 0, 5, msg_gp_avx_no_sse
	XSETBV_GP 1, 0, 7, msg_gp_ecx
	XSETBV_GP 0, 0, 0xe7, msg_gp_avx512
	XSETBV_GP 0, 1, 7, msg_gp_reserved

done:
	mov	failed(%rip), %al
	call	con_exit

# Without AVX: XMMn from the low 16 bytes of slot n of the pattern; the
# store puts them back into slot n of saved and copies the pattern's upper
# halves beside them, which are then compared equal.
load_xmm:
	lea	pattern(%rip), %rax
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	\n*32(%rax), %xmm\n
	.endr
	ret

# With AVX: YMMn from slot n.
load_ymm:
	lea	pattern(%rip), %rax
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu	\n*32(%rax), %ymm\n
	.endr
	ret

store_xmm:
	lea	saved(%rip), %rax
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	%xmm\n, \n*32(%rax)
	.endr
	lea	pattern(%rip), %rsi
	lea	saved(%rip), %rdi
	xor	%ecx, %ecx
1:	mov	16(%rsi,%rcx), %rax
	mov	%rax, 16(%rdi,%rcx)
	mov	24(%rsi,%rcx), %rax
	mov	%rax, 24(%rdi,%rcx)
	add	$32, %ecx
	cmp	$512, %ecx
	jb	1b
	ret

# #GP(0): count it and step over the faulting XSETBV (0F 01 D1).
gp_handler:
	add	$8, %rsp		# the error code
	addq	$3, (%rsp)		# the saved RIP
	incb	gp_count(%rip)
	iretq

	.include "console64.inc"

# check: see CHECK_ROUTINE in console64.inc.
	CHECK_ROUTINE check

	.section .rodata
	.balign	8
x87_value:	.quad	0x123456789abcdef
mxcsr_value:	.long	MXCSR_TEST
idt_desc:	.word	14 * 16 - 1
		.quad	idt
msg_prefix:	.asciz "fpu: "
msg_fail:	.asciz "fpu: FAIL "
msg_no_avx:	.asciz "fpu: CPUID offers no XSAVE and AVX: x87 and SSE only\n"
msg_osxsave:	.asciz "CPUID.1:ECX.OSXSAVE follows CR4.OSXSAVE"
msg_xcr0_reset:	.asciz "XCR0 is 1 at reset"
msg_size_x87:	.asciz "CPUID.(0DH,0):EBX is 576 for XCR0 = 1"
msg_xsetbv:	.asciz "XSETBV(7) sets XCR0"
msg_xsetbv_nogp: .asciz "XSETBV(7) raises no #GP"
msg_size_avx:	.asciz "CPUID.(0DH,0):EBX is 832 for XCR0 = 7"
msg_xmm:	.asciz "XMM0-15 unchanged after 2000 exits"
msg_ymm:	.asciz "YMM0-15 upper halves unchanged after 2000 exits"
msg_x87:	.asciz "x87 ST0 unchanged after 2000 exits"
msg_mxcsr:	.asciz "MXCSR unchanged after 2000 exits"
msg_gp_no_x87:	.asciz "XSETBV without x87 raises #GP"
msg_gp_avx_no_sse: .asciz "XSETBV with AVX but not SSE raises #GP"
msg_gp_ecx:	.asciz "XSETBV with ECX = 1 raises #GP"
msg_gp_avx512:	.asciz "XSETBV with AVX-512 bits (not offered) raises #GP"
msg_gp_reserved: .asciz "XSETBV with bit 32 raises #GP"
msg_xcr0_kept:	.asciz "  XCR0 still 7"

	.bss
	.balign	4096			# its own page: no RWX segment in the .elf
pattern:	.skip	512
saved:		.skip	512
idt:		.skip	14 * 16
x87_saved:	.skip	8
mxcsr_saved:	.skip	4
failed:		.skip	1
gp_count:	.skip	1
avx:		.skip	1
