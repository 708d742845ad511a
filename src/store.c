/* store: the content snapshot: every answer rendered ahead of time,
 * looked up by path or selector.  It holds answers; it writes none. */
#include "store.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hmap.h"
#include "search.h"

struct store {
	atomic_uint		 refs;
	struct hmap		 maps[2];	/* by enum store_proto */
	void			**owned;	/* every allocation to free */
	size_t			 nowned;
	size_t			 owned_cap;
	size_t			 pages;
	size_t			 files;
	struct search_index	*search;
	char			*lang;
};

struct store *
store_new(const char *lang)
{
	struct store *s = xcalloc(1, sizeof(*s));

	atomic_init(&s->refs, 1);
	s->search = search_new();
	s->lang = xstrdup(lang);
	return s;
}

void *
store_keep(struct store *s, void *p)
{
	if (s->nowned == s->owned_cap) {
		s->owned_cap = s->owned_cap ? s->owned_cap * 2 : 64;
		s->owned = xreallocarray(s->owned, s->owned_cap,
		    sizeof(*s->owned));
	}
	s->owned[s->nowned++] = p;
	return p;
}

struct store_entry *
store_add_entry(struct store *s, enum store_kind kind, struct buf *data)
{
	struct store_entry *e = store_keep(s, xcalloc(1, sizeof(*e)));
	size_t len;

	e->kind = kind;
	e->data = store_keep(s, buf_detach(data, &len));
	e->len = len;
	return e;
}

bool
store_put(struct store *s, enum store_proto proto, const char *key,
    const struct store_entry *e)
{
	/* The map holds entries as the snapshot does: never changed. */
	return hmap_put(&s->maps[proto], key, (void *)(uintptr_t)e);
}

void
store_count_page(struct store *s)
{
	s->pages++;
}

void
store_count_file(struct store *s)
{
	s->files++;
}

struct search_index *
store_index(struct store *s)
{
	return s->search;
}

static void
store_free(struct store *s)
{
	hmap_free(&s->maps[STORE_GEMINI], NULL);
	hmap_free(&s->maps[STORE_GOPHER], NULL);
	for (size_t i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	search_free(s->search);
	free(s->lang);
	free(s);
}

struct store *
store_ref(struct store *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void
store_unref(struct store *s)
{
	if (s == NULL)
		return;
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		store_free(s);
}

const struct store_entry *
store_gemini(const struct store *s, const char *path)
{
	return hmap_get(&s->maps[STORE_GEMINI], path);
}

const struct store_entry *
store_gopher(const struct store *s, const char *selector)
{
	return hmap_get(&s->maps[STORE_GOPHER], selector);
}

size_t
store_pages(const struct store *s)
{
	return s->pages;
}

size_t
store_files(const struct store *s)
{
	return s->files;
}

const struct search_index *
store_search(const struct store *s)
{
	return s->search;
}

const char *
store_lang(const struct store *s)
{
	return s->lang;
}

