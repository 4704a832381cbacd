/*
 * pageout: memory a stage does not read, moved to a file for the stage's
 * length and read back after it, in place.
 *
 * The ranking sets a run's peak (at a million stories 4.27 GiB before
 * this, the model's 3.33 GiB among it; 3.63 GiB with it) while it reads
 * only the model's rows, latent vectors and the postings it builds: the
 * stories' strings, fields and signatures (about 530 MB there) wait for
 * the policy and the write. Without swap (this machine has none) the
 * kernel cannot page them out by itself, so pageout_begin()
 * writes the whole pages of each part to an unnamed file in a given
 * folder and gives them back to the kernel (madvise MADV_DONTNEED: their
 * addresses stay the process's and read as zeros meanwhile), and
 * pageout_end() reads them back into the same addresses, so every pointer
 * into them stays good. The part's first and last page, which it may
 * share with other memory, stay resident.
 *
 * Best effort on the way out: a folder where no file can be made, or a
 * full disk, leaves everything resident (nothing paged out, nothing
 * lost). Reading back is not optional: pageout_end() fails when the file
 * cannot be read whole, and the memory then holds zeros.
 */
#ifndef RELATED_PAGEOUT_H
#define RELATED_PAGEOUT_H

#include <stddef.h>

#include "log.h"

#define PAGEOUT_PARTS 8

/* Parts smaller than this in all stay: paging them out saves little, and
 * the file, the re-faults and the waits around it cost a short run time
 * (real text, 4,316 stories: its latent vectors, 1.7 MB, paged out added
 * about 10 ms to a 0.6 s run). */
#define PAGEOUT_FROM ((size_t)64 << 20)

/* Whether parts of these lengths are worth paging out (PAGEOUT_FROM). */
int pageout_worth(const size_t *len, size_t n);

struct pageout {
	int fd;          /* -1: nothing paged out */
	size_t n;
	char *at[PAGEOUT_PARTS];  /* page-aligned starts of what was paged out */
	size_t len[PAGEOUT_PARTS];
	size_t bytes;    /* paged out in all */
};

/* Pages out the whole pages of the n (n <= PAGEOUT_PARTS) parts
 * [at[i], at[i] + len[i]) (heap memory the caller owns, none of it read
 * until pageout_end()) through a file in `dir`, when pageout_worth().
 * po->bytes says how much went out (0 when nothing could or should). */
void pageout_begin(struct pageout *po, const char *dir, void *const *at, const size_t *len,
		   size_t n);

/* Reads back what pageout_begin() paged out and removes its file; -1 when
 * it cannot be read whole (`err` says why). Fine on a pageout that paged
 * out nothing. */
int pageout_end(struct pageout *po, struct error *err);

#endif
