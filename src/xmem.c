/*
 * xmem.c — allocation wrappers that abort on out of memory.
 */
#include "hmc/xmem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*fatal_hook)(void);

void
xmem_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

static void
out_of_memory(size_t size)
{
	if (fatal_hook != NULL)
		fatal_hook();
	fprintf(stderr, "hmc: out of memory (asked for %zu bytes)\n", size);
	abort();
}

void *
xmalloc(size_t size)
{
	void *ptr = malloc(size ? size : 1);
	if (ptr == NULL)
		out_of_memory(size);
	return ptr;
}

void *
xcalloc(size_t n, size_t size)
{
	void *ptr = calloc(n ? n : 1, size ? size : 1);
	if (ptr == NULL)
		out_of_memory(n * size);
	return ptr;
}

void *
xrealloc(void *ptr, size_t size)
{
	void *grown = realloc(ptr, size ? size : 1);
	if (grown == NULL)
		out_of_memory(size);
	return grown;
}

char *
xstrdup(const char *text)
{
	size_t len = strlen(text) + 1;
	return memcpy(xmalloc(len), text, len);
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out_of_memory(strlen(fmt));
	va_end(ap);
	return out;
}

size_t
xstrlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
