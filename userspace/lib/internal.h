/* SPDX-License-Identifier: GPL-2.0 */
/* Private to libminivisor. */
#ifndef LIBMINIVISOR_INTERNAL_H
#define LIBMINIVISOR_INTERNAL_H

/* Formats the message mv_last_error() returns; returns -@err. */
int mv_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* LIBMINIVISOR_INTERNAL_H */
