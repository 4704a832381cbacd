/*
 * postings: building the compact inverted index of postings.h from a
 * model's rows, in two passes over them: lengths, then the postings in
 * story order (so each list comes out ascending), the block table taken
 * at each block's first story from every term's fill position.
 */
#include "postings.h"

#include <stdlib.h>
#include <string.h>

void postings_free(struct postings *p)
{
	free(p->start);
	free(p->bound);
	free(p->off);
	free(p->weight);
	free(p->len);
	memset(p, 0, sizeof *p);
}

int postings_count(const struct model *m, struct postings *p)
{
	memset(p, 0, sizeof *p);
	p->n_terms = m->n_terms;
	p->n_docs = m->n_docs;
	p->n_blocks = (uint32_t)(((uint64_t)m->n_docs + POSTINGS_BLOCK - 1) >> POSTINGS_BLOCK_BITS);
	if (!p->n_blocks)
		p->n_blocks = 1;
	p->len = calloc((size_t)m->n_terms + 1, sizeof *p->len);
	if (!p->len)
		return -1;
	for (uint64_t i = 0; i < m->nnz; i++)
		p->len[m->col[i]]++;
	return 0;
}

/* Records, as block b begins, where each term's list stands (fill[t],
 * the next posting of t) in the block table. */
static void mark_block(struct postings *p, const uint64_t *fill, uint32_t b)
{
	size_t width = p->n_blocks - 1;

	for (uint32_t t = 0; t < p->n_terms; t++)
		p->bound[(size_t)t * width + b - 1] = (uint32_t)(fill[t] - p->start[t]);
}

int postings_fill(const struct model *m, const unsigned char *keep, struct postings *p)
{
	uint64_t *fill = NULL;
	size_t width = p->n_blocks - 1;

	p->start = calloc((size_t)m->n_terms + 1, sizeof *p->start);
	if (!p->start)
		goto oom;
	for (uint32_t t = 0; t < m->n_terms; t++)
		p->start[t + 1] = p->start[t] + (keep && !keep[t] ? 0 : p->len[t]);
	p->n = p->start[m->n_terms];
	if (width && !(p->bound = calloc((size_t)m->n_terms * width + 1, sizeof *p->bound)))
		goto oom;
	p->off = malloc((p->n ? p->n : 1) * sizeof *p->off);
	p->weight = malloc((p->n ? p->n : 1) * sizeof *p->weight);
	fill = malloc(((size_t)m->n_terms + 1) * sizeof *fill);
	if (!p->off || !p->weight || !fill)
		goto oom;
	memcpy(fill, p->start, ((size_t)m->n_terms + 1) * sizeof *fill);
	for (uint32_t d = 0; d < m->n_docs; d++) {
		if (d && !(d & (POSTINGS_BLOCK - 1)))
			mark_block(p, fill, d >> POSTINGS_BLOCK_BITS);
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
			uint32_t t = m->col[i];
			if (fill[t] == p->start[t + 1])
				continue; /* a term left out */
			p->off[fill[t]] = (uint16_t)(d & (POSTINGS_BLOCK - 1));
			p->weight[fill[t]++] = m->val[i];
		}
	}
	free(fill);
	return 0;
oom:
	free(fill);
	postings_free(p);
	return -1;
}

int postings_build(const struct model *m, const unsigned char *keep, struct postings *p)
{
	if (postings_count(m, p))
		goto oom;
	return postings_fill(m, keep, p);
oom:
	postings_free(p);
	return -1;
}
