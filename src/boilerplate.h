/*
 * boilerplate: cross-page removal of site chrome that extraction let
 * through.
 *
 * A paragraph (text between blank lines) that occurs in several pages of
 * one site is navigation, a teaser, a disclaimer or a "related" list, not
 * the story: a site's template repeats it on every page it renders. After
 * all pages of a run are extracted, the paragraphs are counted per host
 * (the host of the article's `url`) under a normalised form (ASCII
 * case-folded, whitespace collapsed) and those seen in at least
 * `min_pages` distinct stories of the host are removed from every page of
 * that host.
 *
 * Only articles with both `path` (they came from a page, not from a CMS
 * record) and a `url` with a host take part. A story is a page's host and
 * normalised title: pages with the same title (one story under two URLs,
 * or its update) count once, so that a story published twice keeps its
 * text; a page without a title is a story of its own. Paragraphs are
 * identified by a 64-bit hash of their normalised form: a collision (about
 * 2^-64 per pair) could remove a paragraph wrongly; nothing else can.
 *
 * The result does not depend on the order of the articles (apart from
 * each text's own order). Time and memory are linear in the total text,
 * plus a sort of the pages.
 */
#ifndef RELATED_BOILERPLATE_H
#define RELATED_BOILERPLATE_H

#include <stddef.h>

#include "article.h"

/* Stories of one host a paragraph must occur in to count as chrome. */
#define BOILERPLATE_MIN_PAGES 2

/* Removes, in place, the chrome paragraphs from the texts of `a[0..n)`
 * (texts only shrink; no reallocation) and returns how many paragraphs
 * were removed, or -1 when memory runs out (texts then unchanged).
 * min_pages < 2 is taken as 2. */
long boilerplate_remove(struct article *a, size_t n, size_t min_pages);

/* Writes the lowercase host of `url` ("http://User@WWW.Example.com:80/x"
 * gives "www.example.com") to `out` (size `cap`) and returns its length;
 * 0 when the URL has no scheme://host part or the host does not fit. */
size_t boilerplate_url_host(const char *url, char *out, size_t cap);

#endif
