/*
 * Tests for numbers: which words are numbers, which belong to the lead,
 * and the disagreement of two stories (numbers.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "numbers.h"

/* A text of `words` filler words, then `tail`. */
static void long_text(char *out, size_t cap, int words, const char *tail)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < words; i++)
		len += (size_t)snprintf(out + len, cap - len, "word ");
	snprintf(out + len, cap - len, "%s", tail);
}

static void test_lead_holds_the_numbers_of_title_and_first_words(void **state)
{
	uint32_t a[NUMBERS_SLOTS], b[NUMBERS_SLOTS];

	(void)state;
	/* 7 and 2 (of 7.2), 15, 2013: "G7" and "Mk2" start with a letter */
	numbers_signature("Magnitude 7.2 quake hits G7 summit", "At least 15 died in 2013, Mk2 said.",
			  a);
	assert_int_equal(numbers_lead_count(a), 4);
	/* the same numbers in another order and case: the same lead */
	numbers_signature("2013 quake", "15 dead, magnitude 7.2", b);
	assert_memory_equal(a, b, NUMBERS_LEAD * sizeof *a);
	numbers_signature(NULL, NULL, a);
	assert_int_equal(numbers_lead_count(a), 0);
	for (int i = 0; i < NUMBERS_SLOTS; i++)
		assert_int_equal(a[i], 0);
}

static void test_letters_after_a_digit_fold_case(void **state)
{
	uint32_t a[NUMBERS_SLOTS], b[NUMBERS_SLOTS], c[NUMBERS_SLOTS];

	(void)state;
	numbers_signature("The 5th round", NULL, a);
	numbers_signature("THE 5TH ROUND", NULL, b);
	numbers_signature("The 6th round", NULL, c);
	assert_int_equal(numbers_lead_count(a), 1);
	assert_memory_equal(a, b, sizeof a);
	assert_int_not_equal(a[0], c[0]);
}

static void test_numbers_past_the_lead_count_for_the_text_only(void **state)
{
	char text[1024];
	uint32_t late[NUMBERS_SLOTS], lead[NUMBERS_SLOTS];

	(void)state;
	long_text(text, sizeof text, 70, "the toll reached 312");
	numbers_signature("Quake", text, late);
	assert_int_equal(numbers_lead_count(late), 0);
	numbers_signature("Quake toll 312", NULL, lead);
	assert_int_equal(numbers_lead_count(lead), 1);
	/* the lead's 312 is stated by the long text: no disagreement; a 313
	 * is not */
	assert_float_equal(numbers_disagreement(lead, late), 0.0f, 1e-6);
	numbers_signature("Quake toll 313", NULL, lead);
	assert_float_equal(numbers_disagreement(lead, late), 1.0f / 3.0f, 1e-6);
}

static void test_disagreement_counts_both_ways_over_leads_plus_two(void **state)
{
	uint32_t a[NUMBERS_SLOTS], b[NUMBERS_SLOTS], none[NUMBERS_SLOTS];

	(void)state;
	numbers_signature("Quake of 7.1 kills 40", NULL, a);  /* 7, 1, 40 */
	numbers_signature("Quake of 6.1 kills 40", NULL, b);  /* 6, 1, 40 */
	numbers_signature("Quake kills many", NULL, none);
	assert_float_equal(numbers_disagreement(a, a), 0.0f, 1e-6);
	/* 7 unstated by b, 6 unstated by a: 2 / (3 + 3 + 2) */
	assert_float_equal(numbers_disagreement(a, b), 0.25f, 1e-6);
	assert_float_equal(numbers_disagreement(b, a), 0.25f, 1e-6);
	/* three of a's that `none` lacks: 3 / (3 + 0 + 2) */
	assert_float_equal(numbers_disagreement(a, none), 0.6f, 1e-6);
	assert_float_equal(numbers_disagreement(none, none), 0.0f, 1e-6);
	assert_float_equal(numbers_disagreement(a, NULL), 0.0f, 1e-6);
}

static void test_lead_keeps_the_first_numbers_sorted(void **state)
{
	uint32_t a[NUMBERS_SLOTS];

	(void)state;
	numbers_signature("1 2 3 4 5 6 7 8 9 10 11 12", NULL, a);
	assert_int_equal(numbers_lead_count(a), NUMBERS_LEAD);
	for (int i = 1; i < NUMBERS_LEAD; i++)
		assert_true(a[i - 1] < a[i]);
}

/* Past the lead the text is searched for digits rather than read word by
 * word (numbers.c): it must find the numbers reading every word finds, as
 * the title is read. Filler words fill the lead; the same text as a title
 * must set the same filter bits. */
static void test_text_past_the_lead_finds_what_reading_every_word_finds(void **state)
{
	static const char *const cases[] = {
		"G7 7G 12 x12 12x",
		"caf\xc3\xa9" "7 \xc3\xa9" "7 7\xc3\xa9",      /* é before and after */
		"\xd9\xa3\xd9\xa4 at \xd9\xa5x",             /* Arabic-Indic digits */
		"bad\xff" "7 \xe2\x82 7 \xe2\x82" "7 \x80\x80\x80\x80" "9",
		"-3 (4) 5,000 2.5% 24/7 \xe2\x80\x94" "8",      /* em dash then 8 */
		"\xe4\xb8\xad" "3 \xef\xbc\x93",             /* CJK then 3; fullwidth 3 */
		"9",
	};
	char text[2048];
	uint32_t as_title[NUMBERS_SLOTS], in_text[NUMBERS_SLOTS];

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		long_text(text, sizeof text, 60, cases[c]);
		numbers_signature(cases[c], NULL, as_title);
		numbers_signature(NULL, text, in_text);
		assert_int_equal(numbers_lead_count(in_text), 0);
		assert_memory_equal(as_title + NUMBERS_LEAD, in_text + NUMBERS_LEAD,
				    NUMBERS_BLOOM_WORDS * sizeof *as_title);
	}
	/* and it finds some: 12, 12x, 7 and 7G differ from none */
	numbers_signature(NULL, NULL, in_text);
	numbers_signature(cases[0], NULL, as_title);
	assert_memory_not_equal(as_title + NUMBERS_LEAD, in_text + NUMBERS_LEAD,
				NUMBERS_BLOOM_WORDS * sizeof *as_title);
}

/* Past the lead the text is searched eight bytes at a time for digits and
 * bytes that are not ASCII (numbers.c): each number must be found wherever
 * it falls in those eight bytes, next to the bytes just below '0' and just
 * above '9' ('/' and ':', which are no digits), and after the last whole
 * eight. The tail shifted by 0 to 16 bytes must set the filter bits the
 * same tail read as a title sets. */
static void test_numbers_past_the_lead_are_found_at_every_offset(void **state)
{
	static const char *const tails[] = {
		"0/9:/0: 9", "a:b/c 5", "\xd9\xa3 x", "x\xc3\xa9" "4 4", "7",
	};
	char tail[128], text[1024];
	uint32_t as_title[NUMBERS_SLOTS], in_text[NUMBERS_SLOTS], none[NUMBERS_SLOTS];

	(void)state;
	numbers_signature(NULL, NULL, none);
	for (size_t c = 0; c < sizeof tails / sizeof tails[0]; c++)
		for (int shift = 0; shift <= 16; shift++) {
			snprintf(tail, sizeof tail, "%.*s%s", shift, "/:/:/:/:/:/:/:/:/:", tails[c]);
			long_text(text, sizeof text, 60, tail);
			numbers_signature(tail, NULL, as_title);
			numbers_signature(NULL, text, in_text);
			assert_memory_not_equal(as_title + NUMBERS_LEAD, none + NUMBERS_LEAD,
						NUMBERS_BLOOM_WORDS * sizeof *none);
			assert_memory_equal(as_title + NUMBERS_LEAD, in_text + NUMBERS_LEAD,
					    NUMBERS_BLOOM_WORDS * sizeof *as_title);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lead_holds_the_numbers_of_title_and_first_words),
		cmocka_unit_test(test_letters_after_a_digit_fold_case),
		cmocka_unit_test(test_numbers_past_the_lead_count_for_the_text_only),
		cmocka_unit_test(test_disagreement_counts_both_ways_over_leads_plus_two),
		cmocka_unit_test(test_lead_keeps_the_first_numbers_sorted),
		cmocka_unit_test(test_text_past_the_lead_finds_what_reading_every_word_finds),
		cmocka_unit_test(test_numbers_past_the_lead_are_found_at_every_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
