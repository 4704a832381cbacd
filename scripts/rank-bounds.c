/*
 * rank-bounds: what a MaxScore bound would let the ranking skip on a saved
 * model, against what the exact and the approximate modes add (issue 20).
 *
 * For every sampled story d (evenly spaced over the model) it computes the
 * exact TF-IDF cosines with every other story (all of d's posting lists),
 * theta, the k-th best of them, and then, for each fraction alpha:
 *
 *   - the query's terms are ordered by their bound u_t = q_t * maxw_t (q_t
 *     d's weight, maxw_t the largest weight in t's posting list); the
 *     lightest ones whose bounds sum below alpha * theta are left out (no
 *     story can get alpha * theta or more from them alone);
 *   - the postings of the others ("essential") are added: P(o);
 *   - a story o must be re-scored exactly when P(o) + (the left-out bounds)
 *     reaches theta: below that it cannot enter the top k.
 *
 * That is MaxScore (Turtle and Flood 1995) for term-at-a-time accumulation
 * with theta known in advance: the most it could skip. It gives the exact
 * top k by construction (up to float rounding, which a real implementation
 * must allow for). Printed per alpha, averaged over the sample: essential
 * postings and the stories to re-score; beside them, the postings of every
 * term of the story (exact mode) and of the approximate mode's query (the
 * 60 heaviest terms of lists of at most a tenth of the stories, 1,000 to
 * 5,000; rank_options_approximate()).
 *
 * Usage: scripts/rank-bounds MODEL [STORIES [K]]   (default 200 stories,
 * K 100: the TF-IDF candidates the default blend re-ranks; 10 for the
 * lists of --semantic 0). Reads the model with model_map(), so a model of
 * several GB starts at once; costs about 6 exact rankings per story.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

enum { QUERY_TERMS = 60, ALPHAS = 4 };
static const double alpha[ALPHAS] = { 0.25, 0.5, 0.75, 1.0 };

struct qterm {
	uint32_t t;
	float q, u;
	uint64_t len;
};

static int by_bound(const void *a, const void *b)
{
	const struct qterm *x = a, *y = b;
	return (x->u > y->u) - (x->u < y->u);
}

static int by_weight_desc(const void *a, const void *b)
{
	const struct qterm *x = a, *y = b;
	return (x->q < y->q) - (x->q > y->q);
}

static int float_desc(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x < y) - (x > y);
}

/* Adds q's postings for terms [from, n) into acc; returns how many. */
static uint64_t accumulate(const struct model *m, const struct qterm *q, size_t from, size_t n,
			   float *acc)
{
	uint64_t added = 0;

	for (size_t i = from; i < n; i++) {
		uint64_t k = m->post_start[q[i].t], e = m->post_start[q[i].t + 1];
		added += e - k;
		for (; k < e; k++)
			acc[m->post_doc[k]] += q[i].q * m->post_weight[k];
	}
	return added;
}

/* Sums over the sampled stories (divided by their number when printed). */
struct totals {
	double exact, approx, theta, ess[ALPHAS], cand[ALPHAS];
};

/* Scratch of one run: each term's largest weight, the sums, the scores. */
struct scratch {
	float *maxw;  /* [n_terms + 1] */
	float *acc;   /* [n_docs], zero between uses */
	float *score; /* [n_docs] */
	struct qterm *q; /* [n_terms + 1] */
};

/* theta: the k-th best cosine of story d (q holds its n terms; 0 when it
 * has fewer than k neighbours); adds the exact mode's postings to *tot. */
static float kth_score(const struct model *m, uint32_t d, const struct qterm *q, size_t n,
		       size_t k, struct scratch *x, struct totals *tot)
{
	size_t nc = 0;

	tot->exact += (double)accumulate(m, q, 0, n, x->acc);
	x->acc[d] = 0.0f;
	for (uint32_t o = 0; o < m->n_docs; o++) {
		if (x->acc[o] > 0.0f)
			x->score[nc++] = x->acc[o];
		x->acc[o] = 0.0f;
	}
	qsort(x->score, nc, sizeof *x->score, float_desc);
	return nc >= k ? x->score[k - 1] : 0.0f;
}

/* The approximate query's postings: the QUERY_TERMS heaviest terms of
 * lists of at most `bound` stories (reorders q). */
static uint64_t approx_postings(struct qterm *q, size_t n, uint64_t bound)
{
	uint64_t sum = 0;
	size_t taken = 0;

	qsort(q, n, sizeof *q, by_weight_desc);
	for (size_t i = 0; i < n && taken < QUERY_TERMS; i++)
		if (q[i].len <= bound) {
			sum += q[i].len;
			taken++;
		}
	return sum;
}

/* For each alpha: the essential postings of story d and the stories to
 * re-score, added to *tot (reorders q by bound). */
static void bounded(const struct model *m, uint32_t d, struct qterm *q, size_t n, float theta,
		    struct scratch *x, struct totals *tot)
{
	qsort(q, n, sizeof *q, by_bound);
	for (size_t a = 0; a < ALPHAS; a++) {
		double left = 0.0;
		size_t j = 0;
		while (j < n && left + q[j].u < alpha[a] * theta)
			left += q[j++].u;
		tot->ess[a] += (double)accumulate(m, q, j, n, x->acc);
		for (uint32_t o = 0; o < m->n_docs; o++) {
			if (o != d && x->acc[o] > 0.0f && x->acc[o] + left >= theta)
				tot->cand[a]++;
			x->acc[o] = 0.0f;
		}
	}
}

static void sample(const struct model *m, size_t stories, size_t k, struct scratch *x,
		   struct totals *tot)
{
	uint64_t bound = m->n_docs / 10 < 1000 ? 1000
			 : m->n_docs / 10 > 5000 ? 5000 : m->n_docs / 10;

	for (uint32_t t = 0; t < m->n_terms; t++)
		for (uint64_t i = m->post_start[t]; i < m->post_start[t + 1]; i++)
			if (m->post_weight[i] > x->maxw[t])
				x->maxw[t] = m->post_weight[i];
	for (size_t s = 0; s < stories; s++) {
		uint32_t d = (uint32_t)((uint64_t)s * m->n_docs / stories);
		size_t n = 0;
		float theta;
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
			uint32_t t = m->col[i];
			x->q[n++] = (struct qterm){ t, m->val[i], m->val[i] * x->maxw[t],
						    m->post_start[t + 1] - m->post_start[t] };
		}
		theta = kth_score(m, d, x->q, n, k, x, tot);
		tot->theta += theta;
		tot->approx += (double)approx_postings(x->q, n, bound);
		bounded(m, d, x->q, n, theta, x, tot);
	}
}

int main(int argc, char **argv)
{
	struct model m;
	struct error err = { 0 };
	struct scratch x;
	struct totals tot = { 0 };
	size_t stories = argc > 2 ? strtoul(argv[2], NULL, 10) : 200;
	size_t k = argc > 3 ? strtoul(argv[3], NULL, 10) : 100;
	double ns;

	if (argc < 2 || !stories || !k) {
		fprintf(stderr, "usage: rank-bounds MODEL [STORIES [K]]\n");
		return 2;
	}
	if (model_map(argv[1], &m, &err)) {
		fprintf(stderr, "rank-bounds: %s\n", err.message);
		return 3;
	}
	if (!m.post_start || m.n_docs < 2) {
		fprintf(stderr, "rank-bounds: %s: no postings or fewer than 2 stories\n", argv[1]);
		model_free(&m);
		return 3;
	}
	x.maxw = calloc((size_t)m.n_terms + 1, sizeof *x.maxw);
	x.acc = calloc(m.n_docs, sizeof *x.acc);
	x.score = malloc(m.n_docs * sizeof *x.score);
	x.q = malloc(((size_t)m.n_terms + 1) * sizeof *x.q);
	if (!x.maxw || !x.acc || !x.score || !x.q) {
		fprintf(stderr, "rank-bounds: out of memory\n");
		return 5;
	}
	if (stories > m.n_docs)
		stories = m.n_docs;
	sample(&m, stories, k, &x, &tot);
	ns = (double)stories;
	printf("%s: %u stories, %u terms; %zu sampled, k %zu, mean theta %.4f\n", argv[1],
	       m.n_docs, m.n_terms, stories, k, tot.theta / ns);
	printf("postings a story: exact %.0f, approximate query %.0f\n", tot.exact / ns,
	       tot.approx / ns);
	for (size_t a = 0; a < ALPHAS; a++)
		printf("alpha %.2f: essential postings %.0f, stories to re-score %.0f\n", alpha[a],
		       tot.ess[a] / ns, tot.cand[a] / ns);
	free(x.maxw);
	free(x.acc);
	free(x.score);
	free(x.q);
	model_free(&m);
	return 0;
}
