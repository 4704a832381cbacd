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
		const char *t = ld->article ? ld_string(json_object_get(
							ld->article, "headline"),
						"name")
					    : NULL;
		if (!t || !*t)
			t = m->og_title;
		if (!t || !*t)
			t = m->tw_title;
		if (!t || !*t)
			t = page_headline(m);
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
	return 0;
}

