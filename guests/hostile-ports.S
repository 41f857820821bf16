# SPDX-License-Identifier: GPL-2.0
#
# hostile-ports: port I/O to every port, 0 to 0xffff, once each: the kind
# of access rotates with the port number (port mod 6: IN of 1, 2, 4 bytes,
# OUT of 1, 2, 4 bytes), so every port is accessed and every kind covers a
# sixth of the ports, spread over the whole space. OUTs write 0. The one
# port skipped is 0xf4, where any write stops the VM (debug-exit); the
# console's THR (0x3f8) is never written, as 0x3f8 mod 6 is an IN.
#
# Run with `--entry long --stats`. What the VMM does with a port is its
# bus's business (userspace/devices/bus.c): an access that lies wholly in
# a device's range goes to the device, anything else is unhandled: an IN
# reads all-ones, an OUT is ignored, each counted in "unhandled port
# reads/writes" (tests/integration/scenarios/16-hostile-guests.sh checks
# both numbers and the exit count). Prints the accesses made and how many
# INs of each size read all-ones, then exits 0.

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	lea	msg_start(%rip), %rsi
	call	con_puts
	xor	%r8d, %r8d		# accesses
	xor	%r9d, %r9d		# all-ones INs of 1 byte
	xor	%r10d, %r10d		# ... of 2
	xor	%r11d, %r11d		# ... of 4
	xor	%ecx, %ecx		# port
1:	cmp	$0xf4, %ecx
	je	next
	mov	%ecx, %edx
	mov	%ecx, %eax
	xor	%ebx, %ebx
	mov	$6, %edi
	push	%rdx
	xor	%edx, %edx
	div	%edi			# EDX = port mod 6
	mov	%edx, %eax
	pop	%rdx
	inc	%r8d
	jmp	*kinds(,%rax,8)
k0:	in	%dx, %al
	cmp	$0xff, %al
	jne	next
	inc	%r9d
	jmp	next
k1:	in	%dx, %ax
	cmp	$0xffff, %ax
	jne	next
	inc	%r10d
	jmp	next
k2:	in	%dx, %eax
	cmp	$0xffffffff, %eax
	jne	next
	inc	%r11d
	jmp	next
k3:	xor	%eax, %eax
	out	%al, %dx
	jmp	next
k4:	xor	%eax, %eax
	out	%ax, %dx
	jmp	next
k5:	xor	%eax, %eax
	out	%eax, %dx
next:	inc	%ecx
	cmp	$0x10000, %ecx
	jb	1b

	lea	msg_done(%rip), %rsi
	call	con_puts
	mov	%r8, %rax
	call	con_putdec
	lea	msg_ones(%rip), %rsi
	call	con_puts
	mov	%r9, %rax
	call	con_putdec
	mov	$'/', %al
	call	con_putc
	mov	%r10, %rax
	call	con_putdec
	mov	$'/', %al
	call	con_putc
	mov	%r11, %rax
	call	con_putdec
	mov	$'\n', %al
	call	con_putc
	xor	%eax, %eax
	call	con_exit

	.include "console64.inc"

	.section .rodata
	.balign	8
kinds:		.quad	k0, k1, k2, k3, k4, k5
msg_start:	.asciz	"ports: one access to every port 0..0xffff but 0xf4\n"
msg_done:	.asciz	"ports: accesses "
msg_ones:	.asciz	", all-ones INs of 1/2/4 bytes "
