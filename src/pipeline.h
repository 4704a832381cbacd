/*
 * pipeline: the stages chained over many stories, with threads. Commands
 * call these; each step here only sequences stage functions (read, charset,
 * extract, analyze, model) and collects per-input failures as skips.
 */
#ifndef RELATED_PIPELINE_H
#define RELATED_PIPELINE_H

#include <stddef.h>

#include "analyze.h"
#include "article.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "numbers.h"
#include "output.h"
#include "policy.h"
#include "publish.h"
#include "rank.h"

#include "parallel.h" /* pipeline_stop */

/* The stories a run works on, in id order. Owns its articles and
 * text_ref. When the input set deferred texts (input.h), a story whose
 * text_ref[i].source is not INPUT_TEXT_HERE has no text in memory (NULL)
 * and no language guessed yet: pipeline_build() reads the text back from
 * sources[source] while it analyses the story, guesses the language then,
 * and frees the text at once. `sources` is borrowed from the input set,
 * which must outlive the build. */
struct corpus {
	struct article *articles;
	size_t n;
	size_t boilerplate_removed; /* paragraphs removed by boilerplate.h */
	struct input_text_ref *text_ref; /* [n], or NULL: every text in memory */
	char *const *sources;
	size_t n_sources;
};

void corpus_free(struct corpus *c);

/* Reads, decodes and extracts every page of `set` on `jobs` threads;
 * article records pass through (their fields are moved out of `set`; a
 * deferred text stays where it is, see struct corpus). A story without a
 * language gets a guessed one (a deferred one only when it is analysed). Unless keep_boilerplate,
 * paragraphs that repeat across pages of one site are then removed from
 * the pages' texts (boilerplate.h; article records are left alone). Inputs
 * that fail go to `skipped` with the reason, in id order; pages whose
 * extraction probably failed (article.h's warnings) to set->warned. Returns -1 only
 * when memory runs out. */
int pipeline_load(struct input_set *set, int jobs, size_t read_limit,
		  int keep_boilerplate, struct corpus *out,
		  struct skip_list *skipped, struct error *err);

/* Called for each story in id order with what the analyser made of it:
 * `a` (the story as analysed: a deferred text read back, the language
 * settled), its bag, its lead's signature (analyze_lead_signature() of
 * a->text, ANALYZE_LEAD_SLOTS values) and its number signature
 * (numbers_signature() of a->title and a->text, NUMBERS_SLOTS values),
 * both computed on the analysis threads, all valid during the call only.
 * A nonzero return (err set) stops the analysis. */
typedef int (*pipeline_story_fn)(void *arg, const struct article *a, const struct bag *b,
				 const uint16_t *lead_sig, const uint32_t *nums,
				 struct error *err);

/* Analyses every story of `c` on `jobs` threads, in blocks of a few
 * thousand, and hands each to fn in id order; a deferred text is read back
 * for its block and freed after it. Fails with err set when memory runs
 * out, a text cannot be read back, a signal arrives (pipeline_stop) or fn
 * fails. pipeline_build() and the count parts (part.h) share it, so both
 * see the same bags. */
int pipeline_analyze(const struct corpus *c, const struct analyze_options *ao, int jobs,
		     pipeline_story_fn fn, void *arg, struct error *err);

/* Analyses every story on `jobs` threads and builds the model. Stories
 * are analysed in blocks of a few thousand; a deferred text is read back
 * for its block and freed after it. */
int pipeline_build(const struct corpus *c, const struct analyze_options *ao,
		   const struct model_params *mp, int jobs, struct model *m,
		   struct error *err);

/* pipeline_build() for a caller that needs the corpus no more: each block's
 * articles are cleared (article_clear()) as soon as the model holds what it
 * keeps of them, so texts and metadata do not stay resident beside the
 * model being built. `c` is left with n articles all cleared, to be freed
 * with corpus_free(). */
int pipeline_build_release(struct corpus *c, const struct analyze_options *ao,
			   const struct model_params *mp, int jobs, struct model *m,
			   struct error *err);

/* pipeline_build_release() for a run whose latent stage will be
 * pipeline_latent_drawn(m, dim, fit_stories, ...): with more than one job
 * and dim > 0, that stage's Gaussian test matrix is drawn on a thread of
 * its own once the stories are analysed, while the model is finished
 * (semantic_draw_start()); *draw gets it, or NULL, for
 * pipeline_latent_drawn() (or semantic_draw_free()). */
struct semantic_draw;
int pipeline_build_release_drawing(struct corpus *c, const struct analyze_options *ao,
				   const struct model_params *mp, int jobs, uint32_t dim,
				   size_t fit_stories, struct model *m,
				   struct semantic_draw **draw, struct error *err);

/* Adds latent vectors of `dim` dimensions to `m` (semantic.h), fitted on
 * at most `fit_stories` of them (0: all; semantic_fit_sampled()), and with
 * `with_basis` the term basis that folds new stories in (model_set_term_basis(),
 * what a saved model keeps for `query`; a run that saves no model skips its
 * product, the vectors are the same); a corpus too small for a latent space
 * is left without and reported via log_warn. */
int pipeline_latent(struct model *m, uint32_t dim, size_t fit_stories, int jobs,
		    int with_basis, struct error *err);
/* pipeline_latent() with the test matrix of `draw` (NULL: none) when it
 * was drawn for it (semantic_fit_drawn()): the same vectors. Frees draw. */
int pipeline_latent_drawn(struct model *m, uint32_t dim, size_t fit_stories, int jobs,
			  int with_basis, struct semantic_draw *draw, struct error *err);

/* Ranks every story of `m`, applies the policy and writes
 * OUTDIR/related.jsonl, and with pub->per_story the run folder of
 * publish.h (pub may be NULL); records stage times and counts in `r`.
 * With more than one job, the policy's part that reads the model alone
 * (policy_prepare()) is made on a thread of its own while the stories are
 * ranked: its time counts in the "rank" stage. A built model's arrays
 * that a stage does not read are paged out (pageout.h) into an unnamed
 * file in OUTDIR for its length: the stories' strings, fields and
 * signatures (from 64 MiB of them) while the ranking builds its postings
 * and its threads run, the latent vectors during
 * the policy and the write (not with po->explain); they are the same
 * when it returns. */
int pipeline_recommend(const struct model *m, const struct rank_options *ro,
		       const struct policy_options *po, const char *outdir,
		       const struct publish_options *pub, struct report *r,
		       struct error *err);

/* Ranks stories [begin, end) of `m` against all of them, applies the
 * policy and writes those stories' related.jsonl lines to the file `path`
 * atomically (a part of a sharded run, shard.h). Stories outside the range
 * whose candidate lists the near-duplicate rule consults
 * (rank_dup_neighbours()) are ranked too, so each line is the one
 * pipeline_recommend() writes for the story. What the policy did to those
 * stories' lists is added to r's counts (empty_lists, duplicates,
 * fallback_lists, shortened_lists, twins), so that the parts' counts add
 * up to a single run's. */
int pipeline_recommend_range(const struct model *m, const struct rank_options *ro,
			     const struct policy_options *po, size_t begin, size_t end,
			     const char *path, const char *generated_at,
			     struct report *r, struct error *err);

/* Default thread count: the number of online cores. */
int pipeline_default_jobs(void);

/* model_save() under the model's lock (fs_lock_file()): every command
 * that replaces a model file (build, run -m, merge, query --update) saves
 * through it, so none overwrites a change another made meanwhile. */
int pipeline_save_model(const struct model *m, const char *path, struct error *err);

#endif
