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
 * The work is three steps, public so that a run split over processes
 * (shard.h) takes them apart and still decides as one process would:
 *
 *   census   every eligible page adds a sighting (host, paragraph, story)
 *            per paragraph; sightings are sets, so a census can be taken
 *            in pieces (one per shard) and the pieces joined, in any
 *            order, into the census of the whole run;
 *   decide   from the whole census, the chrome: each (host, paragraph)
 *            with at least min_pages distinct stories;
 *   apply    every page of a host loses the chrome paragraphs of its host.
 *
 * boilerplate_remove() is the three on one array of pages. The result does
 * not depend on the order of the pages (apart from each text's own order)
 * nor on how the census was split. Time is linear in the total text plus a
 * sort of the sightings; memory is 24 bytes per sighting.
 */
#ifndef RELATED_BOILERPLATE_H
#define RELATED_BOILERPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "hash.h"

/* Stories of one host a paragraph must occur in to count as chrome. */
#define BOILERPLATE_MIN_PAGES 2

/* Longest host name (bytes, without the NUL) that takes part. */
#define BOILERPLATE_HOST_MAX 255

/* ---- one process ---- */

/* Removes, in place, the chrome paragraphs from the texts of `a[0..n)`
 * (texts only shrink; no reallocation) and returns how many paragraphs
 * were removed, or -1 when memory runs out (texts then unchanged).
 * min_pages < 2 is taken as 2. */
long boilerplate_remove(struct article *a, size_t n, size_t min_pages);

/* Writes the lowercase host of `url` ("http://User@WWW.Example.com:80/x"
 * gives "www.example.com") to `out` (size `cap`) and returns its length;
 * 0 when the URL has no scheme://host part or the host does not fit. */
size_t boilerplate_url_host(const char *url, char *out, size_t cap);

/* ---- the census ---- */

/* One paragraph of one story of one host. `story` is the 64-bit hash of
 * the story's normalised title, or, for a page without a title
 * (`untitled` 1), the page's ordinal, a number no other page of the run
 * has. */
struct boilerplate_sighting {
	uint64_t paragraph; /* hash of the normalised paragraph */
	uint64_t story;
	uint32_t host;      /* id in the census's `hosts` */
	uint32_t untitled;  /* 0 or 1 */
};

/* Sightings of one run or of a piece of it. After boilerplate_census_finish
 * `s` is sorted by (host id, paragraph, untitled, story) without repeats;
 * adding more unsorts it. */
struct boilerplate_census {
	struct strmap hosts; /* host names -> ids (strmap_key gives the name) */
	struct boilerplate_sighting *s;
	size_t n, cap;
};

void boilerplate_census_init(struct boilerplate_census *c);
void boilerplate_census_free(struct boilerplate_census *c);

/* Adds the sightings of page `a` (nothing when it does not take part; see
 * above). `ordinal` must differ between the pages of a run, across every
 * piece of its census: an index into all its inputs does. Returns -1 when
 * memory runs out. */
int boilerplate_census_add_page(struct boilerplate_census *c, const struct article *a,
				uint64_t ordinal);

/* The id of host `host` (`len` bytes, 1 to BOILERPLATE_HOST_MAX) in the
 * census, added when new; -1 when memory runs out or the host is empty or
 * too long. With boilerplate_census_add, this is how pieces of a census
 * read back from files are joined. */
int64_t boilerplate_census_host(struct boilerplate_census *c, const char *host, size_t len);

/* Adds one sighting; s->host must be an id boilerplate_census_host gave.
 * Returns -1 when memory runs out or s->host is not such an id. */
int boilerplate_census_add(struct boilerplate_census *c, const struct boilerplate_sighting *s);

/* Sorts the sightings and drops repeats (a paragraph twice in one page, or
 * in two pages of one story, or a piece given twice). */
void boilerplate_census_finish(struct boilerplate_census *c);

/* ---- the decision and its application ---- */

/* A set of (host, paragraph hash): the paragraphs to remove. */
struct boilerplate_chrome {
	struct strmap hosts;      /* host names -> ids */
	struct strmap paragraphs; /* 12-byte keys: u32 host id, u64 hash
				     (native order); id order = order added */
};

void boilerplate_chrome_init(struct boilerplate_chrome *ch);
void boilerplate_chrome_free(struct boilerplate_chrome *ch);

/* Adds (host, paragraph) to the set (a repeat is no error). Returns -1 when
 * memory runs out or the host is empty or too long. */
int boilerplate_chrome_add(struct boilerplate_chrome *ch, const char *host, size_t len,
			   uint64_t paragraph);

/* The paragraph hash and host id of entry `id` of the set. */
void boilerplate_chrome_entry(const struct boilerplate_chrome *ch, uint32_t id,
			      uint32_t *host, uint64_t *paragraph);

/* Finishes the census `c` (boilerplate_census_finish) and adds to `out`
 * every (host, paragraph) of it seen in at least min_pages (< 2: 2)
 * distinct stories, in census order. Returns -1 when memory runs out. */
int boilerplate_decide(struct boilerplate_census *c, size_t min_pages,
		       struct boilerplate_chrome *out);

/* Removes, in place, the paragraphs in `ch` from the texts of the pages of
 * `a[0..n)` that take part (texts only shrink; a text that loses nothing
 * is left byte for byte) and returns how many were removed. */
long boilerplate_apply(struct article *a, size_t n, const struct boilerplate_chrome *ch);

#endif
