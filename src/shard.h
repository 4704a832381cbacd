/*
 * shard: one run split over independent processes (GNU parallel, Slurm job
 * arrays, Kubernetes indexed jobs), with the output of a single run.
 *
 *   count --paragraphs I/N   (map) collect every input (same ids, same
 *               order as run), take shard I's contiguous range of the
 *               sorted items, extract them and write a paragraph part:
 *               the boilerplate census of its pages (boilerplate.h);
 *   merge --paragraphs  (reduce) join the N censuses, decide the site
 *               chrome once, as boilerplate_remove does on the whole run,
 *               and write the boilerplate table;
 *   count --boilerplate TABLE I/N  (map) extract the range again, remove
 *               the table's paragraphs, analyse, write a count part: per
 *               story its metadata and (term, weighted count) list, plus
 *               the shard's skips;
 *   merge       (reduce) read the N count parts in shard order, check they
 *               fit together (same inputs, same parameters, same
 *               boilerplate table, contiguous ranges, ids ascending), feed
 *               the stories to the model builder in id order and finish
 *               the model as run does;
 *   recommend I/N  rank stories [begin, end) of the model against all of
 *               it, apply the policy, write only those lines;
 *   concat      join the line parts in order into related.jsonl.
 *
 * The split: of n items, shard I of N takes items [I*n/N, (I+1)*n/N)
 * (integer division), so item k goes to the largest I with I*n/N <= k;
 * shards differ by at most one item and the concatenation of the parts in
 * shard order is the id order. The model builder sees exactly the
 * articles and bags run would give it, in the same order, so the model,
 * and every line written from it, is the same.
 *
 * Boilerplate. run removes paragraphs repeated across the stories of one
 * site, a decision that needs every page of the site; a shard sees only
 * its own. So the decision gets its own map/reduce before count: a census
 * is a set of (host, paragraph, story) sightings, so the shards' censuses
 * join by union into the census of the whole run and the reduce decides
 * with boilerplate_decide, the very code run uses, on the same threshold.
 * Each count then applies that one decision to its pages before analysing
 * them, and its texts are run's texts. Untitled pages, each a story of its
 * own, are told apart by their index among all items (begin + their place
 * in the shard), unique across shards. The price is a second extraction
 * of every page (the census step reads and extracts them too); the census
 * moves 24 bytes per paragraph, the table 12 per chrome paragraph. The
 * other designs kept one extraction but moved analysis into the reduce
 * (count would ship the texts) or became inexact (per-paragraph term
 * counts cannot express lead weighting, bigrams or name sequences across
 * a removed paragraph). With one shard (1/1) count decides on its own
 * pages, which are all of them, and needs no table; with more, count
 * refuses to run without --boilerplate TABLE or --keep-boilerplate.
 *
 * All three files are little-endian, read through bounds checks naming the
 * file, and end with a CRC-32 of every byte before it and "END!".
 *
 * Count part (RELPART, version 3) and paragraph part (RELPARA, version 3)
 * share a header:
 *   header   8-byte magic, u32 version, u32 shard index, u32 shard count,
 *            u32 boilerplate mode (0 kept, 1 removed by this process over
 *            all items: shard 0/1 only, 2 removed by a table), u64 items
 *            (all shards), u64 begin, u64 end, u64 fingerprint of the sorted
 *            item ids, u64 skips found while collecting (every shard counts
 *            them, shard 0 lists them), u64 paragraphs removed, u32 the
 *            table's checksum (mode 2), u32 reserved, the model parameters
 *            (11 x 4 bytes: model.h order; zero in a paragraph part)
 * Count part records:
 *            'K' skip: string input, string reason (all before stories)
 *            'S' story: 6 strings (id, url, title, published, lang,
 *            section), u32 n, n x (string term, f32 count)
 *            'E' end: u64 stories, u64 skips, u32 crc32, "END!"
 *   string   u32 length (0xffffffff: absent) and the bytes, no NUL inside;
 *            at most SHARD_MAX_STRING bytes, terms per story at most
 *            SHARD_MAX_TERMS.
 * Paragraph part body: u64 hosts, that many strings (1 to
 *            BOILERPLATE_HOST_MAX bytes), u64 sightings, that many
 *            (u32 host index, u32 untitled 0/1, u64 paragraph hash,
 *            u64 story), u32 crc32, "END!".
 * Boilerplate table ("RELBOIL", version 1): 8-byte magic, u32 version, u32
 *            shards it was merged from, u32 min_pages, u32 reserved, u64
 *            items, u64 fingerprint (as in the parts), u64 hosts, that many
 *            strings, u64 paragraphs, that many (u32 host index, u64
 *            paragraph hash), u32 crc32, "END!". Its checksum (that CRC)
 *            is recorded in the count parts made with it.
 */
#ifndef RELATED_SHARD_H
#define RELATED_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "article.h"
#include "boilerplate.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "pipeline.h"
#include "policy.h"
#include "rank.h"

#define SHARD_PART_VERSION 3 /* 2: name_weight among the parameters;
				3: boilerplate mode, removed count, table
				checksum; paragraph parts */
#define SHARD_TABLE_VERSION 1
#define SHARD_MAX_STRING (64u << 20)
#define SHARD_MAX_TERMS (16u << 20)
#define SHARD_MAX_COUNT 100000

/* Shard `index` of `count` (0 <= index < count). */
struct shard {
	uint32_t index, count;
};

/* Parses "I/N" (0 <= I < N <= SHARD_MAX_COUNT) or "auto" (shard_from_env,
 * and 0/1 when the environment names none). */
int shard_parse(const char *spec, struct shard *s, struct error *err);

/* The shard the environment names: SLURM_ARRAY_TASK_ID (minus
 * SLURM_ARRAY_TASK_MIN when set) of SLURM_ARRAY_TASK_COUNT, or Kubernetes'
 * JOB_COMPLETION_INDEX of RELATED_SHARDS (RELATED_SHARDS also overrides
 * the Slurm count). Returns 1 when found, 0 when the environment names no
 * shard, -1 with err set when its values are inconsistent. */
int shard_from_env(struct shard *s, struct error *err);

/* The items [*begin, *end) of n that shard s takes (see the split above). */
void shard_range(const struct shard *s, size_t n, size_t *begin, size_t *end);

/* A 64-bit fingerprint of the sorted ids of `set`, so merge can tell parts
 * of different inputs apart. */
uint64_t shard_fingerprint(const struct input_set *set);

/* How a count part's texts lost their site chrome. */
enum shard_boilerplate {
	SHARD_BOILERPLATE_KEPT = 0,  /* --keep-boilerplate: not removed */
	SHARD_BOILERPLATE_WHOLE = 1, /* by count itself, shard 0/1 (all pages) */
	SHARD_BOILERPLATE_TABLE = 2, /* by a boilerplate table */
};

/* What a count or paragraph part's header records. */
struct shard_part_info {
	struct shard shard;
	uint64_t items, begin, end;
	uint64_t fingerprint;
	uint64_t collect_skips;
	uint32_t boilerplate;         /* enum shard_boilerplate */
	uint32_t table_checksum;      /* SHARD_BOILERPLATE_TABLE: the table's */
	uint64_t boilerplate_removed; /* paragraphs removed from this shard */
	struct model_params params;
	/* filled when reading: */
	uint64_t stories, skips;
};

/* What a boilerplate table's header records. */
struct shard_table_info {
	uint32_t shards, min_pages;
	uint64_t items, fingerprint;
	uint64_t hosts, paragraphs;
	uint32_t checksum; /* filled when reading and writing */
};

/* Analyses the stories of `c` (corpus.h order: ids ascending) on `jobs`
 * threads with `ao` and writes the count part `path` atomically (temporary
 * file, fsync, rename): header `info`, then `skipped`, then the stories. */
int shard_write_counts(const char *path, const struct shard_part_info *info,
		       const struct skip_list *skipped, const struct corpus *c,
		       const struct analyze_options *ao, int jobs, struct error *err);

/* Takes the boilerplate census of the stories of `c` (the extracted
 * range [info->begin, info->end) of the items, story j with ordinal
 * info->begin + j) and writes the paragraph part `path` atomically. */
int shard_write_paragraphs(const char *path, const struct shard_part_info *info,
			   const struct corpus *c, struct error *err);

/* Reads the paragraph parts paths[0..n) (shard 0 to n-1, all of them),
 * checks that they fit together, joins their censuses and decides the
 * chrome with min_pages (boilerplate_decide) into `out` (initialised by the
 * caller, released with boilerplate_chrome_free). *info gets the table's
 * header but its checksum. */
int shard_merge_paragraphs(const char *const *paths, size_t n, size_t min_pages,
			   struct boilerplate_chrome *out, struct shard_table_info *info,
			   struct error *err);

/* Writes `ch` as the boilerplate table `path` atomically, with the header
 * fields of *info (shards, min_pages, items, fingerprint); fills in its
 * host and paragraph counts and its checksum. */
int shard_write_table(const char *path, const struct boilerplate_chrome *ch,
		      struct shard_table_info *info, struct error *err);

/* Reads the boilerplate table `path` into `ch` (initialised by the caller,
 * released with boilerplate_chrome_free) and checks that it was made from
 * the inputs `items` items with fingerprint `fingerprint` describe.
 * *info gets its header and checksum. */
int shard_read_table(const char *path, uint64_t items, uint64_t fingerprint,
		     struct boilerplate_chrome *ch, struct shard_table_info *info,
		     struct error *err);

/* Reads the header and the skips of the count part `path` (not the
 * stories). */
int shard_read_info(const char *path, struct shard_part_info *info,
		    struct skip_list *skipped, struct error *err);

/* Reads the count parts paths[0..n) (shard 0 to n-1, all of them), checks
 * that they fit together (boilerplate removed the same way everywhere:
 * kept, or by one table, or by the one shard of 0/1), builds the model (`out`, released with
 * model_free()) and appends every skip to `skipped` in run's order. *info
 * gets the first part's header with the total stories and skips. The
 * weights are computed on `jobs` threads. */
int shard_merge(const char *const *paths, size_t n, int jobs, struct model *out,
		struct skip_list *skipped, struct shard_part_info *info,
		struct error *err);

/* Ranks shard s's range of the stories of `m` against all of them, applies
 * the policy and writes those stories' related.jsonl lines to `path`
 * atomically. Stories outside the range whose candidate lists the
 * near-duplicate rule consults are ranked too, so each line is the one
 * a whole run writes. *stories gets the number of lines. */
int shard_recommend(const struct model *m, const struct rank_options *ro,
		    const struct policy_options *po, const struct shard *s,
		    const char *path, const char *generated_at, size_t *stories,
		    struct error *err);

struct shard_concat_stats {
	size_t lines;       /* stories written */
	size_t empty_lists; /* of them, lines without items */
};

/* Joins the related.jsonl parts paths[0..n) into `out` (written atomically),
 * checking that ids ascend strictly across all of them (so no part is given
 * twice or out of order) and, when `m` is not NULL, that the lines are
 * exactly the model's stories. Each line's generated_at becomes
 * `generated_at` (NULL: kept), so the file carries one time. */
int shard_concat(const char *const *paths, size_t n, const struct model *m,
		 const char *out, const char *generated_at, struct shard_concat_stats *st,
		 struct error *err);

#endif
