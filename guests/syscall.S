# SPDX-License-Identifier: GPL-2.0
#
# syscall: SYSCALL in a 64-bit guest goes through the guest's own STAR,
# LSTAR and SFMASK.
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# The image is linked at 0x10000.
#
# VM entry does not load STAR/LSTAR/CSTAR/SFMASK (SDM Vol. 3C 26.3.2.1):
# the module loads the guest's values before entry and restores the
# host's after exit (kmod/msr.c, mv_msr_load_guest). Without that, SYSCALL
# would jump to the host kernel's entry point, which is not mapped in the
# guest: a page fault with no IDT, so a triple fault.
#
# SYSCALL from CPL 0 is architecturally fine (SDM Vol. 2B "SYSCALL"): CS
# and SS come from STAR[47:32] (the entry GDT's 0x08 code and 0x10 data
# selectors), RIP from LSTAR, RCX = the return address, R11 = RFLAGS, and
# RFLAGS &= ~SFMASK. The handler checks RCX, R11 and the masked flag and
# jumps back through RCX (SYSRET would return to CPL 3).

	.set	MSR_EFER, 0xc0000080
	.set	MSR_STAR, 0xc0000081
	.set	MSR_LSTAR, 0xc0000082
	.set	MSR_SFMASK, 0xc0000084
	.set	EFER_SCE, 1 << 0
	.set	RFLAGS_DF, 1 << 10

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_SCE, %eax
	wrmsr
	mov	$MSR_STAR, %ecx
	xor	%eax, %eax
	mov	$0x00100008, %edx	# SYSRET CS base 0x10, SYSCALL CS 0x08
	wrmsr
	mov	$MSR_LSTAR, %ecx
	lea	handler(%rip), %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	wrmsr
	mov	$MSR_SFMASK, %ecx
	mov	$RFLAGS_DF, %eax	# SYSCALL clears DF
	xor	%edx, %edx
	wrmsr
	lea	msg_setup(%rip), %rsi
	call	con_puts

	std
	syscall
after_syscall:
	cld
	lea	msg_back(%rip), %rsi
	call	con_puts
	mov	failed(%rip), %al
	call	con_exit

handler:
	# DF must be clear here (SFMASK) and set in the saved R11.
	pushf
	pop	%rax
	test	$RFLAGS_DF, %eax
	jnz	1f
	test	$RFLAGS_DF, %r11d
	jz	1f
	lea	after_syscall(%rip), %rax
	cmp	%rax, %rcx
	jne	1f
	lea	msg_handler(%rip), %rsi
	call	con_puts
	jmp	*%rcx
1:	cld
	movb	$1, failed(%rip)
	lea	msg_fail(%rip), %rsi
	call	con_puts
	jmp	*%rcx

	.include "console64.inc"

	.section .rodata
msg_setup:	.asciz "syscall: EFER.SCE, STAR, LSTAR, SFMASK written\n"
msg_handler:	.asciz "syscall: reached the LSTAR handler, RCX/R11/SFMASK ok\n"
msg_fail:	.asciz "syscall: FAIL in the handler: RCX, R11 or SFMASK wrong\n"
msg_back:	.asciz "syscall: back after SYSCALL\n"

	.bss
	.balign	4096			# its own page: no RWX segment in the .elf
failed:	.skip	1
