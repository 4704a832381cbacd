/*
 * buf: growable byte buffer. Growth doubles the capacity so that appending n
 * bytes one at a time costs O(n); every size computation is checked.
 */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* Whether byte c goes out as it is (plain8()'s test for one byte). */
static int plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

/* Copies the bytes at the start of p[0 .. n) that go out as they are to o
 * and returns how many: with SSE2 16 at a time, stored whole as they are
 * tested (o has room for n bytes; a run's end is found exactly, and the
 * bytes stored past it are written over), then 8 and 1 at a time. Titles
 * and excerpts are mostly such runs. */
static size_t copy_plain(const unsigned char *p, size_t n, char *o)
{
	size_t k = 0;

#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
		      control = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);

	for (; n - k >= 16; k += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
		__m128i stop = _mm_or_si128(_mm_cmpeq_epi8(v, quote),
					    _mm_cmpeq_epi8(v, backslash));
		int mask;
		/* v <= 0x1f as unsigned bytes: the lesser of v and 0x1f is v */
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, del));
		mask = _mm_movemask_epi8(stop) | _mm_movemask_epi8(v);
		_mm_storeu_si128((__m128i *)(void *)(o + k), v);
		if (mask)
			return k + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	for (; n - k >= 8 && plain8(p + k); k += 8)
		memcpy(o + k, p + k, 8);
	for (; k < n && plain_byte(p[k]); k++)
		o[k] = (char)p[k];
	return k;
}

/* Input bytes buf_add_json_string() makes room for at a time: a byte
 * goes out as at most 6 (a control character as \u001f), so the room for
 * a piece is known before it is written, byte by byte without a test of
 * room, while a long text (an article's, for extract) reserves 6 times a
 * piece, not 6 times itself. */
#define JSON_PIECE 4096

/* Writes p[*i], a byte that does not go out as it is (copy_plain()), at *o
 * (room there), advancing *i and *o: a valid sequence as it is, U+2028/2029
 * escaped (valid JSON, but they break JavaScript embedding), an invalid
 * byte as U+FFFD, an ASCII one escaped. n is the bytes left from p[*i]. */
static void json_escape_one(const unsigned char *p, size_t *i, size_t n, char **o)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *q = p + *i;
	unsigned char c = q[0];
	size_t k = utf8_seq_len(q, n);
	char *w = *o;

	if (k > 1) {
		if (k == 3 && c == 0xE2 && q[1] == 0x80 &&
		    (q[2] == 0xA8 || q[2] == 0xA9)) {
			memcpy(w, q[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
			w += 6;
		} else {
			memcpy(w, q, k);
			w += k;
		}
		*i += k;
		*o = w;
		return;
	}
	if (k == 0) {
		memcpy(w, "\xEF\xBF\xBD", 3);
		w += 3;
	} else {
		*w++ = '\\';
		switch (c) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '\n': *w++ = 'n'; break;
		case '\r': *w++ = 'r'; break;
		case '\t': *w++ = 't'; break;
		default:
			memcpy(w, "u00", 3);
			w[3] = hex[c >> 4];
			w[4] = hex[c & 15];
			w += 5;
		}
	}
	(*i)++;
	*o = w;
}

/* buf_grow()'s room, tested here first: most strings are short, and the
 * call was most of their cost. */
static inline int make_room(struct buf *b, size_t extra)
{
	return extra < b->cap - b->len ? 0 : buf_grow(b, extra);
}

int buf_add_json_string(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	char *o;

	if (make_room(b, 2))
		return -1;
	b->data[b->len++] = '"';
	b->data[b->len] = '\0';
	while (i < len) {
		/* a sequence begun before the piece's end may run 3 bytes past it */
		size_t end = len - i < JSON_PIECE ? len : i + JSON_PIECE;
		if (make_room(b, 6 * (end - i + 3) + 1))
			return -1;
		o = b->data + b->len;
		while (i < end) {
			size_t k = copy_plain(p + i, end - i, o);
			i += k;
			o += k;
			if (i < end)
				json_escape_one(p, &i, len - i, &o);
		}
		b->len = (size_t)(o - b->data);
		b->data[b->len] = '\0';
	}
	b->data[b->len++] = '"';
	b->data[b->len] = '\0';
	return 0;
}
