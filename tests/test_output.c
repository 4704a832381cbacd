/*
 * Tests for output: every line and file is parsed back with jansson and
 * checked against the schema in output.h (fields, nulls, four-decimal
 * scores), and files are checked to be written whole with no temporary left
 * behind. Output folders live in a fresh mkdtemp(3) directory removed
 * afterwards.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze.h"
#include "article.h"
#include "input.h"
#include "model.h"
#include "output.h"
#include "policy.h"
#include "testutil.h"

#define TITLE_2 "Quotes \"here\", a\ttab,\nnewline and \xE2\x80\xA8 separator"

struct story {
	const char *id, *url, *title, *published, *lang;
};

static const struct story stories[] = {
	{ "2017/04/a", "https://ex.com/a", "Putin meets Tillerson", "2017-04-12T10:00:00Z", "en" },
	{ "2017/04/b", NULL, NULL, NULL, NULL },
	{ "2017/04/c", "https://ex.com/c", TITLE_2, "2017-04-13T08:30:00+03:00", "ru" },
};
#define N_STORIES 3

/* A bag of the one term "word", counted once: every story's (terms do not
 * matter to output). */
static void one_word_bag(struct bag *bag)
{
	bag_init(bag);
	bag->offsets = malloc(sizeof *bag->offsets);
	bag->counts = malloc(sizeof *bag->counts);
	assert_non_null(bag->offsets);
	assert_non_null(bag->counts);
	bag->cap = bag->n = 1;
	bag->offsets[0] = 0;
	bag->counts[0] = 1.0f;
	assert_int_equal(buf_add(&bag->terms, "word", 5), 0);
}

/* A model of the three stories (terms do not matter to output). */
static void make_model(struct model *m)
{
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct error err = { "" };
	struct bag bag;

	assert_non_null(b);
	one_word_bag(&bag);
	for (size_t i = 0; i < N_STORIES; i++) {
		struct article a = { 0 };
		a.id = (char *)(uintptr_t)stories[i].id;
		a.url = (char *)(uintptr_t)stories[i].url;
		a.title = (char *)(uintptr_t)stories[i].title;
		a.published = (char *)(uintptr_t)stories[i].published;
		a.lang = (char *)(uintptr_t)stories[i].lang;
		assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	}
	bag_free(&bag);
	model_params_default(&p);
	assert_int_equal(model_builder_finish(b, &p, m, &err), 0);
}

/* Lists with room for three items per story: story 0 -> [2 (0.6), 1
 * (0.123456)], story 1 -> [0 (fallback)], story 2 -> [0 (1.0), 1 (0.00004)]. */
static void make_lists(struct related_lists *l)
{
	memset(l, 0, sizeof *l);
	l->top = 3;
	l->n_docs = N_STORIES;
	l->items = calloc(N_STORIES * 3, sizeof *l->items);
	l->count = calloc(N_STORIES, sizeof *l->count);
	assert_non_null(l->items);
	assert_non_null(l->count);
	l->items[0] = (struct related_item){ 2, 0.6f, "similar" };
	l->items[1] = (struct related_item){ 1, 0.123456f, "similar" };
	l->count[0] = 2;
	l->items[3] = (struct related_item){ 0, 0.0f, "fallback" };
	l->count[1] = 1;
	l->items[6] = (struct related_item){ 0, 1.0f, "similar" };
	l->items[7] = (struct related_item){ 1, 0.00004f, "similar" };
	l->count[2] = 2;
}

static json_t *parse(const char *text, size_t len)
{
	json_error_t jerr;
	json_t *v = json_loadb(text, len, 0, &jerr);

	if (!v)
		fail_msg("not valid JSON (%s): %.*s", jerr.text, (int)len, text);
	return v;
}

/* Asserts that obj has exactly the keys listed (NULL-terminated). */
static void assert_keys(json_t *obj, const char *const *keys)
{
	size_t n = 0;

	assert_true(json_is_object(obj));
	for (; keys[n]; n++)
		if (!json_object_get(obj, keys[n]))
			fail_msg("missing key \"%s\"", keys[n]);
	assert_int_equal(json_object_size(obj), n);
}

/* Asserts that obj[key] is the string want, or JSON null when want is NULL. */
static void assert_str_or_null(json_t *obj, const char *key, const char *want)
{
	json_t *v = json_object_get(obj, key);

	assert_non_null(v);
	if (!want) {
		assert_true(json_is_null(v));
		return;
	}
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), want);
}

static void assert_story(json_t *obj, uint32_t d)
{
	assert_str_or_null(obj, "id", stories[d].id);
	assert_str_or_null(obj, "url", stories[d].url);
	assert_str_or_null(obj, "title", stories[d].title);
	assert_str_or_null(obj, "published", stories[d].published);
}

static const char *const source_keys[] = { "id", "url", "title", "published", "lang", NULL };
static const char *const item_keys[] = { "rank", "id", "url", "title", "published",
					 "section", "image", "excerpt",
					 "score", "origin", NULL };
static const char *const line_keys[] = { "schema_version", "generated_at", "source",
					 "items", NULL };

/* Checks one related.jsonl line (text without its newline) for story d. */
static void check_related_line(const char *text, size_t len, const struct related_lists *l,
			       uint32_t d)
{
	json_t *v = parse(text, len), *src, *items;

	assert_keys(v, line_keys);
	assert_int_equal(json_integer_value(json_object_get(v, "schema_version")),
			 OUTPUT_SCHEMA_VERSION);
	assert_true(json_is_integer(json_object_get(v, "schema_version")));
	assert_str_or_null(v, "generated_at", "2026-11-28T10:00:00Z");
	src = json_object_get(v, "source");
	assert_keys(src, source_keys);
	assert_story(src, d);
	assert_str_or_null(src, "lang", stories[d].lang);
	items = json_object_get(v, "items");
	assert_true(json_is_array(items));
	assert_int_equal(json_array_size(items), l->count[d]);
	for (uint32_t i = 0; i < l->count[d]; i++) {
		const struct related_item *it = &l->items[(size_t)d * l->top + i];
		json_t *o = json_array_get(items, i);

		assert_keys(o, item_keys);
		assert_true(json_is_integer(json_object_get(o, "rank")));
		assert_int_equal(json_integer_value(json_object_get(o, "rank")), i + 1);
		assert_story(o, it->doc);
		assert_true(json_is_real(json_object_get(o, "score")));
		assert_float_equal(json_real_value(json_object_get(o, "score")), it->score, 0.00005);
		assert_str_or_null(o, "origin", it->origin);
	}
	json_decref(v);
}

/* Checks that every "score": in text is followed by digits, a point and
 * exactly four digits; returns how many scores there were. */
static int check_score_format(const char *text)
{
	const char *p = text;
	int n = 0;

	while ((p = strstr(p, "\"score\":"))) {
		int digits = 0;
		p += 8;
		assert_true(isdigit((unsigned char)*p));
		while (isdigit((unsigned char)*p))
			p++;
		assert_int_equal(*p, '.');
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
		assert_int_equal(digits, 4);
		assert_true(*p == ',' || *p == '}');
		n++;
	}
	return n;
}

static void test_related_line_is_valid_json_with_schema_fields(void **state)
{
	struct model m;
	struct related_lists l;
	struct buf b = BUF_INIT;

	(void)state;
	make_model(&m);
	make_lists(&l);
	for (uint32_t d = 0; d < N_STORIES; d++) {
		buf_reset(&b);
		assert_int_equal(output_related_line(&b, &m, &l, d, "2026-11-28T10:00:00Z"), 0);
		/* one line: a single newline, at the end */
		assert_true(b.len > 1);
		assert_int_equal(b.data[b.len - 1], '\n');
		assert_null(memchr(b.data, '\n', b.len - 1));
		check_related_line(b.data, b.len - 1, &l, d);
	}
	buf_release(&b);
	related_lists_free(&l);
	model_free(&m);
}

static void test_related_line_appends_to_buffer(void **state)
{
	struct model m;
	struct related_lists l;
	struct buf b = BUF_INIT;
	const char *second;

	(void)state;
	make_model(&m);
	make_lists(&l);
	assert_int_equal(output_related_line(&b, &m, &l, 0, "2026-11-28T10:00:00Z"), 0);
	assert_int_equal(output_related_line(&b, &m, &l, 1, "2026-11-28T10:00:00Z"), 0);
	second = strchr(b.data, '\n') + 1;
	check_related_line(b.data, (size_t)(second - b.data) - 1, &l, 0);
	check_related_line(second, strlen(second) - 1, &l, 1);
	buf_release(&b);
	related_lists_free(&l);
	model_free(&m);
}

static void test_scores_have_four_decimals(void **state)
{
	struct model m;
	struct related_lists l;
	struct buf b = BUF_INIT;

	(void)state;
	make_model(&m);
	make_lists(&l);
	assert_int_equal(output_related_line(&b, &m, &l, 0, "2026-11-28T10:00:00Z"), 0);
	assert_int_equal(check_score_format(b.data), 2);
	assert_non_null(strstr(b.data, "\"score\":0.6000"));
	assert_non_null(strstr(b.data, "\"score\":0.1235")); /* 0.123456 rounded */
	buf_reset(&b);
	assert_int_equal(output_related_line(&b, &m, &l, 2, "2026-11-28T10:00:00Z"), 0);
	assert_int_equal(check_score_format(b.data), 2);
	assert_non_null(strstr(b.data, "\"score\":1.0000"));
	assert_non_null(strstr(b.data, "\"score\":0.0000"));
	/* a tiny negative score (float noise) never prints as -0.0000 */
	l.items[7].score = -0.00001f;
	buf_reset(&b);
	assert_int_equal(output_related_line(&b, &m, &l, 2, "2026-11-28T10:00:00Z"), 0);
	assert_null(strstr(b.data, "-0.0000"));
	assert_int_equal(check_score_format(b.data), 2);
	buf_release(&b);
	related_lists_free(&l);
	model_free(&m);
}

/* A score as printf formats it: "%.4f" of round(score * 10000) / 10000,
 * with -0 written as 0 (the form output_add_score() must give). */
static void printf_score(float score, char *out, size_t cap)
{
	double s = round((double)score * 10000.0) / 10000.0;

	snprintf(out, cap, "%.4f", s == 0.0 ? 0.0 : s);
}

static void assert_score_is_printf(struct buf *b, float score)
{
	char want[512];

	printf_score(score, want, sizeof want);
	buf_reset(b);
	assert_int_equal(output_add_score(b, score), 0);
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->data, want, b->len);
}

/* output_add_score() writes the digits itself: the same text as printf's
 * for scores of every size and sign, halves of the last decimal (which
 * round() takes away from zero), float neighbours of them, -0, and values
 * beyond its fast path (huge, infinite, NaN). */
static void test_score_digits_are_printf_s(void **state)
{
	static const float fixed[] = {
		0.0f, -0.0f, 1.0f, -1.0f, 0.00005f, -0.00005f, 0.00004999f, 0.99995f,
		0.123456f, 0.6f, 9.99995f, 12345.6789f, -0.00001f, 1e-30f, 1e7f, 1e8f,
		99999999.0f, 1e9f, -3e9f, 1e20f, 3.4e38f, -3.4e38f,
	};
	struct buf b = BUF_INIT;
	uint32_t x = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		assert_score_is_printf(&b, fixed[i]);
	assert_score_is_printf(&b, (float)INFINITY);
	assert_score_is_printf(&b, -(float)INFINITY);
	assert_score_is_printf(&b, (float)NAN);
	for (int i = 0; i < 200000; i++) {
		float f;
		x = x * 1664525u + 1013904223u;
		switch (i % 4) {
		case 0: /* scores as lists have them */
			f = (float)(x >> 8) / (float)(1u << 24) * 2.0f - 0.5f;
			break;
		case 1: /* halves of the fourth decimal and their neighbours */
			f = ((float)(x % 200000u) + 0.5f) / 10000.0f;
			f = nextafterf(f, (x & 0x100) ? 10.0f : -10.0f);
			break;
		case 2: /* any float bits but NaN and infinities */
			memcpy(&f, &x, sizeof f);
			if (isnan(f) || isinf(f))
				f = 1.0f;
			break;
		default: /* larger scores */
			f = (float)(x >> 4) / 16.0f * ((x & 1) ? -1.0f : 1.0f);
			break;
		}
		assert_score_is_printf(&b, f);
	}
	buf_release(&b);
}

/* Number of entries of folder `path` whose name contains ".tmp". */
static int count_temporaries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".tmp") != NULL;
	closedir(d);
	return n;
}

/* Reads a whole file into a malloc'd NUL-terminated buffer. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void test_write_related_writes_one_line_per_story(void **state)
{
	struct model m;
	struct related_lists l;
	struct error err = { "" };
	char outdir[512], file[600];
	char *text, *line;
	size_t len;
	uint32_t d = 0;

	(void)state;
	make_model(&m);
	make_lists(&l);
	snprintf(outdir, sizeof outdir, "%s", testutil_path("out/nested"));
	snprintf(file, sizeof file, "%s/related.jsonl", outdir);
	/* write twice: the second replaces the first */
	for (int round = 0; round < 2; round++) {
		if (round)
			l.count[0] = 1;
		assert_int_equal(output_write_related(outdir, &m, &l, "2026-11-28T10:00:00Z", 2, &err), 0);
		assert_int_equal(count_temporaries(outdir), 0);
		text = slurp(file, &len);
		assert_true(len > 0);
		assert_int_equal(text[len - 1], '\n');
		d = 0;
		for (line = text; *line; d++) {
			char *nl = strchr(line, '\n');
			assert_non_null(nl);
			assert_true(d < N_STORIES);
			check_related_line(line, (size_t)(nl - line), &l, d);
			line = nl + 1;
		}
		assert_int_equal(d, N_STORIES);
		free(text);
	}
	related_lists_free(&l);
	model_free(&m);
}

/* A model of n stories "s00000", ... and lists of up to three items each,
 * scores and counts varying from story to story. */
static void make_many(struct model *m, struct related_lists *l, uint32_t n)
{
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct error err = { "" };
	struct bag bag;
	char id[16], title[32];

	assert_non_null(b);
	one_word_bag(&bag);
	for (uint32_t i = 0; i < n; i++) {
		struct article a = { 0 };
		snprintf(id, sizeof id, "s%05u", i);
		snprintf(title, sizeof title, "Story \"%u\"", i);
		a.id = id;
		a.title = i % 7 ? title : NULL;
		assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	}
	bag_free(&bag);
	model_params_default(&p);
	assert_int_equal(model_builder_finish(b, &p, m, &err), 0);
	memset(l, 0, sizeof *l);
	l->top = 3;
	l->n_docs = n;
	l->items = calloc((size_t)n * 3, sizeof *l->items);
	l->count = calloc(n, sizeof *l->count);
	assert_non_null(l->items);
	assert_non_null(l->count);
	for (uint32_t d = 0; d < n; d++) {
		l->count[d] = d % 4 == 3 ? 0 : d % 4 + 1;
		for (uint32_t k = 0; k < l->count[d]; k++)
			l->items[(size_t)d * 3 + k] = (struct related_item){
				(d + k + 1) % n, 1.0f / (float)(d + k + 2), "similar" };
	}
}

/* The lines are formatted on threads, a window of pieces at a time: the
 * file must be the lines of output_related_line(), story after story, for
 * any thread count and for story counts around the piece and window sizes
 * (a window of 32 pieces of 64 stories). */
static void test_write_related_on_threads_keeps_story_order(void **state)
{
	static const uint32_t sizes[] = { 1, 63, 64, 65, 2047, 2048, 2049, 5000 };
	struct error err = { "" };
	char outdir[512], file[600];

	(void)state;
	snprintf(outdir, sizeof outdir, "%s", testutil_path("out/threads"));
	snprintf(file, sizeof file, "%s/related.jsonl", outdir);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct model m;
		struct related_lists l;
		struct buf want = BUF_INIT;

		make_many(&m, &l, sizes[s]);
		for (uint32_t d = 0; d < sizes[s]; d++)
			assert_int_equal(output_related_line(&want, &m, &l, d,
							     "2026-11-28T10:00:00Z"), 0);
		for (int jobs = 1; jobs <= 3; jobs++) {
			size_t len;
			char *text;
			assert_int_equal(output_write_related(outdir, &m, &l, "2026-11-28T10:00:00Z",
							      jobs, &err), 0);
			text = slurp(file, &len);
			assert_int_equal(len, want.len);
			assert_memory_equal(text, want.data, len);
			free(text);
		}
		buf_release(&want);
		related_lists_free(&l);
		model_free(&m);
	}
}

static void test_write_related_fails_when_folder_cannot_be_made(void **state)
{
	struct model m;
	struct related_lists l;
	struct error err = { "" };
	char outdir[512];
	FILE *f = fopen(testutil_path("blocker"), "w");

	(void)state;
	assert_non_null(f);
	fclose(f);
	make_model(&m);
	make_lists(&l);
	snprintf(outdir, sizeof outdir, "%s", testutil_path("blocker/out"));
	assert_int_equal(output_write_related(outdir, &m, &l, "2026-11-28T10:00:00Z", 2, &err), -1);
	assert_true(strlen(err.message) > 0);
	related_lists_free(&l);
	model_free(&m);
}

/* Writes the lines of stories [begin, end) to the file `path`. */
static void write_part(const char *path, const struct model *m, const struct related_lists *l,
		       uint32_t begin, uint32_t end, const char *generated_at)
{
	struct buf b = BUF_INIT;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (uint32_t d = begin; d < end; d++)
		assert_int_equal(output_related_line(&b, m, l, d, generated_at), 0);
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	fclose(f);
	buf_release(&b);
}

/* Parts of shards joined in order are the file a whole run writes, with
 * the join's one generated_at on every line. */
static void test_concat_joins_parts_into_the_whole_file(void **state)
{
	struct model m;
	struct related_lists l;
	struct output_concat_stats st;
	struct error err = { "" };
	char whole[600], joined[600], parts[2][600];
	const char *paths[2] = { parts[0], parts[1] };
	char *a, *b;
	size_t la, lb;

	(void)state;
	make_model(&m);
	make_lists(&l);
	assert_int_equal(output_write_related(testutil_path("concat-whole"), &m, &l,
					      "2026-11-28T10:00:00Z", 2, &err), 0);
	snprintf(whole, sizeof whole, "%s/related.jsonl", testutil_path("concat-whole"));
	snprintf(parts[0], sizeof parts[0], "%s", testutil_path("concat-part-0"));
	snprintf(parts[1], sizeof parts[1], "%s", testutil_path("concat-part-1"));
	write_part(parts[0], &m, &l, 0, 1, "2026-11-27T01:00:00Z");
	write_part(parts[1], &m, &l, 1, N_STORIES, "2026-11-27T02:00:00Z");
	snprintf(joined, sizeof joined, "%s", testutil_path("concat-joined"));
	assert_int_equal(output_concat_related(paths, 2, &m, joined, "2026-11-28T10:00:00Z",
					       &st, &err), 0);
	assert_int_equal(st.lines, N_STORIES);
	assert_int_equal(st.empty_lists, 0);
	a = slurp(whole, &la);
	b = slurp(joined, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	related_lists_free(&l);
	model_free(&m);
}

/* Parts out of order, given twice, cut short or missing are refused with
 * a message naming the part, and nothing is written. */
static void test_concat_refuses_parts_that_do_not_fit(void **state)
{
	struct model m;
	struct related_lists l;
	struct output_concat_stats st;
	struct error err = { "" };
	char out[600], p0[600], p1[600], cut[600];
	const char *swapped[2] = { p1, p0 }, *twice[2] = { p0, p0 }, *first[1] = { p0 };
	const char *cut_part[1] = { cut };
	FILE *f;

	(void)state;
	make_model(&m);
	make_lists(&l);
	snprintf(p0, sizeof p0, "%s", testutil_path("fit-0"));
	snprintf(p1, sizeof p1, "%s", testutil_path("fit-1"));
	snprintf(cut, sizeof cut, "%s", testutil_path("fit-cut"));
	snprintf(out, sizeof out, "%s", testutil_path("fit-out"));
	write_part(p0, &m, &l, 0, 1, "t");
	write_part(p1, &m, &l, 1, N_STORIES, "t");
	assert_int_equal(output_concat_related(swapped, 2, NULL, out, NULL, &st, &err), -1);
	assert_non_null(strstr(err.message, p0));
	assert_non_null(strstr(err.message, "comes before"));
	assert_int_equal(output_concat_related(twice, 2, NULL, out, NULL, &st, &err), -1);
	assert_non_null(strstr(err.message, "repeats"));
	/* without the model a lone first part is a whole file; with it, not */
	assert_int_equal(output_concat_related(first, 1, &m, out, NULL, &st, &err), -1);
	assert_non_null(strstr(err.message, "missing"));
	assert_int_equal(access(out, F_OK), -1);
	f = fopen(cut, "w");
	assert_non_null(f);
	fputs("{\"schema_version\":1", f);
	fclose(f);
	assert_int_equal(output_concat_related(cut_part, 1, NULL, out, NULL, &st, &err), -1);
	assert_non_null(strstr(err.message, cut));
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(output_concat_related(first, 1, NULL, out, NULL, &st, &err), 0);
	assert_int_equal(st.lines, 1);
	related_lists_free(&l);
	model_free(&m);
}

static void test_write_report_is_valid_json(void **state)
{
	struct skip_list skipped = { 0 };
	struct report r;
	struct error err = { "" };
	char outdir[512], file[600];
	json_t *v, *counts, *sk, *times;
	char *text;
	size_t len;
	double t0 = output_now() - 1.0;

	(void)state;
	assert_int_equal(skip_list_add(&skipped, "corpus/bad.html", "not valid \"HTML\""), 0);
	assert_int_equal(skip_list_add(&skipped, "list.jsonl:7", "not a JSON object"), 0);
	memset(&r, 0, sizeof r);
	r.generated_at = "2026-11-28T10:00:00Z";
	r.command = "run";
	r.inputs = 12;
	r.stories = 10;
	r.terms = 345;
	r.empty_lists = 2;
	r.duplicates = 3;
	r.fallback_lists = 5;
	r.ranking_known = 1;
	r.from_twin = 7;
	r.twin_unproved = 2;
	r.top = 10;
	r.jobs = 4;
	r.skipped = &skipped;
	double rank_began = output_now(); /* before "read" ends: rank's start */
	report_stage(&r, "read", &t0);
	{
		/* 96 MB mapped, touched and unmapped within "rank" (mmap, not
		 * malloc: under ASan freed memory stays in its quarantine): the
		 * peak holds them, the resident size after does not */
		size_t big = (size_t)96 << 20;
		char *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_true(p != MAP_FAILED);
		memset(p, 1, big);
		assert_int_equal(p[big - 1], 1);
		assert_int_equal(munmap(p, big), 0);
	}
	{
		/* a tenth of a second of CPU within "rank" */
		struct timespec t, u;
		volatile double sink = 0;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
		do {
			for (int i = 0; i < 100000; i++)
				sink = sink + i;
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &u);
		} while ((double)(u.tv_sec - t.tv_sec) + (double)(u.tv_nsec - t.tv_nsec) / 1e9 < 0.1);
	}
	report_stage(&r, "rank", &t0);
	double rank_ended = output_now();
	report_stage(&r, "write", &t0);
	assert_int_equal(r.n_stages, 3);
	assert_true(r.stages[0].seconds >= 1.0);
	/* the stage's own wall time, not the run's so far: at least its tenth
	 * of a second of CPU, at most the time between its two reports */
	assert_true(r.stages[1].seconds >= 0.099);
	assert_true(r.stages[1].seconds <= rank_ended - rank_began + 1e-6);
	assert_true(r.stages[1].peak_mb >= 96.0);
	assert_true(r.stages[1].peak_mb - r.stages[0].peak_mb >= 64.0); /* "rank" made it */
	assert_true(r.stages[2].peak_mb >= r.stages[1].peak_mb);        /* never reset */
	assert_true(r.stages[1].resident_mb >= 0.0 &&
		    r.stages[1].resident_mb < r.stages[1].peak_mb - 64.0); /* unmapped */
	/* CPU per stage: the loop's in "rank", not in the others (the first
	 * counts from the process's start) */
	assert_true(r.stages[1].cpu_seconds >= 0.1);
	assert_true(r.stages[2].cpu_seconds >= 0.0 && r.stages[2].cpu_seconds < 0.05);

	snprintf(outdir, sizeof outdir, "%s", testutil_path("report"));
	snprintf(file, sizeof file, "%s/report.json", outdir);
	assert_int_equal(output_write_report(outdir, &r, &err), 0);
	assert_int_equal(count_temporaries(outdir), 0);
	text = slurp(file, &len);
	v = parse(text, len);
	assert_int_equal(json_integer_value(json_object_get(v, "schema_version")), 1);
	assert_str_or_null(v, "generated_at", "2026-11-28T10:00:00Z");
	assert_str_or_null(v, "command", "run");
	counts = json_object_get(v, "counts");
	assert_true(json_is_object(counts));
	assert_int_equal(json_integer_value(json_object_get(counts, "inputs")), 12);
	assert_int_equal(json_integer_value(json_object_get(counts, "stories")), 10);
	assert_int_equal(json_integer_value(json_object_get(counts, "skipped")), 2);
	assert_int_equal(json_integer_value(json_object_get(counts, "terms")), 345);
	assert_int_equal(json_integer_value(json_object_get(counts, "empty_lists")), 2);
	assert_int_equal(json_integer_value(json_object_get(counts, "near_duplicates_dropped")), 3);
	assert_int_equal(json_integer_value(json_object_get(counts, "fallback_lists")), 5);
	counts = json_object_get(v, "ranking");
	assert_int_equal(json_integer_value(json_object_get(counts, "ranked_from_twin_pool")), 7);
	assert_int_equal(json_integer_value(json_object_get(counts, "twin_pool_not_proved")), 2);
	times = json_object_get(v, "timings_seconds");
	assert_true(json_is_object(times));
	assert_true(json_number_value(json_object_get(times, "read")) >= 1.0);
	assert_non_null(json_object_get(times, "rank"));
	times = json_object_get(v, "peak_memory_mb");
	assert_true(json_is_object(times));
	assert_int_equal(json_object_size(times), 3);
	assert_true(json_number_value(json_object_get(times, "rank")) >= 96.0);
	assert_int_equal(json_object_size(json_object_get(v, "resident_memory_mb")), 3);
	times = json_object_get(v, "cpu_seconds");
	assert_int_equal(json_object_size(times), 4); /* the stages and "total" */
	assert_float_equal(json_number_value(json_object_get(times, "rank")),
			   r.stages[1].cpu_seconds, 0.001);
	assert_true(json_number_value(json_object_get(times, "total")) >= 0.1);
	sk = json_object_get(v, "skipped");
	assert_true(json_is_array(sk));
	assert_int_equal(json_array_size(sk), 2);
	assert_str_or_null(json_array_get(sk, 0), "input", "corpus/bad.html");
	assert_str_or_null(json_array_get(sk, 0), "reason", "not valid \"HTML\"");
	assert_str_or_null(json_array_get(sk, 1), "input", "list.jsonl:7");
	json_decref(v);
	free(text);

	/* nothing skipped, no stages, ranking not counted: still valid */
	r.skipped = NULL;
	r.n_stages = 0;
	r.ranking_known = 0;
	assert_int_equal(output_write_report(outdir, &r, &err), 0);
	text = slurp(file, &len);
	v = parse(text, len);
	assert_int_equal(json_array_size(json_object_get(v, "skipped")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "counts"),
							    "skipped")), 0);
	assert_null(json_object_get(v, "ranking"));
	json_decref(v);
	free(text);
	assert_int_equal(count_temporaries(outdir), 0);
	skip_list_free(&skipped);
}

static void test_article_line_has_every_field(void **state)
{
	static const char *const keys[] = { "id", "path", "url", "title", "published",
					    "modified", "author", "section", "lang",
					    "image", "charset", "text", "standfirst",
					    "byline", "dateline", "captions", "sitename",
					    "tags", "warnings", NULL };
	static const char *const lists[] = { "captions", "tags", "warnings", NULL };
	struct article a = { 0 };
	struct buf b = BUF_INIT;
	json_t *v;

	(void)state;
	a.id = (char *)(uintptr_t)"2017/04/a";
	a.path = (char *)(uintptr_t)"corpus/2017/04/a.html";
	a.title = (char *)(uintptr_t)"Title with \"quotes\"";
	a.lang = (char *)(uintptr_t)"en";
	a.charset = (char *)(uintptr_t)"windows-1251";
	a.text = (char *)(uintptr_t)"First paragraph.\n\nSecond \\ paragraph\x01.";
	a.byline = (char *)(uintptr_t)"By Ann Lee";
	a.captions = (char *)(uintptr_t)"The harbour at dawn.\nPhoto: \"Bo\"";
	a.warnings = (char *)(uintptr_t)"not-html";
	assert_int_equal(output_article_line(&b, &a), 0);
	assert_int_equal(b.data[b.len - 1], '\n');
	assert_null(memchr(b.data, '\n', b.len - 1));
	v = parse(b.data, b.len - 1);
	assert_keys(v, keys);
	assert_str_or_null(v, "id", a.id);
	assert_str_or_null(v, "path", a.path);
	assert_str_or_null(v, "url", NULL);
	assert_str_or_null(v, "title", a.title);
	assert_str_or_null(v, "published", NULL);
	assert_str_or_null(v, "modified", NULL);
	assert_str_or_null(v, "author", NULL);
	assert_str_or_null(v, "section", NULL);
	assert_str_or_null(v, "lang", "en");
	assert_str_or_null(v, "image", NULL);
	assert_str_or_null(v, "charset", "windows-1251");
	assert_str_or_null(v, "text", a.text);
	assert_str_or_null(v, "byline", a.byline);
	assert_str_or_null(v, "standfirst", NULL);
	/* list fields are arrays, one item per line of the field */
	assert_int_equal(json_array_size(json_object_get(v, "captions")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "captions"), 1)),
			    "Photo: \"Bo\"");
	assert_int_equal(json_array_size(json_object_get(v, "warnings")), 1);
	assert_int_equal(json_array_size(json_object_get(v, "tags")), 0);
	json_decref(v);

	/* an empty article: every field null, every list empty */
	memset(&a, 0, sizeof a);
	buf_reset(&b);
	assert_int_equal(output_article_line(&b, &a), 0);
	v = parse(b.data, b.len - 1);
	assert_keys(v, keys);
	for (size_t i = 0; keys[i]; i++) {
		json_t *f = json_object_get(v, keys[i]);
		assert_true(json_is_null(f) || (json_is_array(f) && !json_array_size(f)));
	}
	for (size_t i = 0; lists[i]; i++)
		assert_true(json_is_array(json_object_get(v, lists[i])));
	json_decref(v);
	buf_release(&b);
}

static void test_timestamp_is_rfc3339_utc(void **state)
{
	char ts[32];

	(void)state;
	memset(ts, 'x', sizeof ts);
	output_timestamp(ts, sizeof ts);
	assert_int_equal(strlen(ts), 20);
	for (int i = 0; i < 20; i++) {
		switch (i) {
		case 4: case 7: assert_int_equal(ts[i], '-'); break;
		case 10: assert_int_equal(ts[i], 'T'); break;
		case 13: case 16: assert_int_equal(ts[i], ':'); break;
		case 19: assert_int_equal(ts[i], 'Z'); break;
		default: assert_true(isdigit((unsigned char)ts[i]));
		}
	}
	assert_true(strncmp(ts, "2020", 4) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_related_line_is_valid_json_with_schema_fields),
		cmocka_unit_test(test_related_line_appends_to_buffer),
		cmocka_unit_test(test_scores_have_four_decimals),
		cmocka_unit_test(test_score_digits_are_printf_s),
		cmocka_unit_test(test_write_related_writes_one_line_per_story),
		cmocka_unit_test(test_write_related_on_threads_keeps_story_order),
		cmocka_unit_test(test_write_related_fails_when_folder_cannot_be_made),
		cmocka_unit_test(test_concat_joins_parts_into_the_whole_file),
		cmocka_unit_test(test_concat_refuses_parts_that_do_not_fit),
		cmocka_unit_test(test_write_report_is_valid_json),
		cmocka_unit_test(test_article_line_has_every_field),
		cmocka_unit_test(test_timestamp_is_rfc3339_utc),
	};

	return cmocka_run_group_tests(tests, testutil_make_dir, testutil_remove_dir);
}
