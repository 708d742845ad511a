/* render_gopher: a document as a gophermap (RFC 1436 menu) or plain text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gophermap.h"
#include "mime.h"
#include "render.h"
#include "url.h"
#include "utf8.h"
#include "wrap.h"

/* Deeper quotes and lists than these are shown at these depths. */
#define GOPHER_MAX_QUOTE	4
#define GOPHER_MAX_INDENT	8

struct gopher_render {
	const struct render_opts *opts;
	struct buf	*out;
	bool		 text;		/* plain text rather than a menu */
	size_t		 nrefs;		/* text: links numbered so far */
	struct buf	 refs;		/* text: "[n] url" lines */
	/* Scratch space reused from block to block. */
	struct buf	 line;
	struct buf	 prefix;
	struct buf	 first;
	struct buf	 numbered;
};

/* Where a link leads, as a Gopher item. */
struct gopher_target {
	char		 type;
	struct buf	 selector;
	const char	*host;
	struct buf	 remote_host;	/* the host of a gopher:// URL */
	unsigned	 port;
};

static void
gopher_target_release(struct gopher_target *t)
{
	buf_release(&t->selector);
	buf_release(&t->remote_host);
}

/*
 * Selectors are raw bytes: the URL's escapes are undone, unless that
 * would make a selector that is not UTF-8 or holds control bytes (a TAB
 * would end the field); then it stays as it was written.
 */
static void
gopher_decode_selector(struct buf *sel)
{
	struct buf decoded = BUF_INIT;
	size_t len;
	bool clean;

	buf_add(&decoded, buf_str(sel), sel->len);
	if (url_decode(decoded.data, &len) == 0) {
		clean = utf8_is_valid(decoded.data, len);
		for (size_t i = 0; clean && i < len; i++)
			clean = (unsigned char)decoded.data[i] >= ' ';
		if (clean) {
			buf_clear(sel);
			buf_add(sel, decoded.data, len);
		}
	}
	buf_release(&decoded);
}

/* A gopher:// URL becomes a real item; 0 or -1 when it is malformed. */
static int
gopher_target_gopher(struct gopher_target *t, const char *url)
{
	char *copy = xstrdup(url);
	const char *errstr;
	struct url u;
	unsigned long port = 70;
	int rc = -1;

	if (url_parse(copy, &u, &errstr) == -1 || u.host == NULL ||
	    *u.host == '\0')
		goto out;
	/* The item type is one printable ASCII character (RFC 4266). */
	if (u.path[0] != '\0' && u.path[1] != '\0' &&
	    (u.path[1] <= ' ' || u.path[1] > '~'))
		goto out;
	if (u.port != NULL && *u.port != '\0' &&
	    ((port = strtoul(u.port, NULL, 10)) == 0 || port > 65535))
		goto out;
	buf_clear(&t->remote_host);
	buf_adds(&t->remote_host, u.host);
	t->host = t->remote_host.data;
	t->port = (unsigned)port;
	if (u.path[0] == '\0' || u.path[1] == '\0')
		t->type = '1';
	else {
		t->type = u.path[1];
		buf_adds(&t->selector, u.path + 2);
		gopher_decode_selector(&t->selector);
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

static void
gopher_target(struct gopher_target *t, const char *url,
    const struct render_opts *o)
{
	size_t path_len = strcspn(url, "?#"), md_len, start;

	memset(t, 0, sizeof(*t));
	t->host = o->host;
	t->port = o->port;
	if (url_scheme_len(url, strlen(url)) > 0 ||
	    strncmp(url, "//", 2) == 0) {
		if (strncasecmp(url, "gopher:", 7) == 0 &&
		    gopher_target_gopher(t, url) == 0)
			return;
		/* The convention for links off Gopher: an 'h' item on this
		 * server whose selector is "URL:" and the URL. */
		t->type = 'h';
		buf_clear(&t->selector);
		buf_adds(&t->selector, "URL:");
		url_encode(&t->selector, url, strlen(url));
		return;
	}
	t->type = '1';
	if ((md_len = render_md_link_len(url)) > 0)
		path_len = md_len;
	url_resolve_path(&t->selector, o->base, url, path_len);
	if (md_len > 0) {
		/* "dir/index.md" is the folder's own menu. */
		start = t->selector.len >= 5 ? t->selector.len - 5 : 0;
		if (start > 0 && strcmp(t->selector.data + start, "index") == 0 &&
		    t->selector.data[start - 1] == '/')
			buf_truncate(&t->selector, start);
	} else if (path_len > 0 && t->selector.data[t->selector.len - 1] !=
	    '/')
		t->type = mime_gopher_type(t->selector.data);
	gopher_decode_selector(&t->selector);
}

void
render_gopher_link(struct buf *out, const char *url, const char *display,
    size_t display_len, const struct render_opts *opts)
{
	struct gopher_target t;

	if (display_len == 0) {
		display = url;
		display_len = strlen(url);
	}
	/* The common case, a web link, is written straight into the menu:
	 * its encoded URL holds no TAB, CR or LF. */
	if (url_scheme_len(url, strlen(url)) > 0 &&
	    strncasecmp(url, "gopher:", 7) != 0) {
		gophermap_item_start(out, 'h', display, display_len);
		buf_add(out, "URL:", 4);
		url_encode(out, url, strlen(url));
		gophermap_item_finish(out, opts->host, opts->port);
		return;
	}
	gopher_target(&t, url, opts);
	gophermap_item(out, t.type, display, display_len,
	    buf_str(&t.selector), t.host, t.port);
	gopher_target_release(&t);
}

/* Link l of block b, its label telling the item it is nested in. */
static void
gopher_block_link(struct buf *out, const struct doc_link *l,
    const char *display, size_t display_len, const struct doc_block *b,
    const struct render_opts *opts)
{
	struct buf shown = BUF_INIT;
	size_t start = out->len;

	if (b->context[0] == '\0' || display_len == 0)
		render_gopher_link(out, l->url, display, display_len, opts);
	else {
		render_label(&shown, display, display_len, b);
		render_gopher_link(out, l->url, buf_str(&shown), shown.len,
		    opts);
		buf_release(&shown);
	}
	render_mark_link(opts, l, start, out->len);
}

/* A search item: type 7 on this server, whatever the URL's path. */
static void
gopher_search_item(struct buf *out, const struct doc_link *l,
    const char *display, size_t display_len, const struct render_opts *o)
{
	struct gopher_target t;

	gopher_target(&t, l->url, o);
	gophermap_item(out, '7', display, display_len, buf_str(&t.selector),
	    t.host, t.port);
	gopher_target_release(&t);
}

void
render_gopher_links(const struct doc_block *b,
    const struct render_opts *opts, struct buf *out)
{
	if (doc_is_link_entry(b) && b->links[0].is_search) {
		gopher_search_item(out, &b->links[0], b->text, b->len, opts);
		return;
	}
	if (doc_is_link_entry(b)) {
		gopher_block_link(out, &b->links[0], b->text, b->len, b, opts);
		return;
	}
	for (size_t i = 0; i < b->nlinks; i++)
		if (render_shows_link(&b->links[i]))
			gopher_block_link(out, &b->links[i], b->links[i].label,
			    strlen(b->links[i].label), b, opts);
}

/* Appends the URL a reader of the plain text can open for url. */
static void
gopher_ref_url(struct buf *out, const char *url, const struct render_opts *o)
{
	struct gopher_target t;

	if (url_scheme_len(url, strlen(url)) > 0 ||
	    strncmp(url, "//", 2) == 0) {
		url_encode(out, url, strlen(url));
		return;
	}
	gopher_target(&t, url, o);
	buf_printf(out, "gopher://%s:%u/%c", t.host, t.port, t.type);
	url_encode(out, buf_str(&t.selector), t.selector.len);
	gopher_target_release(&t);
}

/* The end of a line of plain text: LF, or CR LF in a Gopher text item. */
static void
gopher_text_eol(const struct gopher_render *r, struct buf *out)
{
	if (r->opts->gopher_text)
		buf_addc(out, '\r');
	buf_addc(out, '\n');
}

static void
gopher_line_cb(void *ctx, const char *prefix, size_t prefix_len,
    const char *text, size_t len)
{
	struct gopher_render *r = ctx;

	if (r->text) {
		/* A Gopher text item ends at a line of ".": a line that
		 * starts so is sent with the dot doubled. */
		if (r->opts->gopher_text && (prefix_len > 0 ? *prefix :
		    len > 0 ? *text : 0) == '.')
			buf_addc(r->out, '.');
		buf_add(r->out, prefix, prefix_len);
		buf_add(r->out, text, len);
		gopher_text_eol(r, r->out);
		return;
	}
	buf_clear(&r->line);
	buf_add(&r->line, prefix, prefix_len);
	buf_add(&r->line, text, len);
	gophermap_info(r->out, buf_str(&r->line), r->line.len);
}

/* One line with no prefix. */
static void
gopher_line(struct gopher_render *r, const char *text, size_t len)
{
	gopher_line_cb(r, "", 0, text, len);
}

static void
gopher_links(struct gopher_render *r, const struct doc_block *b)
{
	if (r->text)
		return;
	for (size_t i = 0; i < b->nlinks; i++)
		if (render_shows_link(&b->links[i]))
			gopher_block_link(r->out, &b->links[i],
			    b->links[i].label, strlen(b->links[i].label), b,
			    r->opts);
}

/*
 * Text and its links for plain text: each link's text is followed by its
 * number, "[n]", and its URL joins the reference list.  A footnote mark
 * has its number already.
 */
static void
gopher_numbered(struct gopher_render *r, const char *s, size_t len,
    const struct doc_link *links, size_t nlinks, struct buf *text)
{
	size_t pos = 0;

	for (size_t i = 0; i < nlinks; i++) {
		const struct doc_link *l = &links[i];
		size_t end = l->end;

		if (l->is_note || !render_shows_link(l))
			continue;
		/* "[Title ](url)": the number goes after the word, not
		 * after the space. */
		while (end > pos && s[end - 1] == ' ')
			end--;
		if (l->end < pos)
			end = pos;
		buf_add(text, s + pos, end - pos);
		pos = end;
		if (text->len > 0 && text->data[text->len - 1] != ' ' &&
		    text->data[text->len - 1] != '\n')
			buf_addc(text, ' ');
		r->nrefs++;
		buf_addc(text, '[');
		buf_add_uint(text, r->nrefs);
		buf_addc(text, ']');
		buf_addc(&r->refs, '[');
		buf_add_uint(&r->refs, r->nrefs);
		buf_add(&r->refs, "] ", 2);
		gopher_ref_url(&r->refs, l->url, r->opts);
		gopher_text_eol(r, &r->refs);
	}
	buf_add(text, s + pos, len - pos);
}

static void
gopher_numbered_text(struct gopher_render *r, const struct doc_block *b,
    struct buf *text)
{
	gopher_numbered(r, b->text, b->len, b->links, b->nlinks, text);
}

/* The start of each line of a block: quote marks, then list indent. */
static void
gopher_prefix(const struct doc_block *b, struct buf *prefix)
{
	int quote = b->quote_depth, indent = b->list_depth - 1;

	if (quote > GOPHER_MAX_QUOTE)
		quote = GOPHER_MAX_QUOTE;
	if (indent > GOPHER_MAX_INDENT)
		indent = GOPHER_MAX_INDENT;
	for (int i = 0; i < quote; i++)
		buf_adds(prefix, "> ");
	for (int i = 0; i < indent; i++)
		buf_adds(prefix, "  ");
	/* A later paragraph of an item lines up with the item's text. */
	if (b->kind == DOC_PARAGRAPH && b->list_depth > 0)
		buf_adds(prefix, "  ");
}

static void
gopher_prose(struct gopher_render *r, const struct doc_block *b)
{
	struct buf *prefix = &r->prefix, *first = &r->first;

	if (!r->text && doc_is_link_entry(b)) {
		render_gopher_links(b, r->opts, r->out);
		return;
	}
	buf_clear(prefix);
	buf_clear(first);
	gopher_prefix(b, prefix);
	buf_add(first, buf_str(prefix), prefix->len);
	if (b->kind == DOC_ITEM) {
		if (b->number > 0)
			buf_printf(first, "%d. ", b->number);
		else
			buf_adds(first, "* ");
		/* Later lines hang under the item's text. */
		buf_addn(prefix, ' ', first->len - prefix->len);
	}
	if (r->text) {
		buf_clear(&r->numbered);
		gopher_numbered_text(r, b, &r->numbered);
		wrap_text(buf_str(&r->numbered), r->numbered.len,
		    r->opts->width, buf_str(first), buf_str(prefix),
		    gopher_line_cb, r);
	} else if (!doc_is_only_links(b))
		wrap_text(b->text, b->len, r->opts->width, buf_str(first),
		    buf_str(prefix), gopher_line_cb, r);
	gopher_links(r, b);
}

static void
gopher_heading(struct gopher_render *r, const struct doc_block *b)
{
	struct buf *text = &r->numbered;
	size_t cols;

	buf_clear(text);
	if (r->text)
		gopher_numbered_text(r, b, text);
	else
		buf_add(text, b->text, b->len);
	wrap_text(buf_str(text), text->len, r->opts->width, "", "",
	    gopher_line_cb, r);
	cols = utf8_columns(buf_str(text), text->len);
	if (cols > r->opts->width)
		cols = r->opts->width;
	buf_clear(text);
	/* Level 1 '=', level 2 '-', deeper '~': each level looks its own. */
	buf_addn(text, b->level == 1 ? '=' : b->level == 2 ? '-' : '~', cols);
	gopher_line(r, buf_str(text), text->len);
	gopher_links(r, b);
}

/* Code keeps its lines as they are, tabs expanded, never wrapped, and
 * indented as Markdown indents it so that it stands apart from prose. */
static void
gopher_code(struct gopher_render *r, const struct doc_block *b)
{
	struct buf *prefix = &r->prefix, *line = &r->numbered;
	const char *p = b->text, *end = b->text + b->len;
	size_t col;

	buf_clear(prefix);
	gopher_prefix(b, prefix);
	buf_adds(prefix, "    ");
	while (p < end) {
		buf_clear(line);
		for (col = 0; p < end && *p != '\n'; p++) {
			if (*p == '\t') {
				buf_addn(line, ' ', 8 - col % 8);
				col += 8 - col % 8;
			} else {
				buf_addc(line, *p == '\r' ? ' ' : *p);
				col++;
			}
		}
		gopher_line_cb(r, buf_str(prefix), prefix->len,
		    buf_str(line), line->len);
		if (p < end)
			p++;
	}
}

/*
 * A table wider than the page is written row by row, one wrapped
 * "Header: value" line per cell, so that nothing is cut.
 */
static void
gopher_table_rows(struct gopher_render *r, const struct render_table *t)
{
	const struct doc_block *b = t->block;

	for (size_t row = 1; row < b->nrows; row++) {
		if (row > 1)
			gopher_line(r, "", 0);
		for (size_t c = 0; c < b->ncols; c++) {
			const struct buf *head = &t->cells[c];
			const struct buf *cell = &t->cells[row * b->ncols + c];
			struct buf text = BUF_INIT;

			if (head->len > 0) {
				buf_add(&text, buf_str(head), head->len);
				buf_adds(&text, ": ");
			}
			buf_add(&text, buf_str(cell), cell->len);
			wrap_text(buf_str(&text), text.len, r->opts->width, "",
			    "  ", gopher_line_cb, r);
			buf_release(&text);
		}
	}
}

/* A table in a menu or the plain text: aligned rows when they fit the
 * width, else row by row; then the links of its cells. */
static void
gopher_table(struct gopher_render *r, const struct doc_block *b)
{
	struct render_table t;
	struct buf line = BUF_INIT;

	render_table_init(&t, b);
	if (r->text) {
		for (size_t i = 0; i < b->nrows * b->ncols; i++) {
			buf_clear(&t.cells[i]);
			gopher_numbered(r, b->cells[i].text, b->cells[i].len,
			    b->cells[i].links, b->cells[i].nlinks, &t.cells[i]);
		}
		render_table_measure(&t);
	}
	if (t.width > r->opts->width)
		gopher_table_rows(r, &t);
	else
		for (size_t row = 0; row < b->nrows; row++) {
			render_table_line(&t, row, &line);
			gopher_line(r, buf_str(&line), line.len);
			if (row == 0) {
				render_table_line(&t, SIZE_MAX, &line);
				gopher_line(r, buf_str(&line), line.len);
			}
		}
	gopher_links(r, b);
	buf_release(&line);
	render_table_free(&t);
}

static void
gopher_render_doc(struct gopher_render *r, const struct doc *doc)
{
	const struct doc_block *prev = NULL;
	struct buf rule = BUF_INIT;

	for (size_t i = 0; i < doc->nblocks; i++) {
		const struct doc_block *b = &doc->blocks[i];

		if (render_blank_between(prev, b))
			gopher_line(r, "", 0);
		prev = b;
		render_mark_block(r->opts, b, r->out->len, false);
		if (r->opts->marks != NULL && r->text &&
		    r->opts->marks->doc == doc)
			r->opts->marks->block_refs[i] = r->nrefs;
		switch (b->kind) {
		case DOC_HEADING:
			gopher_heading(r, b);
			break;
		case DOC_PARAGRAPH:
		case DOC_ITEM:
			gopher_prose(r, b);
			break;
		case DOC_CODE:
			gopher_code(r, b);
			break;
		case DOC_RULE:
			buf_clear(&rule);
			buf_addn(&rule, '-', r->opts->width);
			gopher_line(r, buf_str(&rule), rule.len);
			break;
		case DOC_TABLE:
			gopher_table(r, b);
			break;
		}
		render_mark_block(r->opts, b, r->out->len, true);
	}
	if (r->opts->marks != NULL && r->text && r->opts->marks->doc == doc)
		r->opts->marks->block_refs[doc->nblocks] = r->nrefs;
	buf_release(&rule);
}

static void
gopher_render_release(struct gopher_render *r)
{
	buf_release(&r->refs);
	buf_release(&r->line);
	buf_release(&r->prefix);
	buf_release(&r->first);
	buf_release(&r->numbered);
}

static void
gopher_render_init(struct gopher_render *r, const struct render_opts *opts,
    struct buf *out, bool text)
{
	memset(r, 0, sizeof(*r));
	r->opts = opts;
	r->out = out;
	r->text = text;
}

void
render_gophermap(const struct doc *doc, const struct render_opts *opts,
    struct buf *out)
{
	struct gopher_render r;

	gopher_render_init(&r, opts, out, false);
	gopher_render_doc(&r, doc);
	gopher_render_release(&r);
}

void
render_text_references(struct buf *out, bool gopher_text)
{
	buf_adds(out, gopher_text ? "\r\nReferences\r\n----------\r\n\r\n" :
	    "\nReferences\n----------\n\n");
}

/* Notes where each reference line will be once the list is appended at
 * offset at. */
static void
gopher_mark_refs(struct gopher_render *r, size_t at)
{
	struct render_marks *m = r->opts->marks;
	size_t k = 0;

	if (m == NULL || m->ref_start != NULL)
		return;
	m->ref_start = xreallocarray(NULL, r->nrefs + 1, sizeof(size_t));
	m->nrefs = r->nrefs;
	for (size_t i = 0; i < r->refs.len && k < r->nrefs; i++)
		if (i == 0 || r->refs.data[i - 1] == '\n')
			m->ref_start[k++] = at + i;
	m->ref_start[r->nrefs] = at + r->refs.len;
}

void
render_text(const struct doc *doc, const struct render_opts *opts,
    struct buf *out)
{
	struct gopher_render r;

	gopher_render_init(&r, opts, out, true);
	gopher_render_doc(&r, doc);
	if (r.nrefs > 0) {
		render_text_references(out, opts->gopher_text);
		gopher_mark_refs(&r, out->len);
		buf_add(out, buf_str(&r.refs), r.refs.len);
	}
	gopher_render_release(&r);
}
