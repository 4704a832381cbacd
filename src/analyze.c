/*
 * analyze: tokenising, stopwords and stemming.
 *
 * The text is normalised once with utf8proc_map (NFKC + case fold), then
 * walked code point by code point. Counting goes by term id (struct
 * analyzer: by_id), the ids kept by the analyzer and beside the words of
 * its word cache, or, with bigrams or words wanted, through a hash map of
 * terms by name; both are cleared, not freed, between documents, so a long
 * run allocates almost nothing per story.
 *
 * analyze_article_words() runs the same analysis and also counts, in a
 * second map, which folded word each term came from ("TERM\tWORD"), so
 * that a page can show "president" where the model keeps "presid". Only
 * the review page asks for it; the normal path only tests a flag.
 */
#include "analyze.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bigmem.h"
#include "hash.h"
#include "stopwords.h"

#define MIN_WORD_CHARS 2
#define MAX_WORD_CHARS 40
#define MAX_LANGS 16
/* Words whose outcome (stopword, or the term they count as) a language
 * slot remembers before it starts afresh: news text repeats a small
 * vocabulary, so most words are found here instead of going through the
 * stopword set and Snowball again (measured: the two were a quarter of the
 * analysis time without the cache). */
#define WORD_CACHE_WORDS ((size_t)1 << 18)

/* One remembered word of the cache: its bytes and its term's, side by side
 * in 32 bytes, so that a look-up reads one line, not a slot, a hash, a key
 * and a term in four places (a strmap of words was a sixth of a real-text
 * run's CPU, most of it waiting for memory). A word whose bytes and term's
 * do not fit is not remembered: worked out each time, the same outcome. */
#define WORD_ENTRY_BYTES 26
#define WORD_STOP 0xff /* tlen: a stopword */
#define WORD_SAME 0xfe /* tlen: the term is the word itself */
struct word_entry {
	uint32_t hash;  /* hash_key() of the word */
	uint8_t len;    /* the word's bytes; 0: a free entry */
	uint8_t tlen;   /* the term's bytes, WORD_STOP or WORD_SAME */
	/* the word, then its term (unless WORD_SAME), then, where the 4 bytes
	 * fit (term_hash_kept()), the term's hash_key(): the count by name
	 * then hashes no term of a remembered word (most stems fit) */
	char bytes[WORD_ENTRY_BYTES];
};

/* Whether an entry of a word of len bytes and a term of tlen (not the
 * word) keeps the term's hash after them. */
static int term_hash_kept(size_t len, size_t tlen)
{
	return len + tlen + sizeof(uint32_t) <= WORD_ENTRY_BYTES;
}

/* What one language needs: its stemmer and the word cache, open addressing
 * with linear probing, at most half full. */
struct lang_slot {
	char lang[8];
	struct sb_stemmer *stemmer; /* NULL: no stemmer for this language */
	struct word_entry *cache;   /* [nslots], nslots a power of two, or NULL */
	uint32_t *tid;              /* [nslots]: 1 + the id of the entry's term in
				       the analyzer's `terms`, 0: not known yet */
	size_t nslots, n;
};

/* The terms an analyzer counts by id (struct analyzer: by_id) before it
 * starts afresh between two stories: 2^19 terms, about 20 MB. */
#define TERMS_MAX ((size_t)1 << 19)
static size_t terms_max = TERMS_MAX;
/* Off by default: on real text and realistic archives it measured the
 * same as counting by name, and on long stories of a 200,000-term
 * vocabulary with two threads it made the analysis a fifth to two fifths
 * slower (docs/MEASURED.md, "Current figures"): the term ids' arrays
 * and the word cache's ids beside it are memory the by-name count does
 * not touch. Kept, and tested to give the same bags, as the start of a
 * count that stays in cache. */
static int use_term_ids = 0;

/* A term id's count in the story under analysis, valid when `story` is
 * that story's stamp: one read per counted word. */
struct id_count {
	uint32_t story;
	float count;
};

struct analyzer {
	struct analyze_options opts;
	/* The story's bag as it is counted by name: its terms in order of
	 * first occurrence, found again through `found`, open addressing of 1
	 * + a term's index in the bag, at most half full (a map of the story's
	 * terms, then copied into the bag, was a seventh of the analysis). */
	struct bag *bag;
	uint32_t *found;
	size_t nfound;
	struct lang_slot langs[MAX_LANGS];
	size_t nlangs, evict;
	struct buf word;
	struct buf prev; /* previous term, for bigrams */
	/* analyze_article_words() only */
	int want_words;
	struct strmap words_map;  /* "TERM\tWORD" -> index in word_counts */
	float *word_counts;
	size_t word_cap;
	struct buf key;
	struct buf prev_word;     /* the word of `prev` */
	struct buf body; /* the story's text and parts (body_of()) */
	struct buf norm; /* the text in normal form (analyze_fold()) */
	/* Counting by term id (without bigrams or words, when switched on): a
	 * term's id in `terms` is kept for the analyzer's life (until it holds
	 * terms_max), and in the word cache beside the word (lang_slot.tid),
	 * so a story's counts need no look-up of the term itself: the count
	 * by name's map was an eighth of the analysis. The story's terms are
	 * listed in the order first counted, as the bag by name: the same. */
	int by_id;
	struct strmap terms;
	struct id_count *ids; /* [ids_cap] */
	size_t ids_cap;
	uint32_t story;      /* stamp of the story under analysis, from 1 */
	uint32_t *order;     /* the story's ids in the order first counted */
	size_t n_order, order_cap;
};

void analyze_use_term_ids(int on)
{
	use_term_ids = on;
}

void analyze_set_term_limit(size_t terms)
{
	terms_max = terms ? terms : TERMS_MAX;
}

void analyze_options_default(struct analyze_options *o)
{
	o->title_weight = 2.0f;
	o->lead_weight = 2.0f;
	o->stem = 1;
	o->stopwords = 1;
	o->bigram_weight = 0.0f;
	o->name_weight = 0.0f;
}

void bag_init(struct bag *b)
{
	memset(b, 0, sizeof *b);
	buf_init(&b->terms);
}

void bag_free(struct bag *b)
{
	buf_release(&b->terms);
	free(b->offsets);
	free(b->counts);
	free(b->hashes);
	bag_init(b);
}

struct analyzer *analyzer_new(const struct analyze_options *opts)
{
	struct analyzer *an = calloc(1, sizeof *an);

	if (!an)
		return NULL;
	an->opts = *opts;
	strmap_init(&an->terms);
	buf_init(&an->word);
	buf_init(&an->prev);
	strmap_init(&an->words_map);
	buf_init(&an->key);
	buf_init(&an->prev_word);
	buf_init(&an->body);
	buf_init(&an->norm);
	return an;
}

static void lang_slot_free(struct lang_slot *s)
{
	if (s->stemmer)
		sb_stemmer_delete(s->stemmer);
	free(s->cache);
	free(s->tid);
}

void analyzer_free(struct analyzer *an)
{
	if (!an)
		return;
	for (size_t i = 0; i < an->nlangs; i++)
		lang_slot_free(&an->langs[i]);
	free(an->found);
	strmap_free(&an->terms);
	free(an->ids);
	free(an->order);
	buf_release(&an->word);
	buf_release(&an->prev);
	strmap_free(&an->words_map);
	free(an->word_counts);
	buf_release(&an->key);
	buf_release(&an->prev_word);
	buf_release(&an->body);
	buf_release(&an->norm);
	free(an);
}

const char *analyze_lang_code(const char *tag, char *out, size_t outlen)
{
	size_t n = 0;

	if (!tag || outlen < 4)
		return NULL;
	while (tag[n] && tag[n] != '-' && tag[n] != '_' && n + 1 < outlen && n < 3) {
		char c = tag[n];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z')
			return NULL;
		out[n++] = c;
	}
	if (n < 2 || (tag[n] && tag[n] != '-' && tag[n] != '_'))
		return NULL;
	out[n] = '\0';
	return out;
}

/* The slot of lang, created on first use (with its Snowball stemmer, if
 * there is one). With MAX_LANGS languages in use, the slots are reused in
 * turn: a slot only saves work, so which one goes changes no result. */
static struct lang_slot *lang_slot_for(struct analyzer *an, const char *lang)
{
	struct lang_slot *s;
	const char *algo = lang;

	for (size_t i = 0; i < an->nlangs; i++)
		if (!strcmp(an->langs[i].lang, lang))
			return &an->langs[i];
	if (an->nlangs < MAX_LANGS) {
		s = &an->langs[an->nlangs++];
	} else {
		s = &an->langs[an->evict++ % MAX_LANGS];
		lang_slot_free(s);
	}
	memset(s, 0, sizeof *s);
	snprintf(s->lang, sizeof s->lang, "%s", lang);
	/* libstemmer accepts ISO 639-1 codes as algorithm names; Norwegian
	 * Bokmål and Nynorsk share its "no" stemmer. */
	if (!strcmp(lang, "nb") || !strcmp(lang, "nn"))
		algo = "no";
	s->stemmer = sb_stemmer_new(algo, "UTF_8");
	return s;
}

/* What the folded word w (len bytes) counts as in s's language, worked
 * out without the cache: NULL for a stopword, else its stem (or w itself
 * without stemming), *tlen bytes long. */
static const char *word_term(const struct analyzer *an, struct lang_slot *s,
			     const char *w, size_t len, size_t *tlen)
{
	if (an->opts.stopwords && stopwords_contains(s->lang, w, len))
		return NULL;
	*tlen = len;
	if (s->stemmer && an->opts.stem) {
		const sb_symbol *st = sb_stemmer_stem(s->stemmer, (const sb_symbol *)w, (int)len);
		int sl = st ? sb_stemmer_length(s->stemmer) : 0;
		if (sl > 0) {
			*tlen = (size_t)sl;
			return (const char *)st;
		}
	}
	return w;
}

/* Makes room for one more word in s's cache: grows the table to keep it
 * at most half full, or empties it once it holds WORD_CACHE_WORDS. -1 when
 * memory runs out (the word is then not remembered). */
static int cache_room(struct lang_slot *s)
{
	struct word_entry *t;
	uint32_t *tid;
	size_t nslots;

	if (s->n >= WORD_CACHE_WORDS) {
		memset(s->cache, 0, s->nslots * sizeof *s->cache);
		memset(s->tid, 0, s->nslots * sizeof *s->tid);
		s->n = 0;
	}
	if ((s->n + 1) * 2 <= s->nslots)
		return 0;
	nslots = s->nslots ? s->nslots * 2 : 4096;
	t = bigmem_calloc(nslots, sizeof *t);
	tid = calloc(nslots, sizeof *tid);
	if (!t || !tid) {
		free(t);
		free(tid);
		return -1;
	}
	for (size_t i = 0; i < s->nslots; i++) {
		size_t j;
		if (!s->cache[i].len)
			continue;
		for (j = s->cache[i].hash & (nslots - 1); t[j].len; j = (j + 1) & (nslots - 1))
			;
		t[j] = s->cache[i];
		tid[j] = s->tid[i];
	}
	free(s->cache);
	free(s->tid);
	s->cache = t;
	s->tid = tid;
	s->nslots = nslots;
	return 0;
}

/* Asks for the cache entry where a word of hash h is looked up first: a
 * tokeniser that knows its next word asks while it counts this one, since
 * the look-up waits on memory (the table is larger than a core's cache). */
static void cache_prefetch(const struct lang_slot *s, uint32_t h)
{
	if (s->nslots)
		__builtin_prefetch(&s->cache[h & (s->nslots - 1)]);
}

/* The index of the entry of word w (len bytes, hash_key() h) in s's
 * cache, or SIZE_MAX when it is not remembered. */
static inline size_t cache_find(const struct lang_slot *s, const char *w, size_t len, uint32_t h)
{
	size_t mask = s->nslots - 1;

	if (!s->nslots)
		return SIZE_MAX;
	for (size_t i = h & mask; s->cache[i].len; i = (i + 1) & mask) {
		const struct word_entry *e = &s->cache[i];
		if (e->hash == h && e->len == len && hash_same_bytes(e->bytes, w, len))
			return i;
	}
	return SIZE_MAX;
}

/* The hash_key() of the term of entry e (of a word of len bytes), not
 * a stopword. */
static inline uint32_t entry_term_hash(const struct word_entry *e, size_t len, uint32_t h)
{
	uint32_t th;

	if (e->tlen == WORD_SAME)
		return h;
	if (!term_hash_kept(len, e->tlen))
		return hash_key(e->bytes + len, e->tlen);
	memcpy(&th, e->bytes + len + e->tlen, sizeof th);
	return th;
}

/* word_term() through the slot's cache, for a word of hash_key() h.
 * *stop is set for a stopword, else *th is the term's hash_key(). The term
 * returned may lie in the cache: valid until the next call, as *tid: the
 * entry's term id (lang_slot.tid), or NULL when the word is not remembered. */
static const char *cached_term(const struct analyzer *an, struct lang_slot *s,
			       const char *w, size_t len, uint32_t h, size_t *tlen, int *stop,
			       uint32_t **tid, uint32_t *th)
{
	struct word_entry *e;
	const char *t;
	size_t i = cache_find(s, w, len, h), room;

	if (i != SIZE_MAX) {
		e = &s->cache[i];
		*stop = e->tlen == WORD_STOP;
		if (*stop)
			return NULL;
		*tid = &s->tid[i];
		*th = entry_term_hash(e, len, h);
		*tlen = e->tlen == WORD_SAME ? len : e->tlen;
		return e->tlen == WORD_SAME ? e->bytes : e->bytes + len;
	}
	*tid = NULL;
	t = word_term(an, s, w, len, tlen);
	*stop = t == NULL;
	room = !t || (*tlen == len && !memcmp(t, w, len)) ? len : len + *tlen;
	if (t)
		*th = room == len ? h : hash_key(t, *tlen);
	if (room > WORD_ENTRY_BYTES || cache_room(s))
		return t; /* not remembered: still right */
	for (i = h & (s->nslots - 1); s->cache[i].len; i = (i + 1) & (s->nslots - 1))
		;
	e = &s->cache[i];
	s->tid[i] = 0;
	*tid = &s->tid[i];
	e->hash = h;
	e->len = (uint8_t)len;
	memcpy(e->bytes, w, len);
	if (!t) {
		e->tlen = WORD_STOP;
	} else if (room == len) {
		e->tlen = WORD_SAME;
	} else {
		e->tlen = (uint8_t)*tlen;
		memcpy(e->bytes + len, t, *tlen);
		if (term_hash_kept(len, *tlen))
			memcpy(e->bytes + len + *tlen, th, sizeof *th);
	}
	s->n++;
	return t;
}

/* The ASCII letters and digits, by byte: one load per byte where three
 * range tests were (the tokeniser looks at every byte of a text). */
static const unsigned char ascii_word[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1,
	['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1,
	['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1,
	['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,
	['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1
};

static int is_ascii_word(unsigned char c)
{
	return ascii_word[c];
}

/* The end of the run of ASCII letters and digits from p[at], before len.
 * Sixteen bytes at a time where SSE2 is: a word's length varies, so the
 * byte loop's exit was a mispredicted branch a word (perf: an eighth of
 * the word scan's time on real text). A byte of 0x80 or more is no ASCII
 * letter or digit: (b | 0x20) - 'a' and b - '0' are then beyond 25 and 9. */
static inline size_t word_end(const unsigned char *p, size_t at, size_t len)
{
#if defined(__SSE2__)
	for (; at + 16 <= len; at += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + at));
		__m128i a = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
		__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
		__m128i letter = _mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(25)), a);
		__m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
		unsigned other = ~(unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit)) & 0xffffu;
		if (other)
			return at + (size_t)__builtin_ctz(other);
	}
#endif
	while (at < len && is_ascii_word(p[at]))
		at++;
	return at;
}

static int is_cjk(utf8proc_int32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

static int is_word_char(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Adds w to the count of `key` (of hash_key() h) in (map, *counts). */
static int count_in(struct strmap *map, float **counts, size_t *cap, const char *key,
		    size_t len, uint32_t h, float w)
{
	size_t before = map->n;
	int64_t id = strmap_intern_hashed(map, key, len, h);

	if (id < 0)
		return -1;
	if ((size_t)id >= *cap) {
		size_t n = *cap ? *cap * 2 : 1024;
		float *c = realloc(*counts, n * sizeof *c);
		if (!c)
			return -1;
		*counts = c;
		*cap = n;
	}
	if (map->n != before)
		(*counts)[id] = 0.0f;
	(*counts)[id] += w;
	return 0;
}

/* Room for ids up to `id` in ids (the new ones counted in no story). */
static int grow_ids(struct analyzer *an, uint32_t id)
{
	size_t cap = an->ids_cap ? an->ids_cap : 4096;
	struct id_count *ids;

	while (cap <= id)
		cap *= 2;
	ids = realloc(an->ids, cap * sizeof *ids);
	if (!ids)
		return -1;
	memset(ids + an->ids_cap, 0, (cap - an->ids_cap) * sizeof *ids);
	an->ids = ids;
	an->ids_cap = cap;
	return 0;
}

/* Adds w to the story's count of `term`, by its id: *tid when known (a
 * word cache entry's, 1 + id; 0 there is set), else found in `terms`. */
static int count_id(struct analyzer *an, const char *term, size_t len, float w, uint32_t *tid)
{
	uint32_t id;

	if (tid && *tid) {
		id = *tid - 1;
	} else {
		int64_t x = strmap_intern(&an->terms, term, len);
		if (x < 0 || ((size_t)x >= an->ids_cap && grow_ids(an, (uint32_t)x)))
			return -1;
		id = (uint32_t)x;
		if (tid)
			*tid = id + 1;
	}
	if (an->ids[id].story != an->story) {
		if (an->n_order == an->order_cap) {
			size_t cap = an->order_cap ? an->order_cap * 2 : 1024;
			uint32_t *o = realloc(an->order, cap * sizeof *o);
			if (!o)
				return -1;
			an->order = o;
			an->order_cap = cap;
		}
		an->ids[id].story = an->story;
		an->ids[id].count = 0.0f;
		an->order[an->n_order++] = id;
	}
	an->ids[id].count += w;
	return 0;
}

/* Makes room in b's arrays for n terms (a bag filled otherwise may have
 * room but no hashes). */
static int bag_make_room(struct bag *b, size_t n)
{
	size_t *off;
	float *cnt;
	uint32_t *hashes;

	if (n <= b->cap && b->hashes)
		return 0;
	if (n < b->cap)
		n = b->cap;
	if (n < 16)
		n = 16; /* never realloc(p, 0) */
	off = realloc(b->offsets, n * sizeof *off);
	if (!off)
		return -1;
	b->offsets = off;
	cnt = realloc(b->counts, n * sizeof *cnt);
	if (!cnt)
		return -1;
	b->counts = cnt;
	hashes = realloc(b->hashes, n * sizeof *hashes);
	if (!hashes)
		return -1;
	b->hashes = hashes;
	b->cap = n;
	return 0;
}

/* The terms a bag has room for at first: most stories of real text have
 * fewer (median 129 words), and growing a bag from 16 was 1,700
 * instructions a step. */
#define BAG_TERMS 128

/* Empties `out` and makes room for n terms' offsets, counts and hashes. */
static int bag_reset(struct bag *out, size_t n)
{
	buf_reset(&out->terms);
	out->n = 0;
	return bag_make_room(out, n);
}

/* Makes the story's `found` room for one more term, at most half full. */
static int found_room(struct analyzer *an)
{
	const struct bag *b = an->bag;
	size_t n = an->nfound ? an->nfound * 2 : 1024;
	uint32_t *t;

	if ((b->n + 1) * 2 <= an->nfound)
		return 0;
	t = calloc(n, sizeof *t);
	if (!t)
		return -1;
	for (size_t k = 0; k < b->n; k++) {
		size_t i = b->hashes[k] & (n - 1);
		while (t[i])
			i = (i + 1) & (n - 1);
		t[i] = (uint32_t)k + 1;
	}
	free(an->found);
	an->found = t;
	an->nfound = n;
	return 0;
}

/* Empties `found` after a story: entry by entry when the story's terms
 * fill little of it (it keeps the size of the longest story), else at
 * once. */
static void found_clear(struct analyzer *an)
{
	const struct bag *b = an->bag;
	size_t mask = an->nfound - 1;

	if (!b->n)
		return;
	if (b->n * 8 >= an->nfound) {
		memset(an->found, 0, an->nfound * sizeof *an->found);
		return;
	}
	for (size_t k = 0; k < b->n; k++) {
		size_t i = b->hashes[k] & mask;
		while (an->found[i] != (uint32_t)k + 1)
			i = (i + 1) & mask;
		an->found[i] = 0;
	}
}

/* The index in `found` where the probe for a term of hash h stops: the
 * term's own entry, or the empty one where it would go. */
static size_t found_slot(const struct analyzer *an, const char *term, size_t len, uint32_t h)
{
	const struct bag *b = an->bag;
	size_t i, mask = an->nfound - 1;

	for (i = h & mask; an->found[i]; i = (i + 1) & mask) {
		size_t k = an->found[i] - 1;
		if (b->hashes[k] == h && bag_term_len(b, k) == len &&
		    hash_same_bytes(b->terms.data + b->offsets[k], term, len))
			break;
	}
	return i;
}

/* Appends `term` (of hash h, not in the bag) with count w, its entry in
 * `found` being the empty one at i: out of line, as it copies the term and
 * may grow the arrays (most of a story's counts find their term). */
static __attribute__((noinline)) int bag_append(struct analyzer *an, const char *term,
						size_t len, uint32_t h, float w, size_t i)
{
	struct bag *b = an->bag;

	if ((b->n + 1) * 2 > an->nfound) {
		if (found_room(an))
			return -1;
		i = found_slot(an, term, len, h);
	}
	if (b->n == b->cap && bag_make_room(b, b->cap * 2))
		return -1;
	if (b->terms.len + len + 2 > b->terms.cap && buf_grow(&b->terms, len + 1))
		return -1;
	b->offsets[b->n] = b->terms.len;
	memcpy(b->terms.data + b->terms.len, term, len);
	b->terms.data[b->terms.len + len] = '\0';
	b->terms.len += len + 1;
	b->terms.data[b->terms.len] = '\0';
	b->counts[b->n] = w;
	b->hashes[b->n] = h;
	an->found[i] = (uint32_t)++b->n;
	return 0;
}

/* Adds w to the count of `term` (of hash_key() h) in the story's bag,
 * where a term not met before goes at the end. `found` has room
 * (analyze_article() makes it before the first term). */
static inline int bag_count(struct analyzer *an, const char *term, size_t len, uint32_t h,
			    float w)
{
	size_t i = found_slot(an, term, len, h);

	if (!an->found[i])
		return bag_append(an, term, len, h, w, i);
	an->bag->counts[an->found[i] - 1] += w;
	return 0;
}

/* Adds w to the story's count of `term`, of hash_key() h. */
static int add_count_hashed(struct analyzer *an, const char *term, size_t len, uint32_t h,
			    float w)
{
	if (an->by_id)
		return count_id(an, term, len, w, NULL);
	return bag_count(an, term, len, h, w);
}

static int add_count(struct analyzer *an, const char *term, size_t len, float w)
{
	return add_count_hashed(an, term, len, hash_key(term, len), w);
}

/* With want_words: one more occurrence of `word` giving `term`. */
static int add_word(struct analyzer *an, const char *term, size_t tlen, const char *word,
		    size_t wlen)
{
	buf_reset(&an->key);
	if (buf_add(&an->key, term, tlen) || buf_addc(&an->key, '\t') ||
	    buf_add(&an->key, word, wlen))
		return -1;
	return count_in(&an->words_map, &an->word_counts, &an->word_cap, an->key.data,
			an->key.len, hash_key(an->key.data, an->key.len), 1.0f);
}

/* Counts a term (of hash_key() th) and, with bigrams on, the pair
 * "previous term" + this one (a stopword or the end of a text breaks the
 * chain). `w` (wlen bytes) is the folded word the term came from, counted
 * with want_words. */
static int add_term(struct analyzer *an, const char *t, size_t len, uint32_t th, float weight,
		    const char *w, size_t wlen, uint32_t *tid)
{
	if (an->by_id) /* no bigrams, no words: nothing more to keep */
		return count_id(an, t, len, weight, tid);
	if (add_count_hashed(an, t, len, th, weight))
		return -1;
	if (an->want_words && add_word(an, t, len, w, wlen))
		return -1;
	if (an->opts.bigram_weight <= 0.0f)
		return 0;
	if (an->prev.len) {
		size_t keep = an->prev.len, keep_word = an->prev_word.len;
		int rc = buf_addc(&an->prev, ' ') || buf_add(&an->prev, t, len) ||
			 add_count(an, an->prev.data, an->prev.len,
				   weight * an->opts.bigram_weight);
		if (!rc && an->want_words)
			rc = buf_addc(&an->prev_word, ' ') || buf_add(&an->prev_word, w, wlen) ||
			     add_word(an, an->prev.data, an->prev.len, an->prev_word.data,
				      an->prev_word.len);
		buf_truncate(&an->prev, keep);
		buf_truncate(&an->prev_word, keep_word);
		if (rc)
			return -1;
	}
	buf_reset(&an->prev);
	buf_reset(&an->prev_word);
	if (an->want_words && buf_add(&an->prev_word, w, wlen))
		return -1;
	return buf_add(&an->prev, t, len);
}

/* Stopword check and stemming of one case-folded word, then counting. */
static int emit_hashed(struct analyzer *an, struct lang_slot *slot, const char *w,
		       size_t len, uint32_t h, float weight)
{
	size_t tl = len;
	int stop = 0;
	uint32_t *tid = NULL, th = 0;
	const char *t = slot ? cached_term(an, slot, w, len, h, &tl, &stop, &tid, &th) : w;

	if (stop) {
		/* a chain of bigrams ends (prev is empty without them) */
		if (an->prev.len)
			buf_reset(&an->prev);
		if (an->prev_word.len)
			buf_reset(&an->prev_word);
		return 0;
	}
	return add_term(an, t, tl, slot ? th : hash_key(w, len), weight, w, len, tid);
}

static int emit_word(struct analyzer *an, struct lang_slot *slot, const char *w,
		     size_t len, float weight)
{
	return emit_hashed(an, slot, w, len, slot ? hash_key(w, len) : 0, weight);
}

/* emit_hashed() of an ASCII word; with `plain` (a language slot, the
 * count by name, no bigrams, no words) a remembered word's outcome is read
 * from its entry here and its term counted at once: one probe of the cache
 * and one of the story's terms, where emit_hashed()'s way through the
 * cache, add_term() and its tests cost as much again. */
static inline int count_word(struct analyzer *an, struct lang_slot *slot, const char *w,
			     size_t len, uint32_t h, float weight, int plain)
{
	if (plain) {
		size_t i = cache_find(slot, w, len, h);
		if (i != SIZE_MAX) {
			const struct word_entry *e = &slot->cache[i];
			if (e->tlen == WORD_STOP)
				return 0;
			if (e->tlen == WORD_SAME)
				return bag_count(an, w, len, h, weight);
			return bag_count(an, e->bytes + len, e->tlen, entry_term_hash(e, len, h),
					 weight);
		}
	}
	return emit_hashed(an, slot, w, len, h, weight);
}

/* The bytes of the code point at p[at] (0x80 or more) when it parts words
 * as tokenize() reads it, neither a word character nor CJK (a bad byte
 * reads as U+FFFD, a symbol): curly quotes, dashes. 0 when it does not. */
static size_t other_separator(const unsigned char *p, size_t len, size_t at)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n = utf8proc_iterate(p + at, (utf8proc_ssize_t)(len - at), &c);

	if (n <= 0)
		return 1;
	return is_cjk(c) || is_word_char(c) ? 0 : (size_t)n;
}

/* The next word of text[*i .. len) of MIN_WORD_CHARS to MAX_WORD_CHARS
 * ASCII letters and digits between separators (or ends): its length, its
 * start in *start, *i moved past it. 0 when there is none before the end
 * or before other text (a word character of 0x80 or more, or CJK): *i is
 * then the end, that character, or the start of the ASCII word that runs
 * into it, tokenize()'s to read. */
static size_t next_ascii_word(const char *text, size_t len, size_t *i, size_t *start)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t at = *i, from; /* in registers: text's bytes may alias *i */

	while (at < len) {
		while (at < len && !is_ascii_word(p[at]) && p[at] < 0x80)
			at++;
		if (at < len && p[at] >= 0x80) {
			size_t k = other_separator(p, len, at);
			if (!k)
				break;
			at += k;
			continue;
		}
		from = at;
		at = word_end(p, at, len);
		if (at < len && p[at] >= 0x80 && !other_separator(p, len, at)) {
			at = from;
			break;
		}
		if (at - from >= MIN_WORD_CHARS && at - from <= MAX_WORD_CHARS) {
			*i = at;
			*start = from;
			return at - from;
		}
	}
	*i = at;
	return 0;
}

/* How many words count_ascii_words() finds ahead of the one it counts,
 * their cache entries asked for: with one, a third of its time on real
 * text was the wait for the entry (perf), the table being larger than a
 * core's cache. */
#define WORDS_AHEAD 8
struct word_ahead {
	size_t at, len;
	uint32_t h; /* hash_key() of the word (with a language slot) */
	float w;
};

/* Counts the words next_ascii_word() finds from *i, each with `weight`
 * (and lead_weight on top before byte lead_end); *i is left where it
 * stopped. Its word characters are the ASCII letters and digits (every
 * other ASCII character is punctuation, a symbol or a space to utf8proc),
 * so one test per byte replaces decoding and a category lookup: the same
 * terms as tokenize() reading code points. */
static int count_ascii_words(struct analyzer *an, struct lang_slot *slot, const char *text,
			     size_t len, size_t *i, float weight, size_t lead_end,
			     float lead_weight)
{
	struct word_ahead q[WORDS_AHEAD];
	size_t head = 0, queued = 0, start = 0;
	int more = 1, plain = slot && !an->by_id && !an->want_words &&
			      an->opts.bigram_weight <= 0.0f;

	/* WORDS_AHEAD words found ahead of the one counted, their cache
	 * entries asked for (one call of next_ascii_word(), so that it is
	 * inlined) */
	for (;;) {
		const struct word_ahead *x;
		if (more && queued < WORDS_AHEAD) {
			size_t n = next_ascii_word(text, len, i, &start);
			if (n) {
				struct word_ahead *y = &q[(head + queued++) % WORDS_AHEAD];
				y->at = start;
				y->len = n;
				y->h = slot ? hash_key(text + start, n) : 0;
				y->w = weight + (start < lead_end ? lead_weight - 1.0f : 0.0f);
				if (slot)
					cache_prefetch(slot, y->h);
				continue;
			}
			more = 0;
		}
		if (!queued)
			return 0;
		x = &q[head];
		head = (head + 1) % WORDS_AHEAD;
		queued--;
		if (count_word(an, slot, text + x->at, x->len, x->h, x->w, plain))
			return -1;
	}
}

/* Tokenises one normalised text, adding each term with `weight`; words
 * before byte `lead_end` get lead_weight on top. Between words, ASCII goes
 * to count_ascii_words() (of the 903,537 words of real text's titles and
 * bodies with other characters, most are ASCII: there about 65
 * instructions a word, here about 165); the rest is read code point by
 * code point. */
static int tokenize(struct analyzer *an, const char *lang, const char *text,
		    size_t len, float weight, size_t lead_end, float lead_weight)
{
	struct lang_slot *slot = lang ? lang_slot_for(an, lang) : NULL;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	size_t i = 0, start = 0, nchars = 0;
	utf8proc_int32_t prev_cjk = -1;
	int in_word = 0;

	while (i <= len) {
		utf8proc_int32_t c = 0;
		utf8proc_ssize_t n = 1;
		int word = 0, cjk = 0;

		if (!in_word && i < len && p[i] < 0x80) {
			if (count_ascii_words(an, slot, text, len, &i, weight, lead_end,
					      lead_weight))
				return -1;
			prev_cjk = -1;
			if (i == len)
				break;
			/* at other text, or at an ASCII word that runs into it */
		}
		if (i < len && p[i] < 0x80) {
			/* ASCII inside a word: its letters and digits are its
			 * only word characters */
			c = p[i];
			word = is_ascii_word(p[i]);
			if (word == in_word) {
				/* the word's ASCII letters and digits after this
				 * one change nothing but its length: passed at
				 * once (a code point at a time, this loop was 30
				 * instructions a byte) */
				size_t j = i + 1;
				while (j < len && p[j] < 0x80 && is_ascii_word(p[j]))
					j++;
				nchars += j - i;
				prev_cjk = -1;
				i = j;
				continue;
			}
		} else if (i < len) {
			n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
			if (n <= 0) {
				n = 1;
				c = 0xFFFD;
			}
			cjk = is_cjk(c);
			word = !cjk && is_word_char(c);
		}
		if (in_word && !word) {
			if (nchars >= MIN_WORD_CHARS && nchars <= MAX_WORD_CHARS) {
				float w = weight + (start < lead_end ? lead_weight - 1.0f : 0.0f);
				if (emit_word(an, slot, text + start, i - start, w))
					return -1;
			}
			in_word = 0;
		} else if (!in_word && word) {
			in_word = 1;
			start = i;
			nchars = 0;
		}
		nchars += word;
		if (cjk) {
			/* Character bigrams: the previous CJK char and this one. */
			if (prev_cjk >= 0) {
				utf8proc_uint8_t bi[8];
				utf8proc_ssize_t a = utf8proc_encode_char(prev_cjk, bi);
				utf8proc_ssize_t b = utf8proc_encode_char(c, bi + a);
				if (add_count(an, (const char *)bi, (size_t)(a + b), weight))
					return -1;
			}
			prev_cjk = c;
		} else {
			prev_cjk = -1;
		}
		i += (size_t)n;
	}
	return 0;
}

/* tokenize() for ASCII text: one count_ascii_words() to its end. */
static int tokenize_ascii(struct analyzer *an, const char *lang, const char *text,
			  size_t len, float weight, size_t lead_end, float lead_weight)
{
	struct lang_slot *slot = lang ? lang_slot_for(an, lang) : NULL;
	size_t i = 0;

	return count_ascii_words(an, slot, text, len, &i, weight, lead_end, lead_weight);
}

/* Copies src[0 .. n) into dst with ASCII letters lowercased, up to the
 * first byte of 0x80 or more; returns the bytes copied (n: all ASCII).
 * Eight bytes at a time: with no high bit set no byte's sum carries into
 * the next, so v + (0x80 - 'A') sets a byte's high bit from 'A' up and
 * v + (0x7f - 'Z') from past 'Z'; an upper-case letter's bit, moved down
 * to 0x20, lowercases it. (Per byte, the copy, the lowercasing and the
 * test for other text were a third of the ASCII path's instructions.) */
static size_t lower_ascii(const char *src, size_t n, char *dst)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, s + i, 8);
		if (v & highs)
			break;
		v |= ((v + ones * (0x80 - 'A')) & ~(v + ones * (0x7f - 'Z')) & highs) >> 2;
		memcpy(dst + i, &v, 8);
	}
	for (; i < n && s[i] < 0x80; i++)
		dst[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	return i;
}

#define FOLD_FLAGS                                                                 \
	(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | \
	 UTF8PROC_IGNORE)
/* The lead signature's normal form (analyze.h): marks stripped, as a
 * re-edit may add or drop an accent. */
#define LEAD_FOLD_FLAGS                                                            \
	(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | \
	 UTF8PROC_STRIPMARK)

/* s[0 .. n) through utf8proc with `flags` into out, decomposed into *u
 * (grown as needed: *cap code points, and room for reencode's terminator). */
static int fold_segment(const unsigned char *s, size_t n, int flags, utf8proc_int32_t **u,
			size_t *cap, struct buf *out)
{
	utf8proc_option_t opt = (utf8proc_option_t)flags;
	utf8proc_ssize_t m = utf8proc_decompose(s, (utf8proc_ssize_t)n, *u,
						(utf8proc_ssize_t)*cap, opt);

	if (m <= 0)
		return m < 0 ? -1 : 0; /* not UTF-8; or ignorables only */
	if ((size_t)m > *cap) {
		size_t want = (size_t)m * 2 + 16;
		utf8proc_int32_t *nu = realloc(*u, (want + 1) * sizeof *nu);
		if (!nu)
			return -1;
		*u = nu;
		*cap = want;
		m = utf8proc_decompose(s, (utf8proc_ssize_t)n, *u, (utf8proc_ssize_t)*cap, opt);
		if (m < 0)
			return -1;
	}
	m = utf8proc_reencode(*u, m, opt);
	return m < 0 ? -1 : buf_add(out, *u, (size_t)m);
}

/* text[0 .. len) normalised with utf8proc's `flags` (case folding, NFKC
 * and what goes with them: never anything that changes ASCII but for its
 * case) into out, in pieces: ASCII runs lowercased here, the rest through
 * utf8proc. */
static int fold_with(const char *text, size_t len, int flags, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	utf8proc_int32_t *u = NULL;
	size_t cap = 0, i = 0;
	int rc = 0;

	buf_reset(out);
	while (i < len && !rc) {
		size_t j, k, e;
		/* the ASCII run from i lowercased in place at the end of out
		 * (room for len bytes was made: folding other text may grow
		 * it, then out grows again) */
		if (buf_grow(out, len - i))
			return -1;
		j = i + lower_ascii(text + i, len - i, out->data + out->len);
		/* A boundary before an ASCII character is stable (a starter
		 * that composes with nothing before it), but the one right
		 * before other text may take a combining mark after it. */
		k = j < len && j > i ? j - 1 : j;
		out->len += k - i;
		out->data[out->len] = '\0';
		if (k == len)
			break;
		for (e = j; e < len && p[e] >= 0x80; e++)
			;
		rc = fold_segment(p + k, e - k, flags, &u, &cap, out);
		i = e;
	}
	free(u);
	return rc;
}

int analyze_fold(const char *text, size_t len, struct buf *out)
{
	return fold_with(text, len, FOLD_FLAGS, out);
}

int analyze_fold_lead(const char *text, size_t len, struct buf *out)
{
	return fold_with(text, len, LEAD_FOLD_FLAGS, out);
}

static int analyze_text(struct analyzer *an, const char *lang, const char *text,
			float weight, int with_lead)
{
	size_t lead_end = 0, len;

	buf_reset(&an->prev);
	buf_reset(&an->prev_word);
	if (!text || !*text)
		return 0;
	len = strlen(text);
	buf_reset(&an->word);
	if (buf_grow(&an->word, len))
		return -1;
	if (lower_ascii(text, len, an->word.data) == len) {
		/* Fast path, measured at about a third of the analysis time on
		 * English news: ASCII is its own NFKC form and folds by
		 * lowercasing, so utf8proc has nothing to do. */
		an->word.len = len;
		an->word.data[len] = '\0';
		if (with_lead) {
			const char *end = strstr(an->word.data, "\n\n");
			lead_end = end ? (size_t)(end - an->word.data) : len;
		}
		return tokenize_ascii(an, lang, an->word.data, len, weight, lead_end,
				      an->opts.lead_weight);
	}
	if (analyze_fold(text, len, &an->norm)) {
		/* Not valid UTF-8 (cannot happen after the charset stage):
		 * tokenise the raw bytes rather than lose the article. */
		return tokenize(an, lang, text, len, weight, 0, 1.0f);
	}
	if (with_lead) {
		const char *end = strstr(an->norm.data, "\n\n");
		lead_end = end ? (size_t)(end - an->norm.data) : an->norm.len;
	}
	return tokenize(an, lang, an->norm.data, an->norm.len, weight, lead_end,
			an->opts.lead_weight);
}

/* One name sequence: fold it, trim stopwords at both ends, count it when
 * two or more words remain. */
static int emit_name(struct analyzer *an, const char *lang, const char *s, size_t len,
		     float weight)
{
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
					  &norm, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
						  UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
	const char *b, *e, *sp;
	int rc = 0;

	if (n < 0)
		return 0;
	b = (const char *)norm;
	e = b + n;
	/* leading stopwords */
	while ((sp = memchr(b, ' ', (size_t)(e - b))) &&
	       stopwords_contains(lang, b, (size_t)(sp - b)))
		b = sp + 1;
	/* trailing stopwords */
	for (;;) {
		const char *last = e;
		while (last > b && last[-1] != ' ')
			last--;
		if (last == b || !stopwords_contains(lang, last, (size_t)(e - last)))
			break;
		e = last - 1;
	}
	if (memchr(b, ' ', (size_t)(e - b)))
		rc = add_count(an, b, (size_t)(e - b), weight);
	free(norm);
	return rc;
}

/* Capitalised name sequences ("Sergei Lavrov", "Foreign Ministry") of the
 * body text, read before case folding: runs of two or more words that start
 * with an upper-case letter and are separated by single spaces, without
 * stopwords at either end, each counted once per occurrence as one term
 * (case-folded, words joined by a space) at `weight`. */
static int add_names(struct analyzer *an, const char *lang, const char *text, float weight)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	size_t len = strlen(text), i = 0, run_start = 0, run_end = 0, words = 0;
	int rc = 0;

	while (i <= len && !rc) {
		utf8proc_int32_t c = ' ';
		utf8proc_ssize_t n = 1;
		size_t start;
		int upper;

		/* next word */
		while (i < len) {
			n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
			if (n <= 0) {
				n = 1;
				c = ' ';
			}
			if (is_word_char(c))
				break;
			/* anything but one space between two words ends a run */
			if (c != ' ' || (i > 0 && p[i - 1] == ' ')) {
				if (words >= 2)
					rc = emit_name(an, lang, text + run_start, run_end - run_start, weight);
				words = 0;
			}
			i += (size_t)n;
		}
		if (i >= len)
			break;
		start = i;
		upper = utf8proc_category(c) == UTF8PROC_CATEGORY_LU ||
			utf8proc_category(c) == UTF8PROC_CATEGORY_LT;
		while (i < len) {
			n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
			if (n <= 0 || !is_word_char(c))
				break;
			i += (size_t)n;
		}
		if (upper) {
			if (!words)
				run_start = start;
			run_end = i;
			words++;
		} else {
			if (words >= 2)
				rc = emit_name(an, lang, text + run_start, run_end - run_start, weight);
			words = 0;
		}
	}
	if (!rc && words >= 2)
		rc = emit_name(an, lang, text + run_start, run_end - run_start, weight);
	return rc;
}

/* Fills `out` (reset first) with keys ids[0 .. n) of `map` (ids NULL: 0
 * to n - 1) and their hashes, the counts left to the caller; the bytes are
 * made room for at once and copied with their NULs (a buf_add() per term
 * was most of this). */
static int bag_fill_keys(struct bag *out, const struct strmap *map, const uint32_t *ids,
			 size_t n)
{
	size_t bytes = 0;

	if (bag_reset(out, n))
		return -1;
	for (size_t k = 0; k < n; k++)
		bytes += strmap_key_len(map, ids ? ids[k] : (uint32_t)k) + 1;
	if (bytes && buf_grow(&out->terms, bytes))
		return -1;
	for (size_t k = 0; k < n; k++) {
		uint32_t id = ids ? ids[k] : (uint32_t)k;
		size_t len = strmap_key_len(map, id) + 1;
		out->offsets[k] = out->terms.len;
		memcpy(out->terms.data + out->terms.len, strmap_key(map, id), len);
		out->terms.len += len;
		out->hashes[k] = strmap_key_hash(map, id);
	}
	if (bytes)
		out->terms.data[out->terms.len] = '\0';
	out->n = n;
	return 0;
}

/* Copies the keys of `map` with their counts into `out` (reset first). */
static int bag_fill(struct bag *out, const struct strmap *map, const float *counts)
{
	if (bag_fill_keys(out, map, NULL, map->n))
		return -1;
	if (map->n)
		memcpy(out->counts, counts, map->n * sizeof *counts);
	return 0;
}

/* bag_fill() of the story counted by id: its terms in the order first
 * counted, as counts_map would number them. */
static int bag_fill_ids(struct bag *out, const struct analyzer *an)
{
	if (bag_fill_keys(out, &an->terms, an->order, an->n_order))
		return -1;
	for (size_t k = 0; k < an->n_order; k++)
		out->counts[k] = an->ids[an->order[k]].count;
	return 0;
}

/* A new story to count: by id unless bigrams or words are wanted. Past
 * terms_max terms the ids start afresh (the word caches forget theirs). */
static void begin_story(struct analyzer *an)
{
	an->by_id = use_term_ids && an->opts.bigram_weight <= 0.0f && !an->want_words;
	if (!an->by_id)
		return;
	if (an->terms.n >= terms_max) {
		strmap_clear(&an->terms);
		for (size_t i = 0; i < an->nlangs; i++)
			if (an->langs[i].tid)
				memset(an->langs[i].tid, 0,
				       an->langs[i].nslots * sizeof *an->langs[i].tid);
	}
	if (++an->story == 0) { /* after 2^32 - 1 stories */
		if (an->ids)
			memset(an->ids, 0, an->ids_cap * sizeof *an->ids);
		an->story = 1;
	}
	an->n_order = 0;
}

/* What the model reads of a story besides its title, in `b` (reset
 * first): the standfirst and the dateline, the text, then the captions,
 * as paragraphs, so that the lead is what a reader meets first. The byline
 * stays out: an author writes about many stories. (Chosen by MAP@10 on
 * related-dev-html, where the parts were in the text before they had
 * fields: text alone 0.9261, with every part 0.9355, with the dateline
 * 0.9363, with standfirst, dateline and captions 0.9367, byline alone
 * 0.9254; the text with its header zone, before, 0.9359.) */
static int body_of(const struct article *a, struct buf *b)
{
	const char *before[] = { a->standfirst, a->dateline };
	int rc = 0;

	buf_reset(b);
	for (size_t i = 0; i < sizeof before / sizeof before[0]; i++)
		if (before[i] && *before[i]) {
			rc |= buf_adds(b, before[i]);
			rc |= buf_adds(b, "\n\n");
		}
	if (a->text)
		rc |= buf_adds(b, a->text);
	for (const char *c = a->captions; c && *c; c++) {
		if (c == a->captions)
			rc |= buf_adds(b, "\n\n");
		rc |= buf_addc(b, *c == '\n' ? ' ' : *c);
	}
	return rc;
}

int analyze_article(struct analyzer *an, const struct article *a, struct bag *out)
{
	char code[8];
	const char *lang = analyze_lang_code(a->lang, code, sizeof code);

	int rc;

	begin_story(an);
	if (bag_reset(out, BAG_TERMS))
		return -1;
	an->bag = out;
	if (found_room(an)) {
		an->bag = NULL;
		return -1;
	}
	rc = body_of(a, &an->body) ||
	     analyze_text(an, lang, a->title, an->opts.title_weight, 0) ||
	     analyze_text(an, lang, an->body.data, 1.0f, 1) ||
	     (an->opts.name_weight > 0.0f && a->text &&
	      add_names(an, lang, a->text, an->opts.name_weight));
	if (!an->by_id)
		found_clear(an); /* out holds the story's terms */
	else if (!rc)
		rc = bag_fill_ids(out, an);
	an->bag = NULL;
	return rc ? -1 : 0;
}

int analyze_article_words(struct analyzer *an, const struct article *a, struct bag *terms,
			  struct bag *words)
{
	int rc;

	strmap_clear(&an->words_map);
	an->want_words = 1;
	rc = analyze_article(an, a, terms);
	an->want_words = 0;
	buf_reset(&words->terms);
	words->n = 0;
	return rc ? -1 : bag_fill(words, &an->words_map, an->word_counts);
}

/* Scripts that name their language on their own (or nearly: Cyrillic is
 * taken as Russian, the only Cyrillic language with stopwords here; Han
 * without kana as Chinese). */
enum script { SCRIPT_OTHER, SCRIPT_CYRILLIC, SCRIPT_GREEK, SCRIPT_ARABIC,
	      SCRIPT_HEBREW, SCRIPT_HANGUL, SCRIPT_KANA, SCRIPT_HAN,
	      SCRIPT_THAI, SCRIPT_DEVANAGARI, SCRIPT_COUNT };

static enum script script_of(utf8proc_int32_t c)
{
	if (c < 0x370)
		return SCRIPT_OTHER;
	if (c >= 0x400 && c <= 0x52F)
		return SCRIPT_CYRILLIC;
	if (c <= 0x3FF || (c >= 0x1F00 && c <= 0x1FFF))
		return SCRIPT_GREEK;
	if ((c >= 0x600 && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F))
		return SCRIPT_ARABIC;
	if (c >= 0x590 && c <= 0x5FF)
		return SCRIPT_HEBREW;
	if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
	    (c >= 0x3130 && c <= 0x318F))
		return SCRIPT_HANGUL;
	if (c >= 0x3040 && c <= 0x30FF)
		return SCRIPT_KANA;
	if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF))
		return SCRIPT_HAN;
	if (c >= 0xE00 && c <= 0xE7F)
		return SCRIPT_THAI;
	if (c >= 0x900 && c <= 0x97F)
		return SCRIPT_DEVANAGARI;
	return SCRIPT_OTHER;
}

/* The language of a text whose letters are mostly of one non-Latin script,
 * or NULL. Japanese mixes Han and kana: any real share of kana (a tenth of
 * the Han and kana letters) makes Han text Japanese. */
static const char *lang_of_scripts(const size_t count[SCRIPT_COUNT], size_t letters)
{
	static const char *const lang[SCRIPT_COUNT] = {
		[SCRIPT_CYRILLIC] = "ru", [SCRIPT_GREEK] = "el",
		[SCRIPT_ARABIC] = "ar", [SCRIPT_HEBREW] = "he",
		[SCRIPT_HANGUL] = "ko", [SCRIPT_THAI] = "th",
		[SCRIPT_DEVANAGARI] = "hi",
	};
	size_t cjk = count[SCRIPT_KANA] + count[SCRIPT_HAN];

	if (!letters)
		return NULL;
	if (cjk * 10 > letters * 3 && cjk > count[SCRIPT_HANGUL])
		return count[SCRIPT_KANA] * 10 >= cjk ? "ja" : "zh";
	for (int s = SCRIPT_CYRILLIC; s < SCRIPT_COUNT; s++)
		if (lang[s] && count[s] * 10 > letters * 3)
			return lang[s];
	return NULL;
}

/* What the guesser has counted so far. */
struct lang_census {
	size_t letters, words;
	size_t hits[32], scripts[SCRIPT_COUNT];
};

/* Counts the letters, scripts, words and stopword hits of the first
 * `limit` bytes of `text` into `c`. */
static void lang_census_add(struct lang_census *c, const char *text, size_t limit)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	size_t i = 0, len = strlen(text);
	char word[64];
	size_t wl = 0;

	if (len > limit)
		len = limit;
	while (i <= len) {
		utf8proc_int32_t ch = ' ';
		utf8proc_ssize_t n = 1;
		if (i < len && p[i] < 0x80) {
			/* ASCII: a word character is a letter or a digit (the
			 * categories is_word_char() takes hold no other ASCII) */
			ch = p[i];
			if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			    (ch >= 'A' && ch <= 'Z')) {
				c->letters++;
				c->scripts[SCRIPT_OTHER]++;
				if (wl + 4 < sizeof word)
					word[wl++] = (char)(ch <= 'Z' && ch >= 'A' ? ch + 32 : ch);
				i++;
				continue;
			}
		} else if (i < len) {
			n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &ch);
			if (n <= 0) {
				n = 1;
				ch = ' ';
			}
		}
		if (is_word_char(ch)) {
			c->letters++;
			c->scripts[script_of(ch)]++;
			if (ch < 0x80 && ch >= 'A' && ch <= 'Z')
				ch += 32;
			if (wl + 4 < sizeof word)
				wl += (size_t)utf8proc_encode_char(utf8proc_tolower(ch),
								   (utf8proc_uint8_t *)word + wl);
		} else if (wl) {
			uint32_t langs = stopwords_languages_of(word, wl);
			c->words++;
			for (size_t l = 0; langs && stopwords_languages[l] && l < 32; l++)
				c->hits[l] += (langs >> l) & 1;
			wl = 0;
		}
		i += (size_t)n;
	}
}

const char *analyze_guess_article_lang(const char *title, const char *text)
{
	struct lang_census c = { 0 };
	const char *by_script;
	size_t best = 0;

	if (title)
		lang_census_add(&c, title, 2000);
	if (text)
		lang_census_add(&c, text, 20000);
	by_script = lang_of_scripts(c.scripts, c.letters);
	if (by_script)
		return by_script;
	for (size_t l = 1; stopwords_languages[l] && l < 32; l++)
		if (c.hits[l] > c.hits[best])
			best = l;
	if (c.words >= 10 && c.hits[best] * 10 >= c.words)
		return stopwords_languages[best];
	return NULL;
}

const char *analyze_guess_lang(const char *text)
{
	return analyze_guess_article_lang(NULL, text);
}

/* ---- lead signature ---- */

int analyze_word_cp(int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

size_t analyze_next_word(const unsigned char *s, size_t len, size_t *i, size_t *start)
{
	size_t at = *i; /* in a register: s's bytes may alias *i */

	while (at < len) {
		size_t from = SIZE_MAX, end;
		utf8proc_ssize_t k;
		utf8proc_int32_t c;

		/* ASCII: its letters and digits are its only L and N; a run of
		 * its other characters, each a break of its own, passed at once */
		while (at < len && s[at] < 0x80 && !is_ascii_word(s[at]))
			at++;
		if (at == len)
			break;
		for (;;) {
			size_t run = word_end(s, at, len); /* ASCII letters and digits */
			if (run > at && from == SIZE_MAX)
				from = at;
			at = run;
			if (at < len && s[at] < 0x80) {
				k = 1;
				break;
			}
			k = at < len ? utf8proc_iterate(s + at, (utf8proc_ssize_t)(len - at), &c) : 0;
			if (k <= 0 || !analyze_word_cp(c))
				break;
			if (from == SIZE_MAX)
				from = at;
			at += (size_t)k;
		}
		end = at;
		at += k > 0 ? (size_t)k : 1;
		if (from != SIZE_MAX) {
			*i = at;
			*start = from;
			return end - from;
		}
	}
	*i = at;
	return 0;
}

/* The byte length of text's first `max` bytes, cut back to whole
 * characters (all of it when shorter). */
static size_t whole_prefix(const char *text, size_t max)
{
	size_t take = strnlen(text, max + 1);

	if (take > max) {
		take = max;
		while (take && ((unsigned char)text[take] & 0xc0) == 0x80)
			take--;
	}
	return take;
}

/* Hashes of the first `max` words of text's first `take` bytes (NFKC,
 * case-folded, marks stripped: analyze_fold_lead()) into word[]; returns
 * how many, or -1 when the text is not UTF-8 or memory runs out. */
static long prefix_words(const char *text, size_t take, uint32_t *word, size_t max)
{
	struct buf norm = BUF_INIT;
	size_t n = 0, i = 0, start = 0, wl;

	if (analyze_fold_lead(text, take, &norm)) {
		buf_release(&norm);
		return -1;
	}
	while (n < max &&
	       (wl = analyze_next_word((const unsigned char *)norm.data, norm.len, &i, &start)) > 0)
		word[n++] = hash_bytes(norm.data + start, wl);
	buf_release(&norm);
	return (long)n;
}

/* Whether s[0 .. len) is UTF-8 as utf8proc_map() takes it (an ASCII byte
 * is a character of its own to utf8proc_iterate(): skipped at once, eight
 * at a time when none of them has its high bit set; byte by byte, this
 * test was a fifth of the lead signature's instructions). */
static int valid_utf8(const char *s, size_t len)
{
	utf8proc_int32_t c;

	for (size_t i = 0; i < len;) {
		utf8proc_ssize_t k;
		uint64_t v;
		if (i + 8 <= len && (memcpy(&v, s + i, 8), !(v & 0x8080808080808080u))) {
			i += 8;
			continue;
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				     (utf8proc_ssize_t)(len - i), &c);
		if (k <= 0)
			return 0;
		i += (size_t)k;
	}
	return 1;
}

/* Hashes of the first ANALYZE_LEAD_WORDS words of text into word[];
 * returns how many (none when those bytes are not UTF-8). The words are those of the text's first LEAD_BYTES
 * bytes. Normalising all of them cost more than the signature itself
 * (60 words are about 400 bytes of news), so the first LEAD_PEEK bytes are
 * normalised first: when they hold one word more than needed, the 60th
 * word ended before the cut, and normalisation, which only joins a
 * character with the marks after it, gives those words as it would over
 * LEAD_BYTES (test_analyze checks the two ways agree). */
#define LEAD_BYTES 4096
#define LEAD_PEEK 768
static size_t lead_words(const char *text, uint32_t *word)
{
	uint32_t peek[ANALYZE_LEAD_WORDS + 1];
	size_t take = whole_prefix(text, LEAD_BYTES), short_take;
	long n;

	if (take > LEAD_PEEK) {
		short_take = whole_prefix(text, LEAD_PEEK);
		n = prefix_words(text, short_take, peek, ANALYZE_LEAD_WORDS + 1);
		if (n == ANALYZE_LEAD_WORDS + 1 &&
		    valid_utf8(text + short_take, take - short_take)) {
			memcpy(word, peek, ANALYZE_LEAD_WORDS * sizeof *word);
			return ANALYZE_LEAD_WORDS;
		}
	}
	n = prefix_words(text, take, word, ANALYZE_LEAD_WORDS);
	return n < 0 ? 0 : (size_t)n;
}

/* The MinHash loop compiled three times on x86-64 (GCC/clang function
 * multiversioning; the loader picks one): with AVX-512DQ the 64 slots are
 * eight vectors of 64-bit lanes (vpmullq, vpminuq), with AVX2 four-lane
 * vectors whose 64-bit products are formed from 32-bit ones, else scalar.
 * Integer arithmetic: the same bits in every version. */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define MINHASH_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
#endif
#ifndef MINHASH_CLONES
#define MINHASH_CLONES
#endif

/* least[s] = the least of hash_s(shingle) over the shingles of word[0 .. n),
 * hash_s(x) = hash_mix64(x ^ salt_s) with salt_s the golden-ratio constant times
 * s + 1; least[] starts at UINT64_MAX. */
MINHASH_CLONES static void minhash(const uint32_t *word, size_t n,
				   uint64_t least[ANALYZE_LEAD_SLOTS])
{
	uint64_t salt[ANALYZE_LEAD_SLOTS];

	for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++) {
		salt[s] = 0x9e3779b97f4a7c15ULL * (uint64_t)(s + 1);
		least[s] = UINT64_MAX;
	}
	for (size_t i = 0; i + ANALYZE_LEAD_SHINGLE <= n; i++) {
		uint64_t sh = 0;
		for (int j = 0; j < ANALYZE_LEAD_SHINGLE; j++)
			sh = hash_mix64(sh ^ word[i + (size_t)j]);
		for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++) {
			uint64_t h = hash_mix64(sh ^ salt[s]);
			least[s] = h < least[s] ? h : least[s];
		}
	}
}

void analyze_lead_signature(const char *text, uint16_t sig[ANALYZE_LEAD_SLOTS])
{
	uint32_t word[ANALYZE_LEAD_WORDS];
	uint64_t least[ANALYZE_LEAD_SLOTS];
	size_t n = text ? lead_words(text, word) : 0;

	if (n < ANALYZE_LEAD_MIN_WORDS) {
		for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++)
			sig[s] = ANALYZE_LEAD_NONE;
		return;
	}
	minhash(word, n, least);
	for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++)
		sig[s] = (uint16_t)(least[s] & 0xffffu);
}

int analyze_lead_known(const uint16_t *sig)
{
	for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++)
		if (sig[s] != ANALYZE_LEAD_NONE)
			return 1;
	return 0;
}

/* How many of the ANALYZE_LEAD_SLOTS slots two signatures share: 8 slots
 * at a time, each lane counting its matches (the twin rule asks this of
 * some 670,000 pairs on real text; the plain loop widened the lanes to 32
 * bits). */
static int same_slots(const uint16_t *a, const uint16_t *b)
{
#if defined(__GNUC__) && ANALYZE_LEAD_SLOTS % 8 == 0
	typedef uint16_t lanes __attribute__((vector_size(16)));
	typedef int16_t masks __attribute__((vector_size(16)));
	lanes count = { 0 };
	int same = 0;

	for (int s = 0; s < ANALYZE_LEAD_SLOTS; s += 8) {
		lanes x, y;
		memcpy(&x, a + s, sizeof x);
		memcpy(&y, b + s, sizeof y);
		count -= (lanes)(masks)(x == y); /* a match is -1 */
	}
	for (int j = 0; j < 8; j++)
		same += count[j];
	return same;
#else
	int same = 0;

	for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++)
		same += a[s] == b[s];
	return same;
#endif
}

double analyze_lead_overlap(const uint16_t *a, const uint16_t *b)
{
	if (!analyze_lead_known(a) || !analyze_lead_known(b))
		return -1.0;
	return (double)same_slots(a, b) / ANALYZE_LEAD_SLOTS;
}
