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
					  " › ", " / ", " • ", ": ", NULL };

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

/* Removes the site's name `site` and the separator joining it from the
 * start or end of t, in place. Returns whether it did. */
static bool strip_site_name(char *t, const char *site)
{
	char *st = clean_string(site);
	size_t tl = strlen(t), sl;
	bool done = false;

	if (st && (sl = strlen(st)) > 0 && sl < tl) {
		for (const char *const *sep = title_seps; *sep && !done; sep++) {
			size_t pl = strlen(*sep);

			if (tl > sl + pl &&
			    strcasecmp(t + tl - sl, st) == 0 &&
			    strncmp(t + tl - sl - pl, *sep, pl) == 0) {
				t[tl - sl - pl] = '\0';
				done = true;
			} else if (tl > sl + pl && strncasecmp(t, st, sl) == 0 &&
				   strncmp(t + sl, *sep, pl) == 0) {
				memmove(t, t + sl + pl, tl - sl - pl + 1);
				done = true;
			}
		}
	}
	free(st);
	return done;
}

char *extract_clean_title(const char *title, const char *site)
{
	char *t = clean_string(title);

	if (!t)
		return strdup("");
	if (strip_site_name(t, site))
		return t;
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
					   " › ", " • ", " // ", ": ", NULL };

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

enum { MAX_SEGMENTS = 12 };

/* Whether key `small` is the key of a run of whole segments of `text`
 * split at the separators above: "Headline" stands so in "Headline |
 * Section | Site", not in "Headline that goes on" (a truncated og:title
 * is no vote for itself). */
static bool key_is_segment_run(const char *small, const char *text)
{
	size_t from[MAX_SEGMENTS], to[MAX_SEGMENTS], n = 0, start = 0;
	size_t len = strlen(text);
	bool found = false;

	for (size_t i = 0; i <= len && n < MAX_SEGMENTS; i++) {
		size_t sl = 0;

		for (const char *const *sp = strong_seps; *sp && i < len; sp++)
			if (!strncmp(text + i, *sp, strlen(*sp))) {
				sl = strlen(*sp);
				break;
			}
		if (i < len && !sl)
			continue;
		from[n] = start;
		to[n++] = i;
		if (i == len)
			break;
		start = i + sl;
		i = start - 1;
	}
	for (size_t a = 0; a < n && !found; a++)
		for (size_t b = a; b < n && !found; b++) {
			char *run = strndup(text + from[a], to[b] - from[a]);
			char *k = run ? title_key(run) : NULL;

			found = k && !strcmp(k, small);
			free(k);
			free(run);
		}
	return found;
}

/* The share of words two keys have in common, of the longer's count:
 * "der nervenkrieg um den brexit geht in die nächste runde" and
 * "brexit nervenkrieg geht in nächste runde" share 6 of 10. */
static double shared_words(const char *a, const char *b)
{
	size_t na = 0, nb = 0, both = 0;

	for (const char *p = a; *p; p += strcspn(p, " "), p += *p == ' ') {
		size_t l = strcspn(p, " ");
		bool seen = false;

		na++;
		for (const char *q = a; q < p && !seen; q += strcspn(q, " ") + 1)
			seen = strcspn(q, " ") == l && !strncmp(q, p, l);
		if (seen)
			continue;
		for (const char *q = b; *q; q += strcspn(q, " "), q += *q == ' ')
			if (strcspn(q, " ") == l && !strncmp(q, p, l)) {
				both++;
				break;
			}
	}
	for (const char *q = b; *q; q += strcspn(q, " "), q += *q == ' ')
		nb++;
	return na && nb ? (double)both / (double)(na > nb ? na : nb) : 0.0;
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

/* Whether key `small` stands in key `big` once spaces are dropped: a
 * kicker span glued to the headline ("27.01.2022MineralölINFO") holds
 * it all the same. */
static bool letters_within(const char *small, const char *big)
{
	char *a = strdup(small), *b = strdup(big);
	bool in = false;

	if (a && b) {
		char *w = a;

		for (const char *p = small; *p; p++)
			if (*p != ' ')
				*w++ = *p;
		*w = '\0';
		w = b;
		for (const char *p = big; *p; p++)
			if (*p != ' ')
				*w++ = *p;
		*w = '\0';
		in = strstr(b, a) != NULL;
	}
	free(a);
	free(b);
	return in;
}

/* Whether key `seg` names the site whose name's key is `site` or whose
 * host label's is `host`: the same letters, or those and a domain
 * ending ("modepilot de" for modepilot.de). */
static bool names_site(const char *seg, const char *site, const char *host)
{
	const char *keys[2] = { site, host };

	for (size_t i = 0; i < 2; i++) {
		size_t n = keys[i] ? strlen(keys[i]) : 0;

		if (!n)
			continue;
		if (same_letters(seg, keys[i]))
			return true;
		if (!strncmp(seg, keys[i], n) && seg[n] == ' ' &&
		    strlen(seg + n + 1) <= 3 && !strchr(seg + n + 1, ' '))
			return true;
	}
	return false;
}

/* Cuts the last or first segments of t (at the separators above) that
 * name the site (names_site()), in place. */
static void strip_site_segments(char *t, const char *site, const char *host)
{
	for (bool again = true; again;) {
		const char *last = NULL, *first = NULL;
		size_t last_len = 0, first_len = 0;

		again = false;
		for (const char *const *sp = strong_seps; *sp; sp++) {
			size_t pl = strlen(*sp);

			for (const char *q = t; (q = strstr(q, *sp)) != NULL; q++) {
				if (!first || q < first) {
					first = q;
					first_len = pl;
				}
				if (!last || q > last) {
					last = q;
					last_len = pl;
				}
			}
		}
		if (!last)
			return;
		char *k = title_key(last + last_len);

		if (k && names_site(k, site, host)) {
			t[last - t] = '\0';
			again = true;
		}
		free(k);
		if (again)
			continue;
		char *head = strndup(t, (size_t)(first - t));

		k = head ? title_key(head) : NULL;
		if (k && names_site(k, site, host)) {
			memmove(t, first + first_len,
				strlen(first + first_len) + 1);
			again = true;
		}
		free(k);
		free(head);
	}
}

enum { PREFIX_WORDS_MAX = 2 };

/* A <title> that is the page's only source: leading segments of at most
 * PREFIX_WORDS_MAX words before a " | " ("BBC NEWS | Scotland | Unique
 * character of medieval town": a site's and a section's name) come off
 * while three words or more remain; in place. */
static void strip_pipe_prefix(char *t)
{
	for (char *q; (q = strstr(t, " | ")) != NULL;) {
		if (count_words(t, (size_t)(q - t)) > PREFIX_WORDS_MAX ||
		    count_words(q + 3, strlen(q + 3)) < 3)
			return;
		memmove(t, q + 3, strlen(q + 3) + 1);
	}
}

/* The one <h1> among c[from..to) that rewords c[best]: not a site name,
 * three words or more, neither holding the other, sharing a third of the
 * words; SIZE_MAX when none or several. */
static size_t rewording_h1(const struct cand *c, size_t from, size_t to,
			   size_t best)
{
	size_t found = SIZE_MAX;

	for (size_t j = from; j < to; j++) {
		const char *k = c[j].key;

		if (!k || c[j].site || !strcmp(k, c[best].key) ||
		    letters_within(k, c[best].key) ||
		    letters_within(c[best].key, k))
			continue;
		if (count_words(k, strlen(k)) < 3 ||
		    shared_words(k, c[best].key) < 1.0 / 3)
			continue;
		if (found != SIZE_MAX && strcmp(c[found].key, k))
			return SIZE_MAX;
		if (found == SIZE_MAX)
			found = j;
	}
	return found;
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

		for (size_t j = 0; j < n; j++) {
			bool j_h1 = j >= h1_from && j < h1_to;

			/* Held whole: equal, or a run of the other's segments
			 * (metadata cut at a length limit is no vote for
			 * itself), or an <h1> in or around another (a kicker
			 * or byline span loses its separator). */
			if (j != i && c[j].key && !(i_h1 && j_h1) &&
			    (!strcmp(c[i].key, c[j].key) ||
			     (strlen(c[i].key) >= 15 &&
			      key_within(c[i].key, c[j].key) &&
			      (i_h1 || j_h1 ||
			       key_is_segment_run(c[i].key, c[j].text)))))
				c[i].votes += 1 + 2 * j_h1;
		}
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
		 * same key (the visible form keeps its quotes and dashes), or
		 * the one <h1> that rewords it (the page's headline; the
		 * metadata's is written for search engines and feeds). */
		size_t pick = best;
		bool confirmed = c[best].votes > 0 && best >= h1_from &&
				 best < h1_to;

		for (size_t j = h1_from; j < h1_to; j++)
			if (c[j].key && !strcmp(c[j].key, c[best].key) &&
			    seps_in(c[j].text) >= seps_in(c[best].text)) {
				pick = j;
				confirmed = true;
				break;
			}
		if (pick == best && c[best].votes > 0 &&
		    (best < h1_from || best >= h1_to)) {
			size_t reword = rewording_h1(c, h1_from, h1_to, best);

			if (reword != SIZE_MAX) {
				pick = reword;
				confirmed = true;
			}
		}
		/* A source held whole by a longer one is the headline without
		 * what the other adds: only a known site name comes off it
		 * ("Office 365 – HBDI – die Dritte" keeps its last part). */
		for (size_t j = 0; j < n && c[best].votes > 0 && !confirmed; j++)
			confirmed = j != best && c[j].key &&
				    strlen(c[j].key) > strlen(c[best].key) &&
				    key_within(c[best].key, c[j].key);
		if (confirmed) {
			out = clean_string(c[pick].text);
			if (out && !strip_site_name(out, h->site ? h->site
								 : h->publisher))
				strip_site_segments(out, site_keys[0] ? site_keys[0]
								      : site_keys[1],
						    host_key);
		} else {
			out = extract_clean_title(c[pick].text,
						  h->site ? h->site
							  : h->publisher);
			if (out && pick == h1_to && n == h1_to + 1)
				strip_pipe_prefix(out);
		}
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

/* Whether heading `heading` restates the headline `title`: compared by
 * their keys, one holds the other as whole words, or they share half
 * their words or more (of the longer's count): "Getränke per Schiff ins
 * Stadtzentrum" under the headline "Olympische Spiele in Paris -
 * Getränke per Schiff ins Stadtzentrum", "Können Fische Schmerzen spüren
 * / empfinden?" under "Können Fische Schmerzen spüren?". On no memory,
 * true (the heading is left out, as before). */
bool restates_title(const char *heading, const char *title)
{
	char *h = title_key(heading), *t = title_key(title);
	bool same = !h || !t || key_within(h, t) || key_within(t, h) ||
		    shared_words(h, t) >= 0.5;

	free(h);
	free(t);
	return same;
}
