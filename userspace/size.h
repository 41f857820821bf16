/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing of SIZE arguments such as "64M", "1G", "65536". */
#ifndef MV_SIZE_H
#define MV_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define MV_SIZE_FORMAT	"a byte count, optionally with a K, M or G suffix (powers of 1024), e.g. 65536, 64M, 1G"

/*
 * Decimal digits, then optionally one of K, M, G (either case). Returns 0,
 * -EINVAL for anything else (empty, sign, spaces, other suffix), -ERANGE if
 * the value does not fit 64 bits.
 */
int mv_parse_size(const char *s, uint64_t *out);

/* Formats @bytes as "64M"-style when exact, else a plain byte count. */
void mv_format_size(uint64_t bytes, char *buf, size_t len);

#endif /* MV_SIZE_H */
