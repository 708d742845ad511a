/* mdarena: a bump allocator for cmark-gfm's tree and parser. */
#include "mdarena.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/*
 * cmark allocates every node and, through cmark_node_get_literal(), a copy
 * of every text it hands out.  A parse is short-lived and all of it is
 * thrown away at once, so its memory comes from a bump arena: freeing is a
 * no-op and the whole tree goes with the arena, which more than halves the
 * cost of a parse.  cmark_mem has no context pointer, hence the
 * thread-local arena, which lives from a parse to mdarena_release().
 */
struct mdarena_chunk {
	struct mdarena_chunk	*next;
	size_t			 size;
	size_t			 used;
	max_align_t		 data[];
};

/* Every allocation starts with its size, so that realloc can copy it. */
#define MDARENA_HEADER	sizeof(max_align_t)
#define MDARENA_FIRST		(64 * 1024)
#define MDARENA_LARGEST	(8 * 1024 * 1024)

static _Thread_local struct mdarena_chunk *mdarena;
static _Thread_local struct mdarena_chunk *mdarena_spare;
static _Thread_local void *mdarena_last;	/* the newest allocation */

static size_t
mdarena_round(size_t size)
{
	size_t align = sizeof(max_align_t);

	if (size > SIZE_MAX / 2)
		abort();
	return (size + MDARENA_HEADER + align - 1) / align * align;
}

/* Makes a chunk of at least need bytes the current one. */
static void
mdarena_grow(size_t need)
{
	struct mdarena_chunk *c = mdarena_spare;
	size_t size;

	if (c != NULL && c->size >= need)
		mdarena_spare = c->next;
	else {
		size = mdarena == NULL ? MDARENA_FIRST : mdarena->size * 2;
		if (size > MDARENA_LARGEST)
			size = MDARENA_LARGEST;
		if (size < need)
			size = need;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
	}
	c->used = 0;
	c->next = mdarena;
	mdarena = c;
}

/* Returns zeroed memory, as cmark's calloc must. */
static void *
mdarena_alloc(size_t size)
{
	size_t need = mdarena_round(size);
	struct mdarena_chunk *c = mdarena;
	char *p;

	if (c == NULL || c->size - c->used < need) {
		mdarena_grow(need);
		c = mdarena;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memcpy(p, &size, sizeof(size));
	memset(p + MDARENA_HEADER, 0, need - MDARENA_HEADER);
	mdarena_last = p + MDARENA_HEADER;
	return mdarena_last;
}

static void *
mdarena_calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		abort();
	return mdarena_alloc(n * size);
}

static void *
mdarena_realloc(void *p, size_t size)
{
	struct mdarena_chunk *c = mdarena;
	size_t old, grow;
	char *start;

	if (p == NULL)
		return mdarena_alloc(size);
	start = (char *)p - MDARENA_HEADER;
	memcpy(&old, start, sizeof(old));
	if (size <= old)
		return p;
	/* The newest allocation grows in place when its chunk has room. */
	grow = mdarena_round(size) - mdarena_round(old);
	if (p == mdarena_last && c->size - c->used >= grow) {
		memset((char *)c->data + c->used, 0, grow);
		c->used += grow;
		memcpy(start, &size, sizeof(size));
		return p;
	}
	start = mdarena_alloc(size);
	memcpy(start, p, old);
	return start;
}

static void
mdarena_free(void *p)
{
	(void)p;
}

/* Keeps the chunks for the next parse of this thread: documents are
 * parsed in batches, and fresh memory costs a page fault per page. */
void
mdarena_release(void)
{
	struct mdarena_chunk *c, *next;

	for (c = mdarena; c != NULL; c = next) {
		next = c->next;
		c->next = mdarena_spare;
		mdarena_spare = c;
	}
	mdarena = NULL;
	mdarena_last = NULL;
}

void
mdarena_trim(void)
{
	struct mdarena_chunk *c, *next;

	for (c = mdarena_spare; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	mdarena_spare = NULL;
}

cmark_mem *
mdarena_mem(void)
{
	static cmark_mem mem = {
		mdarena_calloc, mdarena_realloc, mdarena_free
	};

	return &mem;
}
