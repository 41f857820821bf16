/* SPDX-License-Identifier: GPL-2.0 */
/* Private to libminivisor. */
#ifndef LIBMINIVISOR_INTERNAL_H
#define LIBMINIVISOR_INTERNAL_H

/* mv_fail() is public now (libminivisor.h): hv/ reports through it. */
#include "libminivisor.h"

#endif /* LIBMINIVISOR_INTERNAL_H */
