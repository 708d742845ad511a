/* heap: how the server asks glibc's malloc to keep its memory small. */
#include "heap.h"

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "log.h"

/*
 * Each TLS handshake borrows some 60 KB of large buffers (OpenSSL's
 * handshake, record read and write buffers) and gives them back when it
 * ends, while the connection keeps its small, long-lived state.  From the
 * heap, those buffers leave holes between the long-lived pieces that malloc
 * can rarely hand back, and an idle Gemini connection then costs twice
 * what it holds.  Served from their own mappings, they go back to the
 * system as soon as they are freed; a mapping costs two system calls,
 * next to a handshake's elliptic-curve work.
 */
#define HEAP_MMAP_THRESHOLD	(8 * 1024)

/*
 * A block this large is carved from the top of the arena when the top has
 * room (malloc maps blocks of its own only when it has not), and freeing
 * a block of at least 64 KiB is what makes glibc shrink a thread arena's
 * top.
 */
#define HEAP_NUDGE_SIZE		(64 * 1024)

/*
 * A page's renderings are one block of some 10 to 100 KB, kept as long as
 * the page is served.  A mapping of its own rounds it up to whole pages:
 * half a page lost, on average, for each page of the capsule (7 MiB at
 * 10 000 pages).  From an arena it costs a few bytes, and a snapshot's
 * pages are freed together, so their blocks leave room that the next build
 * fills.  The threshold is raised only while pages are made, and set back
 * for the TLS buffers once the last build ends.
 */
#define HEAP_BUILD_MMAP_THRESHOLD	(1024 * 1024)

static pthread_mutex_t heap_builds_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned heap_builds;
static bool heap_tuned;		/* by heap_tune(): else malloc's own way */

void
heap_tune(void)
{
	if (mallopt(M_MMAP_THRESHOLD, HEAP_MMAP_THRESHOLD) != 1)
		log_warn("cannot set malloc's mmap threshold");
	else
		heap_tuned = true;
}

void
heap_build_begin(void)
{
	pthread_mutex_lock(&heap_builds_lock);
	if (heap_builds++ == 0 && heap_tuned)
		(void)mallopt(M_MMAP_THRESHOLD, HEAP_BUILD_MMAP_THRESHOLD);
	pthread_mutex_unlock(&heap_builds_lock);
}

void
heap_build_end(void)
{
	pthread_mutex_lock(&heap_builds_lock);
	if (heap_builds > 0 && --heap_builds == 0 && heap_tuned)
		(void)mallopt(M_MMAP_THRESHOLD, HEAP_MMAP_THRESHOLD);
	pthread_mutex_unlock(&heap_builds_lock);
}

void
heap_trim(void)
{
	malloc_trim(0);
}

/*
 * malloc_trim() merges the small free blocks of every arena and gives back
 * the pages inside free blocks, but shrinks the top (the free space at
 * the end) of the main arena only.  A worker's arena, once a burst is
 * over and all of it is free, is one big top, resident to the last page.
 * glibc shrinks that top when a large block next to it is freed, so the
 * thread borrows one and gives it back; asking for the block merges the
 * arena's small free blocks first, as malloc_trim() would.  volatile: the
 * compiler may not drop the pair.
 */
void
heap_trim_own_arena(void)
{
	void *volatile block;

	if ((block = malloc(HEAP_NUDGE_SIZE)) != NULL)
		free(block);
}

size_t
heap_in_use_kib(void)
{
	struct mallinfo2 heap = mallinfo2();

	/* In use: what the heap holds for the program, mapped chunks too. */
	return (heap.uordblks + heap.hblkhd) / 1024;
}
