/*
 * Tests for review: the page names every story in its data and marks each
 * rendered story with data-story-id; hostile titles, ids and URLs cannot
 * break out of the data script; the data parses back with jansson and
 * carries ranks, scores, origins, near-duplicates and the shared terms
 * (largest contribution w_a(t) * w_b(t) first, from the model's rows);
 * stories unknown to the model come without shared terms; items near the
 * cutoff are marked; dates and thumbnails are carried; the current
 * overrides file is carried for the download; with the stories' texts the
 * shared terms are words, not stems. The in-browser behaviour is checked by
 * tests/review_browser.py.
 */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze.h"
#include "article.h"
#include "buf.h"
#include "model.h"
#include "review.h"

#define DATA_OPEN "<script type=\"application/json\" id=\"data\">"

/* A model of four stories; a, b and c share "apple" and "banana", d only
 * "cherry" with c. Terms of one story are dropped (min_df 2). */
static void build_model(struct model *m)
{
	static const struct {
		const char *id, *title, *url;
		const char *terms[4];
	} stories[] = {
		{ "a", "Apple news", "https://example.com/a", { "apple", "banana", "kiwi", NULL } },
		{ "b", "Banana news", "https://example.com/b", { "apple", "banana", "banana", NULL } },
		{ "c", "Cherry news", "https://example.com/c", { "apple", "cherry", NULL } },
		{ "d", "Durian news", "https://example.com/d", { "cherry", "durian", NULL } },
	};
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct error err = { "" };
	struct bag bag;

	assert_non_null(b);
	model_params_default(&p);
	bag_init(&bag);
	for (size_t i = 0; i < sizeof stories / sizeof stories[0]; i++) {
		struct article a = { 0 };

		a.id = (char *)(uintptr_t)stories[i].id;
		a.title = (char *)(uintptr_t)stories[i].title;
		a.url = (char *)(uintptr_t)stories[i].url;
		bag_free(&bag);
		bag_init(&bag);
		for (size_t t = 0; stories[i].terms[t]; t++) {
			const char *term = stories[i].terms[t];
			size_t k;

			for (k = 0; k < bag.n; k++)
				if (!strcmp(bag.terms.data + bag.offsets[k], term))
					break;
			if (k < bag.n) {
				bag.counts[k] += 1.0f;
				continue;
			}
			bag.offsets = realloc(bag.offsets, (bag.n + 1) * sizeof *bag.offsets);
			bag.counts = realloc(bag.counts, (bag.n + 1) * sizeof *bag.counts);
			assert_non_null(bag.offsets);
			assert_non_null(bag.counts);
			bag.offsets[bag.n] = bag.terms.len;
			assert_int_equal(buf_add(&bag.terms, term, strlen(term) + 1), 0);
			bag.counts[bag.n++] = 1.0f;
		}
		bag.cap = bag.n;
		assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
	}
	bag_free(&bag);
	assert_int_equal(model_builder_finish(b, &p, m, &err), 0);
}

static json_t *parse_lines(const char *text)
{
	json_t *lines = json_array();
	const char *p = text;

	assert_non_null(lines);
	while (*p) {
		size_t n = strcspn(p, "\n");
		json_error_t jerr;
		json_t *obj = json_loadb(p, n, 0, &jerr);

		if (!obj)
			fail_msg("bad test line: %s", jerr.text);
		assert_int_equal(json_array_append_new(lines, obj), 0);
		p += n + (p[n] == '\n');
	}
	return lines;
}

/* Builds the page of `text` (JSON Lines) with model m (may be NULL) and
 * options o (defaults when NULL). */
static char *page_with(const struct model *m, const char *text, const struct review_options *o)
{
	struct review_options def;
	struct buf out = BUF_INIT;
	struct error err = { "" };
	json_t *lines = parse_lines(text);

	review_options_default(&def);
	assert_int_equal(review_build(m, lines, o ? o : &def, &out, &err), 0);
	json_decref(lines);
	return buf_detach(&out, NULL);
}

static char *page_of(const struct model *m, const char *text)
{
	return page_with(m, text, NULL);
}

/* The data blob of a page, parsed. "<\/" is un-escaped first, although the
 * page writes every '<' as \u003c, so that either spelling parses. */
static json_t *data_of(const char *page)
{
	const char *start = strstr(page, DATA_OPEN), *end;
	struct buf text = BUF_INIT;
	json_error_t jerr;
	json_t *data;

	assert_non_null(start);
	start += strlen(DATA_OPEN);
	end = strstr(start, "</script>");
	assert_non_null(end);
	for (const char *p = start; p < end; p++) {
		if (p[0] == '<' && p[1] == '\\' && p[2] == '/') {
			assert_int_equal(buf_adds(&text, "</"), 0);
			p += 2;
		} else {
			assert_int_equal(buf_addc(&text, *p), 0);
		}
	}
	data = json_loadb(text.data, text.len, 0, &jerr);
	if (!data)
		fail_msg("data blob does not parse: %s (line %d)", jerr.text, jerr.line);
	buf_release(&text);
	return data;
}

static const char *story_field(const json_t *data, json_int_t index, size_t field)
{
	json_t *s = json_array_get(json_object_get(data, "stories"), (size_t)index);

	assert_non_null(s);
	return json_string_value(json_array_get(s, field));
}

/* The list of the story with id `id`, or NULL. */
static json_t *list_of(const json_t *data, const char *id)
{
	json_t *l;
	size_t i;

	json_array_foreach(json_object_get(data, "lists"), i, l) {
		const char *sid = story_field(data, json_integer_value(json_array_get(l, 0)), 0);

		if (sid && !strcmp(sid, id))
			return l;
	}
	return NULL;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static const char three_lines[] =
	"{\"source\":{\"id\":\"a\",\"title\":\"Apple news\",\"url\":\"https://example.com/a\"},"
	"\"items\":[{\"rank\":1,\"id\":\"b\",\"title\":\"Banana news\",\"url\":\"https://example.com/b\","
	"\"score\":0.51234,\"origin\":\"similar\"},{\"rank\":2,\"id\":\"c\",\"title\":\"Cherry news\","
	"\"score\":0.2,\"origin\":\"pinned\"}]}\n"
	"{\"source\":{\"id\":\"b\",\"title\":\"Banana news\"},\"items\":[]}\n"
	"{\"source\":{\"id\":\"d\"},\"items\":[{\"rank\":1,\"id\":\"c\",\"score\":0.3}],"
	"\"duplicates\":[\"c\",{\"id\":\"zz-unknown\",\"title\":\"Elsewhere\"}]}";

static void test_review_names_every_story_and_marks_it(void **state)
{
	struct model m;
	char *page;
	json_t *data;

	(void)state;
	build_model(&m);
	page = page_of(&m, three_lines);
	data = data_of(page);
	assert_int_equal(json_array_size(json_object_get(data, "lists")), 3);
	assert_non_null(list_of(data, "a"));
	assert_non_null(list_of(data, "b"));
	assert_non_null(list_of(data, "d"));
	/* stories are rendered by the page's script, which marks each one */
	assert_non_null(strstr(page, "setAttribute('data-story-id', s[0])"));
	assert_non_null(strstr(page, "<input id=\"search\""));
	assert_non_null(strstr(page, "id=\"status\""));
	/* self-contained: nothing is fetched */
	assert_null(strstr(page, "<link"));
	assert_null(strstr(page, " src="));
	assert_null(strstr(page, "SELFTEST"));
	json_decref(data);
	free(page);
	model_free(&m);
}

static void test_review_escapes_hostile_titles_ids_and_urls(void **state)
{
	static const char hostile[] =
		"{\"source\":{\"id\":\"x</script><script>window.reviewInjected=1</script>\","
		"\"title\":\"</script><img src=x onerror=alert(1)><!--<script>\","
		"\"url\":\"javascript:alert(1)\"},"
		"\"items\":[{\"rank\":1,\"id\":\"a\\\"'&<b>\",\"title\":\"<!-- </SCRIPT > &amp; \\u2028\","
		"\"score\":0.5,\"origin\":\"similar\"}]}";
	char *page = page_of(NULL, hostile);
	json_t *data = data_of(page);
	json_t *list;

	(void)state;
	/* the data cannot close its script element or open a comment in it */
	assert_int_equal(count(page, "<script"), 2);
	assert_int_equal(count(page, "</script>"), 2);
	assert_null(strstr(page, "<!--"));
	assert_null(strstr(page, "<img"));
	assert_null(strstr(page, "</SCRIPT"));
	assert_null(strstr(page, "<b>"));
	/* and it still says exactly what the input said */
	list = list_of(data, "x</script><script>window.reviewInjected=1</script>");
	assert_non_null(list);
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 1),
			    "</script><img src=x onerror=alert(1)><!--<script>");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 2),
			    "javascript:alert(1)");
	list = json_array_get(json_array_get(list, 1), 0);
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 0),
			    "a\"'&<b>");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 1),
			    "<!-- </SCRIPT > &amp; \xe2\x80\xa8");
	/* the script links only web URLs and never writes markup */
	assert_non_null(strstr(page, "function webUrl(u)"));
	assert_null(strstr(page, "innerHTML"));
	json_decref(data);
	free(page);
}

static void test_review_data_carries_items_duplicates_and_shared_terms(void **state)
{
	struct model m;
	char *page;
	json_t *data, *list, *item, *terms;
	double sum = 0, prev = INFINITY;
	size_t i;

	(void)state;
	build_model(&m);
	page = page_of(&m, three_lines);
	data = data_of(page);
	assert_int_equal(json_integer_value(json_object_get(data, "page_size")), 50);

	list = list_of(data, "a");
	item = json_array_get(json_array_get(list, 1), 0);
	assert_string_equal(story_field(data, json_integer_value(json_array_get(item, 0)), 0), "b");
	assert_int_equal(json_integer_value(json_array_get(item, 1)), 1);
	assert_float_equal(json_real_value(json_array_get(item, 2)), 0.5123, 1e-9);
	assert_string_equal(json_string_value(json_array_get(item, 3)), "similar");
	/* a and b share apple and banana (kiwi is in one story only): both
	 * listed, largest first, and together they make the TF-IDF cosine */
	terms = json_array_get(item, 4);
	assert_int_equal(json_array_size(terms), 4);
	for (i = 0; i < 4; i += 2) {
		json_int_t t = json_integer_value(json_array_get(terms, i));
		const char *name = json_string_value(json_array_get(json_object_get(data, "terms"), (size_t)t));
		double c = json_number_value(json_array_get(terms, i + 1));

		assert_non_null(name);
		assert_true(!strcmp(name, "apple") || !strcmp(name, "banana"));
		assert_true(c > 0 && c <= prev);
		prev = c;
		sum += c;
	}
	{
		double cos = 0;

		for (uint64_t p = m.row[0]; p < m.row[1]; p++)
			for (uint64_t q = m.row[1]; q < m.row[2]; q++)
				if (model_term_at(&m, 0, p) == model_term_at(&m, 1, q))
					cos += (double)m.val[p] * m.val[q];
		assert_float_equal(sum, cos, 1e-3);
	}
	item = json_array_get(json_array_get(list, 1), 1);
	assert_string_equal(json_string_value(json_array_get(item, 3)), "pinned");
	assert_int_equal(json_array_size(json_array_get(item, 4)), 2); /* apple only */

	/* b: no suggestions, no duplicates */
	list = list_of(data, "b");
	assert_int_equal(json_array_size(json_array_get(list, 1)), 0);
	assert_int_equal(json_array_size(json_array_get(list, 2)), 0);

	/* d: title and url missing from the line come from the model; its
	 * near-duplicates are listed, a story unknown to the model too */
	list = list_of(data, "d");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 1), "Durian news");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 2), "https://example.com/d");
	item = json_array_get(json_array_get(list, 1), 0);
	assert_int_equal(json_array_size(json_array_get(item, 4)), 2); /* cherry */
	assert_int_equal(json_array_size(json_array_get(list, 2)), 2);
	assert_string_equal(story_field(data, json_integer_value(json_array_get(json_array_get(list, 2), 0)), 0), "c");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(json_array_get(list, 2), 1)), 0), "zz-unknown");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(json_array_get(list, 2), 1)), 1), "Elsewhere");
	json_decref(data);
	free(page);
	model_free(&m);
}

static void test_review_unknown_stories_have_no_shared_terms(void **state)
{
	static const char lines[] =
		"{\"source\":{\"id\":\"new-story\",\"title\":\"Not in the model\"},"
		"\"items\":[{\"rank\":1,\"id\":\"a\",\"score\":0.4},{\"rank\":2,\"id\":\"gone\",\"score\":0.3}]}\n"
		"{\"source\":{\"id\":\"a\"},\"items\":[{\"rank\":1,\"id\":\"gone\",\"score\":0.3}]}\n"
		"{\"items\":[{\"id\":\"a\"}]}\n"
		"[1,2]";
	struct model m;
	char *page;
	json_t *data, *list, *items;
	size_t i;

	(void)state;
	build_model(&m);
	page = page_of(&m, lines);
	data = data_of(page);
	/* records without a source id are skipped */
	assert_int_equal(json_array_size(json_object_get(data, "lists")), 2);
	list = list_of(data, "new-story");
	assert_non_null(list);
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 1), "Not in the model");
	items = json_array_get(list, 1);
	assert_int_equal(json_array_size(items), 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(json_array_size(json_array_get(json_array_get(items, i), 4)), 0);
	items = json_array_get(list_of(data, "a"), 1);
	assert_int_equal(json_array_size(json_array_get(json_array_get(items, 0), 4)), 0);
	assert_int_equal(json_array_size(json_object_get(data, "terms")), 0);
	json_decref(data);
	free(page);
	model_free(&m);
}

static void test_review_self_test_only_when_asked(void **state)
{
	struct review_options o;
	struct buf out = BUF_INIT;
	struct error err = { "" };
	json_t *lines = parse_lines(three_lines);
	json_t *data;

	(void)state;
	review_options_default(&o);
	o.self_test = 1;
	o.page_size = 2;
	assert_int_equal(review_build(NULL, lines, &o, &out, &err), 0);
	assert_non_null(strstr(out.data, "SELFTEST PASS"));
	assert_non_null(strstr(out.data, "window.reviewErrors"));
	/* the error capture runs before the page's own script */
	assert_true(strstr(out.data, "window.reviewErrors = []") < strstr(out.data, DATA_OPEN));
	data = data_of(out.data);
	assert_int_equal(json_integer_value(json_object_get(data, "page_size")), 2);
	json_decref(data);
	json_decref(lines);
	buf_release(&out);
}

/* The marks of the items of the story `id`'s list, in order, into marks[]. */
static size_t marks_of(const json_t *data, const char *id, int *marks, size_t max)
{
	const json_t *items = json_array_get(list_of(data, id), 1), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		assert_true(i < max);
		marks[i] = (int)json_integer_value(json_array_get(it, 5));
	}
	return json_array_size(items);
}

static void test_review_marks_items_near_the_cutoff(void **state)
{
	static const char lines[] =
		"{\"source\":{\"id\":\"a\"},\"items\":["
		"{\"rank\":1,\"id\":\"b\",\"score\":0.9,\"origin\":\"similar\"},"
		"{\"rank\":2,\"id\":\"c\",\"score\":0.60004,\"origin\":\"similar\"},"
		"{\"rank\":3,\"id\":\"d\",\"score\":0.55,\"origin\":\"similar\"},"
		"{\"rank\":4,\"id\":\"e\",\"score\":0.45,\"origin\":\"pinned\"},"
		"{\"rank\":5,\"id\":\"f\",\"score\":0.2,\"origin\":\"pinned\"},"
		"{\"rank\":6,\"id\":\"g\",\"score\":0,\"origin\":\"fallback\"},"
		"{\"rank\":7,\"id\":\"h\"}]}";
	static const int want[] = { 0, REVIEW_NEAR, REVIEW_NEAR, REVIEW_NEAR, REVIEW_BELOW, 0, 0 };
	struct review_options o;
	int marks[8];
	char *page;
	json_t *data;

	(void)state;
	review_options_default(&o);
	assert_float_equal(o.near, 0.1, 1e-12);
	o.cutoff = 0.5;
	o.cutoff_from = "--cutoff";
	page = page_with(NULL, lines, &o);
	data = data_of(page);
	assert_float_equal(json_number_value(json_object_get(data, "cutoff")), 0.5, 1e-9);
	assert_string_equal(json_string_value(json_object_get(data, "cutoff_from")), "--cutoff");
	/* 0.60004 shows as 0.6000: within 0.1 of 0.5 as the page shows it */
	assert_int_equal(marks_of(data, "a", marks, 8), 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(marks[i], want[i]);
	json_decref(data);
	free(page);

	/* a narrower band; and no cutoff: nothing marked */
	o.near = 0.02;
	page = page_with(NULL, lines, &o);
	data = data_of(page);
	marks_of(data, "a", marks, 8);
	assert_int_equal(marks[1], 0);
	assert_int_equal(marks[3], REVIEW_BELOW);
	json_decref(data);
	free(page);
	page = page_of(NULL, lines);
	data = data_of(page);
	assert_true(json_is_null(json_object_get(data, "cutoff")));
	marks_of(data, "a", marks, 8);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(marks[i], 0);
	json_decref(data);
	free(page);
}

static void test_review_cutoff_from_the_run_report(void **state)
{
	json_error_t jerr;
	json_t *with = json_loads("{\"options\":{\"top\":10,\"cutoff\":0.5}}", 0, &jerr);
	json_t *off = json_loads("{\"options\":{\"top\":10,\"cutoff\":null}}", 0, &jerr);
	json_t *old = json_loads("{\"options\":{\"top\":10,\"jobs\":2}}", 0, &jerr);
	double c = -1;

	(void)state;
	assert_int_equal(review_report_cutoff(with, &c), 1);
	assert_float_equal(c, 0.5, 1e-12);
	assert_int_equal(review_report_cutoff(off, &c), 1);
	assert_float_equal(c, 0, 0);
	c = -1;
	assert_int_equal(review_report_cutoff(old, &c), 0);
	assert_float_equal(c, -1, 0);
	assert_int_equal(review_report_cutoff(NULL, &c), 0);
	json_decref(with);
	json_decref(off);
	json_decref(old);
}

static void test_review_carries_dates_thumbnails_and_current_overrides(void **state)
{
	static const char lines[] =
		"{\"source\":{\"id\":\"a\",\"published\":\"2017-04-11T14:00:00Z\","
		"\"image\":\"https://img.example.com/a.jpg\"},"
		"\"items\":[{\"rank\":1,\"id\":\"b\",\"score\":0.5},{\"rank\":2,\"id\":\"c\",\"score\":0.4,"
		"\"published\":\"2017-04-12\",\"image\":\"javascript:alert(1)\"}]}";
	struct model_builder *b = model_builder_new();
	struct model_params p;
	struct error err = { "" };
	struct review_options o;
	struct model m;
	struct bag bag;
	json_t *data, *current, *list;
	char *page;

	(void)state;
	/* a model that knows b's date, not c's */
	assert_non_null(b);
	model_params_default(&p);
	bag_init(&bag);
	{
		static const char *const ids[] = { "a", "b", "c" };
		static const char *const dates[] = { NULL, "2017-04-10T08:00:00Z", NULL };

		for (size_t i = 0; i < 3; i++) {
			struct article a = { 0 };

			a.id = (char *)(uintptr_t)ids[i];
			a.published = (char *)(uintptr_t)dates[i];
			assert_int_equal(model_builder_add(b, &a, &bag, &err), 0);
		}
	}
	assert_int_equal(model_builder_finish(b, &p, &m, &err), 0);
	current = parse_lines("{\"block\":\"x\"}\n{\"story\":\"a\",\"pin\":\"c\",\"position\":2,\"note\":\"</script>\"}");
	review_options_default(&o);
	o.overrides = current;
	page = page_with(&m, lines, &o);
	data = data_of(page);
	list = list_of(data, "a");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 3),
			    "2017-04-11T14:00:00Z");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(list, 0)), 4),
			    "https://img.example.com/a.jpg");
	list = json_array_get(list, 1);
	/* b: the date from the model, no image known */
	assert_string_equal(story_field(data, json_integer_value(json_array_get(json_array_get(list, 0), 0)), 3),
			    "2017-04-10T08:00:00Z");
	assert_null(story_field(data, json_integer_value(json_array_get(json_array_get(list, 0), 0)), 4));
	/* c: the line's date; the image is carried as it is (the page loads
	 * only http(s) ones) */
	assert_string_equal(story_field(data, json_integer_value(json_array_get(json_array_get(list, 1), 0)), 3),
			    "2017-04-12");
	assert_string_equal(story_field(data, json_integer_value(json_array_get(json_array_get(list, 1), 0)), 4),
			    "javascript:alert(1)");
	/* the current overrides, line for line and escaped */
	assert_true(json_equal(json_object_get(data, "overrides"), current));
	assert_null(strstr(page, "</script>\"}"));
	json_decref(data);
	free(page);

	/* without a current file the list is empty */
	page = page_of(&m, lines);
	data = data_of(page);
	assert_int_equal(json_array_size(json_object_get(data, "overrides")), 0);
	json_decref(data);
	free(page);
	json_decref(current);
	bag_free(&bag);
	model_free(&m);
}

/* A model analysed from real text (English, stemmed), and the words. */
static void build_text_model(struct model *m, struct review_words **words)
{
	static const struct {
		const char *id, *title, *text;
	} stories[] = {
		{ "p1", "Presidents meet", "The president met the presidents of the secretaries." },
		{ "p2", "President speaks", "Presidential aides and the president; the secretary spoke." },
		{ "p3", "Weather", "Rain and presidents." },
	};
	struct model_builder *b = model_builder_new();
	struct analyze_options ao;
	struct model_params p;
	struct error err = { "" };
	struct analyzer *an;
	struct bag bag;
	struct article a[3];

	assert_non_null(b);
	analyze_options_default(&ao);
	model_params_default(&p);
	model_params_set_analysis(&p, &ao);
	an = analyzer_new(&ao);
	assert_non_null(an);
	bag_init(&bag);
	for (size_t i = 0; i < 3; i++) {
		memset(&a[i], 0, sizeof a[i]);
		a[i].id = (char *)(uintptr_t)stories[i].id;
		a[i].title = (char *)(uintptr_t)stories[i].title;
		a[i].text = (char *)(uintptr_t)stories[i].text;
		a[i].lang = (char *)(uintptr_t)"en";
		assert_int_equal(analyze_article(an, &a[i], &bag), 0);
		assert_int_equal(model_builder_add(b, &a[i], &bag, &err), 0);
	}
	bag_free(&bag);
	analyzer_free(an);
	assert_int_equal(model_builder_finish(b, &p, m, &err), 0);
	*words = review_words_new(m);
	assert_non_null(*words);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(review_words_add(*words, &a[i], &err), 0);
}

static int64_t term_id(const struct model *m, const char *term)
{
	for (uint32_t t = 0; t < m->n_terms; t++)
		if (!strcmp(model_term(m, t), term))
			return t;
	fail_msg("no term %s", term);
	return -1;
}

static void test_review_shows_the_words_of_the_two_stories(void **state)
{
	static const char lines[] =
		"{\"source\":{\"id\":\"p1\"},\"items\":[{\"rank\":1,\"id\":\"p2\",\"score\":0.5}]}";
	struct review_words *words;
	struct review_options o;
	struct model m;
	json_t *data, *terms;
	char *page;
	int64_t presid, secretari;
	size_t i;

	(void)state;
	build_text_model(&m, &words);
	presid = term_id(&m, "presid");
	secretari = term_id(&m, "secretari");
	/* p1 says president once and presidents twice (title and text), p2
	 * president twice: "president" 3, "presidents" 2 in the pair; in p1
	 * alone "presidents" wins; p3 never says "president" */
	assert_string_equal(review_words_pick(words, 0, 1, (uint32_t)presid), "president");
	assert_string_equal(review_words_pick(words, 0, 0, (uint32_t)presid), "presidents");
	assert_string_equal(review_words_pick(words, 2, 2, (uint32_t)presid), "presidents");
	/* a tie (secretaries 1, secretary 1) goes to the bytes that sort first */
	assert_string_equal(review_words_pick(words, 0, 1, (uint32_t)secretari), "secretaries");
	assert_null(review_words_pick(words, 2, 2, (uint32_t)secretari));

	review_options_default(&o);
	o.words = words;
	page = page_with(&m, lines, &o);
	data = data_of(page);
	assert_true(json_is_false(json_object_get(data, "stems")));
	terms = json_object_get(data, "terms");
	assert_true(json_array_size(terms) >= 2);
	for (i = 0; i < json_array_size(terms); i++) {
		const char *t = json_string_value(json_array_get(terms, i));

		assert_string_not_equal(t, "presid");
		assert_string_not_equal(t, "secretari");
	}
	assert_non_null(strstr(page, "\"president\""));
	json_decref(data);
	free(page);

	/* without the texts: the stems, and the page says so */
	page = page_of(&m, lines);
	data = data_of(page);
	assert_true(json_is_true(json_object_get(data, "stems")));
	assert_non_null(strstr(page, "\"presid\""));
	json_decref(data);
	free(page);
	review_words_free(words);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_review_names_every_story_and_marks_it),
		cmocka_unit_test(test_review_escapes_hostile_titles_ids_and_urls),
		cmocka_unit_test(test_review_data_carries_items_duplicates_and_shared_terms),
		cmocka_unit_test(test_review_unknown_stories_have_no_shared_terms),
		cmocka_unit_test(test_review_self_test_only_when_asked),
		cmocka_unit_test(test_review_marks_items_near_the_cutoff),
		cmocka_unit_test(test_review_cutoff_from_the_run_report),
		cmocka_unit_test(test_review_carries_dates_thumbnails_and_current_overrides),
		cmocka_unit_test(test_review_shows_the_words_of_the_two_stories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
