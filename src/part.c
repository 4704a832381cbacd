/*
 * part: the part and table formats (see part.h), joining paragraph parts
 * into a boilerplate table and merging count parts into a model.
 *
 * Count parts are streamed, never held whole: a count part of a large
 * shard is bigger than the model it feeds. Paragraph parts are read whole
 * into one census (24 bytes per sighting), as boilerplate_remove holds the
 * census of a whole run. Writing goes through fs_stream (fsutil.h), so a
 * killed shard leaves no half part under the final name; reading checks
 * every length against the bytes left in the file before allocating and
 * the checksum at the end.
 */
#include "part.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <jansson.h>

#include "buf.h"
#include "fsutil.h"
#include "numbers.h"
#include "progress.h"

/* File magics: 8 bytes, the NUL included. */
#define MAGIC_COUNTS "RELPART"
#define MAGIC_PARAGRAPHS "RELPARA"
#define MAGIC_TABLE "RELBOIL"
#define SIGHTING_SIZE 24 /* u32 host, u32 untitled, u64 paragraph, u64 story */
#define CHROME_SIZE 12   /* u32 host, u64 paragraph */
#define ABSENT 0xffffffffu

/* ---- writing ---- */

/* A file being written: the atomic stream and the checksum so far. */
struct writer {
	struct fs_stream s;
	uLong crc;
};

static int writer_open(struct writer *w, const char *path, struct error *err)
{
	w->crc = crc32(0, NULL, 0);
	return fs_stream_open(&w->s, path, err);
}

static void w_bytes(struct writer *w, const void *p, size_t n)
{
	if (w->s.failed || !n)
		return;
	w->crc = crc32(w->crc, p, (uInt)n);
	fs_stream_write(&w->s, p, n);
}

static void put_u32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

static void put_u64(unsigned char *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b + 4, (uint32_t)(v >> 32));
}

static uint32_t get_u32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static uint64_t get_u64(const unsigned char *b)
{
	return get_u32(b) | (uint64_t)get_u32(b + 4) << 32;
}

static void w_u32(struct writer *w, uint32_t v)
{
	unsigned char b[4];

	put_u32(b, v);
	w_bytes(w, b, 4);
}

static void w_u64(struct writer *w, uint64_t v)
{
	unsigned char b[8];

	put_u64(b, v);
	w_bytes(w, b, 8);
}

static void w_f32(struct writer *w, float x)
{
	uint32_t v;

	memcpy(&v, &x, 4);
	w_u32(w, v);
}

static void w_str(struct writer *w, const char *s)
{
	size_t n;

	if (!s) {
		w_u32(w, ABSENT);
		return;
	}
	n = strlen(s);
	if (n > PART_MAX_STRING) {
		fs_stream_fail(&w->s, EOVERFLOW);
		return;
	}
	w_u32(w, (uint32_t)n);
	w_bytes(w, s, n);
}

/* The model parameters in model_params_encode()'s layout. */
static void w_params(struct writer *w, const struct model_params *p)
{
	unsigned char b[MODEL_PARAMS_BYTES];

	model_params_encode(p, b);
	w_bytes(w, b, sizeof b);
}

/* The header count and paragraph parts share (shard.h). */
static void w_header(struct writer *w, const char *magic, const struct part_info *info)
{
	w_bytes(w, magic, 8);
	w_u32(w, PART_VERSION);
	w_u32(w, info->shard.index);
	w_u32(w, info->shard.count);
	w_u32(w, info->boilerplate);
	w_u64(w, info->items);
	w_u64(w, info->begin);
	w_u64(w, info->end);
	w_u64(w, info->fingerprint);
	w_u64(w, info->collect_skips);
	w_u64(w, info->boilerplate_removed);
	w_u32(w, info->table_checksum);
	w_u32(w, 0);
	w_params(w, &info->params);
}

/* The checksum of every byte so far and "END!"; returns the checksum. */
static uint32_t w_trailer(struct writer *w)
{
	uint32_t crc = (uint32_t)w->crc;

	w_u32(w, crc);
	w_bytes(w, "END!", 4);
	return crc;
}

/* Writes one 'S' record: the story's fields and its bag (a
 * pipeline_analyze() callback). */
static int w_story(void *arg, const struct article *a, const struct bag *b,
		   const uint16_t *sig, const uint32_t *nums, struct error *err)
{
	struct writer *w = arg;

	w_bytes(w, "S", 1);
	w_str(w, a->id);
	w_str(w, a->url);
	w_str(w, a->title);
	w_str(w, a->published);
	w_str(w, a->lang);
	w_str(w, a->section);
	w_str(w, a->image);
	{
		char *e = article_excerpt(a->text, MODEL_EXCERPT_MAX);
		unsigned char le[ANALYZE_LEAD_SLOTS * 2];
		w_str(w, e);
		free(e);
		/* the lead's signature: merge has no text to make it from */
		for (int i = 0; i < ANALYZE_LEAD_SLOTS; i++) {
			le[2 * i] = (unsigned char)(sig[i] & 0xff);
			le[2 * i + 1] = (unsigned char)(sig[i] >> 8);
		}
		w_bytes(w, le, sizeof le);
	}
	/* the number signature: merge has no text to make it from */
	for (int i = 0; i < NUMBERS_SLOTS; i++)
		w_u32(w, nums[i]);
	w_u32(w, (uint32_t)b->n);
	for (size_t t = 0; t < b->n; t++) {
		w_str(w, b->terms.data + b->offsets[t]);
		w_f32(w, b->counts[t]);
	}
	if (w->s.failed && err)
		*err = w->s.err;
	return w->s.failed ? -1 : 0;
}

int part_write_counts(const char *path, const struct part_info *info,
		      const struct skip_list *skipped, const struct corpus *c,
		      const struct analyze_options *ao, int jobs, struct error *err)
{
	struct writer w;

	if (writer_open(&w, path, err))
		return -1;
	w_header(&w, MAGIC_COUNTS, info);
	for (size_t i = 0; i < skipped->n; i++) {
		w_bytes(&w, "K", 1);
		w_str(&w, skipped->items[i].input);
		w_str(&w, skipped->items[i].reason);
	}
	if (pipeline_analyze(c, ao, jobs, w_story, &w, err)) {
		fs_stream_abort(&w.s);
		return -1;
	}
	w_bytes(&w, "E", 1);
	w_u64(&w, c->n);
	w_u64(&w, skipped->n);
	w_trailer(&w);
	return fs_stream_commit(&w.s, err);
}

/* ---- reading ---- */

struct reader {
	FILE *f;
	const char *path;
	const char *kind; /* "count part", ...: for messages */
	uint64_t left; /* bytes of the file not read yet */
	uLong crc;
	struct error *err;
	int failed;
	char *str;     /* the last string read (reused) */
	size_t str_cap;
};

static int r_fail(struct reader *r, const char *what)
{
	if (!r->failed)
		error_set(r->err, r->path, "not a valid %s: %s", r->kind, what);
	r->failed = 1;
	return -1;
}

static int r_bytes(struct reader *r, void *p, size_t n)
{
	if (r->failed)
		return -1;
	if (n > r->left)
		return r_fail(r, "truncated");
	if (n && fread(p, 1, n, r->f) != n)
		return r_fail(r, ferror(r->f) ? strerror(errno) : "truncated");
	r->left -= n;
	r->crc = crc32(r->crc, p, (uInt)n);
	return 0;
}

static uint32_t r_u32(struct reader *r)
{
	unsigned char b[4] = { 0 };

	r_bytes(r, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static uint64_t r_u64(struct reader *r)
{
	uint64_t lo = r_u32(r);

	return lo | (uint64_t)r_u32(r) << 32;
}

static float r_f32(struct reader *r)
{
	uint32_t v = r_u32(r);
	float x;

	memcpy(&x, &v, 4);
	return x;
}

/* Reads a string into r->str; returns it, or NULL when absent or on error
 * (r->failed tells them apart). */
static const char *r_str(struct reader *r, size_t *len)
{
	uint32_t n = r_u32(r);

	if (r->failed || n == ABSENT)
		return NULL;
	if (n > PART_MAX_STRING) {
		r_fail(r, "string longer than the limit");
		return NULL;
	}
	if (n > r->left) {
		r_fail(r, "truncated (a string runs past the end of the file)");
		return NULL;
	}
	if ((size_t)n + 1 > r->str_cap) {
		char *s = realloc(r->str, (size_t)n + 1);
		if (!s) {
			if (!r->failed)
				error_set(r->err, r->path, "out of memory");
			r->failed = 1;
			return NULL;
		}
		r->str = s;
		r->str_cap = (size_t)n + 1;
	}
	if (r_bytes(r, r->str, n))
		return NULL;
	r->str[n] = '\0';
	if (memchr(r->str, '\0', n)) {
		r_fail(r, "NUL byte inside a string");
		return NULL;
	}
	if (len)
		*len = n;
	return r->str;
}

static void r_params(struct reader *r, struct model_params *p)
{
	unsigned char b[MODEL_PARAMS_BYTES] = { 0 };

	r_bytes(r, b, sizeof b);
	model_params_decode(b, p);
}

static void reader_close(struct reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->str);
	memset(r, 0, sizeof *r);
}

/* Opens `path`, a `kind` file, for reading. */
static int reader_start(struct reader *r, const char *path, const char *kind,
			struct error *err)
{
	struct stat st;

	memset(r, 0, sizeof *r);
	r->path = path;
	r->kind = kind;
	r->err = err;
	r->crc = crc32(0, NULL, 0);
	r->f = fopen(path, "rbe");
	if (!r->f)
		return error_set(err, path, "cannot read: %s", strerror(errno));
	if (fstat(fileno(r->f), &st) || !S_ISREG(st.st_mode)) {
		reader_close(r);
		return error_set(err, path, "not a regular file");
	}
	setvbuf(r->f, NULL, _IOFBF, 1 << 20);
	r->left = (uint64_t)st.st_size;
	return 0;
}

/* Reads the magic and the version and checks them against `magic` and
 * `version`, saying what the file is when it is one of the other kinds. */
static int r_magic(struct reader *r, const char *magic, uint32_t version)
{
	static const struct {
		const char *magic, *what;
	} kinds[] = {
		{ MAGIC_COUNTS, "it is a count part (written by 'related count', read by "
				"'related merge')" },
		{ MAGIC_PARAGRAPHS, "it is a paragraph part (written by 'related count "
				    "--paragraphs', read by 'related merge --paragraphs')" },
		{ MAGIC_TABLE, "it is a boilerplate table (written by 'related merge "
			       "--paragraphs', read by 'related count --boilerplate')" },
	};
	char got[8], msg[160];
	uint32_t v;

	if (r_bytes(r, got, 8))
		return -1;
	if (memcmp(got, magic, 8)) {
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
			if (!memcmp(got, kinds[k].magic, 8))
				return r_fail(r, kinds[k].what);
		snprintf(msg, sizeof msg, "no %s header (%s)", magic,
			 !strcmp(magic, MAGIC_COUNTS) ? "a count part is written by 'related count'"
			 : !strcmp(magic, MAGIC_PARAGRAPHS) ? "a paragraph part is written by "
							    "'related count --paragraphs'"
			 : "a boilerplate table is written by 'related merge --paragraphs'");
		return r_fail(r, msg);
	}
	v = r_u32(r);
	if (!r->failed && v != version) {
		snprintf(msg, sizeof msg, "unsupported version %u (this related reads version "
			 "%u: write it again with this related)", v, version);
		return r_fail(r, msg);
	}
	return r->failed ? -1 : 0;
}

/* Opens the part `path` (magic `magic`, a `kind`) and reads its header
 * into *info. */
static int reader_open(struct reader *r, const char *path, const char *magic,
		       const char *kind, struct part_info *info, struct error *err)
{
	memset(info, 0, sizeof *info);
	if (reader_start(r, path, kind, err))
		return -1;
	if (r_magic(r, magic, PART_VERSION))
		return -1;
	info->shard.index = r_u32(r);
	info->shard.count = r_u32(r);
	info->boilerplate = r_u32(r);
	info->items = r_u64(r);
	info->begin = r_u64(r);
	info->end = r_u64(r);
	info->fingerprint = r_u64(r);
	info->collect_skips = r_u64(r);
	info->boilerplate_removed = r_u64(r);
	info->table_checksum = r_u32(r);
	r_u32(r);
	r_params(r, &info->params);
	if (r->failed)
		return -1;
	if (!info->shard.count || info->shard.count > SHARD_MAX_COUNT ||
	    info->shard.index >= info->shard.count || info->begin > info->end ||
	    info->end > info->items)
		return r_fail(r, "shard or range out of bounds");
	if (info->boilerplate > PART_BOILERPLATE_TABLE ||
	    (info->boilerplate == PART_BOILERPLATE_WHOLE && info->shard.count != 1))
		return r_fail(r, "unknown boilerplate mode");
	return 0;
}

/* Reads the checksum and "END!" and checks that nothing follows. */
static int r_trailer(struct reader *r)
{
	uint32_t want = (uint32_t)r->crc, crc;
	char end[4];

	crc = r_u32(r);
	if (r_bytes(r, end, 4) || memcmp(end, "END!", 4))
		return r_fail(r, "no END! trailer");
	if (crc != want)
		return r_fail(r, "checksum mismatch");
	if (r->left)
		return r_fail(r, "bytes after the trailer");
	return 0;
}

/* Reads the next record's tag: 'K', 'S' or 'E' (-1 on error). */
static int r_tag(struct reader *r)
{
	char t;

	if (r_bytes(r, &t, 1))
		return -1;
	if (t != 'K' && t != 'S' && t != 'E')
		return r_fail(r, "unknown record");
	return t;
}

static int r_skip(struct reader *r, struct skip_list *skipped)
{
	const char *s = r_str(r, NULL);
	char *input;

	if (r->failed || !s)
		return r_fail(r, "skip without an input");
	input = strdup(s);
	s = r_str(r, NULL);
	if (!input || r->failed || !s || skip_list_add(skipped, input, s)) {
		free(input);
		return r->failed ? -1 : error_set(r->err, r->path, "out of memory");
	}
	free(input);
	return 0;
}

/* Reads the 'E' record's counts and checks them and the checksum. */
static int r_end(struct reader *r, uint64_t stories, uint64_t skips)
{
	if (r_u64(r) != stories || r_u64(r) != skips)
		return r_fail(r, "record counts do not match the trailer");
	return r_trailer(r);
}

int part_read_info(const char *path, struct part_info *info,
		   struct skip_list *skipped, struct error *err)
{
	struct reader r;
	int t;

	if (reader_open(&r, path, MAGIC_COUNTS, "count part", info, err)) {
		reader_close(&r);
		return -1;
	}
	while ((t = r_tag(&r)) == 'K')
		if (r_skip(&r, skipped))
			break;
	t = r.failed ? -1 : 0;
	reader_close(&r);
	return t;
}

/* Reads one 'S' record into a (fields), its lead and number signatures
 * and bag. */
static int r_story(struct reader *r, struct article *a, uint16_t *sig, uint32_t *nums,
		   struct bag *b)
{
	unsigned char le[ANALYZE_LEAD_SLOTS * 2];
	/* the excerpt goes to text: the model's excerpt of it is itself */
	char **fields[] = { &a->id, &a->url, &a->title, &a->published, &a->lang,
			    &a->section, &a->image, &a->text };
	uint32_t n;

	article_clear(a);
	for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
		const char *s = r_str(r, NULL);
		if (r->failed)
			return -1;
		if (s && !(*fields[f] = strdup(s)))
			return error_set(r->err, r->path, "out of memory");
	}
	if (!a->id)
		return r_fail(r, "story without an id");
	if (r_bytes(r, le, sizeof le))
		return -1;
	for (int i = 0; i < ANALYZE_LEAD_SLOTS; i++)
		sig[i] = (uint16_t)(le[2 * i] | (unsigned)le[2 * i + 1] << 8);
	for (int i = 0; i < NUMBERS_SLOTS; i++)
		nums[i] = r_u32(r);
	n = r_u32(r);
	if (r->failed)
		return -1;
	if (n > PART_MAX_TERMS)
		return r_fail(r, "term count over the limit");
	if ((uint64_t)n * 9 > r->left)
		return r_fail(r, "truncated (the terms of a story run past the end of the file)");
	free(b->hashes); /* none read: the builder hashes these terms (analyze.h) */
	b->hashes = NULL;
	buf_reset(&b->terms);
	b->n = 0;
	if (n > b->cap) {
		size_t *o = realloc(b->offsets, n * sizeof *o);
		float *c;
		if (o)
			b->offsets = o;
		c = o ? realloc(b->counts, n * sizeof *c) : NULL;
		if (!c)
			return error_set(r->err, r->path, "out of memory");
		b->counts = c;
		b->cap = n;
	}
	for (uint32_t i = 0; i < n; i++) {
		size_t len = 0;
		const char *t = r_str(r, &len);
		if (r->failed || !t)
			return r_fail(r, "absent term");
		b->offsets[i] = b->terms.len;
		if (buf_add(&b->terms, t, len + 1))
			return error_set(r->err, r->path, "out of memory");
		b->counts[i] = r_f32(r);
		b->n++;
	}
	return r->failed ? -1 : 0;
}

static const char *boilerplate_mode(uint32_t mode)
{
	return mode == PART_BOILERPLATE_KEPT ? "kept (--keep-boilerplate)"
	       : mode == PART_BOILERPLATE_WHOLE ? "removed by a count of one shard"
						 : "removed by a boilerplate table";
}

/* Checks that part i's header fits the first part's and follows the
 * previous range; count parts (`counts`) must also agree on the
 * parameters and on how boilerplate was removed. */
static int check_fit(const char *path, size_t i, size_t n, const struct part_info *first,
		     const struct part_info *p, uint64_t prev_end, int counts,
		     struct error *err)
{
	if (p->shard.count != n)
		return error_set(err, path, "is shard %u of %u, but %zu parts were given "
				 "(give every part of one count, in shard order)",
				 p->shard.index, p->shard.count, n);
	if (p->shard.index != i)
		return error_set(err, path, "is shard %u, expected shard %zu here "
				 "(give the parts in shard order)", p->shard.index, i);
	if (p->items != first->items || p->fingerprint != first->fingerprint ||
	    p->collect_skips != first->collect_skips)
		return error_set(err, path, "was counted from other inputs than %s",
				 "the first part");
	if (counts && !model_params_equal(&p->params, &first->params))
		return error_set(err, path, "was counted with other analysis or model "
				 "options than the first part");
	if (counts && p->boilerplate != first->boilerplate)
		return error_set(err, path, "has site boilerplate %s, the first part %s: "
				 "count every shard alike", boilerplate_mode(p->boilerplate),
				 boilerplate_mode(first->boilerplate));
	if (counts && p->table_checksum != first->table_checksum)
		return error_set(err, path, "was counted with another boilerplate table "
				 "than the first part (checksum %08x, not %08x): count every "
				 "shard with the same --boilerplate TABLE",
				 p->table_checksum, first->table_checksum);
	if (p->begin != prev_end || (i + 1 == n && p->end != p->items))
		return error_set(err, path, "covers items %llu to %llu, which do not follow "
				 "the previous part's (ends at %llu)",
				 (unsigned long long)p->begin, (unsigned long long)p->end,
				 (unsigned long long)prev_end);
	return 0;
}

int part_merge(const char *const *paths, size_t n, int jobs, struct model *out,
	       struct skip_list *skipped, struct part_info *info,
	       struct error *err)
{
	struct model_builder *b = model_builder_new();
	struct article a = { 0 };
	struct bag bag;
	uint16_t sig[ANALYZE_LEAD_SLOTS];
	uint32_t nums[NUMBERS_SLOTS];
	char *prev_id = NULL;
	uint64_t prev_end = 0, stories = 0, skips = 0;
	int rc = 0;

	memset(out, 0, sizeof *out);
	bag_init(&bag);
	if (!b)
		return error_set(err, NULL, "out of memory");
	model_builder_set_jobs(b, jobs);
	progress_begin("merge", 0);
	for (size_t i = 0; i < n && !rc; i++) {
		struct part_info p;
		struct reader r;
		uint64_t ps = 0, pk = 0;
		int t;

		if (reader_open(&r, paths[i], MAGIC_COUNTS, "count part", &p, err)) {
			reader_close(&r);
			rc = -1;
			break;
		}
		if (i == 0)
			*info = p;
		if (check_fit(paths[i], i, n, info, &p, prev_end, 1, err)) {
			reader_close(&r);
			rc = -1;
			break;
		}
		prev_end = p.end;
		while ((t = r_tag(&r)) == 'K' && !r_skip(&r, skipped))
			pk++;
		while (t == 'S' && !pipeline_stop) {
			if (r_story(&r, &a, sig, nums, &bag)) {
				rc = -1;
				break;
			}
			if (prev_id && strcmp(prev_id, a.id) >= 0) {
				rc = error_set(err, paths[i], "story '%s' does not come after '%s': "
					       "the parts are not in id order", a.id, prev_id);
				break;
			}
			if (model_builder_add_numbered(b, &a, &bag, sig, nums, err)) {
				rc = -1;
				break;
			}
			free(prev_id);
			prev_id = a.id; /* keep it; the builder copied it */
			a.id = NULL;
			ps++;
			progress_add(1);
			t = r_tag(&r);
		}
		if (!rc && pipeline_stop)
			rc = error_set(err, NULL, "interrupted");
		if (!rc && (t != 'E' || r_end(&r, ps, pk)))
			rc = r.failed ? -1 : r_fail(&r, "record out of place");
		if (!rc && ps > p.end - p.begin)
			rc = error_set(err, paths[i], "holds more stories than its range");
		if (r.failed)
			rc = -1;
		reader_close(&r);
		stories += ps;
		skips += pk;
	}
	progress_end();
	free(prev_id);
	article_clear(&a);
	bag_free(&bag);
	if (rc) {
		model_builder_free(b);
		return -1;
	}
	info->stories = stories;
	info->skips = skips;
	if (!stories) {
		model_builder_free(b);
		return error_set(err, NULL, "no usable story in the parts");
	}
	return model_builder_finish(b, &info->params, out, err);
}

/* ---- boilerplate: paragraph parts and the table ---- */

int part_write_paragraphs(const char *path, const struct part_info *info,
			  const struct corpus *c, struct error *err)
{
	struct part_info h = *info;
	struct boilerplate_census cen;
	struct writer w;
	unsigned char b[SIGHTING_SIZE];

	boilerplate_census_init(&cen);
	for (size_t j = 0; j < c->n; j++)
		if (boilerplate_census_add_page(&cen, &c->articles[j], info->begin + j)) {
			boilerplate_census_free(&cen);
			return error_set(err, NULL, "out of memory");
		}
	boilerplate_census_finish(&cen);
	if (writer_open(&w, path, err)) {
		boilerplate_census_free(&cen);
		return -1;
	}
	/* what a paragraph part does not use stays zero */
	memset(&h.params, 0, sizeof h.params);
	h.boilerplate = PART_BOILERPLATE_KEPT;
	h.boilerplate_removed = 0;
	h.table_checksum = 0;
	w_header(&w, MAGIC_PARAGRAPHS, &h);
	w_u64(&w, cen.hosts.n);
	for (size_t k = 0; k < cen.hosts.n; k++)
		w_str(&w, strmap_key(&cen.hosts, (uint32_t)k));
	w_u64(&w, cen.n);
	for (size_t k = 0; k < cen.n && !w.s.failed; k++) {
		put_u32(b, cen.s[k].host);
		put_u32(b + 4, cen.s[k].untitled);
		put_u64(b + 8, cen.s[k].paragraph);
		put_u64(b + 16, cen.s[k].story);
		w_bytes(&w, b, sizeof b);
	}
	w_trailer(&w);
	boilerplate_census_free(&cen);
	return fs_stream_commit(&w.s, err);
}

/* Reads the body of a paragraph part into the census `cen`. */
static int r_census(struct reader *r, struct boilerplate_census *cen)
{
	uint64_t hosts = r_u64(r), n;
	uint32_t *ids;
	unsigned char b[SIGHTING_SIZE];
	int rc = 0;

	if (r->failed)
		return -1;
	/* a host takes at least 5 bytes: no allocation beyond the file's size */
	if (hosts > r->left / 5 || hosts > UINT32_MAX)
		return r_fail(r, "truncated (more hosts than the file holds)");
	ids = malloc((size_t)(hosts ? hosts : 1) * sizeof *ids);
	if (!ids)
		return error_set(r->err, r->path, "out of memory");
	for (uint64_t k = 0; k < hosts && !rc; k++) {
		size_t len = 0;
		const char *host = r_str(r, &len);
		int64_t id;
		if (r->failed || !host) {
			rc = r_fail(r, "absent host");
			break;
		}
		if (!len || len > BOILERPLATE_HOST_MAX) {
			rc = r_fail(r, "host name empty or too long");
			break;
		}
		id = boilerplate_census_host(cen, host, len);
		if (id < 0)
			rc = error_set(r->err, r->path, "out of memory");
		else
			ids[k] = (uint32_t)id;
	}
	n = rc ? 0 : r_u64(r);
	if (!rc && !r->failed && n > r->left / SIGHTING_SIZE)
		rc = r_fail(r, "truncated (more paragraphs than the file holds)");
	for (uint64_t k = 0; k < n && !rc && !r->failed; k++) {
		struct boilerplate_sighting sg;
		uint32_t host;
		if (r_bytes(r, b, sizeof b))
			break;
		host = get_u32(b);
		sg.untitled = get_u32(b + 4);
		sg.paragraph = get_u64(b + 8);
		sg.story = get_u64(b + 16);
		if (host >= hosts || sg.untitled > 1) {
			rc = r_fail(r, "sighting out of range");
			break;
		}
		sg.host = ids[host];
		if (boilerplate_census_add(cen, &sg))
			rc = error_set(r->err, r->path, "out of memory");
	}
	free(ids);
	if (!rc && r->failed)
		rc = -1;
	return rc ? -1 : r_trailer(r);
}

int part_merge_paragraphs(const char *const *paths, size_t n, size_t min_pages,
			  struct boilerplate_chrome *out, struct part_table_info *info,
			  struct error *err)
{
	struct boilerplate_census cen;
	struct part_info first, p;
	uint64_t prev_end = 0;
	int rc = 0;

	memset(info, 0, sizeof *info);
	memset(&first, 0, sizeof first);
	if (min_pages < 2)
		min_pages = 2;
	boilerplate_census_init(&cen);
	for (size_t i = 0; i < n && !rc; i++) {
		struct reader r;
		if (reader_open(&r, paths[i], MAGIC_PARAGRAPHS, "paragraph part", &p, err)) {
			rc = -1;
		} else {
			if (i == 0)
				first = p;
			rc = check_fit(paths[i], i, n, &first, &p, prev_end, 0, err);
			if (!rc)
				rc = r_census(&r, &cen);
			prev_end = p.end;
		}
		reader_close(&r);
		if (!rc && pipeline_stop)
			rc = error_set(err, NULL, "interrupted");
	}
	if (!rc && boilerplate_decide(&cen, min_pages, out))
		rc = error_set(err, NULL, "out of memory");
	boilerplate_census_free(&cen);
	if (rc)
		return -1;
	info->shards = (uint32_t)n;
	info->min_pages = (uint32_t)min_pages;
	info->items = first.items;
	info->fingerprint = first.fingerprint;
	info->hosts = out->hosts.n;
	info->paragraphs = out->paragraphs.n;
	return 0;
}

int part_write_table(const char *path, const struct boilerplate_chrome *ch,
		     struct part_table_info *info, struct error *err)
{
	struct writer w;

	if (writer_open(&w, path, err))
		return -1;
	info->hosts = ch->hosts.n;
	info->paragraphs = ch->paragraphs.n;
	w_bytes(&w, MAGIC_TABLE, 8);
	w_u32(&w, PART_TABLE_VERSION);
	w_u32(&w, info->shards);
	w_u32(&w, info->min_pages);
	w_u32(&w, 0);
	w_u64(&w, info->items);
	w_u64(&w, info->fingerprint);
	w_u64(&w, info->hosts);
	for (size_t k = 0; k < ch->hosts.n; k++)
		w_str(&w, strmap_key(&ch->hosts, (uint32_t)k));
	w_u64(&w, info->paragraphs);
	for (size_t k = 0; k < ch->paragraphs.n && !w.s.failed; k++) {
		unsigned char b[CHROME_SIZE];
		uint32_t host;
		uint64_t h;
		boilerplate_chrome_entry(ch, (uint32_t)k, &host, &h);
		put_u32(b, host);
		put_u64(b + 4, h);
		w_bytes(&w, b, sizeof b);
	}
	info->checksum = w_trailer(&w);
	return fs_stream_commit(&w.s, err);
}

int part_read_table(const char *path, uint64_t items, uint64_t fingerprint,
		    struct boilerplate_chrome *ch, struct part_table_info *info,
		    struct error *err)
{
	struct reader r;
	struct strmap names; /* the table's hosts, ids in file order */
	unsigned char b[CHROME_SIZE];
	int rc = 0;

	memset(info, 0, sizeof *info);
	if (reader_start(&r, path, "boilerplate table", err))
		return -1;
	strmap_init(&names);
	if (r_magic(&r, MAGIC_TABLE, PART_TABLE_VERSION))
		goto done;
	info->shards = r_u32(&r);
	info->min_pages = r_u32(&r);
	r_u32(&r);
	info->items = r_u64(&r);
	info->fingerprint = r_u64(&r);
	info->hosts = r_u64(&r);
	if (!r.failed && (info->hosts > r.left / 5 || info->hosts > UINT32_MAX)) {
		r_fail(&r, "truncated (more hosts than the file holds)");
		goto done;
	}
	for (uint64_t k = 0; k < info->hosts && !r.failed && !rc; k++) {
		size_t len = 0;
		const char *host = r_str(&r, &len);
		int64_t id;
		if (r.failed || !host) {
			r_fail(&r, "absent host");
			break;
		}
		if (!len || len > BOILERPLATE_HOST_MAX) {
			r_fail(&r, "host name empty or too long");
			break;
		}
		id = strmap_intern(&names, host, len);
		if (id < 0)
			rc = error_set(err, path, "out of memory");
		else if ((uint64_t)id != k)
			r_fail(&r, "host listed twice");
	}
	info->paragraphs = rc ? 0 : r_u64(&r);
	if (!rc && !r.failed && info->paragraphs > r.left / CHROME_SIZE) {
		r_fail(&r, "truncated (more paragraphs than the file holds)");
		goto done;
	}
	for (uint64_t k = 0; k < info->paragraphs && !r.failed && !rc; k++) {
		uint32_t host;
		const char *name;
		if (r_bytes(&r, b, sizeof b))
			break;
		host = get_u32(b);
		if (host >= info->hosts) {
			r_fail(&r, "paragraph of an unknown host");
			break;
		}
		name = strmap_key(&names, host);
		if (boilerplate_chrome_add(ch, name, strlen(name), get_u64(b + 4)))
			rc = error_set(err, path, "out of memory");
	}
	if (!rc && !r.failed) {
		info->checksum = (uint32_t)r.crc;
		r_trailer(&r);
	}
	/* checked once the checksum vouched for the header */
	if (!rc && !r.failed && (info->items != items || info->fingerprint != fingerprint))
		rc = error_set(err, path, "was made from other inputs than these (%llu items, "
			       "fingerprint %016llx; these: %llu, %016llx): make it from these "
			       "inputs with 'related count --paragraphs' and 'related merge "
			       "--paragraphs'", (unsigned long long)info->items,
			       (unsigned long long)info->fingerprint, (unsigned long long)items,
			       (unsigned long long)fingerprint);
done:
	if (r.failed)
		rc = -1;
	strmap_free(&names);
	reader_close(&r);
	return rc;
}

/* ---- list counts ---- */

static char *counts_path(const char *lines_path)
{
	char *p = NULL;

	return asprintf(&p, "%s%s", lines_path, PART_LIST_COUNTS_SUFFIX) < 0 ? NULL : p;
}

int part_write_list_counts(const char *lines_path, const struct part_list_counts *c,
			   struct error *err)
{
	char *path = counts_path(lines_path);
	struct buf b = BUF_INIT;
	struct fs_stream f;
	int rc = -1;

	if (!path)
		return error_set(err, lines_path, "out of memory");
	if (buf_printf(&b, "{\"lines\": %llu, \"empty_lists\": %llu, "
		       "\"near_duplicates_dropped\": %llu, \"fallback_lists\": %llu, "
		       "\"shortened_lists\": %llu, \"twins_dropped\": %llu, \"cutoff\": ",
		       (unsigned long long)c->lines, (unsigned long long)c->empty_lists,
		       (unsigned long long)c->duplicates, (unsigned long long)c->fallback_lists,
		       (unsigned long long)c->shortened_lists, (unsigned long long)c->twins) ||
	    (c->cutoff > 0.0f ? buf_printf(&b, "%.9g}\n", (double)c->cutoff)
			      : buf_adds(&b, "null}\n"))) {
		error_set(err, path, "out of memory");
	} else if (!fs_stream_open(&f, path, err)) {
		fs_stream_write(&f, b.data, b.len);
		rc = fs_stream_commit(&f, err);
	}
	buf_release(&b);
	free(path);
	return rc;
}

/* A count of the counts file: a whole number, or -1. */
static int64_t count_field(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

int part_read_list_counts(const char *lines_path, struct part_list_counts *c,
			  struct error *err)
{
	static const char *const keys[6] = { "lines", "empty_lists", "near_duplicates_dropped",
					     "fallback_lists", "shortened_lists", "twins_dropped" };
	uint64_t *fields[6] = { &c->lines, &c->empty_lists, &c->duplicates, &c->fallback_lists,
				&c->shortened_lists, &c->twins };
	char *path = counts_path(lines_path);
	json_error_t je;
	json_t *o, *cut;
	int rc = 0;

	memset(c, 0, sizeof *c);
	if (!path)
		return error_set(err, lines_path, "out of memory");
	if (access(path, F_OK) && errno == ENOENT) {
		free(path);
		return 1;
	}
	o = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		rc = error_set(err, path, "cannot read list counts: %s", je.text);
		free(path);
		return rc;
	}
	for (int i = 0; i < 6 && !rc; i++) {
		int64_t v = count_field(o, keys[i]);
		if (v < 0)
			rc = error_set(err, path, "not a list counts file: \"%s\" is not a count",
				       keys[i]);
		else
			*fields[i] = (uint64_t)v;
	}
	cut = json_object_get(o, "cutoff");
	if (!rc && json_is_number(cut))
		c->cutoff = (float)json_number_value(cut);
	else if (!rc && !json_is_null(cut))
		rc = error_set(err, path, "not a list counts file: \"cutoff\" is not a number");
	json_decref(o);
	free(path);
	return rc;
}
