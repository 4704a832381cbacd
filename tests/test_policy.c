/*
 * Tests for policy: each rule of policy.h on a hand-built model (so every
 * TF-IDF cosine and every distance in days is worked out here) and
 * hand-written candidate lists whose scores are chosen independently of
 * the vectors, plus the RFC 3339 parser.
 *
 * The stories (vectors over four terms, unit length after scaling):
 *   d0 (1,0,0,0)    world  2017-04-12  en   the story under test
 *   d1 (1,0,0,0)    world  2017-04-12  en   a copy of d0 (cosine 1)
 *   d2 (1,1,0,0)    world  2017-04-10  en   cos(d0) .71, 2 days away
 *   d3 (1,0,1,0)    sport  2017-03-01  en   cos(d0) .71, 42 days away
 *   d4 (1,0,1,.05)  sport  2017-03-05  en   a copy of d3 (cos .999), newer
 *   d5 (0,0,0,1)    world  2017-04-11  --   unrelated, 1 day away
 *   d6 (0,1,0,0)    world  2017-01-01  ru
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "model.h"
#include "policy.h"
#include "testutil.h"
#include "rank.h"

#define N_DOCS 7
#define N_TERMS 4
#define DEPTH 8

static const float dense[N_DOCS][N_TERMS] = {
	{ 1, 0, 0, 0 }, { 1, 0, 0, 0 }, { 1, 1, 0, 0 }, { 1, 0, 1, 0 },
	{ 1, 0, 1, 0.05f }, { 0, 0, 0, 1 }, { 0, 1, 0, 0 },
};
static const char *const sections[N_DOCS] = { "world", "world", "world", "sport",
					      "sport", "world", "world" };
static const char *const dates[N_DOCS] = {
	"2017-04-12T09:00:00Z", "2017-04-12T09:00:00Z", "2017-04-10T09:00:00Z",
	"2017-03-01T09:00:00Z", "2017-03-05T09:00:00Z", "2017-04-11T09:00:00Z",
	"2017-01-01T09:00:00Z",
};
static const char *const langs[N_DOCS] = { "en", "en", "en", "en", "en", NULL, "ru" };
/* Titles: none unless a test sets them (and resets them after). */
static const char *titles[N_DOCS];
/* Texts whose leads give the model lead signatures when a test sets any
 * (and resets them after); without, the model has none, as a model of an
 * older version. */
static const char *leads[N_DOCS];
/* Latent vectors (2 dimensions) given to the model when a test sets
 * with_latent: d5 reads as d0 there, though they share no term. */
static int with_latent;
static const float latent2[N_DOCS][2] = {
	{ 1, 0 }, { 1, 0 }, { 0.8f, 0.6f }, { 0, 1 }, { 0, 1 }, { 1, 0 }, { 0.6f, 0.8f },
};


/* The model above, assembled from its arrays (model_from_parts()). */
static void make_model(struct model *m)
{
	const char *fields[N_DOCS * MODEL_FIELDS] = { 0 };

	for (uint32_t d = 0; d < N_DOCS; d++) {
		fields[d * MODEL_FIELDS + MODEL_SECTION] = sections[d];
		fields[d * MODEL_FIELDS + MODEL_PUBLISHED] = dates[d];
		fields[d * MODEL_FIELDS + MODEL_LANG] = langs[d];
		fields[d * MODEL_FIELDS + MODEL_TITLE] = titles[d];
	}
	assert_int_equal(testutil_model_from_dense(m, N_DOCS, N_TERMS, &dense[0][0], "doc", 0,
						   fields, 0), 0);
	for (uint32_t d = 0; d < N_DOCS; d++) {
		uint16_t *sig;
		if (!leads[d])
			continue;
		sig = malloc(N_DOCS * ANALYZE_LEAD_SLOTS * sizeof *sig);
		assert_non_null(sig);
		for (uint32_t e = 0; e < N_DOCS; e++)
			analyze_lead_signature(leads[e], sig + e * ANALYZE_LEAD_SLOTS);
		model_set_lead_sig(m, sig);
		break;
	}
	if (with_latent) {
		float *lat = malloc(sizeof latent2);
		assert_non_null(lat);
		memcpy(lat, latent2, sizeof latent2);
		model_set_latent(m, lat, 2);
	}
}

/* Candidates: d0 gets the list below (scores chosen freely, best first);
 * the copies d3/d4 have each other as their only candidate, as rank gives
 * copies (policy finds copies among a story's candidates); every other
 * story gets an empty list. */
static void make_candidates(struct rank_lists *l)
{
	static const struct neighbor d0[] = {
		{ 1, 0.99f }, { 2, 0.7f }, { 3, 0.6f }, { 4, 0.59f }, { 5, 0.1f },
	};

	memset(l, 0, sizeof *l);
	l->depth = DEPTH;
	l->n_docs = N_DOCS;
	l->items = calloc(N_DOCS * DEPTH, sizeof *l->items);
	l->count = calloc(N_DOCS, sizeof *l->count);
	assert_non_null(l->items);
	assert_non_null(l->count);
	memcpy(l->items, d0, sizeof d0);
	l->count[0] = 5;
	l->items[3 * DEPTH] = (struct neighbor){ 4, 0.99f };
	l->count[3] = 1;
	l->items[4 * DEPTH] = (struct neighbor){ 3, 0.99f };
	l->count[4] = 1;
}

/* Applies the policy with options o to the model and candidates above. */
static void run(const struct policy_options *o, struct related_lists *out)
{
	struct model m;
	struct rank_lists cand;
	struct error err = { "" };

	make_model(&m);
	make_candidates(&cand);
	assert_int_equal(policy_apply(&m, &cand, o, out, &err), 0);
	assert_int_equal(out->n_docs, N_DOCS);
	rank_lists_free(&cand);
	model_free(&m);
}

static const struct related_item *items_of(const struct related_lists *l, uint32_t d)
{
	return l->items + (size_t)d * l->top;
}

/* Asserts story d's list is exactly the docs given (then -1). */
static void assert_list(const struct related_lists *l, uint32_t d, const int *want)
{
	uint32_t n = 0;

	while (want[n] >= 0)
		n++;
	if (l->count[d] != n)
		fail_msg("story %u: %u items, expected %u", d, l->count[d], n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(items_of(l, d)[i].doc, want[i]);
}

/* The options with the cutoff off (--no-cutoff): the rules below were
 * written for the scores rank gives, and hold the same with it off. */
static void legacy_options(struct policy_options *o)
{
	policy_options_default(o);
	o->cutoff = 0.0f;
}

static void test_options_default_match_header(void **state)
{
	struct policy_options o;

	(void)state;
	policy_options_default(&o);
	assert_int_equal(o.top, 10);
	assert_true(o.min_score == 0.0f);
	assert_true(o.duplicate_score == 0.98f);
	assert_true(o.max_age_days == 0.0);
	assert_true(o.half_life_days == 0.0);
	assert_true(o.min_relative == 0.0f);
	assert_int_equal(o.section_cap, 0);
	assert_int_equal(o.fallback, 1);
	assert_true(o.cutoff == POLICY_DEFAULT_CUTOFF);
	assert_int_equal(o.fill, 0);
	assert_int_equal(o.twins, 1);
}

static void test_near_duplicates_dropped_and_counted(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, 4, 5, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	run(&o, &out);
	/* d1 copies the story; d3 and d4 copy each other and the newer (d4)
	 * takes the better place */
	assert_list(&out, 0, want);
	assert_int_equal(out.dup_count[0], 2);
	assert_int_equal(out.dup[0], 1);
	assert_int_equal(out.dup[1], 3);
	assert_int_equal(out.duplicates, 4); /* and d3, d4 each drop the other */
	assert_true(items_of(&out, 0)[0].score == 0.7f);
	assert_true(items_of(&out, 0)[1].score == 0.6f);
	for (uint32_t i = 0; i < out.count[0]; i++)
		assert_string_equal(items_of(&out, 0)[i].origin, "similar");
	related_lists_free(&out);
}

static void test_duplicate_check_can_be_turned_off(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 1, 2, 3, 4, 5, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	o.duplicate_score = 0.0f;
	run(&o, &out);
	assert_list(&out, 0, want);
	assert_int_equal(out.dup_count[0], 0);
	assert_int_equal(out.duplicates, 0);
	related_lists_free(&out);
}

static void test_min_score_drops_low_items(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, 4, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	o.min_score = 0.1001f; /* d5 at 0.1 goes */
	run(&o, &out);
	assert_list(&out, 0, want);
	related_lists_free(&out);
}

static void test_min_score_keeps_items_at_the_threshold(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, 4, 5, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	o.min_score = 0.1f;
	run(&o, &out);
	assert_list(&out, 0, want);
	related_lists_free(&out);
}

static void test_top_trims(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	o.top = 1;
	run(&o, &out);
	assert_int_equal(out.top, 1);
	assert_list(&out, 0, want);
	related_lists_free(&out);
}

static void test_max_age_drops_distant_stories(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, 5, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	o.max_age_days = 30; /* d3 (42 days) and d4 (38 days) go */
	run(&o, &out);
	assert_list(&out, 0, want);
	related_lists_free(&out);
}

static void test_half_life_decays_and_resorts(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, 5, 4, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	o.half_life_days = 2;
	run(&o, &out);
	/* d2: 0.7 * 0.5^(2/2); d5: 0.1 * 0.5^(1/2); d4: 0.6 * 0.5^(38/2) */
	assert_list(&out, 0, want);
	assert_float_equal(items_of(&out, 0)[0].score, 0.35, 1e-5);
	assert_float_equal(items_of(&out, 0)[1].score, 0.1 * sqrt(0.5), 1e-5);
	assert_true(items_of(&out, 0)[2].score < 0.001f);
	related_lists_free(&out);
}

static void test_min_relative_drops_weak_tail(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, 4, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	o.min_relative = 0.5f; /* below 0.35 goes */
	run(&o, &out);
	assert_list(&out, 0, want);
	related_lists_free(&out);
}

static void test_section_cap_limits_one_section(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, 4, -1 };

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	o.section_cap = 1; /* d2 and d5 are both "world" */
	run(&o, &out);
	assert_list(&out, 0, want);
	related_lists_free(&out);
}

static void test_fallback_fills_empty_lists_with_recent_same_section(void **state)
{
	struct policy_options o;
	struct related_lists out;
	/* d5 (unknown language): world stories newest first, itself left out,
	 * and d1 too: it is a copy of d0 (same vector), already in the list */
	static const int want5[] = { 0, 2, 6, -1 };
	/* d6 (ru): only stories of its language or of unknown language */
	static const int want6[] = { 5, -1 };
	/* d3 (sport): the only other sport story, d4, is its copy, which the
	 * near-duplicate rule dropped from its candidates: nothing */
	static const int none[] = { -1 };
	/* without the near-duplicate rule, copies are stories like the others */
	static const int want3[] = { 4, -1 };
	static const int want5_all[] = { 0, 1, 2, 6, -1 };

	(void)state;
	legacy_options(&o);
	run(&o, &out);
	assert_list(&out, 5, want5);
	assert_list(&out, 6, want6);
	assert_list(&out, 3, none);
	assert_list(&out, 4, none);
	for (uint32_t i = 0; i < out.count[5]; i++) {
		assert_string_equal(items_of(&out, 5)[i].origin, "fallback");
		assert_true(items_of(&out, 5)[i].score == 0.0f);
	}
	/* story 0 had candidates: no fallback there */
	assert_string_equal(items_of(&out, 0)[0].origin, "similar");
	/* every story but d0 and the two sport copies was filled */
	assert_int_equal(out.fallback_lists, N_DOCS - 3);
	related_lists_free(&out);
	o.duplicate_score = 0.0f;
	run(&o, &out);
	assert_list(&out, 3, want3);
	assert_list(&out, 5, want5_all);
	related_lists_free(&out);
}

/* --max-age holds for the fallback too: d5 (2017-04-11) with one day gets
 * the world stories of 04-10 to 04-12, not d6 of January. */
static void test_fallback_keeps_max_age(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want5[] = { 0, 2, -1 };

	(void)state;
	legacy_options(&o);
	o.max_age_days = 1.0;
	run(&o, &out);
	assert_list(&out, 5, want5);
	related_lists_free(&out);
}

static void test_fallback_can_be_turned_off(void **state)
{
	struct policy_options o;
	struct related_lists out;

	(void)state;
	legacy_options(&o);
	o.fallback = 0;
	run(&o, &out);
	for (uint32_t d = 1; d < N_DOCS; d++)
		assert_int_equal(out.count[d], 0);
	assert_int_equal(out.fallback_lists, 0);
	related_lists_free(&out);
}

static void test_parse_time_accepts_rfc3339(void **state)
{
	int64_t t = 0;

	(void)state;
	assert_int_equal(policy_parse_time("2017-04-11T14:00:00Z", &t), 0);
	assert_int_equal(t, 1491919200);
	assert_int_equal(policy_parse_time("2017-04-11T17:00:00+03:00", &t), 0);
	assert_int_equal(t, 1491919200);
	assert_int_equal(policy_parse_time("2017-04-11T09:30:00-04:30", &t), 0);
	assert_int_equal(t, 1491919200);
	assert_int_equal(policy_parse_time("2017-04-11T14:00:00.250Z", &t), 0);
	assert_int_equal(t, 1491919200);
	assert_int_equal(policy_parse_time("2017-04-11", &t), 0);
	assert_int_equal(t, 1491868800);
}

static void test_parse_time_rejects_other_text(void **state)
{
	static const char *const bad[] = {
		"", "yesterday", "2017-13-01T00:00:00Z", "2017-04-32", "2017/04/11",
		"17-04-11", "2017-04-11T25:00:00Z", "2017-04-11T14:61:00Z",
	};
	int64_t t = 42;

	(void)state;
	assert_int_equal(policy_parse_time(NULL, &t), -1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (policy_parse_time(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
}

static void test_pair_rule_names_each_rule_of_one_pair(void **state)
{
	struct policy_options o;
	struct policy_pair p = { "en", "en", 0.5f, 0.5f, 3.0, NULL };

	(void)state;
	policy_options_default(&o);
	o.min_score = 0.2f;
	o.max_age_days = 10;
	assert_null(policy_pair_rule(&o, &p));
	p.doc_lang = "fr";
	assert_string_equal(policy_pair_rule(&o, &p), "other-language");
	o.same_lang = 0;
	assert_null(policy_pair_rule(&o, &p));
	p.doc_lang = NULL; /* unknown: never another language */
	o.same_lang = 1;
	assert_null(policy_pair_rule(&o, &p));
	p.score = 0.1f;
	assert_string_equal(policy_pair_rule(&o, &p), "below min-score");
	p.score = NAN; /* a fallback item: no score to judge */
	assert_null(policy_pair_rule(&o, &p));
	p.override = "sponsored";
	assert_string_equal(policy_pair_rule(&o, &p), "sponsored");
	p.override = NULL;
	p.days_apart = 11.0;
	assert_string_equal(policy_pair_rule(&o, &p), "max-age");
	p.days_apart = -1.0; /* a date unknown */
	assert_null(policy_pair_rule(&o, &p));
	p.tfidf = 0.98f;
	assert_string_equal(policy_pair_rule(&o, &p), "near-duplicate");
	o.duplicate_score = 0.0f;
	assert_null(policy_pair_rule(&o, &p));
}

static void test_override_by_id_as_resolved_overrides(void **state)
{
	static const char lines[] =
		"{\"story\":\"a\",\"block\":\"new\"}\n"
		"{\"block\":\"gone\"}\n"
		"{\"sponsored\":\"ad\"}\n"
		"{\"sponsored\":\"s\"}\n"
		"{\"story\":\"b\",\"pin\":\"new\"}\n";
	struct overrides ov;
	struct skip_list problems = { 0 };
	struct error err = { "" };

	(void)state;
	overrides_init(&ov);
	assert_int_equal(overrides_parse(&ov, lines, sizeof lines - 1, "t", &problems, &err), 0);
	assert_int_equal(problems.n, 0);
	assert_string_equal(policy_override_by_id(&ov, "a", "new"), "blocked");
	assert_null(policy_override_by_id(&ov, "b", "new"));
	assert_string_equal(policy_override_by_id(&ov, "b", "gone"), "blocked");
	assert_string_equal(policy_override_by_id(&ov, "a", "ad"), "sponsored");
	assert_null(policy_override_by_id(&ov, "s", "ad")); /* on a sponsored story */
	assert_null(policy_override_by_id(NULL, "a", "new"));
	overrides_free(&ov);
	skip_list_free(&problems);
}

/* The cutoff (on by default): d5 shares no term with d0 and goes, with the
 * rule's name; the others score their probability of being related, by
 * policy_relatedness() (without latent vectors the TF-IDF cosine is the
 * ranking score), best first; the list is counted as shortened. */
static void test_cutoff_drops_unrelated_items_and_scores_probabilities(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 2, 4, -1 };
	const struct policy_exclusion *ex;
	int cut = 0;

	(void)state;
	policy_options_default(&o);
	o.explain = 1;
	run(&o, &out);
	assert_list(&out, 0, want);
	assert_float_equal(items_of(&out, 0)[0].score, policy_relatedness(0.7f, 0.7f, 0.7f), 1e-6);
	assert_float_equal(items_of(&out, 0)[1].score, policy_relatedness(0.6f, 0.6f, 0.7f), 1e-6);
	assert_true(items_of(&out, 0)[0].score > 0.9f && items_of(&out, 0)[1].score > 0.9f);
	ex = out.excluded;
	for (uint32_t i = 0; i < out.excluded_count[0]; i++)
		cut += ex[i].doc == 5 && !strcmp(ex[i].reason, "below cutoff");
	assert_int_equal(cut, 1);
	assert_int_equal(out.shortened, 1);
	related_lists_free(&out);
	/* a cutoff above what d4 reaches: d2 reaches it and carries d4, the
	 * two being close (their own cosine .5: policy.h, groups); above both,
	 * nothing shows */
	o.cutoff = (policy_relatedness(0.6f, 0.6f, 0.7f) + policy_relatedness(0.7f, 0.7f, 0.7f)) / 2;
	run(&o, &out);
	assert_list(&out, 0, want);
	assert_true(items_of(&out, 0)[1].score < o.cutoff);
	related_lists_free(&out);
	o.cutoff = (policy_relatedness(0.7f, 0.7f, 0.7f) + 1.0f) / 2;
	run(&o, &out);
	assert_int_equal(out.count[0], 0);
	related_lists_free(&out);
}

/* Story d's candidate list in cand: the n items of `items`. */
static void set_list(struct rank_lists *cand, uint32_t d, const struct neighbor *items, uint32_t n)
{
	memcpy(cand->items + (size_t)d * cand->depth, items, n * sizeof *items);
	cand->count[d] = n;
}

/* d0's candidates given as (doc, score) pairs, best first; the policy
 * with the default options (the cutoff) applied; d0's list compared. */
static void run_d0(const struct neighbor *c, uint32_t n, const int *want)
{
	struct policy_options o;
	struct related_lists out;
	struct model m;
	struct rank_lists cand;
	struct error err = { "" };

	make_model(&m);
	make_candidates(&cand);
	set_list(&cand, 0, c, n);
	policy_options_default(&o);
	assert_int_equal(policy_apply(&m, &cand, &o, &out, &err), 0);
	assert_list(&out, 0, want);
	related_lists_free(&out);
	rank_lists_free(&cand);
	model_free(&m);
}

/* The cutoff decides close candidates together (without latent vectors
 * the ranking score stands for the TF-IDF cosine with d0; the candidates'
 * own cosines are the rows'): with d2 sure, d3, linked to it (their own
 * cosine .5), shows with it, although judged against d2 as well (the
 * story's event) it stays below the cutoff, while d5, close to neither,
 * stays out. Without a sure candidate, d2, which passes alone, stands for
 * the event: d6, close to it (.71) but below the cutoff alone, is judged
 * against it too and rises, above d2 when its own score is near d2's. */
static void test_cutoff_decides_close_candidates_together(void **state)
{
	static const struct neighbor sure[] = { { 2, 0.5f }, { 5, 0.15f }, { 3, 0.1f } };
	static const struct neighbor carried[] = { { 2, 0.2f }, { 6, 0.12f } };
	static const struct neighbor weak[] = { { 2, 0.2f }, { 6, 0.08f } };
	static const int with3[] = { 2, 3, -1 };
	static const int up6[] = { 6, 2, -1 };
	static const int both[] = { 2, 6, -1 };
	float p3 = policy_relatedness(0.1f, 0.1f, 0.5f);
	/* d3 against d2 as against the story: their cosine .5, score / best .2 */
	float v3 = policy_relatedness(0.5f, 0.1f, 0.5f);
#define LOGIT(p) logf((p) / (1 - (p)))

	(void)state;
	/* what the cases rest on */
	assert_true(policy_relatedness(0.5f, 0.5f, 0.5f) >= POLICY_GROUP_SURE);
	assert_true(p3 >= POLICY_GROUP_LOW && p3 < POLICY_DEFAULT_CUTOFF);
	assert_true(1 / (1 + expf(-(LOGIT(p3) + LOGIT(v3)) / 2)) < POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness(0.15f, 0.15f, 0.5f) >= POLICY_GROUP_LOW &&
		    policy_relatedness(0.15f, 0.15f, 0.5f) < POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness(0.2f, 0.2f, 0.2f) >= POLICY_DEFAULT_CUTOFF &&
		    policy_relatedness(0.2f, 0.2f, 0.2f) < POLICY_GROUP_SURE);
	assert_true(policy_relatedness(0.12f, 0.12f, 0.2f) < POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness(0.08f, 0.08f, 0.2f) >= POLICY_GROUP_LOW);
#undef LOGIT
	run_d0(sure, 3, with3);
	run_d0(carried, 2, up6);
	run_d0(weak, 2, both);
	assert_true(policy_show_floor(0.4f) == POLICY_GROUP_LOW);
	assert_true(policy_show_floor(0.01f) == 0.01f);
}

/* cand: n_docs empty lists of depth items each. */
static void candidates_new(struct rank_lists *cand, uint32_t n_docs, uint32_t depth)
{
	memset(cand, 0, sizeof *cand);
	cand->depth = depth;
	cand->n_docs = n_docs;
	cand->items = calloc((size_t)n_docs * depth, sizeof *cand->items);
	cand->count = calloc(n_docs, sizeof *cand->count);
	assert_non_null(cand->items);
	assert_non_null(cand->count);
}

/* Story 0's list among 11 stories over 11 terms, each story one term of
 * its own (story i term i) plus the terms `extra` gives it (pairs of
 * story, term; -1 ends): story 1 is sure (ranking score .5), stories 2 to
 * 10 doubtful (.15 each), so story 10 is the tenth item to group, in the
 * second run of eight that the links take at a time (policy.c). */
static void run_eleven(const int *extra, const int *want)
{
	enum { N = 11 };
	float rows[N][N] = { { 0 } };
	const char *fields[N * MODEL_FIELDS] = { 0 };
	struct policy_options o;
	struct related_lists out;
	struct model m;
	struct rank_lists cand;
	struct error err = { "" };

	for (int d = 0; d < N; d++) {
		rows[d][d] = 1;
		fields[d * MODEL_FIELDS + MODEL_LANG] = "en";
	}
	for (int i = 0; extra[i] >= 0; i += 2)
		rows[extra[i]][extra[i + 1]] = 1;
	assert_int_equal(testutil_model_from_dense(&m, N, N, &rows[0][0], "s", 2, fields, 0), 0);
	candidates_new(&cand, N, N);
	for (uint32_t d = 1; d < N; d++)
		cand.items[d - 1] = (struct neighbor){ d, d == 1 ? 0.5f : 0.15f };
	cand.count[0] = N - 1;
	policy_options_default(&o);
	assert_int_equal(policy_apply(&m, &cand, &o, &out, &err), 0);
	assert_list(&out, 0, want);
	related_lists_free(&out);
	rank_lists_free(&cand);
	model_free(&m);
}

/* d0's list under the default cutoff, on a model of four stories over five
 * terms (rows `vec`, L2-normalised) with latent vectors, so that the
 * candidates' scores c (best first) are blended ones and the TF-IDF cosines
 * are read from the rows. */
static void run_event(const float vec[4][5], const struct neighbor *c, uint32_t n,
		      const int *want, struct related_lists *out)
{
	struct model m;
	struct rank_lists cand;
	struct policy_options o;
	struct error err = { "" };
	float *lat = calloc(4 * 2, sizeof *lat);

	assert_non_null(lat);
	assert_int_equal(testutil_model_from_dense(&m, 4, 5, &vec[0][0], "e", 0, NULL, 0), 0);
	model_set_latent(&m, lat, 2);
	candidates_new(&cand, 4, DEPTH);
	set_list(&cand, 0, c, n);
	policy_options_default(&o);
	o.semantic = 0.5f;
	assert_int_equal(policy_apply(&m, &cand, &o, out, &err), 0);
	assert_list(out, 0, want);
	rank_lists_free(&cand);
	model_free(&m);
}

/* run_event(), then the list's first two scores are s0 and s1. */
static void check_event_scores(const float vec[4][5], const struct neighbor *c, uint32_t n,
			       const int *want, float s0, float s1)
{
	struct related_lists out;

	run_event(vec, c, n, want, &out);
	assert_float_equal(items_of(&out, 0)[0].score, s0, 1e-6);
	assert_float_equal(items_of(&out, 0)[1].score, s1, 1e-4);
	related_lists_free(&out);
}

/* Groups of more items than the links take at once (policy.c: eight):
 * the tenth doubtful item shows when it is close to the sure first one
 * (their own cosine .71), or when it is close on average to the group the
 * ninth forms with the first across the runs (.82 to the ninth, .58 to
 * the first). Groups are made by average link, not single link: a chain
 * does not carry it, the tenth close to the ninth (.5) but not to the
 * first (0), .25 on average. Close to none, it stays out with the other
 * doubtful items. */
static void test_cutoff_links_items_beyond_the_eighth(void **state)
{
	static const int to_first[] = { 10, 1, -1 };
	static const int to_both[] = { 9, 1, 10, 1, 10, 9, -1 };
	static const int chain[] = { 9, 1, 10, 9, -1 };
	static const int none[] = { -1 };
	static const int first_tenth[] = { 1, 10, -1 };
	static const int first_ninth_tenth[] = { 1, 9, 10, -1 };
	static const int first_ninth[] = { 1, 9, -1 };
	static const int first[] = { 1, -1 };

	(void)state;
	/* what the cases rest on */
	assert_true(policy_relatedness(0.5f, 0.5f, 0.5f) >= POLICY_GROUP_SURE);
	assert_true(policy_relatedness(0.15f, 0.15f, 0.5f) >= POLICY_GROUP_LOW &&
		    policy_relatedness(0.15f, 0.15f, 0.5f) < POLICY_DEFAULT_CUTOFF);
	assert_true(0.5f >= POLICY_GROUP_LINK);
	assert_true((0.0f + 0.5f) / 2 < POLICY_GROUP_LINK);
	run_eleven(to_first, first_tenth);
	run_eleven(to_both, first_ninth_tenth);
	run_eleven(chain, first_ninth);
	run_eleven(none, first);
}

static float logit(float p)
{
	return logf(p / (1 - p));
}

/* The story's event (policy.h): e0 is the story, e1 its sure candidate;
 * e2 is as close to e0 (cosine .45) but far from e1 (.2), the topic's
 * other event, and e3 shares little with e0 (.1) and much with e1 (.38);
 * no two of e1-e3 are linked (below .4), so no group decides for them.
 * Alone, e2 passes the cutoff and e3 does not; judged against e1 too, e2
 * sinks and e3 rises, each to the probability of its mean log-odds. */
static void test_cutoff_judges_doubtful_candidates_against_the_event(void **state)
{
	static const float ev[4][5] = {
		{ 1, 0, 0, 0, 0 },
		{ 1, 2, 0, 0, 0 },
		{ 1, 0, 2, 0, 0 },
		{ 0.1f, 0.37f, 0, 0, 0.9236f },
	};
	/* ranking scores chosen freely: score / best .1 for e2, .8 for e3 */
	static const struct neighbor c[] = { { 1, 0.7f }, { 3, 0.56f }, { 2, 0.07f } };
	static const int want[] = { 1, 3, -1 };
	float n3 = sqrtf(0.01f + 0.1369f + 0.8530f);
	float c01 = 1 / sqrtf(5), c02 = 1 / sqrtf(5), c03 = 0.1f / n3;
	float c12 = 1.0f / 5, c13 = (0.1f + 0.74f) / sqrtf(5) / n3;
	float p1 = policy_relatedness(c01, 0.7f, 0.7f), p2 = policy_relatedness(c02, 0.07f, 0.7f);
	float p3 = policy_relatedness(c03, 0.56f, 0.7f);
	float e2 = (logit(p2) + logit(policy_relatedness(c12, 0.07f, 0.7f))) / 2;
	float e3 = (logit(p3) + logit(policy_relatedness(c13, 0.56f, 0.7f))) / 2;

	(void)state;
	/* what the case rests on */
	assert_true(p1 >= POLICY_GROUP_SURE);
	assert_true(p2 >= POLICY_DEFAULT_CUTOFF && p2 < POLICY_GROUP_SURE);
	assert_true(p3 >= POLICY_GROUP_LOW && p3 < POLICY_DEFAULT_CUTOFF);
	assert_true(c12 < POLICY_GROUP_LINK && c13 < POLICY_GROUP_LINK && c13 > 0.35f);
	assert_true(1 / (1 + expf(-e2)) < POLICY_DEFAULT_CUTOFF);
	assert_true(1 / (1 + expf(-e3)) >= POLICY_DEFAULT_CUTOFF);
	check_event_scores(ev, c, 3, want, p1, 1 / (1 + expf(-e3)));
}

/* Without a sure candidate, the event's stories are those that pass the
 * cutoff on their own: e1 (cosine .2 with e0, P about .8) lifts e3, which
 * shares little with e0 (.1) and much with e1 (.38, not linked). */
static void test_cutoff_event_without_a_sure_candidate(void **state)
{
	static const float ev[4][5] = {
		{ 1, 0, 0, 0, 0 },
		{ 0.2f, 0.98f, 0, 0, 0 },
		{ 0, 0, 0, 1, 0 },
		{ 0.1f, 0.37f, 0, 0, 0.9236f },
	};
	static const struct neighbor c[] = { { 1, 0.7f }, { 3, 0.56f } };
	static const int want[] = { 1, 3, -1 };
	float n1 = sqrtf(0.04f + 0.9604f), n3 = sqrtf(0.01f + 0.1369f + 0.8530f);
	float p1 = policy_relatedness(0.2f / n1, 0.7f, 0.7f);
	float p3 = policy_relatedness(0.1f / n3, 0.56f, 0.7f);
	float c13 = (0.02f + 0.98f * 0.37f) / n1 / n3;
	float e3 = (logit(p3) + logit(policy_relatedness(c13, 0.56f, 0.7f))) / 2;

	(void)state;
	assert_true(p1 >= POLICY_DEFAULT_CUTOFF && p1 < POLICY_GROUP_SURE);
	assert_true(p3 >= POLICY_GROUP_LOW && p3 < POLICY_DEFAULT_CUTOFF);
	assert_true(c13 < POLICY_GROUP_LINK);
	assert_true(1 / (1 + expf(-e3)) >= POLICY_DEFAULT_CUTOFF);
	check_event_scores(ev, c, 2, want, p1, 1 / (1 + expf(-e3)));
}

/* The event's cosines come from one pass over the later item's row
 * against the earlier ones (policy.c, link_matrix()): here the doubtful
 * e3 ranks first and the sure e1 second, so e1's row is the one read, and
 * e3 rises to the probability of its mean log-odds with its view from
 * e1 (cosine .38) as when it ranks below e1. */
static void test_cutoff_event_with_the_sure_candidate_ranked_below(void **state)
{
	static const float ev[4][5] = {
		{ 1, 0, 0, 0, 0 },
		{ 1, 2, 0, 0, 0 },
		{ 0, 0, 0, 1, 0 },
		{ 0.1f, 0.37f, 0, 0, 0.9236f },
	};
	static const struct neighbor c[] = { { 3, 0.7f }, { 1, 0.56f } };
	static const int want[] = { 1, 3, -1 };
	float n3 = sqrtf(0.01f + 0.1369f + 0.8530f);
	float c01 = 1 / sqrtf(5), c03 = 0.1f / n3, c13 = (0.1f + 0.74f) / sqrtf(5) / n3;
	float p1 = policy_relatedness(c01, 0.56f, 0.7f), p3 = policy_relatedness(c03, 0.7f, 0.7f);
	float e3 = (logit(p3) + logit(policy_relatedness(c13, 0.7f, 0.7f))) / 2;

	(void)state;
	/* what the case rests on */
	assert_true(p1 >= POLICY_GROUP_SURE);
	assert_true(p3 >= POLICY_GROUP_LOW && p3 < POLICY_GROUP_SURE);
	assert_true(c13 < POLICY_GROUP_LINK);
	assert_true(1 / (1 + expf(-e3)) > p3 + 0.1f);
	check_event_scores(ev, c, 2, want, p1, 1 / (1 + expf(-e3)));
}

/* A pair's cosine is the same wherever the cutoff takes it from (the
 * near-duplicate graph when one story is the other's candidate, a list
 * that linked the pair before, or its own sum): s0 and s1 (rows t0) both
 * list a (t0 + t1, sure), then b for s0 and c for s1, each doubtful with
 * cosine .15 with its story; a lists b and c, so the graph holds a's
 * cosines with both. b is close to a (.53, linked: b shows), c is not
 * (.11: c stays out). The same lists with and without the graph, with
 * and without the lists before; read at the other's place (b's and c's
 * pairs with a are both the list's first pair), c would show. c lists a
 * in turn, and its list takes that cosine from a's candidates: the same
 * with and without the graph. */
static void test_cutoff_pairs_the_same_from_graph_earlier_list_or_sum(void **state)
{
	static const float vec[5][4] = {
		{ 1, 0, 0, 0 },
		{ 1, 0, 0, 0 },
		{ 1, 1, 0, 0 },
		{ 0.15f, 0.6f, 0.7858f, 0 },
		{ 0.15f, 0, 0, 0.9887f },
	};
	static const struct neighbor s0[] = { { 2, 0.7f }, { 3, 0.21f } };
	static const struct neighbor s1[] = { { 2, 0.7f }, { 4, 0.21f } };
	static const struct neighbor a[] = { { 3, 0.5f }, { 4, 0.5f } };
	static const struct neighbor c[] = { { 2, 0.5f } };
	static const int want0[] = { 2, 3, -1 }, want1[] = { 2, -1 };
	float cab = (0.15f + 0.6f) / sqrtf(2), cac = 0.15f / sqrtf(2);
	struct model m;
	struct rank_lists cand;
	struct policy_options o;
	struct related_lists out[4];
	struct error err = { "" };
	float *lat = calloc(5 * 2, sizeof *lat);

	(void)state;
	/* what the case rests on */
	assert_true(policy_relatedness(1 / sqrtf(2), 0.7f, 0.7f) >= POLICY_GROUP_SURE);
	assert_true(policy_relatedness(0.15f, 0.21f, 0.7f) >= POLICY_GROUP_LOW &&
		    policy_relatedness(0.15f, 0.21f, 0.7f) < POLICY_DEFAULT_CUTOFF);
	assert_true(cab >= POLICY_GROUP_LINK && cac < 0.2f);
	assert_non_null(lat);
	assert_int_equal(testutil_model_from_dense(&m, 5, 4, &vec[0][0], "p", 0, NULL, 0), 0);
	model_set_latent(&m, lat, 2);
	candidates_new(&cand, 5, DEPTH);
	set_list(&cand, 2, a, 2);
	set_list(&cand, 1, s1, 2);
	set_list(&cand, 4, c, 1);
	policy_options_default(&o);
	o.semantic = 0.5f;
	for (int k = 0; k < 4; k++) {
		/* with the graph or not; with s0's list before s1's or not */
		o.duplicate_score = k & 1 ? 0.0f : 0.98f;
		set_list(&cand, 0, s0, k & 2 ? 0 : 2);
		assert_int_equal(policy_apply(&m, &cand, &o, &out[k], &err), 0);
		if (!(k & 2))
			assert_list(&out[k], 0, want0);
		assert_list(&out[k], 1, want1);
	}
	assert_int_equal(out[0].count[4], 1);
	assert_int_equal(out[1].count[4], 1);
	assert_true(items_of(&out[0], 4)[0].score == items_of(&out[1], 4)[0].score);
	for (int k = 0; k < 4; k++)
		related_lists_free(&out[k]);
	rank_lists_free(&cand);
	model_free(&m);
}

/* The story's cluster (policy.h): e1 passes the cutoff alone (cosine .2
 * with the story e0, the best score), e2 is doubtful (cosine .1, score /
 * best .29) and close to e1 (.38, not linked), too little for the event
 * to lift it (the mean of its log-odds and e1's view of it stays below the
 * cutoff's). By average link e1 and e2 join first (their own log-odds,
 * with the geometric mean of their scores / best, is the highest), and
 * the story joins them since its mean log-odds with the two reaches the
 * cutoff's, so e2 shows. A little farther from e1 (.25) the mean falls
 * below it and e2 stays out. */
static void run_cluster(float c12, const int *want)
{
	float a = sqrtf(1 - 0.04f), b = (c12 - 0.02f) / a, e = sqrtf(1 - 0.01f - b * b);
	float ev[4][5] = {
		{ 1, 0, 0, 0, 0 },
		{ 0.2f, a, 0, 0, 0 },
		{ 0.1f, b, e, 0, 0 },
		{ 0, 0, 0, 1, 0 },
	};
	static const struct neighbor c[] = { { 1, 0.7f }, { 2, 0.2f } };
	struct related_lists out;

	run_event((const float(*)[5])ev, c, 2, want, &out);
	related_lists_free(&out);
}

static void test_cutoff_story_cluster_carries_an_item(void **state)
{
	static const int both[] = { 1, 2, -1 };
	static const int first[] = { 1, -1 };
	float p1 = policy_relatedness(0.2f, 0.7f, 0.7f), p2 = policy_relatedness(0.1f, 0.2f, 0.7f);
	float view = (logit(p2) + logit(policy_relatedness(0.38f, 0.2f, 0.7f))) / 2;
	float l12 = logit(policy_relatedness(0.38f, sqrtf(0.2f / 0.7f), 1.0f));
	float far = (logit(p2) + logit(policy_relatedness(0.25f, 0.2f, 0.7f))) / 2;
	float l12far = logit(policy_relatedness(0.25f, sqrtf(0.2f / 0.7f), 1.0f));

	(void)state;
	/* what the cases rest on */
	assert_true(p1 >= POLICY_DEFAULT_CUTOFF && p1 < POLICY_GROUP_SURE);
	assert_true(p2 >= POLICY_GROUP_LOW && p2 < POLICY_DEFAULT_CUTOFF);
	assert_true(view < logit(POLICY_DEFAULT_CUTOFF) && 0.38f < POLICY_GROUP_LINK);
	assert_true(l12 > logit(p1) && (logit(p1) + view) / 2 >= logit(POLICY_DEFAULT_CUTOFF));
	assert_true(l12far < logit(p1) && (far + l12far) / 2 < logit(POLICY_DEFAULT_CUTOFF));
	run_cluster(0.38f, both);
	run_cluster(0.25f, first);
}

/* With the cutoff, a story with nothing related keeps an empty list (the
 * fallback filled d5's without it); --fill N tops lists up to N. */
static void test_cutoff_leaves_lists_empty_unless_filled(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int none[] = { -1 };
	static const int want5[] = { 0, 2, -1 };
	static const int want[] = { 2, 4, -1 };
	/* the newest world story left in d0's language or none: d5 */
	static const int want0[] = { 2, 4, 5, -1 };

	(void)state;
	policy_options_default(&o);
	run(&o, &out);
	assert_list(&out, 5, none);
	assert_int_equal(out.fallback_lists, 0);
	related_lists_free(&out);
	o.fill = 2;
	run(&o, &out);
	assert_list(&out, 5, want5);
	assert_string_equal(items_of(&out, 5)[0].origin, "fallback");
	assert_list(&out, 0, want);
	related_lists_free(&out);
	o.fill = 3;
	run(&o, &out);
	assert_list(&out, 0, want0);
	assert_string_equal(items_of(&out, 0)[1].origin, "similar");
	assert_string_equal(items_of(&out, 0)[2].origin, "fallback");
	related_lists_free(&out);
}

/* The latent cosine never lifts a pair over the cutoff on its own: d5
 * shares no term with d0 but reads as it in the latent space, so rank puts
 * it first; the cutoff uses the pair's own TF-IDF cosine (0) and drops it. */
static void test_latent_alone_never_passes_the_cutoff(void **state)
{
	struct policy_options o;
	struct related_lists out;
	struct model m;
	struct rank_lists cand;
	struct error err = { "" };

	(void)state;
	assert_true(policy_relatedness(0.0f, 1.0f, 1.0f) < POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness_names(0.0f, 1.0f, 1.0f, 0.0f) < POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness(0.02f, 1.0f, 1.0f) < POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness(0.3f, 0.3f, 0.3f) > POLICY_DEFAULT_CUTOFF);
	with_latent = 1;
	make_model(&m);
	make_candidates(&cand);
	cand.items[0] = (struct neighbor){ 5, 0.95f };
	cand.items[4] = (struct neighbor){ 1, 0.99f };
	policy_options_default(&o);
	o.semantic = 0.5f;
	assert_int_equal(policy_apply(&m, &cand, &o, &out, &err), 0);
	for (uint32_t i = 0; i < out.count[0]; i++)
		assert_int_not_equal(items_of(&out, 0)[i].doc, 5);
	assert_true(out.count[0] >= 1);
	related_lists_free(&out);
	rank_lists_free(&cand);
	model_free(&m);
	with_latent = 0;
}

/* The cutoff reads each candidate's TF-IDF cosine: from the near-duplicate
 * graph, which computes them, or computed in the story's pass when that
 * rule is off. On candidates among which there is no copy, the two give
 * the same lists and the same scores. */
static void test_cutoff_cosines_the_same_with_and_without_the_graph(void **state)
{
	static const struct neighbor d0[] = { { 2, 0.9f }, { 3, 0.8f }, { 5, 0.7f } };
	static const struct neighbor d2[] = { { 0, 0.9f }, { 3, 0.5f } };
	struct policy_options o;
	struct related_lists out[2];
	struct model m;
	struct rank_lists cand;
	struct error err = { "" };

	(void)state;
	with_latent = 1;
	make_model(&m);
	make_candidates(&cand);
	memset(cand.count, 0, N_DOCS * sizeof *cand.count);
	set_list(&cand, 0, d0, 3);
	set_list(&cand, 2, d2, 2);
	policy_options_default(&o);
	o.semantic = 0.5f;
	for (int k = 0; k < 2; k++) {
		o.duplicate_score = k ? 0.0f : 0.98f;
		assert_int_equal(policy_apply(&m, &cand, &o, &out[k], &err), 0);
	}
	assert_true(out[0].count[0] >= 2);
	for (uint32_t d = 0; d < N_DOCS; d++) {
		assert_int_equal(out[0].count[d], out[1].count[d]);
		for (uint32_t i = 0; i < out[0].count[d]; i++) {
			assert_int_equal(items_of(&out[0], d)[i].doc, items_of(&out[1], d)[i].doc);
			assert_true(items_of(&out[0], d)[i].score == items_of(&out[1], d)[i].score);
		}
	}
	/* d2 at cosine .71 with d0: its probability from that cosine */
	assert_true(items_of(&out[0], 0)[0].score > 0.9f);
	for (int k = 0; k < 2; k++)
		related_lists_free(&out[k]);
	rank_lists_free(&cand);
	model_free(&m);
	with_latent = 0;
}

/* Asserts two sets of lists are the same, item for item. */
static void assert_same_lists(const struct related_lists *a, const struct related_lists *b)
{
	assert_int_equal(a->n_docs, b->n_docs);
	for (uint32_t d = 0; d < a->n_docs; d++) {
		assert_int_equal(a->count[d], b->count[d]);
		for (uint32_t i = 0; i < a->count[d]; i++) {
			assert_int_equal(items_of(a, d)[i].doc, items_of(b, d)[i].doc);
			assert_true(items_of(a, d)[i].score == items_of(b, d)[i].score);
			assert_string_equal(items_of(a, d)[i].origin, items_of(b, d)[i].origin);
		}
	}
	assert_int_equal(a->twins, b->twins);
	assert_int_equal(a->duplicates, b->duplicates);
}

/* The policy's model-only part made beforehand (policy_prepare()) gives
 * the lists policy_apply() gives; one made for other options (no cutoff:
 * no title words) is not used for the cutoff's lists. */
static void test_prepared_policy_gives_the_same_lists(void **state)
{
	struct policy_options o, legacy;
	struct related_lists want, got;
	struct policy_prep *prep, *prep_legacy;
	struct model m;
	struct rank_lists cand;
	struct error err = { "" };

	(void)state;
	titles[0] = "Putin receives Tillerson";
	titles[2] = "Syria talks open in Moscow";
	titles[4] = "Talks on Syria open in Moscow";
	make_model(&m);
	make_candidates(&cand);
	policy_options_default(&o);
	o.fill = 3;
	legacy_options(&legacy);
	assert_int_equal(policy_prepare(&m, &o, &prep), 0);
	assert_int_equal(policy_prepare(&m, &legacy, &prep_legacy), 0);
	assert_int_equal(policy_apply(&m, &cand, &o, &want, &err), 0);
	assert_int_equal(want.twins, 1);
	assert_int_equal(policy_apply_prepared(&m, &cand, &o, prep, &got, &err), 0);
	assert_same_lists(&want, &got);
	related_lists_free(&got);
	assert_int_equal(policy_apply_prepared(&m, &cand, &o, prep_legacy, &got, &err), 0);
	assert_same_lists(&want, &got);
	related_lists_free(&got);
	related_lists_free(&want);
	assert_int_equal(policy_apply(&m, &cand, &legacy, &want, &err), 0);
	assert_int_equal(policy_apply_prepared(&m, &cand, &legacy, prep_legacy, &got, &err), 0);
	assert_same_lists(&want, &got);
	related_lists_free(&got);
	related_lists_free(&want);
	policy_prep_free(prep);
	policy_prep_free(prep_legacy);
	rank_lists_free(&cand);
	model_free(&m);
	titles[0] = titles[2] = titles[4] = NULL;
}

static void test_title_twins_read_as_the_same_story(void **state)
{
	(void)state;
	assert_true(policy_title_twins("Ellen DeGeneres to host the Oscars",
				       "Ellen DeGeneres To Host Oscars"));
	assert_true(policy_title_twins("Woman Killed In Queens Hit-And-Run, Driver Charged",
				       "woman killed in queens hit and run: driver charged"));
	assert_true(policy_title_twins("Café opens", "CAFE OPENS"));
	assert_true(policy_title_twins("Putin, Tillerson", "Tillerson Putin"));
	/* ASCII read case-blind; sizes 4 and 3 sharing 3 words are at the
	 * overlap (3/4), sizes 5 and 3 beyond it */
	assert_true(policy_title_twins("STORM HITS THE COAST", "Storm hits coast"));
	assert_false(policy_title_twins("Storm hits the east coast", "storm hits coast"));
	assert_false(policy_title_twins("Fred LaRue dies at 75", "John Smith dies at 75"));
	assert_false(policy_title_twins("Putin meets Tillerson", "Putin meets Xi"));
	assert_false(policy_title_twins("", ""));
	assert_false(policy_title_twins(NULL, "Putin"));
	assert_false(policy_title_twins("!!", "?"));
}

/* Twins collapse: an item titled as the story goes; two items titled as
 * each other show once, the newer (d2, April) in the better place; off
 * with the cutoff. */
static void test_twins_collapse_to_the_newest(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int story_twin[] = { 4, -1 };
	static const int item_twins[] = { 2, -1 };
	static const int legacy[] = { 2, 4, 5, -1 };

	(void)state;
	titles[0] = "Tillerson lands in Moscow";
	titles[2] = "Tillerson Lands In Moscow";
	titles[4] = "Talks on Syria open in Moscow";
	policy_options_default(&o);
	o.explain = 1;
	run(&o, &out);
	assert_list(&out, 0, story_twin);
	assert_int_equal(out.twins, 1);
	assert_string_equal(out.excluded[1].reason, "twin");
	related_lists_free(&out);
	titles[0] = "Putin receives Tillerson";
	titles[2] = "Syria talks open in Moscow";
	run(&o, &out);
	assert_list(&out, 0, item_twins);
	assert_true(items_of(&out, 0)[0].score == policy_relatedness(0.7f, 0.7f, 0.7f));
	assert_int_equal(out.twins, 1);
	related_lists_free(&out);
	legacy_options(&o);
	o.fallback = 0;
	run(&o, &out);
	assert_list(&out, 0, legacy);
	assert_int_equal(out.twins, 0);
	related_lists_free(&out);
	titles[0] = titles[2] = titles[4] = NULL;
}

/* A wire story's lead, the same story re-edited by another paper (a few
 * words changed, a dateline added), and another story of the same quake
 * the next day, in much the same words. */
static const char wire[] =
	"A powerful earthquake struck southern Iran on Sunday, killing at least ten people, "
	"injuring dozens more and damaging several villages, officials said. The magnitude "
	"6.1 quake hit Qeshm island, home to 120,000 people, and was felt in the port city of "
	"Bandar Abbas, where residents ran into the streets. Rescue teams were sent from the "
	"mainland and the Red Crescent set up tents for families whose homes had collapsed.";
static const char wire_reedited[] =
	"TEHRAN (Reuters) - A powerful earthquake struck southern Iran on Sunday, killing at "
	"least 13 people, injuring dozens more and damaging several villages, officials said. "
	"The magnitude 5.9 quake hit Qeshm island, home to 120,000 people, and was felt in "
	"the port town of Bandar Abbas, where residents ran into the streets. Rescue teams "
	"were flown from the mainland and the Red Crescent set up tents for families whose "
	"homes had collapsed.";
static const char follow_up[] =
	"Families on Qeshm island spent a second night in tents on Monday as aftershocks "
	"shook the villages damaged by Sunday's earthquake in southern Iran. Officials in "
	"Bandar Abbas said the death toll had risen to thirteen and that dozens of injured "
	"people were flown to the mainland, while the Red Crescent appealed for blankets, "
	"water and more tents for residents who fear returning to their homes.";

/* The twin rule in the lists at the overlap's edge: 3 of 4 words shared
 * is a twin (d2 goes from d0's list), 3 of 5 is not (d2 stays). */
static void test_title_twins_at_the_overlap_in_lists(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int twin[] = { 4, -1 };
	static const int kept[] = { 2, 4, -1 };

	(void)state;
	policy_options_default(&o);
	titles[0] = "Storm hits the coast";
	titles[2] = "STORM HITS COAST";
	run(&o, &out);
	assert_list(&out, 0, twin);
	related_lists_free(&out);
	titles[0] = "Storm hits the east coast";
	run(&o, &out);
	assert_list(&out, 0, kept);
	related_lists_free(&out);
	titles[0] = titles[2] = NULL;
}

static void test_lead_twins_tell_a_re_edit_from_another_story(void **state)
{
	uint16_t a[ANALYZE_LEAD_SLOTS], b[ANALYZE_LEAD_SLOTS], c[ANALYZE_LEAD_SLOTS];

	(void)state;
	analyze_lead_signature(wire, a);
	analyze_lead_signature(wire_reedited, b);
	analyze_lead_signature(follow_up, c);
	assert_true(policy_lead_twins(a, b));
	assert_true(policy_lead_twins(b, a));
	assert_true(analyze_lead_overlap(a, b) >= POLICY_LEAD_TWIN_OVERLAP);
	assert_false(policy_lead_twins(a, c));
	assert_false(policy_lead_twins(b, c));
	assert_true(analyze_lead_overlap(a, c) < 0.2);
	assert_true(policy_lead_twins(a, a));
	/* a lead too short to tell is no one's twin, not even its own */
	analyze_lead_signature("A powerful earthquake struck southern Iran on Sunday.", c);
	assert_false(analyze_lead_known(c));
	assert_false(policy_lead_twins(c, c));
	analyze_lead_signature(NULL, c);
	assert_false(policy_lead_twins(a, c));
}

/* Lead twins: an item whose lead is the story's re-edited goes (whatever
 * its title); two items with one lead re-edited show once, the newer (d2)
 * in the better place; counted as twins; a model without signatures (an
 * older file) finds twins by title only; off with the cutoff. */
static void test_lead_twins_collapse_to_the_newest(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int story_twin[] = { 4, -1 };
	static const int item_twins[] = { 2, -1 };
	static const int both[] = { 2, 4, -1 };
	static const int legacy[] = { 2, 4, 5, -1 };

	(void)state;
	titles[0] = "Quake kills ten in Iran";
	titles[2] = "Dozens hurt as earthquake hits Qeshm";
	titles[4] = "Iran: tents for the homeless";
	leads[0] = wire;
	leads[2] = wire_reedited;
	leads[4] = follow_up;
	policy_options_default(&o);
	o.explain = 1;
	run(&o, &out);
	assert_list(&out, 0, story_twin);
	assert_int_equal(out.twins, 1);
	assert_int_equal(out.twin_count[0], 1);
	assert_string_equal(out.excluded[1].reason, "twin");
	assert_int_equal(out.excluded[1].doc, 2);
	related_lists_free(&out);
	leads[0] = follow_up;
	leads[4] = wire;
	run(&o, &out);
	assert_list(&out, 0, item_twins);
	assert_int_equal(out.twins, 1);
	related_lists_free(&out);
	leads[0] = leads[2] = leads[4] = NULL; /* no signatures: titles only */
	run(&o, &out);
	assert_list(&out, 0, both);
	assert_int_equal(out.twins, 0);
	related_lists_free(&out);
	leads[0] = follow_up;
	leads[2] = wire_reedited;
	leads[4] = wire;
	legacy_options(&o);
	o.fallback = 0;
	run(&o, &out);
	assert_list(&out, 0, legacy);
	assert_int_equal(out.twins, 0);
	related_lists_free(&out);
	titles[0] = titles[2] = titles[4] = NULL;
	leads[0] = leads[2] = leads[4] = NULL;
}

/* Names in the leads: capitalised words that do not start a sentence, and
 * words with digits, case-folded; a title in title case gives only its
 * numbers; the overlap is the Jaccard of the two sets. */
static void test_lead_names_are_who_where_and_when(void **state)
{
	(void)state;
	/* sentence-initial capitals name nothing */
	assert_float_equal(policy_lead_names(NULL, "Police arrested a man. Officers said so.",
					     NULL, "Police said nothing. Officers left."),
			   0.0f, 0);
	/* mid-sentence capitals do, whatever their case */
	assert_float_equal(policy_lead_names(NULL, "The court in Palmer heard it.", NULL,
					     "A fire in PALMER destroyed it."), 1.0f, 0);
	/* numbers: {23, 2008} and {23} */
	assert_float_equal(policy_lead_names(NULL, "He was 23 years old in 2008.", NULL,
					     "Another 23 were hurt."), 0.5f, 1e-6);
	/* two ships of one navy: {ins, mysore} and {ins, sukanya} */
	assert_float_equal(policy_lead_names(NULL, "The navy ship INS Mysore sailed.", NULL,
					     "The navy ship INS Sukanya sailed."), 1.0f / 3, 1e-6);
	/* a title in title case: its capitals are style, its numbers count */
	assert_float_equal(policy_lead_names("Fire Destroys Historic Dairy in Palmer", NULL,
					     "Palmer Dairy Fire Was Arson", NULL), 0.0f, 0);
	assert_float_equal(policy_lead_names("Quake of 1906 Remembered", NULL,
					     "Survivors recall the 1906 quake", NULL), 1.0f, 0);
	/* a title in sentence case names as a lead does */
	assert_float_equal(policy_lead_names("Fire destroys dairy in Palmer", NULL, NULL,
					     "Crews in Palmer fought the fire."), 1.0f, 0);
	/* after a full stop and a space a new sentence starts */
	assert_float_equal(policy_lead_names(NULL, "Crews came. Palmer police said.", NULL,
					     "Crews in Palmer came."), 0.0f, 0);
	assert_float_equal(policy_lead_names(NULL, NULL, "", ""), 0.0f, 0);
}

/* The probability grows with the names the leads share, never lifts a pair
 * with no shared term and no shared name over the cutoff, and lifts one
 * whose TF-IDF cosine alone would not pass. */
static void test_relatedness_grows_with_shared_names(void **state)
{
	(void)state;
	for (float rel = 0.0f; rel <= 1.0f; rel += 0.125f)
		assert_true(policy_relatedness_names(0.0f, rel, 1.0f, 0.0f) <
			    POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness_names(0.05f, 0.9f, 1.0f, 0.0f) < POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness_names(0.05f, 0.9f, 1.0f, 1.0f) > POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness_names(0.3f, 0.8f, 1.0f, 0.2f) >
		    policy_relatedness_names(0.3f, 0.8f, 1.0f, 0.1f));
	assert_true(policy_relatedness(0.3f, 0.8f, 1.0f) ==
		    policy_relatedness_names(0.3f, 0.8f, 1.0f, 0.0f));
}

/* Numbers the two stories disagree on lower the probability, enough to
 * keep off the list a pair that would pass without them (the topic's
 * other event: another magnitude, another toll); numdis 0 is the names
 * form itself, the bound query's refresh uses. */
static void test_relatedness_falls_with_numbers_disagreeing(void **state)
{
	(void)state;
	assert_true(policy_relatedness_full(0.2f, 1.0f, 1.0f, 0.0f, 0.0f) ==
		    policy_relatedness_names(0.2f, 1.0f, 1.0f, 0.0f));
	assert_true(policy_relatedness_full(0.2f, 1.0f, 1.0f, 0.0f, 0.0f) > POLICY_DEFAULT_CUTOFF);
	assert_true(policy_relatedness_full(0.2f, 1.0f, 1.0f, 0.0f, 0.5f) < POLICY_DEFAULT_CUTOFF);
	for (float nd = 0.0f; nd < 1.0f; nd += 0.125f)
		assert_true(policy_relatedness_full(0.3f, 0.8f, 1.0f, 0.2f, nd + 0.125f) <
			    policy_relatedness_full(0.3f, 0.8f, 1.0f, 0.2f, nd));
}

/* The cutoff scores each item with the names its lead shares with the
 * story's: d4 (in d3's place, ranked below d2) names the same place as d0
 * and comes first. Without latent vectors the ranking score stands for
 * the TF-IDF cosine. */
static void test_cutoff_scores_shared_names(void **state)
{
	struct policy_options o;
	struct related_lists out;
	static const int want[] = { 4, 2, -1 };

	(void)state;
	titles[0] = "Strike closes the port of Carrowmouth";
	titles[2] = "Dockers walk out over pay";
	titles[4] = "Ships queue off Carrowmouth";
	policy_options_default(&o);
	run(&o, &out);
	assert_list(&out, 0, want);
	assert_float_equal(items_of(&out, 0)[0].score,
			   policy_relatedness_names(0.6f, 0.6f, 0.7f, 1.0f), 1e-6);
	assert_float_equal(items_of(&out, 0)[1].score, policy_relatedness(0.7f, 0.7f, 0.7f),
			   1e-6);
	related_lists_free(&out);
	titles[0] = titles[2] = titles[4] = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_default_match_header),
		cmocka_unit_test(test_near_duplicates_dropped_and_counted),
		cmocka_unit_test(test_duplicate_check_can_be_turned_off),
		cmocka_unit_test(test_min_score_drops_low_items),
		cmocka_unit_test(test_min_score_keeps_items_at_the_threshold),
		cmocka_unit_test(test_top_trims),
		cmocka_unit_test(test_max_age_drops_distant_stories),
		cmocka_unit_test(test_half_life_decays_and_resorts),
		cmocka_unit_test(test_min_relative_drops_weak_tail),
		cmocka_unit_test(test_section_cap_limits_one_section),
		cmocka_unit_test(test_fallback_fills_empty_lists_with_recent_same_section),
		cmocka_unit_test(test_fallback_keeps_max_age),
		cmocka_unit_test(test_fallback_can_be_turned_off),
		cmocka_unit_test(test_pair_rule_names_each_rule_of_one_pair),
		cmocka_unit_test(test_override_by_id_as_resolved_overrides),
		cmocka_unit_test(test_cutoff_drops_unrelated_items_and_scores_probabilities),
		cmocka_unit_test(test_cutoff_decides_close_candidates_together),
		cmocka_unit_test(test_cutoff_links_items_beyond_the_eighth),
		cmocka_unit_test(test_cutoff_judges_doubtful_candidates_against_the_event),
		cmocka_unit_test(test_cutoff_event_without_a_sure_candidate),
		cmocka_unit_test(test_cutoff_event_with_the_sure_candidate_ranked_below),
		cmocka_unit_test(test_cutoff_pairs_the_same_from_graph_earlier_list_or_sum),
		cmocka_unit_test(test_cutoff_story_cluster_carries_an_item),
		cmocka_unit_test(test_cutoff_leaves_lists_empty_unless_filled),
		cmocka_unit_test(test_latent_alone_never_passes_the_cutoff),
		cmocka_unit_test(test_cutoff_cosines_the_same_with_and_without_the_graph),
		cmocka_unit_test(test_prepared_policy_gives_the_same_lists),
		cmocka_unit_test(test_title_twins_read_as_the_same_story),
		cmocka_unit_test(test_twins_collapse_to_the_newest),
		cmocka_unit_test(test_title_twins_at_the_overlap_in_lists),
		cmocka_unit_test(test_lead_twins_tell_a_re_edit_from_another_story),
		cmocka_unit_test(test_lead_twins_collapse_to_the_newest),
		cmocka_unit_test(test_lead_names_are_who_where_and_when),
		cmocka_unit_test(test_relatedness_grows_with_shared_names),
		cmocka_unit_test(test_relatedness_falls_with_numbers_disagreeing),
		cmocka_unit_test(test_cutoff_scores_shared_names),
		cmocka_unit_test(test_parse_time_accepts_rfc3339),
		cmocka_unit_test(test_parse_time_rejects_other_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
