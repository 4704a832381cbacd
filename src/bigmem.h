/*
 * bigmem: large blocks on the kernel's transparent huge pages.
 *
 * A block of BIGMEM_HUGE bytes or more (the latent stage's story and term
 * blocks, the analyzer's word cache) is placed on 2 MiB boundaries and
 * marked MADV_HUGEPAGE, so that it is faulted in 2 MiB at a time rather
 * than 4 KiB (on real text a run took 28,600 page faults, a tenth of its
 * CPU time in the kernel) and its random reads miss the TLB less. Where the
 * kernel gives no huge pages the mark does nothing: the block is an
 * ordinary one. Smaller blocks are 64-byte aligned. Free with free().
 */
#ifndef RELATED_BIGMEM_H
#define RELATED_BIGMEM_H

#include <stddef.h>

#define BIGMEM_HUGE ((size_t)2 << 20)

/* `bytes` bytes (at least 1), not cleared, or NULL when memory runs out. */
void *bigmem_alloc(size_t bytes);
/* bigmem_alloc() of n * size bytes, cleared; NULL when memory runs out or
 * n * size overflows. */
void *bigmem_calloc(size_t n, size_t size);

#endif
