/*
 * eval: ranking metrics, recall against other lists, bootstrap intervals.
 *
 * Ids of stories are interned in a shared strmap, so relevance tests are
 * array look-ups: for each query the relevant stories are stamped with the
 * query's number in one array the size of the id space, which is never
 * cleared (a new stamp makes the old marks stale). Per-query values are kept
 * so that the bootstrap can resample queries; means and quantiles come from
 * gsl_statistics, random draws from gsl_rng.
 */
#include "eval.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

static int oom(struct error *err)
{
	error_set(err, NULL, "out of memory");
	return EVAL_ENOMEM;
}

/* Grows *v (elements of `size` bytes) to hold at least `need`. */
static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -1;
	p = realloc(*v, ncap * size);
	if (!p)
		return -1;
	*v = p;
	*cap = ncap;
	return 0;
}

/* Makes by_id[0 .. n) valid, new entries 0. */
static int grow_index(size_t **by_id, size_t *len, size_t n)
{
	size_t *p;

	if (n <= *len)
		return 0;
	if (n > SIZE_MAX / sizeof **by_id)
		return -1;
	p = realloc(*by_id, n * sizeof *p);
	if (!p)
		return -1;
	memset(p + *len, 0, (n - *len) * sizeof *p);
	*by_id = p;
	*len = n;
	return 0;
}

static int intern(struct strmap *m, const char *s, uint32_t *id)
{
	int64_t v = strmap_intern(m, s, strlen(s));

	if (v < 0)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

/* ---- Lists ------------------------------------------------------------- */

void eval_lists_init(struct eval_lists *l, struct strmap *ids)
{
	memset(l, 0, sizeof *l);
	l->ids = ids;
}

void eval_lists_free(struct eval_lists *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].items);
	free(l->v);
	free(l->by_id);
	eval_lists_init(l, l->ids);
}

const struct eval_list *eval_lists_find(const struct eval_lists *l, uint32_t id)
{
	if (id >= l->by_id_len || !l->by_id[id])
		return NULL;
	return &l->v[l->by_id[id] - 1];
}

int eval_lists_add(struct eval_lists *l, const char *source, const char *const *items,
		   size_t nitems, struct error *err)
{
	uint32_t src, *v = NULL;
	size_t slot;

	if (intern(l->ids, source, &src))
		return oom(err);
	if (nitems) {
		if (nitems > SIZE_MAX / sizeof *v || !(v = malloc(nitems * sizeof *v)))
			return oom(err);
	}
	for (size_t i = 0; i < nitems; i++) {
		uint32_t id;

		if (intern(l->ids, items[i], &id)) {
			free(v);
			return oom(err);
		}
		/* Self and repeats are misses. The first occurrence of an id
		 * keeps it, so comparing with earlier slots finds every repeat;
		 * lists are short (top-N), so a scan is enough. */
		v[i] = id;
		if (id == src)
			v[i] = EVAL_MISS;
		for (size_t j = 0; j < i && v[i] != EVAL_MISS; j++)
			if (v[j] == id)
				v[i] = EVAL_MISS;
	}
	if (grow_index(&l->by_id, &l->by_id_len, l->ids->n)) {
		free(v);
		return oom(err);
	}
	if (l->by_id[src]) {
		slot = l->by_id[src] - 1;
		free(l->v[slot].items);
	} else {
		if (grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) {
			free(v);
			return oom(err);
		}
		slot = l->n++;
		l->by_id[src] = slot + 1;
	}
	l->v[slot] = (struct eval_list){ .source = src, .items = v, .n = nitems };
	return 0;
}

/* The text of a JSON id or label (a string, or an integer written in
 * decimal into `tmp`), or NULL when it is neither. */
static const char *json_id(const json_t *v, char *tmp, size_t tmpsize)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, tmpsize, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return tmp;
	}
	return NULL;
}

/* Calls `line_fn` with the parsed object of every non-blank line of `f`.
 * Reports bad JSON and read errors as "NAME:LINE: ..." itself. */
static int each_json_line(FILE *f, const char *name, struct error *err,
			  int (*line_fn)(void *ctx, json_t *obj, const char *where,
					 struct error *err),
			  void *ctx)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;

	errno = 0;
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		char where[512];
		json_error_t jerr;
		json_t *obj;
		size_t i;

		lineno++;
		for (i = 0; i < (size_t)len && strchr(" \t\r\n", line[i]); i++)
			;
		if (i == (size_t)len)
			continue;
		snprintf(where, sizeof where, "%s:%zu", name, lineno);
		obj = json_loadb(line, (size_t)len, 0, &jerr);
		if (!obj) {
			rc = error_set(err, where, "bad JSON: %s", jerr.text);
			break;
		}
		if (!json_is_object(obj))
			rc = error_set(err, where, "expected a JSON object");
		else
			rc = line_fn(ctx, obj, where, err);
		json_decref(obj);
	}
	if (!rc && ferror(f))
		rc = error_set(err, name, "read error: %s", strerror(errno ? errno : EIO));
	free(line);
	return rc;
}

static int list_line(void *ctx, json_t *obj, const char *where, struct error *err)
{
	struct eval_lists *l = ctx;
	const json_t *items = json_object_get(obj, "items");
	const char *source, **names = NULL;
	char tmp[32], (*itmp)[32] = NULL;
	size_t n = 0;
	int rc;

	source = json_id(json_object_get(json_object_get(obj, "source"), "id"), tmp, sizeof tmp);
	if (!source)
		return error_set(err, where, "no \"source\": {\"id\"} string");
	if (items && !json_is_null(items) && !json_is_array(items))
		return error_set(err, where, "\"items\" is not an array");
	n = json_is_array(items) ? json_array_size(items) : 0;
	if (n && (!(names = calloc(n, sizeof *names)) || !(itmp = calloc(n, sizeof *itmp)))) {
		free(names);
		return oom(err);
	}
	for (size_t i = 0; i < n; i++) {
		names[i] = json_id(json_object_get(json_array_get(items, i), "id"), itmp[i],
				   sizeof itmp[i]);
		if (!names[i]) {
			free(names);
			free(itmp);
			return error_set(err, where, "item %zu has no \"id\" string", i + 1);
		}
	}
	rc = eval_lists_add(l, source, names, n, err);
	free(names);
	free(itmp);
	return rc;
}

int eval_lists_read(struct eval_lists *l, FILE *f, const char *name, struct error *err)
{
	return each_json_line(f, name, err, list_line, l);
}

/* ---- Labels ------------------------------------------------------------ */

void eval_labels_init(struct eval_labels *lab, struct strmap *ids)
{
	memset(lab, 0, sizeof *lab);
	lab->ids = ids;
	strmap_init(&lab->names);
}

void eval_labels_free(struct eval_labels *lab)
{
	for (size_t i = 0; i < lab->n; i++) {
		free(lab->v[i].labels);
		free(lab->v[i].picks);
	}
	free(lab->v);
	free(lab->by_id);
	strmap_free(&lab->names);
	eval_labels_init(lab, lab->ids);
}

/* Interns n strings into m; *out is owned by the caller (NULL when n is 0). */
static int intern_all(struct strmap *m, const char *const *s, size_t n, uint32_t **out)
{
	uint32_t *v = NULL;

	*out = NULL;
	if (!n)
		return 0;
	if (n > SIZE_MAX / sizeof *v || !(v = malloc(n * sizeof *v)))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (intern(m, s[i], &v[i])) {
			free(v);
			return -1;
		}
	*out = v;
	return 0;
}

int eval_labels_add(struct eval_labels *lab, const char *id, const char *const *labels,
		    size_t nlabels, const char *const *picks, size_t npicks, struct error *err)
{
	struct eval_labelled e = { 0 };
	size_t slot;

	if (intern(lab->ids, id, &e.id) || intern_all(&lab->names, labels, nlabels, &e.labels))
		return oom(err);
	if (intern_all(lab->ids, picks, npicks, &e.picks)) {
		free(e.labels);
		return oom(err);
	}
	e.nlabels = nlabels;
	e.npicks = npicks;
	if (grow_index(&lab->by_id, &lab->by_id_len, lab->ids->n))
		goto fail;
	if (lab->by_id[e.id]) {
		slot = lab->by_id[e.id] - 1;
		free(lab->v[slot].labels);
		free(lab->v[slot].picks);
	} else {
		if (grow((void **)&lab->v, &lab->cap, lab->n + 1, sizeof *lab->v))
			goto fail;
		slot = lab->n++;
		lab->by_id[e.id] = slot + 1;
	}
	lab->v[slot] = e;
	return 0;
fail:
	free(e.labels);
	free(e.picks);
	return oom(err);
}

/* Collects the strings of a string/integer or an array of them. `what`
 * names the field in messages. */
static int json_strings(const json_t *v, const char *what, const char *where,
			const char ***out, char (**tmp)[32], size_t *n, struct error *err)
{
	size_t count = json_is_array(v) ? json_array_size(v) : 1;

	*out = NULL;
	*tmp = NULL;
	*n = 0;
	if (!count)
		return 0;
	if (!(*out = calloc(count, sizeof **out)) || !(*tmp = calloc(count, sizeof **tmp))) {
		free(*out);
		*out = NULL;
		return oom(err);
	}
	for (size_t i = 0; i < count; i++) {
		const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;

		if (!((*out)[i] = json_id(e, (*tmp)[i], sizeof (*tmp)[i]))) {
			free(*out);
			free(*tmp);
			*out = NULL;
			*tmp = NULL;
			return error_set(err, where, "\"%s\" must be a string or a list of strings",
					 what);
		}
	}
	*n = count;
	return 0;
}

static int label_line(void *ctx, json_t *obj, const char *where, struct error *err)
{
	struct eval_labels *lab = ctx;
	const json_t *label = json_object_get(obj, "label");
	const json_t *related = json_object_get(obj, "related");
	const char *id, **labels = NULL, **picks = NULL;
	char tmp[32], (*ltmp)[32] = NULL, (*ptmp)[32] = NULL;
	size_t nlabels = 0, npicks = 0;
	int rc;

	if (!(id = json_id(json_object_get(obj, "id"), tmp, sizeof tmp)))
		return error_set(err, where, "no \"id\" string");
	if (!label && !related)
		return error_set(err, where, "neither \"label\" nor \"related\"");
	if (related && !json_is_array(related))
		return error_set(err, where, "\"related\" must be a list of ids");
	if (label && (rc = json_strings(label, "label", where, &labels, &ltmp, &nlabels, err)))
		return rc;
	if (related && (rc = json_strings(related, "related", where, &picks, &ptmp, &npicks, err)))
		goto out;
	rc = eval_labels_add(lab, id, labels, nlabels, picks, npicks, err);
out:
	free(labels);
	free(ltmp);
	free(picks);
	free(ptmp);
	return rc;
}

int eval_labels_read(struct eval_labels *lab, FILE *f, const char *name, struct error *err)
{
	return each_json_line(f, name, err, label_line, lab);
}

/* ---- Results ----------------------------------------------------------- */

void eval_result_init(struct eval_result *r)
{
	memset(r, 0, sizeof *r);
}

void eval_result_free(struct eval_result *r)
{
	for (size_t i = 0; i < r->nmetrics; i++)
		free(r->metrics[i].per_query);
	free(r->metrics);
	eval_result_init(r);
}

const struct eval_metric *eval_result_metric(const struct eval_result *r, const char *name)
{
	for (size_t i = 0; i < r->nmetrics; i++)
		if (!strcmp(r->metrics[i].name, name))
			return &r->metrics[i];
	return NULL;
}

/* Appends `count` metrics with room for `nq` values each; returns the first. */
static struct eval_metric *add_metrics(struct eval_result *r, size_t count, size_t nq)
{
	struct eval_metric *m;

	if (r->nmetrics > SIZE_MAX / sizeof *m - count)
		return NULL;
	m = realloc(r->metrics, (r->nmetrics + count) * sizeof *m);
	if (!m)
		return NULL;
	r->metrics = m;
	m += r->nmetrics;
	for (size_t i = 0; i < count; i++) {
		m[i] = (struct eval_metric){ .ci_low = NAN, .ci_high = NAN };
		if (nq && !(m[i].per_query = calloc(nq, sizeof *m[i].per_query))) {
			for (size_t j = 0; j < i; j++)
				free(m[j].per_query);
			return NULL;
		}
	}
	r->nmetrics += count;
	return m;
}

static void finish_metric(struct eval_metric *m)
{
	m->value = m->n ? gsl_stats_mean(m->per_query, 1, m->n) : 0.0;
}

/* Counts the relevant stories of labelled story `q`, stamping them with
 * `stamp` in `mark`. `members`/`start` list the stories of each label. */
static size_t stamp_relevant(const struct eval_labels *lab, const struct eval_labelled *q,
			     const uint32_t *members, const size_t *start, uint32_t *mark,
			     uint32_t stamp)
{
	size_t R = 0;

	mark[q->id] = stamp; /* never relevant to itself; uncounted */
	for (size_t i = 0; i < q->nlabels; i++)
		for (size_t j = start[q->labels[i]]; j < start[q->labels[i] + 1]; j++) {
			uint32_t s = lab->v[members[j]].id;
			if (mark[s] != stamp) {
				mark[s] = stamp;
				R++;
			}
		}
	for (size_t i = 0; i < q->npicks; i++)
		if (mark[q->picks[i]] != stamp) {
			mark[q->picks[i]] = stamp;
			R++;
		}
	mark[q->id] = 0;
	return R;
}

int eval_score_labels(struct eval_result *r, const struct eval_labels *lab,
		      const struct eval_lists *lists, const size_t *ks, size_t nks,
		      struct error *err)
{
	const size_t nids = lab->ids->n, nnames = lab->names.n;
	size_t *start = NULL, *fill = NULL, nq = 0, total = 0, first = r->nmetrics;
	uint32_t *members = NULL, *mark = NULL;
	struct eval_metric *m;
	int rc = EVAL_ENOMEM;

	/* Stories of each label, by counting sort (label order, then story). */
	if (!(start = calloc(nnames + 1, sizeof *start)) || !(fill = calloc(nnames + 1, sizeof *fill)) ||
	    !(mark = calloc(nids ? nids : 1, sizeof *mark)))
		goto out;
	for (size_t i = 0; i < lab->n; i++)
		for (size_t j = 0; j < lab->v[i].nlabels; j++)
			start[lab->v[i].labels[j] + 1]++, total++;
	for (size_t i = 0; i < nnames; i++)
		start[i + 1] += start[i];
	if (!(members = malloc((total ? total : 1) * sizeof *members)))
		goto out;
	for (size_t i = 0; i < lab->n; i++)
		for (size_t j = 0; j < lab->v[i].nlabels; j++) {
			uint32_t l = lab->v[i].labels[j];
			members[start[l] + fill[l]++] = (uint32_t)i;
		}

	if (!(m = add_metrics(r, 4 * nks, lab->n)))
		goto out;
	for (size_t i = 0; i < nks; i++) {
		snprintf(m[i].name, sizeof m[i].name, "P@%zu", ks[i]);
		snprintf(m[nks + i].name, sizeof m[i].name, "R@%zu", ks[i]);
		snprintf(m[2 * nks + i].name, sizeof m[i].name, "MAP@%zu", ks[i]);
		snprintf(m[3 * nks + i].name, sizeof m[i].name, "nDCG@%zu", ks[i]);
		for (size_t j = 0; j < 4; j++)
			m[j * nks + i].k = ks[i];
	}

	r->has_labels = 1;
	r->labelled = lab->n;
	for (size_t qi = 0; qi < lab->n; qi++) {
		const struct eval_labelled *q = &lab->v[qi];
		const struct eval_list *list = eval_lists_find(lists, q->id);
		const uint32_t stamp = (uint32_t)qi + 1;
		size_t R;

		if (list && list->n)
			r->covered++;
		R = stamp_relevant(lab, q, members, start, mark, stamp);
		if (!R) {
			r->skipped_no_relevant++;
			continue;
		}
		for (size_t i = 0; i < nks; i++) {
			const size_t k = ks[i], ideal = R < k ? R : k;
			size_t hits = 0;
			double ap = 0, dcg = 0, idcg = 0;

			for (size_t rank = 1; list && rank <= k && rank <= list->n; rank++) {
				uint32_t id = list->items[rank - 1];
				if (id != EVAL_MISS && mark[id] == stamp) {
					hits++;
					ap += (double)hits / (double)rank;
					dcg += 1 / log2((double)rank + 1);
				}
			}
			for (size_t rank = 1; rank <= ideal; rank++)
				idcg += 1 / log2((double)rank + 1);
			m[i].per_query[nq] = (double)hits / (double)k;
			m[nks + i].per_query[nq] = (double)hits / (double)R;
			m[2 * nks + i].per_query[nq] = ap / (double)ideal;
			m[3 * nks + i].per_query[nq] = dcg / idcg;
		}
		nq++;
	}
	r->queries = nq;
	for (size_t i = first; i < r->nmetrics; i++) {
		r->metrics[i].n = nq;
		finish_metric(&r->metrics[i]);
	}
	r->unlabelled_lists = 0;
	for (size_t i = 0; i < lists->n; i++) {
		uint32_t s = lists->v[i].source;
		if (s >= lab->by_id_len || !lab->by_id[s])
			r->unlabelled_lists++;
	}
	rc = 0;
out:
	free(start);
	free(fill);
	free(members);
	free(mark);
	return rc ? oom(err) : 0;
}

int eval_score_against(struct eval_result *r, const struct eval_lists *lists,
		       const struct eval_lists *other, const size_t *ks, size_t nks,
		       struct error *err)
{
	const size_t nids = lists->ids->n;
	size_t kmax = 0, stamp = 0;
	size_t *mark;
	struct eval_metric *m;

	if (!(mark = calloc(nids ? nids : 1, sizeof *mark)))
		return oom(err);
	if (!(m = add_metrics(r, nks, other->n))) {
		free(mark);
		return oom(err);
	}
	for (size_t i = 0; i < nks; i++) {
		snprintf(m[i].name, sizeof m[i].name, "recall@%zu", ks[i]);
		m[i].k = ks[i];
		if (ks[i] > kmax)
			kmax = ks[i];
	}
	r->has_against = 1;
	r->lists_compared = r->missing_lists = 0;
	for (size_t li = 0; li < other->n; li++) {
		const struct eval_list *ref = &other->v[li];
		const struct eval_list *mine = eval_lists_find(lists, ref->source);

		if (ref->n && !(mine && mine->n))
			r->missing_lists++;
		for (size_t i = 0; i < nks; i++) {
			size_t want = 0, found = 0;

			stamp++;
			for (size_t j = 0; mine && j < mine->n && j < ks[i]; j++)
				if (mine->items[j] != EVAL_MISS)
					mark[mine->items[j]] = stamp;
			for (size_t j = 0; j < ref->n && j < ks[i]; j++)
				if (ref->items[j] != EVAL_MISS) {
					want++;
					found += mark[ref->items[j]] == stamp;
				}
			if (!want)
				continue;
			m[i].per_query[m[i].n++] = (double)found / (double)want;
			if (ks[i] == kmax)
				r->lists_compared++;
		}
	}
	for (size_t i = 0; i < nks; i++)
		finish_metric(&m[i]);
	free(mark);
	return 0;
}

int eval_bootstrap(struct eval_result *r, size_t resamples, unsigned long seed, double level,
		   struct error *err)
{
	gsl_rng *rng;
	double *means;

	if (!resamples)
		return 0;
	if (resamples > SIZE_MAX / sizeof *means || !(means = malloc(resamples * sizeof *means)))
		return oom(err);
	if (!(rng = gsl_rng_alloc(gsl_rng_mt19937))) {
		free(means);
		return oom(err);
	}
	for (size_t i = 0; i < r->nmetrics; i++) {
		struct eval_metric *m = &r->metrics[i];

		if (!m->n)
			continue;
		gsl_rng_set(rng, seed);
		for (size_t b = 0; b < resamples; b++) {
			double sum = 0;
			/* gsl_rng_uniform_int takes an unsigned long range; the
			 * count of queries is far below it. */
			for (size_t j = 0; j < m->n; j++)
				sum += m->per_query[gsl_rng_uniform_int(rng, (unsigned long)m->n)];
			means[b] = sum / (double)m->n;
		}
		gsl_sort(means, 1, resamples);
		m->ci_low = gsl_stats_quantile_from_sorted_data(means, 1, resamples, (1 - level) / 2);
		m->ci_high = gsl_stats_quantile_from_sorted_data(means, 1, resamples, (1 + level) / 2);
	}
	gsl_rng_free(rng);
	free(means);
	return 0;
}
