/*
 * numbers: the number signature of a story (numbers.h). One pass over the
 * title and the text with analyze_next_word(); a word is a number when its
 * first code point is a decimal digit. The lead set is small (NUMBERS_LEAD)
 * and exact; the whole text goes into a fixed Bloom filter so that every
 * story's signature has one size, as the lead signatures have (the model
 * keeps them in one array, query and update copy them by slot).
 */
#include "numbers.h"

#include <string.h>

#include <utf8proc.h>

#include "analyze.h"
#include "hash.h"

/* The hash of a number word (ASCII letters folded), never 0. */
static uint32_t number_hash(const unsigned char *w, size_t len)
{
	unsigned char folded[64];
	uint32_t h;

	if (len > sizeof folded)
		len = sizeof folded; /* longer "numbers" are codes, compared by their start */
	for (size_t i = 0; i < len; i++)
		folded[i] = w[i] >= 'A' && w[i] <= 'Z' ? (unsigned char)(w[i] + 32) : w[i];
	h = hash_bytes(folded, len);
	return h ? h : 1;
}

static int starts_with_digit(const unsigned char *w, size_t len)
{
	utf8proc_int32_t c;

	if (w[0] < 0x80)
		return w[0] >= '0' && w[0] <= '9';
	return utf8proc_iterate(w, (utf8proc_ssize_t)len, &c) > 0 &&
	       utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

static void bloom_add(uint32_t *bloom, uint32_t h)
{
	unsigned a = h & 511u, b = (h >> 9) & 511u;

	bloom[a / 32] |= 1u << (a % 32);
	bloom[b / 32] |= 1u << (b % 32);
}

static int bloom_has(const uint32_t *bloom, uint32_t h)
{
	unsigned a = h & 511u, b = (h >> 9) & 511u;

	return (bloom[a / 32] >> (a % 32) & 1u) && (bloom[b / 32] >> (b % 32) & 1u);
}

static void lead_add(uint32_t *lead, uint32_t h)
{
	for (int i = 0; i < NUMBERS_LEAD; i++) {
		if (lead[i] == h)
			return;
		if (!lead[i]) {
			lead[i] = h;
			return;
		}
	}
}

/* Adds the numbers of s to the filter, and to the lead those among its
 * first `lead_words` words (SIZE_MAX: all). */
static void scan(const char *s, size_t lead_words, uint32_t *sig)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, start, wl, words = 0;

	while ((wl = analyze_next_word(p, len, &i, &start)) > 0) {
		if (starts_with_digit(p + start, wl)) {
			uint32_t h = number_hash(p + start, wl);
			bloom_add(sig + NUMBERS_LEAD, h);
			if (words < lead_words)
				lead_add(sig, h);
		}
		words++;
	}
}

static void sort_lead(uint32_t *lead)
{
	for (int i = 1; i < NUMBERS_LEAD && lead[i]; i++)
		for (int j = i; j > 0 && lead[j] < lead[j - 1]; j--) {
			uint32_t t = lead[j];
			lead[j] = lead[j - 1];
			lead[j - 1] = t;
		}
}

void numbers_signature(const char *title, const char *text, uint32_t sig[NUMBERS_SLOTS])
{
	memset(sig, 0, NUMBERS_SLOTS * sizeof *sig);
	if (title)
		scan(title, SIZE_MAX, sig);
	if (text)
		scan(text, ANALYZE_LEAD_WORDS, sig);
	sort_lead(sig);
}

unsigned numbers_lead_count(const uint32_t *sig)
{
	unsigned n = 0;

	while (n < NUMBERS_LEAD && sig[n])
		n++;
	return n;
}

/* Lead numbers of a that b's filter lacks. */
static unsigned unstated(const uint32_t *a, const uint32_t *b)
{
	unsigned k = 0;

	for (int i = 0; i < NUMBERS_LEAD && a[i]; i++)
		k += !bloom_has(b + NUMBERS_LEAD, a[i]);
	return k;
}

float numbers_disagreement(const uint32_t *a, const uint32_t *b)
{
	if (!a || !b)
		return 0.0f;
	return (float)(unstated(a, b) + unstated(b, a)) /
	       (float)(numbers_lead_count(a) + numbers_lead_count(b) + 2);
}
