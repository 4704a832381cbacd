/*
 * numbers: the numbers a story states, for telling apart two events of
 * one kind (two earthquakes, two arrests of one team's players): they
 * share the topic's words, not the magnitude, the toll, the date.
 *
 * A number is a word (analyze_next_word()) starting with a decimal digit
 * ("7.2" is "7" and "2"; "5th" is one), ASCII letters case-folded. A
 * story's number signature is NUMBERS_SLOTS u32:
 *   - slots 0 .. NUMBERS_LEAD: the hashes of the distinct numbers of its
 *     lead (the title and the first ANALYZE_LEAD_WORDS words of the text),
 *     the first NUMBERS_LEAD of them in text order, sorted, 0 after the
 *     last (a hash of 0 is stored as 1);
 *   - slots NUMBERS_LEAD ..: a Bloom filter (two bits a number) of every
 *     number of the title and the whole text. With 50 distinct numbers
 *     about 3% of the numbers a text lacks read as stated (200: 29%); a
 *     false "stated" only makes two stories look less different.
 * The signature is what the model keeps per story (model.h) and what
 * query computes for a new one, so both judge a pair alike.
 */
#ifndef RELATED_NUMBERS_H
#define RELATED_NUMBERS_H

#include <stdint.h>

#define NUMBERS_LEAD 8
#define NUMBERS_BLOOM_WORDS 16 /* 512 bits */
#define NUMBERS_SLOTS (NUMBERS_LEAD + NUMBERS_BLOOM_WORDS)

/* The signature of a story (title and text may be NULL) into sig.
 * Thread-safe; allocates nothing. */
void numbers_signature(const char *title, const char *text, uint32_t sig[NUMBERS_SLOTS]);

/* How many numbers of a's lead b's text does not state (by b's filter),
 * plus the same from b to a, over (the lead numbers of both + 2): 0 when
 * the leads state nothing the other lacks, towards 1 when they disagree on
 * many. The + 2 keeps one unmatched number ("G7") from making two stories
 * disagree fully. NULL a or b (a model without signatures): 0. */
float numbers_disagreement(const uint32_t *a, const uint32_t *b);

/* The lead numbers a signature holds. */
unsigned numbers_lead_count(const uint32_t *sig);

#endif
