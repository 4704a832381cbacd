/*
 * extract/page.c: extract_article(): parsing the page (and again when
 * an element left open in <head> swallowed the body), then metadata,
 * text and the language check.
 */
#include "internal.h"

#include <utf8proc.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
	xmlInitParser();
}

/* Adds warning `w` to the article's list (article.h). */
static void add_warning(struct article *out, const char *w)
{
	/* No memory for a warning: the article itself is still right. */
	(void)article_list_add(&out->warnings, w, strlen(w));
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
	add_warning(out, "lang-differs");
}

/* ---- warnings: signs that the extraction probably failed ---- */

enum { KEY_WORD_MIN = 4, KEY_PREFIX = 5, KEY_WORDS_MAX = 32 };

/* Up to KEY_WORDS_MAX words of `s` of KEY_WORD_MIN bytes or more that
 * are neither digits nor stopwords of `lang`, as their first KEY_PREFIX
 * bytes ASCII-lowercased (a crude stem: "Tillerson's" and "Tillerson"
 * meet), into keys[]; returns how many. */
static size_t key_words(const char *s, const char *lang,
			char keys[][KEY_PREFIX + 1], size_t max)
{
	char low[64];
	size_t n = 0;

	while (s && *s && n < max) {
		size_t l = 0;
		bool digit = false;

		while (s[l] && (isalnum((unsigned char)s[l]) || (unsigned char)s[l] >= 0x80)) {
			digit = digit || isdigit((unsigned char)s[l]);
			l++;
		}
		for (size_t i = 0; i < l && i < sizeof low; i++)
			low[i] = (char)tolower((unsigned char)s[i]);
		if (l >= KEY_WORD_MIN && !digit &&
		    !(lang && l <= sizeof low && stopwords_contains(lang, low, l))) {
			size_t k = l < KEY_PREFIX ? l : KEY_PREFIX;

			for (size_t i = 0; i < k; i++)
				keys[n][i] = (char)tolower((unsigned char)s[i]);
			keys[n++][k] = '\0';
		}
		s += l ? l : 1;
	}
	return n;
}

/* How many of the keys start a word of `text`. Linear in the text times
 * the keys (at most KEY_WORDS_MAX). */
static size_t shared_keys(const char *text, char keys[][KEY_PREFIX + 1], size_t n)
{
	bool seen[KEY_WORDS_MAX] = { false };
	size_t k = 0;

	for (const char *p = text; *p && k < n; p++) {
		if (p > text && (isalnum((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0x80))
			continue;
		for (size_t i = 0; i < n; i++)
			if (!seen[i] && same_first_letter(p, keys[i]) &&
			    strncasecmp(p, keys[i], strlen(keys[i])) == 0) {
				seen[i] = true;
				k++;
			}
	}
	return k;
}

/* Whether most paragraphs of `text` are short lines of one repeated shape
 * (digits taken as one): a column of timestamps, "0 comment(s)" lines, a
 * list of dates. Six paragraphs or more, of which half or more are lines
 * under REPEAT_LINE_MAX bytes whose shape occurs three times or more. */
enum { REPEAT_LINE_MAX = 80, REPEAT_PARAS = 64 };
static bool repetitive(const char *text)
{
	char shape[REPEAT_PARAS][REPEAT_LINE_MAX];
	size_t n = 0, total = 0, repeated = 0;

	for (const char *p = text; *p;) {
		size_t l = strcspn(p, "\n"), k = 0;

		if (l) {
			total++;
			if (l < REPEAT_LINE_MAX && n < REPEAT_PARAS) {
				for (size_t i = 0; i < l; i++)
					if (!isdigit((unsigned char)p[i]) ||
					    !(k && shape[n][k - 1] == '0'))
						shape[n][k++] = isdigit((unsigned char)p[i]) ? '0' : p[i];
				shape[n++][k] = '\0';
			}
		}
		p += l;
		p += strspn(p, "\n");
	}
	if (total < 6)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t same = 0;

		for (size_t j = 0; j < n; j++)
			same += strcmp(shape[i], shape[j]) == 0;
		repeated += same >= 3;
	}
	return repeated * 2 >= total;
}

/* The letters and digits of s[0..len) lowercased (ASCII; other bytes
 * of UTF-8 letters as they are), into `out`; pos[k] is the byte of `s`
 * that gave out[k] when pos is not NULL. Returns 0, or -1 on no memory. */
static int letters_only(const char *s, size_t len, struct buf *out,
			size_t **pos)
{
	size_t *p = pos ? malloc((len + 1) * sizeof *p) : NULL;

	if (pos && !p)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char l;

		if (!(isalnum(c) || c >= 0x80))
			continue;
		l = (char)tolower(c);
		if (p)
			p[out->len] = i;
		if (buf_add(out, &l, 1)) {
			free(p);
			return -1;
		}
	}
	if (pos)
		*pos = p;
	return 0;
}

/* What follows the story's end in the DOM's text, cut when the
 * publisher's own copy (`body`, JSON-LD articleBody, BODY_END_MIN
 * letters or more, and as many as 6/10 of the text's) says where it
 * ends: the paragraph of `text` that holds body's last BODY_END_KEY
 * letters and digits (compared without spaces, punctuation or case; or
 * the BODY_END_KEY before up to BODY_END_SLACK last ones our text moved
 * to the parts, a closing "Von Cosima Künzel" or "(dpa)") ends the
 * text. What a page prints after its story inside the story's
 * container (an author's bio, a contact line, a promo, other stories'
 * teasers) is in no articleBody. A body whose end our text does not
 * hold (cut short by the site, or another story), or that is much
 * shorter than the text (a summary, the part before a paywall), cuts
 * nothing. Returns 0, or -1 on no memory. */
enum { BODY_END_MIN = 200, BODY_END_KEY = 48, BODY_END_SLACK = 64,
       BODY_SHARE_NUM = 6, BODY_SHARE_DEN = 10 };
static int cut_after_body_end(char *text, const char *body)
{
	struct buf b = BUF_INIT, t = BUF_INIT;
	size_t *pos = NULL, end;
	const char *at = NULL;
	char *next;
	int rc = -1;

	if (letters_only(body, strlen(body), &b, NULL))
		goto out;
	rc = 0;
	if (b.len < BODY_END_MIN)
		goto out;
	rc = -1;
	if (letters_only(text, strlen(text), &t, &pos))
		goto out;
	rc = 0;
	if (b.len * BODY_SHARE_DEN < t.len * BODY_SHARE_NUM)
		goto out; /* a summary or the free part: it ends early */
	for (size_t skip = 0; !at && skip <= BODY_END_SLACK &&
			      skip + BODY_END_KEY <= b.len; skip++) {
		const char *key = b.data + b.len - skip - BODY_END_KEY;

		for (size_t from = 0; from + BODY_END_KEY <= t.len;) {
			const char *f = memmem(t.data + from, t.len - from, key,
					       BODY_END_KEY);

			if (!f)
				break;
			at = f; /* the last occurrence */
			from = (size_t)(f - t.data) + 1;
		}
	}
	if (!at)
		goto out;
	end = pos[(size_t)(at - t.data) + BODY_END_KEY - 1];
	next = strstr(text + end, "\n\n");
	if (next)
		*next = '\0';
out:
	free(pos);
	buf_release(&b);
	buf_release(&t);
	return rc;
}

/* Whether the DOM's text `text` is the story the publisher's own copy
 * `body` (JSON-LD articleBody) tells: when the body holds
 * CONFIRM_BODY_MIN characters or more, at least a quarter of its first
 * key words (key_words()) start words of the text. A comment thread, a
 * login form or another story taken for the article shares almost none;
 * the body then stands in for it. */
enum { CONFIRM_BODY_MIN = 400, CONFIRM_SHARE = 4 };
static bool confirms(const char *body, const char *text, const char *lang)
{
	char keys[KEY_WORDS_MAX][KEY_PREFIX + 1];
	size_t n;

	if (strlen(body) < CONFIRM_BODY_MIN)
		return true;
	n = key_words(body, lang, keys, KEY_WORDS_MAX);
	return n < 8 || shared_keys(text, keys, n) * CONFIRM_SHARE >= n;
}

/* Warnings for an extraction that probably failed (article.h).
 * "text-unlike-headline": the page states its headline (an <h1> or <h2>
 * holds the title; a <title> alone may be the site's name), the headline
 * is no date line, three key words or more (four letters or more, no
 * stopwords), and the text shares under a quarter of them; unless the
 * page itself vouches for the text: it opens with, or holds half of,
 * what the page shows right after the headline (a headline that is the
 * story's first sentence shares no word with the rest, yet the rest
 * follows it). Another story, a comment thread, a teaser list then.
 * "text-short": the text is under a quarter of the page's longest block
 * of prose when that holds SHORT_LARGEST_MIN characters (a box won over
 * the story), or under half the page's own description (`summary`) of
 * SUMMARY_MIN characters or more, with the standfirst shorter than it too
 * (a story is no shorter than its summary: a header box of pull quote and
 * byline won over a paywalled paragraph; an empty text is a title-only
 * story, not a failure). "text-repetitive": mostly short lines of one shape.
 * Measured (scripts/eval-extract; per-page F1 against each set's truth):
 * related-dev-html 11 of 16 pages with F1 < 0.5 warned (10 before), 18
 * warned with F1 >= 0.8 (33 before; 7 of them title-only stories whose
 * text is the page's chrome, 3 lang-differs); extract-dev 4 of 37 (8),
 * 12 (36); extract-dev-web 3 of 18 (4), 13 (16; 12 of them
 * lang-differs).
 * "text-before-headline" and "text-teasers" (dom_warning()) read how the
 * text lay on the page; with them (h18-extract) related-dev-html warns 14
 * of its 14 pages under F1 0.5 (12 before: the two were a "Must Read" box
 * of teasers after a 3-paragraph story and a site's resource column before
 * a one-sentence one), 18 at 0.8 or more (18); extract-dev 2 of 34 (1),
 * 16 of 1008 (12: 3 catalogue pages of linked items and their
 * descriptions, a story followed by other stories' deks, one blog whose
 * headline is a subheading of the post); extract-dev-web unchanged (2 of
 * 14, 13 of 452). */
enum { UNLIKE_TEXT_MIN = 20, SHORT_FACTOR = 4, SHORT_LARGEST_MIN = 400,
       HEAD_SHARE = 4, NEAR_KEYS_MIN = 4, NEAR_SHARE = 2, OPENING_KEYS = 8,
       DATELINE_TITLE_MAX = 80 };

/* Whether `printed` holds what the page shows right after its headline
 * (`near`: the first NEAR_TEXT bytes or so, where the story, or its
 * standfirst, byline and dateline, begin): half or more of near's key
 * words. The headline and the text agree on the page itself then, even
 * when the headline's words are not the text's (a headline that is the
 * story's first sentence, a date line given as the headline). */
static bool holds_near(const char *printed, const char *near, const char *lang)
{
	char keys[KEY_WORDS_MAX][KEY_PREFIX + 1];
	size_t n = near ? key_words(near, lang, keys, KEY_WORDS_MAX) : 0;

	return n >= NEAR_KEYS_MIN && shared_keys(printed, keys, n) * NEAR_SHARE >= n;
}

/* Whether `printed` opens with what the page shows after its headline
 * (`near`): half or more of its first OPENING_KEYS key words are near's
 * (a short story followed by boxes, which fill most of near). */
static bool opens_near(const char *printed, const char *near, const char *lang)
{
	char keys[KEY_WORDS_MAX][KEY_PREFIX + 1];
	size_t n = near ? key_words(printed, lang, keys, OPENING_KEYS) : 0;

	return n >= NEAR_KEYS_MIN && shared_keys(near, keys, n) * NEAR_SHARE >= n;
}

/* The text the page shows right after its headline element `h` (the
 * first NEAR_TEXT bytes or so, scripts, styles and media skipped) within
 * `root`, or NULL when there is none or no memory. */
static char *text_after(const xmlNode *h, const xmlNode *root)
{
	struct buf b = BUF_INIT;
	bool space = false;
	const xmlNode *n = h ? walk_next(h, root, false, NULL, NULL) : NULL;

	while (n && b.len < NEAR_TEXT) {
		bool descend = false;

		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content &&
			    add_collapsed(&b, (const char *)n->content, &space) ==
				    (size_t)-1) {
				buf_release(&b);
				return NULL;
			}
		} else if (n->type == XML_ELEMENT_NODE) {
			const struct tag *t = tag_lookup(n->name);

			descend = !t || !(t->flags & T_SKIP);
			if (t && (t->flags & T_BLOCK))
				space = true;
		}
		n = walk_next(n, root, descend, NULL, NULL);
	}
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Whether the headline is a date line ("22 July 2013 Last updated at
 * 17:50 GMT", "Posted September 26, 2013"): short, holding a date, and
 * no more than one key word (key_words()) that is not a month's, a day's
 * or a date line's ("Conversation with my readers, 29 June 2012" is a
 * headline). Its words say nothing of the story's. */
static bool dateline_title(const char *title, const char *lang)
{
	static const char *const date_words[] = {
		"updat", "poste", "publi", "edite", "modif", "janua", "febru",
		"march", "april", "june", "july", "augus", "septe", "octob",
		"novem", "decem", "monda", "tuesd", "wedne", "thurs", "frida",
		"satur", "sunda", NULL
	};
	char keys[KEY_WORDS_MAX][KEY_PREFIX + 1];
	size_t n, other = 0;
	char *d;

	if (!title || strlen(title) > DATELINE_TITLE_MAX)
		return false;
	d = date_in_text(title);
	free(d);
	if (!d)
		return false;
	n = key_words(title, lang, keys, KEY_WORDS_MAX);
	for (size_t i = 0; i < n; i++) {
		bool dated = false;

		for (const char *const *w = date_words; *w && !dated; w++)
			dated = !strncmp(keys[i], *w, strlen(keys[i]));
		other += !dated;
	}
	return other <= 1;
}

/* The text and its parts (standfirst, byline, dateline) as one string,
 * or NULL when no memory. */
static char *printed_text(const struct article *out)
{
	struct buf b = BUF_INIT;
	const char *parts[] = { out->text, out->standfirst, out->byline,
				out->dateline };

	for (size_t i = 0; i < 4; i++)
		if (parts[i] && (buf_add(&b, parts[i], strlen(parts[i])) ||
				 buf_addc(&b, '\n'))) {
			buf_release(&b);
			return NULL;
		}
	return b.len ? buf_detach(&b, NULL) : (buf_release(&b), strdup(""));
}

/* Whether the page's DOM says the text is not a story (struct tally,
 * counted while printing; NULL when the text is JSON-LD's articleBody):
 * half of it or more printed from blocks before the headline (a story
 * follows its headline: before it stand a site's columns, menus and
 * resource lists), or from TEASER_DEKS paragraphs or more that each follow
 * a link on its own line in their block, the deks of a box of other
 * stories ("<p><a>Headline</a><br>Its dek</p>", the linked headlines
 * themselves dropped as link text). */
enum { TEASER_DEKS = 3 };
static const char *dom_warning(const struct tally *t, const char *text)
{
	size_t len = strlen(text);

	if (!t || len == 0)
		return NULL;
	if (t->pre_head >= t->post_head && t->post_head > 0)
		return "text-before-headline";
	if (t->deks >= TEASER_DEKS && t->dek_bytes * 2 >= len)
		return "text-teasers";
	return NULL;
}

/* Characters of a page's description that make it a measure of the
 * story: a shorter one may be a site's slogan. */
enum { SUMMARY_MIN = 100 };

static void check_extraction(struct article *out, size_t largest,
			     const char *near, bool stated,
			     const struct tally *tally, const char *summary)
{
	size_t summary_chars = summary ? utf8_chars(summary) : 0;
	const char *dom;

	char keys[KEY_WORDS_MAX][KEY_PREFIX + 1];
	const char *text = out->text ? out->text : "";
	size_t n = key_words(out->title, out->lang, keys, KEY_WORDS_MAX);
	size_t chars = utf8_chars(text);
	bool opens = opens_near(text, near, out->lang);

	if (stated && n >= 3 && strlen(text) >= UNLIKE_TEXT_MIN &&
	    shared_keys(text, keys, n) * HEAD_SHARE < n &&
	    !dateline_title(out->title, out->lang) && !opens) {
		char *printed = printed_text(out);

		if (printed && !holds_near(printed, near, out->lang))
			add_warning(out, "text-unlike-headline");
		free(printed);
	}
	if ((chars * SHORT_FACTOR < largest && largest >= SHORT_LARGEST_MIN) ||
	    (summary_chars >= SUMMARY_MIN && chars > 0 && chars * 2 < summary_chars &&
	     chars + (out->standfirst ? utf8_chars(out->standfirst) : 0) <
		     summary_chars))
		add_warning(out, "text-short");
	if (repetitive(text))
		add_warning(out, "text-repetitive");
	if ((dom = dom_warning(tally, text)) != NULL)
		add_warning(out, dom);
}

/* Removes warning `w` from the article's list (article.h: one item per
 * line), in place. */
static void drop_warning(struct article *a, const char *w)
{
	size_t wl = strlen(w);
	char *p = a->warnings;

	while (p && *p) {
		size_t l = strcspn(p, "\n");

		if (l == wl && !strncmp(p, w, l)) {
			memmove(p, p + l + (p[l] == '\n'), strlen(p + l + (p[l] == '\n')) + 1);
			if (!*p && p > a->warnings)
				p[-1] = '\0'; /* it was the last: no trailing newline */
			break;
		}
		p += l + (p[l] == '\n');
	}
	if (a->warnings && !*a->warnings) {
		free(a->warnings);
		a->warnings = NULL;
	}
}

/* The run's cross-page boilerplate removal (boilerplate.h) took the
 * paragraphs a site repeats on its other pages out of the text, which
 * held `before` bytes as extracted: the warnings that read the text
 * alone are made again on what is left. "text-short" when it is cut to a
 * stub (under STUB_MAX bytes and a quarter of what was extracted: the
 * story was mostly the site's chrome; a short story freed of a list of
 * teasers stays unwarned), "text-repetitive" when the rest still is. */
enum { STUB_MAX = 200 };
void extract_recheck_text(struct article *a, size_t before)
{
	size_t now = a->text ? strlen(a->text) : 0;

	if (now == before)
		return;
	if (now < STUB_MAX && now * SHORT_FACTOR < before)
		add_warning(a, "text-short");
	drop_warning(a, "text-repetitive");
	if (a->text && repetitive(a->text))
		add_warning(a, "text-repetitive");
}

/* ---- the page's bytes as the parser reads them ------------------------ */

/* The repairs below work on the page's bytes before (or between) parses.
 * They look only at markup: a comment and the text of a <script> or
 * <style> (which the parser reads verbatim up to the element's end tag)
 * are stepped over whole, so a tag written inside them ("<title>" in a
 * script's string, the "<body><p>" of a JSON-LD articleBody) is never
 * taken for the page's, and no repair is ever made inside them. */

/* Whether html[i..len) starts with `word` (lowercase ASCII; compared
 * case-insensitively) followed by a character that ends a tag name. */
static bool tag_named(const char *html, size_t len, size_t i, const char *word)
{
	char c;

	for (; *word; word++, i++)
		if (i >= len || (html[i] | 0x20) != *word)
			return false;
	if (i >= len)
		return false;
	c = html[i];
	return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' ||
	       c == '\r' || c == '\f';
}

/* The offset of the '>' that ends the tag whose name starts at html[i]
 * (quoted attribute values stepped over), or len. */
static size_t tag_end(const char *html, size_t len, size_t i)
{
	char quote = 0;

	for (; i < len; i++) {
		char ch = html[i];

		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '"' || ch == '\'') {
			quote = ch;
		} else if (ch == '>') {
			return i;
		}
	}
	return len;
}

static size_t find_ci(const char *s, size_t len, size_t from,
		      const char *needle);

/* When html[i] is the '<' of a comment or of a <script> or <style> start
 * tag, the offset just past what the parser reads as one piece: the
 * comment up to "-->", the element's text up to its end tag (its "</").
 * Otherwise i itself. */
static size_t skip_verbatim(const char *html, size_t len, size_t i)
{
	size_t end;

	if (len - i >= 4 && memcmp(html + i, "<!--", 4) == 0) {
		end = find_ci(html, len, i + 4, "-->");
		return end < len ? end + 3 : len;
	}
	if (len - i < 2 || (html[i + 1] | 0x20) != 's')
		return i; /* the common case: neither a script nor a style */
	if (tag_named(html, len, i + 1, "script"))
		end = find_ci(html, len, tag_end(html, len, i + 1), "</script");
	else if (tag_named(html, len, i + 1, "style"))
		end = find_ci(html, len, tag_end(html, len, i + 1), "</style");
	else
		return i;
	return end;
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
		size_t j, eq = 0, at, verbatim;
		char quote = 0;

		if (!lt)
			break;
		at = (size_t)(lt - html);
		verbatim = skip_verbatim(html, len, at);
		if (verbatim > at && html[at + 1] == '!') {
			i = verbatim; /* a comment */
			continue;
		}
		i = at + 1;
		if (i >= len || !((html[i] | 0x20) >= 'a' && (html[i] | 0x20) <= 'z'))
			continue;
		for (j = i; j < len; j++) {
			char ch = html[j];
			if (quote) {
				/* straight to the closing quote: values
				 * (addresses, JSON) are most of a tag */
				const char *q = memchr(html + j, quote, len - j);

				if (!q) {
					j = len;
					break;
				}
				j = (size_t)(q - html);
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
		/* past a script's or style's text: no tags in it */
		i = verbatim > j ? verbatim : j;
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
 * first tag after the first <title> start tag that is markup (not inside
 * a comment, script or style). Returns len when it cannot be placed. */
static size_t title_end_at(const char *html, size_t len)
{
	size_t i = 0;

	for (;;) {
		const char *lt = memchr(html + i, '<', len - i);
		size_t at, past;

		if (!lt)
			return len;
		at = (size_t)(lt - html);
		if ((past = skip_verbatim(html, len, at)) > at) {
			i = past;
			continue;
		}
		i = at + 1;
		if (tag_named(html, len, i, "title"))
			break;
	}
	i = tag_end(html, len, i);
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
 * page's bytes (a script's text is the page's bytes verbatim). Only such a
 * script is cut: one whose start tag, from the last "<script" before its
 * text, holds markup (another '<'), which a sound start tag never does.
 * The text of a sound script is data, whatever it holds (a JSON-LD
 * articleBody with a whole page's "</head><body>"). Returns len when the
 * script is sound or its text cannot be found. */
static size_t script_end_at(const xmlNode *script, const char *html,
			    size_t len)
{
	const xmlNode *c = script->children;
	const char *text, *at;
	size_t n, body, head, open, start;

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
	start = (size_t)(at - html);
	for (open = start; open > 0; open--)
		if (html[open - 1] == '<' && tag_named(html, start, open, "script"))
			break;
	if (open == 0 || !memchr(html + open, '<', start - open))
		return len; /* a sound start tag */
	return start + (head < body ? head : body);
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

/* The attributes the extraction reads (attr() is its only way to them);
 * lowercase, as libxml2 lowercases HTML attribute names. */
static const char *const read_attributes[] = {
	"aria-hidden", "aria-label", "class", "content", "datetime", "hidden",
	"href", "http-equiv", "id", "itemprop", "itemtype", "lang", "name",
	"property", "pubdate", "rel", "role", "style", "type", "xml:lang",
	NULL
};

/* libxml2's blank characters in a tag (not '\f'). */
static bool tag_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A character of a name as libxml2's HTML parser reads one (the first
 * not a digit nor '-'). */
static bool name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == ':' || c == '.' ||
	       (!first && ((c >= '0' && c <= '9') || c == '-'));
}

/* libxml2 reads at most this many characters of a name at once (the
 * rest is the next name). */
enum { PARSER_NAME_MAX = 100 };

/* The end of the name at html[i] as libxml2 reads it, or i when none
 * starts there. */
static size_t name_end(const char *html, size_t len, size_t i)
{
	size_t j = i;

	if (i >= len || !name_char(html[i], true))
		return i;
	while (j < len && j - i < PARSER_NAME_MAX && name_char(html[j], false))
		j++;
	return j;
}

/* Whether the attribute name html[i..j) is one the extraction reads. */
static bool read_attribute(const char *html, size_t i, size_t j)
{
	char low[16];

	if (j - i >= sizeof low)
		return false;
	for (size_t k = i; k < j; k++)
		low[k - i] = (char)tolower((unsigned char)html[k]);
	low[j - i] = '\0';
	for (const char *const *a = read_attributes; *a; a++)
		if (low[0] == (*a)[0] && strcmp(low, *a) == 0)
			return true;
	return false;
}

/* Reads the start tag whose name begins at html[i] as libxml2's
 * htmlParseStartTag() does: blanks, then names, each with '=' and a
 * value (quoted up to the same quote wherever it is, or unquoted up to a
 * blank or '>'), up to '>' or "/>"; where no name starts, what is there
 * up to a blank, '>' or "/>" is bogus and stepped over. Copies the tag
 * to out + *k without the attributes the extraction never reads
 * (read_attributes[]) when none of those holds '<' or '>'. Returns the
 * offset past the tag, or 0 when the page ends inside it (then nothing
 * is copied). */
static size_t copy_read_attributes(const char *html, size_t len, size_t i,
				   char *out, size_t *k, bool *dropped)
{
	size_t j = name_end(html, len, i), from = i - 1, w = *k;

	if (j == i)
		return 0;
	for (;;) {
		size_t at, e, v;

		while (j < len && tag_blank(html[j]))
			j++;
		if (j >= len)
			return 0;
		if (html[j] == '>')
			break;
		if (j + 1 < len && html[j] == '/' && html[j + 1] == '>') {
			j++;
			break;
		}
		at = j;
		if ((e = name_end(html, len, j)) == j) {
			while (j < len && !tag_blank(html[j]) && html[j] != '>' &&
			       !(html[j] == '/' && j + 1 < len && html[j + 1] == '>'))
				j++;
			continue;
		}
		v = e;
		while (v < len && tag_blank(html[v]))
			v++;
		if (v < len && html[v] == '=') {
			v++;
			while (v < len && tag_blank(html[v]))
				v++;
			if (v < len && (html[v] == '"' || html[v] == '\'')) {
				const char *q = memchr(html + v + 1, html[v],
						       len - v - 1);

				if (!q)
					return 0;
				v = (size_t)(q - html) + 1;
			} else {
				while (v < len && !tag_blank(html[v]) && html[v] != '>')
					v++;
			}
			j = v;
		} else {
			j = e; /* a name alone; the blanks are read again */
		}
		if (!read_attribute(html, at, e) &&
		    !memchr(html + at, '<', j - at) && !memchr(html + at, '>', j - at)) {
			memcpy(out + w, html + from, at - from);
			w += at - from;
			from = j;
			*dropped = true;
		}
	}
	if (j >= len)
		return 0;
	memcpy(out + w, html + from, j + 1 - from);
	*k = w + j + 1 - from;
	return j + 1;
}

/* A copy of the page without the attributes of its start tags that the
 * extraction never reads (src, alt, width, data-..., on...: most of what
 * libxml2 spends on a tag), or NULL when it drops none (or memory ran
 * out: *oom). libxml2 builds the same tree from it but for those
 * attributes: start tags are read as libxml2 reads them
 * (copy_read_attributes()), comments, scripts and styles are copied
 * whole, and a tag the page ends in is copied as it is. */
static char *drop_unread_attributes(const char *html, size_t len,
				    size_t *out_len, bool *oom)
{
	char *out = malloc(len ? len : 1);
	size_t i = 0, k = 0;
	bool dropped = false;

	if (!out) {
		*oom = true;
		return NULL;
	}
	while (i < len) {
		const char *lt = memchr(html + i, '<', len - i);
		size_t at, past;

		if (!lt)
			break;
		at = (size_t)(lt - html);
		memcpy(out + k, html + i, at - i);
		k += at - i;
		i = at;
		if ((past = skip_verbatim(html, len, at)) > at) {
			/* a comment, or a script or style with its start tag */
			memcpy(out + k, html + at, past - at);
			k += past - at;
			i = past;
			continue;
		}
		if (at + 1 < len && name_char(html[at + 1], true) &&
		    html[at + 1] != '_' && html[at + 1] != ':' && html[at + 1] != '.') {
			if ((past = copy_read_attributes(html, len, at + 1, out,
							 &k, &dropped)) == 0)
				break;
			i = past;
			continue;
		}
		out[k++] = html[i++];
	}
	if (!dropped) {
		free(out);
		return NULL;
	}
	memcpy(out + k, html + i, len - i);
	*out_len = k + len - i;
	return out;
}

/* A <noscript> whose content leaves an element open ("<noscript><div
 * id=nojs></noscript>") keeps the rest of the page inside it: libxml2
 * ignores an end tag while an element of a higher rank (a <div>) is open
 * inside it. A browser that runs scripts reads no markup there at all, so
 * the rest of the page is its body. A <noscript> holding NOSCRIPT_SWALLOW
 * characters of text or more is taken for such a one (a fallback's
 * message or tracking picture is short; a page that puts its whole text
 * there for readers without scripts loses nothing, as <noscript> is never
 * read as content). Reads each text node once. */
enum { NOSCRIPT_SWALLOW = 2000 };
static bool noscript_swallowed(xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n = root;

	while (n) {
		bool descend = true;

		if (is_tag(n, "noscript")) {
			size_t chars = 0;

			for (xmlNode *c = n; c; c = walk_next(c, n, true, NULL, NULL))
				if (c->type == XML_TEXT_NODE && c->content &&
				    (chars += strlen((const char *)c->content)) >=
					    NOSCRIPT_SWALLOW)
					return true;
			descend = false;
		}
		n = walk_next(n, root, descend, NULL, NULL);
	}
	return false;
}

/* A copy of the page (length in *out_len) with what stands between each
 * <noscript> start tag and its end tag removed, as a browser that runs
 * scripts reads it; comments, scripts and styles are stepped over whole.
 * NULL when there is no memory. */
static char *drop_noscript_content(const char *html, size_t len, size_t *out_len)
{
	char *out = malloc(len ? len : 1);
	size_t i = 0, k = 0;

	if (!out)
		return NULL;
	while (i < len) {
		const char *lt = memchr(html + i, '<', len - i);
		size_t at, past;

		if (!lt) {
			memcpy(out + k, html + i, len - i);
			k += len - i;
			break;
		}
		at = (size_t)(lt - html);
		past = skip_verbatim(html, len, at);
		if (past == at && tag_named(html, len, at + 1, "noscript"))
			past = tag_end(html, len, at + 1) + 1;
		else if (past == at)
			past = at + 1;
		if (past > len)
			past = len;
		memcpy(out + k, html + i, past - i);
		k += past - i;
		i = past;
		if (past > at + 1 && tag_named(html, len, at + 1, "noscript"))
			i = find_ci(html, len, past, "</noscript");
	}
	*out_len = k;
	return out;
}

/* Parses the page; when an element left open in its head swallowed the
 * rest, parses it again with that element's end tag put where it was
 * missing (at most twice, for a title and a script), and once more
 * without the content of its <noscript>s when one swallowed the page
 * (noscript_swallowed()). Returns NULL when the
 * page is not parseable; sets *oom when memory ran out. */
static htmlDocPtr parse_page(const char *html, size_t len, bool *oom)
{
	const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
			 HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
			 HTML_PARSE_IGNORE_ENC;
	char *limited = limit_attributes(html, len, oom);
	char *fixed = NULL, *lean = NULL;
	size_t lean_len = 0;
	htmlDocPtr doc;

	if (*oom)
		return NULL;
	if (limited)
		html = limited;
	if ((lean = drop_unread_attributes(html, len, &lean_len, oom)) != NULL) {
		html = lean;
		len = lean_len;
	} else if (*oom) {
		free(limited);
		return NULL;
	}
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
	if (doc && noscript_swallowed(doc)) {
		size_t n;
		char *copy = drop_noscript_content(html, len, &n);

		if (!copy) {
			*oom = true;
		} else if (n <= (size_t)INT_MAX) {
			xmlFreeDoc(doc);
			doc = htmlReadMemory(copy, (int)n, NULL, "UTF-8", opts);
		}
		free(copy);
	}
	free(fixed);
	free(lean);
	free(limited);
	if (*oom) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

enum { OPENING_BYTES = 40 };

/* The opening of a standfirst, up to its first '|' or OPENING_BYTES
 * bytes: where a date line taken for a standfirst ("January 13, 2020 at
 * 08:45 AM | categories: Python") has its date, and a standfirst's
 * running text seldom has one. Malloc'd; NULL for NULL or no memory. */
static char *opening_of(const char *standfirst)
{
	size_t n;

	if (!standfirst)
		return NULL;
	n = strcspn(standfirst, "|");
	if (n > OPENING_BYTES) {
		n = OPENING_BYTES;
		while (n > 0 && ((unsigned char)standfirst[n] & 0xC0) == 0x80)
			n--;
	}
	return strndup(standfirst, n);
}

enum { OPENING_PARAS = 3 };

/* The date a paragraph among the text's first OPENING_PARAS opens with
 * as a dateline does, before a dash: "29.11.2022 – Mehrfach hatte ...",
 * "Berlin, 29.11.2022 - Die ...". Malloc'd or NULL. */
static char *dateline_in_text(const char *text)
{
	static const char *const dashes[] = { " \xe2\x80\x93 ", " \xe2\x80\x94 ",
					      " - ", NULL };
	const char *p = text;

	for (size_t i = 0; p && *p && i < OPENING_PARAS; i++) {
		size_t len = strcspn(p, "\n");
		const char *dash = NULL;

		for (const char *const *d = dashes; *d; d++) {
			const char *q = strstr(p, *d);

			if (q && q < p + len && q - p <= OPENING_BYTES &&
			    (!dash || q < dash))
				dash = q;
		}
		if (dash) {
			char *head = strndup(p, (size_t)(dash - p));
			char *d = head ? date_in_text(head) : NULL;

			free(head);
			if (d)
				return d;
		}
		p += len;
		p += strspn(p, "\n");
	}
	return NULL;
}

/* The author and date of the byline and dateline the printer moved out of
 * the text, where fill_metadata() found none there (a page without an
 * <h1> or metadata): read with the same parsers (byline_names(),
 * date_in_text()); then the opening of the standfirst (opening_of()) and
 * a dateline opening one of the text's first paragraphs
 * (dateline_in_text()). A date after `modified` is not taken. A field
 * that memory ran out for stays NULL. */
static void fill_from_parts(struct article *out)
{
	char *opening = opening_of(out->standfirst);
	const char *lines[] = { out->dateline, out->byline, opening,
				out->text };

	if (!out->author && out->byline) {
		/* its first line: a role line may follow ("AP Golf Writer") */
		char *first = strndup(out->byline, strcspn(out->byline, "\n"));

		out->author = first ? byline_names(first) : NULL;
		free(first);
	}
	for (size_t i = 0; i < 4 && !out->published; i++) {
		char *d = !lines[i]	       ? NULL
			  : lines[i] == out->text ? dateline_in_text(lines[i])
						  : date_in_text(lines[i]);

		if (d && out->modified && date_days_apart(d, out->modified) > 0) {
			free(d);
			d = NULL;
		}
		out->published = d;
	}
	free(opening);
}

/* A page whose only date is a line that shows its readers when it last
 * changed ("Letzte Änderung: 14.01.2022", BBC's "Last Updated:", a wiki's
 * "last edited" footer) is dated by that line, as published and
 * modified. Runs last: every other source of the published date comes
 * first (a footer may belong to the site's template, not to the story),
 * and a machine-readable modification date alone is never taken as
 * published. */
static void date_by_last_change(struct article *out, const struct meta *m)
{
	if (out->published || out->modified)
		return;
	for (size_t i = 0; i < m->nchanged && !out->modified; i++)
		out->modified = date_in_text(m->changed[i]);
	if (out->modified && !(out->published = strdup(out->modified))) {
		free(out->modified);
		out->modified = NULL;
	}
}

/* Word stems of an appeal to the reader that follows the story: to
 * subscribe (to read the rest behind a paywall, to get the print
 * edition), to sign up for a newsletter, to join or to download the
 * site's app, in the languages of the sets. Matched at a word's start. */
static const char *const appeal_stems[] = {
	"subscri", "newsletter", "abonn", "suscri", "iscriviti", "inscri",
	"sign up", "signing up", "hazte miembro", "download the", NULL
};

/* Whether paragraph `p` (`len` bytes) holds an appeal_stems word. */
static bool holds_appeal(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (isalnum((unsigned char)p[i - 1]) ||
			      ((unsigned char)p[i - 1] & 0x80)))
			continue;
		for (const char *const *w = appeal_stems; *w; w++) {
			size_t k = strlen(*w);

			if (k <= len - i && strncasecmp(p + i, *w, k) == 0)
				return true;
		}
	}
	return false;
}

/* Whether paragraph `p` (`len` bytes) is a label under LABEL_MAX bytes
 * that ends in ':' ("Autoren:", "Quellenangaben:", "Die Karte zum
 * Abspeichern:"): it introduces what follows, so as the text's last
 * paragraph it introduces something the story does not hold (a box, a
 * map, a list of sources left out) and is cut with the appeals. */
enum { LABEL_MAX = 80 };
static bool is_label(const char *p, size_t len)
{
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	return len > 0 && len < LABEL_MAX && p[len - 1] == ':';
}

/* The start of the paragraph that ends at `end` in `t` (the byte after a
 * blank line, or 0). */
static size_t para_start(const char *t, size_t end)
{
	size_t start = end;

	while (start > 0 && !(start >= 2 && t[start - 1] == '\n' &&
			      t[start - 2] == '\n'))
		start--;
	return start;
}

/* The paragraphs of text `t`. */
static size_t count_paras(const char *t)
{
	size_t paras = 0;

	for (const char *p = t; *p;) {
		size_t l = strcspn(p, "\n");

		paras += l > 0;
		p += l;
		p += strspn(p, "\n");
	}
	return paras;
}

/* Appeals to the reader after the story ("Subscribe now to our eNATION
 * edition for the full story.", "If you're seeing this message but you're
 * already a subscriber, ...", "Do you want to be informed of our actions?
 * Sign up here"): the text's last paragraphs, each under APPEAL_MAX bytes
 * and holding an appeal_stems word, are cut when APPEAL_AFTER paragraphs
 * or more of the story stay before them. A paywall's or a newsletter's
 * prompt is the site speaking, not the article body (article.h); a
 * story's own sentence about subscriptions is longer or followed by more
 * of the story. (Measured: extract-dev-web fp -7, fn +1; extract-dev F1
 * +0.0001, 5 pages better, 3 worse; 400 bytes or any stem anywhere in
 * the word cut story sentences: "suspended", "a music subscription
 * service".) A closing label (is_label()) goes with them. (Measured:
 * extract-dev-web fp -3, fn +1; extract-dev 15 pages better, 9 worse,
 * text + parts +0.0001.) */
enum { APPEAL_MAX = 250, APPEAL_AFTER = 2 };
static void cut_closing_chrome(struct article *out)
{
	char *t = out->text;
	size_t paras, cut;

	if (!t)
		return;
	paras = count_paras(t);
	cut = strlen(t);
	while (paras > APPEAL_AFTER) {
		size_t start = para_start(t, cut);

		if (start == 0 || !(is_label(t + start, cut - start) ||
				    (cut - start < APPEAL_MAX &&
				     holds_appeal(t + start, cut - start))))
			break;
		cut = start - 2;
		paras--;
	}
	t[cut] = '\0';
}

/* Words that may stand before an author's name opening a bio ("Dr. Arne
 * Sjöström ist ...", "Über Kathrin Berg", "Autor*in: Prof. Dr. ..."). */
static const char *const bio_openers[] = {
	"dr. ", "prof. ", "über ", "about ", "autor*in: ", "autorin: ",
	"autor: ", "author: ", "— ", "– ", "- ", NULL
};

/* Whether `p` (`len` bytes) opens with the name a[0..n) (two words or
 * more), as written or with middle initials after its first word ("Evan
 * V. Symon" for "Evan Symon"), followed by no letter or digit. */
static bool name_opens(const char *p, size_t len, const char *a, size_t n)
{
	size_t first = (size_t)((const char *)memchr(a, ' ', n) - a), i;

	if (n < len && strncmp(p, a, n) == 0 && !isalnum((unsigned char)p[n]))
		return true;
	if (first + 1 >= len || strncmp(p, a, first + 1) != 0)
		return false;
	i = first + 1;
	for (int k = 0; k < 2 && i + 3 < len && isupper((unsigned char)p[i]) &&
			p[i + 1] == '.' && p[i + 2] == ' '; k++)
		i += 3; /* "V. " */
	if (i == first + 1)
		return false;
	n -= first + 1;
	return i + n < len && strncmp(p + i, a + first + 1, n) == 0 &&
	       !isalnum((unsigned char)p[i + n]);
}

/* Whether paragraph `p` (`len` bytes) opens with one of `author`'s names
 * of two words or more (names split at ",", "&", " and ", " und "; a
 * one-word name may be a news agency or a first name that opens a
 * sentence), after bio_openers. */
static bool opens_with_author(const char *p, size_t len, const char *author)
{
	const char *a = author;

	for (bool again = true; again;) {
		again = false;
		for (const char *const *o = bio_openers; *o; o++) {
			size_t k = strlen(*o);

			if (len > k && strncasecmp(p, *o, k) == 0) {
				p += k;
				len -= k;
				again = true;
			}
		}
	}
	while (*a) {
		size_t n = strcspn(a, ",&");
		const char *and = NULL;

		for (const char *q = a; q < a + n; q++)
			if (!strncmp(q, " and ", 5) || !strncmp(q, " und ", 5)) {
				and = q;
				break;
			}
		if (and)
			n = (size_t)(and - a);
		while (n > 0 && a[0] == ' ') {
			a++;
			n--;
		}
		while (n > 0 && a[n - 1] == ' ')
			n--;
		if (n > 0 && memchr(a, ' ', n) && name_opens(p, len, a, n))
			return true;
		a += n;
		a += strspn(a, " ,&");
		if (!strncmp(a, "and ", 4) || !strncmp(a, "und ", 4))
			a += 4;
	}
	return false;
}

/* The author's bio after the story ("Jule Radeck studierte
 * Sportwissenschaften, bevor ...", "Dr. Arne Sjöström ist Lead People
 * Scientist bei ..."): the text's last paragraphs, each under BIO_MAX
 * bytes and opening with one of the article's authors' names, are cut
 * when BIO_AFTER paragraphs or more of the story stay before them. A
 * story does not end on a paragraph about its writer; a bio is not the
 * article body (article.h). */
enum { BIO_MAX = 600, BIO_AFTER = 2 };
static void cut_author_bio(struct article *out)
{
	char *t = out->text;
	size_t paras, cut;

	if (!t || !out->author)
		return;
	paras = count_paras(t);
	cut = strlen(t);
	while (paras > BIO_AFTER) {
		size_t start = para_start(t, cut);

		if (start == 0 || cut - start >= BIO_MAX ||
		    !opens_with_author(t + start, cut - start, out->author))
			break;
		cut = start - 2;
		paras--;
	}
	t[cut] = '\0';
}

/* Words of a news outlet's name, as a reporter's sign-off names it. */
static const char *const outlet_words[] = { "News", "Radio", "TV",
					    "Television", "Nachrichten", NULL };

/* Whether `p` (len bytes, no newline) is a reporter's sign-off: a
 * person's name (2 to 4 capitalised words that byline_names() reads back
 * whole as a byline), a comma and a news outlet whose name holds one of
 * outlet_words ("Max Lee, KBS World Radio News."), no sentence. */
enum { SIGN_OFF_MAX = 80 };
static bool is_sign_off(const char *p, size_t len)
{
	char line[SIGN_OFF_MAX + 4];
	const char *comma = memchr(p, ',', len);
	size_t k = comma ? (size_t)(comma - p) : 0, words = 1;
	bool outlet = false;
	char *names;

	if (len >= SIGN_OFF_MAX || !comma || memmem(p, len, ". ", 2))
		return false;
	for (size_t i = 0; i < k; i++) {
		if (p[i] != ' ')
			continue;
		if (!isupper((unsigned char)p[i + 1]))
			return false;
		words++;
	}
	if (words < 2 || words > 4 || !isupper((unsigned char)p[0]))
		return false;
	for (const char *w = comma + 1; w < p + len && !outlet; w++) {
		for (const char *const *o = outlet_words; *o && !outlet; o++) {
			size_t n = strlen(*o);

			outlet = w[-1] == ' ' && w + n <= p + len &&
				 strncmp(w, *o, n) == 0 &&
				 (w + n == p + len || strchr(" .,", w[n]));
		}
	}
	if (!outlet)
		return false;
	memcpy(line, "By ", 3);
	memcpy(line + 3, p, k);
	line[k + 3] = '\0';
	names = byline_names(line);
	outlet = names && strlen(names) == k && strncmp(names, p, k) == 0;
	free(names);
	return outlet;
}

/* A broadcaster's sign-off closing the story (is_sign_off(); after 3
 * paragraphs or more) leaves the text: it is the byline when the page
 * printed none, standing after the text (its name the author when none
 * is known); else dropped. Memory running out leaves it in the text. */
enum { SIGN_OFF_AFTER = 3 };
static void cut_sign_off(struct article *out)
{
	char *t = out->text;
	size_t end, start, paras;

	if (!t || (paras = count_paras(t)) < SIGN_OFF_AFTER)
		return;
	end = strlen(t);
	start = para_start(t, end);
	if (start == 0 || memchr(t + start, '\n', end - start) ||
	    !is_sign_off(t + start, end - start))
		return;
	if (!out->byline) {
		if (!out->places) {
			out->places = malloc(3 * sizeof *out->places);
			if (!out->places)
				return;
			for (size_t i = 0; i < 3; i++)
				out->places[i] = (struct article_place){ 0, UINT_MAX };
			out->nplaces = 3;
		}
		if (!(out->byline = strdup(t + start)))
			return;
		/* after the text, after every part met on the page */
		out->places[1] = (struct article_place){ (unsigned)paras - 1,
							 UINT_MAX - 1 };
		if (!out->author)
			out->author = strndup(t + start, strcspn(t + start, ","));
	}
	t[start - 2] = '\0';
}

/* Whether code point c is in NFC whatever stands around it: below the
 * combining marks (U+0300), a Cyrillic or Arabic letter or digit,
 * punctuation, a sign or symbol of U+2010..U+27BF, kana, a CJK
 * ideograph, a variation selector or an emoji. None of these changes
 * under NFC or combines with a neighbour: left out are the combining
 * marks among them (Cyrillic's, the kana voicing marks U+3099 and
 * U+309A) and the signs NFC maps to others (OHM, KELVIN and ANGSTROM
 * SIGN, the angle brackets U+2329 and U+232A). */
static bool nfc_stable(uint32_t c)
{
	return c < 0x300 || (c >= 0x400 && c <= 0x482) ||
	       (c >= 0x48A && c <= 0x4FF) || (c >= 0x600 && c <= 0x64A) ||
	       (c >= 0x660 && c <= 0x66F) ||
	       (c >= 0x2010 && c <= 0x27BF && c != 0x2126 && c != 0x212A &&
		c != 0x212B && c != 0x2329 && c != 0x232A) ||
	       (c >= 0x3040 && c <= 0x3098) || (c >= 0x309B && c <= 0x30FF) ||
	       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xFE00 && c <= 0xFE0F) ||
	       (c >= 0x1F000 && c <= 0x1FAFF);
}

/* Whether UTF-8 text `p` is made of nfc_stable() code points only, the
 * text of most pages: then it is in NFC as it is. A byte that does not
 * start a well-formed sequence says no (utf8proc then decides). */
static bool nfc_already(const unsigned char *p)
{
	while (*p) {
		uint32_t c;
		int k;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0) {
			c = *p & 0x1F;
			k = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			c = *p & 0x0F;
			k = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			c = *p & 0x07;
			k = 3;
		} else {
			return false;
		}
		for (int i = 1; i <= k; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			c = (c << 6) | (p[i] & 0x3F);
		}
		if (!nfc_stable(c))
			return false;
		p += k + 1;
	}
	return true;
}

/* Puts text field *f in Unicode normalization form C (NFC), the form the
 * web's text is meant to be in: a page that writes "য়" as one code
 * point and another that writes it as two then print the same word
 * (U+09DF is excluded from composition, so NFC writes it as two), and
 * snippets copied from the page in NFC match it. Text that is in NFC by
 * its code points alone (nfc_already()) is left as it is, without a
 * copy. Returns -1 on no memory. (Measured: extract-dev-web tp +2, a
 * Bengali page's snippets; extract-dev unchanged; callgrind on 150
 * extract-dev-web pages +0.3%, +4.9% when every non-ASCII text was
 * mapped.) */
static int to_nfc(char **f)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;

	if (!*f || nfc_already((const unsigned char *)*f))
		return 0;
	n = utf8proc_map((const utf8proc_uint8_t *)*f, 0, &out,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n == UTF8PROC_ERROR_NOMEM)
		return -1;
	if (n < 0)
		return 0; /* not valid UTF-8: left as it is */
	free(*f);
	*f = (char *)out;
	return 0;
}

/* The article's text fields in NFC (to_nfc()). */
static int fields_to_nfc(struct article *out)
{
	char **fields[] = { &out->title, &out->text, &out->standfirst,
			    &out->byline, &out->dateline, &out->captions };

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (to_nfc(fields[i]))
			return -1;
	return 0;
}

/* Moves *part into the article's *field unless that is set already. */
static void take_part(char **field, char **part)
{
	if (!*field) {
		*field = *part;
		*part = NULL;
	}
}

/* Moves where the parts stood into the article, for the parts it takes
 * from this page (a field set already, by a plain-text page, keeps its
 * place unknown). Called only when the text is the one printed from the
 * page (not JSON-LD's articleBody, whose paragraphs are others). */
static void take_places(struct article *out, struct parts *parts)
{
	const char *set[] = { out->standfirst, out->byline, out->dateline };

	if (out->places || !parts->places)
		return;
	for (size_t i = 0; i < 3 && i < parts->nplaces; i++)
		if (set[i])
			parts->places[i].rank = UINT_MAX;
	if (out->captions && parts->nplaces > 3)
		parts->nplaces = 3;
	out->places = parts->places;
	out->nplaces = parts->nplaces;
	parts->places = NULL;
	parts->nplaces = 0;
}

int extract_article(const char *html, size_t len, const char *name,
		    struct article *out, struct error *err)
{
	struct meta m = { 0 };
	struct ld ld = { 0 };
	htmlDocPtr doc;
	xmlNode *root;
	char *text = NULL, *body;
	struct parts parts = { 0 };
	bool lang_ours, from_dom = true;
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
	if (extract_text(root, out, m.description ? m.description : m.og_description,
			 &text, &parts)) {
		error_set(err, name, "out of memory");
		goto out;
	}
	/* The publisher's own copy of the text, when ours is much shorter. */
	body = ld_body(&ld);
	if (body && (utf8_chars(body) > 2 * utf8_chars(text) + 200 ||
		     !confirms(body, text, out->lang))) {
		free(text);
		text = body;
		from_dom = false;
	} else {
		if (body && cut_after_body_end(text, body)) {
			free(body);
			error_set(err, name, "out of memory");
			goto out;
		}
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
	from_dom = from_dom && !out->text; /* a plain-text page has its own */
	if (!out->text) {
		out->text = text;
		text = NULL;
	}
	if (from_dom)
		take_places(out, &parts);
	take_part(&out->standfirst, &parts.standfirst);
	take_part(&out->byline, &parts.byline);
	take_part(&out->dateline, &parts.dateline);
	take_part(&out->captions, &parts.captions);
	{
		/* What follows the headline: after the element that states
		 * the title, else after the first <h1>. */
		char *after = text_after(parts.headline, root);

		check_extraction(out, parts.largest, after ? after : m.near,
				 parts.headline != NULL,
				 from_dom ? &parts.tally : NULL,
				 m.description ? m.description : m.og_description);
		free(after);
	}
	cut_sign_off(out);
	fill_from_parts(out);
	cut_closing_chrome(out);
	cut_author_bio(out);
	if (fields_to_nfc(out)) {
		error_set(err, name, "out of memory");
		goto out;
	}
	date_by_last_change(out, &m);
	rc = 0;
out:
	parts_release(&parts);
	free(text);
	ld_release(&ld);
	meta_release(&m);
	xmlFreeDoc(doc);
	return rc;
}
