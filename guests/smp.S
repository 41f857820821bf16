# SPDX-License-Identifier: GPL-2.0
#
# smp: two vCPUs of one VM share guest RAM.
#
# Run with `--entry long --cpus 2` (smp.args). Both vCPUs start at the
# first byte of the image, in 64-bit mode, with the entry state of
# userspace/README.md and, per vCPU i: RBX = i and RSP = 0x10000 - i * 4 KiB
# (its own stack). The image is linked at 0x10000.
#
# Each vCPU checks that RBX matches its initial APIC id, CPUID.1:EBX[31:24]
# (the module puts the vCPU id there), and records its RSP. Both wait at a
# barrier so that they count at the same time, add 1 to a shared counter
# COUNT times each with LOCK XADD, and wait at a second barrier. Then
# vCPU 1 halts with interrupts enabled (it sleeps in the kernel: a HLT with
# IF = 0 would stop the VM) and vCPU 0, the only one that prints, checks
# the total and the stacks and exits through the debug-exit port. The
# barriers spin with PAUSE; COUNT is modest so that the run is short when
# the host has one CPU and the two vCPU threads take turns on it.
#
# Each check prints "smp: <what> ok"; a failed one prints
# "smp: FAIL <what>: got X" and the guest exits with code 1.

	.set	NR_VCPUS, 2
	.set	COUNT, 20000
	.set	STACK_STRIDE, 0x1000	# RSP of vCPU i = 0x10000 - i * this

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
	mov	%rbx, %r12		# R12 = vCPU id (the VMM's RBX)
	cmp	$NR_VCPUS, %r12
	jae	park			# not one of ours: stay out of the way
	mov	%rsp, stacks(,%r12,8)

	# The id in RBX must be the initial APIC id in CPUID.1:EBX[31:24].
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	shr	$24, %ebx
	mov	%rbx, apic_ids(,%r12,8)
	cmp	%r12, %rbx
	je	1f
	lock incl mismatches(%rip)
1:
	# Barrier 1: start counting together.
	lock incl arrived(%rip)
2:	pause
	cmpl	$NR_VCPUS, arrived(%rip)
	jne	2b

	mov	$COUNT, %ecx
3:	mov	$1, %eax
	lock xadd %eax, counter(%rip)
	dec	%ecx
	jnz	3b

	# Barrier 2: both are done counting.
	lock incl finished(%rip)
4:	pause
	cmpl	$NR_VCPUS, finished(%rip)
	jne	4b

	test	%r12, %r12
	jz	report
park:
	# Nothing will interrupt this vCPU (no device targets it): it
	# sleeps in the kernel until the VMM stops the VM.
	sti
5:	hlt
	jmp	5b

report:
	mov	apic_ids + 8(%rip), %rax
	cmpl	$0, mismatches(%rip)
	lea	msg_ids(%rip), %rsi
	call	check

	mov	stacks(%rip), %rax
	sub	stacks + 8(%rip), %rax
	cmp	$STACK_STRIDE, %rax
	lea	msg_stacks(%rip), %rsi
	call	check

	mov	counter(%rip), %eax
	cmp	$(NR_VCPUS * COUNT), %eax
	lea	msg_count(%rip), %rsi
	call	check

	cmpb	$0, failed(%rip)
	jne	fail
	lea	msg_done1(%rip), %rsi
	call	con_puts
	mov	$NR_VCPUS, %eax
	call	con_putdec
	lea	msg_done2(%rip), %rsi
	call	con_puts
	mov	counter(%rip), %eax
	call	con_putdec
	lea	msg_done3(%rip), %rsi
	call	con_puts
	xor	%al, %al
	call	con_exit
fail:
	mov	$1, %al
	call	con_exit

	.include "console64.inc"

# check: see CHECK_ROUTINE in console64.inc.
	CHECK_ROUTINE check

	.section .rodata
msg_prefix:	.asciz "smp: "
msg_fail:	.asciz "smp: FAIL "
msg_ids:	.asciz "vCPU ids in RBX match CPUID.1:EBX[31:24] (vCPU 1's shown on failure)"
msg_stacks:	.asciz "vCPU 1's stack is 4 KiB below vCPU 0's"
msg_count:	.asciz "both vCPUs finished counting"
msg_done1:	.asciz "smp: "
msg_done2:	.asciz " vCPUs counted "
msg_done3:	.asciz " with lock xadd\n"

	# Not in the image: RAM past it is zero at entry. Each shared
	# variable on its own cache line.
	.bss
	.balign	4096			# its own page: no RWX segment in the .elf
counter:	.skip	64
arrived:	.skip	64
finished:	.skip	64
mismatches:	.skip	64
stacks:		.skip	8 * NR_VCPUS
apic_ids:	.skip	8 * NR_VCPUS
failed:		.skip	1
