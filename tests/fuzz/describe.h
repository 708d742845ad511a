/*
 * describe: a parsed document as text to compare, for the unit tests and
 * the fuzz target that prove a page parsed in parts is the page parsed
 * whole: where each block and link starts, and the three renderings.
 */
#ifndef CAPSULED_DESCRIBE_H
#define CAPSULED_DESCRIBE_H

#include "buf.h"
#include "doc.h"
#include "render.h"

/* Appends doc's description to out; resolves doc's links (see
 * render_doc()). */
static inline void
describe_doc(struct doc *doc, struct buf *out)
{
	static const enum render_format formats[] = {
		RENDER_GEMTEXT, RENDER_GOPHERMAP, RENDER_TEXT,
	};
	struct render_opts opts;

	render_opts_init(&opts);
	for (size_t i = 0; i < doc->nblocks; i++)
		buf_printf(out, "block %zu line %d\n", i, doc->blocks[i].line);
	for (size_t i = 0; i < doc->nlinks; i++)
		buf_printf(out, "link %zu line %d\n", i, doc->links[i].line);
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
		render_doc(doc, formats[f], &opts, out);
}

/* The description of md parsed in parts of at least part_bytes. */
static inline void
describe_markdown(const char *md, size_t len, size_t part_bytes,
    struct buf *out)
{
	struct doc *doc = doc_parse_in_parts(md, len, part_bytes);

	describe_doc(doc, out);
	doc_free(doc);
}

#endif
