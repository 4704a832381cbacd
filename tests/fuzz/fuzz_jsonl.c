/*
 * fuzz_jsonl: the JSON Lines input stage. The data is written to a
 * temporary .jsonl file and read with input_add() and input_finish(), as the
 * commands do; nothing the records name is opened. Every item must come out
 * with an id and a name, every skip with a reason. The data is read twice,
 * through the scanner of plain records (input.c) and with every line given
 * to jansson (input_use_scanner(0)): both must give the same items, fields
 * and skips, or the scanner read a line jansson reads otherwise.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_article(const struct article *a, const struct article *b)
{
	return same_str(a->id, b->id) && same_str(a->path, b->path) &&
	       same_str(a->url, b->url) && same_str(a->title, b->title) &&
	       same_str(a->published, b->published) && same_str(a->modified, b->modified) &&
	       same_str(a->author, b->author) && same_str(a->section, b->section) &&
	       same_str(a->lang, b->lang) && same_str(a->image, b->image) &&
	       same_str(a->text, b->text) && same_str(a->standfirst, b->standfirst);
}

/* Reads path as the commands do; returns 0 when it was read, -1 when
 * input_add() or input_finish() failed (set is freed either way by the
 * caller). */
static int read_set(struct input_set *set)
{
	struct error err;

	input_set_init(set);
	error_clear(&err);
	if (input_add(set, path, &err) != 0 || input_finish(set, &err) != 0)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		if (!set->items[i].article.id || !set->items[i].name)
			abort();
		if (i && strcmp(set->items[i - 1].article.id, set->items[i].article.id) >= 0)
			abort(); /* contract: sorted, ids unique */
	}
	for (size_t i = 0; i < set->skipped.n; i++)
		if (!set->skipped.items[i].reason[0])
			abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input_set scanned, parsed;
	FILE *f;
	int rs, rp;

	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz_jsonl_%ld.jsonl", (long)getpid());
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);

	input_use_scanner(1);
	rs = read_set(&scanned);
	input_use_scanner(0);
	rp = read_set(&parsed);
	input_use_scanner(1);
	if (rs != rp)
		abort();
	if (rs == 0) {
		if (scanned.n != parsed.n || scanned.skipped.n != parsed.skipped.n)
			abort();
		for (size_t i = 0; i < scanned.n; i++)
			if (!same_str(scanned.items[i].name, parsed.items[i].name) ||
			    !same_article(&scanned.items[i].article, &parsed.items[i].article) ||
			    scanned.items[i].has_text != parsed.items[i].has_text)
				abort();
		for (size_t i = 0; i < scanned.skipped.n; i++)
			if (!same_str(scanned.skipped.items[i].input, parsed.skipped.items[i].input) ||
			    !same_str(scanned.skipped.items[i].reason,
				      parsed.skipped.items[i].reason))
				abort();
	}
	input_set_free(&scanned);
	input_set_free(&parsed);
	unlink(path);
	return 0;
}
