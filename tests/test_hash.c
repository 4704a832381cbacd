/*
 * Tests for hash: the maps' hash reads every byte and spreads keys; dense ids
 * in insertion order, lookups across rehashes and
 * key blocks, keys with embedded NUL bytes and prefixes, clear-and-reuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"

static void test_hash_bytes_is_fnv1a(void **state)
{
	(void)state;
	/* FNV-1a 32-bit reference values */
	assert_int_equal(hash_bytes("", 0), 0x811c9dc5u);
	assert_int_equal(hash_bytes("a", 1), 0xe40c292cu);
	assert_int_equal(hash_bytes("foobar", 6), 0xbf9cf968u);
}

/* The maps' hash reads every byte of a key: changing any one byte of a key
 * of 1 to 40 bytes (the short tails read as overlapping loads) changes it,
 * and keys that differ only in length differ. */
static void test_hash_key_reads_every_byte(void **state)
{
	char key[41], other[41];

	(void)state;
	for (size_t len = 1; len <= 40; len++) {
		for (size_t i = 0; i < len; i++)
			key[i] = (char)('a' + (i * 7 + len) % 26);
		assert_int_not_equal(hash_key(key, len), hash_key(key, len - 1));
		for (size_t i = 0; i < len; i++) {
			memcpy(other, key, len);
			other[i] ^= 1;
			assert_int_not_equal(hash_key(key, len), hash_key(other, len));
		}
	}
}

/* Its low bits, which pick a map's slot, spread keys like "w123" evenly:
 * 65,536 of them in 4,096 slots, none with more than three times its share. */
static void test_hash_key_spreads_low_bits(void **state)
{
	static unsigned count[4096];
	char key[16];
	unsigned most = 0;

	(void)state;
	for (int i = 0; i < 65536; i++) {
		int len = snprintf(key, sizeof key, "w%d", i);
		count[hash_key(key, (size_t)len) & 4095]++;
	}
	for (int i = 0; i < 4096; i++)
		most = count[i] > most ? count[i] : most;
	assert_true(most <= 48);
}

/* hash_same_bytes() is memcmp() == 0 for every length the word cache
 * holds and more, with one byte changed at each place (first, last, inside
 * an 8-byte group or the overlapping tail) or none; reading only the
 * bytes it is given (buffers of exactly len bytes: an address sanitizer
 * build sees any read past them). */
static void test_hash_same_bytes_is_memcmp(void **state)
{
	(void)state;
	for (size_t len = 0; len <= 40; len++) {
		char *a = malloc(len + !len), *b = malloc(len + !len);
		assert_non_null(a);
		assert_non_null(b);
		for (size_t i = 0; i < len; i++)
			a[i] = b[i] = (char)('a' + i % 26);
		assert_true(hash_same_bytes(a, b, len));
		for (size_t at = 0; at < len; at++) {
			b[at] ^= 0x40;
			assert_false(hash_same_bytes(a, b, len));
			assert_true(hash_same_bytes(a, b, at));
			b[at] ^= 0x40;
		}
		free(a);
		free(b);
	}
}

static void test_strmap_find_in_empty_map_fails(void **state)
{
	struct strmap m;

	(void)state;
	strmap_init(&m);
	assert_int_equal(strmap_find(&m, "x", 1), -1);
	assert_int_equal(m.n, 0);
	strmap_free(&m);
}

static void test_strmap_ids_are_dense_in_insertion_order(void **state)
{
	static const char *const words[] = { "zebra", "apple", "mango", "kiwi" };
	struct strmap m;

	(void)state;
	strmap_init(&m);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(strmap_intern(&m, words[i], strlen(words[i])), (int64_t)i);
	/* interning again returns the same id and adds nothing */
	assert_int_equal(strmap_intern(&m, "apple", 5), 1);
	assert_int_equal(strmap_intern(&m, "zebra", 5), 0);
	assert_int_equal(m.n, 4);
	for (uint32_t i = 0; i < 4; i++)
		assert_string_equal(strmap_key(&m, i), words[i]);
	assert_int_equal(strmap_find(&m, "mango", 5), 2);
	assert_int_equal(strmap_find(&m, "pear", 4), -1);
	strmap_free(&m);
}

static void test_strmap_key_length_matters(void **state)
{
	struct strmap m;

	(void)state;
	strmap_init(&m);
	assert_int_equal(strmap_intern(&m, "abc", 3), 0);
	assert_int_equal(strmap_find(&m, "ab", 2), -1);
	assert_int_equal(strmap_find(&m, "abcd", 4), -1);
	/* only len bytes of the argument count */
	assert_int_equal(strmap_find(&m, "abcdef", 3), 0);
	assert_int_equal(strmap_intern(&m, "ab", 2), 1);
	assert_int_equal(strmap_intern(&m, "abcd", 4), 2);
	assert_string_equal(strmap_key(&m, 1), "ab");
	assert_int_equal(strmap_intern(&m, "", 0), 3);
	assert_int_equal(strmap_find(&m, "", 0), 3);
	assert_string_equal(strmap_key(&m, 3), "");
	strmap_free(&m);
}

/* Keys of one hash (given here, as a caller that hashed them would) are
 * told apart by length and bytes, prefixes and keys past 8 bytes too, and
 * each keeps its length and hash. */
static void test_strmap_tells_keys_of_one_hash_apart(void **state)
{
	static const char *const key[] = { "abc", "ab", "abd", "", "abcdefghij", "abcdefghik",
					   "abcdefgh" };
	enum { N = sizeof key / sizeof key[0] };
	struct strmap m;

	(void)state;
	strmap_init(&m);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < N; i++)
			assert_int_equal(strmap_intern_hashed(&m, key[i], strlen(key[i]), 7), i);
	for (int i = 0; i < N; i++) {
		assert_int_equal(strmap_key_len(&m, (uint32_t)i), strlen(key[i]));
		assert_int_equal(strmap_key_hash(&m, (uint32_t)i), 7);
		assert_string_equal(strmap_key(&m, (uint32_t)i), key[i]);
	}
	assert_int_equal(strmap_intern(&m, "abc", 3), N);
	assert_int_equal(strmap_key_hash(&m, N), hash_key("abc", 3));
	strmap_free(&m);
}

static void test_strmap_finds_every_key_after_many_inserts(void **state)
{
	enum { N = 50000 };
	struct strmap m;
	char key[32];

	(void)state;
	strmap_init(&m);
	for (int i = 0; i < N; i++) {
		int len = snprintf(key, sizeof key, "term-%d", i);
		assert_int_equal(strmap_intern(&m, key, (size_t)len), i);
	}
	assert_int_equal(m.n, N);
	for (int i = 0; i < N; i++) {
		int len = snprintf(key, sizeof key, "term-%d", i);
		assert_int_equal(strmap_find(&m, key, (size_t)len), i);
		assert_string_equal(strmap_key(&m, (uint32_t)i), key);
	}
	assert_int_equal(strmap_find(&m, "term-50000", 10), -1);
	strmap_free(&m);
}

static void test_strmap_stores_keys_longer_than_a_block(void **state)
{
	static char big[3u << 20];
	struct strmap m;

	(void)state;
	memset(big, 'q', sizeof big);
	strmap_init(&m);
	assert_int_equal(strmap_intern(&m, "small", 5), 0);
	assert_int_equal(strmap_intern(&m, big, sizeof big), 1);
	assert_int_equal(strmap_intern(&m, "after", 5), 2);
	assert_int_equal(strmap_find(&m, big, sizeof big), 1);
	assert_int_equal(strlen(strmap_key(&m, 1)), sizeof big);
	assert_string_equal(strmap_key(&m, 0), "small");
	assert_string_equal(strmap_key(&m, 2), "after");
	strmap_free(&m);
}

static void test_strmap_clear_forgets_keys_and_restarts_ids(void **state)
{
	struct strmap m;
	char key[32];

	(void)state;
	strmap_init(&m);
	for (int round = 0; round < 3; round++) {
		/* enough keys to need several blocks each round */
		for (int i = 0; i < 20000; i++) {
			int len = snprintf(key, sizeof key, "r%d-word-%d", round, i);
			assert_int_equal(strmap_intern(&m, key, (size_t)len), i);
		}
		assert_int_equal(m.n, 20000);
		if (round > 0) {
			int len = snprintf(key, sizeof key, "r%d-word-%d", round - 1, 5);
			assert_int_equal(strmap_find(&m, key, (size_t)len), -1);
		}
		for (int i = 0; i < 20000; i += 997) {
			int len = snprintf(key, sizeof key, "r%d-word-%d", round, i);
			assert_int_equal(strmap_find(&m, key, (size_t)len), i);
			assert_string_equal(strmap_key(&m, (uint32_t)i), key);
		}
		strmap_clear(&m);
		assert_int_equal(m.n, 0);
		assert_int_equal(strmap_find(&m, "r0-word-0", 9), -1);
	}
	/* the same key gets id 0 again after a clear */
	assert_int_equal(strmap_intern(&m, "x", 1), 0);
	assert_int_equal(strmap_intern(&m, "y", 1), 1);
	assert_int_equal(strmap_find(&m, "x", 1), 0);
	strmap_free(&m);
}

static void assert_slots_empty(const struct strmap *m)
{
	for (size_t i = 0; i < m->nslots; i++)
		assert_int_equal(m->slots[i], 0);
}

/* A map reused per story keeps the table of its largest story; clearing a
 * few keys from it empties their slots one by one along their probe
 * sequences (keys that collide, keys whose run wraps past the table's end)
 * instead of the whole table: every slot must be empty afterwards, and the
 * map must work as a fresh one. */
static void test_strmap_clear_of_few_keys_in_a_large_table(void **state)
{
	struct strmap m;
	char key[32];

	(void)state;
	strmap_init(&m);
	for (int i = 0; i < 5000; i++) {
		int len = snprintf(key, sizeof key, "big-%d", i);
		assert_int_equal(strmap_intern(&m, key, (size_t)len), i);
	}
	strmap_clear(&m); /* many keys: the whole table */
	assert_slots_empty(&m);
	assert_true(m.nslots >= 8192);
	for (int round = 0; round < 200; round++) {
		int n = 1 + round * 5; /* up to 996 keys: n * 8 < nslots */
		for (int i = 0; i < n; i++) {
			int len = snprintf(key, sizeof key, "r%d-%d", round, i);
			assert_int_equal(strmap_intern(&m, key, (size_t)len), i);
		}
		for (int i = 0; i < n; i++) {
			int len = snprintf(key, sizeof key, "r%d-%d", round, i);
			assert_int_equal(strmap_find(&m, key, (size_t)len), i);
		}
		strmap_clear(&m);
		assert_slots_empty(&m);
		assert_int_equal(m.n, 0);
		assert_int_equal(strmap_find(&m, "r0-0", 4), -1);
	}
	strmap_free(&m);
}

static void test_strmap_clear_on_fresh_map_is_harmless(void **state)
{
	struct strmap m;

	(void)state;
	strmap_init(&m);
	strmap_clear(&m);
	assert_int_equal(strmap_intern(&m, "a", 1), 0);
	strmap_free(&m);
	strmap_free(&m); /* free leaves an empty map */
}

static void test_strmap_keys_with_nul_bytes_are_distinct(void **state)
{
	struct strmap m;

	(void)state;
	strmap_init(&m);
	assert_int_equal(strmap_intern(&m, "a\0b", 3), 0);
	assert_int_equal(strmap_intern(&m, "a\0c", 3), 1);
	assert_int_equal(strmap_find(&m, "a\0b", 3), 0);
	assert_int_equal(strmap_find(&m, "a\0c", 3), 1);
	strmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_bytes_is_fnv1a),
		cmocka_unit_test(test_hash_key_reads_every_byte),
		cmocka_unit_test(test_hash_key_spreads_low_bits),
		cmocka_unit_test(test_hash_same_bytes_is_memcmp),
		cmocka_unit_test(test_strmap_find_in_empty_map_fails),
		cmocka_unit_test(test_strmap_ids_are_dense_in_insertion_order),
		cmocka_unit_test(test_strmap_key_length_matters),
		cmocka_unit_test(test_strmap_tells_keys_of_one_hash_apart),
		cmocka_unit_test(test_strmap_finds_every_key_after_many_inserts),
		cmocka_unit_test(test_strmap_stores_keys_longer_than_a_block),
		cmocka_unit_test(test_strmap_clear_forgets_keys_and_restarts_ids),
		cmocka_unit_test(test_strmap_clear_on_fresh_map_is_harmless),
		cmocka_unit_test(test_strmap_clear_of_few_keys_in_a_large_table),
		cmocka_unit_test(test_strmap_keys_with_nul_bytes_are_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
