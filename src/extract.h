/*
 * extract: the article inside a news page.
 *
 * The page (already UTF-8, see charset.h) is parsed with libxml2's HTML
 * parser with network access, DTD loading and entity substitution off. The
 * main content is found by scoring blocks (text length, link density,
 * paragraph structure, class/id/ARIA hints in several languages) and cleaned
 * of navigation, related-link and "most read" boxes, newsletter prompts,
 * share bars, comments and footers. `text` is the body as schema.org's
 * articleBody means it; the standfirst, the byline, the dateline and the
 * captions go to fields of their own (article.h). Metadata comes from
 * JSON-LD (including @graph and arrays), OpenGraph / article:* meta, <time>,
 * <link rel=canonical> and <html lang>, and from what a reader sees: the
 * <h1> the other statements of the headline agree with, the dateline,
 * the byline's names, a date shown near the headline, the URL's date.
 * An extraction that probably failed carries warnings (article.h).
 */
#ifndef RELATED_EXTRACT_H
#define RELATED_EXTRACT_H

#include <stddef.h>

#include "article.h"
#include "log.h"

/* Fills `out`'s url, title, published, modified, author, section, lang,
 * image, text, standfirst, byline, dateline, captions, sitename, tags and
 * warnings from `html` (UTF-8, `len` bytes, need not be
 * NUL-terminated). Fields already set in `out` (e.g. url, published or
 * section given by a manifest) are kept, not overwritten. `name` names the
 * input in error messages. Returns 0 (text may be "" for a page with a
 * headline but no body), or -1 with `err` set when the page cannot be
 * parsed at all or has neither text nor title; `out` may then hold partial
 * metadata, which the caller frees with article_clear(). Thread-safe. */
int extract_article(const char *html, size_t len, const char *name,
		    struct article *out, struct error *err);

/* Warnings (article.h) made again on what is left of `a`'s text after
 * the run's cross-page boilerplate removal cut it from `before` bytes:
 * "text-short" when it is cut to a stub (under 200 bytes and a quarter
 * of them), "text-repetitive" only when the rest is still mostly short
 * lines of one shape. Nothing changes when the text did not. */
void extract_recheck_text(struct article *a, size_t before);

/* Normalises a date as found in pages ("2017-04-11T18:30:00+03:00",
 * "2017-04-11", "Tue, 11 Apr 2017 18:30:00 GMT") to RFC 3339
 * ("2017-04-11T18:30:00+03:00", dates alone as "2017-04-11T00:00:00Z").
 * Returns a malloc'd string the caller frees, or NULL if not a date. */
char *extract_normalize_date(const char *s);

/* Removes the site-name suffix or prefix from a <title> ("Headline | Site",
 * "Headline - Site", "Site: Headline"), using `site` (e.g. og:site_name, may
 * be NULL) when known. Returns a malloc'd string. */
char *extract_clean_title(const char *title, const char *site);

#endif
