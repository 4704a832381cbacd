/*
 * extract/hints.c: what an element's class, id and role say it is
 * (navigation, comments, the article) in several languages.
 */
#include "internal.h"

#include <assert.h>

/* Readability's unlikely candidates, removed before scoring... (No hint
 * list names "read-more": news sites put the rest of the story, folded
 * away, in a block of that name as often as a "Read more" link, which
 * link density and the stock lines drop anyway.) */
static const char *const unlikely_hints[] = {
	"-ad-", "ai2html", "banner", "breadcrumb", "combx", "comment",
	"community", "cover-wrap", "disqus", "extra", "footer", "gdpr",
	"header", "legends", "menu", "related", "remark", "replies", "rss",
	"shoutbox", "sidebar", "skyscraper", "social", "sponsor",
	"supplemental", "ad-break", "agegate", "pagination", "pager", "popup",
	"yom-remote", "newsletter", "subscribe", "most-read", "mostread",
	"popular", "cookie", "consent", "outbrain", "taboola", "share",
	"mehr-zum-thema", "a-lire-aussi", "chitaite",
	NULL
};
/* The unlikely blocks no pass takes in, not even the relaxed ones that
 * run when the strict pass found little: a cookie or consent banner, a
 * newsletter or subscription prompt, the site's footer. They are never
 * the story, and a short story's page has them longer than the story.
 * (The whole unlikely filter in every pass cost recall on both sets:
 * extract-dev F1 -0.006, extract-dev-web -0.020.) */
static const char *const chrome_hints[] = {
	"cookie", "consent", "gdpr", "newsletter", "subscribe", "footer",
	"paywall", NULL
};

/* Class and id words of the standfirst (dek, lead) under a headline: its
 * paragraphs, before the story's text begins, go to the standfirst. */
static const char *const standfirst_hints[] = {
	"standfirst", "dek", "excerpt", "subtitle", "subline", "sapo",
	"chapo", "vorspann", NULL
};

/* Class and id words that make a block the story's teaser (its summary,
 * "article-teaser", "teaser-text") when it stands before the story's
 * text; matched as whole words (teaser_word()). After the text, and as
 * everywhere in the strict pass, "teaser" is a negative hint: a box of
 * other stories' teasers. */
static bool teaser_word(const char *a)
{
	for (const char *p = a; (p = strstr(p, "teaser")) != NULL; p += 6) {
		bool starts = p == a || !isalnum((unsigned char)p[-1]);
		bool ends = !isalnum((unsigned char)p[6]) ||
			    (p[6] == 's' && !isalnum((unsigned char)p[7]));

		if (starts && ends)
			return true;
	}
	return false;
}

/* Class and id words of a picture's caption or credit: printed to the
 * article's captions, not its text. */
static const char *const caption_hints[] = {
	"caption", "credit", "copyright", "bildunterschrift", "legende",
	"image-desc", "imagedesc", "photo-desc", "image-annotation",
	"img-author", "image-source", "bildquelle", NULL
};
/* ...unless one of these also matches. */
static const char *const maybe_hints[] = {
	"and", "article", "body", "column", "content", "main", "shadow",
	"story", "artikel", "statya", "contenu", NULL
};
/* Readability's class weight, -25 / +25 for class and for id. */
static const char *const negative_hints[] = {
	"-ad-", "hidden", "banner", "combx", "comment", "com-", "contact",
	"foot", "gdpr", "masthead", "media", "meta", "outbrain", "promo",
	"related", "scroll", "share", "shoutbox", "sidebar", "skyscraper",
	"sponsor", "shopping", "tags", "tool", "widget", "teaser",
	"newsletter", "subscribe", "social", "advert", "cookie", "consent",
	/* not "byline" or "author" (in neither list): the story's byline
	 * block stays, as bylines do (extract-dev F1 +0.0005, 59 pages
	 * better, 23 worse; related-dev-html MAP@10 -0.0002) */
	"breadcrumb", "popular", "most-read",
	"mehr-zum-thema", "a-lire-aussi", "chitaite",
	"nav", "menu", NULL
};
static const char *const positive_hints[] = {
	"article", "body", "content", "entry", "hentry", "h-entry", "main",
	"page", "pagination", "post", "text", "blog", "story", "artikel",
	"statya", "contenu", NULL
};
/* Inside the chosen content these drop a block even when a positive hint
 * matches too ("article-share", "related-content", "comment-body"). */
static const char *const strong_negative_hints[] = {
	"related", "most-read", "mostread", "popular", "newsletter",
	"subscribe", "share", "social", "comment", "sidebar", "widget", "promo",
	"advert", "cookie", "consent", "breadcrumb",
	"mehr-zum-thema", "a-lire-aussi", "chitaite",
	"outbrain", "taboola", "teaser", "sponsor", "-ad-", "signup",
	"sign-up", "toolbar",
	/* what follows the story: a disclaimer, the author's bio box (not
	 * the byline, which "author" alone names and which stays), a
	 * notice about the post ("post-notice", "community-notice") and an
	 * affiliate disclosure (extract-dev-web fp -1, stackexchange's "Not
	 * the answer you're looking for?" out too; extract-dev and
	 * related-dev-html unchanged) */
	"disclaimer", "author-box", "authorbox", "author-bio", "authorbio",
	"contributor-bio", "about-the-author", "about-author", "autorenbox",
	"notice", "affiliate",
	NULL
};
static const char *const unlikely_roles[] = {
	"menu", "menubar", "complementary", "navigation", "alert",
	"alertdialog", "dialog", "banner", "contentinfo", "search", NULL
};

/* Roles of the page's own interface, never its content, in any pass: a
 * dialog (a login or cookie window over the page, ARIA's "window
 * separated from the rest of the page") and an alert (a form's error or
 * status message). A short story's relaxed passes took a login dialog's
 * error messages as its text. */
static const char *const ui_roles[] = {
	"alert", "alertdialog", "dialog", NULL
};

/* The hint lists read_hints() matches every class and id against, as
 * bits of one mask. */
enum {
	L_NEGATIVE = 1 << 0,
	L_POSITIVE = 1 << 1,
	L_MAYBE = 1 << 2,
	L_STRONG = 1 << 3,
	L_UNLIKELY = 1 << 4,
	L_CHROME = 1 << 5,
	L_CAPTION = 1 << 6,
	L_STANDFIRST = 1 << 7,
};
static const struct {
	const char *const *words;
	unsigned bit;
} hint_lists[] = {
	{ negative_hints, L_NEGATIVE },	    { positive_hints, L_POSITIVE },
	{ maybe_hints, L_MAYBE },	    { strong_negative_hints, L_STRONG },
	{ unlikely_hints, L_UNLIKELY },	    { chrome_hints, L_CHROME },
	{ caption_hints, L_CAPTION },	    { standfirst_hints, L_STANDFIRST },
};

/* Every word of the lists once, with the bits of the lists that hold it,
 * grouped by first byte: hint_words[first_at[c]] up to first_at[c + 1]
 * open with byte c. Built once (pthread_once). */
enum { MAX_HINT_WORDS = 256 };
static struct hint_word {
	const char *word;
	size_t len;
	unsigned lists;
} hint_words[MAX_HINT_WORDS];
static unsigned short first_at[257];
static pthread_once_t hint_words_once = PTHREAD_ONCE_INIT;

static void build_hint_words(void)
{
	struct hint_word all[MAX_HINT_WORDS];
	size_t n = 0, k = 0;

	for (size_t l = 0; l < sizeof hint_lists / sizeof *hint_lists; l++)
		for (const char *const *w = hint_lists[l].words; *w; w++) {
			size_t i = 0;

			while (i < n && strcmp(all[i].word, *w) != 0)
				i++;
			if (i == n) {
				assert(n < MAX_HINT_WORDS && (*w)[0] && (*w)[1]);
				all[n++] = (struct hint_word){ *w, strlen(*w), 0 };
			}
			all[i].lists |= hint_lists[l].bit;
		}
	for (unsigned c = 0; c < 256; c++) {
		first_at[c] = (unsigned short)k;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)all[i].word[0] == c)
				hint_words[k++] = all[i];
	}
	first_at[256] = (unsigned short)k;
}

/* The bits of the hint lists one of whose words `s` contains (as
 * strstr() of each word would find them), in one pass over `s`: at
 * each byte only the words that open with it are compared. */
static unsigned hint_lists_in(const char *s)
{
	unsigned found = 0;

	pthread_once(&hint_words_once, build_hint_words);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		for (unsigned k = first_at[*p]; k < first_at[*p + 1]; k++) {
			const struct hint_word *w = &hint_words[k];

			if ((w->lists & ~found) && p[1] == (unsigned char)w->word[1] &&
			    strncmp((const char *)p, w->word, w->len) == 0)
				found |= w->lists;
		}
	return found;
}

/* Lowercases `in` into `out` (size `cap`, cap > 0). Hints are matched on
 * at most the first cap - 1 bytes: class lists longer than that are
 * utility-class soup whose tail carries no signal. */
void lower_into(char *out, size_t cap, const char *in)
{
	size_t i = 0;

	for (; in && in[i] && i + 1 < cap; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* Whether the id `id` (lowercased) of element `n` is the anchor of the
 * heading that opens it, made from the heading's words: a documentation
 * page's <div class="section" id="example-1-amend-a-shared-changeset">
 * under <h3>Example 1: Amend a shared changeset</h3>. Such an id says
 * what the section is about, not what the block is, so its words are no
 * hints ("shared" is no share button). Only ids of ANCHOR_MIN_WORDS words
 * or more count: a short one ("comments" over "Comments") still names
 * the block. The heading's own id counts too (WordPress's anchors on
 * <h3 id="...grundlegende-techniken...">, which "legende" made a
 * caption). Compares letters and digits only, ASCII case-folded, a letter
 * beyond ASCII standing for up to two in the id; reads at most the
 * heading's first 16 nodes. A heading's own id may hold up to
 * ANCHOR_AROUND more letters or digits before and after its words, and
 * only their opening ("nav_nur_die_folie__1" on "Nur die Folie bleibt
 * zurück", whose "nav" dropped the subheading). (Measured
 * on extract-dev: F1 +0.0001, one page regains three sections, no other
 * page changes; 3 or 5 words the same; related-dev-html unchanged. The
 * heading's own id: extract-dev-web tp +2, extract-dev and
 * related-dev-html unchanged.) */
enum { ANCHOR_MIN_WORDS = 4, ANCHOR_AROUND = 4 };

/* Matches heading `h`'s text against the id from `q` on, letters and
 * digits one by one (see is_heading_anchor()); returns where the match
 * ends in the id, or NULL when the id spells something else. With
 * `opening`, an id that spells the heading's first ANCHOR_OPENING letters
 * or more and then stops or differs matches too (an id cut short:
 * "nav_nur_die_folie__1" for "Nur die Folie bleibt zurück"). */
enum { ANCHOR_OPENING = 10 };
static const char *spells_heading(const xmlNode *h, const char *q,
				  bool opening)
{
	int budget = 16;
	size_t matched = 0;

	for (const xmlNode *c = h->children; c && budget-- > 0;) {
		if (c->type == XML_TEXT_NODE && c->content) {
			int slack = 0;

			for (const xmlChar *t = c->content; *t; t++) {
				if (*t >= 0x80) {
					slack = (*t & 0xC0) == 0xC0 ? 2 : slack;
					continue;
				}
				if (!isalnum(*t))
					continue;
				while (*q && !isalnum((unsigned char)*q))
					q++;
				while (slack > 0 && *q && tolower(*t) != *q) {
					q++;
					slack--;
				}
				if (tolower(*t) != *q)
					return opening && matched >= ANCHOR_OPENING
						       ? q
						       : NULL;
				slack = 0;
				q++;
				matched++;
			}
		}
		c = walk_next(c, h, c->type == XML_ELEMENT_NODE, NULL, NULL);
	}
	return q;
}

/* Letters and digits of `s` up to `end` (or its end when NULL). */
static size_t alnums(const char *s, const char *end)
{
	size_t k = 0;

	for (; *s && s != end; s++)
		k += isalnum((unsigned char)*s) != 0;
	return k;
}

static bool is_heading_anchor(const xmlNode *n, const char *id)
{
	const xmlNode *h = n->children;
	const char *q;
	int words = 1;

	for (const char *p = id; *p; p++)
		words += (*p == '-' || *p == '_') && isalnum((unsigned char)p[1]);
	if (words < ANCHOR_MIN_WORDS)
		return false;
	if (tag_lookup(n->name) && (tag_lookup(n->name)->flags & T_HEADING)) {
		/* The heading's own id may wrap its words in a few more
		 * letters ("nav_nur_die_folie__1"): tried from each word of
		 * the first ANCHOR_AROUND + 1. */
		int starts = 0;

		for (const char *p = id; *p && starts <= ANCHOR_AROUND; p++) {
			if (!isalnum((unsigned char)*p) ||
			    (p > id && isalnum((unsigned char)p[-1])))
				continue;
			if (alnums(id, p) > ANCHOR_AROUND)
				break;
			starts++;
			if ((q = spells_heading(n, p, true)) != NULL && q > p &&
			    alnums(q, NULL) <= ANCHOR_AROUND)
				return true;
		}
		return false;
	}
	while (h && h->type != XML_ELEMENT_NODE)
		h = h->next;
	if (!h || !tag_lookup(h->name) ||
	    !(tag_lookup(h->name)->flags & T_HEADING))
		return false;
	return (q = spells_heading(h, id, false)) != NULL && alnums(q, NULL) == 0;
}

/* Whether the class list `cls` holds the class `name` itself (a whole
 * token, not part of one). */
static bool has_class(const char *cls, const char *name)
{
	size_t k = strlen(name);

	while (*cls) {
		size_t l = strcspn(cls, " \t\r\n\f");

		if (l == k && strncmp(cls, name, k) == 0)
			return true;
		cls += l;
		cls += strspn(cls, " \t\r\n\f");
	}
	return false;
}

/* Whether the lowercased class list or id `a` names readers' comments:
 * a word (opening the attribute or a token, or after '-' or '_') that
 * opens with "comment" but is not "commentary" or "commentator" (an
 * opinion column and its writer): "comments", "commentlist",
 * "comment-13246", "article-comments", "comment-content"; a word that
 * opens with "disqus"; the class or id "respond" (WordPress's comment
 * form). Unlike the other hints, a positive word in the same attribute
 * ("comment-content", "article-comments") does not cancel it: the
 * comment word says what the block is, the other only where it sits. */
static bool names_comments(const char *a)
{
	static const char *const words[] = { "comment", "disqus", NULL };

	if (has_class(a, "respond"))
		return true;
	for (const char *const *w = words; *w; w++) {
		size_t k = strlen(*w);

		for (const char *p = a; (p = strstr(p, *w)) != NULL; p += k) {
			bool starts = p == a || p[-1] == ' ' || p[-1] == '-' ||
				      p[-1] == '_';

			if (starts && strncmp(p + k, "ary", 3) != 0 &&
			    strncmp(p + k, "ator", 4) != 0)
				return true;
		}
	}
	return false;
}

void read_hints(const xmlNode *n, struct hints *h)
{
	char cls[256], id[256], tmp[256];
	const char *v;
	bool neg = false, pos = false, maybe = false;

	memset(h, 0, sizeof *h);
	lower_into(cls, sizeof cls, attr(n, "class"));
	lower_into(id, sizeof id, attr(n, "id"));
	/* Each list is matched once per attribute: this runs for every
	 * element with a class or id, so it is on the hot path. */
	for (int k = 0; k < 2; k++) {
		const char *a = k ? id : cls;
		unsigned lists;
		bool an, ap;

		if (!a[0])
			continue;
		if (k && is_heading_anchor(n, a))
			continue;
		lists = hint_lists_in(a);
		an = lists & L_NEGATIVE;
		ap = lists & L_POSITIVE;
		h->weight += (an ? -25 : 0) + (ap ? 25 : 0);
		neg = neg || an;
		pos = pos || ap;
		maybe = maybe || ap || (lists & L_MAYBE);
		h->drop = h->drop || (lists & L_STRONG);
		h->unlikely = h->unlikely || (lists & L_UNLIKELY);
		h->chrome = h->chrome || (lists & L_CHROME);
		h->caption = h->caption || (lists & L_CAPTION);
		h->standfirst = h->standfirst || (lists & L_STANDFIRST) ||
				teaser_word(a);
		h->comments = h->comments || names_comments(a);
	}
	/* schema.org's microdata for readers' comments */
	if ((v = attr(n, "itemtype")) != NULL &&
	    (strstr(v, "schema.org/Comment") || strstr(v, "UserComments")))
		h->comments = true;
	h->unlikely = h->unlikely && !maybe;
	h->chrome = h->chrome && !maybe;
	h->drop = h->drop || (neg && !pos && !maybe);
	if ((v = attr(n, "aria-label")) != NULL) {
		lower_into(tmp, sizeof tmp, v);
		if (hint_lists_in(tmp) & L_STRONG)
			h->drop = true;
	}
	if ((v = attr(n, "role")) != NULL) {
		lower_into(tmp, sizeof tmp, v);
		for (const char *const *r = unlikely_roles; *r; r++)
			if (strcmp(tmp, *r) == 0)
				h->unlikely = h->drop = true;
		for (const char *const *r = ui_roles; *r; r++)
			if (strcmp(tmp, *r) == 0)
				h->chrome = true;
	}
	if (is_tag(n, "dialog"))
		h->chrome = true;
	if (attr(n, "hidden"))
		h->hidden = true;
	/* The class "hidden" is display: none in the style sheets of most
	 * sites and frameworks: a copy of the story kept for another
	 * layout, a paywall's teaser. Only the whole class: "hidden-xs"
	 * hides on small screens only. (Measured on extract-dev: P +0.0011,
	 * F1 +0.0005, 10 pages better, none worse, two stories no longer
	 * printed twice; "hide" too: 2 pages better, 1 worse; related-dev-html
	 * MAP@10 unchanged.) */
	if (has_class(cls, "hidden"))
		h->hidden = true;
	if ((v = attr(n, "aria-hidden")) != NULL && strcmp(v, "true") == 0)
		h->hidden = true;
	if ((v = attr(n, "style")) != NULL) {
		lower_into(tmp, sizeof tmp, v);
		char *p = tmp, *q = tmp;
		for (; *p; p++)
			if (*p != ' ')
				*q++ = *p;
		*q = '\0';
		if (strstr(tmp, "display:none") ||
		    strstr(tmp, "visibility:hidden"))
			h->hidden = true;
	}
}

