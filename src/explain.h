/*
 * explain: why two stories are related, in numbers an editor can check.
 *
 * The score of a pair is made of the TF-IDF cosine, which is a sum over the
 * terms the two stories share of w_a(t) * w_b(t) (both vectors have unit
 * length), and, when the model has latent vectors, the latent cosine. rank
 * blends them as (1 - w) * tfidf + w * latent; explain_pair() computes the
 * same numbers the same way, so an explanation always matches the list.
 *
 * explain_pair() fills a caller-owned struct explain; the shared terms are
 * sorted by contribution (highest first, ties by term id) and the list is
 * cut to `max_terms`, while `n_shared` and `tfidf` still count every shared
 * term. Release with explain_free().
 */
#ifndef RELATED_EXPLAIN_H
#define RELATED_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "log.h"
#include "model.h"
#include "options.h"

/* Default blend weight of the latent cosine (as in `run`). */
#define EXPLAIN_DEFAULT_SEMANTIC ((float)DEFAULT_SEMANTIC)

struct explain_term {
	uint32_t term;
	float weight_a, weight_b; /* the term's weight in each story */
	float contribution;       /* weight_a * weight_b */
};

struct explain {
	uint32_t a, b;     /* story indexes */
	float tfidf;       /* TF-IDF cosine: the sum of every contribution */
	int has_latent;    /* the model has latent vectors */
	float latent;      /* latent cosine (0 without latent vectors) */
	float weight;      /* blend weight actually used (0 without latent vectors) */
	float score;       /* (1 - weight) * tfidf + weight * latent */
	float names;       /* names the two leads share (policy_lead_names()) */
	float numdis;      /* numbers the two disagree on (policy_numbers_disagree()) */
	size_t n_shared;   /* shared terms in all */
	struct explain_term *terms; /* the best n_terms of them, malloc'd */
	size_t n_terms;
};

/* Explains the pair (a, b) of `m` with blend weight `semantic` (0 to 1);
 * keeps at most `max_terms` shared terms. Returns -1 with err set when
 * memory runs out or a story index is out of range. */
int explain_pair(const struct model *m, uint32_t a, uint32_t b, float semantic,
		 size_t max_terms, struct explain *out, struct error *err);
void explain_free(struct explain *e);

/* The blended score alone, as rank computes it (no allocation). */
float explain_score(const struct model *m, uint32_t a, uint32_t b, float semantic);

/* Appends the full explanation as one JSON object (no newline):
 * {"a":{"id","title"},"b":{...},"score","tfidf","latent","names","numdis","semantic_weight",
 *  "shared_terms","terms":[{"term","df","weight_a","weight_b","contribution"}]}
 * "latent" is null when the model has no latent vectors. */
int explain_json(struct buf *b, const struct model *m, const struct explain *e);

/* Appends the compact `why` object of a related.jsonl item:
 * {"terms":[{"term","contribution"}...],"tfidf","latent","score","names",
 * "numdis"}. */
int explain_why_json(struct buf *b, const struct model *m, const struct explain *e);

/* `related explain`'s answer: the explain_json() line (with its newline)
 * of the stories with ids id_a and id_b (model_find()), appended to `out`.
 * Returns 0; EXPLAIN_NO_STORY with *missing set to the first id the model
 * does not have; or -1 with err set when memory runs out. */
enum { EXPLAIN_NO_STORY = 1 };
int explain_ids(const struct model *m, const char *id_a, const char *id_b, float semantic,
		size_t max_terms, struct buf *out, const char **missing, struct error *err);

#endif
