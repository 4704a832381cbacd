/*
 * eval: how good are related-story lists? Ranking metrics against labels or
 * editors' picks, recall against another set of lists, and bootstrap
 * confidence intervals. No printing: `related eval` (cmd_eval.c) shows the
 * results.
 *
 * The definitions are those of ../shared/eval/score_related.py, so figures
 * from either tool can be compared:
 *
 *   - A *query* is a labelled story with at least one relevant story other
 *     than itself; labelled stories with none are skipped and counted.
 *     Two stories are related when they share a label; a story with
 *     editors' picks is also related to exactly those stories. A story is
 *     never relevant to itself.
 *   - A list's items are taken in file order; the story itself and repeated
 *     ids count as misses. A labelled story without a list scores 0.
 *   - With R relevant stories and hits among the first k items:
 *       P@k    = hits / k
 *       R@k    = hits / R
 *       MAP@k  = (sum of hits-so-far / rank at each hit) / min(R, k)
 *       nDCG@k = sum of 1/log2(rank + 1) at hits, divided by the same sum
 *                over ranks 1..min(R, k) (binary gain)
 *     each averaged over the queries.
 *   - Recall against other lists (--against): for every list of the other
 *     set with at least one usable item in its top k,
 *     |my top k ∩ its top k| / |its top k|, averaged.
 *
 * Story ids are interned in one `struct strmap` shared by every lists and
 * labels object of an evaluation (the caller owns it and frees it last), so
 * ids compare as integers.
 */
#ifndef RELATED_EVAL_H
#define RELATED_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hash.h"
#include "log.h"

/* Return values of the functions below besides 0. */
enum {
	EVAL_EINPUT = -1, /* a malformed input; err names the file and line */
	EVAL_ENOMEM = -2  /* memory ran out; err says so */
};

#define EVAL_MISS UINT32_MAX /* an item that can never be a hit */
#define EVAL_MAX_K 10000     /* largest cut-off accepted */

/* ---- Lists: the tool's output, story -> ranked item ids ---------------- */

struct eval_list {
	uint32_t source; /* id in the shared map */
	uint32_t *items; /* ids best first; EVAL_MISS for self and repeats */
	size_t n;
};

/* Lists in the order their sources first appeared. Everything is owned by
 * the object; `ids` is borrowed. */
struct eval_lists {
	struct strmap *ids;
	struct eval_list *v;
	size_t n, cap;
	size_t *by_id;  /* story id -> index in v + 1, 0 when the story has none */
	size_t by_id_len;
};

void eval_lists_init(struct eval_lists *l, struct strmap *ids);
void eval_lists_free(struct eval_lists *l);

/* Adds the list of `source` (items best first). When `source` already has a
 * list it is replaced in place: the last line wins, as in score_related.py.
 * Returns 0, or EVAL_ENOMEM. */
int eval_lists_add(struct eval_lists *l, const char *source, const char *const *items,
		   size_t nitems, struct error *err);

/* Reads JSON Lines {"source": {"id", ...}, "items": [{"id", ...}, ...]}
 * (ids strings or integers; "items" missing or null is an empty list; blank
 * lines skipped) from `f`. `name` is used in messages ("x.jsonl:3: ..."). */
int eval_lists_read(struct eval_lists *l, FILE *f, const char *name, struct error *err);

/* The list of story `id`, or NULL when it has none. */
const struct eval_list *eval_lists_find(const struct eval_lists *l, uint32_t id);

/* ---- Labels: what is relevant to what ----------------------------------- */

struct eval_labelled {
	uint32_t id;      /* story id in the shared map */
	uint32_t *labels; /* label ids in eval_labels.names */
	size_t nlabels;
	uint32_t *picks;  /* story ids chosen by editors */
	size_t npicks;
};

/* Labelled stories in the order they first appeared; owned by the object
 * except `ids`, which is borrowed. */
struct eval_labels {
	struct strmap *ids;
	struct strmap names; /* label strings */
	struct eval_labelled *v;
	size_t n, cap;
	size_t *by_id; /* story id -> index in v + 1, 0 when not labelled */
	size_t by_id_len;
};

void eval_labels_init(struct eval_labels *lab, struct strmap *ids);
void eval_labels_free(struct eval_labels *lab);

/* Records story `id` with its labels and its editors' picks (either count
 * may be 0). A story given twice keeps its first position and the last
 * labels, as in score_related.py. Returns 0, or EVAL_ENOMEM. */
int eval_labels_add(struct eval_labels *lab, const char *id, const char *const *labels,
		    size_t nlabels, const char *const *picks, size_t npicks, struct error *err);

/* Reads JSON Lines {"id", "label"} (label a string or a list of strings)
 * and/or {"id", "related": [ids]} from `f`; a line needs at least one of
 * the two. Strings and integers are accepted as ids and labels. */
int eval_labels_read(struct eval_labels *lab, FILE *f, const char *name, struct error *err);

/* ---- Results ------------------------------------------------------------ */

/* One metric: its value for every query, their mean and, after
 * eval_bootstrap(), the interval (NAN before, or with no resamples). */
struct eval_metric {
	char name[32]; /* "P@5", "MAP@10", "recall@10" */
	size_t k;
	double *per_query; /* owned; n values */
	size_t n;
	double value;
	double ci_low, ci_high;
};

struct eval_result {
	struct eval_metric *metrics; /* owned; in the order they were scored */
	size_t nmetrics;
	/* eval_score_labels() */
	int has_labels;
	size_t labelled;            /* stories in the labels */
	size_t queries;             /* labelled stories with a relevant story */
	size_t skipped_no_relevant; /* labelled stories without one */
	size_t covered;             /* labelled stories with a non-empty list */
	size_t unlabelled_lists;    /* lists whose story has no label */
	/* eval_score_against() */
	int has_against;
	size_t lists_compared;      /* other's lists compared at the largest k */
	size_t missing_lists;       /* other's non-empty lists we have none for */
};

void eval_result_init(struct eval_result *r);
void eval_result_free(struct eval_result *r);

/* Looks a metric up by name; NULL when it was not scored. */
const struct eval_metric *eval_result_metric(const struct eval_result *r, const char *name);

/* Adds P@k, R@k, MAP@k and nDCG@k for every k of `ks` (in that order:
 * every P first, then R, MAP, nDCG) and the label counts to `r`. ks must be
 * from 1 to EVAL_MAX_K. Returns 0, or EVAL_ENOMEM. */
int eval_score_labels(struct eval_result *r, const struct eval_labels *lab,
		      const struct eval_lists *lists, const size_t *ks, size_t nks,
		      struct error *err);

/* Adds recall@k of `lists` with `other` taken as the truth, for every k of
 * `ks`, and the counts. Returns 0, or EVAL_ENOMEM. */
int eval_score_against(struct eval_result *r, const struct eval_lists *lists,
		       const struct eval_lists *other, const size_t *ks, size_t nks,
		       struct error *err);

/* Percentile bootstrap: for every metric, `resamples` times draws its n
 * queries with replacement (gsl_rng mt19937 seeded with `seed`, restarted
 * for every metric so an interval does not depend on which other metrics
 * were asked for) and sets ci_low/ci_high to the (1-level)/2 and
 * (1+level)/2 quantiles of the resampled means. With resamples == 0 or no
 * queries the interval is left NAN. Returns 0, or EVAL_ENOMEM. */
#define EVAL_DEFAULT_SEED 20170411UL
int eval_bootstrap(struct eval_result *r, size_t resamples, unsigned long seed, double level,
		   struct error *err);

#endif
