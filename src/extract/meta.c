/*
 * extract/meta.c: collecting <meta>, <link>, <title>, <h1>, <time> and
 * microdata in one walk, then filling the article from them and JSON-LD.
 */
#include "internal.h"

/* Class, id, rel or itemprop words of an element that shows the byline. */
static const char *const author_hints[] = {
	"author", "byline", "autor", "auteur", "verfasser", NULL
};
enum { SHOWN_AUTHOR_MAX = 100 };

/* Class or id words of an element that shows the story's date. */
static const char *const date_hints[] = {
	"date", "datum", "time", "publish", "posted", "updated", "meta",
	"byline", "fecha", "dateline", "zeit", NULL
};
enum { SHOWN_DATE_MAX = 160 }; /* longest text of such an element read */

/* The text of the subtree at `n`, collapsed, into `b` (reset first) when
 * it holds at most `max` bytes; false when longer. Stops early. */
static bool short_text(const xmlNode *n, struct buf *b, size_t max, bool *oom)
{
	bool space = false;

	buf_reset(b);
	for (const xmlNode *c = n->children; c;
	     c = walk_next(c, n, !is_tag(c, "script") && !is_tag(c, "style"), NULL, NULL)) {
		if (c->type == XML_TEXT_NODE && c->content &&
		    add_collapsed(b, (const char *)c->content, &space) == (size_t)-1) {
			*oom = true;
			return false;
		}
		if (b->len > max)
			return false;
	}
	rtrim(b);
	return true;
}

void meta_release(struct meta *m)
{
	for (size_t i = 0; i < m->ndates; i++)
		free(m->dates[i].value);
	for (size_t i = 0; i < m->nauthors; i++)
		free(m->authors[i].value);
	free(m->title);
	for (size_t i = 0; i < m->nh1; i++)
		free(m->h1[i]);
	for (size_t i = 0; i < m->nld; i++)
		free(m->ld[i]);
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

/* Records the date element `n` shows, when its class or id says it shows
 * one (see struct meta). Returns -1 when memory runs out. */
static int shown_date(const xmlNode *n, struct meta *m, struct buf *b)
{
	char hint[128];
	const char *cls = attr(n, "class"), *id = attr(n, "id");
	bool oom = false;
	char *d;

	if (m->ndates == MAX_SHOWN || (!cls && !id))
		return 0;
	lower_into(hint, sizeof hint, cls ? cls : id);
	if (!match_any(hint, date_hints) && cls && id) {
		lower_into(hint, sizeof hint, id);
		if (!match_any(hint, date_hints))
			return 0;
	} else if (!match_any(hint, date_hints)) {
		return 0;
	}
	if (!short_text(n, b, SHOWN_DATE_MAX, &oom))
		return oom ? -1 : 0;
	if ((d = find_visible_date(b->data)) != NULL) {
		m->dates[m->ndates].node = n;
		m->dates[m->ndates].after_h1 = m->nh1 > 0;
		m->dates[m->ndates++].value = d;
	}
	return 0;
}

/* Whether one of attributes class, id, rel, itemprop of `n` holds a word
 * of `hints`. */
static bool hinted(const xmlNode *n, const char *const *hints)
{
	static const char *const names[] = { "class", "id", "rel", "itemprop" };
	char low[128];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = attr(n, names[i]);

		if (!v)
			continue;
		lower_into(low, sizeof low, v);
		if (match_any(low, hints))
			return true;
	}
	return false;
}

/* Records the names an author element `n` shows (see struct meta), read
 * as a byline. Returns -1 when memory runs out. */
static int shown_author(const xmlNode *n, struct meta *m, struct buf *b)
{
	bool oom = false;
	char *names;

	if (m->nauthors == MAX_SHOWN || !hinted(n, author_hints))
		return 0;
	for (const xmlNode *a = n; a && a->type == XML_ELEMENT_NODE; a = a->parent)
		if (is_tag(a, "form") || is_tag(a, "label"))
			return 0; /* a comment form's "Name *" */
	if (!short_text(n, b, SHOWN_AUTHOR_MAX, &oom))
		return oom ? -1 : 0;
	if (b->len && (names = byline_names(b->data)) != NULL) {
		m->authors[m->nauthors].node = n;
		m->authors[m->nauthors].after_h1 = m->nh1 > 0;
		m->authors[m->nauthors++].value = names;
	}
	return 0;
}

/* Collects the metadata sources of the whole document. Iterative.
 * Returns 0 or -1 when memory runs out. */
int collect_meta(xmlNode *root, struct meta *m)
{
	xmlNode *n = root;
	struct buf b = BUF_INIT;
	int rc = 0;

	for (;;) {
		bool descend = false;

		if (n == root) {
			descend = true; /* the document node */
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
			}
			if (shown_date(n, m, &b)) {
				rc = -1;
				break;
			}
			if (shown_author(n, m, &b)) {
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

/* Sets *field to the first candidate that normalises as a date. */
static int fill_date(char **field, const char *const *cands, size_t n)
{
	for (size_t i = 0; i < n && !*field; i++)
		if (cands[i])
			*field = extract_normalize_date(cands[i]);
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

/* The headline when no metadata names it. Many pages have several <h1>s
 * (the logo, the headline, a box title): the one the <title> contains is
 * the headline ("Headline | Site"; the longest, as the site name may be
 * one too); else a lone <h1>; else the <title>,
 * whose site-name part the caller removes; else the first <h1>. */
static const char *page_headline(const struct meta *m)
{
	const char *best = NULL;

	for (size_t i = 0; m->title && i < m->nh1; i++)
		if (strlen(m->h1[i]) >= 12 &&
		    (!best || strlen(m->h1[i]) > strlen(best)) &&
		    strcasestr(m->title, m->h1[i]))
			best = m->h1[i];
	if (best)
		return best;
	if (m->nh1 == 1)
		return m->h1[0];
	if (m->title)
		return m->title;
	return m->nh1 ? m->h1[0] : NULL;
}

/* Replaces, in place, the character references a page escaped twice
 * ("&amp;#038;" in an attribute reads "&#038;"): &#NNN;, &#xHH;, &amp;,
 * &quot;, &lt;, &gt;, &apos;. */
static void decode_refs(char *s)
{
	static const struct { const char *ref; char c; } named[] = {
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&lt;", '<' },
		{ "&gt;", '>' }, { "&apos;", '\'' }, { NULL, 0 }
	};
	char *w = s;

	for (const char *r = s; *r;) {
		bool done = false;

		if (r[0] == '&' && r[1] == '#') {
			bool hex = r[2] == 'x' || r[2] == 'X';
			char *end;
			long cp = strtol(r + 2 + hex, &end, hex ? 16 : 10);

			if (end > r + 2 + hex && *end == ';' && cp > 0 && cp < 0x110000 &&
			    !(cp >= 0xD800 && cp <= 0xDFFF)) {
				unsigned char u[4];
				int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

				if (n == 1) {
					u[0] = (unsigned char)cp;
				} else {
					for (int i = n - 1; i > 0; i--, cp >>= 6)
						u[i] = (unsigned char)(0x80 | (cp & 0x3F));
					u[0] = (unsigned char)((0xF00 >> n) | cp);
				}
				/* never longer than the reference it replaces */
				memcpy(w, u, (size_t)n);
				w += n;
				r = end + 1;
				done = true;
			}
		}
		for (size_t i = 0; !done && r[0] == '&' && named[i].ref; i++)
			if (!strncmp(r, named[i].ref, strlen(named[i].ref))) {
				*w++ = named[i].c;
				r += strlen(named[i].ref);
				done = true;
			}
		if (!done)
			*w++ = *r++;
	}
	*w = '\0';
}

/* Words in s (runs of non-spaces). */
static size_t words_in(const char *s)
{
	return count_words(s, strlen(s));
}

static bool ieq_start(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool ieq_end(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* The page's headline by agreement of its <h1> with the other statements
 * of it (the JSON-LD headline `ldh`, og:title, twitter:title, <title>).
 * Each <h1> of 8 characters or more that is not the site's name gains,
 * from each statement that equals it, opens with it ("Headline | Site")
 * or, when the <h1> has four words or more, closes with it ("Site |
 * Section | Headline"), the share of the statement it covers; the <h1>
 * with the largest sum (the first of equals) wins: a logo's "BBC NEWS"
 * that opens "BBC NEWS | Scotland | Ferry strike called off" covers less
 * of it than the headline that closes it. Without votes, a statement that an <h1> holds with more
 * around it (a kicker, a date: "Holocaust-Gedenktag Erinnerung an ...",
 * "Politics | Headline") wins. The <h1> is what readers see, the others
 * confirm that it is the headline and not a logo, a blog's name or a
 * section's; a site-wide og:title ("Yahoo News - Latest News &
 * Headlines") agrees with no <h1> and never wins over one; a statement
 * left from another story agrees with one source at most. NULL when
 * nothing agrees. */
static const char *agreed_h1(const struct meta *m, const char *ldh)
{
	const char *others[] = { ldh, m->og_title, m->tw_title, m->title };
	const char *best = NULL, *held = NULL;
	double best_votes = 0;

	for (size_t i = 0; i < m->nh1; i++) {
		const char *h = m->h1[i];
		double votes = 0;

		if (strlen(h) < 8 || (m->og_site && !strcasecmp(h, m->og_site)))
			continue;
		for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
			const char *o = others[k];

			if (!o || strlen(o) < 8)
				continue;
			if (!strcasecmp(o, h) || ieq_start(o, h) ||
			    (ieq_end(o, h) && words_in(h) >= 4))
				votes += (double)strlen(h) / (double)strlen(o);
			else if (words_in(o) >= 2 && strcasestr(h, o) &&
				 (!held || strlen(o) > strlen(held)))
				held = o;
		}
		if (votes > best_votes) {
			best = h;
			best_votes = votes;
		}
	}
	return best ? best : held;
}

/* Whether headline `t` (the JSON-LD one, og:title) agrees with the page:
 * an <h1> or <title> holds it, or it holds one of them. */
static bool agrees(const char *t, const struct meta *m)
{
	const char *others[] = { m->og_title, m->title };

	if (strlen(t) < 8)
		return false;
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (others[i] && others[i] != t && strlen(others[i]) >= 8 &&
		    (strcasestr(others[i], t) || strcasestr(t, others[i])))
			return true;
	for (size_t i = 0; i < m->nh1; i++)
		if (strlen(m->h1[i]) >= 8 &&
		    (strcasestr(m->h1[i], t) || strcasestr(t, m->h1[i])))
			return true;
	return false;
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
		const char *ldh = ld->article ? ld_string(json_object_get(
							  ld->article, "headline"),
						  "name")
					      : NULL;
		const char *t = agreed_h1(m, ldh);

		if (t) {
			out->title = clean_string(t);
			if (!out->title)
				return -1;
			decode_refs(out->title);
			t = NULL;
		}
		if (!out->title && ldh && *ldh && m->nh1 && !agrees(ldh, m))
			ldh = NULL;
		if (!out->title)
			t = ldh;
		if (!out->title && (!t || !*t) && m->og_title &&
		    (m->nh1 == 0 || agrees(m->og_title, m)))
			t = m->og_title;
		if (!out->title && (!t || !*t))
			t = m->tw_title;
		if (!out->title && (!t || !*t))
			t = page_headline(m);
		if (!out->title && (!t || !*t))
			t = m->og_title;
		if (t && *t) {
			out->title = extract_clean_title(t, site);
			if (!out->title)
				return -1;
			if (!*out->title) {
				free(out->title);
				out->title = NULL;
			}
		}
	}

	/* dates */
	const char *pubs[] = { ld_get(ld, "datePublished", "@value"),
			       m->pub,
			       m->ip_pub,
			       m->time_pub,
			       m->other_pub,
			       ld_get(ld, "dateCreated", "@value"),
			       m->time_dt };
	const char *mods[] = { ld_get(ld, "dateModified", "@value"), m->mod,
			       m->ip_mod };
	fill_date(&out->published, pubs, sizeof pubs / sizeof pubs[0]);
	fill_date(&out->modified, mods, sizeof mods / sizeof mods[0]);

	/* author */
	if (!out->author) {
		out->author = ld_authors(ld);
		if (!out->author && m->author && !strstr(m->author, "://"))
			fill(&out->author, m->author);
		if (!out->author && m->art_author &&
		    !strstr(m->art_author, "://"))
			fill(&out->author, m->art_author);
	}

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

