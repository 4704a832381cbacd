/*
 * hash: an open-addressing map from byte strings to dense ids 0, 1, 2, ...
 * in order of first insertion. Used for vocabularies, where the same few
 * hundred thousand strings are looked up many millions of times.
 *
 * The map owns copies of its keys (one allocation per key block, freed by
 * strmap_free); a key's id never changes; strmap_key(id) returns the key.
 */
#ifndef RELATED_HASH_H
#define RELATED_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A key, its hash_key() and its length, side by side: a probe that meets
 * a key of the hash sought compares lengths, then the bytes inline, where a
 * memcmp() call and a test of the stored key's end were; it reads one
 * record, not a hash and a pointer from two arrays. */
struct strmap_info {
	char *key; /* NUL-terminated */
	uint32_t hash, len;
};

struct strmap {
	uint32_t *slots;  /* id + 1, 0 = empty */
	size_t nslots;    /* power of two */
	struct strmap_info *info; /* id -> its key, hash and length */
	size_t n, cap;
	char *block;      /* current key storage block */
	size_t block_used, block_cap;
	char **blocks;
	size_t nblocks;
	size_t first_cap; /* size of blocks[0], kept by strmap_clear */
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
/* Forgets every key but keeps the memory, for maps reused per document. */
void strmap_clear(struct strmap *m);

/* Returns the id of `key` (len bytes), inserting it if absent; -1 when memory
 * runs out, the map would exceed UINT32_MAX - 1 keys or the key is of 4 GiB
 * or more. */
int64_t strmap_intern(struct strmap *m, const char *key, size_t len);

/* Returns the id of `key`, or -1 if absent. */
int64_t strmap_find(const struct strmap *m, const char *key, size_t len);

static inline const char *strmap_key(const struct strmap *m, uint32_t id)
{
	return m->info[id].key;
}

/* The length of key id, and its hash_key(). */
static inline size_t strmap_key_len(const struct strmap *m, uint32_t id)
{
	return m->info[id].len;
}

static inline uint32_t strmap_key_hash(const struct strmap *m, uint32_t id)
{
	return m->info[id].hash;
}

/* strmap_intern() for a key whose hash_key() the caller has already:
 * h must be hash_key(key, len). */
int64_t strmap_intern_hashed(struct strmap *m, const char *key, size_t len, uint32_t h);

/* A look-up of a key of hash h reads, one after the other, its slot, the
 * record the slot names and the key's bytes: each may be a cache miss. A
 * caller that knows its next keys' hashes asks for them in three steps,
 * each a few keys ahead of the next (the slot; once it is in cache, the
 * record; then the bytes), so that the misses overlap. Hints only. */
static inline void strmap_prefetch(const void *p)
{
#if defined(__x86_64__) && defined(__GNUC__)
	/* GCC 12 drops a __builtin_prefetch() whose address is loaded just
	 * before (as here) when it inlines these helpers: checked in the asm */
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p);
#endif
}

static inline void strmap_prefetch_slot(const struct strmap *m, uint32_t h)
{
	if (m->nslots)
		strmap_prefetch(&m->slots[h & (m->nslots - 1)]);
}

static inline void strmap_prefetch_record(const struct strmap *m, uint32_t h)
{
	uint32_t s = m->nslots ? m->slots[h & (m->nslots - 1)] : 0;

	if (s)
		strmap_prefetch(&m->info[s - 1]);
}

static inline void strmap_prefetch_key(const struct strmap *m, uint32_t h)
{
	uint32_t s = m->nslots ? m->slots[h & (m->nslots - 1)] : 0;

	if (s)
		strmap_prefetch(m->info[s - 1].key);
}

/* FNV-1a, 32 bits: the hash behind signatures that are stored and compared
 * (lead and number signatures, policy.h's words), so it never changes. */
uint32_t hash_bytes(const void *data, size_t len);

/* A 64-bit mixer (the finaliser of splitmix64): every input bit moves
 * every output bit, so hash_mix64(x ^ seed) for several seeds acts as that
 * many independent hash functions of x (the lead signature's MinHash).
 * Inline, so that loops over it vectorise. */
static inline uint64_t hash_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Whether a[0 .. len) and b[0 .. len) hold the same bytes, for the short
 * keys of the maps and the word cache: 8 or 4 bytes at a time, the last
 * ones as a load that may overlap the one before (never a byte outside
 * either range), inline where memcmp() was a call of some 20 instructions
 * a word. */
static inline int hash_same_bytes(const void *a, const void *b, size_t len)
{
	const unsigned char *p = a, *q = b;
	uint64_t x, y;
	uint32_t u, v;

	if (len >= 8) {
		for (size_t i = 0; i + 8 < len; i += 8) {
			memcpy(&x, p + i, 8);
			memcpy(&y, q + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, p + len - 8, 8);
		memcpy(&y, q + len - 8, 8);
		return x == y;
	}
	if (len >= 4) {
		memcpy(&u, p, 4);
		memcpy(&v, q, 4);
		x = u;
		y = v;
		memcpy(&u, p + len - 4, 4);
		memcpy(&v, q + len - 4, 4);
		return x == y && u == v;
	}
	for (size_t i = 0; i < len; i++)
		if (p[i] != q[i])
			return 0;
	return 1;
}

/* The maps' own hash (strmap, the analyzer's word cache): a few multiplies
 * a key, 8 bytes at a time, where FNV-1a waits on a multiply per byte (a
 * word was hashed two or three times on its way into a model). Only ever
 * compared within one process: never stored, free to change. Inline: the
 * tokeniser hashes every word (a call was a third of the hash's cost). */
static inline uint32_t hash_key(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ULL * (len + 1), v = 0;
	size_t n = len;
	uint32_t lo, hi;

	for (; n > 8; n -= 8, p += 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		h = (h ^ x) * 0xff51afd7ed558ccdULL;
	}
	/* the last 1 to 8 bytes, as two loads that may overlap */
	if (n >= 4) {
		memcpy(&lo, p, 4);
		memcpy(&hi, p + n - 4, 4);
		v = lo | (uint64_t)hi << 32;
	} else if (n) {
		v = p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
	}
	h = hash_mix64(h ^ v);
	return (uint32_t)(h ^ h >> 32);
}

#endif
