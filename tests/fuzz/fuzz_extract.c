/*
 * fuzz_extract: a page as the pipeline sees it, charset_to_utf8() then
 * extract_article(). Whatever the bytes, extraction returns 0 or -1 with a
 * message, and every field it sets is valid UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "buf.h"
#include "charset.h"
#include "extract.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_field(const char *s)
{
	if (s && !charset_is_utf8(s, strlen(s)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf text = BUF_INIT;
	struct charset_result res;
	struct article a;
	struct error err;

	memset(&a, 0, sizeof a);
	error_clear(&err);
	if (charset_to_utf8((const char *)data, size, NULL, &text, &res, &err) == 0) {
		if (extract_article(text.data, text.len, "fuzz", &a, &err) == 0) {
			check_field(a.url);
			check_field(a.title);
			check_field(a.published);
			check_field(a.modified);
			check_field(a.author);
			check_field(a.section);
			check_field(a.lang);
			check_field(a.image);
			check_field(a.text);
		} else if (!err.message[0]) {
			abort(); /* contract: failure comes with a message */
		}
	}
	article_clear(&a);
	buf_release(&text);
	return 0;
}
