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

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "hash.h"
#include "postings.h"
#include "progress.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define CHUNK 32

/* Every term's full list length, also of the terms whose postings were
 * not built: it decides whether the approximate mode queries a term. */
static uint64_t posting_len(const struct postings *p, uint32_t t)
{
	return p->len[t];
}

/* Near-duplicates ranked from a twin's pool (RANK_BY_COST; see
 * plan_twins()): story d's representative is rep[d], d itself for a story
 * ranked on its own; representative r's members are first[r], then
 * next[] of each, ascending, TWIN_NONE after the last. A representative
 * with members is ranked exactly and keeps its best k candidates (more
 * than its list) for them. */
#define TWIN_NONE UINT32_MAX

struct twins {
	uint32_t *rep, *first, *next; /* [n_docs] each */
	float *maxw;                  /* [n_terms] each term's largest weight */
	size_t k;
};

/* Stories ranked exactly whose pairs are summed once (candidates_mirrored()):
 * story d's bin is slot[d] (MIRROR_NONE for the other stories); the other
 * stories before the last mirrored one are below_story[0, n_below),
 * ascending, and term t's postings of them [below[t], below[t + 1]) of
 * below_doc (a story's place in below_story) and below_wt. Each
 * thread j keeps for every mirrored story a bin (bins[j], bin_n[j]: room
 * for 2 cap; offer()) of the sums offered it that may be among its best
 * cap; bar[o] ([n_docs], shared: +inf for the stories not mirrored) is
 * a score that cap sums offered o or o's own reach, so a sum below it
 * cannot be among o's best: any thread may raise it (bar_of(), raise_bar()). */
#define MIRROR_NONE UINT32_MAX

struct mirror {
	uint32_t *slot;
	uint32_t *docs; /* [n] the mirrored stories */
	size_t n, cap;
	int jobs;
	uint64_t *below;
	uint32_t *below_doc;
	float *below_wt;
	uint32_t *below_story;
	size_t n_below;
	uint64_t *base;  /* [n] where slot s's row starts in rank_in and below_in */
	uint32_t *rank_in, *below_in; /* of each term t of each mirrored story d, in
					 its row's order: the stories before d that
					 hold t, and those of them in below */
	struct neighbor **bins;
	uint32_t **bin_n;
	_Atomic float *bar;
};

static inline float bar_of(const struct mirror *mr, uint32_t o)
{
	return atomic_load_explicit(&mr->bar[o], memory_order_relaxed);
}

/* Raises o's bar to x: two threads may race, and either value is a bar. */
static inline void raise_bar(const struct mirror *mr, uint32_t o, float x)
{
	if (x > bar_of(mr, o))
		atomic_store_explicit(&mr->bar[o], x, memory_order_relaxed);
}

struct rank_job {
	const struct model *m;
	const struct postings *p;
	const uint32_t *lang;
	const uint32_t *order; /* NULL, or the stories first + [0, count) in the order worked on */
	const unsigned char *exact_doc; /* RANK_BY_COST: [n_docs], 1 for a story ranked exactly */
	const struct twins *tw; /* NULL, or near-duplicates ranked from a twin's pool */
	const struct mirror *mr; /* NULL, or stories whose pairs are summed once */
	int j;                   /* the job's index: its bins in mr */
	const struct rank_options *o;
	struct rank_lists *out;
	atomic_size_t *next;
	size_t first, count; /* stories first + [0, count), or o->docs[0, count) */
	int failed;
	size_t shared, fell_back; /* stories ranked from a twin's pool, and those
				     whose pool was not proved to hold their list */
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
 * model: their rows are fetched this many candidates ahead, and where a
 * row starts (m->row, 8 MB at a million stories: itself a miss) this many
 * before that. */
enum { PREFETCH_AHEAD = 4, PREFETCH_ROW_AHEAD = 16, PREFETCH_LATENT_AHEAD = 12 };

/* Asks for the latent row of story x ahead of its use. */
static void prefetch_latent(const struct model *m, uint32_t x)
{
	const char *b = (const char *)(m->latent + (size_t)x * m->latent_dim);

	for (size_t off = 0; off < m->latent_dim * sizeof(float); off += 64)
		__builtin_prefetch(b + off);
}

/* blend_scores() is compiled for AVX2 and the baseline on x86-64, and the
 * loader picks one (as semantic.c's products): the latent dots' eight
 * lanes in one register instead of two. Both give the same bits: each lane
 * is multiplied and added on its own, and C17 mode does not contract
 * a * b + c into FMA. */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define BLEND_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef BLEND_CLONES
#define BLEND_CLONES
#endif

/* Replaces each candidate's TF-IDF score by (1-w) tfidf + w latent. */
BLEND_CLONES static void blend_scores(const struct model *m, float w, uint32_t d,
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

/* The lowest bucket b such that hist's buckets from b up hold at least k
 * counts, or 0. Four empty buckets are passed at once: sums of unit rows
 * stay under 1, so the top half of the buckets is empty (on real text
 * 68 M of the run's instructions went to walking them, callgrind). */
static uint32_t top_bucket(const uint32_t *hist, size_t k)
{
	size_t above = 0;
	uint32_t b = SCORE_BUCKETS;

	while (b > 0 && above < k) {
		if (b >= 4 && !(hist[b - 1] | hist[b - 2] | hist[b - 3] | hist[b - 4])) {
			b -= 4;
			continue;
		}
		above += hist[--b];
	}
	return b;
}

/* Moves the candidates of the buckets holding the k best to the front of
 * c[0, n) and returns how many they are (>= k); clears the histogram. */
static size_t keep_top_buckets(struct neighbor *c, size_t n, size_t k, uint32_t *hist)
{
	size_t kept = 0;
	uint32_t b = top_bucket(hist, k);

	/* without a branch: which candidates pass is as good as random */
	for (size_t i = 0; i < n; i++) {
		struct neighbor x = c[i];
		c[kept] = x;
		kept += score_bucket(x.score) >= b;
	}
	memset(hist, 0, SCORE_BUCKETS * sizeof *hist);
	return kept;
}

/* Per-thread scratch space. */
struct worker {
	float *acc;          /* [n_docs], zero between stories */
	uint32_t *touched;   /* [n_docs + 1] (accumulate() writes one past its count) */
	uint64_t *cur;       /* [n_terms + 1] gather()'s cursor per query term */
	uint64_t *seen;      /* [POSTINGS_BLOCK / 64] gather()'s stories reached, zero between blocks */
	struct neighbor *heap;
	size_t cap;          /* heap capacity */
	struct neighbor *cand; /* [n_docs] the sweep's sums; approximate mode:
				  the partial-score candidates */
	uint32_t *hist;      /* [SCORE_BUCKETS], zero between stories */
	uint32_t *ghist;     /* [SCORE_BUCKETS] collect_dense()'s scratch, zero */
	struct neighbor *terms; /* [n_terms + 1] the story's query: (term, weight) */
	struct neighbor *resid; /* approximate mode: the story's (term, weight) */
	float *dense;        /* approximate mode: [n_terms], the story's row */
	uint64_t *held;      /* approximate mode, above RESCORE_BITS_FROM terms: a bit
				per term, set for the story's; else NULL */
	struct neighbor *pool; /* twins: [k] a representative's best, best first */
	size_t npool;
	unsigned char *mark; /* twins: [n_docs], zero between stories */
	float *sa;           /* twins: [n_docs] a representative's sums, zero between groups */
	uint32_t *sa_list;   /* twins: the stories whose sum is nonzero */
	size_t nsa;
	float *ratio;        /* twins: [n_terms] scratch of twin_fit() */
	float *bsum;         /* mirror: [mr->n_below] the sums of mr->below's stories,
				zero between stories */
	struct neighbor *bins; /* mirror: this thread's (mr->bins[j], ...) */
	uint32_t *bin_n;
};

/* Re-scoring a candidate walks its whole row against the story's weights
 * scattered into a dense array (branch-free) unless the row is this many
 * times longer than the story's: then it looks each of the story's terms
 * up in it (a short story against a post of thousands of terms). */
enum { LOOKUP_RATIO = 8 };

/* The first position in col[k, e) holding a term >= t, or e: doubling
 * steps from k, then bisection. col: a run of one block's term_lo. */
static uint64_t gallop(const uint16_t *col, uint64_t k, uint64_t e, uint32_t t)
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

/* Story d's (term, weight) pairs into out, ascending; returns how many. */
static size_t row_pairs(const struct model *m, uint32_t d, struct neighbor *out)
{
	const uint32_t *end = m->block_end + (size_t)d * m->n_blocks;
	const uint16_t *lo = m->term_lo + m->row[d];
	const float *val = m->val + m->row[d];
	size_t i = 0;

	for (uint32_t k = 0; k < m->n_blocks; k++)
		for (size_t e = end[k], base = (size_t)k << MODEL_BLOCK_BITS; i < e; i++)
			out[i] = (struct neighbor){ base | lo[i], val[i] };
	return i;
}

/* Scatters story d's row into w->dense, w->held (when kept) and w->resid
 * (for rescore()); returns its length. */
static size_t load_story(const struct model *m, struct worker *w, uint32_t d)
{
	size_t nu = row_pairs(m, d, w->resid);

	for (size_t i = 0; i < nu; i++) {
		uint32_t t = w->resid[i].doc;
		w->dense[t] = w->resid[i].score;
		if (w->held)
			w->held[t >> 6] |= (uint64_t)1 << (t & 63);
	}
	return nu;
}

static void unload_story(struct worker *w, size_t nu)
{
	for (size_t i = 0; i < nu; i++) {
		w->dense[w->resid[i].doc] = 0.0f;
		if (w->held)
			w->held[w->resid[i].doc >> 6] = 0;
	}
}

/* Below this many terms, a walk of a candidate's row reads the story's
 * weight of every term it meets, zero for the terms the story lacks (a
 * product of zero changes no sum, and a sum begun at +0 is never -0: the
 * same float); from it on, it first looks the term up in w->held, a bit
 * per term. The reads without a test have no branch to mispredict (which
 * of a candidate's terms the story holds is as good as random) and won
 * where measured: rank CPU at -j 1, realistic 20,000 (49,635 terms, 200 KB
 * of weights) 3.57-3.60 -> 3.35-3.43 s, synthetic 20,000 (185,280 terms,
 * 740 KB) 5.72-5.81 -> 4.68-5.30 s (a loaded machine). The bits stay for
 * larger vocabularies, whose weights outgrow a core's 1 MB second-level
 * cache, not measured. */
enum { RESCORE_BITS_FROM = 1 << 18 };

/* The cosine of the story (its nu (term, weight) in w->resid, ascending,
 * and scattered in w->dense and w->held) with story x: summed in term
 * order either way, the order exact mode adds the same products in, so
 * both modes give the same float for a pair. A walk of x's row reads the
 * story's weight of each term, or, with w->held (RESCORE_BITS_FROM), looks
 * each term up in it first, a bit per term of the model (32 KB at 2^18
 * terms: in the core's first-level cache, where w->dense, 1 MB, is not),
 * and reads the weight only for the few terms the story holds: the other
 * products are zeros, which change no sum. */
static float rescore(const struct model *m, const struct worker *w, size_t nu, uint32_t x)
{
	uint64_t k = 0, e = 0;
	uint32_t run = UINT32_MAX;
	float s = 0.0f;

	if (!nu)
		return 0.0f;
	if (m->row[x + 1] - m->row[x] <= LOOKUP_RATIO * (uint64_t)nu) {
		const uint32_t *end = m->block_end + (size_t)x * m->n_blocks;
		const uint16_t *restrict lo = m->term_lo + m->row[x];
		const float *restrict val = m->val + m->row[x], *restrict dense = w->dense;
		const uint64_t *restrict held = w->held;
		size_t i = 0;
		if (!held)
			return model_row_dot(m, x, dense);
		for (uint32_t b = 0; b < m->n_blocks; b++)
			for (size_t stop = end[b], base = (size_t)b << MODEL_BLOCK_BITS; i < stop; i++) {
				uint32_t t = base | lo[i];
				if (held[t >> 6] >> (t & 63) & 1)
					s += dense[t] * val[i];
			}
		return s;
	}
	/* the story's terms, ascending, looked up in x's run of their block */
	for (size_t j = 0; j < nu; j++) {
		uint32_t t = w->resid[j].doc, lo = t & (MODEL_BLOCK_TERMS - 1);
		if (t >> MODEL_BLOCK_BITS != run) {
			run = t >> MODEL_BLOCK_BITS;
			k = model_run_begin(m, x, run);
			e = model_run_end(m, x, run);
		}
		k = gallop(m->term_lo, k, e, lo);
		if (k < e && m->term_lo[k] == lo)
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

/* A representative's sums (candidates_rep()) go into a dense array of one
 * float per story. When its query adds many postings against the
 * archive's size, they are added without a test and the whole array is
 * swept after (sequential and branch-light); when few, each story's first
 * posting lists it in `touched`, and only those are visited. Both visit
 * each story's sum in the same state, and the sets kept below never depend
 * on the order stories are visited in (every key is distinct), so the
 * lists are the same either way. Swept from half a posting per story of
 * the archive on (exact mode, realistic 20k, -j 1: always swept 5.99 s,
 * never 7.38 s). Other stories' sums go through gather(). */
static int sweep_all(const struct model *m, uint64_t postings)
{
	return 2 * postings >= m->n_docs;
}

/* Moves the best w->cap of the nc candidates in w->cand (their score
 * buckets counted in w->hist) to w->heap, in no order, and returns how
 * many; clears the histogram. The histogram leaves the few candidates of
 * the top buckets to a quickselect, where pushing each story touched
 * through the heap cost a comparison and, for hundreds of them per story,
 * a sift (exact mode on real text: 15-19% of the run's samples in
 * heap_sift_down). Keys are distinct, so the set is the heap's. */
static size_t keep_best(struct worker *w, size_t nc)
{
	if (nc > w->cap) {
		nc = keep_top_buckets(w->cand, nc, w->cap, w->hist);
		select_best(w->cand, nc, w->cap);
		nc = w->cap;
	} else if (nc) {
		memset(w->hist, 0, SCORE_BUCKETS * sizeof *w->hist);
	}
	memcpy(w->heap, w->cand, nc * sizeof *w->heap);
	return nc;
}

/* gather() fills the accumulator a block of POSTINGS_BLOCK stories at a
 * time: every query term's postings in the block (each list is in story
 * order, so a cursor per term moves through it once, to the block's end
 * the postings' block table gives), then the block's sums are collected, then the next
 * block; the sums being collected are still in the core's cache. Each
 * story's sum gets its products in the query's term order, so every sum
 * is the same float. The stories a block's postings reach are marked in a
 * bit per story (8 KB a block) rather than listed on their first touch,
 * which needed a test of each sum loaded (a branch the predictor loses or,
 * without it, each posting's slot depending on the sum before). At a
 * million stories (recommend -j 1 on a 5,000-story shard, perf samples):
 * the accumulation took 40 % fewer samples than main's; with the blocks'
 * ends found by bisection instead of the cursor's stop it took as many as
 * main's (a chain of misses per term and block); blocks of 2^14, 2^16 and
 * 2^18 stories: 3,657, 2,983 and 2,859 samples (a loaded machine). The
 * block of 2^16 stories is also what lets a posting name its story in 16
 * bits (postings.h). */

/* The next lists' first postings are asked for this many terms ahead:
 * each list starts at a random place of the postings, and the short lists
 * the approximate mode queries are over before the hardware's prefetcher
 * has caught up with them. */
enum { PREFETCH_LIST_AHEAD = 2 };

/* Adds the postings [k, e) of one list, of weight wt[j] for posting k + j
 * (floats) or code[k + j] * x (codes: wt NULL), times q, into acc (the
 * block's), marking each story reached in seen unless dense. */
static inline void add_list(float *restrict acc, uint64_t *restrict seen,
			    const uint16_t *restrict off, const float *restrict wt,
			    const uint16_t *restrict code, float q, uint64_t k, uint64_t e,
			    int dense)
{
	if (wt && dense) {
		/* four at a time: one list names each story once */
		for (; k + 4 <= e; k += 4, wt += 4) {
			acc[off[k]] += q * wt[0];
			acc[off[k + 1]] += q * wt[1];
			acc[off[k + 2]] += q * wt[2];
			acc[off[k + 3]] += q * wt[3];
		}
		for (; k < e; k++)
			acc[off[k]] += q * *wt++;
	} else if (wt) {
		for (; k < e; k++) {
			uint32_t o = off[k];
			acc[o] += q * *wt++;
			seen[o >> 6] |= (uint64_t)1 << (o & 63);
		}
	} else if (dense) {
		for (; k < e; k++)
			acc[off[k]] += q * (float)code[k];
	} else {
		for (; k < e; k++) {
			uint32_t o = off[k];
			acc[o] += q * (float)code[k];
			seen[o >> 6] |= (uint64_t)1 << (o & 63);
		}
	}
}

/* Adds block b of the n (term, weight) of q's postings into sums (w->acc,
 * or a representative's w->sa), from
 * each term's cursor in w->cur (left at the next block's first posting),
 * marking each story reached in w->seen (bit: its offset in the block)
 * unless dense: then the caller sweeps the block's sums (sweep_all()).
 * With `codes`, the postings' 16-bit codes stand for their weights (the
 * approximate mode's partial scores), else their floats (exact sums).
 * Each list's part in the block is known from the block table
 * (postings.h), so the loops compare no story with the block's end, and
 * the lists are read through local pointers the stores into acc cannot be
 * taken to change (12 instructions a posting became 8 on real text, exact,
 * callgrind, when the last block alone ran that way); the same products
 * added in the same order. */
static void add_block(const struct postings *p, struct worker *w, float *sums,
		      const struct neighbor *q, size_t n, uint32_t b, int dense, int codes)
{
	float *acc = sums + ((size_t)b << POSTINGS_BLOCK_BITS);
	uint64_t *cur = w->cur;

	for (size_t i = 0; i < n; i++) {
		uint32_t t = q[i].doc;
		uint64_t k = cur[i], e = postings_block_start(p, t, b + 1);
		if (i + PREFETCH_LIST_AHEAD < n) {
			uint64_t a = cur[i + PREFETCH_LIST_AHEAD];
			__builtin_prefetch(p->off + a);
			if (codes)
				__builtin_prefetch(p->code + a);
			else
				__builtin_prefetch(p->weight +
						   (a + (uint64_t)p->wshift[q[i + PREFETCH_LIST_AHEAD].doc]));
		}
		if (codes)
			add_list(acc, w->seen, p->off, NULL, p->code, q[i].score * p->scale[t], k, e,
				 dense);
		else
			add_list(acc, w->seen, p->off, p->weight + (k + (uint64_t)p->wshift[t]), NULL,
				 q[i].score, k, e, dense);
		cur[i] = e;
	}
}

/* Offers mirrored story o the sum x (the caller found x.score >=
 * o's bar): appended to this thread's bin of o, which holds room for
 * twice its cap; a full bin keeps its best cap (quickselect), and its
 * bar rises to the worst of them: a sum below it cannot be among o's
 * best. Pushing each offer through a heap of cap cost a sift for most
 * (real text: 400 M instructions, a fifth of the ranking). */
static inline void offer(const struct mirror *mr, struct worker *w, uint32_t o,
			 struct neighbor x)
{
	uint32_t slot = mr->slot[o];
	struct neighbor *bin = w->bins + (size_t)slot * 2 * mr->cap;

	if (w->bin_n[slot] == 2 * mr->cap) {
		float worst = INFINITY;
		select_best(bin, 2 * mr->cap, mr->cap);
		for (size_t i = 0; i < mr->cap; i++)
			worst = bin[i].score < worst ? bin[i].score : worst;
		w->bin_n[slot] = (uint32_t)mr->cap;
		raise_bar(mr, o, worst);
		if (x.score < worst)
			return;
	}
	bin[w->bin_n[slot]++] = x;
}

/* Moves sum s of story o out of the accumulator into w->cand (at *nc) when
 * o is admissible for d (a zero sum is not), counting its score bucket;
 * with mr (a mirrored pass), offers it to o when it reaches o's bar. */
static inline void collect(const struct rank_job *job, struct worker *w, uint32_t d,
			   uint32_t o, size_t *nc, const struct mirror *mr)
{
	float s = w->acc[o];

	w->acc[o] = 0.0f;
	if (admissible(job, d, o, s)) {
		w->hist[score_bucket(s)]++;
		w->cand[(*nc)++] = (struct neighbor){ o, s };
		if (mr && s >= bar_of(mr, o))
			offer(mr, w, o, (struct neighbor){ d, s });
	}
}

/* collect() of the stories marked in w->seen, block [lo, hi); clears the bits. */
static inline size_t collect_seen(const struct rank_job *job, struct worker *w, uint32_t d,
				  uint64_t lo, uint64_t hi, size_t nc, const struct mirror *mr)
{
	for (uint64_t j = 0; j < (hi - lo + 63) / 64; j++) {
		uint64_t bits = w->seen[j];
		w->seen[j] = 0;
		for (; bits; bits &= bits - 1)
			collect(job, w, d, (uint32_t)(lo + 64 * j + (uint64_t)__builtin_ctzll(bits)),
				&nc, mr);
	}
	return nc;
}

/* Whether story o's sum s is admissible for the story whose language is
 * ld (lang NULL: any language), o not being that story: admissible()'s
 * test with d's language read once. */
static inline uint32_t admissible_sum(const uint32_t *lang, uint32_t ld, uint32_t o, float s)
{
	uint32_t ok = !(s <= 0.0f); /* a NaN passes, as in admissible() */

	if (lang)
		ok &= !lang[o] | (lang[o] == ld);
	return ok;
}

/* A swept block's sums are read four at a time (GCC's vector extension:
 * SSE2 on x86-64's baseline). */
typedef float sum_lanes __attribute__((vector_size(16)));
typedef int32_t sum_masks __attribute__((vector_size(16)));
typedef uint32_t lang_lanes __attribute__((vector_size(16)));
enum { SWEEP_LANES = 4, SWEEP_GROUP = 16 };

static inline sum_lanes load_lanes(const float *x)
{
	sum_lanes v;

	memcpy(&v, x, sizeof v);
	return v;
}

/* Bit i set for each lane i of m that is true (all ones). */
static inline unsigned lane_bits(sum_masks m)
{
#if defined(__SSE2__)
	return (unsigned)_mm_movemask_ps((__m128)m);
#else
	return (unsigned)((m[0] & 1) | (m[1] & 2) | (m[2] & 4) | (m[3] & 8));
#endif
}

/* The larger of a and b lane by lane (b's where a is a NaN), and the
 * smaller (b's where either is a NaN). */
static inline sum_lanes max_lanes(sum_lanes a, sum_lanes b)
{
#if defined(__SSE2__)
	return (sum_lanes)_mm_max_ps((__m128)a, (__m128)b);
#else
	sum_masks gt = a > b;

	return (sum_lanes)(((sum_masks)a & gt) | ((sum_masks)b & ~gt));
#endif
}

static inline sum_lanes min_lanes(sum_lanes a, sum_lanes b)
{
#if defined(__SSE2__)
	return (sum_lanes)_mm_min_ps((__m128)a, (__m128)b);
#else
	sum_masks lt = a < b;

	return (sum_lanes)(((sum_masks)a & lt) | ((sum_masks)b & ~lt));
#endif
}

/* acc[o, o + 4) with the sums of stories of another language than ld
 * (lang, ld as admissible_sum()'s) as +0. */
static inline sum_lanes same_language_lanes(const float *acc, const uint32_t *lang, uint32_t ld,
					    uint64_t o)
{
	sum_lanes s = load_lanes(acc + o);
	lang_lanes l, none = { 0, 0, 0, 0 }, own = { ld, ld, ld, ld };

	if (!lang)
		return s;
	memcpy(&l, lang + o, sizeof l);
	return (sum_lanes)((sum_masks)s & ((l == none) | (l == own)));
}

/* A sum v that at least `keep` admissible sums of acc[lo, hi) reach (0
 * when that cannot be told): the least sum of the score bucket (as
 * score_bucket()) that holds the keep-th largest of the groups' largest
 * admissible sums, each one story's sum, so that keep groups give keep
 * stories at or above it. A group is one lane of SWEEP_GROUP / SWEEP_LANES
 * sums (every SWEEP_LANES-th story of a span of SWEEP_GROUP), so each
 * span gives SWEEP_LANES maxima at the cost of one. ghist: SCORE_BUCKETS
 * counters, zero, left zero. */
static inline float sweep_floor(const float *acc, const uint32_t *lang, uint32_t ld,
				uint64_t lo, uint64_t hi, size_t keep, uint32_t *ghist)
{
	sum_lanes top = { 0 };
	size_t above = 0;
	uint32_t b, t;
	float v;

	for (uint64_t o = lo; o + SWEEP_GROUP <= hi; o += SWEEP_GROUP) {
		sum_lanes mx = { 0 };
		sum_masks x;
#pragma GCC unroll 4
		for (int c = 0; c < SWEEP_GROUP; c += SWEEP_LANES)
			mx = max_lanes(same_language_lanes(acc, lang, ld, o + c), mx);
		/* >= +0 (a NaN never replaces a lane): its bits order as it does */
		x = (sum_masks)mx >> 20;
		for (int j = 0; j < SWEEP_LANES; j++)
			ghist[x[j]]++;
		top = max_lanes(mx, top);
	}
	t = score_bucket(top[0] > top[1] ? top[0] : top[1]);
	b = score_bucket(top[2] > top[3] ? top[2] : top[3]);
	t = b > t ? b : t;
	/* down from the largest's bucket; bucket 0's least sum is +0 */
	for (b = t;; b--) {
		above += ghist[b];
		if (above >= keep || !b)
			break;
	}
	memset(ghist, 0, (t + 1) * sizeof *ghist);
	b <<= 20; /* the bucket's least float */
	memcpy(&v, &b, sizeof v);
	return v;
}

/* Stories o..o+3's bars (mr's; a sum below o's cannot be among o's best). */
static inline sum_lanes bar_lanes(const struct mirror *mr, uint64_t o)
{
	const _Atomic float *b = mr->bar + o;

	return (sum_lanes){ atomic_load_explicit(b, memory_order_relaxed),
			    atomic_load_explicit(b + 1, memory_order_relaxed),
			    atomic_load_explicit(b + 2, memory_order_relaxed),
			    atomic_load_explicit(b + 3, memory_order_relaxed) };
}

/* Story o's sum s (a swept block's), when admissible (lang, ld as
 * admissible_sum()'s): appended to w->cand (at *nc) with its score bucket
 * counted in w->hist when it reaches v, and with mr offered to o when it
 * reaches o's bar. */
static inline void collect_sum(struct worker *w, uint32_t d, uint32_t o, float s, float v,
			       size_t *nc, const struct mirror *mr, const uint32_t *lang,
			       uint32_t ld)
{
	if (!admissible_sum(lang, ld, o, s))
		return;
	if (s >= v) {
		w->hist[score_bucket(s) & (SCORE_BUCKETS - 1)]++;
		w->cand[(*nc)++] = (struct neighbor){ o, s };
	}
	if (mr && s >= bar_of(mr, o))
		offer(mr, w, o, (struct neighbor){ d, s });
}

/* Moves the sums of stories [lo, hi) (a block swept whole) out of the
 * accumulator and appends to w->cand (from nc) the admissible ones the
 * caller's keep_top_buckets() for `keep` could keep, their score buckets
 * counted in w->hist; with mr (a mirrored pass) offers each story the sum
 * that reaches its bar. Returns the new count. A first pass takes the
 * largest sum of each group of stories, and from them a floor that at
 * least `keep` sums reach (sweep_floor()); a second pass tests the sums
 * four at a time against the floor (and the bars) and looks at a sum
 * alone only where one passes. keep_top_buckets() then keeps from the
 * bucket it would with every admissible sum counted (the buckets from
 * the floor's up hold the same counts, keep or more), and select_best()
 * the same set. On real text a story's sweep reaches nearly every story:
 * counting every sum's bucket first and then testing each against the
 * floor and its bar took 43 instructions a story swept (callgrind, -j 2),
 * against 7 a posting added. The sums are finite (of finite weights): a
 * NaN would pass no test here. */
/* Which of the SWEEP_GROUP sums acc[o, ...) are positive and reach the
 * floor, or with mr their story's bar (a bit each). */
static inline unsigned group_hits(const float *acc, uint64_t o, sum_lanes floor,
				  const struct mirror *mr)
{
	sum_lanes zero = { 0 };
	unsigned bits = 0;

#pragma GCC unroll 4
	for (int c = 0; c < SWEEP_GROUP; c += SWEEP_LANES) {
		sum_lanes s = load_lanes(acc + o + c), t = floor;
		if (mr)
			t = min_lanes(bar_lanes(mr, o + c), t);
		bits |= lane_bits((s >= t) & (s > zero)) << c;
	}
	return bits;
}

static size_t collect_dense(const struct rank_job *job, struct worker *w, uint32_t d,
			    uint64_t lo, uint64_t hi, size_t nc, size_t keep,
			    const struct mirror *mr)
{
	float *acc = w->acc;
	const uint32_t *lang = job->lang && job->lang[d] ? job->lang : NULL;
	uint32_t ld = lang ? lang[d] : 0;
	float v;
	sum_lanes floor;
	uint64_t o = lo;

	if (d >= lo && d < hi)
		acc[d] = 0.0f;
	v = sweep_floor(acc, lang, ld, lo, hi, keep, w->ghist);
	floor = (sum_lanes){ v, v, v, v };
	for (; o + SWEEP_GROUP <= hi; o += SWEEP_GROUP) {
		unsigned bits = mr ? group_hits(acc, o, floor, mr) : group_hits(acc, o, floor, NULL);
		for (; bits; bits &= bits - 1) {
			uint32_t x = (uint32_t)o + (uint32_t)__builtin_ctz(bits);
			collect_sum(w, d, x, acc[x], v, &nc, mr, lang, ld);
		}
		memset(acc + o, 0, SWEEP_GROUP * sizeof *acc);
	}
	for (; o < hi; o++) {
		if (acc[o] > 0.0f)
			collect_sum(w, d, (uint32_t)o, acc[o], v, &nc, mr, lang, ld);
		acc[o] = 0.0f;
	}
	return nc;
}

/* Story d's sums over the n (term, weight) of q, the admissible ones into
 * w->cand in story order, with their score buckets counted in w->hist;
 * returns their number. The caller keeps the `keep` best of them by
 * keep_top_buckets(): a swept block leaves out those it would not keep
 * (collect_dense()). */
static size_t gather(const struct rank_job *job, struct worker *w, uint32_t d,
		     const struct neighbor *q, size_t n, int codes, size_t keep)
{
	const struct model *m = job->m;
	const struct postings *p = job->p;
	size_t nc = 0;
	uint64_t total = 0;
	int dense;

	for (size_t i = 0; i < n; i++) {
		w->cur[i] = p->start[q[i].doc];
		total += p->start[q[i].doc + 1] - p->start[q[i].doc];
	}
	dense = sweep_all(m, total);
	for (uint32_t b = 0; b < p->n_blocks; b++) {
		uint64_t lo = (uint64_t)b << POSTINGS_BLOCK_BITS;
		uint64_t hi = lo + POSTINGS_BLOCK < m->n_docs ? lo + POSTINGS_BLOCK : m->n_docs;
		add_block(p, w, w->acc, q, n, b, dense, codes);
		if (dense) {
			nc = collect_dense(job, w, d, lo, hi, nc, keep, NULL);
			continue;
		}
		nc = collect_seen(job, w, d, lo, hi, nc, NULL);
	}
	return nc;
}

/* Adds mirrored story d's postings of the stories before it that are not
 * mirrored (mr->below; the n (term, weight) of q, its row's from `at` in
 * mr->below_in) into w->bsum, four at a time: one list names each story
 * once. */
static void add_below(const struct mirror *mr, struct worker *w, const struct neighbor *q,
		      size_t n, uint64_t at)
{
	const uint32_t *restrict doc = mr->below_doc;
	const float *restrict wt = mr->below_wt;
	float *restrict sum = w->bsum;

	for (size_t i = 0; i < n; i++) {
		uint64_t k = mr->below[q[i].doc], e = k + mr->below_in[at + i];
		float x = q[i].score;
		for (; k + 4 <= e; k += 4) {
			sum[doc[k]] += x * wt[k];
			sum[doc[k + 1]] += x * wt[k + 1];
			sum[doc[k + 2]] += x * wt[k + 2];
			sum[doc[k + 3]] += x * wt[k + 3];
		}
		for (; k < e; k++)
			sum[doc[k]] += x * wt[k];
	}
}

/* collect() of the sums add_below() left in w->bsum for mirrored story d:
 * those of the stories not mirrored before d, the first d less the
 * mirrored ones before it (slots go in story order); clears them. Those
 * stories are not mirrored, so none is offered a sum. */
static size_t collect_below(const struct rank_job *job, struct worker *w, uint32_t d,
			    size_t nc)
{
	const struct mirror *mr = job->mr;

	for (size_t i = 0, before = (size_t)d - mr->slot[d]; i < before; i++) {
		float s = w->bsum[i];
		uint32_t o = mr->below_story[i];
		if (s == 0.0f)
			continue;
		w->bsum[i] = 0.0f;
		if (admissible(job, d, o, s)) {
			w->hist[score_bucket(s) & (SCORE_BUCKETS - 1)]++;
			w->cand[nc++] = (struct neighbor){ o, s };
		}
	}
	return nc;
}

/* Puts story d's own best nh (w->heap) in its bin; when the bin is empty
 * (the stories before d, which offer it their sums, mostly come after it:
 * mirrored_first()), its bar rises at once to the worst of them if they
 * fill the pool. */
static void keep_own(const struct mirror *mr, struct worker *w, uint32_t d, size_t nh)
{
	uint32_t slot = mr->slot[d];
	float worst = INFINITY;

	if (w->bin_n[slot]) {
		for (size_t i = 0; i < nh; i++)
			if (w->heap[i].score >= bar_of(mr, d))
				offer(mr, w, d, w->heap[i]);
		return;
	}
	memcpy(w->bins + (size_t)slot * 2 * mr->cap, w->heap, nh * sizeof *w->heap);
	w->bin_n[slot] = (uint32_t)nh;
	for (size_t i = 0; i < nh; i++)
		worst = w->heap[i].score < worst ? w->heap[i].score : worst;
	if (nh == mr->cap)
		raise_bar(mr, d, worst);
}

/* Mirrored story d's pass (ranked exactly, as candidates_exact(), the
 * same sums): the exact mode sums a pair (d, o) in both stories' passes,
 * the same products in the same term order, so the same float. Here d's
 * pass adds only the postings of the stories after d, and of the stories
 * before it that are not mirrored (mr->below); a mirrored story o before
 * d summed (o, d) in its pass and offered it to d's bin, and d's pass
 * offers each story after it its sum. d's own best go to its bin; the
 * lists are made from the bins once every pass is done
 * (finish_mirrored()). Each bin keeps the best of what it was offered,
 * and keys are distinct, so the lists are candidates_exact()'s whatever
 * the order and the threads. On real text, where nearly every story is
 * ranked exactly, that adds about half the postings. */
static void candidates_mirrored(const struct rank_job *job, struct worker *w, uint32_t d)
{
	const struct model *m = job->m;
	const struct postings *p = job->p;
	const struct mirror *mr = job->mr;
	const struct neighbor *q = w->terms;
	size_t n = row_pairs(m, d, w->terms), nc = 0, nh;
	uint32_t bd = d >> POSTINGS_BLOCK_BITS;
	uint64_t above = 0, at = mr->base[mr->slot[d]];
	int dense;

	for (size_t i = 0; i < n; i++) {
		uint32_t t = q[i].doc;
		w->cur[i] = p->start[t] + mr->rank_in[at + i] + 1;
		above += p->start[t + 1] - w->cur[i];
	}
	/* the stories before d not mirrored: their own dense sums, not d's
	 * accumulator marked a story at a time (real text: 8.3 M postings
	 * there, 16 instructions each marked, callgrind) */
	add_below(mr, w, q, n, at);
	nc = collect_below(job, w, d, nc);
	/* the stories after d swept or marked as sweep_all() says for their
	 * postings */
	dense = sweep_all(m, above);
	for (uint32_t b = bd; b < p->n_blocks; b++) {
		uint64_t lo = (uint64_t)b << POSTINGS_BLOCK_BITS;
		uint64_t hi = lo + POSTINGS_BLOCK < m->n_docs ? lo + POSTINGS_BLOCK : m->n_docs;
		add_block(p, w, w->acc, q, n, b, dense, 0);
		if (dense)
			nc = collect_dense(job, w, d, b == bd ? d + 1 : lo, hi, nc, w->cap, mr);
		else
			nc = collect_seen(job, w, d, lo, hi, nc, mr);
	}
	nh = keep_best(w, nc);
	keep_own(mr, w, d, nh);
}

/* Exact: accumulate over every posting of every term of the story. */
static size_t candidates_exact(const struct rank_job *job, struct worker *w, uint32_t d)
{
	size_t n = row_pairs(job->m, d, w->terms);

	return keep_best(w, gather(job, w, d, w->terms, n, 0, w->cap));
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
	size_t n = 0, nq = 0, nc = 0, nh = 0, nu = 0;

	n = row_pairs(m, d, w->terms);
	for (size_t i = 0, all = n; i < all; i++)
		if (posting_len(p, w->terms[i].doc) <= o->max_postings)
			w->terms[nq++] = w->terms[i];
	n = nq;
	if (n > o->query_terms) {
		select_best(w->terms, n, o->query_terms);
		n = o->query_terms;
	}
	/* heaviest first: the order the partial scores are summed in */
	qsort(w->terms, n, sizeof *w->terms, rank_neighbor_cmp);
	nc = gather(job, w, d, w->terms, n, 1, o->candidates);
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
	nu = load_story(m, w, d);
	for (size_t i = 0; i < nc && i < PREFETCH_ROW_AHEAD; i++)
		__builtin_prefetch(m->row + w->cand[i].doc);
	for (size_t i = 0; i < nc; i++) {
		uint32_t x = w->cand[i].doc;
		if (i + PREFETCH_ROW_AHEAD < nc)
			__builtin_prefetch(m->row + w->cand[i + PREFETCH_ROW_AHEAD].doc);
		if (i + PREFETCH_AHEAD < nc) {
			uint64_t r = m->row[w->cand[i + PREFETCH_AHEAD].doc];
			__builtin_prefetch(m->term_lo + r);
			__builtin_prefetch(m->val + r);
		}
		heap_push(w->heap, &nh, w->cap, (struct neighbor){ x, rescore(m, w, nu, x) });
	}
	unload_story(w, nu);
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

	for (size_t i = 0, len = row_pairs(m, d, terms); i < len; i++) {
		uint64_t l = posting_len(p, terms[i].doc);
		all += l;
		if (l <= o->max_postings) {
			terms[n++] = terms[i];
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

/* The predicted costs of story d ranked exactly (*ce) and approximately
 * (*ca); terms: scratch as exact_cheaper()'s. */
static void story_costs(const struct model *m, const struct postings *p,
			const struct rank_options *o, uint32_t d, struct neighbor *terms,
			double *ce, double *ca)
{
	uint64_t all = 0, query = 0;
	size_t n = 0;

	for (size_t i = 0, len = row_pairs(m, d, terms); i < len; i++) {
		uint64_t l = posting_len(p, terms[i].doc);
		all += l;
		if (l <= o->max_postings)
			terms[n++] = terms[i];
	}
	if (n > o->query_terms) {
		select_best(terms, n, o->query_terms);
		n = o->query_terms;
	}
	for (size_t i = 0; i < n; i++)
		query += posting_len(p, terms[i].doc);
	*ce = cost_exact(all, m->n_docs);
	*ca = cost_approx(query, cost_rescore(m, o, d));
}

/* The stories the job ranks, one at a time: o->docs, else first + [0, count). */
static uint32_t job_story(const struct rank_options *o, size_t first, size_t k)
{
	return (uint32_t)(o->docs ? o->docs[k] : first + k);
}

/* keep[t] |= POSTINGS_FLOATS for each term t of story d. */
static void keep_row(const struct model *m, uint32_t d, unsigned char *keep)
{
	for (uint32_t k = 0; k < m->n_blocks; k++) {
		unsigned char *kk = keep + ((size_t)k << MODEL_BLOCK_BITS);
		for (uint64_t i = model_run_begin(m, d, k), e = model_run_end(m, d, k); i < e; i++)
			kk[m->term_lo[i]] |= POSTINGS_FLOATS;
	}
}

/* RANK_BY_COST: exact_doc[d] for each story ranked (malloc'd, [n_docs]),
 * each story on its own (exact_cheaper()). */
static unsigned char *plan_stories(const struct model *m, const struct postings *p,
				   const struct rank_options *o, size_t first, size_t count)
{
	unsigned char *exact = calloc(m->n_docs ? m->n_docs : 1, 1);
	struct neighbor *terms = malloc(((size_t)m->n_terms + 1) * sizeof *terms);

	if (exact && terms)
		for (size_t k = 0; k < count; k++) {
			uint32_t d = job_story(o, first, k);
			exact[d] = (unsigned char)exact_cheaper(m, p, o, d, terms);
		}
	else {
		free(exact);
		exact = NULL;
	}
	free(terms);
	return exact;
}

/* Near-duplicates (a wire story re-edited: about a third of the stories
 * of a real archive have one) are ranked once and shared. Stories whose
 * leads' signatures (analyze.h) agree on a band of slots are paired; a
 * story B paired with an earlier representative A is written
 * B = lambda A + r, lambda the median of B's weights over A's on the terms
 * both hold (a term whose count did not change keeps its weight up to the
 * norm). For every story c (weights >= 0, unit rows):
 *   s_B(c) = lambda s_A(c) + r . c <= lambda s_A(c) + r_D . c + eta,
 * D the positive residuals added over their postings, the negative ones
 * left out (they only lower a sum), and eta bounding the rest: the norm
 * of those of at most TWIN_RESIDUAL, and |r_t| times the term's largest
 * weight for those of the longest posting lists, within a budget.
 * A is ranked exactly; its sums stay (w->sa) and its best k candidates
 * (more than its list) are kept, the k-th scoring tau, so a story that is
 * neither among them nor in D's postings scores at most lambda tau + eta
 * for B. The others are re-scored exactly (rescore(): the float exact mode
 * gives) in the order of their upper bounds until none left can enter B's
 * list; if what it holds then beats lambda tau + eta, the list is B's
 * exact one, else B is ranked the way it was planned. The bounds carry
 * the floats' rounding (twin_slack()). A story whose row is A's bit for
 * bit has A's sums: its list is A's pool (candidates_copy()).
 *
 * Measured (realistic 20k, -j 1, a loaded machine; those archives have
 * 34% of their stories in clusters of re-edited copies): a member ranked
 * from its twin's pool took 160-210 us against 240-310 us for a story
 * ranked alone, and 14% of the members tried were not proved (ranked
 * again); with cost_twin()'s choice the run's CPU time does not change
 * (least of 7 runs: 4.25 s against 4.34 s without sharing) and recall@10
 * against --exact goes 0.9641 -> 0.9651. Where a story goes is decided
 * from the model alone, so the lists do not depend on the thread count. */
enum { TWIN_BANDS = 16, TWIN_BAND_SLOTS = 4, TWIN_BAND_PAIRS = 4 };
#define TWIN_RESIDUAL 1e-5f

struct twin_fit {
	float lambda;
	double eta;
	size_t nd;         /* terms in D */
	uint64_t postings; /* D's postings */
	uint64_t short_postings;
};

/* The k-th smallest of x[0, n) (k < n), reordering x. */
static float nth_float(float *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		float pivot = x[lo + (hi - lo) / 2], t;
		size_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				t = x[i]; x[i] = x[j]; x[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return x[k];
	}
	return x[k];
}

/* Orders (term, r) by the term's posting list, longest first, then term. */
static int cmp_longer(const void *x, const void *y, void *arg)
{
	const struct postings *p = arg;
	const struct neighbor *u = x, *v = y;
	uint64_t lu = posting_len(p, u->doc), lv = posting_len(p, v->doc);

	if (lu != lv)
		return lu > lv ? -1 : 1;
	return (u->doc > v->doc) - (u->doc < v->doc);
}

/* Fits story b on a: lambda, D into d[0, f->nd) as (term, r_t), and the
 * bound of the rest. A residual of at most TWIN_RESIDUAL goes to eta; of
 * the others, those of the longest posting lists are bounded instead of
 * added while the sum of |r_t| times the term's largest weight (maxw)
 * stays within `budget` (added to eta: |r_t c_t| <= |r_t| maxw[t]). ratio:
 * scratch of [n_terms]; d: of [n_terms]. f->short_postings: D's postings
 * with budget 0 and only terms of at most `short_len` postings counted. */
static void twin_fit(const struct model *m, const struct postings *p, const float *maxw,
		     uint32_t a, uint32_t b, double budget, uint64_t short_len, float *ratio,
		     struct neighbor *d, struct twin_fit *f)
{
	const uint16_t *lo = m->term_lo;
	size_t n = 0, nd = 0, i;
	double eta2 = 0.0, bounded = 0.0;

	for (uint32_t k = 0; k < m->n_blocks; k++) {
		uint64_t x = model_run_begin(m, a, k), xe = model_run_end(m, a, k);
		uint64_t y = model_run_begin(m, b, k), ye = model_run_end(m, b, k);
		while (x < xe && y < ye) {
			if (lo[x] == lo[y])
				ratio[n++] = m->val[y++] / m->val[x++];
			else if (lo[x] < lo[y])
				x++;
			else
				y++;
		}
	}
	memset(f, 0, sizeof *f);
	f->lambda = n ? nth_float(ratio, n, n / 2) : 0.0f;
	for (uint32_t k = 0; k < m->n_blocks; k++) {
		uint64_t x = model_run_begin(m, a, k), xe = model_run_end(m, a, k);
		uint64_t y = model_run_begin(m, b, k), ye = model_run_end(m, b, k);
		uint32_t base = k << MODEL_BLOCK_BITS;
		while (x < xe || y < ye) {
			uint32_t t;
			float r;
			if (y == ye || (x < xe && lo[x] < lo[y])) {
				t = base | lo[x];
				r = -f->lambda * m->val[x++];
			} else if (x == xe || lo[y] < lo[x]) {
				t = base | lo[y];
				r = m->val[y++];
			} else {
				t = base | lo[y];
				r = m->val[y++] - f->lambda * m->val[x++];
			}
			if (r <= 0.0f)
				continue; /* lowers every sum it enters: left out of the upper bounds */
			if (r <= TWIN_RESIDUAL) {
				eta2 += (double)r * r;
				continue;
			}
			d[nd++] = (struct neighbor){ t, r };
			if (posting_len(p, t) <= short_len)
				f->short_postings += posting_len(p, t);
		}
	}
	qsort_r(d, nd, sizeof *d, cmp_longer, (void *)(uintptr_t)p);
	for (i = 0; i < nd; i++) {
		double x = fabs((double)d[i].score) * maxw[d[i].doc];
		if (bounded + x > budget)
			break;
		bounded += x;
	}
	/* d[i, nd) are D, moved to the front */
	f->nd = nd - i;
	memmove(d, d + i, f->nd * sizeof *d);
	for (size_t k = 0; k < f->nd; k++)
		f->postings += posting_len(p, d[k].doc);
	f->eta = sqrt(eta2) + bounded;
}

/* What a bound may be off by through float rounding: each of the sums
 * (s_A, r_D . c, the exact re-scoring) adds at most its number of terms
 * times FLT_EPSILON of a sum of products whose total is at most about 1
 * (unit rows), lambda times for s_A; counted twice over. */
static float twin_slack(const struct model *m, uint32_t a, uint32_t b, const struct twin_fit *f)
{
	double n = (double)(m->row[a + 1] - m->row[a]) + (double)(m->row[b + 1] - m->row[b]) +
		   (double)f->nd + 8.0;

	return (float)(2.0 * n * FLT_EPSILON * (f->lambda > 1.0f ? f->lambda : 1.0f));
}

/* The cost (as cost_exact()) of ranking b from a's pool: D's postings
 * (`postings`) added, a's k candidates visited, and a pool of about 1.5
 * cap re-scored; twice that, as measured: members ranked from the pool
 * took about twice the time predicted (realistic 20k, -j 1, per story),
 * and with the factor 1 the run took 4.50 s of CPU against 4.34 s without
 * sharing, with 2 4.25 s (least of 7 runs each; a loaded machine). */
static double cost_twin(const struct model *m, uint64_t postings, size_t cap, size_t k,
			uint32_t a, uint32_t b)
{
	double mean = m->n_docs ? (double)m->nnz / m->n_docs : 0.0;
	double lookup = (double)LOOKUP_RATIO * (double)(m->row[b + 1] - m->row[b]);
	double fit = 20.0 * (double)(m->row[a + 1] - m->row[a] + m->row[b + 1] - m->row[b]);

	return 2.0 * (cost_exact(postings, m->n_docs) + 3.0 * (double)k + fit +
		      1.5 * (double)cap * (120.0 + 1.9 * (mean < lookup ? mean : lookup)));
}


/* Clears what candidates_twin() left in acc and mark. */
static void twin_clear(struct worker *w, size_t nt)
{
	for (size_t i = 0; i < nt; i++) {
		w->acc[w->touched[i]] = 0.0f;
		w->mark[w->touched[i]] = 0;
	}
}

/* Whether stories a and b have the same row, bit for bit. */
static int same_row(const struct model *m, uint32_t a, uint32_t b)
{
	uint64_t len = m->row[a + 1] - m->row[a];

	return m->row[b + 1] - m->row[b] == len &&
	       !memcmp(m->block_end + (size_t)a * m->n_blocks,
		       m->block_end + (size_t)b * m->n_blocks, m->n_blocks * sizeof *m->block_end) &&
	       !memcmp(m->term_lo + m->row[a], m->term_lo + m->row[b], len * sizeof *m->term_lo) &&
	       !memcmp(m->val + m->row[a], m->val + m->row[b], len * sizeof *m->val);
}

/* Story b's candidates when its row is a's, term for term and weight for
 * weight: exact mode adds the same products in the same order for either,
 * so b's sums are a's to the bit and s_b(a) is s_a(b); its list is a's
 * pool with b in place of a, the pool holding it when its cap-th score
 * is above tau (or it is every candidate). SIZE_MAX when the rows differ
 * or the pool does not hold the list. */
static size_t candidates_copy(const struct rank_job *job, struct worker *w, uint32_t a,
			      uint32_t b)
{
	size_t nh = 0, at = SIZE_MAX;

	if (!same_row(job->m, a, b))
		return SIZE_MAX;
	for (size_t i = 0; i < w->npool && at == SIZE_MAX; i++)
		if (w->pool[i].doc == b)
			at = i;
	if (at == SIZE_MAX || (w->npool == job->tw->k &&
			       !(w->npool > w->cap &&
				 w->pool[w->cap - 1].score > w->pool[w->npool - 1].score)))
		return SIZE_MAX;
	for (size_t i = 0; i < w->npool; i++) {
		struct neighbor x = w->pool[i];
		if (i == at)
			x.doc = a;
		if (admissible(job, b, x.doc, x.score))
			heap_push(w->heap, &nh, w->cap, x);
	}
	return nh;
}

/* Story b's exact candidates from representative a's pool (w->pool, of
 * job->tw->k at most) and sums (w->sa), into w->heap, as described above;
 * SIZE_MAX when the bounds do not prove the list exact (nothing kept
 * then). */
static size_t candidates_twin(const struct rank_job *job, struct worker *w, uint32_t a,
			      uint32_t b)
{
	const struct model *m = job->m;
	const struct postings *p = job->p;
	struct neighbor *dt = w->terms;
	struct twin_fit f;
	size_t nt = 0, nl = 0, nh = 0, nu;
	float tau, margin, lim, sa;
	double budget;

	tau = w->npool == job->tw->k ? w->pool[w->npool - 1].score : 0.0f;
	/* a quarter of the gap the cap-th has over tau, roughly */
	budget = w->npool >= w->cap ? 0.25 * (double)(w->pool[w->cap - 1].score - tau) : 0.0;
	twin_fit(m, p, job->tw->maxw, a, b, budget, 0, w->ratio, dt, &f);
	margin = (float)f.eta * (1.0f + 1e-6f) + twin_slack(m, a, b, &f);
	for (size_t i = 0; i < w->npool; i++) {
		uint32_t c = w->pool[i].doc;
		if (c == b)
			continue;
		w->acc[c] = f.lambda * w->pool[i].score;
		w->mark[c] = 1;
		w->touched[nt++] = c;
	}
	for (size_t j = 0; j < f.nd; j++)
		for (uint32_t blk = 0; blk < p->n_blocks; blk++) {
			uint64_t e = postings_block_start(p, dt[j].doc, blk + 1);
			for (uint64_t k = postings_block_start(p, dt[j].doc, blk); k < e; k++) {
				uint32_t o = postings_story(p, blk, k);
				if (o == b || o == a)
					continue;
				if (!w->mark[o]) {
					w->mark[o] = 1;
					w->acc[o] = f.lambda * w->sa[o];
					w->touched[nt++] = o;
				}
				w->acc[o] += dt[j].score *
						     p->weight[k + (uint64_t)p->wshift[dt[j].doc]];
			}
		}
	/* re-scored by bound, best first, until none left can enter */
	lim = f.lambda * tau + margin;
	nl = 0;
	for (size_t i = 0; i < nt; i++) {
		float u = w->acc[w->touched[i]] + margin;
		if (u > lim)
			w->cand[nl++] = (struct neighbor){ w->touched[i], u };
	}
	qsort(w->cand, nl, sizeof *w->cand, rank_neighbor_cmp);
	nu = load_story(m, w, b);
	sa = rescore(m, w, nu, a);
	if (admissible(job, b, a, sa))
		heap_push(w->heap, &nh, w->cap, (struct neighbor){ a, sa });
	for (size_t i = 0; i < nl; i++) {
		float s;
		if (nh == w->cap && w->heap[0].score > w->cand[i].score)
			break;
		s = rescore(m, w, nu, w->cand[i].doc);
		if (admissible(job, b, w->cand[i].doc, s))
			heap_push(w->heap, &nh, w->cap, (struct neighbor){ w->cand[i].doc, s });
	}
	if (!(nh == w->cap && w->heap[0].score > lim))
		nh = SIZE_MAX; /* a story no bound was taken for might enter */
	unload_story(w, nu);
	twin_clear(w, nt);
	return nh;
}

/* A story and an earlier one whose lead signatures agree on a band. */
struct twin_pair {
	uint32_t b, a;
};

struct band_key {
	uint64_t key;
	uint32_t doc;
};

/* Sorts key[0, n), in story order, by key then story: a stable radix
 * sort by key, a byte at a time from the lowest (passes where every key
 * has the same byte skipped), through tmp (room for n). Where qsort()
 * spent 42 M instructions on real text's 16 bands (callgrind), this
 * spends a few passes of n. */
static void sort_band_keys(struct band_key *key, struct band_key *tmp, size_t n)
{
	size_t count[256];

	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t at = 0;
		memset(count, 0, sizeof count);
		for (size_t i = 0; i < n; i++)
			count[key[i].key >> shift & 255]++;
		if (n && count[key[0].key >> shift & 255] == n)
			continue;
		for (size_t b = 0; b < 256; b++) {
			size_t c = count[b];
			count[b] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[key[i].key >> shift & 255]++] = key[i];
		memcpy(key, tmp, n * sizeof *key);
	}
}

static int cmp_pair(const void *x, const void *y)
{
	const struct twin_pair *p = x, *q = y;

	if (p->b != q->b)
		return (p->b > q->b) - (p->b < q->b);
	return (p->a > q->a) - (p->a < q->a);
}

static int push_pair(struct twin_pair **v, size_t *n, size_t *cap, uint32_t b, uint32_t a)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 1024;
		struct twin_pair *t = realloc(*v, c * sizeof *t);
		if (!t)
			return -1;
		*v = t;
		*cap = c;
	}
	(*v)[(*n)++] = (struct twin_pair){ b, a };
	return 0;
}

/* The pairs (b, a), a < b, of stories first + [0, count) whose lead
 * signatures agree on one of TWIN_BANDS bands of TWIN_BAND_SLOTS slots (a
 * pair of leads of overlap J does with probability 1 - (1 - J^4)^16: 0.98
 * at J = 0.7), each story with the TWIN_BAND_PAIRS stories before it of
 * its band's group; sorted, without repeats. */
static int twin_pairs(const struct model *m, size_t first, size_t count,
		      struct twin_pair **out, size_t *n_out)
{
	struct band_key *key = malloc((count ? count : 1) * sizeof *key);
	struct band_key *tmp = malloc((count ? count : 1) * sizeof *tmp);
	struct twin_pair *v = NULL;
	size_t n = 0, cap = 0, u = 0;

	if (!key || !tmp) {
		free(key);
		free(tmp);
		return -1;
	}
	for (size_t band = 0; band < TWIN_BANDS; band++) {
		size_t nk = 0;
		for (size_t k = 0; k < count; k++) {
			const uint16_t *sig = m->lead_sig + (first + k) * ANALYZE_LEAD_SLOTS;
			uint64_t x = 0;
			if (!analyze_lead_known(sig))
				continue;
			for (size_t s = 0; s < TWIN_BAND_SLOTS; s++)
				x = x << 16 | sig[band * TWIN_BAND_SLOTS + s];
			key[nk++] = (struct band_key){ x, (uint32_t)(first + k) };
		}
		sort_band_keys(key, tmp, nk);
		for (size_t i = 1, g = 0; i < nk; i++) {
			if (key[i].key != key[i - 1].key) {
				g = i;
				continue;
			}
			for (size_t j = i > g + TWIN_BAND_PAIRS ? i - TWIN_BAND_PAIRS : g; j < i; j++)
				if (push_pair(&v, &n, &cap, key[i].doc, key[j].doc)) {
					free(key);
					free(tmp);
					free(v);
					return -1;
				}
		}
	}
	free(key);
	free(tmp);
	if (n)
		qsort(v, n, sizeof *v, cmp_pair);
	for (size_t i = 0; i < n; i++)
		if (!u || cmp_pair(&v[i], &v[u - 1]))
			v[u++] = v[i];
	*out = v;
	*n_out = u;
	return 0;
}

static void twins_free(struct twins *t)
{
	if (!t)
		return;
	free(t->rep);
	free(t->first);
	free(t->next);
	free(t->maxw);
	free(t);
}

/* Chooses for each story paired with earlier ones (twin_pairs()) the
 * representative it costs least to rank from, when that is cheaper than
 * its plan, and keeps a representative's group when what its members save
 * pays for ranking it exactly with k candidates; marks the group's
 * representatives exact in `exact` and, in `keep` (when not NULL), the
 * terms representatives and D hold. lang: NULL or language ids that must
 * match. The choice depends on the model only. */
static struct twins *plan_twins(const struct model *m, const struct postings *p,
				const struct rank_options *o, const uint32_t *lang, size_t cap,
				size_t first, size_t count, unsigned char *exact,
				unsigned char *keep)
{
	struct twins *t = calloc(1, sizeof *t);
	size_t n = m->n_docs ? m->n_docs : 1, np = 0;
	struct twin_pair *pairs = NULL;
	float *planned = malloc(n * sizeof *planned), *extra = malloc(n * sizeof *extra);
	double *gain = calloc(n, sizeof *gain);
	float *ratio = malloc(((size_t)m->n_terms + 1) * sizeof *ratio);
	struct neighbor *terms = malloc(((size_t)m->n_terms + 1) * sizeof *terms);
	int ok = 0;

	if (!t || !planned || !extra || !gain || !ratio || !terms)
		goto done;
	t->k = 2 * cap;
	t->rep = malloc(n * sizeof *t->rep);
	t->first = malloc(n * sizeof *t->first);
	t->next = malloc(n * sizeof *t->next);
	t->maxw = calloc((size_t)m->n_terms + 1, sizeof *t->maxw);
	if (!t->rep || !t->first || !t->next || !t->maxw ||
	    twin_pairs(m, first, count, &pairs, &np))
		goto done;
	model_largest_weights(m, t->maxw);
	for (uint32_t d = 0; d < m->n_docs; d++) {
		t->rep[d] = d;
		t->first[d] = t->next[d] = TWIN_NONE;
	}
	for (size_t i = 0; i < np; i++) {
		uint32_t d = pairs[i].b;
		if (i && pairs[i - 1].b == d)
			continue;
		double ce, ca;
		story_costs(m, p, o, d, terms, &ce, &ca);
		planned[d] = (float)(ce < ca ? ce : ca);
		extra[d] = (float)(ce > ca ? ce - ca : 0.0);
		for (size_t j = i; j < np && pairs[j].b == d; j++) {
			story_costs(m, p, o, pairs[j].a, terms, &ce, &ca);
			planned[pairs[j].a] = (float)(ce < ca ? ce : ca);
			extra[pairs[j].a] = (float)(ce > ca ? ce - ca : 0.0);
		}
	}
	for (size_t i = 0; i < np;) {
		uint32_t d = pairs[i].b, best = TWIN_NONE;
		double best_cost = planned[d];
		for (; i < np && pairs[i].b == d; i++) {
			uint32_t a = pairs[i].a;
			struct twin_fit f;
			double c;
			if (t->rep[a] != a || (lang && lang[a] != lang[d]))
				continue;
			twin_fit(m, p, t->maxw, a, d, 0.0, o->max_postings, ratio, terms, &f);
			c = same_row(m, a, d) ? 3.0 * (double)t->k
					      : cost_twin(m, f.short_postings, cap, t->k, a, d);
			if (c < best_cost) {
				best_cost = c;
				best = a;
			}
		}
		if (best != TWIN_NONE) {
			t->rep[d] = best;
			gain[best] += planned[d] - best_cost;
		}
	}
	/* a group whose gain does not pay for its representative ranked exactly: dissolved */
	for (uint32_t d = 0; d < m->n_docs; d++) {
		uint32_t a = t->rep[d];
		if (a != d && gain[a] <= extra[a])
			t->rep[d] = d;
	}
	for (uint32_t d = m->n_docs; d-- > 0;) {
		uint32_t a = t->rep[d];
		struct twin_fit f;
		if (a == d)
			continue;
		t->next[d] = t->first[a];
		t->first[a] = d;
		exact[a] = 1;
		if (!keep)
			continue;
		keep_row(m, a, keep);
		twin_fit(m, p, t->maxw, a, d, 0.0, 0, ratio, terms, &f);
		for (size_t j = 0; j < f.nd; j++)
			keep[terms[j].doc] |= POSTINGS_FLOATS;
	}
	ok = 1;
done:
	free(pairs);
	free(planned);
	free(extra);
	free(gain);
	free(ratio);
	free(terms);
	if (!ok) {
		twins_free(t);
		return NULL;
	}
	return t;
}

/* Lists story d from the nh candidates in w->heap: blended, best first,
 * the best depth kept (chosen first, then only they sorted: keys are
 * distinct, so the same list as the whole pool sorted and cut; with the
 * blend the pool is `rerank`, 100 by default, the list top + 8). */
static void finish_story(const struct rank_job *job, struct worker *w, uint32_t d, size_t nh)
{
	size_t depth = job->o->depth;

	if (job->o->semantic > 0.0f && job->m->latent_dim > 0)
		blend_scores(job->m, job->o->semantic, d, w->heap, nh);
	if (nh > depth) {
		select_best(w->heap, nh, depth);
		nh = depth;
	}
	qsort(w->heap, nh, sizeof *w->heap, rank_neighbor_cmp);
	memcpy(job->out->items + (size_t)d * depth, w->heap, nh * sizeof *w->heap);
	job->out->count[d] = (uint32_t)nh;
}

/* Ranks story d the way it was planned. */
static void rank_story(const struct rank_job *job, struct worker *w, uint32_t d)
{
	int approx_d = job->o->approximate && !(job->exact_doc && job->exact_doc[d]);

	finish_story(job, w, d, approx_d ? candidates_approx(job, w, d)
					 : candidates_exact(job, w, d));
}

/* Representative d's exact candidates, as candidates_exact() (the same
 * sums), into w->heap; its sums stay in w->sa for its members, the stories
 * they are nonzero for (and maybe some whose sum is zero) in w->sa_list.
 * The sums go through add_block()'s loops, as gather()'s: each story gets
 * its products in the query's term order either way. Adding each posting
 * with a test of its story's sum for zero (to list it) and pushing every
 * story reached through the heap cost more than the sharing saved
 * (callgrind, realistic 20,000, the ranking alone: 21,870 M instructions
 * with sharing, 20,580 M without; the ranking went 20,870 M -> 20,013 M
 * with this). */
static size_t candidates_rep(const struct rank_job *job, struct worker *w, uint32_t d)
{
	const struct model *m = job->m;
	const struct postings *p = job->p;
	size_t nc = 0, nr = row_pairs(m, d, w->terms);
	uint64_t total = 0;
	int dense;

	w->nsa = 0;
	for (size_t i = 0; i < nr; i++) {
		w->cur[i] = p->start[w->terms[i].doc];
		total += p->start[w->terms[i].doc + 1] - p->start[w->terms[i].doc];
	}
	dense = sweep_all(m, total);
	for (uint32_t b = 0; b < p->n_blocks; b++) {
		uint64_t lo = (uint64_t)b << POSTINGS_BLOCK_BITS;
		uint64_t hi = lo + POSTINGS_BLOCK < m->n_docs ? lo + POSTINGS_BLOCK : m->n_docs;
		add_block(p, w, w->sa, w->terms, nr, b, dense, 0);
		if (dense) {
			for (uint64_t o = lo; o < hi; o++)
				if (w->sa[o] != 0.0f)
					w->sa_list[w->nsa++] = (uint32_t)o;
			continue;
		}
		for (uint64_t j = 0; j < (hi - lo + 63) / 64; j++) {
			uint64_t bits = w->seen[j];
			w->seen[j] = 0;
			for (; bits; bits &= bits - 1)
				w->sa_list[w->nsa++] =
					(uint32_t)(lo + 64 * j + (uint64_t)__builtin_ctzll(bits));
		}
	}
	for (size_t i = 0; i < w->nsa; i++) {
		uint32_t o = w->sa_list[i];
		if (admissible(job, d, o, w->sa[o])) {
			w->hist[score_bucket(w->sa[o])]++;
			w->cand[nc++] = (struct neighbor){ o, w->sa[o] };
		}
	}
	return keep_best(w, nc);
}

/* Ranks story d and, when it represents near-duplicates, them from its
 * pool (or as planned, where the pool is not proved to hold their list);
 * returns the number of stories ranked. */
static size_t rank_group(struct rank_job *job, struct worker *w, uint32_t d)
{
	size_t cap = w->cap, nh, done = 1;

	if (job->mr && job->mr->slot[d] != MIRROR_NONE) {
		candidates_mirrored(job, w, d);
		return 1;
	}
	if (!job->tw || job->tw->first[d] == TWIN_NONE) {
		rank_story(job, w, d);
		return 1;
	}
	w->cap = job->tw->k;
	nh = candidates_rep(job, w, d);
	w->cap = cap;
	qsort(w->heap, nh, sizeof *w->heap, rank_neighbor_cmp);
	memcpy(w->pool, w->heap, nh * sizeof *w->heap);
	w->npool = nh;
	finish_story(job, w, d, nh < cap ? nh : cap);
	for (uint32_t b = job->tw->first[d]; b != TWIN_NONE; b = job->tw->next[b], done++) {
		nh = candidates_copy(job, w, d, b);
		if (nh == SIZE_MAX)
			nh = candidates_twin(job, w, d, b);
		if (nh == SIZE_MAX) {
			job->fell_back++;
			rank_story(job, w, b);
		} else {
			job->shared++;
			finish_story(job, w, b, nh);
		}
	}
	for (size_t i = 0; i < w->nsa; i++)
		w->sa[w->sa_list[i]] = 0.0f;
	return done;
}

static int worker_init(const struct rank_job *job, struct worker *w)
{
	const struct model *m = job->m;
	size_t depth = job->o->depth, n = m->n_docs ? m->n_docs : 1;
	size_t terms = (size_t)m->n_terms + 1, hcap;
	int blend = job->o->semantic > 0.0f && m->latent_dim > 0;
	int approx = job->o->approximate || job->tw != NULL;

	memset(w, 0, sizeof *w);
	w->cap = blend && job->o->rerank > depth ? job->o->rerank : depth;
	hcap = job->tw && job->tw->k > w->cap ? job->tw->k : w->cap;
	w->heap = malloc((hcap ? hcap : 1) * sizeof *w->heap);
	w->acc = calloc(n, sizeof *w->acc);
	w->touched = malloc((n + 1) * sizeof *w->touched);
	w->cur = malloc(terms * sizeof *w->cur);
	w->seen = calloc(POSTINGS_BLOCK / 64, sizeof *w->seen);
	w->terms = malloc(terms * sizeof *w->terms);
	w->cand = malloc(n * sizeof *w->cand);
	w->hist = calloc(SCORE_BUCKETS, sizeof *w->hist);
	w->ghist = calloc(SCORE_BUCKETS, sizeof *w->ghist);
	if (approx) {
		w->resid = malloc(terms * sizeof *w->resid);
		w->dense = calloc(terms, sizeof *w->dense);
		if (terms > RESCORE_BITS_FROM)
			w->held = calloc(terms / 64 + 1, sizeof *w->held);
	}
	if (job->tw) {
		w->pool = malloc((hcap ? hcap : 1) * sizeof *w->pool);
		w->mark = calloc(n, 1);
		w->ratio = malloc(terms * sizeof *w->ratio);
		w->sa = calloc(n, sizeof *w->sa);
		w->sa_list = malloc(n * sizeof *w->sa_list);
	}
	if (job->mr) {
		w->bsum = calloc(job->mr->n_below ? job->mr->n_below : 1, sizeof *w->bsum);
		w->bins = job->mr->bins[job->j];
		w->bin_n = job->mr->bin_n[job->j];
	}
	return !w->acc || !w->touched || !w->cur || !w->seen || !w->terms || !w->heap || !w->cand || !w->hist ||
	       !w->ghist ||
	       (approx && (!w->resid || !w->dense || (terms > RESCORE_BITS_FROM && !w->held))) ||
	       (job->tw && (!w->pool || !w->mark || !w->ratio || !w->sa || !w->sa_list)) ||
	       (job->mr && !w->bsum);
}

static void worker_free(struct worker *w)
{
	free(w->acc);
	free(w->touched);
	free(w->cur);
	free(w->seen);
	free(w->heap);
	free(w->cand);
	free(w->hist);
	free(w->ghist);
	free(w->terms);
	free(w->resid);
	free(w->dense);
	free(w->held);
	free(w->pool);
	free(w->mark);
	free(w->ratio);
	free(w->sa);
	free(w->sa_list);
	free(w->bsum);
}

static void *rank_worker(void *arg)
{
	struct rank_job *job = arg;
	struct worker w;

	if (worker_init(job, &w)) {
		job->failed = 1;
		worker_free(&w);
		return NULL;
	}
	for (;;) {
		size_t begin = atomic_fetch_add(job->next, CHUNK);
		size_t end = begin + CHUNK, done = 0;
		if (begin >= job->count || (job->o->stop && *job->o->stop))
			break;
		if (end > job->count)
			end = job->count;
		for (size_t k = begin; k < end; k++) {
			uint32_t d = (uint32_t)(job->o->docs ? job->o->docs[k]
						: job->order ? job->order[k] : job->first + k);
			if (job->tw && job->tw->rep[d] != d)
				continue; /* ranked with its representative */
			done += rank_group(job, &w, d);
		}
		progress_add(done);
	}
	worker_free(&w);
	return NULL;
}

/* Lists the mirrored stories from their bins, once every pass is done:
 * the best mr->cap of what the threads' bins hold, as finish_story(). */
static void *finish_mirrored(void *arg)
{
	struct rank_job *job = arg;
	const struct mirror *mr = job->mr;
	struct worker w = { 0 };

	if (!(w.heap = malloc(2 * mr->cap * (size_t)mr->jobs * sizeof *w.heap))) {
		job->failed = 1;
		return NULL;
	}
	for (;;) {
		size_t begin = atomic_fetch_add(job->next, CHUNK);
		if (begin >= mr->n || (job->o->stop && *job->o->stop))
			break;
		for (size_t k = begin; k < begin + CHUNK && k < mr->n; k++) {
			uint32_t d = mr->docs[k];
			size_t nh = 0;
			for (int j = 0; j < mr->jobs; j++) {
				memcpy(w.heap + nh, mr->bins[j] + k * 2 * mr->cap,
				       mr->bin_n[j][k] * sizeof *w.heap);
				nh += mr->bin_n[j][k];
			}
			if (nh > mr->cap) {
				select_best(w.heap, nh, mr->cap);
				nh = mr->cap;
			}
			finish_story(job, &w, d, nh);
		}
	}
	free(w.heap);
	return NULL;
}

static void mirror_free(struct mirror *mr)
{
	if (!mr)
		return;
	for (int j = 0; mr->bins && j < mr->jobs; j++) {
		free(mr->bins[j]);
		free(mr->bin_n[j]);
	}
	free(mr->bins);
	free(mr->bin_n);
	free(mr->bar);
	free(mr->slot);
	free(mr->docs);
	free(mr->below);
	free(mr->below_doc);
	free(mr->below_wt);
	free(mr->below_story);
	free(mr->base);
	free(mr->rank_in);
	free(mr->below_in);
	free(mr);
}

/* What mirroring may add to the ranking's memory (plan_mirror()): a
 * mirrored story's bins (2 cap neighbours a thread) and its row's two
 * ranks (8 bytes a term), taken from the first story on until one
 * thread's bins and the ranks reach this many bytes, then the lists of
 * the others before the last (8 bytes a posting): when those would go
 * beyond it, nothing is mirrored. Counted with one thread's bins so that
 * which stories can be mirrored, and so the plan that prices them
 * (plan_mirrored()), does not depend on the thread count; each further
 * thread adds its bins. A million stories ranked exactly with a pool of
 * 100 would take 1.6 GB of bins a thread. */
#define MIRROR_BUDGET ((size_t)128 << 20)

/* The bytes mirroring story d takes of MIRROR_BUDGET. */
static size_t mirror_bytes(const struct model *m, uint32_t d, size_t cap)
{
	return 2 * cap * sizeof(struct neighbor) +
	       (m->row[d + 1] - m->row[d]) * 2 * sizeof(uint32_t);
}

/* A posting of a story not mirrored, read by a mirrored pass from the
 * copied lists (mr->below: 8 bytes, not 6, its story marked or swept),
 * against one of the lists. */
#define BELOW_COST (8.0 / 6.0)

/* The cost (as cost_exact()) of a posting a mirrored pass adds, and of a
 * story it touches. */
#define MIRRORED_POSTING 1.1
#define MIRRORED_TOUCHED 4.6

/* The cost (as cost_exact()) of a story ranked exactly with its pairs
 * summed once (candidates_mirrored()): it adds the postings of the
 * stories after it, and of those before it that are not mirrored. */
static double cost_mirrored(uint64_t after, uint64_t below, uint32_t n_docs)
{
	uint64_t touched = after + below;

	return MIRRORED_POSTING * ((double)after + BELOW_COST * (double)below) +
	       MIRRORED_TOUCHED * (double)(touched < n_docs ? touched : n_docs);
}

/* How much dearer than the cheapest plan the plan mirroring every story
 * it can may be predicted and still be chosen: the prices' error. Whole
 * runs priced the mirrored exact way 1.2 times dearer than the plan ranked
 * alone at realistic 40,000 and measured it the same, and the exact way
 * is what the approximate one stands in for (recall@10 against --exact:
 * 0.954 ranked alone, 1.000 mirrored); default synthetic stories, whose
 * mirrored plan is priced 1.8 times and measured 2.7 times dearer, keep
 * the approximate way. */
#define PLAN_EXACT_MARGIN 1.25

/* exact_doc[d] of a story ranked exactly whose pairs are summed once
 * (plan_mirrored()); 1: ranked exactly, not mirrored. */
#define PLAN_MIRRORED 2

/* State of plan_mirrored(): per term, the stories before the one looked
 * at that hold it (held) and those of them mirrored (held_m); per story
 * its costs ranked exactly alone and approximately (NAN until known), and
 * whether it is mirrored. */
struct mirror_plan {
	uint32_t *held, *held_m;
	float *exact, *approx;
	unsigned char *mirrored;
};

/* Story d's cost ranked on its own (not mirrored): the cheaper of
 * exactly and approximately (story_costs(), kept in mp). */
static double cost_alone(const struct model *m, const struct postings *p,
			 const struct rank_options *o, struct mirror_plan *mp, uint32_t d,
			 struct neighbor *terms)
{
	if (isnan(mp->approx[d])) {
		double ce, ca;
		story_costs(m, p, o, d, terms, &ce, &ca);
		mp->exact[d] = (float)ce;
		mp->approx[d] = (float)ca;
	}
	return mp->exact[d] < mp->approx[d] ? mp->exact[d] : mp->approx[d];
}

/* Story d's terms' postings of the stories after it (*after) and of
 * those before it not mirrored (*below), with the others as mp says. */
static void mirror_counts(const struct model *m, const struct postings *p,
			  const struct mirror_plan *mp, uint32_t d, uint64_t *after,
			  uint64_t *below)
{
	*after = *below = 0;
	for (uint32_t k = 0; k < m->n_blocks; k++)
		for (uint64_t i = model_run_begin(m, d, k), e = model_run_end(m, d, k); i < e; i++) {
			size_t t = ((size_t)k << MODEL_BLOCK_BITS) | m->term_lo[i];
			*after += p->len[t] - mp->held[t] - 1;
			*below += mp->held[t] - mp->held_m[t];
		}
}

/* Whether plan_mirror() can mirror story d: not a near-duplicates' group's. */
static int mirrorable(const struct twins *tw, uint32_t d)
{
	return !tw || (tw->rep[d] == d && tw->first[d] == TWIN_NONE);
}

/* Adds story d to mp's counts of the stories before the next one. */
static void count_held(const struct model *m, struct mirror_plan *mp, uint32_t d)
{
	for (uint32_t k = 0; k < m->n_blocks; k++)
		for (uint64_t i = model_run_begin(m, d, k), e = model_run_end(m, d, k); i < e; i++) {
			size_t t = ((size_t)k << MODEL_BLOCK_BITS) | m->term_lo[i];
			mp->held[t]++;
			mp->held_m[t] += mp->mirrored[d];
		}
}

/* The predicted cost of stories [first, end) ranked as mp says: a
 * mirrored story adds the postings of every story after it and, at
 * BELOW_COST, of those before it not mirrored (cost_mirrored()); the
 * others cost what they do on their own (cost_alone()). *alone gets what
 * all would cost on their own. */
static double plan_cost(const struct model *m, const struct postings *p,
			const struct rank_options *o, size_t first, size_t end,
			struct mirror_plan *mp, struct neighbor *terms, double *alone)
{
	double cost = 0.0;

	*alone = 0.0;
	memset(mp->held, 0, ((size_t)m->n_terms + 1) * sizeof *mp->held);
	memset(mp->held_m, 0, ((size_t)m->n_terms + 1) * sizeof *mp->held_m);
	for (uint32_t d = 0; d < end; d++) {
		if (d >= first) {
			double own = cost_alone(m, p, o, mp, d, terms);
			*alone += own;
			if (mp->mirrored[d]) {
				uint64_t after, below;
				mirror_counts(m, p, mp, d, &after, &below);
				cost += cost_mirrored(after, below, m->n_docs);
			} else {
				cost += own;
			}
		}
		count_held(m, mp, d);
	}
	return cost;
}

/* Exact stories whose pairs are summed once (candidates_mirrored()) cost
 * less than exact_cheaper() prices them, the less the more of the stories
 * that share their terms are mirrored too, and a story mirrored among
 * stories that are not reads their postings from copied lists. So plans
 * are priced whole, over the stories of [first, first + count) that
 * plan_mirror() can mirror (from the first on, within MIRROR_BUDGET):
 * each ranked on its own (exact_cheaper()'s choice: the plan as it was),
 * all of them mirrored, and those exact_cheaper() sends exactly mirrored;
 * the cheapest is the plan (exact[d] = PLAN_MIRRORED for a story
 * mirrored, the others each the cheaper way), unless mirroring all is
 * within PLAN_EXACT_MARGIN of it. Changing the stories one
 * at a time by their marginal costs (tried) left plans that cost more
 * than both: the prices' errors add up along such a search. 0, or -1
 * when memory runs out. */
static int plan_mirrored(const struct model *m, const struct postings *p,
			 const struct rank_options *o, const struct twins *tw, size_t first,
			 size_t count, size_t cap, unsigned char *exact)
{
	size_t nt = (size_t)m->n_terms + 1, n = m->n_docs ? m->n_docs : 1, end = first, bytes = 0;
	struct mirror_plan mp = { calloc(nt, sizeof *mp.held), calloc(nt, sizeof *mp.held_m),
				  malloc(n * sizeof *mp.exact), malloc(n * sizeof *mp.approx),
				  calloc(n, 1) };
	struct neighbor *terms = malloc(nt * sizeof *terms);
	double alone = INFINITY, least = INFINITY, every = INFINITY;
	int ok = mp.held && mp.held_m && mp.exact && mp.approx && mp.mirrored && terms, best = -1,
	    mirror;

	for (size_t d = 0; ok && d < n; d++)
		mp.approx[d] = NAN;
	for (; ok && end < first + count; end++) {
		if (!mirrorable(tw, (uint32_t)end))
			continue;
		if (bytes + mirror_bytes(m, (uint32_t)end, cap) > MIRROR_BUDGET)
			break;
		bytes += mirror_bytes(m, (uint32_t)end, cap);
	}
	for (int start = 0; ok && start < 2; start++) {
		double c;
		for (size_t d = first; d < end; d++)
			mp.mirrored[d] = mirrorable(tw, (uint32_t)d) && (!start || exact[d]);
		c = plan_cost(m, p, o, first, end, &mp, terms, &alone);
		if (!start)
			every = c;
		if (c < least) {
			least = c;
			best = start;
		}
	}
	if (every <= PLAN_EXACT_MARGIN * fmin(least, alone)) {
		least = every;
		best = 0;
		mirror = 1;
	} else {
		mirror = least < alone;
	}
	for (size_t d = first; ok && mirror && d < end; d++)
		if (mirrorable(tw, (uint32_t)d))
			exact[d] = best == 0 || exact[d] ? PLAN_MIRRORED
							 : mp.exact[d] <= mp.approx[d];
	free(mp.held);
	free(mp.held_m);
	free(mp.exact);
	free(mp.approx);
	free(mp.mirrored);
	free(terms);
	return ok ? 0 : -1;
}

/* mr->base, rank_in and below_in (where a mirrored story's pass starts in
 * each list: found by bisection, each step a cache miss, they took a third
 * of the pass's time on real text); used: the terms mirrored stories
 * hold; last: the last mirrored story. *skip gets the postings the passes
 * skip (of the mirrored stories before each), *below those they read in
 * mr->below. 1 when done, 0 when memory runs out. */
static int mirror_ranks(const struct model *m, struct mirror *mr, const unsigned char *used,
			uint32_t last, uint64_t *skip, uint64_t *below_read)
{
	uint32_t *held = calloc((size_t)m->n_terms + 1, sizeof *held);
	uint32_t *below = calloc((size_t)m->n_terms + 1, sizeof *below);
	uint64_t all = 0;
	int ok = 0;

	if (!held || !below || !(mr->base = malloc(mr->n * sizeof *mr->base)))
		goto done;
	for (size_t k = 0; k < mr->n; k++) {
		mr->base[k] = all;
		all += m->row[mr->docs[k] + 1] - m->row[mr->docs[k]];
	}
	if (!(mr->rank_in = malloc((all ? all : 1) * sizeof *mr->rank_in)) ||
	    !(mr->below_in = malloc((all ? all : 1) * sizeof *mr->below_in)))
		goto done;
	for (uint32_t d = 0; d <= last; d++) {
		uint32_t slot = mr->slot[d];
		uint64_t at = slot == MIRROR_NONE ? 0 : mr->base[slot];
		for (uint32_t b = 0; b < m->n_blocks; b++)
			for (uint64_t i = model_run_begin(m, d, b), e = model_run_end(m, d, b); i < e;
			     i++) {
				uint32_t t = (b << MODEL_BLOCK_BITS) | m->term_lo[i];
				if (slot != MIRROR_NONE) {
					*skip += held[t] - below[t];
					*below_read += below[t];
					mr->rank_in[at] = held[t];
					mr->below_in[at++] = below[t];
				} else if (used[t]) {
					below[t]++;
				}
				held[t]++;
			}
	}
	ok = 1;
done:
	free(held);
	free(below);
	return ok;
}

/* mr->below (and the ranks, mirror_ranks()): the postings of the stories
 * not mirrored before the last mirrored one, of the terms mirrored
 * stories hold (all with floats),
 * when they take at most `room` bytes and the passes skip more postings
 * than they read there (else 1: nothing is mirrored); -1 when memory runs
 * out. A posting read there costs more than one of a list (8 bytes, not
 * 6, and those stories' sums swept in each pass), and the offers
 * cost besides: on realistic 20,000, where 8,465 stories are ranked
 * exactly and 11,535 are not, the passes skip a third of the postings they
 * read there, and mirroring took the ranking from 20,013 M to 21,634 M
 * instructions (callgrind). The lists are those stories' rows turned
 * into lists (in story order, the rows' floats, as the postings hold
 * them), not the postings read: they need no postings built (rank_all()
 * plans this beside their fill), and read a few hundred rows where every
 * list of those terms was read twice. */
static int mirror_below(const struct model *m, struct mirror *mr, size_t room, int weigh)
{
	uint32_t last = mr->docs[0];
	unsigned char *used = calloc((size_t)m->n_terms + 1, 1);
	uint64_t n = 0, skip = 0, read = 0;
	int ok;

	if (!used || !(mr->below = calloc((size_t)m->n_terms + 1, sizeof *mr->below))) {
		free(used);
		return -1;
	}
	for (size_t k = 0; k < mr->n; k++) {
		uint32_t d = mr->docs[k];
		last = d > last ? d : last;
		for (uint32_t b = 0; b < m->n_blocks; b++)
			for (uint64_t i = model_run_begin(m, d, b), e = model_run_end(m, d, b); i < e;
			     i++)
				used[((size_t)b << MODEL_BLOCK_BITS) | m->term_lo[i]] = 1;
	}
	ok = mirror_ranks(m, mr, used, last, &skip, &read);
	if (!ok || (weigh && skip <= read)) {
		free(used);
		return ok ? 1 : -1;
	}
	if (!(mr->below_story = malloc(((size_t)last + 1) * sizeof *mr->below_story))) {
		free(used);
		return -1;
	}
	for (uint32_t o = 0; o < last; o++)
		if (mr->slot[o] == MIRROR_NONE)
			mr->below_story[mr->n_below++] = o;
	/* term t's count at below[t + 1], then its start at below[t] */
	for (int fill = 0; fill < 2; fill++) {
		for (size_t j = 0; j < mr->n_below; j++) {
			uint32_t o = mr->below_story[j];
			for (uint32_t b = 0; b < m->n_blocks; b++)
				for (uint64_t i = model_run_begin(m, o, b), e = model_run_end(m, o, b);
				     i < e; i++) {
					uint32_t t = (b << MODEL_BLOCK_BITS) | m->term_lo[i];
					uint64_t at;
					if (!used[t])
						continue;
					if (!fill) {
						mr->below[t + 1]++;
						continue;
					}
					at = mr->below[t]++;
					mr->below_doc[at] = (uint32_t)j;
					mr->below_wt[at] = m->val[i];
				}
		}
		if (fill)
			break;
		for (uint32_t t = 0; t < m->n_terms; t++)
			mr->below[t + 1] += mr->below[t];
		n = mr->below[m->n_terms];
		if (n > room / (sizeof *mr->below_doc + sizeof *mr->below_wt)) {
			free(used);
			return 1;
		}
		if (!(mr->below_doc = malloc((n ? n : 1) * sizeof *mr->below_doc)) ||
		    !(mr->below_wt = malloc((n ? n : 1) * sizeof *mr->below_wt))) {
			free(used);
			return -1;
		}
	}
	/* each start was moved to its term's end: back to the starts */
	memmove(mr->below + 1, mr->below, (size_t)m->n_terms * sizeof *mr->below);
	mr->below[0] = 0;
	free(used);
	return 0;
}

/* The stories of [first, first + count) ranked exactly (every one with
 * RANK_EXACT, by the plan by cost), other than near-duplicates' groups,
 * within MIRROR_BUDGET, whose pairs are summed once (candidates_mirrored());
 * *out NULL when fewer than two. cap: a story's pool. */
static int plan_mirror(const struct model *m, const struct rank_options *o,
		       const unsigned char *exact_doc,
		       const struct twins *tw, size_t first, size_t count, int jobs, size_t cap,
		       struct mirror **out)
{
	struct mirror *mr;
	size_t bytes = 0;
	int rc;

	*out = NULL;
	if (o->docs || o->approximate == RANK_APPROXIMATE || !cap)
		return 0;
	if (!(mr = calloc(1, sizeof *mr)) ||
	    !(mr->slot = malloc((m->n_docs ? m->n_docs : 1) * sizeof *mr->slot)) ||
	    !(mr->docs = malloc((count ? count : 1) * sizeof *mr->docs))) {
		mirror_free(mr);
		return -1;
	}
	mr->cap = cap;
	mr->jobs = jobs;
	for (uint32_t d = 0; d < m->n_docs; d++)
		mr->slot[d] = MIRROR_NONE;
	for (size_t k = 0; k < count; k++) {
		uint32_t d = (uint32_t)(first + k);
		size_t more = mirror_bytes(m, d, cap);
		if ((exact_doc && exact_doc[d] != PLAN_MIRRORED) || !mirrorable(tw, d))
			continue;
		if (bytes + more > MIRROR_BUDGET)
			break;
		bytes += more;
		mr->slot[d] = (uint32_t)mr->n;
		mr->docs[mr->n++] = d;
	}
	if (mr->n < 2 || (rc = mirror_below(m, mr, MIRROR_BUDGET - bytes, !exact_doc)) > 0) {
		mirror_free(mr);
		return 0;
	}
	if (rc || !(mr->bins = calloc((size_t)jobs, sizeof *mr->bins)) ||
	    !(mr->bin_n = calloc((size_t)jobs, sizeof *mr->bin_n)) ||
	    !(mr->bar = malloc((m->n_docs ? m->n_docs : 1) * sizeof *mr->bar))) {
		mirror_free(mr);
		return -1;
	}
	for (int j = 0; j < jobs; j++) {
		mr->bins[j] = malloc(mr->n * 2 * cap * sizeof **mr->bins);
		mr->bin_n[j] = calloc(mr->n, sizeof **mr->bin_n);
		if (!mr->bins[j] || !mr->bin_n[j]) {
			mirror_free(mr);
			return -1;
		}
	}
	for (uint32_t d = 0; d < m->n_docs; d++)
		atomic_init(&mr->bar[d], mr->slot[d] == MIRROR_NONE ? INFINITY : FLT_TRUE_MIN);
	*out = mr;
	return 0;
}

/* RANK_BY_COST: the plan (exact_doc, malloc'd) and, when the model has
 * lead signatures and a range is ranked, the near-duplicates ranked from a
 * twin's pool (*tw; else NULL); `keep` as plan_stories()'. */
static int plan_all(const struct model *m, const struct postings *p,
		    const struct rank_options *o, const uint32_t *lang, size_t first,
		    size_t count, unsigned char *keep, unsigned char **exact_doc,
		    struct twins **tw)
{
	int blend = o->semantic > 0.0f && m->latent_dim > 0;
	size_t cap = blend && o->rerank > o->depth ? o->rerank : o->depth;

	if (!(*exact_doc = plan_stories(m, p, o, first, count)))
		return -1;
	if (m->lead_sig && !o->docs && cap &&
	    !(*tw = plan_twins(m, p, o, lang, cap, first, count, *exact_doc, keep)))
		return -1;
	if (!o->docs && cap && plan_mirrored(m, p, o, *tw, first, count, cap, *exact_doc))
		return -1;
	for (size_t k = 0; keep && k < count; k++)
		if ((*exact_doc)[job_story(o, first, k)])
			keep_row(m, job_story(o, first, k), keep);
	return 0;
}

/* The postings rank reads (postings.h), built from the model's rows (a
 * loaded model's own postings, 8 bytes each, are left unread: these take
 * 6): of every term for the exact mode; for the others, of the terms the
 * approximate mode may query (lists of at most max_postings stories) and,
 * by cost, the terms of the stories planned exact and those
 * near-duplicates read. In two steps: plan_postings() counts them and
 * chooses the terms kept (*keep, malloc'd; NULL: all, the exact mode),
 * with the plan in *exact_doc and *tw (RANK_BY_COST, plan_all(); else
 * NULL); fill_postings() calls o->set_up, then fills them, reading the
 * rows alone (at a million stories the fill adds 540 MB: the side arrays
 * must be out before it), and frees keep. Either empties p when it
 * fails. */
static int plan_postings(const struct model *m, const struct rank_options *o,
			 const uint32_t *lang, size_t first, size_t count, struct postings *p,
			 unsigned char **keep, unsigned char **exact_doc, struct twins **tw)
{
	*keep = NULL;
	*exact_doc = NULL;
	*tw = NULL;
	if (postings_count(m, p))
		return -1;
	if (o->approximate == RANK_EXACT)
		return 0;
	if (!(*keep = calloc((size_t)m->n_terms + 1, 1))) {
		postings_free(p);
		return -1;
	}
	for (uint32_t t = 0; t < m->n_terms; t++)
		(*keep)[t] = p->len[t] <= o->max_postings ? POSTINGS_CODES : 0;
	if (o->approximate == RANK_BY_COST &&
	    plan_all(m, p, o, lang, first, count, *keep, exact_doc, tw)) {
		free(*keep);
		*keep = NULL;
		postings_free(p);
		return -1;
	}
	return 0;
}

static int fill_postings(const struct model *m, const struct rank_options *o,
			 unsigned char *keep, struct postings *p)
{
	int rc;

	if (o->set_up)
		o->set_up(o->set_up_arg);
	rc = postings_fill(m, keep, p);
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
					bucket = model_term_at(m, (uint32_t)d, i);
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

/* Puts the mirrored stories first in order[0, count), from the last to
 * the first, the others after them in their order: a story's pass then
 * comes before those of the stories that offer it sums, and its own best
 * set its bar (keep_own()); in the order of alike stories, real text's
 * stories were offered five times as many sums, most to be dropped. */
static void mirrored_first(const struct mirror *mr, uint32_t *order, size_t count)
{
	size_t rest = count;

	for (size_t k = count; k-- > 0;)
		if (mr->slot[order[k]] == MIRROR_NONE)
			order[--rest] = order[k];
	for (size_t k = 0; k < mr->n; k++)
		order[k] = mr->docs[mr->n - 1 - k];
}

/* A story's pool: its best TF-IDF candidates, blended when there is a
 * semantic weight (worker_init()'s cap). */
static size_t pool_size(const struct model *m, const struct rank_options *o)
{
	int blend = o->semantic > 0.0f && m->latent_dim > 0;

	return blend && o->rerank > o->depth ? o->rerank : o->depth;
}

/* What the ranking plans beside the postings' fill (neither reads them):
 * the order stories are worked on (work_order(), mirrored_first()) and
 * the mirrored stories (plan_mirror()). On real text, at -j 2, the
 * second core idled through the fill, the order and the mirror's plan,
 * about 10 ms of the ranking's 100 (h20-rk4, docs/MEASURED.md). */
struct order_job {
	const struct model *m;
	const struct rank_options *o;
	const unsigned char *exact_doc;
	const struct twins *tw;
	size_t first, count;
	int jobs;
	uint32_t *order;  /* NULL with o->docs */
	struct mirror *mr;
	int failed;
};

static void *plan_order(void *arg)
{
	struct order_job *oj = arg;
	const struct rank_options *o = oj->o;

	if ((!o->docs && !(oj->order = work_order(oj->m, oj->first, oj->count))) ||
	    plan_mirror(oj->m, o, oj->exact_doc, oj->tw, oj->first, oj->count, oj->jobs,
			pool_size(oj->m, o), &oj->mr)) {
		oj->failed = 1;
		return NULL;
	}
	if (oj->mr)
		mirrored_first(oj->mr, oj->order, oj->count);
	return NULL;
}

/* fn on the jobs' threads, handing out work from *next set to 0; 1 when a
 * job failed or no thread started. */
static int run_jobs(struct rank_job *jobs, pthread_t *threads, int njobs, atomic_size_t *next,
		    void *(*fn)(void *))
{
	int started = 0, failed = 0;

	atomic_store(next, 0);
	for (int j = 0; j < njobs; j++) {
		if (pthread_create(&threads[j], NULL, fn, &jobs[j])) {
			failed = 1;
			break;
		}
		started++;
	}
	for (int j = 0; j < started; j++) {
		pthread_join(threads[j], NULL);
		failed |= jobs[j].failed;
	}
	return failed || !started;
}

int rank_all(const struct model *m, const struct rank_options *o,
	     struct rank_lists *out, struct error *err)
{
	struct postings p = { 0 };
	struct rank_job *jobs = NULL;
	pthread_t *threads = NULL;
	uint32_t *lang = NULL, *order = NULL;
	unsigned char *exact_doc = NULL;
	struct twins *tw = NULL;
	struct mirror *mr = NULL;
	const uint32_t *same = NULL;
	unsigned char *keep = NULL;
	struct order_job oj;
	pthread_t helper;
	atomic_size_t next = 0;
	int njobs = o->jobs < 1 ? 1 : o->jobs, failed = 0, beside;
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
	if (lang && o->same_lang && several_languages(lang, m->n_docs))
		same = lang;
	if (!out->items || !out->count || !lang || !jobs || !threads ||
	    plan_postings(m, o, same, first, count, &p, &keep, &exact_doc, &tw)) {
		failed = 1;
		goto done;
	}
	oj = (struct order_job){ m, o, exact_doc, tw, first, count, njobs, NULL, NULL, 0 };
	beside = njobs > 1 && !pthread_create(&helper, NULL, plan_order, &oj);
	if (!beside)
		plan_order(&oj);
	failed = fill_postings(m, o, keep, &p);
	if (beside)
		pthread_join(helper, NULL);
	order = oj.order;
	mr = oj.mr;
	if (failed || oj.failed) {
		failed = 1;
		goto done;
	}
	for (int j = 0; j < njobs; j++)
		jobs[j] = (struct rank_job){ m, &p, same, order, exact_doc, tw, mr, j, o, out, &next,
					     first, count, 0, 0, 0 };
	failed = run_jobs(jobs, threads, njobs, &next, rank_worker);
	for (int j = 0; j < njobs; j++) {
		out->shared += jobs[j].shared;
		out->fell_back += jobs[j].fell_back;
	}
	if (!failed && mr && !(o->stop && *o->stop))
		failed = run_jobs(jobs, threads, njobs, &next, finish_mirrored);
done:
	postings_free(&p);
	free(lang);
	free(order);
	free(exact_doc);
	twins_free(tw);
	mirror_free(mr);
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
			model_row_scatter(m, a, dense);
			for (uint32_t j = i + 1; j < cand->count[d]; j++) {
				uint32_t x = c[j].doc;
				float s = model_row_dot(m, x, dense);
				/* a little below the threshold: float sums may be
				 * taken in another order by the policy */
				if (s >= threshold - 1e-4f) {
					mark[a] = mark[x] = 1;
				}
			}
			model_row_clear(m, a, dense);
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
