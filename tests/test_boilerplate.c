/*
 * Tests for boilerplate: paragraphs repeated across pages of one host go,
 * the same paragraph on different hosts, in article records, in pages
 * without a URL or in copies and updates of one story stays; the result does not
 * depend on the order of the pages, nor on the census being taken in pieces
 * and joined (as a sharded run does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "boilerplate.h"

#define CHROME "Sign up for our newsletter."

static void page(struct article *a, const char *path, const char *url,
		 const char *title, const char *text)
{
	memset(a, 0, sizeof *a);
	assert_int_equal(article_set(&a->path, path), 0);
	assert_int_equal(article_set(&a->url, url), 0);
	assert_int_equal(article_set(&a->title, title), 0);
	assert_int_equal(article_set(&a->text, text), 0);
}

static void clear_all(struct article *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		article_clear(&a[i]);
}

static void test_boilerplate_removes_paragraph_repeated_on_one_host(void **state)
{
	struct article a[3];

	(void)state;
	page(&a[0], "a.html", "https://news.example.com/a", "Flood",
	     "The river rose.\n\n" CHROME "\n\nTowns were evacuated.");
	/* case and spacing differ: still the same paragraph */
	page(&a[1], "b.html", "http://NEWS.example.com:8080/b?x=1", "Election",
	     "Polls closed.\n\nsign up  for our\nnewsletter.");
	page(&a[2], "c.html", "https://news.example.com/c", "Match",
	     CHROME "\n\nThe home side won.");
	assert_int_equal(boilerplate_remove(a, 3, BOILERPLATE_MIN_PAGES), 3);
	assert_string_equal(a[0].text, "The river rose.\n\nTowns were evacuated.");
	assert_string_equal(a[1].text, "Polls closed.");
	assert_string_equal(a[2].text, "The home side won.");
	clear_all(a, 3);
}

/* A part that stood after a removed paragraph moves up with the text
 * (article.h's places), so --with-parts still prints it there. */
static void test_boilerplate_moves_the_parts_places(void **state)
{
	struct article a[3];

	(void)state;
	page(&a[0], "a.html", "https://news.example.com/a", "Flood",
	     CHROME "\n\nThe river rose.\n\nTowns were evacuated.");
	a[0].places = calloc(3, sizeof *a[0].places);
	assert_non_null(a[0].places);
	a[0].nplaces = 3;
	a[0].places[0] = (struct article_place){ 0, 0 }; /* before the chrome */
	a[0].places[1] = (struct article_place){ 1, 1 }; /* after it */
	a[0].places[2] = (struct article_place){ 2, 2 }; /* before "Towns" */
	page(&a[1], "b.html", "https://news.example.com/b", "Election",
	     "Polls closed.\n\n" CHROME);
	page(&a[2], "c.html", "https://news.example.com/c", "Match",
	     CHROME "\n\nThe home side won.");
	assert_int_equal(boilerplate_remove(a, 3, BOILERPLATE_MIN_PAGES), 3);
	assert_string_equal(a[0].text, "The river rose.\n\nTowns were evacuated.");
	assert_int_equal(a[0].places[0].paras, 0);
	assert_int_equal(a[0].places[1].paras, 0);
	assert_int_equal(a[0].places[2].paras, 1);
	clear_all(a, 3);
}

static void test_boilerplate_keeps_paragraph_shared_by_two_hosts(void **state)
{
	struct article a[2];

	(void)state;
	page(&a[0], "a.html", "https://one.example.com/a", "Flood",
	     "The river rose.\n\n" CHROME);
	page(&a[1], "b.html", "https://two.example.org/b", "Election",
	     "Polls closed.\n\n" CHROME);
	assert_int_equal(boilerplate_remove(a, 2, BOILERPLATE_MIN_PAGES), 0);
	assert_string_equal(a[0].text, "The river rose.\n\n" CHROME);
	assert_string_equal(a[1].text, "Polls closed.\n\n" CHROME);
	clear_all(a, 2);
}

static void test_boilerplate_needs_min_pages(void **state)
{
	struct article a[3];

	(void)state;
	page(&a[0], "a.html", "https://x.example/a", "A", "One.\n\n" CHROME);
	page(&a[1], "b.html", "https://x.example/b", "B", "Two.\n\n" CHROME);
	page(&a[2], "c.html", "https://x.example/c", "C", "Three.");
	assert_int_equal(boilerplate_remove(a, 3, 3), 0);
	assert_string_equal(a[0].text, "One.\n\n" CHROME);
	clear_all(a, 3);
}

static void test_boilerplate_leaves_pages_without_url_and_records_alone(void **state)
{
	struct article a[5];

	(void)state;
	page(&a[0], "a.html", NULL, "A", "One.\n\n" CHROME);
	page(&a[1], "b.html", NULL, "B", "Two.\n\n" CHROME);
	page(&a[2], "c.html", "not a url", "C", "Three.\n\n" CHROME);
	/* an article record (no path) on the host of a page that has it too:
	 * the record neither counts nor loses text */
	page(&a[3], NULL, "https://x.example/d", "D", "Four.\n\n" CHROME);
	page(&a[4], "e.html", "https://x.example/e", "E", "Five.\n\n" CHROME);
	assert_int_equal(boilerplate_remove(a, 5, BOILERPLATE_MIN_PAGES), 0);
	assert_string_equal(a[0].text, "One.\n\n" CHROME);
	assert_string_equal(a[1].text, "Two.\n\n" CHROME);
	assert_string_equal(a[2].text, "Three.\n\n" CHROME);
	assert_string_equal(a[3].text, "Four.\n\n" CHROME);
	assert_string_equal(a[4].text, "Five.\n\n" CHROME);
	clear_all(a, 5);
}

static void test_boilerplate_keeps_copies_and_updates_of_one_story(void **state)
{
	struct article a[3];

	(void)state;
	/* the same story under two URLs, and its update, are not chrome; the
	 * chrome they share with another story of the host is */
	page(&a[0], "a.html", "https://x.example/a", "Flood",
	     "The river rose.\n\nTowns fled.\n\n" CHROME);
	page(&a[1], "b.html", "https://x.example/amp/a", "FLOOD ",
	     "The river rose.\n\nTowns fled.\n\nThe water fell.\n\n" CHROME);
	page(&a[2], "c.html", "https://x.example/c", "Election", "Polls closed.\n\n" CHROME);
	assert_int_equal(boilerplate_remove(a, 3, BOILERPLATE_MIN_PAGES), 3);
	assert_string_equal(a[0].text, "The river rose.\n\nTowns fled.");
	assert_string_equal(a[1].text, "The river rose.\n\nTowns fled.\n\nThe water fell.");
	assert_string_equal(a[2].text, "Polls closed.");
	clear_all(a, 3);
}

static void test_boilerplate_counts_a_page_once(void **state)
{
	struct article a[2];

	(void)state;
	/* repeated within one page only: not chrome */
	page(&a[0], "a.html", "https://x.example/a", "A", "-\n\nOne.\n\n-\n\nTwo.");
	page(&a[1], "b.html", "https://x.example/b", "B", "Three.");
	assert_int_equal(boilerplate_remove(a, 2, BOILERPLATE_MIN_PAGES), 0);
	assert_string_equal(a[0].text, "-\n\nOne.\n\n-\n\nTwo.");
	clear_all(a, 2);
}

static void test_boilerplate_is_deterministic_in_page_order(void **state)
{
	static const char *const texts[] = {
		"Menu\n\nStory one.\n\nMost read: a, b",
		"Story two.\n\nMenu\n\nFooter text",
		"Footer text\n\nStory three.\n\nMenu",
		"Story four.",
	};
	struct article fwd[4], rev[4];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		char path[16], title[16];
		snprintf(path, sizeof path, "%zu.html", i);
		snprintf(title, sizeof title, "T%zu", i);
		page(&fwd[i], path, "https://x.example/p", title, texts[i]);
		page(&rev[3 - i], path, "https://x.example/p", title, texts[i]);
	}
	assert_int_equal(boilerplate_remove(fwd, 4, BOILERPLATE_MIN_PAGES), 5);
	assert_int_equal(boilerplate_remove(rev, 4, BOILERPLATE_MIN_PAGES), 5);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(fwd[i].text, rev[3 - i].text);
	assert_string_equal(fwd[0].text, "Story one.\n\nMost read: a, b");
	assert_string_equal(fwd[2].text, "Story three.");
	/* a second pass finds nothing left to remove */
	assert_int_equal(boilerplate_remove(fwd, 4, BOILERPLATE_MIN_PAGES), 0);
	clear_all(fwd, 4);
	clear_all(rev, 4);
}

static void test_boilerplate_untitled_pages_are_stories_of_their_own(void **state)
{
	struct article a[2];

	(void)state;
	page(&a[0], "a.html", "https://x.example/a", NULL, "One.\n\n" CHROME);
	page(&a[1], "b.html", "https://x.example/b", " ", "Two.\n\n" CHROME);
	assert_int_equal(boilerplate_remove(a, 2, BOILERPLATE_MIN_PAGES), 2);
	assert_string_equal(a[0].text, "One.");
	assert_string_equal(a[1].text, "Two.");
	clear_all(a, 2);
}

/* Six pages of two hosts, made so that deciding on either half alone goes
 * wrong: the chrome of x.example is on one page of each half; its story
 * "Flood" has a copy in each half sharing a paragraph no other story has;
 * the untitled pages share a paragraph across the halves, and one of them
 * shares "Menu" with a titled page of the other half. */
static void six_pages(struct article *a)
{
	page(&a[0], "0.html", "https://x.example/0", "Flood",
	     "The river rose.\n\nTowns fled.\n\n" CHROME);
	page(&a[1], "1.html", "https://y.example/1", NULL, "Untitled one.\n\nBy the y desk.");
	page(&a[2], "2.html", "https://y.example/2", "Vote", "Polls closed.\n\nMenu");
	page(&a[3], "3.html", "https://x.example/3", "flood", "Towns fled.\n\nThe water fell.");
	page(&a[4], "4.html", "https://x.example/4", "Match", "The home side won.\n\n" CHROME);
	page(&a[5], "5.html", "https://y.example/5", NULL, "By the y desk.\n\nMenu");
}

/* Joins pieces into `whole` as shard.c does with the pieces read from files:
 * sighting by sighting, naming hosts. */
static void join(struct boilerplate_census *whole, const struct boilerplate_census *piece)
{
	for (size_t i = 0; i < piece->n; i++) {
		const char *host = strmap_key(&piece->hosts, piece->s[i].host);
		struct boilerplate_sighting s = piece->s[i];
		int64_t id = boilerplate_census_host(whole, host, strlen(host));
		assert_true(id >= 0);
		s.host = (uint32_t)id;
		assert_int_equal(boilerplate_census_add(whole, &s), 0);
	}
}

static void test_boilerplate_census_in_pieces_decides_as_one(void **state)
{
	struct article one[6], split[6], local[6];
	struct boilerplate_census piece[2], whole;
	struct boilerplate_chrome ch, own;
	long removed = 0, local_removed = 0;

	(void)state;
	six_pages(one);
	six_pages(split);
	six_pages(local);
	assert_int_equal(boilerplate_remove(one, 6, BOILERPLATE_MIN_PAGES), 6);
	boilerplate_census_init(&whole);
	for (size_t p = 0; p < 2; p++) {
		boilerplate_census_init(&piece[p]);
		/* ordinals: the page's index among all six */
		for (size_t i = 3 * p; i < 3 * p + 3; i++)
			assert_int_equal(boilerplate_census_add_page(&piece[p], &split[i], i), 0);
		boilerplate_census_finish(&piece[p]);
		boilerplate_chrome_init(&own);
		assert_int_equal(boilerplate_decide(&piece[p], BOILERPLATE_MIN_PAGES, &own), 0);
		local_removed += boilerplate_apply(local + 3 * p, 3, &own);
		boilerplate_chrome_free(&own);
	}
	/* the pieces joined in either order, one of them twice */
	join(&whole, &piece[1]);
	join(&whole, &piece[0]);
	join(&whole, &piece[1]);
	boilerplate_chrome_init(&ch);
	assert_int_equal(boilerplate_decide(&whole, BOILERPLATE_MIN_PAGES, &ch), 0);
	assert_int_equal(ch.paragraphs.n, 3);
	for (size_t p = 0; p < 2; p++)
		removed += boilerplate_apply(split + 3 * p, 3, &ch);
	assert_int_equal(removed, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(split[i].text, one[i].text);
	assert_string_equal(one[0].text, "The river rose.\n\nTowns fled.");
	assert_string_equal(one[3].text, "Towns fled.\n\nThe water fell.");
	assert_string_equal(one[1].text, "Untitled one.");
	assert_string_equal(one[5].text, "");
	/* each half deciding alone finds nothing */
	assert_int_equal(local_removed, 0);
	assert_string_equal(local[0].text, "The river rose.\n\nTowns fled.\n\n" CHROME);
	boilerplate_chrome_free(&ch);
	boilerplate_census_free(&whole);
	boilerplate_census_free(&piece[0]);
	boilerplate_census_free(&piece[1]);
	clear_all(one, 6);
	clear_all(split, 6);
	clear_all(local, 6);
}

static void test_boilerplate_census_refuses_bad_hosts(void **state)
{
	struct boilerplate_census c;
	struct boilerplate_sighting s = { 1, 2, 0, 0 };
	char longhost[BOILERPLATE_HOST_MAX + 2];

	(void)state;
	memset(longhost, 'a', sizeof longhost);
	boilerplate_census_init(&c);
	assert_int_equal(boilerplate_census_host(&c, "", 0), -1);
	assert_int_equal(boilerplate_census_host(&c, longhost, sizeof longhost), -1);
	/* no host yet: id 0 is not one */
	assert_int_equal(boilerplate_census_add(&c, &s), -1);
	assert_int_equal(boilerplate_census_host(&c, longhost, BOILERPLATE_HOST_MAX), 0);
	assert_int_equal(boilerplate_census_add(&c, &s), 0);
	s.host = 1;
	assert_int_equal(boilerplate_census_add(&c, &s), -1);
	assert_int_equal(c.n, 1);
	boilerplate_census_free(&c);
}

static void test_boilerplate_url_host(void **state)
{
	char h[32];

	(void)state;
	assert_int_equal(boilerplate_url_host("http://User@WWW.Example.com:80/x", h, sizeof h), 15);
	assert_string_equal(h, "www.example.com");
	assert_int_equal(boilerplate_url_host("https://example.org.?q", h, sizeof h), 11);
	assert_string_equal(h, "example.org");
	assert_int_equal(boilerplate_url_host("https://[::1]:8080/", h, sizeof h), 5);
	assert_string_equal(h, "[::1]");
	assert_int_equal(boilerplate_url_host("/relative/path", h, sizeof h), 0);
	assert_int_equal(boilerplate_url_host("://nohost", h, sizeof h), 0);
	assert_int_equal(boilerplate_url_host("http:///x", h, sizeof h), 0);
	assert_int_equal(boilerplate_url_host(NULL, h, sizeof h), 0);
	assert_int_equal(boilerplate_url_host("http://a-very-long-host-name.example.com/", h, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boilerplate_removes_paragraph_repeated_on_one_host),
		cmocka_unit_test(test_boilerplate_keeps_paragraph_shared_by_two_hosts),
		cmocka_unit_test(test_boilerplate_needs_min_pages),
		cmocka_unit_test(test_boilerplate_leaves_pages_without_url_and_records_alone),
		cmocka_unit_test(test_boilerplate_keeps_copies_and_updates_of_one_story),
		cmocka_unit_test(test_boilerplate_counts_a_page_once),
		cmocka_unit_test(test_boilerplate_is_deterministic_in_page_order),
		cmocka_unit_test(test_boilerplate_untitled_pages_are_stories_of_their_own),
		cmocka_unit_test(test_boilerplate_census_in_pieces_decides_as_one),
		cmocka_unit_test(test_boilerplate_census_refuses_bad_hosts),
		cmocka_unit_test(test_boilerplate_url_host),
		cmocka_unit_test(test_boilerplate_moves_the_parts_places),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
