/*
 * numbers: the number signature of a story (numbers.h). One pass over the
 * title and the text with analyze_next_word(); a word is a number when its
 * first code point is a decimal digit. The lead set is small (NUMBERS_LEAD)
 * and exact; the whole text goes into a fixed Bloom filter so that every
 * story's signature has one size, as the lead signatures have (the model
 * keeps them in one array, query and update copy them by slot).
 */
#include "numbers.h"

#include <stddef.h>
#include <string.h>

#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

static unsigned bloom_has(const uint32_t *bloom, uint32_t h)
{
	unsigned a = h & 511u, b = (h >> 9) & 511u;

	return (bloom[a / 32] >> (a % 32)) & (bloom[b / 32] >> (b % 32)) & 1u;
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

static int ascii_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Whether the code point that ends at p[i] (i > 0) is part of a word as
 * analyze_next_word() reads it: a byte that is no whole code point is a
 * separator there, so it is here. */
static int word_before(const unsigned char *p, size_t i)
{
	size_t j = i - 1;
	utf8proc_int32_t c;

	if (p[j] < 0x80)
		return ascii_word(p[j]);
	for (int n = 0; n < 3 && j > 0 && (p[j] & 0xc0) == 0x80; n++)
		j--;
	if ((p[j] & 0xc0) == 0x80 ||
	    utf8proc_iterate(p + j, (utf8proc_ssize_t)(i - j), &c) != (utf8proc_ssize_t)(i - j))
		return 0;
	return analyze_word_cp(c);
}

static void add_number(uint32_t *sig, const unsigned char *w, size_t len, int lead)
{
	uint32_t h = number_hash(w, len);

	bloom_add(sig + NUMBERS_LEAD, h);
	if (lead)
		lead_add(sig, h);
}

/* The first byte of p[i .. len) that is an ASCII digit or not ASCII (len
 * when none): past the lead only those can start a number. Sixteen bytes
 * are tested at a time with SSE2 (a text is mostly letters and spaces), the
 * rest eight at a time: with the high bits cleared no byte's sum carries
 * into the next, so y + (0x80 - '0') sets a byte's high bit from '0' up and
 * y + (0x7f - '9') from past '9'. A hit is then found byte by byte. */
static size_t next_candidate(const unsigned char *p, size_t i, size_t len)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;

#if defined(__SSE2__)
	/* sixteen bytes at a time, to the exact byte: b - '0' is at most 9
	 * for a digit; the sign bit marks a byte of 0x80 or more */
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
		__m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
		unsigned hit = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit, v));
		if (hit)
			return i + (size_t)__builtin_ctz(hit);
	}
#endif
	for (; i + 8 <= len; i += 8) {
		uint64_t v, y;
		memcpy(&v, p + i, 8);
		y = v & ~highs;
		if ((((y + ones * (0x80 - '0')) & ~(y + ones * (0x7f - '9'))) | v) & highs)
			break;
	}
	while (i < len && p[i] < 0x80 && !(p[i] >= '0' && p[i] <= '9'))
		i++;
	return i;
}

/* Adds the numbers of s to the filter, and to the lead those among its
 * first `lead_words` words (SIZE_MAX: all). Past the lead only the words
 * that start with a digit matter: they are found by looking at digits and
 * at what comes before them, not by reading every word (reading them all
 * took a quarter of the build's analysis time, 20,000 stories). The words
 * found are analyze_next_word()'s (test_numbers compares the two). */
static void scan(const char *s, size_t lead_words, uint32_t *sig)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, start, wl, words = 0;

	while (words < lead_words && (wl = analyze_next_word(p, len, &i, &start)) > 0) {
		if (starts_with_digit(p + start, wl))
			add_number(sig, p + start, wl, 1);
		words++;
	}
	while ((i = next_candidate(p, i, len)) < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = 1;
		int digit;
		if (p[i] < 0x80) {
			digit = p[i] >= '0' && p[i] <= '9';
		} else {
			k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
			digit = k > 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
		}
		if (digit && (i == 0 || !word_before(p, i))) {
			wl = analyze_next_word(p, len, &i, &start);
			add_number(sig, p + start, wl, 0);
			continue;
		}
		i += k > 0 ? (size_t)k : 1;
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

/* Lead numbers of a that b's filter lacks, and (in *n) how many a has:
 * one loop to a's first empty slot where a count of the lead's numbers
 * was another (the policy asks this of some 450,000 pairs on real text,
 * and each loop's exit is a mispredicted branch). */
static unsigned unstated(const uint32_t *a, const uint32_t *b, unsigned *n)
{
	unsigned k = 0, i = 0;

	for (; i < NUMBERS_LEAD && a[i]; i++)
		k += !bloom_has(b + NUMBERS_LEAD, a[i]);
	*n = i;
	return k;
}

float numbers_disagreement(const uint32_t *a, const uint32_t *b)
{
	unsigned na, nb, k;

	if (!a || !b)
		return 0.0f;
	k = unstated(a, b, &na) + unstated(b, a, &nb);
	return (float)k / (float)(na + nb + 2);
}
