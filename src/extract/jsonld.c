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

/* JSON-LD articleBody as paragraphs ("\n" runs become "\n\n"), or NULL. */
char *ld_body(const struct ld *ld)
{
	const char *s = ld->article ? json_string_value(json_object_get(
					      ld->article, "articleBody"))
				    : NULL;
	struct buf b = BUF_INIT;
	bool space = false;

	if (!s)
		return NULL;
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

