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

struct input_item {
	char *name;              /* what messages call it: a path or "FILE:LINE" */
	char *path;              /* page to read; NULL for an article record */
	char *charset;           /* charset declared by a manifest, or NULL */
	struct article article;  /* id always set; url/published/section from a
				    manifest, or the whole article for text records */
	size_t order;            /* position in which it was found */
};

struct input_set {
	struct input_item *items;
	size_t n, cap;
	struct skip_list skipped;
};

void input_set_init(struct input_set *set);
void input_set_free(struct input_set *set);

/* Adds the items found under one command-line argument. Problems with a
 * single entry (unreadable folder, bad JSON line) go to set->skipped; only
 * a missing argument or memory exhaustion fails (-1 with err set). */
int input_add(struct input_set *set, const char *arg, struct error *err);

/* Sorts the items by id and skips duplicate ids. Call once after all
 * input_add() calls. Returns -1 only when memory runs out. */
int input_finish(struct input_set *set, struct error *err);

#endif
