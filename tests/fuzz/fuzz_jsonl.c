/*
 * fuzz_jsonl: the JSON Lines input stage. The data is written to a
 * temporary .jsonl file and read with input_add() and input_finish(), as the
 * commands do; nothing the records name is opened. Every item must come out
 * with an id and a name, every skip with a reason.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input_set set;
	struct error err;
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz_jsonl_%ld.jsonl", (long)getpid());
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);

	input_set_init(&set);
	error_clear(&err);
	if (input_add(&set, path, &err) == 0 && input_finish(&set, &err) == 0) {
		for (size_t i = 0; i < set.n; i++) {
			if (!set.items[i].article.id || !set.items[i].name)
				abort();
			if (i && strcmp(set.items[i - 1].article.id,
					set.items[i].article.id) >= 0)
				abort(); /* contract: sorted, ids unique */
		}
		for (size_t i = 0; i < set.skipped.n; i++)
			if (!set.skipped.items[i].reason[0])
				abort();
	}
	input_set_free(&set);
	unlink(path);
	return 0;
}
