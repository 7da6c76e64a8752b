/*
 * xmem.h — allocation that cannot fail.
 *
 * Out of memory is the one failure hmc does not try to survive: the x-
 * functions call the registered fatal hook (the screens restore the
 * terminal there) and abort.  Everything they return is freed with free().
 */
#ifndef HMC_XMEM_H
#define HMC_XMEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *text);
/* Formatted into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called once before abort() on out of memory; NULL for none. */
void xmem_set_fatal_hook(void (*hook)(void));

/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t xstrlcpy(char *dst, const char *src, size_t size);

#endif
