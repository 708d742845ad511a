/* render: a Markdown document into gemtext, a gophermap or plain text. */
#ifndef CAPSULED_RENDER_H
#define CAPSULED_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "doc.h"

enum render_format {
	RENDER_GEMTEXT,
	RENDER_GOPHERMAP,
	RENDER_TEXT,
};

#define RENDER_WIDTH	70

/*
 * Where a rendering put the parts of one document, so that section pages
 * and search entries can be served as slices of the page's rendering
 * instead of copies.  Offsets count in the output buffer.  Only the
 * blocks and links of doc are marked; others (made by docbuild, rendered
 * into the same buffer) are not.
 */
struct render_marks {
	const struct doc *doc;
	size_t	*block_start;	/* per block: its first line, after the
				 * blank line before it */
	size_t	*block_end;	/* per block: just after its last line */
	size_t	*link_start;	/* per link: its line, or SIZE_MAX when */
	size_t	*link_end;	/* it is not shown as one */
	/* Plain text: references numbered before each block (and, at
	 * [nblocks], in all); where reference k's line starts (k from 0;
	 * at [nrefs], the end of the list). */
	size_t	*block_refs;
	size_t	*ref_start;
	size_t	 nrefs;
};

/* Sets marks up for doc, every offset SIZE_MAX; render_marks_free(). */
void	render_marks_init(struct render_marks *marks, const struct doc *doc);
void	render_marks_free(struct render_marks *marks);

/* Where the page is served from; strings are borrowed for the call. */
struct render_opts {
	const char	*host;	/* this server's name, for gophermap items */
	unsigned	 port;	/* this server's Gopher port */
	const char	*base;	/* the page's folder as a selector: "/", "/a/" */
	size_t		 width;	/* wrap column for gophermaps and text */
	bool		 absolute; /* gemtext: relative links resolved against
				    * base, for pages served from elsewhere */
	const char	*page;	/* render_markdown(): the page's name, which
				 * in-page anchors lead to ("index") */
	bool		 gopher_text; /* plain text as a Gopher text item:
				    * CR LF line ends, a leading '.'
				    * doubled (the closing "." is not
				    * written) */
	struct render_marks *marks; /* when set, filled as doc is written */
};

/* Fills opts with the defaults: localhost, port 70, base "/", width 70. */
void	render_opts_init(struct render_opts *opts);
/* Looks a format up by name ("gemtext", "gophermap", "text"); 0 or -1. */
int	render_format_parse(const char *name, enum render_format *fmt);
/*
 * Parses len bytes of Markdown and appends the page in format fmt to out.
 * A gophermap comes without its closing "." line, so that a caller can
 * add items; gophermap_end() closes it.
 */
void	render_markdown(const char *md, size_t len, enum render_format fmt,
	    const struct render_opts *opts, struct buf *out);
/* The same for a parsed doc, whose links it resolves (and so changes). */
void	render_doc(struct doc *doc, enum render_format fmt,
	    const struct render_opts *opts, struct buf *out);

/* The format renderers, each appending doc to out. */
void	render_gemtext(const struct doc *doc, const struct render_opts *opts,
	    struct buf *out);
void	render_gophermap(const struct doc *doc,
	    const struct render_opts *opts, struct buf *out);
void	render_text(const struct doc *doc, const struct render_opts *opts,
	    struct buf *out);
/* The heading of the plain text's reference list, blank line before. */
void	render_text_references(struct buf *out, bool gopher_text);

/*
 * Appends the gophermap item for a link to url shown as display: a real
 * item for gopher:// URLs and for relative links (type 1 for .md pages),
 * otherwise an 'h' item "URL:..." on this server.
 */
void	render_gopher_link(struct buf *out, const char *url,
	    const char *display, size_t display_len,
	    const struct render_opts *opts);

/*
 * Single gemtext lines, for the pages built per request (search results):
 * a heading (level 1-3), a text line kept text, a link line.  Control
 * bytes in text and label become spaces.
 */
void	render_gemtext_heading(struct buf *out, int level, const char *text,
	    size_t len);
/* An empty line, between the parts of a page made in pieces. */
void	render_gemtext_blank(struct buf *out);
void	render_gemtext_text(struct buf *out, const char *text, size_t len);
void	render_gemtext_link(struct buf *out, const char *url,
	    const char *label, const struct render_opts *opts);

/*
 * Appends the links of one block as the page shows them: a link entry's
 * single line or item, otherwise one per link.  For search results.
 */
void	render_gemtext_links(const struct doc_block *block,
	    const struct render_opts *opts, struct buf *out);
void	render_gopher_links(const struct doc_block *block,
	    const struct render_opts *opts, struct buf *out);

/* Helpers shared by the renderers (render.c). */

/* For the renderers: note where block b or link l starts or ends, when
 * opts marks them (at is the output's length). */
void	render_mark_block(const struct render_opts *opts,
	    const struct doc_block *b, size_t at, bool end);
void	render_mark_link(const struct render_opts *opts,
	    const struct doc_link *l, size_t start, size_t end);

/* Whether a link is shown: a footnote mark whose note is missing is not. */
bool	render_shows_link(const struct doc_link *link);
/*
 * Appends a link's label as the page shows it: in a nested item, followed
 * by the item it belongs to, "Notes (in Parent title)".
 */
void	render_label(struct buf *out, const char *label, size_t len,
	    const struct doc_block *block);

/* A table laid out in fixed-width text. */
struct render_table {
	const struct doc_block	*block;
	struct buf		*cells;	/* nrows * ncols: the text shown */
	size_t			*widths; /* per column, in terminal cells */
	size_t			 width;	/* of a row, separators included */
};

/* Fills t with the cells' text (control bytes as spaces) and measures. */
void	render_table_init(struct render_table *t, const struct doc_block *b);
/* Measures again after the caller changed cells. */
void	render_table_measure(struct render_table *t);
/* Sets line to row r, its cells aligned as the table says, or with r
 * SIZE_MAX to the rule under the header. */
void	render_table_line(const struct render_table *t, size_t r,
	    struct buf *line);
void	render_table_free(struct render_table *t);


/* Whether a blank line goes between blocks prev (NULL at the start) and
 * cur: none at the start and none inside a list. */
bool	render_blank_between(const struct doc_block *prev,
	    const struct doc_block *cur);
/*
 * When url is a relative link to a Markdown page ("a/b.md#x"), returns the
 * length of its path up to and without ".md"; otherwise 0.
 */
size_t	render_md_link_len(const char *url);

#endif
