/*
 * buf: growable byte buffer. Growth doubles the capacity so that appending n
 * bytes one at a time costs O(n); every size computation is checked.
 */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

void buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (!b->cap) {
		p = malloc(1);
		if (!p)
			return NULL;
		p[0] = '\0';
	} else {
		p = b->data;
	}
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}

int buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = b->cap ? realloc(b->data, cap) : malloc(cap);
	if (!p)
		return -1;
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return 0;
	if (buf_grow(b, len))
		return -1;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || buf_grow(b, (size_t)n))
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (s[0] == 0xE0 && s[1] < 0xA0)
			return 0; /* overlong */
		if (s[0] == 0xED && s[1] >= 0xA0)
			return 0; /* surrogate */
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (s[0] == 0xF0 && s[1] < 0x90)
			return 0;
		if (s[0] == 0xF4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/* Whether the 8 bytes at p go out as they are: no control character,
 * quote, backslash, DEL or byte of 0x80 or more. (x - ones) & ~x & highs is
 * nonzero exactly when a byte of x is zero, and (v - ones * 0x20) & ~v sets
 * a high bit below the first byte under 0x20; a "no" may be wrong, and the
 * byte loop then looks again. Titles and excerpts are mostly such runs:
 * byte by byte they were most of related.jsonl's formatting. */
static int plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t v, q, bs, del;

	memcpy(&v, p, 8);
	q = v ^ (ones * '"');
	bs = v ^ (ones * '\\');
	del = v ^ (ones * 0x7F);
	return !((((q - ones) & ~q) | ((bs - ones) & ~bs) | ((del - ones) & ~del) |
		  ((v - ones * 0x20) & ~v) | v) & highs);
}

int buf_add_json_string(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	if (buf_grow(b, len + 2))
		return -1;
	buf_addc(b, '"');
	while (i < len) {
		unsigned char c = p[i];
		size_t n;
		const char *esc = NULL;
		char tmp[8];

		if (len - i >= 8 && plain8(p + i)) {
			i += 8;
			run += 8;
			continue;
		}
		n = utf8_seq_len(p + i, len - i);

		if (n == 1 && c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) {
			i++;
			run++;
			continue;
		}
		if (run && buf_add(b, p + i - run, run))
			return -1;
		run = 0;
		if (n > 1) {
			/* U+2028/2029 are valid JSON but break JavaScript embedding. */
			if (n == 3 && c == 0xE2 && p[i + 1] == 0x80 &&
			    (p[i + 2] == 0xA8 || p[i + 2] == 0xA9))
				esc = p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			else if (buf_add(b, p + i, n))
				return -1;
			if (esc && buf_adds(b, esc))
				return -1;
			i += n;
			continue;
		}
		if (n == 0) {
			esc = "\xEF\xBF\xBD";
		} else {
			switch (c) {
			case '"': esc = "\\\""; break;
			case '\\': esc = "\\\\"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			default:
				snprintf(tmp, sizeof tmp, "\\u%04x", c);
				esc = tmp;
			}
		}
		if (buf_adds(b, esc))
			return -1;
		i++;
	}
	if (run && buf_add(b, p + i - run, run))
		return -1;
	return buf_addc(b, '"');
}
