/*
 * fuzz_model: model_load() on arbitrary files, then every string and vector
 * of a model it accepts is read, so that a bound it failed to check shows up
 * as an out-of-bounds read under AddressSanitizer.
 *
 * A random checksum would stop almost every input at the CRC check, so when
 * the first byte of the data is even the harness fixes the CRC of the file
 * (the 4 bytes before the 8-byte trailer) to let mutations reach the
 * validation of counts and offsets; odd first bytes keep the data as is.
 * The first byte is then dropped.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m;
	struct error err;
	unsigned char *copy;
	volatile size_t sink = 0;
	FILE *f;

	if (size < 1)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	size--;
	if ((data[0] & 1) == 0 && size >= 8) {
		uint32_t crc = (uint32_t)crc32(0L, copy, (uInt)(size - 8));
		memcpy(copy + size - 8, &crc, 4); /* little-endian, as saved */
	}
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz_model_%ld.model", (long)getpid());
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(copy, 1, size, f) != size)
		abort();
	fclose(f);
	free(copy);

	error_clear(&err);
	if (model_load(path, &m, &err) == 0) {
		for (uint32_t d = 0; d < m.n_docs; d++) {
			for (int fl = 0; fl < MODEL_FIELDS; fl++) {
				const char *s = model_doc(&m, d, (enum model_field)fl);
				if (s)
					sink += strlen(s);
			}
			for (uint32_t k = 0; k < m.n_blocks; k++)
				for (uint64_t i = model_run_begin(&m, d, k); i < model_run_end(&m, d, k); i++)
					sink += strlen(model_term(&m, k << MODEL_BLOCK_BITS | m.term_lo[i])) +
						(m.val[i] > 0.5f);
		}
		for (uint32_t t = 0; t < m.n_terms; t++)
			sink += m.df[t];
		model_free(&m);
	} else if (!strstr(err.message, path)) {
		abort(); /* contract: the message names the file */
	}
	unlink(path);
	(void)sink;
	return 0;
}
