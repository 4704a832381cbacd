/*
 * Tests for query: a story of the model queried with its own text gets the
 * list `run` gives it (rank_all + policy_apply on the same model, saved and
 * mapped back as the command does); refresh names the lists rank_all +
 * policy_apply on the updated model show the new story on; update
 * merges new stories in id order.
 *
 * The corpus: twelve English stories on three topics (four each), whose
 * words overlap within a topic and a little across, so that lists are full
 * and scores differ; their titles state numbers that some stories of a
 * topic share and others do not, so that the cutoff's number disagreement
 * (numbers.h) moves scores.
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
#include <unistd.h>

#include <cmocka.h>

#include "pipeline.h"
#include "policy.h"
#include "query.h"

#define N_STORIES 12

static const char *const topic_words[3][8] = {
	{ "election", "ballot", "senator", "campaign", "voters", "parliament", "minister", "debate" },
	{ "football", "striker", "goal", "league", "coach", "stadium", "match", "season" },
	{ "volcano", "eruption", "lava", "ash", "villagers", "scientists", "crater", "evacuation" },
};
static const char *const shared_words[] = { "city", "report", "weekend", "officials", "market" };

static void make_article(struct article *a, int i)
{
	char id[32], title[128], text[2048];
	int topic = i % 3, len = 0;

	memset(a, 0, sizeof *a);
	snprintf(id, sizeof id, "story-%02d", i);
	snprintf(title, sizeof title, "%s %s %s %d", topic_words[topic][i % 8],
		 topic_words[topic][(i + 3) % 8], shared_words[i % 5], 1990 + i % 2);
	for (int s = 0; s < 6; s++)
		len += snprintf(text + len, sizeof text - (size_t)len,
				"The %s and the %s met the %s near the %s this %s. ",
				topic_words[topic][(i * 3 + s) % 8], topic_words[topic][(s + i) % 8],
				topic_words[topic][(s * 5 + i / 3) % 8], shared_words[(s + i) % 5],
				topic_words[(topic + (s == 5)) % 3][(s + 2 * i) % 8]);
	assert_int_equal(article_set(&a->id, id), 0);
	assert_int_equal(article_set(&a->title, title), 0);
	assert_int_equal(article_set(&a->text, text), 0);
	assert_int_equal(article_set(&a->lang, "en"), 0);
	assert_int_equal(article_set(&a->section, topic == 1 ? "sport" : "news"), 0);
}

static void make_corpus(struct corpus *c)
{
	memset(c, 0, sizeof *c);
	c->n = N_STORIES;
	c->articles = calloc(N_STORIES, sizeof *c->articles);
	assert_non_null(c->articles);
	for (int i = 0; i < N_STORIES; i++)
		make_article(&c->articles[i], i);
}

/* Builds, adds latent vectors, saves and maps the model as query does. */
static void make_model(const struct corpus *c, struct model *m, const char *path)
{
	struct analyze_options ao;
	struct model_params mp;
	struct model built;
	struct error err = { "" };

	analyze_options_default(&ao);
	model_params_default(&mp);
	mp.min_df = 1;
	mp.title_weight = ao.title_weight;
	mp.lead_weight = ao.lead_weight;
	assert_int_equal(pipeline_build(c, &ao, &mp, 1, &built, &err), 0);
	assert_int_equal(pipeline_latent(&built, 8, 0, 1, 1, &err), 0);
	assert_true(built.latent_dim > 0);
	assert_non_null(built.term_basis);
	assert_int_equal(model_save(&built, path, &err), 0);
	model_free(&built);
	assert_int_equal(model_map(path, m, &err), 0);
	assert_non_null(m->post_start);
	assert_non_null(m->term_basis);
}

static void test_own_text_gets_the_run_list_and_scores(void **state)
{
	struct corpus c;
	struct model m;
	struct rank_options ro = { 0 };
	struct policy_options po;
	struct rank_lists cand;
	struct related_lists lists;
	struct query_options qo;
	struct analyze_options ao;
	struct analyzer *an;
	struct error err = { "" };
	char path[] = "/tmp/test_query_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	make_corpus(&c);
	make_model(&c, &m, path);
	ro.depth = 10 + 8;
	ro.jobs = 1;
	ro.same_lang = 1;
	ro.semantic = 0.5f;
	ro.rerank = 100;
	policy_options_default(&po);
	po.semantic = 0.5f;
	assert_int_equal(rank_all(&m, &ro, &cand, &err), 0);
	assert_int_equal(policy_apply(&m, &cand, &po, &lists, &err), 0);
	{
		/* some item shown is scored lower for the numbers it disagrees on */
		int lowered = 0;
		for (uint32_t d = 0; d < m.n_docs; d++)
			for (uint32_t i = 0; i < lists.count[d]; i++)
				lowered |= policy_numbers_disagree(
					&m, d, lists.items[(size_t)d * lists.top + i].doc) > 0.0f;
		assert_true(lowered);
	}
	query_options_default(&qo);
	query_analyze_options(&m, &ao);
	an = analyzer_new(&ao);
	assert_non_null(an);
	for (uint32_t d = 0; d < m.n_docs; d++) {
		struct query_vector v;
		struct query_result r;
		json_t *j, *items;

		assert_int_equal(query_vectorize(&m, an, &c.articles[d], &v, &err), 0);
		assert_non_null(v.latent);
		assert_int_equal(query_story(&m, &c.articles[d], &v, &qo, "now", &r, &err), 0);
		assert_int_equal(r.self, d);
		assert_int_equal(buf_adds(&r.line, "}"), 0);
		j = json_loads(r.line.data, 0, NULL);
		assert_non_null(j);
		items = json_object_get(j, "items");
		assert_int_equal(json_array_size(items), lists.count[d]);
		assert_true(lists.count[d] >= 1); /* the cutoff keeps the topic's best */
		for (uint32_t i = 0; i < lists.count[d]; i++) {
			const struct related_item *it = &lists.items[(size_t)d * lists.top + i];
			json_t *x = json_array_get(items, i);
			assert_string_equal(json_string_value(json_object_get(x, "id")),
					    model_doc(&m, it->doc, MODEL_ID));
			assert_float_equal(json_number_value(json_object_get(x, "score")),
					   it->score, 1e-4 + 5e-5); /* printed with 4 decimals */
		}
		json_decref(j);
		query_result_free(&r);
		query_vector_free(&v);
	}
	analyzer_free(an);
	related_lists_free(&lists);
	rank_lists_free(&cand);
	model_free(&m);
	corpus_free(&c);
	unlink(path);
}

/* The ids (JSON strings, comma-separated, in story order) of the stories
 * of u, other than `skip`, whose list policy_apply() makes shows story
 * `doc` ranked: what refresh must name. */
static void lists_showing(const struct model *u, const struct query_options *qo,
			  uint32_t doc, uint32_t skip, struct buf *ids)
{
	struct rank_options ro = { 0 };
	struct policy_options po = qo->policy;
	struct rank_lists cand;
	struct related_lists lists;
	struct error err = { "" };

	ro.depth = (qo->policy.top ? qo->policy.top : 1) + 8;
	ro.jobs = 1;
	ro.same_lang = qo->policy.same_lang;
	ro.semantic = qo->policy.semantic;
	ro.rerank = qo->rerank;
	assert_int_equal(rank_all(u, &ro, &cand, &err), 0);
	assert_int_equal(policy_apply(u, &cand, &po, &lists, &err), 0);
	ids->len = 0;
	for (uint32_t d = 0; d < u->n_docs; d++) {
		for (uint32_t i = 0; d != skip && i < lists.count[d]; i++) {
			const struct related_item *it = &lists.items[(size_t)d * lists.top + i];
			const char *id = model_doc(u, d, MODEL_ID);
			if (it->doc != doc || strcmp(it->origin, "similar"))
				continue;
			if (ids->len)
				assert_int_equal(buf_addc(ids, ','), 0);
			assert_int_equal(buf_add_json_string(ids, id, strlen(id)), 0);
		}
	}
	assert_int_equal(buf_addc(ids, '\0'), 0);
	related_lists_free(&lists);
	rank_lists_free(&cand);
}

/* Refresh names the lists that rank_all() and policy_apply() on the model
 * with the new story added show it on, no more and no fewer, with and
 * without the cutoff and the blend, under --section-cap; the floors of the
 * current lists only say which stories have one and which cannot take it. */
static void test_refresh_names_the_lists_the_policy_shows_it_on(void **state)
{
	struct corpus c;
	struct model m, u;
	struct article a;
	struct query_options qo;
	struct analyze_options ao;
	struct analyzer *an;
	struct query_vector v;
	struct buf ids = BUF_INIT, want = BUF_INIT;
	struct error err = { "" };
	float *floor;
	char path[] = "/tmp/test_query_XXXXXX";
	int fd = mkstemp(path), named = 0;
	/* cutoff, blend weight, section cap */
	static const float variants[][3] = {
		{ POLICY_DEFAULT_CUTOFF, 0.5f, 0 }, { 0, 0.5f, 0 }, { 0, 0, 0 },
		{ POLICY_DEFAULT_CUTOFF, 0, 0 }, { 0, 0.5f, 1 }, { POLICY_DEFAULT_CUTOFF, 0.5f, 1 },
	};

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	make_corpus(&c);
	make_model(&c, &m, path);
	make_article(&a, 12); /* topic 0, in words of its own */
	free(a.id);
	a.id = strdup("story-00a"); /* new, between story-00 and story-01 */
	query_analyze_options(&m, &ao);
	an = analyzer_new(&ao);
	assert_non_null(an);
	assert_int_equal(query_vectorize(&m, an, &a, &v, &err), 0);
	assert_int_equal(query_update(&m, &a, &v, 1, &u, &err), 0);
	assert_string_equal(model_doc(&u, 1, MODEL_ID), "story-00a");
	floor = malloc(m.n_docs * sizeof *floor);
	assert_non_null(floor);
	for (size_t k = 0; k < sizeof variants / sizeof *variants; k++) {
		struct query_result r;
		query_options_default(&qo);
		qo.policy.cutoff = variants[k][0];
		qo.policy.semantic = variants[k][1];
		qo.policy.section_cap = (size_t)variants[k][2];
		assert_int_equal(query_story(&m, &a, &v, &qo, "now", &r, &err), 0);
		for (uint32_t d = 0; d < m.n_docs; d++)
			floor[d] = -INFINITY; /* every list has room */
		lists_showing(&u, &qo, 1, UINT32_MAX, &want);
		ids.len = 0;
		assert_int_equal(query_refresh(&m, &a, &v, &r, floor, NULL, &qo, &ids), 0);
		assert_int_equal(buf_addc(&ids, '\0'), 0);
		assert_string_equal(ids.data, want.data);
		named += want.len > 1;
		/* a story without a current list is never named */
		if (want.len > 1) {
			char first[64];
			int64_t d;
			snprintf(first, sizeof first, "%.*s", (int)(strcspn(want.data + 1, "\"")),
				 want.data + 1);
			d = model_find(&m, first);
			assert_true(d >= 0);
			floor[d] = NAN;
			ids.len = 0;
			assert_int_equal(query_refresh(&m, &a, &v, &r, floor, NULL, &qo, &ids), 0);
			assert_int_equal(buf_addc(&ids, '\0'), 0);
			assert_null(strstr(ids.data, first));
			floor[d] = -INFINITY;
		}
		/* a block of the new story everywhere keeps it off every list */
		{
			struct overrides ov;
			struct skip_list problems = { 0 };
			const char *line = "{\"block\": \"story-00a\"}\n";
			overrides_init(&ov);
			assert_int_equal(overrides_parse(&ov, line, strlen(line), "o.jsonl",
							 &problems, &err), 0);
			qo.overrides = &ov;
			ids.len = 0;
			assert_int_equal(query_refresh(&m, &a, &v, &r, floor, NULL, &qo, &ids), 0);
			assert_int_equal(ids.len, 0);
			qo.overrides = NULL;
			overrides_free(&ov);
			skip_list_free(&problems);
		}
		query_result_free(&r);
	}
	assert_true(named >= 4); /* the new story enters lists in most variants */
	buf_release(&ids);
	buf_release(&want);
	free(floor);
	query_vector_free(&v);
	analyzer_free(an);
	article_clear(&a);
	model_free(&u);
	model_free(&m);
	corpus_free(&c);
	unlink(path);
}

static void test_update_merges_in_id_order_and_replaces(void **state)
{
	struct corpus c;
	struct model m, u;
	struct article a[2];
	struct query_vector v[2];
	struct analyze_options ao;
	struct analyzer *an;
	struct error err = { "" };
	char path[] = "/tmp/test_query_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	make_corpus(&c);
	make_model(&c, &m, path);
	make_article(&a[0], 4);
	free(a[0].id);
	a[0].id = strdup("story-04a"); /* new: between story-04 and story-05 */
	make_article(&a[1], 7);        /* story-07 again: replaced */
	query_analyze_options(&m, &ao);
	an = analyzer_new(&ao);
	assert_non_null(an);
	for (int i = 0; i < 2; i++)
		assert_int_equal(query_vectorize(&m, an, &a[i], &v[i], &err), 0);
	assert_int_equal(query_update(&m, a, v, 2, &u, &err), 0);
	assert_int_equal(u.n_docs, N_STORIES + 1);
	assert_int_equal(u.n_terms, m.n_terms);
	assert_string_equal(model_doc(&u, 5, MODEL_ID), "story-04a");
	assert_string_equal(model_doc(&u, 8, MODEL_ID), "story-07");
	/* the new story's row is its query vector, and it saves and loads
	 * with its number signature; the old stories keep theirs */
	assert_int_equal(u.row[6] - u.row[5], v[0].n);
	assert_int_equal(model_save(&u, path, &err), 0);
	model_free(&u);
	assert_int_equal(model_load(path, &u, &err), 0);
	assert_int_equal(u.n_docs, N_STORIES + 1);
	{
		uint32_t want[NUMBERS_SLOTS];
		numbers_signature(a[0].title, a[0].text, want);
		assert_int_equal(numbers_lead_count(want), 1);
		assert_non_null(u.numbers);
		assert_memory_equal(u.numbers + 5 * NUMBERS_SLOTS, want, sizeof want);
		assert_memory_equal(v[0].numbers, want, sizeof want);
		assert_memory_equal(u.numbers + 4 * NUMBERS_SLOTS, m.numbers + 4 * NUMBERS_SLOTS,
				    sizeof want);
		assert_memory_equal(u.numbers + 9 * NUMBERS_SLOTS, m.numbers + 8 * NUMBERS_SLOTS,
				    sizeof want);
	}
	model_free(&u);
	for (int i = 0; i < 2; i++) {
		query_vector_free(&v[i]);
		article_clear(&a[i]);
	}
	analyzer_free(an);
	model_free(&m);
	corpus_free(&c);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_text_gets_the_run_list_and_scores),
		cmocka_unit_test(test_refresh_names_the_lists_the_policy_shows_it_on),
		cmocka_unit_test(test_update_merges_in_id_order_and_replaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
