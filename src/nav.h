/* nav: a page's sections (level 2 and 3 headings), their slugs, and the
 * table of contents that links to them. */
#ifndef CAPSULED_NAV_H
#define CAPSULED_NAV_H

#include <stddef.h>

#include "buf.h"
#include "doc.h"

#define NAV_NONE	((size_t)-1)

struct nav_section {
	size_t		 start;		/* its heading's block */
	size_t		 end;		/* the block after its last */
	int		 level;		/* 2 or 3 */
	const char	*title;		/* the heading text, from the doc */
	char		*slug;		/* unique in the page, owned */
	size_t		 parent;	/* enclosing section, or NAV_NONE */
};

struct nav {
	struct nav_section	*sections;
	size_t			 n;
};

/* Finds the sections of doc; nav borrows the doc's strings. */
void	nav_build(const struct doc *doc, struct nav *nav);
/* Frees what nav_build() made. */
void	nav_free(struct nav *nav);
/*
 * Appends text's slug: lower-case ASCII letters and digits, runs of
 * anything else as one '-', "section" when nothing is left.  Stable: the
 * same heading always gives the same slug.
 */
void	nav_slug(struct buf *out, const char *text);
/* The label of a section in a table of contents: "Parent: Title". */
void	nav_label(const struct nav *nav, size_t i, struct buf *out);

#endif
