/*
 * rank: exact cosine top-N by accumulation over posting lists.
 *
 * Cost is the sum over a story's terms of their posting-list lengths, so
 * in all the sum over terms of df^2; the model leaves out terms below
 * min_df, which have no neighbours anyway. A story's candidates are kept in
 * a min-heap of size depth keyed by (score, -index), so ties resolve to the
 * lower index, which is the lower id.
 */
#include "rank.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "progress.h"

#define CHUNK 32

/* The inverted index rank reads: term t's stories are doc[start[t] ..
 * start[t + 1]) with their weights. Either the model's own postings
 * (a loaded model has them: borrowed, not copied) or built here; built for
 * the approximate mode, it holds only the terms that mode may query (lists
 * of at most max_postings stories), not the common terms it never reads
 * (measured on synthetic 100k: 39% of the nonzeros are in terms of more
 * than 5,000 stories; a larger share as the archive grows past the bound).
 * len[t] is the full list's length either way, which decides whether the
 * approximate mode queries t. */
struct postings {
	const uint64_t *start; /* [n_terms + 1] */
	const uint32_t *doc;
	const float *weight;
	const uint32_t *len;   /* [n_terms], or NULL: start[t + 1] - start[t] */
	void *owned[4];        /* what rank_all() allocated */
};

static uint64_t posting_len(const struct postings *p, uint32_t t)
{
	return p->len ? p->len[t] : p->start[t + 1] - p->start[t];
}

struct rank_job {
	const struct model *m;
	const struct postings *p;
	const uint32_t *lang;
	const uint32_t *order; /* NULL, or the stories first + [0, count) in the order worked on */
	const unsigned char *exact_doc; /* RANK_BY_COST: [n_docs], 1 for a story ranked exactly */
	const struct rank_options *o;
	struct rank_lists *out;
	atomic_size_t *next;
	size_t first, count; /* stories first + [0, count), or o->docs[0, count) */
	int failed;
};

int rank_neighbor_cmp(const void *a, const void *b)
{
	const struct neighbor *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

/* True when a ranks below b (lower score, or equal score and higher index). */
static int worse(struct neighbor a, struct neighbor b)
{
	return a.score < b.score || (a.score == b.score && a.doc > b.doc);
}

static void heap_sift_down(struct neighbor *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && worse(h[l], h[m]))
			m = l;
		if (r < n && worse(h[r], h[m]))
			m = r;
		if (m == i)
			return;
		struct neighbor t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static inline void heap_push(struct neighbor *h, size_t *n, size_t cap, struct neighbor x)
{
	size_t i;

	if (*n == cap) {
		if (!worse(h[0], x))
			return;
		h[0] = x;
		heap_sift_down(h, *n, 0);
		return;
	}
	i = (*n)++;
	h[i] = x;
	while (i && worse(h[i], h[(i - 1) / 2])) {
		struct neighbor t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

void rank_heap_push(struct neighbor *h, size_t *n, size_t cap, struct neighbor x)
{
	heap_push(h, n, cap, x);
}

/* Moves the k best of a[0, n) (by score, then lower index; indexes are
 * distinct, so the k best are one set) to a[0, k), in no particular order:
 * quickselect, linear on average, where pushing n items through a heap of k
 * cost a sift for most of them. */
static void select_best(struct neighbor *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n;

	/* [0, lo) ranks above [lo, n); [hi, n) ranks below [0, hi) */
	while (lo < k && k < hi) {
		size_t mid = lo + (hi - lo) / 2, store = lo;
		struct neighbor t, pivot;
		/* median of three, moved to hi - 1 */
		if (worse(a[mid], a[lo])) {
			t = a[mid]; a[mid] = a[lo]; a[lo] = t;
		}
		if (worse(a[hi - 1], a[lo])) {
			t = a[hi - 1]; a[hi - 1] = a[lo]; a[lo] = t;
		}
		if (worse(a[mid], a[hi - 1])) {
			t = a[mid]; a[mid] = a[hi - 1]; a[hi - 1] = t;
		}
		pivot = a[hi - 1];
		for (size_t i = lo; i < hi - 1; i++)
			if (worse(pivot, a[i])) {
				t = a[i]; a[i] = a[store]; a[store++] = t;
			}
		a[hi - 1] = a[store];
		a[store] = pivot;
		if (store == k)
			return;
		if (store < k)
			lo = store + 1;
		else
			hi = store;
	}
}

/* Candidates are visited in the pool's order, at random places in the
 * model: their rows are fetched this many candidates ahead. */
enum { PREFETCH_AHEAD = 4, PREFETCH_LATENT_AHEAD = 12 };

/* Asks for the latent row of story x ahead of its use. */
static void prefetch_latent(const struct model *m, uint32_t x)
{
	const char *b = (const char *)(m->latent + (size_t)x * m->latent_dim);

	for (size_t off = 0; off < m->latent_dim * sizeof(float); off += 64)
		__builtin_prefetch(b + off);
}

/* Replaces each candidate's TF-IDF score by (1-w) tfidf + w latent. */
static void blend_scores(const struct model *m, float w, uint32_t d,
			 struct neighbor *c, size_t n)
{
	const float *a = m->latent + (size_t)d * m->latent_dim;

	for (size_t i = 0; i < n && i < PREFETCH_LATENT_AHEAD; i++)
		prefetch_latent(m, c[i].doc);
	for (size_t i = 0; i < n; i++) {
		const float *b = m->latent + (size_t)c[i].doc * m->latent_dim;
		if (i + PREFETCH_LATENT_AHEAD < n)
			prefetch_latent(m, c[i + PREFETCH_LATENT_AHEAD].doc);
		c[i].score = (1.0f - w) * c[i].score + w * model_latent_dot(a, b, m->latent_dim);
	}
}

/* The approximate pool is the best `candidates` of every story the query
 * touched (hundreds of thousands at a million stories). A histogram of the
 * partial scores, kept as they are gathered, finds the bucket the last of
 * them falls in; only the candidates from that bucket up go on to the
 * quickselect, which then works on a few hundred instead of every touched
 * story (a fifth of the ranking time at 1M). Buckets are the top 11 bits of
 * the float's pattern, which for positive floats orders as the value does:
 * the exponent and 3 bits of mantissa, 8 buckets per octave. */
enum { SCORE_BUCKETS = 2048 };

static inline uint32_t score_bucket(float s)
{
	uint32_t bits;

	memcpy(&bits, &s, sizeof bits);
	return bits >> 20; /* s > 0: sign bit clear, so < 2048 */
}

/* Moves the candidates of the buckets holding the k best to the front of
 * c[0, n) and returns how many they are (>= k); clears the histogram. */
static size_t keep_top_buckets(struct neighbor *c, size_t n, size_t k, uint32_t *hist)
{
	size_t above = 0, kept = 0;
	uint32_t b = SCORE_BUCKETS;

	while (b > 0 && above < k)
		above += hist[--b];
	for (size_t i = 0; i < n; i++)
		if (score_bucket(c[i].score) >= b)
			c[kept++] = c[i];
	memset(hist, 0, SCORE_BUCKETS * sizeof *hist);
	return kept;
}

/* Per-thread scratch space. */
struct worker {
	float *acc;          /* [n_docs], zero between stories */
	uint32_t *touched;   /* [n_docs] */
	struct neighbor *heap;
	size_t cap;          /* heap capacity */
	struct neighbor *cand; /* [n_docs] the sweep's sums; approximate mode:
				  the partial-score candidates */
	uint32_t *hist;      /* approximate mode: [SCORE_BUCKETS], zero between stories */
	struct neighbor *terms; /* approximate mode: (term, weight) of the story */
	struct neighbor *resid; /* approximate mode: the story's (term, weight) */
	float *dense;        /* approximate mode: [n_terms], the story's row */
};

/* Re-scoring a candidate walks its whole row against the story's weights
 * scattered into a dense array (branch-free) unless the row is this many
 * times longer than the story's: then it looks each of the story's terms
 * up in it (a short story against a post of thousands of terms). */
enum { LOOKUP_RATIO = 8 };

/* The first position in col[k, e) holding a term >= t, or e: doubling
 * steps from k, then bisection. */
static uint64_t gallop(const uint32_t *col, uint64_t k, uint64_t e, uint32_t t)
{
	uint64_t lo, hi, step = 1;

	if (k >= e || col[k] >= t)
		return k;
	lo = k; /* col[lo] < t */
	while (lo + step < e && col[lo + step] < t) {
		lo += step;
		step *= 2;
	}
	hi = lo + step < e ? lo + step : e; /* col[hi] >= t, or hi == e */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (col[mid] < t)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* The cosine of the story (its nu (term, weight) in w->resid, ascending,
 * and scattered in w->dense) with story x: summed in term order either way
 * (a walk of x's row adds zero products for its other terms, which changes
 * no sum), the order exact mode adds the same products in, so both modes
 * give the same float for a pair. */
static float rescore(const struct model *m, const struct worker *w, size_t nu, uint32_t x)
{
	uint64_t k = m->row[x], e = m->row[x + 1];
	float s = 0.0f;

	if (!nu)
		return 0.0f;
	if (e - k <= LOOKUP_RATIO * (uint64_t)nu) {
		for (; k < e; k++)
			s += w->dense[m->col[k]] * m->val[k];
		return s;
	}
	for (size_t j = 0; j < nu && k < e; j++) {
		k = gallop(m->col, k, e, w->resid[j].doc);
		if (k < e && m->col[k] == w->resid[j].doc)
			s += w->resid[j].score * m->val[k];
	}
	return s;
}

/* job->lang is NULL when no pair of stories can differ in language (one
 * language in all, or --any-language): the test is then two compares, not
 * a load from a table of every story for each of the up to hundreds of
 * thousands of stories a query touches (at 1M stories, a quarter of the
 * ranking time went to that load). */
static inline int admissible(const struct rank_job *job, uint32_t d, uint32_t o, float s)
{
	uint32_t a, b;

	if (o == d || s <= 0.0f)
		return 0;
	if (!job->lang)
		return 1;
	a = job->lang[d];
	b = job->lang[o];
	return !a || !b || a == b;
}

/* Sums go into a dense accumulator of one float per story. When a story's
 * query adds many postings against the archive's size, they are added
 * without a test and the whole accumulator is swept after (sequential and
 * branch-light); when few, each story's first posting lists it in
 * `touched`, and only those are visited. Both visit each story's sum in
 * the same state, and the sets kept below never depend on the order
 * stories are visited in (every key is distinct), so the lists are the
 * same either way. Swept from half a posting per story of the archive on
 * (exact mode, realistic 20k, -j 1: always swept 5.99 s, never 7.38 s). */
static int sweep_all(const struct model *m, uint64_t postings)
{
	return 2 * postings >= m->n_docs;
}

/* Adds wt times term t's posting weights to w->acc. */
static inline void add_dense(const struct postings *p, struct worker *w, uint32_t t, float wt)
{
	for (uint64_t k = p->start[t]; k < p->start[t + 1]; k++)
		w->acc[p->doc[k]] += wt * p->weight[k];
}

/* The same, listing in w->touched (nt so far) each story whose sum
 * becomes positive; returns the new count. Weights are >= 0, so a sum
 * that became positive never returns to 0; zero products must not mark a
 * story. */
static inline size_t add_sparse(const struct postings *p, struct worker *w, uint32_t t,
				float wt, size_t nt)
{
	for (uint64_t k = p->start[t]; k < p->start[t + 1]; k++) {
		uint32_t o = p->doc[k];
		float x = wt * p->weight[k];
		if (x == 0.0f)
			continue;
		if (w->acc[o] == 0.0f)
			w->touched[nt++] = o;
		w->acc[o] += x;
	}
	return nt;
}

/* Moves the nonzero sums out of w->acc (zeroing it) into w->cand[0,
 * returned count) as (story, sum), in story order: the dense sweep. */
static size_t sweep(const struct model *m, struct worker *w)
{
	size_t n = 0;

	for (uint32_t o = 0; o < m->n_docs; o++) {
		float s = w->acc[o];
		if (s != 0.0f) {
			w->acc[o] = 0.0f;
			w->cand[n++] = (struct neighbor){ o, s };
		}
	}
	return n;
}

/* Exact: accumulate over every posting of every term of the story. */
static size_t candidates_exact(const struct rank_job *job, struct worker *w, uint32_t d)
{
	const struct model *m = job->m;
	const struct postings *p = job->p;
	size_t nt = 0, nh = 0;
	uint64_t total = 0;

	for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++)
		total += p->start[m->col[i] + 1] - p->start[m->col[i]];
	if (sweep_all(m, total)) {
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++)
			add_dense(p, w, m->col[i], m->val[i]);
		nt = sweep(m, w);
		for (size_t i = 0; i < nt; i++)
			if (admissible(job, d, w->cand[i].doc, w->cand[i].score))
				heap_push(w->heap, &nh, w->cap, w->cand[i]);
		return nh;
	}
	for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++)
		nt = add_sparse(p, w, m->col[i], m->val[i], nt);
	for (size_t i = 0; i < nt; i++) {
		uint32_t o = w->touched[i];
		float s = w->acc[o];
		w->acc[o] = 0.0f;
		if (admissible(job, d, o, s))
			heap_push(w->heap, &nh, w->cap, (struct neighbor){ o, s });
	}
	return nh;
}

/* True when re-scoring the nc candidates costs more (in multiply-adds,
 * as rescore() walks or looks up) than a latent dot each and re-scoring
 * two fifths of them. */
static int preselect_saves(const struct model *m, uint32_t d, const struct neighbor *c, size_t nc)
{
	uint64_t len = m->row[d + 1] - m->row[d], all = 0;

	for (size_t i = 0; i < nc; i++) {
		uint64_t l = m->row[c[i].doc + 1] - m->row[c[i].doc];
		all += l <= LOOKUP_RATIO * len ? l : LOOKUP_RATIO * len;
	}
	return (double)nc * m->latent_dim + 0.4 * (double)all < (double)all;
}

/* Approximate: accumulate over the story's heaviest `query_terms` terms
 * whose posting lists are at most `max_postings` long, keep the best
 * `candidates` stories by that partial score, then score those exactly. */
static size_t candidates_approx(const struct rank_job *job, struct worker *w, uint32_t d)
{
	const struct model *m = job->m;
	const struct postings *p = job->p;
	const struct rank_options *o = job->o;
	size_t n = 0, nt = 0, nc = 0, nh = 0, nu = 0;
	uint64_t total = 0;

	for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
		uint32_t t = m->col[i];
		if (posting_len(p, t) <= o->max_postings)
			w->terms[n++] = (struct neighbor){ t, m->val[i] };
	}
	if (n > o->query_terms) {
		select_best(w->terms, n, o->query_terms);
		n = o->query_terms;
	}
	/* heaviest first: the order the partial scores are summed in */
	qsort(w->terms, n, sizeof *w->terms, rank_neighbor_cmp);
	for (size_t i = 0; i < n; i++)
		total += p->start[w->terms[i].doc + 1] - p->start[w->terms[i].doc];
	if (sweep_all(m, total)) {
		for (size_t i = 0; i < n; i++)
			add_dense(p, w, w->terms[i].doc, w->terms[i].score);
		nt = sweep(m, w);
		for (size_t i = 0; i < nt; i++)
			if (admissible(job, d, w->cand[i].doc, w->cand[i].score)) {
				w->cand[nc++] = w->cand[i];
				w->hist[score_bucket(w->cand[i].score)]++;
			}
	} else {
		for (size_t i = 0; i < n; i++)
			nt = add_sparse(p, w, w->terms[i].doc, w->terms[i].score, nt);
		for (size_t i = 0; i < nt; i++) {
			uint32_t x = w->touched[i];
			float s = w->acc[x];
			w->acc[x] = 0.0f;
			if (admissible(job, d, x, s)) {
				w->cand[nc++] = (struct neighbor){ x, s };
				w->hist[score_bucket(s)]++;
			}
		}
	}
	if (nc > o->candidates) {
		nc = keep_top_buckets(w->cand, nc, o->candidates, w->hist);
		select_best(w->cand, nc, o->candidates);
		nc = o->candidates;
	} else if (nc) {
		memset(w->hist, 0, SCORE_BUCKETS * sizeof *w->hist);
	}
	/* With the semantic blend, the pool is deeper than what is re-scored:
	 * the two fifths whose partial score blended with the latent cosine is
	 * highest go on, when that saves work: when re-scoring the pool costs
	 * more than a latent dot per candidate plus re-scoring two fifths of
	 * it (long stories: a latent dot of ~100 floats costs a fraction of a
	 * sparse re-scoring). Short stories are re-scored cheaply, and for
	 * them the partial score leaves out the common terms that make much
	 * of their weight, so a choice by it misses what the exact mode lists. */
	if (job->o->semantic > 0.0f && m->latent_dim && nc > o->candidates * 2 / 5 &&
	    preselect_saves(m, d, w->cand, nc)) {
		blend_scores(m, o->semantic, d, w->cand, nc);
		select_best(w->cand, nc, o->candidates * 2 / 5);
		nc = o->candidates * 2 / 5;
	}
	/* Exact re-scoring, against the story's row */
	for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
		w->dense[m->col[i]] = m->val[i];
		w->resid[nu++] = (struct neighbor){ m->col[i], m->val[i] };
	}
	for (size_t i = 0; i < nc; i++) {
		uint32_t x = w->cand[i].doc;
		if (i + PREFETCH_AHEAD < nc) {
			uint64_t r = m->row[w->cand[i + PREFETCH_AHEAD].doc];
			__builtin_prefetch(m->col + r);
			__builtin_prefetch(m->val + r);
		}
		heap_push(w->heap, &nh, w->cap, (struct neighbor){ x, rescore(m, w, nu, x) });
	}
	for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++)
		w->dense[m->col[i]] = 0.0f;
	return nh;
}

/* RANK_BY_COST: each story goes the way predicted to cost it less, in
 * rough nanoseconds on one core (fitted to per-story timings of both
 * modes on a realistic 20k archive, -j 1): exact accumulation adds every
 * posting of the story's terms and pushes each story touched through the
 * heap; the approximate mode adds the postings of its query terms, then
 * re-scores a pool of candidates, each a row fetched at a random place and
 * walked (or the story's terms looked up in it; LOOKUP_RATIO). Short stories
 * made of common terms are cheaper exact (their pool costs more than their
 * postings) and are also where partial scores miss most; long stories with
 * rare terms go approximate. The choice depends on the model only, so the
 * lists do not depend on the thread count. */
static double cost_exact(uint64_t postings, uint32_t n_docs)
{
	return 1.1 * (double)postings + 4.6 * (double)(postings < n_docs ? postings : n_docs);
}

static double cost_approx(uint64_t postings, double rescore)
{
	return 11.4 * (double)postings + rescore;
}

/* The re-scoring part of cost_approx() for story d: the pool (the
 * candidates, or every other story when fewer) times a row of the archive's
 * mean length, or of LOOKUP_RATIO times the story's when shorter. */
static double cost_rescore(const struct model *m, const struct rank_options *o, uint32_t d)
{
	double pool = o->candidates < m->n_docs ? (double)o->candidates : (double)m->n_docs - 1;
	double mean = m->n_docs ? (double)m->nnz / m->n_docs : 0.0;
	double lookup = (double)LOOKUP_RATIO * (double)(m->row[d + 1] - m->row[d]);

	return pool * (120.0 + 1.9 * (mean < lookup ? mean : lookup));
}

/* 1 when story d is predicted cheaper ranked exactly. terms: scratch of
 * [n_terms + 1]. The query terms are those candidates_approx() takes; the
 * two early answers only skip that selection where the approximate cost is
 * bounded either way (it grows with the query's postings, which lie
 * between 0 and those of every queryable term), so they change no
 * answer. */
static int exact_cheaper(const struct model *m, const struct postings *p,
			 const struct rank_options *o, uint32_t d, struct neighbor *terms)
{
	uint64_t all = 0, queryable = 0, query = 0;
	size_t n = 0;
	double rescore = cost_rescore(m, o, d), exact;

	for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
		uint64_t l = posting_len(p, m->col[i]);
		all += l;
		if (l <= o->max_postings) {
			terms[n++] = (struct neighbor){ m->col[i], m->val[i] };
			queryable += l;
		}
	}
	exact = cost_exact(all, m->n_docs);
	if (exact <= cost_approx(0, rescore))
		return 1;
	if (exact > cost_approx(queryable, rescore))
		return 0;
	if (n > o->query_terms) {
		select_best(terms, n, o->query_terms);
		n = o->query_terms;
	}
	for (size_t i = 0; i < n; i++)
		query += posting_len(p, terms[i].doc);
	return exact <= cost_approx(query, rescore);
}

/* The stories the job ranks, one at a time: o->docs, else first + [0, count). */
static uint32_t job_story(const struct rank_options *o, size_t first, size_t k)
{
	return (uint32_t)(o->docs ? o->docs[k] : first + k);
}

/* RANK_BY_COST: exact_doc[d] for each story ranked (malloc'd, [n_docs]),
 * and in `keep` (when not NULL) each term an exact story holds. */
static unsigned char *plan_stories(const struct model *m, const struct postings *p,
				   const struct rank_options *o, size_t first, size_t count,
				   unsigned char *keep)
{
	unsigned char *exact = calloc(m->n_docs ? m->n_docs : 1, 1);
	struct neighbor *terms = malloc(((size_t)m->n_terms + 1) * sizeof *terms);

	if (!exact || !terms) {
		free(exact);
		free(terms);
		return NULL;
	}
	for (size_t k = 0; k < count; k++) {
		uint32_t d = job_story(o, first, k);
		exact[d] = (unsigned char)exact_cheaper(m, p, o, d, terms);
		if (exact[d] && keep)
			for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++)
				keep[m->col[i]] = 1;
	}
	free(terms);
	return exact;
}

static void *rank_worker(void *arg)
{
	struct rank_job *job = arg;
	const struct model *m = job->m;
	size_t depth = job->o->depth, n = m->n_docs ? m->n_docs : 1;
	int blend = job->o->semantic > 0.0f && m->latent_dim > 0;
	int approx = job->o->approximate;
	struct worker w = { 0 };

	w.cap = blend && job->o->rerank > depth ? job->o->rerank : depth;
	w.heap = malloc((w.cap ? w.cap : 1) * sizeof *w.heap);
	w.acc = calloc(n, sizeof *w.acc);
	w.touched = malloc(n * sizeof *w.touched);
	w.cand = malloc(n * sizeof *w.cand);
	if (approx) {
		w.hist = calloc(SCORE_BUCKETS, sizeof *w.hist);
		w.terms = malloc(((size_t)m->n_terms + 1) * sizeof *w.terms);
		w.resid = malloc(((size_t)m->n_terms + 1) * sizeof *w.resid);
		w.dense = calloc((size_t)m->n_terms + 1, sizeof *w.dense);
	}
	if (!w.acc || !w.touched || !w.heap || !w.cand ||
	    (approx && ( !w.hist || !w.terms || !w.resid || !w.dense))) {
		job->failed = 1;
		goto done;
	}
	for (;;) {
		size_t begin = atomic_fetch_add(job->next, CHUNK);
		size_t end = begin + CHUNK;
		if (begin >= job->count || (job->o->stop && *job->o->stop))
			break;
		if (end > job->count)
			end = job->count;
		for (size_t k = begin; k < end; k++) {
			size_t d = job->o->docs ? job->o->docs[k]
				   : job->order ? job->order[k] : job->first + k;
			int approx_d = approx && !(job->exact_doc && job->exact_doc[d]);
			size_t nh = approx_d ? candidates_approx(job, &w, (uint32_t)d)
					     : candidates_exact(job, &w, (uint32_t)d);
			if (blend)
				blend_scores(m, job->o->semantic, (uint32_t)d, w.heap, nh);
			qsort(w.heap, nh, sizeof *w.heap, rank_neighbor_cmp);
			if (nh > depth)
				nh = depth;
			memcpy(job->out->items + d * depth, w.heap, nh * sizeof *w.heap);
			job->out->count[d] = (uint32_t)nh;
		}
		progress_add(end - begin);
	}
done:
	free(w.acc);
	free(w.touched);
	free(w.heap);
	free(w.cand);
	free(w.hist);
	free(w.terms);
	free(w.resid);
	free(w.dense);
	return NULL;
}

/* The length of every term's posting list, in p->len (owned[1]). */
static int count_postings(const struct model *m, struct postings *p)
{
	uint32_t *len = calloc((size_t)m->n_terms + 1, sizeof *len);

	p->owned[1] = len;
	if (!len)
		return -1;
	for (uint64_t i = 0; i < m->nnz; i++)
		len[m->col[i]]++;
	p->len = len;
	return 0;
}

/* Builds the postings of m's rows (p->len counted): of every term, or, with
 * `keep`, only of the terms it marks (the others get empty lists and keep
 * their true length in len). */
static int fill_postings(const struct model *m, const unsigned char *keep, struct postings *p)
{
	uint64_t *start, *fill;
	uint32_t *doc;
	float *weight;
	uint64_t kept = 0;

	start = calloc((size_t)m->n_terms + 1, sizeof *start);
	fill = malloc(((size_t)m->n_terms + 1) * sizeof *fill);
	p->owned[0] = start;
	if (!start || !fill) {
		free(fill);
		return -1;
	}
	for (uint32_t t = 0; t < m->n_terms; t++)
		start[t + 1] = start[t] + (keep && !keep[t] ? 0 : p->len[t]);
	kept = start[m->n_terms];
	doc = malloc((kept ? kept : 1) * sizeof *doc);
	weight = malloc((kept ? kept : 1) * sizeof *weight);
	p->owned[2] = doc;
	p->owned[3] = weight;
	if (!doc || !weight) {
		free(fill);
		return -1;
	}
	memcpy(fill, start, ((size_t)m->n_terms + 1) * sizeof *fill);
	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
			uint32_t t = m->col[i];
			if (fill[t] == start[t + 1])
				continue; /* a term left out */
			doc[fill[t]] = d;
			weight[fill[t]++] = m->val[i];
		}
	free(fill);
	p->start = start;
	p->doc = doc;
	p->weight = weight;
	return 0;
}

/* The model's postings when it has them, else built: of every term for
 * the exact mode; for the others, of the terms the approximate mode may
 * query (lists of at most max_postings stories) and, by cost, the terms of
 * the stories planned exact. *exact_doc gets the plan (RANK_BY_COST; else
 * NULL). */
static int get_postings(const struct model *m, const struct rank_options *o, size_t first,
			size_t count, struct postings *p, unsigned char **exact_doc)
{
	unsigned char *keep = NULL;
	int rc;

	memset(p, 0, sizeof *p);
	*exact_doc = NULL;
	if (m->post_start) {
		p->start = m->post_start;
		p->doc = m->post_doc;
		p->weight = m->post_weight;
		if (o->approximate == RANK_BY_COST &&
		    !(*exact_doc = plan_stories(m, p, o, first, count, NULL)))
			return -1;
		return 0;
	}
	if (count_postings(m, p))
		return -1;
	if (o->approximate == RANK_EXACT)
		return fill_postings(m, NULL, p);
	if (!(keep = calloc((size_t)m->n_terms + 1, 1)))
		return -1;
	for (uint32_t t = 0; t < m->n_terms; t++)
		keep[t] = p->len[t] <= o->max_postings;
	if (o->approximate == RANK_BY_COST &&
	    !(*exact_doc = plan_stories(m, p, o, first, count, keep))) {
		free(keep);
		return -1;
	}
	rc = fill_postings(m, keep, p);
	free(keep);
	return rc;
}

/* A working order of stories first + [0, count) in which consecutive
 * stories tend to be alike, so that the rows their candidates share are
 * still in cache: by the latent dimension of largest magnitude (and its
 * sign), else by the story's heaviest term; ties by index. The lists do
 * not depend on it. */
static int cmp_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static uint32_t *work_order(const struct model *m, size_t first, size_t count)
{
	uint64_t *key = malloc((count ? count : 1) * sizeof *key);
	uint32_t *order = malloc((count ? count : 1) * sizeof *order);

	if (!key || !order) {
		free(key);
		free(order);
		return NULL;
	}
	for (size_t k = 0; k < count; k++) {
		size_t d = first + k;
		uint64_t bucket = 0;
		if (m->latent_dim) {
			const float *v = m->latent + d * m->latent_dim;
			float best = -1.0f;
			for (uint32_t j = 0; j < m->latent_dim; j++) {
				float a = v[j] < 0 ? -v[j] : v[j];
				if (a > best) {
					best = a;
					bucket = 2 * (uint64_t)j + (v[j] < 0);
				}
			}
		} else {
			float best = -1.0f;
			for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++)
				if (m->val[i] > best) {
					best = m->val[i];
					bucket = m->col[i];
				}
		}
		key[k] = bucket << 32 | (uint64_t)d;
	}
	qsort(key, count, sizeof *key, cmp_key);
	for (size_t k = 0; k < count; k++)
		order[k] = (uint32_t)key[k];
	free(key);
	return order;
}

/* Small integer per language (0 = unknown), for a cheap comparison. */
static uint32_t *language_ids(const struct model *m)
{
	uint32_t *ids = malloc((m->n_docs ? m->n_docs : 1) * sizeof *ids);
	struct strmap langs;

	if (!ids)
		return NULL;
	strmap_init(&langs);
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const char *l = model_doc(m, d, MODEL_LANG);
		int64_t id = l && *l ? strmap_intern(&langs, l, strlen(l)) : -1;
		ids[d] = id < 0 ? 0 : (uint32_t)id + 1;
	}
	strmap_free(&langs);
	return ids;
}

/* True when two of the language ids differ, unknown (0) aside. */
static int several_languages(const uint32_t *lang, uint32_t n)
{
	uint32_t seen = 0;

	for (uint32_t d = 0; d < n; d++) {
		if (!lang[d])
			continue;
		if (seen && lang[d] != seen)
			return 1;
		seen = lang[d];
	}
	return 0;
}

void rank_options_approximate(struct rank_options *o, const struct model *m)
{
	/* 60 rather than 40 query terms, with two fifths of the pool re-scored
	 * instead of half: the same time, recall@10 against --exact 0.9903 ->
	 * 0.9925 at synthetic 40k (better partial scores matter more than a
	 * deeper re-scoring). */
	o->query_terms = 60;
	/* A tenth of the stories, between 1,000 and 5,000 postings: a bound
	 * that grew with the archive made each story's query cost grow with
	 * it too (quadratic in all; measured at 1M stories). */
	o->max_postings = m->n_docs / 10;
	if (o->max_postings < 1000)
		o->max_postings = 1000;
	if (o->max_postings > 5000)
		o->max_postings = 5000;
	/* Exact re-scoring of twice the list's depth keeps recall@10 of the
	 * TF-IDF lists at 0.999 (synthetic 40k). The semantic blend re-ranks
	 * the `rerank` best and can lift a story from deep in them, where
	 * partial scores are least sure: there the pool is four times as deep
	 * and its best two fifths by partial score blended with the latent
	 * cosine are re-scored (see candidates_approx). */
	o->candidates = (o->semantic > 0.0f && m->latent_dim ? 4 : 2) *
			(o->depth > o->rerank ? o->depth : o->rerank);
	if (o->candidates < 100)
		o->candidates = 100;
}

void rank_lists_free(struct rank_lists *l)
{
	free(l->items);
	free(l->count);
	memset(l, 0, sizeof *l);
}

int rank_all(const struct model *m, const struct rank_options *o,
	     struct rank_lists *out, struct error *err)
{
	struct postings p = { 0 };
	struct rank_job *jobs = NULL;
	pthread_t *threads = NULL;
	uint32_t *lang = NULL, *order = NULL;
	unsigned char *exact_doc = NULL;
	atomic_size_t next = 0;
	int njobs = o->jobs < 1 ? 1 : o->jobs, failed = 0, started = 0;
	size_t first = 0, count = m->n_docs;

	memset(out, 0, sizeof *out);
	if (o->docs) {
		for (size_t i = 0; i < o->n_list; i++)
			if (o->docs[i] >= m->n_docs)
				return error_set(err, NULL, "story %u out of range", o->docs[i]);
		count = o->n_list;
	} else if (o->begin || o->end) {
		if (o->begin > o->end || o->end > m->n_docs)
			return error_set(err, NULL, "stories %zu to %zu out of range (%u stories)",
					 o->begin, o->end, m->n_docs);
		first = o->begin;
		count = o->end - o->begin;
	}
	out->depth = o->depth ? o->depth : 1;
	out->n_docs = m->n_docs;
	if (m->n_docs && out->depth > SIZE_MAX / sizeof *out->items / m->n_docs)
		return error_set(err, NULL, "too many candidates requested");
	out->items = malloc((m->n_docs ? m->n_docs : 1) * out->depth * sizeof *out->items);
	out->count = calloc(m->n_docs ? m->n_docs : 1, sizeof *out->count);
	lang = language_ids(m);
	jobs = calloc((size_t)njobs, sizeof *jobs);
	threads = calloc((size_t)njobs, sizeof *threads);
	if (!out->items || !out->count || !lang || !jobs || !threads ||
	    get_postings(m, o, first, count, &p, &exact_doc)) {
		failed = 1;
		goto done;
	}
	if (!o->docs && !(order = work_order(m, first, count))) {
		failed = 1;
		goto done;
	}
	for (int j = 0; j < njobs; j++) {
		jobs[j] = (struct rank_job){ m, &p, o->same_lang && several_languages(lang, m->n_docs)
						    ? lang : NULL,
					     order, exact_doc, o, out, &next, first, count, 0 };
		if (pthread_create(&threads[j], NULL, rank_worker, &jobs[j])) {
			failed = 1;
			break;
		}
		started++;
	}
	for (int j = 0; j < started; j++) {
		pthread_join(threads[j], NULL);
		failed |= jobs[j].failed;
	}
	if (!started)
		failed = 1;
done:
	for (size_t i = 0; i < sizeof p.owned / sizeof p.owned[0]; i++)
		free(p.owned[i]);
	free(lang);
	free(order);
	free(exact_doc);
	free(jobs);
	free(threads);
	if (!failed && o->stop && *o->stop) {
		rank_lists_free(out);
		return error_set(err, NULL, "interrupted");
	}
	if (failed) {
		rank_lists_free(out);
		return error_set(err, NULL, "out of memory or threads while ranking");
	}
	return 0;
}

int rank_dup_neighbours(const struct model *m, const struct rank_lists *cand, size_t begin,
			size_t end, float threshold, uint32_t **out, size_t *n_out)
{
	float *dense = calloc((size_t)m->n_terms + 1, sizeof *dense);
	unsigned char *mark = calloc(m->n_docs ? m->n_docs : 1, 1);
	size_t n = 0;

	*out = NULL;
	*n_out = 0;
	if (!dense || !mark) {
		free(dense);
		free(mark);
		return -1;
	}
	for (size_t d = begin; d < end; d++) {
		const struct neighbor *c = cand->items + d * cand->depth;
		for (uint32_t i = 0; i < cand->count[d]; i++) {
			uint32_t a = c[i].doc;
			for (uint64_t k = m->row[a]; k < m->row[a + 1]; k++)
				dense[m->col[k]] = m->val[k];
			for (uint32_t j = i + 1; j < cand->count[d]; j++) {
				uint32_t x = c[j].doc;
				float s = 0.0f;
				for (uint64_t k = m->row[x]; k < m->row[x + 1]; k++)
					s += dense[m->col[k]] * m->val[k];
				/* a little below the threshold: float sums may be
				 * taken in another order by the policy */
				if (s >= threshold - 1e-4f) {
					mark[a] = mark[x] = 1;
				}
			}
			for (uint64_t k = m->row[a]; k < m->row[a + 1]; k++)
				dense[m->col[k]] = 0.0f;
		}
	}
	free(dense);
	for (uint32_t d = 0; d < m->n_docs; d++)
		n += mark[d] && (d < begin || d >= end);
	*out = malloc((n ? n : 1) * sizeof **out);
	if (!*out) {
		free(mark);
		return -1;
	}
	n = 0;
	for (uint32_t d = 0; d < m->n_docs; d++)
		if (mark[d] && (d < begin || d >= end))
			(*out)[n++] = d;
	free(mark);
	*n_out = n;
	return 0;
}
