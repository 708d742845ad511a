/*
 * links: a page's links made to work where capsuled serves it.  In-page
 * anchors ("#books", "other.md#books") become links to the section pages
 * that show their headings, footnote marks link to the notes, and
 * relative links to files the content folder lacks are pointed at the
 * source_url or reported.
 */
#ifndef CAPSULED_LINKS_H
#define CAPSULED_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "nav.h"

/* A page's anchors, kept once its document is gone: anchor -> the
 * section slug it lands on ("" for the page itself).  Every page of a
 * capsule keeps one, so it is one block: "name\0slug\0" pairs sorted by
 * name, found by a binary search. */
struct links_table {
	char		*block;
	uint32_t	*names;		/* offsets of the names in block */
	size_t		 n;
};

/* What the content folder holds; NULL callbacks know nothing. */
struct links_content {
	/* Whether the absolute path ("/a/b.png", "/a/" for a folder) is
	 * served from the content folder. */
	bool	(*exists)(void *arg, const char *path);
	/* The anchors of the page at path ("/a/b.md"), or NULL when it is
	 * not read yet (or is not a page). */
	const struct links_table *(*anchors)(void *arg, const char *path);
	/* A relative link that leads nowhere in the content folder. */
	void	(*missing)(void *arg, int line, const char *target);
	void	*arg;
	const char *source_url;	/* where such links point instead, or NULL */
};

/* The page being resolved: /rel/name.md, rel "" or ending in '/'. */
struct links_page {
	const char	*rel;
	const char	*name;
	const struct nav *nav;
};

/*
 * Rewrites the links of doc.  Returns how many links wait for another
 * page's anchors (content->anchors() gave NULL for a page that exists):
 * call again once that page is read; resolved links stay resolved.
 */
size_t	links_resolve(struct doc *doc, const struct links_page *page,
	    const struct links_content *content);
/* Fills table from nav; links_table_free() empties it. */
void	links_table_init(struct links_table *table, const struct nav *nav);
void	links_table_free(struct links_table *table);
/* The section slug anchor name lands on ("" for the page), or NULL. */
const char *links_table_find(const struct links_table *table,
	    const char *name);

#endif
