/*
 * Tests for shard: the split of n items over N shards (contiguous, in
 * order, sizes within one, no overflow at large n), "I/N" parsing and the
 * shard the environment names (Slurm job arrays, Kubernetes indexed jobs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shard.h"

static void clear_env(void)
{
	unsetenv("SLURM_ARRAY_TASK_ID");
	unsetenv("SLURM_ARRAY_TASK_COUNT");
	unsetenv("SLURM_ARRAY_TASK_MIN");
	unsetenv("JOB_COMPLETION_INDEX");
	unsetenv("RELATED_SHARDS");
}

/* Every item goes to exactly one shard, in order, and shard sizes differ
 * by at most one. */
static void test_range_splits_items_contiguously_and_evenly(void **state)
{
	static const size_t ns[] = { 0, 1, 2, 7, 100, 1000003 };
	static const uint32_t counts[] = { 1, 2, 3, 7, 100, 1000 };

	(void)state;
	for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
		for (size_t b = 0; b < sizeof counts / sizeof counts[0]; b++) {
			size_t n = ns[a], prev_end = 0, lo = SIZE_MAX, hi = 0;
			for (uint32_t i = 0; i < counts[b]; i++) {
				struct shard s = { i, counts[b] };
				size_t begin, end;
				shard_range(&s, n, &begin, &end);
				assert_int_equal(begin, prev_end);
				assert_true(end >= begin);
				lo = end - begin < lo ? end - begin : lo;
				hi = end - begin > hi ? end - begin : hi;
				prev_end = end;
			}
			assert_int_equal(prev_end, n);
			assert_true(hi - lo <= 1);
		}
}

/* floor(n * I / N) taken without the product: right at sizes where n * I
 * would overflow 64 bits. */
static void test_range_does_not_overflow_at_large_n(void **state)
{
	struct shard s = { SHARD_MAX_COUNT - 1, SHARD_MAX_COUNT };
	size_t n = SIZE_MAX / 2, begin, end;

	(void)state;
	shard_range(&s, n, &begin, &end);
	assert_int_equal(end, n);
	assert_true(end - begin == n / SHARD_MAX_COUNT ||
		    end - begin == n / SHARD_MAX_COUNT + 1);
}

static void test_parse_takes_i_of_n(void **state)
{
	struct error err = { "" };
	struct shard s;

	(void)state;
	assert_int_equal(shard_parse("0/1", &s, &err), 0);
	assert_int_equal(s.index, 0);
	assert_int_equal(s.count, 1);
	assert_int_equal(shard_parse("41/100000", &s, &err), 0);
	assert_int_equal(s.index, 41);
	assert_int_equal(s.count, 100000);
}

static void test_parse_refuses_out_of_range_and_malformed_specs(void **state)
{
	static const char *const bad[] = { "3/3", "1/0", "0/100001", "a/2", "1/",
					   "/2", "-1/2", "1", "1/2/3", "" };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct error err = { "" };
		struct shard s;
		assert_int_equal(shard_parse(bad[i], &s, &err), -1);
		/* the message quotes what was given */
		assert_non_null(strstr(err.message, "--shard"));
	}
}

static void test_parse_auto_reads_the_environment(void **state)
{
	struct error err = { "" };
	struct shard s;

	(void)state;
	clear_env();
	assert_int_equal(shard_parse("auto", &s, &err), 0);
	assert_int_equal(s.index, 0);
	assert_int_equal(s.count, 1);

	setenv("SLURM_ARRAY_TASK_ID", "5", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "3", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	assert_int_equal(shard_parse("auto", &s, &err), 0);
	assert_int_equal(s.index, 2);
	assert_int_equal(s.count, 4);
	setenv("RELATED_SHARDS", "8", 1); /* overrides the Slurm count */
	assert_int_equal(shard_parse("auto", &s, &err), 0);
	assert_int_equal(s.count, 8);

	clear_env();
	setenv("JOB_COMPLETION_INDEX", "6", 1);
	setenv("RELATED_SHARDS", "7", 1);
	assert_int_equal(shard_parse("auto", &s, &err), 0);
	assert_int_equal(s.index, 6);
	assert_int_equal(s.count, 7);
	clear_env();
}

static void test_parse_auto_refuses_inconsistent_environment(void **state)
{
	struct error err = { "" };
	struct shard s;

	(void)state;
	clear_env();
	setenv("JOB_COMPLETION_INDEX", "2", 1); /* no RELATED_SHARDS */
	assert_int_equal(shard_parse("auto", &s, &err), -1);
	assert_non_null(strstr(err.message, "RELATED_SHARDS"));

	clear_env();
	setenv("SLURM_ARRAY_TASK_ID", "4", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1); /* index out of range */
	err.message[0] = '\0';
	assert_int_equal(shard_parse("auto", &s, &err), -1);
	assert_non_null(strstr(err.message, "out of range"));

	clear_env();
	setenv("SLURM_ARRAY_TASK_ID", "x", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	err.message[0] = '\0';
	assert_int_equal(shard_parse("auto", &s, &err), -1);
	assert_non_null(strstr(err.message, "SLURM_ARRAY_TASK_ID"));
	clear_env();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_splits_items_contiguously_and_evenly),
		cmocka_unit_test(test_range_does_not_overflow_at_large_n),
		cmocka_unit_test(test_parse_takes_i_of_n),
		cmocka_unit_test(test_parse_refuses_out_of_range_and_malformed_specs),
		cmocka_unit_test(test_parse_auto_reads_the_environment),
		cmocka_unit_test(test_parse_auto_refuses_inconsistent_environment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
