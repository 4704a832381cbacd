/*
 * article: one story as the pipeline sees it after extraction (or as a CMS
 * export gives it), whatever its source.
 *
 * Every string field is either NULL (unknown) or a NUL-terminated UTF-8
 * string owned by the article, allocated with malloc(3); article_clear()
 * frees them all. `text` holds the article's body (schema.org's
 * articleBody: paragraphs, subheadings, lists, quotes and tables of the
 * story) as paragraphs separated by one blank line ("\n\n"), without the
 * title. The story's other parts have fields of their own; a list field
 * (captions, tags, warnings) holds one item per line ("\n" between items,
 * none inside one) and is printed as a JSON array.
 */
#ifndef RELATED_ARTICLE_H
#define RELATED_ARTICLE_H

#include <stddef.h>

struct buf;

/* Where one of the story's parts stood on the page: after `paras`
 * paragraphs of the text, `rank`-th among the parts in page order. */
struct article_place {
	unsigned paras, rank;
};

struct article {
	char *id;        /* stable identifier given by the input stage */
	char *path;      /* file it came from, NULL for JSON Lines articles */
	char *url;       /* canonical URL */
	char *title;     /* headline without the site-name suffix */
	char *published; /* RFC 3339 */
	char *modified;  /* RFC 3339 */
	char *author;
	char *section;
	char *lang;      /* ISO 639-1 code, lowercase ("en", "ru") */
	char *image;     /* lead image, absolute URL */
	char *charset;   /* charset the page was decoded from */
	char *text;      /* the body only */
	char *standfirst; /* the summary under the headline (dek, lead) */
	char *byline;    /* the byline as printed ("By Ann Lee and Bo Park") */
	char *dateline;  /* the date line as printed ("Updated 5:27 am, ...") */
	char *captions;  /* list: picture captions and credits, without repeats */
	char *sitename;
	char *tags;      /* list: keywords the page gives */
	char *warnings;  /* list: why this extraction is probably wrong
			    ("not-html" is a note: the page was plain text) */
	/* Where the parts stood among the text's paragraphs (malloc'd, or
	 * NULL when unknown): [0] standfirst, [1] byline, [2] dateline,
	 * [3 + i] the i-th caption; `nplaces` entries, rank UINT_MAX for a
	 * part whose place is unknown. Not printed in JSON;
	 * article_with_parts() reads it. */
	struct article_place *places;
	size_t nplaces;
};

/* A short excerpt for a widget: the first paragraph of `text`, cut at the
 * last space (or character boundary) before `max` bytes with "…" added when
 * longer; malloc'd, or NULL when there is no text or memory runs out. */
char *article_excerpt(const char *text, size_t max);

/* Appends to `b` the text with the story's parts where the page showed
 * them (`extract --format text --with-parts`): the standfirst, byline,
 * dateline and each caption before the text paragraph they stood before,
 * in page order, paragraphs separated by a blank line. A part whose place
 * is unknown goes where a page usually shows it: the standfirst, byline
 * and dateline before the text, a caption after it; a place beyond the
 * text's end (the text was cut after the part was met) is the end.
 * Returns -1 when memory runs out. */
int article_with_parts(struct buf *b, const struct article *a);

/* Frees every field and sets them to NULL. */
void article_clear(struct article *a);

/* Replaces *field with a copy of value (NULL allowed). Returns -1 when memory
 * runs out, leaving *field unchanged. */
int article_set(char **field, const char *value);

/* Appends `item` (`len` bytes, no newline inside) to the list field *list
 * unless the list holds it already. Returns -1 when memory runs out,
 * leaving *list unchanged. */
int article_list_add(char **list, const char *item, size_t len);

#endif
