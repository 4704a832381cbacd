/*
 * extract/page.c: extract_article(): parsing the page (and again when
 * an element left open in <head> swallowed the body), then metadata,
 * text and the language check.
 */
#include "internal.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
	xmlInitParser();
}

/* A declared language that the text contradicts gives way to the text's:
 * templates copied between sites keep their old <html lang>, and a page
 * declared "de" whose article is English would only be related to German
 * stories. Only declarations of languages the guesser knows are checked,
 * on at least 200 bytes of headline and text (the guess needs ten words,
 * a tenth of them stopwords of one language), and only a confident guess
 * wins. */
static void check_lang(struct article *out, const char *text)
{
	const char *guess;
	char *copy;
	size_t len = strlen(text) + (out->title ? strlen(out->title) : 0);

	if (!out->lang || len < 200 || !stopwords_known(out->lang))
		return;
	guess = analyze_guess_article_lang(out->title, text);
	if (!guess || strcmp(guess, out->lang) == 0)
		return;
	copy = strdup(guess);
	if (!copy)
		return; /* keeping the declaration is a safe answer */
	free(out->lang);
	out->lang = copy;
}

/* libxml2 checks each new attribute of a tag against all the earlier ones,
 * so one tag with 100,000 attributes takes tens of seconds (measured 19 s).
 * Real pages never need more than a few dozen: this returns a copy of the
 * page in which the attributes of any tag beyond MAX_TAG_ATTRIBUTES are
 * blanked out (their bytes become spaces), or NULL when no tag has that
 * many (the common case: one pass over the bytes, no copy). */
#define MAX_TAG_ATTRIBUTES 256

static char *limit_attributes(const char *html, size_t len, bool *oom)
{
	char *copy = NULL;
	size_t i = 0;

	*oom = false;
	while (i < len) {
		const char *lt = memchr(html + i, '<', len - i);
		size_t j, eq = 0;
		char quote = 0;

		if (!lt)
			break;
		i = (size_t)(lt - html) + 1;
		if (i >= len || !((html[i] | 0x20) >= 'a' && (html[i] | 0x20) <= 'z'))
			continue;
		for (j = i; j < len; j++) {
			char ch = html[j];
			if (quote) {
				if (ch == quote)
					quote = 0;
				continue;
			}
			if (ch == '"' || ch == '\'')
				quote = ch;
			else if (ch == '>')
				break;
			else if (ch == '=' && ++eq > MAX_TAG_ATTRIBUTES) {
				/* blank from the last space before this attribute */
				size_t k = j;
				while (k > i && html[k - 1] != ' ' && html[k - 1] != '\t' &&
				       html[k - 1] != '\n' && html[k - 1] != '\r')
					k--;
				if (!copy) {
					copy = malloc(len ? len : 1);
					if (!copy) {
						*oom = true;
						return NULL;
					}
					memcpy(copy, html, len);
				}
				/* blank the rest of the tag up to its '>' (outside quotes) */
				for (j = k, quote = 0; j < len; j++) {
					if (quote) {
						if (copy[j] == quote)
							quote = 0;
					} else if (copy[j] == '"' || copy[j] == '\'') {
						quote = copy[j];
					} else if (copy[j] == '>') {
						break;
					}
					copy[j] = ' ';
				}
				break;
			}
		}
		i = j;
	}
	return copy;
}

/* ---- pages swallowed by an open element ------------------------------ */

/* Offset of the first case-insensitive `needle` in s[from..len), or len. */
static size_t find_ci(const char *s, size_t len, size_t from,
		      const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = from; i + n <= len; i++) {
		const char *lt = memchr(s + i, needle[0], len - i - n + 1);

		if (!lt)
			break;
		i = (size_t)(lt - s);
		if (strncasecmp(s + i, needle, n) == 0)
			return i;
	}
	return len;
}

/* True when some child of `n` is a block or a never-content element (div,
 * table, script...), which no <title> holds unless the page forgot to
 * close it. */
static bool holds_markup(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		const struct tag *t;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		t = tag_lookup(c->name);
		if (t && (t->flags & (T_BLOCK | T_SKIP)))
			return true;
	}
	return false;
}

/* Where an unclosed <title> of the page should have ended: before the
 * first tag after its start tag. Returns len when it cannot be placed. */
static size_t title_end_at(const char *html, size_t len)
{
	size_t i = 0;

	for (;;) {
		i = find_ci(html, len, i, "<title");
		if (i + 6 >= len)
			return len;
		i += 6;
		if (html[i] == '>' || html[i] == ' ' || html[i] == '\t' ||
		    html[i] == '\n' || html[i] == '\r')
			break;
	}
	while (i < len && html[i] != '>')
		i++;
	for (i++; i + 1 < len; i++) {
		char c = html[i + 1];

		if (html[i] == '<' &&
		    (c == '/' || c == '!' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
			return i;
	}
	return len;
}

/* Where the code of a <script> that reads the end of the head and the
 * start of the body ends, as a script whose start tag lost its closing
 * quote does: at the "</head" (or "<body") inside its text, found in the
 * page's bytes (a script's text is the page's bytes verbatim). Returns
 * len when the script is sound or its text cannot be found. */
static size_t script_end_at(const xmlNode *script, const char *html,
			    size_t len)
{
	const xmlNode *c = script->children;
	const char *text, *at;
	size_t n, body, head;

	if (!c || !c->content ||
	    (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE))
		return len;
	text = (const char *)c->content;
	n = strlen(text);
	body = find_ci(text, n, 0, "<body");
	if (body == n)
		return len;
	head = find_ci(text, body, 0, "</head");
	at = memmem(html, len, text, n);
	if (!at)
		return len;
	return (size_t)(at - html) + (head < body ? head : body);
}

/* Looks at the head of a freshly parsed page for an element left open
 * that swallowed the page: a <title> holding the body's markup, or a
 * <script> holding the body's start tag. Returns the offset in `html`
 * where the missing end tag belongs and sets *end_tag, or returns len. */
static size_t swallowed_at(xmlDoc *doc, const char *html, size_t len,
			   const char **end_tag)
{
	xmlNode *root = xmlDocGetRootElement(doc), *head = NULL;

	for (xmlNode *c = root ? root->children : NULL; c && !head; c = c->next)
		if (is_tag(c, "head"))
			head = c;
	for (xmlNode *c = head ? head->children : NULL; c; c = c->next) {
		size_t at = len;

		if (is_tag(c, "title") && holds_markup(c)) {
			at = title_end_at(html, len);
			*end_tag = "</title>";
		} else if (is_tag(c, "script")) {
			at = script_end_at(c, html, len);
			*end_tag = "</script>";
		}
		if (at < len)
			return at;
	}
	return len;
}

/* Parses the page; when an element left open in its head swallowed the
 * rest, parses it again with that element's end tag put where it was
 * missing (at most twice, for a title and a script). Returns NULL when the
 * page is not parseable; sets *oom when memory ran out. */
static htmlDocPtr parse_page(const char *html, size_t len, bool *oom)
{
	const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
			 HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
			 HTML_PARSE_IGNORE_ENC;
	char *limited = limit_attributes(html, len, oom);
	char *fixed = NULL;
	htmlDocPtr doc;

	if (*oom)
		return NULL;
	if (limited)
		html = limited;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", opts);
	for (int round = 0; doc && round < 2; round++) {
		const char *end_tag = NULL;
		size_t at = swallowed_at(doc, html, len, &end_tag), n;
		char *copy;

		if (at >= len)
			break;
		n = strlen(end_tag);
		if (len > (size_t)INT_MAX - n || !(copy = malloc(len + n))) {
			*oom = len <= (size_t)INT_MAX - n;
			break;
		}
		memcpy(copy, html, at);
		memcpy(copy + at, end_tag, n);
		memcpy(copy + at + n, html + at, len - at);
		free(fixed);
		fixed = copy;
		html = copy;
		len += n;
		xmlFreeDoc(doc);
		doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", opts);
	}
	free(fixed);
	free(limited);
	if (*oom) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

int extract_article(const char *html, size_t len, const char *name,
		    struct article *out, struct error *err)
{
	struct meta m = { 0 };
	struct ld ld = { 0 };
	htmlDocPtr doc;
	xmlNode *root;
	char *text = NULL, *body;
	bool lang_ours;
	int rc = -1;

	pthread_once(&init_once, init_libxml);
	if (!html)
		return error_set(err, name, "no page");
	if (len > INT_MAX)
		return error_set(err, name, "page too large to parse (%zu bytes)",
				 len);
	{
		bool oom;

		doc = parse_page(html, len, &oom);
		if (oom)
			return error_set(err, name, "out of memory");
	}
	if (!doc)
		return error_set(err, name, "not parseable as HTML");
	root = xmlDocGetRootElement(doc);
	if (!root) {
		error_set(err, name, "empty HTML document");
		goto out;
	}
	/* Broken pages can leave several top-level elements: walk them all. */
	root = (xmlNode *)doc;
	if (collect_meta(root, &m)) {
		error_set(err, name, "out of memory");
		goto out;
	}
	ld_parse(&ld, &m);
	lang_ours = out->lang == NULL;
	if (fill_metadata(out, &m, &ld)) {
		error_set(err, name, "out of memory");
		goto out;
	}
	if (extract_text(root, out, &text)) {
		error_set(err, name, "out of memory");
		goto out;
	}
	/* The publisher's own copy of the text, when ours is much shorter. */
	body = ld_body(&ld);
	if (body && utf8_chars(body) > 2 * utf8_chars(text) + 200) {
		free(text);
		text = body;
	} else {
		free(body);
	}
	if (!*text && !(out->title && *out->title)) {
		/* A page with a headline but no body (a title-only brief, a
		 * video page) is still a story: it is related by its title. */
		error_set(err, name, "no article text found");
		goto out;
	}
	if (lang_ours)
		check_lang(out, text);
	if (!out->text) {
		out->text = text;
		text = NULL;
	}
	rc = 0;
out:
	free(text);
	ld_release(&ld);
	meta_release(&m);
	xmlFreeDoc(doc);
	return rc;
}
