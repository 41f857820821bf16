/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM entry and exit.
 *
 * int mv_vmx_enter(unsigned long *gprs, bool launched)
 *
 * Loads the guest's general-purpose registers from @gprs (indexed by x86
 * register number; RSP is in the VMCS), executes VMRESUME if @launched or
 * VMLAUNCH otherwise, and on VM exit stores them back. Returns 0 after a
 * VM exit and 1 if the instruction failed (VMfailInvalid/VMfailValid,
 * SDM Vol. 3C 31.2), in which case the guest never ran.
 *
 * VM exit loads RSP from HOST_RSP, which is written here to point at the
 * saved @gprs pointer, and RIP from HOST_RIP = mv_vmx_exit.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include "vmenter.h"

#define GPR(n)		((n) * 8)
#define G_RAX		GPR(0)
#define G_RCX		GPR(1)
#define G_RDX		GPR(2)
#define G_RBX		GPR(3)
#define G_RBP		GPR(5)
#define G_RSI		GPR(6)
#define G_RDI		GPR(7)
#define G_R8		GPR(8)
#define G_R9		GPR(9)
#define G_R10		GPR(10)
#define G_R11		GPR(11)
#define G_R12		GPR(12)
#define G_R13		GPR(13)
#define G_R14		GPR(14)
#define G_R15		GPR(15)

.section .noinstr.text, "ax"

SYM_FUNC_START(mv_vmx_enter)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx

	/* Keep @gprs on the stack: it is the first thing found after exit. */
	push %rdi

	/* HOST_RSP = current RSP, so the exit lands right here. */
	mov $MV_VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lvmfail_early

	/* Test @launched before the guest's RFLAGS-free register loads. */
	test %sil, %sil

	mov G_RCX(%rdi), %rcx
	mov G_RDX(%rdi), %rdx
	mov G_RBX(%rdi), %rbx
	mov G_RBP(%rdi), %rbp
	mov G_RSI(%rdi), %rsi
	mov G_R8(%rdi),  %r8
	mov G_R9(%rdi),  %r9
	mov G_R10(%rdi), %r10
	mov G_R11(%rdi), %r11
	mov G_R12(%rdi), %r12
	mov G_R13(%rdi), %r13
	mov G_R14(%rdi), %r14
	mov G_R15(%rdi), %r15
	mov G_RAX(%rdi), %rax
	mov G_RDI(%rdi), %rdi

	jz .Lvmlaunch

	/*
	 * A successful VMRESUME/VMLAUNCH continues at mv_vmx_exit, with the
	 * stack as it is here; tell objtool so.
	 */
	UNWIND_HINT_SAVE
.Lvmresume:
	vmresume
	jmp .Lvmfail

.Lvmlaunch:
	vmlaunch
	jmp .Lvmfail

SYM_INNER_LABEL(mv_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR

	/* Guest RAX to the stack, @gprs into RAX. */
	push %rax
	mov 8(%rsp), %rax

	pop G_RAX(%rax)
	mov %rcx, G_RCX(%rax)
	mov %rdx, G_RDX(%rax)
	mov %rbx, G_RBX(%rax)
	mov %rbp, G_RBP(%rax)
	mov %rsi, G_RSI(%rax)
	mov %rdi, G_RDI(%rax)
	mov %r8,  G_R8(%rax)
	mov %r9,  G_R9(%rax)
	mov %r10, G_R10(%rax)
	mov %r11, G_R11(%rax)
	mov %r12, G_R12(%rax)
	mov %r13, G_R13(%rax)
	mov %r14, G_R14(%rax)
	mov %r15, G_R15(%rax)

	xor %ebx, %ebx		/* return 0: VM exit */

.Lclear_regs:
	/*
	 * Do not leave guest values in registers the host might use
	 * speculatively (RBX holds the return value, RSP the host's).
	 */
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	xor %ebp, %ebp
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d,  %r8d
	xor %r9d,  %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d

	/* The guest may have filled the RSB: refill before any RET. */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE

	pop %rdi		/* drop @gprs */
	mov %rbx, %rax
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

.Lvmfail:
	mov $1, %ebx
	jmp .Lclear_regs

.Lvmfail_early:
	mov $1, %ebx
	jmp .Lclear_regs
SYM_FUNC_END(mv_vmx_enter)
