/*
 * Tests for pageout: parts paged out leave the process (mincore(2): their
 * whole pages are no longer resident) and read back byte for byte at the
 * same addresses, the bytes around them untouched; a part smaller than a
 * page stays, and so do parts below PAGEOUT_FROM in all (no file made); a folder where no file can be made pages out nothing and
 * loses nothing; a built model names its strings, fields and signatures
 * as side arrays and its latent vectors apart, and a run's lists with them paged out during the
 * ranking are the lists ranked with them resident.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "model.h"
#include "pageout.h"
#include "rank.h"
#include "testutil.h"

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131u + seed * 7u + (i >> 12));
}

static int same(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 131u + seed * 7u + (i >> 12)))
			return 0;
	return 1;
}

/* How many of the whole pages inside [p, p + n) are resident. */
static size_t resident_pages(const void *p, size_t n)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1), e = ((uintptr_t)p + n) & ~(page - 1);
	size_t count = 0, k = e > a ? (e - a) / page : 0;
	unsigned char *vec = malloc(k ? k : 1);

	assert_non_null(vec);
	if (k)
		assert_int_equal(mincore((void *)a, e - a, vec), 0);
	for (size_t i = 0; i < k; i++)
		count += vec[i] & 1;
	free(vec);
	return count;
}

static void test_parts_leave_and_read_back_in_place(void **state)
{
	size_t len[3] = { PAGEOUT_FROM, 100, (1u << 20) + 12345 };
	unsigned char *part[3];
	void *at[3];
	struct pageout po;
	struct error err;

	(void)state;
	for (int i = 0; i < 3; i++) {
		part[i] = malloc(len[i]);
		assert_non_null(part[i]);
		fill(part[i], len[i], (unsigned)i);
		at[i] = part[i];
	}
	pageout_begin(&po, testutil_dir(), at, len, 3);
	assert_true(po.bytes >= PAGEOUT_FROM - 8192);
	assert_int_equal(resident_pages(part[0], len[0]), 0);
	assert_int_equal(resident_pages(part[2], len[2]), 0);
	assert_true(same(part[1], len[1], 1)); /* within a page: kept */
	assert_int_equal(pageout_end(&po, &err), 0);
	for (int i = 0; i < 3; i++) {
		assert_true(same(part[i], len[i], (unsigned)i));
		free(part[i]);
	}
	assert_int_equal(po.fd, -1);
}

/* A part of `len` bytes given to pageout_begin() with `dir` stays where it
 * is: nothing paged out, no file, its pages resident and its bytes kept. */
static void stays_resident(size_t len, const char *dir, unsigned seed)
{
	unsigned char *p = malloc(len);
	void *at = p;
	struct pageout po;
	struct error err;

	assert_non_null(p);
	fill(p, len, seed);
	pageout_begin(&po, dir, &at, &len, 1);
	assert_int_equal(po.bytes, 0);
	assert_int_equal(po.fd, -1); /* no file made */
	assert_true(resident_pages(p, len) > 0);
	assert_true(same(p, len, seed));
	assert_int_equal(pageout_end(&po, &err), 0);
	assert_true(same(p, len, seed));
	free(p);
}

static void test_small_parts_stay(void **state)
{
	(void)state;
	stays_resident(2u << 20, testutil_dir(), 5);
}

static void test_no_file_pages_out_nothing(void **state)
{
	(void)state;
	stays_resident(PAGEOUT_FROM, testutil_path("no/such/folder"), 9);
}

/* A model of a few stories with every field and both signatures. */
static void small_model(struct model *m)
{
	float dense[4 * 3] = { 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 };

	assert_int_equal(testutil_model_from_dense(m, 4, 3, dense, "doc", 0, NULL, 0), 0);
}

static void test_a_built_models_side_arrays(void **state)
{
	struct model m;
	void *at[MODEL_SIDE_ARRAYS];
	size_t len[MODEL_SIDE_ARRAYS];
	size_t n;

	(void)state;
	small_model(&m);
	n = model_side_arrays(&m, at, len);
	assert_true(n >= 2 && n <= MODEL_SIDE_ARRAYS);
	assert_ptr_equal(at[0], m.strings);
	assert_int_equal(len[0], m.strings_len);
	assert_ptr_equal(at[1], m.doc_field);
	assert_int_equal(len[1], (size_t)m.n_docs * MODEL_FIELDS * sizeof *m.doc_field);
	assert_int_equal(model_latent_array(&m, at, len), 0);
	model_set_latent(&m, calloc((size_t)m.n_docs * 2, sizeof(float)), 2);
	assert_non_null(m.latent);
	assert_int_equal(model_latent_array(&m, at, len), 1);
	assert_ptr_equal(at[0], m.latent);
	assert_int_equal(len[0], (size_t)m.n_docs * 2 * sizeof(float));
	model_free(&m);
}

/* rank_options.set_up: counts its calls and wipes what it is given, as
 * a page-out would leave it; the ranking must not read it. */
struct wipe {
	const struct model *m;
	int calls;
};

static void wipe_side_arrays(void *arg)
{
	struct wipe *w = arg;
	void *at[MODEL_SIDE_ARRAYS];
	size_t len[MODEL_SIDE_ARRAYS];
	size_t n = model_side_arrays(w->m, at, len);

	w->calls++;
	for (size_t i = 0; i < n; i++)
		if (at[i])
			memset(at[i], 0, len[i]);
}

static void test_set_up_runs_once_before_the_threads(void **state)
{
	struct model m;
	struct rank_lists a, b;
	struct rank_options o = { .depth = 3, .jobs = 2, .approximate = RANK_BY_COST };
	struct wipe w = { &m, 0 };
	struct error err;

	(void)state;
	small_model(&m);
	rank_options_approximate(&o, &m);
	assert_int_equal(rank_all(&m, &o, &a, &err), 0);
	o.set_up = wipe_side_arrays;
	o.set_up_arg = &w;
	assert_int_equal(rank_all(&m, &o, &b, &err), 0);
	assert_int_equal(w.calls, 1);
	for (uint32_t d = 0; d < m.n_docs; d++) {
		assert_int_equal(a.count[d], b.count[d]);
		assert_memory_equal(a.items + d * a.depth, b.items + d * b.depth,
				    a.count[d] * sizeof *a.items);
	}
	rank_lists_free(&a);
	rank_lists_free(&b);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts_leave_and_read_back_in_place),
		cmocka_unit_test(test_small_parts_stay),
		cmocka_unit_test(test_no_file_pages_out_nothing),
		cmocka_unit_test(test_a_built_models_side_arrays),
		cmocka_unit_test(test_set_up_runs_once_before_the_threads),
	};
	return cmocka_run_group_tests(tests, testutil_make_dir, testutil_remove_dir);
}
