/*
 * plaintext: a page that is plain text, not HTML, made readable to the
 * extractor.
 *
 * Archives hold the odd story saved as text (a CMS export, a copy from a
 * reader). Parsed as HTML it would come out as one run-on paragraph with
 * no title. Instead the text is recognised (no HTML markup in its start)
 * and rewritten as a minimal HTML page with the same words: the headline
 * line as <title> and <h1>, each paragraph (lines between blank lines) a
 * <p>, so that extract.h finds the story and cleans its chrome ("Related
 * articles" lists, newsletter prompts) exactly as on a page. The caller
 * notes on the article that it was not HTML.
 */
#ifndef RELATED_PLAINTEXT_H
#define RELATED_PLAINTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* True when `text` (`len` bytes, UTF-8) looks like HTML: a document tag
 * (<html, <head, <body, <!doctype) or at least two tags of common HTML
 * elements in its first 64 KB. */
bool plaintext_is_html(const char *text, size_t len);

/* Appends to `html` a UTF-8 HTML page holding `text` (`len` bytes): the
 * headline (the short line right before the first paragraph of prose, or
 * else the first line when short) as <title> and <h1>, lines before it
 * dropped (a site's name), and every paragraph a <p> (a hard-wrapped
 * paragraph is joined into one; otherwise each line is one). Markup
 * characters are escaped. Returns -1 when memory runs out. */
int plaintext_to_html(const char *text, size_t len, struct buf *html);

#endif
