/* article: field ownership helpers for struct article. */
#include "article.h"

#include <stdlib.h>
#include <string.h>

void article_clear(struct article *a)
{
	char **fields[] = { &a->id, &a->path, &a->url, &a->title,
			    &a->published, &a->modified, &a->author,
			    &a->section, &a->lang, &a->image, &a->charset,
			    &a->text, &a->standfirst, &a->byline, &a->dateline,
			    &a->captions, &a->sitename, &a->tags, &a->warnings };

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

char *article_excerpt(const char *text, size_t max)
{
	static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
	size_t len, cut;
	const char *end;
	char *out;

	if (!text)
		return NULL;
	while (*text == ' ' || *text == '\n')
		text++;
	end = strstr(text, "\n\n");
	len = end ? (size_t)(end - text) : strlen(text);
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\n'))
		len--;
	if (!len)
		return NULL;
	if (len <= max) {
		out = malloc(len + 1);
		if (out) {
			memcpy(out, text, len);
			out[len] = '\0';
		}
		return out;
	}
	if (max < sizeof ellipsis)
		return NULL;
	cut = max - (sizeof ellipsis - 1);
	while (cut && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--; /* never inside a character */
	for (size_t i = cut; i > cut / 2; i--)
		if (text[i] == ' ') {
			cut = i;
			break;
		}
	while (cut && text[cut - 1] == ' ')
		cut--;
	out = malloc(cut + sizeof ellipsis);
	if (out) {
		memcpy(out, text, cut);
		memcpy(out + cut, ellipsis, sizeof ellipsis);
	}
	return out;
}

int article_set(char **field, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return -1;
	}
	free(*field);
	*field = copy;
	return 0;
}

/* True when the list `list` holds `item` (`len` bytes) as one of its lines. */
static int list_has(const char *list, const char *item, size_t len)
{
	for (const char *p = list; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n == len && !memcmp(p, item, len))
			return 1;
		p = nl ? nl + 1 : p + n;
	}
	return 0;
}

int article_list_add(char **list, const char *item, size_t len)
{
	size_t old = *list ? strlen(*list) : 0;
	char *grown;

	if (list_has(*list, item, len))
		return 0;
	grown = realloc(*list, old + (old ? 1 : 0) + len + 1);
	if (!grown)
		return -1;
	if (old)
		grown[old++] = '\n';
	memcpy(grown + old, item, len);
	grown[old + len] = '\0';
	*list = grown;
	return 0;
}
