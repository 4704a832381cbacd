/*
 * query: the list of a story that is not in the model yet, at publish
 * time, in milliseconds, scored as `run` would score it.
 *
 * A new story is analysed with the model's analysis parameters (title and
 * lead weights, stemming, stopwords, bigrams), weighted with the model's
 * document frequencies (tf per the model's tf mode, idf = ln((1 + N) / (1 +
 * df)) + 1) and scaled to unit length. Terms the model does not have, or
 * left out of it (below min_df, above max_df), are ignored. This is what
 * `run` gives for a story of the model; for a story that is new it differs
 * in one way: `run` would count the new story in N and in the df of its
 * terms (and could keep a term of the story that reaches min_df with it).
 * For the 100k-story models of the benchmark that moves weights by about
 * 1/N.
 *
 * Scores: the TF-IDF cosine with every story sharing a term (through the
 * model's postings), the best `rerank` of those re-scored by the blend
 * (1 - w) tfidf + w latent, as rank.h does. The latent vector of the new
 * story is its TF-IDF row times the model's term basis (semantic.h), scaled
 * to unit length; a model without a basis (written before it existed) is
 * queried with TF-IDF alone. `run` ranks 10 000 stories or more with its
 * approximate mode by default, so on big models `query` (always exact) can
 * find a story `run` missed.
 *
 * Policy: the best `top + 8` candidates go through policy_apply() (policy.h)
 * on a small model made of the new story and those candidates, with the
 * options `run` takes (struct query_options holds run's policy_options):
 * same language, min-score, near-duplicates, max-age, half-life, the
 * cutoff and twins, min-relative, section-cap, overrides (pins, blocks,
 * sponsored) and --explain's `why` and `excluded` behave as in `run`. When
 * the list calls for the fallback (--fill N with the cutoff, an empty list
 * without it), the newest stories of its section join the small model, as
 * many as the fill needs to be the one `run` makes. So a story of the model
 * queried with its own text and id gets `run --exact`'s line (tested in
 * tests/e2e.py under several options), but for two differences: two
 * candidates are copies of each other here when their TF-IDF cosine
 * reaches the threshold, where `run` also needs one among the other's
 * candidates; and the new story's latent vector is folded from its TF-IDF
 * row, so a blended score may differ from run's in its fourth decimal and
 * `why.latent` in its sixth.
 *
 * A new story whose id is a story of the model is that story republished:
 * it is never its own candidate, and query_update() replaces it.
 *
 * Refresh: the stories of the model whose list a recommend of the model
 * with the new story added (query_update()) shows it on, ranked (origin
 * "similar"; a fallback item is not the story entering), under every list
 * option. For each story d that could list it, d's candidates in that model
 * are made as rank.c's exact mode makes them (d ranked again, the new story
 * among the candidates by its score) and go through policy_apply(), the
 * function `run` applies, on a small model of d, those candidates and the
 * new story: decay, max-age, the cutoff (against d's best candidate, after
 * decay), twins and copies, min-relative, section-cap, pins and blocks act
 * as in `run`. Which stories could list it is found from what is known
 * without ranking d: with the cutoff, relatedness reaching the cutoff as
 * if the new story were d's best candidate (or reaching POLICY_GROUP_LOW,
 * since d's event or a group may lift it: policy_show_floor());
 * without it, a score at least
 * the weakest ranked item of d's current list; or, either way, being a
 * newer re-edit (twin or copy) of an item d shows, whose place it takes.
 * Current lists come from the related.jsonl the site has
 * (query_floors_load()); without it refresh is unknown. It is what an
 * exact recommend gives (`recommend` ranks 10 000 stories or more with the
 * approximate mode by default) but for two cases: two candidates of d are
 * copies of each other here when their TF-IDF cosine reaches the
 * threshold, where `run` also needs one among the other's candidates; and
 * a re-edit of a story d ranks but does not show is not looked for.
 */
#ifndef RELATED_QUERY_H
#define RELATED_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "article.h"
#include "buf.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "numbers.h"
#include "overrides.h"
#include "policy.h"

struct query_options {
	/* The lists' rules, as `run` takes them (policy.h; the command parses
	 * them with run's parser, cmd.h): top, cutoff, fill, min-score,
	 * duplicate, max-age, half-life, min-relative, section-cap, fallback,
	 * same language, explain and the blend weight (policy.semantic).
	 * policy.overrides is ignored: see `overrides`. */
	struct policy_options policy;
	size_t rerank;         /* TF-IDF candidates re-scored by the blend (default 100) */
	struct overrides *overrides; /* parsed; NULL: none. query_story()
					resolves it against its small model, so
					a resolution made before is lost */
};

void query_options_default(struct query_options *o);

/* A story's weighted row against a model: terms ascending, unit length. */
struct query_vector {
	uint32_t *term;
	float *weight;
	size_t n;
	float *latent;  /* [latent_dim], unit length; NULL without a term basis */
	uint32_t latent_dim;
	uint32_t numbers[NUMBERS_SLOTS]; /* numbers_signature() of title and text */
	uint16_t lead_sig[ANALYZE_LEAD_SLOTS]; /* the lead's signature (analyze.h),
						  for the twin rule */
};

/* Analyses `a` with `an` (made from the model's parameters with
 * query_analyze_options()) and weights it against m. -1 only when memory
 * runs out. Free with query_vector_free(). */
int query_vectorize(const struct model *m, struct analyzer *an, const struct article *a,
		    struct query_vector *out, struct error *err);
void query_vector_free(struct query_vector *v);

/* The analysis options m was built with. */
void query_analyze_options(const struct model *m, struct analyze_options *o);

/* The result for one new story. */
struct query_result {
	struct buf line;     /* its related.jsonl-shaped line without the closing
				"}\n", so that the caller can add fields */
	int64_t self;        /* the model's story with the same id, or -1 */
	/* every story of the model sharing a term, ascending, with its TF-IDF
	 * cosine (for refresh) */
	uint32_t *touched;
	float *tfidf;
	size_t n_touched;
};

/* Queries m with story `a` and its vector `v`; fills `out` (free it with
 * query_result_free()). Every id read from the mapped model is checked, so
 * a model opened with model_map() is safe. -1 with err set when memory runs
 * out or the model is inconsistent. */
int query_story(const struct model *m, const struct article *a,
		const struct query_vector *v, const struct query_options *o,
		const char *generated_at, struct query_result *out, struct error *err);
void query_result_free(struct query_result *r);

/* Current lists' floors, by story of m: floor[d] is the score the new story
 * must exceed to enter d's list: NAN when d has no line, -INFINITY when the
 * list has room (shorter than top, or a fallback list), +INFINITY when it
 * is full of pins. Reads the related.jsonl at `path`; lines naming stories
 * m does not have, and blank lines, are ignored; any other line that is
 * not a related.jsonl line fails (-1, err names the line). *floor is
 * malloc'd (m->n_docs floats). */
/* With `listed` not NULL, it also gets what each list shows: the stories
 * of d's list with origin "similar" are item[start[d] .. start[d + 1]),
 * as stories of m (ones m does not have are left out); freed with
 * query_listed_free(). */
struct query_listed {
	uint32_t *start; /* [n_docs + 1] */
	uint32_t *item;
};
int query_floors_load(const struct model *m, const char *path, size_t top,
		      float **floor, struct query_listed *listed, struct error *err);
void query_listed_free(struct query_listed *l);

/* Appends to `ids` (a JSON array body, comma-separated) the ids of the
 * stories whose lists story `a` (queried into r) now enters, as refresh is
 * defined above; `listed` (may be NULL) names the items each current list
 * shows, for the re-edits. -1 when memory runs out. */
int query_refresh(const struct model *m, const struct article *a,
		  const struct query_vector *v, const struct query_result *r, const float *floor,
		  const struct query_listed *listed, const struct query_options *o,
		  struct buf *ids);

/* A model that is m plus the new stories (replacing stories of the same
 * id), in id order, with the vectors computed above: vocabulary, df and
 * term basis stay m's until the next build; latent vectors are the folded
 * ones (zero without a term basis). `out` owns its arrays (model_free()). */
int query_update(const struct model *m, const struct article *arts,
		 const struct query_vector *vecs, size_t n, struct model *out,
		 struct error *err);

/* ---- the query command's stages ----
 *
 * What `related query` does between parsing its options and printing, so
 * that the command stays a list of calls: query_session_open() reads the
 * model, the overrides and the current lists; query_session_line() answers
 * one new story; query_session_update() writes the model with the new
 * stories; query_session_close() releases everything. */
struct query_session {
	struct model model;
	struct overrides overrides;
	float *floor;          /* query_floors_load(); NULL: refresh unknown */
	struct query_listed listed; /* what each list shows (query_floors_load()) */
	struct analyzer *an;   /* with the model's analysis options */
	int no_term_basis;     /* latent vectors but no term basis (an older
				  file): new stories scored by TF-IDF alone */
	int lists_unknown;     /* the lists file has no list of a story of the
				  model (empty, another site's): floor is NULL */
	uint64_t file_id[4];   /* the model file opened: device, inode, size,
				  mtime (ns), to see whether it was replaced */
};

enum { QUERY_BAD_INPUT = -1, QUERY_NO_MEMORY = -2 };

/* Opens the model at `model_path` (model_load() when `full`, for an
 * update; else model_map()), the overrides at `overrides_path` and the
 * lists at `lists_path` (each may be NULL); sets o->overrides. Overrides
 * that are malformed or name a story neither in the model nor among
 * the n_stories new `stories` go to `problems`. Returns 0, QUERY_BAD_INPUT (an input cannot
 * be used; err says which) or QUERY_NO_MEMORY. Close it in every case. */
int query_session_open(struct query_session *s, const char *model_path, int full,
		       const char *overrides_path, const char *lists_path,
		       const struct article *stories, size_t n_stories, struct query_options *o,
		       struct skip_list *problems, struct error *err);

/* The output line of new story `a`, with "refresh" (and "refresh_unknown"
 * without lists) and the newline, in `line` (replaced); `v` gets its
 * vector (the caller frees it with query_vector_free()). -1 when memory
 * runs out or the model is inconsistent. */
int query_session_line(struct query_session *s, const struct article *a,
		       const struct query_options *o, const char *generated_at,
		       struct query_vector *v, struct buf *line, struct error *err);

/* Writes the model with the n new stories of `arts` (vectors `vecs`) to
 * `path` atomically; *n_docs gets its story count. Under the model's lock
 * (fs_lock_file()), it re-reads the file when another process replaced it
 * since query_session_open() (another update, the nightly build) and adds
 * the stories, vectorised again, to that one: concurrent updates lose
 * nothing and a newer model is never overwritten with an older one. */
int query_session_update(struct query_session *s, const struct article *arts,
			 const struct query_vector *vecs, size_t n, const char *path,
			 uint32_t *n_docs, struct error *err);

void query_session_close(struct query_session *s);

#endif
