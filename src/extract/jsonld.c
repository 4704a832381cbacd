/*
 * extract/jsonld.c: JSON-LD blocks: lenient parsing, the first
 * article-typed object (through @graph and arrays), its fields and body.
 */
#include "internal.h"

static bool ld_type_matches(const json_t *obj, bool article)
{
	const json_t *t = json_object_get(obj, "@type");
	size_t i, n = json_is_array(t) ? json_array_size(t) : 1;

	for (i = 0; i < n; i++) {
		const char *s = json_string_value(
			json_is_array(t) ? json_array_get(t, i) : t);

		if (!s)
			continue;
		if (article && (strstr(s, "Article") || strstr(s, "BlogPosting") ||
				strstr(s, "Report") || strstr(s, "Posting")))
			return true;
		if (!article && strstr(s, "WebPage"))
			return true;
	}
	return false;
}

/* The first object (depth-first, at most `depth` levels down) whose type
 * is an article (or a web page). */
static json_t *ld_find(json_t *v, bool article, int depth)
{
	if (depth <= 0 || !v)
		return NULL;
	if (json_is_array(v)) {
		size_t i;
		json_t *e, *r;

		json_array_foreach(v, i, e)
			if ((r = ld_find(e, article, depth - 1)) != NULL)
				return r;
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	if (ld_type_matches(v, article))
		return v;
	const char *k;
	json_t *e, *r;

	json_object_foreach(v, k, e)
		if ((json_is_object(e) || json_is_array(e)) &&
		    (r = ld_find(e, article, depth - 1)) != NULL)
			return r;
	return NULL;
}

/* A string from a JSON-LD value: a string, the first of an array, or an
 * object's `key` (e.g. "name", "url"). */
const char *ld_string(const json_t *v, const char *key)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		v = json_object_get(v, key);
	if (json_is_array(v))
		v = json_array_get(v, 0);
	return json_string_value(v);
}

/* The first object (depth-first, bounded) with a "datePublished". */
static json_t *ld_find_dated(json_t *v, int depth)
{
	json_t *e, *r;
	size_t i;
	const char *k;

	if (depth <= 0 || !v)
		return NULL;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if ((r = ld_find_dated(e, depth - 1)) != NULL)
				return r;
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	if (json_object_get(v, "datePublished"))
		return v;
	json_object_foreach(v, k, e)
		if ((json_is_object(e) || json_is_array(e)) &&
		    (r = ld_find_dated(e, depth - 1)) != NULL)
			return r;
	return NULL;
}

/* Parses the JSON-LD blocks, tolerating raw control characters inside
 * strings and wrappers (comments, CDATA) around the value. */
void ld_parse(struct ld *ld, struct meta *m)
{
	for (size_t i = 0; i < m->nld; i++) {
		char *s = m->ld[i], *a, *z;
		json_t *v;

		for (char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		a = strpbrk(s, "{[");
		z = NULL;
		for (char *p = s; *p; p++)
			if (*p == '}' || *p == ']')
				z = p;
		if (!a || !z || z < a)
			continue;
		v = json_loadb(a, (size_t)(z - a + 1), 0, NULL);
		if (v)
			ld->roots[ld->n++] = v;
	}
	for (size_t i = 0; i < ld->n && !ld->article; i++)
		ld->article = ld_find(ld->roots[i], true, 8);
	for (size_t i = 0; i < ld->n && !ld->page; i++)
		ld->page = ld_find(ld->roots[i], false, 8);
	for (size_t i = 0; i < ld->n && !ld->dated; i++)
		ld->dated = ld_find_dated(ld->roots[i], 8);
}

void ld_release(struct ld *ld)
{
	for (size_t i = 0; i < ld->n; i++)
		json_decref(ld->roots[i]);
}

const char *ld_get(const struct ld *ld, const char *key,
			  const char *sub)
{
	const char *s = NULL;

	if (ld->article)
		s = ld_string(json_object_get(ld->article, key), sub);
	if (!s && ld->page)
		s = ld_string(json_object_get(ld->page, key), sub);
	if (!s && ld->dated) /* a Recipe, an Event: any dated object */
		s = ld_string(json_object_get(ld->dated, key), sub);
	return s;
}

/* The object whose "@id" is `id`, searched depth-first (bounded) in v. */
static const json_t *ld_by_id(json_t *v, const char *id, int depth)
{
	json_t *e;
	const json_t *r;
	size_t i;
	const char *k;

	if (depth <= 0 || !v)
		return NULL;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if ((r = ld_by_id(e, id, depth - 1)) != NULL)
				return r;
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	if (json_object_get(v, "name") &&
	    (k = json_string_value(json_object_get(v, "@id"))) != NULL &&
	    !strcmp(k, id))
		return v;
	json_object_foreach(v, k, e)
		if ((json_is_object(e) || json_is_array(e)) &&
		    (r = ld_by_id(e, id, depth - 1)) != NULL)
			return r;
	return NULL;
}

/* An author entry's name: a string, an object's "name", or the name of
 * the object its "@id" refers to elsewhere in the page's JSON-LD (an
 * article in an @graph names its author {"@id": ".../#/person/1"}). */
static const char *ld_author_name(const struct ld *ld, const json_t *e)
{
	const char *s, *id;

	if (json_is_string(e))
		return json_string_value(e);
	if (!json_is_object(e))
		return NULL;
	if ((s = ld_string(json_object_get(e, "name"), "@value")) != NULL)
		return s;
	if (!(id = json_string_value(json_object_get(e, "@id"))))
		return NULL;
	for (size_t i = 0; i < ld->n; i++) {
		const json_t *o = ld_by_id(ld->roots[i], id, 8);

		if (o)
			return ld_string(json_object_get(o, "name"), "@value");
	}
	return NULL;
}

/* Authors from JSON-LD: names joined by ", ". */
char *ld_authors(const struct ld *ld)
{
	const json_t *a = ld->article ? json_object_get(ld->article, "author")
				      : NULL;
	struct buf b = BUF_INIT;
	size_t n = json_is_array(a) ? json_array_size(a) : 1;

	for (size_t i = 0; a && i < n && i < 8; i++) {
		const json_t *e = json_is_array(a) ? json_array_get(a, i) : a;
		const char *s = ld_author_name(ld, e);

		if (!s || !*s || strstr(s, "://"))
			continue;
		if ((b.len && buf_adds(&b, ", ")) || buf_adds(&b, s)) {
			buf_release(&b);
			return NULL;
		}
	}
	if (!b.len)
		return NULL;
	return buf_detach(&b, NULL);
}

/* Whether a JSON-LD string is written as HTML: a '<' that opens a tag,
 * an end tag or a comment ("a < b" and "<3" are text). */
static bool ld_holds_markup(const char *s)
{
	for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<'))
		if (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!')
			return true;
	return false;
}

/* Appends `s` with its line breaks as spaces (in HTML text a newline is
 * white space; lines here are the blocks). */
static int ld_add_inline(struct buf *b, const char *s)
{
	for (size_t n; *s; s += n) {
		n = strcspn(s, "\r\n");
		if ((n && buf_add(b, s, n)) || (s[n] && buf_addc(b, ' ')))
			return -1;
		n += s[n] != '\0';
	}
	return 0;
}

/* An articleBody written as HTML ("<p>It was...</p><p>..."), read by
 * libxml2's HTML parser as a browser reads it (tags, entities, comments,
 * scripts), as lines: one per block element or <br>. NULL when it cannot
 * be parsed or memory runs out. */
static char *ld_markup_lines(const char *s)
{
	size_t len = strlen(s);
	htmlDocPtr doc;
	xmlNode *root, *n;
	struct buf b = BUF_INIT;
	int bad = 0;

	if (len > INT_MAX)
		return NULL;
	doc = htmlReadMemory(s, (int)len, NULL, "UTF-8",
			     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	for (n = root; n && !bad;) {
		bool descend = true;

		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			bad = n->content && ld_add_inline(&b, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			const struct tag *t = tag_lookup(n->name);

			descend = !t || !(t->flags & T_SKIP);
			if ((t && (t->flags & T_BLOCK)) || is_tag(n, "br"))
				bad = buf_addc(&b, '\n');
		}
		n = walk_next(n, root, descend, NULL, NULL);
	}
	if (doc)
		xmlFreeDoc(doc);
	if (bad || !doc) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Lines as paragraphs ("\n" runs become "\n\n", white space collapsed,
 * empty lines dropped), or NULL when none is left. */
static char *ld_body_lines(const char *s)
{
	struct buf b = BUF_INIT;
	bool space = false;

	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *line = strndup(s, n);
		size_t before = b.len;

		if (!line) {
			buf_release(&b);
			return NULL;
		}
		if (b.len && buf_add(&b, "\n\n", 2)) {
			free(line);
			buf_release(&b);
			return NULL;
		}
		space = false;
		size_t k = add_collapsed(&b, line, &space);
		free(line);
		if (k == (size_t)-1) {
			buf_release(&b);
			return NULL;
		}
		if (k == 0)
			buf_truncate(&b, before);
		s += n;
		if (*s)
			s++;
	}
	if (!b.len)
		return NULL;
	return buf_detach(&b, NULL);
}

/* JSON-LD articleBody as paragraphs ("\n" runs become "\n\n"; a body
 * written as HTML is read as HTML first: ld_markup_lines()), or NULL. */
char *ld_body(const struct ld *ld)
{
	const char *s = ld->article ? json_string_value(json_object_get(
					      ld->article, "articleBody"))
				    : NULL;
	char *lines = NULL;
	char *out;

	if (!s)
		return NULL;
	if (ld_holds_markup(s) && !(s = lines = ld_markup_lines(s)))
		return NULL;
	out = ld_body_lines(s);
	free(lines);
	return out;
}

