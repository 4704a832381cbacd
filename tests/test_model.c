/*
 * Tests for model: TF-IDF weights from handmade bags, term filtering and
 * order, story metadata, and the binary file (round trip, and rejection of
 * corrupt files). Model files go to a fresh mkdtemp(3) directory removed
 * afterwards.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "analyze.h"
#include "article.h"
#include "model.h"
#include "numbers.h"
#include "testutil.h"

/* Number of entries of the test folder that look like temporary files. */
static int count_temporaries(void)
{
	DIR *d = opendir(testutil_dir());
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".tmp") != NULL;
	closedir(d);
	return n;
}

/* A story for the builder: id, optional metadata and "term:count" pairs
 * separated by spaces ("putin:2 moscow:1"). */
struct story {
	const char *id, *url, *title, *published, *lang, *section;
	const char *terms;
};

/* Room for n (term, count) pairs in b's arrays, filled by the caller. */
static void bag_room(struct bag *b, size_t n)
{
	b->offsets = realloc(b->offsets, n * sizeof *b->offsets);
	b->counts = realloc(b->counts, n * sizeof *b->counts);
	assert_non_null(b->offsets);
	assert_non_null(b->counts);
}

/* Fills a bag from "term:count term:count ..." (counts default to 1). */
static void make_bag(struct bag *b, const char *spec)
{
	const char *p = spec;

	bag_free(b);
	while (*p) {
		size_t n = strcspn(p, " ");
		char tok[128];
		char *colon;
		float count = 1.0f;

		assert_true(n < sizeof tok);
		memcpy(tok, p, n);
		tok[n] = '\0';
		colon = strchr(tok, ':');
		if (colon) {
			*colon = '\0';
			count = strtof(colon + 1, NULL);
		}
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 8;
			b->offsets = realloc(b->offsets, b->cap * sizeof *b->offsets);
			b->counts = realloc(b->counts, b->cap * sizeof *b->counts);
			assert_non_null(b->offsets);
			assert_non_null(b->counts);
		}
		b->offsets[b->n] = b->terms.len;
		assert_int_equal(buf_add(&b->terms, tok, strlen(tok) + 1), 0);
		b->counts[b->n++] = count;
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* Builds a model of `n` stories with parameters p (defaults when NULL). */
static void build(const struct story *s, size_t n, const struct model_params *p,
		  struct model *m)
{
	struct model_params def;
	struct model_builder *b = model_builder_new();
	struct error err = { "" };
	struct bag bag;

	model_params_default(&def);
	assert_non_null(b);
	bag_init(&bag);
	for (size_t i = 0; i < n; i++) {
		struct article a = { 0 };
		a.id = (char *)(uintptr_t)s[i].id;
		a.url = (char *)(uintptr_t)s[i].url;
		a.title = (char *)(uintptr_t)s[i].title;
		a.published = (char *)(uintptr_t)s[i].published;
		a.lang = (char *)(uintptr_t)s[i].lang;
		a.section = (char *)(uintptr_t)s[i].section;
		make_bag(&bag, s[i].terms);
		assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	}
	bag_free(&bag);
	assert_int_equal(model_builder_finish(b, p ? p : &def, m, &err), 0);
}

/* Term id of `name`, or -1. */
static int64_t term_id(const struct model *m, const char *name)
{
	for (uint32_t t = 0; t < m->n_terms; t++)
		if (!strcmp(model_term(m, t), name))
			return t;
	return -1;
}

/* Weight of term `name` in story d, 0 when absent. */
static double weight(const struct model *m, uint32_t d, const char *name)
{
	int64_t t = term_id(m, name);

	for (uint64_t i = m->row[d]; t >= 0 && i < m->row[d + 1]; i++)
		if (model_term_at(m, d, i) == (uint32_t)t)
			return m->val[i];
	return 0.0;
}

static const struct story news[] = {
	{ "2017/a", "https://ex.com/a", "Putin meets Tillerson", "2017-04-12T10:00:00Z",
	  "en", "world", "putin:3 tillerson:2 moscow:1 kremlin:1" },
	{ "2017/b", "https://ex.com/b", "Tillerson in Moscow", NULL, "en", NULL,
	  "tillerson:2 moscow:2 lavrov:1" },
	{ "2017/c", NULL, NULL, NULL, NULL, NULL, "putin:1 moscow:1 syria:1" },
	{ "2017/d", NULL, "Football", NULL, "en", "sport", "football:4 goal:2 only:1" },
	{ "2017/e", NULL, NULL, NULL, NULL, NULL, "football:1 goal:1 syria:1" },
};
#define NEWS (sizeof news / sizeof news[0])

static void test_params_default_match_header(void **state)
{
	struct model_params p;

	(void)state;
	model_params_default(&p);
	assert_int_equal(p.min_df, 2);
	assert_true(p.max_df == 1.0f);
	assert_true(p.title_weight == 2.0f);
	assert_true(p.lead_weight == 2.0f);
	assert_int_equal(p.stem, 1);
	assert_int_equal(p.stopwords, 1);
}

static void test_rows_are_unit_length_with_ascending_terms(void **state)
{
	struct model m;

	(void)state;
	build(news, NEWS, NULL, &m);
	assert_int_equal(m.n_docs, NEWS);
	assert_int_equal(m.row[0], 0);
	assert_int_equal(m.row[m.n_docs], m.nnz);
	for (uint32_t d = 0; d < m.n_docs; d++) {
		double sum = 0;
		assert_true(m.row[d + 1] > m.row[d]);
		for (uint64_t i = m.row[d]; i < m.row[d + 1]; i++) {
			assert_true(model_term_at(&m, d, i) < m.n_terms);
			if (i > m.row[d])
				assert_true(model_term_at(&m, d, i) > model_term_at(&m, d, i - 1));
			assert_true(m.val[i] > 0.0f);
			sum += (double)m.val[i] * m.val[i];
		}
		assert_float_equal(sum, 1.0, 1e-5);
	}
	model_free(&m);
}

static void test_min_df_drops_terms_of_one_story(void **state)
{
	struct model_params p;
	struct model m;

	(void)state;
	build(news, NEWS, NULL, &m);
	/* df: moscow 3, putin 2, tillerson 2, syria 2, football 2, goal 2;
	 * kremlin, lavrov and only appear once */
	assert_int_equal(m.n_terms, 6);
	assert_int_equal(term_id(&m, "kremlin"), -1);
	assert_int_equal(term_id(&m, "lavrov"), -1);
	assert_int_equal(term_id(&m, "only"), -1);
	assert_true(weight(&m, 0, "putin") > 0);
	model_free(&m);

	model_params_default(&p);
	p.min_df = 1;
	build(news, NEWS, &p, &m);
	assert_int_equal(m.n_terms, 9);
	assert_true(term_id(&m, "kremlin") >= 0);
	model_free(&m);

	p.min_df = 3;
	build(news, NEWS, &p, &m);
	assert_int_equal(m.n_terms, 1);
	assert_string_equal(model_term(&m, 0), "moscow");
	/* stories without a kept term have empty rows */
	assert_int_equal(m.row[4], m.row[3]);
	assert_int_equal(m.row[5], m.row[4]);
	model_free(&m);
}

static void test_max_df_drops_terms_in_too_many_stories(void **state)
{
	static const struct story s[] = {
		{ "a", NULL, NULL, NULL, NULL, NULL, "common x" },
		{ "b", NULL, NULL, NULL, NULL, NULL, "common x y" },
		{ "c", NULL, NULL, NULL, NULL, NULL, "common y" },
		{ "d", NULL, NULL, NULL, NULL, NULL, "common z" },
	};
	struct model_params p;
	struct model m;

	(void)state;
	model_params_default(&p);
	p.max_df = 0.5f; /* at most 2 of the 4 stories */
	build(s, 4, &p, &m);
	assert_int_equal(term_id(&m, "common"), -1);
	assert_true(term_id(&m, "x") >= 0);
	assert_true(term_id(&m, "y") >= 0);
	assert_int_equal(m.n_terms, 2);
	model_free(&m);
}

static void test_term_ids_ordered_by_df_then_bytes(void **state)
{
	struct model m;

	(void)state;
	build(news, NEWS, NULL, &m);
	assert_string_equal(model_term(&m, 0), "moscow");
	assert_int_equal(m.df[0], 3);
	/* df 2, in byte order */
	assert_string_equal(model_term(&m, 1), "football");
	assert_string_equal(model_term(&m, 2), "goal");
	assert_string_equal(model_term(&m, 3), "putin");
	assert_string_equal(model_term(&m, 4), "syria");
	assert_string_equal(model_term(&m, 5), "tillerson");
	for (uint32_t t = 1; t < m.n_terms; t++)
		assert_int_equal(m.df[t], 2);
	model_free(&m);
}

static void test_weights_follow_smoothed_tfidf(void **state)
{
	struct model m;
	double n = NEWS;
	double idf_moscow = log((1 + n) / (1 + 3)) + 1;
	double idf2 = log((1 + n) / (1 + 2)) + 1;
	double w_putin, w_till, w_mos, norm;

	(void)state;
	build(news, NEWS, NULL, &m);
	/* story a: putin tf 3, tillerson tf 2, moscow tf 1 (kremlin dropped) */
	w_putin = (1 + log(3.0)) * idf2;
	w_till = (1 + log(2.0)) * idf2;
	w_mos = 1.0 * idf_moscow;
	norm = sqrt(w_putin * w_putin + w_till * w_till + w_mos * w_mos);
	assert_float_equal(weight(&m, 0, "putin"), w_putin / norm, 1e-6);
	assert_float_equal(weight(&m, 0, "tillerson"), w_till / norm, 1e-6);
	assert_float_equal(weight(&m, 0, "moscow"), w_mos / norm, 1e-6);
	assert_int_equal(m.row[1] - m.row[0], 3);
	/* the rarer term weighs more at equal tf: in story c, putin > moscow */
	assert_true(weight(&m, 2, "putin") > weight(&m, 2, "moscow"));
	model_free(&m);
}

static void test_counts_below_one_are_used_as_is(void **state)
{
	static const struct story s[] = {
		{ "a", NULL, NULL, NULL, NULL, NULL, "half:0.5 one:1" },
		{ "b", NULL, NULL, NULL, NULL, NULL, "half:1 one:1" },
	};
	struct model m;

	(void)state;
	build(s, 2, NULL, &m);
	/* both terms have the same idf, so the ratio is the tf ratio */
	assert_float_equal(weight(&m, 0, "half") / weight(&m, 0, "one"), 0.5, 1e-6);
	assert_float_equal(weight(&m, 1, "half"), weight(&m, 1, "one"), 1e-6);
	model_free(&m);
}

static void test_story_metadata_kept_in_order(void **state)
{
	struct model m;

	(void)state;
	build(news, NEWS, NULL, &m);
	for (uint32_t d = 0; d < NEWS; d++)
		assert_string_equal(model_doc(&m, d, MODEL_ID), news[d].id);
	assert_string_equal(model_doc(&m, 0, MODEL_URL), "https://ex.com/a");
	assert_string_equal(model_doc(&m, 0, MODEL_TITLE), "Putin meets Tillerson");
	assert_string_equal(model_doc(&m, 0, MODEL_PUBLISHED), "2017-04-12T10:00:00Z");
	assert_string_equal(model_doc(&m, 0, MODEL_LANG), "en");
	assert_string_equal(model_doc(&m, 0, MODEL_SECTION), "world");
	assert_null(model_doc(&m, 1, MODEL_PUBLISHED));
	assert_null(model_doc(&m, 1, MODEL_SECTION));
	assert_null(model_doc(&m, 2, MODEL_URL));
	assert_null(model_doc(&m, 2, MODEL_LANG));
	assert_string_equal(model_doc(&m, 3, MODEL_SECTION), "sport");
	model_free(&m);
}

/* A widget's fields: the lead image and the first paragraph, shortened,
 * survive a save and a load (version 2). */
static void test_image_and_excerpt_kept_through_the_file(void **state)
{
	struct model built, loaded;
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct error err = { "" };
	struct bag bag;
	struct article a = { 0 };
	char text[600];

	(void)state;
	memset(text, 0, sizeof text);
	for (int i = 0; i < 60; i++)
		strcat(text, "word ");
	strcat(text, "\n\nSecond paragraph.");
	model_params_default(&p);
	p.min_df = 1;
	bag_init(&bag);
	a.id = (char *)"a";
	a.image = (char *)"https://ex.com/a.jpg";
	a.text = text;
	make_bag(&bag, "x y");
	assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	a.id = (char *)"b";
	a.image = NULL;
	a.text = (char *)"Short lead.\n\nMore.";
	assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	bag_free(&bag);
	assert_int_equal(model_builder_finish(b, &p, &built, &err), 0);
	assert_int_equal(model_save(&built, testutil_path("fields.model"), &err), 0);
	assert_int_equal(model_load(testutil_path("fields.model"), &loaded, &err), 0);
	assert_string_equal(model_doc(&loaded, 0, MODEL_IMAGE), "https://ex.com/a.jpg");
	assert_null(model_doc(&loaded, 1, MODEL_IMAGE));
	assert_string_equal(model_doc(&loaded, 1, MODEL_EXCERPT), "Short lead.");
	assert_true(strlen(model_doc(&loaded, 0, MODEL_EXCERPT)) <= MODEL_EXCERPT_MAX);
	assert_non_null(strstr(model_doc(&loaded, 0, MODEL_EXCERPT), "word\xe2\x80\xa6"));
	assert_null(strstr(model_doc(&loaded, 0, MODEL_EXCERPT), "Second"));
	model_free(&loaded);
	model_free(&built);
}

static void test_excerpt_is_the_first_paragraph_cut_at_a_space(void **state)
{
	char *e;

	(void)state;
	e = article_excerpt("  One short paragraph.\n\nTwo.", 100);
	assert_string_equal(e, "One short paragraph.");
	free(e);
	e = article_excerpt("Putin meets Tillerson in Moscow", 16);
	assert_string_equal(e, "Putin meets\xe2\x80\xa6");
	free(e);
	/* never inside a character: "é" is two bytes */
	e = article_excerpt("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 6);
	assert_string_equal(e, "\xc3\xa9\xe2\x80\xa6");
	free(e);
	assert_null(article_excerpt(NULL, 100));
	assert_null(article_excerpt("\n\n", 100));
}

/* Asserts that two models hold the same arrays, byte for byte. */
static void assert_models_equal(const struct model *a, const struct model *b)
{
	assert_int_equal(a->n_docs, b->n_docs);
	assert_int_equal(a->n_terms, b->n_terms);
	assert_int_equal(a->nnz, b->nnz);
	assert_int_equal(a->strings_len, b->strings_len);
	assert_memory_equal(a->strings, b->strings, a->strings_len);
	if (a->n_terms) {
		assert_memory_equal(a->term_name, b->term_name, a->n_terms * sizeof *a->term_name);
		assert_memory_equal(a->df, b->df, a->n_terms * sizeof *a->df);
	}
	if (a->n_docs)
		assert_memory_equal(a->doc_field, b->doc_field,
				    a->n_docs * MODEL_FIELDS * sizeof *a->doc_field);
	assert_memory_equal(a->row, b->row, (a->n_docs + 1) * sizeof *a->row);
	assert_int_equal(a->n_blocks, b->n_blocks);
	if (a->n_docs)
		assert_memory_equal(a->block_end, b->block_end,
				    (size_t)a->n_docs * a->n_blocks * sizeof *a->block_end);
	if (a->nnz) {
		assert_memory_equal(a->term_lo, b->term_lo, a->nnz * sizeof *a->term_lo);
		assert_memory_equal(a->val, b->val, a->nnz * sizeof *a->val);
	}
	assert_int_equal(a->params.min_df, b->params.min_df);
	assert_true(a->params.max_df == b->params.max_df);
	assert_true(a->params.title_weight == b->params.title_weight);
	assert_true(a->params.lead_weight == b->params.lead_weight);
	assert_int_equal(a->params.stem, b->params.stem);
	assert_int_equal(a->params.stopwords, b->params.stopwords);
}

/* Stories out of id order, one id twice ("2017/b" at 0 and 3): built as
 * given, and found by id. */
static const struct story shuffled[] = {
	{ "2017/b", NULL, NULL, NULL, NULL, NULL, "putin:1 moscow:1" },
	{ "2017/a", NULL, NULL, NULL, NULL, NULL, "putin:1 syria:1" },
	{ "2017/c", NULL, NULL, NULL, NULL, NULL, "moscow:1 syria:1" },
	{ "2017/b", NULL, NULL, NULL, NULL, NULL, "syria:1 putin:1" },
	{ "2017", NULL, NULL, NULL, NULL, NULL, "moscow:1 putin:1" },
};

static void test_find_by_id_in_id_order_and_not(void **state)
{
	struct model m;
	struct error err = { "" };

	(void)state;
	build(news, NEWS, NULL, &m);
	for (uint32_t d = 0; d < NEWS; d++)
		assert_int_equal(model_find(&m, news[d].id), d);
	assert_int_equal(model_find(&m, "2017/"), -1);
	assert_int_equal(model_find(&m, "2017/aa"), -1);
	assert_int_equal(model_find(&m, "2017/f"), -1);
	assert_int_equal(model_find(&m, ""), -1);
	/* an id of `len` bytes inside a longer string */
	assert_int_equal(model_find_len(&m, "2017/c\",\"rest", 6), 2);
	assert_int_equal(model_find_len(&m, "2017/cc", 6), 2);
	assert_int_equal(model_find_len(&m, "2017/c", 5), -1);
	model_free(&m);

	build(shuffled, sizeof shuffled / sizeof shuffled[0], NULL, &m);
	assert_int_equal(model_find(&m, "2017/a"), 1);
	assert_int_equal(model_find(&m, "2017/b"), 0); /* the lowest index */
	assert_int_equal(model_find(&m, "2017/c"), 2);
	assert_int_equal(model_find(&m, "2017"), 4);
	assert_int_equal(model_find(&m, "2017/d"), -1);
	assert_int_equal(model_find_len(&m, "2017/a", 4), 4);
	/* and the same once saved and loaded */
	assert_int_equal(model_save(&m, testutil_path("shuffled.model"), &err), 0);
	model_free(&m);
	assert_int_equal(model_load(testutil_path("shuffled.model"), &m, &err), 0);
	assert_int_equal(model_find(&m, "2017/b"), 0);
	assert_int_equal(model_find(&m, "2017"), 4);
	assert_int_equal(model_find(&m, "2017/c"), 2);
	model_free(&m);
}

static void test_model_from_parts_takes_the_arrays(void **state)
{
	struct model_parts parts;
	struct model m;
	struct error err = { "" };
	static const char strings[] = "\0x\0y";

	(void)state;
	memset(&parts, 0, sizeof parts);
	model_params_default(&parts.params);
	parts.n_docs = 2;
	parts.strings_len = sizeof strings;
	parts.strings = malloc(sizeof strings);
	parts.doc_field = calloc(2 * MODEL_FIELDS, sizeof *parts.doc_field);
	parts.row = calloc(3, sizeof *parts.row);
	assert_true(parts.strings && parts.doc_field && parts.row);
	memcpy(parts.strings, strings, sizeof strings);
	parts.doc_field[MODEL_ID] = 3;          /* "y" */
	parts.doc_field[MODEL_FIELDS + MODEL_ID] = 1; /* "x" */
	assert_int_equal(model_from_parts(&parts, &m, &err), 0);
	assert_null(parts.strings); /* the model owns them now */
	assert_null(parts.row);
	assert_int_equal(m.n_docs, 2);
	assert_string_equal(model_doc(&m, 0, MODEL_ID), "y");
	assert_int_equal(model_find(&m, "x"), 1);
	assert_int_equal(model_find(&m, "y"), 0);
	model_free(&m); /* frees every array: ASan (make check) sees no leak */
	assert_null(m.strings);
}

static void test_params_encode_in_the_part_layout(void **state)
{
	struct model_params p, q;
	unsigned char b[MODEL_PARAMS_BYTES], c[MODEL_PARAMS_BYTES];
	float k1;
	uint32_t bits;

	(void)state;
	model_params_default(&p);
	p.min_df = 0x01020304;
	p.tf_mode = MODEL_TF_BM25;
	p.bm25_avglen = 123.0f;
	model_params_encode(&p, b);
	/* min_df first, little-endian; tf_mode ninth; bm25_k1 tenth */
	assert_int_equal(b[0], 4);
	assert_int_equal(b[3], 1);
	assert_int_equal(b[32], MODEL_TF_BM25);
	bits = (uint32_t)b[36] | (uint32_t)b[37] << 8 | (uint32_t)b[38] << 16 |
	       (uint32_t)b[39] << 24;
	memcpy(&k1, &bits, 4);
	assert_true(k1 == p.bm25_k1);
	model_params_decode(b, &q);
	assert_true(model_params_equal(&p, &q));
	assert_true(q.bm25_avglen == 0.0f); /* derived: not in the layout */
	model_params_encode(&q, c);
	assert_memory_equal(b, c, sizeof b);
	/* every chosen field counts, the derived one does not */
	q.bm25_avglen = 7.0f;
	assert_true(model_params_equal(&p, &q));
	q.bm25_b = 0.5f;
	assert_false(model_params_equal(&p, &q));
	model_params_decode(b, &q);
	q.stopwords = 0;
	assert_false(model_params_equal(&p, &q));
}

static void test_save_load_round_trip(void **state)
{
	struct model_params p;
	struct model built, loaded;
	struct error err = { "" };

	(void)state;
	model_params_default(&p);
	p.title_weight = 3.0f;
	p.lead_weight = 1.5f;
	p.max_df = 0.9f;
	p.stem = 0;
	build(news, NEWS, &p, &built);
	assert_int_equal(model_save(&built, testutil_path("round.model"), &err), 0);
	assert_int_equal(model_load(testutil_path("round.model"), &loaded, &err), 0);
	assert_string_equal(err.message, "");
	assert_models_equal(&built, &loaded);
	assert_string_equal(model_doc(&loaded, 0, MODEL_TITLE), "Putin meets Tillerson");
	assert_null(model_doc(&loaded, 2, MODEL_URL));
	assert_string_equal(model_term(&loaded, 0), "moscow");
	/* saving the loaded model gives the same file again */
	assert_int_equal(model_save(&loaded, testutil_path("round2.model"), &err), 0);
	model_free(&loaded);
	assert_int_equal(model_load(testutil_path("round2.model"), &loaded, &err), 0);
	assert_models_equal(&built, &loaded);
	model_free(&loaded);
	model_free(&built);
	/* written atomically: no temporary left behind */
	assert_int_equal(count_temporaries(), 0);
}

static void test_empty_model_round_trips(void **state)
{
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct model built, loaded;
	struct error err = { "" };

	(void)state;
	assert_non_null(b);
	model_params_default(&p);
	assert_int_equal(model_builder_finish(b, &p, &built, &err), 0);
	assert_int_equal(built.n_docs, 0);
	assert_int_equal(built.n_terms, 0);
	assert_int_equal(model_save(&built, testutil_path("empty.model"), &err), 0);
	assert_int_equal(model_load(testutil_path("empty.model"), &loaded, &err), 0);
	assert_models_equal(&built, &loaded);
	model_free(&loaded);
	model_free(&built);
}

/* A model of 900 stories of 1 to 400 distinct terms each, drawn from
 * 100,000 names (more than 2^16, so rows sort on three bytes), min_df 1, built
 * on `jobs` threads. */
static void build_wide(int jobs, struct model *m)
{
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct error err = { "" };
	struct bag bag;
	uint32_t x = 12345;

	assert_non_null(b);
	model_params_default(&p);
	p.min_df = 1;
	model_builder_set_jobs(b, jobs);
	bag_init(&bag);
	for (int d = 0; d < 900; d++) {
		char id[16];
		struct article a = { 0 };
		size_t n = 1 + (size_t)(d * 7919) % 400;
		uint32_t start;
		x = x * 1103515245u + 12345u;
		start = (x >> 8) % 100000;
		snprintf(id, sizeof id, "s%d", d);
		a.id = id;
		buf_reset(&bag.terms);
		bag.n = 0;
		bag_room(&bag, n);
		for (size_t i = 0; i < n; i++) {
			char name[16];
			/* distinct within the story: 173 is prime to 100,000 */
			snprintf(name, sizeof name, "t%u", (unsigned)((start + i * 173) % 100000));
			bag.offsets[i] = bag.terms.len;
			assert_int_equal(buf_add(&bag.terms, name, strlen(name) + 1), 0);
			bag.counts[i] = (float)(1 + (i * 7 + (size_t)d) % 5);
		}
		bag.n = n;
		bag.cap = n;
		assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	}
	bag_free(&bag);
	assert_int_equal(model_builder_finish(b, &p, m, &err), 0);
}

/* Stories of 100 terms each drawn from 500 names, with count
 * 1 + k / 1024 for the story's k-th pair overall: 70,000 distinct counts,
 * more than the builder's 65,535 codes, so its later pairs keep their
 * counts whole. */
enum { SPILL_DOCS = 700, SPILL_TERMS = 100, SPILL_VOCAB = 500 };

static uint32_t spill_term(uint32_t d, uint32_t i)
{
	return (d * 37 + i * 7) % SPILL_VOCAB; /* distinct within a story: 7 and 500 are coprime */
}

static float spill_count(uint32_t d, uint32_t i)
{
	return 1.0f + (float)(d * SPILL_TERMS + i) / 1024.0f;
}

/* The builder keeps each pair's count as a 16-bit code into the distinct
 * counts it has met, and the counts beyond the first 65,535 whole: every
 * weight must be the one computed from the plain counts (the builder's own
 * arithmetic, in the pairs' order), bit for bit, on either side of the
 * 65,535th distinct count. */
static void test_builder_counts_read_back_exactly(void **state)
{
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct error err = { "" };
	struct bag bag;
	struct model m;
	uint32_t df[SPILL_VOCAB] = { 0 };

	(void)state;
	assert_non_null(b);
	model_params_default(&p);
	bag_init(&bag);
	for (uint32_t d = 0; d < SPILL_DOCS; d++) {
		char id[16];
		struct article a = { 0 };
		snprintf(id, sizeof id, "s%04u", (unsigned)d);
		a.id = id;
		buf_reset(&bag.terms);
		bag_room(&bag, SPILL_TERMS);
		for (uint32_t i = 0; i < SPILL_TERMS; i++) {
			char name[16];
			snprintf(name, sizeof name, "w%u", (unsigned)spill_term(d, i));
			bag.offsets[i] = bag.terms.len;
			assert_int_equal(buf_add(&bag.terms, name, strlen(name) + 1), 0);
			bag.counts[i] = spill_count(d, i);
			df[spill_term(d, i)]++;
		}
		bag.n = bag.cap = SPILL_TERMS;
		assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	}
	bag_free(&bag);
	assert_int_equal(model_builder_finish(b, &p, &m, &err), 0);
	assert_int_equal(m.n_docs, SPILL_DOCS);
	assert_int_equal(m.nnz, (uint64_t)SPILL_DOCS * SPILL_TERMS);
	for (uint32_t d = 0; d < SPILL_DOCS; d++) {
		double w[SPILL_TERMS], norm = 0;
		for (uint32_t i = 0; i < SPILL_TERMS; i++) {
			double tf = 1.0 + log(spill_count(d, i));
			double idf = log((1.0 + SPILL_DOCS) / (1.0 + df[spill_term(d, i)])) + 1.0;
			w[i] = (float)(tf * idf);
			norm += (tf * idf) * (tf * idf);
		}
		norm = 1.0 / sqrt(norm);
		assert_int_equal(m.row[d + 1] - m.row[d], SPILL_TERMS);
		for (uint32_t i = 0; i < SPILL_TERMS; i++) {
			char name[16];
			float want = (float)(w[i] * norm), got = -1.0f;
			snprintf(name, sizeof name, "w%u", (unsigned)spill_term(d, i));
			for (uint64_t k = m.row[d]; k < m.row[d + 1]; k++)
				if (!strcmp(model_term(&m, model_term_at(&m, d, k)), name))
					got = m.val[k];
			assert_memory_equal(&got, &want, sizeof got);
		}
	}
	model_free(&m);
}

/* The weights are computed on threads: the same model for any number, each
 * row sorted by term and of unit length. */
static void test_model_is_the_same_for_any_jobs(void **state)
{
	struct model one, many;

	(void)state;
	build_wide(1, &one);
	assert_int_equal(one.n_docs, 900);
	assert_true(one.n_terms > 65536);
	for (uint32_t d = 0; d < one.n_docs; d++) {
		double norm = 0;
		for (uint64_t i = one.row[d]; i < one.row[d + 1]; i++) {
			if (i > one.row[d])
				assert_true(model_term_at(&one, d, i - 1) < model_term_at(&one, d, i));
			norm += (double)one.val[i] * one.val[i];
		}
		assert_true(fabs(norm - 1.0) < 1e-4);
	}
	for (int jobs = 2; jobs <= 5; jobs += 3) {
		build_wide(jobs, &many);
		assert_models_equal(&one, &many);
		model_free(&many);
	}
	model_free(&one);
}

/* Reads a whole file into a malloc'd buffer. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	p = malloc((size_t)n);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Postings written a few entries at a time (ranges of one term, of a few,
 * lists longer than the chunk) make the same file as in one range, and
 * load as the transpose computed in memory. */
static void test_postings_written_in_ranges_same_file(void **state)
{
	struct model m, loaded;
	struct error err = { "" };
	unsigned char *whole, *part;
	size_t whole_len, part_len;
	const uint64_t chunks[] = { 1, 7, 4096 };

	(void)state;
	build_wide(1, &m);
	assert_null(m.post_start);
	assert_int_equal(model_save_chunked(&m, testutil_path("whole.model"), m.nnz, &err), 0);
	whole = slurp(testutil_path("whole.model"), &whole_len);
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		assert_int_equal(model_save_chunked(&m, testutil_path("part.model"), chunks[c], &err), 0);
		part = slurp(testutil_path("part.model"), &part_len);
		assert_int_equal(part_len, whole_len);
		assert_memory_equal(part, whole, whole_len);
		free(part);
	}
	free(whole);
	assert_int_equal(model_load(testutil_path("part.model"), &loaded, &err), 0);
	assert_int_equal(model_build_postings(&m), 0);
	assert_memory_equal(loaded.post_start, m.post_start, ((size_t)m.n_terms + 1) * 8);
	assert_memory_equal(loaded.post_doc, m.post_doc, m.nnz * 4);
	assert_memory_equal(loaded.post_weight, m.post_weight, m.nnz * 4);
	model_free(&loaded);
	model_free(&m);
}

static void spill(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Rewrites a saved model's version and section count (the 4-byte fields
 * after the 8-byte magic) and makes its checksum again, so the file reads
 * as an older version would have written it. */
static void restamp(const char *path, uint32_t version, uint32_t n_sections)
{
	size_t len;
	unsigned char *d = slurp(path, &len);
	uint32_t crc;

	memcpy(d + 8, &version, 4);
	memcpy(d + 12, &n_sections, 4);
	crc = (uint32_t)crc32(crc32(0L, NULL, 0), d, (uInt)(len - 8));
	memcpy(d + len - 8, &crc, 4);
	spill(path, d, len);
	free(d);
}

/* Saves the news model, lets `corrupt` change its bytes, and checks that
 * loading fails with an empty model and a message naming the file and
 * containing `why` (when not NULL). */
static void assert_load_rejects(const char *name, size_t (*corrupt)(unsigned char *, size_t),
				const char *why)
{
	struct model built, m;
	struct error err = { "" };
	unsigned char *data;
	size_t len;
	char path[512];

	build(news, NEWS, NULL, &built);
	snprintf(path, sizeof path, "%s", testutil_path(name));
	assert_int_equal(model_save(&built, path, &err), 0);
	model_free(&built);
	data = slurp(path, &len);
	len = corrupt(data, len);
	spill(path, data, len);
	free(data);
	memset(&m, 0x5a, sizeof m);
	assert_int_equal(model_load(path, &m, &err), -1);
	assert_non_null(strstr(err.message, path));
	if (why && !strstr(err.message, why))
		fail_msg("message \"%s\" does not mention \"%s\"", err.message, why);
	assert_int_equal(m.n_docs, 0);
	assert_int_equal(m.n_terms, 0);
	assert_null(m.storage);
	assert_null(m.strings);
	model_free(&m); /* harmless on an empty model */
}

static size_t bad_magic(unsigned char *d, size_t len)
{
	d[0] = 'X';
	return len;
}

static size_t bad_version(unsigned char *d, size_t len)
{
	uint32_t v = 99; /* version sits right after the 8-byte magic */

	memcpy(d + 8, &v, 4);
	return len;
}

static size_t truncated(unsigned char *d, size_t len)
{
	(void)d;
	return len - 20;
}

static size_t truncated_to_header(unsigned char *d, size_t len)
{
	(void)d;
	(void)len;
	return 40;
}

static size_t flipped_byte(unsigned char *d, size_t len)
{
	d[len / 2] ^= 0x01;
	return len;
}

static size_t flipped_last_weight_byte(unsigned char *d, size_t len)
{
	d[len - 9] ^= 0x40; /* just before the trailer */
	return len;
}

/* A model with lead signatures: two stories with a text of 30 words, one
 * without text. */
static void build_signed(struct model *m)
{
	static const char *const text[3] = {
		"one two three four five six seven eight nine ten eleven twelve thirteen "
		"fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone "
		"twentytwo twentythree twentyfour twentyfive twentysix twentyseven",
		"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
		"omicron pi rho sigma tau upsilon phi chi psi omega aleph beth gimel dalet",
		NULL
	};
	static const char *const ids[3] = { "a", "b", "c" };
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct error err = { "" };
	struct bag bag;

	assert_non_null(b);
	model_params_default(&p);
	p.min_df = 1;
	bag_init(&bag);
	for (int i = 0; i < 3; i++) {
		struct article a = { 0 };
		a.id = (char *)(uintptr_t)ids[i];
		a.text = (char *)(uintptr_t)text[i];
		make_bag(&bag, "word shared");
		assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	}
	bag_free(&bag);
	assert_int_equal(model_builder_finish(b, &p, m, &err), 0);
}

static void test_lead_signatures_survive_a_save_and_a_load(void **state)
{
	struct model built, m;
	struct error err = { "" };
	uint16_t want[ANALYZE_LEAD_SLOTS];
	const char *path = testutil_path("signed.model");

	(void)state;
	build_signed(&built);
	assert_non_null(built.lead_sig);
	assert_int_equal(model_save(&built, path, &err), 0);
	assert_int_equal(model_load(path, &m, &err), 0);
	assert_non_null(m.lead_sig);
	assert_memory_equal(m.lead_sig, built.lead_sig, 3 * ANALYZE_LEAD_SLOTS * 2);
	assert_true(analyze_lead_known(m.lead_sig));
	assert_true(analyze_lead_known(m.lead_sig + ANALYZE_LEAD_SLOTS));
	assert_false(analyze_lead_known(m.lead_sig + 2 * ANALYZE_LEAD_SLOTS));
	analyze_lead_signature(NULL, want);
	assert_memory_equal(m.lead_sig + 2 * ANALYZE_LEAD_SLOTS, want, sizeof want);
	model_free(&m);
	model_free(&built);
}

/* The number signatures the builder makes from title and text, kept
 * through a save and a load. */
static void test_number_signatures_survive_a_save_and_a_load(void **state)
{
	static const char *const title[2] = { "Quake of 7.1 kills 40", "Storm" };
	static const char *const text[2] = { "Rescuers found 12 more.", "No numbers here." };
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct model built, m;
	struct error err = { "" };
	struct bag bag;
	uint32_t want[NUMBERS_SLOTS];
	const char *path = testutil_path("numbered.model");

	(void)state;
	assert_non_null(b);
	model_params_default(&p);
	p.min_df = 1;
	bag_init(&bag);
	for (int i = 0; i < 2; i++) {
		struct article a = { 0 };
		a.id = (char *)(uintptr_t)(i ? "b" : "a");
		a.title = (char *)(uintptr_t)title[i];
		a.text = (char *)(uintptr_t)text[i];
		make_bag(&bag, "word shared");
		assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	}
	bag_free(&bag);
	assert_int_equal(model_builder_finish(b, &p, &built, &err), 0);
	assert_non_null(built.numbers);
	assert_int_equal(model_save(&built, path, &err), 0);
	assert_int_equal(model_load(path, &m, &err), 0);
	assert_non_null(m.numbers);
	numbers_signature(title[0], text[0], want);
	assert_int_equal(numbers_lead_count(want), 4); /* 7, 1, 40, 12 */
	assert_memory_equal(m.numbers, want, sizeof want);
	numbers_signature(title[1], text[1], want);
	assert_memory_equal(m.numbers + NUMBERS_SLOTS, want, sizeof want);
	model_free(&m);
	model_free(&built);
}

/* A file of an older version (term ids of 32 bits) is refused, naming
 * the file, its version and the way out; model_map() refuses it too. The
 * news model's bytes restamped as each older version with its section
 * count (8, 12, 13, 14) and the checksum made again. */
static void test_older_format_is_refused_naming_the_file(void **state)
{
	static const uint32_t sections[] = { 0, 8, 12, 13, 14 };
	struct model built, m;
	const char *path = testutil_path("old.model");

	(void)state;
	build(news, NEWS, NULL, &built);
	for (uint32_t v = 1; v <= 4; v++) {
		struct error err = { "" };
		char want[32];
		assert_int_equal(model_save(&built, path, &err), 0);
		restamp(path, v, sections[v]);
		memset(&m, 0x5a, sizeof m);
		assert_int_equal(model_load(path, &m, &err), -1);
		assert_null(m.storage);
		assert_non_null(strstr(err.message, path));
		snprintf(want, sizeof want, "version %u", (unsigned)v);
		assert_non_null(strstr(err.message, want));
		assert_non_null(strstr(err.message, "rebuild"));
		assert_int_equal(model_map(path, &m, &err), -1);
		assert_non_null(strstr(err.message, path));
	}
	model_free(&built);
}

/* The term id and weight of entry j of story d of the wide hand-made model
 * below: ids across four blocks of 2^16 (the last one partly used), each
 * row ascending; story 0 is empty, story 1 holds the ids either side of
 * every block boundary, story 2 only ids of the last block (its earlier
 * blocks empty), the others ids from a start of their own with a stride
 * that spreads them over every block. */
#define WIDE_TERMS 200000u
#define WIDE_DOCS 40u
static uint32_t wide_len(uint32_t d)
{
	return d == 0 ? 0 : d == 1 ? 8 : d == 2 ? 5 : 30 + d * 97 % 300;
}

static uint32_t wide_term(uint32_t d, uint32_t j)
{
	static const uint32_t edges[8] = { 0, 65535, 65536, 131071, 131072, 196607, 196608,
					   WIDE_TERMS - 1 };
	if (d == 1)
		return edges[j];
	if (d == 2)
		return 196608 + 11 * j;
	/* from a start of its own, a stride spreading the row over the ids */
	return d * 1231 % 11000 + j * ((WIDE_TERMS - 11000) / wide_len(d));
}

static float wide_weight(uint32_t d, uint32_t j)
{
	return (float)(d * 1000 + j + 1) / 1048576.0f;
}

/* Checks every (id, weight) of m against wide_term()/wide_weight(), and
 * each term's largest weight (model_largest_weights()), by
 * model_row_terms(), model_term_at() and the runs, and a dot product
 * through model_row_scatter()/model_row_dot(). */
static void assert_wide_rows(const struct model *m)
{
	uint32_t *ids = malloc(WIDE_TERMS * sizeof *ids);
	float *dense = calloc(WIDE_TERMS, sizeof *dense), *most;

	assert_non_null(ids);
	assert_non_null(dense);
	assert_int_equal(m->n_docs, WIDE_DOCS);
	assert_int_equal(m->n_terms, WIDE_TERMS);
	assert_int_equal(m->n_blocks, 4);
	for (uint32_t d = 0; d < WIDE_DOCS; d++) {
		size_t n = model_row_terms(m, d, ids);
		float want = 0.0f, dot;
		assert_int_equal(n, wide_len(d));
		assert_int_equal(m->row[d + 1] - m->row[d], n);
		for (uint32_t j = 0; j < n; j++) {
			uint64_t i = m->row[d] + j;
			uint32_t k = wide_term(d, j) >> 16;
			assert_int_equal(ids[j], wide_term(d, j));
			assert_int_equal(model_term_at(m, d, i), wide_term(d, j));
			assert_true(model_run_begin(m, d, k) <= i && i < model_run_end(m, d, k));
			assert_true(m->val[i] == wide_weight(d, j));
			want += wide_weight(d, j) * wide_weight(d, j);
		}
		assert_int_equal(model_run_end(m, d, m->n_blocks - 1), m->row[d + 1]);
		model_row_scatter(m, d, dense);
		for (uint32_t j = 0; j < n; j++)
			assert_true(dense[wide_term(d, j)] == wide_weight(d, j));
		dot = model_row_dot(m, d, dense);
		assert_memory_equal(&dot, &want, sizeof dot);
		model_row_clear(m, d, dense);
		for (uint32_t t = 0; t < WIDE_TERMS; t++)
			assert_true(dense[t] == 0.0f);
	}
	/* each term's largest weight, against a walk of the plain ids */
	for (uint32_t d = 0; d < WIDE_DOCS; d++)
		for (uint32_t j = 0; j < wide_len(d); j++)
			if (wide_weight(d, j) > dense[wide_term(d, j)])
				dense[wide_term(d, j)] = wide_weight(d, j);
	most = calloc(WIDE_TERMS, sizeof *most);
	assert_non_null(most);
	model_largest_weights(m, most);
	assert_memory_equal(most, dense, WIDE_TERMS * sizeof *most);
	free(most);
	free(ids);
	free(dense);
}

/* Rows over more than 2^16 terms cross blocks: every (id, weight) reads
 * back from the model made of them, and from the file it is saved to
 * (loaded and mapped), whose postings are their transpose. */
static void test_rows_across_blocks_read_back(void **state)
{
	struct model_parts parts;
	struct model m, loaded;
	struct error err = { "" };
	struct buf strings = BUF_INIT;
	const char *path = testutil_path("wide.model");
	uint64_t nnz = 0;

	(void)state;
	memset(&parts, 0, sizeof parts);
	model_params_default(&parts.params);
	parts.n_docs = WIDE_DOCS;
	parts.n_terms = WIDE_TERMS;
	for (uint32_t d = 0; d < WIDE_DOCS; d++)
		nnz += wide_len(d);
	parts.nnz = nnz;
	parts.row = calloc(WIDE_DOCS + 1, sizeof *parts.row);
	parts.col = malloc(nnz * sizeof *parts.col);
	parts.val = malloc(nnz * sizeof *parts.val);
	parts.doc_field = calloc((size_t)WIDE_DOCS * MODEL_FIELDS, sizeof *parts.doc_field);
	parts.term_name = malloc(WIDE_TERMS * sizeof *parts.term_name);
	parts.df = calloc(WIDE_TERMS, sizeof *parts.df);
	assert_true(parts.row && parts.col && parts.val && parts.doc_field && parts.term_name &&
		    parts.df);
	assert_int_equal(buf_addc(&strings, '\0'), 0);
	for (uint32_t t = 0; t < WIDE_TERMS; t++) {
		char name[16];
		int len = snprintf(name, sizeof name, "t%u", (unsigned)t);
		parts.term_name[t] = strings.len;
		assert_int_equal(buf_add(&strings, name, (size_t)len + 1), 0);
	}
	nnz = 0;
	for (uint32_t d = 0; d < WIDE_DOCS; d++) {
		char id[16];
		int len = snprintf(id, sizeof id, "w%02u", (unsigned)d);
		parts.doc_field[(size_t)d * MODEL_FIELDS + MODEL_ID] = strings.len;
		assert_int_equal(buf_add(&strings, id, (size_t)len + 1), 0);
		for (uint32_t j = 0; j < wide_len(d); j++) {
			if (j)
				assert_true(wide_term(d, j) > wide_term(d, j - 1));
			parts.df[wide_term(d, j)]++;
			parts.col[nnz] = wide_term(d, j);
			parts.val[nnz++] = wide_weight(d, j);
		}
		parts.row[d + 1] = nnz;
	}
	parts.strings_len = strings.len;
	parts.strings = buf_detach(&strings, NULL);
	assert_int_equal(model_from_parts(&parts, &m, &err), 0);
	assert_wide_rows(&m);
	assert_int_equal(model_save(&m, path, &err), 0);
	assert_int_equal(model_load(path, &loaded, &err), 0);
	assert_models_equal(&m, &loaded);
	assert_wide_rows(&loaded);
	/* the postings written are the rows' transpose */
	for (uint32_t t = 0; t < WIDE_TERMS; t++)
		for (uint64_t k = loaded.post_start[t]; k < loaded.post_start[t + 1]; k++) {
			uint32_t d = loaded.post_doc[k];
			int found = 0;
			for (uint64_t i = loaded.row[d]; i < loaded.row[d + 1]; i++)
				found |= model_term_at(&loaded, d, i) == t &&
					 loaded.val[i] == loaded.post_weight[k];
			assert_true(found);
		}
	assert_int_equal(loaded.post_start[WIDE_TERMS], loaded.nnz);
	model_free(&loaded);
	assert_int_equal(model_map(path, &loaded, &err), 0);
	assert_wide_rows(&loaded);
	model_free(&loaded);
	model_free(&m);
}

/* The builder's rows over more than 2^16 terms: each story holds the very
 * terms it was given (by name), across blocks. */
static void test_builder_rows_across_blocks_hold_their_terms(void **state)
{
	struct model m;
	uint32_t x = 12345, ids[400];

	(void)state;
	build_wide(1, &m);
	assert_true(m.n_blocks >= 2);
	for (uint32_t d = 0; d < m.n_docs; d++) {
		size_t n = 1 + (size_t)(d * 7919) % 400, got;
		uint32_t start;
		char *seen = calloc(100000, 1);
		assert_non_null(seen);
		x = x * 1103515245u + 12345u;
		start = (x >> 8) % 100000;
		for (size_t i = 0; i < n; i++)
			seen[(start + i * 173) % 100000] = 1;
		got = model_row_terms(&m, d, ids);
		assert_int_equal(got, n);
		for (size_t i = 0; i < got; i++) {
			const char *name = model_term(&m, ids[i]);
			unsigned t;
			assert_int_equal(sscanf(name, "t%u", &t), 1);
			assert_int_equal(seen[t], 1);
			seen[t] = 2; /* each once */
		}
		free(seen);
	}
	model_free(&m);
}

static void test_load_rejects_wrong_magic(void **state)
{
	(void)state;
	assert_load_rejects("magic.model", bad_magic, "magic");
}

static void test_load_rejects_wrong_version(void **state)
{
	(void)state;
	assert_load_rejects("version.model", bad_version, "version");
}

static void test_load_rejects_truncated_file(void **state)
{
	(void)state;
	assert_load_rejects("trunc.model", truncated, NULL);
	assert_load_rejects("short.model", truncated_to_header, NULL);
}

static void test_load_rejects_flipped_byte(void **state)
{
	(void)state;
	assert_load_rejects("flip.model", flipped_byte, "checksum");
	assert_load_rejects("flip2.model", flipped_last_weight_byte, NULL);
}

static void test_load_rejects_missing_and_non_regular_files(void **state)
{
	struct model m;
	struct error err = { "" };

	(void)state;
	assert_int_equal(model_load(testutil_path("absent.model"), &m, &err), -1);
	assert_non_null(strstr(err.message, "absent.model"));
	assert_null(m.storage);
	assert_int_equal(model_load(testutil_dir(), &m, &err), -1);
	assert_null(m.storage);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_default_match_header),
		cmocka_unit_test(test_rows_are_unit_length_with_ascending_terms),
		cmocka_unit_test(test_min_df_drops_terms_of_one_story),
		cmocka_unit_test(test_max_df_drops_terms_in_too_many_stories),
		cmocka_unit_test(test_term_ids_ordered_by_df_then_bytes),
		cmocka_unit_test(test_weights_follow_smoothed_tfidf),
		cmocka_unit_test(test_counts_below_one_are_used_as_is),
		cmocka_unit_test(test_story_metadata_kept_in_order),
		cmocka_unit_test(test_find_by_id_in_id_order_and_not),
		cmocka_unit_test(test_model_from_parts_takes_the_arrays),
		cmocka_unit_test(test_params_encode_in_the_part_layout),
		cmocka_unit_test(test_image_and_excerpt_kept_through_the_file),
		cmocka_unit_test(test_excerpt_is_the_first_paragraph_cut_at_a_space),
		cmocka_unit_test(test_save_load_round_trip),
		cmocka_unit_test(test_empty_model_round_trips),
		cmocka_unit_test(test_model_is_the_same_for_any_jobs),
		cmocka_unit_test(test_postings_written_in_ranges_same_file),
		cmocka_unit_test(test_load_rejects_wrong_magic),
		cmocka_unit_test(test_load_rejects_wrong_version),
		cmocka_unit_test(test_lead_signatures_survive_a_save_and_a_load),
		cmocka_unit_test(test_number_signatures_survive_a_save_and_a_load),
		cmocka_unit_test(test_builder_counts_read_back_exactly),
		cmocka_unit_test(test_older_format_is_refused_naming_the_file),
		cmocka_unit_test(test_rows_across_blocks_read_back),
		cmocka_unit_test(test_builder_rows_across_blocks_hold_their_terms),
		cmocka_unit_test(test_load_rejects_truncated_file),
		cmocka_unit_test(test_load_rejects_flipped_byte),
		cmocka_unit_test(test_load_rejects_missing_and_non_regular_files),
	};

	return cmocka_run_group_tests(tests, testutil_make_dir, testutil_remove_dir);
}
