/* nav: a page's sections (level 2 and 3 headings), their slugs, and the
 * table of contents that links to them. */
#ifndef CAPSULED_NAV_H
#define CAPSULED_NAV_H

#include <stddef.h>

#include "buf.h"
#include "doc.h"
#include "hmap.h"

#define NAV_NONE	((size_t)-1)

struct nav_section {
	size_t		 start;		/* its heading's block */
	size_t		 end;		/* the block after its last */
	int		 level;		/* 2 or 3 */
	const char	*title;		/* the heading text, from the doc */
	char		*slug;		/* its heading's anchor, or
					 * "section" when that is empty;
					 * unique in the page, owned */
	size_t		 parent;	/* enclosing section, or NAV_NONE */
};

/* Where an in-page anchor lands: one per heading, in page order. */
struct nav_anchor {
	char		*name;		/* GitHub's anchor, unique, owned */
	size_t		 block;		/* the heading's block */
	size_t		 section;	/* the section page that shows it: its
					 * own, or the one around a level 4-6
					 * heading; NAV_NONE: the page */
};

struct nav {
	struct nav_section	*sections;
	size_t			 n;
	struct nav_anchor	*anchors;
	size_t			 nanchors;
	struct hmap		 by_name;	/* anchor -> nav_anchor */
};

/* Finds the sections of doc; nav borrows the doc's strings. */
void	nav_build(const struct doc *doc, struct nav *nav);
/* Frees what nav_build() made. */
void	nav_free(struct nav *nav);
/*
 * Appends the anchor GitHub gives a heading of this text, before making
 * it unique: lower case; every character that is not a letter (of any
 * script), a digit, a space, '-' or '_' dropped; each space a '-'.  So
 * "Calendar & Contacts" is "calendar--contacts".
 */
void	nav_anchor(struct buf *out, const char *text);
/*
 * The heading an anchor names (as written after '#', percent-escapes
 * undone), or NULL when it names none.
 */
const struct nav_anchor *nav_find(const struct nav *nav, const char *name);

#endif
