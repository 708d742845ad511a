/* doc: a Markdown document reduced to the blocks the small-web formats show. */
#ifndef CAPSULED_DOC_H
#define CAPSULED_DOC_H

#include <stdbool.h>
#include <stddef.h>

enum doc_kind {
	DOC_HEADING,
	DOC_PARAGRAPH,	/* also the later paragraphs of a list item */
	DOC_ITEM,	/* a list item's first paragraph */
	DOC_CODE,
	DOC_RULE,
	DOC_TABLE,	/* rows of cells, the first row the header */
};

#define DOC_NONE	((size_t)-1)

/*
 * A link or image of a block.  Its strings live in the document's arena
 * and are freed with it.
 */
struct doc_link {
	const char	*url;		/* as written in the Markdown */
	const char	*label;		/* link text or image alt */
	size_t		 start;		/* where its text starts in the block */
	size_t		 end;		/* offset just after its text */
	bool		 is_image;
	bool		 is_search;	/* a search to send words to */
	bool		 is_note;	/* a footnote mark's link to its note */
	bool		 resolved;	/* its url was set by links_resolve() */
	int		 line;		/* where it is in the Markdown, from 1 */
	size_t		 url_off;	/* arena offsets while parsing */
	size_t		 label_off;
};

/* A table cell: its text, inline markup reduced, and its links, whose
 * offsets count from the cell's text. */
struct doc_cell {
	const char	*text;
	size_t		 len;
	const struct doc_link *links;
	size_t		 nlinks;
	size_t		 text_off;	/* arena offset while parsing */
	size_t		 first_link;
};

struct doc_block {
	enum doc_kind	 kind;
	int		 level;		/* heading level 1-6 */
	int		 list_depth;	/* 0 outside lists, 1 in a top list */
	int		 list;		/* which top-level list, from 1; 0: none */
	int		 number;	/* ordered item number, 0 for bullets */
	int		 quote_depth;	/* 0 outside block quotes */
	const char	*text;		/* plain text; '\n' is a hard break */
	size_t		 len;
	const char	*info;		/* code block info string, or "";
					 * a table's column alignments, one
					 * of "lcrn" (none) per column */
	const char	*context;	/* in a nested item: the title of
					 * the item it belongs to, or "" */
	int		 line;		/* where it starts in the Markdown */
	const struct doc_link *links;
	size_t		 nlinks;
	size_t		 text_off;	/* arena offsets while parsing */
	size_t		 info_off;
	size_t		 first_link;
	size_t		 context_off;
	/* DOC_TABLE: nrows rows of ncols cells, row by row. */
	const struct doc_cell *cells;
	size_t		 ncols;
	size_t		 nrows;
	size_t		 first_cell;
};

/*
 * All strings of a document sit in one arena and all links in one array,
 * so that a page of 100 000 links costs a handful of allocations.
 */
struct doc {
	struct doc_block	*blocks;
	size_t			 nblocks;
	size_t			 cap;
	struct doc_link		*links;
	size_t			 nlinks;
	size_t			 links_cap;
	struct doc_cell		*cells;
	size_t			 ncells;
	size_t			 cells_cap;
	char			*arena;
	/* Strings set after parsing (doc_set_url()), each its own. */
	char			**owned;
	size_t			 nowned;
	size_t			 owned_cap;
	bool			 has_notes;	/* footnotes, listed under */
	size_t			 notes;		/* this heading block */
};

/*
 * Parses len bytes of Markdown (any bytes: NULs and invalid UTF-8 are
 * replaced) into a new document that the caller frees with doc_free().
 * Never NULL.
 */
struct doc	*doc_parse(const char *markdown, size_t len);
/*
 * The same, with the page cut into parts of at least part_bytes where
 * that changes nothing (mdsplit.h); doc_parse() takes 32 KiB.  Tests ask
 * for tiny parts, to prove that the parts give the document of the whole.
 */
struct doc	*doc_parse_in_parts(const char *markdown, size_t len,
		    size_t part_bytes);
/*
 * For builders of documents (doc_parse() and docbuild): appends a zeroed
 * block of kind, its links to come next, or a zeroed link; the pointer
 * lives until the next push.
 */
struct doc_block *doc_push_block(struct doc *doc, enum doc_kind kind);
struct doc_link	*doc_push_link(struct doc *doc);
/*
 * Once doc->arena no longer moves: points every block's and link's
 * strings into it from their offsets (for doc_parse() and docbuild).
 */
void		 doc_fix_pointers(struct doc *doc);
/* For builders: appends a zeroed table cell. */
struct doc_cell	*doc_push_cell(struct doc *doc);
/* Points link at a new url (copied; freed with doc). */
void		 doc_set_url(struct doc *doc, struct doc_link *link,
		    const char *url);
/* Frees doc and everything it holds; doc_free(NULL) does nothing. */
void		 doc_free(struct doc *doc);
/*
 * Returns whether the block is a link entry: one link that opens the block,
 * followed by plain text (the "[Title](url) - Author" of a reading list),
 * which both formats show as a single link.
 */
bool		 doc_is_link_entry(const struct doc_block *block);
/* Returns whether the block's text is made only of its links' text, as in
 * a paragraph holding an image alone: then the links say it all. */
bool		 doc_is_only_links(const struct doc_block *block);

#endif
