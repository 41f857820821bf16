// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdlib.h>

#include "test.h"

static struct mv_test *tests_head, **tests_tail = &tests_head;
static int current_failures;
static const char *current_name;

void mv_test_register(struct mv_test *t)
{
	*tests_tail = t;
	tests_tail = &t->next;
}

void mv_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failures++;
	fprintf(stderr, "%s:%d: %s: check failed: ", file, line,
		current_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void mv_memfile_open(struct mv_memfile *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (!m->f) {
		perror("open_memstream");
		exit(1);
	}
}

const char *mv_memfile_text(struct mv_memfile *m)
{
	fflush(m->f);
	return m->buf;
}

void mv_memfile_close(struct mv_memfile *m)
{
	fclose(m->f);
	free(m->buf);
	m->f = NULL;
	m->buf = NULL;
}

int main(int argc, char *argv[])
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned int passed = 0, failed = 0;
	struct mv_test *t;

	for (t = tests_head; t; t = t->next) {
		if (filter && !strstr(t->name, filter))
			continue;
		current_name = t->name;
		current_failures = 0;
		t->fn();
		if (current_failures) {
			printf("FAIL %s\n", t->name);
			failed++;
		} else {
			passed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
