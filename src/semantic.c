/*
 * semantic: randomised truncated SVD of a sparse row-normalised matrix.
 * The sparse products are written out here (GSL's dense matrices would need
 * the whole TF-IDF matrix densified); everything dense goes through GSL.
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
#include <stdlib.h>
#include <string.h>

#define OVERSAMPLE 10
#define POWER_ITERATIONS 2

/* Y (docs x l) = A X, X (terms x l). */
static void mul_a(const struct model *m, const gsl_matrix *x, gsl_matrix *y)
{
	size_t l = x->size2;

	gsl_matrix_set_zero(y);
	for (uint32_t d = 0; d < m->n_docs; d++) {
		double *yr = gsl_matrix_ptr(y, d, 0);
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
			const double *xr = gsl_matrix_const_ptr(x, m->col[i], 0);
			double w = m->val[i];
			for (size_t j = 0; j < l; j++)
				yr[j] += w * xr[j];
		}
	}
}

/* Z (terms x l) = Aᵀ Y, Y (docs x l). */
static void mul_at(const struct model *m, const gsl_matrix *y, gsl_matrix *z)
{
	size_t l = y->size2;

	gsl_matrix_set_zero(z);
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const double *yr = gsl_matrix_const_ptr(y, d, 0);
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
			double *zr = gsl_matrix_ptr(z, m->col[i], 0);
			double w = m->val[i];
			for (size_t j = 0; j < l; j++)
				zr[j] += w * yr[j];
		}
	}
}

/* Makes the columns of Y orthonormal in place: G = YᵀY = L Lᵀ, Y := Y L⁻ᵀ.
 * A tiny ridge keeps the Cholesky factorisation defined when Y is rank
 * deficient (more columns than the data supports). */
static int cholesky_qr(gsl_matrix *y, gsl_matrix *g)
{
	double trace = 0;

	gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0, y, 0.0, g);
	for (size_t j = 0; j < g->size1; j++)
		trace += gsl_matrix_get(g, j, j);
	for (size_t j = 0; j < g->size1; j++)
		*gsl_matrix_ptr(g, j, j) += 1e-12 * (trace > 0 ? trace : 1.0);
	if (gsl_linalg_cholesky_decomp1(g))
		return -1;
	gsl_blas_dtrsm(CblasRight, CblasLower, CblasTrans, CblasNonUnit, 1.0, g, y);
	return 0;
}

static int orthonormalize(gsl_matrix *y, gsl_matrix *g)
{
	return cholesky_qr(y, g) || cholesky_qr(y, g) ? -1 : 0;
}

int semantic_fit(const struct model *m, uint32_t dim, uint64_t seed, float **vecs,
		 uint32_t *out_dim, struct error *err)
{
	size_t n = m->n_docs, t = m->n_terms, l = (size_t)dim + OVERSAMPLE, k;
	gsl_matrix *omega = NULL, *y = NULL, *g = NULL, *c = NULL, *v = NULL,
		   *docs = NULL;
	gsl_vector *eval = NULL;
	gsl_eigen_symmv_workspace *ws = NULL;
	gsl_rng *rng = NULL;
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	int rc = -1;

	*vecs = NULL;
	*out_dim = 0;
	if (l > n)
		l = n;
	if (l > t)
		l = t;
	if (l < 2) {
		gsl_set_error_handler(old);
		return error_set(err, NULL, "too few stories or terms for a latent space");
	}
	k = dim < l ? dim : l;
	omega = gsl_matrix_alloc(t, l);
	y = gsl_matrix_alloc(n, l);
	g = gsl_matrix_alloc(l, l);
	c = gsl_matrix_alloc(l, l);
	v = gsl_matrix_alloc(l, l);
	eval = gsl_vector_alloc(l);
	ws = gsl_eigen_symmv_alloc(l);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!omega || !y || !g || !c || !v || !eval || !ws || !rng) {
		error_set(err, NULL, "out of memory for the latent space");
		goto done;
	}
	gsl_rng_set(rng, (unsigned long)seed);
	for (size_t i = 0; i < t; i++)
		for (size_t j = 0; j < l; j++)
			gsl_matrix_set(omega, i, j, gsl_ran_gaussian(rng, 1.0));
	/* Range finder on the story side only, so that every dense step costs
	 * stories x l², not terms x l²: Y = (A Aᵀ)^q A Ω, orthonormalised
	 * between steps (once; twice at the end for accuracy). */
	mul_a(m, omega, y);
	for (int q = 0; q < POWER_ITERATIONS; q++) {
		if (cholesky_qr(y, g))
			goto numeric;
		mul_at(m, y, omega);
		mul_a(m, omega, y);
	}
	if (orthonormalize(y, g))
		goto numeric;
	/* B Bᵀ = Qᵀ A Aᵀ Q = V Σ² Vᵀ, with W = A (Aᵀ Q) computed sparsely. */
	docs = gsl_matrix_alloc(n, l);
	if (!docs) {
		error_set(err, NULL, "out of memory for the latent space");
		goto done;
	}
	mul_at(m, y, omega);
	mul_a(m, omega, docs);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, y, docs, 0.0, c);
	if (gsl_eigen_symmv(c, eval, v, ws) ||
	    gsl_eigen_symmv_sort(eval, v, GSL_EIGEN_SORT_VAL_DESC))
		goto numeric;
	/* Story vectors: Q V Σ, first k columns. */
	*vecs = malloc(n * k * sizeof **vecs);
	if (!*vecs) {
		error_set(err, NULL, "out of memory for the latent space");
		goto done;
	}
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, y, v, 0.0, docs);
	for (size_t d = 0; d < n; d++) {
		double norm = 0;
		for (size_t j = 0; j < k; j++) {
			double s = sqrt(fmax(gsl_vector_get(eval, j), 0.0));
			double x = gsl_matrix_get(docs, d, j) * s;
			gsl_matrix_set(docs, d, j, x);
			norm += x * x;
		}
		norm = norm > 0 ? 1.0 / sqrt(norm) : 0.0;
		for (size_t j = 0; j < k; j++)
			(*vecs)[d * k + j] = (float)(gsl_matrix_get(docs, d, j) * norm);
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
	}
	gsl_matrix_free(omega);
	gsl_matrix_free(y);
	gsl_matrix_free(g);
	gsl_matrix_free(c);
	gsl_matrix_free(v);
	gsl_matrix_free(docs);
	gsl_vector_free(eval);
	if (ws)
		gsl_eigen_symmv_free(ws);
	gsl_rng_free(rng);
	gsl_set_error_handler(old);
	return rc;
}
