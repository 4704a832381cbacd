/*
 * plaintext: plain-text pages rewritten as minimal HTML (see plaintext.h).
 *
 * The text is cut into lines and paragraphs (runs of non-blank lines). The
 * headline is found by position rather than by length alone: a story's
 * first paragraph of prose is preceded by its headline, and whatever comes
 * before that (a site's name, a section) is not the story. A paragraph is
 * prose when one of its lines holds a sentence (at least 12 words, or 6
 * words ending in sentence punctuation).
 */
#include "plaintext.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SNIFF_BYTES 65536
#define TITLE_MAX_BYTES 300
#define TITLE_SEARCH_LINES 12

bool plaintext_is_html(const char *text, size_t len)
{
	static const char *const doc_tags[] = { "html", "head", "body", "!doctype" };
	static const char *const tags[] = {
		"p", "div", "br", "a", "span", "title", "meta", "table", "td",
		"li", "ul", "h1", "h2", "h3", "script", "style", "img", "link",
		"article", "section", "b", "i", "em", "strong", "!--"
	};
	size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, found = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		const char *p;
		size_t rest;

		if (text[i] != '<')
			continue;
		p = text + i + 1 + (text[i + 1] == '/');
		rest = n - (size_t)(p - text);
		for (size_t k = 0; k < sizeof doc_tags / sizeof doc_tags[0]; k++) {
			size_t l = strlen(doc_tags[k]);
			if (rest > l && !strncasecmp(p, doc_tags[k], l) &&
			    !isalnum((unsigned char)p[l]))
				return true;
		}
		for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
			size_t l = strlen(tags[k]);
			if (rest > l && !strncasecmp(p, tags[k], l) &&
			    (p[l] == '>' || p[l] == ' ' || p[l] == '/' || tags[k][0] == '!')) {
				if (++found >= 2)
					return true;
				break;
			}
		}
	}
	return false;
}

struct line {
	const char *s;
	size_t len;   /* without the newline and trailing spaces */
	bool blank;
};

static size_t count_words(const char *s, size_t len)
{
	size_t words = 0;
	bool in = false;

	for (size_t i = 0; i < len; i++) {
		bool space = isspace((unsigned char)s[i]);
		if (!space && !in)
			words++;
		in = !space;
	}
	return words;
}

static bool is_sentence(const struct line *l)
{
	size_t w = count_words(l->s, l->len);
	char last = l->len ? l->s[l->len - 1] : 0;

	return w >= 12 || (w >= 6 && (last == '.' || last == '!' || last == '?' ||
				      last == '"' || (unsigned char)last == 0x9d));
}

static bool could_be_title(const struct line *l)
{
	size_t w = count_words(l->s, l->len);
	char last = l->len ? l->s[l->len - 1] : 0;

	return !l->blank && l->len <= TITLE_MAX_BYTES && w >= 1 && w <= 30 &&
	       last != '.' && last != ',' && last != ';' && last != ':';
}

/* Splits `text` into lines (at most `cap`); returns their number. */
static size_t split_lines(const char *text, size_t len, struct line *out, size_t cap)
{
	size_t n = 0, i = 0;

	while (i < len && n < cap) {
		const char *s = text + i, *nl = memchr(s, '\n', len - i);
		size_t l = nl ? (size_t)(nl - s) : len - i;
		size_t start = 0;

		i += l + (nl != NULL);
		while (l && isspace((unsigned char)s[l - 1]))
			l--;
		while (start < l && (s[start] == ' ' || s[start] == '\t'))
			start++;
		out[n].s = s + start;
		out[n].len = l - start;
		out[n].blank = out[n].len == 0;
		n++;
	}
	return n;
}

static size_t count_lines(const char *text, size_t len)
{
	size_t n = 1;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/* The headline's line index, or n when there is none. */
static size_t find_title(const struct line *l, size_t n)
{
	size_t first = n, seen = 0;

	for (size_t i = 0; i < n && seen < TITLE_SEARCH_LINES; i++) {
		if (l[i].blank)
			continue;
		if (first == n)
			first = i;
		seen++;
		if (is_sentence(&l[i])) {
			for (size_t j = i; j-- > 0;)
				if (!l[j].blank)
					return could_be_title(&l[j]) ? j : n;
			return n;
		}
	}
	return first < n && could_be_title(&l[first]) ? first : n;
}

static int add_escaped(struct buf *b, const char *s, size_t len)
{
	int rc = 0;

	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '<': rc |= buf_adds(b, "&lt;"); break;
		case '>': rc |= buf_adds(b, "&gt;"); break;
		case '&': rc |= buf_adds(b, "&amp;"); break;
		case '"': rc |= buf_adds(b, "&quot;"); break;
		case '\r': case '\f': case '\v': rc |= buf_addc(b, ' '); break;
		default: rc |= buf_addc(b, s[i]);
		}
	}
	return rc;
}

/* A paragraph of two or more lines is hard-wrapped when every line but the
 * last is long and they end near one width, as an editor's wrap leaves. */
static bool hard_wrapped(const struct line *l, size_t from, size_t to)
{
	size_t lo = (size_t)-1, hi = 0;

	if (to - from < 2)
		return false;
	for (size_t i = from; i + 1 < to; i++) {
		lo = l[i].len < lo ? l[i].len : lo;
		hi = l[i].len > hi ? l[i].len : hi;
	}
	return lo >= 40 && hi <= 100 && hi - lo <= 25;
}

static int add_paragraphs(struct buf *b, const struct line *l, size_t from, size_t n)
{
	int rc = 0;
	size_t i = from;

	while (i < n) {
		size_t end;

		if (l[i].blank) {
			i++;
			continue;
		}
		for (end = i; end < n && !l[end].blank; end++)
			;
		if (hard_wrapped(l, i, end)) {
			rc |= buf_adds(b, "<p>");
			for (size_t k = i; k < end; k++) {
				rc |= add_escaped(b, l[k].s, l[k].len);
				rc |= buf_addc(b, k + 1 < end ? ' ' : '\n');
			}
			rc |= buf_adds(b, "</p>\n");
		} else {
			for (size_t k = i; k < end; k++) {
				rc |= buf_adds(b, "<p>");
				rc |= add_escaped(b, l[k].s, l[k].len);
				rc |= buf_adds(b, "</p>\n");
			}
		}
		i = end;
	}
	return rc;
}

int plaintext_to_html(const char *text, size_t len, struct buf *html)
{
	size_t cap = count_lines(text, len), n, t;
	struct line *l = malloc(cap * sizeof *l);
	size_t start = html->len;
	int rc = 0;

	if (!l)
		return -1;
	n = split_lines(text, len, l, cap);
	t = find_title(l, n);
	rc |= buf_adds(html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">");
	if (t < n) {
		rc |= buf_adds(html, "<title>");
		rc |= add_escaped(html, l[t].s, l[t].len);
		rc |= buf_adds(html, "</title>");
	}
	rc |= buf_adds(html, "</head>\n<body><article>\n");
	if (t < n) {
		rc |= buf_adds(html, "<h1>");
		rc |= add_escaped(html, l[t].s, l[t].len);
		rc |= buf_adds(html, "</h1>\n");
	}
	rc |= add_paragraphs(html, l, t < n ? t + 1 : 0, n);
	rc |= buf_adds(html, "</article></body></html>\n");
	free(l);
	if (rc)
		buf_truncate(html, start);
	return rc ? -1 : 0;
}
