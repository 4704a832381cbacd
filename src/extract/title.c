/*
 * extract/title.c: the headline without the site name around it.
 */
#include "internal.h"

#include <utf8proc.h>

static size_t count_words(const char *s, size_t len)
{
	size_t n = 0;
	bool in = false;

	for (size_t i = 0; i < len; i++) {
		bool sp = isspace((unsigned char)s[i]) != 0;

		if (!sp && !in)
			n++;
		in = !sp;
	}
	return n;
}

static const char *const title_seps[] = { " | ", " - ", " – ", " — ",
					  " :: ", " · ", " » ", " « ",
					  " / ", " • ", ": ", NULL };

/* Whether the UTF-8 character at p is a letter (of any script). */
bool letter_at(const char *p)
{
	utf8proc_int32_t c;
	utf8proc_category_t cat;

	if (utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c) <= 0)
		return false;
	cat = utf8proc_category(c);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

char *extract_clean_title(const char *title, const char *site)
{
	char *t = clean_string(title), *st = clean_string(site);
	size_t tl, sl;

	if (!t) {
		free(st);
		return strdup("");
	}
	tl = strlen(t);
	if (st && (sl = strlen(st)) > 0 && sl < tl) {
		for (const char *const *sep = title_seps; *sep; sep++) {
			size_t pl = strlen(*sep);

			if (tl > sl + pl &&
			    strcasecmp(t + tl - sl, st) == 0 &&
			    strncmp(t + tl - sl - pl, *sep, pl) == 0) {
				t[tl - sl - pl] = '\0';
				free(st);
				return t;
			}
			if (tl > sl + pl && strncasecmp(t, st, sl) == 0 &&
			    strncmp(t + sl, *sep, pl) == 0) {
				memmove(t, t + sl + pl, tl - sl - pl + 1);
				free(st);
				return t;
			}
		}
	}
	free(st);
	/* No known site: a short last segment after a strong separator. */
	for (const char *const *sep = title_seps; *sep; sep++) {
		const char *cut = NULL, *q = t;
		size_t pl = strlen(*sep);

		if (strcmp(*sep, ": ") == 0)
			break;
		while ((q = strstr(q, *sep)) != NULL) {
			cut = q;
			q += pl;
		}
		if (!cut)
			continue;
		size_t head = (size_t)(cut - t);
		const char *tail = cut + pl;
		if (count_words(tail, strlen(tail)) <= 3 &&
		    count_words(t, head) >= 3) {
			t[head] = '\0';
			/* "Headline | Section | Site": strip again. */
			q = strstr(t, *sep);
			if (q && count_words(q + pl, strlen(q + pl)) <= 3 &&
			    count_words(t, (size_t)(q - t)) >= 3)
				t[q - t] = '\0';
			return t;
		}
	}
	return t;
}


/* Headline by agreement --------------------------------------------------- */

/* The comparison key of a title: case-folded (NFKC), letters and digits
 * only, runs of anything else as one space, trimmed. "Olive &amp; Herb
 * – “Bread”" and "olive herb bread" share it. Malloc'd; NULL when no
 * memory or no letter. */
static char *title_key(const char *s)
{
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t n;
	struct buf b = BUF_INIT;
	bool gap = false;

	if (!s)
		return NULL;
	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &norm,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE |
				 UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
				 UTF8PROC_CASEFOLD);
	if (n < 0)
		return NULL;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(norm + i, n - i, &c);
		utf8proc_category_t cat;

		if (k <= 0)
			break;
		cat = utf8proc_category(c);
		if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) ||
		    (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME)) {
			if ((gap && b.len && buf_addc(&b, ' ')) ||
			    buf_add(&b, norm + i, (size_t)k)) {
				buf_release(&b);
				free(norm);
				return NULL;
			}
			gap = false;
		} else {
			gap = true;
		}
		i += k;
	}
	free(norm);
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Whether key `small` stands in key `big` as whole words. */
static bool key_within(const char *small, const char *big)
{
	size_t n = strlen(small);

	for (const char *p = big; (p = strstr(p, small)) != NULL; p++)
		if ((p == big || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

void decode_refs(char *s)
{
	char *w = s;

	for (const char *p = s; *p;) {
		const char *semi = *p == '&' ? strchr(p, ';') : NULL;
		unsigned long c = 0;
		bool ok = false;

		if (semi && semi - p > 2 && semi - p < 12) {
			if (p[1] == '#') {
				char *end;

				c = p[2] == 'x' || p[2] == 'X'
					    ? strtoul(p + 3, &end, 16)
					    : strtoul(p + 2, &end, 10);
				ok = end == semi && c > 0 && c < 0x110000;
			} else {
				char name[12];
				const htmlEntityDesc *e;

				memcpy(name, p + 1, (size_t)(semi - p - 1));
				name[semi - p - 1] = '\0';
				e = htmlEntityLookup((const xmlChar *)name);
				ok = e != NULL;
				c = ok ? e->value : 0;
			}
		}
		if (ok) {
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t k =
				utf8proc_encode_char((utf8proc_int32_t)c, enc);

			if (k > 0 && k <= semi + 1 - p) {
				memcpy(w, enc, (size_t)k);
				w += k;
				p = semi + 1;
				continue;
			}
		}
		*w++ = *p++;
	}
	*w = '\0';
}

/* Whether keys a and b have the same letters once spaces are dropped
 * ("spiegel online" and "spiegelonline", not "spiegel"). */
static bool same_letters(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++;
		b++;
	}
}

static const char *const strong_seps[] = { " | ", " - ", " – ", " — ",
					   " :: ", " · ", " » ", " « ",
					   " • ", " // ", ": ", NULL };

/* How many strong separators text holds (an <h1> built of a kicker and
 * a headline in two spans has lost the one its <title> shows). */
static size_t seps_in(const char *text)
{
	size_t n = 0;

	for (const char *const *sp = strong_seps; *sp; sp++)
		for (const char *p = text; (p = strstr(p, *sp)) != NULL; p++)
			n++;
	return n;
}

/* A candidate headline, its key, and how many other sources agree. */
struct cand {
	char *text;
	char *key;
	int votes;
	bool site; /* names the site: never the headline */
};


/* The segment of `text` (split at the separators above) whose key equals
 * a key among keys[0..n), or NULL. Malloc'd. */
static char *segment_agreeing(const char *text, struct cand *c, size_t n,
			      size_t self)
{
	char *t = strdup(text);
	char *best = NULL;
	size_t start = 0, len;

	if (!t)
		return NULL;
	len = strlen(t);
	for (size_t i = 0; i <= len && !best; i++) {
		size_t sl = 0;

		for (const char *const *sp = strong_seps; *sp && i < len; sp++)
			if (!strncmp(t + i, *sp, strlen(*sp))) {
				sl = strlen(*sp);
				break;
			}
		if (i < len && !sl)
			continue;
		char keep = t[i];
		t[i] = '\0';
		char *k = title_key(t + start);

		/* One word is a site's or section's name, not a headline. */
		for (size_t j = 0; k && strchr(k, ' ') && j < n && !best; j++)
			if (j != self && c[j].key && !c[j].site &&
			    !strcmp(c[j].key, k))
				best = strdup(t + start);
		free(k);
		t[i] = keep;
		start = i + sl;
		i = start - 1 + (sl == 0);
	}
	free(t);
	return best;
}

char *extract_headline(const struct headline_sources *h)
{
	struct cand c[4 + HEADLINE_MAX_H1];
	const char *sites[3] = { h->site, h->publisher, NULL };
	char *host_key = NULL, *site_keys[2] = { NULL, NULL }, *out = NULL;
	size_t n = 0, best = SIZE_MAX, h1_from, h1_to;

	/* In order of precedence when votes tie. */
	const char *srcs[4] = { h->ld_headline, h->og_title, h->tw_title, NULL };
	for (size_t i = 0; i < 3; i++)
		if (srcs[i] && *srcs[i])
			c[n++] = (struct cand){ .text = strdup(srcs[i]) };
	h1_from = n;
	for (size_t i = 0; i < h->nh1 && i < HEADLINE_MAX_H1; i++)
		if (h->h1[i] && *h->h1[i])
			c[n++] = (struct cand){ .text = strdup(h->h1[i]) };
	h1_to = n;
	if (h->title && *h->title)
		c[n++] = (struct cand){ .text = strdup(h->title) };
	for (size_t i = 0; i < 2; i++)
		site_keys[i] = title_key(sites[i]);
	if (h->host) {
		char label[64];
		const char *p = h->host;
		size_t k;

		if ((p = strstr(p, "://")) != NULL)
			p += 3;
		else
			p = h->host;
		if (!strncmp(p, "www.", 4))
			p += 4;
		k = strcspn(p, ".:/");
		if (k < sizeof label) {
			memcpy(label, p, k);
			label[k] = '\0';
			host_key = title_key(label);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!c[i].text)
			continue;
		decode_refs(c[i].text);
		c[i].key = title_key(c[i].text);
		for (size_t s = 0; s < 2 && c[i].key; s++)
			if (site_keys[s] && !strcmp(site_keys[s], c[i].key))
				c[i].site = true;
		if (c[i].key && host_key && same_letters(c[i].key, host_key))
			c[i].site = true; /* "Spiegel Online" is not spiegel.de's */
	}
	/* Votes: another source whose key holds this one's as whole words
	 * (a <title> "Headline | Site" confirms the <h1> "Headline"). */
	for (size_t i = 0; i < n; i++) {
		if (!c[i].key || c[i].site)
			continue;
		bool i_h1 = i >= h1_from && i < h1_to;

		for (size_t j = 0; j < n; j++)
			if (j != i && c[j].key &&
			    !(i_h1 && j >= h1_from && j < h1_to) &&
			    (!strcmp(c[i].key, c[j].key) ||
			     (strlen(c[i].key) >= 15 &&
			      key_within(c[i].key, c[j].key))))
				c[i].votes += 1 + 2 * (j >= h1_from && j < h1_to);
		if (i >= h1_from && i < h1_to && c[i].votes)
			c[i].votes += 2;
		/* Ties: the longer (a headline and its site's name in one
		 * <title> both stand as <h1>s), then precedence. */
		if (best == SIZE_MAX || c[i].votes > c[best].votes ||
		    (c[i].votes && c[i].votes == c[best].votes &&
		     strlen(c[i].key) > strlen(c[best].key)))
			best = i;
	}
	if (best != SIZE_MAX && c[best].votes == 0) {
		/* Nobody agrees with anyone: a segment of one source that is
		 * another's whole ("BBC NEWS | Scotland | Headline" and the
		 * <h1> "Headline"), else the metadata's headline, a lone
		 * <h1>, the <title>, the first <h1> (a page's several <h1>s
		 * are often its logo's and boxes'). */
		for (size_t i = 0; i < n && !out; i++)
			if (c[i].text && !c[i].site)
				out = segment_agreeing(c[i].text, c, n, i);
		best = SIZE_MAX;
		for (size_t i = 0; i < h1_from && best == SIZE_MAX; i++)
			if (c[i].key && !c[i].site)
				best = i;
		if (best == SIZE_MAX && h1_to - h1_from == 1 &&
		    c[h1_from].key && !c[h1_from].site)
			best = h1_from;
		if (best == SIZE_MAX && h1_to < n && c[h1_to].key)
			best = h1_to;
		for (size_t i = h1_from; i < h1_to && best == SIZE_MAX; i++)
			if (c[i].key && !c[i].site)
				best = i;
	}
	if (!out && best != SIZE_MAX) {
		/* The agreed headline as the <h1> shows it when one has the
		 * same key (the visible form keeps its quotes and dashes). */
		size_t pick = best;

		for (size_t j = h1_from; j < h1_to; j++)
			if (c[j].key && !strcmp(c[j].key, c[best].key) &&
			    seps_in(c[j].text) >= seps_in(c[best].text)) {
				pick = j;
				break;
			}
		out = extract_clean_title(c[pick].text, h->site ? h->site
							       : h->publisher);
	}
	for (size_t i = 0; i < n; i++) {
		free(c[i].text);
		free(c[i].key);
	}
	free(site_keys[0]);
	free(site_keys[1]);
	free(host_key);
	if (out && !*out) {
		free(out);
		out = NULL;
	}
	return out;
}
