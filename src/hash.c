/*
 * hash: string interning with linear probing. Keys live in large blocks so
 * that a vocabulary of a million terms costs a few allocations, not a million.
 */
#include "hash.h"

#include "bigmem.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE ((size_t)1 << 20)

uint32_t hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof *m);
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->nblocks; i++)
		free(m->blocks[i]);
	free(m->blocks);
	free(m->slots);
	free(m->info);
	strmap_init(m);
}

void strmap_clear(struct strmap *m)
{
	if (m->n * 8 < m->nslots) {
		/* few keys in a table grown for a larger set (a map reused per
		 * story keeps the size of its longest story): each key's slot is
		 * emptied, found along its probe sequence, rather than the table */
		for (size_t id = 0; id < m->n; id++) {
			size_t i = m->info[id].hash & (m->nslots - 1);
			while (m->slots[i] != (uint32_t)id + 1)
				i = (i + 1) & (m->nslots - 1);
			m->slots[i] = 0;
		}
	} else if (m->nslots) {
		memset(m->slots, 0, m->nslots * sizeof *m->slots);
	}
	m->n = 0;
	if (m->nblocks) {
		for (size_t i = 1; i < m->nblocks; i++)
			free(m->blocks[i]);
		m->nblocks = 1;
		m->block = m->blocks[0];
		m->block_cap = m->first_cap;
		m->block_used = 0;
	}
}

static int strmap_rehash(struct strmap *m, size_t nslots)
{
	/* cleared by writes (bigmem_calloc()): the probes below read before
	 * they write, and a fresh calloc() page read first faults twice */
	uint32_t *slots = bigmem_calloc(nslots, sizeof *slots);

	if (!slots)
		return -1;
	for (size_t id = 0; id < m->n; id++) {
		size_t i = m->info[id].hash & (nslots - 1);
		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = (uint32_t)id + 1;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	return 0;
}

/* strmap_find() for a key whose hash_key() is h. */
static int64_t find_hashed(const struct strmap *m, const char *key, size_t len, uint32_t h)
{
	size_t i;

	if (!m->nslots)
		return -1;
	for (i = h & (m->nslots - 1); m->slots[i]; i = (i + 1) & (m->nslots - 1)) {
		uint32_t id = m->slots[i] - 1;
		if (m->info[id].hash == h && m->info[id].len == len &&
		    hash_same_bytes(m->info[id].key, key, len))
			return id;
	}
	return -1;
}

int64_t strmap_find(const struct strmap *m, const char *key, size_t len)
{
	return m->nslots ? find_hashed(m, key, len, hash_key(key, len)) : -1;
}

static char *strmap_store(struct strmap *m, const char *key, size_t len)
{
	char *p;

	if (len + 1 > m->block_cap - m->block_used) {
		size_t cap = m->block_cap ? m->block_cap * 2 : 4096;
		if (cap > BLOCK_SIZE)
			cap = BLOCK_SIZE;
		if (cap < len + 1)
			cap = len + 1;
		char *block = malloc(cap);
		char **blocks;
		if (!block)
			return NULL;
		blocks = realloc(m->blocks, (m->nblocks + 1) * sizeof *blocks);
		if (!blocks) {
			free(block);
			return NULL;
		}
		m->blocks = blocks;
		m->block = block;
		if (!m->nblocks)
			m->first_cap = cap;
		m->blocks[m->nblocks++] = m->block;
		m->block_cap = cap;
		m->block_used = 0;
	}
	p = m->block + m->block_used;
	memcpy(p, key, len);
	p[len] = '\0';
	m->block_used += len + 1;
	return p;
}

int64_t strmap_intern(struct strmap *m, const char *key, size_t len)
{
	/* hashed once: most keys a story counts are new to its map */
	return strmap_intern_hashed(m, key, len, hash_key(key, len));
}

int64_t strmap_intern_hashed(struct strmap *m, const char *key, size_t len, uint32_t h)
{
	int64_t found = find_hashed(m, key, len, h);
	size_t i;
	char *copy;

	if (found >= 0)
		return found;
	if (m->n >= UINT32_MAX - 1 || len > UINT32_MAX)
		return -1;
	if ((m->n + 1) * 2 > m->nslots &&
	    strmap_rehash(m, m->nslots ? m->nslots * 2 : 1024))
		return -1;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct strmap_info *info = realloc(m->info, cap * sizeof *info);
		if (!info)
			return -1;
		m->info = info;
		m->cap = cap;
	}
	copy = strmap_store(m, key, len);
	if (!copy)
		return -1;
	m->info[m->n].key = copy;
	m->info[m->n].hash = h;
	m->info[m->n].len = (uint32_t)len;
	for (i = h & (m->nslots - 1); m->slots[i]; i = (i + 1) & (m->nslots - 1))
		;
	m->slots[i] = (uint32_t)m->n + 1;
	return (int64_t)m->n++;
}
