/*
 * Tests for pipeline's analysis loop (pipeline_analyze()): on a corpus of
 * three blocks and more, every story reaches the callback once, in id
 * order, with the bag, lead signature and number signature that analysing
 * it alone gives, whatever the number of threads and however slow the
 * callback (blocks are analysed while the callback works through the
 * blocks before); a failing callback stops the analysis
 * with its message; pipeline_build_release() gives the same model as
 * pipeline_build() for any thread count; policy_apply() gives the same
 * lists, exclusions and counts on 1 and 3 threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "analyze.h"
#include "article.h"
#include "model.h"
#include "numbers.h"
#include "pipeline.h"
#include "policy.h"
#include "rank.h"

/* More than two blocks of the loop (ANALYZE_BLOCK is 1024). */
#define STORIES 9000

/* Word w of a made-up vocabulary of 1,000: three syllables ("bakemi"),
 * capitalised for w < 20 (names, for the cutoff). */
static void word_of(unsigned w, char out[8])
{
	static const char cons[] = "bdfgklmnprstvz", vow[] = "aeiou";
	unsigned x = w;

	for (int i = 0; i < 3; i++) {
		out[2 * i] = cons[x % 14];
		out[2 * i + 1] = vow[(x / 14) % 5];
		x /= 70;
	}
	out[6] = '\0';
	if (w < 20)
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* Story d: a title and a text of 30 to 119 words in two paragraphs, half
 * drawn from the 25 words of its topic (d % 40), half from all, by an LCG
 * seeded with d. */
static void make_story(struct article *a, size_t d)
{
	uint32_t x = (uint32_t)d * 2654435761u + 12345u;
	size_t nw = 30 + d % 90, cap = nw * 12 + 64, len = 0;
	unsigned topic = (unsigned)(d % 40);
	char id[16], title[64], w1[8], w2[8];
	char *text = malloc(cap);

	assert_non_null(text);
	memset(a, 0, sizeof *a);
	snprintf(id, sizeof id, "s%05zu", d);
	for (size_t i = 0; i < nw; i++) {
		char w[8];
		x = x * 1103515245u + 12345u;
		word_of((x >> 31) ? topic * 25 + (x >> 16) % 25 : (x >> 16) % 1000, w);
		len += (size_t)snprintf(text + len, cap - len, "%s%s",
					i == 0 ? "" : i == 25 ? ".\n\n" : " ", w);
	}
	word_of((unsigned)(d % 1000), w1);
	word_of(topic * 25, w2);
	/* a number in the title, for the number signature */
	snprintf(title, sizeof title, "%s %s %zu", w1, w2, d % 500);
	assert_int_equal(article_set(&a->id, id), 0);
	assert_int_equal(article_set(&a->title, title), 0);
	assert_int_equal(article_set(&a->lang, "en"), 0);
	a->text = text;
}

static void make_corpus(struct corpus *c, size_t n)
{
	memset(c, 0, sizeof *c);
	c->articles = calloc(n, sizeof *c->articles);
	assert_non_null(c->articles);
	for (size_t d = 0; d < n; d++)
		make_story(&c->articles[d], d);
	c->n = n;
}

/* What the callback saw: per story, in call order, its id's number, a hash
 * of its bag and its signature. */
struct seen {
	size_t n, fail_at;
	uint32_t *doc;
	uint64_t *bag_hash;
	uint16_t (*sig)[ANALYZE_LEAD_SLOTS];
	uint32_t (*nums)[NUMBERS_SLOTS];
	int slow; /* the callback takes its time: the analysis runs blocks ahead */
};

static uint64_t hash_bag(const struct bag *b)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < b->n; i++) {
		const char *t = b->terms.data + b->offsets[i];
		float c = b->counts[i];
		uint32_t bits;
		memcpy(&bits, &c, sizeof bits);
		for (; *t; t++)
			h = (h ^ (unsigned char)*t) * 1099511628211ULL;
		h = (h ^ bits) * 1099511628211ULL;
	}
	return h;
}

static int record(void *arg, const struct article *a, const struct bag *b,
		  const uint16_t *lead_sig, const uint32_t *nums, struct error *err)
{
	struct seen *s = arg;

	if (s->n == s->fail_at)
		return error_set(err, a->id, "stopped here");
	if (s->slow)
		nanosleep(&(struct timespec){ 0, 20000 }, NULL);
	s->doc[s->n] = (uint32_t)strtoul(a->id + 1, NULL, 10);
	s->bag_hash[s->n] = hash_bag(b);
	memcpy(s->sig[s->n], lead_sig, sizeof s->sig[0]);
	memcpy(s->nums[s->n], nums, sizeof s->nums[0]);
	s->n++;
	return 0;
}

static void seen_init(struct seen *s, size_t n, size_t fail_at)
{
	s->n = 0;
	s->slow = 0;
	s->fail_at = fail_at;
	s->doc = calloc(n, sizeof *s->doc);
	s->bag_hash = calloc(n, sizeof *s->bag_hash);
	s->sig = calloc(n, sizeof *s->sig);
	s->nums = calloc(n, sizeof *s->nums);
	assert_true(s->doc && s->bag_hash && s->sig && s->nums);
}

static void seen_free(struct seen *s)
{
	free(s->doc);
	free(s->bag_hash);
	free(s->sig);
	free(s->nums);
}

static void test_every_story_in_order_with_its_own_bag_and_signature(void **state)
{
	struct corpus c;
	struct analyze_options ao;
	struct analyzer *an;
	struct bag b;
	uint64_t *want_bag;
	uint16_t (*want_sig)[ANALYZE_LEAD_SLOTS];
	uint32_t (*want_nums)[NUMBERS_SLOTS];
	size_t signed_stories = 0;
	(void)state;

	make_corpus(&c, STORIES);
	analyze_options_default(&ao);
	an = analyzer_new(&ao);
	assert_non_null(an);
	bag_init(&b);
	want_bag = calloc(STORIES, sizeof *want_bag);
	want_sig = calloc(STORIES, sizeof *want_sig);
	want_nums = calloc(STORIES, sizeof *want_nums);
	assert_true(want_bag && want_sig && want_nums);
	for (size_t d = 0; d < STORIES; d++) {
		assert_int_equal(analyze_article(an, &c.articles[d], &b), 0);
		want_bag[d] = hash_bag(&b);
		analyze_lead_signature(c.articles[d].text, want_sig[d]);
		signed_stories += analyze_lead_known(want_sig[d]);
		numbers_signature(c.articles[d].title, c.articles[d].text, want_nums[d]);
		assert_int_equal(numbers_lead_count(want_nums[d]), 1);
	}
	assert_true(signed_stories > STORIES / 2);
	/* then with a slow callback, which the analysis waits for once the
	 * blocks it may run ahead are all analysed */
	for (int run = 0; run < 5; run++) {
		int jobs = run < 3 ? run + 1 : run - 1;
		struct seen s;
		struct error err;
		seen_init(&s, STORIES, SIZE_MAX);
		s.slow = run >= 3;
		error_clear(&err);
		assert_int_equal(pipeline_analyze(&c, &ao, jobs, record, &s, &err), 0);
		assert_int_equal(s.n, STORIES);
		for (size_t d = 0; d < STORIES; d++) {
			assert_int_equal(s.doc[d], d);
			assert_true(s.bag_hash[d] == want_bag[d]);
			assert_memory_equal(s.sig[d], want_sig[d], sizeof want_sig[d]);
			assert_memory_equal(s.nums[d], want_nums[d], sizeof want_nums[d]);
		}
		seen_free(&s);
	}
	bag_free(&b);
	analyzer_free(an);
	free(want_bag);
	free(want_sig);
	free(want_nums);
	corpus_free(&c);
}

static void test_a_failing_callback_stops_with_its_message(void **state)
{
	struct corpus c;
	struct analyze_options ao;
	(void)state;

	make_corpus(&c, STORIES);
	analyze_options_default(&ao);
	/* in the first block, in a middle one (while the next is analysed), in
	 * the last */
	for (size_t k = 0; k < 3; k++) {
		size_t at = (size_t[]){ 100, 5000, STORIES - 1 }[k];
		struct seen s;
		struct error err;
		seen_init(&s, STORIES, at);
		error_clear(&err);
		assert_int_equal(pipeline_analyze(&c, &ao, 2, record, &s, &err), -1);
		assert_int_equal(s.n, at);
		assert_non_null(strstr(err.message, "stopped here"));
		seen_free(&s);
	}
	corpus_free(&c);
}

/* The model of pipeline_build_release() on `jobs` threads, saved bytes
 * compared through a few of its arrays. */
static void build_released(size_t n, int jobs, struct model *m)
{
	struct corpus c;
	struct analyze_options ao;
	struct model_params mp;
	struct error err;

	make_corpus(&c, n);
	analyze_options_default(&ao);
	model_params_default(&mp);
	error_clear(&err);
	assert_int_equal(pipeline_build_release(&c, &ao, &mp, jobs, m, &err), 0);
	for (size_t d = 0; d < n; d++)
		assert_null(c.articles[d].text); /* cleared as it went */
	corpus_free(&c);
}

static void test_released_build_is_the_same_for_any_thread_count(void **state)
{
	struct corpus c;
	struct analyze_options ao;
	struct model_params mp;
	struct model want;
	struct error err;
	(void)state;

	make_corpus(&c, STORIES);
	analyze_options_default(&ao);
	model_params_default(&mp);
	error_clear(&err);
	assert_int_equal(pipeline_build(&c, &ao, &mp, 1, &want, &err), 0);
	assert_non_null(c.articles[0].text); /* pipeline_build() leaves the corpus */
	corpus_free(&c);
	for (int jobs = 1; jobs <= 3; jobs += 2) {
		struct model m;
		build_released(STORIES, jobs, &m);
		assert_int_equal(m.n_docs, want.n_docs);
		assert_int_equal(m.n_terms, want.n_terms);
		assert_true(m.nnz == want.nnz);
		assert_memory_equal(m.row, want.row, ((size_t)m.n_docs + 1) * sizeof *m.row);
		assert_memory_equal(m.term_lo, want.term_lo, m.nnz * sizeof *m.term_lo);
		assert_memory_equal(m.block_end, want.block_end,
				    (size_t)m.n_docs * m.n_blocks * sizeof *m.block_end);
		assert_memory_equal(m.val, want.val, m.nnz * sizeof *m.val);
		assert_memory_equal(m.lead_sig, want.lead_sig,
				    (size_t)m.n_docs * ANALYZE_LEAD_SLOTS * sizeof *m.lead_sig);
		for (uint32_t d = 0; d < m.n_docs; d += 997)
			assert_string_equal(model_doc(&m, d, MODEL_EXCERPT),
					    model_doc(&want, d, MODEL_EXCERPT));
		model_free(&m);
	}
	model_free(&want);
}

static void assert_same_lists(const struct related_lists *a, const struct related_lists *b)
{
	size_t n = a->n_docs;

	assert_int_equal(a->n_docs, b->n_docs);
	assert_int_equal(a->top, b->top);
	assert_int_equal(a->depth, b->depth);
	assert_memory_equal(a->count, b->count, n * sizeof *a->count);
	for (size_t d = 0; d < n; d++)
		for (uint32_t i = 0; i < a->count[d]; i++) {
			const struct related_item *x = &a->items[d * a->top + i];
			const struct related_item *y = &b->items[d * b->top + i];
			assert_int_equal(x->doc, y->doc);
			assert_true(x->score == y->score);
			assert_string_equal(x->origin, y->origin);
		}
	assert_memory_equal(a->dup_count, b->dup_count, n * sizeof *a->dup_count);
	for (size_t d = 0; d < n; d++)
		assert_memory_equal(a->dup + d * a->depth, b->dup + d * b->depth,
				    a->dup_count[d] * sizeof *a->dup);
	assert_memory_equal(a->shortened_of, b->shortened_of, n);
	assert_memory_equal(a->twin_count, b->twin_count, n * sizeof *a->twin_count);
	assert_memory_equal(a->excluded_count, b->excluded_count, n * sizeof *a->excluded_count);
	for (size_t d = 0; d < n; d++)
		for (uint32_t i = 0; i < a->excluded_count[d]; i++) {
			assert_int_equal(a->excluded[d * a->depth + i].doc,
					 b->excluded[d * b->depth + i].doc);
			assert_string_equal(a->excluded[d * a->depth + i].reason,
					    b->excluded[d * b->depth + i].reason);
		}
	assert_int_equal(a->fallback_lists, b->fallback_lists);
	assert_int_equal(a->shortened, b->shortened);
	assert_int_equal(a->twins, b->twins);
	assert_int_equal(a->duplicates, b->duplicates);
}

/* The policy over 9,000 stories, among them copies (story d of d % 50 == 7
 * has the text of d - 1) and twins (d % 50 == 13: the title of d - 1), with
 * latent vectors (the blended scores' TF-IDF cosines), a high cutoff and a fill: every
 * rule that keeps per-story state runs, on 1 and on 3 threads. */
static void test_policy_is_the_same_for_any_thread_count(void **state)
{
	struct corpus c;
	struct analyze_options ao;
	struct model_params mp;
	struct model m;
	struct rank_options ro = { 0 };
	struct rank_lists cand;
	struct policy_options po;
	struct related_lists one, three;
	struct error err;
	size_t items = 0;
	(void)state;

	make_corpus(&c, STORIES);
	for (size_t d = 1; d < STORIES; d++) {
		if (d % 50 == 7)
			assert_int_equal(article_set(&c.articles[d].text, c.articles[d - 1].text), 0);
		if (d % 50 == 13)
			assert_int_equal(article_set(&c.articles[d].title, c.articles[d - 1].title), 0);
	}
	analyze_options_default(&ao);
	model_params_default(&mp);
	error_clear(&err);
	assert_int_equal(pipeline_build_release(&c, &ao, &mp, 2, &m, &err), 0);
	corpus_free(&c);
	assert_int_equal(pipeline_latent(&m, 16, 0, 2, 0, &err), 0);
	assert_null(m.term_basis); /* a run that saves no model */
	ro.depth = 30;
	ro.jobs = 2;
	ro.same_lang = 1;
	ro.semantic = 0.3f;
	ro.rerank = 60;
	ro.approximate = RANK_EXACT;
	assert_int_equal(rank_all(&m, &ro, &cand, &err), 0);
	policy_options_default(&po);
	po.semantic = 0.3f;
	po.explain = 1;
	po.fill = 2;
	po.cutoff = 0.9f; /* high, so that some lists are cut short and filled */
	po.jobs = 1;
	assert_int_equal(policy_apply(&m, &cand, &po, &one, &err), 0);
	po.jobs = 3;
	assert_int_equal(policy_apply(&m, &cand, &po, &three, &err), 0);
	for (uint32_t d = 0; d < one.n_docs; d++)
		items += one.count[d];
	assert_true(items > STORIES);
	assert_true(one.duplicates > 0);
	assert_true(one.twins > 0);
	assert_true(one.shortened > 0);
	assert_true(one.fallback_lists > 0);
	assert_same_lists(&one, &three);
	related_lists_free(&one);
	related_lists_free(&three);
	rank_lists_free(&cand);
	model_free(&m);
}

/* The latent vectors do not depend on whether the term basis is asked for
 * (a run that saves no model skips its product); the basis is there only
 * when asked. */
static void test_latent_vectors_are_the_same_without_the_basis(void **state)
{
	struct corpus c;
	struct analyze_options ao;
	struct model_params mp;
	struct model with, without;
	struct error err;
	(void)state;

	analyze_options_default(&ao);
	model_params_default(&mp);
	error_clear(&err);
	make_corpus(&c, 600);
	assert_int_equal(pipeline_build(&c, &ao, &mp, 2, &with, &err), 0);
	assert_int_equal(pipeline_build(&c, &ao, &mp, 2, &without, &err), 0);
	corpus_free(&c);
	assert_int_equal(pipeline_latent(&with, 24, 0, 2, 1, &err), 0);
	assert_int_equal(pipeline_latent(&without, 24, 0, 2, 0, &err), 0);
	assert_int_equal(with.latent_dim, 24);
	assert_int_equal(without.latent_dim, 24);
	assert_non_null(with.term_basis);
	assert_null(without.term_basis);
	assert_memory_equal(with.latent, without.latent,
			    (size_t)with.n_docs * with.latent_dim * sizeof *with.latent);
	model_free(&with);
	model_free(&without);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_story_in_order_with_its_own_bag_and_signature),
		cmocka_unit_test(test_a_failing_callback_stops_with_its_message),
		cmocka_unit_test(test_released_build_is_the_same_for_any_thread_count),
		cmocka_unit_test(test_policy_is_the_same_for_any_thread_count),
		cmocka_unit_test(test_latent_vectors_are_the_same_without_the_basis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
