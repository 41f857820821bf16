// SPDX-License-Identifier: GPL-2.0
/*
 * fpu_host: checks that running a guest does not corrupt the FPU/SSE/AVX
 * registers of another task on the host.
 *
 *   fpu_host COMMAND [ARGS...]    e.g. fpu_host minivisor run --entry long
 *                                 /mv/guests/fpu.bin
 *
 * Spawns COMMAND (the VMM), and while it runs loads a known pattern into
 * its own XMM0-15 (YMM0-15 where the CPU and kernel offer AVX) and the
 * MXCSR, yields the CPU with raw sched_yield system calls 64 times, so
 * that on a CPU shared with the VMM the guest runs in between, and
 * compares the registers with the pattern, over and over until COMMAND
 * exits. All of this is one asm block, so no compiler-generated code
 * touches the registers between the load and the store.
 *
 * What it detects: a hypervisor that lets guest code run with the FPU
 * registers while the kernel still believes they hold another task's
 * state. Linux restores a task's registers lazily on return to user mode
 * and skips the restore if the registers still hold that task's state on
 * that CPU (fpregs_state_valid()); a module that enters the guest without
 * taking ownership (kernel_fpu_begin() or swapping in a guest fpstate)
 * leaves the guest's values in this task's registers, and the comparison
 * fails. It also catches guest state leaking through a wrong swap when
 * the VMM is scheduled out in the middle of a RUN.
 *
 * Prints one line with the number of rounds and exits 0 if every round
 * matched and COMMAND exited 0; 1 on a mismatch (printing the first
 * differing register), 2 if COMMAND failed, 3 on a usage or spawn error.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define NREGS	16
#define YIELDS	64
#define MXCSR_TEST	0x7f80u	/* default with RC = truncate */

struct regs {
	uint8_t v[NREGS][32];
	uint32_t mxcsr;
} __attribute__((aligned(32)));

/* Load @in into the registers, yield YIELDS times, store them in @out. */
static void round_sse(const struct regs *in, struct regs *out)
{
	uint32_t saved_mxcsr;
	long nr = SYS_sched_yield, n = YIELDS;

	__asm__ volatile(
		"stmxcsr %[saved]\n\t"
		"ldmxcsr 512(%[in])\n\t"
		"movdqu 0*32(%[in]), %%xmm0\n\t"
		"movdqu 1*32(%[in]), %%xmm1\n\t"
		"movdqu 2*32(%[in]), %%xmm2\n\t"
		"movdqu 3*32(%[in]), %%xmm3\n\t"
		"movdqu 4*32(%[in]), %%xmm4\n\t"
		"movdqu 5*32(%[in]), %%xmm5\n\t"
		"movdqu 6*32(%[in]), %%xmm6\n\t"
		"movdqu 7*32(%[in]), %%xmm7\n\t"
		"movdqu 8*32(%[in]), %%xmm8\n\t"
		"movdqu 9*32(%[in]), %%xmm9\n\t"
		"movdqu 10*32(%[in]), %%xmm10\n\t"
		"movdqu 11*32(%[in]), %%xmm11\n\t"
		"movdqu 12*32(%[in]), %%xmm12\n\t"
		"movdqu 13*32(%[in]), %%xmm13\n\t"
		"movdqu 14*32(%[in]), %%xmm14\n\t"
		"movdqu 15*32(%[in]), %%xmm15\n\t"
		"1: mov %[nr], %%rax\n\t"
		"syscall\n\t"
		"dec %[n]\n\t"
		"jnz 1b\n\t"
		"movdqu %%xmm0, 0*32(%[out])\n\t"
		"movdqu %%xmm1, 1*32(%[out])\n\t"
		"movdqu %%xmm2, 2*32(%[out])\n\t"
		"movdqu %%xmm3, 3*32(%[out])\n\t"
		"movdqu %%xmm4, 4*32(%[out])\n\t"
		"movdqu %%xmm5, 5*32(%[out])\n\t"
		"movdqu %%xmm6, 6*32(%[out])\n\t"
		"movdqu %%xmm7, 7*32(%[out])\n\t"
		"movdqu %%xmm8, 8*32(%[out])\n\t"
		"movdqu %%xmm9, 9*32(%[out])\n\t"
		"movdqu %%xmm10, 10*32(%[out])\n\t"
		"movdqu %%xmm11, 11*32(%[out])\n\t"
		"movdqu %%xmm12, 12*32(%[out])\n\t"
		"movdqu %%xmm13, 13*32(%[out])\n\t"
		"movdqu %%xmm14, 14*32(%[out])\n\t"
		"movdqu %%xmm15, 15*32(%[out])\n\t"
		"stmxcsr 512(%[out])\n\t"
		"ldmxcsr %[saved]\n\t"
		: [saved] "=m" (saved_mxcsr), [n] "+r" (n)
		: [in] "r" (in), [out] "r" (out), [nr] "r" (nr)
		: "rax", "rcx", "r11", "memory", "cc",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15");
}

/* The same with the full YMM registers. */
static void round_avx(const struct regs *in, struct regs *out)
{
	uint32_t saved_mxcsr;
	long nr = SYS_sched_yield, n = YIELDS;

	__asm__ volatile(
		"stmxcsr %[saved]\n\t"
		"ldmxcsr 512(%[in])\n\t"
		"vmovdqu 0*32(%[in]), %%ymm0\n\t"
		"vmovdqu 1*32(%[in]), %%ymm1\n\t"
		"vmovdqu 2*32(%[in]), %%ymm2\n\t"
		"vmovdqu 3*32(%[in]), %%ymm3\n\t"
		"vmovdqu 4*32(%[in]), %%ymm4\n\t"
		"vmovdqu 5*32(%[in]), %%ymm5\n\t"
		"vmovdqu 6*32(%[in]), %%ymm6\n\t"
		"vmovdqu 7*32(%[in]), %%ymm7\n\t"
		"vmovdqu 8*32(%[in]), %%ymm8\n\t"
		"vmovdqu 9*32(%[in]), %%ymm9\n\t"
		"vmovdqu 10*32(%[in]), %%ymm10\n\t"
		"vmovdqu 11*32(%[in]), %%ymm11\n\t"
		"vmovdqu 12*32(%[in]), %%ymm12\n\t"
		"vmovdqu 13*32(%[in]), %%ymm13\n\t"
		"vmovdqu 14*32(%[in]), %%ymm14\n\t"
		"vmovdqu 15*32(%[in]), %%ymm15\n\t"
		"1: mov %[nr], %%rax\n\t"
		"syscall\n\t"
		"dec %[n]\n\t"
		"jnz 1b\n\t"
		"vmovdqu %%ymm0, 0*32(%[out])\n\t"
		"vmovdqu %%ymm1, 1*32(%[out])\n\t"
		"vmovdqu %%ymm2, 2*32(%[out])\n\t"
		"vmovdqu %%ymm3, 3*32(%[out])\n\t"
		"vmovdqu %%ymm4, 4*32(%[out])\n\t"
		"vmovdqu %%ymm5, 5*32(%[out])\n\t"
		"vmovdqu %%ymm6, 6*32(%[out])\n\t"
		"vmovdqu %%ymm7, 7*32(%[out])\n\t"
		"vmovdqu %%ymm8, 8*32(%[out])\n\t"
		"vmovdqu %%ymm9, 9*32(%[out])\n\t"
		"vmovdqu %%ymm10, 10*32(%[out])\n\t"
		"vmovdqu %%ymm11, 11*32(%[out])\n\t"
		"vmovdqu %%ymm12, 12*32(%[out])\n\t"
		"vmovdqu %%ymm13, 13*32(%[out])\n\t"
		"vmovdqu %%ymm14, 14*32(%[out])\n\t"
		"vmovdqu %%ymm15, 15*32(%[out])\n\t"
		"vzeroupper\n\t"
		"stmxcsr 512(%[out])\n\t"
		"ldmxcsr %[saved]\n\t"
		: [saved] "=m" (saved_mxcsr), [n] "+r" (n)
		: [in] "r" (in), [out] "r" (out), [nr] "r" (nr)
		: "rax", "rcx", "r11", "memory", "cc",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15");
}

/* 0 if equal, else 1 + the first differing register (16: MXCSR). */
static int compare(const struct regs *a, const struct regs *b, size_t width)
{
	int i;

	for (i = 0; i < NREGS; i++)
		if (memcmp(a->v[i], b->v[i], width))
			return 1 + i;
	return a->mxcsr != b->mxcsr ? 1 + NREGS : 0;
}

int main(int argc, char **argv)
{
	static struct regs in, out;
	bool avx;
	size_t width;
	unsigned long rounds = 0;
	pid_t pid;
	int status, i, j, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: fpu_host COMMAND [ARGS...]\n");
		return 3;
	}
	__builtin_cpu_init();
	avx = __builtin_cpu_supports("avx");
	width = avx ? 32 : 16;
	for (i = 0; i < NREGS; i++)
		for (j = 0; j < 32; j++)
			in.v[i][j] = (uint8_t)(0xa5 ^ (i * 32 + j) * 13);
	in.mxcsr = MXCSR_TEST;

	if (posix_spawnp(&pid, argv[1], NULL, NULL, argv + 1, environ)) {
		perror("fpu_host: posix_spawnp");
		return 3;
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0) {
			perror("fpu_host: waitpid");
			return 3;
		}
		memset(&out, 0, sizeof(out));
		if (avx)
			round_avx(&in, &out);
		else
			round_sse(&in, &out);
		rounds++;
		bad = compare(&in, &out, width);
		if (bad)
			break;
	}
	if (bad) {
		if (bad > NREGS)
			printf("fpu_host: FAIL MXCSR 0x%x, expected 0x%x after %lu rounds\n",
			       out.mxcsr, in.mxcsr, rounds);
		else
			printf("fpu_host: FAIL %s%d changed after %lu rounds\n",
			       avx ? "YMM" : "XMM", bad - 1, rounds);
		waitpid(pid, &status, 0);
		return 1;
	}
	printf("fpu_host: %s0-15 and MXCSR intact over %lu rounds of %d yields\n",
	       avx ? "YMM" : "XMM", rounds, YIELDS);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("fpu_host: %s failed (status 0x%x)\n", argv[1], status);
		return 2;
	}
	return 0;
}
