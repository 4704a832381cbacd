/*
 * policy: thresholds, near-duplicates, recency, diversity and fallback.
 * Works per story on the candidate list from rank, which is short (top +
 * a few), so the quadratic duplicate check costs nothing measurable.
 */
#include "policy.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "explain.h"
#include "hash.h"
#include "parallel.h"

#define NO_TIME INT64_MIN

void policy_options_default(struct policy_options *o)
{
	memset(o, 0, sizeof *o);
	o->top = 10;
	o->cutoff = POLICY_DEFAULT_CUTOFF;
	o->twins = 1;
	o->duplicate_score = 0.98f;
	o->fallback = 1;
	o->same_lang = 1;
	o->jobs = 1;
}

void related_lists_free(struct related_lists *l)
{
	free(l->items);
	free(l->count);
	free(l->dup);
	free(l->dup_count);
	free(l->excluded);
	free(l->excluded_count);
	free(l->shortened_of);
	free(l->twin_count);
	memset(l, 0, sizeof *l);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int policy_parse_time(const char *s, int64_t *t)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
	const char *p;

	if (!s || strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	p = s + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &se))
				return -1;
			p += 3;
		}
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		if (*p == '+' || *p == '-') {
			int oh, om;
			if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
				return -1;
			off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*t = (int64_t)timegm(&tm) - off;
	return 0;
}

int policy_languages_match(const struct policy_options *o, const char *a, const char *b)
{
	return !o->same_lang || !a || !*a || !b || !*b || !strcmp(a, b);
}

int policy_is_copy(const struct policy_options *o, float tfidf)
{
	return o->duplicate_score > 0.0f && tfidf >= o->duplicate_score;
}

const char *policy_pair_rule(const struct policy_options *o, const struct policy_pair *p)
{
	if (!policy_languages_match(o, p->story_lang, p->doc_lang))
		return "other-language";
	if (p->score < o->min_score) /* false for NAN */
		return "below min-score";
	if (p->override)
		return p->override;
	if (o->max_age_days > 0 && p->days_apart > o->max_age_days)
		return "max-age";
	if (policy_is_copy(o, p->tfidf))
		return "near-duplicate";
	return NULL;
}

const char *policy_override_by_id(const struct overrides *ov, const char *story_id,
				  const char *doc_id)
{
	int sponsored = 0, story_sponsored = 0;

	if (!ov)
		return NULL;
	for (size_t i = 0; i < ov->n; i++) {
		const struct override *o = &ov->items[i];
		if (!o->target)
			continue;
		switch (o->kind) {
		case OVERRIDE_BLOCK:
			if (!strcmp(o->target, doc_id) && o->story && !strcmp(o->story, story_id))
				return "blocked";
			break;
		case OVERRIDE_BLOCK_ALL:
			if (!strcmp(o->target, doc_id))
				return "blocked";
			break;
		case OVERRIDE_SPONSORED:
			sponsored |= !strcmp(o->target, doc_id);
			story_sponsored |= !strcmp(o->target, story_id);
			break;
		case OVERRIDE_PIN:
			break;
		}
	}
	return sponsored && !story_sponsored ? "sponsored" : NULL;
}

struct doc_info {
	int64_t *time;     /* NO_TIME when unknown */
	uint32_t *section; /* 0 = none */
};

static uint32_t *intern_field(const struct model *m, enum model_field f)
{
	uint32_t *ids = malloc((m->n_docs ? m->n_docs : 1) * sizeof *ids);
	struct strmap map;

	if (!ids)
		return NULL;
	strmap_init(&map);
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const char *v = model_doc(m, d, f);
		int64_t id = v && *v ? strmap_intern(&map, v, strlen(v)) : -1;
		ids[d] = id < 0 ? 0 : (uint32_t)id + 1;
	}
	strmap_free(&map);
	return ids;
}

static int newer(const struct doc_info *di, uint32_t a, uint32_t b)
{
	if (di->time[a] != di->time[b])
		return di->time[a] > di->time[b];
	return a < b;
}

static double days_apart(const struct doc_info *di, uint32_t a, uint32_t b)
{
	if (di->time[a] == NO_TIME || di->time[b] == NO_TIME)
		return -1.0;
	return fabs((double)(di->time[a] - di->time[b])) / 86400.0;
}

static int cmp_item(const void *x, const void *y)
{
	const struct related_item *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->doc > b->doc) - (a->doc < b->doc);
}

/* Stories ordered for the fallback: by section, newest first, then id. */
static int cmp_recent(const void *x, const void *y, void *ctx)
{
	const struct doc_info *di = ctx;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	if (di->section[a] != di->section[b])
		return di->section[a] < di->section[b] ? -1 : 1;
	if (di->time[a] != di->time[b])
		return di->time[a] > di->time[b] ? -1 : 1;
	return (a > b) - (a < b);
}

/* Records that rule `why` dropped candidate x of story d (with
 * explain; each candidate is dropped at most once, so depth slots
 * suffice). */
static void exclude(struct related_lists *out, uint32_t d, uint32_t x, const char *why)
{
	if (out->excluded && out->excluded_count[d] < out->depth)
		out->excluded[(size_t)d * out->depth + out->excluded_count[d]++] =
			(struct policy_exclusion){ x, why };
}

/* Puts story d's pins at their positions (by position, so earlier pins keep
 * theirs), pushing the items below down; the list never exceeds top. */
static void insert_pins(const struct model *m, const struct policy_options *o,
			uint32_t d, const struct override_pin *pins, size_t npins,
			size_t top, struct related_item *it, uint32_t *count)
{
	for (size_t p = 0; p < npins && *count < top; p++) {
		size_t at = pins[p].position - 1;
		if (at > *count)
			at = *count;
		memmove(it + at + 1, it + at, (*count - at) * sizeof *it);
		it[at] = (struct related_item){ pins[p].doc,
						explain_score(m, d, pins[p].doc, o->semantic),
						"pinned" };
		(*count)++;
	}
}

/* ---- per-story sets, built on threads ---- */

/* One story's set as a builder fills it. */
struct u32_list {
	uint32_t *v;
	size_t n, cap;
};

static int list_add(struct u32_list *l, uint32_t x)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		uint32_t *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = x;
	return 0;
}

/* Appends story d's set to l (on thread `worker`); -1 when memory runs out. */
typedef int (*story_set_fn)(void *ctx, int worker, uint32_t d, struct u32_list *l);

/* Stories whose sets are held at once while built. */
#define SET_BLOCK 4096

struct set_block {
	story_set_fn fn;
	void *ctx;
	struct u32_list *lists; /* [SET_BLOCK] */
	size_t base;
	atomic_int oom;
};

static void set_one(void *arg, int worker, size_t i)
{
	struct set_block *b = arg;

	b->lists[i].n = 0;
	if (b->fn(b->ctx, worker, (uint32_t)(b->base + i), &b->lists[i]))
		atomic_store(&b->oom, 1);
}

/* Every story's set, computed on `jobs` threads a block at a time and laid
 * end to end in story order: story d's is (*word)[(*start)[d] ..
 * (*start)[d + 1]). The same arrays for any thread count. -1 when memory
 * runs out (what is allocated is left in *start and *word to free). They
 * were built on one thread, and at a million stories the titles' and
 * leads' words (utf8proc) took most of the policy stage. */
static int build_story_sets(uint32_t n_docs, int jobs, story_set_fn fn, void *ctx,
			    uint32_t **start, uint32_t **word)
{
	struct set_block b = { fn, ctx, calloc(SET_BLOCK, sizeof *b.lists), 0, 0 };
	size_t n = 0, cap = 64;
	int rc = 0;

	*start = malloc(((size_t)n_docs + 1) * sizeof **start);
	*word = malloc(cap * sizeof **word);
	if (!b.lists || !*start || !*word)
		rc = -1;
	for (size_t base = 0; base < n_docs && !rc; base += SET_BLOCK) {
		size_t nb = n_docs - base < SET_BLOCK ? n_docs - base : SET_BLOCK;
		b.base = base;
		parallel_for(jobs, nb, 64, set_one, &b);
		if (atomic_load(&b.oom) || pipeline_stop) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < nb && !rc; i++) {
			const struct u32_list *l = &b.lists[i];
			(*start)[base + i] = (uint32_t)n;
			while (n + l->n > cap) {
				uint32_t *w = realloc(*word, cap * 2 * sizeof *w);
				if (!w) {
					rc = -1;
					break;
				}
				*word = w;
				cap *= 2;
			}
			if (!rc && l->n)
				memcpy(*word + n, l->v, l->n * sizeof *l->v);
			n += rc ? 0 : l->n;
		}
	}
	if (!rc)
		(*start)[n_docs] = (uint32_t)n;
	for (size_t i = 0; b.lists && i < SET_BLOCK; i++)
		free(b.lists[i].v);
	free(b.lists);
	return rc;
}

/* The near-duplicate graph: for each story, the candidates whose TF-IDF
 * cosine with it reaches the threshold (CSR: start[n + 1], list). A copy of
 * a story scores near 1 and is always among its candidates, so looking
 * only there costs one sparse dot product per candidate instead of one per
 * pair of items. */
struct dup_graph {
	uint32_t *start;
	uint32_t *list;
	float *tfidf; /* NULL, or every candidate's cosine with its story:
			 story d's i-th at [d * depth + i] (what
			 candidate_tfidf() would find again) */
};

/* How a candidate slot's cosine is summed (copies_ctx.way): not here
 * (the candidate is an earlier story that lists this one: copies_of()
 * copies its float), over the candidate's row with the story's scattered,
 * or over the story's row with the candidate's scattered. */
enum { PAIR_MIRRORED, PAIR_BY_STORY, PAIR_BY_CANDIDATE };

/* What copies_of() reads: each thread scatters a story's row into a dense
 * vector of its own. With tfidf, own_cosines() scatters the longer row of
 * each pair: way[] says which per candidate slot, and by_cand[by_start[s]
 * .. by_start[s + 1]) are the stories that list s with s the longer. */
struct copies_ctx {
	const struct model *m;
	const struct rank_lists *cand;
	const struct policy_options *o;
	float *tfidf; /* NULL, or the graph's, filled by own_cosines() */
	float *dense[PARALLEL_MAX_JOBS];
	unsigned char *way;
	uint32_t *by_start, *by_cand;
	atomic_int oom;
};

/* Whether story y lists d among its candidates; at *k. */
static int lists_candidate(const struct rank_lists *cand, uint32_t y, uint32_t d, uint32_t *k)
{
	const struct neighbor *c = cand->items + (size_t)y * cand->depth;

	for (*k = 0; *k < cand->count[y]; (*k)++)
		if (c[*k].doc == d)
			return 1;
	return 0;
}

static uint64_t row_length(const struct model *m, uint32_t d)
{
	return m->row[d + 1] - m->row[d];
}

/* Story d's candidate slots' ways (x->way). */
static void pair_ways(void *arg, int worker, size_t story)
{
	struct copies_ctx *x = arg;
	const struct rank_lists *cand = x->cand;
	uint32_t d = (uint32_t)story, k;
	const struct neighbor *c = cand->items + (size_t)d * cand->depth;

	(void)worker;
	for (uint32_t i = 0; i < cand->count[d]; i++) {
		uint32_t y = c[i].doc;
		x->way[(size_t)d * cand->depth + i] =
			y < d && lists_candidate(cand, y, d, &k) ? PAIR_MIRRORED
			: row_length(x->m, y) > row_length(x->m, d) ? PAIR_BY_CANDIDATE
								     : PAIR_BY_STORY;
	}
}

/* Every slot's way, and for each story the stories that list it and sum
 * over their own rows (by_start, by_cand); -1 when memory runs out. */
static int pair_plan(struct copies_ctx *x, int jobs)
{
	const struct rank_lists *cand = x->cand;
	size_t n = x->m->n_docs, depth = cand->depth;

	x->way = malloc(n * depth);
	x->by_start = calloc(n + 2, sizeof *x->by_start);
	if (!x->way || !x->by_start)
		return -1;
	parallel_for(jobs, n, 64, pair_ways, x);
	if (pipeline_stop)
		return -1;
	/* a counting sort by the scattered story: by_start[s + 2] counts s's
	 * pairs, then by_start[s + 1] is where the next of them goes */
	for (size_t d = 0; d < n; d++)
		for (uint32_t i = 0; i < cand->count[d]; i++)
			x->by_start[cand->items[d * depth + i].doc + 2] +=
				x->way[d * depth + i] == PAIR_BY_CANDIDATE;
	for (size_t s = 0; s < n; s++)
		x->by_start[s + 2] += x->by_start[s + 1];
	x->by_cand = malloc(((size_t)x->by_start[n + 1] + 1) * sizeof *x->by_cand);
	if (!x->by_cand)
		return -1;
	for (size_t d = 0; d < n; d++)
		for (uint32_t i = 0; i < cand->count[d]; i++)
			if (x->way[d * depth + i] == PAIR_BY_CANDIDATE)
				x->by_cand[x->by_start[cand->items[d * depth + i].doc + 1]++] =
					(uint32_t)d;
	return 0;
}

/* The cosines of the pairs that scatter story s's row (pair_plan()), into
 * x->tfidf: s with those of its candidates whose rows are no longer, and
 * s with the shorter stories that list it, each summed over the other
 * row. That is the same float as over the longer row (the shared terms'
 * products added in ascending term order from +0, whichever row is read)
 * and reads half the entries on real text, a quarter at realistic 20,000:
 * candidates tend to be longer than the stories that list them. A slot
 * whose candidate is an earlier story listing this one is left to
 * copies_of(). */
static void own_cosines(void *arg, int worker, size_t story)
{
	struct copies_ctx *x = arg;
	const struct model *m = x->m;
	const struct rank_lists *cand = x->cand;
	size_t depth = cand->depth;
	uint32_t s = (uint32_t)story, k;
	const struct neighbor *c = cand->items + (size_t)s * depth;
	float *dense = x->dense[worker];
	int scattered = 0;

	if (!dense && !(dense = x->dense[worker] = calloc((size_t)m->n_terms + 1, sizeof *dense))) {
		atomic_store(&x->oom, 1);
		return;
	}
	for (uint32_t i = 0; i < cand->count[s]; i++) {
		if (x->way[(size_t)s * depth + i] != PAIR_BY_STORY)
			continue;
		if (!scattered)
			model_row_scatter(m, s, dense);
		scattered = 1;
		x->tfidf[(size_t)s * depth + i] = model_row_dot(m, c[i].doc, dense);
	}
	for (uint32_t j = x->by_start[s]; j < x->by_start[s + 1]; j++) {
		uint32_t d = x->by_cand[j];
		if (!scattered)
			model_row_scatter(m, s, dense);
		scattered = 1;
		lists_candidate(cand, d, s, &k);
		x->tfidf[(size_t)d * depth + k] = model_row_dot(m, d, dense);
	}
	if (scattered)
		model_row_clear(m, s, dense);
}

/* Story d's candidates that are copies of it, in candidate order: their
 * cosines from own_cosines() (x->tfidf), or summed here. */
static int copies_of(void *ctx, int worker, uint32_t d, struct u32_list *l)
{
	struct copies_ctx *x = ctx;
	const struct model *m = x->m;
	const struct rank_lists *cand = x->cand;
	const struct neighbor *c = cand->items + (size_t)d * cand->depth;
	float *dense = x->dense[worker];
	int rc = 0;

	if (!x->tfidf) {
		if (!dense &&
		    !(dense = x->dense[worker] = calloc((size_t)m->n_terms + 1, sizeof *dense)))
			return -1;
		/* the story's row scattered once, each candidate's row read once */
		model_row_scatter(m, d, dense);
	}
	for (uint32_t i = 0; i < cand->count[d] && !rc; i++) {
		uint32_t y = c[i].doc, k;
		float s;
		if (!x->tfidf)
			s = model_row_dot(m, y, dense);
		else if (y < d && lists_candidate(cand, y, d, &k))
			s = x->tfidf[(size_t)d * cand->depth + i] =
				x->tfidf[(size_t)y * cand->depth + k];
		else
			s = x->tfidf[(size_t)d * cand->depth + i];
		if (policy_is_copy(x->o, s))
			rc = list_add(l, y);
	}
	if (!x->tfidf)
		model_row_clear(m, d, dense);
	return rc;
}

/* The graph, and with keep_tfidf every candidate's cosine in g->tfidf:
 * the cutoff reads them, and they were computed twice (a tenth of the
 * policy's instructions on real text). A pair of stories that list each
 * other is summed once. */
static int build_dup_graph(const struct model *m, const struct rank_lists *cand,
			   const struct policy_options *o, int keep_tfidf, struct dup_graph *g)
{
	struct copies_ctx x = { m, cand, o, NULL, { NULL }, NULL, NULL, NULL, 0 };
	int rc = 0;

	if (keep_tfidf && cand->depth) {
		g->tfidf = malloc((size_t)m->n_docs * cand->depth * sizeof *g->tfidf);
		if (!g->tfidf)
			return -1;
		x.tfidf = g->tfidf;
		rc = pair_plan(&x, o->jobs);
		if (!rc)
			parallel_for(o->jobs, m->n_docs, 64, own_cosines, &x);
		rc = rc || atomic_load(&x.oom) || pipeline_stop ? -1 : 0;
		free(x.way);
		free(x.by_start);
		free(x.by_cand);
	}
	if (!rc)
		rc = build_story_sets(m->n_docs, o->jobs, copies_of, &x, &g->start, &g->list);

	for (int j = 0; j < PARALLEL_MAX_JOBS; j++)
		free(x.dense[j]);
	return rc;
}

static int is_dup(const struct dup_graph *g, uint32_t a, uint32_t b)
{
	for (uint32_t i = g->start[a]; i < g->start[a + 1]; i++)
		if (g->list[i] == b)
			return 1;
	for (uint32_t i = g->start[b]; i < g->start[b + 1]; i++)
		if (g->list[i] == a)
			return 1;
	return 0;
}

/* Relatedness: P(related | tfidf, score / best, names, numdis) =
 * 1 / (1 + e^-z), z = (A + D names) tfidf + B score / best + E numdis + C:
 * the names two leads share make each shared word count more; numbers one
 * lead states that the other story's text does not (numbers.h) count
 * against. Fitted by
 *   scripts/fit-relatedness ../shared   (2026-12-07)
 * on the ecbplus small clusters of seeds 1-10 (make_small_clusters.py
 * --seed S --min-k 1) pooled with corpus/: every (story, item) pair of
 * `related run --no-cutoff -n 30 --explain` lists, labelled related when
 * the two share a label; logistic regression by Newton's method, bounded
 * by B + C <= -1 (the free fit gives B + C > 0: in those sets a story's
 * best candidate is nearly always related). Checked with this binary on
 * seeds 11-20, which the fit never saw, on bbc and leave one corpus out
 * (docs/MEASURED.md). With score / best <= 1 and numdis >= 0, reaching
 * the default cutoff 0.4 (z >= ln(0.4 / 0.6) = -0.405) needs tfidf >=
 * (-0.405 - C - B) / (A + D names): 0.051 with no shared name and no
 * number disagreeing, 0.017 with the same names, 0.252 with no shared name
 * and numdis 0.5. A pair with no shared term never passes (at best P =
 * 0.27), whatever its latent cosine and its names; E <= 0, so numdis 0
 * bounds the score from above (query's refresh). */
#define RELATEDNESS_A 11.62
#define RELATEDNESS_B 3.83
#define RELATEDNESS_C (-4.83)
#define RELATEDNESS_D 23.94
#define RELATEDNESS_E (-4.67)

/* The log-odds of policy_relatedness_full(), rel being score / best. */
static double relatedness_logit(float tfidf, double rel, float names, float numdis)
{
	return (RELATEDNESS_A + RELATEDNESS_D * names) * tfidf +
	       RELATEDNESS_B * (rel > 1.0 ? 1.0 : rel) + RELATEDNESS_E * numdis + RELATEDNESS_C;
}

float policy_relatedness_full(float tfidf, float score, float best, float names, float numdis)
{
	double rel = best > 0.0f ? (double)score / best : 0.0;

	return (float)(1.0 / (1.0 + exp(-relatedness_logit(tfidf, rel, names, numdis))));
}

float policy_relatedness_names(float tfidf, float score, float best, float names)
{
	return policy_relatedness_full(tfidf, score, best, names, 0.0f);
}

float policy_numbers_disagree(const struct model *m, uint32_t a, uint32_t b)
{
	if (!m->numbers)
		return 0.0f;
	return numbers_disagreement(m->numbers + (size_t)a * NUMBERS_SLOTS,
				    m->numbers + (size_t)b * NUMBERS_SLOTS);
}

float policy_relatedness(float tfidf, float score, float best)
{
	return policy_relatedness_names(tfidf, score, best, 0.0f);
}

/* What twin checks compare: title words (hashes of the normalised words
 * of a title, sorted, without repeats) and the model's lead signatures
 * (NULL in older models: titles only). */
struct title_words {
	uint32_t *start; /* [n_docs + 1] into word */
	uint32_t *word;
	/* per story: bit (hash & 63) of each of its words, and how many of
	 * its words share a bit with another of them (words_ruled_out()) */
	uint64_t *bits;
	uint32_t *shared;
	const uint16_t *lead_sig;
	/* with lead_sig, per story: bits 0 and 1 of each of its 64 slots, in
	 * slot order (lead_ruled_out()); a signature unknown: all ones */
	uint64_t (*slot_bits)[2];
};

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

/* `title` normalised as the twin rule reads it (NFKC, case folded, marks
 * stripped) into *norm (malloc'd): utf8proc_map()'s result, its length
 * returned, or < 0. An ASCII title is only lowercased there (NFKC and the
 * marks leave ASCII as it is), so it is lowercased here without the
 * tables: utf8proc_map() took 18,000 instructions a title, four fifths of
 * the twin rule's set-up on real text. */
static utf8proc_ssize_t fold_title(const char *title, utf8proc_uint8_t **norm)
{
	size_t len = 0;

	while (title[len] && !((unsigned char)title[len] & 0x80))
		len++;
	if (title[len])
		return utf8proc_map((const utf8proc_uint8_t *)title, 0, norm,
				    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT |
				    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	*norm = malloc(len + 1);
	if (!*norm)
		return UTF8PROC_ERROR_NOMEM;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)title[i];
		(*norm)[i] = c >= 'A' && c <= 'Z' ? (utf8proc_uint8_t)(c + 32) : c;
	}
	return (utf8proc_ssize_t)len;
}

/* Appends the sorted unique word hashes of `title` to *words (*n of them,
 * *cap allocated); returns how many it added, or -1 when memory runs out. */
static long add_title_words(const char *title, uint32_t **words, size_t *n, size_t *cap)
{
	utf8proc_uint8_t *norm = NULL;
	size_t first = *n, i = 0, start = 0, wl;
	utf8proc_ssize_t len;

	if (!title || !*title)
		return 0;
	len = fold_title(title, &norm);
	if (len < 0)
		return 0; /* not UTF-8: no words, never a twin */
	while ((wl = analyze_next_word(norm, (size_t)len, &i, &start)) > 0) {
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			uint32_t *w = realloc(*words, nc * sizeof *w);
			if (!w) {
				free(norm);
				return -1;
			}
			*words = w;
			*cap = nc;
		}
		(*words)[(*n)++] = hash_bytes(norm + start, wl);
	}
	free(norm);
	if (*n == first)
		return 0;
	qsort(*words + first, *n - first, sizeof **words, cmp_u32);
	{
		size_t w = first;
		for (size_t j = first; j < *n; j++)
			if (j == first || (*words)[j] != (*words)[w - 1])
				(*words)[w++] = (*words)[j];
		*n = w;
	}
	return (long)(*n - first);
}

/* How many hashes two sorted sets (no repeats) share. Which side moves
 * is worked out, not branched on: for two stories' names it is a coin toss
 * that the branch predictor lost at every step. */
static size_t common_count(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, common = 0;

	while (i < na && j < nb) {
		uint32_t x = a[i], y = b[j];
		common += x == y;
		i += x <= y;
		j += y <= x;
	}
	return common;
}

/* Whether word sets of na and nb words (both non-empty) are too far
 * apart in size to be twins: common <= min(na, nb) and the union >=
 * max(na, nb), so sizes further apart than the overlap allows never are;
 * most pairs the rule looks at are told by this alone. */
static inline int sizes_rule_out_twins(size_t na, size_t nb)
{
	return na != nb && (na < 3 || nb < 3 ||
			    (double)(na < nb ? na : nb) / (double)(na < nb ? nb : na) <
				    POLICY_TWIN_OVERLAP);
}

static int words_twins(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t common;

	if (!na || !nb)
		return 0;
	if (sizes_rule_out_twins(na, nb))
		return 0;
	common = common_count(a, na, b, nb);
	if (common == na && common == nb)
		return 1;
	if (na < 3 || nb < 3)
		return 0;
	return (double)common / (double)(na + nb - common) >= POLICY_TWIN_OVERLAP;
}

int policy_title_twins(const char *a, const char *b)
{
	uint32_t *w = NULL;
	size_t n = 0, cap = 0;
	long na, nb;
	int twins = 0;

	na = add_title_words(a, &w, &n, &cap);
	nb = na < 0 ? -1 : add_title_words(b, &w, &n, &cap);
	if (na > 0 && nb > 0)
		twins = words_twins(w, (size_t)na, w + na, (size_t)nb);
	free(w);
	return twins;
}

int policy_lead_twins(const uint16_t *a, const uint16_t *b)
{
	return analyze_lead_overlap(a, b) >= POLICY_LEAD_TWIN_OVERLAP;
}

static int title_set(void *ctx, int worker, uint32_t d, struct u32_list *l)
{
	(void)worker;
	return add_title_words(model_doc(ctx, d, MODEL_TITLE), &l->v, &l->n, &l->cap) < 0 ? -1 : 0;
}

static int build_title_words(const struct model *m, int jobs, struct title_words *tw)
{
	size_t n = m->n_docs ? m->n_docs : 1;

	tw->lead_sig = m->lead_sig;
	if (build_story_sets(m->n_docs, jobs, title_set, (void *)(uintptr_t)m, &tw->start,
			     &tw->word))
		return -1;
	tw->bits = malloc(n * sizeof *tw->bits);
	tw->shared = malloc(n * sizeof *tw->shared);
	if (!tw->bits || !tw->shared)
		return -1;
	for (uint32_t d = 0; d < m->n_docs; d++) {
		uint64_t bits = 0;
		for (uint32_t i = tw->start[d]; i < tw->start[d + 1]; i++)
			bits |= (uint64_t)1 << (tw->word[i] & 63);
		tw->bits[d] = bits;
		tw->shared[d] = tw->start[d + 1] - tw->start[d] - (uint32_t)__builtin_popcountll(bits);
	}
	if (!tw->lead_sig)
		return 0;
	tw->slot_bits = malloc(n * sizeof *tw->slot_bits);
	if (!tw->slot_bits)
		return -1;
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const uint16_t *sig = tw->lead_sig + (size_t)d * ANALYZE_LEAD_SLOTS;
		uint64_t b0 = 0, b1 = 0;
		for (int slot = 0; slot < ANALYZE_LEAD_SLOTS && slot < 64; slot++) {
			b0 |= (uint64_t)(sig[slot] & 1) << slot;
			b1 |= (uint64_t)(sig[slot] >> 1 & 1) << slot;
		}
		tw->slot_bits[d][0] = analyze_lead_known(sig) ? b0 : ~(uint64_t)0;
		tw->slot_bits[d][1] = analyze_lead_known(sig) ? b1 : ~(uint64_t)0;
	}
	return 0;
}

/* A function compiled for AVX2 and the baseline on x86-64, the loader
 * picking one (as semantic.c's products): link_matrix()'s lanes, and
 * collapse_twins()'s bit counts (bits_set() becomes popcnt there). */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define POLICY_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef POLICY_CLONES
#define POLICY_CLONES
#endif

/* The bits set in x, inline: the baseline x86-64 build has no popcnt
 * instruction, and __builtin_popcountll() calls libgcc (21 instructions
 * and a call, twice for each of the twin rule's pairs). */
static inline int bits_set(uint64_t x)
{
	x -= x >> 1 & 0x5555555555555555u;
	x = (x & 0x3333333333333333u) + (x >> 2 & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (int)((x * 0x0101010101010101u) >> 56);
}

/* Whether the leads of a and b cannot be twins (policy_lead_twins()), told
 * from two bits of each slot: a slot the two signatures share has the same
 * bits, so they share at most the slots whose bits agree. Exact, as
 * words_ruled_out(); a pair with an unknown signature is left to
 * policy_lead_twins() (never twins there). */
static inline __attribute__((always_inline)) int
lead_ruled_out(const struct title_words *tw, uint32_t a, uint32_t b)
{
	const uint64_t *x = tw->slot_bits[a], *y = tw->slot_bits[b];
	int agree;

	if (ANALYZE_LEAD_SLOTS != 64)
		return 0;
	agree = bits_set(~((x[0] ^ y[0]) | (x[1] ^ y[1])));
	return (double)agree / ANALYZE_LEAD_SLOTS < POLICY_LEAD_TWIN_OVERLAP;
}

/* Whether the titles of a and b cannot be twins (words_twins()), told from
 * their bits alone: the words they share are at most the bits they share
 * plus the words one of them loses to bits shared within itself (for S
 * within A, |S| - |bits(S)| <= |A| - |bits(A)|), and the overlap grows
 * with the words shared. Exact: it rules out only pairs words_twins()
 * turns down, most pairs the twin rule looks at, for an AND and a count. */
static inline __attribute__((always_inline)) int
words_ruled_out(const struct title_words *tw, uint32_t a, uint32_t b)
{
	uint32_t na = tw->start[a + 1] - tw->start[a], nb = tw->start[b + 1] - tw->start[b];
	uint32_t most;

	if (!na || !nb)
		return 1;
	/* the sizes first: they turn down most pairs without the bits' count */
	if (sizes_rule_out_twins(na, nb))
		return 1;
	most = (uint32_t)bits_set(tw->bits[a] & tw->bits[b]) +
	       (tw->shared[a] < tw->shared[b] ? tw->shared[a] : tw->shared[b]);
	if (most > na)
		most = na;
	if (most > nb)
		most = nb;
	if (most == na && most == nb)
		return 0;
	return na < 3 || nb < 3 ||
	       (double)most / (double)(na + nb - most) < POLICY_TWIN_OVERLAP;
}

/* Whether a and b may be twins by the bounds alone (is_twin() holds only
 * then): inlined into collapse_twins(), where it counts bits by popcnt. */
static inline __attribute__((always_inline)) int
twin_possible(const struct title_words *tw, uint32_t a, uint32_t b)
{
	return !words_ruled_out(tw, a, b) || (tw->lead_sig && !lead_ruled_out(tw, a, b));
}

static int is_twin(const struct title_words *tw, uint32_t a, uint32_t b)
{
	return (!words_ruled_out(tw, a, b) &&
		words_twins(tw->word + tw->start[a], tw->start[a + 1] - tw->start[a],
			    tw->word + tw->start[b], tw->start[b + 1] - tw->start[b])) ||
	       (tw->lead_sig && !lead_ruled_out(tw, a, b) &&
		policy_lead_twins(tw->lead_sig + (size_t)a * ANALYZE_LEAD_SLOTS,
				  tw->lead_sig + (size_t)b * ANALYZE_LEAD_SLOTS));
}

/* Story d's work items (wt: their TF-IDF cosines) titled as each other
 * collapse to one, the newest, in the best place of the two; returns how
 * many stay. After the near-duplicate rule, which may have put a newer
 * copy in an item's place. */
POLICY_CLONES static size_t collapse_twins(struct related_lists *out,
					    const struct doc_info *di,
					    const struct title_words *tw, uint32_t d,
					    struct related_item *work, float *wt, size_t nw)
{
	size_t k = 0;

	for (size_t i = 0; i < nw; i++) {
		size_t j = 0;
		while (j < k && !(twin_possible(tw, work[j].doc, work[i].doc) &&
				  is_twin(tw, work[j].doc, work[i].doc)))
			j++;
		if (j == k) {
			wt[k] = wt[i];
			work[k++] = work[i];
			continue;
		}
		out->twin_count[d]++;
		if (newer(di, work[i].doc, work[j].doc)) {
			exclude(out, d, work[j].doc, "twin");
			work[j].doc = work[i].doc;
		} else {
			exclude(out, d, work[i].doc, "twin");
		}
	}
	return k;
}

/* The TF-IDF cosine of story d with each of its n candidates c (into t),
 * through `dense` (n_terms zeros, left zero). */
static void candidate_tfidf(const struct model *m, uint32_t d, const struct neighbor *c,
			    uint32_t n, float *dense, float *t)
{
	model_row_scatter(m, d, dense);
	for (uint32_t i = 0; i < n; i++)
		t[i] = model_row_dot(m, c[i].doc, dense);
	model_row_clear(m, d, dense);
}

/* ---- names in the leads (policy_lead_names()) ---- */

/* One word of a text, as for_each_word() hands it over. */
struct lead_word {
	const char *s;
	size_t len;     /* bytes */
	size_t letters; /* code points */
	int capital;    /* starts with an upper- or title-case letter */
	int digit;      /* holds a decimal digit */
	int initial;    /* starts the text, a line, or a sentence (after . ! or ?
			   and a space) */
};

static int is_space_cp(utf8proc_int32_t c)
{
	return c == '\t' || c == '\n' || c == '\r' ||
	       utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

enum { CP_WORD = 1, CP_CAPITAL = 2, CP_DIGIT = 4 };

/* What code point c is to a word: CP_WORD (analyze_word_cp()), CP_CAPITAL (an
 * upper- or title-case letter), CP_DIGIT (a decimal digit). ASCII is
 * answered without utf8proc's tables: query compares a new story's lead
 * with every story sharing a term, where the lookups cost most of the
 * time (perf, 20,000 stories). */
static int cp_class(utf8proc_int32_t c)
{
	utf8proc_category_t cat;

	if (c < 0x80) {
		if (c >= 'a' && c <= 'z')
			return CP_WORD;
		if (c >= 'A' && c <= 'Z')
			return CP_WORD | CP_CAPITAL;
		if (c >= '0' && c <= '9')
			return CP_WORD | CP_DIGIT;
		return 0;
	}
	if (!analyze_word_cp(c))
		return 0;
	cat = utf8proc_category(c);
	if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
		return CP_WORD | CP_CAPITAL;
	return cat == UTF8PROC_CATEGORY_ND ? CP_WORD | CP_DIGIT : CP_WORD;
}

/* utf8proc_iterate() with ASCII read directly. */
static utf8proc_ssize_t next_cp(const utf8proc_uint8_t *p, utf8proc_ssize_t len,
				utf8proc_int32_t *c)
{
	if (*p < 0x80) {
		*c = *p;
		return 1;
	}
	return utf8proc_iterate(p, len, c);
}

/* Calls fn on every word of s (a maximal run of letters and digits, as
 * analyze_word_cp() says), in order; returns -1 as soon as fn does, else 0. */
static int for_each_word(const char *s, int (*fn)(void *, const struct lead_word *),
			 void *ctx)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), i = 0;
	int initial = 1, stop = 0;

	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = next_cp(p + i, len - i, &c);
		if (k <= 0) { /* not UTF-8: a separator */
			i++;
			stop = 0;
			continue;
		}
		if (cp_class(c) & CP_WORD) {
			struct lead_word w = { s + i, 0, 0, (cp_class(c) & CP_CAPITAL) != 0, 0,
					       initial };
			int cls;
			while (i < len && (k = next_cp(p + i, len - i, &c)) > 0 &&
			       ((cls = cp_class(c)) & CP_WORD)) {
				w.digit |= (cls & CP_DIGIT) != 0;
				w.letters++;
				i += k;
			}
			w.len = (size_t)(i - (w.s - s));
			if (fn(ctx, &w))
				return -1;
			initial = stop = 0;
			continue;
		}
		if (c == '\n' || (stop && is_space_cp(c)))
			initial = 1;
		stop = c == '.' || c == '!' || c == '?';
		i += k;
	}
	return 0;
}

struct title_case {
	size_t long_words, capitalised;
};

static int count_title_case(void *ctx, const struct lead_word *w)
{
	struct title_case *t = ctx;
	utf8proc_int32_t c;

	next_cp((const utf8proc_uint8_t *)w->s, (utf8proc_ssize_t)w->len, &c);
	if (w->letters >= 4 && !(cp_class(c) & CP_DIGIT)) {
		t->long_words++;
		t->capitalised += w->capital != 0;
	}
	return 0;
}

/* A text written in title case: every word of four letters or more (not
 * starting with a digit) capitalised, as headline styles write it. */
static int is_title_case(const char *s)
{
	struct title_case t = { 0, 0 };

	for_each_word(s, count_title_case, &t);
	return t.long_words > 0 && t.capitalised == t.long_words;
}

/* Where add_name() appends: hashes of case-folded names, *n of *cap used. */
struct name_sink {
	uint32_t **words;
	size_t *n, *cap;
	int digits_only; /* a title in title case: its capitals say nothing */
};

static int add_name(void *ctx, const struct lead_word *w)
{
	struct name_sink *k = ctx;
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t len;
	unsigned char ascii[64];
	uint32_t h;
	size_t i = 0;

	if (!w->digit && (k->digits_only || w->initial || !w->capital))
		return 0;
	/* ASCII words fold to lowercase without utf8proc's allocation (query
	 * compares a new story's lead with every story sharing a term) */
	while (i < w->len && i < sizeof ascii && !((unsigned char)w->s[i] & 0x80)) {
		unsigned char c = (unsigned char)w->s[i];
		ascii[i++] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
	}
	if (i == w->len) {
		h = hash_bytes(ascii, i);
	} else {
		len = utf8proc_map((const utf8proc_uint8_t *)w->s, (utf8proc_ssize_t)w->len,
				   &norm, UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
				   UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
		if (len < 0)
			return len == UTF8PROC_ERROR_NOMEM ? -1 : 0;
		h = hash_bytes(norm, (size_t)len);
		free(norm);
	}
	if (*k->n == *k->cap) {
		size_t nc = *k->cap ? *k->cap * 2 : 64;
		uint32_t *grown = realloc(*k->words, nc * sizeof *grown);
		if (!grown)
			return -1;
		*k->words = grown;
		*k->cap = nc;
	}
	(*k->words)[(*k->n)++] = h;
	return 0;
}

/* Appends the sorted unique name hashes of a story's title and lead to
 * *words; returns how many it added, or -1 when memory runs out. */
static long add_lead_names(const char *title, const char *lead, uint32_t **words, size_t *n,
			   size_t *cap)
{
	size_t first = *n, w = first;
	struct name_sink k = { words, n, cap, 0 };

	if (title && *title) {
		k.digits_only = is_title_case(title);
		if (for_each_word(title, add_name, &k))
			return -1;
	}
	k.digits_only = 0;
	if (lead && *lead && for_each_word(lead, add_name, &k))
		return -1;
	if (*n == first)
		return 0;
	qsort(*words + first, *n - first, sizeof **words, cmp_u32);
	for (size_t j = first; j < *n; j++)
		if (j == first || (*words)[j] != (*words)[w - 1])
			(*words)[w++] = (*words)[j];
	*n = w;
	return (long)(w - first);
}

/* The Jaccard overlap of two sorted sets of hashes; 0 when both are
 * empty. */
static float jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t common = common_count(a, na, b, nb);

	return na + nb ? (float)common / (float)(na + nb - common) : 0.0f;
}

float policy_lead_names(const char *title_a, const char *lead_a, const char *title_b,
			const char *lead_b)
{
	struct policy_names a;
	float shared = 0.0f;

	if (!policy_names_of(title_a, lead_a, &a))
		shared = policy_names_overlap(&a, title_b, lead_b);
	free(a.hash);
	return shared;
}

int policy_names_of(const char *title, const char *lead, struct policy_names *names)
{
	size_t cap = 0;

	names->hash = NULL;
	names->n = 0;
	return add_lead_names(title, lead, &names->hash, &names->n, &cap) < 0 ? -1 : 0;
}

float policy_names_overlap(const struct policy_names *a, const char *title, const char *lead)
{
	uint32_t *w = NULL;
	size_t n = 0, cap = 0;
	float shared = 0.0f;

	if (add_lead_names(title, lead, &w, &n, &cap) >= 0)
		shared = jaccard(a->hash, a->n, w, n);
	free(w);
	return shared;
}

/* Every story's lead names (title and excerpt), for the cutoff, and bit
 * (hash & 63) of each of them. */
struct name_sets {
	uint32_t *start; /* [n_docs + 1] into word */
	uint32_t *word;
	uint64_t *bits;
};

static int name_set(void *ctx, int worker, uint32_t d, struct u32_list *l)
{
	const struct model *m = ctx;

	(void)worker;
	return add_lead_names(model_doc(m, d, MODEL_TITLE), model_doc(m, d, MODEL_EXCERPT),
			      &l->v, &l->n, &l->cap) < 0 ? -1 : 0;
}

static int build_name_sets(const struct model *m, int jobs, struct name_sets *ns)
{
	if (build_story_sets(m->n_docs, jobs, name_set, (void *)(uintptr_t)m, &ns->start,
			     &ns->word))
		return -1;
	ns->bits = calloc(m->n_docs ? m->n_docs : 1, sizeof *ns->bits);
	if (!ns->bits)
		return -1;
	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint32_t i = ns->start[d]; i < ns->start[d + 1]; i++)
			ns->bits[d] |= (uint64_t)1 << (ns->word[i] & 63);
	return 0;
}

/* Two stories whose names share no bit share no name: their Jaccard
 * overlap is 0 without the merge (and without reading their names). */
static float names_shared(const struct name_sets *ns, uint32_t a, uint32_t b)
{
	if (!(ns->bits[a] & ns->bits[b]))
		return 0.0f;
	return jaccard(ns->word + ns->start[a], ns->start[a + 1] - ns->start[a],
		       ns->word + ns->start[b], ns->start[b + 1] - ns->start[b]);
}

static uint32_t group_root(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

/* link_matrix() sums a pair's cosine in a lane of a vector of eight:
 * LINK_LANES earlier items spread over the terms, one pass over a later
 * item's row gives its cosines with all of them. One register with AVX2,
 * two with SSE. */
#define LINK_LANES 8
typedef float link_lanes __attribute__((vector_size(LINK_LANES * sizeof(float))));

/* link_matrix() is compiled for AVX2 and the baseline (POLICY_CLONES).
 * Both give the same bits: each lane is multiplied and added on its own,
 * and C17 mode does not contract a * b + c into FMA. */

/* Pairs' cosines link_matrix() keeps from earlier lists, one per thread:
 * LINK_CACHE slots, a pair's slot fixed by its two stories, a new pair
 * taking the slot of the one there. A pair of stories comes back in the
 * lists of the other stories of their event. */
#define LINK_CACHE_BITS 18
#define LINK_CACHE ((size_t)1 << LINK_CACHE_BITS)

struct link_pair {
	uint64_t key; /* 0: empty; else (lower story << 32 | higher one) + 1 */
	float cosine;
};

/* What link_matrix() works in, one per thread. spread (n_terms, left 0)
 * holds, for each term, the weights of up to LINK_LANES items, lane l
 * the float at l; pos (n_docs, left 0) is 1 + each selected item's index
 * while a list is linked; left[] the items spread. cand and tfidf are the
 * near-duplicate graph's: every story's cosine with each of its
 * candidates (tfidf NULL: none kept). */
struct link_scratch {
	link_lanes *spread;
	uint32_t *pos;
	struct link_pair *cache;
	uint32_t *left, *open;
	unsigned char *taken;
	const struct rank_lists *cand;
	const float *tfidf;
};

static uint64_t link_key(uint32_t a, uint32_t b)
{
	return ((uint64_t)(a < b ? a : b) << 32 | (a < b ? b : a)) + 1;
}

static struct link_pair *link_slot(const struct link_scratch *ls, uint64_t key)
{
	return &ls->cache[(key * 0x9E3779B97F4A7C15u) >> (64 - LINK_CACHE_BITS)];
}

/* Row d's weights into lane l of spread, or with `clear` zeros where
 * they were. */
static inline void link_spread(const struct model *m, uint32_t d, link_lanes *spread,
			       uint32_t l, int clear)
{
	const uint16_t *lo = m->term_lo + m->row[d];
	const float *val = m->val + m->row[d];
	size_t i = 0;

	for (uint32_t k = 0; k < m->n_blocks; k++) {
		float *sp = (float *)(spread + ((size_t)k << MODEL_BLOCK_BITS)) + l;
#pragma GCC unroll 4
		for (size_t e = model_run_end(m, d, k) - m->row[d]; i < e; i++)
			sp[(size_t)lo[i] * LINK_LANES] = clear ? 0.0f : val[i];
	}
}

/* Row d's cosines with the items spread: lane l the sum, over d's row in
 * order, of lane l's weight times d's, as a dot product of d's row with
 * that item's dense row would add them. */
static inline void link_cosines(const struct model *m, uint32_t d, const link_lanes *spread,
				float c[LINK_LANES])
{
	link_lanes sum = { 0 };
	const uint16_t *lo = m->term_lo + m->row[d];
	const float *val = m->val + m->row[d];
	size_t i = 0;

	for (uint32_t k = 0; k < m->n_blocks; k++) {
		const link_lanes *sp = spread + ((size_t)k << MODEL_BLOCK_BITS);
#pragma GCC unroll 4
		for (size_t e = model_run_end(m, d, k) - m->row[d]; i < e; i++)
			sum += sp[lo[i]] * val[i];
	}
	memcpy(c, &sum, sizeof sum);
}

/* link_matrix()'s pairs i < j of selected items whose cosine is known
 * without a sum: from the near-duplicate graph when one story is the
 * other's candidate (two thirds of the pairs on real text, half at
 * realistic 20,000), else from an earlier list (ls->cache); the others
 * are NAN in cosine[i * nw + j], and ls->open[i] counts them for each i
 * (with i first or second). Returns how many there are. */
static size_t link_known(const struct related_item *work, size_t nw,
			 const unsigned char *sel, struct link_scratch *ls, float *cosine)
{
	const struct rank_lists *cand = ls->cand;
	size_t open = 0;

	for (size_t i = 0; i < nw; i++) {
		if (!sel[i])
			continue;
		ls->pos[work[i].doc] = (uint32_t)i + 1;
		for (size_t j = i + 1; j < nw; j++)
			cosine[i * nw + j] = NAN;
	}
	for (size_t i = 0; ls->tfidf && i < nw; i++) {
		uint32_t x = work[i].doc;
		const struct neighbor *c = cand->items + (size_t)x * cand->depth;
		for (uint32_t k = 0; sel[i] && k < cand->count[x]; k++) {
			uint32_t j = ls->pos[c[k].doc];
			if (j-- && j != i)
				cosine[(i < j ? i : j) * nw + (i < j ? j : i)] =
					ls->tfidf[(size_t)x * cand->depth + k];
		}
	}
	for (size_t i = 0; i < nw; i++)
		ls->open[i] = 0;
	for (size_t i = 0; i < nw; i++) {
		if (!sel[i])
			continue;
		ls->pos[work[i].doc] = 0;
		for (size_t j = i + 1; j < nw; j++) {
			uint64_t key = link_key(work[i].doc, work[j].doc);
			const struct link_pair *e;
			if (!sel[j] || !isnan(cosine[i * nw + j]))
				continue;
			e = link_slot(ls, key);
			if (e->key == key) {
				cosine[i * nw + j] = e->cosine;
			} else {
				ls->open[i]++;
				ls->open[j]++;
				open++;
			}
		}
	}
	return open;
}

/* Whether the cosine of items i and j (i != j) is still to be summed. */
static int link_open(const float *cosine, size_t nw, size_t i, size_t j)
{
	return isnan(cosine[(i < j ? i : j) * nw + (i < j ? j : i)]);
}

/* The items link_matrix() spreads, into ls->left (returns how many): a
 * cover of the `open` pairs left by link_known() (each has an item in it),
 * chosen greedily by open pairs per entry of the item's row, the other
 * items read against them. Spreading costs two passes over a row (the
 * weights, then zeros) and reading one, and every earlier item of an open
 * pair was spread before: on real text 12.9 M entries spread and cleared
 * and 7.0 M read, against 5.5 M and at most 9.2 M with the cover. Any cover
 * gives the same floats (a pair's cosine is the same sum from either
 * side). */
static uint32_t link_cover(const struct model *m, const struct related_item *work, size_t nw,
			   const unsigned char *sel, const float *cosine, size_t open,
			   struct link_scratch *ls)
{
	uint32_t nl = 0;

	for (size_t i = 0; i < nw; i++)
		ls->taken[i] = 0;
	while (open) {
		size_t b = nw;
		for (size_t i = 0; i < nw; i++)
			if (ls->open[i] &&
			    (b == nw || (uint64_t)ls->open[i] * (row_length(m, work[b].doc) + 1) >
						(uint64_t)ls->open[b] * (row_length(m, work[i].doc) + 1)))
				b = i;
		ls->taken[b] = 1;
		ls->left[nl++] = (uint32_t)b;
		/* b's open pairs are covered: the other items' counts drop */
		for (size_t j = 0; j < nw; j++)
			if (j != b && sel[j] && !ls->taken[j] && link_open(cosine, nw, b, j)) {
				ls->open[j]--;
				open--;
			}
		ls->open[b] = 0;
	}
	return nl;
}

/* The TF-IDF cosine of every pair of story d's nw work items i < j with
 * sel[i] and sel[j], into cosine[i * nw + j] and cosine[j * nw + i]
 * (nw x nw). Each is the shared terms' products added in ascending term
 * order from +0 (the terms one row lacks add +0), as model_row_dot() adds
 * them whichever of the two rows it reads, so a pair's float is the same
 * wherever it comes from: link_known()'s, or a lane of link_cosines() over
 * the later item's row, LINK_LANES earlier items spread at a time. The
 * event, the groups and the cluster see the same floats as from dot
 * products. */
POLICY_CLONES static void link_matrix(const struct model *m, const struct related_item *work,
				    size_t nw, const unsigned char *sel, struct link_scratch *ls,
				    float *cosine)
{
	const uint32_t *left = ls->left;
	uint32_t nl = link_cover(m, work, nw, sel, cosine, link_known(work, nw, sel, ls, cosine),
				 ls);

	for (uint32_t p0 = 0; p0 < nl; p0 += LINK_LANES) {
		uint32_t lanes = nl - p0 < LINK_LANES ? nl - p0 : LINK_LANES;
		for (uint32_t l = 0; l < lanes; l++)
			link_spread(m, work[left[p0 + l]].doc, ls->spread, l, 0);
		for (size_t j = 0; j < nw; j++) {
			float c[LINK_LANES];
			uint32_t l = 0;
			/* the first lane whose pair with j is still open */
			while (l < lanes && !(left[p0 + l] != j && link_open(cosine, nw, left[p0 + l], j)))
				l++;
			if (!sel[j] || l == lanes)
				continue;
			link_cosines(m, work[j].doc, ls->spread, c);
			for (; l < lanes; l++) {
				size_t i = left[p0 + l], lo = i < j ? i : j, hi = i < j ? j : i;
				uint64_t key = link_key(work[i].doc, work[j].doc);
				if (i != j && isnan(cosine[lo * nw + hi])) {
					cosine[lo * nw + hi] = c[l];
					*link_slot(ls, key) = (struct link_pair){ key, c[l] };
				}
			}
		}
		for (uint32_t l = 0; l < lanes; l++)
			link_spread(m, work[left[p0 + l]].doc, ls->spread, l, 1);
	}
	for (size_t i = 0; i < nw; i++)
		for (size_t j = i + 1; sel[i] && j < nw; j++)
			if (sel[j])
				cosine[j * nw + i] = cosine[i * nw + j];
}

static double log_odds(float p)
{
	double q = p < 1e-6f ? 1e-6 : p > 1.0f - 1e-6f ? 1.0 - 1e-6 : p;

	return log(q / (1.0 - q));
}

float policy_show_floor(float cutoff)
{
	return POLICY_GROUP_LOW < cutoff ? POLICY_GROUP_LOW : cutoff;
}

/* The story's event: the story and its sure candidates (P of
 * POLICY_GROUP_SURE or more, and at least the cutoff; with none, those at
 * the cutoff), each a story of the event the list is about. Returns the
 * least P of a sure candidate, and marks in sel[] the items event_views()
 * needs the cosines of (the sure ones and those sharing a term with the
 * story with P of POLICY_GROUP_LOW or more, the doubtful ones among them);
 * *needed says whether any candidate is doubtful while one is sure. p
 * holds the candidates' probabilities. */
static float event_sure(const struct policy_options *o, const float *wt, size_t nw,
			const float *p, unsigned char *sel, int *needed)
{
	float sure = POLICY_GROUP_SURE > o->cutoff ? POLICY_GROUP_SURE : o->cutoff;
	size_t views = 0, doubtful = 0;

	for (size_t i = 0; i < nw; i++)
		views += p[i] >= sure;
	if (!views) /* no sure candidate: those at the cutoff */
		sure = o->cutoff;
	views = 0;
	for (size_t i = 0; i < nw; i++) {
		int low = wt[i] > 0.0f && p[i] >= POLICY_GROUP_LOW;
		views += p[i] >= sure;
		doubtful += low && p[i] < sure;
		sel[i] = low || p[i] >= sure;
	}
	*needed = views && doubtful;
	return sure;
}

/* A doubtful candidate of the story's event (POLICY_GROUP_LOW <= P <
 * sure, sharing a term with the story) is judged against each sure item
 * as against the story (policy_relatedness_full()'s log-odds with the
 * sure item's TF-IDF cosine, names and numbers, and the candidate's own
 * score / best), and its P becomes that of the mean of those log-odds and
 * its own (policy.h, the story's event). p holds the candidates'
 * probabilities (read for every one before any changes), cosine the
 * pairs' (link_matrix() over event_sure()'s sel), acc is scratch of nw. */
static void event_views(const struct model *m, const struct name_sets *ns,
			const struct related_item *work, const float *wt, size_t nw, float best,
			float sure, const float *cosine, float *p, float *acc)
{
	size_t views = 0;

	for (size_t i = 0; i < nw; i++) {
		acc[i] = 0.0f;
		views += p[i] >= sure;
	}
	for (size_t u = 0; u < nw; u++) {
		uint32_t a = work[u].doc;
		if (p[u] < sure)
			continue;
		for (size_t i = 0; i < nw; i++) {
			uint32_t b = work[i].doc;
			if (!(wt[i] > 0.0f && p[i] >= POLICY_GROUP_LOW && p[i] < sure))
				continue;
			acc[i] += (float)relatedness_logit(
				cosine[u * nw + i], best > 0.0f ? (double)work[i].score / best : 0.0,
				names_shared(ns, a, b), policy_numbers_disagree(m, a, b));
		}
	}
	for (size_t i = 0; i < nw; i++)
		if (wt[i] > 0.0f && p[i] >= POLICY_GROUP_LOW && p[i] < sure)
			p[i] = (float)(1.0 / (1.0 + exp(-(log_odds(p[i]) + acc[i]) /
						       (double)(views + 1))));
}

/* Whether the group of root r (g[j] == r) passes: it holds a sure item,
 * or its members' mean log-odds reach the cutoff's. */
static int group_passes(const struct policy_options *o, const float *p, const uint32_t *g,
			size_t nw, uint32_t r)
{
	float sure = POLICY_GROUP_SURE > o->cutoff ? POLICY_GROUP_SURE : o->cutoff;
	double sum = 0.0;
	size_t n = 0;

	for (size_t j = 0; j < nw; j++) {
		if (g[j] != r)
			continue;
		if (p[j] >= sure)
			return 1;
		sum += log_odds(p[j]);
		n++;
	}
	return sum / (double)n >= log_odds(o->cutoff);
}

/* What story_cluster() works in, one per thread, for lists of up to
 * `depth` candidates: sum[] the sums of the log-odds between clusters
 * ((depth + 1)^2, the story node 0) and avg[] their average links (each
 * sum over the product of the two clusters' sizes, worked out at each
 * merge for the merged cluster's row instead of at every look of the
 * chains: a third of the clustering's instructions on real text), and per
 * node its candidate, its cluster's size, its merge (height and partner)
 * and its union-find parent and chain slot; alive[] the active clusters in
 * ascending order (`alive` of them). */
struct cluster_scratch {
	double *sum, *avg;
	double *height;
	uint32_t *item, *size, *partner, *parent, *chain, *alive;
	size_t n_alive;
};

static void cluster_free(struct cluster_scratch *cs)
{
	free(cs->sum);
	free(cs->avg);
	free(cs->height);
	free(cs->item);
	free(cs->size);
	free(cs->partner);
	free(cs->parent);
	free(cs->chain);
	free(cs->alive);
	memset(cs, 0, sizeof *cs);
}

/* Room for n nodes; -1 when memory runs out (cluster_free() frees what
 * was made). */
static int cluster_alloc(struct cluster_scratch *cs, size_t n)
{
	cs->sum = malloc(n * n * sizeof *cs->sum);
	cs->avg = malloc(n * n * sizeof *cs->avg);
	cs->height = malloc(n * sizeof *cs->height);
	cs->item = malloc(n * sizeof *cs->item);
	cs->size = malloc(n * sizeof *cs->size);
	cs->partner = malloc(n * sizeof *cs->partner);
	cs->parent = malloc(n * sizeof *cs->parent);
	cs->chain = malloc(n * sizeof *cs->chain);
	cs->alive = malloc(n * sizeof *cs->alive);
	return cs->sum && cs->avg && cs->height && cs->item && cs->size && cs->partner &&
	       cs->parent && cs->chain && cs->alive ? 0 : -1;
}

/* Merges cluster b into a (a < b), at `height`, keeping the sums of
 * log-odds to every other active cluster and their average links. */
static void cluster_merge(struct cluster_scratch *cs, size_t n, uint32_t a, uint32_t b,
			  double height)
{
	size_t k = 0;

	cs->size[a] += cs->size[b];
	for (size_t i = 0; i < cs->n_alive; i++) {
		uint32_t c = cs->alive[i];
		if (c == b)
			continue;
		cs->alive[k++] = c;
		if (c == a)
			continue;
		cs->sum[a * n + c] += cs->sum[b * n + c];
		cs->sum[c * n + a] = cs->sum[a * n + c];
		cs->avg[a * n + c] = cs->avg[c * n + a] =
			cs->sum[a * n + c] / ((double)cs->size[a] * cs->size[c]);
	}
	cs->n_alive = k;
	cs->height[b] = height;
	cs->partner[b] = a;
}

/* Builds the average-link dendrogram of n nodes by nearest-neighbour
 * chains (average link is reducible, so this is the dendrogram that
 * merging the closest two clusters at each step gives, in O(n^2)). */
static void cluster_dendrogram(struct cluster_scratch *cs, size_t n)
{
	size_t top = 0;

	while (cs->n_alive > 1) {
		uint32_t a, b = 0;
		const double *link;
		double best = -HUGE_VAL;
		if (!top)
			cs->chain[top++] = cs->alive[0];
		a = cs->chain[top - 1];
		link = cs->avg + (size_t)a * n;
		/* the nearest: the chain's previous node on ties, else the lowest */
		if (top > 1) {
			b = cs->chain[top - 2];
			best = link[b];
		}
		for (size_t i = 0; i < cs->n_alive; i++) {
			uint32_t c = cs->alive[i];
			if (c != a && link[c] > best) {
				best = link[c];
				b = c;
			}
		}
		if (top > 1 && b == cs->chain[top - 2]) {
			top -= 2;
			cluster_merge(cs, n, a < b ? a : b, a < b ? b : a, best);
		} else {
			cs->chain[top++] = b;
		}
	}
}

/* Cuts the average-link dendrogram of n nodes (cs->sum holding the sums
 * of their links, each node a cluster of its own) at `cut`: after it,
 * group_root(cs->parent, a) is the same for nodes a and b when they merge
 * at `cut` or above (average link has no inversions, so these are the
 * clusters that merging the closest two while they reach `cut` gives). */
static void cluster_cut(struct cluster_scratch *cs, size_t n, double cut)
{
	for (size_t a = 0; a < n; a++) {
		cs->alive[a] = (uint32_t)a;
		cs->size[a] = 1;
		cs->height[a] = -HUGE_VAL;
		cs->parent[a] = (uint32_t)a;
	}
	cs->n_alive = n;
	/* each node a cluster of one: its average links are its sums */
	memcpy(cs->avg, cs->sum, n * n * sizeof *cs->avg);
	cluster_dendrogram(cs, n);
	for (size_t b = 0; b < n; b++)
		if (cs->height[b] >= cut)
			cs->parent[group_root(cs->parent, (uint32_t)b)] =
				group_root(cs->parent, cs->partner[b]);
}

/* Groups the work items in a group (g[i] != nw) by average link over their
 * own TF-IDF cosines (link_matrix()'s, made for them), cut at
 * POLICY_GROUP_LINK: after it g[i] is the same item r for every item of a
 * group, with g[r] == r, and a group is a set of items close on average,
 * not a chain (policy.h, groups). cs is story_cluster()'s scratch, with
 * room for nw nodes. */
static void link_groups(const float *cosine, size_t nw, uint32_t *g, struct cluster_scratch *cs)
{
	size_t n = 0;
	double top = -HUGE_VAL;

	for (size_t i = 0; i < nw; i++)
		if (g[i] != nw)
			cs->item[n++] = (uint32_t)i;
	for (size_t a = 0; a < n; a++) {
		cs->sum[a * n + a] = 0.0;
		for (size_t b = a + 1; b < n; b++) {
			cs->sum[a * n + b] = cs->sum[b * n + a] =
				cosine[(size_t)cs->item[a] * nw + cs->item[b]];
			top = cs->sum[a * n + b] > top ? cs->sum[a * n + b] : top;
		}
	}
	/* No merge reaches the cut when no pair does: an average link is at
	 * most its highest pair's (the floats' sums of m pairs at most m
	 * times the highest, exactly), so every item stays a group of one,
	 * as it is already (a third of the lists on real text, most at
	 * realistic 20,000). */
	if (top < POLICY_GROUP_LINK)
		return;
	cluster_cut(cs, n, POLICY_GROUP_LINK);
	for (size_t a = 0; a < n; a++)
		g[cs->item[a]] = cs->item[group_root(cs->parent, (uint32_t)a)];
}

/* The story's cluster (policy.h, the story's event grown by average link):
 * marks in[i] for each of story d's nw work items that the average-link
 * clustering of the story and its candidates sharing a term with it (P of
 * POLICY_GROUP_LOW or more) puts with the story when cut at the cutoff's
 * log-odds. The story and a candidate are joined by the candidate's
 * log-odds (p, after event_views()), two candidates by
 * policy_relatedness_full()'s log-odds with their own TF-IDF cosine (from
 * link_matrix(), which saw the same candidates), names and numbers, and
 * the geometric mean of their scores / best. */
static void story_cluster(const struct model *m, const struct name_sets *ns,
			  const struct policy_options *o, const struct related_item *work,
			  const float *wt, size_t nw, float best, const float *p,
			  const float *cosine, unsigned char *in, struct cluster_scratch *cs)
{
	size_t n = 1;
	double cut = log_odds(o->cutoff);

	for (size_t i = 0; i < nw; i++) {
		in[i] = 0;
		if (wt[i] > 0.0f && p[i] >= POLICY_GROUP_LOW)
			cs->item[n++] = (uint32_t)i;
	}
	for (size_t a = 0; a < n; a++)
		cs->sum[a * n + a] = 0.0;
	for (size_t a = 1; a < n; a++) {
		const struct related_item *x = &work[cs->item[a]];
		double rx = best > 0.0f ? (double)x->score / best : 0.0;
		cs->sum[a] = cs->sum[a * n] = log_odds(p[cs->item[a]]);
		for (size_t b = a + 1; b < n; b++) {
			const struct related_item *y = &work[cs->item[b]];
			double ry = best > 0.0f ? (double)y->score / best : 0.0;
			cs->sum[a * n + b] = cs->sum[b * n + a] = relatedness_logit(
				cosine[(size_t)cs->item[a] * nw + cs->item[b]], sqrt(rx * ry),
				names_shared(ns, x->doc, y->doc),
				policy_numbers_disagree(m, x->doc, y->doc));
		}
	}
	cluster_cut(cs, n, cut);
	for (size_t a = 1; a < n; a++)
		in[cs->item[a]] = group_root(cs->parent, (uint32_t)a) == group_root(cs->parent, 0);
}

/* The cutoff on story d's nw work items (ranking scores, best first, with
 * their TF-IDF cosines wt): scores become policy_relatedness_full(),
 * doubtful ones judged by the story's event too (event_views()); the
 * items with POLICY_GROUP_LOW or more that share a term with the story form
 * groups (POLICY_GROUP_LINK) decided by group_passes(), the others are
 * decided alone against the cutoff, and what those leave out shows when
 * the story's cluster holds it (story_cluster()); the items that pass are
 * sorted by their own probability, the rest go. p, acc, g, pass and in
 * are scratch of nw, cosine of nw x nw, ls link_matrix()'s, with room for
 * the items' rows, cs story_cluster()'s, with room for nw + 1 nodes.
 * Returns how many stay. */
static size_t apply_cutoff(struct related_lists *out, const struct policy_options *o,
			   const struct model *m, const struct name_sets *ns, uint32_t d,
			   struct related_item *work, const float *wt, size_t nw, float *p,
			   float *acc, uint32_t *g, unsigned char *pass, unsigned char *in,
			   float *cosine, struct link_scratch *ls, struct cluster_scratch *cs)
{
	size_t k = 0, above = 0, below = 0, left_out = 0;
	float best = 0.0f, sure;
	int event, linked;

	for (size_t i = 0; i < nw; i++)
		if (work[i].score > best)
			best = work[i].score;
	for (size_t i = 0; i < nw; i++) {
		p[i] = policy_relatedness_full(wt[i], work[i].score, best,
					       names_shared(ns, d, work[i].doc),
					       policy_numbers_disagree(m, d, work[i].doc));
	}
	/* pass[] holds whose cosines are needed until the groups decide; the
	 * event's cover the groups' items too, whose P can only fall below
	 * POLICY_GROUP_LOW in the event, never rise to it */
	sure = event_sure(o, wt, nw, p, pass, &event);
	if (event) {
		link_matrix(m, work, nw, pass, ls, cosine);
		event_views(m, ns, work, wt, nw, best, sure, cosine, p, acc);
	}
	for (size_t i = 0; i < nw; i++) {
		/* an item sharing no term with the story is never carried */
		g[i] = wt[i] > 0.0f && p[i] >= POLICY_GROUP_LOW ? (uint32_t)i : (uint32_t)nw;
		if (g[i] != nw) {
			above += p[i] >= o->cutoff;
			below += p[i] < o->cutoff;
		}
	}
	/* Groups change a decision only where the items to group lie on both
	 * sides of the cutoff: a group all above it passes (its mean log-odds
	 * too), one all below it holds no sure item and fails, as each item
	 * alone would. */
	linked = above && below;
	if (linked && !event) {
		for (size_t i = 0; i < nw; i++)
			pass[i] = g[i] != nw;
		link_matrix(m, work, nw, pass, ls, cosine);
	}
	if (linked)
		link_groups(cosine, nw, g, cs);
	for (size_t i = 0; i < nw; i++)
		if (g[i] != nw)
			g[i] = group_root(g, (uint32_t)i);
	for (size_t i = 0; i < nw; i++)
		pass[i] = g[i] == nw ? p[i] >= o->cutoff
			: g[i] == i ? group_passes(o, p, g, nw, (uint32_t)i) : 0;
	for (size_t i = 0; i < nw; i++) {
		in[i] = 0;
		left_out += g[i] != nw && !pass[g[i]];
	}
	/* The story's cluster may carry only items the groups left out, and
	 * only when an item passes: the story joins no cluster when all its
	 * links lie below the cutoff. Items are then on both sides of it, so
	 * link_matrix() has left the cosines the cluster reads. */
	if (left_out && above)
		story_cluster(m, ns, o, work, wt, nw, best, p, cosine, in, cs);
	for (size_t i = 0; i < nw; i++) {
		if (!(g[i] == nw ? pass[i] : pass[g[i]]) && !in[i]) {
			exclude(out, d, work[i].doc, "below cutoff");
			continue;
		}
		work[k] = work[i];
		work[k++].score = p[i];
	}
	qsort(work, k, sizeof *work, cmp_item);
	return k;
}

/* Fills story d's list up to `limit` with the most recent stories of its
 * section. The rules about the pair still hold: not the story itself, not
 * a copy of it (one the near-duplicate rule dropped from its candidates),
 * not outside --max-age, not blocked or pinned, not two copies of each
 * other, and with `tw` not a twin of the story or of an item; a story whose only candidates were its own copies would
 * otherwise get them back as "fallback". */
static void fill_fallback(const struct model *m, const struct doc_info *di,
			  const struct dup_graph *dg, const struct title_words *tw,
			  const uint32_t *recent, const uint32_t *sec_start,
			  const struct policy_options *o, uint32_t d, size_t limit,
			  struct related_item *it, uint32_t *count)
{
	uint32_t s = di->section[d];

	for (uint32_t i = sec_start[s]; i < sec_start[s + 1] && *count < limit; i++) {
		uint32_t x = recent[i];
		uint32_t j = 0;
		struct policy_pair pair;
		if (x == d)
			continue;
		/* no score: the min-score rule does not apply */
		pair = (struct policy_pair){ model_doc(m, d, MODEL_LANG), model_doc(m, x, MODEL_LANG),
					     NAN, NAN, days_apart(di, d, x),
					     overrides_exclusion(o->overrides, d, x) };
		if (policy_pair_rule(o, &pair) || overrides_is_pinned(o->overrides, d, x))
			continue;
		if (dg->start) {
			if (is_dup(dg, d, x))
				continue;
			while (j < *count && !is_dup(dg, it[j].doc, x))
				j++;
			if (j < *count)
				continue;
		}
		if (tw) {
			if (is_twin(tw, d, x))
				continue;
			for (j = 0; j < *count && !is_twin(tw, it[j].doc, x); j++)
				;
			if (j < *count)
				continue;
		}
		it[(*count)++] = (struct related_item){ x, 0.0f, "fallback" };
	}
}

/* Stories a thread takes at a time. */
#define POLICY_CHUNK 64

/* What every story's pass (policy_story()) reads, and each thread's
 * scratch. */
struct policy_run {
	const struct model *m;
	const struct rank_lists *cand;
	const struct policy_options *o;
	struct related_lists *out;
	const struct doc_info *di;
	const struct dup_graph *dg;
	const struct title_words *tw;
	const struct name_sets *ns;
	const uint32_t *recent, *sec_start;
	int cutoff, twins, dedup, blended;
	size_t top, depth;
	struct policy_scratch {
		struct related_item *work;
		float *ct, *wt, *dense, *p;
		float *acc; /* for event_views() */
		struct link_scratch link;
		uint32_t *g;
		unsigned char *pass, *in;
		float *cosine; /* depth x depth, link_matrix()'s cosines */
		struct cluster_scratch cluster;
	} scratch[PARALLEL_MAX_JOBS];
	atomic_int oom;
};

static int scratch_alloc(struct policy_run *r, struct policy_scratch *s)
{
	size_t depth = r->depth ? r->depth : 1;
	int need_dense = r->cutoff && r->blended && !r->dg->tfidf;

	s->work = malloc(depth * sizeof *s->work);
	s->ct = malloc(depth * sizeof *s->ct);
	s->wt = malloc(depth * sizeof *s->wt);
	s->p = malloc(depth * sizeof *s->p);
	s->acc = malloc(depth * sizeof *s->acc);
	s->g = malloc(depth * sizeof *s->g);
	s->pass = malloc(depth);
	s->in = malloc(depth);
	/* the cosines are computed here only when the graph has none */
	if (need_dense)
		s->dense = calloc((size_t)r->m->n_terms + 1, sizeof *s->dense);
	if (r->cutoff) {
		size_t terms = (size_t)r->m->n_terms + 1;
		s->link.spread = aligned_alloc(sizeof *s->link.spread, terms * sizeof *s->link.spread);
		if (s->link.spread)
			memset(s->link.spread, 0, terms * sizeof *s->link.spread);
		s->link.left = malloc(depth * sizeof *s->link.left);
		s->link.open = malloc(depth * sizeof *s->link.open);
		s->link.taken = malloc(depth);
		s->link.pos = calloc((size_t)r->m->n_docs + 1, sizeof *s->link.pos);
		s->link.cache = calloc(LINK_CACHE, sizeof *s->link.cache);
		s->link.cand = r->cand;
		s->link.tfidf = r->blended ? r->dg->tfidf : NULL;
		s->cosine = malloc(depth * depth * sizeof *s->cosine);
		if (!s->cosine || cluster_alloc(&s->cluster, depth + 1))
			return -1;
	}
	return s->work && s->ct && s->wt && s->p && s->acc && s->g && s->pass && s->in &&
	       (s->dense || !need_dense) &&
	       ((s->link.spread && s->link.pos && s->link.cache && s->link.left && s->link.open &&
		 s->link.taken) || !r->cutoff)
		       ? 0 : -1;
}

static void scratch_free(struct policy_scratch *s)
{
	free(s->work);
	free(s->ct);
	free(s->wt);
	free(s->p);
	free(s->acc);
	free(s->g);
	free(s->pass);
	free(s->in);
	free(s->cosine);
	cluster_free(&s->cluster);
	free(s->link.spread);
	free(s->link.pos);
	free(s->link.left);
	free(s->link.open);
	free(s->link.taken);
	free(s->link.cache);
	free(s->dense);
	memset(s, 0, sizeof *s);
}

/* Story d's list, from its candidates: writes only story d's slots of
 * r->out, so stories go to threads in any order (parallel.h). */
static void policy_story(void *arg, int worker, size_t story)
{
	struct policy_run *r = arg;
	struct policy_scratch *s = &r->scratch[worker];
	const struct model *m = r->m;
	const struct rank_lists *cand = r->cand;
	const struct policy_options *o = r->o;
	struct related_lists *out = r->out;
	const struct doc_info *di = r->di;
	const struct dup_graph *dg = r->dg;
	const struct title_words *tw = r->tw;
	const struct name_sets *ns = r->ns;
	const uint32_t *recent = r->recent, *sec_start = r->sec_start;
	int cutoff = r->cutoff, twins = r->twins, dedup = r->dedup;
	size_t top = r->top, depth = r->depth;
	uint32_t d = (uint32_t)story;
	const struct neighbor *c = cand->items + (size_t)d * depth;
	struct related_item *it = out->items + (size_t)d * top;
	uint32_t *dup = out->dup + (size_t)d * depth;
	const struct override_pin *pins;
	size_t npins = overrides_pins(o->overrides, d, &pins);
	size_t room = top > npins ? top - npins : 0;
	size_t nw = 0, k = 0, ranked;
	struct related_item *work;
	float *ct, *wt;
	const float *cosine = NULL; /* the candidates' TF-IDF cosines, or NULL */

	if (!s->work && scratch_alloc(r, s)) {
		scratch_free(s);
		atomic_store(&r->oom, 1);
		return;
	}
	work = s->work;
	ct = s->ct;
	wt = s->wt;
	if (r->cutoff && r->blended && dg->tfidf) {
		cosine = dg->tfidf + (size_t)d * depth;
	} else if (s->dense) {
		candidate_tfidf(m, d, c, cand->count[d], s->dense, ct);
		cosine = ct;
	}
	/* what the rules read of each candidate, asked for at once: a random
	 * story's, a cache miss for each array otherwise */
	for (uint32_t i = 0; i < cand->count[d]; i++) {
		uint32_t x = c[i].doc;
		__builtin_prefetch(di->time + x);
		if (dedup)
			__builtin_prefetch(dg->start + x);
		if (twins) {
			__builtin_prefetch(tw->start + x);
			__builtin_prefetch(tw->bits + x);
			if (tw->lead_sig)
				__builtin_prefetch(tw->slot_bits[x]);
		}
		if (cutoff) {
			__builtin_prefetch(ns->bits + x);
			if (m->numbers)
				__builtin_prefetch(m->numbers + (size_t)x * NUMBERS_SLOTS);
		}
	}
	for (uint32_t i = 0; i < cand->count[d]; i++) {
		uint32_t x = c[i].doc;
		double apart = days_apart(di, d, x);
		struct policy_pair pair;
		const char *why;
		size_t j;

		if (npins && overrides_is_pinned(o->overrides, d, x))
			continue; /* placed by insert_pins() */
		/* Languages were checked by rank; copies are found
		 * through the graph, below. */
		pair = (struct policy_pair){ NULL, NULL, c[i].score, NAN, apart,
					     overrides_exclusion(o->overrides, d, x) };
		if ((why = policy_pair_rule(o, &pair))) {
			exclude(out, d, x, why);
			continue;
		}
		if (dedup && is_dup(dg, d, x)) {
			dup[out->dup_count[d]++] = x;
			exclude(out, d, x, "near-duplicate");
			continue;
		}
		for (j = 0; dedup && j < nw; j++)
			if (is_dup(dg, work[j].doc, x))
				break;
		if (dedup && j < nw) {
			/* Copies of each other: the newer keeps the better place. */
			if (newer(di, x, work[j].doc)) {
				dup[out->dup_count[d]++] = work[j].doc;
				exclude(out, d, work[j].doc, "near-duplicate");
				work[j].doc = x;
			} else {
				dup[out->dup_count[d]++] = x;
				exclude(out, d, x, "near-duplicate");
			}
			continue;
		}
		if (twins && is_twin(tw, d, x)) {
			out->twin_count[d]++;
			exclude(out, d, x, "twin");
			continue;
		}
		wt[nw] = cosine ? cosine[i] : c[i].score;
		work[nw] = (struct related_item){ x, c[i].score, "similar" };
		if (o->half_life_days > 0 && apart >= 0)
			work[nw].score *= (float)pow(0.5, apart / o->half_life_days);
		nw++;
	}
	if (twins)
		nw = collapse_twins(out, di, tw, d, work, wt, nw);
	ranked = nw;
	if (cutoff)
		nw = apply_cutoff(out, o, r->m, ns, d, work, wt, nw, s->p, s->acc, s->g,
				  s->pass, s->in, s->cosine, &s->link, &s->cluster);
	else if (o->half_life_days > 0)
		qsort(work, nw, sizeof *work, cmp_item);
	for (size_t i = 0; i < nw && k < room; i++) {
		if (o->min_relative > 0 && work[i].score < o->min_relative * work[0].score) {
			for (; i < nw; i++)
				exclude(out, d, work[i].doc, "below min-relative");
			break;
		}
		if (o->section_cap && di->section[work[i].doc]) {
			size_t same = 0;
			for (size_t j = 0; j < k; j++)
				same += di->section[it[j].doc] == di->section[work[i].doc];
			if (same >= o->section_cap) {
				exclude(out, d, work[i].doc, "section-cap");
				continue;
			}
		}
		it[k++] = work[i];
	}
	out->count[d] = (uint32_t)k;
	out->shortened_of[d] = cutoff && nw < ranked && k < top;
	if (cutoff ? k < o->fill : !k && o->fallback) {
		size_t limit = cutoff ? (o->fill < room ? o->fill : room) : room;
		fill_fallback(m, di, dg, twins ? tw : NULL, recent, sec_start, o, d,
			      limit, it, &out->count[d]);
	}
	if (npins)
		insert_pins(m, o, d, pins, npins, top, it, &out->count[d]);
}

/* What policy_apply() reads of the model alone (policy.h). */
struct policy_prep {
	int cutoff, twins; /* what it was made for */
	struct doc_info di;
	uint32_t *recent, *sec_start;
	struct title_words tw;
	struct name_sets ns;
};

static void prep_clear(struct policy_prep *p)
{
	free(p->di.time);
	free(p->di.section);
	free(p->recent);
	free(p->sec_start);
	free(p->tw.start);
	free(p->tw.word);
	free(p->tw.bits);
	free(p->tw.shared);
	free(p->tw.slot_bits);
	free(p->ns.start);
	free(p->ns.word);
	free(p->ns.bits);
	memset(p, 0, sizeof *p);
}

/* The stories' dates and sections, the stories by recency (for the
 * fallback), and with the cutoff the titles' words and the leads' names,
 * on `jobs` threads; -1 when memory runs out (p then holds what was made,
 * for prep_clear()). */
static int prep_build(const struct model *m, int cutoff, int twins, int jobs,
		      struct policy_prep *p)
{
	size_t n = m->n_docs ? m->n_docs : 1;
	uint32_t nsec = 0;

	memset(p, 0, sizeof *p);
	p->cutoff = cutoff;
	p->twins = twins;
	p->di.time = malloc(n * sizeof *p->di.time);
	p->di.section = intern_field(m, MODEL_SECTION);
	p->recent = malloc(n * sizeof *p->recent);
	if (!p->di.time || !p->di.section || !p->recent)
		return -1;
	for (uint32_t d = 0; d < m->n_docs; d++) {
		int64_t t;
		p->di.time[d] = policy_parse_time(model_doc(m, d, MODEL_PUBLISHED), &t) ? NO_TIME
											 : t;
		p->recent[d] = d;
		if (p->di.section[d] + 1 > nsec)
			nsec = p->di.section[d] + 1;
	}
	qsort_r(p->recent, m->n_docs, sizeof *p->recent, cmp_recent, &p->di);
	p->sec_start = calloc((size_t)nsec + 2, sizeof *p->sec_start);
	if (!p->sec_start)
		return -1;
	for (uint32_t d = 0; d < m->n_docs; d++)
		p->sec_start[p->di.section[d] + 1]++;
	for (uint32_t s = 0; s <= nsec; s++)
		p->sec_start[s + 1] += p->sec_start[s];
	if (twins && build_title_words(m, jobs, &p->tw))
		return -1;
	if (cutoff && build_name_sets(m, jobs, &p->ns))
		return -1;
	return 0;
}

int policy_prepare(const struct model *m, const struct policy_options *o,
		   struct policy_prep **out)
{
	struct policy_prep *p = calloc(1, sizeof *p);
	int cutoff = o->cutoff > 0.0f;

	*out = NULL;
	if (!p)
		return -1;
	if (prep_build(m, cutoff, cutoff && o->twins, o->jobs, p)) {
		policy_prep_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void policy_prep_free(struct policy_prep *p)
{
	if (!p)
		return;
	prep_clear(p);
	free(p);
}

int policy_apply(const struct model *m, const struct rank_lists *cand,
		 const struct policy_options *o, struct related_lists *out,
		 struct error *err)
{
	return policy_apply_prepared(m, cand, o, NULL, out, err);
}

int policy_apply_prepared(const struct model *m, const struct rank_lists *cand,
			  const struct policy_options *o, const struct policy_prep *prep,
			  struct related_lists *out, struct error *err)
{
	struct dup_graph dg = { NULL, NULL, NULL };
	struct policy_prep own;
	int cutoff = o->cutoff > 0.0f, twins = cutoff && o->twins;
	int blended = o->semantic > 0.0f && m->latent_dim;
	size_t top = o->top ? o->top : 1, n = m->n_docs ? m->n_docs : 1;
	size_t depth = cand->depth;
	int dedup = o->duplicate_score > 0.0f;
	int rc = -1;

	memset(&own, 0, sizeof own);
	memset(out, 0, sizeof *out);
	out->top = top;
	out->n_docs = m->n_docs;
	out->depth = depth ? depth : 1;
	if (n > SIZE_MAX / sizeof *out->items / (top > depth ? top : depth))
		return error_set(err, NULL, "lists too long");
	out->items = malloc(n * top * sizeof *out->items);
	out->count = calloc(n, sizeof *out->count);
	out->dup = malloc(n * (depth ? depth : 1) * sizeof *out->dup);
	out->dup_count = calloc(n, sizeof *out->dup_count);
	out->shortened_of = calloc(n, sizeof *out->shortened_of);
	out->twin_count = calloc(n, sizeof *out->twin_count);
	out->explain = o->explain;
	out->semantic = o->semantic;
	if (o->explain) {
		out->excluded = malloc(n * out->depth * sizeof *out->excluded);
		out->excluded_count = calloc(n, sizeof *out->excluded_count);
		if (!out->excluded || !out->excluded_count)
			goto done;
	}
	if (!out->items || !out->count || !out->dup || !out->dup_count || !out->shortened_of ||
	    !out->twin_count)
		goto done;
	if (!prep || prep->cutoff != cutoff || prep->twins != twins) {
		if (prep_build(m, cutoff, twins, o->jobs, &own))
			goto done;
		prep = &own;
	}
	if (dedup && build_dup_graph(m, cand, o, cutoff && blended, &dg))
		goto done;

	{
		struct policy_run run = {
			.m = m, .cand = cand, .o = o, .out = out, .di = &prep->di, .dg = &dg,
			.tw = &prep->tw, .ns = &prep->ns, .recent = prep->recent,
			.sec_start = prep->sec_start,
			.cutoff = cutoff, .twins = twins, .dedup = dedup, .blended = blended,
			.top = top, .depth = depth
		};
		parallel_for(o->jobs, m->n_docs, POLICY_CHUNK, policy_story, &run);
		for (int j = 0; j < PARALLEL_MAX_JOBS; j++)
			scratch_free(&run.scratch[j]);
		if (atomic_load(&run.oom))
			goto done;
	}
	/* the totals, from what each story's pass wrote */
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const struct related_item *it = out->items + (size_t)d * top;
		int fallback = 0;
		for (uint32_t i = 0; i < out->count[d]; i++)
			fallback |= !strcmp(it[i].origin, "fallback");
		out->fallback_lists += (size_t)fallback;
		out->twins += out->twin_count[d];
		out->duplicates += out->dup_count[d];
		out->shortened += out->shortened_of[d];
	}
	rc = 0;
done:
	free(dg.start);
	free(dg.list);
	free(dg.tfidf);
	prep_clear(&own);
	if (rc) {
		related_lists_free(out);
		return error_set(err, NULL, "out of memory applying the policy");
	}
	return 0;
}
