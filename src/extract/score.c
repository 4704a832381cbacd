/*
 * extract/score.c: the scoring pass (one record per element, post-order
 * totals, paragraph scores spread to ancestors) and the choice of the
 * best candidate.
 */
#include "internal.h"

/* Gives a candidate its starting score the first time it is scored. */
static void init_candidate(struct scan *s, struct info *in)
{
	if (in->candidate)
		return;
	in->candidate = true;
	in->score = (in->tag ? in->tag->prior : 0) +
		    ((s->mode & M_WEIGHT) ? in->weight : 0);
}

/* Credits a paragraph of `len` characters with `commas` commas to the
 * element `first` (in full) and its ancestors (decaying), five levels. */
static void score_paragraph(struct scan *s, uint32_t first, size_t len,
			    size_t commas)
{
	double score = 1.0 + (double)commas +
		       (double)(len / 100 < 3 ? len / 100 : 3);
	uint32_t i = first;

	for (int level = 0; level < 5 && i != NO_NODE; level++) {
		struct info *a = &s->v[i];

		if (a->parent == NO_NODE) /* <html> itself is never chosen */
			break;
		init_candidate(s, a);
		a->score += score / (level == 0 ? 1.0 : level == 1 ? 2.0
							      : level * 3.0);
		i = a->parent;
	}
}

/* Whether `n` is a link for link density. A heading's link to an anchor
 * of the page itself (a section title that leads back to the table of
 * contents, its permalink "¶") is not: the heading stays a subheading of
 * the text, not a line of navigation. Links to "#" alone are script
 * menus and still count. */
static bool is_link_out(const xmlNode *n)
{
	const char *href;
	const xmlNode *a = n->parent;

	if (!is_tag(n, "a"))
		return false;
	href = attr(n, "href");
	if (!href || href[0] != '#' || !href[1])
		return true;
	for (int k = 0; k < 4 && a && a->type == XML_ELEMENT_NODE;
	     k++, a = a->parent) {
		const struct tag *t = tag_lookup(a->name);

		if (t && (t->flags & T_HEADING))
			return false;
	}
	return true;
}

/* Whether `n` is the headline or one of its ancestors. */
static bool holds_headline(const struct scan *s, const xmlNode *n)
{
	for (const xmlNode *a = s->headline; a; a = a->parent)
		if (a == n)
			return true;
	return false;
}

/* Readers' comments (a block whose class or id names them, hints.c's
 * names_comments()) are skipped in every pass, as the chrome is: the
 * relaxed passes run on short stories, whose comment threads are longer
 * than the story and won as the longest text. A block that holds the
 * headline is the page's wrapper, whatever its class says. */
static bool is_comment_block(const struct scan *s, const xmlNode *n,
			     const struct hints *h)
{
	return h->comments && !is_tag(n, "body") && !is_tag(n, "html") &&
	       !holds_headline(s, n);
}

static void scan_enter_element(struct scan *s, xmlNode *n)
{
	struct info *in, *parent = info_of(s, n->parent);
	struct hints h;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct info *v;

		if (cap > UINT32_MAX - 1 || cap > SIZE_MAX / sizeof *v) {
			s->oom = true;
			return;
		}
		v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			s->oom = true;
			return;
		}
		s->v = v;
		s->cap = cap;
		parent = info_of(s, n->parent);
	}
	in = &s->v[s->n++];
	memset(in, 0, sizeof *in);
	n->_private = (void *)(uintptr_t)s->n;
	in->node = n;
	in->tag = tag_lookup(n->name);
	in->before = s->seen;
	in->parent = parent ? index_of(s, parent) : NO_NODE;
	in->in_link = (parent && parent->in_link) || is_link_out(n);
	if (in->tag && (in->tag->flags & T_BLOCK))
		in->block = index_of(s, in);
	else
		in->block = parent ? parent->block : index_of(s, in);

	read_hints(n, &h);
	in->weight = h.weight;
	in->drop = h.drop;
	in->caption = h.caption || is_tag(n, "figcaption");
	in->standfirst = h.standfirst;
	if ((parent && parent->skipped) || h.hidden ||
	    (in->tag && (in->tag->flags & T_SKIP)))
		in->skipped = true;
	else if (is_comment_block(s, n, &h))
		in->skipped = true;
	else if (((s->mode & M_STRIP_UNLIKELY) && h.unlikely) || h.chrome) {
		if (!is_tag(n, "body") && !is_tag(n, "a") && !is_tag(n, "html"))
			in->skipped = true;
	}
	else if ((s->mode & M_STRIP_UNLIKELY) && in->tag &&
		 (in->tag->flags & T_DROP) && !is_tag(n, "footer"))
		in->skipped = true;
}

static void scan_text(struct scan *s, const xmlNode *n)
{
	struct info *p = info_of(s, n->parent);
	size_t commas = 0, len;

	if (!p || p->skipped || !n->content)
		return;
	len = count_text(n->content, &commas);
	s->seen += len;
	if (len > 1)
		p->marker_before = false;
	p->text += len;
	p->commas += commas;
	if (p->in_link)
		p->link += len;
	s->v[p->block].own += len;
	s->v[p->block].own_commas += commas;
	if (p->in_link)
		s->v[p->block].own_link += len;
}

/* Whether `n` is the first thing with text in its parent: a heading that
 * opens a block names the block. */
static bool first_content_child(const struct scan *s, const xmlNode *n)
{
	for (const xmlNode *c = n->prev; c; c = c->prev) {
		if (c->type == XML_ELEMENT_NODE) {
			const struct info *ci = info_of(s, c);

			if (ci && !ci->skipped && ci->text > 0)
				return false;
		} else if ((c->type == XML_TEXT_NODE ||
			    c->type == XML_CDATA_SECTION_NODE) && c->content) {
			for (const xmlChar *t = c->content; *t; t++)
				if (!isspace(*t))
					return false;
		}
	}
	return true;
}

static void scan_leave_element(struct scan *s, const xmlNode *n)
{
	struct info *in = info_of(s, n), *p;
	unsigned f;

	if (!in)
		return;
	f = in->tag ? in->tag->flags : 0;
	if (in->skipped) {
		if (f & T_EMBED && (p = info_of(s, n->parent)) != NULL)
			p->embed++;
		return;
	}
	if ((f & T_SCORE) && in->text >= 25 && in->parent != NO_NODE)
		score_paragraph(s, in->parent, in->text, in->commas);
	else if ((f & T_DIVLIKE) && !in->has_block && in->text >= 25 &&
		 in->parent != NO_NODE)
		score_paragraph(s, in->parent, in->text, in->commas);
	else if ((f & T_BLOCK) && in->has_block && in->own >= 25)
		score_paragraph(s, index_of(s, in), in->own, in->own_commas);

	if ((f & T_BLOCK) && in->own_link * 5 < in->own &&
	    in->own - in->own_link > in->prose)
		in->prose = in->own - in->own_link;
	p = info_of(s, n->parent);
	if (!p)
		return;
	if (in->prose > p->prose)
		p->prose = in->prose;
	/* A heading such as "Related articles" names the block it opens
	 * (first_content_child()), or, standing alone among its siblings
	 * with little link text of its own, the next sibling with text. */
	if (in->text > 0 && p->marker_before)
		in->boxed = true;
	if (in->text > 0)
		p->marker_before = false;
	if (in->text > 0 && in->text <= 60 &&
	    ((f & T_HEADING) || ((f & T_DIVLIKE) && !in->has_block) ||
	     is_tag(n, "p"))) {
		bool first = first_content_child(s, n);

		if ((first && !is_tag(n, "p")) ||
		    (!first && in->link * 2 < in->text)) {
			if (subtree_text(n, &s->tmp))
				s->oom = true;
			else if (is_end_marker(s->tmp.data, s->tmp.len))
				*(first ? &p->boxed : &p->marker_before) = true;
		}
	}
	p->text += in->text;
	p->link += in->link;
	p->commas += in->commas;
	p->p += in->p + is_tag(n, "p");
	p->li += in->li + is_tag(n, "li");
	p->img += in->img + is_tag(n, "img");
	p->input += in->input;
	p->embed += in->embed;
	if ((f & T_BLOCK) || in->has_block || is_tag(n, "img"))
		p->has_block = true;
}

/* walk_next()'s `leave` for the scoring pass. */
static void scan_left(void *ctx, const xmlNode *n)
{
	if (n->type == XML_ELEMENT_NODE)
		scan_leave_element(ctx, n);
}

/* Runs the scoring pass over the document. Returns 0, -1 on no memory. */
int scan_document(struct scan *s, xmlNode *root)
{
	xmlNode *n = root;

	s->n = 0;
	s->seen = 0;
	for (;;) {
		bool descend = false;

		if (n->type == XML_ELEMENT_NODE) {
			struct info *in, *p;

			scan_enter_element(s, n);
			if (s->oom || (in = info_of(s, n)) == NULL)
				return -1;
			if (is_tag(n, "input") && (p = info_of(s, n->parent)))
				p->input++;
			descend = !in->skipped;
		} else if (n->type == XML_TEXT_NODE ||
			   n->type == XML_CDATA_SECTION_NODE) {
			scan_text(s, n);
		} else if (n == root) {
			descend = true; /* the document node */
		}
		if (!(n = walk_next(n, root, descend, scan_left, s)))
			return 0;
	}
}

bool is_ancestor(const struct scan *s, uint32_t anc, uint32_t i)
{
	for (; i != NO_NODE; i = s->v[i].parent)
		if (i == anc)
			return true;
	return false;
}

static size_t element_children(const xmlNode *n)
{
	size_t k = 0;

	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			k++;
	return k;
}

/* The article body follows its headline: the blocks after the headline
 * inside its two nearest ancestors, and those ancestors themselves, have
 * their score multiplied by 5, so that a short story beats the long comment
 * thread, sidebar or footer of its page. (Measured: factors 2, 5 and 20 and
 * 2 or 3 levels; 5 and 2 levels keep extract-dev and gain most on
 * related-dev-html, where templates hold comments and teasers; 3 levels
 * reach page-wide wrappers.)
 * In the strict pass an ancestor gets the boost only when it holds
 * HEADLINE_BOX_MIN characters or more besides the headline: a header box
 * of headline and standfirst is not the story, and boosted it outscored
 * the story's body beside it. The relaxed passes, which run when the
 * strict one found little text, keep the boost for such a box, where a
 * short story's header is the best guide left. (Measured on extract-dev:
 * F1 +0.0004, R +0.0009, 5 pages better, 10 worse by 0.013 or less,
 * the worse ones a dateline in the header no longer printed; one story
 * from its standfirst alone to its whole text; related-dev-html MAP@10
 * unchanged. In every pass, F1 -0.0013: short stories gave way to
 * sidebars; 50 characters gain nothing, 200 or 300 as much as 100 but
 * cost MAP@10.) */
enum { HEADLINE_LEVELS = 2, HEADLINE_BOX_MIN = 100 };
#define HEADLINE_BOOST 5.0
void boost_near_headline(struct scan *s)
{
	const xmlNode *branch = s->headline;
	const struct info *h = info_of(s, branch);
	size_t least = 0;

	if (!branch)
		return;
	if ((s->mode & M_STRIP_UNLIKELY) && h)
		least = h->text + HEADLINE_BOX_MIN;
	for (int level = 0; level < HEADLINE_LEVELS; level++) {
		const xmlNode *anc = branch->parent;
		struct info *a = info_of(s, anc);
		int k = 0;

		if (!a || is_tag(anc, "body") || is_tag(anc, "html"))
			break;
		if (a->candidate && a->text >= least) {
			a->score *= HEADLINE_BOOST;
			a->anchored = true;
		}
		for (const xmlNode *c = branch->next; c && k < 500;
		     c = c->next, k++) {
			struct info *ci = info_of(s, c);

			if (ci && ci->candidate) {
				ci->score *= HEADLINE_BOOST;
				ci->anchored = true;
			}
		}
		branch = anc;
	}
}

/* A block that opens with a heading such as "Related articles", "Comments"
 * or "Most read" (see end_markers) is a box of other stories or readers'
 * comments, whatever its class says: its score is cut to a tenth, and
 * printing skips it (ending the article after END_MARKER_AFTER bytes, as
 * its heading would). Measured F1 on extract-dev / related-dev-html: the
 * cut alone +0.000 / +0.001; skipping too +0.002 / +0.011, as short
 * stories used to print the boxes that follow them. Linear: the walk back
 * to the previous sibling with text passes each node once.
 * A short heading or paragraph that says so and is not a link, followed
 * by a sibling block ("<p>Also on HuffPost:</p><div>slideshow</div>"),
 * boxes that block the same way; and candidates inside a boxed block score
 * a tenth too, so a long slideshow or comment list inside the box cannot
 * win on its own. (extract-dev F1 +0.0009: a story lost to its slideshow
 * comes back, three pages lose a box; related-dev-html MAP@10 -0.0002.) */
#define BOXED_FACTOR 0.1

/* The story's body when the best candidate `best` is its header: a header
 * zone (a block that holds the headline, or one the headline's boost
 * lifted, with under HEADER_BOX_MAX characters besides the headline: more
 * is a story of its own) never wins over a longer body below it. The body
 * is the best-scoring candidate after `best` in document order that starts within the header's text (besides the
 * headline) and HEADER_SLACK characters more (a date, a share bar's words)
 * after the headline ends, counted in the page's visible text (`before`):
 * nothing but the header stands between them, however deep the header
 * sits in boxes of its own and wherever the body's branch of the page
 * begins. It has twice the header's text besides the headline and
 * BODY_BELOW_MIN characters or more, few links, paragraphs (two <p> or
 * more, or a long one of loose text), and is neither boxed nor hinted
 * away; a box of other stories between the two pushes the body out of
 * reach. Only in the strict pass: the relaxed ones keep comments and
 * sidebars, which are longer than a short post.
 * A paywalled teaser, a story told in tables or pictures with captions
 * scores weakly and lost to its header of headline, standfirst and
 * byline, boosted five times. A shorter block there is the body when it
 * holds the page's description's opening words and the header does not
 * (is_body_below()). Returns `best` when there is no such body.
 * Linear in the elements: `before` does not decrease in document order.
 * (The body used to be looked for inside the headline's third ancestor
 * only, which missed a header nested in hero, container and column boxes
 * with the body in the page wrapper's next branch.) */
enum { HEADER_BOX_MAX = 800, BODY_BELOW_MIN = 200,
       HEADER_SLACK = 200 };

/* Whether element `n`'s text holds where the page's description begins
 * (s->summary). On no memory, false: the choice stands. */
static bool holds_summary(struct scan *s, const xmlNode *n)
{
	if (!s->summary || !*s->summary)
		return false;
	if (subtree_text(n, &s->tmp)) {
		s->oom = true;
		return false;
	}
	return strstr(s->tmp.data, s->summary) != NULL;
}

/* Whether candidate `in` below a header is the story's body: as long as
 * body_below_header() asks, or, shorter, holding where the page's own
 * description begins while the header does not (the publisher's summary
 * of the story is its opening: a paywalled one-paragraph teaser). */
static bool is_body_below(struct scan *s, const struct info *in, size_t need,
			  bool header_summed)
{
	if (in->in_box || link_density(in) >= 0.3 || in->drop)
		return false;
	if (in->text >= need && (in->p >= 2 || in->prose >= LOOSE_PROSE))
		return true;
	return !header_summed && in->prose > 0 && holds_summary(s, in->node);
}

static uint32_t body_below_header(struct scan *s, uint32_t best)
{
	const struct info *b = &s->v[best], *h = NULL;
	uint32_t end = best + 1, found = best;
	size_t header, need, reach;
	bool holds, summed;

	/* a headline inside a block the strict pass skips (a "header" box)
	 * has no record: its nearest recorded ancestor stands for it */
	for (const xmlNode *a = s->headline; a && !h; a = a->parent)
		h = info_of(s, a);
	if (!h || !b->anchored || !(s->mode & M_STRIP_UNLIKELY))
		return best;
	holds = is_ancestor(s, best, index_of(s, h));
	header = b->text > h->text && holds ? b->text - h->text : b->text;
	if (header >= HEADER_BOX_MAX)
		return best; /* a story of its own, not a header */
	need = 2 * header > BODY_BELOW_MIN ? 2 * header : BODY_BELOW_MIN;
	reach = h->before + h->text + header + HEADER_SLACK;
	while (end < s->n && is_ancestor(s, best, end))
		end++;
	summed = holds_summary(s, b->node);
	for (uint32_t i = end; i < s->n && s->v[i].before <= reach; i++) {
		const struct info *in = &s->v[i];

		if (!in->candidate || in->skipped || !is_body_below(s, in, need, summed))
			continue;
		if (found == best || in->score > s->v[found].score)
			found = i;
	}
	return found;
}

/* Chooses the top candidate, following Readability's refinements. Returns
 * its index, or NO_NODE when nothing scored; *core is the best-scoring
 * candidate before the choice moved up the tree (NO_NODE likewise). */
uint32_t pick_top(struct scan *s, uint32_t *core)
{
	enum { NTOP = 5 };
	uint32_t top[NTOP];
	size_t ntop = 0;
	uint32_t best, p;
	double last;

	for (size_t i = 0; i < s->n; i++) {
		struct info *in = &s->v[i];

		/* parents come first: elements are in document order */
		in->in_box = in->boxed || (in->parent != NO_NODE &&
					   s->v[in->parent].in_box);
		if (in->candidate)
			in->score *= (1.0 - link_density(in)) *
				     (in->in_box ? BOXED_FACTOR : 1.0);
	}
	boost_near_headline(s);
	for (size_t i = 0; i < s->n; i++) {
		struct info *in = &s->v[i];

		if (!in->candidate)
			continue;
		size_t k = ntop < NTOP ? ntop++ : NTOP;
		while (k > 0 && s->v[top[k - 1]].score < in->score) {
			if (k < NTOP)
				top[k] = top[k - 1];
			k--;
		}
		if (k < NTOP)
			top[k] = (uint32_t)i;
	}
	*core = NO_NODE;
	if (ntop == 0)
		return NO_NODE;
	/* A list of other stories' teasers (a "newswire" column of linked
	 * headlines and their dates) is never the story, however well its
	 * many short items score: the next best candidate is. */
	size_t kept = 0;
	for (size_t i = 0; i < ntop; i++)
		if (!is_teaser_list(s, s->v[top[i]].node))
			top[kept++] = top[i];
	if (kept > 0)
		ntop = kept;
	best = body_below_header(s, top[0]);
	*core = best;
	if (is_tag(s->v[best].node, "body"))
		return best;

	/* Several near-best candidates under one ancestor: take it. */
	size_t nalt = 0;
	for (size_t i = 1; i < ntop; i++)
		if (s->v[top[i]].score >= 0.75 * s->v[best].score)
			nalt++;
	if (nalt >= 3) {
		for (p = s->v[best].parent;
		     p != NO_NODE && !is_tag(s->v[p].node, "body");
		     p = s->v[p].parent) {
			size_t k = 0;

			for (size_t i = 1; i < ntop; i++)
				if (s->v[top[i]].score >=
					    0.75 * s->v[best].score &&
				    is_ancestor(s, p, top[i]))
					k++;
			if (k >= 3) {
				best = p;
				break;
			}
		}
	}
	init_candidate(s, &s->v[best]);

	/* A score rising towards the root means content lies elsewhere too. */
	last = s->v[best].score;
	for (p = s->v[best].parent;
	     p != NO_NODE && !is_tag(s->v[p].node, "body");
	     p = s->v[p].parent) {
		if (!s->v[p].candidate)
			continue;
		if (s->v[p].score < last / 3.0)
			break;
		if (s->v[p].score > last) {
			best = p;
			break;
		}
		last = s->v[p].score;
	}
	/* An only child stands for its parent. */
	for (p = s->v[best].parent;
	     p != NO_NODE && !is_tag(s->v[p].node, "body") &&
	     element_children(s->v[p].node) == 1;
	     p = s->v[p].parent)
		best = p;
	return best;
}

