/*
 * Tests for input: folder walks, single pages, JSON Lines manifests and
 * article records, bad lines, duplicate ids and the final order. Fixtures
 * are written into a fresh mkdtemp(3) directory removed afterwards; page
 * contents do not matter since input reads nothing but listings and JSON
 * Lines files.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
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

#include <jansson.h>

#include "input.h"
#include "testutil.h"

static void make_folder(const char *name)
{
	assert_int_equal(mkdir(testutil_path(name), 0777), 0);
}

static void write_file(const char *name, const char *content)
{
	FILE *f = fopen(testutil_path(name), "wb");

	assert_non_null(f);
	assert_int_equal(fputs(content, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The item with id `id`, or NULL. */
static const struct input_item *find_id(const struct input_set *set, const char *id)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->items[i].article.id, id))
			return &set->items[i];
	return NULL;
}

/* The item with id `id`; fails the test when there is none. */
static const struct input_item *require_id(const struct input_set *set, const char *id)
{
	const struct input_item *it = find_id(set, id);

	if (!it) {
		fail_msg("no item with id \"%s\"", id);
		abort(); /* not reached: fail_msg leaves the test */
	}
	return it;
}

/* The skipped entry whose input name ends with `suffix`, or NULL. */
static const struct skip *find_skip(const struct input_set *set, const char *suffix)
{
	size_t sl = strlen(suffix);

	for (size_t i = 0; i < set->skipped.n; i++) {
		const char *in = set->skipped.items[i].input;
		size_t n = strlen(in);
		if (n >= sl && !strcmp(in + n - sl, suffix))
			return &set->skipped.items[i];
	}
	return NULL;
}

static void assert_sorted_unique(const struct input_set *set)
{
	for (size_t i = 1; i < set->n; i++)
		assert_true(strcmp(set->items[i - 1].article.id, set->items[i].article.id) < 0);
}

static void test_folder_walk_finds_pages_with_relative_ids(void **state)
{
	struct input_set set;
	struct error err = { "" };
	const struct input_item *it;

	(void)state;
	make_folder("walk");
	make_folder("walk/2017");
	make_folder("walk/2017/04");
	make_folder("walk/other");
	write_file("walk/top.html", "x");
	write_file("walk/2017/04/putin.html", "x");
	write_file("walk/2017/04/old.htm", "x");
	write_file("walk/2017/zipped.html.gz", "x");
	write_file("walk/other/short.htm.gz", "x");
	write_file("walk/other/UPPER.HTML", "x");
	write_file("walk/other/dotted.name.html", "x");

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("walk"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 7);
	assert_int_equal(set.skipped.n, 0);
	assert_sorted_unique(&set);

	it = require_id(&set, "2017/04/putin");
	assert_string_equal(it->path, testutil_path("walk/2017/04/putin.html"));
	assert_string_equal(it->article.path, it->path);
	assert_null(it->article.text);
	assert_null(it->charset);
	assert_non_null(find_id(&set, "top"));
	assert_non_null(find_id(&set, "2017/04/old"));
	it = require_id(&set, "2017/zipped");
	assert_string_equal(it->path, testutil_path("walk/2017/zipped.html.gz"));
	assert_non_null(find_id(&set, "other/short"));
	assert_non_null(find_id(&set, "other/UPPER"));
	assert_non_null(find_id(&set, "other/dotted.name"));
	input_set_free(&set);
}

static void test_folder_walk_ignores_hidden_and_non_page_files(void **state)
{
	struct input_set set;
	struct error err = { "" };

	(void)state;
	make_folder("hidden");
	make_folder("hidden/.git");
	make_folder("hidden/visible");
	write_file("hidden/.git/secret.html", "x");
	write_file("hidden/.draft.html", "x");
	write_file("hidden/visible/page.html", "x");
	write_file("hidden/notes.txt", "x");
	write_file("hidden/picture.png", "x");
	write_file("hidden/data.jsonl", "{\"id\":\"no\",\"text\":\"no\"}\n");
	write_file("hidden/page.html.bak", "x");
	write_file("hidden/archive.gz", "x");
	write_file("hidden/.html", "x");

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("hidden"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.items[0].article.id, "visible/page");
	input_set_free(&set);
}

static void test_folder_walk_does_not_follow_symlink_loop(void **state)
{
	struct input_set set;
	struct error err = { "" };

	(void)state;
	make_folder("loop");
	make_folder("loop/sub");
	write_file("loop/sub/page.html", "x");
	/* sub/up -> .. and sub/self -> . : following either never ends */
	assert_int_equal(symlink("..", testutil_path("loop/sub/up")), 0);
	assert_int_equal(symlink(".", testutil_path("loop/sub/self")), 0);

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("loop"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.items[0].article.id, "sub/page");
	input_set_free(&set);
}

static void test_single_page_id_is_file_name_without_extension(void **state)
{
	struct input_set set;
	struct error err = { "" };

	(void)state;
	make_folder("single");
	write_file("single/story.html.gz", "x");
	write_file("single/other.htm", "x");

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("single/story.html.gz"), &err), 0);
	assert_int_equal(input_add(&set, testutil_path("single/other.htm"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.items[0].article.id, "other");
	assert_string_equal(set.items[1].article.id, "story");
	assert_string_equal(set.items[1].path, testutil_path("single/story.html.gz"));
	input_set_free(&set);
}

static void test_missing_argument_fails_with_its_name(void **state)
{
	struct input_set set;
	struct error err = { "" };

	(void)state;
	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("does-not-exist"), &err), -1);
	assert_non_null(strstr(err.message, "does-not-exist"));
	assert_int_equal(set.n, 0);
	input_set_free(&set);
}

static void test_manifest_paths_resolve_against_manifest_folder(void **state)
{
	struct input_set set;
	struct error err = { "" };
	const struct input_item *it;
	char cwd[1024];

	(void)state;
	make_folder("man");
	make_folder("man/pages");
	write_file("man/list.jsonl",
		   "{\"id\":\"m1\",\"path\":\"pages/one.html\",\"url\":\"https://ex.com/1\","
		   "\"published\":\"2017-04-12T10:00:00Z\",\"section\":\"world\","
		   "\"charset\":\"windows-1251\"}\n"
		   "{\"path\":\"pages/two.htm\"}\n"
		   "{\"id\":\"abs\",\"path\":\"/srv/pages/three.html\"}\n");

	/* run from elsewhere: resolution must not depend on the working folder */
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir("/"), 0);
	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("man/list.jsonl"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(set.skipped.n, 0);
	assert_int_equal(set.n, 3);

	it = require_id(&set, "m1");
	assert_string_equal(it->path, testutil_path("man/pages/one.html"));
	assert_string_equal(it->article.url, "https://ex.com/1");
	assert_string_equal(it->article.published, "2017-04-12T10:00:00Z");
	assert_string_equal(it->article.section, "world");
	assert_string_equal(it->charset, "windows-1251");
	assert_null(it->article.text);
	assert_non_null(strstr(it->name, "list.jsonl:1"));

	/* default id: the path without extension */
	it = require_id(&set, "pages/two");
	assert_string_equal(it->path, testutil_path("man/pages/two.htm"));
	assert_null(it->charset);
	assert_null(it->article.url);

	it = require_id(&set, "abs");
	assert_string_equal(it->path, "/srv/pages/three.html");
	input_set_free(&set);
}

static void test_jsonl_article_records_carry_their_fields(void **state)
{
	struct input_set set;
	struct error err = { "" };
	const struct input_item *it;

	(void)state;
	make_folder("art");
	write_file("art/articles.ndjson",
		   "{\"id\":\"a1\",\"title\":\"Title one\",\"text\":\"Para one.\\n\\nPara two.\","
		   "\"url\":\"https://ex.com/a1\",\"published\":\"2017-01-02T03:04:05Z\","
		   "\"lang\":\"en\",\"section\":\"sport\",\"author\":\"Ann Writer\"}\n"
		   "\r\n"
		   "{\"id\":\"a0\",\"text\":\"Only text.\"}\r\n");

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("art/articles.ndjson"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.skipped.n, 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.items[0].article.id, "a0");
	assert_string_equal(set.items[0].article.text, "Only text.");
	assert_null(set.items[0].article.title);
	assert_null(set.items[0].path);
	assert_non_null(strstr(set.items[0].name, "articles.ndjson:3"));

	it = &set.items[1];
	assert_string_equal(it->article.id, "a1");
	assert_null(it->path);
	assert_string_equal(it->article.title, "Title one");
	assert_string_equal(it->article.text, "Para one.\n\nPara two.");
	assert_string_equal(it->article.url, "https://ex.com/a1");
	assert_string_equal(it->article.published, "2017-01-02T03:04:05Z");
	assert_string_equal(it->article.lang, "en");
	assert_string_equal(it->article.section, "sport");
	assert_string_equal(it->article.author, "Ann Writer");
	input_set_free(&set);
}

/* Dates of records and manifests take the form pages' dates get: RFC 3339
 * kept, an RFC 2822 date or a date alone normalised; what is no date is kept
 * as given. */
static void test_record_dates_are_normalised_like_pages(void **state)
{
	struct input_set set;
	struct error err = { "" };

	(void)state;
	make_folder("dates");
	write_file("dates/a.jsonl",
		   "{\"id\":\"d1\",\"text\":\"x\",\"published\":\"Tue, 11 Apr 2017 18:30:00 GMT\"}\n"
		   "{\"id\":\"d2\",\"text\":\"x\",\"published\":\"2017-04-11\"}\n"
		   "{\"id\":\"d3\",\"text\":\"x\",\"published\":\"2017-04-11T18:30:00+03:00\"}\n"
		   "{\"id\":\"d4\",\"text\":\"x\",\"published\":\"yesterday\"}\n"
		   "{\"id\":\"d5\",\"path\":\"p.html\",\"published\":\"April 11, 2017\"}\n");
	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("dates/a.jsonl"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 5);
	assert_string_equal(require_id(&set, "d1")->article.published, "2017-04-11T18:30:00Z");
	assert_string_equal(require_id(&set, "d2")->article.published, "2017-04-11T00:00:00Z");
	assert_string_equal(require_id(&set, "d3")->article.published, "2017-04-11T18:30:00+03:00");
	assert_string_equal(require_id(&set, "d4")->article.published, "yesterday");
	assert_string_equal(require_id(&set, "d5")->article.published, "2017-04-11T00:00:00Z");
	input_set_free(&set);
}

static void test_deferred_texts_are_read_back_and_a_changed_file_is_an_error(void **state)
{
	struct input_set set;
	struct error err = { "" };
	const struct input_item *a1, *a0, *a2;
	char *text = NULL;
	int fd;

	(void)state;
	make_folder("defer");
	write_file("defer/a.jsonl",
		   "{\"id\":\"a1\",\"title\":\"T\",\"text\":\"Para one.\\n\\nPara two.\"}\n"
		   "{\"id\":\"a0\",\"text\":\"Only text.\"}\r\n"
		   "{\"id\":\"a2\",\"title\":\"Title only\",\"text\":\"\"}\n");
	input_set_init(&set);
	set.defer_text = 1;
	assert_int_equal(input_add(&set, testutil_path("defer/a.jsonl"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 3);
	assert_int_equal(set.n_sources, 1);
	a0 = require_id(&set, "a0");
	a1 = require_id(&set, "a1");
	a2 = require_id(&set, "a2");
	assert_null(a1->article.text);
	assert_string_equal(a1->article.title, "T");
	assert_int_equal(a1->has_text, 1);
	assert_int_equal(a2->has_text, 0);
	assert_int_equal(a0->text_ref.source, 0);

	fd = open(set.sources[0], O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(input_read_text(fd, set.sources[0], &a1->text_ref, "a1", &text, &err), 0);
	assert_string_equal(text, "Para one.\n\nPara two.");
	free(text);
	assert_int_equal(input_read_text(fd, set.sources[0], &a0->text_ref, "a0", &text, &err), 0);
	assert_string_equal(text, "Only text.");
	free(text);
	/* The record at a0's place is no longer a0: an error, not a wrong text. */
	assert_int_equal(input_read_text(fd, set.sources[0], &a1->text_ref, "a0", &text, &err), -1);
	assert_null(text);
	assert_non_null(strstr(err.message, "changed"));
	close(fd);
	input_set_free(&set);
}

static void test_bad_jsonl_lines_are_skipped_with_file_and_line(void **state)
{
	struct input_set set;
	struct error err = { "" };
	const struct skip *s;

	(void)state;
	make_folder("bad");
	write_file("bad/mixed.jsonl",
		   "{\"id\":\"good1\",\"text\":\"fine\"}\n"  /* 1 */
		   "{\"id\":\"broken\",\"text\":\n"         /* 2: not JSON */
		   "\n"                                     /* 3: blank */
		   "[1,2,3]\n"                              /* 4: not an object */
		   "{\"id\":\"neither\"}\n"                 /* 5: no path, no text */
		   "{\"text\":\"no id\"}\n"                 /* 6: article without id */
		   "{\"id\":\"good2\",\"text\":\"fine\"}\n"  /* 7 */
		   "{\"id\":\"x\",\"path\":\"\"}\n");        /* 8: empty path */

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("bad/mixed.jsonl"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.items[0].article.id, "good1");
	assert_string_equal(set.items[1].article.id, "good2");
	assert_int_equal(set.skipped.n, 5);
	for (size_t i = 0; i < set.skipped.n; i++) {
		assert_non_null(strstr(set.skipped.items[i].input, "mixed.jsonl:"));
		assert_true(strlen(set.skipped.items[i].reason) > 0);
	}
	s = find_skip(&set, "mixed.jsonl:2");
	assert_non_null(s);
	assert_string_equal(s->input, testutil_path("bad/mixed.jsonl:2"));
	assert_non_null(find_skip(&set, "mixed.jsonl:4"));
	assert_non_null(find_skip(&set, "mixed.jsonl:5"));
	assert_non_null(find_skip(&set, "mixed.jsonl:6"));
	assert_non_null(find_skip(&set, "mixed.jsonl:8"));
	assert_null(find_skip(&set, "mixed.jsonl:3"));
	input_set_free(&set);
}

/* Deferred texts are read back by a small scanner of the record, not a
 * full parse: every text it gives is the one jansson gives, through escapes,
 * surrogate pairs, nested members holding quotes and braces, odd spacing,
 * an escaped key, and a "text" that is not a string. */
static void test_read_back_text_matches_a_full_parse(void **state)
{
	static const char *const lines[] = {
		"{\"id\":\"r01\",\"text\":\"plain words\"}",
		"{\"text\":\"a\\nb\\t\\\"q\\\" \\\\ \\/ \\b\\f\\r\",\"id\":\"r02\"}",
		"{\"id\":\"r03\",\"text\":\"caf\\u00e9 \\u20ac \\ud83d\\ude00 \xc3\xa9t\xc3\xa9\"}",
		"{ \"id\" : \"r04\" , \"meta\" : {\"a\":[1, 2.5e3, \"}]\\\"{\", null, true], "
		"\"b\":{}} , \"n\":-3 , \"text\" : \"after nesting\" }",
		"{\"id\":\"r05\",\"t\\u0065xt\":\"escaped key\"}",
		"{\"id\":\"r06\",\"text\":42,\"title\":\"t\"}",
		"{\"id\":\"r07\",\"title\":\"no text\",\"text\":\"\"}",
		"{\"id\":\"r\\u0030\\u0038\",\"text\":[\"not\",\"a string\"],\"title\":\"x\"}",
		"\t{\"id\":\"r09\",\"list\":[[],[{}],\"]\"],\"text\":\"end\"}  ",
	};
	struct input_set set;
	struct error err = { "" };
	FILE *f;
	int fd;

	(void)state;
	make_folder("scan");
	f = fopen(testutil_path("scan/s.jsonl"), "wb");
	assert_non_null(f);
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		fprintf(f, "%s\n", lines[i]);
	assert_int_equal(fclose(f), 0);
	input_set_init(&set);
	set.defer_text = 1;
	assert_int_equal(input_add(&set, testutil_path("scan/s.jsonl"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	fd = open(set.sources[0], O_RDONLY);
	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		json_t *obj = json_loads(lines[i], 0, NULL);
		const char *id = json_string_value(json_object_get(obj, "id"));
		json_t *tv = json_object_get(obj, "text");
		const struct input_item *it;
		char *text = NULL;
		assert_non_null(id);
		it = find_id(&set, id);
		if (!json_is_string(tv) && !(it && it->text_ref.len)) {
			json_decref(obj); /* a record without a text string is skipped */
			continue;
		}
		assert_non_null(it);
		assert_int_equal(input_read_text(fd, set.sources[0], &it->text_ref, id, &text,
						 &err), 0);
		if (json_is_string(tv)) {
			assert_non_null(text);
			assert_int_equal(strlen(text), json_string_length(tv));
			assert_string_equal(text, json_string_value(tv));
		} else {
			assert_null(text);
		}
		free(text);
		json_decref(obj);
	}
	close(fd);
	input_set_free(&set);
}

/* Collects many.jsonl with texts deferred on `jobs` threads. */
static void collect_many(int jobs, struct input_set *set)
{
	struct error err = { "" };

	input_set_init(set);
	set->defer_text = 1;
	set->jobs = jobs;
	assert_int_equal(input_add(set, testutil_path("many/many.jsonl"), &err), 0);
	assert_int_equal(input_finish(set, &err), 0);
}

/* JSON Lines are parsed in batches on threads: across several batches, the
 * same records, text offsets and skips (in line order) for any number of
 * threads, and each deferred text reads back. */
static void test_jsonl_parsed_on_threads_gives_the_same_items(void **state)
{
	struct input_set one, many;
	FILE *f;
	int fd;

	(void)state;
	make_folder("many");
	f = fopen(testutil_path("many/many.jsonl"), "wb");
	assert_non_null(f);
	for (int i = 0; i < 2600; i++) {
		if (i % 11 == 5)
			fputs("\n", f);
		else if (i % 7 == 3)
			fprintf(f, "{\"id\":\"b%04d\",\"text\":\n", i);
		else
			fprintf(f, "{\"id\":\"s%04d\",\"text\":\"story %d %s\"}%s\n", i, i,
				i % 2 ? "odd" : "even", i % 5 ? "" : "\r");
	}
	assert_int_equal(fclose(f), 0);
	collect_many(1, &one);
	collect_many(3, &many);
	assert_true(one.n > 2000);
	assert_int_equal(many.n, one.n);
	assert_true(one.skipped.n > 300);
	assert_int_equal(many.skipped.n, one.skipped.n);
	for (size_t i = 0; i < one.skipped.n; i++) {
		assert_string_equal(many.skipped.items[i].input, one.skipped.items[i].input);
		assert_string_equal(many.skipped.items[i].reason, one.skipped.items[i].reason);
		if (i)
			assert_true(strcmp(one.skipped.items[i - 1].input,
					   one.skipped.items[i].input) != 0);
	}
	fd = open(many.sources[0], O_RDONLY);
	assert_true(fd >= 0);
	for (size_t i = 0; i < one.n; i++) {
		const struct input_item *a = &one.items[i], *b = &many.items[i];
		char expect[64], *text = NULL;
		struct error err = { "" };
		int k = atoi(a->article.id + 1);
		assert_string_equal(b->article.id, a->article.id);
		assert_memory_equal(&b->text_ref, &a->text_ref, sizeof a->text_ref);
		assert_int_equal(input_read_text(fd, many.sources[0], &b->text_ref,
						 b->article.id, &text, &err), 0);
		snprintf(expect, sizeof expect, "story %d %s", k, k % 2 ? "odd" : "even");
		assert_string_equal(text, expect);
		free(text);
	}
	close(fd);
	input_set_free(&one);
	input_set_free(&many);
}

/* Lines are read and parsed in batches, and a line longer than 64 MiB is
 * skipped where it stands: each record keeps its own line number and
 * offset, and the skips come in line order, the long line's among the
 * others, for any number of threads. The long line is the 1,500th, in the
 * second batch. */
static void test_batches_keep_line_numbers_and_skip_order(void **state)
{
	const size_t lines = 3000, long_at = 1500, blank_at = 1501, wide_at = 2000;
	/* past the limit by more than the reader's chunks: read past, not kept */
	const size_t big = ((size_t)65 << 20) + 10;
	char path[600], want[700];
	uint64_t *offset = calloc(lines + 1, sizeof *offset);
	FILE *f;

	(void)state;
	assert_non_null(offset);
	make_folder("ahead");
	snprintf(path, sizeof path, "%s", testutil_path("ahead/a.jsonl"));
	f = fopen(path, "wb");
	assert_non_null(f);
	for (size_t ln = 1; ln <= lines; ln++) {
		offset[ln] = (uint64_t)ftell(f);
		if (ln == long_at) {
			fputs("{\"id\":\"long\",\"text\":\"", f);
			for (size_t i = 0; i < big; i += 64)
				fputs("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ", f);
			fputs("\"}\n", f);
		} else if (ln == blank_at) { /* longer still, but blank: no line */
			for (size_t i = 0; i < big; i += 64)
				fputs("                                                        \t      \t", f);
			fputs("\r\r\n", f);
		} else if (ln == wide_at) { /* across the reader's chunks */
			fprintf(f, "{\"id\":\"r%05zu\",\"text\":\"", ln);
			for (size_t i = 0; i < 600000; i++)
				fputc('a' + (int)(i % 26), f);
			fputs("\"}\r\n", f);
		} else if (ln % 13 == 0) {
			fputs("not json\n", f);
		} else if (ln % 17 == 0) {
			fputs(ln % 2 ? "   \n" : " \t \r\r\n", f);
		} else {
			fprintf(f, "{\"id\":\"r%05zu\",\"text\":\"line %zu\"}%s", ln, ln,
				ln == lines ? "" : ln % 19 ? "\n" : "\r\r\n");
		}
	}
	assert_int_equal(fclose(f), 0);
	for (int jobs = 1; jobs <= 3; jobs += 2) {
		struct input_set set;
		struct error err = { "" };
		size_t skips = 0, items = 0;

		input_set_init(&set);
		set.defer_text = 1;
		set.jobs = jobs;
		assert_int_equal(input_add(&set, path, &err), 0);
		assert_int_equal(input_finish(&set, &err), 0);
		for (size_t ln = 1; ln <= lines; ln++) {
			if ((ln % 17 == 0 && ln % 13 && ln != long_at && ln != wide_at) ||
			    ln == blank_at)
				continue; /* blank: neither item nor skip */
			if (ln == long_at || ln % 13 == 0) {
				snprintf(want, sizeof want, "%s:%zu", path, ln);
				assert_true(skips < set.skipped.n);
				assert_string_equal(set.skipped.items[skips].input, want);
				assert_string_equal(set.skipped.items[skips].reason,
						    ln == long_at ? "line longer than 64 MiB"
								  : "not a JSON object: '[' or '{' expected near 'not'");
				skips++;
				continue;
			}
			/* sorted by id: r00001, r00002, ... in line order */
			assert_true(items < set.n);
			snprintf(want, sizeof want, "r%05zu", ln);
			assert_string_equal(set.items[items].article.id, want);
			snprintf(want, sizeof want, "%s:%zu", path, ln);
			assert_string_equal(set.items[items].name, want);
			assert_int_equal(set.items[items].text_ref.offset, offset[ln]);
			items++;
		}
		assert_int_equal(skips, set.skipped.n);
		assert_int_equal(items, set.n);
		input_set_free(&set);
	}
	assert_int_equal(unlink(path), 0);
	free(offset);
}

/* Whether two collected sets hold the same items (every field) and skips. */
static void assert_same_sets(const struct input_set *a, const struct input_set *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->skipped.n, b->skipped.n);
	for (size_t i = 0; i < a->skipped.n; i++) {
		assert_string_equal(a->skipped.items[i].input, b->skipped.items[i].input);
		assert_string_equal(a->skipped.items[i].reason, b->skipped.items[i].reason);
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct input_item *x = &a->items[i], *y = &b->items[i];
		const char *const fx[] = { x->name, x->path, x->charset, x->article.id,
					   x->article.title, x->article.text, x->article.url,
					   x->article.lang, x->article.author,
					   x->article.modified, x->article.section,
					   x->article.published };
		const char *const fy[] = { y->name, y->path, y->charset, y->article.id,
					   y->article.title, y->article.text, y->article.url,
					   y->article.lang, y->article.author,
					   y->article.modified, y->article.section,
					   y->article.published };
		for (size_t f = 0; f < sizeof fx / sizeof *fx; f++) {
			if (!fx[f] || !fy[f])
				assert_ptr_equal(fx[f], fy[f]);
			else
				assert_string_equal(fx[f], fy[f]);
		}
		assert_int_equal(x->has_text, y->has_text);
		assert_memory_equal(&x->text_ref, &y->text_ref, sizeof x->text_ref);
	}
}

/* Collects `name` with the scanner on or off (input_use_scanner()). */
static void collect_with(const char *name, int scanner, int defer, struct input_set *set)
{
	struct error err = { "" };

	input_use_scanner(scanner);
	input_set_init(set);
	set->defer_text = defer;
	set->jobs = 2;
	assert_int_equal(input_add(set, testutil_path(name), &err), 0);
	assert_int_equal(input_finish(set, &err), 0);
	input_use_scanner(1);
}

/* Plain records are read by a scanner, anything else by jansson: the
 * scanner must take exactly the lines jansson takes, with the same members,
 * and leave the rest to it. Lines are put together at random from members
 * that are fine (escapes, surrogate pairs, literals, long plain runs), with
 * at most one thing per line that sends it to jansson: an odd value (a
 * number, nesting) or a fault, at a random offset in its string (bytes that
 * are not UTF-8, overlong forms, encoded surrogates, control characters,
 * \u0000, lone surrogates, bad escapes), an escaped or duplicate key, a
 * missing comma or colon, something after the object; collected with texts
 * deferred and in memory. */
static void test_scanned_records_are_what_jansson_reads(void **state)
{
	static const char *const keys[] = {
		"\"title\"", "\"lang\"", "\"url\"", "\"author\"", "\"section\"", "\"modified\"",
		"\"source\"", "\"published\"", "\"caf\xc3\xa9\"", "\"\"",
	};
	static const char *const fine[] = {
		"\"plain\"", "\"\"", "\"a\\nb\\t\\\"q\\\" \\\\ \\/ \\b\\f\\r\"",
		"\"caf\\u00e9 \\u20ac \\ud83d\\ude00 \xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
		"null", "true", "false", "\"DEL \x7f ok\"", "\"\xf4\x8f\xbf\xbf top\"",
		"\"a fairly long plain value, with \\\"escapes\\\" and then more words after it\"",
	};
	static const char *const odd[] = { "42", "-3.5e2", "[1,\"x\"]", "{\"a\":{}}" };
	/* after the opening quote and some padding */
	static const char *const bad[] = {
		"\xff byte\"", "\xc0\x80 overlong\"", "\xe0\x80\xaf overlong\"", "\xed\xa0\x80 surrogate\"",
		"\xf4\x90\x80\x80 beyond\"", "\xe2\x82\"", "\x01 control\"", "\t tab\"",
		"\\u0000 nul\"", "\\ud800 lone\"", "\\udc00 low\"", "\\ud800\\u0041 pair?\"",
		"\\x escape\"", "\\u12\"", "unterminated",
	};
	const size_t nk = sizeof keys / sizeof *keys;
	FILE *f;

	(void)state;
	make_folder("differ");
	f = fopen(testutil_path("differ/d.jsonl"), "wb");
	assert_non_null(f);
	srand(11);
	for (int line = 0; line < 4000; line++) {
		int fault = rand() % 3 ? 0 : 1 + rand() % 8;
		int members = 1 + rand() % 4, at = rand() % members;
		size_t first = (size_t)rand() % nk;
		fputs(rand() % 9 ? "{" : " { ", f);
		fprintf(f, "\"id\":\"s%04d\"", line);
		for (int m = 0; m < members; m++) {
			const char *k = keys[(first + (size_t)m) % nk];
			int here = m == at;
			fputs(here && fault == 1 ? (rand() % 2 ? ",," : "") : ",", f);
			if (here && fault == 2)
				k = "\"t\\u0065xt\"";
			else if (here && fault == 3)
				k = "\"id\"";
			fprintf(f, "%s%s", k, here && fault == 4 ? " " : ":");
			if (here && fault == 5)
				fputs(odd[(size_t)rand() % (sizeof odd / sizeof *odd)], f);
			else if (here && fault == 6)
				fprintf(f, "\"%.*s%s", rand() % 17, "padding to shift",
					bad[(size_t)rand() % (sizeof bad / sizeof *bad)]);
			else if (here && fault == 7)
				fputs(rand() % 2 ? "nul" : "tru", f);
			else
				fputs(fine[(size_t)rand() % (sizeof fine / sizeof *fine)], f);
		}
		if (rand() % 8)
			fputs(",\"text\":\"the story, told at some length so that the runs are long\"", f);
		fputs(fault == 8 ? (rand() % 2 ? "} x" : "}}") : rand() % 2 ? "}" : "}  ", f);
		fputs("\n", f);
	}
	assert_int_equal(fclose(f), 0);
	for (int defer = 0; defer < 2; defer++) {
		struct input_set scanned, full;
		collect_with("differ/d.jsonl", 1, defer, &scanned);
		collect_with("differ/d.jsonl", 0, defer, &full);
		assert_true(scanned.n > 2000);
		assert_true(scanned.skipped.n > 1000);
		assert_true(scanned.scanned > 2000); /* the scanner read most */
		assert_true(scanned.scanned < 3000); /* and left the rest to jansson */
		assert_int_equal(full.scanned, 0);
		assert_same_sets(&scanned, &full);
		input_set_free(&scanned);
		input_set_free(&full);
	}
}

static void test_duplicate_ids_keep_first_in_path_order(void **state)
{
	struct input_set set;
	struct error err = { "" };
	const struct skip *s;

	(void)state;
	make_folder("dup");
	/* both give id "story"; "story.htm" sorts before "story.html" */
	write_file("dup/story.htm", "x");
	write_file("dup/story.html", "x");
	write_file("dup/unique.html", "x");

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("dup"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.items[0].article.id, "story");
	assert_string_equal(set.items[0].path, testutil_path("dup/story.htm"));
	assert_string_equal(set.items[1].article.id, "unique");
	assert_int_equal(set.skipped.n, 1);
	s = &set.skipped.items[0];
	assert_string_equal(s->input, testutil_path("dup/story.html"));
	assert_non_null(strstr(s->reason, "duplicate"));
	assert_non_null(strstr(s->reason, "story"));
	input_set_free(&set);
}

static void test_duplicate_ids_in_jsonl_keep_the_earlier_line(void **state)
{
	struct input_set set;
	struct error err = { "" };
	char content[2048] = "";

	(void)state;
	make_folder("dupl");
	/* lines 1-8 unique, lines 9 and 10 share an id: line 9 comes first */
	for (int i = 1; i <= 8; i++) {
		char line[128];
		snprintf(line, sizeof line, "{\"id\":\"u%d\",\"text\":\"t\"}\n", i);
		strcat(content, line);
	}
	strcat(content, "{\"id\":\"same\",\"text\":\"first\"}\n");
	strcat(content, "{\"id\":\"same\",\"text\":\"second\"}\n");
	write_file("dupl/list.jsonl", content);

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("dupl/list.jsonl"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 9);
	assert_string_equal(require_id(&set, "same")->article.text, "first");
	assert_int_equal(set.skipped.n, 1);
	assert_non_null(find_skip(&set, "list.jsonl:10"));
	input_set_free(&set);
}

static void test_duplicate_ids_across_arguments_keep_the_earlier_argument(void **state)
{
	struct input_set set;
	struct error err = { "" };
	const struct input_item *it;

	(void)state;
	make_folder("dupa");
	make_folder("dupa/pages");
	write_file("dupa/pages/story.html", "x");
	write_file("dupa/z.jsonl", "{\"id\":\"story\",\"text\":\"from the record\"}\n");

	/* the JSON Lines file is named first, although its path sorts last */
	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("dupa/z.jsonl"), &err), 0);
	assert_int_equal(input_add(&set, testutil_path("dupa/pages"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 1);
	it = require_id(&set, "story");
	assert_null(it->path);
	assert_string_equal(it->article.text, "from the record");
	assert_int_equal(set.skipped.n, 1);
	assert_string_equal(set.skipped.items[0].input, testutil_path("dupa/pages/story.html"));
	input_set_free(&set);
}

static void test_items_from_several_arguments_are_sorted_by_id(void **state)
{
	struct input_set set;
	struct error err = { "" };

	(void)state;
	make_folder("sort");
	make_folder("sort/f");
	write_file("sort/f/m.html", "x");
	write_file("sort/f/b.html", "x");
	write_file("sort/f/y.html", "x");
	write_file("sort/recs.jsonl",
		   "{\"id\":\"z\",\"text\":\"t\"}\n"
		   "{\"id\":\"a\",\"text\":\"t\"}\n"
		   "{\"id\":\"n\",\"text\":\"t\"}\n");

	input_set_init(&set);
	assert_int_equal(input_add(&set, testutil_path("sort/recs.jsonl"), &err), 0);
	assert_int_equal(input_add(&set, testutil_path("sort/f"), &err), 0);
	assert_int_equal(input_finish(&set, &err), 0);
	assert_int_equal(set.n, 6);
	assert_string_equal(set.items[0].article.id, "a");
	assert_string_equal(set.items[1].article.id, "b");
	assert_string_equal(set.items[2].article.id, "m");
	assert_string_equal(set.items[3].article.id, "n");
	assert_string_equal(set.items[4].article.id, "y");
	assert_string_equal(set.items[5].article.id, "z");
	input_set_free(&set);
}

static void test_skip_list_take_moves_items(void **state)
{
	struct skip_list a = { 0 }, b = { 0 };

	(void)state;
	assert_int_equal(skip_list_add(&a, "one", "r1"), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(skip_list_add(&b, "many", "r"), 0);
	assert_int_equal(skip_list_add(&b, "last", "r2"), 0);
	assert_int_equal(skip_list_take(&a, &b), 0);
	assert_int_equal(a.n, 42);
	assert_int_equal(b.n, 0);
	assert_null(b.items);
	assert_string_equal(a.items[0].input, "one");
	assert_string_equal(a.items[41].input, "last");
	assert_string_equal(a.items[41].reason, "r2");
	skip_list_free(&a);
	skip_list_free(&b);
	assert_int_equal(a.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folder_walk_finds_pages_with_relative_ids),
		cmocka_unit_test(test_folder_walk_ignores_hidden_and_non_page_files),
		cmocka_unit_test(test_folder_walk_does_not_follow_symlink_loop),
		cmocka_unit_test(test_single_page_id_is_file_name_without_extension),
		cmocka_unit_test(test_missing_argument_fails_with_its_name),
		cmocka_unit_test(test_manifest_paths_resolve_against_manifest_folder),
		cmocka_unit_test(test_jsonl_article_records_carry_their_fields),
		cmocka_unit_test(test_record_dates_are_normalised_like_pages),
		cmocka_unit_test(test_deferred_texts_are_read_back_and_a_changed_file_is_an_error),
		cmocka_unit_test(test_jsonl_parsed_on_threads_gives_the_same_items),
		cmocka_unit_test(test_batches_keep_line_numbers_and_skip_order),
		cmocka_unit_test(test_scanned_records_are_what_jansson_reads),
		cmocka_unit_test(test_read_back_text_matches_a_full_parse),
		cmocka_unit_test(test_bad_jsonl_lines_are_skipped_with_file_and_line),
		cmocka_unit_test(test_duplicate_ids_keep_first_in_path_order),
		cmocka_unit_test(test_duplicate_ids_in_jsonl_keep_the_earlier_line),
		cmocka_unit_test(test_duplicate_ids_across_arguments_keep_the_earlier_argument),
		cmocka_unit_test(test_items_from_several_arguments_are_sorted_by_id),
		cmocka_unit_test(test_skip_list_take_moves_items),
	};

	return cmocka_run_group_tests(tests, testutil_make_dir, testutil_remove_dir);
}
