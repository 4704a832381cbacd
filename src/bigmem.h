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
 *
 * bigmem_trim() gives the heap's free pages back to the kernel between
 * stages, but only when there are BIGMEM_TRIM_FROM bytes of them or more:
 * a smaller stage's next stage re-faulted what it gave back (real text:
 * 6,000 of a run's 20,500 page faults), for a peak lower by at most those
 * bytes.
 */
#ifndef RELATED_BIGMEM_H
#define RELATED_BIGMEM_H

#include <stddef.h>

#define BIGMEM_HUGE ((size_t)2 << 20)
/* The free heap bytes worth giving back: the floor of pageout.h's
 * PAGEOUT_FROM, the other memory a run gives up between stages. */
#define BIGMEM_TRIM_FROM ((size_t)64 << 20)

/* `bytes` bytes (at least 1), not cleared, or NULL when memory runs out. */
void *bigmem_alloc(size_t bytes);
/* bigmem_alloc() of n * size bytes, cleared; NULL when memory runs out or
 * n * size overflows. Cleared by writes, so its pages are faulted in
 * writable here: a table read before it is written (a hash table's probes)
 * faults once per page, where calloc()'s fresh pages fault twice (mapped
 * to the zero page on the read, copied on the write). */
void *bigmem_calloc(size_t n, size_t size);
/* Gives the heap's free pages back to the kernel when at least `from`
 * bytes of it are free (BIGMEM_TRIM_FROM, or 0: always); 1 when it did. */
int bigmem_trim(size_t from);

#endif
