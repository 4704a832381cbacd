/*
 * semantic: latent story vectors (LSA) from a truncated SVD of the model's
 * TF-IDF matrix, computed with a randomised range finder (Halko, Martinsson
 * and Tropp 2011) on GSL: a Gaussian test matrix on the story side (gsl_rng),
 * three power iterations Y = (A Aᵀ)^3 Ω with a Cholesky QR (GSL BLAS and
 * Cholesky) after each, then the small eigenproblem of Qᵀ A Aᵀ Q
 * (gsl_eigen_symmv).
 *
 * A story's latent vector is its row of U Σ, scaled to unit length, so the
 * dot product of two vectors is their latent cosine. Cost: eight sparse
 * products of the matrix with dim + 10 columns and, for the basis, one with
 * dim columns, done in float, plus O(stories · dim²) dense work in double;
 * memory O((stories + terms) · dim) floats, plus the transpose of the
 * matrix on small corpora without postings (semantic_set_transpose_limit).
 * Deterministic for a given seed, whatever the
 * number of threads (semantic.c says how).
 */
#ifndef RELATED_SEMANTIC_H
#define RELATED_SEMANTIC_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "model.h"

/* Computes latent vectors of `dim` dimensions (fewer when the corpus is
 * smaller) for every story of `m`, the sparse products on `jobs` threads
 * (the result does not depend on it). On success *vecs is a malloc'd array
 * of n_docs * (*out_dim) floats, row-major, owned by the caller. */
int semantic_fit(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		 float **vecs, uint32_t *out_dim, struct error *err);

/* semantic_fit(), and when `basis` is not NULL also the term-side basis
 * W = Aᵀ U Σ⁻¹ (n_terms * (*out_dim) floats, malloc'd, owned by the caller)
 * that folds a new story into the space: its latent vector is its TF-IDF
 * row times W, scaled to unit length. For a story of the model this gives
 * its own vector exactly when the range finder spans every story (fewer
 * stories than dim + 10) and approximately otherwise (the part of A Aᵀ U
 * outside the truncated space is lost). Directions whose singular value is
 * below 1e-6 of the largest get a zero column rather than amplified noise. */
int semantic_fit_basis(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		       float **vecs, float **basis, uint32_t *out_dim, struct error *err);

/* semantic_fit_basis() sized to the archive: with more than `fit_stories`
 * stories (0: no limit), the range finder and the basis W run on a sample
 * of that many (drawn uniformly without replacement, from `seed`), and every story's
 * vector is its TF-IDF row times W, scaled to unit length (folded in as
 * `query` folds a new story). For a story of the sample that is its row of
 * U Σ when the sample's range is spanned, approximately otherwise; for the
 * others, the projection on the sample's latent directions. The cost of
 * the eight products and the dense steps follows the sample; one more
 * product over all stories folds them in. The same for any -j. */
int semantic_fit_sampled(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
			 size_t fit_stories, float **vecs, float **basis, uint32_t *out_dim,
			 struct error *err);

/* The range finder's Gaussian test matrix drawn ahead, on a thread of its
 * own: it takes one generator in sequence (about 6 ms at 4,300 stories, 25
 * ms at 20,000, 0.1 s for a sample of 100,000) and needs only the story
 * count, so a caller that knows it before the model is finished draws it
 * beside that work. semantic_draw_start() starts drawing what
 * semantic_fit_sampled() with these arguments draws for a model of n_docs
 * stories (NULL when it cannot: no memory or thread); semantic_fit_drawn()
 * is semantic_fit_sampled() that takes it when it fits (the model has
 * n_docs stories and at least dim + 10 terms), and draws its own otherwise:
 * the same bits either way. semantic_draw_free() waits for the thread and
 * frees what the fit did not take. */
struct semantic_draw;
struct semantic_draw *semantic_draw_start(size_t n_docs, uint32_t dim, uint64_t seed,
					  size_t fit_stories);
int semantic_fit_drawn(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		       size_t fit_stories, struct semantic_draw *draw, float **vecs,
		       float **basis, uint32_t *out_dim, struct error *err);
void semantic_draw_free(struct semantic_draw *d);

/* When the model has no postings, semantic_fit builds their transpose
 * (nnz * 8 bytes) if it takes at most `bytes` (default 256 MB), and
 * otherwise computes Aᵀ products from the rows alone: slower on small
 * corpora, faster on large ones, no nnz-sized copy. The results are the
 * same bits either way. For tests and measurements; not thread-safe. */
void semantic_set_transpose_limit(uint64_t bytes);

/* The dense steps (the Gram matrices, the triangular solves, the projected
 * matrix and the story vectors) are worked story by story in loops that
 * give GSL's reference BLAS's bits faster, and the sparse products hold
 * each row's sums in registers (semantic.c); with 0 the dense steps go
 * through GSL's BLAS itself and the products add an entry at a time into
 * the row in memory, for tests that compare the two. Not thread-safe; 1 by
 * default. */
void semantic_use_row_kernels(int on);

#endif
