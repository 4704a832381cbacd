/*
 * Tests for explain: score parts and shared terms of a pair on a
 * hand-built model whose cosines are worked out here, and the JSON built
 * from them (parsed back with jansson).
 *
 * Stories over four terms (unit length after scaling):
 *   d0 (3,4,0,0)/5     d1 (0,4,3,0)/5     d2 (0,0,0,1)     d3 (3,4,0,0)/5
 * cos(d0,d1) = 16/25 = 0.64, all from t1; cos(d0,d2) = 0; cos(d0,d3) = 1
 * with contributions 9/25 (t0) and 16/25 (t1).
 */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "explain.h"
#include "model.h"
#include "testutil.h"

#define N_DOCS 4
#define N_TERMS 4

static const float dense[N_DOCS][N_TERMS] = {
	{ 3, 4, 0, 0 }, { 0, 4, 3, 0 }, { 0, 0, 0, 1 }, { 3, 4, 0, 0 },
};


/* Leads: d0 and d3 name Moscow, d3 also Sunday; with their titles' numbers
 * the names are {0, moscow} and {3, moscow, sunday}, overlap 1/4. */
static const char *const leads[N_DOCS] = { "Talks in Moscow ended.", NULL, NULL,
					   "Ministers met in Moscow on Sunday." };

static void make_model(struct model *m)
{
	static char titles[N_DOCS][16];
	const char *fields[N_DOCS * MODEL_FIELDS] = { 0 };

	for (uint32_t d = 0; d < N_DOCS; d++) {
		snprintf(titles[d], sizeof titles[d], "Title %u", d);
		fields[d * MODEL_FIELDS + MODEL_TITLE] = titles[d];
		fields[d * MODEL_FIELDS + MODEL_EXCERPT] = leads[d];
	}
	assert_int_equal(testutil_model_from_dense(m, N_DOCS, N_TERMS, &dense[0][0], "doc", 0,
						   fields, 0), 0);
}

/* Two-dimensional latent vectors: d0 and d1 at 60 degrees (cosine 0.5). */
static void add_latent(struct model *m)
{
	float *v = calloc(N_DOCS * 2, sizeof *v);

	assert_non_null(v);
	v[0] = 1.0f;                     /* d0 (1, 0) */
	v[2] = 0.5f, v[3] = sqrtf(0.75f); /* d1 */
	v[5] = 1.0f;                     /* d2 (0, 1) */
	v[6] = 1.0f;                     /* d3 (1, 0) */
	model_set_latent(m, v, 2);
}

static void test_contributions_sum_to_the_cosine_best_first(void **state)
{
	struct model m;
	struct explain e;
	struct error err = { "" };

	(void)state;
	make_model(&m);
	assert_int_equal(explain_pair(&m, 0, 3, 0.5f, 20, &e, &err), 0);
	assert_int_equal(e.n_shared, 2);
	assert_int_equal(e.n_terms, 2);
	assert_int_equal(e.terms[0].term, 1); /* 16/25 before 9/25 */
	assert_float_equal(e.terms[0].contribution, 0.64f, 1e-6);
	assert_float_equal(e.terms[1].contribution, 0.36f, 1e-6);
	assert_float_equal(e.terms[0].contribution + e.terms[1].contribution, e.tfidf, 1e-6);
	assert_float_equal(e.tfidf, 1.0f, 1e-6);
	/* no latent vectors: the score is the TF-IDF cosine, weight 0 */
	assert_false(e.has_latent);
	assert_float_equal(e.weight, 0.0f, 0);
	assert_float_equal(e.score, e.tfidf, 0);
	explain_free(&e);
	model_free(&m);
}

static void test_term_list_is_cut_but_the_cosine_counts_every_term(void **state)
{
	struct model m;
	struct explain e;

	(void)state;
	make_model(&m);
	assert_int_equal(explain_pair(&m, 0, 3, 0.0f, 1, &e, NULL), 0);
	assert_int_equal(e.n_shared, 2);
	assert_int_equal(e.n_terms, 1);
	assert_float_equal(e.tfidf, 1.0f, 1e-6);
	explain_free(&e);
	assert_int_equal(explain_pair(&m, 0, 2, 0.0f, 5, &e, NULL), 0);
	assert_int_equal(e.n_shared, 0);
	assert_float_equal(e.tfidf, 0.0f, 0);
	explain_free(&e);
	model_free(&m);
}

static void test_blend_matches_rank_formula(void **state)
{
	struct model m;
	struct explain e;

	(void)state;
	make_model(&m);
	add_latent(&m);
	assert_int_equal(explain_pair(&m, 0, 1, 0.25f, 20, &e, NULL), 0);
	assert_true(e.has_latent);
	assert_float_equal(e.tfidf, 0.64f, 1e-6);
	assert_float_equal(e.latent, 0.5f, 1e-6);
	assert_float_equal(e.weight, 0.25f, 0);
	assert_float_equal(e.score, 0.75f * 0.64f + 0.25f * 0.5f, 1e-6);
	assert_float_equal(explain_score(&m, 0, 1, 0.25f), e.score, 0);
	assert_float_equal(explain_score(&m, 0, 1, 0.0f), e.tfidf, 0);
	explain_free(&e);
	model_free(&m);
}

static void test_out_of_range_story_is_an_error(void **state)
{
	struct model m;
	struct explain e;
	struct error err = { "" };

	(void)state;
	make_model(&m);
	assert_int_equal(explain_pair(&m, 0, N_DOCS, 0.5f, 20, &e, &err), -1);
	assert_non_null(strstr(err.message, "out of range"));
	explain_free(&e);
	model_free(&m);
}

static void test_find_story_by_id(void **state)
{
	struct model m;

	(void)state;
	make_model(&m);
	assert_int_equal(model_find(&m, "doc2"), 2);
	assert_int_equal(model_find(&m, "doc9"), -1);
	model_free(&m);
}

static void test_json_has_every_part(void **state)
{
	struct model m;
	struct explain e;
	struct buf b = BUF_INIT;
	json_error_t jerr;
	json_t *j, *terms;
	double sum = 0;

	(void)state;
	make_model(&m);
	assert_int_equal(explain_pair(&m, 0, 3, 0.5f, 20, &e, NULL), 0);
	assert_int_equal(explain_json(&b, &m, &e), 0);
	j = json_loads(b.data, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "a"), "id")), "doc0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "b"), "title")),
			    "Title 3");
	assert_true(json_is_null(json_object_get(j, "latent")));
	assert_float_equal(json_real_value(json_object_get(j, "tfidf")), 1.0, 1e-6);
	assert_int_equal(json_integer_value(json_object_get(j, "shared_terms")), 2);
	terms = json_object_get(j, "terms");
	assert_int_equal(json_array_size(terms), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(terms, 0), "term")), "t1");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(terms, 0), "df")), 3);
	for (size_t i = 0; i < json_array_size(terms); i++)
		sum += json_real_value(json_object_get(json_array_get(terms, i), "contribution"));
	assert_float_equal(sum, 1.0, 1e-4);
	json_decref(j);

	buf_reset(&b);
	assert_int_equal(explain_why_json(&b, &m, &e), 0);
	j = json_loads(b.data, 0, &jerr);
	assert_non_null(j);
	assert_non_null(json_object_get(j, "terms"));
	assert_non_null(json_object_get(j, "score"));
	assert_non_null(json_object_get(j, "latent"));
	/* the names the leads share (policy_lead_names()) */
	assert_float_equal(e.names, 0.25f, 1e-6);
	assert_float_equal(json_real_value(json_object_get(j, "names")), 0.25, 1e-6);
	json_decref(j);
	buf_release(&b);
	explain_free(&e);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contributions_sum_to_the_cosine_best_first),
		cmocka_unit_test(test_term_list_is_cut_but_the_cosine_counts_every_term),
		cmocka_unit_test(test_blend_matches_rank_formula),
		cmocka_unit_test(test_out_of_range_story_is_an_error),
		cmocka_unit_test(test_find_story_by_id),
		cmocka_unit_test(test_json_has_every_part),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
