/*
 * Tests for bigmem: large blocks start on 2 MiB boundaries (where the
 * kernel can back them with huge pages), small ones on 64 bytes; calloc'd
 * blocks are cleared, also when their memory was used before; a size that
 * overflows gives NULL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bigmem.h"

static void test_large_blocks_start_on_huge_page_boundaries(void **state)
{
	size_t sizes[] = { BIGMEM_HUGE, BIGMEM_HUGE + 1, 3 * BIGMEM_HUGE + 4096 };

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		unsigned char *p = bigmem_alloc(sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % BIGMEM_HUGE, 0);
		p[0] = 1;
		p[sizes[i] - 1] = 2; /* the whole size is usable */
		free(p);
	}
}

static void test_small_blocks_are_cache_line_aligned(void **state)
{
	(void)state;
	for (size_t n = 0; n < 300; n += 37) {
		unsigned char *p = bigmem_alloc(n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 64, 0);
		memset(p, 0xab, n);
		free(p);
	}
}

static void test_calloc_clears_reused_memory(void **state)
{
	/* heap-sized blocks, which free() keeps for the next request, and
	 * one on huge pages */
	size_t sizes[] = { 12000, 5, BIGMEM_HUGE / 8 + 3 };

	(void)state;
	for (int round = 0; round < 3; round++)
		for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
			uint64_t *p = bigmem_calloc(sizes[k], sizeof *p);
			assert_non_null(p);
			for (size_t i = 0; i < sizes[k]; i++)
				assert_true(p[i] == 0);
			memset(p, 0xff, sizes[k] * sizeof *p);
			free(p);
		}
}

static void test_overflowing_sizes_give_null(void **state)
{
	(void)state;
	assert_null(bigmem_calloc(SIZE_MAX / 2, 4));
	assert_null(bigmem_alloc(SIZE_MAX - 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_blocks_start_on_huge_page_boundaries),
		cmocka_unit_test(test_small_blocks_are_cache_line_aligned),
		cmocka_unit_test(test_calloc_clears_reused_memory),
		cmocka_unit_test(test_overflowing_sizes_give_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
