/* store: the content snapshot: every answer rendered ahead of time,
 * looked up by path or selector.  It holds answers; it writes none. */
#include "store.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hmap.h"
#include "page.h"
#include "search.h"

struct store {
	atomic_uint		 refs;
	struct hmap		 maps[2];	/* by enum store_proto */
	struct hmap		 by_md;		/* "/a/b.md" -> page */
	struct hmap		 by_folder;	/* "/a/b/" -> page */
	struct page		**page_list;	/* referenced */
	size_t			 npages;
	size_t			 pages_cap;
	size_t			 bytes;
	size_t			 md_bytes;
	char			*settings;
	size_t			 reused;
	size_t			 file_bytes;
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
	char *bytes = store_keep(s, buf_detach(data, &len));

	store_entry_set(e, kind, bytes, len);
	s->bytes += sizeof(*e) + len;
	return e;
}

void
store_entry_set(struct store_entry *e, enum store_kind kind,
    const char *data, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->nparts = 1;
	e->part[0].data = data;
	e->part[0].len = len;
	e->len = len;
}

void
store_entry_join(const struct store_entry *e, struct buf *out)
{
	for (unsigned i = 0; i < e->nparts; i++)
		buf_add(out, e->part[i].data, e->part[i].len);
}

void
store_entry_add(struct store_entry *e, const char *data, size_t len)
{
	if (e->nparts == STORE_PARTS)
		abort();	/* a builder's mistake, never input's */
	e->part[e->nparts].data = data;
	e->part[e->nparts++].len = len;
	e->len += len;
}

bool
store_add_page(struct store *s, struct page *pg)
{
	struct buf folder = BUF_INIT;

	if (!hmap_put(&s->by_md, pg->path, pg))
		return false;
	if (s->npages == s->pages_cap) {
		s->pages_cap = s->pages_cap ? s->pages_cap * 2 : 64;
		s->page_list = xreallocarray(s->page_list, s->pages_cap,
		    sizeof(*s->page_list));
	}
	s->page_list[s->npages++] = page_ref(pg);
	buf_printf(&folder, "/%s%s/", pg->rel, pg->name);
	if (pg->nsections > 0)
		hmap_put(&s->by_folder, folder.data, pg);
	buf_release(&folder);
	search_add_part(s->search, pg->search);
	s->pages++;
	s->bytes += page_bytes(pg);
	s->md_bytes += (size_t)pg->file.size;
	return true;
}

bool
store_put(struct store *s, enum store_proto proto, const char *key,
    const struct store_entry *e)
{
	/* The map holds entries as the snapshot does: never changed. */
	return hmap_put(&s->maps[proto], key, (void *)(uintptr_t)e);
}

void
store_count_file(struct store *s, size_t bytes)
{
	s->files++;
	s->file_bytes += bytes;
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
	hmap_free(&s->by_md, NULL);
	hmap_free(&s->by_folder, NULL);
	/* The index borrows the pages' parts: it goes first. */
	search_free(s->search);
	for (size_t i = 0; i < s->npages; i++)
		page_unref(s->page_list[i]);
	free(s->page_list);
	for (size_t i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->settings);
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

/*
 * A section of a page: "/rel/name/SLUG" and a suffix, the folder naming
 * the page.  Sets *slot to the answer in fmt; NULL when there is none.
 */
static const struct store_entry *
store_section(const struct store *s, const char *path, const char *suffix,
    enum page_format fmt, struct store_entry *slot)
{
	const char *slash = strrchr(path, '/');
	size_t slen = strlen(suffix), len, rest;
	const struct page_section *sec;
	const struct page *pg;
	char folder[1024];

	if (slash == NULL || slot == NULL || s->by_folder.count == 0)
		return NULL;
	len = (size_t)(slash - path) + 1;
	rest = strlen(slash + 1);
	if (len >= sizeof(folder) || rest <= slen ||
	    strcmp(slash + 1 + rest - slen, suffix) != 0)
		return NULL;
	memcpy(folder, path, len);
	folder[len] = '\0';
	if ((pg = hmap_get(&s->by_folder, folder)) == NULL ||
	    (sec = page_section(pg, slash + 1, rest - slen)) == NULL)
		return NULL;
	page_section_entry(pg, sec, fmt, slot);
	return slot;
}

const struct store_entry *
store_gemini(const struct store *s, const char *path,
    struct store_entry *slot)
{
	const struct store_entry *e = hmap_get(&s->maps[STORE_GEMINI], path);

	if (e == NULL)
		e = store_section(s, path, ".gmi", PAGE_GEMTEXT, slot);
	return e;
}

const struct store_entry *
store_gopher(const struct store *s, const char *selector,
    struct store_entry *slot)
{
	const struct store_entry *e = hmap_get(&s->maps[STORE_GOPHER],
	    selector);

	if (e == NULL)
		e = store_section(s, selector, ".txt", PAGE_TEXT, slot);
	if (e == NULL)
		e = store_section(s, selector, "", PAGE_MENU, slot);
	return e;
}

struct page *
store_page(const struct store *s, const char *path)
{
	return hmap_get(&s->by_md, path);
}

void
store_set_settings(struct store *s, const char *settings)
{
	free(s->settings);
	s->settings = xstrdup(settings);
}

const char *
store_settings(const struct store *s)
{
	return s->settings != NULL ? s->settings : "";
}

void
store_set_reused(struct store *s, size_t n)
{
	s->reused = n;
}

size_t
store_reused(const struct store *s)
{
	return s->reused;
}

void
store_totals(const struct store *s, struct store_totals *t)
{
	t->pages = s->pages;
	t->files = s->files;
	t->md_bytes = s->md_bytes;
	t->file_bytes = s->file_bytes;
	/* The maps: a slot and a key for each path and selector. */
	t->held_bytes = s->bytes + s->owned_cap * sizeof(void *) +
	    (s->maps[0].cap + s->maps[1].cap + s->by_md.cap +
	    s->by_folder.cap) * (sizeof(struct hmap_slot) + 32);
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

