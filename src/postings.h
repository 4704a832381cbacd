/*
 * postings: the inverted index that rank accumulates over, built from a
 * model's rows in a compact form.
 *
 * Stories are cut into blocks of POSTINGS_BLOCK consecutive indexes (the
 * ranking's accumulator blocks, rank.c). A posting names its story by the
 * story's offset within its block, 16 bits, not by its 32-bit index; where
 * each term's postings of each block begin is kept in a table of one
 * 32-bit count per term and block after the first, so that a reader goes
 * straight to a block of a list and knows every story it reads without
 * decoding the ones before (no gaps, no escapes). Weights are the rows'
 * floats, bit for bit, so sums over these postings are the sums over the
 * rows' weights, added in the same order.
 *
 * Term t's postings in block b are [postings_block_start(p, t, b),
 * postings_block_start(p, t, b + 1)), ascending by story; story
 * (b << POSTINGS_BLOCK_BITS) + off[k] with weight[k]. A term left out
 * (postings_build()'s keep) has an empty list; len[t] is the length of
 * its full list either way.
 *
 * Memory: 6 bytes a posting kept (8 as two arrays of story indexes and
 * weights), the starts 8 bytes a term, the table 4 bytes a term per block
 * after the first (12 MB for 200,000 terms at a million stories).
 * Read-only once built; several threads may read it.
 */
#ifndef RELATED_POSTINGS_H
#define RELATED_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define POSTINGS_BLOCK_BITS 16
#define POSTINGS_BLOCK ((uint32_t)1 << POSTINGS_BLOCK_BITS)

struct postings {
	uint32_t n_terms, n_docs;
	uint32_t n_blocks;  /* ceil(n_docs / POSTINGS_BLOCK), at least 1 */
	uint64_t n;         /* postings kept */
	uint64_t *start;    /* [n_terms + 1] */
	uint32_t *bound;    /* [n_terms * (n_blocks - 1)]: term t's postings
			       in blocks before b (1 <= b < n_blocks) at
			       bound[t * (n_blocks - 1) + b - 1]; NULL with
			       one block */
	uint16_t *off;      /* [n] story less its block's first */
	float *weight;      /* [n] */
	uint32_t *len;      /* [n_terms] each term's full list length */
};

/* The first posting of term t in block b (0 <= b <= n_blocks: b ==
 * n_blocks gives the end of t's list). */
static inline uint64_t postings_block_start(const struct postings *p, uint32_t t, uint32_t b)
{
	if (b == 0)
		return p->start[t];
	if (b >= p->n_blocks)
		return p->start[t + 1];
	return p->start[t] + p->bound[(size_t)t * (p->n_blocks - 1) + b - 1];
}

/* The story of posting k, which lies in block b. */
static inline uint32_t postings_story(const struct postings *p, uint32_t b, uint64_t k)
{
	return (b << POSTINGS_BLOCK_BITS) | p->off[k];
}

/* The postings of m's rows: of every term when keep is NULL, else of the
 * terms keep marks nonzero (the others' lists empty). `p` is the
 * caller's, released with postings_free(); -1 when memory runs out (then
 * `p` is empty). */
int postings_build(const struct model *m, const unsigned char *keep, struct postings *p);

/* postings_build() in two steps, for a caller that chooses the terms to
 * keep from the lengths: postings_count() empties `p` and sets p->len (and
 * the sizes); postings_fill() builds the rest. Either fails with -1 when
 * memory runs out (then `p` is empty). */
int postings_count(const struct model *m, struct postings *p);
int postings_fill(const struct model *m, const unsigned char *keep, struct postings *p);

/* Frees what postings_build() allocated and empties `p`; an empty
 * (zeroed) struct is fine. */
void postings_free(struct postings *p);

#endif
