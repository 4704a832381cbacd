/*
 * postings: building the compact inverted index of postings.h from a
 * model's rows, in two passes over them: lengths, then the postings in
 * story order (so each list comes out ascending), the block table taken
 * at each block's first story from every term's fill position. A loaded
 * model carries its postings (the rows' transpose, ascending, the same
 * floats): they are read list by list instead, in order, which gives the
 * same arrays without the scattered writes of a transpose.
 */
#include "postings.h"

#include <stdlib.h>
#include <string.h>

/* Whether m carries its own postings (a loaded model). */
static int has_lists(const struct model *m)
{
	return m->post_start && m->post_doc && m->post_weight;
}

void postings_free(struct postings *p)
{
	free(p->start);
	free(p->bound);
	free(p->off);
	free(p->code);
	free(p->scale);
	free(p->weight);
	free(p->wshift);
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
	if (has_lists(m)) {
		for (uint32_t t = 0; t < m->n_terms; t++)
			p->len[t] = (uint32_t)(m->post_start[t + 1] - m->post_start[t]);
		return 0;
	}
	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint32_t k = 0; k < m->n_blocks; k++) {
			uint32_t *len = p->len + ((size_t)k << MODEL_BLOCK_BITS);
			for (uint64_t i = model_run_begin(m, d, k); i < model_run_end(m, d, k); i++)
				len[m->term_lo[i]]++;
		}
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

uint16_t postings_code(float w, float scale)
{
	double q;

	if (!(w > 0.0f) || !(scale > 0.0f))
		return 0;
	q = (double)w / scale + 0.5; /* in double: rounded to the nearest code */
	if (q >= (double)POSTINGS_CODE_MAX)
		return POSTINGS_CODE_MAX;
	return q < 1.0 ? 1 : (uint16_t)q;
}

/* p->start of the terms kept and, for those with floats, p->wshift; the
 * arrays sized. keep: as postings_fill()'s. */
static int lay_out(const struct model *m, const unsigned char *keep, struct postings *p)
{
	uint64_t floats = 0;
	int codes = 0;

	p->start = calloc((size_t)m->n_terms + 1, sizeof *p->start);
	p->wshift = malloc(((size_t)m->n_terms + 1) * sizeof *p->wshift);
	if (!p->start || !p->wshift)
		return -1;
	for (uint32_t t = 0; t < m->n_terms; t++) {
		unsigned k = keep ? keep[t] : POSTINGS_FLOATS;
		p->start[t + 1] = p->start[t] + (k ? p->len[t] : 0);
		p->wshift[t] = (int64_t)floats - (int64_t)p->start[t];
		if (k & POSTINGS_FLOATS)
			floats += p->len[t];
		codes |= (k & POSTINGS_CODES) != 0;
	}
	p->n = p->start[m->n_terms];
	p->off = malloc((p->n ? p->n : 1) * sizeof *p->off);
	if (!p->off)
		return -1;
	if (floats && !(p->weight = malloc(floats * sizeof *p->weight)))
		return -1;
	if (!floats) {
		free(p->wshift);
		p->wshift = NULL;
	}
	if (codes && (!(p->code = malloc((p->n ? p->n : 1) * sizeof *p->code)) ||
		      !(p->scale = calloc((size_t)m->n_terms + 1, sizeof *p->scale))))
		return -1;
	return 0;
}

/* p->scale of every term with codes: its largest weight / POSTINGS_CODE_MAX. */
static void set_scales(const struct model *m, const unsigned char *keep, struct postings *p)
{
	if (has_lists(m)) {
		for (uint32_t t = 0; t < m->n_terms; t++)
			for (uint64_t i = m->post_start[t]; i < m->post_start[t + 1]; i++)
				if (m->post_weight[i] > p->scale[t])
					p->scale[t] = m->post_weight[i];
	} else {
		model_largest_weights(m, p->scale);
	}
	for (uint32_t t = 0; t < m->n_terms; t++)
		p->scale[t] = keep[t] & POSTINGS_CODES ? p->scale[t] / (float)POSTINGS_CODE_MAX : 0.0f;
}

/* The kept lists from m's own postings, one term after the other: the
 * block table of term t as its list crosses each block's first story. */
static void fill_by_term(const struct model *m, const unsigned char *keep, struct postings *p)
{
	size_t width = p->n_blocks - 1;

	for (uint32_t t = 0; t < m->n_terms; t++) {
		unsigned k = keep ? keep[t] : POSTINGS_FLOATS;
		uint64_t src = m->post_start[t], at = p->start[t];
		uint32_t b = 1;
		if (!k)
			continue; /* a term left out: its table stays 0 */
		for (uint32_t j = 0; j < p->len[t]; j++, at++) {
			uint32_t d = m->post_doc[src + j];
			float w = m->post_weight[src + j];
			for (; b < p->n_blocks && d >= b << POSTINGS_BLOCK_BITS; b++)
				p->bound[(size_t)t * width + b - 1] = j;
			p->off[at] = (uint16_t)(d & (POSTINGS_BLOCK - 1));
			if (k & POSTINGS_CODES)
				p->code[at] = postings_code(w, p->scale[t]);
			if (k & POSTINGS_FLOATS)
				p->weight[(int64_t)at + p->wshift[t]] = w;
		}
		for (; b < p->n_blocks; b++)
			p->bound[(size_t)t * width + b - 1] = p->len[t];
	}
}

/* The kept lists from m's rows, story after story; fill[t] is where term
 * t's next posting goes (p->start to begin with). */
static void fill_by_story(const struct model *m, const unsigned char *keep, struct postings *p,
			  uint64_t *fill)
{
	for (uint32_t d = 0; d < m->n_docs; d++) {
		if (d && !(d & (POSTINGS_BLOCK - 1)))
			mark_block(p, fill, d >> POSTINGS_BLOCK_BITS);
		for (uint32_t r = 0; r < m->n_blocks; r++) {
			uint64_t e = model_run_end(m, d, r);
			for (uint64_t i = model_run_begin(m, d, r); i < e; i++) {
				uint32_t t = r << MODEL_BLOCK_BITS | m->term_lo[i];
				unsigned k = keep ? keep[t] : POSTINGS_FLOATS;
				uint64_t at = fill[t];
				if (at == p->start[t + 1])
					continue; /* a term left out */
				p->off[at] = (uint16_t)(d & (POSTINGS_BLOCK - 1));
				if (k & POSTINGS_CODES)
					p->code[at] = postings_code(m->val[i], p->scale[t]);
				if (k & POSTINGS_FLOATS)
					p->weight[(int64_t)at + p->wshift[t]] = m->val[i];
				fill[t]++;
			}
		}
	}
}

int postings_fill(const struct model *m, const unsigned char *keep, struct postings *p)
{
	uint64_t *fill = NULL;
	size_t width = p->n_blocks - 1;

	if (lay_out(m, keep, p))
		goto oom;
	if (width && !(p->bound = calloc((size_t)m->n_terms * width + 1, sizeof *p->bound)))
		goto oom;
	if (p->code)
		set_scales(m, keep, p);
	if (has_lists(m)) {
		fill_by_term(m, keep, p);
		return 0;
	}
	if (!(fill = malloc(((size_t)m->n_terms + 1) * sizeof *fill)))
		goto oom;
	memcpy(fill, p->start, ((size_t)m->n_terms + 1) * sizeof *fill);
	fill_by_story(m, keep, p, fill);
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
