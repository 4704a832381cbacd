/*
 * extract/internal.h: what the parts of src/extract/ share. Not a public
 * header: callers use extract.h.
 *
 * The design, which the files below implement:
 *
 * The page is parsed once by libxml2's HTML parser (recovering, no network,
 * encoding forced to UTF-8 so a <meta charset> cannot make libxml2 decode
 * the bytes a second time), from a copy without the attributes nothing here
 * reads (attr() is the only way to them; the start tags are read as
 * libxml2 reads them, so the tree is the same but for those). A page
 * whose <head> holds an element left open
 * that swallowed the rest (a <title> without its end tag, a <script> whose
 * start tag lost a quote) is parsed again with the end tag put back, so
 * the body is read as a browser-like reader would show it rather than as
 * one long title or script. Everything after that walks the tree
 * iteratively (libxml2 nodes have parent pointers), so hostile nesting can
 * cost time proportional to the node count but never stack.
 *
 * Main content follows the Readability idea, in one post-order pass:
 *   1. Every element gets a record (in an array indexed through the node's
 *      `_private`, which belongs to us for a document we parsed) with its
 *      subtree's text length, link text length, comma count and the counts
 *      of <p>, <li>, <img>, <input> and embeds below it. Hidden elements,
 *      scripts, navigation and "unlikely" blocks (class/id/role hints such
 *      as comment, related, sidebar, unless a positive hint such as article
 *      or content also matches) are skipped and count for nothing.
 *   2. Each paragraph-like element (p, pre, td, h2-h6, a div without block
 *      children, or the loose text directly inside a block) scores
 *      1 + commas + min(length / 100, 3), given in full to its parent, half
 *      to its grandparent and a third of a level's share further up (five
 *      levels). An ancestor starts from a tag prior and its hint weight.
 *   3. Scores are scaled by (1 - link density); the best candidate is moved
 *      up when the score rises towards the root or several near-best
 *      candidates share an ancestor, and its siblings join when they score
 *      well, are prose paragraphs or hold a long one (the next table
 *      of a story set one table per section). Elsewhere on the page,
 *      containers of the best candidate's element and class join as
 *      further parts of the story (one split by an advertisement or
 *      another story's teaser), unless a heading that titles a container
 *      of either stands between them (the next post of a blog's front
 *      page).
 *   4. The chosen subtrees are printed block by block; inside them,
 *      boilerplate (navigation, asides, forms, blocks with negative
 *      hints, link lists, Readability's "conditional cleaning" of divs,
 *      lists and tables) is dropped, unless it holds most of the text
 *      or is the best candidate's own block (in the strict pass) or,
 *      for cleaning, holds a long prose paragraph (a <p>, or text and
 *      <br>s straight in a table cell),
 *      and so are short stock lines
 *      ("Advertisement") and a lone author's or section's name; bylines
 *      ("By Jane Smith"), datelines, the standfirst and the pictures'
 *      captions go to parts of their own (article.h), not the text.
 *      A short heading such as "Comments" or "Related articles" after
 *      400 bytes of text ends the article: what follows it on real pages
 *      is other stories or readers' comments, not more of the story.
 *      A block that opens with such a heading, or follows it as the next
 *      sibling, is that box: it and everything in it score a tenth, and it
 *      is never printed, however little text precedes it; it ends the
 *      article unless it stands between paragraphs of it.
 *      Two comment signatures with different names ("Posted by: Anna
 *      ...", "Posted by: Brad ...") end it too, from the first of them.
 * What stands between the headline and the chosen block, when short and
 * inside the story's own header (standfirst, dateline), is printed first.
 * The headline (the <h1> that states the title) anchors the choice: blocks
 * right after it, and its nearest ancestors, score five times as much,
 * as the story follows its headline while comments, sidebars and teaser
 * grids sit elsewhere. A header zone so boosted (headline, standfirst,
 * byline) never wins over a longer body that starts right below it, with
 * no more text between them than the header's own (score.c).
 * When the result is short (< 500 characters) the pass is repeated with
 * the unlikely-block filter, then the hint weights, then the conditional
 * cleaning switched off, and the longest result is kept, as Readability
 * does; the chrome (cookie banners, newsletter prompts, the footer) and
 * readers' comments (a class or id word "comment...", schema.org Comment
 * microdata) stay out of every pass. A list of other stories' teasers
 * is never the best candidate. Every pass is linear in the number of
 * nodes.
 *
 * Metadata is a separate linear walk collecting <meta>, <link>, <title>,
 * <h1>, <time>, microdata and JSON-LD blocks; JSON-LD is searched (bounded
 * depth) for the first article-typed object, through @graph and arrays.
 * The same walk keeps the text around the first <h1> and the short lines
 * that read as a byline or a labelled date, or whose class/id/itemprop
 * names one (a bounded number of subtree reads). The headline is the
 * source the others agree with (title.c), the published date the first
 * of a fixed precedence that is plausible (meta.c), the author the first
 * source read into names that is not the site (meta.c).
 */
#ifndef RELATED_EXTRACT_INTERNAL_H
#define RELATED_EXTRACT_INTERNAL_H

#include "../extract.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../analyze.h"
#include "../buf.h"
#include "../stopwords.h"

/* Files:
 *   dom.c      tags, attributes and the text of a subtree
 *   hints.c    class/id/role hints ("comment", "article", role=navigation)
 *   score.c    the scoring pass and the choice of the best candidate
 *   print.c    printing the chosen blocks, cleaning boilerplate out
 *   credit.c   pictures' credits and galleries' counters told by their words
 *   content.c  the content passes, the headline anchor, the text kept
 *   date.c     dates in pages to RFC 3339 (extract_normalize_date)
 *   title.c    site names off titles (extract_clean_title)
 *   meta.c     <meta>, <link>, <title>, <time>, microdata; filling the article
 *   jsonld.c   JSON-LD blocks: parsing, the article object, its body
 *   page.c     parsing the page and extract_article()
 * Every function here is thread-safe: state lives in the structs below,
 * each owned by one call of extract_article() on one thread. */

/* Walks ------------------------------------------------------------------ */

/* Every walk over the tree goes through walk_next(): iterative (libxml2
 * nodes have parent pointers), so hostile nesting costs time, never stack.
 *
 * The node after `n` in a pre-order walk of `root`'s subtree: n's first
 * child when `descend` is set and n has children, else the next sibling
 * of n or of its nearest ancestor below `root` that has one; NULL when the
 * walk is over (it never leaves root's subtree). When `leave` is not NULL
 * it is called with `ctx` on each node the step finishes, in post-order:
 * n itself unless the walk enters it, then each ancestor whose last child
 * that was, up to `root` itself. A walk starts at root (or at root's first
 * child, then root is never left). Inline so that a walk with a `leave`
 * costs no indirect call. */
static inline xmlNode *walk_next(const xmlNode *n, const xmlNode *root,
				 bool descend,
				 void (*leave)(void *ctx, const xmlNode *done),
				 void *ctx)
{
	if (descend && n->children)
		return n->children;
	for (;;) {
		if (leave)
			leave(ctx, n);
		if (n == root)
			return NULL;
		if (n->next)
			return n->next;
		n = n->parent;
	}
}

/* Tags (dom.c) ------------------------------------------------------------ */

enum {
	T_BLOCK = 1 << 0,   /* starts a new paragraph in the text */
	T_SKIP = 1 << 1,    /* never content: scripts, forms controls, media */
	T_DROP = 1 << 2,    /* chrome: dropped when printing content */
	T_SCORE = 1 << 3,   /* paragraph-like: scored at its parent */
	T_DIVLIKE = 1 << 4, /* a paragraph when it holds no block element */
	T_CLEAN = 1 << 5,   /* subject to conditional cleaning */
	T_HEADING = 1 << 6,
	T_EMBED = 1 << 7,
	T_LIST = 1 << 8,
};

struct tag {
	const char *name;
	unsigned flags;
	signed char prior; /* Readability's initial candidate score */
};

/* The entry of a tag name (lowercase, as libxml2's HTML parser gives it),
 * or NULL for a tag not in the table. The entries are static. */
const struct tag *tag_lookup(const xmlChar *name);

/* Whether `n` is an element named `name` (lowercase). Inline, as are
 * info_of(), index_of() and link_density() below: every pass calls them
 * per node, from several files, and they are a line or two each. */
static inline bool is_tag(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->name &&
	       strcmp((const char *)n->name, name) == 0;
}

/* Whether `a` and `b` open with the same letter, case folded as
 * strcasecmp() folds it: where strncasecmp() of the two can be 0 at all,
 * a cheap test before it in the loops over word lists. */
static inline bool same_first_letter(const char *a, const char *b)
{
	return tolower((unsigned char)*a) == tolower((unsigned char)*b);
}

/* The value of `n`'s attribute `name` (ASCII case-insensitive), "" when
 * it has no text, NULL when absent; it belongs to the document. Only the
 * names in page.c's read_attributes[] reach the tree: a name read here
 * for the first time goes there too. */
const char *attr(const xmlNode *n, const char *name);
size_t count_text(const xmlChar *s, size_t *commas);
size_t add_collapsed(struct buf *b, const char *s, bool *space);
void rtrim(struct buf *b);
int subtree_text(const xmlNode *root, struct buf *b);
/* subtree_text() that stops once the text is longer than `most` bytes, for
 * callers that only take short texts: b->len > most then, as it would be
 * for the whole text. */
int subtree_text_upto(const xmlNode *root, struct buf *b, size_t most);
char *clean_string(const char *s);

/* Class/id/role hints (hints.c) ------------------------------------------- */

struct hints {
	int weight;    /* Readability class weight */
	bool unlikely; /* unlikely candidate (before scoring) */
	bool drop;     /* dropped when printing content */
	bool hidden;
	bool chrome;   /* unlikely in every pass (chrome_hints) */
	bool caption;  /* a picture's caption or credit */
	bool standfirst; /* the summary under the headline */
	bool comments; /* readers' comments: a thread, one comment, its form */
};

/* Lowercases `in` (may be NULL) into `out` (size `cap` > 0), truncated. */
void lower_into(char *out, size_t cap, const char *in);

/* Characters of loose text with few links (a paragraph, or text and
 * <br>s in a cell) that make a block prose: it is never conditionally
 * cleaned, and a block below a header needs it to be the story's body. */
enum { LOOSE_PROSE = 250 };

/* The headline's ancestors that hold the story: its container is the
 * HEADLINE_SCOPE-th. (The body below a header is no longer looked for
 * inside it: score.c finds it by the text between them.) */
enum { HEADLINE_SCOPE = 3 };

/* The hints of element `n`'s class, id, role, aria and hidden
 * attributes, for scoring and printing. */
void read_hints(const xmlNode *n, struct hints *h);

/* Scoring (score.c) ------------------------------------------------------- */

/* One record per element of the page, in document order, in scan.v; the
 * element's `_private` holds its index + 1 (0: no record, e.g. a node of
 * a skipped subtree), which is ours because the document is ours: it is
 * parsed by page.c and freed before extract_article() returns. Indices
 * (parent, block, NO_NODE) point into the same array. */
#define NO_NODE UINT32_MAX

struct info {
	xmlNode *node;
	uint32_t parent;   /* index of the parent element, or NO_NODE */
	uint32_t block;    /* nearest block ancestor-or-self */
	const struct tag *tag;
	size_t text, link; /* characters in the subtree, inside links */
	size_t before; /* characters of the page's text before it */
	size_t commas;
	size_t own, own_commas; /* loose text directly in this block */
	size_t own_link; /* characters of `own` inside links */
	size_t prose; /* most loose text with few links of a block at or below */
	uint32_t p, li, img, input, embed;
	int weight;
	double score;
	bool candidate, skipped, drop, in_link, has_block;
	bool boxed; /* headed "Related articles", "Comments", "Most read"... */
	bool marker_before; /* its last child with text was such a heading */
	bool in_box; /* boxed, or inside a boxed block: scores a tenth */
	bool taken; /* a subtree chosen for printing */
	bool anchored; /* boosted for following the headline */
	bool on_path; /* an ancestor-or-self of the first block printed */
	bool holds_core; /* an ancestor-or-self of the best candidate */
	bool caption; /* a figcaption, or hinted as a caption or credit */
	bool standfirst; /* hinted as the standfirst */
};

/* Switches, relaxed in this order when a pass finds too little text. */
enum {
	M_STRIP_UNLIKELY = 1 << 0,
	M_WEIGHT = 1 << 1,
	M_CLEAN = 1 << 2,
};

/* One scoring pass. v[] (malloc'd) and tmp are owned by content_pass(),
 * which also sets every recorded node's `_private` back to NULL before
 * freeing v, so the next pass over the same document starts clean. */
struct scan {
	struct info *v;
	size_t n, cap;
	unsigned mode;
	xmlNode *headline; /* the <h1> that states the title, or NULL */
	/* The first words of the page's description, whitespace collapsed
	 * (SUMMARY_PREFIX bytes at most, cut at a space), or "": where the
	 * publisher's summary of the story begins. Not owned. */
	const char *summary;
	size_t seen; /* characters of text scanned so far */
	struct buf tmp;
	bool oom;
};

/* The record of element `n`, or NULL (not an element, or no record). */
static inline struct info *info_of(const struct scan *s, const xmlNode *n)
{
	uintptr_t i;

	if (!n || n->type != XML_ELEMENT_NODE)
		return NULL;
	i = (uintptr_t)n->_private;
	if (i == 0 || i > s->n)
		return NULL;
	return &s->v[i - 1];
}

static inline uint32_t index_of(const struct scan *s, const struct info *in)
{
	return (uint32_t)(in - s->v);
}

static inline double link_density(const struct info *in)
{
	return in->text ? (double)in->link / (double)in->text : 0.0;
}

int scan_document(struct scan *s, xmlNode *root);
bool is_ancestor(const struct scan *s, uint32_t anc, uint32_t i);
void boost_near_headline(struct scan *s);
uint32_t pick_top(struct scan *s, uint32_t *core);

/* Printing (print.c) ------------------------------------------------------ */

/* Bytes of a commenter's name kept; bytes of text before a signature can
 * be a comment's (fewer: it is the story's byline). */
enum { SIGNATURE_NAME_MAX = 40, SIGNATURE_AFTER = 200 };

/* What the printed text is made of, for the warnings (page.c): bytes
 * of it from blocks before the headline and from the headline on, and the paragraphs (and their
 * bytes) that follow a link on its own line in their block, dropped as
 * link text ("<p><a>Headline</a><br>Its dek</p>"): the deks of a box of
 * other stories' teasers. */
struct tally {
	size_t pre_head, post_head, deks, dek_bytes;
};

/* The text being printed for one content pass. `s` is borrowed from the
 * pass; the bufs are owned and released by content_pass(), which set it
 * up. */

struct printer {
	const struct scan *s;
	const char *title;  /* headings equal to it are skipped */
	const char *author; /* a paragraph equal to it is a byline */
	const char *section; /* a paragraph equal to it is a kicker */
	struct buf out;     /* paragraphs so far */
	struct buf para;    /* the paragraph being built */
	struct buf tmp;
	size_t para_link;   /* bytes of `para` inside links */
	size_t filed; /* bytes of stock lines and bylines dropped */
	int link_depth;
	bool space;
	bool stopped; /* the article has ended: comments or "related" follow */
	bool pending; /* a promo heading ("Don't miss", "Related articles")
			 ended the story unless prose follows */
	size_t pending_at; /* out.len at that heading */
	size_t signed_at; /* out.len before the first comment signature, or 0 */
	char signer[SIGNATURE_NAME_MAX + 1]; /* the name it carries */
	size_t root_text; /* text characters in the subtree being printed */
	size_t core_text; /* text characters of the best candidate */
	uint32_t core;    /* the best candidate, or NO_NODE */
	bool oom;
	/* The story's other parts (article.h), kept out of `out`. */
	bool in_header;         /* printing the header zone */
	bool parts_only;        /* printing a block beside the story: only
				   its byline, dateline and captions count */
	const xmlNode *caption; /* the caption element being printed */
	const xmlNode *stand;   /* the standfirst element being printed */
	struct buf standfirst, byline, dateline;
	char *captions;         /* list: one caption per line */
	/* Where each part was met (article.h's `places`: [0] standfirst,
	 * [1] byline, [2] dateline, [3 + i] caption i), counted in
	 * paragraphs of `out` and in parts met so far. */
	struct article_place *places;
	size_t nplaces, ncaptions;
	unsigned paras, ranks;
	/* The last paragraph was a byline: 1 the story's (in `byline`), 2
	 * another, filed; 0 not. */
	int after_byline;
	size_t lead; /* characters print_lead() put in the standfirst */
	/* How the text read on the page, for the warnings (page.c): */
	size_t at;          /* `before` of the last element entered */
	size_t head_at;     /* `before` of the headline, SIZE_MAX: none */
	bool link_line;     /* the last paragraph was a link on its own
			       line (dropped), in the block being printed */
	bool by_br;         /* the paragraph being ended ends at a <br> */
	struct tally tally, pending_tally, signed_tally; /* of `out`; at
				   pending_at and signed_at */
};

/* What a content pass found besides the text (article.h's parts), each
 * malloc'd or NULL, the characters of the page's longest block of prose
 * (for the warning "text-short") and the headline's element (a node of
 * the document, not owned). parts_release() frees the strings. */
struct parts {
	char *standfirst, *byline, *dateline, *captions;
	struct article_place *places; /* as struct printer's */
	size_t nplaces;
	size_t largest;
	struct tally tally; /* of the text */
	xmlNode *headline; /* the element that states the title, or NULL */
	/* Characters of the standfirst that print_lead() found apart from
	 * the blocks the pass chose: the passes do not compare by them. */
	size_t lead;
};

void parts_release(struct parts *p);

/* Containers of the story found by find_parts(), at most. */
enum { MAX_PARTS = 8 };

bool is_end_marker(const char *p, size_t len);
/* Whether a paragraph (len bytes) is a picture's credit or a caption
 * that ends with one, by its words (credit.c): "Photo: Alvaro Serey",
 * "Habeck (li.) in Berlin. (Foto: dpa)", "Stanley Chou/Getty Images".
 * Captions, not the story. */
bool is_credit_line(const char *p, size_t len);
/* Whether a paragraph is a gallery's counter ("Image 1 of 5", "2/28
 * photos © Shutterstock"): neither the story nor a caption. */
bool is_gallery_counter(const char *p, size_t len);
void flush_para(struct printer *pr);
void print_subtree(struct printer *pr, xmlNode *root);
/* Walks the nodes between `from` and `to` (see print.c), printing them
 * when `pr` is not NULL; the characters of text they hold, or
 * (size_t)-1. */
size_t header_zone(const struct scan *s, xmlNode *from, xmlNode *to,
		   struct printer *pr);
size_t find_parts(const struct scan *s, uint32_t core, uint32_t top,
			 uint32_t *parts);
void print_header(struct scan *s, struct printer *pr, xmlNode *first);
/* Prints the page's summary shown before `first` to the standfirst when
 * it is still empty (print.c). */
void print_lead(struct scan *s, struct printer *pr, xmlNode *first);
bool continues_in_prose(const struct scan *s, const xmlNode *n);
/* Whether `n` is a list of other stories: three or more items of one
 * kind, each opening with a linked headline (print.c). */
bool is_teaser_list(const struct scan *s, const xmlNode *n);

/* Content passes (content.c) ---------------------------------------------- */

size_t utf8_chars(const char *s);
/* The element that states the headline `title` (an <h1>, else an <h2>),
 * in *found, or NULL. Returns 0, or -1 when memory runs out. */
int find_headline(xmlNode *root, const char *title, xmlNode **found);
/* The article's text (*text, malloc'd) and its other parts (*parts, to
 * release with parts_release()) from the best of the content passes.
 * Returns 0, or -1 when memory runs out. */
enum { SUMMARY_PREFIX = 48 };
/* `summary`: the page's description (may be NULL). */
int extract_text(xmlNode *root, const struct article *meta,
		 const char *summary, char **text,
		 struct parts *parts);

/* Dates (date.c) ---------------------------------------------------------- */

bool is_month_word(const char *p);

/* Dates before this year are not a web page's (a founding year, a birth
 * date in a standfirst). */
enum { DATE_MIN_YEAR = 1995 };

/* The first date written in running text `s` ("20. November 2019",
 * "20.11.2019", "20 de noviembre de 2019", "Nov. 20, 2019", "2019-11-20";
 * month names in English, German, French, Spanish, Portuguese, Italian and
 * Polish), as "YYYY-MM-DDT00:00:00Z", or NULL. Malloc'd. */
char *date_in_text(const char *s);

/* The date a URL's path spells ("/2019/11/20/", "/2019-11-20-slug",
 * "/20191120/"), as date_in_text() gives it, or NULL. */
char *date_in_url(const char *url);

/* Days from the date that RFC 3339 `b` starts with to `a`'s (a - b), or
 * LONG_MAX when either is not a date. */
long date_days_apart(const char *a, const char *b);

/* Whether two dates as extract_normalize_date() prints them are one
 * instant ("2022-11-06T23:00:00Z" and "2022-11-07T00:00:00+01:00"). */
bool date_same_instant(const char *a, const char *b);

/* Whether printed date `d` is an instant written in UTC ("...Z" with a
 * time; a date alone, "T00:00:00Z", is a day, not an instant). */
bool date_written_in_utc(const char *d);

/* Days from `b`'s day to the day instant `a` falls on where `b` is
 * written (in b's offset): "2022-05-06T02:00:00Z" is on the day of
 * "2022-05-05T21:00:00-05:00" (0). Values that are not instants compare
 * as date_days_apart() does. */
long date_days_later_where_written(const char *a, const char *b);

struct ld;

/* Whether the word at p names a month (month_names in date.c: en, de,
 * fr, es, pt, it, pl). */
bool date_month_at(const char *p);

/* Metadata (meta.c) ------------------------------------------------------- */

/* Collected by collect_meta(). The const char * fields point into the
 * document (attribute values) and live as long as it; `title`, h1[] and
 * ld[] are malloc'd and freed by meta_release(). */
enum { MAX_LD = 16, MAX_H1 = 8, MAX_HINTED = 12, NEAR_TEXT = 300,
       HINTED_TEXT = 200, MAX_HINT_READS = 64,
       BEFORE_TEXT = 150, PREFIXED_TEXT = 80, MAX_TAGS = 16 };

struct meta {
	const char *canonical, *og_url, *og_title, *og_site, *og_image,
		*og_locale, *tw_title, *pub, *mod, *section, *author,
		*art_author, *content_lang, *html_lang, *ip_pub, *ip_mod,
		*other_pub, *time_dt, *time_pub;
	const char *description; /* meta description, else og:description */
	const char *og_description;
	char *title;
	char *h1[MAX_H1]; /* the first <h1>s of the page, in order */
	size_t nh1;
	char *ld[MAX_LD];
	size_t nld;
	/* The visible text right after the first <h1> (its first NEAR_TEXT
	 * bytes: where dateline and byline stand) and the datetime of the
	 * first <time> in it. */
	char *near;
	const char *near_time;
	char *before; /* the last BEFORE_TEXT bytes or so of text before it */
	/* Texts (at most HINTED_TEXT bytes) of elements whose class, id or
	 * itemprop names a date ("date", "datum", "published"...) or an
	 * author ("author", "byline", rel=author), in document order; an
	 * author's flagged when it follows the first <h1>. */
	char *dated[MAX_HINTED];
	size_t ndated;
	char *bylines[MAX_HINTED];
	bool byline_after_h1[MAX_HINTED];
	size_t nbylines;
	/* Short lines that open as a byline does ("von Anna Meier"). */
	char *prefixed[MAX_HINTED];
	size_t nprefixed;
	/* Short lines whose text opens with a date's label ("Datum:"). */
	char *labelled[MAX_HINTED];
	size_t nlabelled;
	/* Short lines that say when the page last changed ("Letzte
	 * Änderung: 14.01.2022", "This page was last edited on ..."). */
	char *changed[MAX_HINTED];
	size_t nchanged;
	size_t hint_reads; /* long subtree texts read for hints, at most
			    * MAX_HINT_READS: a bounded cost on any page */
	const char *tags[MAX_TAGS]; /* article:tag contents, in order */
	size_t ntags;
	const char *keywords;       /* meta keywords / news_keywords */
};

void meta_release(struct meta *m);
int collect_meta(xmlNode *root, struct meta *m);
int fill_metadata(struct article *out, struct meta *m, struct ld *ld);

/* The names in a byline ("By Jane Smith and Raj Patel | Nov. 20, 2019",
 * "Von Anna Meier, Redaktion"): the prefix ("By", "Von", "Par", "Por"...),
 * roles, places, dates and what follows a separator removed; the names
 * and the conjunctions between them as written. NULL when no name is
 * left ("By Seattle Times business reporter"). Malloc'd. */
char *byline_names(const char *s);

/* Headline (title.c) ------------------------------------------------------- */

enum { HEADLINE_MAX_H1 = MAX_H1 };

/* Where a page states its headline; any may be NULL. */
struct headline_sources {
	const char *ld_headline, *og_title, *tw_title; /* in this precedence */
	const char *const *h1; /* the page's <h1>s, in order */
	size_t nh1;
	const char *title;     /* <title> */
	const char *site, *publisher; /* og:site_name, JSON-LD publisher */
	const char *host;      /* the page's URL */
};

/* The headline by agreement: each source gets a vote from every other
 * whose text holds it (compared case-folded, letters and digits only); the
 * one with most votes wins, ties in the order of the struct. A source that
 * is the site's name (og:site_name, publisher, host name) never wins; a
 * site-wide og:title wins nothing as no other source holds it. The winner
 * is given as an <h1> writes it when one agrees, its site name stripped
 * (extract_clean_title()). When no source holds another, a segment of one
 * ("BBC NEWS | Scotland | Headline") that is another whole wins. Malloc'd,
 * NULL when there is no source or no memory. */
char *extract_headline(const struct headline_sources *h);
/* extract_headline() further: a vote for being held inside another
 * source counts when held as a run of its segments ("Headline" in
 * "Headline | Site", not a twitter:title cut at a length limit inside
 * the og:title), or in or around an <h1>; a winner that a longer source
 * holds loses only a site's name, not its own last segment; the one
 * <h1> that rewords the agreed metadata headline (sharing a third of its
 * words, neither holding the other) wins as the page's visible
 * headline; a <title> that is the only source loses leading segments of
 * at most two words before " | " (a site's and a section's names). */

/* Whether a heading restates the headline (title.c): one holds the other
 * or they share half their words; true on no memory. */
bool restates_title(const char *heading, const char *title);

/* Decodes character references left in a value that was escaped twice
 * ("Olive &#038; Herb", "Redacci&oacute;n"), in place. */
void decode_refs(char *s);

/* Whether the UTF-8 character at p is a letter (of any script). */
bool letter_at(const char *p);

/* JSON-LD (jsonld.c) ------------------------------------------------------ */

/* The parsed JSON-LD blocks: roots[] owned (freed by ld_release()); the
 * article, page and site objects are borrowed from them. */
struct ld {
	json_t *roots[MAX_LD];
	size_t n;
	json_t *article, *page, *site;
	json_t *dated; /* the first object with a datePublished */
};

const char *ld_string(const json_t *v, const char *key);
void ld_parse(struct ld *ld, struct meta *m);
void ld_release(struct ld *ld);
const char *ld_get(const struct ld *ld, const char *key, const char *sub);
char *ld_authors(const struct ld *ld);
char *ld_body(const struct ld *ld);

#endif
