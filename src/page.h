/*
 * page: one Markdown page as it is served, rendered once: its gemtext,
 * menu and plain text, its sections as slices of those, its search part
 * and its anchors.  Immutable once made, and shared (reference-counted)
 * by every snapshot that serves it while its file, the pages it links
 * to and the settings are unchanged.
 */
#ifndef CAPSULED_PAGE_H
#define CAPSULED_PAGE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "doc.h"
#include "links.h"
#include "nav.h"
#include "store.h"

/* Gemtext over this size makes a big page, unless set otherwise. */
#define PAGE_MAX_DEFAULT	(64 * 1024)

/* Bytes [start, end) of one of the page's renderings. */
struct page_slice {
	uint32_t	 start;
	uint32_t	 end;
};

struct page_section {
	uint32_t	 slug;		/* its name, unique in the page:
					 * NUL-ended, at this offset in
					 * the page's frames */
	struct page_slice gmi;		/* its blocks in each rendering */
	struct page_slice map;
	struct page_slice txt;
	struct page_slice refs;		/* its reference lines in txt */
	/* In frames: its title and breadcrumbs, and its "Up" link. */
	struct page_slice gmi_head, gmi_foot;
	struct page_slice map_head, map_foot;
};

/* What a page is rendered with: the capsule's settings.  Borrowed. */
struct page_settings {
	const char	*hostname;
	unsigned	 gopher_port;
	unsigned	 gemini_port;
	const char	*lang;
	size_t		 wrap;
	size_t		 page_max;	/* 0: PAGE_MAX_DEFAULT */
};

/* The file a page was made from, to tell on a reload whether it moved. */
struct page_file {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
};

struct page {
	atomic_uint		 refs;
	char			*path;	/* "/rel/name.md" */
	char			*rel;	/* its folder, "" or "a/b/" */
	char			*name;	/* its file name without ".md" */
	char			*title;	/* its level-1 heading, or name */
	struct page_file	 file;
	/* The answers for the page itself (a big page's: its summary). */
	struct store_entry	 gmi;
	struct store_entry	 map;
	struct store_entry	 txt;
	bool			 big;	/* over page_max: served summed up */
	char			*block;	/* the four below, one allocation */
	char			*gmi_data;
	size_t			 gmi_len;
	char			*map_data;
	size_t			 map_len;
	char			*txt_data;
	size_t			 txt_len;
	char			*frames;	/* the status line of its
						 * gemtext, the sections'
						 * heads and feet, a big
						 * page's table of contents */
	size_t			 frames_len;
	uint32_t		 status_len;
	struct page_section	*sections;
	size_t			 nsections;
	struct search_part	*search;
	struct links_table	 anchors;	/* for links from other pages */
	unsigned long		 anchors_hash;	/* page_anchors_hash() */
	size_t			 nmissing;	/* its links to files the
						 * content folder lacks */
	/* What its links were resolved against, for a reload to check:
	 * each "?path" a file asked for and "#path" a page's anchors,
	 * NUL-ended, with what it was ("1"/"0", or the anchors' hash). */
	char			*deps;
	size_t			 deps_len;
};

/* Where a page is and what its links were resolved against. */
struct page_where {
	const char		*rel;
	const char		*name;
	const struct page_file	*file;
	const char		*deps;	/* as page->deps, copied */
	size_t			 deps_len;
	size_t			 nmissing;
};

/*
 * Renders doc (its links resolved) with the sections nav found, served
 * at where.  The page keeps nothing of doc or nav; it has one reference.
 */
struct page	*page_render(const struct doc *doc, const struct nav *nav,
		    const struct page_where *where,
		    const struct page_settings *settings);
struct page	*page_ref(struct page *page);
/* Drops a reference; the last frees the page.  NULL does nothing. */
void		 page_unref(struct page *page);
/* The section whose slug is slug (len bytes), or NULL. */
const struct page_section *page_section(const struct page *page,
		    const char *slug, size_t len);
/* Which answer of a section: its gemtext, menu or plain text. */
enum page_format {
	PAGE_GEMTEXT,
	PAGE_MENU,
	PAGE_TEXT,
};
/* Sets e to the answer of section s of page in fmt, made of slices. */
void		 page_section_entry(const struct page *page,
		    const struct page_section *s, enum page_format fmt,
		    struct store_entry *e);
/* The bytes the page holds, for the capsule's totals. */
size_t		 page_bytes(const struct page *page);
/* A short hash of the page's anchors, for pages that link to them. */
unsigned long	 page_anchors_hash(const struct nav *nav);

#endif
