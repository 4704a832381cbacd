/*
 * Tests for buf: the NUL-terminated invariant, growth, formatting, ownership
 * hand-over and JSON string escaping (checked by parsing the result back
 * with jansson, so "valid JSON" is tested, not just one spelling of it).
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void test_buf_init_is_empty_string(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
	assert_string_equal(b.data, "");
}

static void test_buf_grows_and_stays_terminated(void **state)
{
	struct buf b = BUF_INIT;
	char expect[10001];

	(void)state;
	for (size_t i = 0; i < 10000; i++) {
		char c = (char)('a' + i % 26);
		assert_int_equal(buf_addc(&b, c), 0);
		expect[i] = c;
		assert_int_equal(b.len, i + 1);
		assert_true(b.cap > b.len);
		assert_int_equal(b.data[b.len], '\0');
	}
	expect[10000] = '\0';
	assert_string_equal(b.data, expect);
	buf_release(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
}

static void test_buf_grow_reserves_without_changing_content(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(buf_grow(&b, 5000), 0);
	assert_true(b.cap >= 3 + 5000 + 1);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "abc");
	buf_release(&b);
}

static void test_buf_grow_rejects_overflowing_size(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(buf_grow(&b, SIZE_MAX - 1), -1);
	assert_int_equal(buf_grow(&b, SIZE_MAX), -1);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "abc");
	buf_release(&b);
}

static void test_buf_add_keeps_embedded_nul_bytes(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_add(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);
	buf_release(&b);
}

static void test_buf_truncate_and_reset(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_adds(&b, "hello world"), 0);
	buf_truncate(&b, 5);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	buf_truncate(&b, 100); /* longer than len: no change */
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_adds(&b, "again"), 0);
	assert_string_equal(b.data, "again");
	buf_release(&b);
}

static void test_buf_reset_on_empty_buffer_is_harmless(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_reset(&b);
	buf_truncate(&b, 0);
	assert_string_equal(buf_empty, "");
	assert_int_equal(b.len, 0);
}

static void test_buf_printf_appends_formatted_text(void **state)
{
	struct buf b = BUF_INIT;
	char big[3000];

	(void)state;
	assert_int_equal(buf_adds(&b, "x="), 0);
	assert_int_equal(buf_printf(&b, "%d,%s,%.2f", 42, "yes", 1.5), 0);
	assert_string_equal(b.data, "x=42,yes,1.50");
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(buf_printf(&b, "[%s]", big), 0);
	assert_int_equal(b.len, 13 + 2 + sizeof big - 1);
	assert_int_equal(b.data[13], '[');
	assert_int_equal(b.data[b.len - 1], ']');
	assert_int_equal(b.data[b.len], '\0');
	buf_release(&b);
}

static void test_buf_detach_hands_over_storage(void **state)
{
	struct buf b = BUF_INIT;
	size_t len = 0;
	char *p;

	(void)state;
	assert_int_equal(buf_adds(&b, "owned text"), 0);
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 10);
	assert_string_equal(p, "owned text");
	/* the buffer is empty and reusable, and no longer refers to p */
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_ptr_not_equal(b.data, p);
	assert_int_equal(buf_adds(&b, "new"), 0);
	assert_string_equal(p, "owned text");
	assert_string_equal(b.data, "new");
	free(p);
	buf_release(&b);
}

static void test_buf_detach_of_empty_buffer_is_freeable(void **state)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *p;

	(void)state;
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_ptr_not_equal(p, buf_empty);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p); /* must be a malloc'd pointer, not the shared "" */
}

/* Appends s as a JSON string and returns what jansson reads back (malloc'd),
 * failing the test when the output is not a valid JSON string. */
static char *json_round_trip(const char *s, size_t len, struct buf *out)
{
	json_error_t jerr;
	json_t *v;
	char *r;

	buf_reset(out);
	assert_int_equal(buf_add_json_string(out, s, len), 0);
	assert_int_equal(out->data[0], '"');
	assert_int_equal(out->data[out->len - 1], '"');
	v = json_loadb(out->data, out->len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!v)
		fail_msg("not valid JSON: %s (%s)", out->data, jerr.text);
	assert_true(json_is_string(v));
	r = malloc(json_string_length(v) + 1);
	assert_non_null(r);
	memcpy(r, json_string_value(v), json_string_length(v) + 1);
	json_decref(v);
	return r;
}

static void test_json_string_escapes_quotes_and_backslashes(void **state)
{
	struct buf b = BUF_INIT;
	const char *s = "say \"hi\" \\ back/slash";
	char *r;

	(void)state;
	r = json_round_trip(s, strlen(s), &b);
	assert_string_equal(r, s);
	assert_non_null(strstr(b.data, "\\\"hi\\\""));
	assert_non_null(strstr(b.data, " \\\\ "));
	free(r);
	buf_release(&b);
}

static void test_json_string_escapes_every_control_character(void **state)
{
	struct buf b = BUF_INIT;
	char s[32];
	char *r;

	(void)state;
	for (int c = 1; c < 32; c++)
		s[c - 1] = (char)c;
	s[31] = '\0';
	r = json_round_trip(s, 31, &b);
	assert_memory_equal(r, s, 32);
	/* no raw control byte may appear in the output */
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)b.data[i] >= 0x20);
	assert_non_null(strstr(b.data, "\\n"));
	assert_non_null(strstr(b.data, "\\t"));
	assert_non_null(strstr(b.data, "\\r"));
	assert_non_null(strstr(b.data, "\\u0001"));
	free(r);
	buf_release(&b);
}

/* Plain text goes out 8 bytes at a time (buf.c): every byte value, and a
 * few sequences, at offsets 0 to 16 of a longer plain string must come out
 * as they do alone, between the plain bytes before and after them. */
static void test_json_string_escapes_at_every_offset(void **state)
{
	static const char *const seqs[] = { "\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x98\x80",
					    "\xe2\x80" };
	const char *fill = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct buf got = BUF_INIT, alone = BUF_INIT, want = BUF_INIT;
	char s[64], one[8];

	(void)state;
	for (int k = 0; k < 256 + 4; k++) {
		size_t n = k < 256 ? 1 : strlen(seqs[k - 256]);
		if (k < 256)
			one[0] = (char)k;
		else
			memcpy(one, seqs[k - 256], n);
		buf_reset(&alone);
		assert_int_equal(buf_add_json_string(&alone, one, n), 0);
		for (size_t at = 0; at <= 16; at++) {
			memcpy(s, fill, at);
			memcpy(s + at, one, n);
			memcpy(s + at + n, fill + at, 20);
			buf_reset(&got);
			assert_int_equal(buf_add_json_string(&got, s, at + n + 20), 0);
			buf_reset(&want);
			assert_int_equal(buf_addc(&want, '"'), 0);
			assert_int_equal(buf_add(&want, fill, at), 0);
			assert_int_equal(buf_add(&want, alone.data + 1, alone.len - 2), 0);
			assert_int_equal(buf_add(&want, fill + at, 20), 0);
			assert_int_equal(buf_addc(&want, '"'), 0);
			assert_int_equal(got.len, want.len);
			assert_memory_equal(got.data, want.data, want.len);
		}
	}
	buf_release(&got);
	buf_release(&alone);
	buf_release(&want);
}

/* Long strings are escaped a piece at a time, room made for each piece's
 * worst case first (buf.c): strings of several pieces, sequences across
 * their ends and the largest growth (every byte a control character) must
 * come out as each unit does alone. */
static void test_json_string_long_across_pieces(void **state)
{
	static const char *const units[] = { "a", "\x01", "\"", "\\", "\x7f", "\xc3\xa9",
					     "\xe2\x80\xa8", "\xf0\x9f\x98\x80", "\xff",
					     "plain text run " };
	struct buf got = BUF_INIT, want = BUF_INIT, one = BUF_INIT;
	char *s = malloc(40000);
	size_t len = 0;
	uint32_t x = 12345;

	(void)state;
	assert_non_null(s);
	assert_int_equal(buf_addc(&want, '"'), 0);
	while (len < 30000) {
		const char *u;
		x = x * 1103515245u + 12345u;
		u = units[(x >> 16) % (sizeof units / sizeof units[0])];
		memcpy(s + len, u, strlen(u));
		len += strlen(u);
		buf_reset(&one);
		assert_int_equal(buf_add_json_string(&one, u, strlen(u)), 0);
		assert_int_equal(buf_add(&want, one.data + 1, one.len - 2), 0);
	}
	assert_int_equal(buf_addc(&want, '"'), 0);
	assert_int_equal(buf_add_json_string(&got, s, len), 0);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len + 1);
	/* 800 bytes need 4,802 out: a room short of 6 a byte would stay in
	 * the 4,096 bytes that doubling gives (seen under `make check`) */
	memset(s, 1, 9000);
	for (size_t n = 1; n <= 9000; n = n < 800 ? 800 : n * 3) {
		buf_release(&got);
		assert_int_equal(buf_add_json_string(&got, s, n), 0);
		assert_int_equal(got.len, n * 6 + 2);
		assert_int_equal(got.data[got.len], '\0');
		assert_memory_equal(got.data + 1 + 6 * (n - 1), "\\u0001\"", 7);
	}
	free(s);
	buf_release(&got);
	buf_release(&want);
	buf_release(&one);
}

static void test_json_string_keeps_embedded_nul(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_add_json_string(&b, "a\0b", 3), 0);
	assert_string_equal(b.data, "\"a\\u0000b\"");
	buf_release(&b);
}

static void test_json_string_passes_valid_utf8_through(void **state)
{
	struct buf b = BUF_INIT;
	const char *s = "Москва — 東京 😀 é";
	char *r;

	(void)state;
	r = json_round_trip(s, strlen(s), &b);
	assert_string_equal(r, s);
	/* written as UTF-8, not as \u escapes */
	assert_non_null(strstr(b.data, "Москва"));
	free(r);
	buf_release(&b);
}

static void test_json_string_replaces_invalid_utf8(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "a\xff" "b", "a\xEF\xBF\xBD" "b" },               /* never valid */
		{ "a\xC3", "a\xEF\xBF\xBD" },                        /* truncated */
		{ "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD" },          /* overlong '/' */
		{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" }, /* surrogate */
		{ "\xF4\x90\x80\x80x", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx" },
		{ "\x80" "ok", "\xEF\xBF\xBD" "ok" },                /* lone continuation */
	};
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *r = json_round_trip(cases[i].in, strlen(cases[i].in), &b);
		assert_string_equal(r, cases[i].out);
		free(r);
	}
	buf_release(&b);
}

static void test_json_string_escapes_line_separators(void **state)
{
	struct buf b = BUF_INIT;
	const char *s = "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c";
	char *r;

	(void)state;
	r = json_round_trip(s, strlen(s), &b);
	assert_string_equal(r, s);
	assert_string_equal(b.data, "\"a\\u2028b\\u2029c\"");
	free(r);
	buf_release(&b);
}

static void test_json_string_appends_after_existing_content(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_adds(&b, "{\"k\":"), 0);
	assert_int_equal(buf_add_json_string(&b, "v", 1), 0);
	assert_int_equal(buf_add_json_string(&b, "", 0), 0);
	assert_string_equal(b.data, "{\"k\":\"v\"\"\"");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_init_is_empty_string),
		cmocka_unit_test(test_buf_grows_and_stays_terminated),
		cmocka_unit_test(test_buf_grow_reserves_without_changing_content),
		cmocka_unit_test(test_buf_grow_rejects_overflowing_size),
		cmocka_unit_test(test_buf_add_keeps_embedded_nul_bytes),
		cmocka_unit_test(test_buf_truncate_and_reset),
		cmocka_unit_test(test_buf_reset_on_empty_buffer_is_harmless),
		cmocka_unit_test(test_buf_printf_appends_formatted_text),
		cmocka_unit_test(test_buf_detach_hands_over_storage),
		cmocka_unit_test(test_buf_detach_of_empty_buffer_is_freeable),
		cmocka_unit_test(test_json_string_escapes_quotes_and_backslashes),
		cmocka_unit_test(test_json_string_escapes_every_control_character),
		cmocka_unit_test(test_json_string_keeps_embedded_nul),
		cmocka_unit_test(test_json_string_escapes_at_every_offset),
		cmocka_unit_test(test_json_string_long_across_pieces),
		cmocka_unit_test(test_json_string_passes_valid_utf8_through),
		cmocka_unit_test(test_json_string_replaces_invalid_utf8),
		cmocka_unit_test(test_json_string_escapes_line_separators),
		cmocka_unit_test(test_json_string_appends_after_existing_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
