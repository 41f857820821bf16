# SPDX-License-Identifier: GPL-2.0
#
# bench: one exit microbenchmark per image, selected at assembly time with
# `--defsym BENCH_OP=N` (guests/Makefile builds bench-NAME.bin for each),
# for `make bench` (scripts/bench.sh), which runs every image under
# minivisor and under KVM in the same boot. kvm-unit-tests' x86/vmexit.c
# is the model for what is measured.
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# Each image runs BENCH_WARMUP operations untimed (first-touch and cache
# effects stay out of the figure), then BENCH_ITERS timed ones between two
# RDTSCs, and prints one line:
#     bench NAME: ITERS ops, CYCLES cycles
# where CYCLES is the guest TSC difference (the loop's own few
# instructions included: they are the same under both hypervisors). With
# `clock: sync=none` Bochs advances the TSC with emulated instructions,
# so the figure is the length of the software path of one exit, and it
# repeats exactly from run to run (../shared/PLATFORM.md).
#
# The device operations go to the ring-test device (userspace/devices/
# ring_test.h), whose checksum the guest verifies at the end, so a
# benchmark that lost, duplicated or reordered an access fails instead of
# reporting a figure: "bench NAME: checksum ok" and exit status 0, else
# a message and exit status 1.
#
# BENCH_OP:
#   1 cpuid      CPUID leaf 0: handled in the kernel
#   2 vmcall     VMCALL, RAX = 0 (minivisor: MV_HC_NOP; KVM: an unknown
#                hypercall, answered -KVM_ENOSYS): handled in the kernel
#   3 floor      VMCALL, RAX = MV_HC_FLOOR: minivisor's cheapest exit
#   4 pio-out    OUT of the sequence 1, 2, ... to the device's PIO DATA
#   5 pio-in     IN of the device's PIO CHECKSUM
#   6 mmio-write MOV of the sequence to the device's MMIO DATA (with
#                `--ring ring-test:posted` a posted ring write; with
#                KVM's `--coalesced ring-test` a coalesced write)
#   7 mmio-read  MOV from the device's MMIO CHECKSUM (with `--ring
#                ring-test:sync` a synchronous ring read)
#   8 hlt-irq    ask the irq-test device (its own thread) for one
#                interrupt, then STI; HLT until it arrives: the OUT, the
#                HLT that sleeps in the hypervisor, the wake-up and the
#                injection

	.include "mmio_map64.inc"
	.include "idt64.inc"
	.include "console64.inc"

	.ifndef	BENCH_OP
	.error	"assemble with --defsym BENCH_OP=N"
	.endif

	.set	RT_MMIO, 0xfe010000	# MV_RING_TEST_MMIO_BASE
	.set	RT_DATA, 0x00
	.set	RT_CHECKSUM, 0x08
	.set	RT_COUNT, 0x10
	.set	RT_ERRORS, 0x18
	.set	RT_PIO_DATA, 0xe0	# MV_RING_TEST_PIO_BASE + 0
	.set	RT_PIO_CHECKSUM, 0xe4
	.set	FNV_SEED, 0xcbf29ce484222325
	.set	FNV_PRIME, 0x100000001b3
	.set	IRQ_TEST_PORT, 0xf8
	.set	IRQ_VECTOR, 0x40
	.set	MV_HC_FLOOR, 0x4d56464c

	# Iterations: enough for a stable figure, few enough for make bench.
	.if	BENCH_OP <= 3
	.set	BENCH_ITERS, 20000
	.elseif	BENCH_OP == 8
	.set	BENCH_ITERS, 500
	.else
	.set	BENCH_ITERS, 2000
	.endif
	.set	BENCH_WARMUP, 100

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
	cld
	MMIO_PAGE_TABLES		# maps the device page uncacheable
	.if	BENCH_OP == 8
	IDT_GATE IRQ_VECTOR, irq_handler, idt
	lidt	idt_desc(%rip)
	.endif

	# R13: the next sequence value; R14: the guest's own checksum of
	# what it sent (FNV-1a, ring_test.h); R15: interrupts taken.
	mov	$1, %r13
	mov	$FNV_SEED, %r14
	xor	%r15d, %r15d

	mov	$BENCH_WARMUP, %r12d
	call	bench_loop
	rdtsc
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %r10		# start TSC (no operation touches R10)
	mov	$BENCH_ITERS, %r12d
	call	bench_loop
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	sub	%r10, %rax
	mov	%rax, %rbx		# elapsed cycles

	lea	msg_bench(%rip), %rsi
	call	con_puts
	lea	msg_name(%rip), %rsi
	call	con_puts
	lea	msg_colon(%rip), %rsi
	call	con_puts
	mov	$BENCH_ITERS, %eax
	call	con_putdec
	lea	msg_ops(%rip), %rsi
	call	con_puts
	mov	%rbx, %rax
	call	con_putdec
	lea	msg_cycles(%rip), %rsi
	call	con_puts

	call	verify
	lea	msg_bench(%rip), %rsi
	call	con_puts
	lea	msg_name(%rip), %rsi
	call	con_puts
	lea	msg_ok(%rip), %rsi
	call	con_puts
	xor	%al, %al
	jmp	con_exit

# R12 iterations of the operation. Clobbers RAX, RBX (CPUID), RCX, RDX,
# RSI, R12.
bench_loop:
	.if	BENCH_OP == 1
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r12d
	jnz	1b
	.elseif	BENCH_OP == 2
1:	xor	%eax, %eax
	vmcall
	dec	%r12d
	jnz	1b
	.elseif	BENCH_OP == 3
1:	mov	$MV_HC_FLOOR, %eax
	vmcall
	dec	%r12d
	jnz	1b
	.elseif	BENCH_OP == 4
1:	mov	%r13d, %eax
	out	%eax, $RT_PIO_DATA
	call	fold_r13
	dec	%r12d
	jnz	1b
	.elseif	BENCH_OP == 5
1:	in	$RT_PIO_CHECKSUM, %eax
	dec	%r12d
	jnz	1b
	.elseif	BENCH_OP == 6
	mov	$RT_MMIO, %esi
1:	mov	%r13, RT_DATA(%rsi)
	call	fold_r13
	dec	%r12d
	jnz	1b
	.elseif	BENCH_OP == 7
	mov	$RT_MMIO, %esi
1:	mov	RT_CHECKSUM(%rsi), %rax
	dec	%r12d
	jnz	1b
	.elseif	BENCH_OP == 8
1:	mov	%r15, %rcx
	mov	$(IRQ_VECTOR | (1 << 8)), %eax	# one interrupt, from the
	out	%eax, $IRQ_TEST_PORT		# device's thread
2:	sti				# STI's shadow covers the HLT: an
	hlt				# interrupt already pending wakes it
	cli
	cmp	%rcx, %r15
	je	2b			# woken by something else: wait on
	dec	%r12d
	jnz	1b
	.else
	.error	"unknown BENCH_OP"
	.endif
	ret

	.if	BENCH_OP == 4 || BENCH_OP == 6
# The device's checksum step for the value in R13, then R13 += 1.
# Clobbers RAX.
fold_r13:
	xor	%r13, %r14
	mov	$FNV_PRIME, %rax
	imul	%rax, %r14
	inc	%r13
	ret
	.endif

	.if	BENCH_OP == 8
irq_handler:
	inc	%r15
	iretq
	.endif

# The device must have seen exactly what the guest did. Reading the
# MMIO CHECKSUM also orders it after every posted write (uapi: a read
# observes the posted writes before it).
verify:
	.if	BENCH_OP == 4 || BENCH_OP == 6
	mov	$RT_MMIO, %esi
	mov	RT_ERRORS(%rsi), %rax
	test	%rax, %rax
	jnz	bad_errors
	mov	RT_COUNT(%rsi), %rax
	cmp	$(BENCH_WARMUP + BENCH_ITERS), %rax
	jne	bad_count
	mov	RT_CHECKSUM(%rsi), %rax
	cmp	%r14, %rax
	jne	bad_sum
	.elseif	BENCH_OP == 5 || BENCH_OP == 7
	# Nothing was written: the checksum is still the seed.
	mov	$RT_MMIO, %esi
	mov	RT_CHECKSUM(%rsi), %rax
	mov	$FNV_SEED, %rdx
	cmp	%rdx, %rax
	jne	bad_sum
	.elseif	BENCH_OP == 8
	cmp	$(BENCH_WARMUP + BENCH_ITERS), %r15
	jne	bad_irqs
	.endif
	ret

bad_errors:
	lea	msg_errors(%rip), %rsi
	jmp	bad
bad_count:
	lea	msg_count(%rip), %rsi
	jmp	bad
bad_sum:
	lea	msg_sum(%rip), %rsi
	jmp	bad
bad_irqs:
	lea	msg_irqs(%rip), %rsi
bad:
	push	%rsi
	lea	msg_bench(%rip), %rsi
	call	con_puts
	lea	msg_name(%rip), %rsi
	call	con_puts
	lea	msg_colon(%rip), %rsi
	call	con_puts
	pop	%rsi
	call	con_puts
	mov	$1, %al
	jmp	con_exit

	.section .rodata
msg_bench:	.asciz	"bench "
msg_name:
	.if	BENCH_OP == 1
	.asciz	"cpuid"
	.elseif	BENCH_OP == 2
	.asciz	"vmcall"
	.elseif	BENCH_OP == 3
	.asciz	"floor"
	.elseif	BENCH_OP == 4
	.asciz	"pio-out"
	.elseif	BENCH_OP == 5
	.asciz	"pio-in"
	.elseif	BENCH_OP == 6
	.asciz	"mmio-write"
	.elseif	BENCH_OP == 7
	.asciz	"mmio-read"
	.elseif	BENCH_OP == 8
	.asciz	"hlt-irq"
	.endif
msg_colon:	.asciz	": "
msg_ops:	.asciz	" ops, "
msg_cycles:	.asciz	" cycles\n"
msg_ok:		.asciz	": checksum ok\n"
msg_errors:	.asciz	"FAILED: the device counted bad accesses\n"
msg_count:	.asciz	"FAILED: the device saw a different number of writes\n"
msg_sum:	.asciz	"FAILED: the device's checksum differs from the guest's\n"
msg_irqs:	.asciz	"FAILED: a different number of interrupts arrived\n"

	.section .data
	.balign	8
idt_desc:
	.word	256 * 16 - 1
	.quad	idt

	.section .bss
	.balign	4096
pml4:		.skip 4096
pdpt:		.skip 4096
pd_low:		.skip 4096
pd_high:	.skip 4096
idt:		.skip 256 * 16
