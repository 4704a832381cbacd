/*
 * Tests for eval: every metric on small cases computed by hand (labels,
 * label lists, editors' picks), the rules on which stories count, reading
 * the JSON Lines formats with their error messages, recall against other
 * lists, and the bootstrap intervals.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "eval.h"

#define EPS 1e-12

struct fixture {
	struct strmap ids;
	struct eval_lists lists, other;
	struct eval_labels labels;
	struct eval_result result;
	struct error err;
};

static int setup(void **state)
{
	static struct fixture f;

	strmap_init(&f.ids);
	eval_lists_init(&f.lists, &f.ids);
	eval_lists_init(&f.other, &f.ids);
	eval_labels_init(&f.labels, &f.ids);
	eval_result_init(&f.result);
	error_clear(&f.err);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	eval_result_free(&f->result);
	eval_labels_free(&f->labels);
	eval_lists_free(&f->other);
	eval_lists_free(&f->lists);
	strmap_free(&f->ids);
	return 0;
}

#define N(a) (sizeof(a) / sizeof(a)[0])

static void add_list(struct eval_lists *l, const char *source, const char *const *items,
		     size_t n)
{
	assert_int_equal(eval_lists_add(l, source, items, n, NULL), 0);
}

static void add_label(struct fixture *f, const char *id, const char *label)
{
	assert_int_equal(eval_labels_add(&f->labels, id, &label, 1, NULL, 0, NULL), 0);
}

/* The value of metric `name` for the query numbered `q` (labelled stories
 * with a relevant story, in label-file order). */
static double per_query(const struct fixture *f, const char *name, size_t q)
{
	const struct eval_metric *m = eval_result_metric(&f->result, name);

	assert_non_null(m);
	assert_true(q < m->n);
	return m->per_query[q];
}

static double value(const struct fixture *f, const char *name)
{
	const struct eval_metric *m = eval_result_metric(&f->result, name);

	assert_non_null(m);
	return m->value;
}

static FILE *text_file(const char *text)
{
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");

	assert_non_null(fp);
	return fp;
}

static void test_eval_metrics_match_hand_computation(void **state)
{
	struct fixture *f = *state;
	const char *a[] = { "b", "d", "c" };
	const size_t ks[] = { 1, 3 };

	add_label(f, "a", "x");
	add_label(f, "b", "x");
	add_label(f, "c", "x");
	add_label(f, "d", "y");
	add_label(f, "e", "y");
	add_list(&f->lists, "a", a, N(a));
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);

	/* a: relevant {b, c}, R = 2; hits at ranks 1 and 3. */
	assert_float_equal(per_query(f, "P@1", 0), 1.0, EPS);
	assert_float_equal(per_query(f, "R@1", 0), 0.5, EPS);
	assert_float_equal(per_query(f, "MAP@1", 0), 1.0, EPS);   /* 1/1 over min(2, 1) */
	assert_float_equal(per_query(f, "nDCG@1", 0), 1.0, EPS);
	assert_float_equal(per_query(f, "P@3", 0), 2.0 / 3, EPS);
	assert_float_equal(per_query(f, "R@3", 0), 1.0, EPS);
	assert_float_equal(per_query(f, "MAP@3", 0), (1.0 + 2.0 / 3) / 2, EPS);
	assert_float_equal(per_query(f, "nDCG@3", 0), (1.0 + 1 / log2(4)) / (1.0 + 1 / log2(3)),
			   EPS);
	/* b, c, d, e have no list: they count, with 0. */
	assert_int_equal(f->result.queries, 5);
	assert_float_equal(value(f, "P@3"), (2.0 / 3) / 5, EPS);
	assert_float_equal(value(f, "MAP@3"), (5.0 / 6) / 5, EPS);
	assert_float_equal(per_query(f, "nDCG@3", 4), 0.0, EPS);
	assert_int_equal(f->result.covered, 1);
}

static void test_eval_story_without_relevant_is_skipped_and_counted(void **state)
{
	struct fixture *f = *state;
	const char *a[] = { "b" }, *d[] = { "a" }, *z[] = { "a", "b" };
	const size_t ks[] = { 5 };

	add_label(f, "a", "x");
	add_label(f, "b", "x");
	add_label(f, "d", "alone");
	add_list(&f->lists, "a", a, N(a));
	add_list(&f->lists, "d", d, N(d));
	add_list(&f->lists, "z", z, N(z));
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);
	assert_int_equal(f->result.labelled, 3);
	assert_int_equal(f->result.queries, 2);
	assert_int_equal(f->result.skipped_no_relevant, 1);
	assert_int_equal(f->result.unlabelled_lists, 1); /* z */
	assert_int_equal(f->result.covered, 2);          /* a and d; b has none */
	/* a finds its one relevant story at rank 1; b scores 0. */
	assert_float_equal(value(f, "P@5"), (1.0 / 5) / 2, EPS);
	assert_float_equal(value(f, "R@5"), 0.5, EPS);
	assert_float_equal(value(f, "MAP@5"), 0.5, EPS);
	assert_float_equal(value(f, "nDCG@5"), 0.5, EPS);
}

static void test_eval_label_lists_relate_stories_sharing_any_label(void **state)
{
	struct fixture *f = *state;
	const char *xy[] = { "x", "y" }, *x = "x", *y = "y", *zl = "z";
	const char *a[] = { "c", "d", "b" }, *b[] = { "c", "a" };
	const size_t ks[] = { 2, 3 };

	assert_int_equal(eval_labels_add(&f->labels, "a", xy, 2, NULL, 0, NULL), 0);
	assert_int_equal(eval_labels_add(&f->labels, "b", &x, 1, NULL, 0, NULL), 0);
	assert_int_equal(eval_labels_add(&f->labels, "c", &y, 1, NULL, 0, NULL), 0);
	assert_int_equal(eval_labels_add(&f->labels, "d", &zl, 1, NULL, 0, NULL), 0);
	add_list(&f->lists, "a", a, N(a));
	add_list(&f->lists, "b", b, N(b));
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);
	assert_int_equal(f->result.queries, 3); /* a, b, c; d shares nothing */
	/* a: relevant {b, c}: hits at 1 and 3. */
	assert_float_equal(per_query(f, "P@3", 0), 2.0 / 3, EPS);
	assert_float_equal(per_query(f, "R@2", 0), 0.5, EPS);
	/* b: relevant {a} only (c shares no label with b): hit at 2. */
	assert_float_equal(per_query(f, "P@2", 1), 0.5, EPS);
	assert_float_equal(per_query(f, "MAP@2", 1), 0.5, EPS);
	assert_float_equal(per_query(f, "nDCG@2", 1), 1 / log2(3), EPS);
}

static void test_eval_editors_picks_are_exactly_the_relevant_stories(void **state)
{
	struct fixture *f = *state;
	const char *picks[] = { "c", "e", "a" }, *a[] = { "b", "c", "d", "e" };
	const size_t ks[] = { 4 };

	/* "a" among its own picks is ignored; b, c, d, e are not labelled. */
	assert_int_equal(eval_labels_add(&f->labels, "a", NULL, 0, picks, N(picks), NULL), 0);
	add_list(&f->lists, "a", a, N(a));
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);
	assert_int_equal(f->result.queries, 1);
	assert_float_equal(value(f, "P@4"), 0.5, EPS);
	assert_float_equal(value(f, "R@4"), 1.0, EPS);
	assert_float_equal(value(f, "MAP@4"), (1.0 / 2 + 2.0 / 4) / 2, EPS);
	assert_float_equal(value(f, "nDCG@4"), (1 / log2(3) + 1 / log2(5)) / (1 + 1 / log2(3)),
			   EPS);
}

static void test_eval_self_and_repeated_items_are_misses(void **state)
{
	struct fixture *f = *state;
	const char *a[] = { "a", "b", "b", "c", "a" };
	const size_t ks[] = { 5 };
	const struct eval_list *l;

	add_label(f, "a", "x");
	add_label(f, "b", "x");
	add_label(f, "c", "x");
	add_list(&f->lists, "a", a, N(a));
	l = eval_lists_find(&f->lists, (uint32_t)strmap_find(&f->ids, "a", 1));
	assert_non_null(l);
	assert_int_equal(l->n, 5);
	assert_true(l->items[0] == EVAL_MISS && l->items[2] == EVAL_MISS && l->items[4] == EVAL_MISS);
	assert_true(l->items[1] != EVAL_MISS && l->items[3] != EVAL_MISS);
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);
	assert_float_equal(per_query(f, "P@5", 0), 2.0 / 5, EPS);
	assert_float_equal(per_query(f, "MAP@5", 0), (1.0 / 2 + 2.0 / 4) / 2, EPS);
}

static void test_eval_reads_lists_and_labels_jsonl(void **state)
{
	struct fixture *f = *state;
	FILE *lf = text_file("{\"source\":{\"id\":\"a\",\"title\":\"A\"},\"items\":"
			     "[{\"rank\":1,\"id\":\"b\"},{\"rank\":2,\"id\":7}]}\n"
			     "\n"
			     "{\"source\":{\"id\":7},\"items\":null}\n"
			     "{\"source\":{\"id\":\"b\"},\"items\":[{\"id\":\"a\"}]}\n");
	FILE *bf = text_file("{\"id\":\"a\",\"label\":\"x\"}\n"
			     "{\"id\":7,\"label\":[\"x\",\"y\"]}\n"
			     "   \n"
			     "{\"id\":\"b\",\"related\":[\"a\"]}\n");
	const size_t ks[] = { 2 };

	assert_int_equal(eval_lists_read(&f->lists, lf, "r.jsonl", &f->err), 0);
	assert_int_equal(eval_labels_read(&f->labels, bf, "l.jsonl", &f->err), 0);
	fclose(lf);
	fclose(bf);
	assert_int_equal(f->lists.n, 3);
	assert_int_equal(f->lists.v[1].n, 0);
	assert_int_equal(f->labels.n, 3);
	assert_int_equal(f->labels.v[1].nlabels, 2);
	assert_int_equal(f->labels.v[2].npicks, 1);
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);
	/* a: relevant {7} (label x), found at rank 2; 7: relevant {a}, no items;
	 * b: picks {a}, found at rank 1. */
	assert_int_equal(f->result.queries, 3);
	assert_float_equal(per_query(f, "MAP@2", 0), 0.5, EPS);
	assert_float_equal(per_query(f, "MAP@2", 1), 0.0, EPS);
	assert_float_equal(per_query(f, "MAP@2", 2), 1.0, EPS);
	assert_int_equal(f->result.covered, 2);
}

static void test_eval_bad_lines_are_reported_with_file_and_line(void **state)
{
	struct fixture *f = *state;
	FILE *fp = text_file("{\"source\":{\"id\":\"a\"},\"items\":[]}\n{\"source\": oops}\n");

	assert_int_equal(eval_lists_read(&f->lists, fp, "r.jsonl", &f->err), EVAL_EINPUT);
	fclose(fp);
	assert_non_null(strstr(f->err.message, "r.jsonl:2: bad JSON"));

	fp = text_file("{\"id\":\"a\",\"label\":\"x\"}\n\n{\"id\":\"b\",\"label\":{\"x\":1}}\n");
	assert_int_equal(eval_labels_read(&f->labels, fp, "l.jsonl", &f->err), EVAL_EINPUT);
	fclose(fp);
	assert_non_null(strstr(f->err.message, "l.jsonl:3: \"label\""));

	fp = text_file("{\"id\":\"a\"}\n");
	assert_int_equal(eval_labels_read(&f->labels, fp, "l.jsonl", &f->err), EVAL_EINPUT);
	fclose(fp);
	assert_non_null(strstr(f->err.message, "l.jsonl:1: neither"));

	fp = text_file("{\"source\":{\"id\":\"a\"},\"items\":[{\"rank\":1}]}\n");
	assert_int_equal(eval_lists_read(&f->lists, fp, "r.jsonl", &f->err), EVAL_EINPUT);
	fclose(fp);
	assert_non_null(strstr(f->err.message, "r.jsonl:1: item 1"));
}

static void test_eval_repeated_story_keeps_last_line(void **state)
{
	struct fixture *f = *state;
	const char *first[] = { "c" }, *last[] = { "b" };
	const size_t ks[] = { 1 };

	add_label(f, "a", "y");
	add_label(f, "b", "x");
	add_label(f, "a", "x");
	add_list(&f->lists, "a", first, 1);
	add_list(&f->lists, "a", last, 1);
	assert_int_equal(f->lists.n, 1);
	assert_int_equal(f->labels.n, 2);
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);
	assert_float_equal(per_query(f, "P@1", 0), 1.0, EPS);
}

static void test_eval_against_gives_recall_of_the_other_top_k(void **state)
{
	struct fixture *f = *state;
	const char *mine_a[] = { "c", "x", "b" }, *ref_a[] = { "b", "c", "d" };
	const char *ref_b[] = { "b" }, *ref_c[] = { "a" }, *mine_d[] = { "a" }, *ref_d[] = { "a" };
	const size_t ks[] = { 2, 3 };

	add_list(&f->lists, "a", mine_a, N(mine_a));
	add_list(&f->lists, "d", mine_d, N(mine_d));
	add_list(&f->other, "a", ref_a, N(ref_a));
	add_list(&f->other, "b", ref_b, N(ref_b)); /* only itself: not compared */
	add_list(&f->other, "c", ref_c, N(ref_c)); /* we have none: recall 0 */
	add_list(&f->other, "d", ref_d, N(ref_d));
	assert_int_equal(eval_score_against(&f->result, &f->lists, &f->other, ks, N(ks), &f->err), 0);
	assert_int_equal(f->result.lists_compared, 3);
	assert_int_equal(f->result.missing_lists, 2); /* b and c */
	assert_float_equal(per_query(f, "recall@2", 0), 0.5, EPS);     /* {b,c} vs {c,x} */
	assert_float_equal(per_query(f, "recall@3", 0), 2.0 / 3, EPS); /* {b,c,d} vs {c,x,b} */
	assert_float_equal(value(f, "recall@2"), (0.5 + 0 + 1) / 3, EPS);
	assert_float_equal(value(f, "recall@3"), (2.0 / 3 + 0 + 1) / 3, EPS);
}

static void test_eval_against_itself_is_recall_one(void **state)
{
	struct fixture *f = *state;
	const char *a[] = { "b", "c" }, *b[] = { "a" };
	const size_t ks[] = { 5, 10 };

	add_list(&f->lists, "a", a, N(a));
	add_list(&f->lists, "b", b, N(b));
	assert_int_equal(eval_score_against(&f->result, &f->lists, &f->lists, ks, N(ks), &f->err), 0);
	assert_float_equal(value(f, "recall@5"), 1.0, EPS);
	assert_float_equal(value(f, "recall@10"), 1.0, EPS);
}

/* 40 stories of one label, each list holding a varying number of hits. */
static void score_varied(struct fixture *f)
{
	const char *ids[40];
	char names[40][8];
	const size_t ks[] = { 5, 10 };

	for (size_t i = 0; i < 40; i++) {
		snprintf(names[i], sizeof names[i], "s%zu", i);
		ids[i] = names[i];
		add_label(f, names[i], i % 2 ? "odd" : "even");
	}
	for (size_t i = 0; i < 40; i++)
		add_list(&f->lists, names[i], ids + i % 7, 10); /* ids[i%7 ..] */
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);
}

static void test_eval_bootstrap_interval_contains_value_and_is_deterministic(void **state)
{
	struct fixture *f = *state;
	struct eval_result again;

	score_varied(f);
	assert_int_equal(eval_bootstrap(&f->result, 1000, EVAL_DEFAULT_SEED, 0.95, &f->err), 0);
	for (size_t i = 0; i < f->result.nmetrics; i++) {
		const struct eval_metric *m = &f->result.metrics[i];
		assert_false(isnan(m->ci_low));
		assert_true(m->ci_low <= m->value && m->value <= m->ci_high);
		assert_true(m->ci_low >= 0 && m->ci_high <= 1);
	}
	assert_true(value(f, "P@5") > eval_result_metric(&f->result, "P@5")->ci_low);
	assert_true(eval_result_metric(&f->result, "P@5")->ci_low <
		    eval_result_metric(&f->result, "P@5")->ci_high);

	/* Same data, same seed: the very same bounds. */
	again = f->result;
	eval_result_init(&f->result);
	eval_lists_free(&f->lists);
	eval_labels_free(&f->labels);
	score_varied(f);
	assert_int_equal(eval_bootstrap(&f->result, 1000, EVAL_DEFAULT_SEED, 0.95, &f->err), 0);
	for (size_t i = 0; i < f->result.nmetrics; i++) {
		assert_true(f->result.metrics[i].ci_low == again.metrics[i].ci_low);
		assert_true(f->result.metrics[i].ci_high == again.metrics[i].ci_high);
	}
	eval_result_free(&again);
}

static void test_eval_bootstrap_of_constant_values_is_the_value(void **state)
{
	struct fixture *f = *state;
	const char *a[] = { "b" }, *b[] = { "a" };
	const size_t ks[] = { 1 };
	const struct eval_metric *m;

	add_label(f, "a", "x");
	add_label(f, "b", "x");
	add_list(&f->lists, "a", a, 1);
	add_list(&f->lists, "b", b, 1);
	assert_int_equal(eval_score_labels(&f->result, &f->labels, &f->lists, ks, N(ks), &f->err), 0);
	assert_int_equal(eval_bootstrap(&f->result, 200, 1, 0.95, &f->err), 0);
	m = eval_result_metric(&f->result, "MAP@1");
	assert_float_equal(m->value, 1.0, EPS);
	assert_float_equal(m->ci_low, 1.0, EPS);
	assert_float_equal(m->ci_high, 1.0, EPS);
}

static void test_eval_no_resamples_leaves_interval_unknown(void **state)
{
	struct fixture *f = *state;

	score_varied(f);
	assert_int_equal(eval_bootstrap(&f->result, 0, EVAL_DEFAULT_SEED, 0.95, &f->err), 0);
	assert_true(isnan(eval_result_metric(&f->result, "nDCG@10")->ci_low));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eval_metrics_match_hand_computation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eval_story_without_relevant_is_skipped_and_counted,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_eval_label_lists_relate_stories_sharing_any_label,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_eval_editors_picks_are_exactly_the_relevant_stories,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_eval_self_and_repeated_items_are_misses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eval_reads_lists_and_labels_jsonl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eval_bad_lines_are_reported_with_file_and_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_eval_repeated_story_keeps_last_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eval_against_gives_recall_of_the_other_top_k, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eval_against_itself_is_recall_one, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_eval_bootstrap_interval_contains_value_and_is_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eval_bootstrap_of_constant_values_is_the_value, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eval_no_resamples_leaves_interval_unknown, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
