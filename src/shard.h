/*
 * shard: one run split over independent processes (GNU parallel, Slurm job
 * arrays, Kubernetes indexed jobs), with the output of a single run.
 *
 *   count I/N   collect every input (same ids, same order as run), take
 *               shard I's contiguous range of the sorted items, extract and
 *               analyse them, write a count part: per story its metadata
 *               and (term, weighted count) list, plus the shard's skips;
 *   merge       read the N parts in shard order, check they fit together
 *               (same inputs, same parameters, contiguous ranges, ids
 *               ascending), feed the stories to the model builder in id
 *               order and finish the model as run does;
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
 * Count part file (version 1, little-endian), all read through bounds
 * checks naming the file:
 *   header   "RELPART\0", u32 version, u32 shard index, u32 shard count,
 *            u32 reserved, u64 items (all shards), u64 begin, u64 end,
 *            u64 fingerprint of the sorted item ids, u64 skips found while
 *            collecting (every shard counts them, shard 0 lists them),
 *            the model parameters (10 x 4 bytes: model.h order)
 *   records  'K' skip: string input, string reason (all before stories)
 *            'S' story: 6 strings (id, url, title, published, lang,
 *            section), u32 n, n x (string term, f32 count)
 *            'E' end: u64 stories, u64 skips, u32 crc32 of every byte
 *            before it, "END!"
 *   string   u32 length (0xffffffff: absent) and the bytes, no NUL inside;
 *            at most SHARD_MAX_STRING bytes, terms per story at most
 *            SHARD_MAX_TERMS.
 */
#ifndef RELATED_SHARD_H
#define RELATED_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "article.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "pipeline.h"
#include "policy.h"
#include "rank.h"

#define SHARD_PART_VERSION 2 /* 2: name_weight among the parameters */
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

/* What a count part's header records. */
struct shard_part_info {
	struct shard shard;
	uint64_t items, begin, end;
	uint64_t fingerprint;
	uint64_t collect_skips;
	struct model_params params;
	/* filled when reading: */
	uint64_t stories, skips;
};

/* Analyses the stories of `c` (corpus.h order: ids ascending) on `jobs`
 * threads with `ao` and writes the count part `path` atomically (temporary
 * file, fsync, rename): header `info`, then `skipped`, then the stories. */
int shard_write_counts(const char *path, const struct shard_part_info *info,
		       const struct skip_list *skipped, const struct corpus *c,
		       const struct analyze_options *ao, int jobs, struct error *err);

/* Reads the header and the skips of the count part `path` (not the
 * stories). */
int shard_read_info(const char *path, struct shard_part_info *info,
		    struct skip_list *skipped, struct error *err);

/* Reads the count parts paths[0..n) (shard 0 to n-1, all of them), checks
 * that they fit together, builds the model (`out`, released with
 * model_free()) and appends every skip to `skipped` in run's order. *info
 * gets the first part's header with the total stories and skips. */
int shard_merge(const char *const *paths, size_t n, struct model *out,
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
