/* output: JSON writing for lists, reports and articles, and the joining of
 * related.jsonl parts, which reads the lines output_related_line() writes. */
#include "output.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <jansson.h>

#include "explain.h"
#include "fsutil.h"
#include "parallel.h"

void output_timestamp(char *out, size_t outlen)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double output_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The process's resident size in MB from /proc/self/status: its peak so
 * far (field "VmHWM:") or now ("VmRSS:"); -1 when /proc does not say. The
 * peak is not reset between stages (clear_refs would): /usr/bin/time and
 * getrusage read the same high-water mark. */
static double resident_mb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	size_t len = strlen(field);
	double kb = -1.0;

	if (!f)
		return -1.0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, field, len)) {
			kb = strtod(line + len, NULL);
			break;
		}
	fclose(f);
	return kb < 0 ? -1.0 : kb / 1024.0;
}

/* The process's CPU seconds so far, user and system, all its threads;
 * -1 when getrusage() fails. */
static double process_cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1.0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

void report_stage(struct report *r, const char *stage, double *t0)
{
	double now = output_now();
	double cpu = process_cpu_seconds();

	if (r->n_stages < sizeof r->stages / sizeof r->stages[0]) {
		r->stages[r->n_stages].stage = stage;
		r->stages[r->n_stages].seconds = now - *t0;
		r->stages[r->n_stages].peak_mb = resident_mb("VmHWM:");
		r->stages[r->n_stages].resident_mb = resident_mb("VmRSS:");
		r->stages[r->n_stages].cpu_seconds =
			cpu < 0 || r->cpu_mark < 0 ? -1.0 : cpu - r->cpu_mark;
		r->n_stages++;
	}
	r->cpu_mark = cpu;
	*t0 = now;
}

/* Adds `"key":"value"` (value NULL: null), after a comma with `comma`.
 * Keys are this file's own names, letters and underscores that JSON
 * writes as they are: copied, not escaped (escaping them was a third of
 * related.jsonl's formatting). */
static inline __attribute__((always_inline)) int add_field(struct buf *b, const char *key,
						       const char *value, int comma)
{
	int rc = 0;

	if (comma)
		rc |= buf_addc(b, ',');
	rc |= buf_addc(b, '"');
	rc |= buf_adds(b, key);
	rc |= buf_add(b, "\":", 2);
	if (value)
		rc |= buf_add_json_string(b, value, strlen(value));
	else
		rc |= buf_adds(b, "null");
	return rc;
}

/* Adds `"key":[...]` for a list field (article.h: one item per line). */
static int add_list(struct buf *b, const char *key, const char *list)
{
	int rc = 0;

	rc |= buf_addc(b, ',');
	rc |= buf_add_json_string(b, key, strlen(key));
	rc |= buf_adds(b, ":[");
	for (const char *p = list; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (p != list)
			rc |= buf_addc(b, ',');
		rc |= buf_add_json_string(b, p, n);
		p = nl ? nl + 1 : p + n;
	}
	rc |= buf_addc(b, ']');
	return rc;
}

/* Appends the decimal digits of u. */
static int add_uint(struct buf *b, uint64_t u)
{
	char tmp[24], *p = tmp + sizeof tmp;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

int output_add_score(struct buf *b, float score)
{
	double k = round((double)score * 10000.0);
	char tmp[32], *p = tmp + sizeof tmp;
	uint64_t u;

	if (!(fabs(k) < 1e12)) { /* huge, infinite or NaN: printf's form */
		double s = k / 10000.0;
		return buf_printf(b, "%.4f", s == 0.0 ? 0.0 : s);
	}
	/* k / 10000 as a double is within 1e-8 of the decimal k / 10000, so
	 * %.4f of it prints exactly k's digits: written here without printf,
	 * which was a fifth of the write stage */
	u = (uint64_t)fabs(k);
	for (int i = 0; i < 4; i++, u /= 10)
		*--p = (char)('0' + u % 10);
	*--p = '.';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (k < 0)
		*--p = '-';
	return buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

static int add_story(struct buf *b, const struct model *m, uint32_t d, int with_lang)
{
	int rc = 0;

	rc |= add_field(b, "id", model_doc(m, d, MODEL_ID), 0);
	rc |= add_field(b, "url", model_doc(m, d, MODEL_URL), 1);
	rc |= add_field(b, "title", model_doc(m, d, MODEL_TITLE), 1);
	rc |= add_field(b, "published", model_doc(m, d, MODEL_PUBLISHED), 1);
	if (with_lang)
		rc |= add_field(b, "lang", model_doc(m, d, MODEL_LANG), 1);
	else {
		rc |= add_field(b, "section", model_doc(m, d, MODEL_SECTION), 1);
		rc |= add_field(b, "image", model_doc(m, d, MODEL_IMAGE), 1);
		rc |= add_field(b, "excerpt", model_doc(m, d, MODEL_EXCERPT), 1);
	}
	return rc;
}

/* With --explain: the `why` object of item x on story d (explain.h). */
#define WHY_TERMS 5
static int add_why(struct buf *b, const struct model *m, const struct related_lists *l,
		   uint32_t d, uint32_t x)
{
	struct explain e;
	int rc;

	if (explain_pair(m, d, x, l->semantic, WHY_TERMS, &e, NULL))
		return -1;
	rc = buf_adds(b, ",\"why\":");
	rc |= explain_why_json(b, m, &e);
	explain_free(&e);
	return rc;
}

/* With --explain: the candidates the policy dropped, with the rule. */
static int add_excluded(struct buf *b, const struct model *m,
			const struct related_lists *l, uint32_t d)
{
	const struct policy_exclusion *ex = l->excluded + (size_t)d * l->depth;
	int rc = buf_adds(b, ",\"excluded\":[");

	for (uint32_t i = 0; i < l->excluded_count[d]; i++) {
		rc |= buf_adds(b, i ? ",{" : "{");
		rc |= add_field(b, "id", model_doc(m, ex[i].doc, MODEL_ID), 0);
		rc |= add_field(b, "reason", ex[i].reason, 1);
		rc |= buf_addc(b, '}');
	}
	rc |= buf_addc(b, ']');
	return rc;
}

int output_related_line(struct buf *b, const struct model *m,
			const struct related_lists *l, uint32_t doc,
			const char *generated_at)
{
	const struct related_item *it = l->items + (size_t)doc * l->top;
	int rc = 0;

	rc |= buf_adds(b, "{\"schema_version\":");
	rc |= add_uint(b, OUTPUT_SCHEMA_VERSION);
	rc |= buf_addc(b, ',');
	rc |= add_field(b, "generated_at", generated_at, 0);
	rc |= buf_adds(b, ",\"source\":{");
	rc |= add_story(b, m, doc, 1);
	rc |= buf_adds(b, "},\"items\":[");
	for (uint32_t i = 0; i < l->count[doc]; i++) {
		rc |= buf_adds(b, i ? ",{\"rank\":" : "{\"rank\":");
		rc |= add_uint(b, i + 1);
		rc |= buf_addc(b, ',');
		rc |= add_story(b, m, it[i].doc, 0);
		rc |= buf_adds(b, ",\"score\":");
		rc |= output_add_score(b, it[i].score);
		rc |= add_field(b, "origin", it[i].origin, 1);
		if (l->explain)
			rc |= add_why(b, m, l, doc, it[i].doc);
		rc |= buf_addc(b, '}');
	}
	rc |= buf_addc(b, ']');
	if (l->explain && l->excluded)
		rc |= add_excluded(b, m, l, doc);
	rc |= buf_adds(b, "}\n");
	return rc ? -1 : 0;
}

/* Lines go to the file through fs_stream, in pieces: the whole file in
 * memory was 1.7 GB at 1M stories, the run's peak then. */
/* The lines are formatted on the threads a window at a time, each thread
 * a piece of PIECE_LINES stories into a buffer of its own, and the window's
 * pieces written in story order: the file is the same for any -j. A
 * window's pieces are written on a thread of their own while the threads
 * format the next window into a second set of buffers: the write (the
 * copy into the stream and the write(2) calls, 1-1.5 ms a window on real
 * text) had left all cores but one idle. */
#define PIECE_LINES 64
#define WINDOW_PIECES 32

struct format_window {
	const struct model *m;
	const struct related_lists *l;
	const char *generated_at;
	uint32_t first;     /* the window's first story */
	struct buf *pieces; /* WINDOW_PIECES */
	atomic_int failed;
};

static void format_piece(void *arg, int worker, size_t i)
{
	struct format_window *w = arg;
	uint32_t d0 = w->first + (uint32_t)(i * PIECE_LINES);
	uint32_t d1 = w->m->n_docs - d0 < PIECE_LINES ? w->m->n_docs : d0 + PIECE_LINES;

	(void)worker;
	buf_reset(&w->pieces[i]);
	for (uint32_t d = d0; d < d1; d++)
		if (output_related_line(&w->pieces[i], w->m, w->l, d, w->generated_at))
			atomic_store(&w->failed, 1);
}

/* A window's formatted pieces on their way to the file. */
struct window_write {
	struct fs_stream *f;
	const struct buf *pieces;
	size_t n;
	pthread_t th;
	int running;
};

static void *write_window(void *arg)
{
	struct window_write *ww = arg;

	for (size_t i = 0; i < ww->n; i++)
		fs_stream_write(ww->f, ww->pieces[i].data, ww->pieces[i].len);
	return NULL;
}

/* Waits for the window being written, if one is. */
static void join_window(struct window_write *ww)
{
	if (ww->running)
		pthread_join(ww->th, NULL);
	ww->running = 0;
}

int output_write_related(const char *outdir, const struct model *m,
			 const struct related_lists *l, const char *generated_at, int jobs,
			 struct error *err)
{
	struct buf pieces[2][WINDOW_PIECES];
	struct format_window w = { m, l, generated_at, 0, NULL, 0 };
	struct window_write ww = { 0 };
	struct fs_stream f;
	char *path;
	int rc, set = 0;

	if (fs_mkdir_p(outdir, err))
		return -1;
	path = fs_join(outdir, "related.jsonl");
	if (!path)
		return error_set(err, outdir, "out of memory");
	if (fs_stream_open(&f, path, err)) {
		free(path);
		return -1;
	}
	for (size_t i = 0; i < WINDOW_PIECES; i++) {
		buf_init(&pieces[0][i]);
		buf_init(&pieces[1][i]);
	}
	for (uint32_t d = 0; d < m->n_docs; set = !set) {
		uint32_t left = m->n_docs - d;
		size_t n = left / PIECE_LINES + (left % PIECE_LINES != 0);
		n = n < WINDOW_PIECES ? n : WINDOW_PIECES;
		w.first = d;
		w.pieces = pieces[set]; /* not the set being written */
		parallel_for(jobs, n, 1, format_piece, &w);
		join_window(&ww); /* f is the writer's until then */
		if (w.failed || f.failed)
			break;
		ww = (struct window_write){ &f, pieces[set], n, 0, 0 };
		ww.running = !pthread_create(&ww.th, NULL, write_window, &ww);
		if (!ww.running)
			write_window(&ww); /* no thread: in turn */
		d = left < n * PIECE_LINES ? m->n_docs : d + (uint32_t)(n * PIECE_LINES);
	}
	join_window(&ww);
	for (size_t i = 0; i < WINDOW_PIECES; i++) {
		buf_release(&pieces[0][i]);
		buf_release(&pieces[1][i]);
	}
	if (w.failed) {
		fs_stream_abort(&f);
		free(path);
		return error_set(err, outdir, "out of memory");
	}
	rc = fs_stream_commit(&f, err);
	free(path);
	return rc;
}

/* The id of a related.jsonl line's source (malloc'd), or NULL. */
static char *line_source_id(const char *line, size_t len)
{
	json_error_t je;
	json_t *j = json_loadb(line, len, 0, &je);
	json_t *id = json_object_get(json_object_get(j, "source"), "id");
	char *s = json_is_string(id) ? strdup(json_string_value(id)) : NULL;

	json_decref(j);
	return s;
}

int output_concat_related(const char *const *paths, size_t n, const struct model *m,
			  const char *out, const char *generated_at,
			  struct output_concat_stats *st, struct error *err)
{
	/* how output_related_line() begins every line */
	char prefix[64];
	const size_t pl = (size_t)snprintf(prefix, sizeof prefix,
					   "{\"schema_version\":%d,\"generated_at\":\"",
					   OUTPUT_SCHEMA_VERSION);
	struct fs_stream w;
	char *line = NULL, *prev = NULL;
	size_t cap = 0;
	int rc = 0;

	memset(st, 0, sizeof *st);
	if (fs_stream_open(&w, out, err))
		return -1;
	for (size_t i = 0; i < n && !rc; i++) {
		FILE *f = fopen(paths[i], "re");
		ssize_t len;
		size_t lineno = 0;

		if (!f) {
			rc = error_set(err, paths[i], "cannot read: %s", strerror(errno));
			break;
		}
		while (!rc && (len = getline(&line, &cap, f)) > 0) {
			const char *q;
			char *id;
			lineno++;
			if (line[len - 1] != '\n') {
				rc = error_set(err, paths[i], "line %zu: no newline at the end "
					       "(a cut part?)", lineno);
				break;
			}
			id = line_source_id(line, (size_t)len);
			if (!id) {
				rc = error_set(err, paths[i], "line %zu: not a related.jsonl line",
					       lineno);
				break;
			}
			if (prev && strcmp(prev, id) >= 0) {
				rc = error_set(err, paths[i], "line %zu: story '%s' %s '%s': give "
					       "the parts in shard order, each once", lineno, id,
					       strcmp(prev, id) ? "comes before" : "repeats", prev);
				free(id);
				break;
			}
			if (m && (st->lines >= m->n_docs ||
				  strcmp(id, model_doc(m, (uint32_t)st->lines, MODEL_ID)))) {
				rc = error_set(err, paths[i], "line %zu: story '%s' is not story "
					       "%zu of the model (is a part missing?)", lineno, id,
					       st->lines + 1);
				free(id);
				break;
			}
			free(prev);
			prev = id;
			/* One generated_at for the whole file: the join's. */
			if (generated_at && (size_t)len > pl && !memcmp(line, prefix, pl) &&
			    (q = memchr(line + pl, '"', (size_t)len - pl))) {
				fs_stream_write(&w, line, pl);
				fs_stream_write(&w, generated_at, strlen(generated_at));
				fs_stream_write(&w, q, (size_t)(line + len - q));
			} else {
				fs_stream_write(&w, line, (size_t)len);
			}
			st->lines++;
			st->empty_lists += strstr(line, "\"items\":[]") != NULL;
		}
		if (!rc && ferror(f))
			rc = error_set(err, paths[i], "cannot read: %s", strerror(errno));
		fclose(f);
	}
	free(line);
	free(prev);
	if (!rc && m && st->lines != m->n_docs)
		rc = error_set(err, NULL, "the parts hold %zu stories, the model %u: "
			       "a part is missing", st->lines, m->n_docs);
	if (rc) {
		fs_stream_abort(&w);
		return -1;
	}
	return fs_stream_commit(&w, err);
}

int output_write_report(const char *outdir, const struct report *r,
			struct error *err)
{
	struct buf b = BUF_INIT;
	double total = 0;
	char *path;
	int rc = 0;

	rc |= buf_printf(&b, "{\n  \"schema_version\": %d,\n  ", OUTPUT_SCHEMA_VERSION);
	rc |= add_field(&b, "generated_at", r->generated_at, 0);
	rc |= buf_adds(&b, ",\n  ");
	rc |= add_field(&b, "command", r->command, 0);
	rc |= buf_printf(&b, ",\n  \"counts\": {\"inputs\": %zu, \"stories\": %zu, "
			 "\"skipped\": %zu, \"terms\": %zu, \"empty_lists\": %zu, "
			 "\"near_duplicates_dropped\": %zu, \"fallback_lists\": %zu, "
			 "\"shortened_lists\": %zu, \"twins_dropped\": %zu, "
			 "\"boilerplate_paragraphs_removed\": %zu},\n",
			 r->inputs, r->stories, r->skipped ? r->skipped->n : 0,
			 r->terms, r->empty_lists, r->duplicates, r->fallback_lists,
			 r->shortened_lists, r->twins, r->boilerplate);
	if (r->ranking_known)
		rc |= buf_printf(&b, "  \"ranking\": {\"ranked_from_twin_pool\": %zu, "
				 "\"twin_pool_not_proved\": %zu},\n",
				 r->from_twin, r->twin_unproved);
	rc |= buf_printf(&b, "  \"options\": {\"top\": %zu, \"jobs\": %d, \"cutoff\": ",
			 r->top, r->jobs);
	rc |= r->cutoff > 0.0f ? buf_printf(&b, "%.4g},\n", (double)r->cutoff)
			       : buf_adds(&b, "null},\n");
	rc |= buf_adds(&b, "  \"timings_seconds\": {");
	for (size_t i = 0; i < r->n_stages; i++) {
		rc |= buf_printf(&b, "%s\"%s\": %.3f", i ? ", " : "",
				 r->stages[i].stage, r->stages[i].seconds);
		total += r->stages[i].seconds;
	}
	rc |= buf_printf(&b, "%s\"total\": %.3f},\n", r->n_stages ? ", " : "", total);
	/* CPU beside wall per stage (report_stage()) */
	rc |= buf_adds(&b, "  \"cpu_seconds\": {");
	total = 0;
	for (size_t i = 0; i < r->n_stages; i++) {
		double s = r->stages[i].cpu_seconds;
		rc |= buf_printf(&b, "%s\"%s\": ", i ? ", " : "", r->stages[i].stage);
		rc |= s < 0 ? buf_adds(&b, "null") : buf_printf(&b, "%.3f", s);
		total += s < 0 ? 0 : s;
	}
	rc |= buf_printf(&b, "%s\"total\": %.3f},\n", r->n_stages ? ", " : "", total);
	/* per stage, the peak so far and what stays resident (report_stage()) */
	for (int which = 0; which < 2; which++) {
		rc |= buf_adds(&b, which ? "  \"resident_memory_mb\": {" : "  \"peak_memory_mb\": {");
		for (size_t i = 0; i < r->n_stages; i++) {
			double mb = which ? r->stages[i].resident_mb : r->stages[i].peak_mb;
			rc |= buf_printf(&b, "%s\"%s\": ", i ? ", " : "", r->stages[i].stage);
			rc |= mb < 0 ? buf_adds(&b, "null") : buf_printf(&b, "%.0f", mb);
		}
		rc |= buf_adds(&b, "},\n");
	}
	rc |= buf_adds(&b, "  \"skipped\": [");
	for (size_t i = 0; r->skipped && i < r->skipped->n; i++) {
		rc |= buf_adds(&b, i ? ",\n    {" : "\n    {");
		rc |= add_field(&b, "input", r->skipped->items[i].input, 0);
		rc |= add_field(&b, "reason", r->skipped->items[i].reason, 1);
		rc |= buf_addc(&b, '}');
	}
	rc |= buf_adds(&b, r->skipped && r->skipped->n ? "\n  ],\n" : "],\n");
	/* Pages whose extraction probably failed; "warnings" as extract
	 * prints them. */
	rc |= buf_adds(&b, "  \"warnings\": [");
	for (size_t i = 0; r->warned && i < r->warned->n; i++) {
		rc |= buf_adds(&b, i ? ",\n    {" : "\n    {");
		rc |= add_field(&b, "input", r->warned->items[i].input, 0);
		rc |= add_list(&b, "warnings", r->warned->items[i].reason);
		rc |= buf_addc(&b, '}');
	}
	rc |= buf_adds(&b, r->warned && r->warned->n ? "\n  ]\n}\n" : "]\n}\n");
	if (rc) {
		buf_release(&b);
		return error_set(err, outdir, "out of memory");
	}
	if (fs_mkdir_p(outdir, err)) {
		buf_release(&b);
		return -1;
	}
	path = fs_join(outdir, "report.json");
	rc = path ? fs_write_atomic(path, b.data, b.len, err)
		  : error_set(err, outdir, "out of memory");
	free(path);
	buf_release(&b);
	return rc;
}

int output_article_line(struct buf *b, const struct article *a)
{
	int rc = 0;

	rc |= buf_addc(b, '{');
	rc |= add_field(b, "id", a->id, 0);
	rc |= add_field(b, "path", a->path, 1);
	rc |= add_field(b, "url", a->url, 1);
	rc |= add_field(b, "title", a->title, 1);
	rc |= add_field(b, "published", a->published, 1);
	rc |= add_field(b, "modified", a->modified, 1);
	rc |= add_field(b, "author", a->author, 1);
	rc |= add_field(b, "section", a->section, 1);
	rc |= add_field(b, "lang", a->lang, 1);
	rc |= add_field(b, "image", a->image, 1);
	rc |= add_field(b, "charset", a->charset, 1);
	rc |= add_field(b, "text", a->text, 1);
	rc |= add_field(b, "standfirst", a->standfirst, 1);
	rc |= add_field(b, "byline", a->byline, 1);
	rc |= add_field(b, "dateline", a->dateline, 1);
	rc |= add_list(b, "captions", a->captions);
	rc |= add_field(b, "sitename", a->sitename, 1);
	rc |= add_list(b, "tags", a->tags);
	rc |= add_list(b, "warnings", a->warnings);
	rc |= buf_adds(b, "}\n");
	return rc ? -1 : 0;
}
