# SPDX-License-Identifier: GPL-2.0
#
# ringstream: streams a long sequence to the ring-test device
# (userspace/devices/ring_test.h) and checks the device's checksum against
# its own, so any access lost, duplicated, reordered or corrupted between
# the guest and the device shows as a mismatch. The device cannot tell
# whether an access came through a classic exit or the shared rings
# (`minivisor run --ring ring-test[:posted]`), so the output is the same
# on every path: guests/ringstream.expected.
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# The image is linked at 0x10000. Its own page tables (mmio_map64.inc) map
# the device's page uncacheable.
#
# vCPU 0 (the only one that prints):
#   1. MMIO: writes 1, 2, ..., 20000 to DATA (8-byte MOV stores); after
#      every 16th write it reads CHECKSUM (8 bytes) and compares it with
#      its own FNV-1a checksum, sum = (sum ^ v) * 0x100000001b3 from
#      0xcbf29ce484222325; then COUNT must be 20000 and ERRORS 0.
#   2. RESET (an MMIO write), then COUNT must read 0 and CHECKSUM the seed.
#      The PIO stream starts again at 1 rather than continuing: if the
#      RESET were reordered with the PIO writes behind it (it is an MMIO
#      access, they are port I/O, all posted through the same ring), the
#      device would see 1 after 20000 and count an error.
#   3. Port I/O: OUT 1, 2, ..., 5000 to port 0xe0 (32-bit); after every
#      16th an IN from port 0xe4 (32-bit) must equal the low 32 bits of its
#      own checksum; then, through MMIO, COUNT must be 5000, ERRORS 0 and
#      CHECKSUM (all 64 bits) its own.
# Accesses, for the ring statistics: 25001 writes (20000 + RESET + 5000)
# and 1569 reads (1250 + COUNT + ERRORS; COUNT + CHECKSUM; 312; COUNT +
# ERRORS + CHECKSUM).
#
# With `--cpus N` every other vCPU i (RBX = i) streams its own, shorter
# sequence (2000 MMIO writes, 500 OUTs, the same checks) without printing:
# the device keeps one state per vCPU, so the streams must not mix. A
# failure is recorded for vCPU 0, which waits for the others before it
# reports and exits. (vCPU 0 waits for the vCPUs that have started; one
# that has not run its first instruction by the time vCPU 0 is done,
# thousands of exits later, is not waited for.) The output is the same for
# any --cpus.
#
# Every check prints one "ringstream: ... ok" line; a failed one prints
# "ringstream: FAIL [vCPU i: ]<what> after write N: read X, expected Y"
# and the guest exits with code 1.

	.include "mmio_map64.inc"

	.set	RT_BASE, MMIO_BASE + 0x10000	# MV_RING_TEST_MMIO_BASE
	.set	RT_DATA, 0x00
	.set	RT_CHECKSUM, 0x08
	.set	RT_COUNT, 0x10
	.set	RT_ERRORS, 0x18
	.set	RT_RESET, 0x20
	.set	RT_PIO_DATA, 0xe0		# MV_RING_TEST_PIO_BASE + 0
	.set	RT_PIO_CHECKSUM, 0xe4		# + 4
	.set	RT_SEED, 0xcbf29ce484222325
	.set	RT_PRIME, 0x100000001b3

	.set	MMIO_N0, 20000		# vCPU 0's streams
	.set	PIO_N0, 5000
	.set	MMIO_N1, 2000		# every other vCPU's
	.set	PIO_N1, 500
	.set	CHECK_EVERY, 16		# a power of two

# Register use in the streams:
#   RBP  vCPU id            R8   RT_BASE           R9   RT_PRIME
#   R12  writes to do       R13  own checksum      R14  the value written
#   R15  checksum reads     RAX  value read        RDX  value expected
#   RSI  name of the check (for a failure)

# FOLD: R13 = (R13 ^ R14) * prime, the device's checksum step.
	.macro	FOLD
	xor	%r14, %r13
	imul	%r9, %r13
	.endm

# EXPECT name: compare RAX (read) with RDX (expected); on a mismatch
# report the check \name.
	.macro	EXPECT name:req
	lea	.Lname\@(%rip), %rsi
	cmp	%rdx, %rax
	jne	fail
	.pushsection .rodata
.Lname\@:
	.asciz	"\name"
	.popsection
	.endm

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
	cld
	mov	%rbx, %rbp		# the vCPU id; RSP is the VMM's, per vCPU
	test	%rbp, %rbp
	jz	1f

	# Another vCPU: count it in, wait for vCPU 0's page tables.
	lock incl sec_started(%rip)
2:	pause
	cmpl	$0, tables_ready(%rip)
	je	2b
	lea	pml4(%rip), %rax
	mov	%rax, %cr3
	jmp	3f

1:	MMIO_PAGE_TABLES
	movl	$1, tables_ready(%rip)

3:	mov	$RT_BASE, %r8d
	movabs	$RT_PRIME, %r9

	# -- 1. MMIO stream ---------------------------------------------------

	mov	$MMIO_N0, %r12d
	test	%rbp, %rbp
	jz	1f
	mov	$MMIO_N1, %r12d
1:	movabs	$RT_SEED, %r13
	xor	%r15d, %r15d
	mov	$1, %r14d
2:	mov	%r14, RT_DATA(%r8)		# REX.WRB 89: 8-byte store
	FOLD
	test	$(CHECK_EVERY - 1), %r14d
	jnz	3f
	mov	RT_CHECKSUM(%r8), %rax		# REX.WB 8B: 8-byte load
	inc	%r15
	mov	%r13, %rdx
	EXPECT	"mmio CHECKSUM"
3:	inc	%r14
	cmp	%r12, %r14
	jbe	2b
	dec	%r14			# the last value written, for messages

	lea	msg_mmio(%rip), %rsi
	call	report_stream

	mov	RT_COUNT(%r8), %rax
	mov	%r12, %rdx
	EXPECT	"mmio COUNT"
	mov	RT_ERRORS(%r8), %rax
	xor	%edx, %edx
	EXPECT	"mmio ERRORS"
	lea	msg_mmio(%rip), %rsi
	lea	msg_mmio_end(%rip), %rdi
	call	report_counts

	# -- 2. RESET --------------------------------------------------------

	movq	$1, RT_RESET(%r8)		# REX.WB C7 /0: 8-byte store
	xor	%r14d, %r14d
	mov	RT_COUNT(%r8), %rax
	xor	%edx, %edx
	EXPECT	"COUNT after RESET"
	mov	RT_CHECKSUM(%r8), %rax
	movabs	$RT_SEED, %rdx
	EXPECT	"CHECKSUM after RESET"
	lea	msg_reset(%rip), %rsi
	call	report_line

	# -- 3. Port I/O stream ----------------------------------------------

	mov	$PIO_N0, %r12d
	test	%rbp, %rbp
	jz	1f
	mov	$PIO_N1, %r12d
1:	movabs	$RT_SEED, %r13
	xor	%r15d, %r15d
	mov	$1, %r14d
2:	mov	%r14d, %eax
	out	%eax, $RT_PIO_DATA
	FOLD
	test	$(CHECK_EVERY - 1), %r14d
	jnz	3f
	in	$RT_PIO_CHECKSUM, %eax		# zero-extends into RAX
	inc	%r15
	mov	%r13d, %edx			# the low 32 bits
	EXPECT	"pio CHECKSUM (low 32 bits)"
3:	inc	%r14
	cmp	%r12, %r14
	jbe	2b
	dec	%r14

	lea	msg_pio(%rip), %rsi
	call	report_stream

	mov	RT_COUNT(%r8), %rax
	mov	%r12, %rdx
	EXPECT	"pio COUNT"
	mov	RT_ERRORS(%r8), %rax
	xor	%edx, %edx
	EXPECT	"pio ERRORS"
	mov	RT_CHECKSUM(%r8), %rax
	mov	%r13, %rdx
	EXPECT	"pio CHECKSUM (64 bits, through MMIO)"
	lea	msg_pio(%rip), %rsi
	lea	msg_pio_end(%rip), %rdi
	call	report_counts

	# -- The end ---------------------------------------------------------

	test	%rbp, %rbp
	jnz	secondary_done

	# vCPU 0: wait for every other vCPU that started, then report.
1:	mov	sec_started(%rip), %eax
	cmp	sec_done(%rip), %eax
	je	2f
	pause
	jmp	1b
2:	cmpl	$0, sec_failed(%rip)
	jne	report_secondary_failure
	xor	%al, %al
	call	con_exit

secondary_done:
	lock incl sec_done(%rip)
park:
	# Nothing interrupts this vCPU: it sleeps until the VMM stops the VM.
	sti
1:	hlt
	jmp	1b

# report_stream: vCPU 0 prints "ringstream: <RSI>R12 writes, R15 checksum
# reads: ok". Others print nothing.
report_stream:
	test	%rbp, %rbp
	jnz	1f
	push	%rsi
	lea	msg_prefix(%rip), %rsi
	call	con_puts
	pop	%rsi
	call	con_puts
	mov	%r12, %rax
	call	con_putdec
	lea	msg_writes(%rip), %rsi
	call	con_puts
	mov	%r15, %rax
	call	con_putdec
	lea	msg_reads_ok(%rip), %rsi
	call	con_puts
1:	ret

# report_counts: vCPU 0 prints "ringstream: <RSI>count R12<RDI>".
report_counts:
	test	%rbp, %rbp
	jnz	1f
	push	%rsi
	lea	msg_prefix(%rip), %rsi
	call	con_puts
	pop	%rsi
	call	con_puts
	lea	msg_count(%rip), %rsi
	call	con_puts
	mov	%r12, %rax
	call	con_putdec
	mov	%rdi, %rsi
	call	con_puts
1:	ret

# report_line: vCPU 0 prints "ringstream: <RSI>".
report_line:
	test	%rbp, %rbp
	jnz	1f
	push	%rsi
	lea	msg_prefix(%rip), %rsi
	call	con_puts
	pop	%rsi
	call	con_puts
1:	ret

# fail: the check named by RSI read RAX, expected RDX, after the write of
# R14 (0: none yet in this stream). vCPU 0 reports it and exits 1; another
# vCPU records it (only the first such failure) for vCPU 0 and stops.
fail:
	test	%rbp, %rbp
	jz	1f
	lock btsl $0, sec_failed(%rip)
	jc	secondary_done		# another vCPU's failure is recorded
	mov	%rsi, sec_fail_name(%rip)
	mov	%rax, sec_fail_read(%rip)
	mov	%rdx, sec_fail_want(%rip)
	mov	%r14, sec_fail_after(%rip)
	mov	%rbp, sec_fail_vcpu(%rip)
	jmp	secondary_done
1:	push	%rsi
	lea	msg_fail(%rip), %rsi
	call	con_puts
	jmp	print_failure

# vCPU 0, after the others are done: one of them recorded a failure.
report_secondary_failure:
	lea	msg_fail(%rip), %rsi
	call	con_puts
	lea	msg_vcpu(%rip), %rsi
	call	con_puts
	mov	sec_fail_vcpu(%rip), %rax
	call	con_putdec
	lea	msg_colon(%rip), %rsi
	call	con_puts
	push	sec_fail_name(%rip)
	mov	sec_fail_read(%rip), %rax
	mov	sec_fail_want(%rip), %rdx
	mov	sec_fail_after(%rip), %r14
	# fall through

# print_failure: "<name> after write R14: read RAX, expected RDX", the
# name's address on the stack; exits 1.
print_failure:
	pop	%rsi
	call	con_puts
	lea	msg_after(%rip), %rsi
	call	con_puts
	push	%rax
	mov	%r14, %rax
	call	con_putdec
	pop	%rax
	lea	msg_read(%rip), %rsi
	call	con_puts
	call	con_puthex		# RAX = read
	lea	msg_expected(%rip), %rsi
	call	con_puts
	mov	%rdx, %rax
	call	con_puthex
	mov	$'\n', %al
	call	con_putc
	mov	$1, %al
	call	con_exit

	.include "console64.inc"

	.section .rodata
msg_prefix:	.asciz "ringstream: "
msg_mmio:	.asciz "mmio "
msg_pio:	.asciz "pio "
msg_writes:	.asciz " writes, "
msg_reads_ok:	.asciz " checksum reads: ok\n"
msg_count:	.asciz "count "
msg_mmio_end:	.asciz ", errors 0: ok\n"
msg_pio_end:	.asciz ", errors 0, 64-bit checksum: ok\n"
msg_reset:	.asciz "reset: count 0, checksum back to the seed: ok\n"
msg_fail:	.asciz "ringstream: FAIL "
msg_vcpu:	.asciz "vCPU "
msg_colon:	.asciz ": "
msg_after:	.asciz " after write "
msg_read:	.asciz ": read "
msg_expected:	.asciz ", expected "

	# Not in the image: RAM past it is zero at entry.
	.section .bss
	.balign	4096
pml4:		.skip 4096
pdpt:		.skip 4096
pd_low:		.skip 4096
pd_high:	.skip 4096
	# Shared between the vCPUs, each on its own cache line.
tables_ready:	.skip 64
sec_started:	.skip 64
sec_done:	.skip 64
sec_failed:	.skip 64
sec_fail_name:	.skip 8
sec_fail_read:	.skip 8
sec_fail_want:	.skip 8
sec_fail_after:	.skip 8
sec_fail_vcpu:	.skip 8
