/*
 * model: the vocabulary, document frequencies and L2-normalised TF-IDF
 * vectors of every story, with the stories' metadata; built in memory or
 * loaded from one binary file.
 *
 * Weights: tf' = 1 + ln(tf) for tf >= 1 (tf itself below 1), or with
 * MODEL_TF_BM25 tf' = tf (k1 + 1) / (tf + k1 (1 - b + b len / avglen)),
 * len = the story's weighted term count; idf = ln((1 + N) / (1 + df)) + 1
 * (smoothed); vector scaled to unit length. Terms seen in
 * fewer than `min_df` stories, or in more than `max_df` of them (a
 * fraction), are left out of the vectors. Term ids are ordered by document
 * frequency, most frequent first (ties by the term's bytes), so that the
 * posting lists that cost most sit together. Stories keep the order in
 * which they were added (the input stage sorts them by id), so an index
 * order is an id order.
 *
 * A model's arrays are read-only once built; several threads may read it.
 *
 * File format (version 5, little-endian): a 128-byte header (magic
 * "RELATED\0", version, section count, counts and parameters), a section
 * table of {id, offset, size}, the sections (8-byte aligned), and a trailer
 * {crc32 of everything before it, "END!"}. model_load() maps the file and
 * checks every count, offset, bound and the checksum before use. Sections
 * 9 to 12 hold the postings and the term basis (query.h), 13 the stories'
 * lead signatures (analyze.h, ANALYZE_LEAD_SLOTS u16 each, for the twin
 * rule of policy.h), 14 their number signatures (numbers.h, NUMBERS_SLOTS
 * u32 each, for the cutoff's number disagreement).
 * Version 5 stores the rows' term ids as 16-bit offsets within blocks of
 * MODEL_BLOCK_TERMS ids (section 6, 2 bytes a nonzero instead of 4) with
 * section 15, each row's entry count per block (struct model's block_end):
 * 6 bytes a nonzero instead of 8 (about 830 MB less at a million synthetic
 * stories). Files before version 5 are refused with a message naming the
 * file and asking for a rebuild (`related run ... -m`).
 */
#ifndef RELATED_MODEL_H
#define RELATED_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "article.h"
#include "log.h"
#include "numbers.h"

enum model_field {
	MODEL_ID,
	MODEL_URL,
	MODEL_TITLE,
	MODEL_PUBLISHED,
	MODEL_LANG,
	MODEL_SECTION,
	MODEL_IMAGE,   /* lead image URL (version 2 on) */
	MODEL_EXCERPT, /* the first paragraph, at most MODEL_EXCERPT_MAX bytes
			  (article_excerpt(); version 2 on) */
	MODEL_FIELDS
};
#define MODEL_EXCERPT_MAX 200

struct model_params {
	uint32_t min_df;    /* default 2 */
	float max_df;       /* fraction of stories, default 1.0 (no limit) */
	float title_weight; /* the analysis options the model was built with */
	float lead_weight;
	uint32_t stem;
	uint32_t stopwords;
	float bigram_weight;
	float name_weight;  /* capitalised name sequences (analyze.h) */
	uint32_t tf_mode;   /* MODEL_TF_LOG (default) or MODEL_TF_BM25 */
	float bm25_k1;      /* BM25 saturation, default 1.2 */
	float bm25_b;       /* BM25 length normalisation, default 0.75 */
	float bm25_avglen;  /* set by the builder: the stories' mean weighted
			       length, for weighting new stories (query.h);
			       0 in files written before it was recorded */
};

enum { MODEL_TF_LOG = 0, MODEL_TF_BM25 = 1 };

/* ---- parameters: model.c holds the one list of their fields ---- */

void model_params_default(struct model_params *p);

/* The build options of `p` (every field but bm25_avglen, which the builder
 * derives) as MODEL_PARAMS_BYTES bytes: min_df, max_df, title_weight,
 * lead_weight, stem, stopwords, bigram_weight, name_weight, tf_mode,
 * bm25_k1, bm25_b, each 4 bytes little-endian (floats by their bits). This
 * is the layout of the parameters in shard parts (part.h), so that a part
 * writer or reader calls these instead of naming each field. */
#define MODEL_PARAMS_BYTES 44
void model_params_encode(const struct model_params *p, unsigned char *out);
/* The reverse of model_params_encode(); bm25_avglen is set to 0. */
void model_params_decode(const unsigned char *in, struct model_params *p);
/* Whether a and b were built with the same options (bm25_avglen aside):
 * the check that parts of one sharded run agree. */
int model_params_equal(const struct model_params *a, const struct model_params *b);
/* The analysis options a model was built with, and the reverse: what `query`
 * analyses a new story with, what a command records after parsing. */
void model_params_get_analysis(const struct model_params *p, struct analyze_options *o);
void model_params_set_analysis(struct model_params *p, const struct analyze_options *o);

struct model {
	struct model_params params;
	uint32_t n_docs, n_terms;
	uint64_t nnz;
	const char *strings;       /* NUL-terminated strings; offset 0 = absent */
	uint64_t strings_len;
	const uint64_t *term_name; /* [n_terms] offsets into strings */
	const uint32_t *df;        /* [n_terms] */
	const uint64_t *doc_field; /* [n_docs * MODEL_FIELDS] offsets */
	const uint64_t *row;       /* [n_docs + 1] into term_lo/val */
	/* The rows' term ids, in blocks of MODEL_BLOCK_TERMS (ids are numbered
	 * by document frequency, so most nonzeros lie in the first block):
	 * row d's entries of block k are [model_run_begin(m, d, k),
	 * model_run_end(m, d, k)), with the term ids (k << MODEL_BLOCK_BITS) |
	 * term_lo[i], ascending. block_end[d * n_blocks + k] is the number of
	 * row d's entries in blocks 0 .. k (so its last is the row's length).
	 * n_blocks is model_blocks(n_terms), at least 1. Read a row's ids with
	 * model_row_terms() or block by block as model_row_terms() does. */
	uint32_t n_blocks;
	const uint32_t *block_end; /* [n_docs * n_blocks] */
	const uint16_t *term_lo;   /* [nnz] term id's low MODEL_BLOCK_BITS bits */
	const float *val;          /* [nnz] weights, each row of unit length */
	uint32_t latent_dim;       /* 0 when the model has no latent vectors */
	const float *latent;       /* [n_docs * latent_dim] unit rows (semantic.h) */
	const float *term_basis;   /* [n_terms * latent_dim] or NULL: folds a new
				      story's TF-IDF row into the latent space
				      (semantic.h, query.h) */
	/* Postings (the transpose of row/col/val): term t's stories are
	 * post_doc[post_start[t] .. post_start[t + 1]), ascending, with their
	 * weights. Always written by model_save(); NULL in a built model. */
	const uint64_t *post_start; /* [n_terms + 1] */
	const uint32_t *post_doc;   /* [nnz] */
	const float *post_weight;   /* [nnz] */
	/* Lead signatures (analyze_lead_signature()): story d's are
	 * lead_sig[d * ANALYZE_LEAD_SLOTS ...]. NULL when the model has none
	 * (twins then by title only). */
	const uint16_t *lead_sig;
	/* Number signatures (numbers_signature() of title and text): story
	 * d's are numbers[d * NUMBERS_SLOTS ...]. NULL when the model has none
	 * (then no pair disagrees on numbers). */
	const uint32_t *numbers;
	/* model.c's own, touched by no other file: the mapping (loaded) or
	 * the arrays it owns (built, assembled), and the id index of
	 * model_find(). NULL in an empty model. */
	struct model_storage *storage;
};

/* ---- the rows' term ids ---- */

#define MODEL_BLOCK_BITS 16
#define MODEL_BLOCK_TERMS ((uint32_t)1 << MODEL_BLOCK_BITS)

/* The number of blocks of a vocabulary of n_terms (at least 1). */
static inline uint32_t model_blocks(uint32_t n_terms)
{
	uint32_t n = (uint32_t)(((uint64_t)n_terms + MODEL_BLOCK_TERMS - 1) >> MODEL_BLOCK_BITS);

	return n ? n : 1;
}

/* Where row d's entries of block k begin and end (into term_lo and val). */
static inline uint64_t model_run_begin(const struct model *m, uint32_t d, uint32_t k)
{
	return m->row[d] + (k ? m->block_end[(size_t)d * m->n_blocks + k - 1] : 0);
}

static inline uint64_t model_run_end(const struct model *m, uint32_t d, uint32_t k)
{
	return m->row[d] + m->block_end[(size_t)d * m->n_blocks + k];
}

/* Row d's term ids, ascending, into ids (room for the row's length,
 * row[d + 1] - row[d]); returns the length. */
static inline size_t model_row_terms(const struct model *m, uint32_t d, uint32_t *ids)
{
	const uint32_t *end = m->block_end + (size_t)d * m->n_blocks;
	const uint16_t *lo = m->term_lo + m->row[d];
	size_t i = 0;

	for (uint32_t k = 0; k < m->n_blocks; k++)
		for (size_t e = end[k], base = (size_t)k << MODEL_BLOCK_BITS; i < e; i++)
			ids[i] = base | lo[i];
	return i;
}

/* The term id of entry i of row d (row[d] <= i < row[d + 1]): for readers
 * that are not in a loop over the row. */
static inline uint32_t model_term_at(const struct model *m, uint32_t d, uint64_t i)
{
	uint32_t k = 0;

	while (model_run_end(m, d, k) <= i)
		k++;
	return k << MODEL_BLOCK_BITS | m->term_lo[i];
}

/* dense[t] = row d's weight of t, for each of its terms t (dense: at
 * least n_terms floats). */
static inline void model_row_scatter(const struct model *m, uint32_t d, float *dense)
{
	const uint32_t *end = m->block_end + (size_t)d * m->n_blocks;
	const uint16_t *lo = m->term_lo + m->row[d];
	const float *val = m->val + m->row[d];
	size_t i = 0;

	for (uint32_t k = 0; k < m->n_blocks; k++) {
		float *dk = dense + ((size_t)k << MODEL_BLOCK_BITS);
		for (size_t e = end[k]; i < e; i++)
			dk[lo[i]] = val[i];
	}
}

/* dense[t] = 0 for each term t of row d: undoes model_row_scatter(). */
static inline void model_row_clear(const struct model *m, uint32_t d, float *dense)
{
	const uint32_t *end = m->block_end + (size_t)d * m->n_blocks;
	const uint16_t *lo = m->term_lo + m->row[d];
	size_t i = 0;

	for (uint32_t k = 0; k < m->n_blocks; k++) {
		float *dk = dense + ((size_t)k << MODEL_BLOCK_BITS);
		for (size_t e = end[k]; i < e; i++)
			dk[lo[i]] = 0.0f;
	}
}

/* The sum of dense[t] times row d's weight of t over its terms, added in
 * ascending term order from +0 (the same float as a walk of full ids:
 * the products are taken four at a time but added one after the other). */
static inline float model_row_dot(const struct model *m, uint32_t d, const float *dense)
{
	const uint32_t *end = m->block_end + (size_t)d * m->n_blocks;
	const uint16_t *restrict lo = m->term_lo + m->row[d];
	const float *restrict val = m->val + m->row[d];
	size_t i = 0;
	float s = 0.0f;

	for (uint32_t k = 0; k < m->n_blocks; k++) {
		const float *restrict dk = dense + ((size_t)k << MODEL_BLOCK_BITS);
		size_t e = end[k];
		for (; i + 4 <= e; i += 4) {
			float p0 = dk[lo[i]] * val[i], p1 = dk[lo[i + 1]] * val[i + 1];
			float p2 = dk[lo[i + 2]] * val[i + 2], p3 = dk[lo[i + 3]] * val[i + 3];
			s += p0;
			s += p1;
			s += p2;
			s += p3;
		}
		for (; i < e; i++)
			s += dk[lo[i]] * val[i];
	}
	return s;
}

/* The length of the longest row (0 in a model without stories). */
uint64_t model_longest_row(const struct model *m);

/* most[t] = the larger of most[t] and every row's weight of term t, for
 * each term t of every row (most: at least n_terms floats; zeros give each
 * term's largest weight). */
void model_largest_weights(const struct model *m, float *most);

/* The field of a story, or NULL when absent. */
const char *model_doc(const struct model *m, uint32_t doc, enum model_field f);
const char *model_term(const struct model *m, uint32_t term);

/* The index of the story with id `id` (the lowest when several have it),
 * or -1: a binary search over the ids, sorted once when the model is
 * built, assembled or loaded (models whose stories are in id order, as
 * every model the pipeline writes, need no index array). model_find_len()
 * takes an id of `len` bytes, not NUL-terminated. */
int64_t model_find(const struct model *m, const char *id);
int64_t model_find_len(const struct model *m, const char *id, size_t len);

/* ---- a model assembled from parts ---- */

/* The arrays of a model made elsewhere (a query's small model, a model with
 * new stories added), in the layout of struct model. Every pointer is NULL
 * or malloc'd (strings too); term_name and df may be NULL when no caller
 * reads term names or frequencies; latent is NULL when latent_dim is 0. */
struct model_parts {
	struct model_params params;
	uint32_t n_docs, n_terms;
	uint64_t nnz;
	char *strings;         /* strings_len bytes, starting with a NUL */
	uint64_t strings_len;
	uint64_t *term_name;   /* [n_terms] */
	uint32_t *df;          /* [n_terms] */
	uint64_t *doc_field;   /* [n_docs * MODEL_FIELDS] */
	uint64_t *row;         /* [n_docs + 1] */
	uint32_t *col;         /* [nnz] term ids, ascending within a row:
				  model_from_parts() turns them into
				  term_lo/block_end and frees them. NULL
				  when term_lo and block_end are given. */
	uint16_t *term_lo;     /* [nnz] or NULL (see col) */
	uint32_t *block_end;   /* [n_docs * model_blocks(n_terms)] or NULL */
	float *val;            /* [nnz] */
	uint32_t latent_dim;
	float *latent;         /* [n_docs * latent_dim] */
	float *term_basis;     /* [n_terms * latent_dim] or NULL */
	uint16_t *lead_sig;    /* [n_docs * ANALYZE_LEAD_SLOTS] or NULL */
	uint32_t *numbers;     /* [n_docs * NUMBERS_SLOTS] or NULL */
};

/* Makes `out` the model of `parts`. The model takes ownership of every
 * array of `parts` in every case: on success model_free() releases them,
 * on failure (-1, memory for the id index ran out; `err` says so) they are
 * freed already and `out` is empty. `parts` is cleared either way. */
int model_from_parts(struct model_parts *parts, struct model *out, struct error *err);
/* Frees every array of `parts` and clears it: for a caller that gives up
 * before model_from_parts(). */
void model_parts_release(struct model_parts *parts);

/* Building: add stories in their final order, then finish. */
struct model_builder;

struct model_builder *model_builder_new(void);
/* Threads finish() computes the weights on (default 1); the model is the
 * same for any number. */
void model_builder_set_jobs(struct model_builder *b, int jobs);
/* Adds one story: its metadata (copied), its analysed terms, the
 * signature of its lead (analyze_lead_signature() of a->text) and its
 * number signature (numbers_signature() of a->title and a->text). */
int model_builder_add(struct model_builder *b, const struct article *a,
		      const struct bag *terms, struct error *err);
/* The same with the lead signature given (ANALYZE_LEAD_SLOTS values); the
 * number signature is made from a->title and a->text. */
int model_builder_add_signed(struct model_builder *b, const struct article *a,
			     const struct bag *terms, const uint16_t *sig, struct error *err);
/* The same with both signatures given (nums: NUMBERS_SLOTS values): for a
 * story whose text is no longer at hand (a count part's, part.h). */
int model_builder_add_numbered(struct model_builder *b, const struct article *a,
			       const struct bag *terms, const uint16_t *sig,
			       const uint32_t *nums, struct error *err);
/* Builds the model (`out` is owned by the caller, released with
 * model_free()); the builder is freed in every case. */
int model_builder_finish(struct model_builder *b, const struct model_params *p,
			 struct model *out, struct error *err);
void model_builder_free(struct model_builder *b);

/* The dot product of two latent rows of dim floats, summed in eight lanes
 * (which the compiler vectorises) then pairwise: every caller (rank,
 * query, explain) gets the same bits for the same two rows. */
static inline float model_latent_dot(const float *a, const float *b, uint32_t dim)
{
	float lane[8] = { 0 }, dot;
	size_t j = 0;

	for (; j + 8 <= dim; j += 8) {
		const float *x = a + j, *y = b + j;
		for (size_t k = 0; k < 8; k++)
			lane[k] += x[k] * y[k];
	}
	dot = ((lane[0] + lane[4]) + (lane[1] + lane[5])) +
	      ((lane[2] + lane[6]) + (lane[3] + lane[7]));
	for (; j < dim; j++)
		dot += a[j] * b[j];
	return dot;
}

/* Gives a built or assembled model latent vectors (n_docs * dim floats,
 * malloc'd; the model takes ownership, freeing any it had). */
void model_set_latent(struct model *m, float *vecs, uint32_t dim);

/* Gives a built or assembled model lead signatures (n_docs *
 * ANALYZE_LEAD_SLOTS values, malloc'd; the model takes ownership, freeing
 * any it had; NULL: none, twins by title only). */
void model_set_lead_sig(struct model *m, uint16_t *sig);

/* The arrays of a built model that the ranking's threads do not read:
 * its strings (the stories' fields and the term names), the fields'
 * offsets and the lead and number signatures, for pageout.h while they
 * run (the policy and the write read them after). Fills at[] and len[]
 * (at most MODEL_SIDE_ARRAYS), returns how many: none of a loaded model,
 * whose mapped file the kernel pages by itself. */
#define MODEL_SIDE_ARRAYS 4
size_t model_side_arrays(const struct model *m, void **at, size_t *len);

/* The latent vectors of a built model, for pageout.h: 1 with at and len
 * set, 0 when it owns none (a loaded model's are its file's). */
int model_latent_array(const struct model *m, void **at, size_t *len);

/* Gives the model its term-side latent basis (n_terms * latent_dim floats,
 * malloc'd; the model takes ownership). Call after model_set_latent(). */
void model_set_term_basis(struct model *m, float *basis);

/* Computes the postings of a built model (owned by it); -1 when memory runs
 * out. A loaded model that has them keeps its own. */
int model_build_postings(struct model *m);

/* Writes `m` to `path` atomically, with its postings (computed for the file
 * when the model has none) and term basis when it has one. */
int model_save(const struct model *m, const char *path, struct error *err);

/* model_save() with the postings of a model that has none written `chunk`
 * entries at a time (the longest list at least): the same file for any
 * chunk. model_save() uses MODEL_POSTINGS_CHUNK (32 Mi entries, 128 MB). */
#define MODEL_POSTINGS_CHUNK ((uint64_t)1 << 25)
int model_save_chunked(const struct model *m, const char *path, uint64_t chunk,
		       struct error *err);
/* Maps and validates the model at `path`; on failure `m` is empty and `err`
 * says what is wrong (naming the file). */
int model_load(const char *path, struct model *m, struct error *err);
/* Maps the model at `path` checking only what costs O(stories + terms):
 * header, section bounds, strings, row and posting offsets, story fields,
 * term names. Neither the checksum nor each term id, story id or weight of
 * the vectors and postings is checked: a caller (the publish-time query,
 * which must answer in milliseconds and reads a small part of the file)
 * checks every id it reads against n_terms/n_docs before using it. */
int model_map(const char *path, struct model *m, struct error *err);
/* Releases what the model owns (unmaps a loaded one) and empties it; an
 * empty (zeroed) model is fine. */
void model_free(struct model *m);

#endif
