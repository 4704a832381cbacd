/*
 * semantic: randomised truncated SVD of a sparse row-normalised matrix.
 *
 * Where the time goes, and why the code is shaped the way it is (measured on
 * 20,000 stories, 185,000 terms, 8.7 million entries, l = dim + 10 = 110
 * columns: 1.3 s of CPU in all, against 7.8 s for the double-precision
 * version with a terms x l Gaussian test matrix that came before):
 *
 * - The sparse products (A or Aᵀ times an l-column block) are most of the
 *   work. They are written out here (GSL has no sparse-times-dense product)
 *   on float blocks stored row-major, rows padded to a 64-byte line, so that
 *   each stored entry adds one contiguous row of a block to another: the
 *   loop the compiler vectorises. float halves the memory traffic; the sums
 *   are float too (the range finder needs the span, not the digits, and
 *   every dense step below is in double).
 * - Each product row is computed by one thread, its entries summed in
 *   ascending order, so results do not depend on the thread count. Aᵀ X
 *   gathers, term by term over the postings (the model's own when it has
 *   them, else a transpose built once when it takes at most 256 MB), from
 *   the story-side block, which stays in cache. A X gathers too, story by
 *   story over the model's rows, the term rows it reads asked for ahead. A
 *   gather holds its row's sums in registers (gather_row()), 14 vectors of 8
 *   columns, so an entry costs a multiply and an add per vector and no load
 *   or store of the row: on real text (4,316 stories, l = 110) that took the
 *   eight products from 850 M to 460 M instructions. (A X scattered each
 *   term's row into its stories' rows before, which read the term block in
 *   order but loaded and stored a story row per entry: with the sums in
 *   memory, gathering had been 3x slower on 20,000 stories; with them in
 *   registers it is the faster.) On large corpora without postings there
 *   is no transpose (nnz x 8 bytes, 3.5 GB at a million stories): Aᵀ X goes
 *   by term parts over the rows (struct terms), which at 100,000 stories,
 *   whose story block no longer fits in L3, was faster than the transpose
 *   anyway (5.1 s against 6.1 s).
 * - The test matrix is Gaussian on the story side (stories x l, not terms x
 *   l), so the range finder is Y = (A Aᵀ)^q Ω with no terms x l dense step.
 *   q = 3 with the Rayleigh-Ritz step costs eight products, one more than the
 *   seven of the old (A Aᵀ)² A Ω, and is more accurate: on 8 seeds, MAP@10
 *   0.9425 against 0.9397 on ecbplus, 0.9215 against 0.9213 on bbc (q = 2:
 *   six products, but 0.004 lower on ecbplus).
 * - The dense steps (Cholesky QR, the projected l x l matrix, the story
 *   vectors) go through GSL BLAS in double, but the story-side blocks stay
 *   in float (the products need them so, and the range finder needs the
 *   span, not the digits): each step converts a chunk of CHUNK stories at a
 *   time to double, transposed (l x CHUNK, row-major), in a buffer of its
 *   own; in that layout GSL's reference dsyrk and dtrsm run along contiguous
 *   rows, measured 5x faster than on stories x l. Keeping l x stories doubles
 *   instead cost 1.8 GB at a million stories, for the same MAP@10. Faster
 *   still, and what runs by default: the same sums formed story by story
 *   (rows_sum() and the others below), GSL's bits with the adds vectorised
 *   along a row; GSL's BLAS stays as their reference in the tests. The steps
 *   run on the threads over a fixed number of story parts (a function of the
 *   story count alone), whose l x l sums are added in part order, so they
 *   too are independent of -j.
 * - Cholesky QR is done once per step, and repeated only when the Gram
 *   matrix is too ill-conditioned for one pass to give orthonormal columns
 *   (never on news corpora; it is what keeps tiny or repetitive corpora
 *   right).
 * - The term-side basis W = Aᵀ Q V Σ⁻¹ is one more sparse product, with the
 *   small story-side factor Q V Σ⁻¹ on the right, instead of a dense
 *   terms x l x dim product.
 */
#include "semantic.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

#define OVERSAMPLE 10
#define POWER_ITERATIONS 3
#define MAX_THREADS 64
/* Story parts of the dense steps (struct dense): at most MAX_PARTS, of at
 * least MIN_PART stories, so fixed by the story count alone; worked through
 * in chunks of at most CHUNK stories. */
#define MAX_PARTS 32
#define MIN_PART 64
#define CHUNK 512
/* Entries ahead at which a product asks for a row (prefetch_row). */
#define PREFETCH 8
/* Row padding of the float blocks, in floats (one 64-byte cache line). */
#define PAD 16

/* The largest transpose (postings) built when the model has none, in bytes:
 * below it the Aᵀ products gather over the transpose, above they go by term
 * parts (struct terms). Measured latent stage, 2 threads: 20,000 stories
 * (8.7 million entries, a 70 MB transpose) 0.86 s with it, 1.10 s without;
 * 100,000 (43 million, 347 MB) 6.1 s with it, 5.1 s without, once the
 * story block gathered from no longer fits in L3. */
static uint64_t transpose_limit = (uint64_t)256 << 20;

void semantic_set_transpose_limit(uint64_t bytes)
{
	transpose_limit = bytes;
}

/* The dense steps story by story (rows_sum() and the others), or with GSL's
 * BLAS on transposed chunks; the products' sums in registers (gather_row()),
 * or added entry by entry into the row in memory: the same bits. */
static int row_kernels = 1;

void semantic_use_row_kernels(int on)
{
	row_kernels = on;
}

/* ---- threads ---- */

/* Runs fn(ctx, part, worker) for part = 0 .. parts-1 on up to `jobs`
 * threads (worker 0 .. workers(jobs, parts) - 1), each taking the next part
 * not yet taken: parts of uneven work (the dense steps' story parts, of
 * equal story counts) keep every thread busy. A part's result must not
 * depend on its worker. The caller's thread is worker 0. */
typedef void (*part_fn)(void *ctx, size_t part, size_t worker);

struct runner {
	part_fn fn;
	void *ctx;
	size_t parts, worker;
	atomic_size_t *next;
};

/* The threads run_parts() uses for `parts` parts on `jobs` jobs. */
static size_t workers(int jobs, size_t parts)
{
	size_t n = jobs < 1 ? 1 : jobs > MAX_THREADS ? MAX_THREADS : (size_t)jobs;

	return n > parts ? (parts ? parts : 1) : n;
}

/* Clears the upper halves of the vector registers (vzeroupper) where the
 * processor has them. The AVX2 clones below are meant to end so (the ABI
 * expects it at calls and returns), but GCC 12 left rows_sum.avx2 without
 * it: the thread then ran GSL's SSE code with the upper halves in use, which
 * this machine executes about 4 times slower (gsl_eigen_symmv on real text
 * 8.3 ms against 2.0 ms, the Cholesky factorisations 0.6-0.8 ms against
 * 0.2-0.3 ms, seen with XGETBV's XINUSE bit 2). So each part ends with it,
 * whatever the compiler made of the clone. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx"))) static void zero_upper(void)
{
	__builtin_ia32_vzeroupper();
}

static void clear_upper_vectors(void)
{
	if (__builtin_cpu_supports("avx"))
		zero_upper();
}
#else
static void clear_upper_vectors(void)
{
}
#endif

static void *run_range(void *arg)
{
	struct runner *r = arg;

	for (size_t p; (p = atomic_fetch_add(r->next, 1)) < r->parts;) {
		r->fn(r->ctx, p, r->worker);
		clear_upper_vectors();
	}
	return NULL;
}

static void run_parts(int jobs, size_t parts, part_fn fn, void *ctx)
{
	struct runner r[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	size_t n = workers(jobs, parts);
	atomic_size_t next = 0;

	for (size_t j = 0; j < n; j++)
		r[j] = (struct runner){ fn, ctx, parts, j, &next };
	for (size_t j = 1; j < n; j++)
		started[j] = !pthread_create(&th[j], NULL, run_range, &r[j]);
	run_range(&r[0]);
	for (size_t j = 1; j < n; j++) {
		if (started[j])
			pthread_join(th[j], NULL);
		else
			run_range(&r[j]); /* no thread: do it here */
	}
}

/* ---- sparse products ---- */

/* A sparse matrix by rows: row r's entries are [start[r], start[r + 1]),
 * in columns index[]; or, index NULL, a model's rows (m), their columns
 * read block by block (model.h). */
struct sparse {
	size_t rows;
	const uint64_t *start;
	const uint32_t *index;
	const float *weight;
	const struct model *m;
};

/* A row-major float block: `rows` rows of `cols` values, `stride` apart;
 * with zero_pad, each row's columns cols .. stride - 1 hold zeros. */
struct block {
	float *data;
	size_t rows, cols, stride;
	int zero_pad;
};

/* How many columns a product adds, x's rows into y's: y->cols, or that
 * rounded up to whole vectors of 8 when both rows are that long and x's
 * extra columns are zeros (they then add zeros into y's padding). Each
 * column is summed on its own, so the first y->cols are the same bits; the
 * loop has no scalar tail (l = 110: 104 columns in vectors, 6 one by one). */
static size_t product_width(const struct block *x, const struct block *y)
{
	size_t w = (y->cols + 7) / 8 * 8;

	return x->zero_pad && x->cols == y->cols && w <= x->stride && w <= y->stride ? w
											 : y->cols;
}

struct product {
	const struct sparse *s;
	const struct block *x;
	struct block *y;
	size_t *bound; /* row ranges of about equal entries, one per part */
};

/* The product loops are compiled twice on x86-64, for AVX2 and the baseline,
 * and the loader picks one (GCC/clang function multiversioning): measured
 * 1.4x on the products. Both give the same bits, as the loop adds each
 * column on its own and C17 mode does not contract a * b + c into FMA. */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef VECTOR_CLONES
#define VECTOR_CLONES
#endif

/* Asks for the `bytes` at x ahead of use: the rows a product gathers from or
 * adds into are at random places of a block held in L2/L3, out of reach of
 * the hardware prefetcher. Asking for the row PREFETCH entries ahead took
 * the latent stage from 1.47 to 1.29 s of CPU (8 to 16 did as well). */
static inline void prefetch_row(const float *x, size_t bytes)
{
	for (size_t o = 0; o < bytes; o += 64)
		__builtin_prefetch((const char *)x + o);
}

/* y += w x over l elements; `restrict` lets the compiler vectorise it. */
static void axpy(size_t l, float w, const float *restrict x, float *restrict y)
{
	for (size_t j = 0; j < l; j++)
		y[j] += w * x[j];
}

/* The gathers' sums held in registers: a product row's columns are summed
 * GATHER_VECTORS vectors of 8 at a time over all of its entries, each column
 * still adding its products in ascending entry order from +0 (the bits of
 * axpy() into a cleared row), without a load and a store of the row per
 * entry. 7 accumulators leave the weight and a product room among AVX2's 16
 * registers (l = 110: two passes of 56 columns). */
#define GATHER_VECTORS 14

typedef float vec8 __attribute__((vector_size(32)));

/* acc[0 .. nv) += w x[0 .. 8 nv); nv is a constant once inlined. */
static inline __attribute__((always_inline)) void acc_row(vec8 *acc, int nv, float w,
							  const float *x)
{
	vec8 wv = { w, w, w, w, w, w, w, w }, xv;

#pragma GCC unroll 16
	for (int v = 0; v < nv; v++) {
		memcpy(&xv, x + 8 * (size_t)v, sizeof xv);
		acc[v] += wv * xv;
	}
}

/* A run of a product row's entries [lo, hi): weights, and row indexes of
 * 32 or (idx32 NULL) 16 bits into the rows of x from `x` on; rows are asked
 * for PREFETCH entries ahead up to `ahead`. */
struct run {
	const float *weight;
	const uint32_t *idx32;
	const uint16_t *idx16;
	uint64_t lo, hi, ahead;
	const float *x;
	size_t stride;
};

static inline size_t run_index(const struct run *r, uint64_t i)
{
	return r->idx32 ? r->idx32[i] : r->idx16[i];
}

/* Row r of s as runs: one of the index (nnz ahead), or the model's run of
 * term block k. */
static inline struct run row_run(const struct sparse *s, size_t r, const struct block *x,
				 uint32_t k)
{
	if (s->index)
		return (struct run){ s->weight, s->index, NULL, s->start[r], s->start[r + 1],
				     s->start[s->rows], x->data, x->stride };
	uint64_t e = model_run_end(s->m, (uint32_t)r, k);
	return (struct run){ s->m->val, NULL, s->m->term_lo, model_run_begin(s->m, (uint32_t)r, k),
			     e, e, x->data + ((size_t)k << MODEL_BLOCK_BITS) * x->stride,
			     x->stride };
}

static inline uint32_t row_runs(const struct sparse *s)
{
	return s->index ? 1 : s->m->n_blocks;
}

/* gather_run() for 32-bit indexes or not (wide) and asking for rows ahead
 * or not (ahead), both constants once inlined: no test of either per entry. */
static inline __attribute__((always_inline)) void gather_entries(const struct run *r,
								 size_t c, size_t l, int nv,
								 vec8 *acc, int wide, int ahead)
{
	for (uint64_t i = r->lo; i < r->hi; i++) {
		size_t at = wide ? r->idx32[i] : r->idx16[i];
		if (ahead && i + PREFETCH < r->ahead)
			prefetch_row(r->x + (wide ? r->idx32[i + PREFETCH] : r->idx16[i + PREFETCH]) *
						    r->stride,
				     l * sizeof(float));
		acc_row(acc, nv, r->weight[i], r->x + at * r->stride + c);
	}
}

/* acc[0 .. nv) += the run's rows from column c on, times their weights;
 * the first pass (c = 0) asks for each whole row ahead of use. */
static inline __attribute__((always_inline)) void gather_run(const struct run *r, size_t c,
							     size_t l, int nv, vec8 *acc)
{
	if (r->idx32 && !c)
		gather_entries(r, c, l, nv, acc, 1, 1);
	else if (r->idx32)
		gather_entries(r, c, l, nv, acc, 1, 0);
	else if (!c)
		gather_entries(r, c, l, nv, acc, 0, 1);
	else
		gather_entries(r, c, l, nv, acc, 0, 0);
}

/* yr[c .. c + 8 nv) = row r of s times x there, summed in registers. */
static inline __attribute__((always_inline)) void gather_cols(const struct sparse *s, size_t r,
							      const struct block *x, size_t c,
							      size_t l, int nv, float *yr)
{
	vec8 acc[GATHER_VECTORS];

#pragma GCC unroll 16
	for (int v = 0; v < nv; v++)
		acc[v] = (vec8){ 0 };
	for (uint32_t k = 0; k < row_runs(s); k++) {
		struct run run = row_run(s, r, x, k);
		gather_run(&run, c, l, nv, acc);
	}
#pragma GCC unroll 16
	for (int v = 0; v < nv; v++)
		memcpy(yr + c + 8 * (size_t)v, &acc[v], sizeof acc[v]);
}

/* yr[0 .. l) = row r of s times x: whole vectors in register passes, the
 * last l % 8 columns one by one. */
static inline __attribute__((always_inline)) void gather_row(const struct sparse *s, size_t r,
							     const struct block *x, size_t l,
							     float *yr)
{
	size_t c = 0;

	while (c + 8 <= l) {
		size_t nv = (l - c) / 8 < GATHER_VECTORS ? (l - c) / 8 : GATHER_VECTORS;
		switch (nv) {
		case 1: gather_cols(s, r, x, c, l, 1, yr); break;
		case 2: gather_cols(s, r, x, c, l, 2, yr); break;
		case 3: gather_cols(s, r, x, c, l, 3, yr); break;
		case 4: gather_cols(s, r, x, c, l, 4, yr); break;
		case 5: gather_cols(s, r, x, c, l, 5, yr); break;
		case 6: gather_cols(s, r, x, c, l, 6, yr); break;
		case 7: gather_cols(s, r, x, c, l, 7, yr); break;
		case 8: gather_cols(s, r, x, c, l, 8, yr); break;
		case 9: gather_cols(s, r, x, c, l, 9, yr); break;
		case 10: gather_cols(s, r, x, c, l, 10, yr); break;
		case 11: gather_cols(s, r, x, c, l, 11, yr); break;
		case 12: gather_cols(s, r, x, c, l, 12, yr); break;
		case 13: gather_cols(s, r, x, c, l, 13, yr); break;
		default: gather_cols(s, r, x, c, l, 14, yr); break;
		}
		c += 8 * nv;
	}
	for (; c < l; c++) {
		float sum = 0.0f;
		for (uint32_t k = 0; k < row_runs(s); k++) {
			struct run run = row_run(s, r, x, k);
			for (uint64_t i = run.lo; i < run.hi; i++)
				sum += run.weight[i] * run.x[run_index(&run, i) * run.stride + c];
		}
		yr[c] = sum;
	}
}

/* yr[0 .. l) = row r of s times x, an entry at a time into yr in memory:
 * gather_row()'s reference (semantic_use_row_kernels(0)). */
static void plain_row(const struct sparse *s, size_t r, const struct block *x, size_t l,
		      float *yr)
{
	memset(yr, 0, l * sizeof *yr);
	for (uint32_t k = 0; k < row_runs(s); k++) {
		struct run run = row_run(s, r, x, k);
		for (uint64_t i = run.lo; i < run.hi; i++)
			axpy(l, run.weight[i], run.x + run_index(&run, i) * run.stride, yr);
	}
}

VECTOR_CLONES static void product_part(void *ctx, size_t part, size_t worker)
{
	(void)worker;
	struct product *p = ctx;
	const struct sparse *s = p->s;
	size_t l = product_width(p->x, p->y);

	for (size_t r = p->bound[part]; r < p->bound[part + 1]; r++) {
		float *yr = p->y->data + r * p->y->stride;
		memset(yr + l, 0, (p->y->stride - l) * sizeof *yr);
		if (row_kernels)
			gather_row(s, r, p->x, l, yr);
		else
			plain_row(s, r, p->x, l, yr);
	}
}

/* Splits `rows` rows, row r ending at cumulative count start[r + 1], into n
 * parts of about equal counts: part j is rows bound[j] .. bound[j + 1]. */
static void split_rows(const uint64_t *start, size_t rows, size_t n, size_t *bound)
{
	uint64_t total = start[rows];
	size_t r = 0;

	bound[0] = 0;
	for (size_t j = 1; j < n; j++) {
		uint64_t goal = total * j / n;
		while (r < rows && start[r] < goal)
			r++;
		bound[j] = r;
	}
	bound[n] = rows;
}

/* Splits the rows of s into parts of about equal entries, one per thread
 * (at most MAX_THREADS): part j is rows bound[j] .. bound[j + 1]. Terms are
 * far from even, so equal row counts would leave one thread most of the
 * work. Returns the number of parts. */
static size_t balance(const struct sparse *s, int jobs, size_t *bound)
{
	size_t n = jobs < 1 ? 1 : jobs > MAX_THREADS ? MAX_THREADS : (size_t)jobs;

	split_rows(s->start, s->rows, n, bound);
	return n;
}

/* y = S x, row by row on `jobs` threads; y->cols columns of x are used. */
static void multiply(const struct sparse *s, const struct block *x, struct block *y, int jobs)
{
	size_t bound[MAX_THREADS + 1];
	struct product p = { s, x, y, bound };
	size_t n = balance(s, jobs, bound);

	run_parts((int)n, n, product_part, &p);
	y->zero_pad = 1;
}

/* The transpose of the model's rows (its postings), built when the model has
 * none; *owned gets what must be freed. It is built on threads: story part j (rows bound[j] ..
 * bound[j + 1], about equal entries) first counts its entries per term into
 * at[j]; those counts become, term by term, the place where the part's first
 * entry of the term goes (the parts before it come first); then each part
 * writes its own stories, in order, from there. A term's postings are thus
 * in ascending story order whatever the number of parts: the same arrays as
 * one pass over the rows. On real text (4,316 stories) the one pass was 4-14
 * ms of one thread while the others waited. */
#define TRANSPOSE_PARTS 8
struct transposing {
	const struct model *m;
	size_t bound[TRANSPOSE_PARTS + 1];
	uint64_t *at[TRANSPOSE_PARTS]; /* per part: n_terms counts, then places */
	uint32_t *doc;
	float *weight;
};

/* One part's stories walked term by term: each entry's slot in its term's
 * column counted (first pass) or, with `place`, filled with the story and
 * weight (second pass, the counts turned into places). */
static inline __attribute__((always_inline)) void walk_part(struct transposing *x, size_t part,
							    int place)
{
	const struct model *m = x->m;
	uint64_t *at = x->at[part];

	for (size_t d = x->bound[part]; d < x->bound[part + 1]; d++)
		for (uint32_t k = 0; k < m->n_blocks; k++) {
			uint64_t *a = at + ((size_t)k << MODEL_BLOCK_BITS);
			for (uint64_t i = model_run_begin(m, (uint32_t)d, k);
			     i < model_run_end(m, (uint32_t)d, k); i++) {
				uint64_t w = a[m->term_lo[i]]++;
				if (place) {
					x->doc[w] = (uint32_t)d;
					x->weight[w] = m->val[i];
				}
			}
		}
}

static void count_part(void *ctx, size_t part, size_t worker)
{
	(void)worker;
	walk_part(ctx, part, 0);
}

static void place_part(void *ctx, size_t part, size_t worker)
{
	(void)worker;
	walk_part(ctx, part, 1);
}

static int transpose(const struct model *m, struct sparse *at, void **owned, int jobs)
{
	struct transposing x = { .m = m };
	size_t parts = jobs < 1 ? 1 : jobs > TRANSPOSE_PARTS ? TRANSPOSE_PARTS : (size_t)jobs;
	uint64_t *start;
	int rc = 0;

	at->rows = m->n_terms;
	start = calloc((size_t)m->n_terms + 1, sizeof *start);
	/* each written once, in story order: huge pages fault in fewer times */
	x.doc = bigmem_alloc((m->nnz ? m->nnz : 1) * sizeof *x.doc);
	x.weight = bigmem_alloc((m->nnz ? m->nnz : 1) * sizeof *x.weight);
	owned[0] = start;
	owned[1] = x.doc;
	owned[2] = x.weight;
	for (size_t j = 0; j < parts; j++)
		if (!(x.at[j] = calloc((size_t)m->n_terms + 1, sizeof *x.at[j])))
			rc = -1;
	if (rc || !start || !x.doc || !x.weight)
		goto done;
	split_rows(m->row, m->n_docs, parts, x.bound);
	run_parts((int)parts, parts, count_part, &x);
	for (uint32_t t = 0; t < m->n_terms; t++) {
		uint64_t k = start[t];
		for (size_t j = 0; j < parts; j++) {
			uint64_t c = x.at[j][t];
			x.at[j][t] = k;
			k += c;
		}
		start[t + 1] = k;
	}
	run_parts((int)parts, parts, place_part, &x);
	at->start = start;
	at->index = x.doc;
	at->weight = x.weight;
done:
	for (size_t j = 0; j < parts; j++)
		free(x.at[j]);
	return rc || !start || !x.doc || !x.weight ? -1 : 0;
}

/* Aᵀ without its transpose: term part j is terms bound[j] .. bound[j + 1]
 * (about equal entries), and its product rows are summed by a scan of every
 * story, each adding its row of x into the rows of its terms in the part. A
 * term's row thus sums its entries in ascending story order, as the gather
 * over postings does: the same bits, for any number of parts, so the parts
 * can follow -j. Costs one binary search per story and part, and no nnz-sized
 * copy (3.5 GB at a million stories). Blocking the terms so that the rows
 * added to stay in L2 (a cursor per story) did not pay: 1.10 s -> 1.14 s. */
struct terms {
	const struct sparse *a;
	size_t parts;
	size_t *bound; /* parts + 1 */
};

struct term_product {
	const struct terms *ts;
	const struct block *x;
	struct block *y;
};

/* Adds story d's row of the model's rows times x[d] into the rows t0 ..
 * t1 - 1 of y (term_part()'s step for a model's rows). */
static inline void model_row_into_terms(const struct model *m, size_t d, const float *xd,
					size_t l, size_t t0, size_t t1, struct block *y)
{
	for (uint32_t k = (uint32_t)(t0 >> MODEL_BLOCK_BITS);
	     k < m->n_blocks && ((size_t)k << MODEL_BLOCK_BITS) < t1; k++) {
		size_t base = (size_t)k << MODEL_BLOCK_BITS, from = t0 > base ? t0 - base : 0;
		uint64_t lo = model_run_begin(m, (uint32_t)d, k), hi = model_run_end(m, (uint32_t)d, k);
		uint64_t end = hi;
		float *yk = y->data + base * y->stride;
		while (lo < hi) { /* first entry with term >= t0 */
			uint64_t mid = lo + (hi - lo) / 2;
			if (m->term_lo[mid] < from)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (uint64_t i = lo; i < end && base + m->term_lo[i] < t1; i++) {
			if (i + PREFETCH < end && base + m->term_lo[i + PREFETCH] < t1)
				prefetch_row(yk + (size_t)m->term_lo[i + PREFETCH] * y->stride,
					     l * sizeof(float));
			axpy(l, m->val[i], xd, yk + (size_t)m->term_lo[i] * y->stride);
		}
	}
}

VECTOR_CLONES static void term_part(void *ctx, size_t part, size_t worker)
{
	(void)worker;
	struct term_product *p = ctx;
	const struct sparse *a = p->ts->a;
	size_t l = product_width(p->x, p->y), t0 = p->ts->bound[part], t1 = p->ts->bound[part + 1];

	for (size_t r = t0; r < t1; r++)
		memset(p->y->data + r * p->y->stride, 0, p->y->stride * sizeof(float));
	if (t0 == t1)
		return;
	for (size_t d = 0; d < a->rows; d++) {
		if (!a->index) {
			model_row_into_terms(a->m, d, p->x->data + d * p->x->stride, l, t0, t1,
					     p->y);
			continue;
		}
		uint64_t lo = a->start[d], hi = a->start[d + 1], end = hi;
		const float *xd = p->x->data + d * p->x->stride;

		if (lo == hi || a->index[hi - 1] < t0 || a->index[lo] >= t1)
			continue;
		while (lo < hi) { /* first entry with index >= t0 */
			uint64_t mid = lo + (hi - lo) / 2;
			if (a->index[mid] < t0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (uint64_t i = lo; i < end && a->index[i] < t1; i++) {
			if (i + PREFETCH < end && a->index[i + PREFETCH] < t1)
				prefetch_row(p->y->data + (size_t)a->index[i + PREFETCH] * p->y->stride,
					     l * sizeof(float));
			axpy(l, a->weight[i], xd, p->y->data + (size_t)a->index[i] * p->y->stride);
		}
	}
}

/* Term parts for `jobs` threads: bound gets parts + 1 entries. -1 when
 * memory runs out. */
static int terms_init(struct terms *ts, const struct model *m, const struct sparse *a, int jobs)
{
	size_t n = jobs < 1 ? 1 : jobs > MAX_THREADS ? MAX_THREADS : (size_t)jobs;
	uint64_t *count = calloc((size_t)m->n_terms + 1, sizeof *count);

	ts->a = a;
	ts->parts = n;
	ts->bound = malloc((ts->parts + 1) * sizeof *ts->bound);
	if (!count || !ts->bound) {
		free(count);
		return -1;
	}
	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint32_t b = 0; b < m->n_blocks; b++) {
			uint64_t *c = count + 1 + ((size_t)b << MODEL_BLOCK_BITS);
			for (uint64_t i = model_run_begin(m, d, b); i < model_run_end(m, d, b); i++)
				c[m->term_lo[i]]++;
		}
	for (uint32_t t = 0; t < m->n_terms; t++)
		count[t + 1] += count[t];
	split_rows(count, m->n_terms, ts->parts, ts->bound);
	free(count);
	return 0;
}

/* y = Aᵀ x: over the postings when the model has them, else by term parts. */
static void times_transpose(const struct terms *ts, const struct sparse *at,
			    const struct block *x, struct block *y, int jobs)
{
	struct term_product p = { ts, x, y };

	if (at->index) {
		multiply(at, x, y, jobs);
		return;
	}
	run_parts(jobs, ts->parts, term_part, &p);
	y->zero_pad = 1;
}

/* y = A z: the gather by stories, each row's sums held in registers. */
static void times_matrix(const struct sparse *a, const struct block *z, struct block *y,
			 int jobs)
{
	multiply(a, z, y, jobs);
}

/* ---- dense steps over float blocks ---- */

/* The dense state. The block y (stories x l: Y, then Q and the right side of
 * the basis product; or terms x l for the projected Gram matrix) stays in
 * float; the dense steps convert a chunk of at most CHUNK rows at a time to
 * double, transposed (l x CHUNK, row-major), in a buffer of the thread
 * (worker) that works the chunk: in that layout GSL's reference dsyrk and
 * dtrsm run along contiguous rows, and the l x CHUNK doubles stay in the
 * core's cache. Part b is rows n b / parts to n (b + 1) / parts; each part
 * has one l x l matrix for its sum. No l x stories double block is kept: at
 * a million stories two of them were 1.8 GB. A buffer per part instead of
 * per worker was 4 MB more fresh memory on real text (32 parts, 2 threads:
 * 1,000 more page faults, 10 ms of CPU at times on this VM). */
struct dense {
	size_t n, l, k, parts;
	struct block *y;
	const struct block *w; /* A Aᵀ Q, for blas_cross */
	const struct sparse *a; /* A and Z = Aᵀ Q: rows_sum() gathers W's rows */
	const struct block *z;
	double *buf;           /* per worker: 2 l CHUNK doubles */
	double *sums;          /* parts l x l sums, row-major, part b's at b l² */
	const gsl_matrix *tri; /* the Cholesky factor, for dense_solve */
	int rows;              /* the row kernels below, not GSL's BLAS */
	const gsl_matrix *v;   /* eigenvectors, for dense_vectors */
	double *sigma;         /* k singular values: sqrt of the eigenvalues (>= 0) */
	float *vecs;           /* n x k */
};

/* Parts of the dense steps over `rows` rows: at most MAX_PARTS, of at least
 * MIN_PART rows, so fixed by the row count alone. */
static size_t dense_parts(size_t rows)
{
	return rows / MIN_PART < 1 ? 1 : rows / MIN_PART > MAX_PARTS ? MAX_PARTS : rows / MIN_PART;
}

static size_t part_begin(const struct dense *d, size_t b)
{
	return d->n * b / d->parts;
}

/* Buffer `which` (0 or 1) of a worker as a rows x cols matrix, CHUNK apart. */
static gsl_matrix_view work_buffer(const struct dense *d, size_t worker, int which, size_t rows,
				   size_t cols)
{
	return gsl_matrix_view_array_with_tda(d->buf + (2 * worker + (size_t)which) * d->l * CHUNK,
					      rows, cols, CHUNK);
}

static gsl_matrix_view part_sum(const struct dense *d, size_t b)
{
	return gsl_matrix_view_array(d->sums + b * d->l * d->l, d->l, d->l);
}

/* Bytes of the part sums of a fit on n stories, l columns. */
static size_t sums_bytes(size_t n, size_t l)
{
	return dense_parts(n) * l * l * sizeof(double);
}

/* Rows c0 .. c1 of src, transposed, into the first columns of out. */
static void block_to_double(const struct block *src, size_t l, size_t c0, size_t c1,
			    gsl_matrix *out)
{
	for (size_t i = c0; i < c1; i++) {
		const float *row = src->data + i * src->stride;
		for (size_t j = 0; j < l; j++)
			out->data[j * out->tda + (i - c0)] = row[j];
	}
}

static void to_double(const struct dense *d, size_t c0, size_t c1, gsl_matrix *out)
{
	block_to_double(d->y, d->l, c0, c1, out);
}

/* ---- the dense steps story by story ----
 *
 * GSL's CBLAS is the reference BLAS: its dsyrk and its dgemm with one side
 * transposed sum each entry as one dot product, an add waiting on the one
 * before, and its dtrsm does not vectorise. The same sums are formed here
 * story by story (row k of the block at a time): each entry still adds
 * its products in ascending story order from 0.0, and each part's chunk is
 * added to its sum as GSL adds its chunk result, so the bits are GSL's
 * (test_semantic compares them), but the adds of one story run side by side
 * along a row, which the compiler vectorises. Measured on real text (4,316
 * stories, l = 110): the dense steps took about half the latent stage.
 * Used when a worker's buffer holds their sums and rows (work_of()). */

/* Row k of a float block in double. */
static void row_to_double(const struct block *src, size_t k, size_t l, double *restrict out)
{
	const float *row = src->data + k * src->stride;

	for (size_t j = 0; j < l; j++)
		out[j] = row[j];
}

/* The dense sums held in registers: y[0 .. n) plus (or less) the sum over
 * t < m of b_t times row t of x, each y_j adding (subtracting) its products
 * in ascending t, as daxpy() a row at a time into y in memory would, but
 * DENSE_VECTORS vectors of 4 doubles at a time with y loaded and stored once
 * a pass, not once per row t. 14 accumulators leave b_t and a product room
 * among AVX2's 16 registers. */
#define DENSE_VECTORS 14
/* Stories rows_sum() works in double at a time, their rows read again for
 * each row of the l x l sum: 32 rows of l = 110 are 28 KB. */
#define SUB_ROWS 32

typedef double vec4d __attribute__((vector_size(32)));

/* One pass over y[0 .. 4 nv) (sub: less); nv a constant once inlined. */
static inline __attribute__((always_inline)) void dense_pass(double *y, size_t m,
							     const double *b, size_t bs,
							     const double *x, size_t xs, int nv,
							     int sub)
{
	vec4d acc[DENSE_VECTORS], xv;

#pragma GCC unroll 16
	for (int v = 0; v < nv; v++)
		memcpy(&acc[v], y + 4 * (size_t)v, sizeof acc[v]);
	for (size_t t = 0; t < m; t++) {
		double bt = b[t * bs];
		vec4d bv = { bt, bt, bt, bt };
		const double *xt = x + t * xs;
#pragma GCC unroll 16
		for (int v = 0; v < nv; v++) {
			memcpy(&xv, xt + 4 * (size_t)v, sizeof xv);
			if (sub)
				acc[v] -= bv * xv;
			else
				acc[v] += bv * xv;
		}
	}
#pragma GCC unroll 16
	for (int v = 0; v < nv; v++)
		memcpy(y + 4 * (size_t)v, &acc[v], sizeof acc[v]);
}

/* y[0 .. n) plus (sub: less) the sum over t < m of b[t bs] x[t xs + j]:
 * passes of whole vectors, the last n % 4 columns one by one. */
static inline __attribute__((always_inline)) void dense_sums(double *y, size_t n, size_t m,
							     const double *b, size_t bs,
							     const double *x, size_t xs, int sub)
{
	size_t c = 0;

	while (c + 4 <= n) {
		size_t nv = (n - c) / 4 < DENSE_VECTORS ? (n - c) / 4 : DENSE_VECTORS;
		switch (nv) {
		case 1: dense_pass(y + c, m, b, bs, x + c, xs, 1, sub); break;
		case 2: dense_pass(y + c, m, b, bs, x + c, xs, 2, sub); break;
		case 3: dense_pass(y + c, m, b, bs, x + c, xs, 3, sub); break;
		case 4: dense_pass(y + c, m, b, bs, x + c, xs, 4, sub); break;
		case 5: dense_pass(y + c, m, b, bs, x + c, xs, 5, sub); break;
		case 6: dense_pass(y + c, m, b, bs, x + c, xs, 6, sub); break;
		case 7: dense_pass(y + c, m, b, bs, x + c, xs, 7, sub); break;
		case 8: dense_pass(y + c, m, b, bs, x + c, xs, 8, sub); break;
		case 9: dense_pass(y + c, m, b, bs, x + c, xs, 9, sub); break;
		case 10: dense_pass(y + c, m, b, bs, x + c, xs, 10, sub); break;
		case 11: dense_pass(y + c, m, b, bs, x + c, xs, 11, sub); break;
		case 12: dense_pass(y + c, m, b, bs, x + c, xs, 12, sub); break;
		case 13: dense_pass(y + c, m, b, bs, x + c, xs, 13, sub); break;
		default: dense_pass(y + c, m, b, bs, x + c, xs, 14, sub); break;
		}
		c += 4 * nv;
	}
	for (; c < n; c++) {
		double a = y[c];
		for (size_t t = 0; t < m; t++) {
			if (sub)
				a -= b[t * bs] * x[t * xs + c];
			else
				a += b[t * bs] * x[t * xs + c];
		}
		y[c] = a;
	}
}

/* A worker's buffer: an lp x lp accumulator and 2 SUB_ROWS rows of lp,
 * lp = l rounded up to whole vectors of 4 (row_stride()). */
static double *work_of(const struct dense *d, size_t worker)
{
	return d->buf + 2 * worker * d->l * CHUNK;
}

static size_t row_stride(size_t l)
{
	return (l + 3) / 4 * 4;
}

/* c's lower triangle (l x l, row-major, tda apart) = (first ? 0 : c) + acc
 * (rows lp apart), as GSL's beta then alpha * temp. */
static void add_chunk(gsl_matrix *c, const double *acc, size_t l, size_t lp, int first)
{
	for (size_t i = 0; i < l; i++) {
		double *ci = c->data + i * c->tda;
		const double *ai = acc + i * lp;
		if (first) /* c not read: its fresh pages fault once, written */
			for (size_t j = 0; j <= i; j++)
				ci[j] = 0.0 + ai[j];
		else
			for (size_t j = 0; j <= i; j++)
				ci[j] += ai[j];
	}
}

/* Row k of a float block in double, its columns l .. lp - 1 zeros. */
static void row_to_padded(const struct block *src, size_t k, size_t l, size_t lp,
			  double *restrict out)
{
	row_to_double(src, k, l, out);
	for (size_t j = l; j < lp; j++)
		out[j] = 0.0;
}

/* Row k of W = A Z into out (lp doubles, zeros past l), gathered as
 * multiply() would write it into a block of l columns (gather_row(): the
 * same bits); wrow holds the floats. */
static inline __attribute__((always_inline)) void w_row(const struct dense *d, size_t k,
							 float *wrow, double *out)
{
	struct block wb = { wrow, 1, d->l, (d->l + PAD - 1) / PAD * PAD, 0 };

	gather_row(d->a, k, d->z, product_width(d->z, &wb), wrow);
	row_to_padded(&wb, 0, d->l, row_stride(d->l), out);
}

/* Part sum of part b, Y_bᵀ Y_b or (cross) Q_bᵀ W_b, lower triangle (all
 * that is read of either: add_parts()), by rows: each chunk's sum acc_ij
 * adds q_ki x_kj story by story, SUB_ROWS stories of rows in double at a
 * time. Row i sums its columns up to i rounded up to whole vectors (the few
 * beyond i are not read), over rows padded with zeros to lp: no column is
 * summed one by one. The full cross sum and the tails summed one by one
 * took 135 M instructions on real text (4,316 stories, l = 110), this 88 M.
 * W's rows are gathered here, story by story, not kept in a block of their
 * own: 1.9 MB less fresh memory on real text, and no pass writing W and
 * reading it back. */
VECTOR_CLONES static void rows_sum(const struct dense *d, size_t b, size_t worker, int cross)
{
	size_t l = d->l, lp = row_stride(l), end = part_begin(d, b + 1);
	double *acc = work_of(d, worker), *q = acc + lp * lp, *x = cross ? q + SUB_ROWS * lp : q;
	float *wrow = (float *)(x + SUB_ROWS * lp);
	gsl_matrix_view c = part_sum(d, b);

	for (size_t c0 = part_begin(d, b); c0 < end; c0 += CHUNK) {
		size_t c1 = end - c0 < CHUNK ? end : c0 + CHUNK;
		for (size_t i = 0; i < l; i++)
			memset(acc + i * lp, 0, row_stride(i + 1) * sizeof *acc);
		for (size_t s0 = c0; s0 < c1; s0 += SUB_ROWS) {
			size_t m = c1 - s0 < SUB_ROWS ? c1 - s0 : SUB_ROWS;
			for (size_t k = 0; k < m; k++) {
				row_to_padded(d->y, s0 + k, l, lp, q + k * lp);
				if (cross)
					w_row(d, s0 + k, wrow, x + k * lp);
			}
			for (size_t i = 0; i < l; i++)
				dense_sums(acc + i * lp, row_stride(i + 1), m, q + i, lp, x, lp, 0);
		}
		add_chunk(&c.matrix, acc, l, lp, c0 == part_begin(d, b));
	}
}

/* Stories rows_solve() solves side by side, one per lane: SOLVE_VECTORS
 * vectors of 4 doubles. */
#define SOLVE_VECTORS 8
#define SOLVE_STORIES (4 * SOLVE_VECTORS)

/* Solves L x = y for the 4 nv stories whose rows are x's columns (x is
 * l x 4 nv, row j their j-th values, solved in place), as GSL's left lower
 * dtrsm does for each: x_k less L_ki x_i for i = 0 .. k - 1 in ascending i,
 * then divided by L_kk. Each lane is one story, so every operation is a
 * story's own; a row of L is read along, broadcast to the lanes. */
static inline __attribute__((always_inline)) void solve_lanes(const double *tri, size_t tda,
							      size_t l, double *x, int nv)
{
	vec4d acc[SOLVE_VECTORS], xv;

	for (size_t k = 0; k < l; k++) {
		const double *lk = tri + k * tda;
		double *xk = x + k * 4 * (size_t)nv;
#pragma GCC unroll 8
		for (int v = 0; v < nv; v++)
			memcpy(&acc[v], xk + 4 * v, sizeof acc[v]);
		for (size_t i = 0; i < k; i++) {
			vec4d b = { lk[i], lk[i], lk[i], lk[i] };
			const double *xi = x + i * 4 * (size_t)nv;
#pragma GCC unroll 8
			for (int v = 0; v < nv; v++) {
				memcpy(&xv, xi + 4 * v, sizeof xv);
				acc[v] -= b * xv;
			}
		}
		vec4d dv = { lk[k], lk[k], lk[k], lk[k] };
#pragma GCC unroll 8
		for (int v = 0; v < nv; v++) {
			acc[v] /= dv;
			memcpy(xk + 4 * v, &acc[v], sizeof acc[v]);
		}
	}
}

/* Part b of Q = Y L⁻ᵀ: each story's row x solves L x = y as GSL's left
 * lower dtrsm does, SOLVE_STORIES stories at a time, a story a lane (their
 * rows transposed into the worker's buffer, lanes past the part's end
 * zeros). Solving a story along its row, 16 columns at a time, took 3.6
 * times the instructions: the columns within a tile one by one. */
VECTOR_CLONES static void rows_solve(const struct dense *d, size_t b, size_t worker)
{
	size_t l = d->l, end = part_begin(d, b + 1);
	double *x = work_of(d, worker);

	for (size_t s0 = part_begin(d, b); s0 < end; s0 += SOLVE_STORIES) {
		size_t m = end - s0 < SOLVE_STORIES ? end - s0 : SOLVE_STORIES;
		size_t nv = (m + 3) / 4, w = 4 * nv;
		for (size_t s = 0; s < w; s++) {
			const float *row = d->y->data + (s0 + s) * d->y->stride;
			for (size_t j = 0; j < l; j++)
				x[j * w + s] = s < m ? row[j] : 0.0;
		}
		switch (nv) {
		case 1: solve_lanes(d->tri->data, d->tri->tda, l, x, 1); break;
		case 2: solve_lanes(d->tri->data, d->tri->tda, l, x, 2); break;
		case 3: solve_lanes(d->tri->data, d->tri->tda, l, x, 3); break;
		case 4: solve_lanes(d->tri->data, d->tri->tda, l, x, 4); break;
		case 5: solve_lanes(d->tri->data, d->tri->tda, l, x, 5); break;
		case 6: solve_lanes(d->tri->data, d->tri->tda, l, x, 6); break;
		case 7: solve_lanes(d->tri->data, d->tri->tda, l, x, 7); break;
		default: solve_lanes(d->tri->data, d->tri->tda, l, x, 8); break;
		}
		for (size_t s = 0; s < m; s++) {
			float *row = d->y->data + (s0 + s) * d->y->stride;
			for (size_t j = 0; j < l; j++)
				row[j] = (float)x[j * w + s];
		}
	}
}

/* Story k's row of Q V (first k columns) into u, as GSL's dgemm with the
 * left side transposed sums it: u_i = 0 + the V_ji q_j in ascending j (GSL
 * skips a V_ji of 0: adding q_j * 0 to u_i changes nothing, as u_i, a sum
 * from +0 of finite products, is never -0). */
VECTOR_CLONES static void row_times_v(const struct dense *d, const double *q, double *restrict u)
{
	memset(u, 0, d->k * sizeof *u);
	dense_sums(u, d->k, d->l, q, 1, d->v->data, d->v->tda, 0);
}

/* Part sum of part b: Q_bᵀ W_b, W = A Aᵀ Q, with GSL's BLAS. */
static void blas_cross(const struct dense *d, size_t b, size_t worker)
{
	gsl_matrix_view c = part_sum(d, b);
	size_t end = part_begin(d, b + 1);

	for (size_t c0 = part_begin(d, b); c0 < end; c0 += CHUNK) {
		size_t c1 = end - c0 < CHUNK ? end : c0 + CHUNK;
		gsl_matrix_view q = work_buffer(d, worker, 0, d->l, c1 - c0),
				w = work_buffer(d, worker, 1, d->l, c1 - c0);

		to_double(d, c0, c1, &q.matrix);
		block_to_double(d->w, d->l, c0, c1, &w.matrix);
		gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &q.matrix, &w.matrix,
			       c0 == part_begin(d, b) ? 0.0 : 1.0, &c.matrix);
	}
}

static void dense_cross(void *ctx, size_t b, size_t worker)
{
	struct dense *d = ctx;

	if (d->rows)
		rows_sum(d, b, worker, 1);
	else
		blas_cross(d, b, worker);
}

/* Part sum of part b: Y_bᵀ Y_b (lower triangle), with GSL's BLAS. */
static void blas_gram(const struct dense *d, size_t b, size_t worker)
{
	gsl_matrix_view g = part_sum(d, b);
	size_t end = part_begin(d, b + 1);

	for (size_t c0 = part_begin(d, b); c0 < end; c0 += CHUNK) {
		size_t c1 = end - c0 < CHUNK ? end : c0 + CHUNK;
		gsl_matrix_view y = work_buffer(d, worker, 0, d->l, c1 - c0);

		to_double(d, c0, c1, &y.matrix);
		gsl_blas_dsyrk(CblasLower, CblasNoTrans, 1.0, &y.matrix,
			       c0 == part_begin(d, b) ? 0.0 : 1.0, &g.matrix);
	}
}

static void dense_gram(void *ctx, size_t b, size_t worker)
{
	struct dense *d = ctx;

	if (d->rows)
		rows_sum(d, b, worker, 0);
	else
		blas_gram(d, b, worker);
}

/* Part b of Q = Y L⁻ᵀ, in place in y, with GSL's BLAS. */
static void blas_solve(const struct dense *d, size_t b, size_t worker)
{
	size_t end = part_begin(d, b + 1);

	for (size_t c0 = part_begin(d, b); c0 < end; c0 += CHUNK) {
		size_t c1 = end - c0 < CHUNK ? end : c0 + CHUNK;
		gsl_matrix_view y = work_buffer(d, worker, 0, d->l, c1 - c0);

		to_double(d, c0, c1, &y.matrix);
		gsl_blas_dtrsm(CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0, d->tri,
			       &y.matrix);
		for (size_t i = c0; i < c1; i++) {
			float *row = d->y->data + i * d->y->stride;
			for (size_t j = 0; j < d->l; j++)
				row[j] = (float)y.matrix.data[j * y.matrix.tda + (i - c0)];
		}
	}
}

static void dense_solve(void *ctx, size_t b, size_t worker)
{
	struct dense *d = ctx;

	if (d->rows)
		rows_solve(d, b, worker);
	else
		blas_solve(d, b, worker);
}

/* Part b of the story vectors (rows of Q V Σ, unit length) and of Q V Σ⁻¹
 * (directions whose singular value is below 1e-6 of the largest: zero),
 * the latter over the first k columns of y's rows, where Q was. */
/* Story i's vector (unit row of Q V Σ) and its row of Q V Σ⁻¹ (over the
 * first k columns of its row of y) from u = its row of Q V, `stride` apart. */
static void story_vector(const struct dense *d, size_t i, const double *u, size_t stride,
			 double s0)
{
	float *proj = d->y->data + i * d->y->stride;
	double norm = 0;

	for (size_t j = 0; j < d->k; j++) {
		double s = d->sigma[j];
		double x = u[j * stride];
		norm += x * s * x * s;
		proj[j] = s > 1e-6 * s0 && s > 0 ? (float)(x / s) : 0.0f;
	}
	norm = norm > 0 ? 1.0 / sqrt(norm) : 0.0;
	for (size_t j = 0; j < d->k; j++)
		d->vecs[i * d->k + j] = (float)(u[j * stride] * d->sigma[j] * norm);
}

static void dense_vectors(void *ctx, size_t b, size_t worker)
{
	struct dense *d = ctx;
	gsl_matrix_const_view vk = gsl_matrix_const_submatrix(d->v, 0, 0, d->l, d->k);
	double s0 = d->sigma[0];
	size_t end = part_begin(d, b + 1);

	if (d->rows) {
		double *q = work_of(d, worker), *u = q + d->l;
		for (size_t i = part_begin(d, b); i < end; i++) {
			row_to_double(d->y, i, d->l, q);
			row_times_v(d, q, u);
			story_vector(d, i, u, 1, s0);
		}
		return;
	}
	for (size_t c0 = part_begin(d, b); c0 < end; c0 += CHUNK) {
		size_t c1 = end - c0 < CHUNK ? end : c0 + CHUNK;
		gsl_matrix_view q = work_buffer(d, worker, 0, d->l, c1 - c0),
				u = work_buffer(d, worker, 1, d->k, c1 - c0);

		to_double(d, c0, c1, &q.matrix);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &vk.matrix, &q.matrix, 0.0,
			       &u.matrix);
		for (size_t i = c0; i < c1; i++)
			story_vector(d, i, u.matrix.data + (i - c0), u.matrix.tda, s0);
	}
}

/* The part sums added in part order into g's lower triangle (the Gram and
 * cross sums are read there alone: the Cholesky factorisation reads it, the
 * projected matrix is mirrored from it): each entry 0.0 + part 0 + part 1
 * ..., as gsl_matrix_add() into a cleared g gave, but along rows the
 * compiler vectorises and half the entries (gsl_matrix_add() of the 32 full
 * l x l parts was about 1 ms of one core per sum on real text, l = 110). */
static void add_parts(const struct dense *d, gsl_matrix *g)
{
	for (size_t i = 0; i < d->l; i++) {
		double *restrict gi = g->data + i * g->tda;
		for (size_t j = 0; j <= i; j++)
			gi[j] = 0.0;
		for (size_t b = 0; b < d->parts; b++) {
			const double *restrict pi = d->sums + (b * d->l + i) * d->l;
			for (size_t j = 0; j <= i; j++)
				gi[j] += pi[j];
		}
	}
}

/* g = yᵀ y over the `rows` rows of y, lower triangle mirrored, summed by
 * parts fixed by the row count. d is left working on y. */
static void dense_gram_of(struct dense *d, struct block *y, size_t rows, gsl_matrix *g, int jobs)
{
	d->y = y;
	d->n = rows;
	d->parts = dense_parts(rows);
	run_parts(jobs, d->parts, dense_gram, d);
	add_parts(d, g);
}

/* Makes the columns of y orthonormal, in place: G = YᵀY = L Lᵀ,
 * Q = Y L⁻ᵀ. A tiny ridge keeps the Cholesky factorisation defined when Y is
 * rank deficient (more columns than the data supports). Cholesky QR loses
 * orthogonality as G's condition number times the rounding error, so when
 * that number is beyond 1e8 (measured 1e4 to 1e5 on news corpora, where one
 * pass suffices) the step is repeated on Q. */
static int cholesky_qr(struct dense *d, struct block *y, gsl_matrix *g, gsl_vector *work,
		       int jobs)
{
	for (int pass = 0; pass < 2; pass++) {
		double trace = 0, rcond;

		dense_gram_of(d, y, y->rows, g, jobs);
		for (size_t j = 0; j < g->size1; j++)
			trace += gsl_matrix_get(g, j, j);
		for (size_t j = 0; j < g->size1; j++)
			*gsl_matrix_ptr(g, j, j) += 1e-12 * (trace > 0 ? trace : 1.0);
		if (gsl_linalg_cholesky_decomp1(g) || gsl_linalg_cholesky_rcond(g, &rcond, work))
			return -1;
		d->tri = g;
		run_parts(jobs, d->parts, dense_solve, d);
		if (rcond >= 1e-8)
			break;
	}
	return 0;
}

/* Float storage for rows x stride values (bigmem_alloc(): 64-byte aligned,
 * a large block on huge pages), or NULL. Not
 * cleared: every block is written (its cols columns, row by row, by the
 * test matrix's draw or by the product that fills it) before it is read,
 * and the pads are never read. Clearing them faulted their pages in on
 * one thread while the others waited (the terms x l block is 10 MB on real
 * text, 448 MB at a million terms); the products now touch them first, on
 * their threads. */
static float *alloc_block(struct block *b, size_t rows, size_t cols)
{
	size_t stride = (cols + PAD - 1) / PAD * PAD;
	size_t bytes;

	if (rows && stride > SIZE_MAX / sizeof(float) / rows)
		return NULL;
	bytes = (rows ? rows : 1) * stride * sizeof(float);
	b->data = bigmem_alloc(bytes);
	b->rows = rows;
	b->cols = cols;
	b->stride = stride;
	b->zero_pad = 0; /* not cleared: each is written before it is read */
	return b->data;
}

int semantic_fit(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		 float **vecs, uint32_t *out_dim, struct error *err)
{
	return semantic_fit_basis(m, dim, seed, jobs, vecs, NULL, out_dim, err);
}

/* ---- the test matrix drawn ahead ---- */

/* The range finder's Gaussian test matrix, y's rows x columns, drawn from
 * `rng` (set to `seed` here) into y; its padding zeros. */
static void draw_gaussian(gsl_rng *rng, uint64_t seed, struct block *y)
{
	gsl_rng_set(rng, (unsigned long)seed);
	for (size_t i = 0; i < y->rows; i++) {
		float *row = y->data + i * y->stride;
		for (size_t j = 0; j < y->cols; j++)
			row[j] = (float)gsl_ran_gaussian_ziggurat(rng, 1.0);
		memset(row + y->cols, 0, (y->stride - y->cols) * sizeof *row);
	}
	y->zero_pad = 1;
}

struct semantic_draw {
	pthread_t th;
	int running, ok;
	size_t n, l;      /* the stories and columns it is drawn for */
	uint64_t seed;
	gsl_rng *rng;
	struct block y;   /* handed to the fit, or freed with the draw */
	double *sums;     /* the fit's part sums (struct dense), touched */
};

/* Draws the test matrix and makes the part sums' pages: on real text (32
 * parts, l = 110) the sums' 3.1 MB of fresh memory were 755 page faults in
 * the fit's first Gram sum, taken by both threads side by side in the same
 * few MB, which cost that sum about 10 ms of wall time (1.1-1.3 ms with the
 * pages made; one thread alone touched them in 1.6-1.9 ms). */
static void *draw_main(void *arg)
{
	struct semantic_draw *d = arg;
	size_t bytes = sums_bytes(d->n, d->l);

	d->ok = alloc_block(&d->y, d->n, d->l) != NULL && (d->sums = malloc(bytes)) != NULL;
	if (!d->ok)
		return NULL;
	draw_gaussian(d->rng, d->seed, &d->y);
	memset(d->sums, 0, bytes);
	return NULL;
}

struct semantic_draw *semantic_draw_start(size_t n_docs, uint32_t dim, uint64_t seed,
					  size_t fit_stories)
{
	struct semantic_draw *d;
	gsl_error_handler_t *old;
	size_t n = n_docs, l = (size_t)dim + OVERSAMPLE;

	/* the rows semantic_fit_sampled() fits on */
	if (fit_stories && n_docs > fit_stories && fit_stories >= l)
		n = fit_stories;
	if (l > n)
		l = n;
	if (l < 2 || n > SIZE_MAX / sizeof(double) / (l + PAD) || !(d = calloc(1, sizeof *d)))
		return NULL;
	d->n = n;
	d->l = l;
	d->seed = seed;
	/* allocated here, not on the thread: GSL's error handler is the
	 * process's, switched off only around this call */
	old = gsl_set_error_handler_off();
	d->rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_set_error_handler(old);
	if (d->rng)
		d->running = !pthread_create(&d->th, NULL, draw_main, d);
	if (!d->running) {
		gsl_rng_free(d->rng);
		free(d);
		return NULL;
	}
	return d;
}

void semantic_draw_free(struct semantic_draw *d)
{
	if (!d)
		return;
	if (d->running)
		pthread_join(d->th, NULL);
	gsl_rng_free(d->rng);
	free(d->y.data);
	free(d->sums);
	free(d);
}

/* The draw's matrix into *y and its part sums into *sums when it was drawn
 * for n stories, l columns and `seed` (1), else 0 (the fit makes its own). */
static int take_draw(struct semantic_draw *d, size_t n, size_t l, uint64_t seed,
		     struct block *y, double **sums)
{
	if (!d)
		return 0;
	if (d->running)
		pthread_join(d->th, NULL);
	d->running = 0;
	if (!d->ok || !d->y.data || d->n != n || d->l != l || d->seed != seed)
		return 0;
	*y = d->y;
	*sums = d->sums;
	d->y.data = NULL;
	d->sums = NULL;
	return 1;
}

/* semantic_fit_basis(), its test matrix from `draw` when that was drawn
 * for it (NULL: drawn here). */
static int fit_basis(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		     struct semantic_draw *draw, float **vecs, float **basis,
		     uint32_t *out_dim, struct error *err);

int semantic_fit_basis(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		       float **vecs, float **basis, uint32_t *out_dim, struct error *err)
{
	return fit_basis(m, dim, seed, jobs, NULL, vecs, basis, out_dim, err);
}

static int fit_basis(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		     struct semantic_draw *draw, float **vecs, float **basis,
		     uint32_t *out_dim, struct error *err)
{
	struct sparse a = { m->n_docs, m->row, NULL, m->val, m },
		      at = { m->n_terms, m->post_start, m->post_doc, m->post_weight, NULL };
	struct terms ts = { &a, 0, NULL };
	size_t n = m->n_docs, t = m->n_terms, l = (size_t)dim + OVERSAMPLE, k, parts;
	struct dense d;
	struct block y = { NULL, 0, 0, 0, 0 }, z = { NULL, 0, 0, 0, 0 }, w = { NULL, 0, 0, 0, 0 };
	gsl_matrix *g = NULL, *v = NULL;
	gsl_vector *eval = NULL, *work = NULL;
	gsl_eigen_symmv_workspace *ws = NULL;
	gsl_rng *rng = NULL;
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	void *owned[3] = { NULL, NULL, NULL };
	int built = 0, rc = -1, drawn;

	if (!m->post_start || !m->post_doc || !m->post_weight) {
		at.index = NULL; /* no postings: built below, or struct terms */
		built = m->nnz <= transpose_limit / (sizeof(uint32_t) + sizeof(float));
	}
	memset(&d, 0, sizeof d);
	*vecs = NULL;
	*out_dim = 0;
	if (basis)
		*basis = NULL;
	if (l > n)
		l = n;
	if (l > t)
		l = t;
	if (l < 2) {
		gsl_set_error_handler(old);
		return error_set(err, NULL, "too few stories or terms for a latent space");
	}
	if (n > SIZE_MAX / sizeof(double) / (l + PAD) || t > SIZE_MAX / sizeof(double) / (l + PAD)) {
		gsl_set_error_handler(old);
		return error_set(err, NULL, "too many stories or terms for a latent space");
	}
	k = dim < l ? dim : l;
	parts = dense_parts(n);
	d.l = l;
	d.k = k;
	drawn = take_draw(draw, n, l, seed, &y, &d.sums);
	if (!drawn)
		alloc_block(&y, n, l);
	alloc_block(&z, t, l);
	d.buf = malloc(workers(jobs, parts) * 2 * l * CHUNK * sizeof *d.buf);
	/* the row kernels keep an lp x lp sum, 2 SUB_ROWS rows of lp and a row
	 * of W in floats in a worker's buffer (work_of()) */
	d.rows = row_kernels &&
		 row_stride(l) * (row_stride(l) + 2 * SUB_ROWS) + l + PAD <= 2 * l * CHUNK;
	d.sigma = malloc(k * sizeof *d.sigma);
	/* written before read (add_chunk()): a fresh page read first would
	 * fault twice (3 MB, 750 pages on real text) */
	if (!drawn)
		d.sums = malloc(sums_bytes(n, l));
	*vecs = malloc(n * k * sizeof **vecs);
	d.vecs = *vecs;
	g = gsl_matrix_alloc(l, l);
	v = gsl_matrix_alloc(l, l);
	eval = gsl_vector_alloc(l);
	work = gsl_vector_alloc(3 * l);
	ws = gsl_eigen_symmv_alloc(l);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!y.data || !z.data || !d.buf || !d.sums || !d.sigma || !*vecs || !g || !v || !eval || !work ||
	    !ws || !rng || (built && transpose(m, &at, owned, jobs)) ||
	    (!at.index && !built && terms_init(&ts, m, &a, jobs))) {
		error_set(err, NULL, "out of memory for the latent space");
		goto done;
	}
	if (!drawn)
		draw_gaussian(rng, seed, &y);
	/* Range finder: Y = (A Aᵀ)^q Ω, orthonormalised after each step. */
	for (int q = 0; q < POWER_ITERATIONS; q++) {
		times_transpose(&ts, &at, &y, &z, jobs);
		times_matrix(&a, &z, &y, jobs);
		if (cholesky_qr(&d, &y, g, work, jobs))
			goto numeric;
	}
	/* B Bᵀ = Qᵀ A Aᵀ Q = V Σ² Vᵀ, with W = A Aᵀ Q gathered story by story
	 * as the cross sums read it (rows_sum()) (Zᵀ Z with Z = Aᵀ Q would
	 * save a product, but the terms x l² dense work took 0.4 s more at
	 * 20,000 stories). */
	times_transpose(&ts, &at, &y, &z, jobs);
	if (!d.rows) { /* GSL's BLAS: W in a block of its own */
		if (!alloc_block(&w, n, l)) {
			error_set(err, NULL, "out of memory for the latent space");
			goto done;
		}
		times_matrix(&a, &z, &w, jobs);
	}
	d.w = &w;
	d.a = &a;
	d.z = &z;
	run_parts(jobs, d.parts, dense_cross, &d);
	add_parts(&d, g);
	free(z.data);
	z.data = NULL;
	free(w.data);
	w.data = NULL;
	for (size_t i = 0; i < l; i++)
		for (size_t j = i + 1; j < l; j++)
			gsl_matrix_set(g, i, j, gsl_matrix_get(g, j, i));
	if (gsl_eigen_symmv(g, eval, v, ws) ||
	    gsl_eigen_symmv_sort(eval, v, GSL_EIGEN_SORT_VAL_DESC))
		goto numeric;
	/* Story vectors Q V Σ (first k columns), and Q V Σ⁻¹ in y for the basis. */
	d.v = v;
	/* each story's vector scales by them: computed once, not per story */
	for (size_t j = 0; j < k; j++)
		d.sigma[j] = sqrt(fmax(gsl_vector_get(eval, j), 0.0));
	d.y = &y;
	d.n = n;
	d.parts = dense_parts(n);
	run_parts(jobs, d.parts, dense_vectors, &d);
	if (basis) {
		/* W = Aᵀ Q V Σ⁻¹, written straight into the caller's array. */
		/* columns k .. l - 1 of y still hold Q: not zeros */
		struct block proj = { y.data, n, k, y.stride, 0 }, out;

		out.data = malloc((t ? t : 1) * k * sizeof **basis);
		out.rows = t;
		out.cols = k;
		out.stride = k;
		out.zero_pad = 0;
		if (!out.data) {
			error_set(err, NULL, "out of memory for the latent space");
			goto done;
		}
		times_transpose(&ts, &at, &proj, &out, jobs);
		*basis = out.data;
	}
	*out_dim = (uint32_t)k;
	rc = 0;
	goto done;
numeric:
	error_set(err, NULL, "latent space: numerical failure in the SVD");
done:
	if (rc) {
		free(*vecs);
		*vecs = NULL;
		if (basis) {
			free(*basis);
			*basis = NULL;
		}
	}
	free(y.data);
	free(z.data);
	free(w.data);
	free(d.buf);
	free(d.sigma);
	free(d.sums);
	gsl_matrix_free(g);
	gsl_matrix_free(v);
	gsl_vector_free(eval);
	gsl_vector_free(work);
	if (ws)
		gsl_eigen_symmv_free(ws);
	gsl_rng_free(rng);
	free(ts.bound);
	for (int i = 0; i < 3; i++)
		free(owned[i]);
	gsl_set_error_handler(old);
	return rc;
}

/* ---- fitting on a sample ---- */

/* The next of a fixed sequence of 64-bit numbers (splitmix64). */
static uint64_t next_u64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Marks s of the n stories, drawn uniformly without replacement from a
 * fixed seed (selection sampling: story d is taken with probability
 * still needed / still left). Evenly spaced stories were tried first: on
 * archives with a period (stories of topic d % 20) they missed whole
 * topics. */
static void pick_sample(size_t n, size_t s, uint64_t seed, unsigned char *picked)
{
	uint64_t state = seed;
	size_t need = s;

	for (size_t d = 0; d < n; d++) {
		double u = (double)(next_u64(&state) >> 11) * 0x1.0p-53;
		picked[d] = need && u * (double)(n - d) < (double)need;
		need -= picked[d];
	}
}

/* A model of the s sampled stories' rows (copied), with m's terms. *owned
 * gets the four arrays to free. -1 when memory runs out. */
static int sample_model(const struct model *m, size_t s, uint64_t seed, struct model *out,
			void **owned)
{
	unsigned char *picked = malloc(m->n_docs ? m->n_docs : 1);
	uint64_t nnz = 0, *row;
	uint16_t *lo;
	uint32_t *end;
	float *val;
	size_t i = 0, nb = m->n_blocks;

	owned[0] = owned[1] = owned[2] = owned[3] = NULL;
	if (!picked)
		return -1;
	pick_sample(m->n_docs, s, seed, picked);
	for (size_t d = 0; d < m->n_docs; d++)
		if (picked[d])
			nnz += m->row[d + 1] - m->row[d];
	row = malloc((s + 1) * sizeof *row);
	lo = malloc((nnz ? nnz : 1) * sizeof *lo);
	val = malloc((nnz ? nnz : 1) * sizeof *val);
	end = malloc((s * nb + 1) * sizeof *end);
	owned[0] = row;
	owned[1] = lo;
	owned[2] = val;
	owned[3] = end;
	if (!row || !lo || !val || !end) {
		free(picked);
		return -1;
	}
	row[0] = 0;
	for (size_t d = 0; d < m->n_docs; d++) {
		uint64_t len = m->row[d + 1] - m->row[d];
		if (!picked[d])
			continue;
		memcpy(lo + row[i], m->term_lo + m->row[d], len * sizeof *lo);
		memcpy(val + row[i], m->val + m->row[d], len * sizeof *val);
		memcpy(end + i * nb, m->block_end + d * nb, nb * sizeof *end);
		row[i + 1] = row[i] + len;
		i++;
	}
	free(picked);
	memset(out, 0, sizeof *out);
	out->n_docs = (uint32_t)s;
	out->n_terms = m->n_terms;
	out->nnz = nnz;
	out->row = row;
	out->n_blocks = m->n_blocks;
	out->block_end = end;
	out->term_lo = lo;
	out->val = val;
	return 0;
}

struct fold {
	float *vecs;
	size_t n, k;
};

/* Rows [n b / parts, n (b + 1) / parts) of vecs scaled to unit length. */
static void unit_rows(void *ctx, size_t b, size_t worker)
{
	(void)worker;
	struct fold *f = ctx;
	size_t parts = dense_parts(f->n);

	for (size_t i = f->n * b / parts; i < f->n * (b + 1) / parts; i++) {
		float *v = f->vecs + i * f->k;
		double norm = 0;
		for (size_t j = 0; j < f->k; j++)
			norm += (double)v[j] * v[j];
		norm = norm > 0 ? 1.0 / sqrt(norm) : 0.0;
		for (size_t j = 0; j < f->k; j++)
			v[j] = (float)(v[j] * norm);
	}
}

int semantic_fit_sampled(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
			 size_t fit_stories, float **vecs, float **basis, uint32_t *out_dim,
			 struct error *err)
{
	return semantic_fit_drawn(m, dim, seed, jobs, fit_stories, NULL, vecs, basis, out_dim,
				  err);
}

int semantic_fit_drawn(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		       size_t fit_stories, struct semantic_draw *draw, float **vecs,
		       float **basis, uint32_t *out_dim, struct error *err)
{
	struct model sm;
	void *owned[4] = { NULL, NULL, NULL, NULL };
	float *svecs = NULL, *w = NULL;
	uint32_t k = 0;
	int rc;

	if (!fit_stories || m->n_docs <= fit_stories || fit_stories < (size_t)dim + OVERSAMPLE)
		return fit_basis(m, dim, seed, jobs, draw, vecs, basis, out_dim, err);
	*vecs = NULL;
	*out_dim = 0;
	if (basis)
		*basis = NULL;
	rc = sample_model(m, fit_stories, seed, &sm, owned);
	if (rc)
		error_set(err, NULL, "out of memory for the latent space");
	else
		rc = fit_basis(&sm, dim, seed, jobs, draw, &svecs, &w, &k, err);
	free(svecs);
	for (int i = 0; i < 4; i++)
		free(owned[i]);
	if (rc)
		return -1;
	/* every story folded in: its row times W, scaled to unit length */
	*vecs = malloc(((size_t)m->n_docs ? m->n_docs : 1) * k * sizeof **vecs);
	if (!*vecs) {
		free(w);
		return error_set(err, NULL, "out of memory for the latent space");
	}
	{
		struct sparse a = { m->n_docs, m->row, NULL, m->val, m };
		struct block wb = { w, m->n_terms, k, k, 0 }, out = { *vecs, m->n_docs, k, k, 0 };
		struct fold f = { *vecs, m->n_docs, k };
		multiply(&a, &wb, &out, jobs);
		run_parts(jobs, dense_parts(m->n_docs), unit_rows, &f);
	}
	if (basis)
		*basis = w;
	else
		free(w);
	*out_dim = k;
	return 0;
}
