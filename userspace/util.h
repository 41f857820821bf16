/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the tool, the library and the tests. */
#ifndef MV_UTIL_H
#define MV_UTIL_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* MV_UTIL_H */
