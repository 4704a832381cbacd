/* Tests for extract: the story's parts in their own fields (standfirst,
 * byline, dateline, captions), the body found below its header, metadata
 * a reader sees (headline by agreement, visible dates, byline names) and
 * the warnings of an extraction that probably failed. Each page is
 * written for the mechanism it checks. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "buf.h"
#include "extract.h"
#include "testutil.h"

#define P1                                                                     \
	"<p>Secretary of State Rex Tillerson arrived in Moscow on Tuesday, "   \
	"carrying a message from Washington that was blunter than any in "   \
	"years, after the chemical attack in Syria.</p>"
#define P2                                                                     \
	"<p>The talks with Foreign Minister Sergei Lavrov, which lasted "       \
	"several hours, ended without agreement on Syria, though both sides "  \
	"said channels of communication would stay open.</p>"
#define P3                                                                     \
	"<p>Officials said a working group would be set up to examine the "    \
	"state of relations, which both sides described as being at a low "   \
	"point, and to report back within weeks.</p>"

/* The header zone's standfirst, byline and dateline, and the pictures'
 * captions, leave `text` for fields of their own; a gallery's caption
 * printed twice is listed once. */
static void test_extract_parts_leave_the_text(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow | News</title></head><body>"
		"<article><h1>Tillerson in Moscow</h1>"
		"<p class=\"dek\">The secretary of state brought a blunt message "
		"and left without a deal on Syria, officials on both sides said.</p>"
		"<p>By Ann Lee and Bo Park</p>"
		"<p>Updated 5:27 am CST, Wednesday, November 20, 2019</p>"
		"<div class=\"story-body\">" P1
		"<figure><img src=\"a.jpg\"><figcaption>Rex Tillerson at the "
		"Kremlin. (Photo: AP)</figcaption></figure>" P2
		"<figure><img src=\"a.jpg\"><figcaption>Rex Tillerson at the "
		"Kremlin. (Photo: AP)</figcaption></figure>" P3
		"</div></article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "arrived in Moscow", "within weeks.", NULL },
			    (const char *const[]){ "blunt message", "Ann Lee", "5:27", "Kremlin",
						   NULL });
	assert_non_null(a.standfirst);
	assert_non_null(strstr(a.standfirst, "blunt message"));
	assert_string_equal(a.byline, "By Ann Lee and Bo Park");
	assert_string_equal(a.dateline, "Updated 5:27 am CST, Wednesday, November 20, 2019");
	assert_string_equal(a.captions, "Rex Tillerson at the Kremlin. (Photo: AP)");
	/* what a reader sees: the byline's names, the dateline's date */
	assert_string_equal(a.author, "Ann Lee and Bo Park");
	assert_string_equal(a.published, "2019-11-20T00:00:00Z");
	article_clear(&a);
}

/* A summary classed as the story's teaser ("article-teaser") before
 * its text is the standfirst, though "teaser" is a negative word (boxes
 * of other stories' teasers carry it): it was dropped. A teaser box
 * after the text is still dropped from both fields. */
static void test_extract_teaser_before_the_text_is_the_standfirst(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow | News</title></head><body>"
		"<div class=\"article\"><h1>Tillerson in Moscow</h1>"
		"<div class=\"article-intro\"><p class=\"article-teaser\">The "
		"secretary of state brought a blunt message and left without a "
		"deal on Syria, officials on both sides said.</p></div>"
		"<div class=\"article-content\">" P1 P2 P3 "</div>"
		"<div class=\"teaser\"><p>Lavrov met the Chinese foreign minister "
		"in Beijing last week, and the two men agreed on very little, "
		"their aides said afterwards.</p></div></div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "arrived in Moscow", NULL },
			    (const char *const[]){ "blunt message", NULL });
	assert_non_null(a.standfirst);
	assert_non_null(strstr(a.standfirst, "blunt message"));
	assert_null(strstr(a.text, "Chinese foreign minister"));
	assert_null(strstr(a.standfirst, "Chinese foreign minister"));
	article_clear(&a);
}

/* A header box (headline, a standfirst, a byline) boosted for holding the
 * headline does not win over the longer body right below it, here a
 * story told mostly in a table that scores weakly. */
static void test_extract_header_never_wins_over_the_body_below(void **state)
{
	const char *html =
		"<html><head><title>Pyramid with GA2</title></head><body>"
		"<div class=\"sidebar\"><p>Subscribe to our newsletter for weekly "
		"training plans and more.</p></div>"
		"<article class=\"post\"><div class=\"post-header-inner\">"
		"<div class=\"post-header-title\"><h1>Pyramid with GA2</h1>"
		"<div class=\"post-excerpt\"><p>The focus of this session is a "
		"medley pyramid over 1,000 metres, and it gets a little faster as "
		"it goes on.</p></div>"
		"<div class=\"post-meta\"><span>By Jule Radeck</span></div>"
		"</div></div>"
		"<div class=\"entry-content\">"
		"<p>For the 8 x 50 metres of dolphin kick you switch between front, "
		"side and back, with fins, and keep the rest short.</p>"
		"<p>The main set is the medley pyramid over 1,000 metres. Here you "
		"swim each length of the pyramid in medley order.</p>"
		"<table><tr><td>400 m</td><td>warm up, medley in reverse order</td></tr>"
		"<tr><td>8 x 50 m</td><td>dolphin kick with fins</td></tr>"
		"<tr><td>8 x 50 m</td><td>front crawl, technique</td></tr>"
		"<tr><td>1000 m</td><td>medley pyramid 50-100-150-200-150-100-50</td></tr>"
		"<tr><td>200 m</td><td>easy swimming to cool down</td></tr></table>"
		"</div></article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "dolphin kick", "main set", NULL },
			    (const char *const[]){ "newsletter", NULL });
	assert_non_null(a.standfirst);
	assert_non_null(strstr(a.standfirst, "medley pyramid over 1,000"));
	article_clear(&a);
}

/* The same when the header sits deep in its own boxes (hero, container,
 * column: five levels above the headline) and the body in a sibling
 * branch of the page's wrapper: what decides is that nothing but the
 * header stands between the headline and the body, not how far up their
 * common ancestor is. A box of other stories further down stays out. */
static void test_extract_deep_header_never_wins_over_the_body_below(void **state)
{
	const char *html =
		"<html><head><title>Twitter Lite reaches Latin America</title></head>"
		"<body><div class=\"page\"><div class=\"content-header\">"
		"<div class=\"hero\"><div class=\"container\"><div class=\"col-7 articleHead\">"
		"<a href=\"/apps\">Apps</a><h1>Twitter Lite reaches Latin America</h1>"
		"<p class=\"dek\">The version of Twitter that saves data, loads "
		"tweets faster, works offline and takes 3 MB arrives in Mexico, "
		"Venezuela, Peru, Chile and seven more countries, it said.</p>"
		"<div class=\"author\"><span>by </span><a href=\"/p/cs\">Cesar Salza</a>"
		"</div></div></div></div></div>"
		"<div class=\"contentWrap\"><div class=\"container\"><div class=\"row\">"
		"<div class=\"col-12\"><article id=\"article-body\"><div class=\"main\">"
		"<p>Twitter Lite will be on the Play Store in eleven countries of "
		"Latin America from today.</p>"
		"<p>Twitter said that Twitter Lite reaches 24 new countries today, "
		"eleven of them in Latin America.</p>"
		"<p>It is now available in Bolivia, Brazil, Chile, Colombia, Costa "
		"Rica, Ecuador, Mexico, Panama, Peru, El Salvador and Venezuela.</p>"
		"<p>The app takes up less room on the phone, at 3 MB, and loads "
		"tweets faster on slow networks.</p>"
		"</div></article></div></div></div></div></div>"
		"<div class=\"more\"><h2>More stories</h2>"
		"<p>A long teaser about another story entirely, which takes up far "
		"more room than the story above it and tells of phones, tablets, "
		"laptops, watches, headphones and cameras, with prices.</p></div>"
		"</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Play Store in eleven countries",
						   "Bolivia, Brazil", NULL },
			    (const char *const[]){ "another story entirely", NULL });
	assert_non_null(a.standfirst);
	assert_non_null(strstr(a.standfirst, "saves data"));
	article_clear(&a);
}

/* The same when the headline stands in a box the strict pass skips (a
 * "header" class) and the body in the next container of the article: the
 * skipped box counts as no text between them, and the teaser under the
 * headline does not win over the body. */
static void test_extract_body_in_next_container_after_skipped_header(void **state)
{
	const char *html =
		"<html><head><title>Habeck in Munich</title></head><body><main>"
		"<div class=\"news-single\"><div class=\"article\">"
		"<div class=\"container\"><div class=\"header\"><h1>Habeck in Munich</h1>"
		"</div><div class=\"teaser-text\"><p>The meeting of the climate "
		"minister and the premier ended without a change to the distance "
		"rule for wind turbines, which the association regrets; forests, "
		"it says, cannot carry the whole expansion alone.</p></div></div>"
		"<div class=\"container\"><div class=\"rte\">" P1 P2 P3 "</div></div>"
		"</div></div></main></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    NULL);
}

/* A standfirst never holds the story: an excerpt heading left open
 * that swallowed the body (libxml2 nests the body's <div> in the <h2>)
 * is the start of the text, not a standfirst of the whole story. */
static void test_extract_standfirst_never_holds_the_story(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<main><h1>Tillerson in Moscow</h1>"
		"<h2 class=\"article-excerpt\">The visit is the first by a member of "
		"the new cabinet."
		"<div class=\"article-content\">" P1 P2 P3 "</div>"
		"</main></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    NULL);
	assert_true(!a.standfirst || !strstr(a.standfirst, "Tillerson arrived"));
	article_clear(&a);
}

/* The headline is the <h1> the other statements agree with: a site-wide
 * og:title, a "Site | Section | Title" <title>, a logo's <h1> and an
 * og:title with a long suffix do not win over it. */
static void test_extract_headline_by_agreement(void **state)
{
	const char *sitewide =
		"<html><head><title>BBC NEWS | Scotland | Ferry strike called off "
		"after late talks</title>"
		"<meta property=\"og:title\" content=\"Yahoo News - Latest News &amp; "
		"Headlines\"></head><body><div class=\"logo\"><h1>BBC NEWS</h1></div>"
		"<div class=\"story\"><h1>Ferry strike called off after late talks</h1>"
		P1 P2 P3 "</div></body></html>";
	const char *suffix =
		"<html><head><title>Ferry strike called off after late talks</title>"
		"<meta property=\"og:title\" content=\"Ferry strike called off after "
		"late talks :: The Herald Online Edition Today\"></head><body>"
		"<div class=\"story\"><h1>Ferry strike called off after late talks</h1>"
		P1 P2 P3 "</div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(sitewide, &a);
	assert_string_equal(a.title, "Ferry strike called off after late talks");
	article_clear(&a);
	testutil_extract(suffix, &a);
	assert_string_equal(a.title, "Ferry strike called off after late talks");
	article_clear(&a);
}

/* Dates a reader sees stand in when the metadata has none: an element
 * that shows the date near the headline, else the URL's. */
static void test_extract_dates_from_the_page_and_url(void **state)
{
	const char *shown =
		"<html><head><title>Ferry strike called off</title></head><body>"
		"<div class=\"teasers\"><span class=\"date\">01.02.2020</span>"
		"<a href=\"/x\">Another story</a></div>"
		"<article><h1>Ferry strike called off</h1>"
		"<span class=\"news-time\">Stand: 27.01.2022, 19:49 Uhr</span>"
		P1 P2 P3 "</article></body></html>";
	const char *url =
		"<html><head><title>Ferry strike called off</title>"
		"<link rel=\"canonical\" href=\"https://example.com/2019/11/20/ferry-strike/\">"
		"</head><body><article><h1>Ferry strike called off</h1>"
		P1 P2 P3 "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(shown, &a);
	assert_string_equal(a.published, "2022-01-27T00:00:00Z");
	article_clear(&a);
	testutil_extract(url, &a);
	assert_string_equal(a.published, "2019-11-20T00:00:00Z");
	article_clear(&a);
}

/* Bylines become names: the opening word, the date and the role go. */
static void test_extract_byline_names(void **state)
{
	const char *html =
		"<html><head><title>Ferry strike called off</title></head><body>"
		"<article><h1>Ferry strike called off</h1>"
		"<div class=\"author\">Von Jule Radeck | 3. Februar 2022</div>"
		P1 P2 P3 "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.author, "Jule Radeck");
	assert_string_equal(a.published, "2022-02-03T00:00:00Z");
	article_clear(&a);
}

/* A column of comment timestamps taken for the story, under a headline
 * it shares no word with, is warned about twice; a right story is not. */
static void test_extract_warns_when_extraction_probably_failed(void **state)
{
	const char *wrong =
		"<html lang=\"en\"><head><title>Saints place Reggie Bush on injured "
		"list</title></head><body><h1>Saints place Reggie Bush on injured "
		"list</h1><div class=\"newswire\">"
		"<p>12-12-2006 15:27 | 1 comment(s)</p><p>09-12-2006 10:49 | 0 comment(s)</p>"
		"<p>02-12-2006 15:28 | 0 comment(s)</p><p>30-11-2006 18:22 | 0 comment(s)</p>"
		"<p>29-11-2006 12:44 | 0 comment(s)</p><p>28-11-2006 20:55 | 0 comment(s)</p>"
		"<p>27-11-2006 23:48 | 6 comment(s)</p><p>27-11-2006 20:30 | 1 comment(s)</p>"
		"</div></body></html>";
	const char *right =
		"<html lang=\"en\"><head><title>Tillerson arrives in Moscow</title>"
		"</head><body><article><h1>Tillerson arrives in Moscow</h1>"
		P1 P2 P3 "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(wrong, &a);
	assert_true(testutil_has_warning(a.warnings, "text-unlike-headline"));
	assert_true(testutil_has_warning(a.warnings, "text-repetitive"));
	article_clear(&a);
	testutil_extract(right, &a);
	assert_null(a.warnings);
	article_clear(&a);
}

/* A brief whose page has a longer cookie banner and newsletter prompt:
 * the relaxed passes, which run because the story is short, do not take
 * them in. */
static void test_extract_relaxed_passes_keep_out_banners(void **state)
{
	const char *html =
		"<html><head><title>Ferry strike called off</title></head><body>"
		"<div class=\"cookie-consent\"><p>We use cookies and similar "
		"technologies to improve your experience, to measure the audience of "
		"our site and to show you personalised advertising. By clicking "
		"accept, you agree to the storing of cookies on your device, as "
		"described in our privacy policy, which you can read at any time, "
		"and you can change your choice later in the settings.</p></div>"
		"<div class=\"content\"><h1>Ferry strike called off</h1>"
		"<p>The ferry strike planned for Friday was called off after late "
		"talks, the union said.</p></div>"
		"<div class=\"newsletter-signup\"><p>Get the best of our journalism "
		"in your inbox every morning, with the stories that matter, analysis "
		"from our correspondents and the day's most read articles, free of "
		"charge, and unsubscribe at any time with one click.</p></div>"
		"</body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "ferry strike planned", NULL },
			    (const char *const[]){ "cookies", "inbox", NULL });
}

/* The publisher's own copy of the story (JSON-LD articleBody) stands in
 * when the DOM's choice shares almost none of its words: here a comment
 * thread longer than the story it follows. */
static void test_extract_jsonld_body_stands_in_for_another_text(void **state)
{
	const char *html =
		"<html><head><title>Ferry strike called off</title>"
		"<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", "
		"\"headline\": \"Ferry strike called off\", \"articleBody\": "
		"\"The ferry strike planned for Friday was called off after late "
		"talks between the union and the operator, which ended shortly "
		"before midnight with an offer on wages and rest periods.\\nCrews "
		"will vote on the offer next week; until then, all sailings between "
		"the mainland and the islands run to the usual timetable, the "
		"operator said in a statement on its website. Passengers who "
		"rebooked their trips can ask for a refund at the ticket offices.\"}</script>"
		"</head><body><h1>Ferry strike called off</h1>"
		"<div class=\"thread\">"
		"<p>I have been saying for years that nobody in charge listens to the "
		"people who actually have to use these services every single day of "
		"the week.</p><p>Absolutely right, and the prices keep going up while "
		"everything else goes down, I really do not understand how anybody "
		"puts up with it any more.</p><p>Well said. Same story every winter, "
		"nothing ever changes and nothing ever will until people start "
		"voting differently, mark my words.</p></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "ferry strike planned for Friday", NULL },
			    (const char *const[]){ "mark my words", NULL });
}

/* An articleBody written as HTML is read as HTML when it stands in: its
 * paragraphs are the text's, its tags, entities and scripts never are. */
static void test_extract_jsonld_body_in_html_is_read_as_html(void **state)
{
	const char *html =
		"<html><head><title>Ferry strike called off</title>"
		"<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", "
		"\"headline\": \"Ferry strike called off\", \"articleBody\": "
		"\"<p>The ferry strike planned for Friday was called off after late "
		"talks between the union and the operator, which ended shortly "
		"before <strong>midnight</strong> with an offer on wages &amp; rest "
		"periods.</p><p>Crews will vote on the offer next week;<br>until then, "
		"all sailings between the mainland and the islands run to the usual "
		"timetable, the operator said in a statement on its website.</p>"
		"<script>var x = 1;<\\/script><p>Passengers who rebooked their trips "
		"can ask for a refund at the ticket offices.<\\/p>\"}</script>"
		"</head><body><h1>Ferry strike called off</h1>"
		"<div class=\"thread\">"
		"<p>I have been saying for years that nobody in charge listens to the "
		"people who actually have to use these services every single day of "
		"the week.</p><p>Absolutely right, and the prices keep going up while "
		"everything else goes down, I really do not understand how anybody "
		"puts up with it any more.</p><p>Well said. Same story every winter, "
		"nothing ever changes and nothing ever will until people start "
		"voting differently, mark my words.</p></div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "The ferry strike planned for Friday",
						   "before midnight with an offer on wages & rest periods.",
						   "next week;\n\nuntil then", "periods.\n\nCrews",
						   NULL },
			    NULL);
	assert_null(strchr(a.text, '<'));
	testutil_text_holds(a.text,
			    NULL,
			    (const char *const[]){ "var x", "&amp;", "mark my words", NULL });
	article_clear(&a);
}

/* A promo heading and its list of links inside the story ("DON'T MISS"
 * after the third paragraph) do not end it when prose follows; the same
 * heading at the end still does. */
static void test_extract_promo_inside_the_story_does_not_end_it(void **state)
{
	const char *inside =
		"<html><head><title>Tillerson in Moscow</title></head><body><article>"
		"<h1>Tillerson in Moscow</h1>" P1 P2 P3
		"<p><strong>DON'T MISS</strong></p>"
		"<ul><li><a href=\"/a\">Ten things to know about the Kremlin</a></li>"
		"<li><a href=\"/b\">Who is Sergei Lavrov?</a></li></ul>"
		"<p>Later on Wednesday, Tillerson met President Vladimir Putin for two "
		"hours at the Kremlin, a meeting that had not been announced and that "
		"Russian officials had said until the last moment would not take "
		"place, in a sign of how uncertain the visit had been.</p>"
		"<p>Both sides described the talks as frank. The Russian foreign "
		"ministry said in a statement that the two countries had agreed to "
		"keep talking about Syria and about their embassies.</p>"
		"</article></body></html>";
	const char *after =
		"<html><head><title>Tillerson in Moscow</title></head><body><article>"
		"<h1>Tillerson in Moscow</h1>" P1 P2 P3
		"<p><strong>DON'T MISS</strong></p>"
		"<ul><li><a href=\"/a\">Ten things to know about the Kremlin</a></li>"
		"<li><a href=\"/b\">Who is Sergei Lavrov?</a></li></ul>"
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(inside, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "met President Vladimir Putin", NULL },
			    (const char *const[]){ "DON'T MISS", NULL });
	article_clear(&a);
	testutil_extract(after, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "DON'T MISS", "Kremlin", NULL });
	article_clear(&a);
}

/* The headings that end a story or head a promo inside it are known in
 * the other languages of the tests too: a German "Auch interessant" box
 * inside the story is skipped (the story goes on after it), and the
 * comment form's "Kommentar verfassen" ends the story. */
static void test_extract_end_markers_in_other_languages(void **state)
{
	const char *html =
		"<html lang=\"de\"><head><title>Tillerson in Moskau</title></head><body>"
		"<article><h1>Tillerson in Moskau</h1>"
		"<p>Der amerikanische Außenminister Rex Tillerson ist am Dienstag in "
		"Moskau eingetroffen, mit einer Botschaft aus Washington, die so "
		"deutlich war wie seit Jahren keine, nach dem Giftgasangriff in "
		"Syrien, bei dem in der vergangenen Woche Dutzende starben.</p>"
		"<p>Die Gespräche mit Außenminister Sergej Lawrow dauerten mehrere "
		"Stunden und endeten ohne Einigung über Syrien, doch beide Seiten "
		"sagten, die Kanäle blieben offen.</p>"
		"<p><strong>Auch interessant</strong></p>"
		"<p><a href=\"/a\">Zehn Dinge, die man über den Kreml wissen muss</a></p>"
		"<p>Eine Arbeitsgruppe soll nun den Stand der Beziehungen prüfen, die "
		"beide Seiten als auf einem Tiefpunkt beschrieben, und binnen "
		"Wochen berichten, hieß es aus beiden Delegationen am Abend. Wer "
		"der Gruppe angehören soll, sagte keine der beiden Regierungen; "
		"auch ein Termin für das erste Treffen steht noch nicht fest.</p>"
		"<h3>Kommentar verfassen</h3>"
		"<p>Ihre E-Mail-Adresse wird nicht veröffentlicht, und Ihr Name "
		"erscheint neben dem Kommentar, den Sie hier unten schreiben.</p>"
		"</article></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "binnen Wochen berichten", NULL },
			    (const char *const[]){ "Auch interessant", "Zehn Dinge", "Kommentar",
						   NULL });
	testutil_page_holds("<html><body><article><h1>Tillerson in Moscow</h1>" P1 P2 P3
			    "<h3>Sie k\xc3\xb6nnten auch an folgenden Artikeln interessiert "
			    "sein</h3></article></body></html>",
			    (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "folgenden Artikeln", NULL });
	testutil_page_holds("<html><body><article><h1>Tillerson in Moscow</h1>" P1 P2 P3
			    "<h3>Vorschau auf den n\xc3\xa4" "chsten Artikel</h3><p>Am Donnerstag "
			    "folgt eine Rezension.</p></article></body></html>",
			    (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "Vorschau", "Rezension", NULL });
}

/* What a <figure> with a picture says besides the picture is its caption
 * or credit, whatever the markup ("span.description"); a figure without a
 * picture (a table of figures) stays in the text. */
static void test_extract_picture_figure_text_is_a_caption(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body><article>"
		"<h1>Tillerson in Moscow</h1>" P1
		"<figure class=\"element\"><img src=\"/k.jpg\">"
		"<span class=\"description\">Judy Eddy/WENN.com</span></figure>"
		P2 "<figure class=\"wp-block-table\"><table><tr><td>Talks held "
		"in Moscow this year: four, all of them without agreement</td></tr>"
		"</table></figure>" P3
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "WENN", NULL });
	assert_non_null(a.captions);
	assert_non_null(strstr(a.captions, "Judy Eddy/WENN.com"));
	assert_non_null(strstr(a.text, "Talks held in Moscow this year"));
	article_clear(&a);
}

/* A date line's labels are known in the other languages of the tests:
 * an Italian "Pubblicato il ... Ultima modifica ..." line is the
 * dateline, not text. */
static void test_extract_dateline_in_other_languages(void **state)
{
	const char *html =
		"<html lang=\"it\"><head><title>Tillerson a Mosca</title></head><body>"
		"<article><h1>Tillerson a Mosca</h1>"
		"<p>Pubblicato il 19 Febbraio 2020 Ultima modifica 19 Febbraio 2020 12:02</p>"
		"<p>Il segretario di Stato Rex Tillerson è arrivato a Mosca martedì, "
		"con un messaggio di Washington più duro di qualsiasi altro da anni, "
		"dopo l'attacco chimico in Siria della settimana scorsa.</p>"
		"<p>I colloqui con il ministro degli Esteri Sergej Lavrov, durati "
		"diverse ore, si sono conclusi senza un accordo sulla Siria, anche "
		"se entrambe le parti hanno detto che i canali restano aperti.</p>"
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "canali restano aperti", NULL },
			    (const char *const[]){ "Ultima modifica", NULL });
	assert_non_null(a.dateline);
	assert_non_null(strstr(a.dateline, "Pubblicato il 19 Febbraio 2020"));
	article_clear(&a);
}

/* What follows the story in boxes that say what they are is not text: a
 * disclaimer, the author's bio box. The byline ("author" alone) stays a
 * byline. */
static void test_extract_drops_disclaimer_and_author_bio(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body><article>"
		"<h1>Tillerson in Moscow</h1><div class=\"author\">By Jane Smith</div>"
		"<div class=\"entry-content\">" P1 P2 P3
		"<p class=\"aawp-disclaimer\">The links in this article are affiliate "
		"links: we earn a commission when you buy through them.</p></div>"
		"<section class=\"author-box\"><p>Jane Smith covers Russia and the "
		"former Soviet republics from Moscow, where she has lived since 2009 "
		"with her family and two dogs.</p></section>"
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "affiliate", "two dogs", NULL });
	assert_non_null(a.byline);
	assert_non_null(strstr(a.byline, "Jane Smith"));
	article_clear(&a);
}

/* A caption never holds the story: a gallery page whose story is told in
 * its slide's "caption" block prints it as text; a picture's caption
 * beside a story still goes to captions. */
static void test_extract_caption_never_holds_the_story(void **state)
{
	const char *gallery =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<article><h1>Tillerson in Moscow</h1><div id=\"slide-body\">"
		"<img src=\"/1.jpg\"><div class=\"caption\">" P1 P2 P3 "</div>"
		"</div></article></body></html>";
	const char *story =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<article><h1>Tillerson in Moscow</h1>" P1 "<img src=\"/1.jpg\">"
		"<div class=\"caption\">Rex Tillerson at the Kremlin.</div>" P2 P3
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(gallery, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow", "within weeks.",
						   NULL },
			    NULL);
	article_clear(&a);
	testutil_extract(story, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "at the Kremlin.", NULL });
	assert_non_null(a.captions);
	assert_non_null(strstr(a.captions, "Rex Tillerson at the Kremlin."));
	article_clear(&a);
}

/* A press release's contact block after the story ("Pressekontakt:",
 * "Media contact:") ends it: names, phone numbers and addresses follow,
 * not more of the story. */
static void test_extract_press_contact_ends_the_story(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body><article>"
		"<h1>Tillerson in Moscow</h1>" P1 P2 P3
		"<p><strong>Media contact:</strong></p>"
		"<p>Anna Meier, Press Office</p><p>Phone +49 30 1234 5678</p>"
		"</article></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "Media contact", "Press Office", NULL });
}

/* A news round-up whose items open with a linked bold headline, each
 * followed by its story, is kept: items that carry prose of their own are
 * not a list of teasers for other stories. */
static void test_extract_keeps_a_round_up_of_items_with_prose(void **state)
{
	const char *html =
		"<html><head><title>The week in the city</title></head><body>"
		"<article><h1>The week in the city</h1>"
		"<p>It was a busy week at the town hall and beyond, with decisions on "
		"the harbour, the schools and the buses that will change daily life "
		"in the city for months to come. Here is what happened.</p>"
		"<div class=\"roundup\">"
		"<div class=\"item\"><a href=\"/council\"><b>Council approves the new harbour budget after a long debate that ran late into the night on Monday, officials said in a statement</b></a> The city council approved the harbour budget on Monday night after four hours of debate, with the opposition voting against it because, its leader said, the plan does too little for the fishing fleet and far too much for the marina.</div>"
		"<div class=\"item\"><a href=\"/school\"><b>School on Mill Road to close for six weeks of repairs to its roof over the summer holidays this year, officials said in a statement</b></a> The primary school on Mill Road will close for six weeks over the summer so that builders can replace its roof and windows, the education department said, adding that the work was paid for by a grant from the national fund.</div>"
		"<div class=\"item\"><a href=\"/library\"><b>Central library opens on Sunday afternoons from next month on a trial basis after a petition by readers, officials said in a statement</b></a> The central library will open on Sunday afternoons from next month in a trial that will run until the end of the year, after hundreds of readers signed a petition asking for longer hours at weekends and during the holidays.</div>"
		"<div class=\"item\"><a href=\"/bus\"><b>Bus fares rise by ten cents on all routes in the spring as the transport company blames fuel and wages, officials said in a statement</b></a> Fares on every bus route will rise by ten cents in April, the transport company announced, blaming the price of fuel and wages, while monthly passes will stay at their current price until the end of the summer season.</div>"
		"</div></article></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "four hours of debate", "replace its roof",
						   "monthly passes", NULL },
			    NULL);
}

/* A line that is only an address (the report's URL, a site to visit)
 * is part of the story: its link shows where it leads rather than naming
 * another story, so it is no link list to drop. A line of linked words
 * stays out. */
static void test_extract_keeps_lines_that_are_only_a_url(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body><article>"
		"<h1>Tillerson in Moscow</h1>" P1 P2
		"<p><a href=\"https://www.state.gov/moscow-talks\">"
		"https://www.state.gov/moscow-talks</a></p>"
		"<p><a href=\"/more\">More from our Moscow bureau</a></p>"
		"<p>www.kremlin.ru/events</p>" P3
		"</article></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "\n\nhttps://www.state.gov/moscow-talks\n\n",
						   "\n\nwww.kremlin.ru/events\n\n", "within weeks.",
						   NULL },
			    (const char *const[]){ "Moscow bureau", NULL });
}

/* The site's name and the page's tags: article:tag metas, else JSON-LD
 * keywords, else meta keywords; each tag once, trimmed. */
static void test_extract_sitename_and_tags(void **state)
{
	const char *html =
		"<html><head><title>Ferry strike called off</title>"
		"<meta property=\"og:site_name\" content=\" The Herald \">"
		"<meta property=\"article:tag\" content=\"Ferries\">"
		"<meta property=\"article:tag\" content=\"Strikes\">"
		"<meta property=\"article:tag\" content=\"Ferries\">"
		"<meta name=\"keywords\" content=\"news, home, weather\">"
		"</head><body><article><h1>Ferry strike called off</h1>" P1 P2 P3
		"</article></body></html>";
	const char *keywords =
		"<html><head><title>Ferry strike called off</title>"
		"<meta name=\"keywords\" content=\" ferries , strikes,,unions \">"
		"</head><body><article><h1>Ferry strike called off</h1>" P1 P2 P3
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.sitename, "The Herald");
	assert_string_equal(a.tags, "Ferries\nStrikes");
	article_clear(&a);
	testutil_extract(keywords, &a);
	assert_string_equal(a.tags, "ferries\nstrikes\nunions");
	article_clear(&a);
}

/* The author's bio after the story, with no box or class to tell it
 * ("Jule Radeck studierte ...", "Dr. Arne Sjöström ist ..."), is no part
 * of the text: the last paragraphs that open with an author's name (of
 * two words or more) are cut. A closing paragraph that opens with someone
 * else's name stays. */
#define BIO_STORY(author, last)                                               \
	"<html><head><meta name=\"author\" content=\"" author "\"></head>"    \
	"<body><article><h1>Harbour pool reopens after two winters</h1>"     \
	"<p>The harbour pool reopened on Saturday after two winters of "      \
	"repairs, and a queue of swimmers stood at the gate by six.</p>"     \
	"<p>The city paid for new pumps, a heated shallow end and a ramp "    \
	"for wheelchairs, the mayor said at the opening.</p>"                 \
	"<p>Entry stays free for children under twelve all summer long.</p>" \
	"<p>" last "</p></article></body></html>"
static void test_extract_cuts_the_authors_bio(void **state)
{
	(void)state;
	testutil_page_holds(BIO_STORY("Jule Radeck", "Jule Radeck studierte "
				      "Sportwissenschaften, bevor sie als Volontärin nach "
				      "Hamburg zog."),
			    (const char *const[]){ "Entry stays free", NULL },
			    (const char *const[]){ "studierte", NULL });
	testutil_page_holds(BIO_STORY("Clara Löw, Arne Sjöström", "Dr. Arne "
				      "Sjöström ist Lead People Scientist bei einer Firma "
				      "in Berlin."),
			    (const char *const[]){ "Entry stays free", NULL },
			    (const char *const[]){ "People Scientist", NULL });
	/* the name with a middle initial the metadata leaves out */
	testutil_page_holds(BIO_STORY("Evan Symon", "Evan V. Symon is the "
				      "Senior Editor of the Harbour Globe."),
			    (const char *const[]){ "Entry stays free", NULL },
			    (const char *const[]){ "Senior Editor", NULL });
	testutil_page_holds(BIO_STORY("Jule Radeck", "Anna Berg, who swam "
				      "first, said the water was colder than she had hoped."),
			    (const char *const[]){ "Entry stays free", "colder than", NULL },
			    NULL);
}

/* A paywall's or newsletter's appeal after the story ("Subscribe now to
 * our edition for the full story.", "Sign up here") is the site
 * speaking, not the body: the last paragraphs that hold such a word are
 * cut, and so is a closing label that introduces nothing ("Autoren:"). A
 * longer sentence of the story about subscriptions stays, and so do a
 * subscriber's quote and a label with story after them. */
#define APPEAL_STORY(last)                                                    \
	"<html><body><article><h1>Harbour pool reopens after two winters</h1>" \
	"<p>The harbour pool reopened on Saturday after two winters of "      \
	"repairs, and a queue of swimmers stood at the gate by six.</p>"     \
	"<p>The city paid for new pumps, a heated shallow end and a ramp "    \
	"for wheelchairs, the mayor said at the opening.</p>"                 \
	"<p>Entry stays free for children under twelve all summer long.</p>" \
	last "</article></body></html>"
static void test_extract_cuts_appeals_after_the_story(void **state)
{
	(void)state;
	testutil_page_holds(APPEAL_STORY("<p>Subscribe now to our Harbour "
					 "Weekly edition for the full story.</p><p>Already a "
					 "subscriber? Log in for immediate access.</p>"),
			    (const char *const[]){ "Entry stays free", NULL },
			    (const char *const[]){ "full story", "Log in", NULL });
	testutil_page_holds(APPEAL_STORY("<p>Do you want to hear of the "
					 "pool's events? Sign up here</p>"),
			    (const char *const[]){ "Entry stays free", NULL },
			    (const char *const[]){ "Sign up here", NULL });
	testutil_page_holds(APPEAL_STORY("<p>Season tickets, which the city "
					 "sold as a subscription until 2019, are back: the "
					 "council voted on Tuesday to offer them again from "
					 "June, at half the price of the old ones, with a "
					 "discount for families of four or more and for all "
					 "pensioners living in the city.</p>"),
			    (const char *const[]){ "Entry stays free", "sold as a subscription",
						   NULL },
			    NULL);
	testutil_page_holds(APPEAL_STORY("<h4>Autoren:</h4>"),
			    (const char *const[]){ "Entry stays free", NULL },
			    (const char *const[]){ "Autoren", NULL });
	testutil_page_holds(APPEAL_STORY("<p>Opening hours:</p><p>The pool opens "
					 "at seven on weekdays from May to September.</p>"),
			    (const char *const[]){ "Opening hours:", "opens at seven", NULL },
			    NULL);
	testutil_page_holds(APPEAL_STORY("<p>\"I subscribed for years,\" said "
					 "Anna Berg.</p><p>The pool opens at seven on "
					 "weekdays from May to September.</p>"),
			    (const char *const[]){ "I subscribed", "opens at seven", NULL },
			    NULL);
}

/* The page's own description shown on the page before the story's
 * blocks, where neither the header zone nor a class hint finds it (a
 * lead in a "header" box the strict pass skips, a headline too far up),
 * is the standfirst: the publisher says it sums the story up. A hidden
 * copy of it is not (and when the story's first paragraph repeats the
 * description, that stays in the text). */
#define LEAD "The secretary of state brought a blunt message to Moscow and " \
	"left without a deal on Syria, officials on both sides said."
#define LEAD_PAGE(lead_attrs, first)                                          \
	"<html><head><title>Tillerson in Moscow</title>"                      \
	"<meta name=\"description\" content=\"" LEAD "\"></head><body>"     \
	"<div class=\"article\"><div class=\"row\"><div class=\"col\">"     \
	"<div class=\"header\"><h3>Tillerson in Moscow</h3></div></div></div>" \
	"<div class=\"header-intro\"><div " lead_attrs "><p>" LEAD "</p></div>" \
	"</div><div class=\"row\"><div class=\"news-text-wrap\">" first     \
	P1 P2 P3 "</div></div></div></body></html>"
static void test_extract_description_shown_before_the_story_is_the_standfirst(void **state)
{
	struct article a = { 0 };

	(void)state;
	testutil_extract(LEAD_PAGE("class=\"intro\"", ""), &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", NULL },
			    (const char *const[]){ "blunt message", NULL });
	assert_non_null(a.standfirst);
	assert_string_equal(a.standfirst, LEAD);
	article_clear(&a);
	testutil_extract(LEAD_PAGE("class=\"intro\" hidden", ""), &a);
	assert_null(a.standfirst);
	article_clear(&a);
	testutil_extract(LEAD_PAGE("class=\"intro\" hidden", "<p>" LEAD "</p>"), &a);
	testutil_text_holds(a.text, (const char *const[]){ "blunt message", NULL }, NULL);
	assert_null(a.standfirst);
	article_clear(&a);
}

/* An <h1> inside the story below the headline that does not restate it
 * is one of the story's headings and is printed; one that restates the
 * headline (without its kicker, for another screen) is not. */
static void test_extract_h1_heading_inside_the_story(void **state)
{
	const char *html =
		"<html><head><title>Olympics: drinks by boat to the city centre"
		"</title></head><body><article>"
		"<h1>Olympics: drinks by boat to the city centre</h1>"
		"<div class=\"body\"><h1>Drinks by boat to the city centre</h1>" P1
		"<h1>What the barges carry</h1>" P2 P3 "</div></article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "arrived in Moscow", "What the barges carry",
						   "within weeks.", NULL },
			    (const char *const[]){ "city centre", NULL });
	article_clear(&a);
}

/* A box of other stories between the story's header and its body ("More
 * on this story" in a side column placed there) does not end the story
 * before it has begun, though the header's 500 characters count as
 * printed; the box stays out. */
static void test_extract_box_before_the_body_does_not_end_it(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<div class=\"content\"><div class=\"head\"><div class=\"text\">"
		"<p class=\"subtitle\">The secretary of "
		"state brought a blunt message to Moscow and left without a deal on "
		"Syria, officials on both sides said on Wednesday, after talks that "
		"lasted well into the evening and were described by aides as frank, "
		"long and at times bad-tempered, with little warmth on either side "
		"and no date set for another round. Both men left without "
		"speaking to the reporters who had waited outside.</p>"
		"<p class=\"author\">Ann Lee reports from Moscow for the news desk "
		"of the paper, with Bo Park in Washington and Cy Dunn at the State "
		"Department, where the briefing ran late</p></div></div>"
		"<div class=\"articleside\"><div class=\"articlebox\"><div class=\"text\">"
		"<h6>More on this story</h6>"
		"<p><a href=\"/a\">Lavrov in Beijing</a> The foreign minister met "
		"his Chinese counterpart, and they agreed on very little</p>"
		"<p><a href=\"/b\">Sanctions</a> The vote in the Senate was put "
		"off until after the summer recess, aides said</p></div></div></div>"
		"<div class=\"main\"><div class=\"text\">" P1 P2 P3 P1 P2 P3 P1 P2 P3
		P1 P2 P3 "</div></div></div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", "within weeks.",
							    NULL },
			    (const char *const[]){ "Chinese counterpart", "More on this", NULL });
	article_clear(&a);
}

/* The text is in Unicode NFC, whatever form the page wrote: "e" and a
 * combining acute accent become "é"; Bengali's U+09DF, excluded from
 * composition, becomes U+09AF U+09BC; text already in NFC (the ASCII
 * and punctuation around them) is unchanged. */
static void test_extract_text_in_nfc(void **state)
{
	const char *html =
		"<html><head><title>Caf" "e\xcc\x81 owners \xe2\x80\x9c" "close\xe2\x80\x9d"
		"</title></head><body><article><h1>Caf" "e\xcc\x81 owners "
		"\xe2\x80\x9c" "close\xe2\x80\x9d</h1><p>The caf" "e\xcc\x81 on the "
		"harbour closed on Friday after forty years, its owners said, and the "
		"word \xe0\xa7\x9f was painted on its door by a neighbour.</p>" P1 P2
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "The caf\xc3\xa9 on the",
						   "word \xe0\xa6\xaf\xe0\xa6\xbc was", NULL },
			    (const char *const[]){ "\xcc\x81", "\xe0\xa7\x9f", NULL });
	assert_string_equal(a.title, "Caf\xc3\xa9 owners \xe2\x80\x9c" "close\xe2\x80\x9d");
	article_clear(&a);
}

/* The sharing and like bars a blog prints under a post ("Teilen mit:",
 * "Gefällt mir Wird geladen …", "Like this:") are stock lines, in the
 * languages of the sets as in English, not the post's text. */
static void test_extract_share_bar_lines_are_stock(void **state)
{
	(void)state;
	testutil_page_holds("<html><body><article><h1>Tillerson in Moscow</h1>" P1 P2 P3
			    "<div class=\"sd-block\"><h3>Teilen mit:</h3></div>"
			    "<div class=\"sd-like\"><span>Gef\xc3\xa4llt mir Wird geladen"
			    "\xe2\x80\xa6</span></div><p>Like this:</p>"
			    "</article></body></html>",
			    (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "Teilen", "geladen", "Like this", NULL });
	/* the page's controls around the story */
	testutil_page_holds("<html><body><article><h1>Tillerson in Moscow</h1>"
			    "<p>Adjust font size:</p><p>Print this</p>" P1 P2
			    "<div>Bookmark, Share, or Email This Page</div>" P3
			    "<p>Average Rating</p><p>Vote Now!</p></article></body></html>",
			    (const char *const[]){ "arrived in Moscow", "within weeks.", NULL },
			    (const char *const[]){ "font size", "Print this", "Bookmark", "Rating",
						   "Vote", NULL });
}

/* A heading's own id made from its words (WordPress writes "für" as
 * "fur"; another site wraps the opening words in "nav_" and "__1") is no
 * hint: "grundlegende" in it is no caption ("legende"), "nav" no
 * navigation, and the headings stay in the text. */
static void test_extract_heading_own_anchor_is_no_hint(void **state)
{
	(void)state;
	testutil_page_holds("<html><body><article><h1>Tillerson in Moscow</h1>" P1
			    "<h3 id=\"grundlegende-techniken-fur-die-presse-in-moskau\">"
			    "Grundlegende Techniken f\xc3\xbcr die Presse in Moskau</h3>"
			    P2 "<h3 id=\"nav_nur_die_folie__1\">Nur die Folie bleibt "
			    "zur\xc3\xbc" "ck</h3>" P3 "</article></body></html>",
			    (const char *const[]){ "arrived in Moscow",
						   "Grundlegende Techniken f\xc3\xbcr die Presse",
						   "Nur die Folie bleibt", "within weeks.", NULL },
			    NULL);
}

/* A notice about the post and an affiliate disclosure inside the story's
 * box are the site speaking, not the story. */
static void test_extract_drops_notices_and_affiliate_disclosures(void **state)
{
	(void)state;
	testutil_page_holds("<html><body><article class=\"post\"><h1>Tillerson in Moscow</h1>"
			    "<div class=\"post-notice\"><p>This post reflects the views of "
			    "its author, not those of the editors.</p></div>" P1 P2 P3
			    "<div class=\"affiliate-text\"><p>We earn a commission when you "
			    "buy through the links on this page.</p></div>"
			    "</article></body></html>",
			    (const char *const[]){ "arrived in Moscow", "within weeks.", NULL },
			    (const char *const[]){ "views of its author", "commission", NULL });
}

/* A legal notice in a "copyright" block is no caption: the captions
 * keep what the picture shows and who took it. */
static void test_extract_legal_notice_is_no_caption(void **state)
{
	const char *html =
		"<html><body><article><h1>Tillerson in Moscow</h1>" P1
		"<figure><img src=\"a.jpg\"><figcaption>Rex Tillerson at the "
		"Kremlin. (Photo: AP)</figcaption></figure>" P2 P3
		"<p class=\"copyright\">(c) 2008 The Associated Press. All Rights "
		"Reserved. This material may not be published or broadcast.</p>"
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_non_null(a.captions);
	assert_non_null(strstr(a.captions, "at the Kremlin"));
	assert_null(strstr(a.captions, "Associated Press"));
	testutil_text_holds(a.text, (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "Associated Press", NULL });
	article_clear(&a);
}

/* Pictures' credits and a gallery's counter with no markup that says so
 * (no figcaption, no "caption" class) are told by their words: a credit
 * alone, a caption that ends with one, an agency after a photographer's
 * name; they go to the captions. A gallery's counter ("Image 2 of 5")
 * is dropped. A sentence of the story that speaks of a photo stays, and
 * so does a copyright notice with its year (the site's, not a
 * picture's). */
static void test_extract_credit_lines_are_captions(void **state)
{
	const char *html =
		"<html><body><article><h1>Tillerson in Moscow</h1>" P1
		"<div><img src=\"a.jpg\"><p>Image 2 of 5</p>"
		"<p>Rex Tillerson at the Kremlin. Photo: Jane Roe</p></div>" P2
		"<div><img src=\"b.jpg\"><span>Stanley Chou/Getty Images</span></div>"
		"<p>Sergei Lavrov in Moscow on Tuesday. (Foto: dpa)</p>"
		"<p>Lavrov speaks to reporters in Moscow, Russia, April 12, 2017. "
		"REUTERS/Maxim Shemetov</p>"
		"<p>The photo by the ministry, taken on Tuesday evening, shows "
		"both men at the long table where the talks went on for hours.</p>"
		P3 "<p>Photo credit: Ann Lee</p>"
		"<p>\u00a9 2017 The Daily Courier</p>"
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "arrived in Moscow", "The photo by the ministry",
						   "within weeks.", "2017 The Daily Courier", NULL },
			    (const char *const[]){ "Image 2", "Jane Roe", "Getty", "dpa",
						   "Ann Lee", NULL });
	assert_non_null(a.captions);
	assert_non_null(strstr(a.captions, "at the Kremlin. Photo: Jane Roe"));
	assert_non_null(strstr(a.captions, "Stanley Chou/Getty Images"));
	assert_non_null(strstr(a.captions, "(Foto: dpa)"));
	assert_non_null(strstr(a.captions, "REUTERS/Maxim Shemetov"));
	assert_non_null(strstr(a.captions, "Photo credit: Ann Lee"));
	assert_null(strstr(a.captions, "photo by the ministry"));
	assert_null(strstr(a.captions, "Image 2 of 5")); /* no caption either */
	article_clear(&a);
}

/* A post's signature lines leave the text: a date line with its
 * author's name after "by" ("Posted on September 21, 2020 by Adi
 * Tzlil", "Veröffentlicht am 12. Juni 2017 von gizzmo") is the
 * dateline, "Written by" or "Posted by" and a name (any case) the
 * byline; a sentence that opens the same way stays. */
static void test_extract_signature_lines_are_parts(void **state)
{
	const char *dated =
		"<html><body><article><h1>Tillerson in Moscow</h1>"
		"<p>Posted on September 21, 2020 by Adi Tzlil</p>" P1 P2 P3
		"<p>Written by staff and wire services</p>"
		"</article></body></html>";
	const char *german =
		"<html><body><article><h1>Tillerson in Moscow</h1>"
		"<p>Veröffentlicht am 12. Juni 2017 von gizzmo</p>" P1 P2
		"<p>Posted by the ministry on its website, the statement said "
		"the talks had been useful and would go on.</p>" P3
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(dated, &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", "within weeks.", NULL },
			    (const char *const[]){ "Adi Tzlil", "Written by", NULL });
	assert_string_equal(a.dateline, "Posted on September 21, 2020 by Adi Tzlil");
	assert_string_equal(a.byline, "Written by staff and wire services");
	article_clear(&a);
	testutil_extract(german, &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow",
							   "Posted by the ministry", NULL },
			    (const char *const[]){ "gizzmo", NULL });
	assert_string_equal(a.dateline, "Veröffentlicht am 12. Juni 2017 von gizzmo");
	article_clear(&a);
	/* a wire story's credits after it; the author "for" a site; a US
	 * dateline with its time zone abbreviated to two letters */
	testutil_extract("<html><head><meta name=\"author\" content=\"Ann Lee\">"
			 "</head><body><article><h1>Tillerson in Moscow</h1>"
			 "<p>Ann Lee For Dailymail.com</p>"
			 "<p>Originally Published: November 18, 2019 5:26 p.m. CT</p>"
			 P1 P2 P3 "<p>Reporting by Ann Lee in Moscow; Editing by Bo Park</p>"
			 "</article></body></html>", &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", "within weeks.", NULL },
			    (const char *const[]){ "Dailymail", "Originally", "Editing by", NULL });
	assert_string_equal(a.byline, "Ann Lee For Dailymail.com");
	assert_string_equal(a.dateline, "Originally Published: November 18, 2019 5:26 p.m. CT");
	article_clear(&a);
}

/* Lines around the story that say where it stands, who wrote it and
 * when: the page's path that ends with the headline ("Home Issues
 * Tillerson in Moscow") is dropped; the author's name with a role after
 * a separator is the byline; a date line with a time zone beyond the
 * mainland US's and an abbreviated weekday is the dateline; a credit
 * with French spacing ("Photo : X") or a second word ("Photo source:")
 * is a caption. A sentence that ends with the headline's words stays. */
static void test_extract_path_byline_and_dateline_lines(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title>"
		"<meta name=\"author\" content=\"Ann Lee\"></head><body><article>"
		"<h1>Tillerson in Moscow</h1>"
		"<p>Home News Tillerson in Moscow</p>"
		"<p>Ann Lee, Staff Writer</p>"
		"<p>Posted: Mon Nov 18, 2019 2:26 PM HST</p>" P1
		"<p>Photo : YONHAP News</p>" P2
		"<p>Photo source: Markus Spiske</p>"
		"<p>The visit was billed by the ministry as tillerson in moscow</p>" P3
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "arrived in Moscow", "billed by the ministry",
						   "within weeks.", NULL },
			    (const char *const[]){ "Home News", "Staff Writer", "HST", "YONHAP",
						   "Spiske", NULL });
	assert_string_equal(a.byline, "Ann Lee, Staff Writer");
	assert_string_equal(a.dateline, "Posted: Mon Nov 18, 2019 2:26 PM HST");
	assert_non_null(a.captions);
	assert_non_null(strstr(a.captions, "Photo : YONHAP News"));
	assert_non_null(strstr(a.captions, "Photo source: Markus Spiske"));
	article_clear(&a);
	/* the author's name and a date; the story's age */
	testutil_extract("<html><head><meta name=\"author\" content=\"Ann Lee\">"
			 "</head><body><article><h1>Tillerson in Moscow</h1>"
			 "<p>Ann Lee March 9, 2017</p><p>Updated 2 hours ago</p>" P1 P2 P3
			 "</article></body></html>", &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", NULL },
			    (const char *const[]){ "March 9", "hours ago", NULL });
	assert_string_equal(a.byline, "Ann Lee March 9, 2017");
	assert_string_equal(a.dateline, "Updated 2 hours ago"); /* a story's age */
	article_clear(&a);
}

/* What files a post is not the post: a list of its tags or categories
 * after a label ("Filed Under: ...", "Tagged With: ..."), however many
 * tags; WordPress's footer that says where it was posted; a date line
 * followed by more fields after a bar, which is the dateline ("Published:
 * November 5th, 2012 | Tags: ..."), or " · " or " • "; a reading time;
 * a byline's label whose name was a link. */
static void test_extract_tag_lines_and_dated_fields(void **state)
{
	const char *html =
		"<html><body><article><h1>Tillerson in Moscow</h1>"
		"<p>Published: November 5th, 2012 | Tags: Russia, Syria</p>"
		P1 P2 P3
		"<p>Filed Under: Afghanistan, Criminal Justice, Culture, Equality, "
		"Health, Middle East, Military, National Security, Women</p>"
		"<p>This entry was posted on Monday, October 15th, 2012 at 4:48 pm "
		"and posted in Life. You can follow any responses to this entry "
		"through the RSS 2.0 feed.</p>"
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", "within weeks.", NULL },
			    (const char *const[]){ "Filed Under", "Criminal Justice", "entry was posted",
						   "Tags:", NULL });
	assert_string_equal(a.dateline, "Published: November 5th, 2012 | Tags: Russia, Syria");
	article_clear(&a);
	/* other bars; a reading time; a byline's label left alone */
	testutil_extract("<html><body><article><h1>Tillerson in Moscow</h1>"
			 "<p>3. August 2015 \u00b7 Filed under Politik</p>"
			 "<p>Estimated reading time: 6 minutes</p>"
			 "<p>Article by <a href=\"/a\">Ann Lee</a></p>" P1 P2 P3
			 "</article></body></html>", &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", NULL },
			    (const char *const[]){ "Filed under", "reading time", "Article by",
						   NULL });

	assert_string_equal(a.dateline, "3. August 2015 \u00b7 Filed under Politik");
	assert_string_equal(a.byline, "Article by Ann Lee");
	article_clear(&a);
	/* the page telling its reader that the story goes on past an ad */
	testutil_extract("<html><body><article><h1>Tillerson in Moscow</h1>" P1
			 "<p>Story continues below advertisement</p>" P2
			 "<div>Advertisement - Continue Reading Below</div>" P3
			 "</article></body></html>", &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow",
							   "within weeks.", NULL },
			    (const char *const[]){ "continues below", "Continue Reading", NULL });
	article_clear(&a);
}

/* The publisher's articleBody says where the story ends: what the page
 * prints after that inside the story's container (a fund-raising appeal
 * in capitals, a line about the newsroom) leaves the text; an
 * articleBody cut short by the site (its end not in our text) cuts
 * nothing. */
#define LD_STORY(body, after)                                                 \
	"<html><head><title>Ferry strike called off</title>"                   \
	"<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", "  \
	"\"headline\": \"Ferry strike called off\", \"articleBody\": \""      \
	body "\"}</script></head><body><article><h1>Ferry strike called off</h1>" \
	"<p>The ferry strike planned for Friday was called off after late "   \
	"talks between the union and the operator, which ended shortly "     \
	"before midnight with an offer on wages and rest periods.</p>"       \
	"<p>Crews will vote on the offer next week; until then, all sailings " \
	"between the mainland and the islands run to the usual timetable, "  \
	"the operator said in a statement on its website.</p>"               \
	"<p>Passengers who rebooked their trips can ask for a refund at the " \
	"ticket offices.</p>" after "</article></body></html>"
#define LD_WHOLE                                                               \
	"The ferry strike planned for Friday was called off after late talks " \
	"between the union and the operator, which ended shortly before "    \
	"midnight with an offer on wages and rest periods.\\nCrews will vote " \
	"on the offer next week; until then, all sailings between the "       \
	"mainland and the islands run to the usual timetable, the operator "  \
	"said in a statement on its website.\\nPassengers who rebooked their " \
	"trips can ask for a refund at the ticket offices."
#define LD_AFTER                                                               \
	"<p>AN INFORMED PUBLIC DECIDES BETTER</p><p>We have made journalism "  \
	"on these islands for a hundred years, and we will go on.</p>"
static void test_extract_jsonld_body_ends_the_text(void **state)
{
	(void)state;
	testutil_page_holds(LD_STORY(LD_WHOLE, LD_AFTER),
			    (const char *const[]){ "ferry strike planned", "ticket offices.", NULL },
			    (const char *const[]){ "INFORMED PUBLIC", "hundred years", NULL });
	/* a body that ends with the byline our text moves to its field */
	testutil_page_holds(LD_STORY(LD_WHOLE "\\nBy Ann Lee", "<p>By Ann Lee</p>" LD_AFTER),
			    (const char *const[]){ "ticket offices.", NULL },
			    (const char *const[]){ "INFORMED PUBLIC", "hundred years", NULL });
	/* a body cut short: its last words end no paragraph of ours */
	testutil_page_holds(LD_STORY("The ferry strike planned for Friday was "
				     "called off after late talks between the union and the "
				     "operator, which ended shortly before midnight with an "
				     "offer on wages and rest periods.\\nCrews will vote on the "
				     "offer next week; until then, all sailings between the "
				     "mainland and the islands run to the usual timetable, the "
				     "operator said ...", LD_AFTER),
			    (const char *const[]){ "ticket offices.", "hundred years", NULL },
			    NULL);
}

/* An empty <h1> (a logo's) before the headline's: what stands before
 * the first <h1> with text is read once more, and the first reading is
 * freed (make check's leak sanitizer fails this test without it). */
static void test_extract_empty_h1_before_the_headline(void **state)
{
	struct article a = { 0 };

	(void)state;
	testutil_extract("<html><body><p>World news</p><h1><img src=\"l.png\"></h1>"
			 "<p>Sections</p><article><h1>Tillerson in Moscow</h1>" P1 P2 P3
			 "</article></body></html>", &a);
	assert_string_equal(a.title, "Tillerson in Moscow");
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", NULL }, NULL);
	article_clear(&a);
}

/* The line under a byline that names no one (the author's role, desk or
 * agency) is the byline's, not the story's; a line there that names
 * someone, or is a date line, is not. */
static void test_extract_byline_role_line(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<article><h1>Tillerson in Moscow</h1>"
		"<p>By Ann Lee</p><p>Seattle Times business reporter</p>"
		"<div class=\"story-body\">" P1 P2 P3 "</div></article></body></html>";
	const char *other =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<article><h1>Tillerson in Moscow</h1>"
		"<p>By Ann Lee</p><p>Moscow Bureau Chief Bo Park</p>"
		"<p>By Cy Dunn</p><p>Updated November 20, 2019</p>"
		"<div class=\"story-body\">" P1 P2 P3 "</div></article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text, (const char *const[]){ "arrived in Moscow", NULL },
			    (const char *const[]){ "business reporter", "Ann Lee", NULL });
	assert_non_null(a.byline);
	assert_non_null(strstr(a.byline, "By Ann Lee"));
	assert_non_null(strstr(a.byline, "Seattle Times business reporter"));
	assert_string_equal(a.author, "Ann Lee");
	article_clear(&a);

	testutil_extract(other, &a);
	assert_non_null(a.byline);
	assert_null(strstr(a.byline, "Bo Park"));
	assert_null(strstr(a.byline, "Updated"));
	assert_non_null(a.dateline);
	assert_non_null(strstr(a.dateline, "November 20, 2019"));
	article_clear(&a);
}

/* Where a string stands in `s` (asserted present), as an offset. */
static size_t offset_of(const char *s, const char *what)
{
	const char *p = strstr(s, what);

	assert_non_null(p);
	return (size_t)(p - s);
}

/* A broadcaster's sign-off closing the story ("Max Lee, KBS World Radio
 * News.") is its byline, printed after the text with --with-parts; a
 * quote's attribution that names no news outlet stays in the text. */
static void test_extract_sign_off_is_the_byline(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<article><h1>Tillerson in Moscow</h1>"
		"<div class=\"story-body\">" P1 P2 P3
		"<p>Max Lee, KBS World Radio News.</p></div></article></body></html>";
	const char *quote =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<article><h1>Tillerson in Moscow</h1>"
		"<div class=\"story-body\">" P1 P2 P3
		"<p>Mark Zehmke, Growth Marketing Manager</p></div></article></body></html>";
	struct article a = { 0 };
	struct buf b = BUF_INIT;

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text, (const char *const[]){ "within weeks.", NULL },
			    (const char *const[]){ "Max Lee", NULL });
	assert_non_null(a.byline);
	assert_string_equal(a.byline, "Max Lee, KBS World Radio News.");
	assert_string_equal(a.author, "Max Lee");
	assert_int_equal(article_with_parts(&b, &a), 0);
	assert_true(offset_of(b.data, "within weeks.") < offset_of(b.data, "Max Lee"));
	buf_release(&b);
	article_clear(&a);
	testutil_page_holds(quote, (const char *const[]){ "Mark Zehmke", NULL }, NULL);
}

/* --with-parts prints each part where the page showed it: the byline
 * under the standfirst, a caption between the paragraphs it stood
 * between, a dateline after the story's last paragraph when the page
 * signs the story off with it; each once. */
static void test_extract_parts_printed_where_the_page_shows_them(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<article><h1>Tillerson in Moscow</h1>"
		"<p class=\"dek\">The secretary of state brought a blunt message "
		"and left without a deal on Syria, officials on both sides said.</p>"
		"<p>By Ann Lee</p>"
		"<div class=\"story-body\">" P1
		"<figure><img src=\"a.jpg\"><figcaption>Rex Tillerson at the "
		"Kremlin. (Photo: AP)</figcaption></figure>" P2 P3
		"<p>Posted on November 20, 2019 by Ann Lee</p>"
		"</div></article></body></html>";
	struct article a = { 0 };
	struct buf b = BUF_INIT;
	size_t dek, by, p1, cap, p2, p3, dl;

	(void)state;
	testutil_extract(html, &a);
	assert_non_null(a.captions);
	assert_non_null(a.byline);
	assert_non_null(a.dateline);
	assert_int_equal(article_with_parts(&b, &a), 0);
	dek = offset_of(b.data, "blunt message");
	by = offset_of(b.data, "By Ann Lee");
	p1 = offset_of(b.data, "arrived in Moscow");
	cap = offset_of(b.data, "at the Kremlin.");
	p2 = offset_of(b.data, "The talks with");
	p3 = offset_of(b.data, "Officials said");
	dl = offset_of(b.data, "Posted on November 20");
	assert_true(dek < by && by < p1 && p1 < cap && cap < p2 && p2 < p3 &&
		    p3 < dl);
	assert_null(strstr(b.data + cap + 1, "at the Kremlin."));
	assert_null(strstr(b.data, "\n\n\n"));
	buf_release(&b);
	article_clear(&a);
}

/* An article whose parts' places are unknown (a JSON Lines record, a
 * text from JSON-LD) prints them as pages usually show them: standfirst,
 * byline and dateline before the text, captions after; a place past the
 * text's end (the text was cut after it) is the end. */
static void test_article_with_parts_unknown_and_late_places(void **state)
{
	struct article a = { 0 };
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(article_set(&a.text, "One.\n\nTwo."), 0);
	assert_int_equal(article_set(&a.byline, "By Ann Lee"), 0);
	assert_int_equal(article_set(&a.dateline, "May 1, 2020"), 0);
	assert_int_equal(article_set(&a.captions, "A cat.\nA dog."), 0);
	assert_int_equal(article_with_parts(&b, &a), 0);
	assert_string_equal(b.data, "By Ann Lee\n\nMay 1, 2020\n\nOne.\n\nTwo."
				    "\n\nA cat.\n\nA dog.");
	/* known: the dog before "Two.", the byline past the end, the cat
	 * unknown (after the text), the dateline's place unknown */
	a.places = calloc(5, sizeof *a.places);
	assert_non_null(a.places);
	a.nplaces = 5;
	a.places[0] = (struct article_place){ 0, UINT_MAX };
	a.places[1] = (struct article_place){ 7, 2 };
	a.places[2] = (struct article_place){ 0, UINT_MAX };
	a.places[3] = (struct article_place){ 0, UINT_MAX };
	a.places[4] = (struct article_place){ 1, 1 };
	buf_reset(&b);
	assert_int_equal(article_with_parts(&b, &a), 0);
	assert_string_equal(b.data, "May 1, 2020\n\nOne.\n\nA dog.\n\nTwo."
				    "\n\nBy Ann Lee\n\nA cat.");
	buf_release(&b);
	article_clear(&a);
	assert_null(a.places);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract_parts_leave_the_text),
		cmocka_unit_test(test_extract_teaser_before_the_text_is_the_standfirst),
		cmocka_unit_test(test_extract_header_never_wins_over_the_body_below),
		cmocka_unit_test(test_extract_deep_header_never_wins_over_the_body_below),
		cmocka_unit_test(test_extract_standfirst_never_holds_the_story),
		cmocka_unit_test(test_extract_body_in_next_container_after_skipped_header),
		cmocka_unit_test(test_extract_headline_by_agreement),
		cmocka_unit_test(test_extract_dates_from_the_page_and_url),
		cmocka_unit_test(test_extract_byline_names),
		cmocka_unit_test(test_extract_warns_when_extraction_probably_failed),
		cmocka_unit_test(test_extract_relaxed_passes_keep_out_banners),
		cmocka_unit_test(test_extract_jsonld_body_stands_in_for_another_text),
		cmocka_unit_test(test_extract_jsonld_body_in_html_is_read_as_html),
		cmocka_unit_test(test_extract_promo_inside_the_story_does_not_end_it),
		cmocka_unit_test(test_extract_end_markers_in_other_languages),
		cmocka_unit_test(test_extract_picture_figure_text_is_a_caption),
		cmocka_unit_test(test_extract_dateline_in_other_languages),
		cmocka_unit_test(test_extract_drops_disclaimer_and_author_bio),
		cmocka_unit_test(test_extract_caption_never_holds_the_story),
		cmocka_unit_test(test_extract_press_contact_ends_the_story),
		cmocka_unit_test(test_extract_keeps_a_round_up_of_items_with_prose),
		cmocka_unit_test(test_extract_keeps_lines_that_are_only_a_url),
		cmocka_unit_test(test_extract_sitename_and_tags),
		cmocka_unit_test(test_extract_cuts_the_authors_bio),
		cmocka_unit_test(test_extract_cuts_appeals_after_the_story),
		cmocka_unit_test(test_extract_description_shown_before_the_story_is_the_standfirst),
		cmocka_unit_test(test_extract_h1_heading_inside_the_story),
		cmocka_unit_test(test_extract_box_before_the_body_does_not_end_it),
		cmocka_unit_test(test_extract_text_in_nfc),
		cmocka_unit_test(test_extract_share_bar_lines_are_stock),
		cmocka_unit_test(test_extract_heading_own_anchor_is_no_hint),
		cmocka_unit_test(test_extract_drops_notices_and_affiliate_disclosures),
		cmocka_unit_test(test_extract_legal_notice_is_no_caption),
		cmocka_unit_test(test_extract_credit_lines_are_captions),
		cmocka_unit_test(test_extract_signature_lines_are_parts),
		cmocka_unit_test(test_extract_path_byline_and_dateline_lines),
		cmocka_unit_test(test_extract_tag_lines_and_dated_fields),
		cmocka_unit_test(test_extract_jsonld_body_ends_the_text),
		cmocka_unit_test(test_extract_empty_h1_before_the_headline),
		cmocka_unit_test(test_extract_parts_printed_where_the_page_shows_them),
		cmocka_unit_test(test_article_with_parts_unknown_and_late_places),
		cmocka_unit_test(test_extract_byline_role_line),
		cmocka_unit_test(test_extract_sign_off_is_the_byline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
