/*
 * review: builds the editors' review page (see review.h for the contract
 * and the layout of the embedded data).
 *
 * The C side only gathers and compacts data: a table of every story
 * mentioned, a table of the shared terms used, and the lists referring to
 * both. All rendering happens in the page's script, one page of stories at a
 * time, because writing 100k stories' markup up front gives a page that
 * takes minutes to lay out. Shared terms come from a merge of the two
 * stories' TF-IDF rows, which the model keeps sorted by term id.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "review.h"

#define DEFAULT_PAGE_SIZE 50

void review_options_default(struct review_options *o)
{
	o->page_size = DEFAULT_PAGE_SIZE;
	o->self_test = 0;
}

struct term_contrib {
	uint32_t term;
	float value;
};

/* What a build collects before writing the blob. Strings point into the
 * caller's JSON or the model, both alive for the whole build. */
struct review_ctx {
	const struct model *m;
	struct strmap docs;       /* model ids -> first doc with that id */
	uint32_t *doc_of;         /* docs' key id -> doc index */
	struct strmap stories;    /* every story mentioned -> table index */
	const char **title, **url;
	size_t stories_cap;
	uint32_t *term_index;     /* model term -> index in the blob's table + 1; 0 = unused */
	uint32_t *terms;          /* blob table -> model term */
	size_t n_terms;
};

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

/* Maps every model id to its doc index; 0 or -1 when memory runs out. */
static int index_model(struct review_ctx *c)
{
	const struct model *m = c->m;

	if (!m || !m->n_docs)
		return 0;
	c->doc_of = malloc((size_t)m->n_docs * sizeof *c->doc_of);
	c->term_index = calloc(m->n_terms ? m->n_terms : 1, sizeof *c->term_index);
	c->terms = malloc((m->n_terms ? m->n_terms : 1) * sizeof *c->terms);
	if (!c->doc_of || !c->term_index || !c->terms)
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

/* The table index of story `id`, added when new; a missing title or url is
 * filled from later mentions, then from the model. -1: out of memory. */
static int64_t story_ref(struct review_ctx *c, const char *id, const char *title,
			 const char *url)
{
	size_t before = c->stories.n;
	int64_t k = strmap_intern(&c->stories, id, strlen(id));

	if (k < 0)
		return -1;
	if (c->stories.n > before) {
		size_t cap = c->stories_cap;
		const char **t = grow_array(c->title, &cap, c->stories.n, sizeof *t);
		const char **u;

		if (!t)
			return -1;
		c->title = t;
		cap = c->stories_cap;
		u = grow_array(c->url, &cap, c->stories.n, sizeof *u);
		if (!u)
			return -1;
		c->url = u;
		c->stories_cap = cap;
		c->title[k] = NULL;
		c->url[k] = NULL;
	}
	if (!c->title[k])
		c->title[k] = title;
	if (!c->url[k])
		c->url[k] = url;
	return k;
}

/* Fills top[] with the (at most REVIEW_SHARED_TERMS) terms contributing most
 * to the cosine of docs a and b, largest first; returns how many. */
static size_t shared_terms(const struct model *m, uint32_t a, uint32_t b,
			   struct term_contrib *top)
{
	uint64_t i = m->row[a], ie = m->row[a + 1];
	uint64_t j = m->row[b], je = m->row[b + 1];
	size_t n = 0;

	while (i < ie && j < je) {
		uint32_t ta = m->col[i], tb = m->col[j];
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
	return n;
}

static const char *string_field(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
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

/* Appends one item: [item, rank, score, origin, [term, contribution, ...]]. */
static int add_item(struct review_ctx *c, struct buf *b, const json_t *item,
		    size_t position, int64_t source_doc)
{
	const char *id = string_field(item, "id");
	const json_t *rank = json_object_get(item, "rank");
	struct term_contrib top[REVIEW_SHARED_TERMS];
	int64_t ref, doc;
	size_t n = 0;
	int rc = 0;

	ref = story_ref(c, id, string_field(item, "title"), string_field(item, "url"));
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
		uint32_t *slot = &c->term_index[top[k].term];

		if (!*slot) {
			c->terms[c->n_terms++] = top[k].term;
			*slot = (uint32_t)c->n_terms;
		}
		rc |= buf_printf(b, "%s%u,%.4g", k ? "," : "", *slot - 1, (double)top[k].value);
	}
	rc |= buf_adds(b, "]]");
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
	ref = story_ref(c, id, string_field(source, "title"), string_field(source, "url"));
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
		dref = story_ref(c, dup, string_field(v, "title"), string_field(v, "url"));
		if (dref < 0)
			return -1;
		rc |= buf_printf(b, "%s%lld", n++ ? "," : "", (long long)dref);
	}
	rc |= buf_adds(b, "]]");
	return rc ? -1 : 0;
}

/* Appends the whole blob to `b` (plain JSON; '<' is escaped when copied into
 * the page). */
static int add_blob(struct review_ctx *c, const json_t *lines, size_t page_size,
		    struct buf *b)
{
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
	rc |= buf_printf(b, "{\"v\":1,\"page_size\":%zu,\n\"stories\":[", page_size);
	for (uint32_t k = 0; k < c->stories.n; k++) {
		const char *id = strmap_key(&c->stories, k);
		const char *title = c->title[k], *url = c->url[k];
		int64_t doc = (!title || !url) ? find_doc(c, id) : -1;

		if (doc >= 0 && !title)
			title = model_doc(c->m, (uint32_t)doc, MODEL_TITLE);
		if (doc >= 0 && !url)
			url = model_doc(c->m, (uint32_t)doc, MODEL_URL);
		rc |= buf_adds(b, k ? ",\n[" : "[");
		rc |= add_string_or_null(b, id);
		rc |= buf_addc(b, ',');
		rc |= add_string_or_null(b, title);
		rc |= buf_addc(b, ',');
		rc |= add_string_or_null(b, url);
		rc |= buf_addc(b, ']');
	}
	rc |= buf_adds(b, "],\n\"terms\":[");
	for (size_t k = 0; k < c->n_terms; k++) {
		rc |= buf_adds(b, k ? "," : "");
		rc |= add_string_or_null(b, model_term(c->m, c->terms[k]));
	}
	rc |= buf_adds(b, "],\n\"lists\":[\n");
	rc |= buf_add(b, lists.data, lists.len);
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
	"<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
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
	".origin{font-size:.85em}\n.origin.pinned{color:#060;font-weight:600}\n",
	"button{font:inherit;font-size:.85em;margin-right:.3em;cursor:pointer}\ntd.actions{white-space:nowrap}\n",
	".dups{font-size:.9em;margin-top:.3em;color:#444}\n.dups ul{margin:.2em 0}\n",
	".empty{color:#777;font-style:italic;margin:.4em 0 0}\n",
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
	"</head>\n<body>\n",
	"<header>\n<h1>Related stories: review</h1>\n",
	"<div class=\"bar\">\n",
	"<input id=\"search\" type=\"search\" placeholder=\"Search stories by title or id\" aria-label=\"Search stories\">\n",
	"<button id=\"prev\" type=\"button\">&larr; Previous</button>\n",
	"<span id=\"pageinfo\"></span>\n",
	"<button id=\"next\" type=\"button\">Next &rarr;</button>\n",
	"</div>\n",
	"<div id=\"status\" role=\"status\" aria-live=\"polite\">",
	"Pin or block a suggestion to copy its override line (for --overrides FILE). ",
	"Shared terms: the words adding most to the TF-IDF similarity of the pair.</div>\n",
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
	"var list = document.getElementById('stories'), search = document.getElementById('search');\n",
	"var prev = document.getElementById('prev'), next = document.getElementById('next');\n",
	"var info = document.getElementById('pageinfo'), status = document.getElementById('status');\n",
	"var shown = [], page = 0, hay = null, i;\n",
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
	"function overrideLine(kind, a, b, rank) {\n",
	"  var line = '{\"story\": ' + JSON.stringify(a) + ', \"' + kind + '\": ' + JSON.stringify(b);\n",
	"  if (kind === 'pin') line += ', \"position\": ' + rank;\n",
	"  return line + '}';\n",
	"}\n",
	"function setStatus(line, note) {\n",
	"  status.textContent = '';\n",
	"  status.appendChild(el('span', null, note + ' '));\n",
	"  status.appendChild(el('code', 'line', line));\n",
	"}\n",
	"/* The line is shown at once; copying is a bonus that may be refused. */\n",
	"function copy(line) {\n",
	"  setStatus(line, 'Copying:');\n",
	"  function fallback() {\n",
	"    var ta = document.createElement('textarea'), ok = false;\n",
	"    ta.value = line; ta.setAttribute('readonly', '');\n",
	"    ta.style.position = 'fixed'; ta.style.top = '-100px'; ta.style.opacity = '0';\n",
	"    document.body.appendChild(ta); ta.select();\n",
	"    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }\n",
	"    document.body.removeChild(ta);\n",
	"    setStatus(line, ok ? 'Copied:' : 'Copy this line by hand:');\n",
	"  }\n",
	"  if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {\n",
	"    try {\n",
	"      navigator.clipboard.writeText(line).then(function () { setStatus(line, 'Copied:'); }, fallback);\n",
	"    } catch (e) { fallback(); }\n",
	"  } else fallback();\n",
	"}\n",
	"function button(kind, a, b, rank) {\n",
	"  var bt = el('button', kind, kind);\n",
	"  bt.type = 'button';\n",
	"  bt.title = kind === 'pin' ? 'copy an override pinning this story at position ' + rank\n",
	"                            : 'copy an override blocking this story here';\n",
	"  bt.addEventListener('click', function () { copy(overrideLine(kind, a, b, rank)); });\n",
	"  return bt;\n",
	"}\n",
	"function renderStory(l) {\n",
	"  var s = S[l[0]], sec = el('section', 'story'), h = el('h2'), j, k;\n",
	"  sec.setAttribute('data-story-id', s[0]);\n",
	"  h.appendChild(titleNode(s));\n",
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
	"  var tb = el('table'), head = el('tr'), cols = ['#', 'Suggestion', 'Score', 'Origin', 'Shared terms', ''];\n",
	"  for (j = 0; j < cols.length; j++) head.appendChild(el('th', null, cols[j]));\n",
	"  tb.appendChild(head);\n",
	"  for (j = 0; j < l[1].length; j++) {\n",
	"    var it = l[1][j], is = S[it[0]], tr = el('tr'), td = el('td'), terms = el('td', 'terms');\n",
	"    tr.setAttribute('data-item-id', is[0]);\n",
	"    tr.appendChild(el('td', 'num', it[1]));\n",
	"    td.appendChild(titleNode(is));\n",
	"    td.appendChild(el('div', 'id', is[0]));\n",
	"    tr.appendChild(td);\n",
	"    tr.appendChild(el('td', 'num', typeof it[2] === 'number' ? it[2].toFixed(4) : ''));\n",
	"    tr.appendChild(el('td', 'origin ' + (it[3] || ''), it[3] || ''));\n",
	"    for (k = 0; k + 1 < it[4].length; k += 2) {\n",
	"      var t = el('span', null, T[it[4][k]] + ' ' + it[4][k + 1].toFixed(4));\n",
	"      t.title = 'weight here \\u00d7 weight there';\n",
	"      terms.appendChild(t);\n",
	"    }\n",
	"    tr.appendChild(terms);\n",
	"    td = el('td', 'actions');\n",
	"    td.appendChild(button('pin', s[0], is[0], it[1]));\n",
	"    td.appendChild(button('block', s[0], is[0], it[1]));\n",
	"    tr.appendChild(td);\n",
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
	"search.addEventListener('input', filter);\n",
	"prev.addEventListener('click', function () { if (page > 0) { page--; render(); window.scrollTo(0, 0); } });\n",
	"next.addEventListener('click', function () { page++; render(); window.scrollTo(0, 0); });\n",
	"render();\n",
	"})();\n",
	"</script>\n",
	NULL
};

/* Drives the page like an editor would and writes "SELFTEST PASS" or
 * "SELFTEST FAIL: reason" into the title and a <pre id="selftest">. */
static const char *const selftest_script[] = {
	"<script>\n",
	"(function () {\n",
	"'use strict';\n",
	"function finish(msg) {\n",
	"  document.title = msg;\n",
	"  var p = document.createElement('pre'); p.id = 'selftest'; p.textContent = msg;\n",
	"  document.body.appendChild(p);\n",
	"}\n",
	"function check(cond, msg) { if (!cond) throw new Error(msg); }\n",
	"function q(sel) { return document.querySelector(sel); }\n",
	"function ids() {\n",
	"  return Array.prototype.map.call(document.querySelectorAll('#stories [data-story-id]'),\n",
	"    function (e) { return e.getAttribute('data-story-id'); });\n",
	"}\n",
	"function type(text) { var s = q('#search'); s.value = text; s.dispatchEvent(new Event('input')); }\n",
	"function statusLine() { var c = q('#status code'); check(c, 'no line in #status'); return JSON.parse(c.textContent); }\n",
	"try {\n",
	"  check(window.reviewErrors.length === 0, 'errors while loading: ' + window.reviewErrors.join('; '));\n",
	"  var data = JSON.parse(q('#data').textContent), want = {}, n = 0, seen = {}, count = 0, guard = 0;\n",
	"  data.lists.forEach(function (l) { var id = data.stories[l[0]][0]; if (!want[id]) n++; want[id] = l; });\n",
	"  check(n > 0, 'no stories in the data');\n",
	"  for (;;) {\n",
	"    ids().forEach(function (id) { check(want[id], 'unexpected story ' + id); seen[id] = 1; count++; });\n",
	"    if (q('#next').disabled) break;\n",
	"    check(++guard < 100000, 'next never ends');\n",
	"    q('#next').click();\n",
	"  }\n",
	"  check(count === data.lists.length, count + ' story elements for ' + data.lists.length + ' lists');\n",
	"  Object.keys(want).forEach(function (id) { check(seen[id], 'story missing from every page: ' + id); });\n",
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
	"  var pin = q('#stories button.pin');\n",
	"  if (pin) {\n",
	"    var sec = pin.closest('[data-story-id]'), tr = pin.closest('tr'), a = sec.getAttribute('data-story-id');\n",
	"    var b = tr.getAttribute('data-item-id'), rank = Number(tr.firstChild.textContent);\n",
	"    pin.click();\n",
	"    var o = statusLine();\n",
	"    check(Object.keys(o).join() === 'story,pin,position', 'pin line has keys ' + Object.keys(o).join());\n",
	"    check(o.story === a && o.pin === b && o.position === rank, 'pin line ' + JSON.stringify(o) + ' is not for ' + a + ' / ' + b);\n",
	"    tr.querySelector('button.block').click();\n",
	"    o = statusLine();\n",
	"    check(Object.keys(o).join() === 'story,block' && o.story === a && o.block === b, 'bad block line ' + JSON.stringify(o));\n",
	"  } else check(data.lists.every(function (l) { return !l[1].length; }), 'no pin button although there are suggestions');\n",
	"  check(!window.reviewInjected && !q('#stories img, #stories script, #stories iframe'),\n",
	"    'markup from the data was interpreted');\n",
	"  check(window.reviewErrors.length === 0, 'errors: ' + window.reviewErrors.join('; '));\n",
	"  finish('SELFTEST PASS (' + n + ' stories)');\n",
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
	strmap_init(&c.docs);
	strmap_init(&c.stories);
	if (index_model(&c) || add_blob(&c, lines, o->page_size ? o->page_size : DEFAULT_PAGE_SIZE, &blob))
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
	free(c.doc_of);
	free(c.title);
	free(c.url);
	free(c.term_index);
	free(c.terms);
	if (rc)
		return error_set(err, NULL, "out of memory while building the review page");
	return 0;
}
