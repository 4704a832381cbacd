/*
 * model: building TF-IDF vectors, and the binary model file.
 *
 * The builder interns each term once as stories arrive, keeps (term, count)
 * pairs per story, and computes weights only at the end, when document
 * frequencies are known. The file is the model's arrays written as they lie
 * in memory, so loading is mmap plus validation, with no parsing.
 */
#include "model.h"

#include "bigmem.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "fsutil.h"
#include "hash.h"
#include "numbers.h"
#include "parallel.h"

#define MODEL_MAGIC "RELATED"
#define MODEL_VERSION 5u
#define MODEL_TRAILER "END!"

enum section_id {
	SEC_STRINGS = 1,
	SEC_TERM_NAME,
	SEC_DF,
	SEC_DOC_FIELD,
	SEC_ROW,
	SEC_COL,      /* the term ids' low 16 bits (term_lo; 32-bit ids before version 5) */
	SEC_VAL,
	SEC_LATENT,
	SEC_COUNT = SEC_LATENT, /* the sections read even when empty */
	/* Sections that may be empty (pointers NULL): */
	SEC_POST_START,
	SEC_POST_DOC,
	SEC_POST_WEIGHT,
	SEC_TERM_BASIS,
	SEC_LEAD_SIG,
	SEC_NUMBERS,
	SEC_BLOCK_END, /* version 5 on */
	SEC_MAX = SEC_BLOCK_END
};

struct file_header {
	char magic[8];
	uint32_t version;
	uint32_t n_sections;
	uint32_t n_docs;
	uint32_t n_terms;
	uint64_t nnz;
	uint64_t file_size;
	uint32_t min_df;
	float max_df;
	float title_weight;
	float lead_weight;
	uint32_t stem;
	uint32_t stopwords;
	uint32_t latent_dim;
	float bigram_weight;
	uint32_t tf_mode;
	float bm25_k1;
	float bm25_b;
	float bm25_avglen;     /* 0 in files written before it was recorded */
	float name_weight;     /* 0 in files written before it was recorded */
	uint32_t reserved[9];  /* zero; room for parameters of later versions */
};

struct file_section {
	uint32_t id;
	uint32_t reserved;
	uint64_t offset;
	uint64_t size;
};

_Static_assert(sizeof(struct file_header) == 128, "header is 128 bytes");
_Static_assert(sizeof(struct file_section) == 24, "section entry is 24 bytes");

/* What a model owns (struct model's storage): owned[] holds the arrays of
 * a built or assembled model, by the slot below; a loaded one holds its
 * mapping. by_id lists the stories by id when they are not in id order. */
enum owned_slot {
	OWN_STRINGS,
	OWN_TERM_NAME,
	OWN_DF,
	OWN_DOC_FIELD,
	OWN_ROW,
	OWN_TERM_LO,
	OWN_BLOCK_END,
	OWN_VAL,
	OWN_LATENT,
	OWN_TERM_BASIS,
	OWN_POST_START,
	OWN_POST_DOC,
	OWN_POST_WEIGHT,
	OWN_LEAD_SIG,
	OWN_NUMBERS,
	OWN_MAX
};

struct model_storage {
	void *map;
	size_t map_len;
	void *owned[OWN_MAX];
	uint32_t *by_id; /* [n_docs] story indexes by id; NULL: identity */
};

/* ---- parameters ---- */

/* The one list of the parameters' fields: where each lies in struct
 * model_params and in the file header, whether it is a float (compared as
 * one), and whether it is derived by the builder rather than chosen (left
 * out of model_params_encode() and model_params_equal()). The order of the
 * chosen ones is the byte layout of model_params_encode(). Every field is
 * 4 bytes. */
static const struct param_field {
	size_t offset, header_offset;
	int is_float, derived;
} param_fields[] = {
#define PARAM(name, is_float, derived) \
	{ offsetof(struct model_params, name), offsetof(struct file_header, name), is_float, derived }
	PARAM(min_df, 0, 0),
	PARAM(max_df, 1, 0),
	PARAM(title_weight, 1, 0),
	PARAM(lead_weight, 1, 0),
	PARAM(stem, 0, 0),
	PARAM(stopwords, 0, 0),
	PARAM(bigram_weight, 1, 0),
	PARAM(name_weight, 1, 0),
	PARAM(tf_mode, 0, 0),
	PARAM(bm25_k1, 1, 0),
	PARAM(bm25_b, 1, 0),
	PARAM(bm25_avglen, 1, 1),
#undef PARAM
};

#define N_PARAM_FIELDS (sizeof param_fields / sizeof param_fields[0])
_Static_assert(sizeof(struct model_params) == N_PARAM_FIELDS * 4,
	       "every field of model_params is in param_fields");
_Static_assert((N_PARAM_FIELDS - 1) * 4 == MODEL_PARAMS_BYTES,
	       "model_params_encode() writes the chosen fields");

static uint32_t param_bits(const struct model_params *p, const struct param_field *f)
{
	uint32_t v;

	memcpy(&v, (const char *)p + f->offset, 4);
	return v;
}

void model_params_encode(const struct model_params *p, unsigned char *out)
{
	for (size_t i = 0; i < N_PARAM_FIELDS; i++) {
		uint32_t v = param_bits(p, &param_fields[i]);
		if (param_fields[i].derived)
			continue;
		for (int b = 0; b < 4; b++)
			*out++ = (unsigned char)(v >> (8 * b));
	}
}

void model_params_decode(const unsigned char *in, struct model_params *p)
{
	memset(p, 0, sizeof *p);
	for (size_t i = 0; i < N_PARAM_FIELDS; i++) {
		uint32_t v;
		if (param_fields[i].derived)
			continue;
		v = (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 |
		    (uint32_t)in[3] << 24;
		memcpy((char *)p + param_fields[i].offset, &v, 4);
		in += 4;
	}
}

int model_params_equal(const struct model_params *a, const struct model_params *b)
{
	for (size_t i = 0; i < N_PARAM_FIELDS; i++) {
		const struct param_field *f = &param_fields[i];
		float x, y;
		if (f->derived)
			continue;
		if (!f->is_float) {
			if (param_bits(a, f) != param_bits(b, f))
				return 0;
			continue;
		}
		memcpy(&x, (const char *)a + f->offset, 4);
		memcpy(&y, (const char *)b + f->offset, 4);
		if (x != y)
			return 0;
	}
	return 1;
}

/* The header's copy of the parameters (in host order, as the header is). */
static void params_to_header(const struct model_params *p, struct file_header *h)
{
	for (size_t i = 0; i < N_PARAM_FIELDS; i++)
		memcpy((char *)h + param_fields[i].header_offset,
		       (const char *)p + param_fields[i].offset, 4);
}

static void params_from_header(const struct file_header *h, struct model_params *p)
{
	for (size_t i = 0; i < N_PARAM_FIELDS; i++)
		memcpy((char *)p + param_fields[i].offset,
		       (const char *)h + param_fields[i].header_offset, 4);
}

void model_params_get_analysis(const struct model_params *p, struct analyze_options *o)
{
	o->title_weight = p->title_weight;
	o->lead_weight = p->lead_weight;
	o->stem = (int)p->stem;
	o->stopwords = (int)p->stopwords;
	o->bigram_weight = p->bigram_weight;
	o->name_weight = p->name_weight;
}

void model_params_set_analysis(struct model_params *p, const struct analyze_options *o)
{
	p->title_weight = o->title_weight;
	p->lead_weight = o->lead_weight;
	p->stem = (uint32_t)o->stem;
	p->stopwords = (uint32_t)o->stopwords;
	p->bigram_weight = o->bigram_weight;
	p->name_weight = o->name_weight;
}

void model_params_default(struct model_params *p)
{
	struct analyze_options a;

	analyze_options_default(&a);
	memset(p, 0, sizeof *p);
	p->min_df = 2;
	p->max_df = 1.0f;
	model_params_set_analysis(p, &a);
	p->tf_mode = MODEL_TF_LOG;
	p->bm25_k1 = 1.2f;
	p->bm25_b = 0.75f;
}

const char *model_doc(const struct model *m, uint32_t doc, enum model_field f)
{
	uint64_t off = m->doc_field[(uint64_t)doc * MODEL_FIELDS + f];
	return off ? m->strings + off : NULL;
}

const char *model_term(const struct model *m, uint32_t term)
{
	return m->strings + m->term_name[term];
}

/* ---- building ---- */

struct entry {
	uint32_t term;
	float count;
};

/* The (term, count) pairs of all stories, in story order, live in chunks of
 * ENTRY_CHUNK pairs rather than one growing array: finish() turns them into
 * the model's col/val arrays and frees each chunk once its rows are
 * written, so the pairs and the finished vectors never both exist in full
 * (they did: 16 bytes per nonzero at the peak instead of 8; measured 3.2 GB
 * more at 1M stories).
 *
 * A pair takes 6 bytes, not 8: a chunk holds ENTRY_CHUNK term ids, then
 * ENTRY_CHUNK 16-bit codes of the counts. A code names one of the distinct
 * counts met so far (struct count_codes: an archive has a few hundred, the
 * sums of a few weights); the counts met after the first COUNT_ESCAPE
 * distinct ones take the code COUNT_ESCAPE and are kept whole in a list by
 * pair (struct count_spill), so every count reads back as it came, bit for
 * bit, whatever the input. 48 MiB per chunk, above glibc's largest mmap
 * threshold (32 MiB), so that a freed chunk goes back to the system at
 * once; on huge pages (bigmem.h), as both its parts fill from their
 * start (realistic 20,000: 3,800 fewer page faults). */
#define ENTRY_CHUNK ((size_t)8 << 20)
#define CHUNK_BYTES (ENTRY_CHUNK * (sizeof(uint32_t) + sizeof(uint16_t)))
#define COUNT_ESCAPE UINT16_MAX

/* The distinct counts (by their bits) and their codes: value[code], and an
 * open-addressed table of codes + 1 (0: empty) twice the size of the
 * largest number of codes. */
#define COUNT_SLOTS ((size_t)1 << 17)
struct count_codes {
	float value[COUNT_ESCAPE];
	uint32_t n;
	uint32_t slot[COUNT_SLOTS];
};

/* The pairs whose count has no code, in pair order: pair[i] has count[i]. */
struct count_spill {
	uint64_t *pair;
	float *count;
	size_t n, cap;
};

struct model_builder {
	struct strmap vocab;
	uint32_t *df;
	size_t df_cap;
	unsigned char **chunks; /* [n_chunks], each CHUNK_BYTES; NULL once consumed */
	size_t n_chunks, chunks_cap;
	size_t n_entries;
	struct count_codes *codes;
	struct count_spill spill;
	uint64_t *row;    /* n_docs + 1 */
	uint64_t *fields; /* n_docs * MODEL_FIELDS */
	uint16_t *lead_sig; /* n_docs * ANALYZE_LEAD_SLOTS */
	uint32_t *numbers;  /* n_docs * NUMBERS_SLOTS */
	size_t n_docs, docs_cap, sig_cap, num_cap;
	struct buf strings;
	int jobs; /* threads for finish() */
};

static uint32_t *chunk_terms(unsigned char *chunk)
{
	return (uint32_t *)(void *)chunk;
}

static uint16_t *chunk_codes(unsigned char *chunk)
{
	return (uint16_t *)(void *)(chunk + ENTRY_CHUNK * sizeof(uint32_t));
}

/* The code of `count`, adding it when it is new; COUNT_ESCAPE once the
 * table is full. */
static uint16_t count_code(struct count_codes *c, float count)
{
	uint32_t bits;
	size_t h;

	memcpy(&bits, &count, sizeof bits);
	h = (size_t)((bits * 2654435761u) >> 15) & (COUNT_SLOTS - 1);
	for (;; h = (h + 1) & (COUNT_SLOTS - 1)) {
		uint32_t code = c->slot[h], have;
		if (!code)
			break;
		memcpy(&have, &c->value[code - 1], sizeof have);
		if (have == bits)
			return (uint16_t)(code - 1);
	}
	if (c->n == COUNT_ESCAPE)
		return COUNT_ESCAPE;
	c->value[c->n] = count;
	c->slot[h] = ++c->n;
	return (uint16_t)(c->n - 1);
}

/* The count of pair e, whose code is COUNT_ESCAPE: a binary search of the
 * spill list, which holds it. */
static float spilled_count(const struct count_spill *s, uint64_t e)
{
	size_t lo = 0, hi = s->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->pair[mid] <= e)
			lo = mid;
		else
			hi = mid;
	}
	return s->count[lo];
}

static struct entry entry_at(const struct model_builder *b, uint64_t e)
{
	unsigned char *chunk = b->chunks[e / ENTRY_CHUNK];
	uint16_t code = chunk_codes(chunk)[e % ENTRY_CHUNK];
	struct entry en = { chunk_terms(chunk)[e % ENTRY_CHUNK], 0.0f };

	en.count = code == COUNT_ESCAPE ? spilled_count(&b->spill, e) : b->codes->value[code];
	return en;
}

/* Frees the chunks whose entries all lie before entry `end`. */
static void free_chunks_before(struct model_builder *b, size_t end)
{
	for (size_t c = 0; c < end / ENTRY_CHUNK && c < b->n_chunks; c++) {
		free(b->chunks[c]);
		b->chunks[c] = NULL;
	}
}

struct model_builder *model_builder_new(void)
{
	struct model_builder *b = calloc(1, sizeof *b);

	if (!b)
		return NULL;
	strmap_init(&b->vocab);
	buf_init(&b->strings);
	b->jobs = 1;
	if (buf_addc(&b->strings, '\0') || !(b->row = calloc(1, sizeof *b->row)) ||
	    !(b->codes = calloc(1, sizeof *b->codes))) {
		model_builder_free(b);
		return NULL;
	}
	return b;
}

void model_builder_set_jobs(struct model_builder *b, int jobs)
{
	b->jobs = jobs < 1 ? 1 : jobs;
}

void model_builder_free(struct model_builder *b)
{
	if (!b)
		return;
	strmap_free(&b->vocab);
	free(b->df);
	for (size_t c = 0; c < b->n_chunks; c++)
		free(b->chunks[c]);
	free(b->chunks);
	free(b->codes);
	free(b->spill.pair);
	free(b->spill.count);
	free(b->row);
	free(b->fields);
	free(b->lead_sig);
	free(b->numbers);
	buf_release(&b->strings);
	free(b);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2 / elem)
			return -1;
		c *= 2;
	}
	q = realloc(*p, c * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* Appends the pair (term, count); its chunk is there already. */
static int add_entry(struct model_builder *b, uint32_t term, float count)
{
	unsigned char *chunk = b->chunks[b->n_entries / ENTRY_CHUNK];
	uint16_t code = count_code(b->codes, count);
	struct count_spill *s = &b->spill;

	if (code == COUNT_ESCAPE) {
		size_t cap = s->cap;
		if (grow((void **)&s->pair, &cap, s->n + 1, sizeof *s->pair) ||
		    grow((void **)&s->count, &s->cap, s->n + 1, sizeof *s->count))
			return -1;
		s->pair[s->n] = b->n_entries;
		s->count[s->n++] = count;
	}
	chunk_terms(chunk)[b->n_entries % ENTRY_CHUNK] = term;
	chunk_codes(chunk)[b->n_entries % ENTRY_CHUNK] = code;
	b->n_entries++;
	return 0;
}

static uint64_t add_string(struct buf *s, const char *v)
{
	uint64_t off = s->len;

	if (!v)
		return 0;
	if (buf_add(s, v, strlen(v) + 1))
		return UINT64_MAX;
	return off;
}

/* How far ahead of the term it interns the builder asks for the memory
 * of a later term's look-up (strmap_prefetch_slot() and the two after it). */
#define AHEAD_SLOT 24
#define AHEAD_RECORD 12
#define AHEAD_KEY 4

/* The look-ups of the bag's terms after term i, asked for ahead. */
static void prefetch_terms(const struct strmap *vocab, const struct bag *terms, size_t i)
{
	if (i + AHEAD_SLOT < terms->n)
		strmap_prefetch_slot(vocab, terms->hashes[i + AHEAD_SLOT]);
	if (i + AHEAD_RECORD < terms->n)
		strmap_prefetch_record(vocab, terms->hashes[i + AHEAD_RECORD]);
	if (i + AHEAD_KEY < terms->n)
		strmap_prefetch_key(vocab, terms->hashes[i + AHEAD_KEY]);
}

/* model_builder_add() with the story's field values, lead signature and
 * number signature. */
static int builder_add(struct model_builder *b, const struct article *a,
		       const char *const *vals, const struct bag *terms,
		       const uint16_t *sig, const uint32_t *nums, struct error *err)
{
	size_t cap;

	if (b->n_docs >= UINT32_MAX - 1)
		return error_set(err, a->id, "too many stories for one model");
	if (grow((void **)&b->numbers, &b->num_cap, (b->n_docs + 1) * NUMBERS_SLOTS,
		 sizeof *b->numbers))
		return error_set(err, a->id, "out of memory");
	memcpy(b->numbers + b->n_docs * NUMBERS_SLOTS, nums, NUMBERS_SLOTS * sizeof *nums);
	if (grow((void **)&b->lead_sig, &b->sig_cap, (b->n_docs + 1) * ANALYZE_LEAD_SLOTS,
		 sizeof *b->lead_sig))
		return error_set(err, a->id, "out of memory");
	memcpy(b->lead_sig + b->n_docs * ANALYZE_LEAD_SLOTS, sig,
	       ANALYZE_LEAD_SLOTS * sizeof *sig);
	cap = b->docs_cap;
	if (grow((void **)&b->fields, &cap, (b->n_docs + 1) * MODEL_FIELDS,
		 sizeof *b->fields))
		return error_set(err, a->id, "out of memory");
	b->docs_cap = cap;
	cap = b->n_docs + 1;
	{
		uint64_t *row = realloc(b->row, (b->n_docs + 2) * sizeof *row);
		if (!row)
			return error_set(err, a->id, "out of memory");
		b->row = row;
	}
	for (int f = 0; f < MODEL_FIELDS; f++) {
		uint64_t off = add_string(&b->strings, vals[f]);
		if (off == UINT64_MAX)
			return error_set(err, a->id, "out of memory");
		b->fields[b->n_docs * MODEL_FIELDS + (size_t)f] = off;
	}
	while (b->n_chunks * ENTRY_CHUNK < b->n_entries + terms->n) {
		if (grow((void **)&b->chunks, &b->chunks_cap, b->n_chunks + 1,
			 sizeof *b->chunks) ||
		    !(b->chunks[b->n_chunks] = bigmem_alloc(CHUNK_BYTES)))
			return error_set(err, a->id, "out of memory");
		b->n_chunks++;
	}
	for (size_t i = 0; i < terms->n; i++) {
		const char *t = terms->terms.data + terms->offsets[i];
		size_t before = b->vocab.n;
		if (terms->hashes)
			prefetch_terms(&b->vocab, terms, i);
		int64_t id = terms->hashes ? strmap_intern_hashed(&b->vocab, t, bag_term_len(terms, i),
								  terms->hashes[i])
					   : strmap_intern(&b->vocab, t, strlen(t));
		if (id < 0 || grow((void **)&b->df, &b->df_cap, b->vocab.n, sizeof *b->df))
			return error_set(err, a->id, "out of memory");
		if (b->vocab.n != before)
			b->df[id] = 0;
		b->df[id]++;
		if (add_entry(b, (uint32_t)id, terms->counts[i]))
			return error_set(err, a->id, "out of memory");
	}
	b->n_docs++;
	b->row[b->n_docs] = b->n_entries;
	return 0;
}

int model_builder_add(struct model_builder *b, const struct article *a,
		      const struct bag *terms, struct error *err)
{
	uint16_t sig[ANALYZE_LEAD_SLOTS];

	analyze_lead_signature(a->text, sig);
	return model_builder_add_signed(b, a, terms, sig, err);
}

int model_builder_add_signed(struct model_builder *b, const struct article *a,
			     const struct bag *terms, const uint16_t *sig, struct error *err)
{
	uint32_t nums[NUMBERS_SLOTS];

	numbers_signature(a->title, a->text, nums);
	return model_builder_add_numbered(b, a, terms, sig, nums, err);
}

int model_builder_add_numbered(struct model_builder *b, const struct article *a,
			       const struct bag *terms, const uint16_t *sig,
			       const uint32_t *nums, struct error *err)
{
	char *excerpt = article_excerpt(a->text, MODEL_EXCERPT_MAX);
	const char *vals[MODEL_FIELDS] = { a->id, a->url, a->title, a->published,
					   a->lang, a->section, a->image, excerpt };
	int rc = builder_add(b, a, vals, terms, sig, nums, err);

	free(excerpt);
	return rc;
}


static int cmp_term_order(const void *x, const void *y, void *ctx)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	const struct model_builder *mb = ctx;

	if (mb->df[a] != mb->df[b])
		return mb->df[a] > mb->df[b] ? -1 : 1;
	return strcmp(strmap_key(&mb->vocab, a), strmap_key(&mb->vocab, b));
}

/* Sorts a story's n entries by term: insertion for short rows, else LSD
 * radix by bytes of the term (keys below `limit`), through tmp. Terms are
 * distinct within a row, so the order is the same as any sort's. */
static void sort_entries(struct entry *e, struct entry *tmp, size_t n, uint32_t limit)
{
	struct entry *from = e, *to = tmp;
	size_t count[256];

	if (n <= 32) {
		for (size_t i = 1; i < n; i++) {
			struct entry x = e[i];
			size_t j = i;
			for (; j && e[j - 1].term > x.term; j--)
				e[j] = e[j - 1];
			e[j] = x;
		}
		return;
	}
	for (unsigned shift = 0; shift < 32 && (shift == 0 || limit >> shift); shift += 8) {
		struct entry *t;
		size_t sum = 0;
		memset(count, 0, sizeof count);
		for (size_t i = 0; i < n; i++)
			count[(from[i].term >> shift) & 255]++;
		for (size_t k = 0; k < 256; k++) {
			size_t c = count[k];
			count[k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[(from[i].term >> shift) & 255]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	if (from != e)
		memcpy(e, from, n * sizeof *e);
}

/* What the threads of finish() share: row d's weights go to col/val from
 * row[d]; each worker sorts in its own scratch (2 * longest entries). */
/* Sublinear term frequencies 1 + log(count) of the whole counts below
 * TF_WHOLE, worked out once: most counts are small whole numbers. */
#define TF_WHOLE 64

struct finish_job {
	const struct model_builder *b;
	const struct model_params *p;
	const uint32_t *newid;
	const double *idf; /* [n_terms] log((1 + stories) / (1 + df)) + 1 */
	double tf_whole[TF_WHOLE];
	const uint64_t *row;
	uint16_t *term_lo;
	uint32_t *block_end;
	float *val;
	uint32_t n_terms, n_blocks;
	double avglen;
	size_t begin, longest;
	struct entry *scratch[PARALLEL_MAX_JOBS];
	atomic_int failed;
};

/* The entry count of blocks 0 .. k of the n entries e (sorted by term)
 * into end[k], for each of the nb blocks. */
static void row_block_ends(const struct entry *e, size_t n, uint32_t nb, uint32_t *end)
{
	size_t i = 0;

	for (uint32_t k = 0; k < nb; k++) {
		while (i < n && e[i].term >> MODEL_BLOCK_BITS == k)
			i++;
		end[k] = (uint32_t)i;
	}
}

/* The weights of story d, normalised, sorted by term. */
static void finish_row(struct finish_job *j, size_t d, struct entry *scratch,
		       struct entry *tmp)
{
	const struct model_params *p = j->p;
	size_t n = 0, have = j->b->row[d + 1] - j->b->row[d];
	double norm = 0, len = 0, k = p->bm25_k1;

	for (size_t i = 0; i < have; i++) {
		scratch[i] = entry_at(j->b, j->b->row[d] + i);
		len += scratch[i].count;
	}
	k *= 1.0 - p->bm25_b + p->bm25_b * (j->avglen > 0 ? len / j->avglen : 1.0);
	for (size_t i = 0; i < have; i++) {
		struct entry en = scratch[i]; /* n <= i: written below after it is read */
		uint32_t t = j->newid[en.term];
		double tf, idf;
		if (t == UINT32_MAX)
			continue;
		if (p->tf_mode == MODEL_TF_BM25)
			tf = en.count * (p->bm25_k1 + 1.0) / (en.count + k);
		else if (en.count >= 1.0f && en.count < TF_WHOLE &&
			 en.count == (float)(int)en.count)
			tf = j->tf_whole[(int)en.count];
		else
			tf = en.count >= 1.0f ? 1.0 + log(en.count) : en.count;
		idf = j->idf[t];
		scratch[n].term = t;
		scratch[n].count = (float)(tf * idf);
		norm += (tf * idf) * (tf * idf);
		n++;
	}
	sort_entries(scratch, tmp, n, j->n_terms);
	norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
	for (size_t i = 0, w = j->row[d]; i < n; i++, w++) {
		j->term_lo[w] = (uint16_t)scratch[i].term;
		j->val[w] = (float)(scratch[i].count * norm);
	}
	row_block_ends(scratch, n, j->n_blocks, j->block_end + d * j->n_blocks);
}

enum { FINISH_CHUNK = 64 };

/* Row begin + i. */
static void finish_one(void *arg, int worker, size_t i)
{
	struct finish_job *j = arg;
	size_t cap = j->longest ? j->longest : 1;
	struct entry *scratch = j->scratch[worker];

	if (!scratch && !(scratch = j->scratch[worker] = malloc(2 * cap * sizeof *scratch))) {
		atomic_store(&j->failed, 1);
		return;
	}
	finish_row(j, j->begin + i, scratch, scratch + cap);
}

/* Rows in blocks of about one entry chunk each, every block on `jobs`
 * threads; a block's entry chunks are freed once its rows are written. */
static int finish_rows(struct model_builder *b, struct finish_job *j, int jobs)
{
	int rc = 0;

	for (size_t begin = 0; begin < b->n_docs && !rc;) {
		size_t end = begin + 1;
		while (end < b->n_docs && b->row[end + 1] - b->row[begin] <= ENTRY_CHUNK)
			end++;
		j->begin = begin;
		parallel_for(jobs, end - begin, FINISH_CHUNK, finish_one, j);
		if (atomic_load(&j->failed) || pipeline_stop)
			rc = -1;
		free_chunks_before(b, b->row[end]);
		begin = end;
	}
	for (int w = 0; w < PARALLEL_MAX_JOBS; w++)
		free(j->scratch[w]);
	return rc;
}

/* The pairs [e, end) whose term is kept (newid[term] != UINT32_MAX), their
 * counts added to *sum in order: walked chunk by chunk. */
static uint64_t count_kept(const struct model_builder *b, uint64_t e, uint64_t end,
			   const uint32_t *newid, double *sum)
{
	uint64_t kept = 0;

	while (e < end) {
		unsigned char *chunk = b->chunks[e / ENTRY_CHUNK];
		const uint32_t *term = chunk_terms(chunk);
		const uint16_t *code = chunk_codes(chunk);
		size_t i = e % ENTRY_CHUNK;
		size_t stop = end - e < ENTRY_CHUNK - i ? i + (end - e) : ENTRY_CHUNK;
		for (; i < stop; i++, e++) {
			kept += newid[term[i]] != UINT32_MAX;
			*sum += code[i] == COUNT_ESCAPE ? spilled_count(&b->spill, e)
							: b->codes->value[code[i]];
		}
	}
	return kept;
}

int model_builder_finish(struct model_builder *b, const struct model_params *p,
			 struct model *out, struct error *err)
{
	size_t nv = b->vocab.n, kept = 0;
	uint32_t *order = NULL, *newid = NULL, *df = NULL, *block_end = NULL;
	double *idf = NULL;
	uint16_t *term_lo = NULL;
	uint64_t *term_name = NULL, *row = NULL, longest = 0;
	float *val = NULL;
	double max_docs = (double)p->max_df * (double)b->n_docs, avglen = 0;
	uint64_t nnz = 0;
	struct finish_job job = { 0 };
	const char *why = "out of memory while building the model";

	memset(out, 0, sizeof *out);
	order = malloc((nv ? nv : 1) * sizeof *order);
	newid = malloc((nv ? nv : 1) * sizeof *newid);
	if (!order || !newid)
		goto oom;
	for (size_t t = 0; t < nv; t++) {
		newid[t] = UINT32_MAX;
		if (b->df[t] >= p->min_df && (p->max_df >= 1.0f || b->df[t] <= max_docs))
			order[kept++] = (uint32_t)t;
	}
	qsort_r(order, kept, sizeof *order, cmp_term_order, b);
	df = malloc((kept ? kept : 1) * sizeof *df);
	idf = malloc((kept ? kept : 1) * sizeof *idf);
	term_name = malloc((kept ? kept : 1) * sizeof *term_name);
	if (!df || !idf || !term_name)
		goto oom;
	for (size_t i = 0; i < kept; i++) {
		const char *name = strmap_key(&b->vocab, order[i]);
		newid[order[i]] = (uint32_t)i;
		df[i] = b->df[order[i]];
		/* once per term, not once per entry: the same expression */
		idf[i] = log((1.0 + b->n_docs) / (1.0 + df[i])) + 1.0;
		term_name[i] = add_string(&b->strings, name);
		if (term_name[i] == UINT64_MAX)
			goto oom;
	}
	row = malloc((b->n_docs + 1) * sizeof *row);
	if (!row)
		goto oom;
	row[0] = 0;
	for (size_t d = 0; d < b->n_docs; d++) {
		if (b->row[d + 1] - b->row[d] > longest)
			longest = b->row[d + 1] - b->row[d];
		nnz += count_kept(b, b->row[d], b->row[d + 1], newid, &avglen);
		row[d + 1] = nnz;
	}
	term_lo = malloc((nnz ? nnz : 1) * sizeof *term_lo);
	block_end = malloc((b->n_docs * model_blocks((uint32_t)kept) + 1) * sizeof *block_end);
	val = malloc((nnz ? nnz : 1) * sizeof *val);
	if (!term_lo || !block_end || !val)
		goto oom;
	avglen = b->n_docs ? avglen / (double)b->n_docs : 1.0;
	job = (struct finish_job){ .b = b, .p = p, .newid = newid, .idf = idf, .row = row,
				   .term_lo = term_lo, .block_end = block_end, .val = val,
				   .n_terms = (uint32_t)kept,
				   .n_blocks = model_blocks((uint32_t)kept),
				   .avglen = avglen, .longest = longest };
	for (int c = 1; c < TF_WHOLE; c++)
		job.tf_whole[c] = 1.0 + log((float)c);
	if (finish_rows(b, &job, b->jobs)) {
		if (pipeline_stop)
			why = "interrupted";
		goto oom;
	}
	free(idf);
	idf = NULL;
	{
		struct model_parts parts = {
			.params = *p, .n_docs = (uint32_t)b->n_docs,
			.n_terms = (uint32_t)kept, .nnz = nnz,
			.strings_len = b->strings.len,
			.term_name = term_name, .df = df, .doc_field = b->fields,
			.row = row, .term_lo = term_lo, .block_end = block_end, .val = val,
			.lead_sig = b->lead_sig,
			.numbers = b->numbers
		};
		int rc;
		/* after the initialiser, which may be evaluated in any order */
		parts.strings = buf_detach(&b->strings, NULL);
		parts.params.bm25_avglen = (float)avglen;
		b->fields = NULL;
		b->lead_sig = NULL;
		b->numbers = NULL;
		free(order);
		free(newid);
		model_builder_free(b);
		if (!parts.strings) {
			model_parts_release(&parts);
			return error_set(err, NULL, "%s", why);
		}
		rc = model_from_parts(&parts, out, err);
		return rc;
	}
oom:
	free(df);
	free(idf);
	free(term_name);
	free(row);
	free(term_lo);
	free(block_end);
	free(val);
	free(order);
	free(newid);
	model_builder_free(b);
	return error_set(err, NULL, "%s", why);
}

/* ---- assembling, storage and lookup ---- */

void model_parts_release(struct model_parts *p)
{
	free(p->strings);
	free(p->term_name);
	free(p->df);
	free(p->doc_field);
	free(p->row);
	free(p->col);
	free(p->term_lo);
	free(p->block_end);
	free(p->val);
	free(p->latent);
	free(p->term_basis);
	free(p->lead_sig);
	free(p->numbers);
	memset(p, 0, sizeof *p);
}

static int cmp_by_id(const void *x, const void *y, void *ctx)
{
	const struct model *m = ctx;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	int c = strcmp(model_doc(m, a, MODEL_ID), model_doc(m, b, MODEL_ID));

	return c ? c : (a > b) - (a < b);
}

/* Sets m->storage->by_id: NULL when the ids strictly ascend (every model
 * the pipeline makes: the input stage sorts stories by id), else the
 * stories sorted by id, then index. Every story has an id. */
static int index_ids(struct model *m)
{
	uint32_t *by_id;
	uint32_t d = 1;

	while (d < m->n_docs &&
	       strcmp(model_doc(m, d - 1, MODEL_ID), model_doc(m, d, MODEL_ID)) < 0)
		d++;
	if (d >= m->n_docs)
		return 0;
	by_id = malloc((size_t)m->n_docs * sizeof *by_id);
	if (!by_id)
		return -1;
	for (d = 0; d < m->n_docs; d++)
		by_id[d] = d;
	qsort_r(by_id, m->n_docs, sizeof *by_id, cmp_by_id, m);
	m->storage->by_id = by_id;
	return 0;
}

/* strcmp() of the id s with the `len` bytes at id. */
static int cmp_id(const char *s, const char *id, size_t len)
{
	int c = strncmp(s, id, len);

	return c ? c : s[len] != '\0';
}

int64_t model_find_len(const struct model *m, const char *id, size_t len)
{
	const uint32_t *by_id = m->storage ? m->storage->by_id : NULL;
	size_t lo = 0, hi = m->n_docs;

	/* the first story whose id is not below `id` */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t d = by_id ? by_id[mid] : (uint32_t)mid;
		if (cmp_id(model_doc(m, d, MODEL_ID), id, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n_docs) {
		uint32_t d = by_id ? by_id[lo] : (uint32_t)lo;
		if (!cmp_id(model_doc(m, d, MODEL_ID), id, len))
			return d;
	}
	return -1;
}

int64_t model_find(const struct model *m, const char *id)
{
	return model_find_len(m, id, strlen(id));
}

/* Turns parts->col into parts->term_lo and parts->block_end (freeing col);
 * -1 when memory runs out. */
static int split_terms(struct model_parts *parts)
{
	uint32_t nb = model_blocks(parts->n_terms);

	parts->term_lo = malloc((parts->nnz ? parts->nnz : 1) * sizeof *parts->term_lo);
	parts->block_end = malloc(((size_t)parts->n_docs * nb + 1) * sizeof *parts->block_end);
	if (!parts->term_lo || !parts->block_end)
		return -1;
	for (uint32_t d = 0; d < parts->n_docs; d++) {
		uint64_t b = parts->row[d], i = b, e = parts->row[d + 1];
		for (uint32_t k = 0; k < nb; k++) {
			for (; i < e && parts->col[i] >> MODEL_BLOCK_BITS == k; i++)
				parts->term_lo[i] = (uint16_t)parts->col[i];
			parts->block_end[(size_t)d * nb + k] = (uint32_t)(i - b);
		}
	}
	free(parts->col);
	parts->col = NULL;
	return 0;
}

int model_from_parts(struct model_parts *parts, struct model *out, struct error *err)
{
	struct model_storage *st = calloc(1, sizeof *st);

	memset(out, 0, sizeof *out);
	if (st && parts->col && split_terms(parts)) {
		free(st);
		st = NULL;
	}
	if (!st) {
		model_parts_release(parts);
		return error_set(err, NULL, "out of memory");
	}
	out->params = parts->params;
	out->n_docs = parts->n_docs;
	out->n_terms = parts->n_terms;
	out->nnz = parts->nnz;
	out->strings = st->owned[OWN_STRINGS] = parts->strings;
	out->strings_len = parts->strings_len;
	out->term_name = st->owned[OWN_TERM_NAME] = parts->term_name;
	out->df = st->owned[OWN_DF] = parts->df;
	out->doc_field = st->owned[OWN_DOC_FIELD] = parts->doc_field;
	out->row = st->owned[OWN_ROW] = parts->row;
	out->n_blocks = model_blocks(parts->n_terms);
	out->term_lo = st->owned[OWN_TERM_LO] = parts->term_lo;
	out->block_end = st->owned[OWN_BLOCK_END] = parts->block_end;
	out->val = st->owned[OWN_VAL] = parts->val;
	out->latent = st->owned[OWN_LATENT] = parts->latent;
	out->latent_dim = parts->latent ? parts->latent_dim : 0;
	out->term_basis = st->owned[OWN_TERM_BASIS] = parts->term_basis;
	out->lead_sig = st->owned[OWN_LEAD_SIG] = parts->lead_sig;
	out->numbers = st->owned[OWN_NUMBERS] = parts->numbers;
	out->storage = st;
	memset(parts, 0, sizeof *parts);
	if (index_ids(out)) {
		model_free(out);
		return error_set(err, NULL, "out of memory");
	}
	return 0;
}

void model_set_latent(struct model *m, float *vecs, uint32_t dim)
{
	free(m->storage->owned[OWN_LATENT]);
	m->storage->owned[OWN_LATENT] = vecs;
	m->latent = vecs;
	m->latent_dim = vecs ? dim : 0;
}

void model_set_lead_sig(struct model *m, uint16_t *sig)
{
	free(m->storage->owned[OWN_LEAD_SIG]);
	m->storage->owned[OWN_LEAD_SIG] = sig;
	m->lead_sig = sig;
}

size_t model_side_arrays(const struct model *m, void **at, size_t *len)
{
	const struct model_storage *st = m->storage;
	size_t n = 0;

	if (!st || st->map)
		return 0;
	at[n] = st->owned[OWN_STRINGS];
	len[n++] = m->strings_len;
	at[n] = st->owned[OWN_DOC_FIELD];
	len[n++] = (size_t)m->n_docs * MODEL_FIELDS * sizeof *m->doc_field;
	at[n] = st->owned[OWN_LEAD_SIG];
	len[n++] = m->lead_sig ? (size_t)m->n_docs * ANALYZE_LEAD_SLOTS * sizeof *m->lead_sig : 0;
	at[n] = st->owned[OWN_NUMBERS];
	len[n++] = m->numbers ? (size_t)m->n_docs * NUMBERS_SLOTS * sizeof *m->numbers : 0;
	return n;
}

int model_latent_array(const struct model *m, void **at, size_t *len)
{
	const struct model_storage *st = m->storage;

	if (!st || st->map || !st->owned[OWN_LATENT])
		return 0;
	*at = st->owned[OWN_LATENT];
	*len = (size_t)m->n_docs * m->latent_dim * sizeof *m->latent;
	return 1;
}

void model_set_term_basis(struct model *m, float *basis)
{
	free(m->storage->owned[OWN_TERM_BASIS]);
	m->storage->owned[OWN_TERM_BASIS] = basis;
	m->term_basis = basis;
}

/* Fills start[0 .. n_terms] (zeroed by the caller) with where each term's
 * postings begin; returns the length of the longest list. */
static uint64_t posting_starts(const struct model *m, uint64_t *start)
{
	uint64_t longest = 0;

	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint32_t k = 0; k < m->n_blocks; k++) {
			uint64_t *s = start + 1 + ((size_t)k << MODEL_BLOCK_BITS);
			for (uint64_t i = model_run_begin(m, d, k); i < model_run_end(m, d, k); i++)
				s[m->term_lo[i]]++;
		}
	for (uint32_t t = 0; t < m->n_terms; t++) {
		if (start[t + 1] > longest)
			longest = start[t + 1];
		start[t + 1] += start[t];
	}
	return longest;
}

/* The postings of m's rows, in three malloc'd arrays. */
static int postings_of(const struct model *m, uint64_t **start, uint32_t **doc,
		       float **weight)
{
	uint64_t *fill;

	*start = calloc((size_t)m->n_terms + 1, sizeof **start);
	*doc = malloc((m->nnz ? m->nnz : 1) * sizeof **doc);
	*weight = malloc((m->nnz ? m->nnz : 1) * sizeof **weight);
	fill = malloc(((size_t)m->n_terms + 1) * sizeof *fill);
	if (!*start || !*doc || !*weight || !fill) {
		free(*start);
		free(*doc);
		free(*weight);
		free(fill);
		return -1;
	}
	posting_starts(m, *start);
	memcpy(fill, *start, ((size_t)m->n_terms + 1) * sizeof *fill);
	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint32_t b = 0; b < m->n_blocks; b++) {
			uint64_t *f = fill + ((size_t)b << MODEL_BLOCK_BITS);
			for (uint64_t i = model_run_begin(m, d, b); i < model_run_end(m, d, b); i++) {
				uint64_t k = f[m->term_lo[i]]++;
				(*doc)[k] = d;
				(*weight)[k] = m->val[i];
			}
		}
	free(fill);
	return 0;
}

uint64_t model_longest_row(const struct model *m)
{
	uint64_t longest = 0;

	for (uint32_t d = 0; d < m->n_docs; d++)
		if (m->row[d + 1] - m->row[d] > longest)
			longest = m->row[d + 1] - m->row[d];
	return longest;
}

void model_largest_weights(const struct model *m, float *most)
{
	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint32_t k = 0; k < m->n_blocks; k++) {
			float *mk = most + ((size_t)k << MODEL_BLOCK_BITS);
			uint64_t e = model_run_end(m, d, k);
			for (uint64_t i = model_run_begin(m, d, k); i < e; i++)
				if (m->val[i] > mk[m->term_lo[i]])
					mk[m->term_lo[i]] = m->val[i];
		}
}

int model_build_postings(struct model *m)
{
	uint64_t *start;
	uint32_t *doc;
	float *weight;

	if (m->post_start)
		return 0;
	if (postings_of(m, &start, &doc, &weight))
		return -1;
	m->post_start = m->storage->owned[OWN_POST_START] = start;
	m->post_doc = m->storage->owned[OWN_POST_DOC] = doc;
	m->post_weight = m->storage->owned[OWN_POST_WEIGHT] = weight;
	return 0;
}

void model_free(struct model *m)
{
	struct model_storage *st = m->storage;

	if (st) {
		if (st->map)
			munmap(st->map, st->map_len);
		for (size_t i = 0; i < OWN_MAX; i++)
			free(st->owned[i]);
		free(st->by_id);
		free(st);
	}
	memset(m, 0, sizeof *m);
}

/* ---- the file ---- */

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The file is written through a 1 MiB buffer that keeps the running
 * checksum, straight to the temporary file: assembling it in memory first
 * cost as much again as the model (7 GB more at 1M stories). */
#define WRITE_BUFFER ((size_t)1 << 20)

struct file_writer {
	struct fs_atomic f;
	unsigned char *buf;
	size_t n;
	uint32_t crc;
};

static int writer_flush(struct file_writer *w, struct error *err)
{
	w->crc = (uint32_t)crc32(w->crc, w->buf, (uInt)w->n);
	if (fs_atomic_write(&w->f, w->buf, w->n, err))
		return -1;
	w->n = 0;
	return 0;
}

static int writer_add(struct file_writer *w, const void *data, uint64_t len,
		      struct error *err)
{
	const unsigned char *p = data;

	while (len) {
		size_t k = WRITE_BUFFER - w->n < len ? WRITE_BUFFER - w->n : (size_t)len;
		memcpy(w->buf + w->n, p, k);
		w->n += k;
		p += k;
		len -= k;
		if (w->n == WRITE_BUFFER && writer_flush(w, err))
			return -1;
	}
	return 0;
}

/* A model without postings gets them written a range of terms at a time,
 * gathered into a buffer of at most `chunk` entries (or the longest list)
 * by one pass over the rows; each row is read on from where the previous
 * range stopped, since its terms ascend, so every pass together reads each
 * entry once. Building them whole before writing held as much again as the
 * rows (3.4 GB at 1M stories). */
struct post_writer {
	uint64_t *start;  /* [n_terms + 1]: post_start */
	uint64_t *cursor; /* [n_docs]: each row's first entry not yet written */
	uint64_t *fill;   /* [n_terms]: next slot in the buffer of each term */
	uint32_t *buf;    /* story numbers or weights (4 bytes either way) */
	uint64_t cap;
};

static void post_writer_free(struct post_writer *pw)
{
	free(pw->start);
	free(pw->cursor);
	free(pw->fill);
	free(pw->buf);
}

static int post_writer_init(struct post_writer *pw, const struct model *m, uint64_t chunk)
{
	uint64_t longest;

	memset(pw, 0, sizeof *pw);
	pw->start = calloc((size_t)m->n_terms + 1, sizeof *pw->start);
	pw->cursor = malloc(((size_t)m->n_docs + 1) * sizeof *pw->cursor);
	pw->fill = malloc(((size_t)m->n_terms + 1) * sizeof *pw->fill);
	if (!pw->start || !pw->cursor || !pw->fill)
		return -1;
	longest = posting_starts(m, pw->start);
	pw->cap = chunk > longest ? chunk : longest;
	if (pw->cap > m->nnz)
		pw->cap = m->nnz;
	pw->buf = malloc((pw->cap ? pw->cap : 1) * sizeof *pw->buf);
	return pw->buf ? 0 : -1;
}

/* Writes post_doc (weights 0) or post_weight (weights 1). */
static int post_writer_section(struct post_writer *pw, const struct model *m, int weights,
			       struct file_writer *w, struct error *err)
{
	uint32_t t0 = 0;

	memcpy(pw->cursor, m->row, (size_t)m->n_docs * sizeof *pw->cursor);
	while (t0 < m->n_terms) {
		uint32_t t1 = t0 + 1;
		uint64_t base = pw->start[t0];
		while (t1 < m->n_terms && pw->start[t1 + 1] - base <= pw->cap)
			t1++;
		for (uint32_t t = t0; t < t1; t++)
			pw->fill[t] = pw->start[t] - base;
		for (uint32_t d = 0; d < m->n_docs; d++) {
			uint64_t i = pw->cursor[d], end = m->row[d + 1];
			for (; i < end; i++) {
				uint32_t t = model_term_at(m, d, i);
				uint64_t k;
				if (t >= t1)
					break;
				k = pw->fill[t]++;
				if (weights)
					memcpy(&pw->buf[k], &m->val[i], sizeof pw->buf[k]);
				else
					pw->buf[k] = d;
			}
			pw->cursor[d] = i;
		}
		if (writer_add(w, pw->buf, (pw->start[t1] - base) * sizeof *pw->buf, err))
			return -1;
		t0 = t1;
	}
	return 0;
}

int model_save(const struct model *m, const char *path, struct error *err)
{
	return model_save_chunked(m, path, MODEL_POSTINGS_CHUNK, err);
}

int model_save_chunked(const struct model *m, const char *path, uint64_t chunk,
		       struct error *err)
{
	struct file_header h;
	struct file_section sec[SEC_MAX];
	struct post_writer pw = { 0 };
	int stream = !m->post_start;
	const void *data[SEC_MAX] = { m->strings, m->term_name, m->df, m->doc_field,
				      m->row, m->term_lo, m->val, m->latent,
				      m->post_start, m->post_doc, m->post_weight,
				      m->term_basis, m->lead_sig, m->numbers, m->block_end };
	uint64_t sizes[SEC_MAX] = {
		m->strings_len, (uint64_t)m->n_terms * 8, (uint64_t)m->n_terms * 4,
		(uint64_t)m->n_docs * MODEL_FIELDS * 8, ((uint64_t)m->n_docs + 1) * 8,
		m->nnz * 2, m->nnz * 4, (uint64_t)m->n_docs * m->latent_dim * 4,
		((uint64_t)m->n_terms + 1) * 8, m->nnz * 4, m->nnz * 4,
		m->term_basis ? (uint64_t)m->n_terms * m->latent_dim * 4 : 0,
		m->lead_sig ? (uint64_t)m->n_docs * ANALYZE_LEAD_SLOTS * 2 : 0,
		m->numbers ? (uint64_t)m->n_docs * NUMBERS_SLOTS * 4 : 0,
		(uint64_t)m->n_docs * model_blocks(m->n_terms) * 4
	};
	struct file_writer w = { .crc = 0 };
	static const char zeros[8];
	uint64_t off = sizeof h + sizeof sec;
	int rc = -1;

	if (stream) {
		if (post_writer_init(&pw, m, chunk)) {
			post_writer_free(&pw);
			return error_set(err, path, "out of memory");
		}
		data[SEC_POST_START - 1] = pw.start;
	}
	memset(&h, 0, sizeof h);
	memcpy(h.magic, MODEL_MAGIC, sizeof MODEL_MAGIC);
	h.version = MODEL_VERSION;
	h.n_sections = SEC_MAX;
	h.n_docs = m->n_docs;
	h.n_terms = m->n_terms;
	h.nnz = m->nnz;
	params_to_header(&m->params, &h);
	h.latent_dim = m->latent_dim;
	for (int i = 0; i < SEC_MAX; i++) {
		sec[i].id = (uint32_t)i + 1;
		sec[i].reserved = 0;
		sec[i].offset = off;
		sec[i].size = sizes[i];
		off = align8(off + sizes[i]);
	}
	h.file_size = off + 8;
	w.buf = malloc(WRITE_BUFFER);
	if (!w.buf) {
		error_set(err, path, "out of memory");
		goto done;
	}
	if (fs_atomic_open(&w.f, path, err))
		goto done;
	if (writer_add(&w, &h, sizeof h, err) || writer_add(&w, sec, sizeof sec, err))
		goto done;
	off = sizeof h + sizeof sec;
	for (int i = 0; i < SEC_MAX; i++) {
		int id = i + 1;
		if (stream && (id == SEC_POST_DOC || id == SEC_POST_WEIGHT)) {
			if (post_writer_section(&pw, m, id == SEC_POST_WEIGHT, &w, err))
				goto done;
		} else if (writer_add(&w, data[i], sizes[i], err)) {
			goto done;
		}
		if (writer_add(&w, zeros, align8(off + sizes[i]) - (off + sizes[i]), err))
			goto done;
		off = align8(off + sizes[i]);
	}
	if (writer_flush(&w, err))
		goto done;
	memcpy(w.buf, &w.crc, 4);
	memcpy(w.buf + 4, MODEL_TRAILER, 4);
	if (fs_atomic_write(&w.f, w.buf, 8, err) || fs_atomic_commit(&w.f, err))
		goto done;
	rc = 0;
done:
	if (rc && w.f.tmp) /* not yet aborted by a failed write */
		fs_atomic_abort(&w.f);
	free(w.buf);
	post_writer_free(&pw);
	return rc;
}

/* Checks what model_map() promises: the O(stories + terms) arrays. */
static const char *validate_offsets(const struct model *m)
{
	if (m->strings_len == 0 || m->strings[m->strings_len - 1] != '\0' ||
	    m->strings[0] != '\0')
		return "string table is not terminated";
	for (uint32_t t = 0; t < m->n_terms; t++)
		if (m->term_name[t] == 0 || m->term_name[t] >= m->strings_len)
			return "term name offset out of range";
	for (uint64_t i = 0; i < (uint64_t)m->n_docs * MODEL_FIELDS; i++)
		if (m->doc_field[i] >= m->strings_len)
			return "story field offset out of range";
	for (uint32_t d = 0; d < m->n_docs; d++)
		if (!m->doc_field[(uint64_t)d * MODEL_FIELDS + MODEL_ID])
			return "story without id";
	if (m->row[0] != 0 || m->row[m->n_docs] != m->nnz)
		return "row offsets do not span the vectors";
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const uint32_t *end = m->block_end + (size_t)d * m->n_blocks;
		if (m->row[d] > m->row[d + 1])
			return "row offsets decrease";
		for (uint32_t k = 1; k < m->n_blocks; k++)
			if (end[k] < end[k - 1])
				return "block ends decrease";
		if (end[m->n_blocks - 1] != m->row[d + 1] - m->row[d])
			return "block ends do not span the row";
	}
	if (m->post_start) {
		if (m->post_start[0] != 0 || m->post_start[m->n_terms] != m->nnz)
			return "posting offsets do not span the postings";
		for (uint32_t t = 0; t < m->n_terms; t++)
			if (m->post_start[t] > m->post_start[t + 1])
				return "posting offsets decrease";
	}
	return NULL;
}

/* Checks every entry of the vectors (model_load(), after
 * validate_offsets()); returns a reason or NULL. */
static const char *validate_vectors(const struct model *m)
{
	for (uint32_t d = 0; d < m->n_docs; d++) {
		for (uint32_t k = 0; k < m->n_blocks; k++) {
			uint64_t b = model_run_begin(m, d, k), e = model_run_end(m, d, k);
			for (uint64_t i = b; i < e; i++) {
				if (((uint64_t)k << MODEL_BLOCK_BITS | m->term_lo[i]) >= m->n_terms)
					return "term id out of range";
				if (i > b && m->term_lo[i] <= m->term_lo[i - 1])
					return "term ids not ascending in a row";
			}
		}
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++)
			if (!isfinite(m->val[i]) || m->val[i] < 0 || m->val[i] > 1.0001f)
				return "weight out of range";
	}
	for (uint64_t i = 0; i < (uint64_t)m->n_docs * m->latent_dim; i++)
		if (!isfinite(m->latent[i]) || fabsf(m->latent[i]) > 1.0001f)
			return "latent vector out of range";
	return NULL;
}

/* Checks the postings entry by entry (model_load()). */
static const char *validate_postings(const struct model *m)
{
	if (!m->post_start)
		return NULL;
	for (uint32_t t = 0; t < m->n_terms; t++)
		for (uint64_t k = m->post_start[t]; k < m->post_start[t + 1]; k++) {
			if (m->post_doc[k] >= m->n_docs)
				return "posting story out of range";
			if (k > m->post_start[t] && m->post_doc[k] <= m->post_doc[k - 1])
				return "posting stories not ascending";
			if (!isfinite(m->post_weight[k]) || m->post_weight[k] < 0 ||
			    m->post_weight[k] > 1.0001f)
				return "posting weight out of range";
		}
	if (m->term_basis)
		for (uint64_t i = 0; i < (uint64_t)m->n_terms * m->latent_dim; i++)
			if (!isfinite(m->term_basis[i]))
				return "term basis not finite";
	return NULL;
}

static int load(const char *path, struct model *m, int full, struct error *err)
{
	struct file_header h;
	const struct file_section *sec;
	const void *ptr[SEC_MAX];
	const unsigned char *base;
	struct stat st;
	const char *why;
	uint64_t expect[SEC_MAX];
	uint32_t crc;
	int fd;

	memset(m, 0, sizeof *m);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, path, "cannot open model: %s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_set(err, path, "model is not a regular file");
	}
	if ((uint64_t)st.st_size < sizeof h + SEC_COUNT * sizeof *sec + 8) {
		close(fd);
		return error_set(err, path, "not a related model (file too short)");
	}
	m->storage = calloc(1, sizeof *m->storage);
	if (!m->storage) {
		close(fd);
		return error_set(err, path, "out of memory");
	}
	m->storage->map_len = (size_t)st.st_size;
	m->storage->map = mmap(NULL, m->storage->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m->storage->map == MAP_FAILED) {
		m->storage->map = NULL;
		model_free(m);
		return error_set(err, path, "cannot map model: %s", strerror(errno));
	}
	base = m->storage->map;
	memcpy(&h, base, sizeof h);
	if (memcmp(h.magic, MODEL_MAGIC, sizeof MODEL_MAGIC)) {
		model_free(m);
		return error_set(err, path, "not a related model (bad magic)");
	}
	if (h.version >= 1 && h.version < MODEL_VERSION) {
		uint32_t v = h.version;
		model_free(m);
		return error_set(err, path,
				 "model format version %u is older than this build's %u (term ids "
				 "now in 16-bit blocks): rebuild the model with `related run "
				 "... -m`", v, MODEL_VERSION);
	}
	if (h.version != MODEL_VERSION) {
		uint32_t v = h.version;
		model_free(m);
		return error_set(err, path, "model version %u, this build reads %u",
				 v, MODEL_VERSION);
	}
	if (h.file_size != (uint64_t)st.st_size || h.n_sections != SEC_MAX ||
	    (uint64_t)st.st_size < sizeof h + (uint64_t)h.n_sections * sizeof *sec + 8 ||
	    memcmp(base + st.st_size - 4, MODEL_TRAILER, 4)) {
		model_free(m);
		return error_set(err, path, "model truncated or resized");
	}
	memcpy(&crc, base + st.st_size - 8, 4);
	if (full) {
		uint32_t c = (uint32_t)crc32(0L, NULL, 0);
		size_t len = (size_t)st.st_size - 8;
		for (size_t done = 0; done < len;) {
			size_t n = len - done > (1u << 30) ? (1u << 30) : len - done;
			c = (uint32_t)crc32(c, base + done, (uInt)n);
			done += n;
		}
		if (c != crc) {
			model_free(m);
			return error_set(err, path, "model checksum mismatch (corrupt file)");
		}
	}
	if (h.n_docs >= UINT32_MAX || h.nnz > (uint64_t)st.st_size / 8 ||
	    h.latent_dim > 100000) {
		model_free(m);
		return error_set(err, path, "model counts out of range");
	}
	expect[0] = UINT64_MAX; /* strings: any size */
	expect[1] = (uint64_t)h.n_terms * 8;
	expect[2] = (uint64_t)h.n_terms * 4;
	expect[3] = (uint64_t)h.n_docs * MODEL_FIELDS * 8;
	expect[4] = ((uint64_t)h.n_docs + 1) * 8;
	expect[5] = h.nnz * 2;
	expect[6] = h.nnz * 4;
	expect[7] = (uint64_t)h.n_docs * h.latent_dim * 4;
	expect[8] = ((uint64_t)h.n_terms + 1) * 8;
	expect[9] = h.nnz * 4;
	expect[10] = h.nnz * 4;
	expect[11] = (uint64_t)h.n_terms * h.latent_dim * 4; /* or 0: no basis */
	expect[12] = (uint64_t)h.n_docs * ANALYZE_LEAD_SLOTS * 2; /* or 0: none */
	expect[13] = (uint64_t)h.n_docs * NUMBERS_SLOTS * 4; /* or 0: none */
	expect[14] = (uint64_t)h.n_docs * model_blocks(h.n_terms) * 4;
	memset(ptr, 0, sizeof ptr);
	sec = (const struct file_section *)(base + sizeof h);
	for (int i = 0; i < (int)h.n_sections; i++) {
		struct file_section s;
		memcpy(&s, &sec[i], sizeof s);
		if (s.id != (uint32_t)i + 1 || s.offset % 8 || s.offset < sizeof h ||
		    s.offset > (uint64_t)st.st_size - 8 ||
		    s.size > (uint64_t)st.st_size - 8 - s.offset ||
		    (expect[i] != UINT64_MAX && s.size != expect[i] &&
		     !((i + 1 == SEC_TERM_BASIS || i + 1 == SEC_LEAD_SIG ||
			i + 1 == SEC_NUMBERS) && s.size == 0))) {
			model_free(m);
			return error_set(err, path, "model section %d out of bounds", i + 1);
		}
		ptr[i] = s.size || i < SEC_COUNT ? base + s.offset : NULL;
		if (i == 0)
			m->strings_len = s.size;
	}
	params_from_header(&h, &m->params);
	m->n_docs = h.n_docs;
	m->n_terms = h.n_terms;
	m->nnz = h.nnz;
	m->strings = ptr[0];
	m->term_name = ptr[1];
	m->df = ptr[2];
	m->doc_field = ptr[3];
	m->row = ptr[4];
	m->n_blocks = model_blocks(h.n_terms);
	m->block_end = ptr[14];
	m->term_lo = ptr[5];
	m->val = ptr[6];
	m->latent_dim = h.latent_dim;
	m->latent = h.latent_dim ? ptr[7] : NULL;
	m->post_start = ptr[8];
	m->post_doc = ptr[9];
	m->post_weight = ptr[10];
	m->term_basis = h.latent_dim ? ptr[11] : NULL;
	m->lead_sig = ptr[12];
	m->numbers = ptr[13];
	why = validate_offsets(m);
	if (!why && full)
		why = validate_vectors(m);
	if (!why && full)
		why = validate_postings(m);
	if (why) {
		model_free(m);
		return error_set(err, path, "invalid model: %s", why);
	}
	if (index_ids(m)) {
		model_free(m);
		return error_set(err, path, "out of memory");
	}
	return 0;
}

int model_load(const char *path, struct model *m, struct error *err)
{
	return load(path, m, 1, err);
}

int model_map(const char *path, struct model *m, struct error *err)
{
	return load(path, m, 0, err);
}
