/*
 * make-synthetic: a synthetic news archive for benchmarks (see scripts/make-synthetic).
 *
 *   make-synthetic N OUT.jsonl [--realistic] [--seed S] [--vocab V] [--stats]
 *
 * Writes N articles {"id","title","text","lang":"en","label"} to OUT.jsonl and
 * {"id","label"} to OUT.labels.jsonl (OUT without its .jsonl suffix). Both are written to
 * a temporary name and renamed, the articles last, so an existing OUT.jsonl is complete.
 *
 * Model of a story (all draws from a generator seeded by (seed, story index), so the output
 * is a pure function of N and the seed, and story i does not depend on N except through the
 * topic count):
 *   - vocabulary: V pronounceable pseudo-words (default 200 000), frequent words shorter;
 *     every word ends in a consonant that English Snowball stemming leaves alone, so
 *     one word = one term; plus 60 real English stopwords (about 30 % of running words);
 *   - topics: T = ceil(N / 30) topics of heavy-tailed popularity (log-normal weights),
 *     each in one of 40 sections; topics come in storylines of two (t, t ^ 1) sharing half
 *     of their 300 words (like two events of one story); topic words have log-uniform
 *     ranks in [200, V), so many are common words elsewhere too; a section boosts its own
 *     2 000 words (from the first 50 000);
 *   - length: content words log-normal, median 550 (mean about 620), sigma 0.5, clamped
 *     to [60, 6000]; about 430 distinct content words per story on average;
 *   - each content word: from the topic with probability pt ~ U(0.06, 0.20) (per story),
 *     from the section with probability 0.10, else from the background Zipf-Mandelbrot
 *     law p(r) ~ 1 / (r + 3)^1.1 over the vocabulary; Zipf inside a topic/section too;
 *   - title: 6 to 10 words, mostly topic words; text: sentences of 6 to 30 words in
 *     paragraphs of 2 to 5 sentences separated by blank lines.
 * On 5 000 stories scikit-learn's TF-IDF reference scores MAP@10 ~0.89 against the labels.
 * The label of a story is its topic ("t" + number).
 *
 * --realistic draws stories like real ones instead (see "the realistic mode" below): short
 * on the whole with a heavy tail, a third in clusters of near-duplicates, shared quotes, a
 * vocabulary of 70 000 * sqrt(N / 40 000) words (at least 50 000) unless --vocab is given,
 * about 70 000 terms in two stories or more at 40 000 stories as in the real pool.
 * --stats then prints the length quantiles, the clusters and the quotes, to check them
 * against those targets.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSECTIONS 40
#define TOPIC_WORDS 300
#define SECTION_WORDS 2000
#define SECTION_RANGE 50000
#define STORIES_PER_TOPIC 30
#define P_SECTION 0.10
#define P_STOP 0.30
#ifndef SHARED
#define SHARED 50
#endif
#ifndef PT_LO
#define PT_LO 0.06
#endif
#ifndef PT_SPAN
#define PT_SPAN 0.14
#endif
#ifndef MEDIAN
#define MEDIAN 550
#endif
#ifndef ZIPF_S
#define ZIPF_S 1.1
#endif
#ifndef ZIPF_Q
#define ZIPF_Q 3.0
#endif

static const char *const stopwords[] = {
	"the", "of", "and", "to", "a", "in", "that", "is", "was", "he", "for", "it", "with",
	"as", "his", "on", "be", "at", "by", "had", "are", "but", "from", "or", "have", "an",
	"they", "which", "were", "her", "all", "she", "there", "would", "their", "we", "him",
	"been", "has", "when", "who", "will", "more", "no", "if", "out", "so", "about", "into",
	"than", "them", "its", "after", "over", "only", "other", "some", "these", "up", "one",
};
#define NSTOP (sizeof stopwords / sizeof *stopwords)

/* ---- random numbers: splitmix64 ---- */
typedef struct { uint64_t s; } rng_t;
static uint64_t next64(rng_t *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static rng_t rng_for(uint64_t seed, uint64_t stream, uint64_t index)
{
	rng_t r = { seed * 0x100000001b3ULL ^ (stream << 56) ^ index };
	next64(&r);
	r.s ^= next64(&r);
	return r;
}
static double unif(rng_t *r) { return (double)(next64(r) >> 11) * 0x1.0p-53; }
static uint32_t below(rng_t *r, uint32_t n) { return (uint32_t)(((next64(r) >> 32) * n) >> 32); }
static double normal(rng_t *r)
{
	double u = unif(r), v = unif(r);
	return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

/* ---- alias tables (Walker) for O(1) draws from a discrete law ---- */
typedef struct { uint32_t n; float *prob; uint32_t *alias; } alias_t;
static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) { fprintf(stderr, "make-synthetic: out of memory\n"); exit(1); }
	return p;
}
static alias_t alias_build(const double *w, uint32_t n)
{
	alias_t a = { n, xmalloc(n * sizeof(float)), xmalloc(n * sizeof(uint32_t)) };
	double *p = xmalloc(n * sizeof(double)), sum = 0;
	uint32_t *small = xmalloc(n * sizeof(uint32_t)), *large = xmalloc(n * sizeof(uint32_t));
	uint32_t ns = 0, nl = 0;
	for (uint32_t i = 0; i < n; i++) sum += w[i];
	for (uint32_t i = 0; i < n; i++) {
		p[i] = w[i] * n / sum;
		if (p[i] < 1) small[ns++] = i; else large[nl++] = i;
	}
	while (ns && nl) {
		uint32_t s = small[--ns], l = large[nl - 1];
		a.prob[s] = (float)p[s];
		a.alias[s] = l;
		p[l] -= 1 - p[s];
		if (p[l] < 1) { nl--; small[ns++] = l; }
	}
	while (nl) { uint32_t l = large[--nl]; a.prob[l] = 1; a.alias[l] = l; }
	while (ns) { uint32_t s = small[--ns]; a.prob[s] = 1; a.alias[s] = s; }
	free(p); free(small); free(large);
	return a;
}
static uint32_t alias_draw(const alias_t *a, rng_t *r)
{
	uint64_t x = next64(r);
	uint32_t i = (uint32_t)(((x >> 32) * a->n) >> 32);
	float u = (float)(x & 0xffffff) * 0x1.0p-24f;
	return u < a->prob[i] ? i : a->alias[i];
}
static alias_t zipf(uint32_t n, double s, double q)
{
	double *w = xmalloc(n * sizeof(double));
	for (uint32_t i = 0; i < n; i++) w[i] = pow(i + 1 + q, -s);
	alias_t a = alias_build(w, n);
	free(w);
	return a;
}

/* ---- vocabulary ---- */
static const char *const onsets[] = {
	"b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
	"br", "dr", "fl", "gr", "kr", "pl", "st", "tr", "sk", "sh", "ch", "th", "bl", "gl", "pr",
};
static const char *const vowels[] = { "a", "e", "i", "o", "u", "a", "o", "ai", "ou", "ea" };
static const char *const inner_codas[] = { "", "", "", "", "", "", "n", "r", "l", "s", "m", "k" };
/* word-final: consonants no English Snowball step removes or changes */
static const char *const final_codas[] = { "k", "p", "b", "g", "m", "n", "f", "x", "z", "v", "nk", "mp" };
#define LEN(a) (sizeof a / sizeof *a)

typedef struct { char **word; uint8_t *len; uint32_t n; } vocab_t;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static vocab_t vocab_build(uint32_t n, uint64_t seed)
{
	vocab_t v = { xmalloc(n * sizeof(char *)), xmalloc(n), n };
	size_t cap = 1;
	while (cap < 2 * (size_t)(n + NSTOP)) cap <<= 1;
	const char **set = calloc(cap, sizeof(char *));
	if (!set) { fprintf(stderr, "make-synthetic: out of memory\n"); exit(1); }
	rng_t r = rng_for(seed, 1, 0);
	char buf[64];
	for (uint32_t i = 0; i < NSTOP + n;) {
		const char *w;
		if (i < NSTOP) {
			w = stopwords[i];
		} else {
			uint32_t rank = i - (uint32_t)NSTOP;
			/* frequent words are shorter */
			int syl = rank < 1500 ? 1 + (below(&r, 3) != 0) : rank < 60000 ? 2 + (below(&r, 4) == 0)
			                                                         : 3 + (below(&r, 4) == 0);
			size_t k = 0;
			for (int s = 0; s < syl; s++) {
				/* consonant clusters and diphthongs are the rarer choices */
				const char *o = onsets[below(&r, below(&r, 3) ? 17 : LEN(onsets))];
				const char *vw = vowels[below(&r, below(&r, 3) ? 7 : LEN(vowels))];
				const char *c = s + 1 < syl ? inner_codas[below(&r, LEN(inner_codas))]
				                            : final_codas[below(&r, below(&r, 3) ? 10 : LEN(final_codas))];
				if (s == 0 && below(&r, 4) == 0) o = "";   /* some words start with a vowel */
				k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s%s", o, vw, c);
			}
			w = buf;
		}
		size_t h = hash_str(w) & (cap - 1);
		while (set[h] && strcmp(set[h], w) != 0) h = (h + 1) & (cap - 1);
		if (set[h]) continue;                      /* already there: draw again */
		char *copy = strdup(w);
		if (!copy) { fprintf(stderr, "make-synthetic: out of memory\n"); exit(1); }
		set[h] = copy;
		if (i >= NSTOP) {
			v.word[i - NSTOP] = copy;
			v.len[i - NSTOP] = (uint8_t)strlen(copy);
		}
		i++;
	}
	free(set);
	return v;
}

/* ---- output buffer ---- */
typedef struct { char *p; size_t n, cap; } buf_t;
static void put(buf_t *b, const char *s, size_t n)
{
	if (b->n + n > b->cap) {
		while (b->n + n > b->cap) b->cap = b->cap ? 2 * b->cap : 1 << 16;
		b->p = realloc(b->p, b->cap);
		if (!b->p) { fprintf(stderr, "make-synthetic: out of memory\n"); exit(1); }
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}
static void puts_(buf_t *b, const char *s) { put(b, s, strlen(s)); }

/* "s" + i in `digits` decimal digits, zero-padded */
static void put_id(buf_t *b, long long i, int digits)
{
	char d[24];
	for (int k = digits - 1; k >= 0; k--, i /= 10) d[k] = (char)('0' + i % 10);
	put(b, "s", 1);
	put(b, d, (size_t)digits);
}

static void write_all(FILE *f, const buf_t *b, const char *path)
{
	if (b->n && fwrite(b->p, 1, b->n, f) != b->n) {
		fprintf(stderr, "make-synthetic: %s: %s\n", path, strerror(errno));
		exit(4);
	}
}

/* ---- the realistic mode (--realistic) ----
 * Stories shaped like a pool of real newsgroup posts, newswire and BBC stories (issue 20):
 *   - length in words (stopwords included): log-normal, median 130, sigma 0.95, and with
 *     probability 0.005 a Pareto tail from 1,000 words (alpha 1, clamped at 60,000), so p10
 *     is about 40, p90 about 440, p99 about 1,350 and a 40k archive holds a few posts of
 *     tens of thousands of words;
 *   - near-duplicates: with probability P_COPY a story re-edits the wire story of one of the
 *     400 stories before it (the root of that story's cluster): a title changed in a word or
 *     two or kept, sentences dropped or the end cut, a few words replaced, a new lead or a
 *     closing line added; it keeps the root's topic. About a third of the stories are in a
 *     cluster of two or more;
 *   - quoted passages: each topic has QUOTES quotes of 10 to 40 words; a sentence is one
 *     with probability P_QUOTE, from the story's topic (7 in 10) or from a topic drawn by
 *     popularity (the widely quoted statement), so passages recur across stories and topics;
 *   - vocabulary: the same pseudo-words, background Zipf law with exponent 1.0 (the classic
 *     long tail) over a vocabulary that grows with the square root of the archive (Heaps'
 *     law), 40 % stopwords of running words.
 * A story is a pure function of (seed, index) and the topic count, as in the default mode:
 * a copy regenerates its root from the root's own seed and edits it with its own. */
#define P_COPY 0.19
#define COPY_WINDOW 400
#define QUOTES 3
#define P_QUOTE 0.04
#define P_STOP_REAL 0.40
#define MEDIAN_REAL 130.0
#define SIGMA_REAL 0.95
#define P_LONG 0.005
#define LONG_FROM 1000.0
#define MAX_WORDS 60000
#define REAL_ZIPF_S 1.0
#define REAL_VOCAB_40K 70000.0

/* Token codes: content word ids are < V (< 2^31); stopword k is TOK_STOP + k. */
enum {
	TOK_STOP = 0x80000000u,
	TOK_SENT = 0xffffffffu,   /* end of a sentence */
	TOK_PARA = 0xfffffffeu,   /* end of a paragraph (after a TOK_SENT) */
	TOK_QOPEN = 0xfffffffdu,  /* a quoted passage starts */
	TOK_QCLOSE = 0xfffffffcu, /* and ends */
};

typedef struct { uint32_t *t; size_t n, cap; } toks_t;
static void tok_add(toks_t *k, uint32_t x)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 256;
		k->t = realloc(k->t, k->cap * sizeof *k->t);
		if (!k->t) { fprintf(stderr, "make-synthetic: out of memory\n"); exit(1); }
	}
	k->t[k->n++] = x;
}
static int is_word(uint32_t x) { return x < TOK_QCLOSE; }

/* What every story of an archive draws from. */
typedef struct {
	uint64_t seed;
	uint32_t T;
	const vocab_t *voc;
	const alias_t *bg, *stop, *trank, *srank, *topic;
	const uint8_t *tsec;
	const uint32_t *twords, *swords;
} world_t;

static uint32_t draw_word(const world_t *w, rng_t *r, uint32_t t, double pt)
{
	if (unif(r) < P_STOP_REAL)
		return TOK_STOP + alias_draw(w->stop, r);
	double u = unif(r);
	if (u < pt)
		return w->twords[(size_t)t * TOPIC_WORDS + alias_draw(w->trank, r)];
	if (u < pt + P_SECTION)
		return w->swords[(size_t)w->tsec[t] * SECTION_WORDS + alias_draw(w->srank, r)];
	return alias_draw(w->bg, r);
}

static long real_length(rng_t *r)
{
	double len = unif(r) < P_LONG ? LONG_FROM / (1.0 - unif(r))
	                              : MEDIAN_REAL * exp(SIGMA_REAL * normal(r));
	return len < 8 ? 8 : len > MAX_WORDS ? MAX_WORDS : (long)len;
}

/* A sentence of 6 to 30 words (or to `left`, at least 3) of topic t. */
static void add_sentence(const world_t *w, rng_t *r, uint32_t t, double pt, long left, toks_t *out)
{
	long n = 6 + (long)below(r, 25);
	if (n > left) n = left < 3 ? 3 : left;
	for (long k = 0; k < n; k++) tok_add(out, draw_word(w, r, t, pt));
	tok_add(out, TOK_SENT);
}

/* Quote q (of topic q / QUOTES): 10 to 40 words, the same wherever it is quoted. */
static long add_quote(const world_t *w, uint32_t q, toks_t *out)
{
	rng_t r = rng_for(w->seed, 9, q);
	long n = 10 + (long)below(&r, 31);
	tok_add(out, TOK_QOPEN);
	for (long k = 0; k < n; k++) tok_add(out, draw_word(w, &r, q / QUOTES, 0.3));
	tok_add(out, TOK_QCLOSE);
	tok_add(out, TOK_SENT);
	return n;
}

/* The wire story i as first written: title and body tokens; returns its topic. */
static uint32_t gen_root(const world_t *w, uint64_t i, toks_t *title, toks_t *body)
{
	rng_t r = rng_for(w->seed, 6, i);
	uint32_t t = alias_draw(w->topic, &r);
	double pt = PT_LO + PT_SPAN * unif(&r);
	long nwords = real_length(&r), words = 0;
	int ntitle = 4 + (int)below(&r, 9), para_left = 2 + (int)below(&r, 4);

	title->n = body->n = 0;
	for (int k = 0; k < ntitle; k++) {
		double u = unif(&r);
		tok_add(title, u < 0.6 ? w->twords[(size_t)t * TOPIC_WORDS + alias_draw(w->trank, &r)]
		             : u < 0.75 ? w->swords[(size_t)w->tsec[t] * SECTION_WORDS + alias_draw(w->srank, &r)]
		                        : alias_draw(w->bg, &r));
	}
	while (words < nwords) {
		if (unif(&r) < P_QUOTE) {
			uint32_t qt = unif(&r) < 0.7 ? t : alias_draw(w->topic, &r);
			words += add_quote(w, qt * QUOTES + below(&r, QUOTES), body);
		} else {
			size_t before = body->n;
			add_sentence(w, &r, t, pt, nwords - words, body);
			words += (long)(body->n - before - 1);
		}
		if (--para_left == 0) {
			tok_add(body, TOK_PARA);
			para_left = 2 + (int)below(&r, 4);
		}
	}
	return t;
}

/* The story story i re-edits (an earlier one), or i itself. */
static uint64_t source_of(uint64_t seed, uint64_t i)
{
	rng_t r = rng_for(seed, 8, i);
	if (i == 0 || unif(&r) >= P_COPY)
		return i;
	return i - 1 - below(&r, (uint32_t)(i < COPY_WINDOW ? i : COPY_WINDOW));
}
static uint64_t root_of(uint64_t seed, uint64_t i)
{
	uint64_t j;
	while ((j = source_of(seed, i)) != i) i = j;
	return i;
}

/* Story i as a light re-edit of its root's tokens (in title, body): edits `title` in
 * place and writes the new body to `out`. */
static void edit_copy(const world_t *w, uint64_t i, uint32_t t, toks_t *title,
                      const toks_t *body, toks_t *out)
{
	rng_t r = rng_for(w->seed, 7, i);
	double pt = PT_LO + PT_SPAN * unif(&r);
	size_t sentences = 0, keep, s = 0;

	if (unif(&r) < 0.5) {
		int k = 1 + (int)below(&r, 2);
		while (k--) title->t[below(&r, (uint32_t)title->n)] = w->twords[(size_t)t * TOPIC_WORDS + alias_draw(w->trank, &r)];
	}
	for (size_t k = 0; k < body->n; k++) sentences += body->t[k] == TOK_SENT;
	keep = sentences;
	if (unif(&r) < 0.4)   /* the end cut */
		keep = (size_t)ceil(sentences * (0.5 + 0.4 * unif(&r)));
	out->n = 0;
	if (unif(&r) < 0.3)   /* a new lead */
		add_sentence(w, &r, t, pt, 30, out);
	for (size_t k = 0; k < body->n && s < keep; k++) {
		/* a sentence dropped now and then: skip to its end */
		size_t e = k;
		while (e < body->n && body->t[e] != TOK_SENT) e++;
		int drop = sentences > 3 && unif(&r) < 0.08;
		for (; k <= e && k < body->n; k++) {
			uint32_t x = body->t[k];
			if (drop && x != TOK_PARA && x != TOK_SENT) continue;
			if (drop && x == TOK_SENT) continue;
			if (is_word(x) && x < TOK_STOP && unif(&r) < 0.03)
				x = draw_word(w, &r, t, pt);
			tok_add(out, x);
		}
		k--;
		s++;
		if (k + 1 < body->n && body->t[k + 1] == TOK_PARA) tok_add(out, body->t[++k]);
	}
	if (unif(&r) < 0.2)   /* a closing line */
		add_sentence(w, &r, t, pt, 20, out);
}

/* Appends the tokens as JSON string content: sentences capitalised, paragraphs
 * separated by a blank line, quotes in double quotes, a comma now and then. */
static void render(buf_t *b, const world_t *w, const toks_t *k, rng_t *r, int title)
{
	int cap = 1, space = 0;
	for (size_t i = 0; i < k->n; i++) {
		uint32_t x = k->t[i];
		if (x == TOK_SENT) { put(b, ".", 1); cap = 1; continue; }
		if (x == TOK_PARA) { put(b, "\\n\\n", 4); space = 0; continue; }
		if (x == TOK_QOPEN) { if (space) put(b, " ", 1); put(b, "\\\"", 2); space = 0; cap = 1; continue; }
		if (x == TOK_QCLOSE) { put(b, "\\\"", 2); continue; }
		const char *s = x >= TOK_STOP ? stopwords[x - TOK_STOP] : w->voc->word[x];
		size_t n = x >= TOK_STOP ? strlen(s) : w->voc->len[x];
		if (space) put(b, " ", 1);
		if (cap || (title && x < TOK_STOP)) {
			char up = (char)(s[0] - 'a' + 'A');
			put(b, &up, 1);
			put(b, s + 1, n - 1);
		} else {
			put(b, s, n);
		}
		space = 1;
		cap = 0;
		if (!title && i + 1 < k->n && is_word(k->t[i + 1]) && below(r, 12) == 0) put(b, ",", 1);
	}
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Writes the realistic archive's n stories to ob/lb (flushed to fo/fl as they grow);
 * with stats, prints lengths, clusters and quotes to stderr. */
static void write_realistic(const world_t *w, long long n, int digits, int stats, uint32_t V,
                            FILE *fo, const char *out_path, FILE *fl, const char *labels_path)
{
	toks_t title = { 0 }, body = { 0 }, copy = { 0 };
	buf_t ob = { 0 }, lb = { 0 };
	long *len = stats ? xmalloc((size_t)n * sizeof *len) : NULL;
	uint32_t *cluster = stats ? calloc((size_t)n, sizeof *cluster) : NULL;
	uint32_t *stamp = stats ? calloc(V, sizeof *stamp) : NULL;
	uint8_t *df = stats ? calloc(V, 1) : NULL; /* stories with the word, up to 2 */
	double distinct = 0;
	long long quoted = 0, copies = 0;
	char line[256];

	if (stats && (!cluster || !stamp || !df)) { fprintf(stderr, "make-synthetic: out of memory\n"); exit(1); }
	for (long long i = 0; i < n; i++) {
		uint64_t root = root_of(w->seed, (uint64_t)i);
		uint32_t t = gen_root(w, root, &title, &body);
		const toks_t *text = &body;
		rng_t r = rng_for(w->seed, 10, (uint64_t)i);
		if (root != (uint64_t)i) {
			edit_copy(w, (uint64_t)i, t, &title, &body, &copy);
			text = &copy;
			copies++;
		}
		puts_(&ob, "{\"id\":\"");
		put_id(&ob, i, digits);
		puts_(&ob, "\",\"title\":\"");
		render(&ob, w, &title, &r, 1);
		puts_(&ob, "\",\"text\":\"");
		render(&ob, w, text, &r, 0);
		snprintf(line, sizeof line, "\",\"lang\":\"en\",\"label\":\"t%u\"}\n", t);
		puts_(&ob, line);
		puts_(&lb, "{\"id\":\"");
		put_id(&lb, i, digits);
		snprintf(line, sizeof line, "\",\"label\":\"t%u\"}\n", t);
		puts_(&lb, line);
		if (stats) {
			long words = 0;
			int q = 0;
			for (size_t k = 0; k < text->n; k++) {
				uint32_t x = text->t[k];
				q |= x == TOK_QOPEN;
				if (!is_word(x)) continue;
				words++;
				if (x < TOK_STOP && stamp[x] != (uint32_t)i + 1) {
					stamp[x] = (uint32_t)i + 1;
					distinct++;
					df[x] += df[x] < 2;
				}
			}
			for (size_t k = 0; k < title.n; k++)
				if (title.t[k] < TOK_STOP && stamp[title.t[k]] != (uint32_t)i + 1) {
					stamp[title.t[k]] = (uint32_t)i + 1;
					df[title.t[k]] += df[title.t[k]] < 2;
				}
			len[i] = words;
			quoted += q;
			cluster[root]++;
		}
		if (ob.n > (1 << 22)) { write_all(fo, &ob, out_path); ob.n = 0; }
		if (lb.n > (1 << 20)) { write_all(fl, &lb, labels_path); lb.n = 0; }
	}
	write_all(fo, &ob, out_path);
	write_all(fl, &lb, labels_path);
	if (stats) {
		long long in_cluster = 0, clusters = 0;
		for (long long i = 0; i < n; i++)
			if (cluster[i] > 1) { in_cluster += cluster[i]; clusters++; }
		qsort(len, (size_t)n, sizeof *len, cmp_long);
		long long over10k = 0, terms = 0;
		for (uint32_t x = 0; x < V; x++) terms += df[x] >= 2;
		for (long long i = 0; i < n; i++) over10k += len[i] > 10000;
#define Q(p) len[(size_t)((n - 1) * (p))]
		fprintf(stderr, "make-synthetic --realistic: %lld stories, %u topics\n"
		        "  words per story: p10 %ld, median %ld, p90 %ld, p99 %ld, max %ld; %lld over 10,000\n"
		        "  %.0f distinct content words per story on average; %lld words in two stories or more\n"
		        "  near-duplicates: %lld copies in %lld clusters; %lld stories (%.1f %%) have one\n"
		        "  %lld stories (%.1f %%) quote a passage\n",
		        n, w->T, Q(0.10), Q(0.50), Q(0.90), Q(0.99), len[n - 1], over10k,
		        distinct / (double)n, terms, copies, clusters, in_cluster, 100.0 * in_cluster / (double)n,
		        quoted, 100.0 * quoted / (double)n);
#undef Q
	}
	free(title.t); free(body.t); free(copy.t); free(ob.p); free(lb.p);
	free(len); free(cluster); free(stamp); free(df);
}

static void usage(void)
{
	fprintf(stderr, "usage: make-synthetic N OUT.jsonl [--realistic] [--seed S] [--vocab V] [--stats]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	long long n = -1;
	uint64_t seed = 1;
	long vocab_n = -1;
	int stats = 0, realistic = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--vocab") && i + 1 < argc) vocab_n = atol(argv[++i]);
		else if (!strcmp(argv[i], "--stats")) stats = 1;
		else if (!strcmp(argv[i], "--realistic")) realistic = 1;
		else if (argv[i][0] == '-' && argv[i][1]) usage();
		else if (n < 0) { char *e; n = strtoll(argv[i], &e, 10); if (*e || n < 1) usage(); }
		else if (!out) out = argv[i];
		else usage();
	}
	if (vocab_n < 0)   /* realistic: grows with the archive as a real one's does */
		vocab_n = realistic ? (long)fmax(SECTION_RANGE, REAL_VOCAB_40K * sqrt(n / 40000.0)) : 200000;
	if (n < 1 || !out || vocab_n < SECTION_RANGE || vocab_n > 50000000) usage();
	uint32_t V = (uint32_t)vocab_n;

	/* file names */
	size_t ol = strlen(out);
	size_t stem = ol > 6 && !strcmp(out + ol - 6, ".jsonl") ? ol - 6 : ol;
	char *labels_path = xmalloc(stem + 32), *tmp_out = xmalloc(ol + 32), *tmp_labels = xmalloc(stem + 48);
	memcpy(labels_path, out, stem);
	strcpy(labels_path + stem, ".labels.jsonl");
	snprintf(tmp_out, ol + 32, "%s.tmp", out);
	snprintf(tmp_labels, stem + 48, "%s.tmp", labels_path);

	vocab_t voc = vocab_build(V, seed);
	alias_t bg = realistic ? zipf(V, REAL_ZIPF_S, ZIPF_Q) : zipf(V, ZIPF_S, ZIPF_Q);
	alias_t stop = zipf((uint32_t)NSTOP, 1.0, 1.0);
	alias_t trank = zipf(TOPIC_WORDS, 1.0, 2.0);
	alias_t srank = zipf(SECTION_WORDS, 0.9, 5.0);

	/* topics: popularity, section, words */
	uint32_t T = (uint32_t)((n + STORIES_PER_TOPIC - 1) / STORIES_PER_TOPIC);
	double *tw = xmalloc(T * sizeof(double));
	uint8_t *tsec = xmalloc(T);
	uint32_t *twords = xmalloc((size_t)T * TOPIC_WORDS * sizeof(uint32_t));
	for (uint32_t t = 0; t < T; t++) {
		rng_t r = rng_for(seed, 2, t);
		tw[t] = exp(1.0 * normal(&r));
		tsec[t] = (uint8_t)below(&r, NSECTIONS);
		/* half of the words are shared by the two topics of a storyline (t, t ^ 1); ranks
		 * log-uniform between 200 and V, so many are also common words of other topics */
		rng_t fam = rng_for(seed, 5, t >> 1);
		for (int k = 0; k < TOPIC_WORDS; k++) {
			rng_t *g = k < TOPIC_WORDS * SHARED / 100 ? &fam : &r;
			twords[(size_t)t * TOPIC_WORDS + k] = (uint32_t)(200 * exp(unif(g) * log(V / 200.0)));
		}
	}
	alias_t topic = alias_build(tw, T);
	free(tw);
	uint32_t *swords = xmalloc((size_t)NSECTIONS * SECTION_WORDS * sizeof(uint32_t));
	for (uint32_t s = 0; s < NSECTIONS; s++) {
		rng_t r = rng_for(seed, 3, s);
		for (int k = 0; k < SECTION_WORDS; k++)
			swords[(size_t)s * SECTION_WORDS + k] = 100 + below(&r, SECTION_RANGE - 100);
	}

	FILE *fo = fopen(tmp_out, "wb"), *fl = fopen(tmp_labels, "wb");
	if (!fo || !fl) {
		fprintf(stderr, "make-synthetic: %s: %s\n", fo ? tmp_labels : tmp_out, strerror(errno));
		return 4;
	}
	int digits = 1;
	for (long long x = n - 1; x >= 10; x /= 10) digits++;

	if (realistic) {
		world_t w = { seed, T, &voc, &bg, &stop, &trank, &srank, &topic, tsec, twords, swords };
		write_realistic(&w, n, digits, stats, V, fo, tmp_out, fl, tmp_labels);
		goto close;
	}
	/* --stats: distinct content words per story (a bitmap stamp per word) */
	uint32_t *stamp = stats ? calloc(V, sizeof(uint32_t)) : NULL;
	double sum_distinct = 0, sum_tokens = 0, sum_words = 0;

	buf_t ob = { 0 }, lb = { 0 };
	char line[256];
	for (long long i = 0; i < n; i++) {
		rng_t r = rng_for(seed, 4, (uint64_t)i);
		uint32_t t = alias_draw(&topic, &r);
		const uint32_t *tws = twords + (size_t)t * TOPIC_WORDS;
		const uint32_t *sws = swords + (size_t)tsec[t] * SECTION_WORDS;
		double pt = PT_LO + PT_SPAN * unif(&r);
		double len = MEDIAN * exp(0.5 * normal(&r));
		long ntok = len < 60 ? 60 : len > 6000 ? 6000 : (long)len;
		int ntitle = 6 + (int)below(&r, 5);

		puts_(&ob, "{\"id\":\"");
		put_id(&ob, i, digits);
		puts_(&ob, "\",\"title\":\"");
		for (int k = 0; k < ntitle; k++) {
			double u = unif(&r);
			uint32_t w = u < 0.6 ? tws[alias_draw(&trank, &r)]
			           : u < 0.75 ? sws[alias_draw(&srank, &r)] : alias_draw(&bg, &r);
			char cap[64];
			memcpy(cap, voc.word[w], voc.len[w] + 1u);
			cap[0] = (char)(cap[0] - 'a' + 'A');
			if (k) put(&ob, " ", 1);
			put(&ob, cap, voc.len[w]);
		}
		puts_(&ob, "\",\"text\":\"");
		long content = 0, words = 0;
		int sent_left = 0, para_left = 2 + (int)below(&r, 4), first = 1, need_cap = 1, need_space = 0;
		while (content < ntok) {
			if (sent_left == 0) {
				if (!first) {
					if (--para_left == 0) {
						put(&ob, ".\\n\\n", 5);
						para_left = 2 + (int)below(&r, 4);
						need_space = 0;
					} else {
						put(&ob, ".", 1);
					}
				}
				first = 0;
				need_cap = 1;
				sent_left = 6 + (int)below(&r, 25);
			}
			const char *w;
			size_t wl;
			if (unif(&r) < P_STOP) {
				w = stopwords[alias_draw(&stop, &r)];
				wl = strlen(w);
			} else {
				double u = unif(&r);
				uint32_t id = u < pt ? tws[alias_draw(&trank, &r)]
				            : u < pt + P_SECTION ? sws[alias_draw(&srank, &r)] : alias_draw(&bg, &r);
				w = voc.word[id];
				wl = voc.len[id];
				content++;
				if (stamp && stamp[id] != (uint32_t)i + 1) { stamp[id] = (uint32_t)i + 1; sum_distinct++; }
			}
			words++;
			if (need_space) put(&ob, " ", 1);
			if (need_cap) {
				char up = (char)(w[0] - 'a' + 'A');
				put(&ob, &up, 1);
				put(&ob, w + 1, wl - 1);
			} else {
				put(&ob, w, wl);
			}
			need_space = 1;
			need_cap = 0;
			if (--sent_left > 2 && below(&r, 12) == 0) put(&ob, ",", 1);
		}
		snprintf(line, sizeof line, ".\",\"lang\":\"en\",\"label\":\"t%u\"}\n", t);
		puts_(&ob, line);
		puts_(&lb, "{\"id\":\"");
		put_id(&lb, i, digits);
		snprintf(line, sizeof line, "\",\"label\":\"t%u\"}\n", t);
		puts_(&lb, line);
		sum_tokens += (double)content;
		sum_words += (double)words;
		if (ob.n > (1 << 22)) { write_all(fo, &ob, tmp_out); ob.n = 0; }
		if (lb.n > (1 << 20)) { write_all(fl, &lb, tmp_labels); lb.n = 0; }
	}
	write_all(fo, &ob, tmp_out);
	write_all(fl, &lb, tmp_labels);
	if (stats)
		fprintf(stderr, "make-synthetic: %lld stories, %u topics, mean %.0f words, %.0f content words, "
		        "%.0f distinct content words per story\n",
		        n, T, sum_words / n, sum_tokens / n, sum_distinct / n);
close:
	if (fclose(fl) || rename(tmp_labels, labels_path)) {
		fprintf(stderr, "make-synthetic: %s: %s\n", labels_path, strerror(errno));
		return 4;
	}
	if (fclose(fo) || rename(tmp_out, out)) {
		fprintf(stderr, "make-synthetic: %s: %s\n", out, strerror(errno));
		return 4;
	}
	return 0;
}
