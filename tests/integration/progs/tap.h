/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP (Test Anything Protocol) output for the test programs that run in
 * the emulated PC: "ok N - ..." / "not ok N - ...", "# ..." diagnostics,
 * "Bail out! ...". Each program is one translation unit: include this once.
 */
#ifndef MV_PROGS_TAP_H
#define MV_PROGS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned int tap_count;
static unsigned int tap_failed;

static inline void tap_vresult(bool pass, const char *fmt, va_list ap)
{
	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%s %u - ", pass ? "ok" : "not ok", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static inline bool tap_result(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	return pass;
}

__attribute__((format(printf, 1, 2)))
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Stops the program: the plan so far, exit status 1. */
__attribute__((format(printf, 1, 2), noreturn))
static inline void bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n1..%u\n", tap_count);
	fflush(stdout);
	exit(1);
}

#endif /* MV_PROGS_TAP_H */
