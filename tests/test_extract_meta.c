/* Tests for extract's metadata: the headline by agreement, published
 * dates from every place a page states them, bylines read into names.
 * Each page is written for one mechanism and fails without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract.h"
#include "testutil.h"

/* A body long enough to be the article, so that metadata is all a test
 * varies. */
#define BODY                                                                  \
	"<div class=\"story\"><p>The council voted on Tuesday to approve the " \
	"tram line, after a debate that lasted most of the afternoon and "    \
	"ended with a narrow majority.</p><p>Work on the first section is "   \
	"due to begin next spring, officials said, and the line should "      \
	"open to passengers within four years.</p><p>Opponents said the "     \
	"cost, estimated at several hundred million, would fall on "          \
	"residents for decades to come.</p></div>"

/* The date part ("YYYY-MM-DD") of a.published, or "" when null. */
static const char *day(const char *rfc3339, char out[11])
{
	out[0] = '\0';
	if (rfc3339)
		snprintf(out, 11, "%s", rfc3339);
	return out;
}

/* Extracts html and checks the date part of its `published`. */
static void assert_published_day(const char *html, const char *want)
{
	struct article a = { 0 };
	char d[11];

	testutil_extract(html, &a);
	assert_string_equal(day(a.published, d), want);
	article_clear(&a);
}

/* Headline ------------------------------------------------------------------ */

static void test_sitewide_og_title_loses_to_the_agreed_headline(void **state)
{
	/* The og:title is the site's slogan on every page: no other source
	 * holds it, while <title> and <h1> agree on the story's headline. */
	const char *html =
		"<html><head><title>Storm floods the coast road | Daily "
		"Ledger</title>"
		"<meta property=\"og:title\" content=\"Daily Ledger - Latest "
		"News &amp; Headlines\">"
		"<meta property=\"og:site_name\" content=\"Daily Ledger\">"
		"</head><body><h1>Storm floods the coast road</h1>" BODY
		"</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Storm floods the coast road");
	article_clear(&a);
}

static void test_site_and_section_prefix_never_win(void **state)
{
	/* "SITE | Section | Headline" in both og:title and <title>: the
	 * <h1> they both hold is the headline, not the prefixed text. */
	const char *html =
		"<html><head><title>BBC NEWS | Scotland | Glasgow tram plan "
		"approved</title><meta property=\"og:title\" content=\"BBC NEWS "
		"| Scotland | Glasgow tram plan approved\"></head><body>"
		"<h1>Glasgow tram plan approved</h1>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Glasgow tram plan approved");
	article_clear(&a);
}

static void test_headline_as_the_h1_writes_it(void **state)
{
	/* og:title was escaped twice and typed with straight quotes; the
	 * <h1> shows the same words with its own punctuation. */
	const char *html =
		"<html><head><meta property=\"og:title\" content=\"Olive "
		"&amp;#038; Herb 'focaccia' - a recipe for spring evenings\"></head><body>"
		"<h1>Olive &amp; Herb \xe2\x80\x98" "focaccia\xe2\x80\x99 "
		"\xe2\x80\x93 a recipe for spring evenings</h1>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Olive & Herb \xe2\x80\x98" "focaccia"
				     "\xe2\x80\x99 \xe2\x80\x93 a recipe for spring evenings");
	article_clear(&a);
}

static void test_headline_broken_by_br_keeps_its_words_apart(void **state)
{
	/* An <h1> set on two lines with a <br>, no metadata to agree with,
	 * and a heading in the story that repeats it so broken: the headline
	 * keeps its words apart, as the page shows them, and the repeat is
	 * known as the headline, not printed as the story's text. */
	const char *html =
		"<html><head></head><body><article><h1>Fans return<br>to the arenas</h1>"
		"<p>The council voted on Tuesday to close the old harbour bridge to "
		"traffic from next month, after engineers found that two of its steel "
		"supports had corroded beyond repair.</p><h3>Fans return<br>to the "
		"arenas</h3><p>The cost, estimated at several hundred million, would "
		"fall on residents for decades to come, and the council said it would "
		"hold hearings before any decision on a new crossing.</p></article>"
		"</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Fans return to the arenas");
	testutil_text_holds(a.text,
			    (const char *const[]){ "new crossing", NULL },
			    (const char *const[]){ "arenas", NULL });
	article_clear(&a);
}

static void test_logo_h1_is_not_the_headline(void **state)
{
	/* Two <h1>s: the logo's (the site's name, also in <title>) and the
	 * story's; with equal agreement the site's name never wins. */
	const char *html =
		"<html><head><title>Council approves the tram line \xe2\x80\x93 "
		"Ansichten und Einsichten</title></head><body>"
		"<h1 class=\"site-title\">Ansichten und Einsichten</h1>"
		"<h1>Council approves the tram line</h1>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Council approves the tram line");
	article_clear(&a);
}

static void test_confirmed_headline_keeps_its_last_segment(void **state)
{
	/* og:title is the <title> without the site's name: the headline's
	 * own last part ("part three") is no site name to cut, and a
	 * "| Site.de" segment comes off though og:site_name spells it
	 * otherwise. */
	const char *html =
		"<html><head><title>Office notes for the team \xe2\x80\x93 part "
		"three | Annas Blog</title>"
		"<meta property=\"og:title\" content=\"Office notes for the "
		"team \xe2\x80\x93 part three\"></head><body>" BODY
		"</body></html>";
	const char *html2 =
		"<html><head><title>A press event like no other | MODEPILOT.de "
		"| Modepilot.de</title>"
		"<meta property=\"og:title\" content=\"A press event like no "
		"other | MODEPILOT.de\">"
		"<meta property=\"og:site_name\" content=\"Modepilot\">"
		"<link rel=\"canonical\" href=\"https://www.modepilot.de/a/1\">"
		"</head><body>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title,
			    "Office notes for the team \xe2\x80\x93 part three");
	article_clear(&a);
	testutil_extract(html2, &a);
	assert_string_equal(a.title, "A press event like no other");
	article_clear(&a);
}

static void test_visible_h1_rewording_the_metadata_wins(void **state)
{
	/* Metadata agree on a headline written for search; the page shows
	 * its readers another wording of the same story in its <h1>. */
	const char *html =
		"<html><head><title>Brexit: war of nerves enters next round | "
		"Daily Ledger</title>"
		"<meta property=\"og:title\" content=\"Brexit: war of nerves "
		"enters next round\"></head><body>"
		"<h1>The war of nerves over Brexit enters the next round</h1>"
		BODY "</body></html>";
	/* An <h1> that only glues a kicker to the headline is no rewording. */
	const char *glued =
		"<html><head><title>Mineral oil report for November | Agency"
		"</title><meta property=\"og:title\" content=\"Mineral oil report "
		"for November\"></head><body><h1><span>27.01.2022</span>Mineral "
		"oil report for November</h1>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title,
			    "The war of nerves over Brexit enters the next round");
	article_clear(&a);
	testutil_extract(glued, &a);
	assert_string_equal(a.title, "Mineral oil report for November");
	article_clear(&a);
}

static void test_truncated_metadata_title_is_no_vote(void **state)
{
	/* twitter:title is the headline cut at a length limit: it stands in
	 * the others but not as a whole segment, so it earns no votes. */
	const char *html =
		"<html><head><title>Trial over the coup case enters its final "
		"stretch; verdict could come on Wednesday | Los Tiempos</title>"
		"<meta property=\"og:title\" content=\"Trial over the coup case "
		"enters its final stretch; verdict could come on Wednesday\">"
		"<meta name=\"twitter:title\" content=\"Trial over the coup case "
		"enters its final stretch; verdict could\"></head><body>" BODY
		"</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Trial over the coup case enters its final "
				     "stretch; verdict could come on Wednesday");
	article_clear(&a);
}

static void test_lone_title_loses_its_site_and_section_prefix(void **state)
{
	/* The <title> is the page's only source: a site's and a section's
	 * names before " | " come off; a headline of three words before a
	 * longer site name stays. */
	const char *prefixed =
		"<html><head><title>BBC NEWS | Scotland | Unique character of "
		"medieval town</title></head><body>" BODY "</body></html>";
	const char *suffixed =
		"<html><head><title>Extreme Halloween Decor | Hatch: The Design "
		"Public Blog</title></head><body>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(prefixed, &a);
	assert_string_equal(a.title, "Unique character of medieval town");
	article_clear(&a);
	testutil_extract(suffixed, &a);
	assert_string_equal(a.title,
			    "Extreme Halloween Decor | Hatch: The Design Public Blog");
	article_clear(&a);
}

/* Dates ------------------------------------------------------------------- */
static void test_published_day_when_the_time_is_malformed(void **state)
{
	/* Milliseconds written after a colon: the time is unreadable, the
	 * day is not. */
	const char *html =
		"<html><head><script type=\"application/ld+json\">{\"@type\": "
		"\"NewsArticle\", \"headline\": \"Council approves the tram "
		"line\", \"datePublished\": \"2022-01-10T22:06:08:684Z\"}"
		"</script></head><body><h1>Council approves the tram line</h1>"
		BODY "</body></html>";

	(void)state;
	assert_published_day(html, "2022-01-10");
}

static void test_published_from_day_first_url_segment(void **state)
{
	const char *html =
		"<html><head><link rel=\"canonical\" "
		"href=\"https://example.org/media-news/meldungen/29-10-2021\">"
		"</head><body><h1>Council approves the tram line</h1>" BODY
		"</body></html>";

	(void)state;
	assert_published_day(html, "2021-10-29");
}

static void test_published_from_russian_date_line(void **state)
{
	const char *html =
		"<html><body><p class=\"date\">15 \xd0\xb0\xd0\xb2\xd0\xb3\xd1\x83"
		"\xd1\x81\xd1\x82\xd0\xb0 2016, 13:43</p>"
		"<h1>Council approves the tram line</h1>" BODY "</body></html>";

	(void)state;
	assert_published_day(html, "2016-08-15");
}

static void test_later_head_publication_wins_over_jsonld(void **state)
{
	/* JSON-LD keeps the first publication; the head's published time,
	 * days later and not after the last edit, is the version shown. A
	 * head date after the last edit is not taken. */
	const char *head = "<html><head><meta "
			   "property=\"article:published_time\" content=\"";
	const char *rest =
		"\"><script type=\"application/ld+json\">"
		"{\"@type\": \"NewsArticle\", \"datePublished\": "
		"\"2023-11-03T10:25:56+00:00\", \"dateModified\": "
		"\"2023-11-06T14:26:51+00:00\"}</script></head><body>"
		"<h1>Council approves the tram line</h1>" BODY "</body></html>";
	char html[4096];

	(void)state;
	snprintf(html, sizeof html, "%s%s%s", head, "2023-11-06T14:25:00+00:00",
		 rest);
	assert_published_day(html, "2023-11-06");
	snprintf(html, sizeof html, "%s%s%s", head, "2023-11-09T08:00:00+00:00",
		 rest);
	assert_published_day(html, "2023-11-03");
}


/* The story's day is the publisher's: an instant one source writes in
 * UTC and another in the publisher's offset prints as the latter (its
 * day the local one), modified too; a value written with its offset
 * keeps it as written. */
static void test_published_in_the_publishers_offset(void **state)
{
	const char *html =
		"<html><head><script type=\"application/ld+json\">"
		"{\"@type\": \"NewsArticle\", \"datePublished\": "
		"\"2022-11-06T23:00:00.000Z\", \"dateModified\": "
		"\"2022-11-07T22:30:00Z\"}</script><meta property=\"article:modified_time\" "
		"content=\"2022-11-07T23:30:00+01:00\"></head><body>"
		"<h1>Council approves the tram line</h1><p class=\"meta\">Monday "
		"<time datetime=\"2022-11-07T00:00:00+01:00\">at midnight</time></p>"
		BODY "</body></html>";
	const char *written =
		"<html><head><script type=\"application/ld+json\">"
		"{\"@type\": \"NewsArticle\", \"datePublished\": "
		"\"2022-10-25T23:30:00+02:00\"}</script></head><body>"
		"<h1>Council approves the tram line</h1>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.published, "2022-11-07T00:00:00+01:00");
	assert_string_equal(a.modified, "2022-11-07T23:30:00+01:00");
	article_clear(&a);
	testutil_extract(written, &a);
	assert_string_equal(a.published, "2022-10-25T23:30:00+02:00");
	article_clear(&a);
}

/* The head's article:published_time is a later publication only when
 * it falls on a later day where the JSON-LD date is written: the same
 * instant in UTC ("2022-05-06T02:00:00Z" for "2022-05-05T21:00:00-05:00")
 * is not. */
static void test_same_instant_in_the_head_is_no_later_publication(void **state)
{
	const char *head = "<html><head><meta "
			   "property=\"article:published_time\" content=\"";
	const char *rest =
		"\"><script type=\"application/ld+json\">"
		"{\"@type\": \"NewsArticle\", \"datePublished\": "
		"\"2022-05-05T21:00:00-05:00\"}</script></head><body>"
		"<h1>Council approves the tram line</h1>" BODY "</body></html>";
	char html[4096];

	(void)state;
	snprintf(html, sizeof html, "%s%s%s", head, "2022-05-06T02:00:00Z", rest);
	assert_published_day(html, "2022-05-05");
	snprintf(html, sizeof html, "%s%s%s", head, "2022-05-07T02:00:00Z", rest);
	assert_published_day(html, "2022-05-07");
}

/* A page whose metadata has a published and a later modified day, and
 * which shows its readers the modified day under the headline, is dated
 * as it shows itself; one that shows the published day keeps it, and
 * so does one that shows some third date. */
static void test_published_as_the_page_shows_its_last_edit(void **state)
{
	const char *head =
		"<html><head><script type=\"application/ld+json\">"
		"{\"@type\": \"NewsArticle\", \"datePublished\": "
		"\"2020-04-03T10:35:41Z\", \"dateModified\": "
		"\"2020-04-11T08:27:52Z\"}</script></head><body>"
		"<h1>Council approves the tram line</h1><p>";
	const char *rest = "</p>" BODY "</body></html>";
	char html[4096];
	struct article a = { 0 };

	(void)state;
	snprintf(html, sizeof html, "%s%s%s", head,
		 "Aktualisiert: 11.04.2020, 10:27", rest);
	testutil_extract(html, &a);
	assert_string_equal(a.published, "2020-04-11T08:27:52Z");
	assert_string_equal(a.modified, "2020-04-11T08:27:52Z");
	article_clear(&a);
	snprintf(html, sizeof html, "%s%s%s", head, "3. April 2020, 12:35", rest);
	assert_published_day(html, "2020-04-03");
	snprintf(html, sizeof html, "%s%s%s", head, "Stand: 7. April 2020", rest);
	assert_published_day(html, "2020-04-03");
}

static void test_page_dated_by_its_last_change(void **state)
{
	/* The only date is the page's last change, in a label and a
	 * sibling, or in a wiki's footer sentence; a page with a published
	 * date keeps it. */
	const char *label =
		"<html><body><h1>Council approves the tram line</h1>" BODY
		"<div><label>Letzte \xc3\x84nderung:</label><div>14.01.2022 um "
		"09:25</div></div></body></html>";
	const char *footer =
		"<html><body><h1>Council approves the tram line</h1>" BODY
		"<ul><li>Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 "
		"Uhr ge\xc3\xa4ndert.</li></ul></body></html>";
	const char *dated =
		"<html><head><meta property=\"article:published_time\" "
		"content=\"2019-11-20T10:00:00Z\"></head><body>"
		"<h1>Council approves the tram line</h1>" BODY
		"<p>Last updated: 3 March 2021</p></body></html>";

	(void)state;
	assert_published_day(label, "2022-01-14");
	assert_published_day(footer, "2020-01-29");
	assert_published_day(dated, "2019-11-20");
}

static void test_published_from_date_in_the_headline_element(void **state)
{
	/* The date stands in the <h1>'s <small>; the text after the <h1>
	 * names another day first (a rule that came into force). */
	const char *html =
		"<html><body><h1>Fans return to the arenas <small>02.02.2022 "
		"&#8226; Handball Association</small></h1>"
		"<div class=\"story\"><p>Clubs may welcome more fans again. Under "
		"the rules in force since 28.01.2022 the arenas may be filled to "
		"half of their capacity, the association said.</p>"
		"<p>Work on the first section is due to begin next spring, "
		"officials said, and the line should open to passengers within "
		"four years.</p><p>Opponents said the cost, estimated at several "
		"hundred million, would fall on residents for decades.</p></div>"
		"</body></html>";

	(void)state;
	assert_published_day(html, "2022-02-02");
}

static void test_published_from_date_line_taken_for_standfirst(void **state)
{
	/* A blog without an <h1>: the line under the linked headline opens
	 * with the date. */
	const char *html =
		"<html><head><title>Our Digital Home | Our journey to Python 3"
		"</title></head><body><div class=\"post\">"
		"<h2 class=\"blog_post_title\"><a href=\"/blog/journey\" "
		"rel=\"bookmark\">Our journey to Python 3</a></h2><small>January "
		"13, 2020 at 08:45 AM | categories: <a href=\"/c/python\">Python"
		"</a>, <a href=\"/c/hg\">Mercurial</a> | <a href=\"/blog/journey"
		"#comments\">View Comments</a></small><p/>"
		"<div class=\"post_prose\">" BODY "</div></div></body></html>";

	(void)state;
	assert_published_day(html, "2020-01-13");
}

static void test_published_from_dateline_opening_a_paragraph(void **state)
{
	/* The body's first paragraph opens with its date before a dash, the
	 * German press's dateline; a long standfirst keeps it away from the
	 * headline. */
	const char *html =
		"<html lang=\"de\"><body><h1>Bundesregierung drosselt Bioenergie"
		"</h1><p class=\"intro\">Am vergangenen Freitag hat die "
		"Bundesregierung den Gesetzentwurf zur Strompreisbremse "
		"beschlossen. Er sieht weiterhin die Abschöpfung von Erlösen der "
		"Anlagen vor, die Strom aus erneuerbaren Quellen erzeugen. Das "
		"behindert die Energiewende, sagt die Branche, und sie verweist "
		"auf die Betreiber kleiner Anlagen auf dem Land.</p>"
		"<div class=\"text\"><p>29.11.2022 \xe2\x80\x93 Mehrfach und "
		"vehement hatte die Branche vor den Folgen gewarnt, doch das "
		"Kabinett hielt an seinem Entwurf fest.</p><p>Die Verb\xc3\xa4nde "
		"wollen nun im Bundestag f\xc3\xbcr \xc3\x84nderungen werben und "
		"rechnen mit einer langen Debatte in den Aussch\xc3\xbcssen.</p>"
		"<p>Eine Entscheidung wird f\xc3\xbcr den Dezember erwartet, kurz "
		"vor dem Ende der Sitzungswoche.</p></div></body></html>";

	(void)state;
	assert_published_day(html, "2022-11-29");
}

static void test_published_from_visible_date_lines(void **state)
{
	/* Dates shown only in the text under the headline, in the
	 * languages and forms of the test sets. */
	static const char *const lines[][2] = {
		{ "Aktualisiert am 20. November 2019, 14:03 Uhr", "2019-11-20" },
		{ "Publi\xc3\xa9 le 3 d\xc3\xa9" "cembre 2019", "2019-12-03" },
		{ "Publicado el 20 de noviembre de 2019", "2019-11-20" },
		{ "Opublikowano: 20 listopada 2019", "2019-11-20" },
		{ "Publicado em 5 de mar\xc3\xa7o de 2020", "2020-03-05" },
		{ "Pubblicato il 7 maggio 2021", "2021-05-07" },
		{ "Stand: 20.11.2019", "2019-11-20" },
		{ "By Jane Smith | Nov. 20, 2019 at 2:26 PM", "2019-11-20" },
	};
	char buf[2048], d[11];

	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct article a = { 0 };

		snprintf(buf, sizeof buf,
			 "<html><body><h1>Council approves the tram line</h1>"
			 "<p class=\"x\">%s</p>" BODY "</body></html>",
			 lines[i][0]);
		testutil_extract(buf, &a);
		assert_string_equal(day(a.published, d), lines[i][1]);
		article_clear(&a);
	}
}

static void test_published_from_url_date(void **state)
{
	const char *html =
		"<html><head><link rel=\"canonical\" "
		"href=\"https://example.org/news/2019/11/20/tram-line\">"
		"</head><body><h1>Council approves the tram line</h1>" BODY
		"</body></html>";

	(void)state;
	assert_published_day(html, "2019-11-20");
}

static void test_published_from_date_hinted_element_and_graph(void **state)
{
	/* A date in an element whose class names it, far from the headline;
	 * and JSON-LD's datePublished inside @graph wins over it. */
	const char *html =
		"<html><body><h1>Council approves the tram line</h1>" BODY
		"<div class=\"field-publishing-date\">13.01.2022</div>"
		"</body></html>";
	const char *graph =
		"<html><head><script type=\"application/ld+json\">{\"@graph\":"
		"[{\"@type\":\"WebSite\",\"name\":\"Ledger\"},{\"@type\":"
		"\"NewsArticle\",\"datePublished\":\"2022-01-12T09:00:00+01:00\"}]}"
		"</script></head><body><h1>Council approves the tram line</h1>"
		BODY "<div class=\"field-publishing-date\">13.01.2022</div>"
		"</body></html>";

	(void)state;
	assert_published_day(html, "2022-01-13");
	assert_published_day(graph, "2022-01-12");
}

static void test_implausible_dates_rejected(void **state)
{
	/* A founding year in the standfirst is no publication date; a date
	 * in the text after the page's last modification is another
	 * event's; and a modification date is never taken as published. */
	const char *old =
		"<html><body><h1>Council approves the tram line</h1>"
		"<p>Gegr\xc3\xbc" "ndet am 12. M\xc3\xa4rz 1990</p>" BODY
		"</body></html>";
	const char *later =
		"<html><head><meta property=\"article:modified_time\" "
		"content=\"2019-11-21T10:00:00Z\"></head><body>"
		"<h1>Council approves the tram line</h1>"
		"<p>Vote scheduled for 30.11.2019</p>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(old, &a);
	assert_null(a.published);
	article_clear(&a);
	testutil_extract(later, &a);
	assert_null(a.published);
	assert_non_null(a.modified);
	article_clear(&a);
}

static void test_published_day_as_the_page_shows_it(void **state)
{
	/* A UTC instant late in the evening is the next day where the page
	 * is published, and the page shows that day under its headline. */
	const char *html =
		"<html><head><meta property=\"article:published_time\" "
		"content=\"2022-11-06T23:00:00.000Z\"></head><body>"
		"<h1>Council approves the tram line</h1><p>7. November 2022</p>"
		BODY "</body></html>";

	(void)state;
	assert_published_day(html, "2022-11-07");
}

static void test_published_from_labelled_line_and_any_dated_object(void **state)
{
	/* A date after a label ("Datum:") in a box with no date class,
	 * written with a two-digit year; and a Recipe's datePublished. */
	const char *labelled =
		"<html><body><h1>Council approves the tram line</h1>" BODY
		"<ul class=\"info\"><li><span>Datum:</span> 26.01.22</li></ul>"
		"</body></html>";
	const char *recipe =
		"<html><head><script type=\"application/ld+json\">{\"@type\":"
		"\"Recipe\",\"name\":\"Cake\",\"datePublished\":\"2006-10-10\"}"
		"</script></head><body><h1>Council approves the tram line</h1>"
		BODY "</body></html>";

	(void)state;
	assert_published_day(labelled, "2022-01-26");
	assert_published_day(recipe, "2006-10-10");
}

/* Bylines ------------------------------------------------------------------ */

static void test_byline_element_read_into_names(void **state)
{
	static const char *const bylines[][2] = {
		{ "<div class=\"byline\">By Jane Smith and Raj Patel | Nov. 20, "
		  "2019</div>",
		  "Jane Smith and Raj Patel" },
		{ "<span class=\"author\">Von Anna Meier, Redaktion</span>",
		  "Anna Meier" },
		{ "<p class=\"meta\">Par <a rel=\"author\" href=\"/a\">Claire "
		  "Dubois</a></p>",
		  "Claire Dubois" },
		{ "<div itemprop=\"author\">Business reporter Jane Smith</div>",
		  "Jane Smith" },
		{ "<p><i>von Daniela Obers</i></p>", "Daniela Obers" },
		{ "<p><strong>Text:</strong> Klaus Friedrich</p>",
		  "Klaus Friedrich" },
	};
	char buf[2048];

	(void)state;
	for (size_t i = 0; i < sizeof bylines / sizeof bylines[0]; i++) {
		struct article a = { 0 };

		snprintf(buf, sizeof buf,
			 "<html><body><h1>Council approves the tram line</h1>"
			 "%s" BODY "</body></html>",
			 bylines[i][0]);
		testutil_extract(buf, &a);
		if (!a.author || strcmp(a.author, bylines[i][1]))
			fail_msg("byline %zu: got %s, want %s", i,
				 a.author ? a.author : "null", bylines[i][1]);
		article_clear(&a);
	}
}

static void test_byline_lines_and_dates_end_the_names(void **state)
{
	/* A byline element broken into lines by <br> keeps them apart, and
	 * a date after the names ("July 11, 2012") is not a name. */
	const char *lines =
		"<html><body><h1>Council approves the tram line</h1>"
		"<div class=\"DetailByline\"><h2>Friday, January 11, 2008<br>By "
		"Jalilur Rehman</h2></div>" BODY "</body></html>";
	const char *dated =
		"<html><body><h1>Council approves the tram line</h1>"
		"<p class=\"byline\">by Donna Tam July 11, 2012 4:00 AM PDT</p>"
		BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(lines, &a);
	assert_string_equal(a.author, "Jalilur Rehman");
	article_clear(&a);
	testutil_extract(dated, &a);
	assert_string_equal(a.author, "Donna Tam");
	article_clear(&a);
}

static void test_byline_line_on_a_page_without_h1(void **state)
{
	/* No <h1>: the byline line is still read, and the credit after the
	 * name ("Illustration ...") is not part of it. */
	const char *html =
		"<html><body><p><em>Text von Christian Seiler &nbsp; "
		"Illustration Anna Berg</em></p>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_non_null(a.author);
	assert_string_equal(a.author, "Christian Seiler");
	article_clear(&a);
}

static void test_byline_without_a_name_is_no_author(void **state)
{
	/* "By\n\nSeattle Times business reporter": a role, not a name; the
	 * meta author that names the site is no author either. */
	const char *html =
		"<html><head><meta name=\"author\" content=\"Daily Ledger\">"
		"<meta property=\"og:site_name\" content=\"Daily Ledger\">"
		"</head><body><h1>Council approves the tram line</h1>"
		"<div class=\"byline\">By\n\n<span>Seattle Times business "
		"reporter</span></div>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_null(a.author);
	article_clear(&a);
}

static void test_jsonld_author_by_reference(void **state)
{
	/* Yoast's @graph: the article names its author by @id only. */
	const char *html =
		"<html><head><script type=\"application/ld+json\">{\"@graph\":"
		"[{\"@type\":\"Article\",\"author\":{\"@id\":\"https://e.org/#/"
		"person/1\"}},{\"@type\":\"Person\",\"@id\":\"https://e.org/#/"
		"person/1\",\"name\":\"Fiona Berg\"}]}</script></head><body>"
		"<h1>Council approves the tram line</h1>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_non_null(a.author);
	assert_string_equal(a.author, "Fiona Berg");
	article_clear(&a);
}

/* Warnings ------------------------------------------------------------------ */

static void test_headline_that_is_the_first_sentence_is_no_warning(void **state)
{
	/* The headline is the story's first sentence and shares no word with
	 * the rest; the text is what the page shows right after it. */
	const char *html =
		"<html lang=\"en\"><head><title>On Saturday it was announced that "
		"the actor to play the eleventh Doctor was none other than Matt "
		"Smith</title></head><body><div id=\"nav\"><a href=\"/\">Home</a>"
		"</div><div class=\"story\"><h1>On Saturday it was announced that "
		"the actor to play the eleventh Doctor was none other than Matt "
		"Smith</h1><p>\"Who?\" asked people entirely appropriately, and "
		"newspapers across the country went looking for pictures.</p>"
		"<p>Twenty-six years old, largely unknown outside the theatre, "
		"and cheerfully unbothered by the fuss, he said very little "
		"about the part beyond being thrilled.</p></div>"
		"<div class=\"related\"><h3>Related</h3><ul><li><a href=\"/a\">Storm "
		"closes coast road</a></li><li><a href=\"/b\">Council votes on "
		"trams</a></li></ul></div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_non_null(strstr(a.text, "entirely appropriately"));
	assert_false(testutil_has_warning(a.warnings, "text-unlike-headline"));
	article_clear(&a);
}

static void test_date_line_headline_is_no_warning(void **state)
{
	/* The page's headline is a date line; a box stands between it and
	 * the story, so nothing else vouches for the text. */
	const char *html =
		"<html lang=\"en\"><body><h1>Updated Saturday, December 05, 2009 "
		"8:28 PM</h1><ul class=\"share\"><li>Share on Facebook today</li>"
		"<li>Print this story</li></ul>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_non_null(strstr(a.text, "tram line"));
	assert_false(testutil_has_warning(a.warnings, "text-unlike-headline"));
	article_clear(&a);
}

static void test_site_name_title_is_no_headline_to_compare(void **state)
{
	/* No element on the page states the <title>, which is the site's
	 * name and slogan: the text cannot be unlike a headline it never
	 * had. A stated headline over another story is still warned. */
	const char *unstated =
		"<html lang=\"en\"><head><title>Clubcall - Latest football news, "
		"transfers, reports</title></head><body>" BODY "</body></html>";
	const char *stated =
		"<html lang=\"en\"><head><title>Daring diamond heist in downtown "
		"Paris</title></head><body><h1>Daring diamond heist in downtown "
		"Paris</h1><ul class=\"more\"><li><a href=\"/a\">Museum reopens its "
		"west wing after two years of restoration work</a></li><li><a "
		"href=\"/b\">Rail strike called off after overnight talks with "
		"the unions</a></li><li><a href=\"/c\">Heatwave brings record "
		"crowds to the northern beaches this weekend</a></li><li><a "
		"href=\"/d\">Football club appoints former player as its new "
		"manager</a></li><li><a href=\"/e\">Bakery chain opens forty shops "
		"across the southern provinces</a></li></ul>" BODY "</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(unstated, &a);
	assert_false(testutil_has_warning(a.warnings, "text-unlike-headline"));
	article_clear(&a);
	testutil_extract(stated, &a);
	assert_true(testutil_has_warning(a.warnings, "text-unlike-headline"));
	article_clear(&a);
}

/* A site's column of short lines before the story, in the table row that
 * holds both: most of the text comes before the headline, which a story
 * never does. The same column after the story is no such sign. */
#define RESOURCE_COLUMN \
	"<td width=\"28%\"><b>Resources:</b><br><p><font size=\"1\">" \
	"What is Rowing?<br>Risk Factors<br>Boats and " \
	"Oars<br>Reducing Your Risk<br>Training Plans<br>Clubs in " \
	"Ohio<br>Coaching Staff<br>Junior Squads<br>Masters " \
	"Racing<br>Indoor Rowing<br>Regatta Calendar<br>Safety on " \
	"Water<br>Club Insurance<br>Volunteer<br>Get " \
	"Connected<br>Links and Resources<br>Find a Club<br>Contact " \
	"Us<br></font></p></td>"
#define ROWING_STORY \
	"<td width=\"72%\"><h1>Harbour rowing club opens new boathouse</h1>" \
	"<p>Early on Friday the harbour rowing club opened its new " \
	"boathouse, built over two winters by its own members.</p></td>"
static void test_text_mostly_before_headline_is_warned(void **state)
{
	const char *before =
		"<html lang=\"en\"><head><title>Harbour rowing club opens new "
		"boathouse</title></head><body><table><tr>" RESOURCE_COLUMN
		ROWING_STORY "</tr></table></body></html>";
	const char *after =
		"<html lang=\"en\"><head><title>Harbour rowing club opens new "
		"boathouse</title></head><body><table><tr>" ROWING_STORY
		RESOURCE_COLUMN "</tr></table></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(before, &a);
	assert_non_null(strstr(a.text, "What is Rowing?"));
	assert_true(testutil_has_warning(a.warnings, "text-before-headline"));
	article_clear(&a);
	testutil_extract(after, &a);
	assert_non_null(strstr(a.text, "opened its new boathouse"));
	assert_false(testutil_has_warning(a.warnings, "text-before-headline"));
	article_clear(&a);
}

/* A box of other stories printed after a short story, each item a linked
 * headline on a line of its own and its dek (too long for the box to read
 * as a teaser list): the deks are most of the text. Items whose links sit
 * inside their sentences are paragraphs of prose, no such sign. */
#define TEASER_ITEM(url, head, sep) \
	"<p><a href=\"" url "\">" head "</a>" sep
#define MUST_READ(sep) \
	"<div id=\"box\"><span id=\"title\">Must Read</span>" \
	TEASER_ITEM("/s/0", "Cup replays: all the action as it happens", sep) \
	"Follow all the action as it happens from the " \
	"cup replays between the northern clubs, with the league " \
	"games of the evening and every goal, card and substitution " \
	"as it comes in from the grounds. More on the story, with " \
	"the pictures and the reactions, as the day goes on.</p>" \
	TEASER_ITEM("/s/1", "Agent fumes at the champions", sep) \
	"The striker's agent launched an " \
	"astonishing attack on the champions and the league last " \
	"night, and vowed never to bring another of his clients to " \
	"the city again. More on the story, with the pictures and " \
	"the reactions, as the day goes on.</p>" \
	TEASER_ITEM("/s/2", "Manager may sue the owner", sep) \
	"The manager " \
	"is considering legal action against the club's co-owner for " \
	"constructive dismissal after the owner admitted trying to " \
	"line up a replacement in the autumn. More on the story, " \
	"with the pictures and the reactions, as the day goes on.</p>" \
	TEASER_ITEM("/s/3", "Winger raring to go for his return", sep) \
	"The winger is expected to make his " \
	"long-awaited first-team return for the league game against " \
	"his former club at the end of the month, his coach said. " \
	"More on the story, with the pictures and the reactions, as " \
	"the day goes on.</p></div>"
#define TRAM_STORY \
	"<html lang=\"en\"><head><title>Council approves the new tram " \
	"line</title></head><body><div id=\"main\"><div id=\"story\">" \
	"<h1>Council approves the new tram line</h1><p>The city council " \
	"approved the new tram line on Tuesday evening after a debate " \
	"that lasted well past midnight.</p><p>Work on the first " \
	"section, between the station and the university, is to start " \
	"in the spring, the mayor said.</p><p>Opponents said they would " \
	"take the decision to court.</p>"
static void test_text_mostly_teaser_deks_is_warned(void **state)
{
	const char *teasers = TRAM_STORY MUST_READ("<br>")
		"</div></div></body></html>";
	const char *prose = TRAM_STORY MUST_READ(" reports: ")
		"</div></div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(teasers, &a);
	assert_non_null(strstr(a.text, "The striker's agent"));
	assert_true(testutil_has_warning(a.warnings, "text-teasers"));
	article_clear(&a);
	testutil_extract(prose, &a);
	assert_non_null(strstr(a.text, "The striker's agent"));
	assert_false(testutil_has_warning(a.warnings, "text-teasers"));
	article_clear(&a);
}

/* A text shorter than half the page's own description (its summary of
 * the story, 100 characters or more) is not the story: a header box of
 * pull quote and byline taken over a paywalled paragraph. A story as long
 * as its summary, and a title-only page (no text at all), are no such
 * sign. */
#define PRISON_HEAD \
	"<html lang=\"en\"><head><title>Prison official: anyone could " \
	"escape from Northward</title><meta name=\"description\" " \
	"content=\"A senior prison official has said in a sworn affidavit " \
	"that anyone with sufficient determination to escape from the " \
	"island's prison could do so.\"></head><body>"
static void test_text_shorter_than_its_summary_is_warned(void **state)
{
	const char *header_only = PRISON_HEAD
		"<h1>Prison official: anyone could escape from Northward</h1>"
		"<p>'The prison is not fit for high-risk offenders'</p>"
		"</body></html>";
	const char *story = PRISON_HEAD
		"<h1>Prison official: anyone could escape from Northward</h1>"
		"<p>A senior prison official has said in a sworn affidavit that "
		"anyone with sufficient determination to escape from the "
		"island's prison could do so.</p></body></html>";
	const char *title_only = PRISON_HEAD
		"<h1>Prison official: anyone could escape from Northward</h1>"
		"</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(header_only, &a);
	assert_true(testutil_has_warning(a.warnings, "text-short"));
	article_clear(&a);
	testutil_extract(story, &a);
	assert_non_null(strstr(a.text, "sworn affidavit"));
	assert_false(testutil_has_warning(a.warnings, "text-short"));
	article_clear(&a);
	testutil_extract(title_only, &a);
	assert_false(testutil_has_warning(a.warnings, "text-short"));
	article_clear(&a);
}

/* What the run's boilerplate removal leaves is warned on: a text cut to
 * a stub is short, a column of timestamps that is gone no longer
 * repetitive; a short story freed of a teaser list is no warning; an
 * untouched text keeps its warnings. */
static void test_warnings_made_again_on_the_text_left(void **state)
{
	struct article a = { 0 };

	(void)state;
	a.text = strdup("Also in Central Asia");
	a.warnings = strdup("text-repetitive");
	extract_recheck_text(&a, 2000);
	assert_true(testutil_has_warning(a.warnings, "text-short"));
	assert_false(testutil_has_warning(a.warnings, "text-repetitive"));
	article_clear(&a);

	a.text = strdup("");
	a.warnings = strdup("text-unlike-headline\ntext-repetitive");
	extract_recheck_text(&a, 384);
	assert_true(testutil_has_warning(a.warnings, "text-short"));
	assert_true(testutil_has_warning(a.warnings, "text-unlike-headline"));
	assert_false(testutil_has_warning(a.warnings, "text-repetitive"));
	article_clear(&a);

	a.text = strdup("I felt this one pretty good.\n\nI'm located 25 miles south "
			"of the quake.\n\nSlow easy rocking for about 6 seconds.\n\n"
			"This one is pretty rare here: the area has small quakes nearly "
			"every week, and a 4.4 is on the large size for it.");
	extract_recheck_text(&a, 1677);
	assert_null(a.warnings);
	article_clear(&a);

	a.text = strdup("1989");
	a.warnings = strdup("text-repetitive");
	extract_recheck_text(&a, 4);
	assert_true(testutil_has_warning(a.warnings, "text-repetitive"));
	assert_false(testutil_has_warning(a.warnings, "text-short"));
	article_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sitewide_og_title_loses_to_the_agreed_headline),
		cmocka_unit_test(test_site_and_section_prefix_never_win),
		cmocka_unit_test(test_headline_as_the_h1_writes_it),
		cmocka_unit_test(test_headline_broken_by_br_keeps_its_words_apart),
		cmocka_unit_test(test_logo_h1_is_not_the_headline),
		cmocka_unit_test(test_confirmed_headline_keeps_its_last_segment),
		cmocka_unit_test(test_visible_h1_rewording_the_metadata_wins),
		cmocka_unit_test(test_truncated_metadata_title_is_no_vote),
		cmocka_unit_test(test_lone_title_loses_its_site_and_section_prefix),
		cmocka_unit_test(test_published_day_when_the_time_is_malformed),
		cmocka_unit_test(test_published_from_day_first_url_segment),
		cmocka_unit_test(test_published_from_russian_date_line),
		cmocka_unit_test(test_later_head_publication_wins_over_jsonld),
		cmocka_unit_test(test_page_dated_by_its_last_change),
		cmocka_unit_test(test_published_as_the_page_shows_its_last_edit),
		cmocka_unit_test(test_published_from_date_in_the_headline_element),
		cmocka_unit_test(test_published_from_date_line_taken_for_standfirst),
		cmocka_unit_test(test_published_from_dateline_opening_a_paragraph),
		cmocka_unit_test(test_published_from_visible_date_lines),
		cmocka_unit_test(test_published_from_url_date),
		cmocka_unit_test(test_published_from_date_hinted_element_and_graph),
		cmocka_unit_test(test_implausible_dates_rejected),
		cmocka_unit_test(test_published_day_as_the_page_shows_it),
		cmocka_unit_test(test_published_from_labelled_line_and_any_dated_object),
		cmocka_unit_test(test_byline_element_read_into_names),
		cmocka_unit_test(test_byline_lines_and_dates_end_the_names),
		cmocka_unit_test(test_byline_line_on_a_page_without_h1),
		cmocka_unit_test(test_byline_without_a_name_is_no_author),
		cmocka_unit_test(test_jsonld_author_by_reference),
		cmocka_unit_test(test_headline_that_is_the_first_sentence_is_no_warning),
		cmocka_unit_test(test_text_mostly_before_headline_is_warned),
		cmocka_unit_test(test_text_mostly_teaser_deks_is_warned),
		cmocka_unit_test(test_text_shorter_than_its_summary_is_warned),
		cmocka_unit_test(test_date_line_headline_is_no_warning),
		cmocka_unit_test(test_site_name_title_is_no_headline_to_compare),
		cmocka_unit_test(test_warnings_made_again_on_the_text_left),
		cmocka_unit_test(test_published_in_the_publishers_offset),
		cmocka_unit_test(test_same_instant_in_the_head_is_no_later_publication),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
