# SPDX-License-Identifier: GPL-2.0
#
# hello-real: the smallest real-mode guest.
#
# Run with the default `--entry real`: the image is at guest-physical
# 0x10000 and starts at CS:IP = 0x1000:0000, so it is linked at 0 and every
# label is an offset in segment 0x1000.
#
# What it exercises in the kernel:
#   line 1: OUT DX, AL one byte at a time (one I/O exit per byte);
#   line 2: REP OUTSB (string I/O: the exit carries the repeat count and
#           the bytes read from DS:SI, SDM Vol. 3C 28.2.1 exit
#           qualification for I/O instructions);
#   then OUT to the debug-exit port 0xf4, which ends the run with code 0.

	.set	COM1_THR, 0x3f8		# 8250 transmit holding register
	.set	DEBUG_EXIT, 0xf4	# a byte written here is the exit code

	.code16
	.section .text.entry, "ax"
	.globl	_start
_start:
	# The VMM sets DS = ES = SS = 0x1000; load DS anyway, so that the
	# string addressing below does not depend on that convention.
	cli
	cld				# LODSB/OUTSB go forwards
	mov	%cs, %ax
	mov	%ax, %ds

	# Line 1: one OUT per byte.
	mov	$COM1_THR, %dx
	mov	$hello, %si
1:	lodsb				# AL = DS:[SI++]
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b

	# Line 2: the whole string with one REP OUTSB from DS:SI.
2:	mov	$strio, %si
	mov	$strio_len, %cx
	rep outsb

	# Exit 0. The HLT loop is only a backstop: the VMM exits on the OUT.
	xor	%al, %al
	out	%al, $DEBUG_EXIT
3:	hlt
	jmp	3b

hello:
	.asciz	"Hello from a real-mode minivisor guest\n"
strio:
	.ascii	"string I/O: ok\n"
	.set	strio_len, . - strio
