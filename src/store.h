/* store: the content snapshot: every answer rendered ahead of time,
 * looked up by path or selector.  It holds answers; it writes none. */
#ifndef CAPSULED_STORE_H
#define CAPSULED_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* Files up to this size are kept in memory; larger ones are streamed. */
#define STORE_CACHE_MAX		(256 * 1024)
/* A Markdown page larger than this is refused. */
#define STORE_PAGE_MAX		(16 * 1024 * 1024)

enum store_kind {
	STORE_BYTES,		/* data is the whole answer */
	STORE_FILE,		/* data is the Gemini header (or nothing);
				 * the body is read from disk as it is sent */
	STORE_REDIRECT,		/* data is the path to redirect to */
};

/* An answer is sent as up to this many pieces of the snapshot: a section
 * page is its heading, a slice of its page's rendering, and its foot. */
#define STORE_PARTS	4

struct store_part {
	const char	*data;
	size_t		 len;
};

/* One answer.  Everything in it lives as long as the snapshot. */
struct store_entry {
	enum store_kind	 kind;
	unsigned	 nparts;
	struct store_part part[STORE_PARTS]; /* STORE_REDIRECT: part[0] is
				 * the path, NUL-ended */
	size_t		 len;	/* of all parts */
	const char	*file;	/* STORE_FILE: the file, checked to be inside
				 * the content folder */
	dev_t		 dev;	/* STORE_FILE: what it was when scanned, so */
	ino_t		 ino;	/* that a file replaced since is refused */
	off_t		 size;
};

struct store;
struct search_index;
struct page;

/* Which map a key goes in: Gemini paths, Gopher selectors. */
enum store_proto {
	STORE_GEMINI,
	STORE_GOPHER,
};

/*
 * For the builder (build.c), before the snapshot is handed out: after
 * that nobody changes it.
 */
/* A new, empty snapshot with one reference; never NULL. */
struct store	*store_new(const char *lang);
/* Hands p (from malloc) to the snapshot, which frees it with itself;
 * returns p. */
void		*store_keep(struct store *store, void *p);
/* A new entry of kind holding data's bytes (data is left empty); it
 * belongs to the snapshot. */
struct store_entry *store_add_entry(struct store *store,
		    enum store_kind kind, struct buf *data);
/* Maps key (copied) to e; returns false, changing nothing, when key is
 * taken already.  e must belong to this snapshot. */
bool		 store_put(struct store *store, enum store_proto proto,
		    const char *key, const struct store_entry *e);
/* Sets e to the bytes of data (borrowed: they must live as long as the
 * snapshot), one part. */
void		 store_entry_set(struct store_entry *e, enum store_kind kind,
		    const char *data, size_t len);
/* Appends the bytes of e's parts to out (for tools and tests). */
void		 store_entry_join(const struct store_entry *e, struct buf *out);
/* Appends len bytes at data to e as one more part. */
void		 store_entry_add(struct store_entry *e, const char *data,
		    size_t len);
/*
 * Adds a page, taking one reference: its answers are reached through
 * store_put() of its entries, its sections through their folder
 * ("/rel/name/SLUG.gmi"), and it is found again by its Markdown path
 * (store_page()).  false, adding nothing, if that path is taken.
 */
bool		 store_add_page(struct store *store, struct page *page);
/* Counts a file served as it is, of bytes bytes. */
void		 store_count_file(struct store *store, size_t bytes);
/* The search index, to fill. */
struct search_index *store_index(struct store *store);

/* For everyone: */
/* Takes one more reference; safe from any thread. */
struct store	*store_ref(struct store *store);
/* Drops a reference; the last one frees the snapshot.  NULL is a no-op. */
void		 store_unref(struct store *store);

/*
 * Looks up a normalised Gemini path ("/", "/a.gmi"); NULL if absent.  An
 * answer made of parts of a page (a section) is set in *slot, which the
 * result then points to; slot may be NULL when only presence matters.
 */
const struct store_entry *store_gemini(const struct store *store,
		    const char *path, struct store_entry *slot);
/* Looks up a Gopher selector as sent; NULL if absent.  As above. */
const struct store_entry *store_gopher(const struct store *store,
		    const char *selector, struct store_entry *slot);
/* The page made from the Markdown file at path ("/a/b.md"), or NULL; a
 * builder may take a reference to share it. */
struct page	*store_page(const struct store *store, const char *path);
/* What the pages were rendered with ("host|port|..."), copied: another
 * snapshot shares them only when it is the same. */
void		 store_set_settings(struct store *store, const char *settings);
const char	*store_settings(const struct store *store);
/* How many pages the builder took from the previous snapshot. */
void		 store_set_reused(struct store *store, size_t n);
size_t		 store_reused(const struct store *store);
/* The search index of every page's entries, built with the snapshot. */
const struct search_index *store_search(const struct store *store);
/* The lang= of the snapshot's text/gemini pages. */
const char	*store_lang(const struct store *store);
/* How many pages (Markdown files) and other files the snapshot holds. */
size_t		 store_pages(const struct store *store);
size_t		 store_files(const struct store *store);
/* What a snapshot holds, for "capsuled -n". */
struct store_totals {
	size_t	 pages;
	size_t	 files;
	size_t	 md_bytes;	/* of the pages' Markdown */
	size_t	 file_bytes;	/* of the other files */
	size_t	 held_bytes;	/* an estimate of the snapshot's memory:
				 * answers, pages, index, maps (the
				 * allocator's own overhead not counted) */
};
void		 store_totals(const struct store *store,
		    struct store_totals *totals);

#endif
