/*
 * buf: a growable byte buffer, the one string builder of the project.
 *
 * Invariants: `data` is never NULL and is always NUL-terminated at `data[len]`
 * (an initialised, empty buffer points at a shared static "" that must not be
 * written to), so `data` can be passed anywhere a C string is expected.
 * Functions that can allocate return 0 on success and -1 when memory (or the
 * size arithmetic) runs out; the buffer is unchanged then.
 */
#ifndef RELATED_BUF_H
#define RELATED_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;
	size_t len;
	size_t cap; /* 0 while data is the shared empty string */
};

#define BUF_INIT { buf_empty, 0, 0 }
extern char buf_empty[1];

/* Life cycle */
void buf_init(struct buf *b);
/* Frees the storage; the buffer is empty and reusable afterwards. */
void buf_release(struct buf *b);
/* Hands the storage to the caller, who frees it with free(3); the buffer is
 * empty afterwards. Never returns NULL unless memory runs out. */
char *buf_detach(struct buf *b, size_t *len);

/* Size */
int buf_grow(struct buf *b, size_t extra);
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);

/* Adding data. buf_add(), buf_adds() and buf_addc() are inline: when the
 * room is there, an add is a copy; a call per add (and a strlen() of each
 * literal) was most of related.jsonl's formatting, 225,000 fields on 4,316
 * stories. */
static inline int buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return 0;
	if (len >= b->cap - b->len && buf_grow(b, len))
		return -1;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

static inline int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

static inline int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Appends `s` (length `len`, UTF-8) as a JSON string literal with quotes,
 * escaping quotes, backslashes and control characters; invalid UTF-8 bytes
 * become U+FFFD so the output is always valid JSON. */
int buf_add_json_string(struct buf *b, const char *s, size_t len);

#endif
