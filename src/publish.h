/*
 * publish: the site-facing copy of a run (`--per-story`), in a folder per
 * run that becomes visible all at once.
 *
 * Layout of OUTDIR:
 *   runs/20261128T150041Z/related.jsonl        this run's lists
 *   runs/20261128T150041Z/related/<id>.json    one object per story, the same
 *                                              object as its related.jsonl line
 *   current -> runs/20261128T150041Z           symlink, switched atomically
 *   related -> current/related                 symlink, made once
 *   related.jsonl, report.json                 as without --per-story
 *
 * A run writes its whole folder, syncs it, then points `current` at it by
 * making a symlink under a temporary name and renaming it over `current`
 * (rename(2) is atomic), so a reader following current/ or related/ sees
 * one run whole, never a mix. The newest `keep` runs are kept (never the
 * one `current` names); older ones are removed. Run folders are named by
 * UTC time, with "-001", "-002"... when several runs start within a second;
 * a new name always sorts after every existing one (even with the clock set
 * back, or a pruned name free again), so names sort by age.
 *
 * Story ids become paths (publish_id_path()): '/' separates folders; the
 * bytes 0x00-0x1F, 0x7F, '%' and '\' are written %XX (two uppercase hex
 * digits); a '/' that would make an empty folder name (leading, trailing or
 * doubled) is written %2F; a folder or file name that is "." or ".." has
 * its dots written %2E. Nothing else changes, so the mapping is reversible
 * by percent-decoding, and no id can name a path outside related/. An id
 * whose encoded name part exceeds 240 bytes gets no file (reported).
 */
#ifndef RELATED_PUBLISH_H
#define RELATED_PUBLISH_H

#include <stddef.h>

#include "buf.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "policy.h"

#define PUBLISH_DEFAULT_KEEP 3

struct publish_options {
	int per_story; /* 0: publish_run() does nothing */
	size_t keep;   /* runs kept, >= 1 */
};

/* Appends the relative path of story `id`'s file ("a/b%2Fc.json") to out.
 * Returns -2 when a name part would be too long, -1 when memory runs out;
 * out then holds part of the path. */
int publish_id_path(const char *id, struct buf *out);

/* Writes OUTDIR/runs/NAME/ (related.jsonl and related/<id>.json), switches
 * OUTDIR/current to it and prunes old runs. Stories whose id cannot be a
 * file name are added to `skipped`. Returns -1 with err set on failure; the
 * previous `current` is then untouched. */
int publish_run(const char *outdir, const struct model *m,
		const struct related_lists *l, const char *generated_at,
		const struct publish_options *po, struct skip_list *skipped,
		struct error *err);

/* Points OUTDIR/current at runs/NAME atomically. */
int publish_switch_current(const char *outdir, const char *name, struct error *err);

/* Removes all but the newest `keep` run folders of OUTDIR/runs, sparing the
 * one `current` names. */
int publish_prune(const char *outdir, size_t keep, struct error *err);

#endif
