/*
 * Tests for review: the page names every story in its data and marks each
 * rendered story with data-story-id; hostile titles, ids and URLs cannot
 * break out of the data script; the data parses back with jansson and
 * carries ranks, scores, origins, near-duplicates and the shared terms
 * (largest contribution w_a(t) * w_b(t) first, from the model's rows);
 * stories unknown to the model come without shared terms. The in-browser
 * behaviour is checked by tests/review_browser.py.
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

/* Builds the page of `text` (JSON Lines) with model m (may be NULL). */
static char *page_of(const struct model *m, const char *text)
{
	struct review_options o;
	struct buf out = BUF_INIT;
	struct error err = { "" };
	json_t *lines = parse_lines(text);

	review_options_default(&o);
	assert_int_equal(review_build(m, lines, &o, &out, &err), 0);
	json_decref(lines);
	return buf_detach(&out, NULL);
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
				if (m.col[p] == m.col[q])
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_review_names_every_story_and_marks_it),
		cmocka_unit_test(test_review_escapes_hostile_titles_ids_and_urls),
		cmocka_unit_test(test_review_data_carries_items_duplicates_and_shared_terms),
		cmocka_unit_test(test_review_unknown_stories_have_no_shared_terms),
		cmocka_unit_test(test_review_self_test_only_when_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
