/*
 * bigmem: aligned_alloc() on 2 MiB boundaries and madvise(MADV_HUGEPAGE)
 * for large blocks (bigmem.h).
 */
#include "bigmem.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* n rounded up to a multiple of `to` (a power of two), 0 on overflow. */
static size_t round_up(size_t n, size_t to)
{
	return n > SIZE_MAX - (to - 1) ? 0 : (n + to - 1) & ~(to - 1);
}

void *bigmem_alloc(size_t bytes)
{
	size_t align = bytes >= BIGMEM_HUGE ? BIGMEM_HUGE : 64;
	size_t size = round_up(bytes ? bytes : 1, align);
	void *p;

	if (!size)
		return NULL;
	p = aligned_alloc(align, size);
#ifdef MADV_HUGEPAGE
	if (p && align == BIGMEM_HUGE)
		(void)madvise(p, size, MADV_HUGEPAGE); /* a hint: refused, nothing changes */
#endif
	return p;
}

void *bigmem_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = bigmem_alloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

int bigmem_trim(size_t from)
{
#ifdef __GLIBC__
	/* mallinfo2() sums every arena's free chunks (the analysis threads'
	 * too), as malloc_trim() walks them */
	if (from && mallinfo2().fordblks < from)
		return 0;
	malloc_trim(0);
	return 1;
#else
	(void)from;
	return 0;
#endif
}
