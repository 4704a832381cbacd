/*
 * Tests for query: a story of the model queried with its own text gets the
 * list `run` gives it (rank_all + policy_apply on the same model, saved and
 * mapped back as the command does); refresh on hand-set floors; update
 * merges new stories in id order.
 *
 * The corpus: twelve English stories on three topics (four each), whose
 * words overlap within a topic and a little across, so that lists are full
 * and scores differ.
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
	snprintf(title, sizeof title, "%s %s %s", topic_words[topic][i % 8],
		 topic_words[topic][(i + 3) % 8], shared_words[i % 5]);
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
	assert_int_equal(pipeline_latent(&built, 8, 1, &err), 0);
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

/* A new story on topic 0: the floors decide which lists it enters. */
static void test_refresh_lists_stories_whose_floor_it_beats(void **state)
{
	struct corpus c;
	struct model m;
	struct article a;
	struct query_options qo;
	struct analyze_options ao;
	struct analyzer *an;
	struct query_vector v;
	struct query_result r;
	struct buf ids = BUF_INIT;
	struct error err = { "" };
	float *floor;
	char path[] = "/tmp/test_query_XXXXXX";
	int fd = mkstemp(path);
	uint32_t beaten = UINT32_MAX, unbeaten = UINT32_MAX, room = UINT32_MAX,
		 pinned = UINT32_MAX;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	make_corpus(&c);
	make_model(&c, &m, path);
	make_article(&a, 0);
	free(a.id);
	a.id = strdup("story-new");
	query_options_default(&qo);
	qo.policy.semantic = 0; /* scores are the TF-IDF cosines in r.tfidf */
	qo.policy.cutoff = 0;   /* and floors compare them (the cutoff: below) */
	query_analyze_options(&m, &ao);
	an = analyzer_new(&ao);
	assert_non_null(an);
	assert_int_equal(query_vectorize(&m, an, &a, &v, &err), 0);
	assert_int_equal(query_story(&m, &a, &v, &qo, "now", &r, &err), 0);
	assert_int_equal(r.self, -1);
	assert_true(r.n_touched >= 4);
	floor = malloc(m.n_docs * sizeof *floor);
	assert_non_null(floor);
	for (uint32_t d = 0; d < m.n_docs; d++)
		floor[d] = NAN; /* no current list: never refreshed */
	for (size_t i = 0; i < r.n_touched; i++) {
		uint32_t d = r.touched[i];
		float t = r.tfidf[i];
		if (t >= qo.policy.duplicate_score || t <= 0.02f)
			continue;
		if (beaten == UINT32_MAX)
			floor[beaten = d] = t - 0.01f;
		else if (unbeaten == UINT32_MAX)
			floor[unbeaten = d] = t + 0.01f;
		else if (room == UINT32_MAX)
			floor[room = d] = -INFINITY;
		else if (pinned == UINT32_MAX)
			floor[pinned = d] = INFINITY;
	}
	assert_true(pinned != UINT32_MAX);
	assert_int_equal(query_refresh(&m, &a, &v, &r, floor, NULL, &qo, &ids), 0);
	assert_int_equal(buf_addc(&ids, '\0'), 0);
	{
		char expect[256];
		uint32_t first = beaten < room ? beaten : room, second = beaten < room ? room : beaten;
		snprintf(expect, sizeof expect, "\"%s\",\"%s\"", model_doc(&m, first, MODEL_ID),
			 model_doc(&m, second, MODEL_ID));
		assert_string_equal(ids.data, expect);
	}
	/* a block of the new story everywhere keeps it off every list */
	{
		struct overrides ov;
		struct skip_list problems = { 0 };
		const char *line = "{\"block\": \"story-new\"}\n";
		overrides_init(&ov);
		assert_int_equal(overrides_parse(&ov, line, strlen(line), "o.jsonl", &problems, &err), 0);
		qo.overrides = &ov;
		ids.len = 0;
		assert_int_equal(query_refresh(&m, &a, &v, &r, floor, NULL, &qo, &ids), 0);
		assert_int_equal(ids.len, 0);
		overrides_free(&ov);
		skip_list_free(&problems);
	}
	/* With the cutoff, a list with room takes the new story only when it
	 * is probably related: never with a weak TF-IDF cosine. */
	{
		uint32_t weak = UINT32_MAX;
		float low = 1.0f;

		qo.overrides = NULL; /* the block's overrides are freed */
		for (size_t i = 0; i < r.n_touched; i++)
			if (r.tfidf[i] > 0.0f && r.tfidf[i] < low) {
				low = r.tfidf[i];
				weak = r.touched[i];
			}
		/* too little for the cutoff even as the list's best */
		assert_true(policy_relatedness(low, 1.0f, 1.0f) < POLICY_DEFAULT_CUTOFF);
		for (uint32_t d = 0; d < m.n_docs; d++)
			floor[d] = NAN;
		floor[weak] = -INFINITY;
		ids.len = 0;
		assert_int_equal(query_refresh(&m, &a, &v, &r, floor, NULL, &qo, &ids), 0);
		assert_true(ids.len > 0); /* no cutoff: room is enough */
		qo.policy.cutoff = POLICY_DEFAULT_CUTOFF;
		ids.len = 0;
		assert_int_equal(query_refresh(&m, &a, &v, &r, floor, NULL, &qo, &ids), 0);
		assert_int_equal(ids.len, 0);
	}
	buf_release(&ids);
	free(floor);
	query_result_free(&r);
	query_vector_free(&v);
	analyzer_free(an);
	article_clear(&a);
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
	/* the new story's row is its query vector, and it saves and loads */
	assert_int_equal(u.row[6] - u.row[5], v[0].n);
	assert_int_equal(model_save(&u, path, &err), 0);
	model_free(&u);
	assert_int_equal(model_load(path, &u, &err), 0);
	assert_int_equal(u.n_docs, N_STORIES + 1);
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
		cmocka_unit_test(test_refresh_lists_stories_whose_floor_it_beats),
		cmocka_unit_test(test_update_merges_in_id_order_and_replaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
