/*
 * Tests for semantic: the latent vectors agree with an exact SVD (GSL's
 * Golub-Reinsch on the dense matrix) where the spectrum has a gap, are
 * the same bits for any thread count and whether or not the model carries
 * its postings or semantic builds their transpose, fold a story of the model back onto its own vector when the
 * range finder spans every story, and stay finite on repeated stories.
 * The matrices are made here: stories drawn from planted topics (a block of
 * terms each) plus a little noise, rows of unit length as in a model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "semantic.h"
#include "testutil.h"

/* A model with only what semantic reads: the rows, and optionally postings. */
struct matrix {
	struct model m;
	uint64_t *row, *post_start;
	uint32_t *col, *post_doc;
	float *val, *post_weight;
};

static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* n stories over t terms: story d is about topic d % topics, with the first
 * `per` terms of that topic's block of t / topics terms at random weights,
 * and `noise` terms from anywhere at a quarter of the weight; story d repeats story d % distinct (distinct = n: none). */
static void make_matrix(struct matrix *x, uint32_t n, uint32_t t, uint32_t topics, uint32_t per,
			uint32_t noise, uint32_t distinct, int with_postings)
{
	uint64_t seed = 7, nnz = 0;
	uint32_t width = t / topics;
	char *seen = calloc(t, 1);

	memset(x, 0, sizeof *x);
	assert_non_null(seen);
	x->row = calloc((size_t)n + 1, sizeof *x->row);
	x->col = malloc((size_t)n * (per + noise) * sizeof *x->col);
	x->val = malloc((size_t)n * (per + noise) * sizeof *x->val);
	assert_true(x->row && x->col && x->val);
	for (uint32_t d = 0; d < n; d++) {
		uint64_t b = nnz;
		double norm = 0;

		if (d >= distinct) { /* a copy of an earlier story */
			uint32_t s = d % distinct;
			for (uint64_t i = x->row[s]; i < x->row[s + 1]; i++) {
				x->col[nnz] = x->col[i];
				x->val[nnz++] = x->val[i];
			}
			x->row[d + 1] = nnz;
			continue;
		}
		memset(seen, 0, t);
		for (uint32_t i = 0; i < per + noise; i++) {
			uint32_t c = i < per ? (d % topics) * width + i % width
					     : (uint32_t)(next_random(&seed) % t);
			seen[c] = i < per ? 4 : seen[c] ? seen[c] : 1; /* noise: a quarter */
		}
		for (uint32_t c = 0; c < t; c++)
			if (seen[c]) {
				x->col[nnz] = c;
				x->val[nnz] = seen[c] * (1.0f + (float)(next_random(&seed) % 1000) / 500.0f);
				norm += (double)x->val[nnz] * x->val[nnz];
				nnz++;
			}
		for (uint64_t i = b; i < nnz; i++)
			x->val[i] = (float)(x->val[i] / sqrt(norm));
		x->row[d + 1] = nnz;
	}
	free(seen);
	x->m.n_docs = n;
	x->m.n_terms = t;
	x->m.nnz = nnz;
	x->m.row = x->row;
	x->m.val = x->val;
	testutil_split_rows(&x->m, x->col);
	if (with_postings) {
		uint64_t *fill = calloc((size_t)t + 1, sizeof *fill);
		x->post_start = calloc((size_t)t + 1, sizeof *x->post_start);
		x->post_doc = malloc((nnz ? nnz : 1) * sizeof *x->post_doc);
		x->post_weight = malloc((nnz ? nnz : 1) * sizeof *x->post_weight);
		assert_true(fill && x->post_start && x->post_doc && x->post_weight);
		for (uint64_t i = 0; i < nnz; i++)
			x->post_start[x->col[i] + 1]++;
		for (uint32_t c = 0; c < t; c++)
			x->post_start[c + 1] += x->post_start[c];
		memcpy(fill, x->post_start, ((size_t)t + 1) * sizeof *fill);
		for (uint32_t d = 0; d < n; d++)
			for (uint64_t i = x->row[d]; i < x->row[d + 1]; i++) {
				uint64_t k = fill[x->col[i]]++;
				x->post_doc[k] = d;
				x->post_weight[k] = x->val[i];
			}
		free(fill);
		x->m.post_start = x->post_start;
		x->m.post_doc = x->post_doc;
		x->m.post_weight = x->post_weight;
	}
}

/* Every story's vector is its row times the term basis, at unit length
 * (how a story is folded in): within 1e-4, k <= 64. */
static void assert_rows_fold_to(const struct matrix *x, const float *basis, uint32_t k,
				const float *vecs)
{
	assert_true(k <= 64);
	for (uint32_t d = 0; d < x->m.n_docs; d++) {
		double folded[64] = { 0 }, norm = 0;
		for (uint64_t i = x->row[d]; i < x->row[d + 1]; i++)
			for (uint32_t j = 0; j < k; j++)
				folded[j] += (double)x->val[i] * basis[(size_t)x->col[i] * k + j];
		for (uint32_t j = 0; j < k; j++)
			norm += folded[j] * folded[j];
		assert_true(norm > 0);
		for (uint32_t j = 0; j < k; j++)
			assert_float_equal(folded[j] / sqrt(norm), vecs[(size_t)d * k + j], 1e-4);
	}
}

static void free_matrix(struct matrix *x)
{
	free(x->row);
	free(x->col);
	free(x->val);
	testutil_rows_free(&x->m);
	free(x->post_start);
	free(x->post_doc);
	free(x->post_weight);
}

static double dot(const float *a, const float *b, size_t k)
{
	double s = 0;
	for (size_t j = 0; j < k; j++)
		s += (double)a[j] * b[j];
	return s;
}

static void test_semantic_matches_an_exact_svd_where_the_spectrum_has_a_gap(void **state)
{
	enum { N = 300, T = 500, TOPICS = 12 };
	struct matrix x;
	struct error err = { "" };
	float *vecs, *basis;
	uint32_t k;
	gsl_matrix *at = gsl_matrix_calloc(T, N), *v = gsl_matrix_alloc(N, N);
	gsl_vector *s = gsl_vector_alloc(N), *work = gsl_vector_alloc(N);
	double worst = 0;

	(void)state;
	assert_true(at && v && s && work);
	make_matrix(&x, N, T, TOPICS, 12, 2, N, 0);
	assert_int_equal(semantic_fit_basis(&x.m, TOPICS, 42, 2, &vecs, &basis, &k, &err), 0);
	assert_int_equal(k, TOPICS);
	/* Aᵀ = U S Vᵀ, so A's left singular vectors are the columns of V. */
	for (uint32_t d = 0; d < N; d++)
		for (uint64_t i = x.row[d]; i < x.row[d + 1]; i++)
			gsl_matrix_set(at, x.col[i], d, x.val[i]);
	assert_int_equal(gsl_linalg_SV_decomp(at, v, s, work), 0);
	assert_true(gsl_vector_get(s, TOPICS - 1) > 1.5 * gsl_vector_get(s, TOPICS));
	for (uint32_t a = 0; a < N; a++)
		for (uint32_t b = a + 1; b < N; b++) {
			double ab = 0, aa = 0, bb = 0;
			for (uint32_t j = 0; j < TOPICS; j++) {
				double sj = gsl_vector_get(s, j), va = gsl_matrix_get(v, a, j) * sj,
				       vb = gsl_matrix_get(v, b, j) * sj;
				ab += va * vb;
				aa += va * va;
				bb += vb * vb;
			}
			worst = fmax(worst, fabs(ab / sqrt(aa * bb) -
						 dot(vecs + (size_t)a * k, vecs + (size_t)b * k, k)));
		}
	assert_true(worst < 1e-4);
	free(vecs);
	free(basis);
	gsl_matrix_free(at);
	gsl_matrix_free(v);
	gsl_vector_free(s);
	gsl_vector_free(work);
	free_matrix(&x);
}

/* A fit of m on `jobs` threads gives exactly vecs and basis (k columns). */
static void assert_same_fit(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
			    const float *vecs, const float *basis, uint32_t k)
{
	struct error err = { "" };
	float *v, *b;
	uint32_t got;

	assert_int_equal(semantic_fit_basis(m, dim, seed, jobs, &v, &b, &got, &err), 0);
	assert_int_equal(got, k);
	assert_memory_equal(v, vecs, (size_t)m->n_docs * k * sizeof *v);
	assert_memory_equal(b, basis, (size_t)m->n_terms * k * sizeof *b);
	free(v);
	free(b);
}

static void test_semantic_is_the_same_for_any_thread_count(void **state)
{
	enum { N = 700, T = 900, DIM = 30 };
	static const int jobs[] = { 2, 3, 5, 16 };
	struct matrix x;
	struct error err = { "" };
	float *vecs1, *basis1;
	uint32_t k1;

	(void)state;
	make_matrix(&x, N, T, 20, 15, 5, N, 0);
	assert_int_equal(semantic_fit_basis(&x.m, DIM, 42, 1, &vecs1, &basis1, &k1, &err), 0);
	assert_int_equal(k1, DIM);
	for (size_t i = 0; i < sizeof jobs / sizeof *jobs; i++)
		assert_same_fit(&x.m, DIM, 42, jobs[i], vecs1, basis1, k1);
	free(vecs1);
	free(basis1);
	free_matrix(&x);
}

/* The dense steps worked story by story give the bits of GSL's BLAS on
 * transposed chunks, and the products' sums held in registers those of an
 * entry at a time added in memory (semantic_use_row_kernels()): on a corpus
 * whose parts are one chunk each, and on one of 17,000 stories whose parts
 * hold more than a chunk (a chunk's sum added to the part's, as GSL's beta =
 * 1 does), and on a repetitive one (6 distinct stories, fewer than the
 * columns), on 1 and 3 threads; l = dim + 10 columns of 40, 22, 30 and 130
 * (more than the 14 vectors of one pass in registers), and bases of dim
 * columns (30 and 12: a tail of columns one by one). */
static void test_row_kernels_give_the_bits_of_gsl_blas(void **state)
{
	static const struct { uint32_t n, t, topics, distinct, dim; } cases[] = {
		{ 700, 900, 20, 700, 30 }, { 17000, 3000, 40, 17000, 12 }, { 300, 400, 5, 6, 20 },
		{ 600, 1500, 30, 600, 120 },
	};
	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		struct matrix x;
		struct error err = { "" };
		float *vecs, *basis;
		uint32_t k;

		make_matrix(&x, cases[c].n, cases[c].t, cases[c].topics, 15, 5, cases[c].distinct, 0);
		semantic_use_row_kernels(0);
		assert_int_equal(semantic_fit_basis(&x.m, cases[c].dim, 42, 2, &vecs, &basis, &k,
						    &err), 0);
		semantic_use_row_kernels(1);
		assert_same_fit(&x.m, cases[c].dim, 42, 1, vecs, basis, k);
		assert_same_fit(&x.m, cases[c].dim, 42, 3, vecs, basis, k);
		free(vecs);
		free(basis);
		free_matrix(&x);
	}
}

/* The model's own postings, and the transpose built when it has none (on
 * 1 to 9 threads: built in story parts, one per thread up to 8), give the
 * same bits. */
static void test_semantic_gives_the_same_bits_with_the_model_postings(void **state)
{
	enum { N = 200, T = 400, DIM = 16 };
	static const int jobs[] = { 1, 2, 3, 9 };
	struct matrix plain, posted;
	struct error err = { "" };
	float *v1, *b1;
	uint32_t k1;

	(void)state;
	make_matrix(&plain, N, T, 8, 10, 3, N, 0);
	make_matrix(&posted, N, T, 8, 10, 3, N, 1);
	assert_int_equal(semantic_fit_basis(&posted.m, DIM, 1, 2, &v1, &b1, &k1, &err), 0);
	for (size_t i = 0; i < sizeof jobs / sizeof *jobs; i++)
		assert_same_fit(&plain.m, DIM, 1, jobs[i], v1, b1, k1);
	free(v1);
	free(b1);
	free_matrix(&plain);
	free_matrix(&posted);
}

/* Without postings, a large corpus computes Aᵀ products from the rows alone
 * (a transpose limit of 0 forces it here): the same bits as the transpose,
 * for any thread count. */
static void test_semantic_gives_the_same_bits_without_a_transpose(void **state)
{
	enum { N = 700, T = 900, DIM = 30 };
	static const int jobs[] = { 1, 2, 3, 16 };
	struct matrix x;
	struct error err = { "" };
	float *vecs1, *basis1;
	uint32_t k1;

	(void)state;
	make_matrix(&x, N, T, 20, 15, 5, N, 0);
	assert_int_equal(semantic_fit_basis(&x.m, DIM, 42, 2, &vecs1, &basis1, &k1, &err), 0);
	semantic_set_transpose_limit(0);
	for (size_t i = 0; i < sizeof jobs / sizeof *jobs; i++)
		assert_same_fit(&x.m, DIM, 42, jobs[i], vecs1, basis1, k1);
	semantic_set_transpose_limit((uint64_t)256 << 20);
	free(vecs1);
	free(basis1);
	free_matrix(&x);
}

/* Fewer stories than dim + 10: the basis folds each story onto its vector. */
static void test_semantic_basis_folds_a_story_onto_its_own_vector(void **state)
{
	enum { N = 30, T = 120, DIM = 25 };
	struct matrix x;
	struct error err = { "" };
	float *vecs, *basis;
	uint32_t k;

	(void)state;
	make_matrix(&x, N, T, 5, 8, 4, N, 0);
	assert_int_equal(semantic_fit_basis(&x.m, DIM, 42, 2, &vecs, &basis, &k, &err), 0);
	assert_int_equal(k, DIM);
	assert_rows_fold_to(&x, basis, k, vecs);
	free(vecs);
	free(basis);
	free_matrix(&x);
}

/* 60 stories that are 12 stories five times over: rank 12 under 40 columns. */
static void test_semantic_repeated_stories_get_equal_finite_vectors(void **state)
{
	enum { N = 60, T = 300, DIM = 30, DISTINCT = 12 };
	struct matrix x;
	struct error err = { "" };
	float *vecs, *basis;
	uint32_t k;

	(void)state;
	make_matrix(&x, N, T, 4, 10, 3, DISTINCT, 0);
	assert_int_equal(semantic_fit_basis(&x.m, DIM, 42, 2, &vecs, &basis, &k, &err), 0);
	for (uint32_t d = 0; d < N; d++) {
		const float *vd = vecs + (size_t)d * k, *vs = vecs + (size_t)(d % DISTINCT) * k;
		for (uint32_t j = 0; j < k; j++)
			assert_true(isfinite(vd[j]));
		assert_float_equal(dot(vd, vd, k), 1.0, 1e-5);
		assert_float_equal(dot(vd, vs, k), 1.0, 1e-5);
	}
	for (size_t i = 0; i < (size_t)T * k; i++)
		assert_true(isfinite(basis[i]));
	free(vecs);
	free(basis);
	free_matrix(&x);
}

static void test_semantic_refuses_a_single_story(void **state)
{
	struct matrix x;
	struct error err = { "" };
	float *vecs = (float *)&err, *basis = (float *)&err;
	uint32_t k = 7;

	(void)state;
	make_matrix(&x, 1, 50, 1, 5, 0, 1, 0);
	assert_int_equal(semantic_fit_basis(&x.m, 10, 42, 2, &vecs, &basis, &k, &err), -1);
	assert_null(vecs);
	assert_null(basis);
	assert_int_equal(k, 0);
	assert_true(strstr(err.message, "too few") != NULL);
	free_matrix(&x);
}

/* A test matrix drawn ahead (semantic_draw_start()) gives the fit's bits,
 * sampled or not; one drawn for another story count, dimension or seed is
 * left aside and the fit draws its own: the same bits again. */
static void test_semantic_drawn_ahead_gives_the_same_bits(void **state)
{
	enum { N = 1200, T = 900, DIM = 24, FIT = 500 };
	static const struct { size_t n; uint32_t dim; uint64_t seed; size_t fit; } draws[] = {
		{ N, DIM, 42, 0 }, { N, DIM, 42, FIT }, { N + 1, DIM, 42, 0 }, { N, DIM + 1, 42, 0 },
		{ N, DIM, 43, 0 }, { N, DIM, 42, FIT + 1 },
	};
	struct matrix x;
	struct error err = { "" };
	float *want[2], *wb[2];
	uint32_t k;

	(void)state;
	make_matrix(&x, N, T, 20, 15, 5, N, 0);
	for (int s = 0; s < 2; s++)
		assert_int_equal(semantic_fit_sampled(&x.m, DIM, 42, 2, s ? FIT : 0, &want[s],
						      &wb[s], &k, &err), 0);
	for (size_t i = 0; i < sizeof draws / sizeof *draws; i++) {
		for (int s = 0; s < 2; s++) {
			struct semantic_draw *d = semantic_draw_start(draws[i].n, draws[i].dim,
								      draws[i].seed, draws[i].fit);
			float *v, *b;
			uint32_t got;
			assert_non_null(d);
			assert_int_equal(semantic_fit_drawn(&x.m, DIM, 42, 2, s ? FIT : 0, d, &v,
							    &b, &got, &err), 0);
			semantic_draw_free(d);
			assert_int_equal(got, k);
			assert_memory_equal(v, want[s], (size_t)N * k * sizeof *v);
			assert_memory_equal(b, wb[s], (size_t)T * k * sizeof *b);
			free(v);
			free(b);
		}
	}
	/* never used: freed all the same */
	semantic_draw_free(semantic_draw_start(N, DIM, 42, 0));
	for (int s = 0; s < 2; s++) {
		free(want[s]);
		free(wb[s]);
	}
	free_matrix(&x);
}

/* Fitted on a sample of 500 of 2,000 stories: every story's vector is its
 * row times the basis, at unit length (folded in, sampled or not); the same
 * bits on any thread count; topics as far apart as in the fit on all; a
 * sample as large as the corpus is the fit on all, bit for bit. */
static void test_semantic_sampled_fit_folds_every_story_in(void **state)
{
	enum { N = 2000, T = 900, DIM = 24, FIT = 500 };
	struct matrix x;
	struct error err = { "" };
	float *vecs, *basis, *v2, *b2, *full, *fb;
	uint32_t k, k2, kf;
	double sep[2];

	(void)state;
	make_matrix(&x, N, T, 20, 15, 5, N, 0);
	assert_int_equal(semantic_fit_sampled(&x.m, DIM, 42, 1, FIT, &vecs, &basis, &k, &err), 0);
	assert_int_equal(k, DIM);
	assert_rows_fold_to(&x, basis, k, vecs);
	assert_int_equal(semantic_fit_sampled(&x.m, DIM, 42, 3, FIT, &v2, &b2, &k2, &err), 0);
	assert_memory_equal(v2, vecs, (size_t)N * k * sizeof *v2);
	assert_memory_equal(b2, basis, (size_t)T * k * sizeof *b2);
	free(v2);
	free(b2);
	assert_int_equal(semantic_fit_basis(&x.m, DIM, 42, 2, &full, &fb, &kf, &err), 0);
	/* what the space is for: stories of a topic (d % 20) closer to each
	 * other than to the rest, by as much as in the fit on all */
	for (int which = 0; which < 2; which++) {
		const float *v = which ? full : vecs;
		double same = 0, other = 0;
		size_t ns = 0, no = 0;
		for (uint32_t a = 0; a < N; a += 7)
			for (uint32_t b = a + 1; b < N; b += 13) {
				double c = dot(v + (size_t)a * k, v + (size_t)b * k, k);
				if (a % 20 == b % 20)
					same += c, ns++;
				else
					other += c, no++;
			}
		sep[which] = same / (double)ns - other / (double)no;
	}
	assert_true(sep[1] > 0.5);
	assert_true(sep[0] > 0.95 * sep[1]);
	assert_int_equal(semantic_fit_sampled(&x.m, DIM, 42, 2, N, &v2, &b2, &k2, &err), 0);
	assert_memory_equal(v2, full, (size_t)N * k * sizeof *v2);
	assert_memory_equal(b2, fb, (size_t)T * k * sizeof *b2);
	free(v2);
	free(b2);
	free(full);
	free(fb);
	free(vecs);
	free(basis);
	free_matrix(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semantic_matches_an_exact_svd_where_the_spectrum_has_a_gap),
		cmocka_unit_test(test_semantic_is_the_same_for_any_thread_count),
		cmocka_unit_test(test_row_kernels_give_the_bits_of_gsl_blas),
		cmocka_unit_test(test_semantic_gives_the_same_bits_with_the_model_postings),
		cmocka_unit_test(test_semantic_gives_the_same_bits_without_a_transpose),
		cmocka_unit_test(test_semantic_basis_folds_a_story_onto_its_own_vector),
		cmocka_unit_test(test_semantic_repeated_stories_get_equal_finite_vectors),
		cmocka_unit_test(test_semantic_refuses_a_single_story),
		cmocka_unit_test(test_semantic_sampled_fit_folds_every_story_in),
		cmocka_unit_test(test_semantic_drawn_ahead_gives_the_same_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
