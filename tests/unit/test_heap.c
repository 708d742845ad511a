/* test_heap: the arena trims the server relies on for flat memory. */
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "heap.h"
#include "tests.h"

/* AddressSanitizer's allocator has no glibc arenas and no mallinfo2. */
#if !defined(__SANITIZE_ADDRESS__)

#define HEAP_TEST_BLOCKS	20000
#define HEAP_TEST_BLOCK_SIZE	100	/* small: kept by malloc's caches */

/* Bytes malloc has from the system, over every arena. */
static size_t
heap_test_system(void)
{
	return mallinfo2().arena;
}

/* A burst in a thread of its own: many small blocks, all freed. */
static void *
heap_test_burst(void *arg)
{
	void **blocks = calloc(HEAP_TEST_BLOCKS, sizeof(*blocks));

	(void)arg;
	if (blocks == NULL)
		return NULL;
	for (size_t i = 0; i < HEAP_TEST_BLOCKS; i++)
		blocks[i] = malloc(HEAP_TEST_BLOCK_SIZE);
	for (size_t i = 0; i < HEAP_TEST_BLOCKS; i++)
		free(blocks[i]);
	free(blocks);
	return NULL;
}

static void *
heap_test_trim_own(void *arg)
{
	(void)arg;
	heap_trim_own_arena();
	return NULL;
}

static void
heap_test_in_thread(void *(*fn)(void *))
{
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, fn, NULL), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
}

/*
 * What a worker's arena looks like after a burst, once the worker moved
 * to a new thread: all free, and malloc_trim() does not shrink it; the new
 * thread's heap_trim_own_arena() does.
 */
START_TEST(test_heap_trim_own_arena)
{
	size_t start, after_burst, after_trim, after_own;

	heap_tune();
	start = heap_test_system();
	heap_test_in_thread(heap_test_burst);
	after_burst = heap_test_system();
	ck_assert_msg(after_burst > start + 1024 * 1024,
	    "the burst took %zu bytes", after_burst - start);
	heap_trim();
	after_trim = heap_test_system();
	/* Else this test would not show what the function adds. */
	ck_assert_msg(after_trim > start + 1024 * 1024,
	    "malloc_trim alone gave back the thread arena");
	heap_test_in_thread(heap_test_trim_own);
	after_own = heap_test_system();
	ck_assert_msg(after_own + 1024 * 1024 < after_trim,
	    "still %zu bytes from the system, %zu before", after_own,
	    after_trim);
}
END_TEST

START_TEST(test_heap_in_use)
{
	size_t before = heap_in_use_kib();
	char *block = malloc(4 * 1024 * 1024);

	ck_assert_ptr_nonnull(block);
	ck_assert_uint_ge(heap_in_use_kib(), before + 4 * 1024);
	free(block);
	ck_assert_uint_lt(heap_in_use_kib(), before + 4 * 1024);
}
END_TEST

/* Whether a block of size bytes, asked for now, gets a mapping. */
static bool
heap_test_mapped(size_t size)
{
	size_t before = mallinfo2().hblks, during;
	char *volatile block = malloc(size);

	ck_assert_ptr_nonnull(block);
	during = mallinfo2().hblks;
	free(block);
	return during > before;
}

/*
 * A page's block comes from an arena while pages are made (no mapping
 * rounded up to whole pages), and from a mapping of its own again once
 * the last of two overlapping builds ends (TLS buffers).
 */
START_TEST(test_heap_build_threshold)
{
	/* Larger than what the arena has free after a trim, so that
	 * only the threshold decides. */
	const size_t page_block = 768 * 1024;

	heap_tune();
	ck_assert(heap_test_mapped(page_block));
	heap_build_begin();
	heap_build_begin();
	ck_assert(!heap_test_mapped(page_block));
	heap_build_end();
	ck_assert(!heap_test_mapped(page_block));
	heap_build_end();
	ck_assert(heap_test_mapped(page_block));
	/* Ends without a begin change nothing. */
	heap_build_end();
	ck_assert(heap_test_mapped(page_block));
	heap_build_begin();
	ck_assert(heap_test_mapped(2 * 1024 * 1024));
	heap_build_end();
}
END_TEST

#endif

Suite *
heap_test_suite(void)
{
	Suite *s = suite_create("heap");
	TCase *tc = tcase_create("core");

#if defined(__SANITIZE_ADDRESS__)
	fprintf(stderr, "heap: 3 tests skipped: AddressSanitizer's allocator "
	    "has no glibc arenas to trim and no mallinfo2\n");
#else
	tcase_add_test(tc, test_heap_trim_own_arena);
	tcase_add_test(tc, test_heap_in_use);
	tcase_add_test(tc, test_heap_build_threshold);
#endif
	suite_add_tcase(s, tc);
	return s;
}
