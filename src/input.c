/*
 * input: folder walks, manifests and article records into one sorted list.
 * Folder entries are sorted before recursion so that the walk, and therefore
 * duplicate-id resolution, never depends on the file system's order.
 */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "extract.h"
#include "fsutil.h"
#include "parallel.h"

#define MAX_FOLDER_DEPTH 64
#define MAX_JSONL_LINE ((size_t)64 << 20)
/* JSON Lines are parsed this many lines, or about this many bytes, at a
 * time. */
#define BATCH_LINES 1024
/* The first batch's lines: read before any line is parsed, on one thread;
 * each batch after it twice the one before, up to BATCH_LINES. */
#define FIRST_BATCH_LINES 128
#define BATCH_BYTES ((size_t)64 << 20)

int skip_list_add(struct skip_list *l, const char *input, const char *reason)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct skip *items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return -1;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n].input = strdup(input);
	l->items[l->n].reason = strdup(reason);
	if (!l->items[l->n].input || !l->items[l->n].reason) {
		free(l->items[l->n].input);
		free(l->items[l->n].reason);
		return -1;
	}
	l->n++;
	return 0;
}

int skip_list_take(struct skip_list *to, struct skip_list *from)
{
	if (to->n + from->n > to->cap) {
		size_t cap = to->n + from->n;
		struct skip *items = realloc(to->items, cap * sizeof *items);
		if (!items)
			return -1;
		to->items = items;
		to->cap = cap;
	}
	if (from->n) /* from->items may be NULL (and to->items too) when empty */
		memcpy(to->items + to->n, from->items, from->n * sizeof *from->items);
	to->n += from->n;
	free(from->items);
	memset(from, 0, sizeof *from);
	return 0;
}

void skip_list_free(struct skip_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].input);
		free(l->items[i].reason);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

void input_set_init(struct input_set *set)
{
	memset(set, 0, sizeof *set);
}

static void item_clear(struct input_item *it)
{
	free(it->name);
	free(it->path);
	free(it->charset);
	article_clear(&it->article);
}

void input_set_free(struct input_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		item_clear(&set->items[i]);
	free(set->items);
	skip_list_free(&set->skipped);
	skip_list_free(&set->warned);
	for (size_t i = 0; i < set->n_sources; i++)
		free(set->sources[i]);
	free(set->sources);
	input_set_init(set);
}

void input_set_release_items(struct input_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		item_clear(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->n = set->cap = 0;
}

static struct input_item *new_item(struct input_set *set)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 256;
		struct input_item *items = realloc(set->items, cap * sizeof *items);
		if (!items)
			return NULL;
		set->items = items;
		set->cap = cap;
	}
	memset(&set->items[set->n], 0, sizeof set->items[0]);
	set->items[set->n].order = set->n;
	set->items[set->n].text_ref.source = INPUT_TEXT_HERE;
	return &set->items[set->n++];
}

static void drop_last_item(struct input_set *set)
{
	item_clear(&set->items[--set->n]);
}

/* Length of the page extension at the end of name (".html", ".htm.gz"...),
 * 0 when the name is not a page. */
static size_t page_ext_len(const char *name)
{
	static const char *const exts[] = { ".html.gz", ".htm.gz", ".html", ".htm" };
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t e = strlen(exts[i]);
		if (n > e && !strcasecmp(name + n - e, exts[i]))
			return e;
	}
	return 0;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int is_jsonl_name(const char *name)
{
	return has_suffix(name, ".jsonl") || has_suffix(name, ".ndjson") ||
	       has_suffix(name, ".json");
}

/* Strips a page extension, or any extension of the last path component. */
static char *id_from_path(const char *rel)
{
	size_t e = page_ext_len(rel), n = strlen(rel);
	const char *slash, *dot;

	if (!e) {
		slash = strrchr(rel, '/');
		dot = strrchr(rel, '.');
		if (dot && (!slash || dot > slash + 1))
			e = (size_t)(rel + n - dot);
	}
	return strndup(rel, n - e);
}

static int add_page(struct input_set *set, const char *path, const char *id,
		    struct error *err)
{
	struct input_item *it = new_item(set);

	if (!it)
		return error_set(err, path, "out of memory");
	it->name = strdup(path);
	it->path = strdup(path);
	it->article.id = strdup(id);
	it->article.path = strdup(path);
	if (!it->name || !it->path || !it->article.id || !it->article.path) {
		drop_last_item(set);
		return error_set(err, path, "out of memory");
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True when the symbolic link `path` resolves to a file outside the folder
 * `root`: a page in an archive must not make the run read, say, /etc/passwd.
 * Links that do not resolve (dangling, loops) stay inputs, so that reading
 * them reports the precise error. */
static int link_leaves_folder(const char *root, const char *path)
{
	char *top = realpath(root, NULL), *target = realpath(path, NULL);
	size_t n = top ? strlen(top) : 0;
	int outside = top && target &&
		      !(strncmp(target, top, n) == 0 &&
			(target[n] == '/' || target[n] == '\0' || n == 1));

	free(top);
	free(target);
	return outside;
}

/* Walks `dir` (rel is its path relative to the root, "" at the top). */
static int walk_folder(struct input_set *set, const char *root, const char *rel,
		       int depth, struct error *err)
{
	char *dirpath = *rel ? fs_join(root, rel) : strdup(root);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (!dirpath)
		return error_set(err, root, "out of memory");
	if (depth > MAX_FOLDER_DEPTH) {
		skip_list_add(&set->skipped, dirpath, "folder nested too deeply");
		free(dirpath);
		return 0;
	}
	d = opendir(dirpath);
	if (!d) {
		char reason[256];
		snprintf(reason, sizeof reason, "cannot open folder: %s", strerror(errno));
		rc = skip_list_add(&set->skipped, dirpath, reason);
		free(dirpath);
		return rc ? error_set(err, root, "out of memory") : 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ".", "..", hidden files and editors' temporaries */
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *nn);
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc && n > 1) /* names is NULL in an empty folder */
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n && !rc; i++) {
		char *child_rel = *rel ? fs_join(rel, names[i]) : strdup(names[i]);
		char *child = child_rel ? fs_join(root, child_rel) : NULL;
		struct stat st;

		if (!child) {
			rc = -1;
		} else if (lstat(child, &st)) {
			/* vanished between listing and stat: not an input any more */
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk_folder(set, root, child_rel, depth + 1, err);
		} else if (page_ext_len(names[i]) && S_ISLNK(st.st_mode) &&
			   link_leaves_folder(root, child)) {
			rc = skip_list_add(&set->skipped, child,
					   "symbolic link to a file outside the folder");
		} else if (page_ext_len(names[i])) {
			char *id = id_from_path(child_rel);
			rc = id ? add_page(set, child, id, err) : -1;
			free(id);
		}
		free(child_rel);
		free(child);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dirpath);
	if (rc && !err->message[0])
		error_set(err, root, "out of memory");
	return rc;
}

static const char *json_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The members of a record the collector reads: strings, NULL when a record
 * lacks one or it is not a string (as json_string_value() gives). */
enum record_field {
	FIELD_ID, FIELD_TITLE, FIELD_TEXT, FIELD_PATH, FIELD_LANG, FIELD_AUTHOR,
	FIELD_MODIFIED, FIELD_URL, FIELD_PUBLISHED, FIELD_SECTION, FIELD_CHARSET,
	FIELD_COUNT
};

static const char *const field_names[FIELD_COUNT] = {
	[FIELD_ID] = "id", [FIELD_TITLE] = "title", [FIELD_TEXT] = "text",
	[FIELD_PATH] = "path", [FIELD_LANG] = "lang", [FIELD_AUTHOR] = "author",
	[FIELD_MODIFIED] = "modified", [FIELD_URL] = "url",
	[FIELD_PUBLISHED] = "published", [FIELD_SECTION] = "section",
	[FIELD_CHARSET] = "charset",
};

/* One line of a JSON Lines file, parsed on a thread of its batch: by the
 * scanner below (scanned) or else by jansson (obj). */
struct jsonl_line {
	char *text;          /* the line, without its end of line, NUL-terminated
				(in its batch's store) */
	size_t len, lineno;
	uint64_t offset;     /* byte offset in the file */
	json_t *obj;         /* parsed by jansson, or NULL */
	int scanned;         /* the scanner read it: the fields below */
	struct buf values;   /* the scanned fields' values, each NUL-terminated */
	size_t at[FIELD_COUNT]; /* 1 + a value's offset in values; 0: none */
	int text_empty;      /* a scanned "text" string is "" */
	char error[160];     /* why obj is NULL when not scanned */
};

static int scan_record(struct jsonl_line *l, int keep_text);
static int use_scanner = 1;

void input_use_scanner(int on)
{
	use_scanner = on;
}

/* What the threads of one batch share. */
struct batch_ctx {
	struct jsonl_line *lines;
	int keep_text; /* the texts are wanted now (not deferred) */
};

static void parse_line(void *ctx, int worker, size_t i)
{
	struct batch_ctx *b = ctx;
	struct jsonl_line *l = b->lines + i;
	json_error_t jerr;

	(void)worker;
	if (use_scanner && !scan_record(l, b->keep_text))
		return;
	l->obj = json_loadb(l->text, l->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!l->obj)
		snprintf(l->error, sizeof l->error, "%s", jerr.text);
}

/* A record's or manifest's date in the form a page's date gets
 * (extract_normalize_date()), so that "Tue, 11 Apr 2017 18:30:00 GMT"
 * counts for the recency rules as it does in a page; a value that is no
 * date is kept as given (and the story counts as undated). */
static int set_published(char **field, const char *value)
{
	char *norm = value ? extract_normalize_date(value) : NULL;
	int rc;

	if (!norm)
		return article_set(field, value);
	rc = article_set(field, norm);
	free(norm);
	return rc;
}

/* A parsed line's fields, from the scanner or from jansson's object. */
static void line_fields(const struct jsonl_line *l, const char *field[FIELD_COUNT],
			int *text_empty)
{
	for (int f = 0; f < FIELD_COUNT; f++) {
		if (l->scanned) {
			field[f] = l->at[f] ? l->values.data + l->at[f] - 1 : NULL;
		} else {
			json_t *v = json_object_get(l->obj, field_names[f]);
			field[f] = json_is_string(v) ? json_string_value(v) : NULL;
		}
	}
	*text_empty = l->scanned ? l->text_empty : field[FIELD_TEXT] && !*field[FIELD_TEXT];
}

/* One JSON Lines record, parsed from l (its object is released here);
 * problems go to the skipped list. `source` indexes set->sources when texts
 * are deferred. */
static int add_record(struct input_set *set, const char *file, const char *base,
		      uint32_t source, struct jsonl_line *l)
{
	char name[4096], reason[512];
	const char *field[FIELD_COUNT];
	const char *path, *text, *id;
	struct input_item *it;
	int rc = 0, text_empty;

	snprintf(name, sizeof name, "%s:%zu", file, l->lineno);
	if (!l->scanned && (!l->obj || !json_is_object(l->obj))) {
		snprintf(reason, sizeof reason, "not a JSON object: %s",
			 l->obj ? "wrong type" : l->error);
		return skip_list_add(&set->skipped, name, reason);
	}
	line_fields(l, field, &text_empty);
	path = field[FIELD_PATH];
	text = field[FIELD_TEXT];
	id = field[FIELD_ID];
	if (!path && !text)
		return skip_list_add(&set->skipped, name,
				     "record has neither \"path\" nor \"text\"");
	if (!path && !id)
		return skip_list_add(&set->skipped, name, "article record has no \"id\"");
	if (path && (!*path || (id && !*id)))
		return skip_list_add(&set->skipped, name, "empty \"path\" or \"id\"");
	it = new_item(set);
	if (!it)
		return -1;
	struct article *a = &it->article;
	it->name = strdup(name);
	if (path) {
		it->path = path[0] == '/' ? strdup(path) : fs_join(base, path);
		a->path = it->path ? strdup(it->path) : NULL;
		a->id = id ? strdup(id) : id_from_path(path);
		rc |= article_set(&it->charset, field[FIELD_CHARSET]);
		rc |= !it->path || !a->path;
	} else {
		rc |= article_set(&a->id, id);
		rc |= article_set(&a->title, field[FIELD_TITLE]);
		if (source != INPUT_TEXT_HERE) {
			it->text_ref = (struct input_text_ref){ l->offset, (uint32_t)l->len, source };
			it->has_text = !text_empty;
		} else {
			rc |= article_set(&a->text, text);
		}
		rc |= article_set(&a->lang, field[FIELD_LANG]);
		rc |= article_set(&a->author, field[FIELD_AUTHOR]);
		rc |= article_set(&a->modified, field[FIELD_MODIFIED]);
	}
	rc |= article_set(&a->url, field[FIELD_URL]);
	rc |= set_published(&a->published, field[FIELD_PUBLISHED]);
	rc |= article_set(&a->section, field[FIELD_SECTION]);
	rc |= !it->name || !a->id;
	if (rc) {
		drop_last_item(set);
		return -1;
	}
	return 0;
}

/* Records `file` as the source of deferred texts (the last of sources). */
static int add_source(struct input_set *set, const char *file)
{
	char **s;

	if (set->n_sources >= INPUT_TEXT_HERE - 1)
		return -1;
	s = realloc(set->sources, (set->n_sources + 1) * sizeof *s);
	if (!s)
		return -1;
	set->sources = s;
	if (!(s[set->n_sources] = strdup(file)))
		return -1;
	set->n_sources++;
	return 0;
}

/* ---- a scanner for plain records ----
 *
 * Most lines are flat objects of strings, and the collector needs about ten
 * of their members, decoded. jansson builds an object of every member (it
 * was nine tenths of the collect stage on real text: each text decoded,
 * copied and thrown away when texts are deferred), so a small scanner reads
 * such lines: it checks them as jansson would (UTF-8 as RFC 3629 has it,
 * no control character in a string, escapes, no duplicate member) and
 * hands anything it does not take for granted (a number, a nested value,
 * an escaped key, \u0000, a lone surrogate, anything that is not valid)
 * to jansson, which decides, with its own error message. The same scanner,
 * without the UTF-8 check, reads a deferred text back (below). */

static const char *skip_space(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at an opening quote: the byte after the closing one, or NULL. */
static const char *skip_string(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\' && ++p == e)
			return NULL;
	}
	return NULL;
}

/* p at a value: the byte after it, or NULL. Scalars are not checked:
 * jansson checked the whole line when it was collected, and the id read
 * back tells whether the line is still that record. */
static const char *skip_value(const char *p, const char *e)
{
	const char *start = p;
	size_t depth = 0;

	while (p < e) {
		char c = *p;
		if (c == '"') {
			p = skip_string(p, e);
			if (!p)
				return NULL;
		} else if (c == '{' || c == '[') {
			depth++;
			p++;
		} else if (c == '}' || c == ']') {
			if (!depth)
				return p == start ? NULL : p; /* after a scalar */
			depth--;
			p++;
		} else if (!depth && strchr(", \t\r\n", c)) {
			return p == start ? NULL : p;
		} else {
			p++;
		}
		if (!depth && (c == '"' || c == '}' || c == ']'))
			return p;
	}
	return depth || p == start ? NULL : p;
}

static int hex4(const char *p, const char *e, unsigned *v)
{
	*v = 0;
	if (e - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d > 15)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* The length of the UTF-8 sequence at p (p < e, *p >= 0x80) as RFC 3629
 * and jansson take it (no overlong form, no surrogate, nothing beyond
 * U+10FFFF), or 0 when it is none. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *e)
{
	unsigned c = p[0], v;
	size_t n;

	if (c < 0xC2 || c > 0xF4)
		return 0;
	n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if ((size_t)(e - p) < n)
		return 0;
	v = c & (0x3Fu >> (n - 1));
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3Fu);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	return n;
}

/* Whether the 8 bytes at p hold nothing the scanner must look at: no quote,
 * backslash or control character, and with check_utf8 no byte of 0x80 or
 * more (tested 8 at a time: a text is mostly runs of such bytes). The
 * tests never miss such a byte (the lowest one sets its high bit: no byte
 * below it borrows), so "plain" is exact; "not plain" may be wrong, and
 * the byte loop looks again. */
static int plain8(const char *p, int check_utf8)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t v, q, b;

	memcpy(&v, p, 8);
	q = v ^ (ones * '"');
	b = v ^ (ones * '\\');
	if (((q - ones) & ~q & highs) || ((b - ones) & ~b & highs) ||
	    ((v - ones * 0x20) & ~v & highs))
		return 0;
	return !check_utf8 || !(v & highs);
}

/* The first byte of p .. e the scanner must look at (plain8()'s test, a
 * byte at a time), or a byte before it: with SSE2, 16 bytes are tested at
 * a time and the first such byte found exactly (8 at a time, 3 instructions
 * a byte, it was most of the collect stage's scanning and of reading texts
 * back); without, p. */
#if defined(__SSE2__)
static const char *skip_plain(const char *p, const char *e, int check_utf8)
{
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
		      control = _mm_set1_epi8(0x1f);

	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i stop = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
		int mask;
		/* v <= 0x1f as unsigned bytes: the lesser of v and 0x1f is v */
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));
		mask = _mm_movemask_epi8(stop) | (check_utf8 ? _mm_movemask_epi8(v) : 0);
		if (mask)
			return p + __builtin_ctz((unsigned)mask);
		p += 16;
	}
	return p;
}
#else
static const char *skip_plain(const char *p, const char *e, int check_utf8)
{
	(void)e;
	(void)check_utf8;
	return p;
}
#endif

/* p at an opening quote: the string unescaped into out (NUL-terminated;
 * out NULL: only checked), its bytes checked as UTF-8 with `check_utf8`;
 * the byte after it, or NULL when the scanner leaves it to jansson. */
static const char *scan_string(const char *p, const char *e, struct buf *out, int check_utf8)
{
	if (out)
		buf_reset(out);
	for (p++;;) {
		const char *run = p;
		unsigned c, lo;
		char u[4];
		size_t n;
		while ((p = skip_plain(p, e, check_utf8)) < e && *p != '"' && *p != '\\') {
			unsigned char b = (unsigned char)*p;
			if (e - p >= 8 && plain8(p, check_utf8)) {
				p += 8;
				continue;
			}
			if (b < 0x20)
				break;
			if (b < 0x80 || !check_utf8) {
				p++;
			} else if ((n = utf8_sequence((const unsigned char *)p,
						      (const unsigned char *)e)) > 0) {
				p += n;
			} else {
				return NULL;
			}
		}
		if (out && p > run && buf_add(out, run, (size_t)(p - run)))
			return NULL;
		if (p >= e || (unsigned char)*p < 0x20)
			return NULL;
		if (*p == '"') {
			if (out && buf_addc(out, '\0'))
				return NULL;
			if (out)
				out->len--;
			return p + 1;
		}
		if (++p >= e)
			return NULL;
		switch (*p++) {
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		case '/': c = '/'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (hex4(p, e, &c))
				return NULL;
			p += 4;
			if (c >= 0xDC00 && c <= 0xDFFF)
				return NULL;
			if (c >= 0xD800 && c <= 0xDBFF) {
				if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, e, &lo) ||
				    lo < 0xDC00 || lo > 0xDFFF)
					return NULL;
				p += 6;
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			}
			break;
		default:
			return NULL;
		}
		if (!c)
			return NULL;
		if (!out)
			continue;
		if (c < 0x80) {
			u[0] = (char)c;
			n = 1;
		} else if (c < 0x800) {
			u[0] = (char)(0xC0 | c >> 6);
			u[1] = (char)(0x80 | (c & 0x3F));
			n = 2;
		} else if (c < 0x10000) {
			u[0] = (char)(0xE0 | c >> 12);
			u[1] = (char)(0x80 | (c >> 6 & 0x3F));
			u[2] = (char)(0x80 | (c & 0x3F));
			n = 3;
		} else {
			u[0] = (char)(0xF0 | c >> 18);
			u[1] = (char)(0x80 | (c >> 12 & 0x3F));
			u[2] = (char)(0x80 | (c >> 6 & 0x3F));
			u[3] = (char)(0x80 | (c & 0x3F));
			n = 4;
		}
		if (buf_add(out, u, n))
			return NULL;
	}
}

static const char *read_string(const char *p, const char *e, struct buf *out)
{
	return scan_string(p, e, out, 0);
}

/* Members a record may have for the scanner to read it; more go to jansson. */
#define SCAN_MAX_MEMBERS 64

/* The field a member's key names, or -1. */
static int field_of(const char *k, size_t len)
{
	for (int f = 0; f < FIELD_COUNT; f++)
		if (strlen(field_names[f]) == len && !memcmp(field_names[f], k, len))
			return f;
	return -1;
}

/* p at a value that is not a string: the byte after a null, true or false
 * (which give no field, as jansson's non-strings give none), else NULL. */
static const char *skip_literal(const char *p, const char *e)
{
	static const char *const words[] = { "null", "true", "false" };

	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(e - p) >= n && !memcmp(p, words[i], n))
			return p + n;
	}
	return NULL;
}

/* Reads l's line when it is a flat object of strings and literals into
 * l->values and l->at (the texts too with keep_text, else only whether the
 * text is empty) and sets l->scanned: 0. -1: the line goes to jansson. */
/* Opens the object at *pp (space before it skipped): -1 when there is no
 * '{', 0 when the object is empty ("{}" read), 1 when a member follows
 * (*pp after the space behind the brace). */
static int object_open(const char **pp, const char *e)
{
	const char *p = skip_space(*pp, e);

	if (p >= e || *p++ != '{')
		return -1;
	p = skip_space(p, e);
	if (p < e && *p == '}') {
		*pp = p + 1;
		return 0;
	}
	*pp = p;
	return 1;
}

/* After a member's value at *pp: 1 when a comma was read (and the space
 * after it: another member follows), 0 when the closing brace was read, -1
 * otherwise. */
static int object_next(const char **pp, const char *e)
{
	const char *p = skip_space(*pp, e);

	if (p < e && *p == ',') {
		*pp = skip_space(p + 1, e);
		return 1;
	}
	if (p < e && *p == '}') {
		*pp = p + 1;
		return 0;
	}
	*pp = p;
	return -1;
}

static int scan_record(struct jsonl_line *l, int keep_text)
{
	const char *p = l->text, *e = l->text + l->len;
	const char *key[SCAN_MAX_MEMBERS];
	size_t key_len[SCAN_MAX_MEMBERS], nkeys = 0;
	struct buf value = BUF_INIT;
	int rc, st;

	memset(l->at, 0, sizeof l->at);
	l->text_empty = 0;
	buf_reset(&l->values);
	if ((st = object_open(&p, e)) < 0)
		return -1;
	rc = st ? -1 : 0;
	while (rc && p < e && *p == '"' && nkeys < SCAN_MAX_MEMBERS) {
		const char *k = p + 1, *ke = scan_string(p, e, NULL, 1);
		size_t kl;
		int f;
		if (!ke || memchr(k, '\\', (size_t)(ke - 1 - k)))
			break;
		kl = (size_t)(ke - 1 - k);
		for (size_t i = 0; i < nkeys && ke; i++)
			if (key_len[i] == kl && !memcmp(key[i], k, kl))
				ke = NULL; /* a duplicate: jansson says so */
		if (!ke)
			break;
		key[nkeys] = k;
		key_len[nkeys++] = kl;
		p = skip_space(ke, e);
		if (p >= e || *p++ != ':')
			break;
		p = skip_space(p, e);
		f = field_of(k, kl);
		if (p < e && *p == '"' && f == FIELD_TEXT && !keep_text) {
			l->text_empty = p + 1 < e && p[1] == '"';
			p = scan_string(p, e, NULL, 1);
			l->at[f] = p ? l->values.len + 1 : 0;
			if (p && buf_addc(&l->values, '\0'))
				p = NULL;
		} else if (p < e && *p == '"' && f >= 0) {
			p = scan_string(p, e, &value, 1);
			l->at[f] = p ? l->values.len + 1 : 0;
			if (p && buf_add(&l->values, value.data, value.len + 1))
				p = NULL;
		} else if (p < e && *p == '"') {
			p = scan_string(p, e, NULL, 1);
		} else {
			p = p < e ? skip_literal(p, e) : NULL;
		}
		st = p ? object_next(&p, e) : -1;
		if (st > 0)
			continue;
		if (st == 0)
			rc = 0; /* the object closed */
		break;
	}
	buf_release(&value);
	if (!rc && skip_space(p, e) != e)
		rc = -1;
	l->scanned = !rc;
	return rc;
}

/* ---- reading a deferred text back ----
 *
 * The record was checked whole when it was collected; reading it back only
 * needs two strings of it, "id" and "text", which the scanner above finds
 * without checking the rest (jansson's full parse was a fifth of the
 * analysis time at 20k stories: every member becomes an object). A line it
 * cannot read goes to jansson, which decides. */

/* The "id" and "text" strings of the object in line[0, len): 0 when the
 * scan went through (either may be absent: its buffer is then empty and
 * *has_* 0), -1 to ask jansson. */
static int scan_id_text(const char *line, size_t len, struct buf *id, int *has_id,
			struct buf *text, int *has_text)
{
	const char *p = line, *e = line + len;
	int rc, st;

	*has_id = *has_text = 0;
	if ((st = object_open(&p, e)) < 0)
		return -1;
	rc = st ? -1 : 0;
	while (rc && p < e && *p == '"') {
		const char *k = p + 1, *ke = skip_string(p, e);
		if (!ke || memchr(k, '\\', (size_t)(ke - 1 - k)))
			break;
		p = skip_space(ke, e);
		if (p >= e || *p++ != ':')
			break;
		p = skip_space(p, e);
		if (p < e && *p == '"' && ke - 1 - k == 2 && !memcmp(k, "id", 2)) {
			p = read_string(p, e, id);
			*has_id = 1;
		} else if (p < e && *p == '"' && ke - 1 - k == 4 && !memcmp(k, "text", 4)) {
			p = read_string(p, e, text);
			*has_text = 1;
		} else {
			p = skip_value(p, e);
		}
		st = p ? object_next(&p, e) : -1;
		if (st > 0)
			continue;
		if (st == 0)
			rc = 0; /* the object closed */
		break;
	}
	if (!rc && skip_space(p, e) != e)
		rc = -1;
	return rc;
}

int input_read_text(int fd, const char *file, const struct input_text_ref *ref,
		    const char *id, char **text, struct error *err)
{
	char *line = malloc(ref->len ? ref->len : 1);
	size_t got = 0;
	json_t *obj = NULL;
	const char *t = NULL, *rid = NULL;
	struct buf sid = BUF_INIT, stext = BUF_INIT;
	int has_id = 0, has_text = 0, scanned = 0;

	*text = NULL;
	/* the text is at most its line: room made once, not grown by
	 * doubling (each step a copy, and fresh pages to fault in) */
	if (!line || buf_grow(&stext, ref->len)) {
		free(line);
		return error_set(err, file, "out of memory");
	}
	while (got < ref->len) {
		ssize_t n = pread(fd, line + got, ref->len - got, (off_t)(ref->offset + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == ref->len) {
		scanned = !scan_id_text(line, ref->len, &sid, &has_id, &stext, &has_text);
		if (scanned) {
			rid = has_id ? sid.data : NULL;
			t = has_text ? stext.data : NULL;
		} else if ((obj = json_loadb(line, ref->len, JSON_REJECT_DUPLICATES, NULL))) {
			rid = json_str(obj, "id");
			t = json_str(obj, "text");
		}
	}
	free(line);
	if (!rid || strcmp(rid, id)) {
		json_decref(obj);
		buf_release(&sid);
		buf_release(&stext);
		return error_set(err, file, "changed while it was read (record \"%.200s\" "
				 "no longer at byte %llu)", id,
				 (unsigned long long)ref->offset);
	}
	if (t && !(*text = scanned ? buf_detach(&stext, NULL) : strdup(t))) {
		json_decref(obj);
		buf_release(&sid);
		return error_set(err, file, "out of memory");
	}
	json_decref(obj);
	buf_release(&sid);
	buf_release(&stext);
	return 0;
}

/* Parses the batch's n lines on the set's threads and adds them in order;
 * the lines are freed. 1 when interrupted, -1 when memory runs out. */
static int add_batch(struct input_set *set, const char *file, const char *base,
		     uint32_t source, struct jsonl_line *batch, size_t n)
{
	struct batch_ctx ctx = { batch, source == INPUT_TEXT_HERE };
	int rc = 0;

	parallel_for(set->jobs, n, 8, parse_line, &ctx);
	if (pipeline_stop)
		rc = 1;
	for (size_t i = 0; i < n; i++) {
		set->scanned += batch[i].scanned;
		if (!rc)
			rc = add_record(set, file, base, source, &batch[i]);
		json_decref(batch[i].obj);
		buf_release(&batch[i].values);
	}
	return rc;
}

/* Reads the lines of a JSON Lines file into batches. The file is read
 * (read(2), READ_CHUNK bytes at a time) straight into a batch's store, a
 * buffer reused from batch to batch, and its lines are taken where they
 * lie, each NUL-terminated in place of its end of line; the bytes read past
 * the batch's last line start the next batch's store. (getline() and a
 * copy into the store read every byte three times: the reader was the
 * collect stage's slowest part, the parsing waiting on it.) A batch ends
 * after its limit of lines (FIRST_BATCH_LINES, then twice the batch
 * before's, up to BATCH_LINES: the parsing starts after a few lines are
 * read, not after 3 MB) or BATCH_BYTES bytes, at the end of the file, or
 * at a line longer than MAX_JSONL_LINE, which is read past, not kept, and
 * which the batch names (long_line) to be skipped after its lines. */
#define READ_CHUNK ((size_t)256 << 10)

struct line_reader {
	int fd;
	struct buf carry; /* bytes read past the last batch's last line */
	size_t lineno;
	uint64_t offset;  /* the file offset of carry's first byte */
	int at_end, oom, failed;
};

struct read_batch {
	struct line_reader *r;
	struct jsonl_line *lines; /* BATCH_LINES */
	size_t limit;             /* lines this batch takes, at most BATCH_LINES */
	size_t n;
	size_t long_line;         /* lineno of a line too long, or 0 */
	struct buf store;         /* the lines, each NUL-terminated */
};

/* Appends up to READ_CHUNK bytes of the file to b (0), or marks the end
 * of the file (1) or a failed read (-1, also the end) or memory run out
 * (-1). */
static int read_chunk(struct line_reader *r, struct buf *b)
{
	ssize_t got;

	if (buf_grow(b, READ_CHUNK)) {
		r->oom = r->at_end = 1;
		return -1;
	}
	do
		got = read(r->fd, b->data + b->len, READ_CHUNK);
	while (got < 0 && errno == EINTR);
	if (got <= 0) {
		r->failed = got < 0;
		r->at_end = 1;
		b->data[b->len] = '\0';
		return got < 0 ? -1 : 1;
	}
	b->len += (size_t)got;
	b->data[b->len] = '\0';
	return 0;
}

/* Whether p[0, len) is nothing but spaces and tabs. */
static int blank_line(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/* Takes the line store[at, end) (its end of line at `end`, or the end of
 * the file) as the batch's next line unless it is blank; the bytes it
 * holds in the store, 0 for none. */
static size_t take_line(struct read_batch *b, size_t at, size_t end)
{
	struct line_reader *r = b->r;
	char *p = b->store.data + at;
	size_t len = end - at;

	r->lineno++;
	while (len && p[len - 1] == '\r')
		len--;
	if (blank_line(p, len))
		return 0;
	if (len > MAX_JSONL_LINE) {
		b->long_line = r->lineno;
		return 0;
	}
	p[len] = '\0';
	/* text is the line's place in the store until the batch is read */
	b->lines[b->n++] = (struct jsonl_line){ .text = (char *)(uintptr_t)at, .len = len,
						.lineno = r->lineno, .offset = r->offset + at,
						.values = BUF_INIT };
	return len + 1;
}

/* The rest of a line too long to keep, store[at, len) its first bytes,
 * read past up to its end of line; the bytes after it are left in the
 * store from `at` on. Blank once its trailing carriage returns are cut
 * (take_line()'s test, made as it streams by), it is no line too long
 * (nor any line). */
static void skip_long_line(struct read_batch *b, size_t at)
{
	struct line_reader *r = b->r;
	struct buf *s = &b->store;
	int blank = 1, cr = 0;
	char *nl;

	r->lineno++;
	for (size_t from = at;; from = at) {
		nl = memchr(s->data + from, '\n', s->len - from);
		for (const char *q = s->data + from; q < (nl ? nl : s->data + s->len); q++) {
			/* blank so far: spaces and tabs, then perhaps carriage returns */
			if (*q == '\r')
				cr = 1;
			else
				blank &= !cr && (*q == ' ' || *q == '\t');
		}
		if (nl || r->at_end)
			break;
		r->offset += s->len - at; /* the line's bytes so far, dropped */
		s->len = at;
		if (read_chunk(r, s))
			break;
	}
	if (!blank)
		b->long_line = r->lineno;
	if (nl) {
		size_t past = (size_t)(nl + 1 - s->data);
		r->offset += past - at;
		memmove(s->data + at, nl + 1, s->len - past);
		s->len -= past - at;
	} else {
		r->offset += s->len - at;
		s->len = at;
	}
	s->data[s->len] = '\0';
}

/* Whether the unfinished line store[at, len) is surely longer than
 * MAX_JSONL_LINE: a byte past that length that no cut carriage return is. */
static int surely_long(const struct buf *s, size_t at)
{
	for (size_t i = at + MAX_JSONL_LINE; i < s->len; i++)
		if (s->data[i] != '\r')
			return 1;
	return 0;
}

static void *read_lines(void *arg)
{
	struct read_batch *b = arg;
	struct line_reader *r = b->r;
	struct buf *s = &b->store;
	size_t at = 0, seen = 0; /* no end of line in store[at, seen) */
	size_t kept = 0;         /* the bytes of the batch's lines */

	b->n = 0;
	b->long_line = 0;
	buf_reset(s);
	if (buf_add(s, r->carry.data, r->carry.len))
		r->oom = r->at_end = 1;
	buf_reset(&r->carry);
	while (!r->oom && b->n < b->limit && kept < BATCH_BYTES && !b->long_line) {
		size_t from = seen > at ? seen : at;
		char *nl = memchr(s->data + from, '\n', s->len - from);
		if (nl) {
			kept += take_line(b, at, (size_t)(nl - s->data));
			at = (size_t)(nl + 1 - s->data);
		} else if (r->at_end) {
			if (at < s->len)
				take_line(b, at, s->len);
			at = s->len;
			break;
		} else if (s->len - at > MAX_JSONL_LINE && surely_long(s, at)) {
			skip_long_line(b, at);
			seen = at; /* what follows the line is in the store from at */
		} else {
			seen = s->len;
			read_chunk(r, s);
		}
	}
	/* what is read past the batch's lines begins the next batch */
	if (!r->oom && buf_add(&r->carry, s->data + at, s->len - at))
		r->oom = r->at_end = 1;
	r->offset += at;
	for (size_t i = 0; i < b->n; i++)
		b->lines[i].text = s->data + (uintptr_t)b->lines[i].text;
	return NULL;
}

/* Adds batch b's lines, then the skip of the line too long that ended it. */
static int add_read_batch(struct input_set *set, const char *file, const char *base,
			  uint32_t source, struct read_batch *b)
{
	int rc = add_batch(set, file, base, source, b->lines, b->n);

	b->n = 0;
	if (!rc && b->long_line) {
		char name[4096];
		snprintf(name, sizeof name, "%s:%zu", file, b->long_line);
		rc = skip_list_add(&set->skipped, name, "line longer than 64 MiB");
	}
	b->long_line = 0;
	return rc;
}

static int add_jsonl(struct input_set *set, const char *file, struct error *err)
{
	struct line_reader r = { .fd = open(file, O_RDONLY | O_CLOEXEC), .carry = BUF_INIT };
	struct read_batch b[2] = { { &r, NULL, 0, 0, 0, BUF_INIT }, { &r, NULL, 0, 0, 0, BUF_INIT } };
	char *base;
	uint32_t source;
	struct stat st;
	int rc = 0, defer, k = 0;

	if (r.fd < 0) {
		char reason[256];
		snprintf(reason, sizeof reason, "cannot open: %s", strerror(errno));
		return skip_list_add(&set->skipped, file, reason)
			       ? error_set(err, file, "out of memory") : 0;
	}
	base = fs_dirname(file);
	/* Texts can be read back only from a regular file (not a pipe). */
	defer = set->defer_text && !fstat(r.fd, &st) && S_ISREG(st.st_mode);
	if (!base || (defer && add_source(set, file))) {
		free(base);
		close(r.fd);
		return error_set(err, file, "out of memory");
	}
	source = defer ? (uint32_t)(set->n_sources - 1) : INPUT_TEXT_HERE;
	b[0].lines = calloc(BATCH_LINES, sizeof *b[0].lines);
	b[1].lines = calloc(BATCH_LINES, sizeof *b[1].lines);
	if (!b[0].lines || !b[1].lines)
		rc = -1;
	/* Batch k is parsed on the set's threads and added in file order while
	 * batch k + 1 is read on a thread of its own (with -j 2 or more):
	 * reading was the serial part of collecting, as long as the parsing on
	 * real text. */
	b[0].limit = FIRST_BATCH_LINES;
	if (!rc)
		read_lines(&b[0]);
	while (!rc && !r.oom && (b[k].n || b[k].long_line)) {
		pthread_t reader;
		int reading = 0;
		b[!k].limit = b[k].limit * 2 < BATCH_LINES ? b[k].limit * 2 : BATCH_LINES;
		if (!r.at_end && set->jobs > 1)
			reading = !pthread_create(&reader, NULL, read_lines, &b[!k]);
		rc = add_read_batch(set, file, base, source, &b[k]);
		if (reading)
			pthread_join(reader, NULL);
		else if (!r.at_end && !rc)
			read_lines(&b[!k]); /* in turn */
		k = !k;
	}
	if (!rc && r.oom)
		rc = -1;
	if (!rc && r.failed)
		rc = skip_list_add(&set->skipped, file, "read error");
	for (int i = 0; i < 2; i++) {
		free(b[i].lines);
		buf_release(&b[i].store);
	}
	buf_release(&r.carry);
	free(base);
	close(r.fd);
	if (rc > 0)
		return error_set(err, file, "interrupted");
	return rc ? error_set(err, file, "out of memory") : 0;
}

int input_add(struct input_set *set, const char *arg, struct error *err)
{
	struct stat st;

	if (stat(arg, &st))
		return error_set(err, arg, "no such file or folder");
	if (S_ISDIR(st.st_mode))
		return walk_folder(set, arg, "", 0, err);
	if (is_jsonl_name(arg))
		return add_jsonl(set, arg, err);
	{
		const char *slash = strrchr(arg, '/');
		char *id = id_from_path(slash ? slash + 1 : arg);
		int rc = id ? add_page(set, arg, id, err)
			    : error_set(err, arg, "out of memory");
		free(id);
		return rc;
	}
}

static int cmp_item(const void *a, const void *b)
{
	const struct input_item *x = a, *y = b;
	int c = strcmp(x->article.id, y->article.id);

	if (c)
		return c;
	return (x->order > y->order) - (x->order < y->order);
}

int input_finish(struct input_set *set, struct error *err)
{
	size_t w = 0;

	if (set->n > 1) /* items is NULL when nothing was added */
		qsort(set->items, set->n, sizeof *set->items, cmp_item);
	for (size_t r = 0; r < set->n; r++) {
		if (w && !strcmp(set->items[w - 1].article.id, set->items[r].article.id)) {
			char reason[512];
			snprintf(reason, sizeof reason, "duplicate id \"%.400s\" (kept %.80s)",
				 set->items[r].article.id, set->items[w - 1].name);
			if (skip_list_add(&set->skipped, set->items[r].name, reason))
				return error_set(err, NULL, "out of memory");
			item_clear(&set->items[r]);
			continue;
		}
		set->items[w++] = set->items[r];
	}
	set->n = w;
	return 0;
}
