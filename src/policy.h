/*
 * policy: from ranked candidates to the lists the site shows.
 *
 * Rules, in order: drop candidates scoring below `min_score`; drop
 * near-duplicates of the story itself (cosine at or above
 * `duplicate_score`: a republished or syndicated copy is not a related
 * story); keep the best `top`. Every kept item carries its origin
 * ("similar" for a ranked suggestion).
 */
#ifndef RELATED_POLICY_H
#define RELATED_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "model.h"
#include "rank.h"

struct policy_options {
	size_t top;            /* default 10 */
	float min_score;       /* default 0.0 (anything sharing a term) */
	float duplicate_score; /* default 0.98; 0 or above 1 turns it off */
};

void policy_options_default(struct policy_options *o);

struct related_item {
	uint32_t doc;
	float score;
	const char *origin; /* static string */
};

/* Final lists: story d's items are items[d * top ...], count[d] of them. */
struct related_lists {
	size_t top;
	uint32_t n_docs;
	struct related_item *items;
	uint32_t *count;
	uint32_t *duplicates; /* near-duplicates dropped per story */
};

int policy_apply(const struct model *m, const struct rank_lists *cand,
		 const struct policy_options *o, struct related_lists *out,
		 struct error *err);
void related_lists_free(struct related_lists *l);

#endif
