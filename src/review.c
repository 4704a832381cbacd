/*
 * review: builds the editors' review page (see review.h for the contract
 * and the layout of the embedded data).
 *
 * The C side only gathers and compacts data: a table of every story
 * mentioned, a table of the shared words used, and the lists referring to
 * both. All rendering happens in the page's script, one page of stories at a
 * time, because writing 100k stories' markup up front gives a page that
 * takes minutes to lay out. Shared terms come from a merge of the two
 * stories' TF-IDF rows, which the model keeps sorted by term id; the word
 * shown for each is looked up in a review_words set, kept per story as
 * (term, word, count) entries sorted by term, so a pair's choice is two
 * binary searches and a merge of a few entries.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "hash.h"
#include "review.h"

#define DEFAULT_PAGE_SIZE 50

void review_options_default(struct review_options *o)
{
	memset(o, 0, sizeof *o);
	o->page_size = DEFAULT_PAGE_SIZE;
	o->near = REVIEW_DEFAULT_NEAR;
}

int review_report_cutoff(const json_t *report, double *cutoff)
{
	const json_t *v = json_object_get(json_object_get(report, "options"), "cutoff");

	if (!v)
		return 0;
	*cutoff = json_is_number(v) && json_number_value(v) > 0 ? json_number_value(v) : 0;
	return 1;
}

static void *grow_array(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return p;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return NULL;
		n *= 2;
	}
	if (n > SIZE_MAX / size)
		return NULL;
	q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}

/* ---- words behind the terms ---- */

struct word_entry {
	uint32_t term, word; /* model term id, index in words */
	float count;
};

struct review_words {
	const struct model *m;
	struct strmap terms;       /* model term strings -> term id */
	struct strmap words;       /* every word kept */
	struct analyzer *an;
	struct bag bag, pairs;
	struct word_entry *entries; /* each story's, contiguous, by term then word */
	size_t n, cap;
	uint64_t *range;           /* [n_docs]: start << 24 | count, 0 = none */
};

struct review_words *review_words_new(const struct model *m)
{
	struct review_words *w = calloc(1, sizeof *w);
	struct analyze_options ao;

	if (!w)
		return NULL;
	w->m = m;
	strmap_init(&w->terms);
	strmap_init(&w->words);
	bag_init(&w->bag);
	bag_init(&w->pairs);
	model_params_get_analysis(&m->params, &ao);
	w->an = analyzer_new(&ao);
	w->range = calloc(m->n_docs ? m->n_docs : 1, sizeof *w->range);
	if (!w->an || !w->range) {
		review_words_free(w);
		return NULL;
	}
	for (uint32_t t = 0; t < m->n_terms; t++) {
		const char *s = model_term(m, t);

		if (s && strmap_intern(&w->terms, s, strlen(s)) != (int64_t)t) {
			/* model terms are distinct, so ids match the model's */
			review_words_free(w);
			return NULL;
		}
	}
	return w;
}

void review_words_free(struct review_words *w)
{
	if (!w)
		return;
	strmap_free(&w->terms);
	strmap_free(&w->words);
	analyzer_free(w->an);
	bag_free(&w->bag);
	bag_free(&w->pairs);
	free(w->entries);
	free(w->range);
	free(w);
}

static int cmp_entry(const void *x, const void *y)
{
	const struct word_entry *a = x, *b = y;

	if (a->term != b->term)
		return a->term < b->term ? -1 : 1;
	return a->word < b->word ? -1 : a->word > b->word;
}

int review_words_add(struct review_words *w, const struct article *a, struct error *err)
{
	int64_t doc = a->id ? model_find(w->m, a->id) : -1;
	size_t start = w->n;

	if (doc < 0 || w->range[doc])
		return 0;
	if (analyze_article_words(w->an, a, &w->bag, &w->pairs))
		return error_set(err, a->id, "out of memory while finding the words of terms");
	for (size_t i = 0; i < w->pairs.n; i++) {
		const char *key = w->pairs.terms.data + w->pairs.offsets[i];
		const char *tab = strchr(key, '\t');
		int64_t term, word;
		struct word_entry *e;

		if (!tab)
			continue;
		term = strmap_find(&w->terms, key, (size_t)(tab - key));
		if (term < 0)
			continue; /* not in the model: never a shared term */
		word = strmap_intern(&w->words, tab + 1, strlen(tab + 1));
		e = grow_array(w->entries, &w->cap, w->n + 1, sizeof *e);
		if (word < 0 || !e)
			return error_set(err, a->id, "out of memory while finding the words of terms");
		w->entries = e;
		e[w->n].term = (uint32_t)term;
		e[w->n].word = (uint32_t)word;
		e[w->n].count = w->pairs.counts[i];
		w->n++;
	}
	if (w->n - start >= (1u << 24) || start >= ((uint64_t)1 << 40))
		return error_set(err, a->id, "too many words to show");
	qsort(w->entries + start, w->n - start, sizeof *w->entries, cmp_entry);
	w->range[doc] = (uint64_t)start << 24 | (w->n - start);
	if (w->n == start)
		w->range[doc] = 0;
	return 0;
}

/* Story doc's entries for `term`: *n of them from the returned one. */
static const struct word_entry *entries_of(const struct review_words *w, uint32_t doc,
					   uint32_t term, size_t *n)
{
	uint64_t r = doc < w->m->n_docs ? w->range[doc] : 0;
	const struct word_entry *e;
	size_t lo = 0, hi = (size_t)(r & 0xffffff), end;

	*n = 0;
	if (!r)
		return NULL; /* no entries (and maybe no array) */
	e = w->entries + (r >> 24);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].term < term)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < (size_t)(r & 0xffffff) && e[end].term == term; end++)
		;
	*n = end - lo;
	return e + lo;
}

const char *review_words_pick(const struct review_words *w, uint32_t a, uint32_t b,
			      uint32_t term)
{
	size_t na, nb, i = 0, j = 0;
	const struct word_entry *ea = entries_of(w, a, term, &na);
	const struct word_entry *eb = entries_of(w, b, term, &nb);
	const char *best = NULL;
	float best_count = 0;

	/* both runs are sorted by word: merge them, summing equal words */
	while (i < na || j < nb) {
		uint32_t word;
		float c = 0;
		const char *s;

		if (j >= nb || (i < na && ea[i].word <= eb[j].word))
			word = ea[i].word;
		else
			word = eb[j].word;
		if (i < na && ea[i].word == word)
			c += ea[i++].count;
		if (j < nb && eb[j].word == word)
			c += eb[j++].count;
		s = strmap_key(&w->words, word);
		if (!best || c > best_count || (c == best_count && strcmp(s, best) < 0)) {
			best = s;
			best_count = c;
		}
	}
	return best;
}

/* ---- the page's data ---- */

struct term_contrib {
	uint32_t term;
	float value;
};

enum { F_TITLE, F_URL, F_PUBLISHED, F_IMAGE, STORY_FIELDS };

/* What a build collects before writing the blob. Strings point into the
 * caller's JSON or the model, both alive for the whole build. */
struct review_ctx {
	const struct model *m;
	const struct review_options *o;
	struct strmap docs;       /* model ids -> first doc with that id */
	uint32_t *doc_of;         /* docs' key id -> doc index */
	struct strmap stories;    /* every story mentioned -> table index */
	const char *(*field)[STORY_FIELDS];
	size_t stories_cap;
	struct strmap words;      /* the word table */
};

/* Maps every model id to its doc index; 0 or -1 when memory runs out. */
static int index_model(struct review_ctx *c)
{
	const struct model *m = c->m;

	if (!m || !m->n_docs)
		return 0;
	c->doc_of = malloc((size_t)m->n_docs * sizeof *c->doc_of);
	if (!c->doc_of)
		return -1;
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const char *id = model_doc(m, d, MODEL_ID);
		size_t before = c->docs.n;
		int64_t k;

		if (!id)
			continue;
		k = strmap_intern(&c->docs, id, strlen(id));
		if (k < 0)
			return -1;
		if (c->docs.n > before)
			c->doc_of[k] = d;
	}
	return 0;
}

/* The model's doc for `id`, or -1 when the model does not know it. */
static int64_t find_doc(const struct review_ctx *c, const char *id)
{
	int64_t k;

	if (!c->doc_of)
		return -1;
	k = strmap_find(&c->docs, id, strlen(id));
	return k < 0 ? -1 : (int64_t)c->doc_of[k];
}

static const char *string_field(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The table index of story `obj` (its "id", or `id` when obj is a bare
 * id), added when new; a missing title, url, date or image is filled from
 * later mentions (and, when the blob is written, from the model).
 * -1: out of memory. */
static int64_t story_ref(struct review_ctx *c, const char *id, const json_t *obj)
{
	static const char *const keys[STORY_FIELDS] = { "title", "url", "published", "image" };
	size_t before = c->stories.n;
	int64_t k = strmap_intern(&c->stories, id, strlen(id));

	if (k < 0)
		return -1;
	if (c->stories.n > before) {
		void *f = grow_array(c->field, &c->stories_cap, c->stories.n, sizeof *c->field);

		if (!f)
			return -1;
		c->field = f;
		for (size_t i = 0; i < STORY_FIELDS; i++)
			c->field[k][i] = NULL;
	}
	for (size_t i = 0; i < STORY_FIELDS; i++)
		if (!c->field[k][i])
			c->field[k][i] = string_field(obj, keys[i]);
	return k;
}

/* Fills top[] with the (at most REVIEW_SHARED_TERMS) terms contributing most
 * to the cosine of docs a and b, largest first; returns how many. */
static size_t shared_terms(const struct model *m, uint32_t a, uint32_t b,
			   struct term_contrib *top)
{
	size_t n = 0;

	for (uint32_t blk = 0; blk < m->n_blocks; blk++) {
		uint64_t i = model_run_begin(m, a, blk), ie = model_run_end(m, a, blk);
		uint64_t j = model_run_begin(m, b, blk), je = model_run_end(m, b, blk);
		uint32_t base = blk << MODEL_BLOCK_BITS;
		while (i < ie && j < je) {
			uint32_t ta = base | m->term_lo[i], tb = base | m->term_lo[j];
			float v;
			size_t k;

			if (ta < tb) {
				i++;
				continue;
			}
			if (tb < ta) {
				j++;
				continue;
			}
			v = m->val[i++] * m->val[j++];
			/* terms come in ascending id order: a tie keeps the lower id first */
			for (k = n; k > 0 && top[k - 1].value < v; k--)
				;
			if (k == REVIEW_SHARED_TERMS)
				continue;
			if (n < REVIEW_SHARED_TERMS)
				n++;
			memmove(top + k + 1, top + k, (n - 1 - k) * sizeof *top);
			top[k].term = ta;
			top[k].value = v;
		}
	}
	return n;
}

/* A score with four decimals, as related.jsonl has it; null when absent. */
static int add_score(struct buf *b, const json_t *v)
{
	double x;

	if (!json_is_number(v))
		return buf_adds(b, "null");
	x = json_number_value(v);
	if (!isfinite(x))
		return buf_adds(b, "null");
	return buf_printf(b, "%.4f", x);
}

static int add_string_or_null(struct buf *b, const char *s)
{
	return s ? buf_add_json_string(b, s, strlen(s)) : buf_adds(b, "null");
}

/* The cutoff mark of an item (review.h): compared at the four decimals
 * related.jsonl shows, so that what the page shows decides. */
static int cutoff_mark(const struct review_options *o, const json_t *item)
{
	const json_t *score = json_object_get(item, "score");
	const char *origin = string_field(item, "origin");
	double x, cut = o->cutoff;

	if (!(cut > 0) || !json_is_number(score) || (origin && !strcmp(origin, "fallback")))
		return 0;
	x = round(json_number_value(score) * 1e4) / 1e4;
	if (!isfinite(x))
		return 0;
	if (fabs(x - cut) <= o->near + 1e-9)
		return REVIEW_NEAR;
	return x < cut ? REVIEW_BELOW : 0;
}

/* The index of the word shown for term `t` of the pair (a, b). */
static int64_t word_ref(struct review_ctx *c, uint32_t a, uint32_t b, uint32_t t)
{
	const char *s = c->o->words ? review_words_pick(c->o->words, a, b, t) : NULL;

	if (!s)
		s = model_term(c->m, t);
	if (!s)
		s = "";
	return strmap_intern(&c->words, s, strlen(s));
}

/* Appends one item: [item, rank, score, origin, [word, contribution, ...], mark]. */
static int add_item(struct review_ctx *c, struct buf *b, const json_t *item,
		    size_t position, int64_t source_doc)
{
	const char *id = string_field(item, "id");
	const json_t *rank = json_object_get(item, "rank");
	struct term_contrib top[REVIEW_SHARED_TERMS];
	int64_t ref, doc;
	size_t n = 0;
	int rc = 0;

	ref = story_ref(c, id, item);
	if (ref < 0)
		return -1;
	rc |= buf_printf(b, "[%lld,", (long long)ref);
	if (json_is_integer(rank))
		rc |= buf_printf(b, "%lld,", (long long)json_integer_value(rank));
	else
		rc |= buf_printf(b, "%zu,", position + 1);
	rc |= add_score(b, json_object_get(item, "score"));
	rc |= buf_addc(b, ',');
	rc |= add_string_or_null(b, string_field(item, "origin"));
	rc |= buf_adds(b, ",[");
	doc = source_doc >= 0 ? find_doc(c, id) : -1;
	if (doc >= 0)
		n = shared_terms(c->m, (uint32_t)source_doc, (uint32_t)doc, top);
	for (size_t k = 0; k < n; k++) {
		int64_t w = word_ref(c, (uint32_t)source_doc, (uint32_t)doc, top[k].term);

		if (w < 0)
			return -1;
		rc |= buf_printf(b, "%s%lld,%.4g", k ? "," : "", (long long)w, (double)top[k].value);
	}
	rc |= buf_printf(b, "],%d]", cutoff_mark(c->o, item));
	return rc ? -1 : 0;
}

/* Appends one list: [story, [item, ...], [duplicate, ...]]; returns 1 when
 * the record has no source id and was skipped. */
static int add_list(struct review_ctx *c, struct buf *b, const json_t *line, int first)
{
	const json_t *source = json_object_get(line, "source");
	const json_t *items = json_object_get(line, "items");
	const json_t *dups = json_object_get(line, "duplicates");
	const char *id = string_field(source, "id");
	const json_t *v;
	size_t i, n = 0;
	int64_t ref, doc;
	int rc = 0;

	if (!id)
		return 1;
	doc = find_doc(c, id);
	ref = story_ref(c, id, source);
	if (ref < 0)
		return -1;
	rc |= buf_printf(b, "%s[%lld,[", first ? "" : ",\n", (long long)ref);
	json_array_foreach(items, i, v) {
		if (!string_field(v, "id"))
			continue;
		rc |= buf_adds(b, n++ ? "," : "");
		if (add_item(c, b, v, i, doc))
			return -1;
	}
	rc |= buf_adds(b, "],[");
	n = 0;
	json_array_foreach(dups, i, v) {
		const char *dup = json_is_string(v) ? json_string_value(v) : string_field(v, "id");
		int64_t dref;

		if (!dup)
			continue;
		dref = story_ref(c, dup, v);
		if (dref < 0)
			return -1;
		rc |= buf_printf(b, "%s%lld", n++ ? "," : "", (long long)dref);
	}
	rc |= buf_adds(b, "]]");
	return rc ? -1 : 0;
}

/* Appends the story table: [id, title, url, published, image], the first
 * three filled from the model when the lines do not say. */
static int add_stories(struct review_ctx *c, struct buf *b)
{
	static const enum model_field from[STORY_FIELDS] = { MODEL_TITLE, MODEL_URL,
							     MODEL_PUBLISHED, MODEL_FIELDS };
	int rc = 0;

	for (uint32_t k = 0; k < c->stories.n; k++) {
		const char *id = strmap_key(&c->stories, k);
		int64_t doc = find_doc(c, id);

		rc |= buf_adds(b, k ? ",\n[" : "[");
		rc |= add_string_or_null(b, id);
		for (size_t i = 0; i < STORY_FIELDS; i++) {
			const char *s = c->field[k][i];

			if (!s && doc >= 0 && from[i] != MODEL_FIELDS)
				s = model_doc(c->m, (uint32_t)doc, from[i]);
			rc |= buf_addc(b, ',');
			rc |= add_string_or_null(b, s);
		}
		rc |= buf_addc(b, ']');
	}
	return rc ? -1 : 0;
}

/* Appends the whole blob to `b` (plain JSON; '<' is escaped when copied into
 * the page). */
static int add_blob(struct review_ctx *c, const json_t *lines, struct buf *b)
{
	const struct review_options *o = c->o;
	struct buf lists = BUF_INIT;
	const json_t *line;
	size_t i;
	int rc = 0, first = 1;

	json_array_foreach(lines, i, line) {
		int r = add_list(c, &lists, line, first);

		if (r < 0) {
			buf_release(&lists);
			return -1;
		}
		if (r == 0)
			first = 0;
	}
	rc |= buf_printf(b, "{\"v\":2,\"page_size\":%zu,\n\"cutoff\":",
			 o->page_size ? o->page_size : DEFAULT_PAGE_SIZE);
	if (o->cutoff > 0)
		rc |= buf_printf(b, "%.4g,\"cutoff_from\":", o->cutoff);
	else
		rc |= buf_adds(b, "null,\"cutoff_from\":");
	rc |= add_string_or_null(b, o->cutoff > 0 ? o->cutoff_from : NULL);
	rc |= buf_printf(b, ",\"near\":%.4g,\"stems\":%s,\n\"stories\":[", o->near,
			 o->words || !c->words.n ? "false" : "true");
	rc |= add_stories(c, b);
	rc |= buf_adds(b, "],\n\"terms\":[");
	for (uint32_t k = 0; k < c->words.n; k++) {
		rc |= buf_adds(b, k ? "," : "");
		rc |= add_string_or_null(b, strmap_key(&c->words, k));
	}
	rc |= buf_adds(b, "],\n\"lists\":[\n");
	rc |= buf_add(b, lists.data, lists.len);
	rc |= buf_adds(b, "],\n\"overrides\":[");
	json_array_foreach(o->overrides, i, line) {
		char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);

		rc |= !s;
		rc |= buf_adds(b, i ? ",\n" : "\n");
		if (s)
			rc |= buf_adds(b, s);
		free(s);
	}
	rc |= buf_adds(b, "]}");
	buf_release(&lists);
	return rc ? -1 : 0;
}

/* Copies JSON into the page, writing every '<' as \u003c: '<' only occurs
 * inside strings there, so the JSON means the same, and the script element
 * cannot be closed ("</script") or turned into a comment ("<!--") by data. */
static int add_lines(struct buf *out, const char *const *lines)
{
	int rc = 0;

	for (; *lines; lines++)
		rc |= buf_adds(out, *lines);
	return rc ? -1 : 0;
}

static int add_script_safe(struct buf *out, const char *s, size_t len)
{
	size_t start = 0;
	int rc = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '<') {
			rc |= buf_add(out, s + start, i - start);
			rc |= buf_adds(out, "\\u003c");
			start = i + 1;
		}
	rc |= buf_add(out, s + start, len - start);
	return rc ? -1 : 0;
}

static const char *const page_head[] = {
	"<!DOCTYPE html>\n",
	"<html lang=\"en\">\n",
	"<head>\n",
	"<meta charset=\"utf-8\">\n",
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
	"<title>Related stories: review</title>\n",
	"<style>\n",
	"body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f6f6f4}\n",
	"header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.6em 1em;z-index:1}\n",
	"h1{font-size:1.2em;margin:0 0 .4em}\n",
	"#search{width:min(40em,100%);font:inherit;padding:.3em .5em}\n",
	".bar{display:flex;flex-wrap:wrap;gap:.6em;align-items:center}\n",
	"#status{min-height:1.4em;margin-top:.4em;font-size:.9em;color:#555}\n",
	"#status code{user-select:all;background:#eef;padding:0 .3em;color:#000}\n",
	"main{padding:0 1em 2em}\n",
	".story{background:#fff;border:1px solid #ddd;border-radius:4px;margin:1em 0;padding:.6em .9em}\n",
	".story h2{font-size:1.05em;margin:0}\n",
	".id{color:#777;font-size:.8em;word-break:break-all}\n",
	"table{border-collapse:collapse;width:100%;margin-top:.4em}\n",
	"th,td{text-align:left;vertical-align:top;padding:.2em .4em;border-top:1px solid #eee}\n",
	"th{font-size:.8em;color:#555;font-weight:600}\n",
	"td.num{text-align:right;font-variant-numeric:tabular-nums}\n",
	".terms span{display:inline-block;background:#f0f0ea;border-radius:3px;padding:0 .3em;margin:0 .2em .1em 0;font-size:.85em}\n",
	".origin{font-size:.85em}\n",
	".origin.pinned{color:#060;font-weight:600}\n",
	"button{font:inherit;font-size:.85em;margin-right:.3em;cursor:pointer}\n",
	"td.actions{white-space:nowrap}\n",
	".dups{font-size:.9em;margin-top:.3em;color:#444}\n",
	".dups ul{margin:.2em 0}\n",
	".empty{color:#777;font-style:italic;margin:.4em 0 0}\n",
	".spacer{flex:1}\n",
	"#cutoff{font-size:.85em;color:#555;margin-top:.3em}\n",
	".date{color:#555;font-size:.85em;font-weight:normal;white-space:nowrap}\n",
	"img.thumb{float:left;width:64px;height:48px;object-fit:cover;margin:0 .6em .2em 0;border-radius:3px;background:#eee}\n",
	"h2 img.thumb{width:96px;height:64px}\n",
	"td.item{overflow:hidden}\n",
	"tr.near td{background:#fff8e1}\n",
	"tr.below td{background:#fdecea}\n",
	".mark{font-size:.75em;color:#8a5a00;white-space:nowrap}\n",
	"tr.below .mark{color:#a11}\n",
	".terms span.stem{font-style:italic}\n",
	"tr.act-pin td{background:#e8f5e9}\n",
	"tr.act-block td{background:#eee;color:#777;text-decoration:line-through}\n",
	"tr.act-block td.actions{text-decoration:none}\n",
	"button[aria-pressed=true]{font-weight:700;outline:2px solid #333}\n",
	"</style>\n",
	NULL
};

/* Runs before the page's script, so the self-test sees its errors too. */
static const char *const selftest_capture[] = {
	"<script>\n",
	"window.reviewErrors = [];\n",
	"window.addEventListener('error', function (e) { window.reviewErrors.push('error: ' + e.message); });\n",
	"window.addEventListener('unhandledrejection', function (e) { window.reviewErrors.push('rejection: ' + e.reason); });\n",
	"(function () { var ce = console.error; console.error = function () {\n",
	"  window.reviewErrors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));\n",
	"  return ce.apply(console, arguments); }; })();\n",
	"</script>\n",
	NULL
};

static const char *const page_body[] = {
	"</head>\n",
	"<body>\n",
	"<header>\n",
	"<h1>Related stories: review</h1>\n",
	"<div class=\"bar\">\n",
	"<input id=\"search\" type=\"search\" placeholder=\"Search stories by title or id\" aria-label=\"Search stories\">\n",
	"<button id=\"prev\" type=\"button\">&larr; Previous</button>\n",
	"<span id=\"pageinfo\"></span>\n",
	"<button id=\"next\" type=\"button\">Next &rarr;</button>\n",
	"<span class=\"spacer\"></span>\n",
	"<span id=\"changes\"></span>\n",
	"<button id=\"download\" type=\"button\" title=\"the current overrides with your pins and blocks, for run --overrides\">Download overrides.jsonl</button>\n",
	"<a id=\"download-link\" hidden></a>\n",
	"</div>\n",
	"<div id=\"cutoff\"></div>\n",
	"<div id=\"status\" role=\"status\" aria-live=\"polite\">Pin or block suggestions, then download the overrides file (for --overrides FILE). Shared words: the words adding most to the TF-IDF similarity of the pair.</div>\n",
	"</header>\n",
	"<main id=\"stories\"><noscript>This page needs JavaScript.</noscript></main>\n",
	NULL
};

static const char *const page_script[] = {
	"<script>\n",
	"(function () {\n",
	"'use strict';\n",
	"var data = JSON.parse(document.getElementById('data').textContent);\n",
	"var S = data.stories, T = data.terms, L = data.lists;\n",
	"var PAGE = data.page_size > 0 ? data.page_size : 50;\n",
	"var current = Array.isArray(data.overrides) ? data.overrides : [];\n",
	"var list = document.getElementById('stories'), search = document.getElementById('search');\n",
	"var prev = document.getElementById('prev'), next = document.getElementById('next');\n",
	"var info = document.getElementById('pageinfo'), status = document.getElementById('status');\n",
	"var changes = document.getElementById('changes'), download = document.getElementById('download');\n",
	"var link = document.getElementById('download-link'), cutoff = document.getElementById('cutoff');\n",
	"var shown = [], page = 0, hay = null, i;\n",
	"/* The editor's actions, one per (story, item) pair, in the order taken. */\n",
	"var actions = {}, order = [];\n",
	"for (i = 0; i < L.length; i++) shown.push(i);\n",
	"\n",
	"function el(tag, cls, text) {\n",
	"  var e = document.createElement(tag);\n",
	"  if (cls) e.className = cls;\n",
	"  if (text !== undefined && text !== null) e.textContent = String(text);\n",
	"  return e;\n",
	"}\n",
	"/* Only web links: a javascript: or data: URL in the data must not run. */\n",
	"function webUrl(u) {\n",
	"  if (typeof u !== 'string') return null;\n",
	"  var l = u.slice(0, 8).toLowerCase();\n",
	"  return l.indexOf('http://') === 0 || l === 'https://' ? u : null;\n",
	"}\n",
	"function titleNode(s) {\n",
	"  var u = webUrl(s[2]), n = el(u ? 'a' : 'span', 'title', s[1] || s[0]);\n",
	"  if (u) { n.href = u; n.rel = 'noopener noreferrer'; n.target = '_blank'; }\n",
	"  return n;\n",
	"}\n",
	"/* \"2017-04-11T20:40:00Z\" reads \"2017-04-11 20:40\"; other text as it is. */\n",
	"function dateNode(s) {\n",
	"  var d = s[3];\n",
	"  if (typeof d !== 'string' || !d) return null;\n",
	"  var m = /^(\\d{4}-\\d{2}-\\d{2})(?:[T ](\\d{2}:\\d{2}))?/.exec(d);\n",
	"  var n = el('span', 'date', m ? m[1] + (m[2] ? ' ' + m[2] : '') : d);\n",
	"  n.title = d;\n",
	"  return n;\n",
	"}\n",
	"/* A thumbnail from an http(s) URL only; the page works without it. */\n",
	"function thumbNode(s) {\n",
	"  var u = webUrl(s[4]);\n",
	"  if (!u) return null;\n",
	"  var im = document.createElement('img');\n",
	"  im.className = 'thumb'; im.alt = ''; im.loading = 'lazy'; im.referrerPolicy = 'no-referrer';\n",
	"  im.addEventListener('error', function () { im.style.visibility = 'hidden'; });\n",
	"  im.src = u;\n",
	"  return im;\n",
	"}\n",
	"function pairKey(a, b) { return JSON.stringify([a, b]); }\n",
	"function overrideLine(kind, a, b, rank) {\n",
	"  var line = '{\"story\": ' + JSON.stringify(a) + ', \"' + kind + '\": ' + JSON.stringify(b);\n",
	"  if (kind === 'pin') line += ', \"position\": ' + rank;\n",
	"  return line + '}';\n",
	"}\n",
	"/* The overrides file to download: the current file's lines, but those\n",
	" * about a pair the editor acted on, then one line per action. */\n",
	"function overridesText() {\n",
	"  var out = [], j;\n",
	"  for (j = 0; j < current.length; j++) {\n",
	"    var o = current[j], b = o && (typeof o.pin === 'string' ? o.pin : o.block);\n",
	"    if (o && typeof o.story === 'string' && typeof b === 'string' && actions[pairKey(o.story, b)]) continue;\n",
	"    out.push(JSON.stringify(o));\n",
	"  }\n",
	"  for (j = 0; j < order.length; j++) {\n",
	"    var a = actions[order[j]];\n",
	"    out.push(overrideLine(a.kind, a.story, a.item, a.position));\n",
	"  }\n",
	"  return out.length ? out.join('\\n') + '\\n' : '';\n",
	"}\n",
	"function showChanges() {\n",
	"  changes.textContent = order.length + (order.length === 1 ? ' change' : ' changes') +\n",
	"    (current.length ? ' + ' + current.length + ' line' + (current.length === 1 ? '' : 's') + ' of the current file' : '');\n",
	"  download.disabled = !order.length && !current.length;\n",
	"}\n",
	"function setStatus(line, note) {\n",
	"  status.textContent = '';\n",
	"  status.appendChild(el('span', null, note + ' '));\n",
	"  if (line) status.appendChild(el('code', 'line', line));\n",
	"}\n",
	"function paint(tr, kind) {\n",
	"  tr.classList.toggle('act-pin', kind === 'pin');\n",
	"  tr.classList.toggle('act-block', kind === 'block');\n",
	"  var bs = tr.querySelectorAll('button.pin, button.block');\n",
	"  for (var j = 0; j < bs.length; j++)\n",
	"    bs[j].setAttribute('aria-pressed', String(bs[j].classList.contains(kind || 'none')));\n",
	"}\n",
	"/* A second click on the same button takes the action back. */\n",
	"function act(kind, a, b, rank, tr) {\n",
	"  var k = pairKey(a, b), old = actions[k];\n",
	"  if (old && old.kind === kind) {\n",
	"    delete actions[k];\n",
	"    order.splice(order.indexOf(k), 1);\n",
	"    paint(tr, null);\n",
	"    setStatus(null, 'Taken back: ' + kind + ' of ' + b + ' on ' + a + '.');\n",
	"  } else {\n",
	"    if (!old) order.push(k);\n",
	"    actions[k] = { kind: kind, story: a, item: b, position: rank };\n",
	"    paint(tr, kind);\n",
	"    setStatus(overrideLine(kind, a, b, rank), 'Added to the overrides file:');\n",
	"  }\n",
	"  showChanges();\n",
	"}\n",
	"function button(kind, a, b, rank, tr) {\n",
	"  var bt = el('button', kind, kind);\n",
	"  bt.type = 'button';\n",
	"  bt.title = kind === 'pin' ? 'pin this story at position ' + rank + ' (click again to take back)'\n",
	"                            : 'block this story here (click again to take back)';\n",
	"  bt.addEventListener('click', function () { act(kind, a, b, rank, tr); });\n",
	"  return bt;\n",
	"}\n",
	"function storyHead(s, h) {\n",
	"  var th = thumbNode(s), d = dateNode(s);\n",
	"  if (th) h.appendChild(th);\n",
	"  h.appendChild(titleNode(s));\n",
	"  if (d) { h.appendChild(document.createTextNode(' ')); h.appendChild(d); }\n",
	"}\n",
	"function renderStory(l) {\n",
	"  var s = S[l[0]], sec = el('section', 'story'), h = el('h2'), j, k;\n",
	"  sec.setAttribute('data-story-id', s[0]);\n",
	"  storyHead(s, h);\n",
	"  sec.appendChild(h);\n",
	"  sec.appendChild(el('div', 'id', s[0]));\n",
	"  if (l[2] && l[2].length) {\n",
	"    var d = el('div', 'dups', 'Collapsed near-duplicates:'), ul = el('ul');\n",
	"    for (j = 0; j < l[2].length; j++) {\n",
	"      var ds = S[l[2][j]], li = el('li');\n",
	"      li.setAttribute('data-duplicate-id', ds[0]);\n",
	"      li.appendChild(titleNode(ds));\n",
	"      li.appendChild(document.createTextNode(' '));\n",
	"      li.appendChild(el('span', 'id', ds[0]));\n",
	"      ul.appendChild(li);\n",
	"    }\n",
	"    d.appendChild(ul);\n",
	"    sec.appendChild(d);\n",
	"  }\n",
	"  if (!l[1].length) { sec.appendChild(el('p', 'empty', 'No suggestions.')); return sec; }\n",
	"  var tb = el('table'), head = el('tr'), cols = ['#', 'Suggestion', 'Score', 'Origin', 'Shared words', ''];\n",
	"  for (j = 0; j < cols.length; j++) head.appendChild(el('th', null, cols[j]));\n",
	"  tb.appendChild(head);\n",
	"  for (j = 0; j < l[1].length; j++) {\n",
	"    var it = l[1][j], is = S[it[0]], tr = el('tr'), td = el('td', 'item'), terms = el('td', 'terms');\n",
	"    var score = el('td', 'num', typeof it[2] === 'number' ? it[2].toFixed(4) : ''), a;\n",
	"    tr.setAttribute('data-item-id', is[0]);\n",
	"    tr.appendChild(el('td', 'num', it[1]));\n",
	"    storyHead(is, td);\n",
	"    td.appendChild(el('div', 'id', is[0]));\n",
	"    tr.appendChild(td);\n",
	"    if (it[5] === 1 || it[5] === 2) {\n",
	"      tr.classList.add(it[5] === 1 ? 'near' : 'below');\n",
	"      score.appendChild(el('div', 'mark', it[5] === 1 ? 'near cutoff' : 'below cutoff'));\n",
	"    }\n",
	"    tr.appendChild(score);\n",
	"    tr.appendChild(el('td', 'origin ' + (it[3] || ''), it[3] || ''));\n",
	"    for (k = 0; k + 1 < it[4].length; k += 2) {\n",
	"      var t = el('span', data.stems ? 'stem' : null, T[it[4][k]]);\n",
	"      t.title = (data.stems ? 'stem (review --inputs shows the words); ' : '') +\n",
	"        'adds ' + it[4][k + 1].toFixed(4) + ' to the TF-IDF similarity';\n",
	"      terms.appendChild(t);\n",
	"    }\n",
	"    tr.appendChild(terms);\n",
	"    td = el('td', 'actions');\n",
	"    td.appendChild(button('pin', s[0], is[0], it[1], tr));\n",
	"    td.appendChild(button('block', s[0], is[0], it[1], tr));\n",
	"    tr.appendChild(td);\n",
	"    a = actions[pairKey(s[0], is[0])];\n",
	"    paint(tr, a ? a.kind : null);\n",
	"    tb.appendChild(tr);\n",
	"  }\n",
	"  sec.appendChild(tb);\n",
	"  return sec;\n",
	"}\n",
	"function render() {\n",
	"  var pages = Math.max(1, Math.ceil(shown.length / PAGE)), frag = document.createDocumentFragment();\n",
	"  if (page >= pages) page = pages - 1;\n",
	"  var from = page * PAGE, to = Math.min(shown.length, from + PAGE);\n",
	"  for (var j = from; j < to; j++) frag.appendChild(renderStory(L[shown[j]]));\n",
	"  list.textContent = '';\n",
	"  if (!shown.length) list.appendChild(el('p', 'empty', 'No story matches.'));\n",
	"  list.appendChild(frag);\n",
	"  info.textContent = 'Page ' + (page + 1) + ' of ' + pages + ' \\u00b7 stories ' +\n",
	"    (shown.length ? from + 1 : 0) + '\\u2013' + to + ' of ' + shown.length +\n",
	"    (shown.length < L.length ? ' (of ' + L.length + ')' : '');\n",
	"  prev.disabled = page === 0;\n",
	"  next.disabled = page >= pages - 1;\n",
	"}\n",
	"function filter() {\n",
	"  var q = search.value.trim().toLowerCase(), j;\n",
	"  if (!hay) {\n",
	"    hay = [];\n",
	"    for (j = 0; j < L.length; j++) { var s = S[L[j][0]]; hay.push((s[0] + '\\n' + (s[1] || '')).toLowerCase()); }\n",
	"  }\n",
	"  shown = [];\n",
	"  for (j = 0; j < L.length; j++) if (!q || hay[j].indexOf(q) >= 0) shown.push(j);\n",
	"  page = 0;\n",
	"  render();\n",
	"}\n",
	"/* The file is built when asked for, so it holds every action so far. */\n",
	"function save() {\n",
	"  if (link.href) URL.revokeObjectURL(link.href);\n",
	"  link.href = URL.createObjectURL(new Blob([overridesText()], { type: 'application/x-ndjson' }));\n",
	"  link.download = 'overrides.jsonl';\n",
	"  link.click();\n",
	"  setStatus(null, 'Saved overrides.jsonl (' + order.length + ' changes): give it to run --overrides.');\n",
	"}\n",
	"if (typeof data.cutoff === 'number')\n",
	"  cutoff.textContent = 'Cutoff ' + data.cutoff + (data.cutoff_from ? ' (' + data.cutoff_from + ')' : '') +\n",
	"    ': scores within ' + data.near + ' of it are marked \\u201cnear cutoff\\u201d.';\n",
	"else\n",
	"  cutoff.textContent = 'Cutoff unknown: no item is marked (review --cutoff P marks those near P).';\n",
	"search.addEventListener('input', filter);\n",
	"prev.addEventListener('click', function () { if (page > 0) { page--; render(); window.scrollTo(0, 0); } });\n",
	"next.addEventListener('click', function () { page++; render(); window.scrollTo(0, 0); });\n",
	"download.addEventListener('click', save);\n",
	"window.reviewOverridesText = overridesText;\n",
	"showChanges();\n",
	"render();\n",
	"})();\n",
	"</script>\n",
	NULL
};

/* Drives the page like an editor would (pages, search, marks, dates,
 * thumbnails, words, pin and block, the download) and writes "SELFTEST
 * PASS" or "SELFTEST FAIL: reason" into the title and a <pre id="selftest">;
 * on a pass, the downloaded file into <pre id="selftest-overrides"> and the
 * actions taken into <pre id="selftest-actions">, for review_browser.py to
 * give to `recommend --overrides`. */
static const char *const selftest_script[] = {
	"<script>\n",
	"(function () {\n",
	"'use strict';\n",
	"function finish(msg, extra) {\n",
	"  document.title = msg;\n",
	"  var p = document.createElement('pre'); p.id = 'selftest'; p.textContent = msg;\n",
	"  document.body.appendChild(p);\n",
	"  Object.keys(extra || {}).forEach(function (id) {\n",
	"    var x = document.createElement('pre'); x.id = id; x.textContent = extra[id];\n",
	"    document.body.appendChild(x);\n",
	"  });\n",
	"}\n",
	"function check(cond, msg) { if (!cond) throw new Error(msg); }\n",
	"function q(sel) { return document.querySelector(sel); }\n",
	"function ids() {\n",
	"  return Array.prototype.map.call(document.querySelectorAll('#stories [data-story-id]'),\n",
	"    function (e) { return e.getAttribute('data-story-id'); });\n",
	"}\n",
	"function type(text) { var s = q('#search'); s.value = text; s.dispatchEvent(new Event('input')); }\n",
	"function statusLine() { var c = q('#status code'); check(c, 'no line in #status'); return JSON.parse(c.textContent); }\n",
	"function web(u) { return typeof u === 'string' && /^https?:\\/\\//i.test(u); }\n",
	"/* What every rendered story and item must show of its data. */\n",
	"function checkShown(data, want, marks) {\n",
	"  Array.prototype.forEach.call(document.querySelectorAll('#stories [data-story-id]'), function (sec) {\n",
	"    var l = want[sec.getAttribute('data-story-id')], s = data.stories[l[0]], h = sec.querySelector('h2');\n",
	"    check(!s[3] || (h.querySelector('.date') && h.querySelector('.date').textContent.slice(0, 10) === s[3].slice(0, 10)),\n",
	"      'no date shown for ' + s[0]);\n",
	"    var im = h.querySelector('img.thumb');\n",
	"    check(web(s[4]) ? im && im.getAttribute('src') === s[4] : !im, 'thumbnail of ' + s[0] + ' is wrong');\n",
	"    Array.prototype.forEach.call(sec.querySelectorAll('tr[data-item-id]'), function (tr, j) {\n",
	"      var it = l[1][j], mk = tr.querySelector('.mark');\n",
	"      check(tr.getAttribute('data-item-id') === data.stories[it[0]][0], 'rows out of order in ' + s[0]);\n",
	"      check(tr.classList.contains('near') === (it[5] === 1) && tr.classList.contains('below') === (it[5] === 2) &&\n",
	"        !!mk === (it[5] === 1 || it[5] === 2), 'cutoff mark of ' + tr.getAttribute('data-item-id') + ' on ' + s[0]);\n",
	"      if (it[5]) marks[it[5]]++;\n",
	"      var chips = tr.querySelectorAll('td.terms span');\n",
	"      check(chips.length * 2 === it[4].length, 'shared words missing on ' + s[0]);\n",
	"      Array.prototype.forEach.call(chips, function (c, k) { check(c.textContent === data.terms[it[4][2 * k]], 'word shown is not the data\\'s'); });\n",
	"    });\n",
	"  });\n",
	"}\n",
	"try {\n",
	"  check(window.reviewErrors.length === 0, 'errors while loading: ' + window.reviewErrors.join('; '));\n",
	"  var data = JSON.parse(q('#data').textContent), want = {}, n = 0, seen = {}, count = 0, guard = 0;\n",
	"  var marks = [0, 0, 0], expect = [0, 0, 0];\n",
	"  data.lists.forEach(function (l) { var id = data.stories[l[0]][0]; if (!want[id]) n++; want[id] = l;\n",
	"    l[1].forEach(function (it) { if (it[5]) expect[it[5]]++; }); });\n",
	"  check(n > 0, 'no stories in the data');\n",
	"  for (;;) {\n",
	"    ids().forEach(function (id) { check(want[id], 'unexpected story ' + id); seen[id] = 1; count++; });\n",
	"    checkShown(data, want, marks);\n",
	"    if (q('#next').disabled) break;\n",
	"    check(++guard < 100000, 'next never ends');\n",
	"    q('#next').click();\n",
	"  }\n",
	"  check(count === data.lists.length, count + ' story elements for ' + data.lists.length + ' lists');\n",
	"  Object.keys(want).forEach(function (id) { check(seen[id], 'story missing from every page: ' + id); });\n",
	"  check(marks[1] === expect[1] && marks[2] === expect[2], 'marked near/below ' + marks.slice(1) + ', data says ' + expect.slice(1));\n",
	"  check(/Cutoff (unknown|[0-9.]+)/.test(q('#cutoff').textContent), 'the cutoff line is missing');\n",
	"  var keys = Object.keys(want), target = keys[keys.length - 1], ts = data.stories[want[target][0]];\n",
	"  type(target);\n",
	"  var got = ids();\n",
	"  check(got.indexOf(target) >= 0, 'search for its id does not show ' + target);\n",
	"  got.forEach(function (id) { check(id.toLowerCase().indexOf(target.toLowerCase()) >= 0 ||\n",
	"    String(data.stories[want[id][0]][1]).toLowerCase().indexOf(target.toLowerCase()) >= 0,\n",
	"    'search shows a story that does not match: ' + id); });\n",
	"  if (ts[1]) { type(ts[1].toUpperCase()); check(ids().indexOf(target) >= 0, 'search by title misses ' + target); }\n",
	"  type('no story has this \\u2603 text');\n",
	"  check(ids().length === 0, 'a search matching nothing still shows stories');\n",
	"  type('');\n",
	"  check(ids().length === Math.min(data.lists.length, data.page_size), 'clearing the search does not restore the first page');\n",
	"  check(!window.reviewInjected && !q('#stories script, #stories iframe') &&\n",
	"    Array.prototype.every.call(document.querySelectorAll('#stories img'), function (im) { return im.classList.contains('thumb') && web(im.getAttribute('src')); }),\n",
	"    'markup from the data was interpreted');\n",
	"  /* Actions: on the first story with two suggestions, block the first and\n",
	"   * pin the second; the second is blocked, then pinned again, and a pin of\n",
	"   * the first taken back, so each pair must end with one line. */\n",
	"  var sec = Array.prototype.filter.call(document.querySelectorAll('#stories [data-story-id]'),\n",
	"    function (e) { return e.querySelectorAll('tr[data-item-id]').length >= 2; })[0];\n",
	"  if (!sec) {\n",
	"    check(data.lists.every(function (l) { return l[1].length < 2; }), 'no story with two suggestions on the first page');\n",
	"    finish('SELFTEST PASS (' + n + ' stories)');\n",
	"    return;\n",
	"  }\n",
	"  var rows = sec.querySelectorAll('tr[data-item-id]'), a = sec.getAttribute('data-story-id');\n",
	"  var b1 = rows[0].getAttribute('data-item-id'), b2 = rows[1].getAttribute('data-item-id');\n",
	"  var r2 = Number(rows[1].firstChild.textContent);\n",
	"  rows[0].querySelector('button.pin').click();\n",
	"  rows[0].querySelector('button.pin').click();\n",
	"  check(!rows[0].classList.contains('act-pin'), 'a second click does not take a pin back');\n",
	"  rows[0].querySelector('button.block').click();\n",
	"  var o = statusLine();\n",
	"  check(Object.keys(o).join() === 'story,block' && o.story === a && o.block === b1, 'bad block line ' + JSON.stringify(o));\n",
	"  rows[1].querySelector('button.block').click();\n",
	"  rows[1].querySelector('button.pin').click();\n",
	"  o = statusLine();\n",
	"  check(Object.keys(o).join() === 'story,pin,position', 'pin line has keys ' + Object.keys(o).join());\n",
	"  check(o.story === a && o.pin === b2 && o.position === r2, 'pin line ' + JSON.stringify(o) + ' is not for ' + a + ' / ' + b2);\n",
	"  check(rows[0].classList.contains('act-block') && rows[1].classList.contains('act-pin'), 'rows do not show the actions');\n",
	"  check(/^2 changes/.test(q('#changes').textContent), 'the change count says ' + q('#changes').textContent);\n",
	"  /* the actions survive paging and searching */\n",
	"  type(a);\n",
	"  var again = Array.prototype.filter.call(document.querySelectorAll('#stories [data-story-id]'),\n",
	"    function (e) { return e.getAttribute('data-story-id') === a; })[0];\n",
	"  check(again && again.querySelector('tr[data-item-id]').classList.contains('act-block'), 'the block is not shown after a search');\n",
	"  type('');\n",
	"  q('#download').click();\n",
	"  var href = q('#download-link').getAttribute('href');\n",
	"  check(q('#download-link').getAttribute('download') === 'overrides.jsonl' && /^blob:/.test(href || ''), 'no download link');\n",
	"  fetch(href).then(function (r) { return r.text(); }).then(function (text) {\n",
	"    try {\n",
	"      var lines = text.split('\\n'), pairs = {};\n",
	"      check(lines.pop() === '', 'the file does not end with a newline');\n",
	"      check(lines.length === data.overrides.length + 2 - data.overrides.filter(function (c) {\n",
	"        var t = typeof c.pin === 'string' ? c.pin : c.block;\n",
	"        return c.story === a && (t === b1 || t === b2); }).length, lines.length + ' lines in the file');\n",
	"      lines.forEach(function (line) {\n",
	"        var x = JSON.parse(line), t = typeof x.pin === 'string' ? x.pin : x.block;\n",
	"        if (x.story) { check(!pairs[x.story + '\\n' + t], 'two lines for ' + line); pairs[x.story + '\\n' + t] = 1; }\n",
	"      });\n",
	"      check(lines.some(function (line) { var x = JSON.parse(line); return x.story === a && x.block === b1 && Object.keys(x).length === 2; }),\n",
	"        'the block is not in the file');\n",
	"      check(lines.some(function (line) { var x = JSON.parse(line); return x.story === a && x.pin === b2 && x.position === r2; }),\n",
	"        'the pin is not in the file');\n",
	"      check(text === window.reviewOverridesText(), 'the download differs from the page\\'s file');\n",
	"      check(window.reviewErrors.length === 0, 'errors: ' + window.reviewErrors.join('; '));\n",
	"      finish('SELFTEST PASS (' + n + ' stories)', { 'selftest-overrides': text,\n",
	"        'selftest-actions': JSON.stringify({ story: a, blocked: b1, pinned: b2, position: r2 }) });\n",
	"    } catch (e) { finish('SELFTEST FAIL: ' + e.message); }\n",
	"  }, function (e) { finish('SELFTEST FAIL: the download cannot be read: ' + e); });\n",
	"} catch (e) { finish('SELFTEST FAIL: ' + e.message); }\n",
	"})();\n",
	"</script>\n",
	NULL
};

int review_build(const struct model *m, const json_t *lines,
		 const struct review_options *o, struct buf *out, struct error *err)
{
	struct review_ctx c;
	struct buf blob = BUF_INIT;
	int rc = 0;

	memset(&c, 0, sizeof c);
	c.m = m;
	c.o = o;
	strmap_init(&c.docs);
	strmap_init(&c.stories);
	strmap_init(&c.words);
	if (index_model(&c) || add_blob(&c, lines, &blob))
		rc = -1;
	if (!rc) {
		rc |= add_lines(out, page_head);
		if (o->self_test)
			rc |= add_lines(out, selftest_capture);
		rc |= add_lines(out, page_body);
		rc |= buf_adds(out, "<script type=\"application/json\" id=\"data\">");
		rc |= add_script_safe(out, blob.data, blob.len);
		rc |= buf_adds(out, "</script>\n");
		rc |= add_lines(out, page_script);
		if (o->self_test)
			rc |= add_lines(out, selftest_script);
		rc |= buf_adds(out, "</body>\n</html>\n");
	}
	buf_release(&blob);
	strmap_free(&c.docs);
	strmap_free(&c.stories);
	strmap_free(&c.words);
	free(c.doc_of);
	free(c.field);
	if (rc)
		return error_set(err, NULL, "out of memory while building the review page");
	return 0;
}
