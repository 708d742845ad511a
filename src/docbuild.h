/* docbuild: documents that capsuled makes itself (listings, contents). */
#ifndef CAPSULED_DOCBUILD_H
#define CAPSULED_DOCBUILD_H

#include "doc.h"

/*
 * Pages that are not written in Markdown are built block by block as a
 * document and rendered by the same renderers as Markdown pages, so that
 * their links are encoded and their text escaped the same way.  Text and
 * labels may hold any bytes: TAB, CR, LF and other control bytes become
 * spaces, so that no text can end a line or a menu field.
 */
struct docbuild;

/* A new, empty document under construction; never NULL. */
struct docbuild	*docbuild_new(void);
/* A heading of level 1-3. */
void		 docbuild_heading(struct docbuild *b, int level,
		    const char *text);
/* A paragraph of text. */
void		 docbuild_text(struct docbuild *b, const char *text);
/*
 * A link to url (already a URL: see url_encode_segment()) shown as label,
 * as one item of a list: consecutive links stand together, and a depth of
 * 2 or more nests them under the one before.
 */
void		 docbuild_link(struct docbuild *b, const char *url,
		    const char *label, int depth);
/* The same, for a search that takes words (Gopher type 7). */
void		 docbuild_search(struct docbuild *b, const char *url,
		    const char *label);
/* Ends the list the links so far stood in: the next ones start anew. */
void		 docbuild_end_list(struct docbuild *b);
/* Frees the builder and returns its document, which the caller frees
 * with doc_free().  Never NULL. */
struct doc	*docbuild_finish(struct docbuild *b);

#endif
