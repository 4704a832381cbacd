/* Tests for extract: content choice, cleaning, metadata, dates, titles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "extract.h"
#include "extract/internal.h"
#include "testutil.h"

/* Three prose paragraphs long enough to win the content scoring. */
#define STORY_P1                                                              \
	"<p>Secretary of State Rex Tillerson arrived in Moscow on Tuesday, "  \
	"carrying a message from Washington that was blunter than any in "  \
	"years, after the chemical attack in Syria.</p>"
#define STORY_P2                                                              \
	"<p>The talks with Foreign Minister Sergei Lavrov, which lasted "      \
	"several hours, ended without agreement on Syria, though both sides " \
	"said channels of communication would stay open.</p>"
#define STORY_P3                                                              \
	"<p>Officials said a working group would be set up to examine the "   \
	"state of relations, which both sides described as being at a low "  \
	"point, and to report back within weeks.</p>"
#define STORY STORY_P1 STORY_P2 STORY_P3
/* Two closing paragraphs of the same story, for pages that put them
 * somewhere else (a sibling container, a folded block). */
#define CLOSE_GENEVA                                                          \
	"<p>Both ministers are to meet again in Geneva next month, "          \
	"their spokesmen said, though neither would say who else had "        \
	"been invited to the meeting.</p>"
#define CLOSE_DIPLOMATS                                                       \
	"<p>Diplomats in both capitals said privately that the next "         \
	"round would be harder still, and that neither government had "       \
	"yet named the officials who would sit on the group.</p>"

/* Both snippets are in text, `first` before `second`. */
static void assert_in_order(const char *text, const char *first, const char *second)
{
	const char *a = strstr(text, first), *b = strstr(text, second);

	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
}

static void test_extract_keeps_article_paragraphs(void **state)
{
	const char *html = "<html><body><div class=\"article-body\">" STORY
			   "</div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    NULL);
	/* Paragraphs are separated by exactly one blank line. */
	testutil_text_holds(a.text,
			    (const char *const[]){ "Syria.\n\nThe talks", NULL },
			    (const char *const[]){ "\n\n\n", NULL });
	article_clear(&a);
}

static void test_extract_recovers_page_swallowed_by_unclosed_title(void **state)
{
	/* No </title>: libxml2 takes the whole page in as the title's
	 * children. The end tag belongs before the first tag after <title>. */
	const char *html =
		"<html><head><title>Tillerson in Moscow\n"
		"<script>var edition = 'us';</script>\n"
		"<div class=\"story\">" STORY "</div></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    NULL);
	assert_string_equal(a.title, "Tillerson in Moscow");
	article_clear(&a);
}

static void test_extract_title_repair_skips_scripts_and_comments(void **state)
{
	/* The unclosed <title> is the page's, not the "<title>" a script
	 * writes or a comment holds before it: the end tag put back inside
	 * the script left the real title open, and the page swallowed. */
	const char *html =
		"<html><head><!-- <title>old --><script>"
		"document.write('<title>' + t);</script>"
		"<title>Tillerson in Moscow\n"
		"<div class=\"story\">" STORY "</div></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    NULL);
	assert_string_equal(a.title, "Tillerson in Moscow");
	article_clear(&a);
}

static void test_extract_recovers_page_swallowed_by_broken_script_tag(void **state)
{
	/* The script's start tag lost its closing quote, so it ends inside
	 * the next script and reads the end of the head and the whole body
	 * (up to the body's first </script>) as code. */
	const char *html =
		"<html><head><title>Tillerson in Moscow</title>"
		"<script type=\"text/javascript\" src=\"/te.color='black';\n}\n"
		"</script>\n<script>var s=\"\"+k;</script>\n</head>\n"
		"<body><div class=\"story\">" STORY "</div>"
		"<script>ads();</script></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    NULL);
}

static void test_extract_never_repairs_inside_a_sound_script(void **state)
{
	/* A JSON-LD block in the head whose articleBody holds a whole
	 * document's markup ("</head><body><p>"): the script's start tag is
	 * sound, so its text is data, not a page it swallowed. Cut there, the
	 * rest of the JSON was read as the body and printed raw, and the
	 * block's author and date were lost. A "<title>" written inside a
	 * script or a comment is not the page's title either. */
	const char *html =
		"<html><head><!-- <title>Old template --><script>"
		"document.write('<title>x');</script>"
		"<title>Talks in Moscow</title>"
		"<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
		"\"headline\":\"Talks in Moscow\",\"datePublished\":\"2017-04-11\","
		"\"author\":{\"@type\":\"Person\",\"name\":\"Jane Smith\"},"
		"\"articleBody\":\"<html><head></head><body><p>Officials met "
		"at the federal prison<\\/a>.<\\/p></body>\"}</script>"
		"</head><body><div class=\"story\">" STORY "</div>"
		"<script>ads();</script></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    (const char *const[]){ "federal prison", "<\\/", NULL });
	assert_string_equal(a.title, "Talks in Moscow");
	assert_string_equal(a.author, "Jane Smith");
	assert_string_equal(a.published, "2017-04-11T00:00:00Z");
	article_clear(&a);
}

static void test_extract_keeps_core_block_with_pictures_and_no_p(void **state)
{
	/* Blogger's post wrapper: a "widget" div with two pictures and its
	 * paragraphs in <div>s, no <p>. Conditional cleaning (more pictures
	 * than paragraphs) must not drop the best candidate's own block, or
	 * the relaxed passes find the comments instead. */
	const char *html =
		"<html><head><title>Talks in Moscow</title></head><body>"
		"<div id=\"main\"><div class=\"widget Blog\">"
		"<img src=\"/1.jpg\"><img src=\"/2.jpg\">"
		"<div>Secretary of State Rex Tillerson arrived in Moscow on "
		"Tuesday, carrying a message from Washington that was blunter "
		"than any in years, after the chemical attack in Syria.</div>"
		"<div>The talks with Foreign Minister Sergei Lavrov, which "
		"lasted several hours, ended without agreement on Syria, though "
		"both sides said channels of communication would stay open.</div>"
		"<div>Officials said a working group would be set up to examine "
		"the state of relations, which both sides described as being at "
		"a low point, and to report back within weeks.</div></div></div>"
		"<div class=\"comments\"><p>Great post, thanks, I have been "
		"reading this blog for years, and this is one of the best things "
		"you have written, really, keep it up, please.</p><p>I disagree, "
		"as usual, with most of what is said here, but the part about the "
		"working group is interesting, if true, and I would like to know "
		"more.</p><p>Who cares about Moscow, honestly, when there are so "
		"many problems at home, with the economy, with jobs, with "
		"everything, and nobody is doing anything.</p><p>Thanks for "
		"sharing, I will pass this on to my friends, and my family, who "
		"are all interested in foreign affairs, especially Russia, and "
		"Syria, too.</p></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    (const char *const[]){ "Great post", NULL });
}

static void test_extract_moves_picture_captions_to_their_field(void **state)
{
	const char *html =
		"<html><body><article>" STORY_P1
		"<figure><img src=\"/l.jpg\"><figcaption>Rex Tillerson and "
		"Sergei Lavrov shake hands in Moscow.</figcaption></figure>"
		STORY_P2 "<div class=\"wp-caption\"><img src=\"/2.jpg\">"
		"<p class=\"wp-caption-text\">The Kremlin seen from the river "
		"on Wednesday morning.</p></div>" STORY_P3
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	/* captions are the story's, in a field of their own */
	testutil_text_holds(a.text,
			    (const char *const[]){ "report back within weeks.", NULL },
			    (const char *const[]){ "shake hands in Moscow.",
						   "from the river on Wednesday", NULL });
	assert_string_equal(a.captions, "Rex Tillerson and Sergei Lavrov shake hands in "
			    "Moscow.\nThe Kremlin seen from the river on Wednesday morning.");
	article_clear(&a);
}

static void test_extract_keeps_loose_story_beside_link_box(void **state)
{
	/* The story is text and <br>s straight in a table cell, after a
	 * box of links; the teaser column beside it scores best, so the
	 * choice moves up to the row, and the story's table (a quarter of
	 * it links) must not be cleaned as navigation. */
	const char *teaser =
		"<p><a href=\"/n/9\">Plan goes ahead</a></p><p>Officials, "
		"speaking on Monday, said that the plan, which was agreed last "
		"year, would go ahead, and that costs, so far, were on "
		"budget.</p>";
	char html[4096];
	struct article a = { 0 };

	(void)state;
	snprintf(html, sizeof html,
		 "<html><body><table><tr><td><table><tr><td><div><table>"
		 "<tr><td><a href=\"/n/1\">Lavrov meets the Chinese foreign "
		 "minister in Beijing</a></td></tr><tr><td><a href=\"/n/2\">"
		 "Oil prices rise after the talks in Vienna end early</a>"
		 "</td></tr><tr><td><a href=\"/n/3\">Parliament votes on the "
		 "new budget next week</a></td></tr></table></div>"
		 "Secretary of State Rex Tillerson arrived in Moscow on "
		 "Tuesday, carrying a message from Washington that was blunter "
		 "than any in years, after the chemical attack in Syria.<br><br>"
		 "The talks with Foreign Minister Sergei Lavrov, which lasted "
		 "several hours, ended without agreement on Syria, though both "
		 "sides said channels of communication would stay open.<br><br>"
		 "Officials said a working group would be set up.</td></tr>"
		 "</table></td><td>%s%s%s%s%s</td></tr></table></body></html>",
		 teaser, teaser, teaser, teaser, teaser);
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "channels of communication", NULL },
			    (const char *const[]){ "Oil prices rise", NULL });
	article_clear(&a);
}

/* A story set as one table per section: the first table's cell scores
 * best, the next one's too little to join it, but it is a long paragraph
 * of prose with no links, so it continues the story. A short disclaimer
 * in a table of its own does not. */
static void test_extract_joins_sibling_table_of_prose(void **state)
{
	const char *html =
		"<html><body><table><tr><td>Secretary of State Rex Tillerson, "
		"who arrived in Moscow on Tuesday, carried a message, blunt, "
		"direct, and, officials said, unusual, from Washington, after "
		"the attack, in Syria, which killed dozens, including children, "
		"and which, the White House said, Damascus, backed by Moscow, "
		"had carried out, though Russia, in turn, denied it, and, at "
		"the United Nations, blocked, once again, a resolution, drafted "
		"by Britain, France, and the United States.</td></tr></table>"
		"<table><tr><td>The talks with Foreign Minister Sergei Lavrov "
		"lasted several hours and ended without agreement on Syria. "
		"Both sides said that channels of communication would stay "
		"open and that a working group would be set up to examine the "
		"state of relations between the two countries. The group is "
		"to report back within weeks and its first meeting is planned "
		"for next month in Geneva. Diplomats on both sides described "
		"the relations as being at their lowest point since the end of "
		"the Cold War.</td></tr></table>"
		"<table><tr><td>This article is the property of the publisher "
		"and may not be reproduced in whole or in part without the "
		"written permission of the publisher. Views expressed in the "
		"letters and the opinion pages are those of the writers and "
		"not of the publisher or its staff.</td></tr></table>"
		"</body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Rex Tillerson, who arrived",
						   "report back within weeks", NULL },
			    (const char *const[]){ "property of the publisher", NULL });
}

/* A blog post's footer line goes; the post's sentences stay. */
static void test_extract_drops_post_footer(void **state)
{
	const char *html =
		"<html><body><div class=\"post\">" STORY
		"<p>Posted by jamie k at 05:58 PM | Permalink | Comments (2) | "
		"TrackBack (0)</p>"
		"<p>This entry was posted on Thursday, August 9th, 2012 at "
		"12:04 am and is filed under Politics, Russia.</p>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "report back within weeks.", NULL },
			    (const char *const[]){ "Permalink", "filed under", NULL });
}

/* A short post ends with its footer, then "Comments" ends the article:
 * the footer, though dropped, counts towards the text before the heading
 * that makes it an end rather than a kicker. */
static void test_extract_dropped_footer_counts_before_comments(void **state)
{
	const char *html =
		"<html><body><div class=\"entry\">"
		"<p>Happy Friday! We love this inspiration board from a "
		"friend and are excited to celebrate with a chic couple this "
		"weekend, in the city, with flowers, music and friends. The "
		"board mixes gold and ivory with a touch of green, and the "
		"couple chose peonies, a string quartet and a long table for "
		"forty guests under the trees.</p>"
		"<p>Posted at 05:00 AM in Decor, Event detail, Fall "
		"inspiration, Inspiration, Washington DC, Websites, Weddings, "
		"Flowers, Music, Friends, Parties | Permalink</p>"
		"<h3>Comments</h3>"
		"<p>Verify your comment, please, by entering the letters and "
		"numbers you see in the image below, as a final step.</p>"
		"<p>Your comment has been saved. Comments are moderated and "
		"will not appear until approved by the author, later.</p>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Happy Friday!", NULL },
			    (const char *const[]){ "Permalink", "Comments are moderated", NULL });
}

static void test_extract_keeps_unlinked_pictures_with_caption(void **state)
{
	/* Three pictures and one caption: more pictures than paragraphs,
	 * but no links, so the story's own pictures, not a gallery. */
	const char *html =
		"<html><body><article>" STORY_P1
		"<div><img src=\"/1.jpg\"><img src=\"/2.jpg\"><img src=\"/3.jpg\">"
		"<p>The Kremlin seen from the river on Wednesday morning.</p>"
		"</div>" STORY_P2 STORY_P3 "</article></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "from the river on Wednesday",
						   "report back within weeks.", NULL },
			    NULL);
}

static void test_extract_drops_related_box(void **state)
{
	const char *html =
		"<html><body><nav><a href=/>Home</a> <a href=/w>World</a></nav>"
		"<article><h1>Tillerson in Moscow</h1>" STORY
		"<div class=\"related-articles\"><h3>Related articles</h3><ul>"
		"<li><a href=/a>Putin says trust has worsened under Trump, "
		"and relations are at a low point</a></li>"
		"<li><a href=/b>Syria strike: what we know so far about the "
		"attack, and what comes next</a></li></ul></div>"
		"<aside class=most-read><p>Most read: Kremlin denies it, while "
		"officials in Washington say otherwise, again.</p></aside>"
		"</article><footer><p>Copyright 2017 The Daily Ledger, all "
		"rights reserved, whatever that means here.</p></footer>"
		"</body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived", NULL },
			    (const char *const[]){ "Related articles", "Putin says trust",
						   "Most read", "Copyright", "Home", NULL });
}

static void test_extract_drops_newsletter_share_and_comments(void **state)
{
	const char *html =
		"<html><body><div id=content>" STORY_P1
		"<div class=newsletter-signup><p>Sign up for our morning "
		"briefing, delivered to your inbox every day, free.</p>"
		"<form><input type=email><button>Subscribe</button></form></div>"
		STORY_P2
		"<div class=\"share-bar\"><a href=#>Share on Facebook</a> "
		"<a href=#>Share on Twitter</a></div>" STORY_P3
		"<p>Advertisement</p>"
		"<section id=comments><p>I think this is all wrong, said a "
		"reader, and another agreed, loudly, at length.</p></section>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived", "working group", NULL },
			    (const char *const[]){ "Sign up", "Share on", "Advertisement",
						   "a reader", NULL });
}

static void test_extract_title_not_in_text(void **state)
{
	const char *html = "<html><head><title>Tillerson in Moscow | The Daily "
			   "Ledger</title></head><body><article><h1>Tillerson "
			   "in Moscow</h1>" STORY "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Tillerson in Moscow");
	assert_null(strstr(a.text, "Tillerson in Moscow"));
	article_clear(&a);
}

static void test_extract_moves_byline_and_dateline_to_their_fields(void **state)
{
	const char *html = "<html><body><article><p>By Jane Smith</p>"
			   "<p>April 11, 2017</p>" STORY
			   "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_int_equal(strncmp(a.text, "Secretary of State", 18), 0);
	assert_string_equal(a.byline, "By Jane Smith");
	assert_string_equal(a.dateline, "April 11, 2017");
	assert_string_equal(a.author, "Jane Smith");
	assert_string_equal(a.published, "2017-04-11T00:00:00Z");
	article_clear(&a);
}

static void test_extract_moves_byline_block_to_its_field(void **state)
{
	const char *html = "<html><body><article>"
			   "<div class=\"byline author\">By Jane Smith, "
			   "Moscow correspondent</div>" STORY
			   "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.byline, "By Jane Smith, Moscow correspondent");
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived", NULL },
			    (const char *const[]){ "Jane Smith", NULL });
	assert_string_equal(a.author, "Jane Smith");
	article_clear(&a);
}

static void test_extract_drops_lone_author_name(void **state)
{
	const char *html = "<html><head><meta name=\"author\" "
			   "content=\"Jane Smith\"></head><body><article>"
			   "<p>Jane Smith</p>" STORY "</article></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived", NULL },
			    (const char *const[]){ "Jane Smith", NULL });
}

static void test_extract_title_drops_site_suffix(void **state)
{
	char *t;

	(void)state;
	t = extract_clean_title("Tillerson lands in Moscow | The Daily Ledger",
				"The Daily Ledger");
	assert_string_equal(t, "Tillerson lands in Moscow");
	free(t);
	t = extract_clean_title("Daily Ledger: Tillerson lands in Moscow",
				"Daily Ledger");
	assert_string_equal(t, "Tillerson lands in Moscow");
	free(t);
	/* Site unknown: a short trailing segment goes. */
	t = extract_clean_title("Tillerson lands in Moscow - BBC News", NULL);
	assert_string_equal(t, "Tillerson lands in Moscow");
	free(t);
	/* A colon inside a headline stays when the site is unknown. */
	t = extract_clean_title("Syria: what we know so far", NULL);
	assert_string_equal(t, "Syria: what we know so far");
	free(t);
}

static void test_extract_metadata_from_meta_tags(void **state)
{
	const char *html =
		"<html lang=\"en-GB\"><head>"
		"<link rel=canonical href=\"https://example.com/world/1\">"
		"<meta property=og:url content=\"https://example.com/og\">"
		"<meta property=og:title content=\"Tillerson in Moscow - The "
		"Ledger\">"
		"<meta property=og:site_name content=\"The Ledger\">"
		"<meta property=og:image content=\"https://example.com/i.jpg\">"
		"<meta property=article:published_time "
		"content=\"2017-04-11T18:30:00+03:00\">"
		"<meta property=article:section content=World>"
		"<meta name=author content=\"Jane Smith\">"
		"</head><body><article>" STORY "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.url, "https://example.com/world/1");
	assert_string_equal(a.title, "Tillerson in Moscow");
	assert_string_equal(a.published, "2017-04-11T18:30:00+03:00");
	assert_string_equal(a.section, "World");
	assert_string_equal(a.author, "Jane Smith");
	assert_string_equal(a.lang, "en");
	assert_string_equal(a.image, "https://example.com/i.jpg");
	article_clear(&a);
}

static void test_extract_jsonld_graph_date(void **state)
{
	const char *html =
		"<html><head><script type=\"application/ld+json\">"
		"{\"@context\":\"https://schema.org\",\"@graph\":["
		"{\"@type\":\"WebSite\",\"name\":\"Ledger\"},"
		"{\"@type\":[\"ReportageNewsArticle\"],\"headline\":\"Talks "
		"end\",\"datePublished\":\"2017-04-12\",\"dateModified\":"
		"\"2017-04-12T09:00:00Z\",\"author\":[{\"@type\":\"Person\","
		"\"name\":\"A. One\"},{\"name\":\"B. Two\"}],"
		"\"articleSection\":[\"World\",\"Europe\"],"
		"\"mainEntityOfPage\":{\"@id\":\"https://ex.com/talks\"}}]}"
		"</script></head><body><article>" STORY "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.published, "2017-04-12T00:00:00Z");
	assert_string_equal(a.modified, "2017-04-12T09:00:00Z");
	assert_string_equal(a.title, "Talks end");
	assert_string_equal(a.author, "A. One, B. Two");
	assert_string_equal(a.section, "World");
	assert_string_equal(a.url, "https://ex.com/talks");
	article_clear(&a);
}

static void test_extract_jsonld_second_script_and_bad_json(void **state)
{
	const char *html =
		"<html><head><script type=\"application/ld+json\">{broken"
		"</script><script type=\"application/ld+json\">"
		"[{\"@type\":\"Organization\",\"name\":\"X\"},"
		"{\"@type\":\"NewsArticle\",\"datePublished\":"
		"\"2017-04-11T18:30:00+0300\",\"headline\":\"Line\nbreak\"}]"
		"</script></head><body><article>" STORY "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.published, "2017-04-11T18:30:00+03:00");
	assert_string_equal(a.title, "Line break");
	article_clear(&a);
}

static void test_extract_time_element(void **state)
{
	const char *html = "<html><body><article><time datetime=\"2017-04-11 "
			   "08:05\">Tuesday</time>" STORY
			   "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.published, "2017-04-11T08:05:00Z");
	article_clear(&a);
}

static void test_extract_microdata_dates(void **state)
{
	const char *html =
		"<html><body><div itemscope itemtype=\"https://schema.org/"
		"NewsArticle\"><meta itemprop=datePublished content=\"2017-04-11T"
		"10:00:00-04:00\"><time itemprop=dateModified datetime=\"2017-04-"
		"12T08:00:00Z\">April 12</time>" STORY "</div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.published, "2017-04-11T10:00:00-04:00");
	assert_string_equal(a.modified, "2017-04-12T08:00:00Z");
	article_clear(&a);
}

static void test_extract_opengraph_modified_and_twitter_title(void **state)
{
	const char *html =
		"<html><head><title>Home | Ledger</title>"
		"<meta name=\"twitter:title\" content=\"Talks end in Moscow\">"
		"<meta property=\"og:updated_time\" content=\"2017-04-12T"
		"09:30:00+02:00\">"
		"<meta property=\"article:author\" content=\"https://ex.com/"
		"jane\"></head><body><article>" STORY "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Talks end in Moscow");
	assert_string_equal(a.modified, "2017-04-12T09:30:00+02:00");
	article_clear(&a);
}

static void test_extract_jsonld_several_blocks_first_article_wins(void **state)
{
	const char *html =
		"<html><head><script type=\"application/ld+json\">"
		"{\"@type\":\"BreadcrumbList\",\"itemListElement\":[]}</script>"
		"<script type=\"application/ld+json\">{\"@context\":\"https://"
		"schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"First "
		"story\",\"datePublished\":\"2017-04-11T08:00:00Z\",\"author\":"
		"{\"@type\":\"Person\",\"name\":\"Jane Smith\"}}</script>"
		"<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
		"\"headline\":\"Second story\",\"datePublished\":\"2016-01-01\"}"
		"</script></head><body><article>" STORY "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "First story");
	assert_string_equal(a.published, "2017-04-11T08:00:00Z");
	assert_string_equal(a.author, "Jane Smith");
	article_clear(&a);
}

static void test_extract_time_pubdate_wins_over_other_times(void **state)
{
	const char *html = "<html><body><aside><time datetime=\"2016-01-01\">"
			   "old</time></aside><article><time pubdate "
			   "datetime=\"2017-04-11T08:05:00+01:00\">Tuesday"
			   "</time>" STORY "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.published, "2017-04-11T08:05:00+01:00");
	article_clear(&a);
}

/* Without metadata the headline is the <h1> the <title> names, not the
 * site logo's <h1> that comes first. */
static void test_extract_title_is_h1_named_by_title(void **state)
{
	const char *html =
		"<html><head><title>Tillerson lands in Moscow | Daily Ledger"
		"</title></head><body><div id=logo><h1>Daily Ledger</h1></div>"
		"<div><h1>Tillerson lands in Moscow</h1>" STORY
		"</div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.title, "Tillerson lands in Moscow");
	assert_null(strstr(a.text, "Daily Ledger"));
	article_clear(&a);
}

/* A page declared German whose article is English is English. */
static void test_extract_text_overrules_declared_language(void **state)
{
	const char *html = "<html lang=de><body><article>" STORY STORY
			   "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.lang, "en");
	article_clear(&a);
}

/* A brief: a headline and one paragraph of about 200 bytes, declared
 * Russian by a copied template; headline and text together are English. */
static void test_extract_brief_overrules_declared_language(void **state)
{
	const char *html =
		"<html lang=ru><head><title>Police say the fire at the church "
		"was set on purpose</title></head><body><article><h1>Police say "
		"the fire at the church was set on purpose</h1><p>Investigators "
		"said on Sunday that the fire which destroyed the old church in the "
		"centre of the town late on Saturday night was started by someone "
		"who broke in.</p>"
		"</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_string_equal(a.lang, "en");
	article_clear(&a);
}

static void test_extract_keeps_caller_fields(void **state)
{
	const char *html = "<html lang=de><head><link rel=canonical "
			   "href=\"https://a.example/x\"></head><body>"
			   "<article>" STORY "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	a.url = strdup("https://manifest.example/y");
	a.lang = strdup("fr");
	testutil_extract(html, &a);
	assert_string_equal(a.url, "https://manifest.example/y");
	assert_string_equal(a.lang, "fr");
	article_clear(&a);
}

static void test_extract_normalize_date_formats(void **state)
{
	static const char *const cases[][2] = {
		{ "2017-04-11T18:30:00+03:00", "2017-04-11T18:30:00+03:00" },
		{ "2017-04-11", "2017-04-11T00:00:00Z" },
		{ "2017-04-11T18:30:00.123Z", "2017-04-11T18:30:00Z" },
		{ "2017-04-11T18:30", "2017-04-11T18:30:00Z" },
		{ "2017/04/11 18:30:00 -0500", "2017-04-11T18:30:00-05:00" },
		{ "Tue, 11 Apr 2017 18:30:00 GMT", "2017-04-11T18:30:00Z" },
		{ "11 Apr 2017 18:30:00 +0300", "2017-04-11T18:30:00+03:00" },
		{ "April 11, 2017", "2017-04-11T00:00:00Z" },
		{ "Apr. 11, 2017 6:30 pm EDT", "2017-04-11T18:30:00-04:00" },
		{ "11.04.2017 18:30", "2017-04-11T18:30:00Z" },
		{ "  2017-04-11  ", "2017-04-11T00:00:00Z" },
	};
	static const char *const bad[] = { "", "yesterday", "2017-13-01",
					   "2017-02-30", "Apr 2017",
					   "2017-04-11 and more words",
					   "By Jane Smith" };
	char *d;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = extract_normalize_date(cases[i][0]);
		assert_non_null(d);
		assert_string_equal(d, cases[i][1]);
		free(d);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(extract_normalize_date(bad[i]));
	assert_null(extract_normalize_date(NULL));
}

static void test_extract_no_text_fails(void **state)
{
	const char *html = "<html><head></head><body>"
			   "<script>var x = 'not text';</script></body></html>";
	struct article a = { 0 };
	struct error err;

	(void)state;
	error_clear(&err);
	assert_int_equal(extract_article(html, strlen(html), "e.html", &a, &err),
			 -1);
	assert_non_null(strstr(err.message, "e.html"));
	article_clear(&a);
}

static void test_extract_title_only_page_is_a_story(void **state)
{
	const char *html = "<html><head><title>Quake hits Sumatra</title></head><body>"
			   "<script>var x = 'not text';</script></body></html>";
	struct article a = { 0 };
	struct error err;

	(void)state;
	error_clear(&err);
	assert_int_equal(extract_article(html, strlen(html), "e.html", &a, &err), 0);
	assert_string_equal(a.title, "Quake hits Sumatra");
	assert_string_equal(a.text, "");
	article_clear(&a);
}

static void test_extract_ignores_meta_charset(void **state)
{
	/* UTF-8 bytes with a misleading declaration must stay as they are. */
	const char *html = "<html><head><meta charset=\"windows-1251\"></head>"
			   "<body><article><p>Пресс-секретарь Кремля заявил во "
			   "вторник, что переговоры были откровенными, "
			   "долгими и трудными.</p>" STORY
			   "</article></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_non_null(strstr(a.text, "Пресс-секретарь Кремля"));
	article_clear(&a);
}

static void test_extract_survives_deep_nesting(void **state)
{
	struct buf b = BUF_INIT;
	struct article a = { 0 };
	struct error err;

	(void)state;
	/* 240 levels, below libxml2's depth limit of 256: the walks reach
	 * the story at the bottom. */
	for (int i = 0; i < 120; i++)
		assert_int_equal(buf_adds(&b, "<div><span>"), 0);
	assert_int_equal(buf_adds(&b, STORY), 0);
	error_clear(&err);
	assert_int_equal(extract_article(b.data, b.len, "deep.html", &a, &err),
			 0);
	assert_non_null(strstr(a.text, "Secretary of State Rex Tillerson"));
	article_clear(&a);

	/* 200,000 levels: libxml2 stops at its limit, so the story is never
	 * reached; a clean failure naming the input, not a crash. */
	buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_adds(&b, "<div><span>"), 0);
	assert_int_equal(buf_adds(&b, STORY), 0);
	error_clear(&err);
	assert_int_equal(extract_article(b.data, b.len, "deep.html", &a, &err),
			 -1);
	assert_string_equal(err.message, "deep.html: no article text found");
	article_clear(&a);
	buf_release(&b);
}

static void test_extract_not_nul_terminated(void **state)
{
	const char html[] = "<html><body><article>" STORY "</article>"
			    "<p>TRAILING GARBAGE</p>";
	size_t len = strlen(html) - strlen("<p>TRAILING GARBAGE</p>");
	struct article a = { 0 };
	struct error err;

	(void)state;
	error_clear(&err);
	assert_int_equal(extract_article(html, len, "t.html", &a, &err), 0);
	assert_null(strstr(a.text, "TRAILING"));
	article_clear(&a);
}

static void test_extract_tag_with_thousands_of_attributes(void **state)
{
	struct buf html = BUF_INIT;
	struct article a = { 0 };

	(void)state;
	assert_int_equal(buf_adds(&html, "<html><body><div class=\"article-body\" "), 0);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(buf_printf(&html, "data-a%d=\"x>y\" ", i), 0);
	assert_int_equal(buf_adds(&html, ">" STORY "</div></body></html>"), 0);
	/* the extra attributes are ignored (quoted '>' included), the text stays */
	testutil_extract(html.data, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow", NULL },
			    (const char *const[]){ "data-a", NULL });
	article_clear(&a);
	buf_release(&html);
#undef ITEM
}

/* A short story: its box of other stories opens with a "More stories"
 * heading before 400 bytes of text are out, and has no class to go by. */
static void test_extract_skips_box_headed_more_stories(void **state)
{
	const char *html =
		"<html><body><div><h1>Quake shakes Napa</h1>" STORY_P1
		"<div><div>More stories</div>"
		"<p>A judge in Fulton County sentenced a man on Saturday to "
		"several life sentences for a deadly rampage at a courthouse.</p>"
		"<p>Robbers dressed as women stole jewels worth millions from a "
		"shop on a chic avenue in Paris, the police said on Friday.</p>"
		"</div></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow", NULL },
			    (const char *const[]){ "More stories", "Fulton County",
						   "Robbers dressed", NULL });
}

/* A long comment thread without class hints loses to a shorter story
 * because the thread's block opens with a "Comments" heading. */
static void test_extract_block_headed_comments_is_not_the_article(void **state)
{
	const char *html =
		"<html><body><div>" STORY_P1 STORY_P2 "</div>"
		"<div><h3>12 Comments</h3>"
		"<p>Anna, Leeds: I have followed this for years, and I doubt "
		"the talks will change anything, whatever the officials say, "
		"because neither side has moved in a decade.</p>"
		"<p>Brad, Glasgow: Geography matters, of course, but so does "
		"trust, and there is little of it left on either side, as "
		"the last meeting showed, sadly.</p>"
		"<p>Miss Priss: People are already employed there, so what do "
		"you think would happen, honestly, if the office moved north, "
		"as some have suggested, again?</p>"
		"<p>Redcliffe, Brisbane: Australia has an institute, with "
		"state branches, trainers, courses, and few managers, and it "
		"works, so why not copy it, then?</p>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "channels of communication", NULL },
			    (const char *const[]){ "Geography matters", NULL });
}

/* The story sits in a block whose class names a widget (Blogger's posts
 * are in "widget Blog"): it holds nearly all the text, so it is kept,
 * while a small paragraph with a negative hint inside it is dropped. */
static void test_extract_keeps_hinted_block_holding_the_text(void **state)
{
	const char *html =
		"<html><body><div id=\"main-wrapper\"><div class=\"widget Blog\">"
		STORY
		CLOSE_DIPLOMATS
		"<p class=\"social-links\">Like us for more updates</p>"
		"</div></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "named the officials", NULL },
			    (const char *const[]){ "Like us for more updates", NULL });
}

/* A "Related stories" box between the story's paragraphs is skipped, and
 * the story goes on after it. */
static void test_extract_skips_related_box_inside_the_story(void **state)
{
	const char *html =
		"<html><body><div class=\"post\"><h1>Tillerson in Moscow</h1>"
		STORY
		"<div class=\"floatList\"><h3>Related stories</h3><ul>"
		"<li><a href=/a>Putin says trust has worsened</a></li>"
		"<li><a href=/b>Syria strike: what we know</a></li></ul></div>"
		CLOSE_GENEVA CLOSE_DIPLOMATS
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.",
						   "meet again in Geneva", "named the officials",
						   NULL },
			    (const char *const[]){ "Related stories", "Putin says trust", NULL });
}

/* The same box after the last paragraph still ends the article: what
 * follows it is other stories. */
/* A brief of three short paragraphs followed, inside its own container, by
 * a box of other stories whose items carry a dek under each headline: the
 * box holds more text than the brief, and no class names it. */
static void test_extract_drops_teaser_list_longer_than_the_brief(void **state)
{
#define ITEM                                                                   \
	"<div class=\"item\"><a href=\"/other-%d.html\">A different story "     \
	"about a storm that hit the coast on %d Monday</a><span>The storm "      \
	"brought down power lines and closed schools in the region, and "        \
	"officials said the clean-up would take several days.</span></div>"
	struct buf html = BUF_INIT;
	struct article a = { 0 };

	(void)state;
	assert_int_equal(buf_adds(&html, "<html><body><div><h1>Fire at the "
		"store</h1><p>A fire has badly damaged the store in the high "
		"street.</p><p>Eight crews fought the blaze early on Sunday.</p>"
		"<p>It is not known how long the store will be closed.</p>"
		"<div class=\"box\"><h4>Read more</h4>"), 0);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(buf_printf(&html, ITEM, i, i), 0);
	assert_int_equal(buf_adds(&html, "</div></div></body></html>"), 0);
	testutil_extract(html.data, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Eight crews fought the blaze", NULL },
			    (const char *const[]){ "storm", NULL });
	article_clear(&a);
	buf_release(&html);
}

/* Paragraphs that start with a link are prose, not a list of stories. */
/* White space of every kind collapses into one space, invisible characters
 * (zero-width space, soft hyphen, BOM) vanish, and the characters that
 * share their lead bytes (a copyright sign, a dash, full-width and
 * ideographic commas) stay as they are. */
static void test_extract_collapses_spaces_and_drops_invisibles(void **state)
{
	const char *html =
		"<html><body><div class=\"article-body\">" STORY
		"<p> Tabs\tand\r\n\n newlines, non\xc2\xa0" "breaking, thin"
		"\xe2\x80\x89space, ideo\xe3\x80\x80graphic, zero\xe2\x80\x8b"
		"width, soft\xc2\xadhyphen, \xef\xbb\xbf" "bom, "
		"full\xef\xbc\x8cwidth\xe3\x80\x81" "comma \xc2\xa9 2020 "
		"\xe2\x80\x94 spaced\xe2\x80\x8b \xe2\x80\x8b out \xe2\x80\xaf"
		"\xc2\xa0 .</p></div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(
		a.text,
		(const char *const[]){
			"weeks.\n\nTabs and newlines, non breaking, thin space, "
			"ideo graphic, zerowidth, softhyphen, bom, "
			"full\xef\xbc\x8cwidth\xe3\x80\x81" "comma \xc2\xa9 2020 "
			"\xe2\x80\x94 spaced out .",
			NULL },
		NULL);
	article_clear(&a);
}

/* The attributes extraction reads are read after any others in the same
 * tag, whatever the others hold: quotes of the other kind, '>' and '<'
 * inside quotes, unquoted values, bogus text, names without a value.
 * (The page is parsed without the attributes extraction never reads.) */
static void test_extract_reads_attributes_among_any_others(void **state)
{
	const char *html =
		"<html><body><div data-x='a\"b' onclick=\"f('>')\" "
		"title=\"<b>x</b>\" width=100 \"bogus\" CLASS=\"article-body\">"
		STORY
		"<p data-a=1 style=\"display: none\" alt='>'>Hidden paragraph "
		"that the page never shows to its readers at all.</p>"
		"<p src=x.png hidden>Another hidden paragraph that is not "
		"shown to the readers of the page either.</p>"
		"<p tabindex=0 data-b=\"'\" aria-hidden=true>A third hidden "
		"paragraph, hidden from the readers by its attribute.</p>"
		"</div><div data-json='{\"a\": \"</div>\"}' class=comments>"
		"<p>Reader comment: I think the minister was right to go to "
		"Moscow and say so, whatever the others in the thread say.</p>"
		"</div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    (const char *const[]){ "Hidden paragraph",
						   "Another hidden", "third hidden",
						   "Reader comment", "bogus", NULL });
	article_clear(&a);
}

/* A page that ends inside a start tag, at any byte of it (after a name,
 * a blank, '=', a quote, bogus text, a lone '/'), is still read: the copy
 * without unread attributes steps over the cut tag instead of looking
 * for its end forever. alarm() turns a hang into a failed suite. */
static void test_extract_page_cut_inside_a_start_tag(void **state)
{
	static const char page[] =
		"<html><body><div class=\"article-body\">" STORY
		"</div><div width=100 \"bogus\" ?x data-a='q' / class=promo";
	char cut[sizeof page];
	struct article a = { 0 };
	struct error err;

	(void)state;
	alarm(60);
	for (size_t n = sizeof page - 60; n < sizeof page; n++) {
		memcpy(cut, page, n);
		cut[n] = '\0';
		error_clear(&err);
		assert_int_equal(extract_article(cut, n, "cut.html", &a, &err), 0);
		testutil_text_holds(a.text, (const char *const[]){ "Tillerson arrived in Moscow", NULL },
				    NULL);
		article_clear(&a);
	}
	alarm(0);
}

/* utf8_chars() counts characters eight bytes at a time: at every start
 * and length of a text of one- to four-byte characters it gives the
 * count of the bytes that are no continuation byte. */
static void test_extract_utf8_chars_at_every_alignment(void **state)
{
	static const char text[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
				   "b\xd0\x96\xd0\x96xyz\xe2\x80\x94\xf0\x9f"
				   "\x98\x80\xc3\xa9\xc3\xa9 12345678\xe2\x82\xac";
	char piece[sizeof text];

	(void)state;
	for (size_t from = 0; from < sizeof text - 1; from++)
		for (size_t n = 0; from + n < sizeof text; n++) {
			size_t want = 0;

			memcpy(piece, text + from, n);
			piece[n] = '\0';
			for (size_t i = 0; i < n; i++)
				want += ((unsigned char)piece[i] & 0xC0) != 0x80;
			assert_int_equal(utf8_chars(piece), want);
		}
}

static void test_extract_keeps_paragraphs_that_start_with_links(void **state)
{
	const char *html =
		"<html><body><div>"
		"<p><a href=\"/people/mayor-jones\">Mayor Anne Jones of Eastfield</a> "
		"said the bridge would reopen in the spring after repairs.</p>"
		"<p><a href=\"/places/eastfield-bridge\">The Eastfield bridge over the "
		"river</a> has been closed since the floods of last winter.</p>"
		"<p><a href=\"/topics/transport-budget\">The council's transport "
		"budget</a> will pay for most of the work, officials said.</p>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "would reopen in the spring",
						   "will pay for most of the work", NULL },
			    NULL);
}

static void test_extract_related_box_after_the_story_ends_it(void **state)
{
	const char *html =
		"<html><body><div class=\"post\"><h1>Tillerson in Moscow</h1>"
		STORY
		"<div class=\"floatList\"><h3>Related stories</h3><ul>"
		"<li><a href=/a>Putin says trust has worsened</a></li></ul>"
		"</div><div><p>A judge in Fulton County sentenced a man on "
		"Saturday to several life sentences for a deadly rampage at a "
		"courthouse, prosecutors said.</p></div>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "report back within weeks.", NULL },
			    (const char *const[]){ "Fulton County", NULL });
}

/* Readers' comments without any class hint or heading: signatures with
 * different names ("Posted by: Anna ...", "Posted by: Brad ...") show a
 * thread, which is cut from the first signature on. */
static void test_extract_skips_unmarked_comment_thread(void **state)
{
	const char *html =
		"<html><body><div>" STORY
		"<div>Posted by: Anna, Leeds on 8:21pm Tue 1 Jan 08</div>"
		"<div>I have followed this for years, and I doubt the talks "
		"will change anything, whatever the officials say.</div>"
		"<div>Posted by: Brad, Glasgow on 9:06pm Tue 1 Jan 08</div>"
		"<div>Geography matters, of course, but so does trust, and "
		"there is little of it left on either side.</div>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "report back within weeks.", NULL },
			    (const char *const[]){ "Posted by", "followed this for years",
						   "Geography matters", NULL });
}

/* A blog page signs each of its posts with the same author: that is no
 * comment thread, and every post stays. */
static void test_extract_keeps_posts_signed_by_one_author(void **state)
{
	const char *html =
		"<html><body><div>" STORY_P1
		"<p>Posted by Hugh at 1:40 PM | Comments (5)</p>" STORY_P2
		"<p>Posted by Hugh at 12:42 PM | Comments (4)</p>" STORY_P3
		"<p>Posted by Hugh at 11:18 PM | Comments (3)</p>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    NULL);
}

/* A story split by an advertisement into two containers of one class,
 * each under its own wrapper, prints both parts in order; a sidebar with
 * another class does not join. */
static void test_extract_joins_story_split_in_two_containers(void **state)
{
	const char *html =
		"<html><body><div class=\"page\"><div class=\"top\">"
		"<h1>Tillerson in Moscow</h1><div class=\"story-text\">" STORY
		"</div></div><div class=\"ad-slot\"><p>Advertisement</p>"
		"</div><div class=\"bottom\"><div class=\"story-text\">"
		CLOSE_GENEVA CLOSE_DIPLOMATS
		"</div></div><div class=\"rail\"><p>A judge in Fulton County "
		"sentenced a man on Saturday to several life sentences for a "
		"deadly rampage at a courthouse, prosecutors said.</p></div>"
		"</div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_in_order(a.text, "report back within weeks.", "meet again in Geneva");
	testutil_text_holds(a.text,
			    (const char *const[]){ "named the officials", NULL },
			    (const char *const[]){ "Fulton County", NULL });
	article_clear(&a);
}

/* The same with another story's teaser between the two parts, its
 * linked headline in an <h2>: that heading titles a box beside the story,
 * not a container of either part, so the closing part still joins (where
 * a blog post's own title does not let the next post in, below). */
static void test_extract_joins_story_parts_around_a_teaser(void **state)
{
	const char *html =
		"<html><body><div class=\"page\"><div class=\"top\">"
		"<h1>Tillerson in Moscow</h1><div class=\"story-text\">" STORY
		"</div></div><section class=\"teaser-in-body\"><article>"
		"<a href=\"/kremlin\">Read more</a><h2><a href=\"/kremlin\">Ten things "
		"to know about the Kremlin</a></h2></article></section>"
		"<div class=\"bottom\"><div class=\"story-text\">"
		CLOSE_GENEVA CLOSE_DIPLOMATS
		"</div></div></div></body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	assert_in_order(a.text, "report back within weeks.", "meet again in Geneva");
	assert_null(strstr(a.text, "Ten things"));
	article_clear(&a);
}

/* A blog's front page: two posts of one class, each under its own title.
 * Only the best post is the article: a heading between two containers
 * means the second is another post, not the rest of this one. */
static void test_extract_does_not_join_the_next_blog_post(void **state)
{
	const char *html =
		"<html><body><div class=\"posts\"><div class=\"entry\">"
		"<h2>Tillerson in Moscow</h2><div class=\"entry-body\">" STORY
		STORY "</div></div><div class=\"entry\"><h2>Geneva next</h2>"
		"<div class=\"entry-body\">"
		CLOSE_GENEVA CLOSE_DIPLOMATS
		"</div></div></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "report back within weeks.", NULL },
			    (const char *const[]){ "meet again in Geneva", NULL });
}

/* The rest of the story folded into a block named "read-more" is part of
 * the story, while a "read-more" box of links is still dropped. */
static void test_extract_keeps_story_folded_into_read_more(void **state)
{
	const char *html =
		"<html><body><div id=\"story\"><div class=\"story-body\">"
		STORY "<p>A high-powered federal team has been doing the rounds "
		"of media organisations in the past few days, to allay "
		"concerns about the new surveillance laws.</p>"
		"<div id=\"read-more\"><div id=\"read-more-content\">"
		CLOSE_DIPLOMATS
		CLOSE_GENEVA "</div></div></div>"
		"<div class=\"read-more\"><a href=/a>Read more about Putin, "
		"the Kremlin and relations with Washington</a></div>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "report back within weeks.",
						   "named the officials", "meet again in Geneva",
						   NULL },
			    (const char *const[]){ "Read more about Putin", NULL });
}

/* A bulleted list of prose inside the story stays, even though its
 * items' paragraphs leave the list below zero (lists start at -3). */
static void test_extract_keeps_list_of_prose_items(void **state)
{
	const char *html =
		"<html><body><div class=\"entry-content\">" STORY
		"<ul><li><p>Moscow wants the sanctions lifted before any new "
		"talks take place</p></li>"
		"<li><p>Washington wants the chemical weapons removed from "
		"Syria first of all</p></li></ul>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "report back within weeks.", "sanctions lifted",
						   "chemical weapons removed", NULL },
			    NULL);
}

/* A section heading that links back to the table of contents (Sphinx,
 * MediaWiki) is a subheading of the text, not a line of navigation; a
 * heading linking to another page still is. */
static void test_extract_keeps_heading_with_anchor_link(void **state)
{
	const char *html =
		"<html><body><div class=\"section\">" STORY_P1
		"<h2><a class=\"toc-backref\" href=\"#toc-3\">Talks without "
		"agreement</a><a class=\"headerlink\" href=\"#talks\">#</a></h2>"
		STORY_P2
		"<h2><a href=\"/world/syria\">Syria war coverage</a></h2>"
		STORY_P3 "</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Talks without agreement",
						   "report back within weeks.", NULL },
			    (const char *const[]){ "Syria war coverage", NULL });
}

/* "Also on The Ledger:" as a paragraph of its own boxes the block after
 * it, and the long slideshow inside that block cannot win over the story
 * however much text it holds. */
static void test_extract_skips_block_after_its_box_heading(void **state)
{
	const char *html =
		"<html><body><div class=\"entry\"><div class=\"body\">" STORY_P1 STORY_P2
		"</div><p>Also on The Ledger:</p><div class=\"holder\"><ul>"
		"<li><h4>Ten cities</h4><p>Paris, long a favourite of travellers, "
		"tops the list again this year, with its museums, cafes, parks, "
		"river walks, markets, bridges, and food, food, food.</p>"
		"<p>Rome follows, with its ruins, fountains, churches, piazzas, "
		"trattorias, gelato shops, scooters, hills and crowds.</p>"
		"<p>Vienna comes third, with its opera, coffee houses, palaces, "
		"balls, cakes, trams, concerts, waltzes and parks.</p>"
		"<p>Lisbon is fourth, with its trams, tiles, hills, fado, "
		"custard tarts, miradouros, river views and sardines.</p>"
		"<p>Prague is fifth, with its bridges, towers, beer halls, "
		"castles, clocks, squares, puppets and dumplings.</p>"
		"<p>Berlin is sixth, with its clubs, museums, parks, lakes, "
		"markets, galleries, bakeries and bicycles.</p>"
		"</li></ul></div></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "channels of communication", NULL },
			    (const char *const[]){ "Vienna", NULL });
}

/* The standfirst and dateline between the headline and the story's
 * body are printed before the body; a masthead's tagline far above the
 * story is not. */
static void test_extract_moves_standfirst_after_headline_to_its_field(void **state)
{
	const char *html =
		"<html><head><title>Tillerson meets Lavrov in Moscow</title>"
		"</head><body><div class=\"top\"><div class=\"brand\"><div>"
		"<p class=\"tagline\">All the news that fits, since 1901</p>"
		"</div></div></div><div class=\"main\"><div class=\"story\">"
		"<h1>Tillerson meets Lavrov in Moscow</h1>"
		"<div class=\"dek\">Talks end without agreement on Syria</div>"
		"<div class=\"when\">April 12, 2017</div>"
		"<div class=\"text\">" STORY "</div></div></div></body></html>";
	struct article a = { 0 };
	const char *dek, *body;

	(void)state;
	testutil_extract(html, &a);
	/* the header zone's standfirst and dateline, in their fields */
	dek = a.standfirst;
	body = strstr(a.text, "Tillerson arrived in Moscow");
	assert_non_null(dek);
	assert_string_equal(dek, "Talks end without agreement on Syria");
	assert_non_null(body);
	assert_null(strstr(a.text, "Talks end"));
	assert_string_equal(a.dateline, "April 12, 2017");
	assert_null(strstr(a.text, "since 1901"));
	article_clear(&a);
}

/* The box that holds only the headline and its standfirst, boosted for
 * holding the headline, does not outscore the story's body further down
 * the page: the text is the body, not the standfirst alone. */
static void test_extract_headline_box_does_not_outscore_the_body(void **state)
{
	const char *html =
		"<html><head><title>Tillerson meets Lavrov in Moscow</title>"
		"</head><body><div id=\"top\"><div id=\"article-info\">"
		"<h1>Tillerson meets Lavrov in Moscow</h1>"
		"<p>Talks end without agreement on Syria, officials say</p>"
		"</div><ul class=\"tools\"><li><a href=\"/p\">Print</a></li>"
		"</ul></div><div id=\"main\"><div class=\"byline\">By Jane "
		"Smith</div><div id=\"story-body\">" STORY
		"</div></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "report back within weeks.", NULL },
			    NULL);
}

/* A section whose id is its heading's words ("how-readers-share-the-
 * report") is part of the text: "share" in such an id is no share
 * button. */
static void test_extract_keeps_section_named_by_its_heading(void **state)
{
	const char *html =
		"<html><body><div class=\"document\"><div class=\"section\" "
		"id=\"the-talks\">" STORY "<p>Neither minister took questions "
		"from reporters after the meeting, which ran well past its "
		"scheduled end.</p></div><div class=\"section\" "
		"id=\"how-readers-share-the-report\"><h2>How readers share the "
		"report</h2><p>Readers passed the report on through mail and "
		"messages, which the paper counted over the following week, "
		"and the numbers were the largest of the year.</p></div>"
		"</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "Readers passed the report on", NULL },
			    NULL);
}

/* WordPress's comment heading "3 Responses to “Title”" (a count, then
 * "responses to", "thoughts on" or "replies to") ends a short post: the
 * readers' comments after it are not the story. */
static void test_extract_counted_responses_heading_ends_post(void **state)
{
	const char *html =
		"<html><head><title>My new project</title></head><body>"
		"<div id=\"content\"><div class=\"post\"><h2>My new project</h2>"
		"<p>Max was born on Tuesday, and he is already reading.</p>"
		"</div><h3>3 Responses to \xe2\x80\x9cMy new project\xe2\x80\x9d"
		"</h3><ol><li><p>Congratulations to you and your wife, what a "
		"beautiful baby, and what a day to be born, with the election "
		"and all, you will remember it.</p></li><li><p>Congratulations! "
		"I have been reading for a while, and I wonder how this will "
		"change your work, your writing and your sleep, of course.</p>"
		"</li><li><p>My theory is that there are only two stages in "
		"life, before children and after them, and you have just "
		"entered the second one, so enjoy it, all of it.</p></li>"
		"</ol></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Max was born on Tuesday", NULL },
			    (const char *const[]){ "Congratulations", "two stages in life", NULL });
}

/* A copy of the story in a block of class "hidden" (display: none, kept
 * for another layout) is not printed: the story comes once. */
static void test_extract_skips_class_hidden_copy(void **state)
{
	const char *html =
		"<html><body><div class=\"main\"><div class=\"story hidden\">"
		STORY "</div><div class=\"story\">" STORY "</div></div>"
		"</body></html>";
	struct article a = { 0 };
	const char *first;

	(void)state;
	testutil_extract(html, &a);
	assert_non_null(a.text);
	first = strstr(a.text, "Tillerson arrived in Moscow");
	assert_non_null(first);
	assert_null(strstr(first + 1, "Tillerson arrived in Moscow"));
	article_clear(&a);
}

/* A sentence around a long linked title is prose and stays; a line that
 * is a linked headline with little else is a teaser and goes. */
static void test_extract_keeps_sentence_around_a_link(void **state)
{
	const char *html =
		"<html><body><div class=\"story\">" STORY_P1 STORY_P2
		"<p>The full report, <a href=\"/r\">Russia and the West: "
		"Channels of Communication in a Time of Crisis</a>, is out.</p>"
		"<p><a href=\"/t\">Kremlin says trust has worsened under Trump "
		"administration</a> 4 hours ago</p>"
		STORY_P3 "</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Channels of Communication in a Time",
						   "report back within weeks.", NULL },
			    (const char *const[]){ "Kremlin says trust", NULL });
}

/* A short story of three paragraphs right after its headline stays the
 * text, though it is under 500 characters: the relaxed passes find the
 * longer comment thread in the "comments" block, which must not replace
 * it. */
static void test_extract_keeps_short_story_after_its_headline(void **state)
{
	const char *html =
		"<html><head><title>Navy foils pirates</title></head><body>"
		"<div class=\"page\"><div class=\"col\"><div class=\"story\">"
		"<h1>Navy foils pirates</h1>"
		"<p>November 12, 2011</p>"
		"<p>The navy has foiled a piracy attempt on five merchant "
		"vessels in international waters.</p>"
		"<p>A frigate intercepted two pirate boats; arms were seized.</p>"
		"</div></div></div><div class=\"side\"><div class=\"comments\">"
		"<p>Anna, Leeds: I have followed this for years, and I doubt "
		"the talks will change anything, whatever the officials say, "
		"because neither side has moved in a decade.</p>"
		"<p>Brad, Glasgow: Geography matters, of course, but so does "
		"trust, and there is little of it left on either side, as "
		"the last meeting showed, sadly.</p>"
		"<p>Miss Priss: People are already employed there, so what do "
		"you think would happen, honestly, if the office moved north, "
		"as some have suggested, again?</p>"
		"<p>Redcliffe, Brisbane: Australia has an institute, with "
		"state branches, trainers, courses, and few managers, and it "
		"works, so why not copy it, then?</p>"
		"</div></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "foiled a piracy attempt", "arms were seized",
						   NULL },
			    (const char *const[]){ "Geography matters", NULL });
}

/* A "Related stories" box between the story's paragraphs does not end
 * the story when what follows it is a short closing sentence (under the
 * 300 characters of prose that otherwise show the story goes on); a
 * share bar after it is no such sentence. */
static void test_extract_closing_sentence_after_related_box(void **state)
{
	const char *html =
		"<html><body><div class=\"entry\">" STORY
		"<div class=\"box\"><h3>Related stories</h3><ul>"
		"<li><a href=\"/a\">Lavrov meets Chinese minister in Beijing</a></li>"
		"<li><a href=\"/b\">Kremlin says talks will go on in Geneva</a></li>"
		"</ul></div><p>The meeting came at a time when relations between "
		"the two countries are at their lowest point in years.</p>"
		"<ul class=\"sns\"><li><a href=\"/t\">Twitter</a></li>"
		"<li><a href=\"/f\">Facebook</a></li></ul></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "report back within weeks.",
						   "lowest point in years.", NULL },
			    (const char *const[]){ "Chinese minister", NULL });
}

/* A column of other stories' teasers (each a linked headline on its
 * own line, then a date) outscores a two-paragraph story with its many
 * items; it is never chosen as the story (it was, and then printed as
 * nothing: "no article text found"). */
#define WIRE_ITEM(n)                                                          \
	"<p><img src=\"t.gif\"> <a href=\"/wire/" n "\">Protesters gather "   \
	"outside the council again</a><br>12-12-2006 14:22 | Oxford, "        \
	"Banbury, Witney</p>"
static void test_extract_never_chooses_teaser_column(void **state)
{
	const char *html =
		"<html><body><div class=\"central\"><div class=\"features\">"
		"<p>The Saints placed Reggie Bush on the injured list on "
		"Wednesday, ending the season for the star running back.</p>"
		"<p>Bush will miss the team's final two games, against Detroit "
		"and Carolina, with a sprained left knee, the club said.</p>"
		"</div></div><div class=\"rightcolumn\"><div class=\"publish\">"
		"<a href=\"/p\">Publish your news</a></div><div class=\"newswire\">"
		"<h2>Newswire</h2>" WIRE_ITEM("1") WIRE_ITEM("2") WIRE_ITEM("3")
		WIRE_ITEM("4") WIRE_ITEM("5") WIRE_ITEM("6") WIRE_ITEM("7")
		WIRE_ITEM("8") WIRE_ITEM("9") WIRE_ITEM("10")
		"</div></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "placed Reggie Bush", NULL },
			    (const char *const[]){ "Banbury", NULL });
}

/* A <noscript> that leaves a <div> open keeps the rest of the page in
 * it (libxml2 ignores its end tag while the <div> is open): the page is
 * read again as a browser that runs scripts reads it, without what the
 * <noscript> holds, and the story after it is the text. */
static void test_extract_page_swallowed_by_noscript(void **state)
{
	const char *html =
		"<html><head><title>Tillerson in Moscow</title></head><body>"
		"<noscript><div id=\"nojs\">Please turn on JavaScript."
		"</noscript><div class=\"article\">" STORY STORY STORY STORY
		STORY "</div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow", NULL },
			    (const char *const[]){ "JavaScript", NULL });
}

/* A box of other stories made of paragraphs, each a linked headline on
 * a line of its own and its dek ("<p><a>Headline</a><br>Dek</p>"), is a
 * teaser list like one of <li>s: skipped. The headline is a small share
 * of each item, so only its own line tells it from a paragraph of the
 * story that opens with a link, which stays. */
#define TEASER_P(url, head, dek)                                              \
	"<p><a href=\"/" url "\">" head "</a><br>" dek "</p>"
static void test_extract_drops_teaser_paragraphs(void **state)
{
	const char *html =
		"<html><body><div class=\"article\">" STORY
		"<p><a href=\"/lavrov\">Sergei Lavrov</a> said the meeting had "
		"been useful, if frank, and that both sides would keep talking "
		"about Syria in the weeks to come.</p>"
		"<div class=\"box\">"
		TEASER_P("a", "Cup replays: follow the action",
			 "Follow all the action as it happens from the Cup "
			 "ties between Luton and Bury, with the league games "
			 "of the night as well")
		TEASER_P("b", "Agent fumes at the club",
			 "The player's agent launched an astonishing attack "
			 "on the club and its league last night, and vowed "
			 "never to bring another client")
		TEASER_P("c", "Manager may sue the owner",
			 "The manager is considering taking legal action "
			 "against the club's co-owner for constructive "
			 "dismissal, his friends said on Monday")
		"</div></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "Tillerson arrived in Moscow",
						   "Sergei Lavrov said the meeting", NULL },
			    (const char *const[]){ "astonishing attack", "constructive dismissal",
						   NULL });
}

/* Readers' comments are never the text, in any pass: a two-paragraph
 * story (too short for the strict pass to settle it, and not anchored
 * by three paragraphs) above a thread whose blocks say "comment" in
 * their class beside a positive word ("comment-content",
 * "article-comments"), which cancelled the hint and let the relaxed
 * passes take the longer thread. A class "commentary" is an opinion
 * column, not comments: its story stays. */
#define THREAD                                                                \
	"<div class=\"article-comments\"><div class=\"comment-content\">"    \
	"<p>I have followed this for years, and I doubt the talks will "      \
	"change anything, whatever the officials say, because neither side " \
	"has moved in a decade.</p></div><div class=\"comment-content\">"     \
	"<p>Geography matters, of course, but so does trust, and there is "   \
	"little of it left on either side, as the last meeting showed, "      \
	"sadly.</p></div><div class=\"comment-content\"><p>People are "       \
	"already employed there, so what do you think would happen, "         \
	"honestly, if the office moved north, as some have suggested, "       \
	"again?</p></div></div>"
static void test_extract_never_takes_comment_thread(void **state)
{
	const char *html =
		"<html><head><title>Navy foils pirates</title></head><body>"
		"<div class=\"story\"><h1>Navy foils pirates</h1>"
		"<p>The navy has foiled a piracy attempt on five merchant "
		"vessels in international waters on Saturday.</p>"
		"<p>A frigate intercepted two pirate boats; arms were seized.</p>"
		"</div>" THREAD "</body></html>";
	const char *column =
		"<html><head><title>Why the talks fail</title></head><body>"
		"<div class=\"commentary-body\">" STORY "</div></body></html>";
	char microdata[4096];
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "foiled a piracy attempt", "arms were seized",
						   NULL },
			    (const char *const[]){ "Geography matters", NULL });
	article_clear(&a);
	/* the same thread marked only by schema.org's microdata */
	snprintf(microdata, sizeof microdata, "%.*s<div itemscope itemtype="
		 "\"https://schema.org/Comment\"><p>Geography matters, of course, "
		 "but so does trust, and there is little of it left on either "
		 "side, as the last meeting showed, sadly, and for years.</p>"
		 "<p>People are already employed there, so what do you think "
		 "would happen, honestly, if the office moved north?</p></div>"
		 "<div itemscope itemtype=\"https://schema.org/Comment\"><p>I "
		 "have followed this for years, and I doubt the talks will "
		 "change anything, whatever the officials say, because neither "
		 "side has moved in a decade.</p></div></body></html>",
		 (int)(strstr(html, THREAD) - html), html);
	testutil_extract(microdata, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "arms were seized", NULL },
			    (const char *const[]){ "Geography matters", NULL });
	article_clear(&a);
	testutil_extract(column, &a);
	assert_non_null(strstr(a.text, "Tillerson arrived in Moscow"));
	article_clear(&a);
}

/* An end marker whose capital is a letter beyond ASCII ends the article
 * as its lowercase form does: "Ähnliche Beiträge", "ЧИТАЙТЕ ТАКЖЕ" (was:
 * compared with strncasecmp, which folds ASCII only). */
static void test_extract_end_markers_in_capitals_beyond_ascii(void **state)
{
	const char *const headings[] = { "Ähnliche Beiträge", "ÄHNLICHE BEITRÄGE",
					 "ЧИТАЙТЕ ТАКЖЕ", "Читайте также",
					 "À lire aussi" };
	char html[2048];

	(void)state;
	for (size_t i = 0; i < sizeof headings / sizeof *headings; i++) {
		snprintf(html, sizeof html,
			 "<html><body><div>" STORY "<h3>%s</h3><p>Putin says "
			 "trust has worsened under Trump, in an interview given "
			 "on Wednesday to a state television channel.</p></div>"
			 "</body></html>", headings[i]);
		testutil_page_holds(html,
				    (const char *const[]){ "report back within weeks.", NULL },
				    (const char *const[]){ headings[i], "Putin says trust", NULL });
	}
}

/* Ruby annotations (<rt>, <rp>: furigana, the reading printed over the
 * characters) are not the text, and leaving them out joins the characters
 * around them: the sentence reads as it is written. */
static void test_extract_leaves_out_ruby_annotations(void **state)
{
	const char *html =
		"<html><head><title>Law bans corporal punishment</title></head>"
		"<body><div class=\"story\"><h1>Law bans corporal punishment</h1>"
		"<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>"
		"ぎゃくたい</rt><rp>)</rp></ruby>をなくすための<ruby>法律<rt>"
		"ほうりつ</rt></ruby>ができて、<ruby>親<rt>おや</rt></ruby>が"
		"<ruby>子<rt>こ</rt></ruby>どもを<ruby>教育<rt>きょういく</rt>"
		"</ruby>するために、たたいたり<ruby>蹴<rt>け</rt></ruby>ったり"
		"する<ruby>体罰<rt>たいばつ</rt></ruby>を<ruby>禁止<rt>きんし"
		"</rt></ruby>することになりました。</p></div></body></html>";

	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "子どもへの虐待をなくすための法律ができて、"
						   "親が子どもを教育するために", NULL },
			    (const char *const[]){ "ぎゃくたい", "きょういく", "(", NULL });
}

/* A header box (headline, pull quote, a caption) scores above a story
 * of one short paragraph in another branch of the page (a paywalled
 * teaser), too short to be taken as the body below it by its length. The
 * page's own description begins that paragraph: the publisher's summary
 * of the story is where the story begins, so it is the body. Without the
 * description, nothing says so. */
#define PORT_PAGE(meta)                                                       \
	"<html><head>" meta "</head><body><div id=\"wrap\"><article "        \
	"class=\"post type-post\"><div class=\"post-header container\"><div " \
	"class=\"post-header-holder\"><div class=\"featured-image\"><figure>"  \
	"<figcaption class=\"caption-text\">The old port seen from the "      \
	"lighthouse at dusk. Photo: Ana Ruiz</figcaption></figure></div>"    \
	"<header class=\"post-title\"><h1 class=\"entry-title\">Old port "    \
	"opens to ships at night</h1><p class=\"sub-title\">'The lights and " \
	"buoys are finally ready for it'</p></header></div></div><div "       \
	"class=\"container\"><div class=\"row\"><div class=\"span8 "          \
	"main-content\" role=\"main\"><div class=\"main-inner\"><div "        \
	"class=\"post-content\"><p><img class=\"alignright\">The harbour "    \
	"authority said on Monday that ships of any size could now enter the " \
	"old port at night, after forty years of daylight-only pilotage.</p>" \
	"</div></div></div></div></div></article></div></body></html>"
static void test_extract_body_that_the_description_begins(void **state)
{
	const char *described = PORT_PAGE(
		"<meta name=\"description\" content=\"The harbour authority said "
		"on Monday that ships of any size could now enter the old port at "
		"night, after forty years of daylight-only pilotage.\">");
	const char *bare = PORT_PAGE("");

	(void)state;
	testutil_page_holds(described,
			    (const char *const[]){ "ships of any size could now enter", NULL },
			    NULL);
	testutil_page_holds(bare, NULL,
			    (const char *const[]){ "ships of any size could now enter", NULL });
}

/* A dialog (a login window over the page) and a form's alerts are the
 * page's interface, never its text, in any pass: a short story's relaxed
 * passes took a login dialog's messages, longer than the story. */
static void test_extract_never_takes_dialog(void **state)
{
	const char *html =
		"<html><head><title>Navy foils pirates</title></head><body>"
		"<div class=\"story\"><h1>Navy foils pirates</h1>"
		"<p>The navy has foiled a piracy attempt on five merchant "
		"vessels in international waters on Saturday.</p></div>"
		"<div role=\"dialog\"><form><p role=\"alert\">No account "
		"is registered with this e-mail address, or the password you "
		"gave is wrong; please check both and try again.</p><p>The "
		"password must be eight characters long or more, and hold an "
		"upper-case letter, a digit and a sign of punctuation.</p>"
		"<p>Please agree to our terms of use and to our privacy "
		"policy before you register, as the law requires of us.</p>"
		"</form></div><dialog open><p>Your registration did not go "
		"through. Please check what you entered, the e-mail address "
		"above all, and send the form again in a minute.</p></dialog>"
		"</body></html>";
	struct article a = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "foiled a piracy attempt", NULL },
			    (const char *const[]){ "No account", "eight characters",
						   "registration did not", NULL });
	article_clear(&a);
}

/* "Related to this story:" and "Recent comments" end the article like
 * "Related stories" does. */
static void test_extract_more_end_markers(void **state)
{
	const char *html =
		"<html><body><div>" STORY
		"<p>Related to this story:</p>"
		"<p>Putin says trust has worsened under Trump (12 Apr 17)</p>"
		"<p>Recent comments</p>"
		"<p>Anna, Leeds: I doubt the talks will change anything at all "
		"in the end.</p></div></body></html>";
	(void)state;
	testutil_page_holds(html,
			    (const char *const[]){ "report back within weeks.", NULL },
			    (const char *const[]){ "Related to this story", "Putin says trust",
						   "doubt the talks", NULL });
}

/* Blog comment headers, "Name said..." and "Name Month D, YYYY at H:MM
 * pm", are signatures too; a dated line that names no one ("adjourned at
 * 9:50 am") is not. */
static void test_extract_skips_blog_comment_headers(void **state)
{
	const char *html =
		"<html><body><div>" STORY
		"<p>The meeting was adjourned at 9:50 am.</p>"
		"<p>Maria July 7, 2012 at 2:31 pm</p>"
		"<p>I have followed this for years, and I doubt the talks "
		"will change anything.</p>"
		"<p>Keith July 5, 2012 at 9:42 am</p>"
		"<p>Geography matters, of course, but so does trust.</p>"
		"</div></body></html>";
	const char *blogger =
		"<html><body><div>" STORY
		"<p>Anna said...</p><p>I have followed this for years, and I "
		"doubt the talks will change anything.</p>"
		"<p>Brad said...</p><p>Geography matters, of course, but so "
		"does trust.</p></div></body></html>";
	struct article a = { 0 }, b = { 0 };

	(void)state;
	testutil_extract(html, &a);
	testutil_text_holds(a.text,
			    (const char *const[]){ "adjourned at 9:50 am", NULL },
			    (const char *const[]){ "Maria July", "Geography matters", NULL });
	testutil_extract(blogger, &b);
	assert_non_null(strstr(b.text, "report back within weeks."));
	assert_null(strstr(b.text, "said..."));
	assert_null(strstr(b.text, "Geography matters"));
	article_clear(&a);
	article_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract_keeps_article_paragraphs),
		cmocka_unit_test(test_extract_tag_with_thousands_of_attributes),
		cmocka_unit_test(test_extract_drops_related_box),
		cmocka_unit_test(test_extract_moves_picture_captions_to_their_field),
		cmocka_unit_test(test_extract_keeps_loose_story_beside_link_box),
		cmocka_unit_test(test_extract_joins_sibling_table_of_prose),
		cmocka_unit_test(test_extract_drops_post_footer),
		cmocka_unit_test(test_extract_dropped_footer_counts_before_comments),
		cmocka_unit_test(test_extract_keeps_unlinked_pictures_with_caption),
		cmocka_unit_test(test_extract_keeps_core_block_with_pictures_and_no_p),
		cmocka_unit_test(test_extract_recovers_page_swallowed_by_unclosed_title),
		cmocka_unit_test(test_extract_recovers_page_swallowed_by_broken_script_tag),
		cmocka_unit_test(test_extract_never_repairs_inside_a_sound_script),
		cmocka_unit_test(test_extract_title_repair_skips_scripts_and_comments),
		cmocka_unit_test(test_extract_drops_teaser_list_longer_than_the_brief),
		cmocka_unit_test(test_extract_keeps_paragraphs_that_start_with_links),
		cmocka_unit_test(test_extract_collapses_spaces_and_drops_invisibles),
		cmocka_unit_test(test_extract_reads_attributes_among_any_others),
		cmocka_unit_test(test_extract_page_cut_inside_a_start_tag),
		cmocka_unit_test(test_extract_utf8_chars_at_every_alignment),
		cmocka_unit_test(test_extract_keeps_hinted_block_holding_the_text),
		cmocka_unit_test(test_extract_skips_box_headed_more_stories),
		cmocka_unit_test(test_extract_block_headed_comments_is_not_the_article),
		cmocka_unit_test(test_extract_skips_related_box_inside_the_story),
		cmocka_unit_test(test_extract_related_box_after_the_story_ends_it),
		cmocka_unit_test(test_extract_skips_unmarked_comment_thread),
		cmocka_unit_test(test_extract_keeps_posts_signed_by_one_author),
		cmocka_unit_test(test_extract_joins_story_split_in_two_containers),
		cmocka_unit_test(test_extract_joins_story_parts_around_a_teaser),
		cmocka_unit_test(test_extract_does_not_join_the_next_blog_post),
		cmocka_unit_test(test_extract_keeps_story_folded_into_read_more),
		cmocka_unit_test(test_extract_keeps_list_of_prose_items),
		cmocka_unit_test(test_extract_keeps_heading_with_anchor_link),
		cmocka_unit_test(test_extract_skips_block_after_its_box_heading),
		cmocka_unit_test(test_extract_moves_standfirst_after_headline_to_its_field),
		cmocka_unit_test(test_extract_headline_box_does_not_outscore_the_body),
		cmocka_unit_test(test_extract_keeps_section_named_by_its_heading),
		cmocka_unit_test(test_extract_counted_responses_heading_ends_post),
		cmocka_unit_test(test_extract_skips_class_hidden_copy),
		cmocka_unit_test(test_extract_keeps_sentence_around_a_link),
		cmocka_unit_test(test_extract_keeps_short_story_after_its_headline),
		cmocka_unit_test(test_extract_never_takes_comment_thread),
		cmocka_unit_test(test_extract_drops_teaser_paragraphs),
		cmocka_unit_test(test_extract_page_swallowed_by_noscript),
		cmocka_unit_test(test_extract_never_chooses_teaser_column),
		cmocka_unit_test(test_extract_closing_sentence_after_related_box),
		cmocka_unit_test(test_extract_more_end_markers),
		cmocka_unit_test(test_extract_skips_blog_comment_headers),
		cmocka_unit_test(test_extract_drops_newsletter_share_and_comments),
		cmocka_unit_test(test_extract_title_not_in_text),
		cmocka_unit_test(test_extract_moves_byline_and_dateline_to_their_fields),
		cmocka_unit_test(test_extract_moves_byline_block_to_its_field),
		cmocka_unit_test(test_extract_drops_lone_author_name),
		cmocka_unit_test(test_extract_title_drops_site_suffix),
		cmocka_unit_test(test_extract_metadata_from_meta_tags),
		cmocka_unit_test(test_extract_jsonld_graph_date),
		cmocka_unit_test(test_extract_jsonld_second_script_and_bad_json),
		cmocka_unit_test(test_extract_time_element),
		cmocka_unit_test(test_extract_microdata_dates),
		cmocka_unit_test(test_extract_opengraph_modified_and_twitter_title),
		cmocka_unit_test(test_extract_jsonld_several_blocks_first_article_wins),
		cmocka_unit_test(test_extract_time_pubdate_wins_over_other_times),
		cmocka_unit_test(test_extract_title_is_h1_named_by_title),
		cmocka_unit_test(test_extract_text_overrules_declared_language),
		cmocka_unit_test(test_extract_brief_overrules_declared_language),
		cmocka_unit_test(test_extract_keeps_caller_fields),
		cmocka_unit_test(test_extract_normalize_date_formats),
		cmocka_unit_test(test_extract_no_text_fails),
		cmocka_unit_test(test_extract_title_only_page_is_a_story),
		cmocka_unit_test(test_extract_ignores_meta_charset),
		cmocka_unit_test(test_extract_survives_deep_nesting),
		cmocka_unit_test(test_extract_never_takes_dialog),
		cmocka_unit_test(test_extract_body_that_the_description_begins),
		cmocka_unit_test(test_extract_leaves_out_ruby_annotations),
		cmocka_unit_test(test_extract_end_markers_in_capitals_beyond_ascii),
		cmocka_unit_test(test_extract_not_nul_terminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
