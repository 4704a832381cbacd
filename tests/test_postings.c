/*
 * Tests for postings: the compact lists decoded block by block give back,
 * posting for posting, the transpose of the rows they were built from:
 * stories at both ends of a block, archives of exactly one block and one
 * story past it, empty lists, terms left out, a term in every story of a
 * block, zero and largest weights; floats bit for bit, codes within half
 * a step of the weight.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "postings.h"
#include "testutil.h"

/* Rows in plain arrays, and a struct model that points at them (only
 * what postings_build() reads). */
struct rows {
	uint32_t n_docs, n_terms;
	uint64_t *row;
	uint32_t *col;
	float *val;
	uint64_t nnz, cap;
	struct model m;
};

static void rows_init(struct rows *r, uint32_t n_docs, uint32_t n_terms)
{
	memset(r, 0, sizeof *r);
	r->n_docs = n_docs;
	r->n_terms = n_terms;
	r->row = calloc((size_t)n_docs + 1, sizeof *r->row);
	assert_non_null(r->row);
}

/* Adds (t, w) to the story being filled (stories in order, terms ascending). */
static void rows_add(struct rows *r, uint32_t t, float w)
{
	if (r->nnz == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->col = realloc(r->col, r->cap * sizeof *r->col);
		r->val = realloc(r->val, r->cap * sizeof *r->val);
		assert_non_null(r->col);
		assert_non_null(r->val);
	}
	r->col[r->nnz] = t;
	r->val[r->nnz++] = w;
}

static void rows_end_story(struct rows *r, uint32_t d)
{
	r->row[d + 1] = r->nnz;
}

static const struct model *rows_model(struct rows *r)
{
	testutil_rows_free(&r->m);
	memset(&r->m, 0, sizeof r->m);
	r->m.n_docs = r->n_docs;
	r->m.n_terms = r->n_terms;
	r->m.nnz = r->nnz;
	r->m.row = r->row;
	r->m.val = r->val;
	testutil_split_rows(&r->m, r->col);
	return &r->m;
}

static void rows_free(struct rows *r)
{
	free(r->row);
	free(r->col);
	free(r->val);
	testutil_rows_free(&r->m);
}

/* Decodes every list of p block by block and checks it against the rows'
 * transpose: the same stories in the same (ascending) order; the float
 * weights bit for bit, the codes within half a step (scale) of the weight,
 * 0 only for a weight of 0, the list's largest weight coded
 * POSTINGS_CODE_MAX; empty lists for the terms left out; len the full
 * length of every term. keep: as postings_fill()'s (NULL: floats). */
static void assert_transpose(const struct rows *r, const struct postings *p,
			     const unsigned char *keep)
{
	uint64_t *at = calloc((size_t)r->n_terms + 1, sizeof *at), total = 0;
	uint32_t *len = calloc((size_t)r->n_terms + 1, sizeof *len);

	assert_non_null(at);
	assert_non_null(len);
	for (uint64_t i = 0; i < r->nnz; i++)
		len[r->col[i]]++;
	assert_int_equal(p->n_terms, r->n_terms);
	assert_int_equal(p->n_blocks, r->n_docs ? (r->n_docs + POSTINGS_BLOCK - 1) / POSTINGS_BLOCK : 1);
	for (uint32_t t = 0; t < r->n_terms; t++) {
		unsigned k = keep ? keep[t] : POSTINGS_FLOATS;
		uint32_t prev = 0;
		uint16_t top = 0;
		float maxw = 0.0f;
		int first = 1;
		assert_int_equal(p->len[t], len[t]);
		for (uint32_t b = 0; b < p->n_blocks; b++) {
			uint64_t e = postings_block_start(p, t, b + 1);
			assert_true(postings_block_start(p, t, b) <= e);
			for (uint64_t j = postings_block_start(p, t, b); j < e; j++) {
				uint32_t d = postings_story(p, b, j);
				uint64_t i = r->row[d];
				assert_true(d < r->n_docs);
				assert_true(d >> POSTINGS_BLOCK_BITS == b);
				assert_true(first || d > prev);
				first = 0;
				prev = d;
				/* the rows' entry of (d, t) */
				while (i < r->row[d + 1] && r->col[i] != t)
					i++;
				assert_true(i < r->row[d + 1]);
				if (k & POSTINGS_FLOATS)
					assert_memory_equal(&p->weight[j + (uint64_t)p->wshift[t]],
							    &r->val[i], sizeof(float));
				if (k & POSTINGS_CODES) {
					double dec = (double)p->code[j] * p->scale[t];
					assert_true(fabs(dec - r->val[i]) <= 0.5001 * p->scale[t] ||
						    (p->code[j] == 1 && r->val[i] > 0.0f));
					assert_true((p->code[j] == 0) == (r->val[i] == 0.0f));
					if (p->code[j] > top)
						top = p->code[j];
				}
				if (r->val[i] > maxw)
					maxw = r->val[i];
				at[t]++;
			}
		}
		if ((k & POSTINGS_CODES) && maxw > 0.0f) {
			assert_int_equal(top, POSTINGS_CODE_MAX);
			assert_true(p->scale[t] == maxw / (float)POSTINGS_CODE_MAX);
		}
		assert_int_equal(at[t], k ? len[t] : 0);
		total += at[t];
	}
	assert_int_equal(p->n, total);
	free(at);
	free(len);
}

/* A pseudo-random sparse archive over three blocks and a bit: term 0 in
 * every story (weight 1, the largest), term 1 in none, term 2 only in the
 * first and last story of each block, term 3 with weight 0 in every
 * seventh story, the rest drawn. */
static void make_archive(struct rows *r, uint32_t n_docs)
{
	uint64_t x = 88172645463325252ull;

	rows_init(r, n_docs, 40);
	for (uint32_t d = 0; d < n_docs; d++) {
		uint32_t in = d & (POSTINGS_BLOCK - 1);
		rows_add(r, 0, 1.0f);
		if (in == 0 || in == POSTINGS_BLOCK - 1 || d == n_docs - 1)
			rows_add(r, 2, 0.5f);
		if (d % 7 == 0)
			rows_add(r, 3, 0.0f);
		for (uint32_t t = 4; t < 40; t++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if ((x & 15) < (t < 10 ? 4u : 1u))
				rows_add(r, t, (float)((x >> 20) & 0xffff) / 65536.0f + 1e-6f);
		}
		rows_end_story(r, d);
	}
}

static void test_lists_round_trip_across_blocks(void **state)
{
	struct rows r;
	struct postings p;

	(void)state;
	make_archive(&r, 3 * POSTINGS_BLOCK + 17);
	assert_int_equal(postings_build(rows_model(&r), NULL, &p), 0);
	assert_int_equal(p.n_blocks, 4);
	assert_transpose(&r, &p, NULL);
	/* the term of every story: a whole block, 2^16 postings, in one part */
	assert_int_equal(postings_block_start(&p, 0, 2) - postings_block_start(&p, 0, 1),
			 POSTINGS_BLOCK);
	/* the block's first and last story: offsets 0 and 65535 */
	assert_int_equal(postings_story(&p, 1, postings_block_start(&p, 2, 1)), POSTINGS_BLOCK);
	assert_int_equal(postings_story(&p, 1, postings_block_start(&p, 2, 2) - 1),
			 2 * POSTINGS_BLOCK - 1);
	/* an empty list: every block empty */
	assert_int_equal(p.len[1], 0);
	assert_int_equal(postings_block_start(&p, 1, 0), postings_block_start(&p, 1, 4));
	postings_free(&p);
	rows_free(&r);
}

static void test_one_block_and_one_story_past_it(void **state)
{
	uint32_t sizes[] = { 1, 2, POSTINGS_BLOCK - 1, POSTINGS_BLOCK, POSTINGS_BLOCK + 1 };

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct rows r;
		struct postings p;
		make_archive(&r, sizes[i]);
		assert_int_equal(postings_build(rows_model(&r), NULL, &p), 0);
		assert_int_equal(p.n_blocks, sizes[i] > POSTINGS_BLOCK ? 2 : 1);
		assert_int_equal(p.bound == NULL, p.n_blocks == 1);
		assert_transpose(&r, &p, NULL);
		postings_free(&p);
		rows_free(&r);
	}
}

static void test_terms_left_out_have_empty_lists_and_their_length(void **state)
{
	struct rows r;
	struct postings p;
	unsigned char keep[40] = { 0 };

	(void)state;
	make_archive(&r, 2 * POSTINGS_BLOCK + 3);
	for (uint32_t t = 0; t < 40; t += 3)
		keep[t] = POSTINGS_FLOATS;
	assert_int_equal(postings_build(rows_model(&r), keep, &p), 0);
	assert_null(p.code);
	assert_transpose(&r, &p, keep);
	assert_true(p.len[4] > 0); /* counted though left out */
	assert_int_equal(postings_block_start(&p, 4, 0), postings_block_start(&p, 4, 3));
	postings_free(&p);
	rows_free(&r);
}

/* Codes, floats, both and neither side by side: each term gets what it
 * was marked for, the floats packed without the other terms' room. */
static void test_codes_and_floats_by_term(void **state)
{
	struct rows r;
	struct postings p;
	unsigned char keep[40];
	uint64_t floats = 0;

	(void)state;
	make_archive(&r, 2 * POSTINGS_BLOCK + 100);
	for (uint32_t t = 0; t < 40; t++)
		keep[t] = (unsigned char)(t % 4); /* 0, codes, floats, both */
	assert_int_equal(postings_build(rows_model(&r), keep, &p), 0);
	assert_non_null(p.code);
	assert_non_null(p.weight);
	assert_transpose(&r, &p, keep);
	for (uint32_t t = 0; t < 40; t++)
		if (keep[t] & POSTINGS_FLOATS) {
			assert_int_equal((int64_t)p.start[t] + p.wshift[t], (int64_t)floats);
			floats += p.len[t];
		}
	postings_free(&p);
	/* codes alone: no floats kept at all */
	memset(keep, POSTINGS_CODES, sizeof keep);
	assert_int_equal(postings_build(rows_model(&r), keep, &p), 0);
	assert_null(p.weight);
	assert_null(p.wshift);
	assert_transpose(&r, &p, keep);
	postings_free(&p);
	rows_free(&r);
}

static void test_code_rounding_and_edges(void **state)
{
	float scale = 1.0f / 65536.0f; /* a power of two: every step exact */

	(void)state;
	assert_int_equal(postings_code(0.0f, scale), 0);
	assert_int_equal(postings_code(65535.0f * scale, scale), POSTINGS_CODE_MAX);
	assert_int_equal(postings_code(70000.0f * scale, scale), POSTINGS_CODE_MAX); /* clamped */
	assert_int_equal(postings_code(2.5f * scale, scale), 3);   /* halves round up */
	assert_int_equal(postings_code(2.4f * scale, scale), 2);
	assert_int_equal(postings_code(2.6f * scale, scale), 3);
	assert_int_equal(postings_code(0.49f * scale, scale), 1); /* positive: never 0 */
	assert_int_equal(postings_code(0.5f, 0.0f), 0);           /* a list of zeros */
}

static void test_empty_archive(void **state)
{
	struct rows r;
	struct postings p;

	(void)state;
	rows_init(&r, 0, 3);
	assert_int_equal(postings_build(rows_model(&r), NULL, &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.n_blocks, 1);
	for (uint32_t t = 0; t < 3; t++)
		assert_int_equal(postings_block_start(&p, t, 0), postings_block_start(&p, t, 1));
	postings_free(&p);
	postings_free(&p); /* an emptied struct is fine */
	rows_free(&r);
}

/* The rows' transpose as a loaded model carries it (post_start, post_doc,
 * post_weight), set on r->m: the arrays are the caller's to free. */
static void give_lists(struct rows *r, uint64_t **start, uint32_t **doc, float **weight)
{
	uint64_t *at = calloc((size_t)r->n_terms + 1, sizeof *at);

	*start = calloc((size_t)r->n_terms + 1, sizeof **start);
	*doc = malloc((r->nnz ? r->nnz : 1) * sizeof **doc);
	*weight = malloc((r->nnz ? r->nnz : 1) * sizeof **weight);
	assert_non_null(at);
	assert_non_null(*start);
	assert_non_null(*doc);
	assert_non_null(*weight);
	for (uint64_t i = 0; i < r->nnz; i++)
		(*start)[r->col[i] + 1]++;
	for (uint32_t t = 0; t < r->n_terms; t++)
		(*start)[t + 1] += (*start)[t];
	memcpy(at, *start, ((size_t)r->n_terms + 1) * sizeof *at);
	for (uint32_t d = 0; d < r->n_docs; d++)
		for (uint64_t i = r->row[d]; i < r->row[d + 1]; i++) {
			(*doc)[at[r->col[i]]] = d;
			(*weight)[at[r->col[i]]++] = r->val[i];
		}
	r->m.post_start = *start;
	r->m.post_doc = *doc;
	r->m.post_weight = *weight;
	free(at);
}

#define SAME_ARRAY(a, b, field, count) \
	do { \
		assert_true(((a)->field == NULL) == ((b)->field == NULL)); \
		if ((a)->field) \
			assert_memory_equal((a)->field, (b)->field, (count) * sizeof *(a)->field); \
	} while (0)

/* A loaded model's own postings give the very arrays the rows give, for
 * every way of keeping terms: what keeps a recommend's lists those of the
 * run that saved its model. */
static void test_a_models_own_lists_give_the_same_postings(void **state)
{
	uint32_t sizes[] = { 0, 5, 3 * POSTINGS_BLOCK + 17 };
	unsigned char keep[40];

	(void)state;
	for (uint32_t t = 0; t < 40; t++)
		keep[t] = (unsigned char)(t % 4);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		for (int with_keep = 0; with_keep < 2; with_keep++) {
			struct rows r;
			struct postings a, b;
			uint64_t *start;
			uint32_t *doc;
			float *weight;
			const unsigned char *k = with_keep ? keep : NULL;
			size_t width;
			if (sizes[i])
				make_archive(&r, sizes[i]);
			else
				rows_init(&r, 0, 40);
			assert_int_equal(postings_build(rows_model(&r), k, &a), 0);
			give_lists(&r, &start, &doc, &weight);
			assert_int_equal(postings_build(&r.m, k, &b), 0);
			assert_transpose(&r, &b, k);
			assert_int_equal(a.n, b.n);
			assert_int_equal(a.n_blocks, b.n_blocks);
			width = a.n_blocks - 1;
			SAME_ARRAY(&a, &b, start, (size_t)r.n_terms + 1);
			SAME_ARRAY(&a, &b, len, (size_t)r.n_terms);
			SAME_ARRAY(&a, &b, bound, (size_t)r.n_terms * width);
			SAME_ARRAY(&a, &b, off, a.n);
			assert_true((a.code == NULL) == (b.code == NULL));
			for (uint32_t t = 0; a.code && t < r.n_terms; t++)
				if (k[t] & POSTINGS_CODES) /* the others' codes are not set */
					assert_memory_equal(a.code + a.start[t], b.code + b.start[t],
							    a.len[t] * sizeof *a.code);
			SAME_ARRAY(&a, &b, scale, (size_t)r.n_terms);
			SAME_ARRAY(&a, &b, wshift, (size_t)r.n_terms);
			if (a.weight) {
				size_t floats = 0;
				for (uint32_t t = 0; t < r.n_terms; t++)
					if (!k || (k[t] & POSTINGS_FLOATS))
						floats += a.len[t];
				assert_memory_equal(a.weight, b.weight, floats * sizeof *a.weight);
			}
			postings_free(&a);
			postings_free(&b);
			free(start);
			free(doc);
			free(weight);
			rows_free(&r);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_round_trip_across_blocks),
		cmocka_unit_test(test_one_block_and_one_story_past_it),
		cmocka_unit_test(test_terms_left_out_have_empty_lists_and_their_length),
		cmocka_unit_test(test_codes_and_floats_by_term),
		cmocka_unit_test(test_code_rounding_and_edges),
		cmocka_unit_test(test_empty_archive),
		cmocka_unit_test(test_a_models_own_lists_give_the_same_postings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
