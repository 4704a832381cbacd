/*
 * stopwords: the function words of a language, which say nothing about what
 * a story is about. Lists are written for this project from the grammar of
 * each language (articles, pronouns, auxiliaries, prepositions,
 * conjunctions, common adverbs) and hold case-folded forms.
 */
#ifndef RELATED_STOPWORDS_H
#define RELATED_STOPWORDS_H

#include <stddef.h>
#include <stdint.h>

/* True when `word` (len bytes, case-folded UTF-8) is a stopword of `lang`
 * (ISO 639-1). Unknown languages have no stopwords. Thread-safe after the
 * first call (tables are built once under pthread_once). */
int stopwords_contains(const char *lang, const char *word, size_t len);

/* The languages whose lists hold `word` (len bytes, case-folded UTF-8):
 * bit l set for stopwords_languages[l] (the first 32), so that a census of
 * every language costs one lookup a word. Thread-safe as above. */
uint32_t stopwords_languages_of(const char *word, size_t len);

/* True when stopwords exist for `lang`. */
int stopwords_known(const char *lang);

/* The languages with lists, NULL-terminated, for language guessing. */
extern const char *const stopwords_languages[];

#endif
