/* Tests for plaintext: recognising text that is not HTML and reading it as
 * a page of paragraphs, through the real extractor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "buf.h"
#include "extract.h"
#include "plaintext.h"

/* A story saved as text: a site's name, the headline, prose, a caption
 * pair, a "Related articles" list of other stories and a prompt. */
static const char story[] =
	"Column 1 News\n"
	"\n"
	"Putin Might Avoid Meeting With Tillerson\n"
	"\n"
	"Tonight the Secretary of State makes his first official visit to Moscow, "
	"but the Russian president may not find time to see him.\n"
	"\n"
	"The president's spokesman said there were no meetings with the visitor on "
	"the president's schedule, according to the news agency Tass.\n"
	"\n"
	"It has been reported that the visitor will follow strict diplomatic "
	"protocol and only meet his direct counterpart, the foreign minister.\n"
	"\n"
	"Related articles\n"
	"\n"
	"Russian Military Reforms From Georgia To Syria\n"
	"\n"
	"Will Kazakhstan's $64 Billion Oil Fund Disappear?\n";

static void test_plaintext_tells_html_from_text(void **state)
{
	static const char page[] = "<!DOCTYPE html><html><body><p>x</p></body></html>";
	static const char fragment[] = "<div class=a><p>Some text</p></div>";
	static const char math[] = "When a < b and b > c, a <b> is no tag here.";

	(void)state;
	assert_true(plaintext_is_html(page, strlen(page)));
	assert_true(plaintext_is_html(fragment, strlen(fragment)));
	assert_false(plaintext_is_html(story, strlen(story)));
	/* One tag-like word in prose does not make a page. */
	assert_false(plaintext_is_html(math, strlen(math)));
}

static void test_plaintext_title_is_the_line_before_the_prose(void **state)
{
	struct buf html = BUF_INIT;

	(void)state;
	assert_int_equal(plaintext_to_html(story, strlen(story), &html), 0);
	assert_non_null(strstr(html.data,
			       "<title>Putin Might Avoid Meeting With Tillerson</title>"));
	/* The site's name above the headline is not the story. */
	assert_null(strstr(html.data, "Column 1 News"));
	assert_non_null(strstr(html.data, "<p>Related articles</p>"));
	buf_release(&html);
}

static void test_plaintext_escapes_markup_and_joins_wrapped_lines(void **state)
{
	static const char text[] =
		"A & B <agree>\n"
		"\n"
		"The two companies said on Monday that they had agreed to merge\n"
		"their operations in Europe, a deal that regulators must approve\n"
		"before the end of the year, when the current contracts expire.\n";
	struct buf html = BUF_INIT;

	(void)state;
	assert_int_equal(plaintext_to_html(text, strlen(text), &html), 0);
	assert_non_null(strstr(html.data, "<h1>A &amp; B &lt;agree&gt;</h1>"));
	assert_non_null(strstr(html.data, "merge their operations"));
	buf_release(&html);
}

static void test_plaintext_story_extracts_without_its_chrome(void **state)
{
	struct buf html = BUF_INIT;
	struct article a = { 0 };
	struct error err;

	(void)state;
	error_clear(&err);
	assert_int_equal(plaintext_to_html(story, strlen(story), &html), 0);
	assert_int_equal(extract_article(html.data, html.len, "story.txt", &a, &err), 0);
	assert_string_equal(a.title, "Putin Might Avoid Meeting With Tillerson");
	assert_non_null(strstr(a.text, "Tonight the Secretary of State"));
	assert_non_null(strstr(a.text, "the foreign minister."));
	assert_null(strstr(a.text, "Related articles"));
	assert_null(strstr(a.text, "Kazakhstan"));
	/* Paragraphs stay paragraphs, not one run-on line. */
	assert_non_null(strstr(a.text, "him.\n\nThe president's"));
	article_clear(&a);
	buf_release(&html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plaintext_tells_html_from_text),
		cmocka_unit_test(test_plaintext_title_is_the_line_before_the_prose),
		cmocka_unit_test(test_plaintext_escapes_markup_and_joins_wrapped_lines),
		cmocka_unit_test(test_plaintext_story_extracts_without_its_chrome),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
