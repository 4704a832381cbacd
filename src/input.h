/*
 * input: what the user named on the command line, as a list of items with
 * stable ids.
 *
 * An argument is a folder (searched recursively for *.html, *.htm and their
 * .gz forms; symbolic links to folders are not followed, so loops cannot
 * occur, and links to files outside the folder are skipped, so an archive
 * cannot make the tool read elsewhere), a single page, or a JSON Lines file (*.jsonl, *.json, *.ndjson).
 * JSON Lines records with "path" form a manifest ("id", "path" relative to
 * the manifest's folder, optional "url", "published", "section", "charset");
 * records with "text" are articles already extracted ("id", "title", "text",
 * optional "url", "published", "lang", "section", "author").
 *
 * Ids: for a folder, the page's path relative to the folder without its
 * extension ("2017/04/putin.html" -> "2017/04/putin"); for a single page its
 * file name without extension; in JSON Lines, the record's "id" (default for
 * a manifest record: its path without extension). Items are sorted by id;
 * when two inputs give the same id the first found is kept (arguments in
 * order, folders in sorted path order, JSON Lines in line order) and the
 * other is skipped with a reason. Nothing is read here beyond folder
 * listings and JSON Lines files.
 */
#ifndef RELATED_INPUT_H
#define RELATED_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "log.h"

/* An input that could not be used, and why. Strings owned by the list. */
struct skip {
	char *input;
	char *reason;
};

struct skip_list {
	struct skip *items;
	size_t n, cap;
};

/* Appends copies of input and reason. Returns -1 when memory runs out. */
int skip_list_add(struct skip_list *l, const char *input, const char *reason);
/* Moves every item of `from` to the end of `to`; `from` is left empty. */
int skip_list_take(struct skip_list *to, struct skip_list *from);
void skip_list_free(struct skip_list *l);

/* Where the text of an article record still lies when the set defers
 * texts: the record is line bytes [offset, offset + len) of the JSON Lines
 * file sources[source] of the set. */
struct input_text_ref {
	uint64_t offset;
	uint32_t len;    /* lines are at most 64 MiB */
	uint32_t source; /* INPUT_TEXT_HERE: not deferred */
};

#define INPUT_TEXT_HERE UINT32_MAX

struct input_item {
	char *name;              /* what messages call it: a path or "FILE:LINE" */
	char *path;              /* page to read; NULL for an article record */
	char *charset;           /* charset declared by a manifest, or NULL */
	struct article article;  /* id always set; url/published/section from a
				    manifest, or the whole article for text records
				    (but for the text when it is deferred) */
	struct input_text_ref text_ref; /* source INPUT_TEXT_HERE unless deferred */
	int has_text;            /* deferred text: it is not empty */
	size_t order;            /* position in which it was found */
};

struct input_set {
	struct input_item *items;
	size_t n, cap;
	struct skip_list skipped;
	/* Pages whose extraction probably failed (pipeline_load()): the
	 * input's name and its warnings, one per line (article.h). */
	struct skip_list warned;
	/* Set before input_add() to leave article records' texts in their
	 * files (read back with input_read_text()): a run then never holds
	 * every text at once (5.4 GB for 1M synthetic stories). */
	int defer_text;
	int jobs;       /* threads that parse JSON Lines (0 or 1: the caller's) */
	char **sources; /* JSON Lines files named by text_ref.source; owned */
	size_t n_sources;
	size_t scanned; /* JSON Lines lines read by the scanner of plain
			   records (input.c), the others by jansson */
};

void input_set_init(struct input_set *set);
void input_set_free(struct input_set *set);
/* Frees the items (once pipeline_load() has taken their articles), keeping
 * `skipped` and `sources` for the rest of the run: at 1M stories the items
 * were 220 MB that nothing reads after loading. */
void input_set_release_items(struct input_set *set);

/* Adds the items found under one command-line argument. Problems with a
 * single entry (unreadable folder, bad JSON line) go to set->skipped; only
 * a missing argument or memory exhaustion fails (-1 with err set). */
int input_add(struct input_set *set, const char *arg, struct error *err);

/* Reads back the deferred text of the record `ref` from `fd` (open on
 * sources[ref.source], named `file` in messages): sets *text to a malloc'd
 * copy (the caller's; NULL when the record has none) and returns 0, or -1
 * with err set when the line cannot be read or is no longer the record with
 * id `id` (the file changed during the run). Thread-safe (pread). */
int input_read_text(int fd, const char *file, const struct input_text_ref *ref,
		    const char *id, char **text, struct error *err);

/* For tests: with 0, every JSON Lines line goes to jansson, not through the
 * scanner of plain records first (input.c), which must give the same items
 * and skips. Not thread-safe; 1 by default. */
void input_use_scanner(int on);

/* Sorts the items by id and skips duplicate ids. Call once after all
 * input_add() calls. Returns -1 only when memory runs out. */
int input_finish(struct input_set *set, struct error *err);

#endif
