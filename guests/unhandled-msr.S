# SPDX-License-Identifier: GPL-2.0
#
# unhandled-msr: an MSR that neither the module nor the tool emulates.
#
# Every RDMSR exits (no MSR bitmap). The module emulates the MSRs listed
# in uapi/minivisor.h; for any other one it follows the vCPU's MSR policy.
# This guest runs with `--msr-policy exit` (unhandled-msr.args), so the
# RDMSR reaches the tool as an MV_EXIT_MSR exit naming the MSR; the tool
# emulates no MSRs, reports it and exits with status 3. (With the default
# policy the guest would get #GP instead: see msr.S.)

	.include "console16.inc"

	.section .text.entry, "ax"
	.globl	_start
_start:
	start16 msg
	mov	$0x4d565f31, %ecx	# an MSR no CPU defines
	rdmsr
	# Not reached.
	mov	$1, %al
	out	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b
msg:
	.asciz	"reading an MSR minivisor does not emulate\n"
