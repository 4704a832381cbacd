/*
 * part: the files the steps of a sharded run exchange (shard.h), their
 * checks, and the two merges: paragraph parts into a boilerplate table,
 * count parts into a model.
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
 * file, and end with a CRC-32 of every byte before it and "END!". They are
 * written atomically through fs_stream (fsutil.h: temporary file, fsync,
 * rename, fsync of the folder), so a killed step leaves no half file under
 * the final name.
 *
 * Count part (RELPART, version 5) and paragraph part (RELPARA, version 5)
 * share a header:
 *   header   8-byte magic, u32 version, u32 shard index, u32 shard count,
 *            u32 boilerplate mode (0 kept, 1 removed by this process over
 *            all items: shard 0/1 only, 2 removed by a table), u64 items
 *            (all shards), u64 begin, u64 end, u64 fingerprint of the sorted
 *            item ids, u64 skips found while collecting (every shard counts
 *            them, shard 0 lists them), u64 paragraphs removed, u32 the
 *            table's checksum (mode 2), u32 reserved, the model parameters
 *            (model_params_encode(): 11 x 4 bytes; zero in a paragraph part)
 * Count part records:
 *            'K' skip: string input, string reason (all before stories)
 *            'S' story: 8 strings (id, url, title, published, lang,
 *            section, image, excerpt), ANALYZE_LEAD_SLOTS x u16 lead
 *            signature (analyze.h), u32 n, n x (string term, f32 count)
 *            'E' end: u64 stories, u64 skips, u32 crc32, "END!"
 *   string   u32 length (0xffffffff: absent) and the bytes, no NUL inside;
 *            at most PART_MAX_STRING bytes, terms per story at most
 *            PART_MAX_TERMS.
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
#ifndef RELATED_PART_H
#define RELATED_PART_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "boilerplate.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "pipeline.h"
#include "shard.h"

#define PART_VERSION 6 /* 2: name_weight among the parameters;
			  3: boilerplate mode, removed count, table
			  checksum; paragraph parts; 4: image and
			  excerpt in story records; 5: lead signature;
			  6: number signature (numbers.h) */
#define PART_TABLE_VERSION 1
#define PART_MAX_STRING (64u << 20)
#define PART_MAX_TERMS (16u << 20)

/* How a count part's texts lost their site chrome. */
enum part_boilerplate {
	PART_BOILERPLATE_KEPT = 0,  /* --keep-boilerplate: not removed */
	PART_BOILERPLATE_WHOLE = 1, /* by count itself, shard 0/1 (all pages) */
	PART_BOILERPLATE_TABLE = 2, /* by a boilerplate table */
};

/* What a count or paragraph part's header records. */
struct part_info {
	struct shard shard;
	uint64_t items, begin, end;
	uint64_t fingerprint;
	uint64_t collect_skips;
	uint32_t boilerplate;         /* enum part_boilerplate */
	uint32_t table_checksum;      /* PART_BOILERPLATE_TABLE: the table's */
	uint64_t boilerplate_removed; /* paragraphs removed from this shard */
	struct model_params params;
	/* filled when reading: */
	uint64_t stories, skips;
};

/* What a boilerplate table's header records. */
struct part_table_info {
	uint32_t shards, min_pages;
	uint64_t items, fingerprint;
	uint64_t hosts, paragraphs;
	uint32_t checksum; /* filled when reading and writing */
};

/* Analyses the stories of `c` (corpus.h order: ids ascending) on `jobs`
 * threads with `ao` and writes the count part `path` atomically (temporary
 * file, fsync, rename): header `info`, then `skipped`, then the stories. */
int part_write_counts(const char *path, const struct part_info *info,
		      const struct skip_list *skipped, const struct corpus *c,
		      const struct analyze_options *ao, int jobs, struct error *err);

/* Takes the boilerplate census of the stories of `c` (the extracted
 * range [info->begin, info->end) of the items, story j with ordinal
 * info->begin + j) and writes the paragraph part `path` atomically. */
int part_write_paragraphs(const char *path, const struct part_info *info,
			  const struct corpus *c, struct error *err);

/* Reads the paragraph parts paths[0..n) (shard 0 to n-1, all of them),
 * checks that they fit together, joins their censuses and decides the
 * chrome with min_pages (boilerplate_decide) into `out` (initialised by the
 * caller, released with boilerplate_chrome_free). *info gets the table's
 * header but its checksum. */
int part_merge_paragraphs(const char *const *paths, size_t n, size_t min_pages,
			  struct boilerplate_chrome *out, struct part_table_info *info,
			  struct error *err);

/* Writes `ch` as the boilerplate table `path` atomically, with the header
 * fields of *info (shards, min_pages, items, fingerprint); fills in its
 * host and paragraph counts and its checksum. */
int part_write_table(const char *path, const struct boilerplate_chrome *ch,
		     struct part_table_info *info, struct error *err);

/* Reads the boilerplate table `path` into `ch` (initialised by the caller,
 * released with boilerplate_chrome_free) and checks that it was made from
 * the inputs `items` items with fingerprint `fingerprint` describe.
 * *info gets its header and checksum. */
int part_read_table(const char *path, uint64_t items, uint64_t fingerprint,
		    struct boilerplate_chrome *ch, struct part_table_info *info,
		    struct error *err);

/* Reads the header and the skips of the count part `path` (not the
 * stories). */
int part_read_info(const char *path, struct part_info *info,
		   struct skip_list *skipped, struct error *err);

/* ---- list counts ----
 *
 * `recommend --shard` writes beside its lines LINES the file
 * LINES.counts (PART_LIST_COUNTS_SUFFIX), one JSON object that says what
 * the policy did to those lines' lists: {"lines", "empty_lists",
 * "near_duplicates_dropped", "fallback_lists", "shortened_lists",
 * "twins_dropped", "cutoff" (null: off)}. `concat` adds them up, so its
 * report.json counts what a single run's does. recommend removes an old
 * LINES.counts before it writes the lines and writes the new one
 * (atomically) after them, so a stopped step never leaves counts beside
 * lines they are not of; concat checks "lines" against the lines joined. */
#define PART_LIST_COUNTS_SUFFIX ".counts"

struct part_list_counts {
	uint64_t lines, empty_lists, duplicates, fallback_lists, shortened_lists, twins;
	float cutoff; /* the lists' cutoff; 0: off */
};

/* Writes the counts of the lines at `lines_path` to LINES.counts. */
int part_write_list_counts(const char *lines_path, const struct part_list_counts *c,
			   struct error *err);
/* Reads LINES.counts into *c: 0; 1 when there is none (lines written by an
 * older version); -1 with err naming the file when it cannot be read or
 * is not one. */
int part_read_list_counts(const char *lines_path, struct part_list_counts *c,
			  struct error *err);

/* Reads the count parts paths[0..n) (shard 0 to n-1, all of them), checks
 * that they fit together (boilerplate removed the same way everywhere:
 * kept, or by one table, or by the one shard of 0/1), builds the model (`out`, released with
 * model_free()) and appends every skip to `skipped` in run's order. *info
 * gets the first part's header with the total stories and skips. The
 * weights are computed on `jobs` threads. */
int part_merge(const char *const *paths, size_t n, int jobs, struct model *out,
	       struct skip_list *skipped, struct part_info *info,
	       struct error *err);

#endif
