/*
 * review: the editors' review page. One self-contained HTML file (inline
 * CSS and JavaScript, no external assets, works offline) that shows every
 * story of a related.jsonl with its suggestions (rank, title linking to the
 * url, score, origin), the terms each pair shares, any collapsed
 * near-duplicates, a search box, and "pin"/"block" buttons that copy the
 * matching override line.
 *
 * Design: the data goes into the page once, as one JSON blob in
 * <script type="application/json" id="data">, and the page's script renders
 * one page of stories at a time, so a 100k-story archive gives a page that
 * loads and scrolls like a small one. The blob is compact: every story
 * mentioned (sources, items, duplicates) appears once in a table and lists
 * refer to it by index; shared terms likewise refer to a term table. Every
 * '<' inside the blob is written as \u003c, so no title or id can close the
 * script element or open an HTML comment in it ("</" never occurs, and
 * neither does "<!--"). The script builds the DOM with textContent and
 * createElement only, and links only http(s) URLs, so titles, ids and URLs
 * cannot inject markup or script.
 *
 * Blob layout (version 1):
 *   {"v": 1,
 *    "stories": [[id, title, url], ...],   title/url null when unknown
 *    "terms":   [term, ...],
 *    "lists":   [[story, [[item, rank, score, origin, [term, contribution,
 *                 term, contribution, ...]], ...], [duplicate, ...]], ...]}
 * where story/item/duplicate index "stories" and term indexes "terms".
 *
 * Shared terms: for a story a and an item b both in the model, the
 * contribution of term t is w_a(t) * w_b(t) from the two TF-IDF rows (their
 * sum over all t is the TF-IDF cosine); the five largest are kept, largest
 * first (ties by term id). A story or item unknown to the model is shown
 * without shared terms.
 */
#ifndef RELATED_REVIEW_H
#define RELATED_REVIEW_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "log.h"
#include "model.h"

#define REVIEW_SHARED_TERMS 5

struct review_options {
	size_t page_size; /* stories per page in the browser (default 50) */
	int self_test;    /* append the in-browser self-test (tests/review_browser.py) */
};

void review_options_default(struct review_options *o);

/*
 * Appends the review page to `out`, built from `lines` (a JSON array of
 * related.jsonl records: {"source": {"id", "url", "title"}, "items": [{"rank",
 * "id", "url", "title", "score", "origin"}], optional "duplicates": [id or
 * {"id", ...}]}) and the model `m` (may be NULL: no shared terms). Records
 * without a source id are skipped; unknown fields are ignored. Returns 0, or
 * -1 with `err` set when memory runs out (`out` may then hold part of the
 * page; the caller releases it).
 */
int review_build(const struct model *m, const json_t *lines,
		 const struct review_options *o, struct buf *out, struct error *err);

#endif
