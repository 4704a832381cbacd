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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define OVERSAMPLE 10
#define POWER_ITERATIONS 2

/* The matrix in both orientations: rows of A from the model (CSR), rows of
 * Aᵀ built once (CSC), so that both products are written row by row and
 * split across threads by row ranges; each output row is computed by one
 * thread in a fixed order, so results do not depend on the thread count. */
struct sparse_t {
	uint64_t *start; /* [n_terms + 1] */
	uint32_t *doc;
	float *weight;
};

struct product {
	const struct model *m;
	const struct sparse_t *at;
	const gsl_matrix *x;
	gsl_matrix *y;
	int transpose;
	size_t begin, end;
};

/* y += w x over l elements; `restrict` lets the compiler vectorise it
 * (this loop is most of the latent stage's time). */
static void axpy(size_t l, double w, const double *restrict x, double *restrict y)
{
	for (size_t j = 0; j < l; j++)
		y[j] += w * x[j];
}

static void *product_rows(void *arg)
{
	struct product *p = arg;
	size_t l = p->x->size2;

	for (size_t r = p->begin; r < p->end; r++) {
		double *yr = gsl_matrix_ptr(p->y, r, 0);
		uint64_t b, e;
		memset(yr, 0, l * sizeof *yr);
		if (p->transpose) {
			b = p->at->start[r];
			e = p->at->start[r + 1];
		} else {
			b = p->m->row[r];
			e = p->m->row[r + 1];
		}
		for (uint64_t i = b; i < e; i++) {
			size_t src = p->transpose ? p->at->doc[i] : p->m->col[i];
			double w = p->transpose ? p->at->weight[i] : p->m->val[i];
			axpy(l, w, gsl_matrix_const_ptr(p->x, src, 0), yr);
		}
	}
	return NULL;
}

/* Y = A X (transpose 0: X terms x l, Y docs x l) or Y = Aᵀ X (transpose 1). */
static void multiply(const struct model *m, const struct sparse_t *at, int transpose,
		     const gsl_matrix *x, gsl_matrix *y, int jobs)
{
	struct product parts[64];
	pthread_t th[64];
	int joined[64] = { 0 };
	size_t rows = y->size1;
	int n = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs;

	for (int j = 0; j < n; j++)
		parts[j] = (struct product){ m, at, x, y, transpose, rows * (size_t)j / (size_t)n,
					     rows * (size_t)(j + 1) / (size_t)n };
	for (int j = 1; j < n; j++)
		joined[j] = !pthread_create(&th[j], NULL, product_rows, &parts[j]);
	product_rows(&parts[0]);
	for (int j = 1; j < n; j++) {
		if (joined[j])
			pthread_join(th[j], NULL);
		else
			product_rows(&parts[j]); /* no thread: do it here */
	}
}

static void mul_a(const struct model *m, const struct sparse_t *at, const gsl_matrix *x,
		  gsl_matrix *y, int jobs)
{
	multiply(m, at, 0, x, y, jobs);
}

static void mul_at(const struct model *m, const struct sparse_t *at, const gsl_matrix *y,
		   gsl_matrix *z, int jobs)
{
	multiply(m, at, 1, y, z, jobs);
}

static int transpose(const struct model *m, struct sparse_t *at)
{
	uint64_t *fill;

	at->start = calloc((size_t)m->n_terms + 1, sizeof *at->start);
	at->doc = malloc((m->nnz ? m->nnz : 1) * sizeof *at->doc);
	at->weight = malloc((m->nnz ? m->nnz : 1) * sizeof *at->weight);
	fill = malloc(((size_t)m->n_terms + 1) * sizeof *fill);
	if (!at->start || !at->doc || !at->weight || !fill) {
		free(fill);
		return -1;
	}
	for (uint64_t i = 0; i < m->nnz; i++)
		at->start[m->col[i] + 1]++;
	for (uint32_t t = 0; t < m->n_terms; t++)
		at->start[t + 1] += at->start[t];
	memcpy(fill, at->start, ((size_t)m->n_terms + 1) * sizeof *fill);
	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
			uint64_t k = fill[m->col[i]]++;
			at->doc[k] = d;
			at->weight[k] = m->val[i];
		}
	free(fill);
	return 0;
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

int semantic_fit(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		 float **vecs, uint32_t *out_dim, struct error *err)
{
	return semantic_fit_basis(m, dim, seed, jobs, vecs, NULL, out_dim, err);
}

int semantic_fit_basis(const struct model *m, uint32_t dim, uint64_t seed, int jobs,
		       float **vecs, float **basis, uint32_t *out_dim, struct error *err)
{
	struct sparse_t at = { NULL, NULL, NULL };
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
	k = dim < l ? dim : l;
	omega = gsl_matrix_alloc(t, l);
	y = gsl_matrix_alloc(n, l);
	g = gsl_matrix_alloc(l, l);
	c = gsl_matrix_alloc(l, l);
	v = gsl_matrix_alloc(l, l);
	eval = gsl_vector_alloc(l);
	ws = gsl_eigen_symmv_alloc(l);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!omega || !y || !g || !c || !v || !eval || !ws || !rng || transpose(m, &at)) {
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
	mul_a(m, &at, omega, y, jobs);
	for (int q = 0; q < POWER_ITERATIONS; q++) {
		if (cholesky_qr(y, g))
			goto numeric;
		mul_at(m, &at, y, omega, jobs);
		mul_a(m, &at, omega, y, jobs);
	}
	if (orthonormalize(y, g))
		goto numeric;
	/* B Bᵀ = Qᵀ A Aᵀ Q = V Σ² Vᵀ, with W = A (Aᵀ Q) computed sparsely. */
	docs = gsl_matrix_alloc(n, l);
	if (!docs) {
		error_set(err, NULL, "out of memory for the latent space");
		goto done;
	}
	mul_at(m, &at, y, omega, jobs);
	mul_a(m, &at, omega, docs, jobs);
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
	if (basis) {
		/* W = (Aᵀ Q) V Σ⁻¹: omega still holds Aᵀ Q from above. */
		double s0 = sqrt(fmax(gsl_vector_get(eval, 0), 0.0));
		*basis = malloc((t ? t : 1) * k * sizeof **basis);
		if (!*basis) {
			error_set(err, NULL, "out of memory for the latent space");
			goto done;
		}
		gsl_matrix_free(y);
		y = gsl_matrix_alloc(t, l);
		if (!y) {
			error_set(err, NULL, "out of memory for the latent space");
			goto done;
		}
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, omega, v, 0.0, y);
		for (size_t j = 0; j < k; j++) {
			double s = sqrt(fmax(gsl_vector_get(eval, j), 0.0));
			double inv = s > 1e-6 * s0 && s > 0 ? 1.0 / s : 0.0;
			for (size_t i = 0; i < t; i++)
				(*basis)[i * k + j] = (float)(gsl_matrix_get(y, i, j) * inv);
		}
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
	free(at.start);
	free(at.doc);
	free(at.weight);
	gsl_set_error_handler(old);
	return rc;
}
