# SPDX-License-Identifier: GPL-2.0
#
# exitcount: a known number of VM exits of each kind, then asleep, so
# that the per-exit statistics (uapi/minivisor.h, "Generic netlink") can
# be checked exactly (tests/integration/scenarios/12-observability.sh).
#
# Run with `--entry long`: 64-bit mode, RIP = 0x10000 (userspace/README.md).
# The image is linked at 0x10000. It never ends by itself: stop the VMM
# with a signal (SIGINT: exit status 130). So there is no .expected and
# 03-guests.sh, which runs only the guests that have one, skips it.
#
# Exits on vCPU 0, in this order, by basic exit reason (SDM Vol. 3C
# App. C), and nothing else:
#   1000  reason 10, CPUID (EAX = 0, ECX = 0), handled in the kernel
#    500  reason 30, I/O instruction: 32-bit OUT of 1, 2, ..., 500 to
#         port 0xe0, the ring-test device's PIO DATA register
#         (userspace/devices/ring_test.h), which takes them silently;
#         forwarded to the VMM (or to its ring with `--ring ring-test`)
#    300  reason 48, EPT violation: 8-byte MOV stores to the scratch area
#         of the mmio_test device at 0xfe000000 (offsets 0..0x7f8,
#         userspace/devices/mmio_test.h), forwarded to the VMM
#    200  reason 31, RDMSR of IA32_PAT (0x277), handled in the kernel
#      1  reason 12, HLT with RFLAGS.IF = 1: the vCPU sleeps in the
#         kernel and the VM stays alive until the VMM is stopped
# The host may add exits of its own that the guest does not cause:
# external interrupts (reason 1) and preemption-timer expiries (52) while
# it runs, none while it sleeps. No console output at all: no port 0x3f8
# or 0x3fd access, no debug-exit port.
#
# Exit-free set-up: its own page tables (mmio_map64.inc: REP STOSQ and
# MOVs to RAM, MOV to CR3, which does not exit with EPT) map the device's
# page uncacheable, as the mmio guests do. No stack is used.
#
# The loop around HLT only guards against a spurious wake-up (nothing
# sends this vCPU an interrupt; one would find no IDT): a second HLT
# would be a second reason-12 exit, which the scenario would report.

	.set	N_CPUID, 1000
	.set	N_OUT, 500
	.set	N_MMIO, 300
	.set	N_RDMSR, 200

	.set	RT_PIO_DATA, 0xe0	# MV_RING_TEST_PIO_BASE + MV_RING_TEST_PIO_DATA
	.set	MSR_IA32_PAT, 0x277

	.include "mmio_map64.inc"

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cli
	cld

	MMIO_PAGE_TABLES		# clobbers RAX, RCX, RDI; no exit

	# -- 1000 x CPUID (reason 10) ----------------------------------------
	mov	$N_CPUID, %r12d
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid				# clobbers EAX, EBX, ECX, EDX
	dec	%r12d
	jnz	1b

	# -- 500 x OUT to the ring-test DATA port (reason 30) ----------------
	# The device wants 1, 2, 3, ... (its per-vCPU sequence starts at 0).
	mov	$1, %r12d
2:	mov	%r12d, %eax
	out	%eax, $RT_PIO_DATA
	inc	%r12d
	cmp	$N_OUT, %r12d
	jbe	2b

	# -- 300 x MMIO store to the mmio_test scratch (reason 48) -----------
	# Store i to scratch offset (i % 256) * 8, i = 1..300: always inside
	# 0x000..0x7ff, always a plain REX.W 89 store (mmio.S's forms).
	mov	$MMIO_BASE, %ebx
	mov	$1, %r12d
3:	mov	%r12d, %eax
	and	$0xff, %eax
	mov	%r12, (%rbx,%rax,8)
	inc	%r12d
	cmp	$N_MMIO, %r12d
	jbe	3b

	# -- 200 x RDMSR IA32_PAT (reason 31) --------------------------------
	mov	$N_RDMSR, %r12d
4:	mov	$MSR_IA32_PAT, %ecx
	rdmsr				# clobbers EDX:EAX
	dec	%r12d
	jnz	4b

	# -- 1 x HLT with interrupts on (reason 12): asleep until stopped ----
	sti
5:	hlt
	jmp	5b

	# Not in the image: RAM past it is zero at entry (MMIO_PAGE_TABLES
	# zeroes the tables anyway).
	.section .bss
	.balign	4096
pml4:		.skip 4096
pdpt:		.skip 4096
pd_low:		.skip 4096
pd_high:	.skip 4096
