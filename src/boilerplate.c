/*
 * boilerplate: paragraphs repeated across the pages of one site.
 *
 * Three passes. The first hashes every paragraph of every eligible page
 * under its normalised form (streamed: no normalised copy is made), gives
 * each (host, paragraph hash) an entry and remembers the entries of every
 * page in one flat array; it also gives each page its story (host and
 * title). The second counts, per entry, the distinct stories it occurs
 * in, visiting pages story by story. The third walks the texts again with
 * the same splitter and compacts each text in place, dropping the
 * paragraphs whose count reached the threshold. Only texts that lose a
 * paragraph are rewritten, so the others stay byte for byte as extraction
 * left them.
 *
 * The hash is a 64-bit FNV-1a of its own rather than hash.h's hash_bytes:
 * that one is 32 bits, and an archive has millions of distinct paragraphs,
 * where 32 bits would collide (and remove text) thousands of times.
 */
#include "boilerplate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define FNV64_OFFSET 14695981039346656037ULL
#define FNV64_PRIME 1099511628211ULL
#define NO_ENTRY UINT32_MAX /* an empty paragraph: never removed */
#define HOST_MAX 256

static uint64_t fnv64_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * FNV64_PRIME;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Hash of [s, e) lowercased (ASCII) with runs of whitespace as one space
 * and none at either end; *empty is set when nothing but whitespace. */
static uint64_t paragraph_hash(const char *s, const char *e, int *empty)
{
	uint64_t h = FNV64_OFFSET;
	int started = 0, space = 0;

	for (; s < e; s++) {
		unsigned char c = (unsigned char)*s;
		if (is_space(c)) {
			space = started;
			continue;
		}
		if (space)
			h = fnv64_byte(h, ' ');
		space = 0;
		started = 1;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = fnv64_byte(h, c);
	}
	*empty = !started;
	return h;
}

/* The next paragraph of a text from *pos: sets [*s, *e) and advances *pos
 * past the "\n\n" that ends it. Returns 0 at the end of the text. */
static int next_paragraph(const char **pos, const char **s, const char **e)
{
	const char *p = *pos, *sep;

	if (!p)
		return 0;
	sep = strstr(p, "\n\n");
	*s = p;
	*e = sep ? sep : p + strlen(p);
	*pos = sep ? sep + 2 : NULL;
	return 1;
}

size_t boilerplate_url_host(const char *url, char *out, size_t cap)
{
	const char *p, *auth, *end, *at, *host_end;
	size_t len;

	if (!url || !cap)
		return 0;
	p = strstr(url, "://");
	if (!p || p == url)
		return 0;
	for (const char *q = url; q < p; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		      (*q >= '0' && *q <= '9') || *q == '+' || *q == '-' || *q == '.'))
			return 0;
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at)
		auth = at + 1;
	if (*auth == '[') {
		host_end = memchr(auth, ']', (size_t)(end - auth));
		host_end = host_end ? host_end + 1 : end;
	} else {
		host_end = memchr(auth, ':', (size_t)(end - auth));
		if (!host_end)
			host_end = end;
	}
	while (host_end > auth && host_end[-1] == '.')
		host_end--;
	len = (size_t)(host_end - auth);
	if (!len || len >= cap)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = auth[i];
		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[len] = '\0';
	return len;
}

/* A (host id, 64-bit hash) key for a strmap. */
static void make_key(char *key, uint32_t host, uint64_t h)
{
	memcpy(key, &host, 4);
	memcpy(key + 4, &h, 8);
}

struct counts {
	uint32_t *pages; /* entry -> distinct stories it occurs in */
	size_t *last;    /* entry -> 1 + the last story counted */
	size_t cap;
};

static int counts_reserve(struct counts *c, size_t n)
{
	size_t cap = c->cap ? c->cap : 1024;
	uint32_t *pages;
	size_t *last;

	if (n <= c->cap)
		return 0;
	while (cap < n) {
		if (cap > SIZE_MAX / 2 / sizeof *last)
			return -1;
		cap *= 2;
	}
	pages = realloc(c->pages, cap * sizeof *pages);
	if (!pages)
		return -1;
	c->pages = pages;
	last = realloc(c->last, cap * sizeof *last);
	if (!last)
		return -1;
	c->last = last;
	memset(c->pages + c->cap, 0, (cap - c->cap) * sizeof *pages);
	memset(c->last + c->cap, 0, (cap - c->cap) * sizeof *last);
	c->cap = cap;
	return 0;
}

/* Rewrites a->text without the paragraphs whose entry reached min_pages;
 * `ids` are its paragraphs' entries in order. Returns how many went. */
static long compact(struct article *a, const uint32_t *ids, const struct counts *c,
		    size_t min_pages)
{
	const char *pos = a->text, *s, *e;
	char *w = a->text;
	size_t k = 0;
	long removed = 0;
	int first = 1;

	for (const char *q = a->text; next_paragraph(&q, &s, &e); k++)
		removed += ids[k] != NO_ENTRY && c->pages[ids[k]] >= min_pages;
	if (!removed)
		return 0;
	for (k = 0; next_paragraph(&pos, &s, &e); k++) {
		size_t len = (size_t)(e - s);
		if (ids[k] != NO_ENTRY && c->pages[ids[k]] >= min_pages)
			continue;
		if (!first) {
			memcpy(w, "\n\n", 2); /* w + 2 <= s: never overlaps */
			w += 2;
		}
		memmove(w, s, len);
		w += len;
		first = 0;
	}
	*w = '\0';
	return removed;
}

/* A page in counting order: its story, then its index. */
struct page_ref {
	uint32_t story;
	size_t i;
};

static int by_story(const void *x, const void *y)
{
	const struct page_ref *p = x, *q = y;

	if (p->story != q->story)
		return p->story < q->story ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

/* The story a page belongs to, as a key: its host and normalised title;
 * a page without a title is a story of its own. */
static void story_key(char key[13], uint32_t host, const struct article *a, size_t i)
{
	int empty = 1;
	uint64_t h = 0;

	if (a->title)
		h = paragraph_hash(a->title, a->title + strlen(a->title), &empty);
	make_key(key, host, empty ? (uint64_t)i : h);
	key[12] = (char)empty;
}

long boilerplate_remove(struct article *a, size_t n, size_t min_pages)
{
	struct strmap hosts, paras, stories;
	struct counts c = { 0 };
	struct page_ref *order = NULL;
	uint32_t *ids = NULL;
	size_t *first_id = NULL, nids = 0, cap_ids = 0, norder = 0;
	int64_t *host_of = NULL;
	char host[HOST_MAX], key[13];
	long removed = 0;
	int oom = 0;

	if (min_pages < 2)
		min_pages = 2;
	strmap_init(&hosts);
	strmap_init(&paras);
	strmap_init(&stories);
	host_of = malloc((n ? n : 1) * sizeof *host_of);
	first_id = malloc((n + 1) * sizeof *first_id); /* n articles exist: no overflow */
	order = malloc((n ? n : 1) * sizeof *order);
	if (!host_of || !first_id || !order)
		oom = 1;
	/* Pass 1: an entry per (host, paragraph), a story per page. */
	for (size_t i = 0; i < n && !oom; i++) {
		const char *pos = a[i].text, *s, *e;
		int64_t story;
		size_t len;
		int empty;

		host_of[i] = -1;
		first_id[i] = nids;
		if (!a[i].path || !a[i].text || !*a[i].text)
			continue;
		len = boilerplate_url_host(a[i].url, host, sizeof host);
		if (!len)
			continue;
		host_of[i] = strmap_intern(&hosts, host, len);
		if (host_of[i] < 0) {
			oom = 1;
			break;
		}
		while (next_paragraph(&pos, &s, &e)) {
			uint64_t h = paragraph_hash(s, e, &empty);
			int64_t id = NO_ENTRY;
			if (nids == cap_ids) {
				size_t nc = cap_ids ? cap_ids * 2 : 4096;
				uint32_t *t = nc <= SIZE_MAX / sizeof *ids
					? realloc(ids, nc * sizeof *ids) : NULL;
				if (!t) {
					oom = 1;
					break;
				}
				ids = t;
				cap_ids = nc;
			}
			if (!empty) {
				make_key(key, (uint32_t)host_of[i], h);
				id = strmap_intern(&paras, key, 12);
				if (id < 0 || counts_reserve(&c, (size_t)id + 1)) {
					oom = 1;
					break;
				}
			}
			ids[nids++] = (uint32_t)id;
		}
		if (oom)
			break;
		story_key(key, (uint32_t)host_of[i], &a[i], i);
		story = strmap_intern(&stories, key, sizeof key);
		if (story < 0) {
			oom = 1;
			break;
		}
		order[norder].story = (uint32_t)story;
		order[norder++].i = i;
	}
	if (!oom)
		first_id[n] = nids;
	/* Pass 2, counting: the pages of one story (the same title on one
	 * host: a story and its copies or updates under other URLs) are
	 * adjacent in this order and count once, so that a story's own
	 * paragraphs are never taken for chrome because it was published
	 * twice. */
	if (!oom && norder)
		qsort(order, norder, sizeof *order, by_story);
	for (size_t k = 0; k < norder && !oom; k++) {
		size_t i = order[k].i;
		for (size_t j = first_id[i]; j < first_id[i + 1]; j++) {
			uint32_t id = ids[j];
			if (id == NO_ENTRY || c.last[id] == (size_t)order[k].story + 1)
				continue;
			c.last[id] = (size_t)order[k].story + 1;
			c.pages[id]++;
		}
	}
	/* Pass 3: the texts. */
	for (size_t i = 0; i < n && !oom; i++)
		if (host_of[i] >= 0)
			removed += compact(&a[i], ids + first_id[i], &c, min_pages);
	strmap_free(&hosts);
	strmap_free(&paras);
	strmap_free(&stories);
	free(c.pages);
	free(c.last);
	free(ids);
	free(host_of);
	free(first_id);
	free(order);
	return oom ? -1 : removed;
}
