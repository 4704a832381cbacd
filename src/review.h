/*
 * review: the editors' review page. One self-contained HTML file (inline
 * CSS and JavaScript, no external assets, works offline) that shows every
 * story of a related.jsonl with its suggestions (rank, title linking to the
 * url, date, thumbnail, score, origin, a mark when the score is near the
 * cutoff), the words each pair shares, any collapsed near-duplicates, a
 * search box, and "pin"/"block" buttons. The page collects those actions
 * into one overrides file (overrides.h) to download: the current file's
 * lines, when review was given one, with the editor's actions merged in.
 *
 * Design: the data goes into the page once, as one JSON blob in
 * <script type="application/json" id="data">, and the page's script renders
 * one page of stories at a time, so a 100k-story archive gives a page that
 * loads and scrolls like a small one. The blob is compact: every story
 * mentioned (sources, items, duplicates) appears once in a table and lists
 * refer to it by index; shared words likewise refer to a word table. Every
 * '<' inside the blob is written as \u003c, so no title or id can close the
 * script element or open an HTML comment in it ("</" never occurs, and
 * neither does "<!--"). The script builds the DOM with textContent and
 * createElement only, and links (and loads thumbnails from) only http(s)
 * URLs, so titles, ids and URLs cannot inject markup or script.
 *
 * Blob layout (version 2):
 *   {"v": 2, "page_size": N,
 *    "cutoff": P or null, "cutoff_from": "--cutoff" | "report.json" | null,
 *    "near": W,
 *    "stems": true when the words are the model's stems (no texts given),
 *    "stories": [[id, title, url, published, image], ...],  null when unknown
 *    "terms":   [word, ...],
 *    "lists":   [[story, [[item, rank, score, origin, [term, contribution,
 *                 term, contribution, ...], mark], ...], [duplicate, ...]], ...],
 *    "overrides": [the current overrides file's lines, as objects]}
 * where story/item/duplicate index "stories" and term indexes "terms".
 * `mark` is REVIEW_NEAR when the item's score lies within `near` of the
 * cutoff, REVIEW_BELOW when it lies further below it (a pin, say), else 0;
 * always 0 without a cutoff, for fallback items and items without a score.
 *
 * Shared terms: for a story a and an item b both in the model, the
 * contribution of term t is w_a(t) * w_b(t) from the two TF-IDF rows (their
 * sum over all t is the TF-IDF cosine); the five largest are kept, largest
 * first (ties by term id). Each is shown as a word of the text: the word
 * (case-folded) that the term came from most often in the two stories,
 * found by analysing the stories' texts again with the model's options
 * (struct review_words below; ties go to the word whose bytes sort first).
 * Without the texts, or for a term the texts no longer give, the model's
 * term (a stem) is shown, and the blob says "stems". A story or item
 * unknown to the model is shown without shared terms.
 */
#ifndef RELATED_REVIEW_H
#define RELATED_REVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "article.h"

#include "buf.h"
#include "log.h"
#include "model.h"

#define REVIEW_SHARED_TERMS 5
#define REVIEW_DEFAULT_NEAR 0.1

enum { REVIEW_NEAR = 1, REVIEW_BELOW = 2 };

struct review_words;

struct review_options {
	size_t page_size; /* stories per page in the browser (default 50) */
	int self_test;    /* append the in-browser self-test (tests/review_browser.py) */
	double cutoff;    /* the cutoff the lists were cut at; <= 0: unknown or off */
	const char *cutoff_from; /* where it came from, shown on the page */
	double near;      /* width of "near the cutoff" (default REVIEW_DEFAULT_NEAR) */
	const json_t *overrides; /* the current overrides file's lines (array of
				    objects) to merge the actions into; NULL: none */
	const struct review_words *words; /* surface words; NULL: show stems */
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

/*
 * The cutoff recorded in a run's report.json (`options.cutoff`): returns 1
 * and sets *cutoff (0 when the report says the cutoff was off: null or 0),
 * or 0 when the report does not say (reports of runs before the cutoff).
 */
int review_report_cutoff(const json_t *report, double *cutoff);

/* ---- words behind the model's terms ---- */

/*
 * The words the terms of some stories came from, with how often: built by
 * analysing the stories' articles again with the analysis options `m` was
 * built with. review_words_new() returns an empty set (NULL when memory
 * runs out); review_words_add() analyses one article whose id the model
 * knows (others are ignored) and keeps its words; review_words_free()
 * releases everything. The set refers to `m`, which must outlive it.
 * Adding costs one analysis per article; the set keeps every (story, term,
 * word) triple, so give it only the stories the page shows.
 */
struct review_words *review_words_new(const struct model *m);
int review_words_add(struct review_words *w, const struct article *a, struct error *err);
void review_words_free(struct review_words *w);

/* The word shown for term `term` of the pair (a, b): the word it came from
 * most often in the two stories (ties: the bytes that sort first), or NULL
 * when neither story gave one. */
const char *review_words_pick(const struct review_words *w, uint32_t a, uint32_t b,
			      uint32_t term);

#endif
