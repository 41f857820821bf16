// SPDX-License-Identifier: GPL-2.0
/* The per-thread "last error" message of libminivisor. */
#include <stdarg.h>
#include <stdio.h>

#include "libminivisor.h"
#include "internal.h"

static _Thread_local char mv_error_buf[512];

const char *mv_last_error(void)
{
	return mv_error_buf;
}

int mv_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mv_error_buf, sizeof(mv_error_buf), fmt, ap);
	va_end(ap);
	return -err;
}
