/*
 * explain: score parts and shared terms of a pair of stories. Sums are taken
 * in float and in term-id order, as rank takes them, so the numbers agree
 * with the lists to the last bit rather than to a tolerance.
 */
#include "explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static float latent_cosine(const struct model *m, uint32_t a, uint32_t b)
{
	return model_latent_dot(m->latent + (size_t)a * m->latent_dim,
			  m->latent + (size_t)b * m->latent_dim, m->latent_dim);
}

static float tfidf_cosine(const struct model *m, uint32_t a, uint32_t b)
{
	float s = 0.0f;

	for (uint32_t k = 0; k < m->n_blocks; k++) {
		uint64_t i = model_run_begin(m, a, k), ie = model_run_end(m, a, k);
		uint64_t j = model_run_begin(m, b, k), je = model_run_end(m, b, k);
		while (i < ie && j < je) {
			if (m->term_lo[i] < m->term_lo[j])
				i++;
			else if (m->term_lo[i] > m->term_lo[j])
				j++;
			else
				s += m->val[i++] * m->val[j++];
		}
	}
	return s;
}

float explain_score(const struct model *m, uint32_t a, uint32_t b, float semantic)
{
	float t = tfidf_cosine(m, a, b);

	if (semantic <= 0.0f || !m->latent_dim)
		return t;
	return (1.0f - semantic) * t + semantic * latent_cosine(m, a, b);
}

static int cmp_contribution(const void *x, const void *y)
{
	const struct explain_term *a = x, *b = y;

	if (a->contribution != b->contribution)
		return a->contribution > b->contribution ? -1 : 1;
	return (a->term > b->term) - (a->term < b->term);
}

int explain_pair(const struct model *m, uint32_t a, uint32_t b, float semantic,
		 size_t max_terms, struct explain *out, struct error *err)
{
	uint64_t na, nb;
	size_t n = 0;

	memset(out, 0, sizeof *out);
	if (a >= m->n_docs || b >= m->n_docs)
		return error_set(err, NULL, "story index out of range");
	na = m->row[a + 1] - m->row[a];
	nb = m->row[b + 1] - m->row[b];
	out->a = a;
	out->b = b;
	out->terms = malloc((na < nb ? na : nb) * sizeof *out->terms + 1);
	if (!out->terms)
		return error_set(err, NULL, "out of memory");
	for (uint32_t k = 0; k < m->n_blocks; k++) {
		uint64_t i = model_run_begin(m, a, k), ie = model_run_end(m, a, k);
		uint64_t j = model_run_begin(m, b, k), je = model_run_end(m, b, k);
		while (i < ie && j < je) {
			if (m->term_lo[i] < m->term_lo[j]) {
				i++;
			} else if (m->term_lo[i] > m->term_lo[j]) {
				j++;
			} else {
				struct explain_term *t = &out->terms[n++];
				t->term = k << MODEL_BLOCK_BITS | m->term_lo[i];
				t->weight_a = m->val[i++];
				t->weight_b = m->val[j++];
				t->contribution = t->weight_a * t->weight_b;
				out->tfidf += t->contribution;
			}
		}
	}
	out->n_shared = n;
	qsort(out->terms, n, sizeof *out->terms, cmp_contribution);
	out->n_terms = n < max_terms ? n : max_terms;
	out->names = policy_lead_names(model_doc(m, a, MODEL_TITLE),
				       model_doc(m, a, MODEL_EXCERPT),
				       model_doc(m, b, MODEL_TITLE),
				       model_doc(m, b, MODEL_EXCERPT));
	out->numdis = policy_numbers_disagree(m, a, b);
	out->has_latent = m->latent_dim > 0;
	if (out->has_latent) {
		out->latent = latent_cosine(m, a, b);
		out->weight = semantic > 0.0f ? semantic : 0.0f;
	}
	out->score = out->weight > 0.0f
		? (1.0f - out->weight) * out->tfidf + out->weight * out->latent
		: out->tfidf;
	return 0;
}

void explain_free(struct explain *e)
{
	free(e->terms);
	memset(e, 0, sizeof *e);
}

static int add_key_string(struct buf *b, const char *key, const char *value)
{
	int rc = buf_printf(b, "\"%s\":", key);

	if (value)
		rc |= buf_add_json_string(b, value, strlen(value));
	else
		rc |= buf_adds(b, "null");
	return rc;
}

/* Six decimals: enough to check that contributions sum to the cosine. */
static int add_number(struct buf *b, const char *key, double v)
{
	if (fabs(v) < 5e-7)
		v = 0.0;
	return buf_printf(b, "\"%s\":%.6f", key, v);
}

static int add_story(struct buf *b, const struct model *m, uint32_t d)
{
	int rc = buf_addc(b, '{');

	rc |= add_key_string(b, "id", model_doc(m, d, MODEL_ID));
	rc |= buf_addc(b, ',');
	rc |= add_key_string(b, "title", model_doc(m, d, MODEL_TITLE));
	rc |= buf_addc(b, '}');
	return rc;
}

static int add_parts(struct buf *b, const struct explain *e)
{
	int rc = add_number(b, "tfidf", e->tfidf);

	rc |= buf_addc(b, ',');
	if (e->has_latent)
		rc |= add_number(b, "latent", e->latent);
	else
		rc |= buf_adds(b, "\"latent\":null");
	rc |= buf_addc(b, ',');
	rc |= add_number(b, "score", e->score);
	rc |= buf_addc(b, ',');
	rc |= add_number(b, "names", e->names);
	rc |= buf_addc(b, ',');
	rc |= add_number(b, "numdis", e->numdis);
	return rc;
}

int explain_json(struct buf *b, const struct model *m, const struct explain *e)
{
	int rc = buf_adds(b, "{\"a\":");

	rc |= add_story(b, m, e->a);
	rc |= buf_adds(b, ",\"b\":");
	rc |= add_story(b, m, e->b);
	rc |= buf_addc(b, ',');
	rc |= add_parts(b, e);
	rc |= buf_addc(b, ',');
	rc |= add_number(b, "semantic_weight", e->weight);
	rc |= buf_printf(b, ",\"shared_terms\":%zu,\"terms\":[", e->n_shared);
	for (size_t i = 0; i < e->n_terms; i++) {
		const struct explain_term *t = &e->terms[i];
		rc |= buf_adds(b, i ? ",{" : "{");
		rc |= add_key_string(b, "term", model_term(m, t->term));
		rc |= buf_printf(b, ",\"df\":%u,", m->df[t->term]);
		rc |= add_number(b, "weight_a", t->weight_a);
		rc |= buf_addc(b, ',');
		rc |= add_number(b, "weight_b", t->weight_b);
		rc |= buf_addc(b, ',');
		rc |= add_number(b, "contribution", t->contribution);
		rc |= buf_addc(b, '}');
	}
	rc |= buf_adds(b, "]}");
	return rc ? -1 : 0;
}

int explain_why_json(struct buf *b, const struct model *m, const struct explain *e)
{
	int rc = buf_adds(b, "{\"terms\":[");

	for (size_t i = 0; i < e->n_terms; i++) {
		rc |= buf_adds(b, i ? ",{" : "{");
		rc |= add_key_string(b, "term", model_term(m, e->terms[i].term));
		rc |= buf_addc(b, ',');
		rc |= add_number(b, "contribution", e->terms[i].contribution);
		rc |= buf_addc(b, '}');
	}
	rc |= buf_adds(b, "],");
	rc |= add_parts(b, e);
	rc |= buf_addc(b, '}');
	return rc ? -1 : 0;
}

int explain_ids(const struct model *m, const char *id_a, const char *id_b, float semantic,
		size_t max_terms, struct buf *out, const char **missing, struct error *err)
{
	int64_t a = model_find(m, id_a), b = model_find(m, id_b);
	struct explain e;
	int rc;

	if (a < 0 || b < 0) {
		*missing = a < 0 ? id_a : id_b;
		return EXPLAIN_NO_STORY;
	}
	if (explain_pair(m, (uint32_t)a, (uint32_t)b, semantic, max_terms, &e, err))
		return -1;
	rc = explain_json(out, m, &e) || buf_addc(out, '\n');
	explain_free(&e);
	return rc ? error_set(err, NULL, "out of memory") : 0;
}
