/*
 * overrides: parsing with jansson, one line at a time so that a bad line
 * costs only itself; resolution to story indexes through a strmap of the
 * model's ids; lookups by binary search over sorted arrays (a few thousand
 * overrides at most, looked up once per candidate).
 */
#include "overrides.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "read.h"

#define OVERRIDES_FILE_LIMIT (64u << 20)
#define MAX_POSITION 1000

void overrides_init(struct overrides *ov)
{
	memset(ov, 0, sizeof *ov);
}

static void override_clear(struct override *o)
{
	free(o->where);
	free(o->story);
	free(o->target);
}

void overrides_free(struct overrides *ov)
{
	for (size_t i = 0; i < ov->n; i++)
		override_clear(&ov->items[i]);
	free(ov->items);
	free(ov->flags);
	free(ov->blocks);
	free(ov->pins);
	memset(ov, 0, sizeof *ov);
}

static int problem(struct skip_list *problems, const char *where, const char *reason,
		   struct error *err)
{
	if (skip_list_add(problems, where, reason))
		return error_set(err, where, "out of memory");
	return 0;
}

/* The string value of key, NULL when absent; *bad set when not a string. */
static const char *get_id(json_t *obj, const char *key, int *bad)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return NULL;
	if (!json_is_string(v) || !json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/* One line as parsed; the strings point into the JSON value. */
struct parsed {
	enum override_kind kind;
	const char *story, *target;
	size_t position;
};

/* Checks one parsed line and fills o; returns a reason when malformed. */
static const char *read_override(json_t *obj, struct parsed *o)
{
	const char *story, *pin, *block, *sponsored;
	json_t *pos;
	int bad = 0;
	const char *key;
	json_t *value;

	if (!json_is_object(obj))
		return "not a JSON object";
	json_object_foreach(obj, key, value) {
		if (strcmp(key, "story") && strcmp(key, "pin") && strcmp(key, "position") &&
		    strcmp(key, "block") && strcmp(key, "sponsored"))
			return "unknown key (expected story, pin, position, block or sponsored)";
	}
	story = get_id(obj, "story", &bad);
	pin = get_id(obj, "pin", &bad);
	block = get_id(obj, "block", &bad);
	sponsored = get_id(obj, "sponsored", &bad);
	pos = json_object_get(obj, "position");
	if (bad)
		return "story ids must be non-empty strings";
	if ((pin != NULL) + (block != NULL) + (sponsored != NULL) != 1)
		return "expected exactly one of pin, block or sponsored";
	if (pos && !pin)
		return "position without pin";
	memset(o, 0, sizeof *o);
	o->position = 1;
	if (pin) {
		if (!story)
			return "pin without story";
		if (pos) {
			if (!json_is_integer(pos) || json_integer_value(pos) < 1 ||
			    json_integer_value(pos) > MAX_POSITION)
				return "position must be a whole number from 1 to 1000";
			o->position = (size_t)json_integer_value(pos);
		}
		o->kind = OVERRIDE_PIN;
		o->target = pin;
	} else if (block) {
		o->kind = story ? OVERRIDE_BLOCK : OVERRIDE_BLOCK_ALL;
		o->target = block;
	} else {
		if (story)
			return "sponsored takes no story";
		o->kind = OVERRIDE_SPONSORED;
		o->target = sponsored;
	}
	o->story = story;
	return NULL;
}

static int add_override(struct overrides *ov, const struct parsed *tmpl,
			const char *where)
{
	struct override *o;

	if (ov->n == ov->cap) {
		size_t cap = ov->cap ? ov->cap * 2 : 16;
		struct override *items = realloc(ov->items, cap * sizeof *items);
		if (!items)
			return -1;
		ov->items = items;
		ov->cap = cap;
	}
	o = &ov->items[ov->n];
	memset(o, 0, sizeof *o);
	o->kind = tmpl->kind;
	o->position = tmpl->position;
	o->where = strdup(where);
	o->target = strdup(tmpl->target);
	o->story = tmpl->story ? strdup(tmpl->story) : NULL;
	if (!o->where || !o->target || (tmpl->story && !o->story)) {
		override_clear(o);
		return -1;
	}
	ov->n++;
	return 0;
}

int overrides_parse(struct overrides *ov, const char *data, size_t len,
		    const char *name, struct skip_list *problems, struct error *err)
{
	size_t line = 0, at = 0;

	while (at < len) {
		const char *start = data + at, *nl = memchr(start, '\n', len - at);
		size_t n = nl ? (size_t)(nl - start) : len - at;
		char where[512];
		json_error_t jerr;
		json_t *obj;
		struct parsed o;
		const char *reason;
		int rc;

		at += n + (nl != NULL);
		line++;
		if (strspn(start, " \t\r") >= n)
			continue;
		snprintf(where, sizeof where, "%s:%zu", name, line);
		obj = json_loadb(start, n, JSON_REJECT_DUPLICATES, &jerr);
		reason = obj ? read_override(obj, &o) : "not valid JSON";
		if (reason) {
			char msg[300];
			if (obj)
				snprintf(msg, sizeof msg, "override ignored: %s", reason);
			else
				snprintf(msg, sizeof msg, "override ignored: not valid JSON (%s)",
					 jerr.text);
			json_decref(obj);
			if (problem(problems, where, msg, err))
				return -1;
			continue;
		}
		rc = add_override(ov, &o, where);
		json_decref(obj);
		if (rc)
			return error_set(err, name, "out of memory");
	}
	return 0;
}

int overrides_load(struct overrides *ov, const char *path,
		   struct skip_list *problems, struct error *err)
{
	struct buf b = BUF_INIT;
	int rc;

	if (read_file(path, OVERRIDES_FILE_LIMIT, &b, err))
		return -1;
	rc = overrides_parse(ov, b.data, b.len, path, problems, err);
	buf_release(&b);
	return rc;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

/* Pins by story, then position, then file order (qsort is not stable, so
 * the line's index is part of the key). */
struct pin_key {
	struct override_pin pin;
	size_t order;
};

static int cmp_pin(const void *x, const void *y)
{
	const struct pin_key *a = x, *b = y;

	if (a->pin.story != b->pin.story)
		return a->pin.story < b->pin.story ? -1 : 1;
	if (a->pin.position != b->pin.position)
		return a->pin.position < b->pin.position ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

static int64_t find_id(const struct strmap *ids, const char *id)
{
	return strmap_find(ids, id, strlen(id));
}

int overrides_resolve(struct overrides *ov, const struct model *m,
		      struct skip_list *problems, struct error *err)
{
	struct strmap ids;
	struct pin_key *keys = NULL;
	size_t nkeys = 0;
	int rc = -1;

	free(ov->flags);
	free(ov->blocks);
	free(ov->pins);
	ov->flags = NULL;
	ov->blocks = NULL;
	ov->pins = NULL;
	ov->n_blocks = ov->n_pins = 0;
	ov->n_docs = m->n_docs;
	strmap_init(&ids);
	ov->flags = calloc(m->n_docs ? m->n_docs : 1, 1);
	ov->blocks = malloc((ov->n ? ov->n : 1) * sizeof *ov->blocks);
	keys = malloc((ov->n ? ov->n : 1) * sizeof *keys);
	if (!ov->flags || !ov->blocks || !keys)
		goto done;
	/* Model ids are unique and interned in story order, so id == index. */
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const char *id = model_doc(m, d, MODEL_ID);
		if (strmap_intern(&ids, id ? id : "", id ? strlen(id) : 0) < 0)
			goto done;
	}
	for (size_t i = 0; i < ov->n; i++) {
		struct override *o = &ov->items[i];
		int64_t s = o->story ? find_id(&ids, o->story) : 0;
		int64_t t = find_id(&ids, o->target);
		char msg[600];

		if (s < 0 || t < 0 || (uint64_t)s >= m->n_docs || (uint64_t)t >= m->n_docs) {
			snprintf(msg, sizeof msg, "override ignored: unknown story '%.500s'",
				 s < 0 ? o->story : o->target);
			if (problem(problems, o->where, msg, err))
				goto done;
			continue;
		}
		if (o->kind == OVERRIDE_PIN && s == t) {
			if (problem(problems, o->where,
				    "override ignored: a story cannot be pinned to itself", err))
				goto done;
			continue;
		}
		o->story_doc = (uint32_t)s;
		o->target_doc = (uint32_t)t;
		switch (o->kind) {
		case OVERRIDE_PIN:
			keys[nkeys].pin = (struct override_pin){ (uint32_t)s, (uint32_t)t,
								 o->position };
			keys[nkeys].order = i;
			nkeys++;
			break;
		case OVERRIDE_BLOCK:
			ov->blocks[ov->n_blocks++] = (uint64_t)s << 32 | (uint64_t)t;
			break;
		case OVERRIDE_BLOCK_ALL:
			ov->flags[t] |= OVERRIDES_BLOCKED;
			break;
		case OVERRIDE_SPONSORED:
			ov->flags[t] |= OVERRIDES_SPONSORED;
			break;
		}
	}
	qsort(ov->blocks, ov->n_blocks, sizeof *ov->blocks, cmp_u64);
	qsort(keys, nkeys, sizeof *keys, cmp_pin);
	ov->pins = malloc((nkeys ? nkeys : 1) * sizeof *ov->pins);
	if (!ov->pins)
		goto done;
	/* The same story pinned twice on one list keeps its first pin. */
	for (size_t i = 0; i < nkeys; i++) {
		size_t j;
		for (j = 0; j < i; j++)
			if (keys[j].pin.story == keys[i].pin.story &&
			    keys[j].pin.doc == keys[i].pin.doc)
				break;
		if (j == i)
			ov->pins[ov->n_pins++] = keys[i].pin;
	}
	rc = 0;
done:
	strmap_free(&ids);
	free(keys);
	if (rc)
		error_set(err, NULL, "out of memory resolving overrides");
	return rc;
}

static int is_blocked_on(const struct overrides *ov, uint32_t story, uint32_t doc)
{
	uint64_t key = (uint64_t)story << 32 | doc;

	return ov->n_blocks &&
	       bsearch(&key, ov->blocks, ov->n_blocks, sizeof *ov->blocks, cmp_u64) != NULL;
}

const char *overrides_exclusion(const struct overrides *ov, uint32_t story, uint32_t doc)
{
	if (!ov || !ov->flags || doc >= ov->n_docs || story >= ov->n_docs)
		return NULL;
	if ((ov->flags[doc] & OVERRIDES_BLOCKED) || is_blocked_on(ov, story, doc))
		return "blocked";
	if ((ov->flags[doc] & OVERRIDES_SPONSORED) && !(ov->flags[story] & OVERRIDES_SPONSORED))
		return "sponsored";
	return NULL;
}

size_t overrides_pins(const struct overrides *ov, uint32_t story,
		      const struct override_pin **pins)
{
	size_t lo = 0, hi, end;

	*pins = NULL;
	if (!ov || !ov->n_pins)
		return 0;
	hi = ov->n_pins;
	while (lo < hi) { /* first pin with .story >= story */
		size_t mid = lo + (hi - lo) / 2;
		if (ov->pins[mid].story < story)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ov->n_pins && ov->pins[end].story == story; end++)
		;
	*pins = ov->pins + lo;
	return end - lo;
}

int overrides_is_pinned(const struct overrides *ov, uint32_t story, uint32_t doc)
{
	const struct override_pin *p;
	size_t n = overrides_pins(ov, story, &p);

	for (size_t i = 0; i < n; i++)
		if (p[i].doc == doc)
			return 1;
	return 0;
}
