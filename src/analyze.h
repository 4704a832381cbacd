/*
 * analyze: an article's text to weighted terms.
 *
 * Steps: Unicode NFKC normalisation with case folding (utf8proc); words are
 * maximal runs of letters, marks and digits by Unicode category, so
 * punctuation, symbols and spaces of every script separate words; Han, kana
 * and Hangul runs become overlapping character bigrams; words shorter than
 * two characters or longer than 40 are dropped, as are stopwords of the
 * article's language; the rest are stemmed with Snowball (libstemmer) in
 * that language. Title words count `title_weight` times, and words of the
 * lead (first paragraph) `lead_weight` times, each body word once.
 *
 * An analyzer holds per-thread state (stemmers are not thread-safe): use one
 * per thread.
 */
#ifndef RELATED_ANALYZE_H
#define RELATED_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "buf.h"

struct analyze_options {
	float title_weight; /* default 2 */
	float lead_weight;  /* default 2 */
	int stem;           /* default 1 */
	int stopwords;      /* default 1 */
	float bigram_weight; /* > 0: also count adjacent-term pairs, at this
				weight (default 0: off) */
	float name_weight;   /* > 0: also count capitalised name sequences of the
				body ("Sergei Lavrov") as single terms, at this
				weight (default 0: off) */
};

void analyze_options_default(struct analyze_options *o);

/* A document's distinct terms with their weighted counts: term i is the
 * NUL-terminated string at terms.data + offsets[i]. Owned by the bag; reuse
 * one bag per document or free it with bag_free(). */
struct bag {
	struct buf terms;
	size_t *offsets;
	float *counts;
	/* [n] each term's hash_key() (hash.h), or NULL: filled by the
	 * analysis, whose terms lie one after another (term i's length is
	 * offsets[i + 1] - offsets[i] - 1, the last one's terms.len -
	 * offsets[i] - 1), so that the model builder, one thread, hashes no
	 * term again; a bag filled otherwise leaves it NULL */
	uint32_t *hashes;
	size_t n, cap;
};

/* The length of term i of a bag with hashes. */
static inline size_t bag_term_len(const struct bag *b, size_t i)
{
	size_t end = i + 1 < b->n ? b->offsets[i + 1] : b->terms.len;

	return end - b->offsets[i] - 1;
}

void bag_init(struct bag *b);
void bag_free(struct bag *b);

struct analyzer;

/* Returns a new analyzer (options copied), or NULL when memory runs out. */
struct analyzer *analyzer_new(const struct analyze_options *opts);
void analyzer_free(struct analyzer *an);

/* Fills `out` (reset first) with the terms of a->title and of the story's
 * body, in the language a->lang (NULL or unknown: no stopwords, no
 * stemming): its standfirst, dateline, text and captions, read in that
 * order (the first paragraph is the lead); the byline is left out. Terms
 * come in order of first occurrence. Returns -1 only when memory runs
 * out. */
int analyze_article(struct analyzer *an, const struct article *a, struct bag *out);

/* analyze_article() that also fills `words` (reset first) with the words
 * behind the terms: entry "TERM\tWORD" counts how often the case-folded
 * word WORD of the text gave term TERM (a bigram's word is its two words
 * joined by a space; character bigrams and name sequences, which are
 * text already, get no entry). For showing terms as words (review.h). */
int analyze_article_words(struct analyzer *an, const struct article *a, struct bag *terms,
			  struct bag *words);

/* For tests: with 1, stories are counted by term id when no bigrams or
 * words are wanted (off by default: analyze.c says why), which must give
 * the same bags as counting them by name; analyze_set_term_limit() lowers the number of
 * term ids an analyzer keeps before it starts afresh (0: the default). Not
 * thread-safe; set before analysing. */
void analyze_use_term_ids(int on);
void analyze_set_term_limit(size_t terms);

/* Guesses the ISO 639-1 language of `text` from its script and stopwords;
 * returns a static string or NULL when unsure. Thread-safe. */
const char *analyze_guess_lang(const char *text);
/* The same over a story's title and text together (either may be NULL):
 * a brief of one or two sentences is often too short to tell alone. */
const char *analyze_guess_article_lang(const char *title, const char *text);

/* Normalises a language tag to its lowercase primary subtag ("en-GB" ->
 * "en") into out (at least 8 bytes); returns out, or NULL if not a tag. */
const char *analyze_lang_code(const char *tag, char *out, size_t outlen);

/* ---- lead signature ----
 *
 * A fixed-size sketch of a story's lead, to tell the same story re-edited
 * (a wire story republished with a few words changed, under another title)
 * from another story on its topic. The lead is the first
 * ANALYZE_LEAD_WORDS words of the text (words as above, NFKC case-folded,
 * marks stripped; no stopwords removed, nothing stemmed: a re-edit keeps
 * the very words); its shingles are the runs of ANALYZE_LEAD_SHINGLE
 * consecutive words. The signature is a MinHash of that set: slot i keeps
 * the low 16 bits of the least of hash_i(shingle) over the shingles
 * (b-bit minwise hashing), so the fraction of slots two signatures share
 * estimates the Jaccard overlap of their shingle sets (standard error
 * about sqrt(J (1 - J) / ANALYZE_LEAD_SLOTS), 0.06 at J = 0.5; unrelated
 * leads share a slot by chance with probability 1/65536). A lead of fewer
 * than ANALYZE_LEAD_MIN_WORDS words (a brief, CJK text without spaces)
 * gets no signature: every slot ANALYZE_LEAD_NONE. */

#define ANALYZE_LEAD_WORDS 60
#define ANALYZE_LEAD_SHINGLE 3
#define ANALYZE_LEAD_SLOTS 64
#define ANALYZE_LEAD_MIN_WORDS 20
#define ANALYZE_LEAD_NONE 0xffffu

/* Whether code point c belongs to a word of a lead (and of the names
 * policy.c reads in leads): a letter or a number of any script. */
int analyze_word_cp(int32_t c);
/* The next word of s[*i .. len) (UTF-8, code points analyze_word_cp()
 * says belong to words): its offset in *start and its length returned; 0
 * when no word is left. *i moves past the word and the code point (or bad
 * byte) after it. */
size_t analyze_next_word(const unsigned char *s, size_t len, size_t *i, size_t *start);
/* The signature of `text` (NULL: none) into sig. Thread-safe. */
void analyze_lead_signature(const char *text, uint16_t sig[ANALYZE_LEAD_SLOTS]);
/* text[0 .. len) in the analysis's normal form into out (replaced): NFKC,
 * case folded, default-ignorable code points dropped, byte for byte what
 * utf8proc_map() gives for the whole text with those options; ASCII runs
 * are lowercased directly and only the rest goes through utf8proc (an
 * ASCII character right before other text goes with it: a combining mark
 * may compose with it). -1: not valid UTF-8 or out of memory. */
int analyze_fold(const char *text, size_t len, struct buf *out);
/* analyze_fold() with marks stripped and ignorables kept: the lead
 * signature's normal form, byte for byte what utf8proc_map() gives for the
 * whole text with UTF8PROC_STABLE | COMPAT | COMPOSE | CASEFOLD |
 * STRIPMARK (how policy.h reads titles). -1: not valid UTF-8 or out of
 * memory. */
int analyze_fold_lead(const char *text, size_t len, struct buf *out);
/* Whether sig is a signature (not ANALYZE_LEAD_NONE in every slot). */
int analyze_lead_known(const uint16_t *sig);
/* The estimated Jaccard overlap of two leads' shingles, 0 to 1: the
 * fraction of slots the signatures share; -1 when either is none. */
double analyze_lead_overlap(const uint16_t *a, const uint16_t *b);

#endif
