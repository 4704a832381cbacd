/*
 * output: what the tool writes — related.jsonl, report.json and the JSON
 * line of an extracted article.
 *
 * related.jsonl has one line per story, in story (id) order:
 *   {"schema_version":1,"generated_at":"2026-11-28T10:00:00Z",
 *    "source":{"id","url","title","published","lang"},
 *    "items":[{"rank":1,"id","url","title","published","section","image",
 *              "excerpt","score":0.8312,"origin":"similar"}, ...]}
 * (excerpt: the item's first paragraph, shortened, model.h).
 * An item's score is the probability that it is related to the story
 * (policy_relatedness()), or with --no-cutoff the blended cosine; 0 for
 * fallback items.
 * With the policy's `explain` (--explain), each item also has a "why"
 * object (explain.h: five shared terms, tfidf, latent, score) and the line
 * an "excluded" list of {"id","reason"} (policy.h).
 * Absent fields are null; scores have four decimals. Files are written
 * whole to a temporary file and renamed into place (fsutil.h), so a reader
 * or a crash never sees half a file.
 */
#ifndef RELATED_OUTPUT_H
#define RELATED_OUTPUT_H

#include <stddef.h>

#include "article.h"
#include "buf.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "policy.h"

#define OUTPUT_SCHEMA_VERSION 1

/* The current UTC time in RFC 3339 ("2026-11-28T10:00:00Z"); out >= 32. */
void output_timestamp(char *out, size_t outlen);

/* Appends one story's related.jsonl line (with its newline) to b. */
int output_related_line(struct buf *b, const struct model *m,
			const struct related_lists *l, uint32_t doc,
			const char *generated_at);

/* Appends a score as the lists write it: four decimals, rounded half away
 * from zero (round() of score * 10000), never "-0.0000"; what printf's
 * "%.4f" gives for that value. */
int output_add_score(struct buf *b, float score);

/* Writes OUTDIR/related.jsonl atomically (OUTDIR is created), the lines
 * formatted on `jobs` threads; the file does not depend on them. */
int output_write_related(const char *outdir, const struct model *m,
			 const struct related_lists *l, const char *generated_at, int jobs,
			 struct error *err);

struct output_concat_stats {
	size_t lines;       /* stories written */
	size_t empty_lists; /* of them, lines without items */
};

/* Joins the related.jsonl parts paths[0..n) (written by
 * pipeline_recommend_range(), in shard order) into the file `out`, written
 * atomically, checking that ids ascend strictly across all of them (so no
 * part is given twice or out of order) and, when `m` is not NULL, that the
 * lines are exactly the model's stories. Each line's generated_at becomes
 * `generated_at` (NULL: kept), so the file carries one time. */
int output_concat_related(const char *const *paths, size_t n, const struct model *m,
			  const char *out, const char *generated_at,
			  struct output_concat_stats *st, struct error *err);

struct stage_time {
	const char *stage; /* static */
	double seconds;
	double peak_mb;     /* the process's largest resident size up to the end
			       of the stage, MB (the stage where it grows made
			       it); < 0: not known */
	double resident_mb; /* resident at the end of the stage, MB; < 0: not known */
	double cpu_seconds; /* the process's CPU time (user + system, all threads)
			       during the stage; < 0: not known */
};

struct report {
	const char *generated_at;
	const char *command;
	size_t inputs;   /* items found */
	size_t stories;  /* stories in the model */
	size_t terms;
	size_t empty_lists;
	size_t duplicates;
	size_t fallback_lists;
	size_t shortened_lists; /* lists the cutoff left shorter than top (policy.h) */
	size_t twins;           /* twin items dropped (policy.h) */
	size_t boilerplate; /* paragraphs removed as site chrome (boilerplate.h) */
	int ranking_known;  /* the next two were counted (run, recommend: not
			       sharded parts): written as "ranking" */
	size_t from_twin;   /* stories ranked from a near-duplicate's pool (rank.h) */
	size_t twin_unproved; /* near-duplicates whose twin's pool was not
				 proved and were ranked alone (rank.h) */
	size_t top;
	int jobs;
	float cutoff; /* the lists' cutoff (policy.h), written as options.cutoff;
			 0: off or not known (null) */
	const struct skip_list *skipped;
	const struct skip_list *warned; /* input, warnings (article.h), or NULL */
	struct stage_time stages[12];
	size_t n_stages;
	double cpu_mark; /* the process's CPU seconds at the last report_stage() */
};

/* Records the time since *t0 under `stage` and resets *t0 to now; also
 * the process's largest resident size so far (Linux's VmHWM, the figure
 * /usr/bin/time gives) and its resident size now (VmRSS), written as
 * report.json's "peak_memory_mb" and "resident_memory_mb", and the CPU
 * time the process spent since the previous call (the first stage: since
 * it started), written as "cpu_seconds": beside the wall time it says how
 * busy the threads kept the cores. */
void report_stage(struct report *r, const char *stage, double *t0);
double output_now(void);

/* Writes OUTDIR/report.json atomically. */
int output_write_report(const char *outdir, const struct report *r,
			struct error *err);

/* Appends an article as one JSON line (id, path, url, title, published,
 * modified, author, section, lang, image, charset, text, standfirst,
 * byline, dateline, captions, sitename, tags, warnings) to b; unknown
 * strings are null, list fields (article.h) arrays, [] when empty. */
int output_article_line(struct buf *b, const struct article *a);

#endif
