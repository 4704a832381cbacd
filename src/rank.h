/*
 * rank: for every story, the stories whose vectors have the highest cosine
 * with its own (exact), through an inverted index built from the model's
 * rows for the call and freed after it (postings.h: 16-bit story offsets
 * within blocks of 2^16 stories; a loaded model's own postings are not
 * read): of every term with float weights for the exact mode; for the
 * approximate mode, of the terms it may query with 16-bit codes of their
 * weights (its partial scores choose candidates, which are then re-scored
 * from the rows), and with floats the terms of stories ranked exactly and
 * of near-duplicates.
 *
 * Each thread owns one dense accumulator and one bounded heap and takes
 * stories in chunks of consecutive indexes; each story's result goes to its
 * own slot and every sum is taken in the same order whatever the thread, so
 * the lists are identical for any number of threads.
 *
 * With a semantic weight, each story's best `rerank` TF-IDF candidates are
 * re-scored by the blend of TF-IDF and latent cosine, and the best `depth`
 * of those kept: the latent space reorders what shares vocabulary with the
 * story instead of comparing every pair (which costs stories² · dim).
 *
 * Exact mode costs the sum over terms of df², dominated by the commonest
 * terms. The approximate mode queries each story with its heaviest terms
 * only, skipping terms found in a large fraction of stories, keeps the best
 * candidates by that partial score and re-scores them exactly, so every
 * score it reports is a true cosine; what it can miss is a story whose
 * similarity lies mostly in the skipped terms.
 *
 * By cost (the default of run and recommend), each story goes whichever
 * way a cost model predicts cheaper (rank.c): the short stories of common
 * terms, whose pool costs more to re-score than their postings to add and
 * where partial scores miss most, are ranked exactly, with the lists
 * --exact gives them; the rest approximately. Near-duplicates (leads
 * whose signatures agree, rows nearly one another's; a model with lead
 * signatures, a range ranked) go where predicted cheaper too: one
 * representative ranked exactly, and each of the others from its sums
 * and best candidates with bounds that prove the pool holds the exact
 * list (else the way planned): those get the lists --exact gives them
 * (rank.c; counted in rank_lists.shared).
 */
#ifndef RELATED_RANK_H
#define RELATED_RANK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "model.h"

enum rank_mode {
	RANK_EXACT = 0,
	RANK_APPROXIMATE = 1, /* every story */
	RANK_BY_COST = 2      /* each story the way predicted cheaper */
};

struct rank_options {
	size_t depth;  /* candidates kept per story (policy trims to top-N) */
	int jobs;      /* threads, >= 1 */
	int same_lang; /* only stories of the same language (unknown matches all) */
	float semantic; /* weight w of the latent cosine: score = (1-w) tfidf + w latent;
			   0, or a model without latent vectors, ranks by TF-IDF alone */
	size_t rerank;  /* with semantic > 0: TF-IDF candidates re-scored per story */
	int approximate;      /* enum rank_mode */
	size_t query_terms;   /* approximate: heaviest terms of a story queried */
	uint64_t max_postings; /* approximate: terms in more stories are not queried */
	size_t candidates;    /* approximate: stories scored exactly per story */
	const volatile sig_atomic_t *stop; /* when set and nonzero, stop early
					      (rank_all then fails "interrupted") */
	size_t begin, end;    /* rank only stories [begin, end) (0, 0: all); every
				 story stays a candidate (shard.h) */
	const uint32_t *docs; /* when not NULL, rank only these n_list stories
				 instead of a range */
	size_t n_list;
	/* when not NULL, called once the ranking is planned, before its
	 * postings are built: from then on until rank_all() returns, the
	 * ranking reads of the model only its rows, latent vectors and
	 * per-term arrays, not what model_side_arrays() names (pipeline.c
	 * pages that out meanwhile) */
	void (*set_up)(void *arg);
	void *set_up_arg;
};

/* Fills the approximate-mode parameters with their defaults for m; reads
 * o->depth, o->rerank and o->semantic, so set those first. */
void rank_options_approximate(struct rank_options *o, const struct model *m);

struct neighbor {
	uint32_t doc;
	float score;
};

/* Candidate lists: story d's candidates are items[d * depth ...] with
 * count[d] entries, best first, ties by story index (= by id). */
struct rank_lists {
	size_t depth;
	uint32_t n_docs;
	struct neighbor *items;
	uint32_t *count;
	size_t shared;    /* near-duplicates ranked from a twin's pool (rank.c) */
	size_t fell_back; /* near-duplicates whose twin's pool was not proved
			     to hold their list, ranked on their own */
};

/* Ranks every story of `m` (or the range or list the options name: the
 * other stories get count 0). `out` is the caller's, freed with
 * rank_lists_free(). Returns -1 with err set when memory runs out or the
 * range or list is out of bounds. */
int rank_all(const struct model *m, const struct rank_options *o,
	     struct rank_lists *out, struct error *err);
void rank_lists_free(struct rank_lists *l);

/* The stories outside [begin, end) whose candidate lists the policy's
 * near-duplicate rule reads for a story of the range: is_dup(a, b) for two
 * candidates a, b of a story looks in both lists, and can only be true when
 * their TF-IDF cosine reaches `threshold`, so only such pairs need a, b
 * ranked (a little below it is taken: the policy may sum in another
 * order). `cand` holds the range's lists. *out gets the stories (malloc'd,
 * ascending; the caller frees it), *n_out their number. Returns -1 when
 * memory runs out. */
int rank_dup_neighbours(const struct model *m, const struct rank_lists *cand, size_t begin,
			size_t end, float threshold, uint32_t **out, size_t *n_out);

/* Keeps the best `cap` neighbours seen in the min-heap h (*n of them so
 * far): x enters when there is room or when it beats the worst, which
 * sits at h[0]. The order is rank's: score, then the lower index. */
void rank_heap_push(struct neighbor *h, size_t *n, size_t cap, struct neighbor x);

/* Orders neighbours best first, ties by story index (qsort comparator). */
int rank_neighbor_cmp(const void *a, const void *b);

#endif
