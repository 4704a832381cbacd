/*
 * shard: one run split over independent processes (GNU parallel, Slurm job
 * arrays, Kubernetes indexed jobs), with the output of a single run. This
 * module is the split itself; the steps are commands (cmd_shard.c) over
 * part.h (the files the steps exchange, their checks and the merges),
 * pipeline_recommend_range() (ranking one range) and output_concat_related()
 * (joining the line parts).
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
 */
#ifndef RELATED_SHARD_H
#define RELATED_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "log.h"

#define SHARD_MAX_COUNT 100000

/* Shard `index` of `count` (0 <= index < count). */
struct shard {
	uint32_t index, count;
};

/* Parses "I/N" (0 <= I < N <= SHARD_MAX_COUNT) or "auto": the shard the
 * environment names, SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN when
 * set) of SLURM_ARRAY_TASK_COUNT, or Kubernetes' JOB_COMPLETION_INDEX of
 * RELATED_SHARDS (RELATED_SHARDS also overrides the Slurm count), and 0/1
 * when the environment names none. Fails with err set when the spec, or
 * the environment's values, are out of range or inconsistent. */
int shard_parse(const char *spec, struct shard *s, struct error *err);

/* The items [*begin, *end) of n that shard s takes (see the split above). */
void shard_range(const struct shard *s, size_t n, size_t *begin, size_t *end);

/* A 64-bit fingerprint of the sorted ids of `set`, so merge can tell parts
 * of different inputs apart. */
uint64_t shard_fingerprint(const struct input_set *set);

#endif
