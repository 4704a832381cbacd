/*
 * policy: from ranked candidates to the lists the site shows.
 *
 * Rules, in this order, each an option:
 *   1. min_score: drop candidates scoring below an absolute threshold;
 *   2. near-duplicates: a candidate whose TF-IDF cosine with the story is
 *      `duplicate_score` or more is a copy of the story (republished,
 *      syndicated) and is dropped; two candidates that are copies of each
 *      other collapse to the newer one (ties: lower id);
 *   3. max_age_days: drop candidates published further than that from the
 *      story (either way; stories without a date are kept);
 *   4. half_life_days: multiply scores by 0.5^(|days apart| / half-life),
 *      then re-sort;
 *   5. min_relative: drop candidates scoring below that fraction of the
 *      best candidate's score;
 *   6. section_cap: at most that many items from one section;
 *   7. keep the best `top`;
 *   8. fallback: a list left empty is filled with the most recent stories
 *      of the same section (same language), origin "fallback", unless
 *      fallback is off.
 * Same-language filtering happens in rank. Every item carries its origin:
 * "similar" (ranked) or "fallback".
 */
#ifndef RELATED_POLICY_H
#define RELATED_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "model.h"
#include "rank.h"

struct policy_options {
	size_t top;             /* default 10 */
	float min_score;        /* default 0 (anything sharing a term) */
	float duplicate_score;  /* default 0.98 TF-IDF cosine; 0 turns it off */
	double max_age_days;    /* default 0 = no limit */
	double half_life_days;  /* default 0 = no decay */
	float min_relative;     /* default 0 = off */
	size_t section_cap;     /* default 0 = no cap */
	int fallback;           /* default 1 */
	int same_lang;          /* fallback items in the story's language only */
};

void policy_options_default(struct policy_options *o);

struct related_item {
	uint32_t doc;
	float score;
	const char *origin; /* static string */
};

/* Final lists: story d's items are items[d * top ...], count[d] of them;
 * dup[d * top ...] (dup_count[d]) are the near-duplicates collapsed or
 * dropped for story d, for reviewers. */
struct related_lists {
	size_t top;
	uint32_t n_docs;
	struct related_item *items;
	uint32_t *count;
	uint32_t *dup;
	uint32_t *dup_count;
	size_t fallback_lists; /* lists filled by the fallback */
	size_t duplicates;     /* near-duplicates dropped in all */
};

int policy_apply(const struct model *m, const struct rank_lists *cand,
		 const struct policy_options *o, struct related_lists *out,
		 struct error *err);
void related_lists_free(struct related_lists *l);

/* Seconds since the epoch of an RFC 3339 date-time ("2017-04-11T14:00:00Z",
 * offsets and fractions allowed, a date alone is midnight UTC); returns 0
 * and sets *t, or -1 when s is not one. */
int policy_parse_time(const char *s, int64_t *t);

#endif
