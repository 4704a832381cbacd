/*
 * query: one new story against a saved model. The arithmetic copies what
 * model_builder_finish() and rank do, in the same order and precision, so
 * that a story of the model queried with its own text gets the scores `run`
 * gives it. The policy is not re-implemented: a small model holding the new
 * story and its candidates is handed to policy_apply(), and the stories
 * whose lists the new story enters are judged by policy_pair_rule().
 */
#include "query.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "explain.h"
#include "fsutil.h"
#include "hash.h"
#include "options.h"
#include "output.h"
#include "policy.h"
#include "rank.h"

#define EXTRA_DEPTH 8 /* candidates beyond top the policy sees, as in run */

void query_options_default(struct query_options *o)
{
	memset(o, 0, sizeof *o);
	policy_options_default(&o->policy);
	o->policy.top = DEFAULT_TOP;
	o->policy.semantic = (float)DEFAULT_SEMANTIC;
	o->rerank = DEFAULT_RERANK;
}

void query_analyze_options(const struct model *m, struct analyze_options *o)
{
	analyze_options_default(o);
	model_params_get_analysis(&m->params, o);
}

void query_vector_free(struct query_vector *v)
{
	free(v->term);
	free(v->weight);
	free(v->latent);
	memset(v, 0, sizeof *v);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

/* Sorts docs[0..n) and drops repeats; returns the new count. */
static size_t sort_unique(uint32_t *docs, size_t n)
{
	size_t w = 0;

	qsort(docs, n, sizeof *docs, cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (!w || docs[w - 1] != docs[i])
			docs[w++] = docs[i];
	return w;
}

static int cmp_neighbor_doc(const void *x, const void *y)
{
	const struct neighbor *a = x, *b = y;
	return (a->doc > b->doc) - (a->doc < b->doc);
}

/* Weights as model_builder_finish() computes them: float tf-idf per term,
 * the norm summed in double in the bag's order, then sorted by term. */
int query_vectorize(const struct model *m, struct analyzer *an, const struct article *a,
		    struct query_vector *out, struct error *err)
{
	struct bag bag;
	struct strmap map;
	uint32_t *tid = NULL;
	struct neighbor *tw = NULL;
	double norm = 0, len = 0, k = m->params.bm25_k1, avglen = m->params.bm25_avglen;
	size_t n = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	analyze_lead_signature(a->text, out->lead_sig);
	numbers_signature(a->title, a->text, out->numbers);
	bag_init(&bag);
	strmap_init(&map);
	if (analyze_article(an, a, &bag))
		goto done;
	tid = malloc((bag.n ? bag.n : 1) * sizeof *tid);
	tw = malloc((bag.n ? bag.n : 1) * sizeof *tw);
	if (!tid || !tw)
		goto done;
	for (size_t i = 0; i < bag.n; i++) {
		const char *t = bag.terms.data + bag.offsets[i];
		tid[i] = UINT32_MAX;
		len += bag.counts[i];
		if (strmap_intern(&map, t, strlen(t)) < 0)
			goto done;
	}
	/* One pass over the vocabulary beats building a map of it for the
	 * few pages of a call (terms are ordered by df, not by name). */
	for (uint32_t t = 0; t < m->n_terms && bag.n; t++) {
		const char *name = model_term(m, t);
		int64_t id = strmap_find(&map, name, strlen(name));
		if (id >= 0)
			tid[id] = t;
	}
	k *= 1.0 - m->params.bm25_b + m->params.bm25_b * (avglen > 0 ? len / avglen : 1.0);
	for (size_t i = 0; i < bag.n; i++) {
		/* strmap ids are given in insertion order: id i is bag term i */
		uint32_t t = tid[i];
		double c = bag.counts[i], tf, idf;
		if (t == UINT32_MAX)
			continue;
		if (m->params.tf_mode == MODEL_TF_BM25)
			tf = c * (m->params.bm25_k1 + 1.0) / (c + k);
		else
			tf = bag.counts[i] >= 1.0f ? 1.0 + log(c) : c;
		idf = log((1.0 + m->n_docs) / (1.0 + m->df[t])) + 1.0;
		tw[n].doc = t;
		tw[n].score = (float)(tf * idf);
		norm += (tf * idf) * (tf * idf);
		n++;
	}
	qsort(tw, n, sizeof *tw, cmp_neighbor_doc);
	norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
	out->term = malloc((n ? n : 1) * sizeof *out->term);
	out->weight = malloc((n ? n : 1) * sizeof *out->weight);
	if (!out->term || !out->weight)
		goto done;
	for (size_t i = 0; i < n; i++) {
		out->term[i] = tw[i].doc;
		out->weight[i] = (float)(tw[i].score * norm);
	}
	out->n = n;
	if (m->latent_dim && m->term_basis) {
		double ln = 0;
		double *acc = calloc(m->latent_dim, sizeof *acc);
		out->latent = malloc(m->latent_dim * sizeof *out->latent);
		if (!acc || !out->latent) {
			free(acc);
			goto done;
		}
		for (size_t i = 0; i < n; i++) {
			const float *w = m->term_basis + (size_t)out->term[i] * m->latent_dim;
			for (uint32_t j = 0; j < m->latent_dim; j++)
				acc[j] += (double)out->weight[i] * w[j];
		}
		for (uint32_t j = 0; j < m->latent_dim; j++)
			ln += acc[j] * acc[j];
		ln = ln > 0 ? 1.0 / sqrt(ln) : 0;
		for (uint32_t j = 0; j < m->latent_dim; j++)
			out->latent[j] = (float)(acc[j] * ln);
		out->latent_dim = m->latent_dim;
		free(acc);
	}
	rc = 0;
done:
	free(tid);
	free(tw);
	bag_free(&bag);
	strmap_free(&map);
	if (rc) {
		query_vector_free(out);
		return error_set(err, a->id, "out of memory");
	}
	return 0;
}

void query_result_free(struct query_result *r)
{
	buf_release(&r->line);
	free(r->touched);
	free(r->tfidf);
	memset(r, 0, sizeof *r);
}

/* The policy a query applies: what `run` applies with the same options. */
static void policy_options_of(const struct query_options *o, struct policy_options *po)
{
	*po = o->policy;
	po->overrides = NULL;
}

static int same_field(const char *a, const char *b)
{
	if (!a || !*a || !b || !*b)
		return (!a || !*a) && (!b || !*b);
	return !strcmp(a, b);
}

static float latent_dot(const struct model *m, const struct query_vector *v, uint32_t d)
{
	return model_latent_dot(v->latent, m->latent + (size_t)d * m->latent_dim, m->latent_dim);
}

/* TF-IDF cosines with every story sharing a term, in the order rank.c sums
 * them (terms ascending, each term's stories ascending). */
static int accumulate(const struct model *m, const struct query_vector *v,
		      struct query_result *r, struct error *err)
{
	float *acc = calloc(m->n_docs ? m->n_docs : 1, sizeof *acc);
	uint32_t *seen = malloc((m->n_docs ? m->n_docs : 1) * sizeof *seen);
	size_t nt = 0;

	if (!acc || !seen) {
		free(acc);
		free(seen);
		return error_set(err, NULL, "out of memory");
	}
	for (size_t i = 0; i < v->n; i++) {
		uint32_t t = v->term[i];
		float wt = v->weight[i];
		uint64_t b, e;
		if (m->post_start) {
			b = m->post_start[t];
			e = m->post_start[t + 1];
		} else {
			b = e = 0; /* no postings: handled below */
		}
		for (uint64_t k = b; k < e; k++) {
			uint32_t o = m->post_doc[k];
			float x;
			if (o >= m->n_docs) {
				free(acc);
				free(seen);
				return error_set(err, NULL, "invalid model: posting story out of range");
			}
			x = wt * m->post_weight[k];
			if (x == 0.0f)
				continue;
			if (acc[o] == 0.0f)
				seen[nt++] = o;
			acc[o] += x;
		}
	}
	if (!m->post_start) {
		/* A model without postings (older file): one dot product per
		 * story against the row scattered into a dense array. */
		float *dense = calloc((size_t)m->n_terms + 1, sizeof *dense);
		if (!dense) {
			free(acc);
			free(seen);
			return error_set(err, NULL, "out of memory");
		}
		for (size_t i = 0; i < v->n; i++)
			dense[v->term[i]] = v->weight[i];
		for (uint32_t d = 0; d < m->n_docs; d++) {
			float s = 0.0f;
			for (uint32_t b = 0; b < m->n_blocks; b++)
				for (uint64_t k = model_run_begin(m, d, b); k < model_run_end(m, d, b);
				     k++) {
					uint32_t t = b << MODEL_BLOCK_BITS | m->term_lo[k];
					if (t < m->n_terms)
						s += dense[t] * m->val[k];
				}
			if (s > 0.0f) {
				acc[d] = s;
				seen[nt++] = d;
			}
		}
		free(dense);
	}
	qsort(seen, nt, sizeof *seen, cmp_u32);
	r->touched = seen;
	r->n_touched = nt;
	r->tfidf = malloc((nt ? nt : 1) * sizeof *r->tfidf);
	if (!r->tfidf) {
		free(acc);
		return error_set(err, NULL, "out of memory");
	}
	for (size_t i = 0; i < nt; i++)
		r->tfidf[i] = acc[seen[i]];
	free(acc);
	return 0;
}

/* Names the terms of the rows col[0..nnz) of the small model: term_name
 * gets m's names of those (appended to strings), 0 ("") for the others,
 * which no row of it has. For --explain's `why` (explain.h). */
static uint64_t *name_terms(const struct model *m, const uint32_t *col, uint64_t nnz,
			    struct buf *strings)
{
	uint64_t *name = calloc((size_t)m->n_terms + 1, sizeof *name);

	for (uint64_t k = 0; name && k < nnz; k++) {
		const char *t;
		if (name[col[k]])
			continue;
		t = model_term(m, col[k]);
		name[col[k]] = strings->len;
		if (buf_add(strings, t, strlen(t) + 1)) {
			free(name);
			return NULL;
		}
	}
	return name;
}

/* The small model policy_apply() works on: stories docs[0..n) of m
 * (ascending) and the new story at *qi, in id order. map[i] is sub-story
 * i's story in m (UINT32_MAX for the new one). With `names`, its terms
 * carry their names (name_terms()). */
static int sub_model(const struct model *m, const uint32_t *docs, size_t n,
		     const struct article *a, const struct query_vector *v, int names,
		     struct model *s, uint32_t *qi, uint32_t *map, struct error *err)
{
	char *excerpt = article_excerpt(a->text, MODEL_EXCERPT_MAX);
	const char *qf[MODEL_FIELDS] = { a->id, a->url, a->title, a->published,
					 a->lang, a->section, a->image, excerpt };
	size_t total = n + 1, q = 0, nnz = v->n, at = 0;
	struct buf strings = BUF_INIT;
	struct model_parts parts;
	uint64_t *field, *row, *term_name = NULL;
	uint32_t *col;
	uint16_t *sig = NULL;
	uint32_t *nums = NULL;
	float *val, *latent = NULL;
	uint32_t dim = m->latent_dim && v->latent ? m->latent_dim : 0;
	int bad = 0;

	memset(s, 0, sizeof *s);
	while (q < n && strcmp(model_doc(m, docs[q], MODEL_ID), a->id) < 0)
		q++;
	for (size_t i = 0; i < n; i++)
		nnz += m->row[docs[i] + 1] - m->row[docs[i]];
	field = malloc(total * MODEL_FIELDS * sizeof *field);
	row = malloc((total + 1) * sizeof *row);
	col = malloc((nnz ? nnz : 1) * sizeof *col);
	val = malloc((nnz ? nnz : 1) * sizeof *val);
	if (dim)
		latent = malloc(total * dim * sizeof *latent);
	if (m->lead_sig)
		sig = malloc(total * ANALYZE_LEAD_SLOTS * sizeof *sig);
	if (m->numbers)
		nums = malloc(total * NUMBERS_SLOTS * sizeof *nums);
	bad = !field || !row || !col || !val || (dim && !latent) || (m->lead_sig && !sig) ||
	      (m->numbers && !nums) || buf_addc(&strings, '\0');
	if (!bad)
		row[0] = 0;
	for (size_t i = 0; i < total && !bad; i++) {
		int is_new = i == q;
		uint32_t d = is_new ? UINT32_MAX : docs[i < q ? i : i - 1];
		map[i] = d;
		for (int f = 0; f < MODEL_FIELDS && !bad; f++) {
			const char *x = is_new ? qf[f] : model_doc(m, d, (enum model_field)f);
			field[i * MODEL_FIELDS + (size_t)f] = x ? strings.len : 0;
			bad = x && buf_add(&strings, x, strlen(x) + 1);
		}
		if (is_new) {
			memcpy(col + at, v->term, v->n * sizeof *col);
			memcpy(val + at, v->weight, v->n * sizeof *val);
			at += v->n;
			if (dim)
				memcpy(latent + i * dim, v->latent, dim * sizeof *latent);
			if (sig)
				memcpy(sig + i * ANALYZE_LEAD_SLOTS, v->lead_sig, sizeof v->lead_sig);
			if (nums)
				memcpy(nums + i * NUMBERS_SLOTS, v->numbers, sizeof v->numbers);
		} else {
			size_t len = model_row_terms(m, (uint32_t)d, col + at);
			for (size_t k = 0; k < len; k++)
				if (col[at + k] >= m->n_terms)
					bad = 2;
			memcpy(val + at, m->val + m->row[d], len * sizeof *val);
			at += len;
			if (dim)
				memcpy(latent + i * dim, m->latent + (size_t)d * dim,
				       dim * sizeof *latent);
			if (sig)
				memcpy(sig + i * ANALYZE_LEAD_SLOTS,
				       m->lead_sig + (size_t)d * ANALYZE_LEAD_SLOTS,
				       ANALYZE_LEAD_SLOTS * sizeof *sig);
			if (nums)
				memcpy(nums + i * NUMBERS_SLOTS, m->numbers + (size_t)d * NUMBERS_SLOTS,
				       NUMBERS_SLOTS * sizeof *nums);
		}
		row[i + 1] = at;
	}
	if (!bad && names)
		bad = !(term_name = name_terms(m, col, at, &strings));
	free(excerpt);
	parts = (struct model_parts){
		.params = m->params, .n_docs = (uint32_t)total, .n_terms = m->n_terms,
		.nnz = at, .strings_len = strings.len, .term_name = term_name,
		.doc_field = field, .row = row, .col = col, .val = val,
		.latent_dim = dim, .latent = latent, .lead_sig = sig, .numbers = nums
	};
	parts.strings = buf_detach(&strings, NULL); /* after reading strings.len */
	*qi = (uint32_t)q;
	if (bad || !parts.strings) {
		model_parts_release(&parts);
		return error_set(err, NULL, bad == 2 ? "invalid model: term id out of range"
						    : "out of memory");
	}
	return model_from_parts(&parts, s, err);
}

/* The stories the fallback of a list in a's section would draw from: the
 * `want` most recent of the section (same language), best first. */
static size_t recent_of_section(const struct model *m, const struct article *a,
				int64_t self, const struct policy_options *po, size_t want,
				uint32_t *out)
{
	struct neighbor *best = malloc((want ? want : 1) * sizeof *best);
	int64_t *when = malloc((want ? want : 1) * sizeof *when);
	size_t n = 0;

	if (!best || !when) {
		free(best);
		free(when);
		return 0;
	}
	for (uint32_t d = 0; d < m->n_docs && want; d++) {
		int64_t t;
		size_t i;
		if ((int64_t)d == self || !same_field(model_doc(m, d, MODEL_SECTION), a->section) ||
		    !policy_languages_match(po, a->lang, model_doc(m, d, MODEL_LANG)))
			continue;
		if (policy_parse_time(model_doc(m, d, MODEL_PUBLISHED), &t))
			t = INT64_MIN;
		/* insertion into the best `want`, newest first, then index */
		for (i = n; i > 0 && when[i - 1] < t; i--)
			;
		if (i >= want)
			continue;
		if (n < want)
			n++;
		memmove(best + i + 1, best + i, (n - 1 - i) * sizeof *best);
		memmove(when + i + 1, when + i, (n - 1 - i) * sizeof *when);
		best[i].doc = d;
		when[i] = t;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = best[i].doc;
	free(best);
	free(when);
	return n;
}

/* What the policy left on the new story's list, by origin; `unsure`:
 * fallback items not among the stories `recent` (ascending, n_recent) of
 * apply_policy(), or 0 without them. */
struct list_origins {
	size_t similar, fallback, pinned, unsure;
	const uint32_t *recent;
	size_t n_recent;
};

/* What small_policy() made: the small model, its lists, and where the
 * stories are in it. */
struct small_lists {
	struct model s;
	struct related_lists lists;
	uint32_t *map;  /* sub-story -> story of m (UINT32_MAX: the new one) */
	uint32_t qi;    /* the new story's sub-story */
	uint32_t story; /* the listed story's sub-story */
};

static void small_lists_free(struct small_lists *sl)
{
	related_lists_free(&sl->lists);
	model_free(&sl->s);
	free(sl->map);
	memset(sl, 0, sizeof *sl);
}

/* Sub-story of x (a story of docs[0..n), ascending, or QUERY_NEW for the
 * new story) in the small model whose new story is at qi; UINT32_MAX when
 * x is not in docs. */
#define QUERY_NEW UINT32_MAX
static uint32_t sub_of(const uint32_t *docs, size_t n, uint32_t qi, uint32_t x)
{
	const uint32_t *k;
	size_t j;

	if (x == QUERY_NEW)
		return qi;
	k = bsearch(&x, docs, n, sizeof *docs, cmp_u32);
	if (!k)
		return UINT32_MAX;
	j = (size_t)(k - docs);
	return (uint32_t)(j < qi ? j : j + 1);
}

/* Runs policy_apply() (the policy `run` applies: one function, not a copy
 * of it) on the small model of stories docs[0..n) of m (ascending) and the
 * new story: story `story` (a story of docs, or QUERY_NEW) gets the
 * candidates cand[0..ncand) (stories of docs or QUERY_NEW, best first,
 * scores as rank gives them); every other story gets all the others,
 * enough for the duplicate graph. With `fill` 0 no fallback item is added.
 * Fills *sl (release it with small_lists_free() in every case). */
static int small_policy(const struct model *m, const struct article *a,
			const struct query_vector *v, const struct query_options *o,
			const uint32_t *docs, size_t n, uint32_t story,
			const struct neighbor *cand, size_t ncand, int fill, int explain,
			struct small_lists *sl, struct error *err)
{
	struct rank_lists rl = { 0 };
	struct policy_options po;
	struct skip_list ignored = { 0 };
	size_t depth, total = n + 1;
	int rc = -1;

	memset(sl, 0, sizeof *sl);
	sl->map = malloc(total * sizeof *sl->map);
	if (!sl->map)
		return error_set(err, NULL, "out of memory");
	if (sub_model(m, docs, n, a, v, explain, &sl->s, &sl->qi, sl->map, err))
		return -1;
	sl->story = sub_of(docs, n, sl->qi, story);
	depth = ncand > total ? ncand : total;
	rl.depth = depth;
	rl.n_docs = sl->s.n_docs;
	rl.items = malloc(total * depth * sizeof *rl.items);
	rl.count = calloc(total, sizeof *rl.count);
	if (!rl.items || !rl.count || sl->story == UINT32_MAX) {
		error_set(err, NULL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < total; i++) {
		struct neighbor *it = rl.items + i * depth;
		if (i == sl->story) {
			for (size_t c = 0; c < ncand; c++) {
				uint32_t j = sub_of(docs, n, sl->qi, cand[c].doc);
				if (j != UINT32_MAX) /* always: every candidate is in docs */
					it[rl.count[i]++] = (struct neighbor){ j, cand[c].score };
			}
		} else {
			/* every other story: enough for the duplicate graph */
			for (size_t j = 0; j < total; j++)
				if (j != i)
					it[rl.count[i]++] = (struct neighbor){ (uint32_t)j, 0.0f };
		}
	}
	policy_options_of(o, &po);
	po.explain = explain;
	if (!fill) {
		po.fallback = 0;
		po.fill = 0;
	}
	po.semantic = sl->s.latent_dim ? o->policy.semantic : 0.0f;
	if (o->overrides) {
		if (overrides_resolve(o->overrides, &sl->s, &ignored, err))
			goto done;
		po.overrides = o->overrides;
	}
	rc = policy_apply(&sl->s, &rl, &po, &sl->lists, err);
done:
	skip_list_free(&ignored);
	rank_lists_free(&rl);
	return rc;
}

/* Runs the policy for the new story on the small model of `docs`; fills
 * the line and counts its items by origin. With `fill` 0 no fallback item
 * is added (fill and fallback off): the small model then holds only the
 * candidates, not what a fallback draws from. */
static int apply_policy(const struct model *m, const struct article *a,
			const struct query_vector *v, const struct query_options *o,
			const uint32_t *docs, size_t n, const struct neighbor *cand,
			size_t ncand, int fill, const char *generated_at,
			struct query_result *out, struct list_origins *got, struct error *err)
{
	struct small_lists sl;
	uint32_t qi;
	int rc = -1;

	if (small_policy(m, a, v, o, docs, n, QUERY_NEW, cand, ncand, fill, o->policy.explain,
			 &sl, err))
		goto done;
	qi = sl.qi;
	got->similar = got->fallback = got->pinned = got->unsure = 0;
	for (uint32_t i = 0; i < sl.lists.count[qi]; i++) {
		const struct related_item *it = &sl.lists.items[(size_t)qi * sl.lists.top + i];
		got->similar += !strcmp(it->origin, "similar");
		got->pinned += !strcmp(it->origin, "pinned");
		if (strcmp(it->origin, "fallback"))
			continue;
		got->fallback++;
		got->unsure += got->recent && !bsearch(&sl.map[it->doc], got->recent,
						       got->n_recent, sizeof *got->recent, cmp_u32);
	}
	out->line.len = 0;
	if (output_related_line(&out->line, &sl.s, &sl.lists, qi, generated_at)) {
		error_set(err, NULL, "out of memory");
		goto done;
	}
	/* drop the closing "}\n" so that the caller can add fields */
	out->line.len -= 2;
	out->line.data[out->line.len] = '\0';
	rc = 0;
done:
	small_lists_free(&sl);
	return rc;
}

/* The fallback of the new story's list (`got`: the list without it, on
 * the candidates docs[0..n)), as `run` fills it: with the cutoff, a list of
 * fewer than `fill` ranked items, without it (--no-cutoff) an empty one
 * unless the fallback is off. `run` draws from every story of the section,
 * newest first, skipping those a rule keeps off the list. The small model
 * gets the newest `want` of them beside the candidates; when the list is
 * not full, or took a candidate older than those `want`, the section may
 * hold a story `run` would take first: `want` doubles until neither, or
 * the section has no more. The list is then the one `run` fills. */
static int fill_list(const struct model *m, const struct article *a,
		     const struct query_vector *v, const struct query_options *o,
		     const uint32_t *docs, size_t n, const struct neighbor *cand, size_t ncand,
		     struct list_origins *got, const char *generated_at,
		     struct query_result *out, struct error *err)
{
	const struct policy_options *po = &o->policy;
	int cutoff = po->cutoff > 0.0f;
	size_t want = po->top, limit;

	if (cutoff ? got->similar >= po->fill : got->similar || !po->fallback)
		return 0;
	for (;;) {
		uint32_t *d = malloc((n + 2 * want) * sizeof *d), *recent;
		size_t k, room;
		int rc;
		if (!d)
			return error_set(err, a->id, "out of memory");
		memcpy(d, docs, n * sizeof *d);
		recent = d + n + want;
		k = recent_of_section(m, a, out->self, po, want, recent);
		memcpy(d + n, recent, k * sizeof *d);
		qsort(recent, k, sizeof *recent, cmp_u32);
		got->recent = recent;
		got->n_recent = k;
		rc = apply_policy(m, a, v, o, d, sort_unique(d, n + k), cand, ncand, 1,
				  generated_at, out, got, err);
		got->recent = NULL;
		free(d);
		if (rc)
			return -1;
		room = po->top > got->pinned ? po->top - got->pinned : 0;
		limit = cutoff && po->fill < room ? po->fill : room;
		if (k < want || want >= m->n_docs ||
		    (got->similar + got->fallback >= limit && !got->unsure))
			return 0;
		want *= 2;
	}
}

int query_story(const struct model *m, const struct article *a,
		const struct query_vector *v, const struct query_options *o,
		const char *generated_at, struct query_result *out, struct error *err)
{
	size_t depth = (o->policy.top ? o->policy.top : 1) + EXTRA_DEPTH, cap, nh = 0, n = 0;
	int blend = o->policy.semantic > 0.0f && m->latent_dim && v->latent;
	struct list_origins got = { 0 };
	struct neighbor *heap = NULL;
	uint32_t *docs = NULL;
	size_t extra = o->overrides ? o->overrides->n : 0;
	struct policy_options po;
	int rc = -1;

	policy_options_of(o, &po);
	memset(out, 0, sizeof *out);
	buf_init(&out->line);
	out->self = model_find(m, a->id);
	if (accumulate(m, v, out, err))
		goto done;
	cap = blend && o->rerank > depth ? o->rerank : depth;
	heap = malloc(cap * sizeof *heap);
	docs = malloc((depth + 2 * extra + o->policy.top + 1) * sizeof *docs);
	if (!heap || !docs) {
		error_set(err, a->id, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < out->n_touched; i++) {
		uint32_t d = out->touched[i];
		if ((int64_t)d == out->self || out->tfidf[i] <= 0.0f ||
		    !policy_languages_match(&po, a->lang, model_doc(m, d, MODEL_LANG)))
			continue;
		rank_heap_push(heap, &nh, cap, (struct neighbor){ d, out->tfidf[i] });
	}
	if (blend)
		for (size_t i = 0; i < nh; i++)
			heap[i].score = (1.0f - o->policy.semantic) * heap[i].score +
					o->policy.semantic * latent_dot(m, v, heap[i].doc);
	qsort(heap, nh, sizeof *heap, rank_neighbor_cmp);
	if (nh > depth)
		nh = depth;
	for (size_t i = 0; i < nh; i++)
		docs[n++] = heap[i].doc;
	/* stories pinned on the new one join its small model */
	for (size_t i = 0; i < extra; i++) {
		const struct override *ov = &o->overrides->items[i];
		int64_t t;
		if (ov->kind != OVERRIDE_PIN || !ov->story || strcmp(ov->story, a->id))
			continue;
		t = model_find(m, ov->target);
		if (t >= 0 && t != out->self)
			docs[n++] = (uint32_t)t;
	}
	n = sort_unique(docs, n);
	if (apply_policy(m, a, v, o, docs, n, heap, nh, 0, generated_at, out, &got, err) ||
	    fill_list(m, a, v, o, docs, n, heap, nh, &got, generated_at, out, err))
		goto done;
	rc = 0;
done:
	free(heap);
	free(docs);
	if (rc)
		query_result_free(out);
	return rc;
}

/* ---- refresh ---- */

/* The score a story must beat to enter a list of n items (`top` at most)
 * whose lowest ranked item scores `low`: none when the list has room or
 * was filled by the fallback. */
static float list_floor(size_t n, size_t top, int has_fallback, float low)
{
	return n < top || has_fallback ? -INFINITY : low;
}

/* The floor of one related.jsonl line as output_related_line() writes it,
 * without a JSON parser (parsing 100 000 lines with jansson takes seconds):
 * the source id, then every `"score":X,"origin":"Y"` pair (a `why` object's
 * score is followed by '}', and quotes inside strings are escaped, so
 * nothing else matches). Returns 0 when done, 1 when the id is not in the
 * model, -1 when the line is not in that form (an id with escapes, another
 * writer): the caller parses it. */
/* (list, item) pairs as the lists file is read, for query_listed. */
struct pairs {
	uint32_t (*pair)[2];
	size_t n, cap;
	int oom;
};

static void pairs_add(struct pairs *ps, int64_t d, int64_t x)
{
	if (!ps || x < 0 || ps->oom)
		return;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 1024;
		void *p = realloc(ps->pair, cap * sizeof *ps->pair);
		if (!p) {
			ps->oom = 1;
			return;
		}
		ps->pair = p;
		ps->cap = cap;
	}
	ps->pair[ps->n][0] = (uint32_t)d;
	ps->pair[ps->n++][1] = (uint32_t)x;
}

/* The story of the last "id":"..." of an item in line[0..at), or -1 (an id
 * with escapes, not found, or not in m). */
static int64_t item_before(const struct model *m, const char *items, const char *at)
{
	static const char key[] = "\"id\":\"";
	const char *p = NULL, *e;

	for (const char *q = strstr(items, key); q && q < at; q = strstr(q + 1, key))
		p = q + sizeof key - 1;
	if (!p || !(e = strchr(p, '"')) || memchr(p, '\\', (size_t)(e - p)))
		return -1;
	return model_find_len(m, p, (size_t)(e - p));
}

static int scan_line(const char *line, const struct model *m, size_t top, float *floor,
		     struct pairs *ps)
{
	static const char head[] = "\"source\":{\"id\":\"";
	const char *p = strstr(line, head), *e, *q, *last;
	size_t n = 0;
	float low = INFINITY;
	int has_fallback = 0;
	int64_t d;

	if (!p)
		return -1;
	p += sizeof head - 1;
	e = strchr(p, '"');
	if (!e || memchr(p, '\\', (size_t)(e - p)))
		return -1;
	d = model_find_len(m, p, (size_t)(e - p));
	if (d < 0)
		return 1;
	q = strstr(e, "\"items\":[");
	if (!q)
		return -1;
	last = q;
	for (q = strstr(q, "\"score\":"); q; q = strstr(q, "\"score\":")) {
		char *end;
		const char *at = q;
		float sc = strtof(q + 8, &end);
		q += 8;
		if (end == q || strncmp(end, ",\"origin\":\"", 11))
			continue;
		n++;
		end += 11;
		if (!strncmp(end, "fallback\"", 9)) {
			has_fallback = 1;
		} else if (!strncmp(end, "similar\"", 8)) {
			if (sc < low)
				low = sc;
			pairs_add(ps, d, item_before(m, last, at));
		}
		last = end;
	}
	floor[d] = list_floor(n, top, has_fallback, low);
	return 0;
}

/* The pairs as query_listed's rows (sorted by list, in file order). */
static int listed_build(const struct model *m, struct pairs *ps, struct query_listed *l)
{
	l->start = calloc((size_t)m->n_docs + 1, sizeof *l->start);
	l->item = malloc((ps->n ? ps->n : 1) * sizeof *l->item);
	if (!l->start || !l->item || ps->oom) {
		query_listed_free(l);
		return -1;
	}
	for (size_t i = 0; i < ps->n; i++)
		l->start[ps->pair[i][0] + 1]++;
	for (uint32_t d = 0; d < m->n_docs; d++)
		l->start[d + 1] += l->start[d];
	for (size_t i = 0; i < ps->n; i++) /* start[d] runs up to start[d + 1] */
		l->item[l->start[ps->pair[i][0]]++] = ps->pair[i][1];
	for (uint32_t d = m->n_docs; d > 0; d--)
		l->start[d] = l->start[d - 1];
	l->start[0] = 0;
	return 0;
}

void query_listed_free(struct query_listed *l)
{
	free(l->start);
	free(l->item);
	l->start = l->item = NULL;
}

int query_floors_load(const struct model *m, const char *path, size_t top,
		      float **floor, struct query_listed *listed, struct error *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	size_t lineno = 0;
	int rc = -1;
	struct pairs ps = { NULL, 0, 0, 0 };

	*floor = NULL;
	if (listed)
		listed->start = listed->item = NULL;
	if (!f)
		return error_set(err, path, "cannot open lists: %s", strerror(errno));
	*floor = malloc((m->n_docs ? m->n_docs : 1) * sizeof **floor);
	if (!*floor)
		goto oom;
	for (uint32_t d = 0; d < m->n_docs; d++)
		(*floor)[d] = NAN;
	while ((len = getline(&line, &cap, f)) > 0) {
		json_t *j;
		size_t had = ps.n;
		int fast = scan_line(line, m, top, *floor, listed ? &ps : NULL);

		lineno++;
		if (fast >= 0 || strspn(line, " \t\r\n") == (size_t)len)
			continue;
		ps.n = had; /* parsed again below */
		j = json_loadb(line, (size_t)len, 0, NULL);
		json_t *items = json_object_get(j, "items");
		const char *id = json_string_value(json_object_get(json_object_get(j, "source"), "id"));
		int64_t d = id ? model_find(m, id) : -1;
		size_t n = json_array_size(items);
		float low = INFINITY;
		int has_fallback = 0;

		/* Another file given by mistake (report.json, a manifest) would
		 * leave every floor unknown and "refresh" empty as if nothing
		 * needed refreshing: refuse it, naming the line. */
		if (!id || !json_is_array(items)) {
			json_decref(j);
			error_set(err, path, "line %zu: not a related.jsonl line", lineno);
			goto done;
		}
		if (d < 0 || d >= (int64_t)m->n_docs) {
			json_decref(j);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			json_t *it = json_array_get(items, i);
			const char *origin = json_string_value(json_object_get(it, "origin"));
			double sc = json_number_value(json_object_get(it, "score"));
			if (origin && !strcmp(origin, "fallback"))
				has_fallback = 1;
			if (origin && !strcmp(origin, "similar")) {
				const char *x = json_string_value(json_object_get(it, "id"));
				if (sc < low)
					low = (float)sc;
				if (listed && x)
					pairs_add(&ps, d, model_find(m, x));
			}
		}
		(*floor)[d] = list_floor(n, top, has_fallback, low);
		json_decref(j);
	}
	if (ferror(f)) {
		error_set(err, path, "cannot read lists: %s", strerror(errno));
		goto done;
	}
	if (listed && listed_build(m, &ps, listed))
		goto oom;
	rc = 0;
	goto done;
oom:
	error_set(err, path, "out of memory");
done:
	free(line);
	free(ps.pair);
	fclose(f);
	if (rc) {
		free(*floor);
		*floor = NULL;
	}
	return rc;
}

/* The smallest TF-IDF cosine with which a pair can reach the cutoff:
 * policy_relatedness_names() grows with every argument, and score / best
 * and the names are at most 1 (found by bisection, so it follows the
 * fitted constants). */
static float cutoff_min_tfidf(float cutoff)
{
	float lo = 0.0f, hi = 1.0f;

	if (policy_relatedness_names(0.0f, 1.0f, 1.0f, 1.0f) >= cutoff)
		return 0.0f;
	for (int i = 0; i < 30; i++) {
		float mid = (lo + hi) / 2;
		if (policy_relatedness_names(mid, 1.0f, 1.0f, 1.0f) >= cutoff)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* Whether the new story (title and lead signature) is a twin of story x
 * of m, as policy.c's twin rule reads them; `memo` (by story: 0 not known
 * yet, 1 no, 2 yes) keeps the answers, since every list showing x asks
 * again and the title comparison (utf8proc) cost most of a refresh (perf,
 * 20,000 stories). */
static int twin_of(const struct model *m, const struct article *a,
		   const struct query_vector *v, unsigned char *memo, uint32_t x)
{
	if (!memo[x])
		memo[x] = 1 + (policy_title_twins(a->title, model_doc(m, x, MODEL_TITLE)) ||
			       (m->lead_sig &&
				policy_lead_twins(v->lead_sig,
						  m->lead_sig + (size_t)x * ANALYZE_LEAD_SLOTS)));
	return memo[x] == 2;
}

/* The time policy.c's twin rule compares (INT64_MIN: none, the oldest). */
static int64_t time_of(const char *rfc3339)
{
	int64_t t;

	return policy_parse_time(rfc3339, &t) ? INT64_MIN : t;
}

/* The new story's TF-IDF cosine with story x (0 when they share no term). */
static float tfidf_with(const struct query_result *r, uint32_t x)
{
	const uint32_t *k = bsearch(&x, r->touched, r->n_touched, sizeof x, cmp_u32);

	return k ? r->tfidf[k - r->touched] : 0.0f;
}

/* Whether new story `a` could take the place of an item of d's list (the
 * lists file's): it is a newer (ties: the lower id) twin of it (with the
 * cutoff and the twin rule) or copy of it, and the policy collapses the
 * two into the newer, in the better place with that place's score
 * (policy.h, rules 2 and 5b). */
static int may_replace(const struct model *m, const struct article *a,
		       const struct query_vector *v, const struct query_result *r,
		       const struct query_listed *l, const struct policy_options *po,
		       unsigned char *memo, uint32_t d)
{
	int twins = po->cutoff > 0.0f && po->twins;
	int64_t ta = time_of(a->published);

	if (!l || !l->start)
		return 0;
	for (uint32_t k = l->start[d]; k < l->start[d + 1]; k++) {
		uint32_t x = l->item[k];
		int64_t tx;
		if (!policy_is_copy(po, tfidf_with(r, x)) && !(twins && twin_of(m, a, v, memo, x)))
			continue;
		tx = time_of(model_doc(m, x, MODEL_PUBLISHED));
		if (ta != tx ? ta > tx : strcmp(a->id ? a->id : "", model_doc(m, x, MODEL_ID)) < 0)
			return 1;
	}
	return 0;
}

/* A candidate of d in the updated model: a story of m or the new one
 * (QUERY_NEW), with its index there, which orders ties. */
struct after_cand {
	struct neighbor n;
	uint32_t index;
};

static int cmp_after(const void *x, const void *y)
{
	const struct after_cand *a = x, *b = y;

	if (a->n.score != b->n.score)
		return a->n.score > b->n.score ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* The new story's index in m with it added (query_update(): id order; a
 * story of the same id is replaced in its place). */
static uint32_t new_index(const struct model *m, const struct article *a, int64_t self)
{
	uint32_t lo = 0, hi = m->n_docs;

	if (self >= 0)
		return (uint32_t)self;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(model_doc(m, mid, MODEL_ID), a->id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* How deep refresh_rank() ranks: the candidates rank.c blends (`rerank`
 * with the blend, else the list's depth), and one more, since the story
 * the new one replaces may be among them. */
static size_t refresh_depth(const struct model *m, const struct query_options *o)
{
	size_t depth = (o->policy.top ? o->policy.top : 1) + EXTRA_DEPTH;
	int blend = o->policy.semantic > 0.0f && m->latent_dim;

	return (blend && o->rerank > depth ? o->rerank : depth) + 1;
}

/* The stories docs[0..n) (ascending) ranked by TF-IDF alone, refresh_depth()
 * deep, in one rank_all() call: its set-up (language table, postings) is
 * made once, not once per story. */
static int refresh_rank(const struct model *m, const struct query_options *o,
			const uint32_t *docs, size_t n, struct rank_lists *l)
{
	struct rank_options ro = { 0 };
	struct error err;

	ro.depth = refresh_depth(m, o);
	ro.jobs = 1;
	ro.same_lang = o->policy.same_lang;
	ro.docs = docs;
	ro.n_list = n;
	return rank_all(m, &ro, l, &err);
}

/* Story d's candidates in the model m plus the new story (query_update()),
 * as rank.c's exact mode makes them: its best TF-IDF candidates (`rerank`
 * of them with the blend; `l` holds them, refresh_rank()), the new story
 * among them at TF-IDF cosine t (unless a language rule keeps it out),
 * re-scored by the blend, best first, ties by index, `top` + EXTRA_DEPTH
 * of them. Vocabulary, df and the other stories' vectors are m's in that
 * model, so d's cosines with them are the ones m gives. Fills out[] (the
 * new story as QUERY_NEW) and returns how many; -1 when memory runs out. */
static long candidates_after(const struct model *m, const struct article *a,
			     const struct query_vector *v, const struct query_options *o,
			     const struct query_result *r, const struct rank_lists *l, uint32_t d,
			     float t, struct neighbor *out)
{
	size_t depth = (o->policy.top ? o->policy.top : 1) + EXTRA_DEPTH;
	int blend = o->policy.semantic > 0.0f && m->latent_dim;
	size_t cap = refresh_depth(m, o) - 1, n = 0;
	float w = o->policy.semantic;
	uint32_t qi = new_index(m, a, r->self);
	struct after_cand *c = malloc((cap + 2) * sizeof *c);

	if (!c)
		return -1;
	for (uint32_t i = 0; i < l->count[d]; i++) {
		struct neighbor x = l->items[(size_t)d * l->depth + i];
		if ((int64_t)x.doc == r->self)
			continue;
		c[n++] = (struct after_cand){ x, r->self < 0 && x.doc >= qi ? x.doc + 1 : x.doc };
	}
	if (policy_languages_match(&o->policy, model_doc(m, d, MODEL_LANG), a->lang))
		c[n++] = (struct after_cand){ { QUERY_NEW, t }, qi };
	qsort(c, n, sizeof *c, cmp_after);
	if (n > cap)
		n = cap;
	if (blend) {
		const float *ld = m->latent + (size_t)d * m->latent_dim;
		for (size_t i = 0; i < n; i++) {
			/* the new story's latent vector is its folded one (zero
			 * without a term basis), as query_update() stores it */
			const float *lx = c[i].n.doc == QUERY_NEW ? v->latent
				: m->latent + (size_t)c[i].n.doc * m->latent_dim;
			float dot = lx ? model_latent_dot(ld, lx, m->latent_dim) : 0.0f;
			c[i].n.score = (1.0f - w) * c[i].n.score + w * dot;
		}
		qsort(c, n, sizeof *c, cmp_after);
	}
	if (n > depth)
		n = depth;
	for (size_t i = 0; i < n; i++)
		out[i] = c[i].n;
	free(c);
	return (long)n;
}

/* Whether a recommend of m plus the new story shows the new story on
 * story d's list, ranked (origin "similar"): d's candidates there
 * (candidates_after()) go through the policy (small_policy(), the
 * function `run` applies) on a small model of d, those candidates, d's
 * pinned stories and the new story, with every option. 1 or 0; -1 when
 * memory runs out. */
static int shown_on(const struct model *m, const struct article *a,
		    const struct query_vector *v, const struct query_options *o,
		    const struct query_result *r, const struct rank_lists *l, uint32_t d, float t)
{
	size_t depth = (o->policy.top ? o->policy.top : 1) + EXTRA_DEPTH;
	size_t extra = o->overrides ? o->overrides->n : 0, n = 0;
	struct neighbor *cand = malloc(depth * sizeof *cand);
	uint32_t *docs = malloc((depth + extra + 1) * sizeof *docs);
	const char *id = model_doc(m, d, MODEL_ID);
	struct small_lists sl;
	struct error err;
	long nc;
	int shown = -1;

	if (!cand || !docs || (nc = candidates_after(m, a, v, o, r, l, d, t, cand)) < 0)
		goto done;
	docs[n++] = d;
	for (long i = 0; i < nc; i++)
		if (cand[i].doc != QUERY_NEW)
			docs[n++] = cand[i].doc;
	/* d's pins take places on its list: they join the small model */
	for (size_t i = 0; i < extra; i++) {
		const struct override *ov = &o->overrides->items[i];
		int64_t x;
		if (ov->kind != OVERRIDE_PIN || !ov->story || strcmp(ov->story, id))
			continue;
		x = model_find(m, ov->target);
		if (x >= 0 && x != r->self)
			docs[n++] = (uint32_t)x;
	}
	n = sort_unique(docs, n);
	if (small_policy(m, a, v, o, docs, n, d, cand, (size_t)nc, 0, 0, &sl, &err) == 0) {
		const struct related_item *it = sl.lists.items + (size_t)sl.story * sl.lists.top;
		shown = 0;
		for (uint32_t i = 0; i < sl.lists.count[sl.story]; i++)
			shown |= it[i].doc == sl.qi && !strcmp(it[i].origin, "similar");
	}
	small_lists_free(&sl);
done:
	free(cand);
	free(docs);
	return shown;
}

/* Days between two RFC 3339 dates, as the policy counts them; -1 when
 * either is missing or not one. */
static double days_between(const char *x, const char *y)
{
	int64_t tx, ty;

	if (policy_parse_time(x, &tx) || policy_parse_time(y, &ty))
		return -1.0;
	return fabs((double)(tx - ty)) / 86400.0;
}

/* Whether the new story can be on d's list at all, from what is known
 * without ranking d again: necessary conditions, so that shown_on(), which
 * decides, runs for few stories. With the cutoff, the new story shows
 * either in its own right, which needs policy_relatedness_full() (the
 * pair's names and numbers known) to reach `show` (policy_show_floor():
 * below the cutoff, since d's event or a group may lift it) as if
 * it were d's best candidate (score / best <= 1,
 * whatever the decay does to both) and it not to be d's twin, or in the
 * place of an item it re-edits (may_replace()). Without it, in its own
 * right it must score (undecayed, scores decay by at most 1) at least the
 * list's weakest ranked item, or push that item out of d's candidates,
 * which needs a score above that item's undecayed one; the floor is read
 * to 4 decimals. */
static int may_enter(const struct model *m, const struct article *a,
		     const struct query_vector *v, const struct query_result *r,
		     const struct query_listed *listed, const struct policy_names *lead,
		     const struct policy_options *po, unsigned char *memo, float min_tfidf,
		     float show, float floor, uint32_t d, float t, float s)
{
	if (po->cutoff > 0.0f) {
		if (t >= min_tfidf && !(po->twins && twin_of(m, a, v, memo, d))) {
			float names = policy_names_overlap(lead, model_doc(m, d, MODEL_TITLE),
							   model_doc(m, d, MODEL_EXCERPT));
			float numdis = m->numbers ? numbers_disagreement(
				v->numbers, m->numbers + (size_t)d * NUMBERS_SLOTS) : 0.0f;
			if (policy_relatedness_full(t, 1.0f, 1.0f, names, numdis) >= show)
				return 1;
		}
	} else if (s >= floor - 1e-4f) {
		return 1;
	}
	return may_replace(m, a, v, r, listed, po, memo, d);
}

int query_refresh(const struct model *m, const struct article *a,
		  const struct query_vector *v, const struct query_result *r, const float *floor,
		  const struct query_listed *listed, const struct query_options *o,
		  struct buf *ids)
{
	int blend = o->policy.semantic > 0.0f && m->latent_dim, rc = 0;
	struct policy_options po;
	/* with the cutoff, the least probability with which the new story can
	 * show: below the cutoff, since the story's event or a group may lift
	 * it (policy.h) */
	float show = o->policy.cutoff > 0.0f ? policy_show_floor(o->policy.cutoff) : 0.0f;
	float min_tfidf = o->policy.cutoff > 0.0f ? cutoff_min_tfidf(show) : 0.0f;
	/* the names of the new story's lead, as the model would keep it */
	char *excerpt = o->policy.cutoff > 0.0f ? article_excerpt(a->text, MODEL_EXCERPT_MAX) : NULL;
	struct policy_names lead;
	unsigned char *memo = calloc(m->n_docs ? m->n_docs : 1, 1);
	/* the stories that could list the new story (ascending, as touched
	 * is), with its TF-IDF cosine with each */
	uint32_t *maybe = malloc((r->n_touched ? r->n_touched : 1) * sizeof *maybe);
	float *maybe_t = malloc((r->n_touched ? r->n_touched : 1) * sizeof *maybe_t);
	size_t n = 0;
	struct rank_lists l = { 0 };

	rc = policy_names_of(a->title, excerpt, &lead) || !memo || !maybe || !maybe_t;
	free(excerpt);
	policy_options_of(o, &po);
	for (size_t i = 0; i < r->n_touched && !rc; i++) {
		uint32_t d = r->touched[i];
		float t = r->tfidf[i], s = t;
		struct policy_pair pair;
		if (isnan(floor[d]) || (int64_t)d == r->self || t <= 0.0f)
			continue;
		if (blend) /* as candidates_after() blends it */
			s = (1.0f - o->policy.semantic) * t +
			    o->policy.semantic * (v->latent ? latent_dot(m, v, d) : 0.0f);
		/* the new story on d's list; the overrides, a scan of them
		 * all, are asked last */
		pair = (struct policy_pair){ model_doc(m, d, MODEL_LANG), a->lang, s, t,
					     days_between(a->published,
							  model_doc(m, d, MODEL_PUBLISHED)),
					     NULL };
		if (policy_pair_rule(&po, &pair) ||
		    policy_override_by_id(o->overrides, model_doc(m, d, MODEL_ID), a->id) ||
		    !may_enter(m, a, v, r, listed, &lead, &po, memo, min_tfidf, show, floor[d], d,
			       t, s))
			continue;
		maybe[n] = d;
		maybe_t[n++] = t;
	}
	if (!rc && n && refresh_rank(m, o, maybe, n, &l))
		rc = -1;
	for (size_t i = 0; i < n && !rc; i++) {
		int shown = shown_on(m, a, v, o, r, &l, maybe[i], maybe_t[i]);
		const char *id = model_doc(m, maybe[i], MODEL_ID);
		if (shown < 0)
			rc = -1;
		if (shown <= 0)
			continue;
		if (ids->len)
			rc |= buf_addc(ids, ',');
		rc |= buf_add_json_string(ids, id, strlen(id));
	}
	rank_lists_free(&l);
	free(lead.hash);
	free(memo);
	free(maybe);
	free(maybe_t);
	return rc ? -1 : 0;
}

/* ---- update ---- */

struct new_story {
	const struct article *a;
	const struct query_vector *v;
};

static int cmp_new_story(const void *x, const void *y)
{
	return strcmp(((const struct new_story *)x)->a->id, ((const struct new_story *)y)->a->id);
}

int query_update(const struct model *m, const struct article *arts,
		 const struct query_vector *vecs, size_t n, struct model *out,
		 struct error *err)
{
	struct new_story *ns = malloc((n ? n : 1) * sizeof *ns);
	size_t total = m->n_docs, nnz = m->nnz, at = 0, w = 0;
	uint32_t dim = m->latent_dim;
	struct buf strings = BUF_INIT;
	uint64_t *field = NULL, *row = NULL, *term_name = NULL;
	uint32_t *col = NULL, *df = NULL;
	uint16_t *sig = NULL;
	uint32_t *nums = NULL;
	float *val = NULL, *latent = NULL, *basis = NULL;
	size_t i = 0, j = 0;

	memset(out, 0, sizeof *out);
	if (!ns)
		return error_set(err, NULL, "out of memory");
	for (size_t k = 0; k < n; k++) {
		ns[k] = (struct new_story){ &arts[k], &vecs[k] };
		nnz += vecs[k].n;
	}
	qsort(ns, n, sizeof *ns, cmp_new_story);
	/* keep the last of equal ids (later arguments win), count new ids */
	for (size_t k = 0; k < n; k++) {
		if (k + 1 < n && !strcmp(ns[k].a->id, ns[k + 1].a->id))
			continue;
		ns[w++] = ns[k];
	}
	n = w;
	for (size_t k = 0; k < n; k++)
		total += model_find(m, ns[k].a->id) < 0;
	if (total >= UINT32_MAX - 1) {
		free(ns);
		return error_set(err, NULL, "too many stories for one model");
	}
	field = malloc(total * MODEL_FIELDS * sizeof *field);
	row = malloc((total + 1) * sizeof *row);
	col = malloc((nnz ? nnz : 1) * sizeof *col);
	val = malloc((nnz ? nnz : 1) * sizeof *val);
	term_name = malloc(((size_t)m->n_terms + 1) * sizeof *term_name);
	df = malloc(((size_t)m->n_terms + 1) * sizeof *df);
	if (dim)
		latent = calloc(total * dim, sizeof *latent);
	if (dim && m->term_basis)
		basis = malloc((size_t)m->n_terms * dim * sizeof *basis);
	if (m->lead_sig)
		sig = malloc(total * ANALYZE_LEAD_SLOTS * sizeof *sig);
	if (m->numbers)
		nums = malloc(total * NUMBERS_SLOTS * sizeof *nums);
	if (!field || !row || !col || !val || !term_name || !df || (dim && !latent) ||
	    (m->lead_sig && !sig) || (m->numbers && !nums) ||
	    (dim && m->term_basis && !basis) || buf_add(&strings, m->strings, m->strings_len))
		goto oom;
	/* old strings keep their offsets; new stories' strings go after them */
	memcpy(term_name, m->term_name, (size_t)m->n_terms * sizeof *term_name);
	memcpy(df, m->df, (size_t)m->n_terms * sizeof *df);
	if (basis)
		memcpy(basis, m->term_basis, (size_t)m->n_terms * dim * sizeof *basis);
	row[0] = 0;
	for (size_t d = 0; d < total; d++) {
		int take_new;
		if (i < m->n_docs && j < n) {
			int c = strcmp(model_doc(m, (uint32_t)i, MODEL_ID), ns[j].a->id);
			if (c == 0)
				i++; /* replaced by the new story */
			take_new = c >= 0;
		} else {
			take_new = j < n;
		}
		if (take_new) {
			const struct article *a = ns[j].a;
			const struct query_vector *v = ns[j].v;
			char *excerpt = article_excerpt(a->text, MODEL_EXCERPT_MAX);
			const char *f[MODEL_FIELDS] = { a->id, a->url, a->title, a->published,
							a->lang, a->section, a->image, excerpt };
			for (int k = 0; k < MODEL_FIELDS; k++) {
				field[d * MODEL_FIELDS + (size_t)k] = f[k] ? strings.len : 0;
				if (f[k] && buf_add(&strings, f[k], strlen(f[k]) + 1)) {
					free(excerpt);
					goto oom;
				}
			}
			free(excerpt);
			memcpy(col + at, v->term, v->n * sizeof *col);
			memcpy(val + at, v->weight, v->n * sizeof *val);
			at += v->n;
			if (dim && v->latent)
				memcpy(latent + d * dim, v->latent, dim * sizeof *latent);
			if (sig)
				memcpy(sig + d * ANALYZE_LEAD_SLOTS, v->lead_sig, sizeof v->lead_sig);
			if (nums)
				memcpy(nums + d * NUMBERS_SLOTS, v->numbers, sizeof v->numbers);
			j++;
		} else {
			uint64_t b = m->row[i], e = m->row[i + 1];
			memcpy(field + d * MODEL_FIELDS, m->doc_field + i * MODEL_FIELDS,
			       MODEL_FIELDS * sizeof *field);
			model_row_terms(m, (uint32_t)i, col + at);
			memcpy(val + at, m->val + b, (e - b) * sizeof *val);
			at += e - b;
			if (dim)
				memcpy(latent + d * dim, m->latent + i * dim, dim * sizeof *latent);
			if (sig)
				memcpy(sig + d * ANALYZE_LEAD_SLOTS, m->lead_sig + i * ANALYZE_LEAD_SLOTS,
				       ANALYZE_LEAD_SLOTS * sizeof *sig);
			if (nums)
				memcpy(nums + d * NUMBERS_SLOTS, m->numbers + i * NUMBERS_SLOTS,
				       NUMBERS_SLOTS * sizeof *nums);
			i++;
		}
		row[d + 1] = at;
	}
	free(ns);
	{
		struct model_parts parts = {
			.params = m->params, .n_docs = (uint32_t)total,
			.n_terms = m->n_terms, .nnz = at, .strings_len = strings.len,
			.term_name = term_name,
			.df = df, .doc_field = field, .row = row, .col = col, .val = val,
			.latent_dim = dim, .latent = latent, .term_basis = basis,
			.lead_sig = sig, .numbers = nums
		};
		parts.strings = buf_detach(&strings, NULL); /* after reading strings.len */
		if (!parts.strings) {
			model_parts_release(&parts);
			return error_set(err, NULL, "out of memory");
		}
		return model_from_parts(&parts, out, err);
	}
oom:
	free(ns);
	buf_release(&strings);
	free(field);
	free(row);
	free(col);
	free(val);
	free(term_name);
	free(df);
	free(latent);
	free(basis);
	free(sig);
	free(nums);
	return error_set(err, NULL, "out of memory");
}

/* ---- the command's stages ---- */

/* Overrides naming a story that is neither in the model nor queried now
 * are reported (as `run` does), not fatal. */
static int check_override_ids(const struct model *m, const struct overrides *ov,
			      const struct article *stories, size_t n_stories,
			      struct skip_list *problems)
{
	struct strmap ids;
	int rc = 0;

	strmap_init(&ids);
	for (size_t i = 0; i < n_stories && !rc; i++)
		rc = strmap_intern(&ids, stories[i].id, strlen(stories[i].id)) < 0;
	for (size_t i = 0; i < ov->n && !rc; i++) {
		const struct override *o = &ov->items[i];
		const char *bad = NULL;
		char msg[600];
		if (o->story && model_find(m, o->story) < 0 &&
		    strmap_find(&ids, o->story, strlen(o->story)) < 0)
			bad = o->story;
		else if (o->target && model_find(m, o->target) < 0 &&
			 strmap_find(&ids, o->target, strlen(o->target)) < 0)
			bad = o->target;
		if (!bad)
			continue;
		snprintf(msg, sizeof msg, "override ignored: unknown story '%.500s'", bad);
		rc = skip_list_add(problems, o->where, msg);
	}
	strmap_free(&ids);
	return rc;
}

/* What identifies the file at path as one version of it (device, inode,
 * size, mtime): a replacement by rename changes the inode. */
static int file_identity(const char *path, uint64_t id[4])
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	id[0] = (uint64_t)st.st_dev;
	id[1] = (uint64_t)st.st_ino;
	id[2] = (uint64_t)st.st_size;
	id[3] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
	return 0;
}

int query_session_open(struct query_session *s, const char *model_path, int full,
		       const char *overrides_path, const char *lists_path,
		       const struct article *stories, size_t n_stories, struct query_options *o,
		       struct skip_list *problems, struct error *err)
{
	struct analyze_options ao;
	int known = 0;

	memset(s, 0, sizeof *s);
	overrides_init(&s->overrides);
	/* An update rewrites the model, so it reads all of it, checked; a
	 * plain query maps it and reads only what it needs (model.h). */
	if (file_identity(model_path, s->file_id))
		memset(s->file_id, 0, sizeof s->file_id);
	if ((full ? model_load : model_map)(model_path, &s->model, err))
		return QUERY_BAD_INPUT;
	s->no_term_basis = s->model.latent_dim && !s->model.term_basis && o->policy.semantic > 0.0f;
	if (overrides_path) {
		if (overrides_load(&s->overrides, overrides_path, problems, err))
			return QUERY_BAD_INPUT;
		if (check_override_ids(&s->model, &s->overrides, stories, n_stories, problems)) {
			error_set(err, NULL, "out of memory");
			return QUERY_BAD_INPUT;
		}
		o->overrides = &s->overrides;
	}
	if (lists_path && query_floors_load(&s->model, lists_path, o->policy.top, &s->floor,
					    &s->listed, err))
		return QUERY_BAD_INPUT;
	/* A lists file with no list of any story of the model tells nothing:
	 * say so rather than answer [] as if no list needed the new story. */
	for (uint32_t d = 0; s->floor && d < s->model.n_docs && !known; d++)
		known = !isnan(s->floor[d]);
	if (s->floor && s->model.n_docs && !known) {
		s->lists_unknown = 1;
		free(s->floor);
		s->floor = NULL;
		query_listed_free(&s->listed);
	}
	query_analyze_options(&s->model, &ao);
	s->an = analyzer_new(&ao);
	if (!s->an) {
		error_set(err, NULL, "out of memory");
		return QUERY_NO_MEMORY;
	}
	return 0;
}

int query_session_line(struct query_session *s, const struct article *a,
		       const struct query_options *o, const char *generated_at,
		       struct query_vector *v, struct buf *line, struct error *err)
{
	struct query_result r;
	struct buf refresh = BUF_INIT;
	int rc = 0;

	if (query_vectorize(&s->model, s->an, a, v, err) ||
	    query_story(&s->model, a, v, o, generated_at, &r, err))
		return -1;
	if (s->floor)
		rc = query_refresh(&s->model, a, v, &r, s->floor, &s->listed, o, &refresh);
	line->len = 0;
	rc |= buf_add(line, r.line.data, r.line.len);
	rc |= buf_printf(line, ",\"refresh\":[%.*s]%s}\n", (int)refresh.len,
			 refresh.len ? refresh.data : "",
			 s->floor ? "" : ",\"refresh_unknown\":true");
	buf_release(&refresh);
	query_result_free(&r);
	return rc ? error_set(err, NULL, "out of memory") : 0;
}

/* The n stories added to model m (vectorised against it) into `out`. */
static int update_current(const struct model *m, const struct article *arts, size_t n,
			  struct model *out, struct error *err)
{
	struct analyze_options ao;
	struct analyzer *an;
	struct query_vector *v = calloc(n ? n : 1, sizeof *v);
	int rc = -1;

	query_analyze_options(m, &ao);
	an = analyzer_new(&ao);
	if (!an || !v) {
		error_set(err, NULL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (query_vectorize(m, an, &arts[i], &v[i], err))
			goto done;
	rc = query_update(m, arts, v, n, out, err);
done:
	for (size_t i = 0; v && i < n; i++)
		query_vector_free(&v[i]);
	free(v);
	analyzer_free(an);
	return rc;
}

int query_session_update(struct query_session *s, const struct article *arts,
			 const struct query_vector *vecs, size_t n, const char *path,
			 uint32_t *n_docs, struct error *err)
{
	struct model updated, current;
	uint64_t now[4];
	int lock = fs_lock_file(path, err), rc;

	if (lock < 0)
		return -1;
	if (!file_identity(path, now) && memcmp(now, s->file_id, sizeof now)) {
		/* replaced since we read it: add to the file as it is now */
		rc = model_load(path, &current, err);
		if (!rc) {
			rc = update_current(&current, arts, n, &updated, err);
			model_free(&current);
		}
	} else {
		rc = query_update(&s->model, arts, vecs, n, &updated, err);
	}
	if (!rc) {
		rc = model_save(&updated, path, err);
		*n_docs = updated.n_docs;
		model_free(&updated);
	}
	fs_unlock(lock);
	return rc;
}

void query_session_close(struct query_session *s)
{
	free(s->floor);
	query_listed_free(&s->listed);
	analyzer_free(s->an);
	model_free(&s->model);
	overrides_free(&s->overrides);
	memset(s, 0, sizeof *s);
}
