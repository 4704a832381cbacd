/*
 * stopwords: the function words of a language, which say nothing about what
 * a story is about. Lists are written for this project from the grammar of
 * each language (articles, pronouns, auxiliaries, prepositions,
 * conjunctions, common adverbs) and hold case-folded forms.
 */
#ifndef RELATED_STOPWORDS_H
#define RELATED_STOPWORDS_H

#include <stddef.h>

/* True when `word` (len bytes, case-folded UTF-8) is a stopword of `lang`
 * (ISO 639-1). Unknown languages have no stopwords. Thread-safe after the
 * first call (tables are built once under pthread_once). */
int stopwords_contains(const char *lang, const char *word, size_t len);

/* True when stopwords exist for `lang`. */
int stopwords_known(const char *lang);

/* The languages with lists, NULL-terminated, for language guessing. */
extern const char *const stopwords_languages[];

#endif
