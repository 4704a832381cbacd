/*
 * Tests for bigmem: large blocks start on 2 MiB boundaries (where the
 * kernel can back them with huge pages), small ones on 64 bytes; calloc'd
 * blocks are cleared, also when their memory was used before, and by
 * writes (a block read before it is written faults no more); a size that
 * overflows gives NULL; the heap's free pages go back to the kernel only
 * from the floor given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "bigmem.h"

/* AddressSanitizer replaces glibc's malloc: its heap is not the one
 * mallinfo2() and malloc_trim() see, so the trim has nothing to give back. */
#if defined(__SANITIZE_ADDRESS__)
#define GLIBC_HEAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GLIBC_HEAP 0
#endif
#endif
#ifndef GLIBC_HEAP
#define GLIBC_HEAP 1
#endif

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

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void test_calloc_faults_its_pages_in_writable(void **state)
{
	/* below the huge-page size, as calloc() would serve fresh memory: its
	 * pages mapped to the zero page, each read and then written faulting
	 * twice */
	size_t bytes = BIGMEM_HUGE / 2, page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *block = bigmem_calloc(bytes, 1);
	volatile unsigned char *p = block;
	long before;
	unsigned sum = 0;

	(void)state;
	assert_non_null(block);
	before = minor_faults();
	for (size_t i = 0; i < bytes; i += page)
		sum += p[i];
	for (size_t i = 0; i < bytes; i += page)
		p[i] = 1;
	assert_int_equal(sum, 0);
	assert_true(minor_faults() - before < (long)(bytes / page / 16));
	free(block);
}

/* The process's resident bytes (/proc/self/statm). */
static size_t resident(void)
{
	unsigned long size = 0, pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lu %lu", &size, &pages), 2);
	fclose(f);
	return pages * (size_t)sysconf(_SC_PAGESIZE);
}

static void test_trim_gives_back_from_the_floor_only(void **state)
{
	/* heap blocks below glibc's mmap threshold, the last one kept so that
	 * the heap's top does not shrink by itself when the others are freed */
	enum { BLOCK = 64 << 10 };
	size_t n = 3 * BIGMEM_TRIM_FROM / 2 / BLOCK, before;
	unsigned char **b;

	(void)state;
	if (!GLIBC_HEAP)
		skip();
	b = malloc((n + 1) * sizeof *b);
	assert_non_null(b);
	for (size_t i = 0; i <= n; i++) {
		assert_non_null(b[i] = malloc(BLOCK));
		memset(b[i], 1, BLOCK);
	}
	for (size_t i = 0; i < n / 2; i++)
		free(b[i]);
	/* about 3/4 of the floor free: kept */
	before = resident();
	assert_int_equal(bigmem_trim(BIGMEM_TRIM_FROM), 0);
	assert_true(resident() + BIGMEM_TRIM_FROM / 8 > before);
	for (size_t i = n / 2; i < n; i++)
		free(b[i]);
	/* 3/2 of it: given back */
	before = resident();
	assert_int_equal(bigmem_trim(BIGMEM_TRIM_FROM), 1);
	assert_true(resident() + BIGMEM_TRIM_FROM < before);
	assert_int_equal(bigmem_trim(0), 1);
	free(b[n]);
	free(b);
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
		/* first: no block freed yet, so calloc() would get fresh pages */
		cmocka_unit_test(test_calloc_faults_its_pages_in_writable),
		cmocka_unit_test(test_large_blocks_start_on_huge_page_boundaries),
		cmocka_unit_test(test_small_blocks_are_cache_line_aligned),
		cmocka_unit_test(test_calloc_clears_reused_memory),
		cmocka_unit_test(test_trim_gives_back_from_the_floor_only),
		cmocka_unit_test(test_overflowing_sizes_give_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
