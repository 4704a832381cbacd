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
 * decoding the ones before (no gaps, no escapes).
 *
 * Weights come two ways, chosen per term when the lists are built: the
 * rows' floats, bit for bit (sums over them are the sums over the rows'
 * weights, added in the same order: what exact ranking reads), and 16-bit
 * codes, weight = code * scale[t] with scale[t] the term's largest weight
 * over 65535, rounded to nearest (off by at most scale[t] / 2; code 0 only
 * for a weight of 0): what the approximate mode chooses candidates with
 * before it re-scores them from the rows.
 *
 * Term t's postings in block b are [postings_block_start(p, t, b),
 * postings_block_start(p, t, b + 1)), ascending by story; story
 * (b << POSTINGS_BLOCK_BITS) + off[k], with its weight as above. A term left out
 * (postings_build()'s keep) has an empty list; len[t] is the length of
 * its full list either way.
 *
 * Memory: 2 bytes a posting kept, 2 more for its code, 4 for its float
 * (where kept), the starts 8 bytes a term (16 with floats), the table 4
 * bytes a term per block after the first (12 MB for 200,000 terms at a
 * million stories). Read-only once built; several threads may read it.
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
	uint16_t *code;     /* [n] quantised weights; NULL when no term has them */
	float *scale;       /* [n_terms] (NULL with code) */
	float *weight;      /* the float weights: term t's postings' are
			       weight[k + wshift[t]], k in t's list; NULL
			       when no term has them */
	int64_t *wshift;    /* [n_terms] (NULL with weight) */
	uint32_t *len;      /* [n_terms] each term's full list length */
};

/* What postings_fill() keeps of a term (flags of keep[t]): its postings
 * with codes, with floats, or both; 0 leaves its list empty. */
enum { POSTINGS_CODES = 1, POSTINGS_FLOATS = 2 };
#define POSTINGS_CODE_MAX 65535u

/* The code of weight w (0 <= w <= the list's largest) in a list of the
 * given scale (its largest weight / POSTINGS_CODE_MAX; 0 when every
 * weight is 0): round(w / scale), and 1 for a positive weight that would
 * round to 0. */
uint16_t postings_code(float w, float scale);

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

/* The postings of m's rows: of every term with floats when keep is NULL,
 * else of the terms keep marks (POSTINGS_CODES, POSTINGS_FLOATS; the
 * others' lists empty). `p` is the caller's, released with
 * postings_free(); -1 when memory runs out (then `p` is empty). */
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
