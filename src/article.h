/*
 * article: one story as the pipeline sees it after extraction (or as a CMS
 * export gives it), whatever its source.
 *
 * Every string field is either NULL (unknown) or a NUL-terminated UTF-8
 * string owned by the article, allocated with malloc(3); article_clear()
 * frees them all. `text` holds the article's paragraphs separated by one
 * blank line ("\n\n"), without the title.
 */
#ifndef RELATED_ARTICLE_H
#define RELATED_ARTICLE_H

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
	char *image;
	char *charset;   /* charset the page was decoded from */
	char *text;
};

/* Frees every field and sets them to NULL. */
void article_clear(struct article *a);

/* Replaces *field with a copy of value (NULL allowed). Returns -1 when memory
 * runs out, leaving *field unchanged. */
int article_set(char **field, const char *value);

#endif
