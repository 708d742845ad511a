/* render: format names, dispatch, and what the three renderers share. */
#include "render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "links.h"
#include "nav.h"
#include "url.h"
#include "utf8.h"

void
render_opts_init(struct render_opts *opts)
{
	opts->host = "localhost";
	opts->port = 70;
	opts->base = "/";
	opts->width = RENDER_WIDTH;
	opts->absolute = false;
	opts->page = "index";
	opts->gopher_text = false;
	opts->marks = NULL;
}

static size_t *
render_marks_array(size_t n)
{
	size_t *a = xreallocarray(NULL, n + 1, sizeof(*a));

	for (size_t i = 0; i <= n; i++)
		a[i] = SIZE_MAX;
	return a;
}

void
render_marks_init(struct render_marks *m, const struct doc *doc)
{
	m->doc = doc;
	m->block_start = render_marks_array(doc->nblocks);
	m->block_end = render_marks_array(doc->nblocks);
	m->link_start = render_marks_array(doc->nlinks);
	m->link_end = render_marks_array(doc->nlinks);
	m->block_refs = render_marks_array(doc->nblocks);
	m->ref_start = NULL;
	m->nrefs = 0;
}

void
render_marks_free(struct render_marks *m)
{
	free(m->block_start);
	free(m->block_end);
	free(m->link_start);
	free(m->link_end);
	free(m->block_refs);
	free(m->ref_start);
	memset(m, 0, sizeof(*m));
}

void
render_mark_block(const struct render_opts *opts, const struct doc_block *b,
    size_t at, bool end)
{
	const struct render_marks *m = opts->marks;

	if (m == NULL || b < m->doc->blocks ||
	    b >= m->doc->blocks + m->doc->nblocks)
		return;
	if (end)
		m->block_end[b - m->doc->blocks] = at;
	else
		m->block_start[b - m->doc->blocks] = at;
}

void
render_mark_link(const struct render_opts *opts, const struct doc_link *l,
    size_t start, size_t end)
{
	const struct render_marks *m = opts->marks;

	if (m == NULL || l == NULL || l < m->doc->links ||
	    l >= m->doc->links + m->doc->nlinks)
		return;
	m->link_start[l - m->doc->links] = start;
	m->link_end[l - m->doc->links] = end;
}

int
render_format_parse(const char *name, enum render_format *fmt)
{
	if (strcmp(name, "gemtext") == 0)
		*fmt = RENDER_GEMTEXT;
	else if (strcmp(name, "gophermap") == 0)
		*fmt = RENDER_GOPHERMAP;
	else if (strcmp(name, "text") == 0)
		*fmt = RENDER_TEXT;
	else
		return -1;
	return 0;
}

void
render_doc(struct doc *doc, enum render_format fmt,
    const struct render_opts *opts, struct buf *out)
{
	struct links_content nothing;
	struct links_page page;
	struct nav nav;

	/* Alone, a page's links can only be made to reach its sections. */
	memset(&nothing, 0, sizeof(nothing));
	nav_build(doc, &nav);
	page.rel = "";
	page.name = opts->page;
	page.nav = &nav;
	links_resolve(doc, &page, &nothing);
	nav_free(&nav);
	switch (fmt) {
	case RENDER_GEMTEXT:
		render_gemtext(doc, opts, out);
		break;
	case RENDER_GOPHERMAP:
		render_gophermap(doc, opts, out);
		break;
	case RENDER_TEXT:
		render_text(doc, opts, out);
		break;
	}
}

void
render_markdown(const char *md, size_t len, enum render_format fmt,
    const struct render_opts *opts, struct buf *out)
{
	struct doc *doc = doc_parse(md, len);

	render_doc(doc, fmt, opts, out);
	doc_free(doc);
}

bool
render_blank_between(const struct doc_block *prev,
    const struct doc_block *cur)
{
	if (prev == NULL)
		return false;
	return !(prev->list != 0 && prev->list == cur->list &&
	    prev->kind != DOC_CODE && cur->kind != DOC_CODE);
}

size_t
render_md_link_len(const char *url)
{
	size_t len = strcspn(url, "?#");

	if (!url_is_relative(url))
		return 0;
	if (len < 4 || strncasecmp(url + len - 3, ".md", 3) != 0 ||
	    url[len - 4] == '/')
		return 0;
	return len - 3;
}

bool
render_shows_link(const struct doc_link *l)
{
	return l->url[0] != '\0';
}

void
render_label(struct buf *out, const char *label, size_t len,
    const struct doc_block *b)
{
	buf_add(out, label, len);
	if (b != NULL && b->context[0] != '\0') {
		buf_adds(out, " (in ");
		buf_adds(out, b->context);
		buf_addc(out, ')');
	}
}

static void
render_table_cell_text(struct buf *out, const struct doc_cell *c)
{
	size_t start = out->len;

	buf_add(out, c->text, c->len);
	for (size_t i = start; i < out->len; i++)
		if ((unsigned char)out->data[i] < ' ' || out->data[i] == 0x7f)
			out->data[i] = ' ';
}

void
render_table_init(struct render_table *t, const struct doc_block *b)
{
	size_t n = b->nrows * b->ncols;

	t->block = b;
	t->cells = xcalloc(n > 0 ? n : 1, sizeof(*t->cells));
	t->widths = xcalloc(b->ncols > 0 ? b->ncols : 1, sizeof(*t->widths));
	for (size_t i = 0; i < n; i++)
		render_table_cell_text(&t->cells[i], &b->cells[i]);
	render_table_measure(t);
}

void
render_table_measure(struct render_table *t)
{
	const struct doc_block *b = t->block;

	t->width = b->ncols > 0 ? 3 * (b->ncols - 1) : 0;
	for (size_t c = 0; c < b->ncols; c++) {
		t->widths[c] = 1;
		for (size_t r = 0; r < b->nrows; r++) {
			const struct buf *cell = &t->cells[r * b->ncols + c];
			size_t w = utf8_width(buf_str(cell), cell->len);

			if (w > t->widths[c])
				t->widths[c] = w;
		}
		t->width += t->widths[c];
	}
}

void
render_table_line(const struct render_table *t, size_t r, struct buf *line)
{
	const struct doc_block *b = t->block;
	size_t len;

	buf_clear(line);
	for (size_t c = 0; c < b->ncols; c++) {
		const struct buf *cell;
		size_t pad, left;

		if (r == SIZE_MAX) {
			if (c > 0)
				buf_adds(line, "-+-");
			buf_addn(line, '-', t->widths[c]);
			continue;
		}
		if (c > 0)
			buf_adds(line, " | ");
		cell = &t->cells[r * b->ncols + c];
		pad = t->widths[c] - utf8_width(buf_str(cell), cell->len);
		left = b->info[c] == 'r' ? pad : b->info[c] == 'c' ? pad / 2 : 0;
		buf_addn(line, ' ', left);
		buf_add(line, buf_str(cell), cell->len);
		buf_addn(line, ' ', pad - left);
	}
	/* Short last cells leave no trailing spaces. */
	for (len = line->len; len > 0 && line->data[len - 1] == ' '; len--)
		;
	buf_truncate(line, len);
}

void
render_table_free(struct render_table *t)
{
	for (size_t i = 0; i < t->block->nrows * t->block->ncols; i++)
		buf_release(&t->cells[i]);
	free(t->cells);
	free(t->widths);
}
