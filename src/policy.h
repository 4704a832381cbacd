/*
 * policy: from ranked candidates to the lists the site shows.
 *
 * Rules, in this order, each an option:
 *   1. min_score: drop candidates scoring below an absolute threshold;
 *   2. near-duplicates: a candidate whose TF-IDF cosine with the story is
 *      `duplicate_score` or more is a copy of the story (republished,
 *      syndicated) and is dropped; two candidates that are copies of each
 *      other (one is among the other's candidates at that cosine) collapse
 *      to the newer one (ties: lower id);
 *   3. max_age_days: drop candidates published further than that from the
 *      story (either way; stories without a date are kept);
 *   4. half_life_days: multiply scores by 0.5^(|days apart| / half-life),
 *      then re-sort;
 *   5. cutoff (on by default, policy_relatedness_names() below): each
 *      candidate's score becomes the probability that it is related to
 *      the story (from its TF-IDF cosine, its score against the best
 *      candidate's, the names the two leads share and the numbers the two
 *      stories disagree on, numbers.h), a doubtful one judged against the
 *      story's sure candidates too (the story's event, below); candidates
 *      that are close to each other are decided together (groups,
 *      POLICY_GROUP_LINK below), the rest one by one against `cutoff`,
 *      and what those leave out shows when the story's cluster (below)
 *      holds it;
 *      what does not pass is dropped, so a list stops where relatedness
 *      stops and may be short or empty; the items are re-sorted by their
 *      own probability;
 *   5b. twins: a candidate that is the story itself re-edited (titled as
 *      it, policy_title_twins(), or with a lead mostly made of the same
 *      word runs, policy_lead_twins()) is dropped, and candidates that are
 *      twins of each other collapse to the newest (ties: lower id), in the
 *      better place; a reader sees them as one story re-edited;
 *   5c. min_relative: drop candidates scoring below that fraction of the
 *      best candidate's score;
 *   6. section_cap: at most that many items from one section;
 *   7. keep the best `top`;
 *   8. fallback: with the cutoff, a list shorter than `fill` (default 0:
 *      never) is topped up to `fill` with the most recent stories of the
 *      same section (same language), origin "fallback"; without it
 *      (--no-cutoff), a list left empty is filled to `top` unless
 *      fallback is off. Never with a copy or twin of the story, a story
 *      outside max_age_days, or two copies of each other.
 * Same-language filtering happens in rank. Every item carries its origin:
 * "similar" (ranked), "fallback" or "pinned".
 *
 * Overrides (overrides.h), when given, act after ranking and before the
 * list is cut: a blocked candidate, or a sponsored one on a story that is
 * not sponsored, is dropped with rule 1; pinned stories are taken out of
 * the candidates and put at their position once the list is cut to `top`
 * minus the number of pins, so pins never count against the other rules and
 * the list keeps its length. A pinned item's score is the blended score of
 * the pair (explain_score()). The fallback skips blocked and sponsored
 * stories too.
 *
 * With `explain` (`--explain`), every candidate a rule drops is recorded
 * with the rule's name ("below min-score", "blocked", "sponsored",
 * "max-age", "near-duplicate", "twin", "below cutoff", "below min-relative",
 * "section-cap"), and the
 * lists ask output for a `why` object per item and an `excluded` list.
 */
#ifndef RELATED_POLICY_H
#define RELATED_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "log.h"
#include "model.h"
#include "overrides.h"
#include "rank.h"

/* The default cutoff: an item is shown when the probability that it is
 * related to the story is 0.4 or more. For calibrated probabilities the
 * cutoff that maximises F1 lies at half the F1 reached (Lipton, Elkan and
 * Narayanaswamy, 2014): box F1 is about 0.83 on the dev sets, so 0.42.
 * Measured with the binary on ecbplus small clusters seeds 1-10 (0.30-0.50:
 * 0.831 0.830 0.832 0.829 0.824), 0.4 is the best, and it holds on seeds
 * 11-20, corpus/ and bbc (docs/MEASURED.md). */
#define POLICY_DEFAULT_CUTOFF 0.4f

/* Groups: a list's doubtful candidates are related to the story or not
 * together (the same event's other stories, or the topic's other event),
 * so the cutoff decides them by groups. Candidates sharing a term with the
 * story whose probability is POLICY_GROUP_LOW or more form groups by
 * average link over their own TF-IDF cosines (from the model's rows, which
 * query's small model holds too), cut at POLICY_GROUP_LINK: a group is a
 * set of candidates close to each other on average, not a chain, so one
 * close pair does not tie the topic's other event to the story's. A group
 * holding a sure candidate (POLICY_GROUP_SURE or more, and at least the
 * cutoff) is the story's own event and shows whole; any other group shows
 * whole when the mean of its members' log-odds reaches the cutoff's, and
 * not at all otherwise; a candidate alone is its own group, decided as
 * before. Items keep their own probability as score, so an item of a
 * shown group may score below the cutoff. Measured after the fact
 * (scripts/fit-relatedness --groups) and with this binary on seeds 1-20,
 * corpus/ and bbc (docs/MEASURED.md, "A list's doubtful candidates decided
 * together"; average link in place of single link: "Groups by average
 * link"). */
#define POLICY_GROUP_SURE 0.9f
#define POLICY_GROUP_LOW 0.05f
#define POLICY_GROUP_LINK 0.4f

/* The story's event: before the groups form, a list's sure candidates (as
 * above; with none, those that reach the cutoff on their own) stand,
 * beside the story itself, for the event the story is about. A doubtful
 * candidate (P of POLICY_GROUP_LOW or more, below those, sharing a term
 * with the story) is judged against each of them as against the story: the log-odds of policy_relatedness_full() with that
 * story's TF-IDF cosine, names and numbers (and the candidate's own score /
 * best); its probability becomes that of the mean of the log-odds over the
 * event's stories, the story's own among them. The same event's other
 * stories share the particulars its sure stories state (who, where, how
 * many); the topic's other event, near the story in its topic words,
 * differs from them. No constant beyond the groups' own. Measured with the
 * binary on seeds 1-20, corpus/, ecbplus and bbc (docs/MEASURED.md, "The
 * story's event judges its doubtful candidates"). */

/* The story's cluster: what the groups and the event leave out may still
 * show with the story's event as a set. The story and its candidates
 * sharing a term with it (P of POLICY_GROUP_LOW or more, after the event)
 * are clustered by average link, the story joined to a candidate by the
 * candidate's log-odds, two candidates by policy_relatedness_full()'s
 * log-odds with their own TF-IDF cosine, names and numbers and the
 * geometric mean of their scores / best; the dendrogram is cut at the
 * cutoff's log-odds, and a candidate in the story's cluster shows. A
 * candidate the story is unsure of joins when its closest candidates,
 * themselves related to the story, are on average sure of it: the same
 * event told from another angle. Average link, not single link: a chain
 * of topic-close pairs does not carry the topic's other event. No constant
 * beyond the cutoff; the geometric mean was chosen on seeds 1-10 over the
 * lesser of the two and 1 (docs/MEASURED.md, "The story's cluster"). */

struct policy_options {
	size_t top;             /* default 10 */
	float cutoff;           /* default POLICY_DEFAULT_CUTOFF; 0 = off
				   (--no-cutoff): today's lists, scores the
				   blended cosine, no twins rule */
	size_t fill;            /* with the cutoff: top lists shorter than this
				   up with fallback items (default 0) */
	int twins;              /* default 1 (only with the cutoff) */
	float min_score;        /* default 0 (anything sharing a term) */
	float duplicate_score;  /* default 0.98 TF-IDF cosine; 0 turns it off */
	double max_age_days;    /* default 0 = no limit */
	double half_life_days;  /* default 0 = no decay */
	float min_relative;     /* default 0 = off */
	size_t section_cap;     /* default 0 = no cap */
	int fallback;           /* default 1 */
	int same_lang;          /* fallback items in the story's language only */
	const struct overrides *overrides; /* NULL: none */
	float semantic;         /* blend weight, for pinned items' scores */
	int explain;            /* record exclusions, explain items (default 0) */
	int jobs;               /* threads policy_apply() works on (default 1);
				   the lists do not depend on it */
};

void policy_options_default(struct policy_options *o);

struct related_item {
	uint32_t doc;
	float score;
	const char *origin; /* static string */
};

/* A candidate a rule dropped, and the rule (static string). */
struct policy_exclusion {
	uint32_t doc;
	const char *reason;
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
	int explain;           /* copied from the options, for output */
	float semantic;        /* copied from the options, for output's `why` */
	struct policy_exclusion *excluded; /* with explain: story d's are
					      excluded[d * depth ...], excluded_count[d]
					      of them, in candidate order; else NULL */
	uint32_t *excluded_count;
	size_t depth;          /* candidates per story the policy saw */
	size_t fallback_lists; /* lists filled by the fallback */
	size_t shortened;      /* lists the cutoff left shorter than `top` */
	size_t twins;          /* twin items dropped in all */
	size_t duplicates;     /* near-duplicates dropped in all */
	/* the same by story, for a part of the stories (a shard's report):
	 * story d's list was left short (1) or not (0), and lost twin_count[d]
	 * twin items; the near-duplicates are dup_count[d] */
	unsigned char *shortened_of;
	uint32_t *twin_count;
};

/* ---- the rules on one pair ----
 *
 * What the policy knows of one pair: story `doc` offered on the list of
 * story `story`. policy_apply() and query (query.h, for a new story that is
 * in no model yet) judge pairs with the same function. */
struct policy_pair {
	const char *story_lang, *doc_lang; /* NULL or "": unknown */
	float score;       /* the candidate's (blended) score; NAN: none (fallback) */
	float tfidf;       /* the pair's TF-IDF cosine; NAN: not known here
			      (policy_apply() finds copies through its
			      duplicate graph, with policy_is_copy()) */
	double days_apart; /* -1: a date unknown */
	const char *override; /* the overrides' verdict on the pair
				 (overrides_exclusion(), policy_override_by_id()) */
};

/* The rule that keeps `doc` off `story`'s list, judged on the pair alone,
 * checked in the order policy_apply() records them: "other-language"
 * (same_lang), "below min-score", the override's verdict ("blocked",
 * "sponsored"), "max-age", "near-duplicate"; NULL when none does. Rules
 * on several candidates (copies of each other, min-relative, section-cap,
 * top) are policy_apply()'s alone. */
const char *policy_pair_rule(const struct policy_options *o, const struct policy_pair *p);

/* Whether stories in languages a and b may be suggested on each other:
 * always without same_lang, else unless both are known and differ. */
int policy_languages_match(const struct policy_options *o, const char *a, const char *b);

/* Whether a TF-IDF cosine makes two stories copies of each other. */
int policy_is_copy(const struct policy_options *o, float tfidf);

/* overrides_exclusion() by ids, for a story `doc_id` not in the model the
 * overrides were resolved on: "blocked" (blocked everywhere or on
 * `story_id`), "sponsored" (sponsored, on a story that is not), or NULL.
 * Every override of `ov` counts, resolved or not. */
const char *policy_override_by_id(const struct overrides *ov, const char *story_id,
				  const char *doc_id);

int policy_apply(const struct model *m, const struct rank_lists *cand,
		 const struct policy_options *o, struct related_lists *out,
		 struct error *err);

/* What policy_apply() reads of the model alone, not of the candidates:
 * the stories' dates and sections, and with the cutoff their titles' words
 * (the twin rule) and their leads' names, made on o->jobs threads. A
 * caller may make it beforehand, e.g. on a thread of its own while the
 * stories are ranked (pipeline.c), and hand it to policy_apply_prepared().
 * -1 (*out NULL) when memory runs out or a signal stops it. */
struct policy_prep;
int policy_prepare(const struct model *m, const struct policy_options *o,
		   struct policy_prep **out);
void policy_prep_free(struct policy_prep *p);

/* policy_apply() with `prep` from policy_prepare() of the same model (NULL,
 * or one made for another cutoff or twins setting: made here). The same
 * lists as policy_apply(). */
int policy_apply_prepared(const struct model *m, const struct rank_lists *cand,
			  const struct policy_options *o, const struct policy_prep *prep,
			  struct related_lists *out, struct error *err);
void related_lists_free(struct related_lists *l);

/* The probability that an item is related to the story, from the pair's
 * TF-IDF cosine, its ranking score (the blend of TF-IDF and latent cosine,
 * rank.h), the best ranking score among the story's candidates, and the
 * names the two leads share (policy_lead_names()): a logistic function of
 * the TF-IDF cosine weighted up by the shared names, and of score / best,
 * fitted by scripts/fit-relatedness (constants and how in policy.c). It
 * grows with each argument. Since score / best <= 1, a pair with no shared
 * term stays below the default cutoff whatever its latent cosine and its
 * names. policy_apply() scores every candidate with it. */
float policy_relatedness_names(float tfidf, float score, float best, float names);

/* policy_relatedness_names() lowered by the numbers the two stories
 * disagree on (numdis, numbers_disagreement(), 0 to 1): what
 * policy_apply() scores every candidate with. Its weight is never
 * positive, so policy_relatedness_names() (numdis 0) is an upper bound of
 * it: query's refresh takes the TF-IDF floor of a pair from it, then
 * rules stories out with this function and the pair's own numdis. */
float policy_relatedness_full(float tfidf, float score, float best, float names, float numdis);

/* The least probability with which a candidate can show under `cutoff`
 * (0 < cutoff <= 1): the least of the cutoff and POLICY_GROUP_LOW, since
 * the story's event (above, after the groups' constants) may lift any
 * doubtful candidate, linked to another or not. query's refresh bounds a
 * new story with it. */
float policy_show_floor(float cutoff);

/* numbers_disagreement() of stories a and b of m (0 when m has no number
 * signatures, a model written before version 4). */
float policy_numbers_disagree(const struct model *m, uint32_t a, uint32_t b);

/* policy_relatedness_names() with names 0: the probability for a caller
 * that does not know the leads; never above what the leads would give. */
float policy_relatedness(float tfidf, float score, float best);

/* How much two stories' leads name the same things, from 0 to 1: the
 * Jaccard overlap of their sets of names, a name being a word of the title
 * or of the lead paragraph (`lead`, e.g. the model's excerpt) that starts
 * with a capital letter without starting a sentence (who, where), or that
 * holds a digit (when, how many); case-folded. In a title written in title
 * case (every word of four letters or more capitalised) only words with a
 * digit count. 0 when neither lead names anything. Event identity is who,
 * where and when: two earthquakes or two arrests read alike in their
 * topic words, not in their names. */
float policy_lead_names(const char *title_a, const char *lead_a, const char *title_b,
			const char *lead_b);

/* One story's names, for comparing it with many: hashes of the case-folded
 * names, sorted, without repeats (hash malloc'd, NULL when n is 0). */
struct policy_names {
	uint32_t *hash;
	size_t n;
};

/* Fills *names with the names of a title and lead; 0, or -1 when memory
 * runs out. Release with free(names->hash) either way. */
int policy_names_of(const char *title, const char *lead, struct policy_names *names);

/* policy_lead_names() of the story whose names are `a` and another story's
 * title and lead (0 when memory runs out). */
float policy_names_overlap(const struct policy_names *a, const char *title, const char *lead);

/* Whether two titles read as the same story: the same words once
 * normalised (NFKC, case-folded, marks stripped, only letters and digits),
 * or, both with 3 words or more, sets of words with a Jaccard overlap of
 * POLICY_TWIN_OVERLAP or more. NULL or empty titles are never twins. */
#define POLICY_TWIN_OVERLAP 0.75
int policy_title_twins(const char *a, const char *b);

/* Whether two lead signatures (analyze.h; ANALYZE_LEAD_SLOTS each) read as
 * the same story re-edited: the estimated Jaccard overlap of their leads'
 * 3-word shingles is POLICY_LEAD_TWIN_OVERLAP or more. A story without a
 * signature (a short lead, a model older than version 3) is never a lead
 * twin: its twins are found by title alone.
 *
 * The value, read off real pairs (first 60 words, exact Jaccard): on
 * ecbplus 57 pairs of stories reach 0.5 (68 reach 0.4, 105 reach 0.3), all
 * of one event and none across the corpus's two event sets of a topic;
 * read, those from 0.5 up are one wire story re-edited (the Klitschko
 * fight, the INS Sukanya patrol, the Place Vendome heist under new titles
 * and datelines), while below it come distinct write-ups of one event and,
 * at 0.33, two stories of one case on different days (a plea, then a
 * verdict). On bbc 164 pairs reach 0.5, 161 of them 0.9 (the corpus's
 * duplicated articles); none of another category. */
#define POLICY_LEAD_TWIN_OVERLAP 0.5
int policy_lead_twins(const uint16_t *a, const uint16_t *b);

/* Seconds since the epoch of an RFC 3339 date-time ("2017-04-11T14:00:00Z",
 * offsets and fractions allowed, a date alone is midnight UTC); returns 0
 * and sets *t, or -1 when s is not one. */
int policy_parse_time(const char *s, int64_t *t);

#endif
