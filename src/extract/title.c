/*
 * extract/title.c: the headline without the site name around it.
 */
#include "internal.h"

size_t count_words(const char *s, size_t len)
{
	size_t n = 0;
	bool in = false;

	for (size_t i = 0; i < len; i++) {
		bool sp = isspace((unsigned char)s[i]) != 0;

		if (!sp && !in)
			n++;
		in = !sp;
	}
	return n;
}

static const char *const title_seps[] = { " | ", " - ", " – ", " — ",
					  " :: ", " · ", " » ", " « ",
					  " / ", " • ", ": ", NULL };

char *extract_clean_title(const char *title, const char *site)
{
	char *t = clean_string(title), *st = clean_string(site);
	size_t tl, sl;

	if (!t) {
		free(st);
		return strdup("");
	}
	tl = strlen(t);
	if (st && (sl = strlen(st)) > 0 && sl < tl) {
		for (const char *const *sep = title_seps; *sep; sep++) {
			size_t pl = strlen(*sep);

			if (tl > sl + pl &&
			    strcasecmp(t + tl - sl, st) == 0 &&
			    strncmp(t + tl - sl - pl, *sep, pl) == 0) {
				t[tl - sl - pl] = '\0';
				free(st);
				return t;
			}
			if (tl > sl + pl && strncasecmp(t, st, sl) == 0 &&
			    strncmp(t + sl, *sep, pl) == 0) {
				memmove(t, t + sl + pl, tl - sl - pl + 1);
				free(st);
				return t;
			}
		}
	}
	free(st);
	/* No known site: a short last segment after a strong separator. */
	for (const char *const *sep = title_seps; *sep; sep++) {
		const char *cut = NULL, *q = t;
		size_t pl = strlen(*sep);

		if (strcmp(*sep, ": ") == 0)
			break;
		while ((q = strstr(q, *sep)) != NULL) {
			cut = q;
			q += pl;
		}
		if (!cut)
			continue;
		size_t head = (size_t)(cut - t);
		const char *tail = cut + pl;
		if (count_words(tail, strlen(tail)) <= 3 &&
		    count_words(t, head) >= 3) {
			t[head] = '\0';
			/* "Headline | Section | Site": strip again. */
			q = strstr(t, *sep);
			if (q && count_words(q + pl, strlen(q + pl)) <= 3 &&
			    count_words(t, (size_t)(q - t)) >= 3)
				t[q - t] = '\0';
			return t;
		}
	}
	return t;
}

