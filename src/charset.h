/*
 * charset: a page's bytes to UTF-8.
 *
 * Decision order: byte-order mark (UTF-8, UTF-16LE/BE); a charset declared by
 * the caller (e.g. a manifest or HTTP header); the page's own declaration
 * found by a prescan of its first 4096 bytes (<meta charset>, <meta
 * http-equiv="Content-Type" content="...charset=...">, <?xml encoding=...?>);
 * if the bytes are valid UTF-8, UTF-8; if they are UTF-8 with a few stray
 * bytes (more well-formed multibyte sequences than stray bytes), UTF-8 with
 * each stray byte read as windows-1252; otherwise windows-1252. A declared
 * charset that the bytes contradict (declared UTF-8 but invalid, or a legacy
 * charset declared on bytes that are valid UTF-8 and not all ASCII) falls
 * back as if undeclared. Conversion uses iconv(3); bytes that cannot be converted
 * become U+FFFD, never an error.
 */
#ifndef RELATED_CHARSET_H
#define RELATED_CHARSET_H

#include <stddef.h>

#include "buf.h"
#include "log.h"

struct charset_result {
	char name[40];      /* canonical lowercase name: "utf-8", "windows-1251" */
	const char *source; /* static: "bom", "utf16-pattern", "declared", "meta",
			       "utf8-check", "utf8-mostly", "fallback" */
};

/* Decides the charset of `data` (`declared` may be NULL). Never fails. */
void charset_detect(const char *data, size_t len, const char *declared,
		    struct charset_result *res);

/* Converts `data` to UTF-8 into `out` (reset first), detecting the charset
 * as charset_detect() does; a BOM is stripped; NUL bytes are dropped. The
 * result is always valid UTF-8. Returns -1 only when memory runs out or iconv
 * cannot be opened for the decided charset and for windows-1252 alike. */
int charset_to_utf8(const char *data, size_t len, const char *declared,
		    struct buf *out, struct charset_result *res,
		    struct error *err);

/* True when len bytes at s are valid UTF-8 (no overlongs, no surrogates). */
int charset_is_utf8(const char *s, size_t len);

#endif
