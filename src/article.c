/* article: field ownership helpers for struct article. */
#include "article.h"

#include <stdlib.h>
#include <string.h>

void article_clear(struct article *a)
{
	char **fields[] = { &a->id, &a->path, &a->url, &a->title,
			    &a->published, &a->modified, &a->author,
			    &a->section, &a->lang, &a->image, &a->charset,
			    &a->text };

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
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
