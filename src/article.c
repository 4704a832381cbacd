/* article: field ownership helpers for struct article. */
#include "article.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void article_clear(struct article *a)
{
	char **fields[] = { &a->id, &a->path, &a->url, &a->title,
			    &a->published, &a->modified, &a->author,
			    &a->section, &a->lang, &a->image, &a->charset,
			    &a->text, &a->standfirst, &a->byline, &a->dateline,
			    &a->captions, &a->sitename, &a->tags, &a->warnings };

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
	free(a->places);
	a->places = NULL;
	a->nplaces = 0;
}

/* One part to print: its text and where it goes. */
struct shown {
	const char *s;
	size_t len;
	struct article_place at;
};

static int shown_before(const struct shown *x, const struct shown *y)
{
	return x->at.paras != y->at.paras ? x->at.paras < y->at.paras
					  : x->at.rank < y->at.rank;
}

/* Appends one paragraph, a blank line before it unless it is the first. */
static int add_para(struct buf *b, size_t start, const char *s, size_t len)
{
	if (!len)
		return 0;
	if (b->len > start && buf_add(b, "\n\n", 2))
		return -1;
	return buf_add(b, s, len);
}

/* The parts of `a` with their places (an unknown one, of rank UINT_MAX
 * or beyond `nplaces`, where article_with_parts() says), capped at the
 * text's paragraph count `paras`, sorted into page order (an insertion
 * sort: stable, and the parts come nearly sorted). Malloc'd, *n of them;
 * NULL when memory runs out. */
static struct shown *collect_parts(const struct article *a, unsigned paras,
				   size_t *n)
{
	const char *fixed[] = { a->standfirst, a->byline, a->dateline };
	size_t cap = 3, k = 0;
	struct shown *v;

	for (const char *p = a->captions; p && *p; p++)
		cap += *p == '\n';
	cap += a->captions && *a->captions;
	if (!(v = malloc(cap * sizeof *v)))
		return NULL;
	for (size_t i = 0; i < 3; i++)
		if (fixed[i] && *fixed[i])
			v[k++] = (struct shown){ fixed[i], strlen(fixed[i]),
						 { 0, (unsigned)i } };
	for (const char *p = a->captions; p && *p;) {
		size_t len = strcspn(p, "\n");
		unsigned rank = (unsigned)k;

		v[k++] = (struct shown){ p, len, { UINT_MAX, rank } };
		p += len;
		p += *p == '\n';
	}
	for (size_t i = 0, c = 0; i < k; i++) {
		size_t slot = v[i].s == a->standfirst ? 0
			      : v[i].s == a->byline  ? 1
			      : v[i].s == a->dateline ? 2
						      : 3 + c++;

		if (a->places && slot < a->nplaces &&
		    a->places[slot].rank != UINT_MAX)
			v[i].at = a->places[slot];
		if (v[i].at.paras > paras)
			v[i].at.paras = paras;
	}
	for (size_t i = 1; i < k; i++) {
		struct shown x = v[i];
		size_t j = i;

		for (; j > 0 && shown_before(&x, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	*n = k;
	return v;
}

/* The paragraphs of a text as article_with_parts() prints them. */
static unsigned count_paras(const char *t)
{
	unsigned n = 0;

	for (const char *p = t; *p; n++) {
		const char *end = strstr(p, "\n\n");

		p = end ? end + strspn(end, "\n") : p + strlen(p);
	}
	return n;
}

int article_with_parts(struct buf *b, const struct article *a)
{
	const char *t = a->text ? a->text : "";
	size_t start = b->len, n, next = 0;
	unsigned at = 0;
	struct shown *v;
	int rc = 0;

	if (!(v = collect_parts(a, count_paras(t), &n)))
		return -1;
	for (const char *p = t; !rc && *p; at++) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);

		for (; !rc && next < n && v[next].at.paras <= at; next++)
			rc = add_para(b, start, v[next].s, v[next].len);
		rc = rc || add_para(b, start, p, len);
		p = end ? end + strspn(end, "\n") : p + len;
	}
	for (; !rc && next < n; next++)
		rc = add_para(b, start, v[next].s, v[next].len);
	free(v);
	return rc;
}

char *article_excerpt(const char *text, size_t max)
{
	static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
	size_t len, cut;
	const char *end;
	char *out;

	if (!text)
		return NULL;
	while (*text == ' ' || *text == '\n')
		text++;
	end = strstr(text, "\n\n");
	len = end ? (size_t)(end - text) : strlen(text);
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\n'))
		len--;
	if (!len)
		return NULL;
	if (len <= max) {
		out = malloc(len + 1);
		if (out) {
			memcpy(out, text, len);
			out[len] = '\0';
		}
		return out;
	}
	if (max < sizeof ellipsis)
		return NULL;
	cut = max - (sizeof ellipsis - 1);
	while (cut && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--; /* never inside a character */
	for (size_t i = cut; i > cut / 2; i--)
		if (text[i] == ' ') {
			cut = i;
			break;
		}
	while (cut && text[cut - 1] == ' ')
		cut--;
	out = malloc(cut + sizeof ellipsis);
	if (out) {
		memcpy(out, text, cut);
		memcpy(out + cut, ellipsis, sizeof ellipsis);
	}
	return out;
}

int article_set(char **field, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return -1;
	}
	free(*field);
	*field = copy;
	return 0;
}

/* True when the list `list` holds `item` (`len` bytes) as one of its lines. */
static int list_has(const char *list, const char *item, size_t len)
{
	for (const char *p = list; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n == len && !memcmp(p, item, len))
			return 1;
		p = nl ? nl + 1 : p + n;
	}
	return 0;
}

int article_list_add(char **list, const char *item, size_t len)
{
	size_t old = *list ? strlen(*list) : 0;
	char *grown;

	if (list_has(*list, item, len))
		return 0;
	grown = realloc(*list, old + (old ? 1 : 0) + len + 1);
	if (!grown)
		return -1;
	if (old)
		grown[old++] = '\n';
	memcpy(grown + old, item, len);
	grown[old + len] = '\0';
	*list = grown;
	return 0;
}
