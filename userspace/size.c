// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "size.h"
#include "util.h"

int mv_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int shift = 0;
	const char *p = s;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (shift && p[1] != '\0')
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

void mv_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const struct { unsigned int shift; char suffix; } units[] = {
		{ 30, 'G' }, { 20, 'M' }, { 10, 'K' },
	};
	unsigned int i;

	for (i = 0; bytes && i < ARRAY_SIZE(units); i++) {
		uint64_t unit = 1ULL << units[i].shift;

		if (bytes % unit == 0) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(bytes / unit),
				 units[i].suffix);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}
