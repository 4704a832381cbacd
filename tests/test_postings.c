/*
 * Tests for postings: the compact lists decoded block by block give back,
 * posting for posting, the transpose of the rows they were built from:
 * stories at both ends of a block, archives of exactly one block and one
 * story past it, empty lists, terms left out, a term in every story of a
 * block, zero and largest weights.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "postings.h"

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
	memset(&r->m, 0, sizeof r->m);
	r->m.n_docs = r->n_docs;
	r->m.n_terms = r->n_terms;
	r->m.nnz = r->nnz;
	r->m.row = r->row;
	r->m.col = r->col;
	r->m.val = r->val;
	return &r->m;
}

static void rows_free(struct rows *r)
{
	free(r->row);
	free(r->col);
	free(r->val);
}

/* Decodes every list of p block by block and checks it against the rows'
 * transpose: the same stories in the same (ascending) order with the same
 * weights, bit for bit, for the terms kept; empty lists for the others;
 * len the full length of every term. */
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
		uint32_t prev = 0;
		int first = 1;
		assert_int_equal(p->len[t], len[t]);
		for (uint32_t b = 0; b < p->n_blocks; b++) {
			uint64_t e = postings_block_start(p, t, b + 1);
			assert_true(postings_block_start(p, t, b) <= e);
			for (uint64_t k = postings_block_start(p, t, b); k < e; k++) {
				uint32_t d = postings_story(p, b, k);
				assert_true(d < r->n_docs);
				assert_true(d >> POSTINGS_BLOCK_BITS == b);
				assert_true(first || d > prev);
				first = 0;
				prev = d;
				/* the rows' entry of (d, t) */
				{
					uint64_t i = r->row[d];
					while (i < r->row[d + 1] && r->col[i] != t)
						i++;
					assert_true(i < r->row[d + 1]);
					assert_memory_equal(&p->weight[k], &r->val[i], sizeof(float));
				}
				at[t]++;
			}
		}
		assert_int_equal(at[t], keep && !keep[t] ? 0 : len[t]);
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
		keep[t] = 1;
	assert_int_equal(postings_build(rows_model(&r), keep, &p), 0);
	assert_transpose(&r, &p, keep);
	assert_true(p.len[4] > 0);
	assert_int_equal(postings_block_start(&p, 4, 0), postings_block_start(&p, 4, 3));
	postings_free(&p);
	rows_free(&r);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_round_trip_across_blocks),
		cmocka_unit_test(test_one_block_and_one_story_past_it),
		cmocka_unit_test(test_terms_left_out_have_empty_lists_and_their_length),
		cmocka_unit_test(test_empty_archive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
