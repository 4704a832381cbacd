/*
 * Tests for analyze: normalisation, word splitting, stopwords, stemming in
 * several languages, title and lead weights, CJK bigrams, and the language
 * helpers. Expectations come from the header's rules and from Snowball's
 * documented behaviour (inflected forms of one word share a stem), never
 * from a specific stem spelling unless the spelling is obvious.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "analyze.h"
#include "stopwords.h"
#include "article.h"
#include "hash.h"

/* Weighted count of `term` in the bag, or -1 when absent. */
static float count_of(const struct bag *b, const char *term)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->terms.data + b->offsets[i], term))
			return b->counts[i];
	return -1.0f;
}

static const char *term_at(const struct bag *b, size_t i)
{
	return b->terms.data + b->offsets[i];
}

/* Analyses (title, text, lang) with options o (defaults when NULL) into b. */
static void analyze(const struct analyze_options *o, const char *title,
		    const char *text, const char *lang, struct bag *b)
{
	struct analyze_options def;
	struct article a = { 0 };
	struct analyzer *an;

	analyze_options_default(&def);
	def.lead_weight = 1.0f; /* the texts here are one paragraph: no lead bonus */
	an = analyzer_new(o ? o : &def);
	assert_non_null(an);
	a.title = (char *)(uintptr_t)title;
	a.text = (char *)(uintptr_t)text;
	a.lang = (char *)(uintptr_t)lang;
	assert_int_equal(analyze_article(an, &a, b), 0);
	analyzer_free(an);
}

/* The single term a word becomes in `lang` (default options), copied into
 * out; fails the test unless exactly one term results. */
static void stem_of(const char *word, const char *lang, char *out, size_t outlen)
{
	struct bag b;

	bag_init(&b);
	analyze(NULL, NULL, word, lang, &b);
	assert_int_equal(b.n, 1);
	snprintf(out, outlen, "%s", term_at(&b, 0));
	bag_free(&b);
}

static void assert_same_stem(const char *w1, const char *w2, const char *lang)
{
	char s1[128], s2[128];

	stem_of(w1, lang, s1, sizeof s1);
	stem_of(w2, lang, s2, sizeof s2);
	if (strcmp(s1, s2))
		fail_msg("%s: \"%s\" -> \"%s\" but \"%s\" -> \"%s\"", lang, w1, s1, w2, s2);
}

static void test_options_default_match_header(void **state)
{
	struct analyze_options o;

	(void)state;
	analyze_options_default(&o);
	assert_true(o.title_weight == 2.0f);
	assert_true(o.lead_weight == 2.0f);
	assert_int_equal(o.stem, 1);
	assert_int_equal(o.stopwords, 1);
}

static void test_case_folding_and_nfkc_merge_forms(void **state)
{
	struct bag b;

	(void)state;
	bag_init(&b);
	/* fullwidth, upper, title case and plain are one word */
	analyze(NULL, NULL, "ＡＢＣ ABC Abc abc", NULL, &b);
	assert_int_equal(b.n, 1);
	assert_string_equal(term_at(&b, 0), "abc");
	assert_true(count_of(&b, "abc") == 4.0f);
	/* compatibility ligature and German sharp s */
	analyze(NULL, NULL, "ﬁle FILE Straße STRASSE", NULL, &b);
	assert_int_equal(b.n, 2);
	assert_true(count_of(&b, "file") == 2.0f);
	assert_true(count_of(&b, "strasse") == 2.0f);
	/* Cyrillic upper case folds too */
	analyze(NULL, NULL, "МОСКВА Москва", NULL, &b);
	assert_int_equal(b.n, 1);
	assert_string_equal(term_at(&b, 0), "москва");
	bag_free(&b);
}

static void test_decomposed_accents_compose(void **state)
{
	struct bag b;

	(void)state;
	bag_init(&b);
	/* "café" precomposed and with a combining acute accent */
	analyze(NULL, NULL, "caf\xC3\xA9 cafe\xCC\x81", NULL, &b);
	assert_int_equal(b.n, 1);
	assert_string_equal(term_at(&b, 0), "caf\xC3\xA9");
	assert_true(b.counts[0] == 2.0f);
	bag_free(&b);
}

static void test_punctuation_and_symbols_split_words(void **state)
{
	struct bag b;

	(void)state;
	bag_init(&b);
	analyze(NULL, NULL, "alpha-beta,gamma.delta/epsilon«zeta»eta—theta+iota 2017",
		NULL, &b);
	assert_int_equal(b.n, 10);
	assert_string_equal(term_at(&b, 0), "alpha");
	assert_string_equal(term_at(&b, 1), "beta");
	assert_string_equal(term_at(&b, 2), "gamma");
	assert_string_equal(term_at(&b, 3), "delta");
	assert_string_equal(term_at(&b, 4), "epsilon");
	assert_string_equal(term_at(&b, 5), "zeta");
	assert_string_equal(term_at(&b, 6), "eta");
	assert_string_equal(term_at(&b, 7), "theta");
	assert_string_equal(term_at(&b, 8), "iota");
	assert_string_equal(term_at(&b, 9), "2017");
	bag_free(&b);
}

static void test_one_char_and_overlong_words_are_dropped(void **state)
{
	char text[256], w40[41], w41[42];
	struct bag b;

	(void)state;
	memset(w40, 'k', 40);
	w40[40] = '\0';
	memset(w41, 'm', 41);
	w41[41] = '\0';
	snprintf(text, sizeof text, "x y 7 ok %s %s я", w40, w41);
	bag_init(&b);
	analyze(NULL, NULL, text, NULL, &b);
	assert_int_equal(b.n, 2);
	assert_true(count_of(&b, "ok") == 1.0f);
	assert_true(count_of(&b, w40) == 1.0f);
	assert_true(count_of(&b, w41) < 0);
	assert_true(count_of(&b, "x") < 0);
	bag_free(&b);
}

static void test_english_stopwords_are_removed(void **state)
{
	struct analyze_options o;
	struct bag b;

	(void)state;
	bag_init(&b);
	analyze(NULL, NULL, "The minister and the president were in Moscow", "en", &b);
	assert_true(count_of(&b, "the") < 0);
	assert_true(count_of(&b, "and") < 0);
	assert_true(count_of(&b, "were") < 0);
	assert_true(count_of(&b, "in") < 0);
	assert_int_equal(b.n, 3); /* minister, president, moscow */
	assert_true(count_of(&b, "moscow") == 1.0f);

	/* turned off: they stay */
	analyze_options_default(&o);
	o.lead_weight = 1.0f;
	o.stopwords = 0;
	analyze(&o, NULL, "The minister and the president", "en", &b);
	assert_true(count_of(&b, "the") == 2.0f);
	assert_true(count_of(&b, "and") == 1.0f);

	/* unknown language: no stopwords, no stemming */
	analyze(NULL, NULL, "the running runs", NULL, &b);
	assert_true(count_of(&b, "the") == 1.0f);
	assert_true(count_of(&b, "running") == 1.0f);
	assert_true(count_of(&b, "runs") == 1.0f);
	bag_free(&b);
}

static void test_language_tag_is_normalised_before_use(void **state)
{
	struct bag b;

	(void)state;
	bag_init(&b);
	analyze(NULL, NULL, "the runs", "en-GB", &b);
	assert_int_equal(b.n, 1);
	assert_string_equal(term_at(&b, 0), "run");
	analyze(NULL, NULL, "the runs", "EN", &b);
	assert_int_equal(b.n, 1);
	assert_string_equal(term_at(&b, 0), "run");
	bag_free(&b);
}

static void test_english_inflections_share_a_stem(void **state)
{
	char s[128];

	(void)state;
	assert_same_stem("running", "runs", "en");
	assert_same_stem("run", "runs", "en");
	assert_same_stem("election", "elections", "en");
	assert_same_stem("connected", "connecting", "en");
	stem_of("runs", "en", s, sizeof s);
	assert_string_equal(s, "run");
}

static void test_stemming_can_be_turned_off(void **state)
{
	struct analyze_options o;
	struct bag b;

	(void)state;
	analyze_options_default(&o);
	o.lead_weight = 1.0f;
	o.stem = 0;
	bag_init(&b);
	analyze(&o, NULL, "running runs", "en", &b);
	assert_int_equal(b.n, 2);
	assert_true(count_of(&b, "running") == 1.0f);
	assert_true(count_of(&b, "runs") == 1.0f);
	bag_free(&b);
}

static void test_russian_case_forms_share_a_stem(void **state)
{
	(void)state;
	assert_same_stem("Москве", "Москва", "ru");
	assert_same_stem("Москвы", "Москву", "ru");
	assert_same_stem("Тиллерсона", "Тиллерсон", "ru");
	assert_same_stem("Тиллерсоном", "Тиллерсон", "ru");
	assert_same_stem("президента", "президенту", "ru");
	assert_same_stem("выборах", "выборы", "ru");
}

static void test_russian_stopwords_are_removed(void **state)
{
	struct bag b;

	(void)state;
	bag_init(&b);
	analyze(NULL, NULL, "Он был в Москве и что это", "ru", &b);
	assert_int_equal(b.n, 1);
	bag_free(&b);
}

static void test_german_inflections_share_a_stem(void **state)
{
	struct bag b;

	(void)state;
	assert_same_stem("Regierung", "Regierungen", "de");
	assert_same_stem("Wahlen", "Wahl", "de");
	bag_init(&b);
	analyze(NULL, NULL, "Die Regierung und der Kanzler", "de", &b);
	assert_int_equal(b.n, 2); /* die, und, der are stopwords */
	bag_free(&b);
}

static void test_title_words_count_title_weight_times(void **state)
{
	struct analyze_options o;
	struct bag b;

	(void)state;
	analyze_options_default(&o);
	o.lead_weight = 1.0f;
	o.title_weight = 3.0f;
	o.stem = 0;
	bag_init(&b);
	analyze(&o, "Budget vote", "budget passed\n\nsecond paragraph budget", NULL, &b);
	/* 3 from the title, 1 from the lead, 1 from the body */
	assert_true(count_of(&b, "budget") == 5.0f);
	assert_true(count_of(&b, "vote") == 3.0f);
	assert_true(count_of(&b, "passed") == 1.0f);
	assert_true(count_of(&b, "paragraph") == 1.0f);
	/* terms in order of first occurrence, title first */
	assert_string_equal(term_at(&b, 0), "budget");
	assert_string_equal(term_at(&b, 1), "vote");
	assert_string_equal(term_at(&b, 2), "passed");
	bag_free(&b);
}

static void test_lead_words_count_lead_weight_times(void **state)
{
	struct analyze_options o;
	struct bag b;

	(void)state;
	analyze_options_default(&o);
	o.lead_weight = 2.5f;
	bag_init(&b);
	analyze(&o, NULL, "alpha beta\n\ngamma alpha\n\ndelta", NULL, &b);
	assert_true(count_of(&b, "alpha") == 3.5f);
	assert_true(count_of(&b, "beta") == 2.5f);
	assert_true(count_of(&b, "gamma") == 1.0f);
	assert_true(count_of(&b, "delta") == 1.0f);
	bag_free(&b);
}

static void test_cjk_runs_become_bigrams(void **state)
{
	struct bag b;

	(void)state;
	bag_init(&b);
	analyze(NULL, NULL, "東京大学 と ソウル", NULL, &b);
	assert_true(count_of(&b, "東京") == 1.0f);
	assert_true(count_of(&b, "京大") == 1.0f);
	assert_true(count_of(&b, "大学") == 1.0f);
	assert_true(count_of(&b, "ソウ") == 1.0f);
	assert_true(count_of(&b, "ウル") == 1.0f);
	/* no whole-run terms, no bigram across a space */
	assert_true(count_of(&b, "東京大学") < 0);
	assert_true(count_of(&b, "学と") < 0);
	assert_int_equal(b.n, 5);
	/* Hangul too; a Latin word next to Han characters stays separate */
	analyze(NULL, NULL, "서울시 Seoul北京", NULL, &b);
	assert_true(count_of(&b, "서울") == 1.0f);
	assert_true(count_of(&b, "울시") == 1.0f);
	assert_true(count_of(&b, "seoul") == 1.0f);
	assert_true(count_of(&b, "北京") == 1.0f);
	assert_int_equal(b.n, 4);
	bag_free(&b);
}

static void test_bag_is_reset_between_articles(void **state)
{
	struct analyze_options o;
	struct analyzer *an;
	struct article a = { 0 };
	struct bag b;
	char text[64];

	(void)state;
	analyze_options_default(&o);
	o.lead_weight = 1.0f;
	an = analyzer_new(&o);
	assert_non_null(an);
	bag_init(&b);
	a.text = text;
	snprintf(text, sizeof text, "first words here first");
	assert_int_equal(analyze_article(an, &a, &b), 0);
	assert_int_equal(b.n, 3);
	assert_true(count_of(&b, "first") == 2.0f);
	snprintf(text, sizeof text, "second first");
	assert_int_equal(analyze_article(an, &a, &b), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(term_at(&b, 0), "second");
	assert_true(count_of(&b, "first") == 1.0f);
	assert_true(count_of(&b, "words") < 0);
	a.text = NULL;
	assert_int_equal(analyze_article(an, &a, &b), 0);
	assert_int_equal(b.n, 0);
	bag_free(&b);
	analyzer_free(an);
}

/* A story's bag is counted in place (analyze.c: bag_count()): a story of
 * 3,000 terms, each twice, grows the bag and its look-up table past their
 * first sizes; the short story after it in the same analyzer and bag, and
 * the long one again, get exactly their own terms and counts. */
static void test_bag_grows_and_empties_between_stories(void **state)
{
	enum { N = 3000 };
	struct analyze_options o;
	struct analyzer *an;
	struct article a = { 0 };
	struct bag b;
	char *text = malloc(2 * N * 8 + 1), word[16];
	size_t n = 0;

	(void)state;
	assert_non_null(text);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < N; i++)
			n += (size_t)sprintf(text + n, "q%dz ", i);
	analyze_options_default(&o);
	o.lead_weight = 1.0f;
	o.stem = 0;
	an = analyzer_new(&o);
	assert_non_null(an);
	bag_init(&b);
	for (int round = 0; round < 2; round++) {
		a.text = text;
		assert_int_equal(analyze_article(an, &a, &b), 0);
		assert_int_equal(b.n, N);
		for (int i = 0; i < N; i++) {
			snprintf(word, sizeof word, "q%dz", i);
			assert_string_equal(term_at(&b, (size_t)i), word);
			assert_true(b.counts[i] == 2.0f);
		}
		a.text = "alpha beta alpha";
		assert_int_equal(analyze_article(an, &a, &b), 0);
		assert_int_equal(b.n, 2);
		assert_string_equal(term_at(&b, 0), "alpha");
		assert_true(b.counts[0] == 2.0f && b.counts[1] == 1.0f);
	}
	bag_free(&b);
	analyzer_free(an);
	free(text);
}

/* Same terms, in the same order, with the same counts. */
static void assert_bags_equal(const struct bag *a, const struct bag *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(term_at(a, i), term_at(b, i));
		assert_true(a->counts[i] == b->counts[i]);
	}
}

/* Stories are counted by term id (the ids kept in the word caches) unless
 * bigrams or words are wanted: the bags must be those of the map of terms
 * by name, term for term, in the same order and with the same counts, for
 * stories in several languages (stemmed, with stopwords, CJK bigrams, no
 * language), with names counted too, without stemming or stopwords, and
 * when the ids start afresh every few dozen terms (words whose cache entry
 * kept an id from before). Each analyzer sees the stories in turn, as a
 * worker does. */
static void test_counting_by_term_id_gives_the_bags_by_name(void **state)
{
	static const char *const vocab[] = {
		"The", "minister", "ministers", "said", "Sergei", "Lavrov", "met", "Rex",
		"Tillerson", "in", "Moscow", "talks", "talking", "talked", "on", "Syria",
		"die", "Gespr\xc3\xa4" "che", "Gespr\xc3\xa4" "chen", "und", "\xd0\xbf\xd0\xb5\xd1\x80"
		"\xd0\xb5\xd0\xb3\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x80\xd1\x8b",
		"\xe4\xb8\xad\xe5\x9b\xbd\xe5\xa4\x96\xe4\xba\xa4", "caf\xc3\xa9", "2017",
		"administration", "internationalisation", "x", "a", "re-edit", "U.S.",
	};
	static const char *const langs[] = { "en", "de", "ru", NULL, "zh", "en-GB" };
	const size_t nv = sizeof vocab / sizeof vocab[0];
	struct analyze_options opts[4];
	static char title[256], text[8192];

	(void)state;
	for (int k = 0; k < 4; k++)
		analyze_options_default(&opts[k]);
	opts[1].name_weight = 1.5f;
	opts[2].stem = 0;
	opts[2].stopwords = 0;
	opts[3].title_weight = 3.0f;
	for (int limit = 0; limit < 2; limit++) {
		analyze_set_term_limit(limit ? 37 : 0);
		for (int k = 0; k < 4; k++) {
			struct analyzer *by_id = analyzer_new(&opts[k]);
			struct analyzer *by_name = analyzer_new(&opts[k]);
			struct bag a, b;
			assert_non_null(by_id);
			assert_non_null(by_name);
			bag_init(&a);
			bag_init(&b);
			srand(21 + k);
			for (int story = 0; story < 150; story++) {
				struct article art = { 0 };
				int words = 1 + rand() % 300;
				snprintf(title, sizeof title, "%s %s %s", vocab[(size_t)rand() % nv],
					 vocab[(size_t)rand() % nv], vocab[(size_t)rand() % nv]);
				text[0] = '\0';
				for (int w = 0; w < words; w++) {
					strcat(text, vocab[(size_t)rand() % nv]);
					strcat(text, w % 40 == 39 ? ".\n\n" : rand() % 5 ? " " : ", ");
				}
				art.title = title;
				art.text = text;
				art.lang = (char *)(uintptr_t)langs[story % 6];
				analyze_use_term_ids(1);
				assert_int_equal(analyze_article(by_id, &art, &a), 0);
				analyze_use_term_ids(0);
				assert_int_equal(analyze_article(by_name, &art, &b), 0);
				assert_true(a.n > 0);
				assert_bags_equal(&a, &b);
			}
			bag_free(&a);
			bag_free(&b);
			analyzer_free(by_id);
			analyzer_free(by_name);
		}
	}
	analyze_use_term_ids(0); /* the default */
	analyze_set_term_limit(0);
}

/* ASCII text takes a shortcut past utf8proc: every ASCII character splits
 * or joins words exactly as on the general path, which one non-ASCII
 * character (a one-letter word, dropped) forces; and there, an ASCII
 * character joins words exactly when utf8proc's category makes it a letter
 * or a digit. */
static void test_ascii_shortcut_splits_words_like_utf8proc(void **state)
{
	char ascii[2048], mixed[2060];
	size_t n = 0;
	struct bag fast, slow;

	(void)state;
	for (int c = 1; c < 128; c++) {
		n += (size_t)snprintf(ascii + n, sizeof ascii - n, "w%dx%c", c, c);
		ascii[n++] = 'q';
		ascii[n++] = (char)c;
		ascii[n++] = 'z';
		ascii[n++] = 'z';
		ascii[n++] = ' ';
	}
	ascii[n] = '\0';
	snprintf(mixed, sizeof mixed, "%s \xc3\xa9", ascii);
	bag_init(&fast);
	bag_init(&slow);
	analyze(NULL, NULL, ascii, "en", &fast);
	analyze(NULL, NULL, mixed, "en", &slow);
	assert_true(fast.n > 127);
	assert_bags_equal(&fast, &slow);
	/* and as utf8proc's categories say, in a text that is not all ASCII */
	for (int c = 1; c < 128; c++) {
		utf8proc_category_t cat = utf8proc_category(c);
		int word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
			   (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
			   (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
		char joined[8] = { 'b', 'q', (char)(c >= 'A' && c <= 'Z' ? c + 32 : c), 'z', 'z' };
		snprintf(mixed, sizeof mixed, "bq%czz \xc3\xa9t\xc3\xa9", c);
		analyze(NULL, NULL, mixed, NULL, &slow);
		if (word) {
			assert_true(count_of(&slow, joined) == 1.0f);
		} else {
			assert_true(count_of(&slow, "bq") == 1.0f);
			assert_true(count_of(&slow, "zz") == 1.0f);
		}
	}
	bag_free(&fast);
	bag_free(&slow);
}

/* Stems are remembered per analyzer (and forgotten past a bound): a story
 * analysed by an analyzer that has seen 300,000 other words, in several
 * languages, and the story itself before, gets the same terms and counts as
 * from a fresh analyzer. */
static void test_reused_analyzer_gives_the_same_terms(void **state)
{
	static const char *const langs[] = { "en", "de", "ru" };
	const char *story = "Running runners ran; the runner runs. Nations' national "
			    "nationalisation. Laufende Läufer liefen. Бегущие бегуны бежали.";
	struct analyze_options o;
	struct analyzer *an;
	struct article a = { 0 };
	struct bag fresh, reused;
	size_t n = 300000, len = n * 9 + 1;
	char *big = malloc(len), *p = big;

	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i < n; i++) {
		size_t v = i;
		*p++ = 'w';
		for (int k = 0; k < 6; k++, v /= 26)
			*p++ = (char)('a' + v % 26);
		*p++ = i % 3 ? 's' : 'x';
		*p++ = ' ';
	}
	*p = '\0';
	analyze_options_default(&o);
	bag_init(&fresh);
	bag_init(&reused);
	for (size_t l = 0; l < sizeof langs / sizeof *langs; l++) {
		a.lang = (char *)(uintptr_t)langs[l];
		a.text = (char *)(uintptr_t)story;
		an = analyzer_new(&o);
		assert_non_null(an);
		assert_int_equal(analyze_article(an, &a, &fresh), 0);
		analyzer_free(an);

		an = analyzer_new(&o);
		assert_non_null(an);
		assert_int_equal(analyze_article(an, &a, &reused), 0);
		a.text = big;
		assert_int_equal(analyze_article(an, &a, &reused), 0);
		assert_true(reused.n > 250000);
		a.text = (char *)(uintptr_t)story;
		assert_int_equal(analyze_article(an, &a, &reused), 0);
		analyzer_free(an);

		assert_true(fresh.n > 5);
		assert_bags_equal(&reused, &fresh);
	}
	bag_free(&fresh);
	bag_free(&reused);
	free(big);
}

/* One analyzer keeps a few languages' word caches at a time and reuses
 * them in turn: a story analysed in each of 20 languages, three times
 * round, gets the terms a fresh analyzer gives it. */
static void test_many_languages_in_one_analyzer(void **state)
{
	static const char *const langs[] = { "en", "de", "ru", "fr", "es", "it", "pt",
					     "nl", "sv", "no", "da", "fi", "hu", "ro",
					     "tr", "el", "ar", "id", "ga", "ca" };
	const char *story = "The nations were running and the runners ran nationally; "
			    "die Läufer liefen, les coureurs couraient, los corredores.";
	struct analyze_options o;
	struct analyzer *reused;
	struct article a = { 0 };
	struct bag fresh, got;

	(void)state;
	analyze_options_default(&o);
	bag_init(&fresh);
	bag_init(&got);
	reused = analyzer_new(&o);
	assert_non_null(reused);
	a.text = (char *)(uintptr_t)story;
	for (int round = 0; round < 3; round++)
		for (size_t l = 0; l < sizeof langs / sizeof *langs; l++) {
			struct analyzer *an = analyzer_new(&o);
			assert_non_null(an);
			a.lang = (char *)(uintptr_t)langs[l];
			assert_int_equal(analyze_article(an, &a, &fresh), 0);
			analyzer_free(an);
			assert_int_equal(analyze_article(reused, &a, &got), 0);
			assert_bags_equal(&got, &fresh);
		}
	analyzer_free(reused);
	bag_free(&fresh);
	bag_free(&got);
}

/* The word cache keeps a word's bytes and its term's in one entry: a text
 * of 200,000 distinct words (enough for FNV-1a to give some pairs of them
 * the same hash), short and long (past what an entry holds), stemmed,
 * unchanged and stopwords, analysed again by the same analyzer, from its
 * cache, gets the terms it got the first time. */
static void test_cached_words_give_the_terms_they_gave_before(void **state)
{
	static const char *const ends[] = { "", "ing", "ations", "s", "ed", "ly",
					    "nesses", "izationally" };
	size_t n = 200000, cap = n * 32 + 64, len = 0;
	char *text = malloc(cap);
	struct analyze_options o;
	struct analyzer *an;
	struct article a = { 0 };
	struct bag first, again;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n; i++) {
		char w[16];
		size_t k = 0;
		for (size_t v = i + 1; v; v /= 26)
			w[k++] = (char)('a' + v % 26);
		w[k] = '\0';
		len += (size_t)snprintf(text + len, cap - len, "%s%s%s ", i % 7 ? "" : "the ",
					w, ends[i % (sizeof ends / sizeof *ends)]);
	}
	analyze_options_default(&o);
	o.lead_weight = 1.0f;
	an = analyzer_new(&o);
	assert_non_null(an);
	bag_init(&first);
	bag_init(&again);
	a.text = text;
	a.lang = (char *)(uintptr_t)"en";
	assert_int_equal(analyze_article(an, &a, &first), 0);
	assert_true(first.n > n / 2);
	assert_int_equal(analyze_article(an, &a, &again), 0);
	assert_bags_equal(&again, &first);
	analyzer_free(an);
	bag_free(&first);
	bag_free(&again);
	free(text);
}

struct hashed_word {
	uint32_t hash;
	char word[8];
};

static int cmp_hashed(const void *x, const void *y)
{
	const struct hashed_word *a = x, *b = y;
	return a->hash != b->hash ? (a->hash > b->hash) - (a->hash < b->hash)
				  : strcmp(a->word, b->word);
}

/* Two words of the same length with the same hash_bytes() (found among
 * 300,000 six-letter words): the cache must tell them apart by their bytes. */
static void test_cache_tells_words_of_one_hash_apart(void **state)
{
	size_t n = 300000, found = 0;
	struct hashed_word *w = calloc(n, sizeof *w);
	struct analyze_options o;
	struct analyzer *an;
	struct article a = { 0 };
	struct bag one, other, fresh;

	(void)state;
	assert_non_null(w);
	for (size_t i = 0; i < n; i++) {
		size_t v = i * 7919 + 12345;
		for (int k = 0; k < 6; k++, v /= 26)
			w[i].word[k] = (char)('b' + v % 24); /* no 'a': fewer stopwords */
		w[i].hash = hash_bytes(w[i].word, 6);
	}
	qsort(w, n, sizeof *w, cmp_hashed);
	for (size_t i = 1; i < n && !found; i++)
		if (w[i].hash == w[i - 1].hash && strcmp(w[i].word, w[i - 1].word))
			found = i;
	assert_true(found > 0);
	analyze_options_default(&o);
	an = analyzer_new(&o);
	assert_non_null(an);
	bag_init(&one);
	bag_init(&other);
	bag_init(&fresh);
	a.lang = (char *)(uintptr_t)"en";
	a.text = w[found - 1].word;
	assert_int_equal(analyze_article(an, &a, &one), 0);
	a.text = w[found].word;
	assert_int_equal(analyze_article(an, &a, &other), 0);
	analyzer_free(an);
	an = analyzer_new(&o);
	assert_non_null(an);
	assert_int_equal(analyze_article(an, &a, &fresh), 0);
	assert_int_equal(one.n, 1);
	assert_bags_equal(&other, &fresh);
	analyzer_free(an);
	bag_free(&one);
	bag_free(&other);
	bag_free(&fresh);
	free(w);
}

static void test_guess_lang_of_sentences(void **state)
{
	(void)state;
	assert_string_equal(analyze_guess_lang(
		"The president said on Monday that the talks with the ministers "
		"of the other countries were going well and would continue."),
		"en");
	assert_string_equal(analyze_guess_lang(
		"Президент заявил в понедельник, что переговоры с министрами "
		"других стран идут хорошо и будут продолжены."),
		"ru");
	assert_string_equal(analyze_guess_lang(
		"Der Präsident sagte am Montag, dass die Gespräche mit den Ministern "
		"der anderen Länder gut verlaufen und fortgesetzt werden."),
		"de");
	assert_string_equal(analyze_guess_lang(
		"Le président a déclaré lundi que les discussions avec les ministres "
		"des autres pays se déroulaient bien et qu'elles allaient continuer."),
		"fr");
}

/* Sentences written for this test in twelve more languages: six told apart
 * by their stopwords, six by their script. */
static void test_guess_lang_of_sentences_in_many_languages(void **state)
{
	static const struct {
		const char *lang, *text;
	} cases[] = {
		{ "es", "El presidente dijo el lunes que las conversaciones con los "
			"ministros de los otros países iban bien y que seguirían." },
		{ "it", "Il presidente ha detto lunedì che i colloqui con i ministri "
			"degli altri paesi stanno andando bene e che continueranno." },
		{ "pt", "O presidente disse na segunda-feira que as conversas com os "
			"ministros dos outros países estão a correr bem e vão continuar." },
		{ "nl", "De president zei maandag dat de gesprekken met de ministers "
			"van de andere landen goed verlopen en dat ze worden voortgezet." },
		{ "sv", "Presidenten sade på måndagen att samtalen med ministrarna från "
			"de andra länderna går bra och att de kommer att fortsätta." },
		{ "tr", "Cumhurbaşkanı pazartesi günü yaptığı açıklamada diğer ülkelerin "
			"bakanlarıyla görüşmelerin çok iyi gittiğini ve bu görüşmelerin "
			"daha da devam edeceğini söyledi ve bu konuda için bir şey daha ekledi." },
		{ "el", "Ο πρόεδρος δήλωσε τη Δευτέρα ότι οι συνομιλίες με τους "
			"υπουργούς των άλλων χωρών πηγαίνουν καλά." },
		{ "ja", "大統領は月曜日、他の国の閣僚との協議は順調に進んでおり、"
			"今後も続けられると述べた。" },
		{ "zh", "总统星期一表示，与其他国家部长的会谈进展顺利，并将继续进行。" },
		{ "ko", "대통령은 월요일 다른 나라 장관들과의 회담이 순조롭게 "
			"진행되고 있으며 계속될 것이라고 말했다." },
		{ "ar", "قال الرئيس يوم الاثنين إن المحادثات مع وزراء الدول الأخرى "
			"تسير بشكل جيد وستستمر." },
		{ "he", "הנשיא אמר ביום שני כי השיחות עם השרים של המדינות האחרות "
			"מתקדמות היטב ויימשכו." },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = analyze_guess_lang(cases[i].text);
		if (!got || strcmp(got, cases[i].lang))
			fail_msg("%s sentence guessed as %s", cases[i].lang,
				 got ? got : "(unsure)");
	}
}

/* A headline and a one-line text: neither alone has the ten words a guess
 * needs, together they have. */
static void test_guess_article_lang_uses_the_title(void **state)
{
	const char *title = "Police say the fire was set on purpose";
	const char *text = "The church was destroyed on Sunday.";

	(void)state;
	assert_null(analyze_guess_lang(title));
	assert_null(analyze_guess_lang(text));
	assert_string_equal(analyze_guess_article_lang(title, text), "en");
	assert_string_equal(analyze_guess_article_lang(NULL,
		"The president said on Monday that the talks with the ministers "
		"of the other countries were going well."), "en");
	assert_null(analyze_guess_article_lang(NULL, NULL));
}

static void test_guess_lang_is_unsure_without_evidence(void **state)
{
	(void)state;
	assert_null(analyze_guess_lang(NULL));
	assert_null(analyze_guess_lang(""));
	assert_null(analyze_guess_lang("12345 67890"));
	assert_null(analyze_guess_lang("Xqzt vbnm plokij hgyt frdes wsxz cvfr bgtyh nmju kiol"));
}

static void test_lang_code_normalises_tags(void **state)
{
	char out[8];

	(void)state;
	assert_string_equal(analyze_lang_code("en-GB", out, sizeof out), "en");
	assert_string_equal(analyze_lang_code("RU", out, sizeof out), "ru");
	assert_string_equal(analyze_lang_code("pt_BR", out, sizeof out), "pt");
	assert_string_equal(analyze_lang_code("de", out, sizeof out), "de");
	assert_null(analyze_lang_code(NULL, out, sizeof out));
	assert_null(analyze_lang_code("", out, sizeof out));
	assert_null(analyze_lang_code("e", out, sizeof out));
	assert_null(analyze_lang_code("english", out, sizeof out));
	assert_null(analyze_lang_code("e1", out, sizeof out));
	assert_null(analyze_lang_code("-GB", out, sizeof out));
}

static void test_bigrams_pair_adjacent_terms_when_enabled(void **state)
{
	struct analyze_options o;
	struct bag b;

	(void)state;
	analyze_options_default(&o);
	o.lead_weight = 1.0f;
	o.stem = 0;
	o.bigram_weight = 0.5f;
	bag_init(&b);
	analyze(&o, NULL, "rex tillerson met sergei lavrov in moscow", "en", &b);
	assert_true(count_of(&b, "rex tillerson") == 0.5f);
	assert_true(count_of(&b, "sergei lavrov") == 0.5f);
	/* "in" is a stopword: it breaks the chain */
	assert_true(count_of(&b, "lavrov moscow") < 0.0f);
	assert_true(count_of(&b, "lavrov") == 1.0f);
	o.bigram_weight = 0.0f;
	analyze(&o, NULL, "rex tillerson", "en", &b);
	assert_true(count_of(&b, "rex tillerson") < 0.0f);
	bag_free(&b);
}

static void test_more_languages_have_stopwords_and_stemmers(void **state)
{
	static const char *const langs[] = { "sv", "da", "no", "nb", "fi", "hu", "ro",
					     "tr", "el", "id", "ca", "es", "it", "pt", "nl" };
	static const char *const words[] = { "och", "og", "og", "og", "ja", "és", "și",
					     "ve", "και", "dan", "els", "los", "della", "não", "het" };
	struct bag b;

	(void)state;
	bag_init(&b);
	for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		analyze(NULL, NULL, words[i], langs[i], &b);
		assert_int_equal(b.n, 0); /* a stopword of that language */
	}
	assert_same_stem("bilarna", "bilar", "sv");
	assert_same_stem("kirjoissa", "kirjoista", "fi");
	bag_free(&b);
}

static void test_names_count_capitalised_sequences_when_enabled(void **state)
{
	struct analyze_options o;
	struct bag b;

	(void)state;
	analyze_options_default(&o);
	o.lead_weight = 1.0f;
	o.name_weight = 0.5f;
	bag_init(&b);
	analyze(&o, NULL, "Rex Tillerson met Sergei Lavrov in Moscow. The Foreign Ministry said "
		"that The Kremlin spoke, and Putin agreed.", "en", &b);
	assert_true(count_of(&b, "rex tillerson") == 0.5f);
	assert_true(count_of(&b, "sergei lavrov") == 0.5f);
	assert_true(count_of(&b, "foreign ministry") == 0.5f); /* leading "The" trimmed */
	assert_true(count_of(&b, "lavrov in") < 0.0f);          /* lower-case word ends it */
	assert_true(count_of(&b, "moscow the") < 0.0f);         /* a full stop ends it */
	assert_true(count_of(&b, "putin") > 0.0f);              /* a lone name is a plain word */
	o.name_weight = 0.0f;
	analyze(&o, NULL, "Rex Tillerson", "en", &b);
	assert_true(count_of(&b, "rex tillerson") < 0.0f);
	bag_free(&b);
}

/* analyze_article_words() gives the same terms as analyze_article() and,
 * per term, the folded words behind it with raw occurrence counts (title
 * words once each, not title_weight times); bigrams get their two words. */
static void test_words_name_the_folded_words_behind_each_term(void **state)
{
	struct analyze_options o;
	struct article a = { 0 };
	struct analyzer *an;
	struct bag terms, words, plain;
	char presid[64], key[160];

	(void)state;
	analyze_options_default(&o);
	o.bigram_weight = 0.5f;
	an = analyzer_new(&o);
	assert_non_null(an);
	bag_init(&terms);
	bag_init(&words);
	bag_init(&plain);
	a.title = (char *)(uintptr_t)"Presidents meet";
	a.text = (char *)(uintptr_t)"The President met the presidents. PRESIDENT Lavrov.";
	a.lang = (char *)(uintptr_t)"en";
	assert_int_equal(analyze_article_words(an, &a, &terms, &words), 0);
	assert_int_equal(analyze_article(an, &a, &plain), 0);
	assert_int_equal(terms.n, plain.n);
	for (size_t i = 0; i < plain.n; i++)
		assert_float_equal(count_of(&terms, term_at(&plain, i)), plain.counts[i], 1e-6);
	stem_of("presidents", "en", presid, sizeof presid);
	assert_string_not_equal(presid, "president"); /* else the test shows nothing */
	snprintf(key, sizeof key, "%s\tpresident", presid);
	assert_float_equal(count_of(&words, key), 2.0f, 1e-6);
	snprintf(key, sizeof key, "%s\tpresidents", presid);
	assert_float_equal(count_of(&words, key), 2.0f, 1e-6);
	/* "met the presidents": "the" is a stopword and breaks the bigram chain;
	 * "presidents meet" in the title is one */
	{
		char meet[64];

		stem_of("meet", "en", meet, sizeof meet);
		snprintf(key, sizeof key, "%s %s\tpresidents meet", presid, meet);
		assert_float_equal(count_of(&words, key), 1.0f, 1e-6);
	}
	bag_free(&terms);
	bag_free(&words);
	bag_free(&plain);
	analyzer_free(an);
}

/* Appends word number i ("Ünïwiii", marks and case to fold) to s. */
static void add_lead_word(char *s, size_t cap, int i)
{
	size_t len = strlen(s);
	snprintf(s + len, cap - len, "\xc3\x9cn\xc3\xafw%03d", i);
}

/* A lead's signature reads only its first ANALYZE_LEAD_WORDS words, wherever
 * they end: a text whose 60th word straddles the first bytes the signature
 * normalises (a long word across byte 768, wide gaps before it) signs as
 * the same words packed close, and a text with more words than needed the
 * same whatever follows, except bytes that are not UTF-8 in its first
 * 4 KB, which leave it unsigned as they always did. */
static void test_lead_signature_depends_on_the_first_words_only(void **state)
{
	static char wide[4096], tight[1024], tail[16384];
	uint16_t sw[ANALYZE_LEAD_SLOTS], st[ANALYZE_LEAD_SLOTS], sx[ANALYZE_LEAD_SLOTS];
	(void)state;

	wide[0] = tight[0] = '\0';
	for (int i = 0; i < ANALYZE_LEAD_WORDS + 20; i++) {
		if (i == ANALYZE_LEAD_WORDS - 1) {
			/* spaces up to byte 760, then a word of 24 bytes */
			while (strlen(wide) < 760)
				strcat(wide, " ");
			strcat(wide, "straddlingwordoftwentyfour");
			if (i < ANALYZE_LEAD_WORDS + 1)
				strcat(tight, "straddlingwordoftwentyfour ");
			strcat(wide, " ");
			continue;
		}
		add_lead_word(wide, sizeof wide, i);
		strcat(wide, ", ");
		if (i <= ANALYZE_LEAD_WORDS) {
			add_lead_word(tight, sizeof tight, i);
			strcat(tight, " ");
		}
	}
	assert_true(strlen(tight) < 700);
	assert_true(strlen(wide) > 900);
	analyze_lead_signature(wide, sw);
	analyze_lead_signature(tight, st);
	assert_true(analyze_lead_known(sw));
	assert_memory_equal(sw, st, sizeof sw);

	/* more words after the first 60: the same signature */
	snprintf(tail, sizeof tail, "%s and then a good many other words follow here", tight);
	analyze_lead_signature(tail, sx);
	assert_memory_equal(sx, st, sizeof sx);
	/* a word changed among the first 60: another one */
	tight[2] = 'X';
	analyze_lead_signature(tight, sx);
	assert_memory_not_equal(sx, st, sizeof sx);
	tight[2] = 'n';
	/* a byte that is not UTF-8 within the first 4 KB: none */
	snprintf(tail, sizeof tail, "%s%*s\xff", tight, 1000, "");
	analyze_lead_signature(tail, sx);
	assert_false(analyze_lead_known(sx));
	snprintf(tail, sizeof tail, "%s%*s\xff", wide, 200, "");
	analyze_lead_signature(tail, sx);
	assert_false(analyze_lead_known(sx));
	/* beyond them: ignored */
	snprintf(tail, sizeof tail, "%s%*s\xff", wide, 4200 - (int)strlen(wide), "");
	analyze_lead_signature(tail, sx);
	assert_memory_equal(sx, sw, sizeof sx);
}

/* The overlap is the fraction of slots two signatures share, wherever
 * they lie, and -1 when either has none. */
static void test_lead_overlap_counts_shared_slots(void **state)
{
	uint16_t a[ANALYZE_LEAD_SLOTS], b[ANALYZE_LEAD_SLOTS];

	(void)state;
	for (int k = 0; k <= ANALYZE_LEAD_SLOTS; k += 7) {
		int same = 0;
		for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++) {
			/* slots shared in a scattered order, k of them */
			int shared = (s * 37) % ANALYZE_LEAD_SLOTS < k;
			a[s] = (uint16_t)(1000 + s);
			b[s] = shared ? a[s] : (uint16_t)(60000 - s);
			same += shared;
		}
		assert_int_equal(same, k);
		assert_true(analyze_lead_overlap(a, b) == (double)k / ANALYZE_LEAD_SLOTS);
		assert_true(analyze_lead_overlap(b, a) == (double)k / ANALYZE_LEAD_SLOTS);
	}
	for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++)
		b[s] = ANALYZE_LEAD_NONE;
	assert_true(analyze_lead_overlap(a, b) == -1.0);
	assert_true(analyze_lead_overlap(b, a) == -1.0);
}

/* The splitmix64 finaliser, written out here as the reference for the
 * signature's hash functions. */
static uint64_t ref_mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The signature as analyze.h defines it, one slot and one shingle at a time
 * (no vectors): the first ANALYZE_LEAD_WORDS words of the folded text,
 * hashed; slot s keeps the low 16 bits of the least mix64(shingle ^ salt_s). */
static void ref_lead_signature(const char *text, uint16_t sig[ANALYZE_LEAD_SLOTS])
{
	struct buf norm = BUF_INIT;
	uint32_t word[ANALYZE_LEAD_WORDS];
	size_t n = 0, i = 0, start = 0, wl;

	assert_int_equal(analyze_fold_lead(text, strlen(text), &norm), 0);
	while (n < ANALYZE_LEAD_WORDS &&
	       (wl = analyze_next_word((const unsigned char *)norm.data, norm.len, &i, &start)) > 0)
		word[n++] = hash_bytes(norm.data + start, wl);
	buf_release(&norm);
	for (int s = 0; s < ANALYZE_LEAD_SLOTS; s++) {
		uint64_t least = UINT64_MAX;
		for (size_t k = 0; k + ANALYZE_LEAD_SHINGLE <= n; k++) {
			uint64_t sh = 0, h;
			for (int j = 0; j < ANALYZE_LEAD_SHINGLE; j++)
				sh = ref_mix64(sh ^ word[k + (size_t)j]);
			h = ref_mix64(sh ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(s + 1)));
			least = h < least ? h : least;
		}
		sig[s] = n < ANALYZE_LEAD_MIN_WORDS ? ANALYZE_LEAD_NONE : (uint16_t)(least & 0xffffu);
	}
}

/* The MinHash loop runs in vectors of 64-bit lanes (AVX-512 or AVX2, as
 * the machine has them): it must give the scalar reference's slots for
 * leads of every length around the thresholds (fewer than 20 words, 20,
 * 60, more), words repeated (equal shingles), non-ASCII words, and texts
 * whose 60 words end before and after the first bytes normalised. */
static void test_lead_signature_is_the_minhash_of_its_shingles(void **state)
{
	static const char *const vocab[] = {
		"the", "minister", "said", "on", "Tuesday", "that", "\xc3\x9c" "ber",
		"caf\xc3\xa9", "2017", "talks", "would", "resume", "\xd0\x9f\xd1\x83",
		"in", "Geneva", "x", "talks", "supercalifragilistic", "N.Y.", "\xef\xac\x81ne",
	};
	const size_t nv = sizeof vocab / sizeof vocab[0];
	static char text[4000];
	uint16_t got[ANALYZE_LEAD_SLOTS], want[ANALYZE_LEAD_SLOTS];
	int known = 0;

	(void)state;
	srand(11);
	for (int round = 0; round < 400; round++) {
		int words = round % 130;
		text[0] = '\0';
		for (int w = 0; w < words; w++) {
			strcat(text, vocab[(size_t)rand() % nv]);
			strcat(text, round % 3 ? " " : ",   ");
		}
		analyze_lead_signature(text, got);
		ref_lead_signature(text, want);
		assert_memory_equal(got, want, sizeof got);
		known += analyze_lead_known(got);
	}
	assert_true(known > 200); /* most leads are long enough to sign */
}

/* analyze_fold() and analyze_fold_lead() lowercase ASCII runs themselves
 * and send only the rest to utf8proc: the result must be utf8proc_map()'s
 * for the whole text with their flags, byte for byte, whatever sits at the
 * joins: a combining mark after an ASCII letter (composes with it, or is
 * stripped), marks that decompose into several, ligatures and full-width
 * letters that fold to ASCII, ignorables, Hangul jamo that compose, letters
 * whose folding grows. */
static void assert_fold_is_utf8proc(int (*fold)(const char *, size_t, struct buf *),
				    int flags)
{
	static const char *const pieces[] = {
		"e", "E", "u", "A", " ", "\n\n", "Tillerson", ".", "1", "e\xcc\x81",
		"\xcc\x81", "\xcc\x88", "\xcd\x84", "\xef\xac\x81", "\xef\xbc\xa1",
		"\xc2\xad", "\xe2\x80\x8d", "\xc3\x9f", "\xc4\xb0", "\xe1\x84\x80",
		"\xe1\x85\xa1", "\xe2\x80\x9c", "\xe2\x80\x94", "\xce\xa3",
		"\xd0\x9f\xd1\x83", "\xc3\xa9", "\xe2\x84\xab", "\xe3\x8d\xb1",
	};
	const size_t np = sizeof pieces / sizeof pieces[0];
	struct buf got = BUF_INIT;
	char text[512];

	srand(7);
	for (int round = 0; round < 3000; round++) {
		size_t len = 0;
		int n = 1 + rand() % 12;
		utf8proc_uint8_t *want = NULL;
		utf8proc_ssize_t wn;

		text[0] = '\0';
		for (int i = 0; i < n; i++) {
			const char *piece = pieces[(size_t)rand() % np];
			memcpy(text + len, piece, strlen(piece) + 1);
			len += strlen(piece);
		}
		wn = utf8proc_map((const utf8proc_uint8_t *)text, 0, &want,
				  (utf8proc_option_t)(UTF8PROC_NULLTERM | flags));
		assert_true(wn >= 0);
		assert_int_equal(fold(text, len, &got), 0);
		assert_int_equal(got.len, (size_t)wn);
		assert_memory_equal(got.data, want, (size_t)wn);
		assert_int_equal(got.data[got.len], '\0');
		free(want);
	}
	/* not UTF-8: refused, as utf8proc refuses it */
	assert_int_equal(fold("caf\xe9 au lait", 14, &got), -1);
	assert_int_equal(fold("cafe \xc3", 6, &got), -1);
	buf_release(&got);
}

/* ASCII is lowercased eight bytes at a time (analyze.c): every ASCII
 * character, at every place in those eight bytes and in the bytes after
 * the last whole eight, must fold as utf8proc folds it ('@' and '[' beside
 * 'A' and 'Z' stay), in an all-ASCII text and in one with other text after
 * it; and a story's terms must be those of its text lowercased by hand. */
static void test_ascii_folds_at_every_offset(void **state)
{
	struct analyze_options o;
	struct analyzer *an;
	struct article a;
	struct bag upper, lower;
	struct buf got = BUF_INIT;
	char text[64], low[64];

	(void)state;
	analyze_options_default(&o);
	an = analyzer_new(&o);
	assert_non_null(an);
	bag_init(&upper);
	bag_init(&lower);
	for (int c = 1; c < 0x80; c++)
		for (int shift = 0; shift < 17; shift++)
			for (int other = 0; other < 2; other++) {
				utf8proc_uint8_t *want = NULL;
				utf8proc_ssize_t wn;
				int n = snprintf(text, sizeof text, "%.*sQ%cAZ@[`{ZEBRAS%s", shift,
						 "xxxxxxxxxxxxxxxxx", c, other ? "\xc3\x89" : "");
				wn = utf8proc_map((const utf8proc_uint8_t *)text, 0, &want,
						  (utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_STABLE |
								      UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
								      UTF8PROC_CASEFOLD | UTF8PROC_IGNORE));
				assert_true(wn >= 0);
				assert_int_equal(analyze_fold(text, (size_t)n, &got), 0);
				assert_int_equal(got.len, (size_t)wn);
				assert_memory_equal(got.data, want, (size_t)wn);
				free(want);
				if (other)
					continue;
				for (int i = 0; i <= n; i++)
					low[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32
											  : text[i]);
				memset(&a, 0, sizeof a);
				a.title = text;
				a.text = text;
				assert_int_equal(analyze_article(an, &a, &upper), 0);
				a.title = low;
				a.text = low;
				assert_int_equal(analyze_article(an, &a, &lower), 0);
				assert_int_equal(upper.n, lower.n);
				assert_true(upper.n > 0);
				assert_memory_equal(upper.terms.data, lower.terms.data, lower.terms.len);
			}
	bag_free(&upper);
	bag_free(&lower);
	analyzer_free(an);
	buf_release(&got);
}

/* A text with other text in it is tokenised code point by code point, but
 * its ASCII runs are passed a run at a time (analyze.c): its ASCII words
 * must be those of the ASCII path, for every ASCII character between
 * words and for words of 1, 2, 40 and 41 letters (too short, shortest,
 * longest, too long). The text with a lone "é" after it (one letter, no
 * term) must give the same bag as the text alone. */
static void test_ascii_runs_in_other_text_split_as_ascii_text(void **state)
{
	struct analyze_options o;
	struct analyzer *an;
	struct article a;
	struct bag ascii, mixed;
	char text[256], more[260];
	const char *l40 = "abcdefghijklmnopqrstuvwxyzabcdefghijklmn";

	(void)state;
	analyze_options_default(&o);
	an = analyzer_new(&o);
	assert_non_null(an);
	bag_init(&ascii);
	bag_init(&mixed);
	for (int c = 1; c < 0x80; c++) {
		snprintf(text, sizeof text, "x%cab%c%s%c%sz%cQuebec7%c", c, c, l40, c, l40, c, c);
		snprintf(more, sizeof more, "%s \xc3\xa9", text);
		memset(&a, 0, sizeof a);
		a.lang = "en";
		a.text = text;
		assert_int_equal(analyze_article(an, &a, &ascii), 0);
		a.text = more;
		assert_int_equal(analyze_article(an, &a, &mixed), 0);
		/* a letter or digit joins all into one word, too long */
		assert_true(ascii.n > 0 || isalnum(c));
		assert_int_equal(ascii.n, mixed.n);
		assert_int_equal(ascii.terms.len, mixed.terms.len);
		assert_memory_equal(ascii.terms.data, mixed.terms.data, ascii.terms.len);
		assert_memory_equal(ascii.counts, mixed.counts, ascii.n * sizeof *ascii.counts);
	}
	bag_free(&ascii);
	bag_free(&mixed);
	analyzer_free(an);
}

/* The tokeniser as it read other text before its ASCII words went the
 * ASCII way: the text folded whole by utf8proc (or, not UTF-8, its raw
 * bytes with no lead), read a code point at a time; words are runs of
 * letters, marks and digits of 2 to 40 code points, CJK characters make
 * bigrams. Stemming and stopwords off, each word is its term: the
 * reference bag, terms in order of first occurrence. */
static int ref_cjk(utf8proc_int32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

static int ref_word_char(utf8proc_int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);

	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL ||
	       k == UTF8PROC_CATEGORY_LT || k == UTF8PROC_CATEGORY_LM ||
	       k == UTF8PROC_CATEGORY_LO || k == UTF8PROC_CATEGORY_MN ||
	       k == UTF8PROC_CATEGORY_MC || k == UTF8PROC_CATEGORY_ME ||
	       k == UTF8PROC_CATEGORY_ND || k == UTF8PROC_CATEGORY_NL ||
	       k == UTF8PROC_CATEGORY_NO;
}

struct ref_bag {
	char term[64][48];
	float count[64];
	size_t n;
};

static void ref_add(struct ref_bag *r, const unsigned char *t, size_t len, float w)
{
	size_t i = 0;

	assert_true(len < sizeof r->term[0]);
	while (i < r->n && (strlen(r->term[i]) != len || memcmp(r->term[i], t, len)))
		i++;
	if (i == r->n) {
		assert_true(r->n < 64);
		memcpy(r->term[i], t, len);
		r->term[i][len] = '\0';
		r->count[r->n++] = 0.0f;
	}
	r->count[i] += w;
}

static void ref_tokenize(const char *text, float lead_weight, struct ref_bag *r)
{
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)text, 0, &norm,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
						  UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
						  UTF8PROC_IGNORE);
	const unsigned char *p = m >= 0 ? norm : (const unsigned char *)text;
	size_t len = m >= 0 ? (size_t)m : strlen(text), lead_end = 0, i = 0, start = 0;
	size_t nchars = 0;
	utf8proc_int32_t prev_cjk = -1;
	int in_word = 0;

	if (m >= 0) {
		const char *end = strstr((const char *)norm, "\n\n");
		lead_end = end ? (size_t)(end - (const char *)norm) : len;
	}
	r->n = 0;
	while (i <= len) {
		utf8proc_int32_t c = 0;
		utf8proc_ssize_t k = 1;
		int word = 0, cjk = 0;
		if (i < len) {
			k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
			if (k <= 0) {
				k = 1;
				c = 0xFFFD;
			}
			cjk = ref_cjk(c);
			word = !cjk && ref_word_char(c);
		}
		if (in_word && !word) {
			if (nchars >= 2 && nchars <= 40)
				ref_add(r, p + start, i - start,
					start < lead_end ? lead_weight : 1.0f);
			in_word = 0;
		} else if (!in_word && word) {
			in_word = 1;
			start = i;
			nchars = 0;
		}
		nchars += (size_t)word;
		if (cjk && prev_cjk >= 0) {
			utf8proc_uint8_t bi[8];
			utf8proc_ssize_t a = utf8proc_encode_char(prev_cjk, bi);
			ref_add(r, bi, (size_t)(a + utf8proc_encode_char(c, bi + a)), 1.0f);
		}
		prev_cjk = cjk ? c : -1;
		i += (size_t)k;
	}
	free(norm);
}

/* An analyzer that neither stems nor drops stopwords, as the reference
 * tokenizer reads (options in *o). */
static struct analyzer *code_point_analyzer(struct analyze_options *o)
{
	struct analyzer *an;

	analyze_options_default(o);
	o->stem = 0;
	o->stopwords = 0;
	an = analyzer_new(o);
	assert_non_null(an);
	return an;
}

/* Analyses `text` (language `lang`: NULL skips the word cache) with `an`
 * into b, and checks it gives the reference's terms, weights and order. */
static void check_against_reference(struct analyzer *an, char *text, char *lang,
				    float lead_weight, struct bag *b, struct ref_bag *r)
{
	struct article a;

	memset(&a, 0, sizeof a);
	a.lang = lang;
	a.text = text;
	assert_int_equal(analyze_article(an, &a, b), 0);
	ref_tokenize(text, lead_weight, r);
	assert_int_equal(b->n, r->n);
	for (size_t i = 0; i < b->n; i++) {
		assert_string_equal(term_at(b, i), r->term[i]);
		assert_true(b->counts[i] == r->count[i]);
	}
}

/* Texts mixing ASCII words with other letters, marks, CJK, punctuation of
 * both kinds, forms that NFKC or case folding turn into ASCII (a ligature,
 * "TM", "ss") or remove (a soft hyphen), bad bytes and a paragraph break:
 * the ASCII words go their own way (analyze.c, count_ascii_words()) and
 * must give the reference's terms, weights and order. */
static void test_other_text_gives_the_terms_of_code_points(void **state)
{
	static const char *const piece[] = {
		"a", "Zq", "7", " ", ", ", "-", "word", "Quebec", "\n\n", "\xc3\xa9",
		"e\xcc\x81", "\xcc\x81", "\xe2\x80\x9c", "\xe2\x80\x99", "\xe2\x80\x94",
		"\xe4\xb8\xad\xe6\x96\x87", "\xe3\x81\x82", "\xd0\x9f\xd1\x80", "\xc2\xa0",
		"\xef\xac\x81", "\xe2\x84\xa2", "\xc3\x9f", "\xc2\xad", "\xe2\x80\x8b",
		"\xe2\x91\xa0", "\xff", "abcdefghijklmnopqrstuvwxyzabcdefghijklm",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmn",
	};
	struct analyze_options o;
	struct analyzer *an;
	struct bag b;
	struct ref_bag *r = malloc(sizeof *r);
	char text[1024];

	(void)state;
	assert_non_null(r);
	an = code_point_analyzer(&o);
	bag_init(&b);
	srand(11);
	for (int round = 0; round < 5000; round++) {
		size_t n = 0;
		int pieces = rand() % 20;
		for (int k = 0; k < pieces; k++) {
			const char *p = piece[rand() % (int)(sizeof piece / sizeof piece[0])];
			memcpy(text + n, p, strlen(p));
			n += strlen(p);
		}
		text[n] = '\0';
		/* through the word cache, or not */
		check_against_reference(an, text, round % 2 ? "en" : NULL, o.lead_weight, &b, r);
	}
	bag_free(&b);
	analyzer_free(an);
	free(r);
}

/* A word's end is found sixteen bytes at a time (analyze.c, word_end()):
 * every byte value right after words of 1 to 44 letters and digits (upper
 * case too), at every offset from a sixteen-byte boundary and from the
 * text's end, must end the word as the reference reads code points. */
static void test_words_end_at_every_byte_and_offset(void **state)
{
	static const char letters[] = "aBcdEfghIjklMnopQrstUvwxYz0123456789AbCdEfGhIj";
	struct analyze_options o;
	struct analyzer *an;
	struct bag b;
	struct ref_bag *r = malloc(sizeof *r);
	char text[128];

	(void)state;
	assert_non_null(r);
	an = code_point_analyzer(&o);
	bag_init(&b);
	for (int byte = 1; byte < 256; byte++)
		for (size_t lead = 0; lead < 17; lead++)
			for (size_t k = 1; k <= 44; k += 1 + (lead % 3)) {
				size_t n = 0;
				memset(text, ' ', lead);
				n = lead;
				memcpy(text + n, letters, k);
				n += k;
				text[n++] = (char)byte;
				if (lead % 2) /* the word at the text's end, or before more */
					n += (size_t)sprintf(text + n, "%s", "qz more words");
				text[n] = '\0';
				check_against_reference(an, text, byte % 2 ? "en" : NULL,
							o.lead_weight, &b, r);
			}
	bag_free(&b);
	analyzer_free(an);
	free(r);
}

/* A bag from the analysis carries each term's hash_key(), its terms one
 * after another (what the model builder reads instead of hashing them),
 * counted by name or by id, and in a bag reused from one filled otherwise. */
static void test_bag_carries_each_terms_hash(void **state)
{
	struct analyze_options o;
	struct analyzer *an;
	struct article a = { 0 };
	struct bag b;

	(void)state;
	analyze_options_default(&o);
	an = analyzer_new(&o);
	assert_non_null(an);
	bag_init(&b);
	b.offsets = malloc(64 * sizeof *b.offsets); /* room, as part.c makes it */
	b.counts = malloc(64 * sizeof *b.counts);
	assert_non_null(b.offsets);
	assert_non_null(b.counts);
	b.cap = 64;
	a.lang = "en";
	a.title = "Cheap \xe2\x80\x9cpower\xe2\x80\x9d";
	a.text = "Ministers met in Br\xc3\xbcssel on Tuesday.\n\nThe talks on power went on.";
	for (int by_id = 0; by_id < 2; by_id++) {
		analyze_use_term_ids(by_id);
		assert_int_equal(analyze_article(an, &a, &b), 0);
		assert_true(b.n >= 8);
		assert_non_null(b.hashes);
		for (size_t i = 0; i < b.n; i++) {
			size_t end = i + 1 < b.n ? b.offsets[i + 1] : b.terms.len;
			const char *t = term_at(&b, i);
			assert_int_equal(end - b.offsets[i] - 1, strlen(t));
			assert_int_equal(b.hashes[i], hash_key(t, strlen(t)));
		}
	}
	analyze_use_term_ids(0);
	bag_free(&b);
	analyzer_free(an);
}

static void test_fold_equals_utf8proc_on_the_whole_text(void **state)
{
	(void)state;
	assert_fold_is_utf8proc(analyze_fold, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
					      UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
					      UTF8PROC_IGNORE);
}

/* The lead signature's words are read from analyze_fold_lead()'s form. */
static void test_lead_fold_equals_utf8proc_on_the_whole_text(void **state)
{
	(void)state;
	assert_fold_is_utf8proc(analyze_fold_lead, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
						   UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
						   UTF8PROC_STRIPMARK);
}

/* analyze_next_word() tests an ASCII byte itself instead of decoding it and
 * asking for its category: the words must be those analyze_word_cp() makes,
 * for every ASCII character between word characters, beside non-ASCII
 * letters and marks too. */
static void test_next_word_splits_ascii_as_categories_do(void **state)
{
	char text[4096];
	size_t n = 0;

	(void)state;
	for (int c = 1; c < 128; c++) {
		size_t i = 0, start = 0, wl, words = 0;
		size_t want = analyze_word_cp(c) ? 1 : 2;
		n = (size_t)snprintf(text, sizeof text, "ab%c\xc3\xa9z", c);
		while ((wl = analyze_next_word((const unsigned char *)text, n, &i, &start)) > 0) {
			words++;
			if (want == 1)
				assert_int_equal(wl, n);
			else if (words == 1)
				assert_int_equal(wl, 2);
			else
				assert_memory_equal(text + start, "\xc3\xa9z", 3);
		}
		assert_int_equal(words, want);
	}
	/* a non-ASCII space ends a word, as an ASCII one does */
	n = (size_t)snprintf(text, sizeof text, "x9\xe2\x80\x83Yz Q");
	{
		size_t i = 0, start = 0;
		assert_int_equal(analyze_next_word((const unsigned char *)text, n, &i, &start), 2);
		assert_int_equal(analyze_next_word((const unsigned char *)text, n, &i, &start), 2);
		assert_int_equal(start, 5);
		assert_int_equal(analyze_next_word((const unsigned char *)text, n, &i, &start), 1);
		assert_int_equal(analyze_next_word((const unsigned char *)text, n, &i, &start), 0);
	}
}

/* analyze_next_word() as it was written first, a code point at a time:
 * the reference for the one that passes runs of ASCII at once. */
static size_t ref_next_word(const unsigned char *s, size_t len, size_t *i, size_t *start)
{
	while (*i < len) {
		size_t from = SIZE_MAX, end;
		utf8proc_ssize_t k;
		utf8proc_int32_t c;

		for (;;) {
			k = *i < len ? utf8proc_iterate(s + *i, (utf8proc_ssize_t)(len - *i), &c) : 0;
			if (k <= 0 || !analyze_word_cp(c))
				break;
			if (from == SIZE_MAX)
				from = *i;
			*i += (size_t)k;
		}
		end = *i;
		*i += k > 0 ? (size_t)k : 1;
		if (from != SIZE_MAX) {
			*start = from;
			return end - from;
		}
	}
	return 0;
}

/* The words, their starts and where *i stops (after the last word too)
 * must be the reference's for random texts of ASCII letters, digits,
 * punctuation and spaces in runs, non-ASCII letters, a non-ASCII space and
 * bytes that are no UTF-8, ending on each of them. */
static void test_next_word_runs_agree_with_code_points(void **state)
{
	static const char *const piece[] = {
		"a", "Zq", "7", " ", ", ", "...", "-", "\xc3\xa9", "\xe2\x80\x83",
		"\xd0\x9f", "\xff", "\xc3", "word", "\n\n",
	};
	unsigned char text[256];

	(void)state;
	srand(5);
	for (int round = 0; round < 4000; round++) {
		size_t n = 0, i = 0, ri = 0, start = 0, rstart = 0, wl, rwl;
		int pieces = rand() % 24;
		for (int k = 0; k < pieces; k++) {
			const char *p = piece[rand() % (int)(sizeof piece / sizeof piece[0])];
			memcpy(text + n, p, strlen(p));
			n += strlen(p);
		}
		do {
			wl = analyze_next_word(text, n, &i, &start);
			rwl = ref_next_word(text, n, &ri, &rstart);
			assert_int_equal(wl, rwl);
			assert_int_equal(i, ri);
			if (wl)
				assert_int_equal(start, rstart);
		} while (wl);
	}
}

/* The bytes after the first 768 are checked for UTF-8 eight at a time
 * where they are ASCII: a bad byte anywhere in the first 4 KB, whatever its
 * place in a group of eight, and right after a good non-ASCII letter,
 * still leaves the text unsigned; one past them does not. */
static void test_lead_signature_finds_a_bad_byte_anywhere(void **state)
{
	static char text[4200];
	uint16_t sig[ANALYZE_LEAD_SLOTS];
	size_t lead;

	(void)state;
	text[0] = '\0';
	for (int i = 0; i <= ANALYZE_LEAD_WORDS; i++) {
		add_lead_word(text, sizeof text, i);
		strcat(text, " ");
	}
	lead = strlen(text);
	assert_true(lead < 700);
	for (size_t at = 800; at < sizeof text - 1; at++) {
		memset(text + lead, ' ', sizeof text - 1 - lead);
		text[sizeof text - 1] = '\0';
		memcpy(text + 790, "\xc3\xa9", 2);
		text[at] = '\xff';
		analyze_lead_signature(text, sig);
		assert_int_equal(analyze_lead_known(sig), at >= 4096);
		if (at + 2 < 4096) {
			memcpy(text + at, "\xc3\xa9\xff", 3);
			analyze_lead_signature(text, sig);
			assert_false(analyze_lead_known(sig));
		}
	}
}

/* One lookup gives a word's languages: each bit must say what asking that
 * language's list says, for words of one list, of several ("de": German?
 * no; French, Spanish, Portuguese, Dutch...), of none, and a prefix of a
 * listed word. */
static void test_stopword_languages_agree_with_each_list(void **state)
{
	static const char *const words[] = { "the", "de", "und", "le", "och", "ve",
					     "και", "и", "zebra", "th", "", "nicht" };
	int listed = 0;

	(void)state;
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		size_t len = strlen(words[w]);
		uint32_t langs = stopwords_languages_of(words[w], len);
		for (int l = 0; stopwords_languages[l] && l < 32; l++) {
			int in = stopwords_contains(stopwords_languages[l], words[w], len);
			assert_int_equal((langs >> l) & 1, in);
			listed += in;
		}
	}
	assert_true(listed >= 8); /* the lists were asked, not all empty */
	assert_int_equal(stopwords_languages_of("zebra", 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_default_match_header),
		cmocka_unit_test(test_case_folding_and_nfkc_merge_forms),
		cmocka_unit_test(test_decomposed_accents_compose),
		cmocka_unit_test(test_punctuation_and_symbols_split_words),
		cmocka_unit_test(test_one_char_and_overlong_words_are_dropped),
		cmocka_unit_test(test_english_stopwords_are_removed),
		cmocka_unit_test(test_language_tag_is_normalised_before_use),
		cmocka_unit_test(test_english_inflections_share_a_stem),
		cmocka_unit_test(test_stemming_can_be_turned_off),
		cmocka_unit_test(test_russian_case_forms_share_a_stem),
		cmocka_unit_test(test_russian_stopwords_are_removed),
		cmocka_unit_test(test_german_inflections_share_a_stem),
		cmocka_unit_test(test_title_words_count_title_weight_times),
		cmocka_unit_test(test_lead_words_count_lead_weight_times),
		cmocka_unit_test(test_cjk_runs_become_bigrams),
		cmocka_unit_test(test_bag_is_reset_between_articles),
		cmocka_unit_test(test_bag_grows_and_empties_between_stories),
		cmocka_unit_test(test_reused_analyzer_gives_the_same_terms),
		cmocka_unit_test(test_many_languages_in_one_analyzer),
		cmocka_unit_test(test_cached_words_give_the_terms_they_gave_before),
		cmocka_unit_test(test_counting_by_term_id_gives_the_bags_by_name),
		cmocka_unit_test(test_cache_tells_words_of_one_hash_apart),
		cmocka_unit_test(test_ascii_shortcut_splits_words_like_utf8proc),
		cmocka_unit_test(test_lead_fold_equals_utf8proc_on_the_whole_text),
		cmocka_unit_test(test_next_word_splits_ascii_as_categories_do),
		cmocka_unit_test(test_next_word_runs_agree_with_code_points),
		cmocka_unit_test(test_lead_signature_finds_a_bad_byte_anywhere),
		cmocka_unit_test(test_bigrams_pair_adjacent_terms_when_enabled),
		cmocka_unit_test(test_names_count_capitalised_sequences_when_enabled),
		cmocka_unit_test(test_more_languages_have_stopwords_and_stemmers),
		cmocka_unit_test(test_guess_lang_of_sentences),
		cmocka_unit_test(test_guess_lang_of_sentences_in_many_languages),
		cmocka_unit_test(test_guess_article_lang_uses_the_title),
		cmocka_unit_test(test_guess_lang_is_unsure_without_evidence),
		cmocka_unit_test(test_lang_code_normalises_tags),
		cmocka_unit_test(test_words_name_the_folded_words_behind_each_term),
		cmocka_unit_test(test_lead_signature_depends_on_the_first_words_only),
		cmocka_unit_test(test_lead_overlap_counts_shared_slots),
		cmocka_unit_test(test_lead_signature_is_the_minhash_of_its_shingles),
		cmocka_unit_test(test_fold_equals_utf8proc_on_the_whole_text),
		cmocka_unit_test(test_ascii_folds_at_every_offset),
		cmocka_unit_test(test_ascii_runs_in_other_text_split_as_ascii_text),
		cmocka_unit_test(test_other_text_gives_the_terms_of_code_points),
		cmocka_unit_test(test_words_end_at_every_byte_and_offset),
		cmocka_unit_test(test_bag_carries_each_terms_hash),
		cmocka_unit_test(test_stopword_languages_agree_with_each_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
