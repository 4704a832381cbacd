/*
 * overrides: editors' corrections to the lists, read from a JSON Lines file
 * (`--overrides FILE`), one object per line:
 *
 *   {"story": A, "pin": B, "position": 1}   B at rank 1 of A's list, origin
 *                                           "pinned", even if not a candidate
 *                                           (position defaults to 1)
 *   {"story": A, "block": B}                never suggest B on A
 *   {"block": B}                            never suggest B anywhere
 *   {"sponsored": B}                        suggest B only on stories that are
 *                                           themselves sponsored
 *
 * Ids are story ids (strings). Blank lines are ignored. A malformed line, or
 * one naming a story the model does not have, is not fatal: it is added to a
 * caller's skip_list as "FILE:LINE" with the reason and the rest applies.
 * A pin wins over a block or a sponsorship of the same story, since it names
 * the pair explicitly.
 *
 * Life cycle: overrides_init(), overrides_parse() or overrides_load() (may be
 * called for several files), overrides_resolve() against the model, then
 * the lookups (read-only, safe from several threads), overrides_free().
 * The struct owns every string and array it holds.
 */
#ifndef RELATED_OVERRIDES_H
#define RELATED_OVERRIDES_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "log.h"
#include "model.h"

enum override_kind {
	OVERRIDE_PIN,
	OVERRIDE_BLOCK,       /* on one story */
	OVERRIDE_BLOCK_ALL,   /* everywhere */
	OVERRIDE_SPONSORED
};

struct override {
	enum override_kind kind;
	char *where;      /* "FILE:LINE", for messages */
	char *story;      /* NULL for BLOCK_ALL and SPONSORED */
	char *target;
	size_t position;  /* PIN: 1-based rank */
	uint32_t story_doc, target_doc; /* after overrides_resolve() */
};

/* A resolved pin: story d's pins are contiguous, by position then line. */
struct override_pin {
	uint32_t story, doc;
	size_t position;
};

struct overrides {
	struct override *items; /* as parsed, in file order */
	size_t n, cap;
	/* resolved */
	uint32_t n_docs;
	uint8_t *flags;              /* [n_docs]: OVERRIDES_BLOCKED | OVERRIDES_SPONSORED */
	uint64_t *blocks;            /* (story << 32 | doc), sorted */
	size_t n_blocks;
	struct override_pin *pins;   /* sorted by story, position, line */
	size_t n_pins;
};

#define OVERRIDES_BLOCKED 1u
#define OVERRIDES_SPONSORED 2u

void overrides_init(struct overrides *ov);
void overrides_free(struct overrides *ov);

/* Parses `len` bytes of JSON Lines named `name` (for messages). Malformed
 * lines go to `problems`; returns -1 only when memory runs out. */
int overrides_parse(struct overrides *ov, const char *data, size_t len,
		    const char *name, struct skip_list *problems, struct error *err);

/* Reads and parses the file at `path`; -1 when it cannot be read. */
int overrides_load(struct overrides *ov, const char *path,
		   struct skip_list *problems, struct error *err);

/* Maps every id to its story index in `m`; overrides naming an unknown
 * story, or pinning a story to itself, go to `problems` and are dropped.
 * Returns -1 only when memory runs out. */
int overrides_resolve(struct overrides *ov, const struct model *m,
		      struct skip_list *problems, struct error *err);

/* Why `doc` may not be suggested on `story`: "blocked", "sponsored", or
 * NULL when it may. Pins are not consulted. */
const char *overrides_exclusion(const struct overrides *ov, uint32_t story, uint32_t doc);

/* Story `story`'s pins (count returned, *pins set), by position. */
size_t overrides_pins(const struct overrides *ov, uint32_t story,
		      const struct override_pin **pins);

/* Whether `doc` is pinned on `story`. */
int overrides_is_pinned(const struct overrides *ov, uint32_t story, uint32_t doc);

#endif
