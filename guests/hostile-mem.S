# SPDX-License-Identifier: GPL-2.0
#
# hostile-mem: the guest writes all over its RAM, and past its end.
#
# Run with `--mem 2M` (the scenario passes it): RAM is guest-physical
# 0..0x1fffff, the image is at 0x10000, everything from 0x200000 up is
# MMIO (the VMM ignores writes there and reads all-ones). The guest goes
# from real mode to 32-bit protected mode without paging (flat segments),
# so no page table, IDT or stack of its own can be hit by its writes; its
# GDT is loaded once and never read again.
#
#   1. Every 4 KiB page of RAM, its own image included (page 0x10000 holds
#      the code that started it): the first and the last dword of the
#      page get a pattern (address XOR 0xa5a5a5a5), are read back and
#      restored; the loop itself sits away from page edges. Prints the
#      count and the sum of what was read back.
#   2. All RAM below the image and above its .bss is filled with a
#      pattern, one dword at a time, then read back and summed.
#   3. Past the end: a dword written at 0x200000 (ignored) reads back as
#      all-ones.
#   4. A dword store and load that straddle the end of RAM (two bytes in
#      RAM, two in MMIO): a CPU writes and reads the RAM half, only the
#      other half is MMIO. Prints what the RAM half holds after the store
#      and what the straddling load returned (expected: 0x3344 and
#      0xffff3344).
# Each step prints one line with its numbers, "mem: FAIL ..." if a check
# failed (exit code 1).

	.set	LOAD_ADDR, 0x10000
	.set	RAM_END, 0x200000
	.set	COM1_THR, 0x3f8
	.set	COM1_LSR, 0x3fd
	.set	DEBUG_EXIT, 0xf4
	.set	SEL_CODE32, 0x08
	.set	SEL_DATA, 0x10
	.set	PATTERN, 0xa5a5a5a5

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
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $pm32

	.code32
pm32:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$stack_top, %esp
	mov	$msg_start, %esi
	call	puts32
	call	page_edges
	call	fill
	call	past_end
	call	straddle
	movzbl	failed, %eax
	out	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b

# ---- 3 ----------------------------------------------------------------
past_end:
	movl	$0x55aa55aa, RAM_END
	mov	RAM_END, %ecx		# 8B /r (not A1: see hostile-mmio-moffs)
	mov	%ecx, %eax
	mov	$msg_past, %esi
	call	puts32
	call	puthex32
	cmp	$0xffffffff, %eax
	je	1f
	movb	$1, failed
	mov	$msg_bad, %esi
	call	puts32
1:	mov	$msg_nl, %esi
	jmp	puts32

# ---- 4 ----------------------------------------------------------------
straddle:
	movw	$0, RAM_END - 2
	movl	$0x11223344, RAM_END - 2
	movzwl	RAM_END - 2, %ebx
	mov	RAM_END - 2, %ecx
	mov	$msg_str1, %esi
	call	puts32
	mov	%ebx, %eax
	call	puthex32
	mov	$msg_str2, %esi
	call	puts32
	mov	%ecx, %eax
	call	puthex32
	mov	$msg_nl, %esi
	jmp	puts32

# ---- 2 ----------------------------------------------------------------
# [0, LOAD_ADDR) and [free_start, RAM_END): dword i holds its address
# XOR PATTERN; then read back, compared and summed.
fill:
	xor	%edi, %edi
	mov	$LOAD_ADDR, %ecx
	call	fill_range
	mov	$free_start, %edi
	mov	$RAM_END, %ecx
	call	fill_range
	xor	%edx, %edx		# sum
	xor	%ebp, %ebp		# mismatches
	xor	%edi, %edi
	mov	$LOAD_ADDR, %ecx
	call	check_range
	mov	$free_start, %edi
	mov	$RAM_END, %ecx
	call	check_range
	mov	$msg_fill, %esi
	call	puts32
	mov	%edx, %eax
	call	puthex32
	test	%ebp, %ebp
	jz	1f
	movb	$1, failed
	mov	$msg_bad, %esi
	call	puts32
1:	mov	$msg_nl, %esi
	jmp	puts32

fill_range:			# EDI = start, ECX = end
1:	mov	%edi, %eax
	xor	$PATTERN, %eax
	mov	%eax, (%edi)
	add	$4, %edi
	cmp	%ecx, %edi
	jb	1b
	ret

check_range:			# EDI = start, ECX = end; EDX += sum, EBP += bad
1:	mov	%edi, %eax
	xor	$PATTERN, %eax
	cmp	%eax, (%edi)
	je	2f
	inc	%ebp
2:	add	(%edi), %edx
	add	$4, %edi
	cmp	%ecx, %edi
	jb	1b
	ret

# puts32: ESI = string (polls the LSR like console64.inc does).
puts32:
	push	%eax
	push	%edx
1:	lodsb
	test	%al, %al
	jz	2f
	mov	%al, %ah
	mov	$COM1_LSR, %dx
	in	%dx, %al
	mov	%ah, %al
	mov	$COM1_THR, %dx
	out	%al, %dx
	jmp	1b
2:	pop	%edx
	pop	%eax
	ret

# puthex32: EAX as 0x + 8 hex digits.
puthex32:
	push	%eax
	push	%ebx
	push	%ecx
	push	%edx
	mov	%eax, %ebx
	mov	$'0', %al
	call	putc32
	mov	$'x', %al
	call	putc32
	mov	$8, %ecx
1:	rol	$4, %ebx
	mov	%bl, %al
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$('a' - '9' - 1), %al
2:	call	putc32
	loop	1b
	pop	%edx
	pop	%ecx
	pop	%ebx
	pop	%eax
	ret

putc32:
	push	%edx
	push	%eax
	mov	$COM1_LSR, %dx
	in	%dx, %al
	pop	%eax
	mov	$COM1_THR, %dx
	out	%al, %dx
	pop	%edx
	ret

# ---- 1 ----------------------------------------------------------------
# In a page of its own, away from the edges it writes.
	.balign	4096
	.skip	64
page_edges:
	xor	%edi, %edi		# page
	xor	%edx, %edx		# sum of the values read back
	xor	%ebp, %ebp		# mismatches
	xor	%ecx, %ecx		# dwords done
1:	mov	(%edi), %ebx		# first dword: save,
	mov	%edi, %eax
	xor	$PATTERN, %eax
	mov	%eax, (%edi)		# write,
	mov	(%edi), %esi		# read back,
	mov	%ebx, (%edi)		# restore
	cmp	%eax, %esi
	je	2f
	inc	%ebp
2:	add	%esi, %edx
	inc	%ecx
	mov	4092(%edi), %ebx	# the last dword, the same
	lea	4092(%edi), %eax
	xor	$PATTERN, %eax
	mov	%eax, 4092(%edi)
	mov	4092(%edi), %esi
	mov	%ebx, 4092(%edi)
	cmp	%eax, %esi
	je	3f
	inc	%ebp
3:	add	%esi, %edx
	inc	%ecx
	add	$4096, %edi
	cmp	$RAM_END, %edi
	jb	1b
	mov	$msg_pages, %esi
	call	puts32
	mov	%ecx, %eax
	call	puthex32
	mov	$msg_sum, %esi
	call	puts32
	mov	%edx, %eax
	call	puthex32
	test	%ebp, %ebp
	jz	4f
	movb	$1, failed
	mov	$msg_bad, %esi
	call	puts32
4:	mov	$msg_nl, %esi
	jmp	puts32

	.section .rodata
	.balign	8
gdt:	.quad	0
	.quad	0x00cf9b000000ffff	# 0x08: 32-bit code, flat
	.quad	0x00cf93000000ffff	# 0x10: data, flat
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
msg_start:	.asciz	"mem: 2 MiB of RAM, 32-bit protected mode, no paging\n"
msg_pages:	.asciz	"mem: page edges: dwords "
msg_sum:	.asciz	" written, read back and restored, sum "
msg_fill:	.asciz	"mem: RAM outside the image filled and checked, sum "
msg_past:	.asciz	"mem: dword written at 0x200000 (past the end) reads "
msg_str1:	.asciz	"mem: straddling 0x1ffffe: RAM half after the store "
msg_str2:	.asciz	", load "
msg_bad:	.asciz	" FAIL"
msg_nl:		.asciz	"\n"

	.bss
	.balign	16
failed:		.skip	4
		.skip	1024
stack_top:
	.balign	4096
free_start:
