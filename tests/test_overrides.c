/*
 * Tests for overrides: parsing (every form, and malformed lines reported as
 * FILE:LINE without stopping), resolution against a model (unknown stories
 * reported), the lookups, and their effect in policy_apply() on a
 * hand-built model: pins at their position with origin "pinned" even when
 * not a candidate, lists keeping their length, blocked and sponsored
 * candidates dropped and recorded with --explain.
 *
 * Stories doc0..doc5, each a unit vector over its own term plus a shared
 * one, so every pair has a positive cosine; the candidates of doc0 are
 * doc1..doc4 (scores chosen freely), doc5 is never a candidate.
 */
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
#include "input.h"
#include "model.h"
#include "overrides.h"
#include "testutil.h"
#include "policy.h"
#include "rank.h"

#define N_DOCS 6
#define DEPTH 8


/* doc d = (shared term 0 with weight 1, own term d+1 with weight 1)/sqrt 2. */
static void make_model(struct model *m)
{
	enum { TERMS = N_DOCS + 1 };
	float dense[N_DOCS][TERMS] = { { 0 } };

	/* story d: the shared term t0 and its own term t(d+1), equal weights */
	for (uint32_t d = 0; d < N_DOCS; d++)
		dense[d][0] = dense[d][d + 1] = 1.0f;
	assert_int_equal(testutil_model_from_dense(m, N_DOCS, TERMS, &dense[0][0], "doc", 0,
						   NULL, 0), 0);
}

static void make_candidates(struct rank_lists *l)
{
	static const struct neighbor d0[] = {
		{ 1, 0.9f }, { 2, 0.8f }, { 3, 0.7f }, { 4, 0.6f },
	};

	memset(l, 0, sizeof *l);
	l->depth = DEPTH;
	l->n_docs = N_DOCS;
	l->items = calloc(N_DOCS * DEPTH, sizeof *l->items);
	l->count = calloc(N_DOCS, sizeof *l->count);
	assert_true(l->items && l->count);
	memcpy(l->items, d0, sizeof d0);
	l->count[0] = 4;
}

/* Parses and resolves `text` as FILE "ov.jsonl" against the model. */
static void load(struct overrides *ov, const struct model *m, const char *text,
		 struct skip_list *problems)
{
	struct error err = { "" };

	overrides_init(ov);
	memset(problems, 0, sizeof *problems);
	assert_int_equal(overrides_parse(ov, text, strlen(text), "ov.jsonl", problems, &err), 0);
	assert_int_equal(overrides_resolve(ov, m, problems, &err), 0);
}

static void test_every_form_parses(void **state)
{
	struct model m;
	struct overrides ov;
	struct skip_list problems;
	const struct override_pin *pins;

	(void)state;
	make_model(&m);
	load(&ov, &m,
	     "{\"story\": \"doc0\", \"pin\": \"doc5\", \"position\": 2}\n"
	     "\n"
	     "{\"story\": \"doc0\", \"pin\": \"doc4\"}\n"
	     "{\"story\": \"doc0\", \"block\": \"doc1\"}\n"
	     "{\"block\": \"doc2\"}\n"
	     "{\"sponsored\": \"doc3\"}\n",
	     &problems);
	assert_int_equal(problems.n, 0);
	assert_int_equal(ov.n, 5);
	assert_int_equal(overrides_pins(&ov, 0, &pins), 2);
	assert_int_equal(pins[0].doc, 4); /* position 1 (the default) first */
	assert_int_equal(pins[0].position, 1);
	assert_int_equal(pins[1].doc, 5);
	assert_int_equal(pins[1].position, 2);
	assert_int_equal(overrides_pins(&ov, 1, &pins), 0);
	assert_true(overrides_is_pinned(&ov, 0, 5));
	assert_false(overrides_is_pinned(&ov, 1, 5));
	assert_string_equal(overrides_exclusion(&ov, 0, 1), "blocked");
	assert_null(overrides_exclusion(&ov, 4, 1)); /* blocked on doc0 only */
	assert_string_equal(overrides_exclusion(&ov, 4, 2), "blocked"); /* everywhere */
	assert_string_equal(overrides_exclusion(&ov, 0, 3), "sponsored");
	assert_null(overrides_exclusion(&ov, 0, 4));
	overrides_free(&ov);
	skip_list_free(&problems);
	model_free(&m);
}

static void test_sponsored_only_on_sponsored_stories(void **state)
{
	struct model m;
	struct overrides ov;
	struct skip_list problems;

	(void)state;
	make_model(&m);
	load(&ov, &m, "{\"sponsored\": \"doc3\"}\n{\"sponsored\": \"doc4\"}\n", &problems);
	assert_string_equal(overrides_exclusion(&ov, 0, 3), "sponsored");
	assert_null(overrides_exclusion(&ov, 4, 3));
	assert_null(overrides_exclusion(&ov, 3, 4));
	overrides_free(&ov);
	skip_list_free(&problems);
	model_free(&m);
}

static void test_bad_lines_are_reported_with_file_and_line(void **state)
{
	struct model m;
	struct overrides ov;
	struct skip_list problems;

	(void)state;
	make_model(&m);
	load(&ov, &m,
	     "not json\n"                                       /* 1 */
	     "[1, 2]\n"                                         /* 2 */
	     "{\"story\": \"doc0\"}\n"                          /* 3: nothing to do */
	     "{\"pin\": \"doc1\"}\n"                            /* 4: pin without story */
	     "{\"story\": \"doc0\", \"pin\": \"doc1\", \"position\": 0}\n" /* 5 */
	     "{\"story\": \"doc0\", \"pin\": \"doc1\", \"block\": \"doc2\"}\n" /* 6 */
	     "{\"block\": 7}\n"                                 /* 7 */
	     "{\"story\": \"doc0\", \"pin\": \"doc9\"}\n"       /* 8: unknown */
	     "{\"block\": \"nowhere\"}\n"                       /* 9: unknown */
	     "{\"story\": \"doc1\", \"pin\": \"doc1\"}\n"       /* 10: itself */
	     "{\"colour\": \"red\"}\n"                          /* 11 */
	     "{\"block\": \"doc2\"}\n",                         /* 12: fine */
	     &problems);
	assert_int_equal(problems.n, 11);
	for (size_t i = 0; i < problems.n; i++) {
		assert_non_null(strstr(problems.items[i].input, "ov.jsonl:"));
		assert_non_null(strstr(problems.items[i].reason, "override ignored"));
	}
	assert_string_equal(problems.items[0].input, "ov.jsonl:1");
	assert_string_equal(problems.items[8].input, "ov.jsonl:8");
	assert_non_null(strstr(problems.items[8].reason, "unknown story 'doc9'"));
	assert_non_null(strstr(problems.items[9].reason, "unknown story 'nowhere'"));
	assert_string_equal(overrides_exclusion(&ov, 0, 2), "blocked"); /* line 12 applies */
	overrides_free(&ov);
	skip_list_free(&problems);
	model_free(&m);
}

static void apply(const struct model *m, const struct overrides *ov, size_t top,
		  int explain, struct related_lists *out)
{
	struct policy_options o;
	struct rank_lists cand;
	struct error err = { "" };

	policy_options_default(&o);
	o.top = top;
	o.overrides = ov;
	o.explain = explain;
	o.fallback = 0;
	make_candidates(&cand);
	assert_int_equal(policy_apply(m, &cand, &o, out, &err), 0);
	rank_lists_free(&cand);
}

static void test_pin_takes_its_position_and_the_list_keeps_its_length(void **state)
{
	struct model m;
	struct overrides ov;
	struct skip_list problems;
	struct related_lists l;
	const struct related_item *it;

	(void)state;
	make_model(&m);
	/* doc5 is not a candidate; doc3 is one and must not appear twice */
	load(&ov, &m,
	     "{\"story\": \"doc0\", \"pin\": \"doc5\", \"position\": 2}\n"
	     "{\"story\": \"doc0\", \"pin\": \"doc3\", \"position\": 1}\n",
	     &problems);
	apply(&m, &ov, 3, 0, &l);
	it = l.items;
	assert_int_equal(l.count[0], 3);
	assert_int_equal(it[0].doc, 3);
	assert_string_equal(it[0].origin, "pinned");
	assert_int_equal(it[1].doc, 5);
	assert_string_equal(it[1].origin, "pinned");
	assert_float_equal(it[1].score, 0.5f, 1e-6); /* the pair's real cosine */
	assert_int_equal(it[2].doc, 1);
	assert_string_equal(it[2].origin, "similar");
	related_lists_free(&l);
	/* a position past the list's end puts the pin last */
	overrides_free(&ov);
	skip_list_free(&problems);
	load(&ov, &m, "{\"story\": \"doc0\", \"pin\": \"doc5\", \"position\": 9}\n", &problems);
	apply(&m, &ov, 10, 0, &l);
	assert_int_equal(l.count[0], 5);
	assert_int_equal(l.items[4].doc, 5);
	related_lists_free(&l);
	overrides_free(&ov);
	skip_list_free(&problems);
	model_free(&m);
}

static void test_blocked_and_sponsored_are_dropped_and_recorded(void **state)
{
	struct model m;
	struct overrides ov;
	struct skip_list problems;
	struct related_lists l;

	(void)state;
	make_model(&m);
	load(&ov, &m,
	     "{\"story\": \"doc0\", \"block\": \"doc1\"}\n"
	     "{\"sponsored\": \"doc3\"}\n",
	     &problems);
	apply(&m, &ov, 10, 1, &l);
	assert_int_equal(l.count[0], 2);
	assert_int_equal(l.items[0].doc, 2);
	assert_int_equal(l.items[1].doc, 4);
	assert_non_null(l.excluded);
	assert_int_equal(l.excluded_count[0], 2);
	assert_int_equal(l.excluded[0].doc, 1);
	assert_string_equal(l.excluded[0].reason, "blocked");
	assert_int_equal(l.excluded[1].doc, 3);
	assert_string_equal(l.excluded[1].reason, "sponsored");
	related_lists_free(&l);
	/* without --explain nothing is recorded */
	apply(&m, &ov, 10, 0, &l);
	assert_null(l.excluded);
	related_lists_free(&l);
	overrides_free(&ov);
	skip_list_free(&problems);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_form_parses),
		cmocka_unit_test(test_sponsored_only_on_sponsored_stories),
		cmocka_unit_test(test_bad_lines_are_reported_with_file_and_line),
		cmocka_unit_test(test_pin_takes_its_position_and_the_list_keeps_its_length),
		cmocka_unit_test(test_blocked_and_sponsored_are_dropped_and_recorded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
