/*
 * fuzz_charset: charset_to_utf8() on arbitrary bytes.
 *
 * The first byte picks a declared charset (none, a real one, a lying one,
 * one that does not exist) so that the caller-declared path is fuzzed too;
 * the rest is the page. Checks the promise of charset.h: whatever the
 * input, the result is valid UTF-8 without NUL bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const declared[] = {
	NULL, "utf-8", "windows-1251", "utf-16", "utf-16be", "shift_jis",
	"gb18030", "x-no-such-charset", "", "  UTF8  ", "iso-2022-jp",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	struct charset_result res;
	struct error err;
	const char *decl = NULL;

	if (size > 0) {
		decl = declared[data[0] % (sizeof declared / sizeof declared[0])];
		data++;
		size--;
	}
	error_clear(&err);
	if (charset_to_utf8((const char *)data, size, decl, &out, &res, &err) == 0) {
		if (!charset_is_utf8(out.data, out.len))
			abort(); /* contract: always valid UTF-8 */
		if (out.len && memchr(out.data, '\0', out.len))
			abort(); /* contract: NUL bytes dropped */
		if (!res.source || !res.name[0])
			abort();
	}
	buf_release(&out);
	return 0;
}
