/*
 * extract/meta.c: collecting <meta>, <link>, <title>, <h1>, <time> and
 * microdata in one walk, then filling the article from them and JSON-LD.
 */
#include "internal.h"

void meta_release(struct meta *m)
{
	free(m->title);
	for (size_t i = 0; i < m->nh1; i++)
		free(m->h1[i]);
	for (size_t i = 0; i < m->nld; i++)
		free(m->ld[i]);
	free(m->near);
	free(m->before);
	for (size_t i = 0; i < m->ndated; i++)
		free(m->dated[i]);
	for (size_t i = 0; i < m->nbylines; i++)
		free(m->bylines[i]);
	for (size_t i = 0; i < m->nprefixed; i++)
		free(m->prefixed[i]);
	for (size_t i = 0; i < m->nlabelled; i++)
		free(m->labelled[i]);
	for (size_t i = 0; i < m->nchanged; i++)
		free(m->changed[i]);
}

/* Whether `lower` (lowercase) contains one of `words` (lowercase). */
static bool names_any(const char *lower, const char *const *words)
{
	for (const char *const *w = words; *w; w++)
		if (strstr(lower, *w))
			return true;
	return false;
}

static const char *const date_hints[] = { "date", "datum", "time",
					  "publish", "posted", "fecha",
					  "data", "meta", "byline", NULL };
static const char *const author_hints[] = { "author", "byline", "autor",
					    "auteur", "writer", NULL };
static const char *const not_hints[] = { "comment", "update", "related",
					 "teaser", "sidebar", NULL };

/* What an element's class, id, itemprop and rel say it holds. */
static void hinted_as(const xmlNode *n, bool *date, bool *author)
{
	const char *keys[] = { attr(n, "class"), attr(n, "id"),
			       attr(n, "itemprop") };
	const char *rel = attr(n, "rel");

	char lower[128];

	*date = *author = false;
	for (size_t i = 0; i < 3; i++) {
		size_t k = 0;

		if (!keys[i] || !*keys[i])
			continue;
		/* Lowercased once (a bounded prefix): strstr, not strcasestr,
		 * per hint word, as every element of the page comes here. */
		for (; keys[i][k] && k + 1 < sizeof lower; k++)
			lower[k] = (char)tolower((unsigned char)keys[i][k]);
		lower[k] = '\0';
		if (names_any(lower, not_hints))
			continue;
		*date = *date || names_any(lower, date_hints);
		*author = *author || names_any(lower, author_hints);
	}
	if (rel && !strcasecmp(rel, "author"))
		*author = true;
}

/* Keeps the text of a date- or author-hinted element `n` when short.
 * Returns 0 or -1 when memory runs out. */
static int keep_hinted(struct meta *m, const xmlNode *n, struct buf *b)
{
	bool date, author;
	char *copy;

	hinted_as(n, &date, &author);
	if ((!date || m->ndated == MAX_HINTED) &&
	    (!author || m->nbylines == MAX_HINTED))
		return 0;
	if (m->hint_reads >= MAX_HINT_READS)
		return 0; /* hostile pages: a bounded cost */
	if (subtree_text_upto(n, b, HINTED_TEXT))
		return -1;
	if (b->len > HINTED_TEXT)
		m->hint_reads++; /* a long subtree read for nothing */
	if (!b->len || b->len > HINTED_TEXT)
		return 0;
	if (date && m->ndated < MAX_HINTED) {
		if (!(copy = strdup(b->data)))
			return -1;
		m->dated[m->ndated++] = copy;
	}
	if (author && m->nbylines < MAX_HINTED) {
		if (!(copy = strdup(b->data)))
			return -1;
		m->byline_after_h1[m->nbylines] = m->nh1 > 0;
		m->bylines[m->nbylines++] = copy;
	}
	return 0;
}

static void keep_first(const char **slot, const char *v)
{
	if (!*slot && v && *v)
		*slot = v;
}

static void meta_from_tag(struct meta *m, const xmlNode *n)
{
	const char *key = attr(n, "property");
	const char *content = attr(n, "content");
	static const char *const pub_names[] = {
		"date", "pubdate", "publishdate", "publish-date", "publish_date",
		"dc.date.issued", "dc.date", "dcterms.created",
		"parsely-pub-date", "sailthru.date", "article.published",
		"og:published_time", "originalpublicationdate", "displaydate",
		"dc.date.created", NULL
	};

	if (!content)
		return;
	if (!key)
		key = attr(n, "name");
	if (key) {
		if (!strcasecmp(key, "og:url"))
			keep_first(&m->og_url, content);
		else if (!strcasecmp(key, "og:title"))
			keep_first(&m->og_title, content);
		else if (!strcasecmp(key, "twitter:title"))
			keep_first(&m->tw_title, content);
		else if (!strcasecmp(key, "og:site_name"))
			keep_first(&m->og_site, content);
		else if (!strcasecmp(key, "og:image"))
			keep_first(&m->og_image, content);
		else if (!strcasecmp(key, "description"))
			keep_first(&m->description, content);
		else if (!strcasecmp(key, "og:description"))
			keep_first(&m->og_description, content);
		else if (!strcasecmp(key, "og:locale"))
			keep_first(&m->og_locale, content);
		else if (!strcasecmp(key, "article:published_time"))
			keep_first(&m->pub, content);
		else if (!strcasecmp(key, "article:modified_time") ||
			 !strcasecmp(key, "og:updated_time"))
			keep_first(&m->mod, content);
		else if (!strcasecmp(key, "article:section"))
			keep_first(&m->section, content);
		else if (!strcasecmp(key, "article:tag") && m->ntags < MAX_TAGS)
			m->tags[m->ntags++] = content;
		else if (!strcasecmp(key, "keywords") || !strcasecmp(key, "news_keywords"))
			keep_first(&m->keywords, content);
		else if (!strcasecmp(key, "author"))
			keep_first(&m->author, content);
		else if (!strcasecmp(key, "article:author"))
			keep_first(&m->art_author, content);
		else
			for (const char *const *p = pub_names; *p; p++)
				if (!strcasecmp(key, *p))
					keep_first(&m->other_pub, content);
	}
	if ((key = attr(n, "http-equiv")) != NULL &&
	    !strcasecmp(key, "content-language"))
		keep_first(&m->content_lang, content);
}

/* Whether text starts with a byline's prefix word ("By ", "von ",
 * "Text: "), any case. */
static bool starts_byline(const char *t)
{
	static const char *const openers[] = { "by", "von", "par", "por",
					       "text von", "text:", "autor:",
					       "autorin:", "written by",
					       "przez", NULL };

	while (isspace((unsigned char)*t))
		t++;
	for (const char *const *o = openers; *o; o++) {
		size_t n = strlen(*o);

		if (same_first_letter(t, *o) && !strncasecmp(t, *o, n) &&
		    (t[n] == '\0' || isspace((unsigned char)t[n])))
			return true;
	}
	return false;
}

/* Whether text starts with a date's label ("Datum:", "Veröffentlicht am",
 * "Published on", "Publié le", "Publicado el"), any case. */
static bool starts_dated(const char *t)
{
	static const char *const labels[] = {
		"datum", "date:", "veröffentlicht", "erstellt am", "publiziert",
		"published", "posted on", "publié", "publicado", "pubblicato",
		"opublikowano", "data publikacji", NULL
	}; /* not "Updated", "Aktualisiert", "Stand:": a modification */

	while (isspace((unsigned char)*t))
		t++;
	for (const char *const *l = labels; *l; l++)
		if (same_first_letter(t, *l) && !strncasecmp(t, *l, strlen(*l)))
			return true;
	return false;
}

/* Keeps the text of the element around text node `n`, or of its parent,
 * the first of them short enough (HINTED_TEXT) that holds a date, in
 * lines[*nlines] (MAX_HINTED at most). Returns 0 or -1 when memory runs
 * out. */
static int keep_dated(struct meta *m, const xmlNode *n, struct buf *b, char **lines,
		      size_t *nlines)
{
	const xmlNode *e = n->parent;

	for (int up = 0; up < 2 && e && e->type == XML_ELEMENT_NODE; up++) {
		char *d;

		if (m->hint_reads >= MAX_HINT_READS)
			return 0;
		if (subtree_text_upto(e, b, HINTED_TEXT))
			return -1;
		if (b->len > HINTED_TEXT) {
			m->hint_reads++;
			return 0;
		}
		if ((d = date_in_text(b->data)) != NULL) {
			free(d);
			if (!(lines[*nlines] = strdup(b->data)))
				return -1;
			(*nlines)++;
			return 0;
		}
		e = e->parent;
	}
	return 0;
}

/* Keeps the element text around a text node that opens with a date's
 * label, when short, as a date line. Returns 0 or -1 when memory runs
 * out. */
static int keep_labelled(struct meta *m, const xmlNode *n, struct buf *b)
{
	if (m->nlabelled == MAX_HINTED || !starts_dated((const char *)n->content))
		return 0;
	return keep_dated(m, n, b, m->labelled, &m->nlabelled);
}

/* Whether text says when a page last changed: "last edited", "Letzte
 * Änderung", "zuletzt am ... geändert" (a wiki's footer), any case. */
static bool says_changed(const char *t)
{
	static const char *const labels[] = {
		"last edited", "last modified", "last updated", "last changed",
		"letzte \xc3\x84nderung", "letzte \xc3\xa4nderung",
		"zuletzt ge\xc3\xa4ndert", "zuletzt bearbeitet",
		"zuletzt aktualisiert", "wurde zuletzt am",
		"derni\xc3\xa8re modification", "\xc3\xbaltima modificaci",
		"ultima modifica", NULL
	};

	/* One pass: only where a label's first letter stands (either case)
	 * is each label compared, as strcasestr() would find it; this runs on
	 * every text node of the page. */
	for (const char *p = t; (p = strpbrk(p, "lLzZwWdDuU\xc3")) != NULL; p++)
		for (const char *const *l = labels; *l; l++)
			if (tolower((unsigned char)p[0]) == (unsigned char)(*l)[0] &&
			    tolower((unsigned char)p[1]) == (unsigned char)(*l)[1] &&
			    strncasecmp(p, *l, strlen(*l)) == 0)
				return true;
	return false;
}

/* Keeps the short text around a text node that says when the page last
 * changed (says_changed()) and holds a date, as a change line. Returns 0
 * or -1 when memory runs out. */
static int keep_changed(struct meta *m, const xmlNode *n, struct buf *b)
{
	if (m->nchanged == MAX_HINTED || !says_changed((const char *)n->content))
		return 0;
	return keep_dated(m, n, b, m->changed, &m->nchanged);
}

/* Keeps a short line that opens with a byline's prefix ("von Anna Meier",
 * "<strong>Text:</strong> Anna Meier") as a byline: the text of the
 * element around text node `n`, or of its parent when that holds no name
 * yet. Returns 0 or -1 when memory runs out. */
static int keep_prefixed(struct meta *m, const xmlNode *n, struct buf *b)
{
	const xmlNode *e = n->parent;

	if (!starts_byline((const char *)n->content) ||
	    strlen((const char *)n->content) > PREFIXED_TEXT)
		return 0;
	for (int up = 0; up < 2 && e && e->type == XML_ELEMENT_NODE; up++) {
		char *names;

		if (m->hint_reads >= MAX_HINT_READS)
			return 0;
		if (subtree_text_upto(e, b, PREFIXED_TEXT))
			return -1;
		if (b->len > PREFIXED_TEXT) {
			m->hint_reads++;
			return 0;
		}
		if ((names = byline_names(b->data)) != NULL) {
			free(names);
			if (!(m->prefixed[m->nprefixed] = strdup(b->data)))
				return -1;
			m->nprefixed++;
			return 0;
		}
		e = e->parent;
	}
	return 0;
}

/* Appends text `s` to `b` and keeps only its last BEFORE_TEXT bytes (cut
 * at a character boundary). Returns 0 or -1 when memory runs out. */
static int keep_tail(struct buf *b, const char *s)
{
	bool space = true;
	size_t cut;

	if (buf_addc(b, ' ') || add_collapsed(b, s, &space) == (size_t)-1)
		return -1;
	if (b->len <= 4 * BEFORE_TEXT)
		return 0;
	cut = b->len - BEFORE_TEXT;
	while (cut < b->len && ((unsigned char)b->data[cut] & 0xC0) == 0x80)
		cut++;
	memmove(b->data, b->data + cut, b->len - cut + 1);
	b->len -= cut;
	return 0;
}

/* The last BEFORE_TEXT bytes or so of `b` (from a character boundary). */
static const char *tail_of(const struct buf *b)
{
	size_t cut = b->len > BEFORE_TEXT ? b->len - BEFORE_TEXT : 0;

	while (cut < b->len && ((unsigned char)b->data[cut] & 0xC0) == 0x80)
		cut++;
	return b->data + cut;
}

/* What a text node gives: the text before the first <h1> (its tail kept
 * in `pre`), the text right after it (`near`), byline and date lines.
 * Returns 0 or -1 when memory runs out. */
static int keep_text(struct meta *m, const xmlNode *n, struct buf *b,
		     struct buf *pre, struct buf *near, bool *near_space)
{
	const char *t = (const char *)n->content;

	const char *w = t;

	if (!m->nh1 && keep_tail(pre, t))
		return -1;
	while (isspace((unsigned char)*w))
		w++;
	/* Byline and date labels open with a letter (most text nodes are
	 * white space between tags: no look-up for them). */
	if (isalpha((unsigned char)*w) &&
	    ((m->nprefixed < MAX_HINTED && keep_prefixed(m, n, b)) ||
	     keep_labelled(m, n, b) || keep_changed(m, n, b)))
		return -1;
	if (m->nh1 && !m->near && near->len < NEAR_TEXT) {
		if (add_collapsed(near, t, near_space) == (size_t)-1 ||
		    buf_addc(near, ' '))
			return -1;
		*near_space = true;
	}
	return 0;
}

/* Collects the metadata sources of the whole document. Iterative.
 * Returns 0 or -1 when memory runs out. */
int collect_meta(xmlNode *root, struct meta *m)
{
	xmlNode *n = root;
	struct buf b = BUF_INIT, near = BUF_INIT, pre = BUF_INIT;
	bool near_space = false;
	int rc = 0;

	for (;;) {
		bool descend = false;

		if (n == root) {
			descend = true; /* the document node */
		} else if (n->type == XML_TEXT_NODE && n->content) {
			if (keep_text(m, n, &b, &pre, &near, &near_space)) {
				rc = -1;
				break;
			}
		} else if (n->type == XML_ELEMENT_NODE && n->name) {
			const char *name = (const char *)n->name, *v;

			descend = true;
			if (!strcmp(name, "html")) {
				keep_first(&m->html_lang, attr(n, "lang"));
				keep_first(&m->html_lang, attr(n, "xml:lang"));
			} else if (!strcmp(name, "meta")) {
				meta_from_tag(m, n);
			} else if (!strcmp(name, "link")) {
				if ((v = attr(n, "rel")) != NULL &&
				    !strcasecmp(v, "canonical"))
					keep_first(&m->canonical, attr(n, "href"));
			} else if (!strcmp(name, "title") || !strcmp(name, "h1")) {
				bool h1 = name[0] == 'h';
				char **slot = h1 ? (m->nh1 < MAX_H1 ? &m->h1[m->nh1]
								    : NULL)
						 : (m->title ? NULL : &m->title);

				descend = false;
				/* before the first <h1> with text: an empty one
				 * before it leaves its copy to be replaced */
				if (h1 && !m->nh1 && pre.len) {
					free(m->before);
					if (!(m->before = strdup(tail_of(&pre)))) {
						rc = -1;
						break;
					}
				}
				if (slot && !(!h1 && n->parent &&
					      is_tag(n->parent, "svg"))) {
					if (subtree_text(n, &b)) {
						rc = -1;
						break;
					}
					if (b.len) {
						if (!(*slot = buf_detach(&b, NULL))) {
							rc = -1;
							break;
						}
						m->nh1 += h1;
					}
				}
			} else if (!strcmp(name, "script")) {
				descend = false;
				v = attr(n, "type");
				if (v && !strcasecmp(v, "application/ld+json") &&
				    m->nld < MAX_LD) {
					buf_reset(&b);
					for (xmlNode *c = n->children; c; c = c->next)
						if (c->content &&
						    buf_adds(&b, (const char *)c->content)) {
							rc = -1;
							break;
						}
					if (rc)
						break;
					m->ld[m->nld] = buf_detach(&b, NULL);
					if (!m->ld[m->nld]) {
						rc = -1;
						break;
					}
					m->nld++;
				}
			} else if (!strcmp(name, "style")) {
				descend = false;
			} else if (!strcmp(name, "time")) {
				v = attr(n, "datetime");
				keep_first(&m->time_dt, v);
				if (attr(n, "pubdate"))
					keep_first(&m->time_pub, v);
				if (m->nh1 && near.len < NEAR_TEXT)
					keep_first(&m->near_time, v);
			}
			if (descend && keep_hinted(m, n, &b)) {
				rc = -1;
				break;
			}
			if ((v = attr(n, "itemprop")) != NULL) {
				const char **slot =
					!strcasecmp(v, "datePublished")
						? &m->ip_pub
						: !strcasecmp(v, "dateModified")
							  ? &m->ip_mod
							  : NULL;
				if (slot) {
					keep_first(slot, attr(n, "content"));
					keep_first(slot, attr(n, "datetime"));
				}
			}
		}
		if (!(n = walk_next(n, root, descend, NULL, NULL)))
			break;
	}
	buf_release(&b);
	if (!rc && near.len && !(m->near = buf_detach(&near, NULL)))
		rc = -1;
	buf_release(&near);
	buf_release(&pre);
	return rc;
}

/* Filling the article ----------------------------------------------------- */

/* Sets *field to a cleaned copy of `value` unless already set. Returns 0,
 * or -1 when memory runs out. */
static int fill(char **field, const char *value)
{
	if (*field || !value)
		return 0;
	*field = clean_string(value);
	return 0;
}

/* Whether date `d` (RFC 3339) can be a page's publication date: not
 * before DATE_MIN_YEAR, not after the page's modification date `mod`. */
static bool plausible_date(const char *d, const char *mod)
{
	return atoi(d) >= DATE_MIN_YEAR && !(mod && strncmp(d, mod, 10) > 0);
}

/* How a date candidate is read: a machine-readable value (meta, JSON-LD,
 * datetime) or running text where the first date written counts. */
enum { AS_VALUE, AS_TEXT, AS_URL };

struct date_cand {
	const char *s;
	int how;
};

/* Sets *field to the first candidate that reads as a date; one read from
 * text or a URL must be plausible_date() against `mod` (a publisher may
 * date a story before its last edit, but a date in the text after that
 * edit is another event's). Returns 0, or -1 when memory runs out. */
static int fill_date(char **field, const struct date_cand *c, size_t n,
		     const char *mod)
{
	for (size_t i = 0; i < n && !*field; i++) {
		char *d;

		if (!c[i].s)
			continue;
		d = c[i].how == AS_VALUE  ? extract_normalize_date(c[i].s)
		    : c[i].how == AS_TEXT ? date_in_text(c[i].s)
					  : date_in_url(c[i].s);
		if (d && plausible_date(d, c[i].how == AS_VALUE ? NULL : mod))
			*field = d;
		else
			free(d);
	}
	return 0;
}

/* The head's article:published_time `head` on a later day than the
 * published date taken (JSON-LD's datePublished, read first): a story
 * published again keeps its first date in one of the two and the page
 * shows the later; that one wins unless it follows the modification. */
static void later_publication(struct article *out, const char *head)
{
	char *d = head && out->published ? extract_normalize_date(head) : NULL;

	if (d && date_days_later_where_written(d, out->published) > 0 &&
	    !(out->modified && date_days_later_where_written(d, out->modified) > 0)) {
		free(out->published);
		out->published = d;
		return;
	}
	free(d);
}

/* A date taken as an instant written in UTC ("2022-11-06T23:00:00Z")
 * that another machine-readable statement `c[0..n)` gives as the same
 * instant in the publisher's own offset ("2022-11-07T00:00:00+01:00")
 * is printed as that one says it: its day is the story's day where it
 * was published. */
static void publisher_offset(char **field, const struct date_cand *c, size_t n)
{
	if (!date_written_in_utc(*field))
		return;
	for (size_t i = 0; i < n; i++) {
		char *d = c[i].s && c[i].how == AS_VALUE ? extract_normalize_date(c[i].s)
							  : NULL;

		if (d && !date_written_in_utc(d) && date_same_instant(d, *field)) {
			free(*field);
			*field = d;
			return;
		}
		free(d);
	}
}

/* A published instant given in UTC ("2022-11-06T23:00:00Z") falls on the
 * day before or after the one the page shows its readers where it is
 * published; the day shown near the headline (a <time>, a date line, a
 * date-classed element) then wins, at date precision. */
static void local_day(struct article *out, const struct meta *m)
{
	const char *p = out->published;
	size_t n = p ? strlen(p) : 0;
	const char *shown[3 + 2 * MAX_HINTED];
	size_t k = 0;

	if (n < 20 || strncmp(p + 10, "T00:00:00", 9) == 0 ||
	    !(p[n - 1] == 'Z' || !strcmp(p + n - 6, "+00:00")))
		return;
	shown[k++] = m->near;
	for (size_t i = 0; i < m->nlabelled; i++)
		shown[k++] = m->labelled[i];
	for (size_t i = 0; i < m->ndated; i++)
		shown[k++] = m->dated[i];
	for (size_t i = 0; i < k; i++) {
		char *d = shown[i] ? date_in_text(shown[i]) : NULL;
		long apart = date_days_apart(d, p);

		if (apart == 0) {
			free(d); /* the page shows the same day */
			return;
		}
		if (apart == 1 || apart == -1) {
			free(out->published);
			out->published = d;
			return;
		}
		free(d);
	}
}

/* The first date the page shows its readers around the headline: the
 * datetime of the first <time> after it, the text after it, the short
 * lines labelled as dates, the date-classed elements, in this order;
 * malloc'd, or NULL. */
static char *shown_date(const struct meta *m)
{
	char *d = m->near_time ? extract_normalize_date(m->near_time) : NULL;

	if (!d && m->near)
		d = date_in_text(m->near);
	for (size_t i = 0; i < m->nlabelled && !d; i++)
		d = date_in_text(m->labelled[i]);
	for (size_t i = 0; i < m->ndated && !d; i++)
		d = date_in_text(m->dated[i]);
	return d;
}

/* A page whose metadata gives a published and a later modified day, and
 * which shows its readers the modified day as its date (the first date
 * around the headline: "Aktualisiert: 11.04.2020", a <time> of the last
 * edit) and not the published one, presents itself as of that day: the
 * published date is the date the page shows, as a reader (and a
 * reference annotator) reads it. The modified date stays as it is.
 * (Measured on extract-dev-web: of the 317 pages with a date truth
 * that show a date, the first shown differs from the published day on
 * 19; it is the modified day on 5, and on all 5 the truth is that day;
 * on the other 14 the truth is the shown day 7 times and the published
 * day 8, so only the modified day counts. Date accuracy 0.886 ->
 * 0.900.) */
static int shown_edit(struct article *out, const struct meta *m)
{
	char *d;

	if (!out->published || !out->modified ||
	    date_days_apart(out->modified, out->published) <= 0)
		return 0;
	d = shown_date(m);
	if (d && date_days_apart(d, out->modified) == 0) {
		char *mod = strdup(out->modified);

		if (!mod) {
			free(d);
			return -1;
		}
		free(out->published);
		out->published = mod;
	}
	free(d);
	return 0;
}

/* Bylines to names --------------------------------------------------------- */

/* Words that open a byline and are not part of the name. */
static const char *const byline_prefixes[] = {
	"written by", "posted by", "geschrieben von", "ein beitrag von",
	"by", "von", "par", "por", "di", "przez", "autor", "autorin",
	"from", "about",
	"author", "auteur", "text", "texte", "redacción", "redaktion",
	"reporter", "de", NULL
};

/* Words that make a part of a byline a role or an organisation, not a
 * name: the part and the rest are dropped. */
static const char *const role_words[] = {
	"staff", "reporter", "correspondent", "editor", "redaktion",
	"redakteur", "redakteurin", "journalist", "contributor", "team",
	"desk", "korrespondent", "autor", "author", "experte", "expertin",
	"mitarbeiter", "writer", "columnist", "kolumnist", "news", "agency",
	"press", "presse", "online", "zeitung", "magazin", "redacción",
	"rédaction", "redazione", "redakcja", "updated", "aktualisiert",
	"published", "veröffentlicht", "publiziert", "posted", "geschrieben",
	"erstellt", "artikel", "uhr", "stand", "bild", "foto", "fotos",
	"photo", "image", "quelle", "source", "monday", "tuesday",
	"wednesday", "thursday", "friday", "saturday", "sunday", "montag",
	"dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
	NULL
};

/* Whether w[0..n) is a role word, or holds a long one ("Chefredakteur",
 * "FOCUS-Online-Experte"). */
static bool role_word(const char *w, size_t n)
{
	char word[64];

	if (n >= sizeof word)
		return false;
	memcpy(word, w, n);
	word[n] = '\0';
	for (const char *const *r = role_words; *r; r++) {
		size_t rn = strlen(*r);

		if (rn == n ? strcasecmp(word, *r) == 0
			    : rn >= 6 && strcasestr(word, *r))
			return true;
	}
	return false;
}

/* Words of the links around a byline ("Jane Smith View Profile Email")
 * and of the credits after it ("Illustration: ..."): they end the names. */
static const char *const link_words[] = { "view", "profile", "email",
					  "e-mail", "rss", "follow", "share",
					  "twitter", "facebook", "more",
					  "posts", "bio", "latest", "alle",
					  "weitere", "artikel", "illustration",
					  "illustrationen", "grafik", "video",
					  NULL };

/* Words joining two names, kept as written. */
static const char *const conjunctions[] = { "and", "und", "et", "y", "e",
					    "i", "&", "u.", NULL };

static bool word_in(const char *w, size_t n, const char *const *list)
{
	if (n == 0)
		return false;
	for (const char *const *p = list; *p; p++)
		if (same_first_letter(w, *p) && strlen(*p) == n && strncasecmp(w, *p, n) == 0)
			return true;
	return false;
}

/* Whether the word w[0..n) can be part of a person's name: it starts with
 * a capital (or a non-ASCII letter), or is a lowercase particle. */
static bool name_word(const char *w, size_t n)
{
	static const char *const particles[] = { "von", "van", "de", "der",
						 "den", "da", "di", "du",
						 "la", "le", "del", "dos",
						 "zu", "ten", "ter", NULL };
	unsigned char c = (unsigned char)w[0];

	for (size_t i = 0; i < n; i++)
		if (isdigit((unsigned char)w[i]) || w[i] == '@' || w[i] == '/' ||
		    ((unsigned char)w[i] == 0xC2 && i + 1 < n &&
		     (unsigned char)w[i + 1] == 0xA9)) /* © */
			return false;
	if (w[n - 1] == ':' || role_word(w, n) || word_in(w, n, link_words))
		return false;
	return isupper(c) || (c >= 0x80 && letter_at(w)) ||
	       word_in(w, n, particles);
}

/* Length of the word at p (up to white space, ',', ';', '|'). */
static size_t byline_word(const char *p)
{
	size_t n = 0;

	while (p[n] && !isspace((unsigned char)p[n]) && !strchr(",;|", p[n]))
		n++;
	return n;
}

/* The byline past a date that opens it ("Friday, January 11, 2008 By
 * ..."): weekdays (role_word()), month names and numbers, with their
 * commas and periods; p itself when no month name followed by a number
 * is among them. */
static char *past_opening_date(char *p)
{
	char *q = p;
	bool month = false;

	for (;;) {
		size_t n = byline_word(q);

		if (!n)
			break;
		if (date_month_at(q) &&
		    isdigit((unsigned char)q[n + strspn(q + n, " .,")]))
			month = true; /* "January 11", not "May Smith" */
		else if (strspn(q, "0123456789.") != n && !role_word(q, n))
			break;
		q += n;
		q += strspn(q, " ,");
	}
	return month ? q : p;
}

char *byline_names(const char *s)
{
	char *t = clean_string(s), *p, *end = NULL, *start, *group = NULL;
	size_t words = 0;

	if (!t)
		return NULL;
	decode_refs(t);
	p = past_opening_date(t);
	/* The prefix, with its colon ("Autor: ", "By "). */
	for (bool again = true; again;) {
		again = false;
		for (const char *const *w = byline_prefixes; *w; w++) {
			size_t n = strlen(*w);

			if (strncasecmp(p, *w, n) == 0 &&
			    (p[n] == ' ' || p[n] == ':' || p[n] == '\0')) {
				p += n;
				while (*p == ' ' || *p == ':')
					p++;
				again = true;
				break;
			}
		}
	}
	/* A label before a colon ("Interview: Jane Smith") and roles before
	 * the name ("Business reporter Jane Smith"). */
	{
		size_t n = byline_word(p);

		if (n > 1 && p[n - 1] == ':' && p[n] == ' ')
			p += n + 1;
		while ((n = byline_word(p)) > 0) {
			const char *q = p + n;

			while (*q == ' ')
				q++;
			if (!role_word(p, n) && !role_word(q, byline_word(q)))
				break;
			p += n; /* a role, or what qualifies one */
			while (*p == ' ')
				p++;
		}
	}
	start = p;
	/* Names, separated by commas or conjunctions, until a word that
	 * cannot be a name's or a separator. */
	while (*p) {
		size_t n = byline_word(p);

		if (n == 0) {
			if (*p != ',')
				break; /* '|', ';': what follows is not the name */
			p++;
			words = 0;
		} else if (word_in(p, n, conjunctions) && end) {
			p += n;
			words = 0;
		} else if (date_month_at(p) &&
			   isdigit((unsigned char)p[n + strspn(p + n, " .")])) {
			break; /* a date ("January 11"): the names are over */
		} else if (name_word(p, n) && words < 5) {
			p += n;
			if (!words)
				group = end;
			words++;
			end = p;
			if (p[-1] == '.' && n > 3)
				break; /* a sentence ends */
		} else {
			/* "Seattle Times business reporter": the words before
			 * a role name its employer, not a person. */
			const char *q = p + n;
			size_t k;

			while (*q == ' ')
				q++;
			k = byline_word(q);
			if (words && (role_word(p, n) || (k && role_word(q, k))))
				end = group;
			break;
		}
		while (*p == ' ')
			p++;
	}
	if (!end) {
		free(t);
		return NULL;
	}
	*end = '\0';
	memmove(t, start, (size_t)(end - start) + 1);
	return t;
}

/* Whether `name` is the site's or the publisher's, not a person's. */
static bool is_site_name(const char *name, const char *site, const char *url)
{
	const char *host;
	size_t n;

	if (site && !strcasecmp(name, site))
		return true;
	if (strchr(name, '.') && !strchr(name, ' '))
		return true; /* "finanztreff.de" */
	if (!url || !(host = strstr(url, "://")))
		return false;
	host += 3;
	if (!strncmp(host, "www.", 4))
		host += 4;
	n = strcspn(host, "./");
	return n >= 3 && strlen(name) == n && !strncasecmp(name, host, n);
}

/* The page's authors, by precedence: JSON-LD persons, the byline shown
 * after the headline, any byline-hinted element, meta author. Each source
 * is read into names (byline_names()) and skipped when it names the site. */
static int fill_author(struct article *out, const struct meta *m,
		       const struct ld *ld, const char *site)
{
	char *ldn = ld_authors(ld);
	const char *cands[2 * MAX_HINTED + 4];
	size_t n = 0;

	size_t dom_from, dom_to;

	cands[n++] = ldn;
	dom_from = n;
	for (size_t i = 0; i < m->nbylines; i++)
		if (m->byline_after_h1[i])
			cands[n++] = m->bylines[i];
	for (size_t i = 0; i < m->nprefixed; i++)
		cands[n++] = m->prefixed[i];
	for (size_t i = 0; i < m->nbylines; i++)
		if (!m->byline_after_h1[i])
			cands[n++] = m->bylines[i];
	dom_to = n;
	cands[n++] = m->author;
	cands[n++] = m->art_author;
	for (size_t i = 0; i < n && !out->author; i++) {
		char *names;

		if (!cands[i] || strstr(cands[i], "://"))
			continue;
		/* Metadata names an author as the CMS knows them ("jdoe",
		 * "Staff and news service reports"): kept whole when no
		 * name can be read from it; a page's byline is not. */
		names = byline_names(cands[i]);
		if (!names && (i < dom_from || i >= dom_to) &&
		    (names = clean_string(cands[i])) != NULL)
			decode_refs(names);
		if (names && !is_site_name(names, site, out->url))
			out->author = names;
		else
			free(names);
	}
	free(ldn);
	return 0;
}

/* An ISO 639 primary subtag ("en-GB" -> "en"), or NULL. */
static char *lang_code(const char *v)
{
	char code[4];
	size_t n = 0;

	if (!v)
		return NULL;
	while (isspace((unsigned char)*v))
		v++;
	while (isalpha((unsigned char)v[n]) && n < 3) {
		code[n] = (char)tolower((unsigned char)v[n]);
		n++;
	}
	if (n < 2 || isalpha((unsigned char)v[n]))
		return NULL;
	code[n] = '\0';
	return strdup(code);
}

/* Adds the comma-separated items of `list` (or one item when `whole`) to
 * the article's tags, trimmed, each once. Returns -1 when memory runs out. */
static int add_tags(struct article *out, const char *list, bool whole)
{
	while (list && *list) {
		size_t n = whole ? strlen(list) : strcspn(list, ",;");
		const char *p = list;
		size_t l = n;

		while (l && isspace((unsigned char)*p))
			p++, l--;
		while (l && isspace((unsigned char)p[l - 1]))
			l--;
		if (l && l <= 80 && !memchr(p, '\n', l) &&
		    article_list_add(&out->tags, p, l))
			return -1;
		list += n + (list[n] != '\0');
	}
	return 0;
}

/* The page's tags: article:tag metas, else JSON-LD keywords (a string or
 * an array), else meta keywords. Returns -1 when memory runs out. */
static int fill_tags(struct article *out, const struct meta *m, const struct ld *ld)
{
	const json_t *kw = ld->article ? json_object_get(ld->article, "keywords") : NULL;

	for (size_t i = 0; i < m->ntags; i++)
		if (add_tags(out, m->tags[i], true))
			return -1;
	if (!out->tags && json_is_string(kw) && add_tags(out, json_string_value(kw), false))
		return -1;
	for (size_t i = 0; !out->tags && json_is_array(kw) && i < json_array_size(kw); i++)
		if (json_is_string(json_array_get(kw, i)) &&
		    add_tags(out, json_string_value(json_array_get(kw, i)), true))
			return -1;
	if (!out->tags && add_tags(out, m->keywords, false))
		return -1;
	return 0;
}

int fill_metadata(struct article *out, struct meta *m, struct ld *ld)
{
	const char *site = m->og_site;
	const char *url = NULL;

	if (!site && ld->article)
		site = ld_string(json_object_get(ld->article, "publisher"), "name");

	/* url */
	if (m->canonical && strstr(m->canonical, "://"))
		url = m->canonical;
	if (!url)
		url = m->og_url;
	if (!url && ld->article) {
		url = ld_string(json_object_get(ld->article, "url"), "@id");
		if (!url)
			url = ld_string(
				json_object_get(ld->article, "mainEntityOfPage"),
				"@id");
	}
	if (!url)
		url = m->canonical;
	fill(&out->url, url);

	/* title */
	if (!out->title) {
		struct headline_sources h = {
			.ld_headline = ld->article ? ld_string(json_object_get(
							     ld->article, "headline"),
						     "name")
						   : NULL,
			.og_title = m->og_title,
			.tw_title = m->tw_title,
			.h1 = (const char *const *)m->h1,
			.nh1 = m->nh1,
			.title = m->title,
			.site = m->og_site,
			.publisher = ld->article ? ld_string(json_object_get(
							   ld->article, "publisher"),
						   "name")
						 : NULL,
			.host = out->url,
		};

		out->title = extract_headline(&h);
	}

	/* dates: modified first, as no published date may follow it. The
	 * machine-readable ones before the URL's, which is before what the
	 * page shows near the headline, then elsewhere. */
	const struct date_cand mods[] = {
		{ ld_get(ld, "dateModified", "@value"), AS_VALUE },
		{ m->mod, AS_VALUE },
		{ m->ip_mod, AS_VALUE }
	};
	fill_date(&out->modified, mods, sizeof mods / sizeof mods[0], NULL);
	const struct date_cand pubs[] = {
		{ ld_get(ld, "datePublished", "@value"), AS_VALUE },
		{ m->pub, AS_VALUE },
		{ m->ip_pub, AS_VALUE },
		{ m->time_pub, AS_VALUE },
		{ m->other_pub, AS_VALUE },
		{ ld_get(ld, "dateCreated", "@value"), AS_VALUE },
		{ out->url, AS_URL },
		{ m->near_time, AS_VALUE },
		{ m->nh1 ? m->h1[0] : NULL, AS_TEXT },
		{ m->near, AS_TEXT },
		{ m->time_dt, AS_VALUE },
		{ m->before, AS_TEXT },
	};
	const size_t npubs = sizeof pubs / sizeof pubs[0];

	fill_date(&out->published, pubs, npubs - 2, out->modified);
	later_publication(out, m->pub);
	for (size_t i = 0; i < m->nlabelled && !out->published; i++) {
		const struct date_cand c = { m->labelled[i], AS_TEXT };

		fill_date(&out->published, &c, 1, out->modified);
	}
	for (size_t i = 0; i < m->ndated && !out->published; i++) {
		const struct date_cand c = { m->dated[i], AS_TEXT };

		fill_date(&out->published, &c, 1, out->modified);
	}
	fill_date(&out->published, pubs + npubs - 2, 2, out->modified);
	for (size_t i = 0; i < m->nh1 && !out->published; i++) {
		const struct date_cand c = { m->h1[i], AS_TEXT };

		fill_date(&out->published, &c, 1, out->modified);
	}
	if (!out->published) {
		const struct date_cand c = { m->title, AS_TEXT };

		fill_date(&out->published, &c, 1, out->modified);
	}

	publisher_offset(&out->modified, mods, sizeof mods / sizeof mods[0]);
	publisher_offset(&out->published, pubs, npubs);
	local_day(out, m);
	if (shown_edit(out, m))
		return -1;

	/* author */
	if (!out->author)
		fill_author(out, m, ld, site);

	/* section */
	if (ld->article)
		fill(&out->section,
		     ld_string(json_object_get(ld->article, "articleSection"),
			       "name"));
	fill(&out->section, m->section);

	/* lang */
	if (!out->lang) {
		const char *langs[] = { m->html_lang, m->content_lang,
					m->og_locale,
					ld_get(ld, "inLanguage", "name") };
		for (size_t i = 0; i < 4 && !out->lang; i++)
			out->lang = lang_code(langs[i]);
	}

	/* image */
	fill(&out->image, m->og_image);
	if (ld->article)
		fill(&out->image,
		     ld_string(json_object_get(ld->article, "image"), "url"));

	/* site name, tags */
	if (site && *site && !out->sitename && !(out->sitename = clean_string(site)))
		return -1;
	if (!out->tags && fill_tags(out, m, ld))
		return -1;
	return 0;
}

