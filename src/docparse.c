/*
 * docparse: GitHub-flavoured Markdown parsed by cmark-gfm (with the
 * extensions GitHub uses) and walked once into a doc: blocks, text,
 * links, table cells and footnotes.
 */
#include "doc.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "mdsplit.h"
#include "utf8.h"

/* Links nest only through images in link text: this is plenty. */
#define DOC_MAX_LINK_NESTING	64
/* How much of a parent item's text names it in a nested item's links. */
#define DOC_CONTEXT_COLUMNS	60
/* More footnotes than this in one page are plain text. */
#define DOC_MAX_NOTES		100000
/*
 * A page twice this size or more is parsed in parts (mdsplit.h), the
 * next one parsed by a thread of its own while one is walked, and each
 * tree freed once walked: a tree takes some 25 times its Markdown.
 */
#define DOC_PART_BYTES		(32 * 1024)
/* The parts parsed and not yet walked, at most. */
#define DOC_PARTS_AHEAD		2

/* A link or image whose text is being read. */
struct walk_link {
	size_t	 start;		/* where its text starts in w->text */
	size_t	 alt_start;	/* where its images' alt starts in w->alt */
	size_t	 url_off;	/* its destination, interned */
	size_t	 first_link;	/* the document's links when it opened */
	int	 line;
	bool	 image;
	bool	 html;		/* opened by <a href>, closed by </a> */
	bool	 skip;		/* no destination: not a link */
};

struct doc_walk {
	struct doc	*doc;
	cmark_node	*leaf;		/* heading, paragraph or table cell */
	bool		 flat;		/* hard breaks are spaces in it */
	bool		 heading;	/* images stay out of its text */
	int		 leaf_line;
	int		 breaks;	/* line breaks read in the leaf */
	struct walk_link links[DOC_MAX_LINK_NESTING];
	size_t		 link_depth;
	struct buf	 arena;		/* every string, NUL-terminated */
	struct buf	 text;		/* the inline text being collected */
	struct buf	 alt;		/* alt text of heading images */
	struct buf	 scratch;
	size_t		 first_link;	/* the next block's first link */
	int		*numbers;	/* per open list: the next number */
	size_t		*items;		/* per open list: its last item */
	size_t		 nlists;
	size_t		 lists_cap;
	int		 top_lists;	/* top-level lists seen so far */
	int		 quote_depth;
	/* The table being read. */
	size_t		 table_cell;	/* its first cell */
	size_t		 table_link;	/* its first link */
	size_t		 ncols;
	size_t		 nrows;
	size_t		 row_cells;	/* cells of the current row */
	size_t		 align_off;
	int		 table_line;
	bool		 cell_dropped;	/* a cell past the header's count */
	/* Footnotes, numbered in the order of their first mark. */
	size_t		 nnotes;	/* note_blocks' length */
	size_t		 ndefs;		/* notes read so far */
	size_t		*note_blocks;	/* number - 1 -> its first block */
	size_t		 note_mark;	/* the number the next paragraph
					 * opens with, or 0 */
	int		 html_line;	/* the HTML block being read */
	int		 line_base;	/* the lines before the part walked */
};

/* Where the node starts in the whole Markdown, 0 if cmark-gfm knows not. */
static int
doc_line(const struct doc_walk *w, cmark_node *node)
{
	int line = cmark_node_get_start_line(node);

	return line > 0 ? line + w->line_base : 0;
}

/* Copies len bytes into the arena; returns their offset. */
static size_t
doc_intern(struct doc_walk *w, const char *s, size_t len)
{
	size_t off = w->arena.len;

	buf_add(&w->arena, s, len);
	buf_addc(&w->arena, '\0');
	return off;
}

static struct doc_block *
doc_add_block(struct doc_walk *w, enum doc_kind kind, int line)
{
	struct doc_block *b = doc_push_block(w->doc, kind);

	b->list_depth = (int)w->nlists;
	b->list = w->nlists > 0 ? w->top_lists : 0;
	b->quote_depth = w->quote_depth;
	b->line = line;
	b->text_off = b->info_off = b->context_off = 0;	/* "" */
	return b;
}

/*
 * Trims the collected text into the arena and moves the offsets of the
 * links collected since w->first_link with the trim; returns the text's
 * offset and stores its length.
 */
static size_t
doc_take_trimmed(struct doc_walk *w, size_t *len)
{
	struct doc *doc = w->doc;
	const char *t = buf_str(&w->text);
	size_t start = 0, end = w->text.len, off;

	while (start < end && t[start] == ' ')
		start++;
	while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\n'))
		end--;
	off = doc_intern(w, t + start, end - start);
	*len = end - start;
	for (size_t i = w->first_link; i < doc->nlinks; i++) {
		struct doc_link *l = &doc->links[i];

		l->start = l->start > start ? l->start - start : 0;
		l->end = l->end > start ? l->end - start : 0;
		if (l->start > *len)
			l->start = *len;
		if (l->end > *len)
			l->end = *len;
	}
	buf_clear(&w->text);
	/* Links still open go on in a text that starts anew. */
	for (size_t i = 0; i < w->link_depth && i < DOC_MAX_LINK_NESTING;
	    i++)
		w->links[i].start = 0;
	return off;
}

/* Gives the block the collected text and the links since the last one. */
static void
doc_take_text(struct doc_walk *w, struct doc_block *b)
{
	b->text_off = doc_take_trimmed(w, &b->len);
	b->first_link = w->first_link;
	b->nlinks = w->doc->nlinks - w->first_link;
	w->first_link = w->doc->nlinks;
}

/* The bytes doc_add_text() folds: space, TAB, CR, LF. */
static const unsigned char doc_white[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1,
};

/* Appends text with runs of white space folded to one space, so that
 * offsets into the text stay simple. */
static void
doc_add_text(struct buf *t, const char *s, size_t len)
{
	size_t i = 0, run;
	bool space = t->len == 0 || t->data[t->len - 1] == ' ' ||
	    t->data[t->len - 1] == '\n';

	buf_reserve(t, len);
	while (i < len) {
		for (run = 0; i + run < len &&
		    !doc_white[(unsigned char)s[i + run]]; run++)
			;
		if (run > 0) {
			buf_add(t, s + i, run);
			i += run;
			space = false;
			continue;
		}
		if (!space)
			buf_addc(t, ' ');
		space = true;
		i++;
	}
}

/*
 * Interns a slice of the collected text, which is folded already: only
 * its ends are trimmed and its hard breaks made spaces.
 */
static size_t
doc_intern_label(struct doc_walk *w, const char *s, size_t len)
{
	size_t off;

	while (len > 0 && (*s == ' ' || *s == '\n')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n'))
		len--;
	off = doc_intern(w, s, len);
	for (size_t i = off; i < off + len; i++)
		if (w->arena.data[i] == '\n')
			w->arena.data[i] = ' ';
	return off;
}

/* Interns s with white space folded and trimmed. */
static size_t
doc_intern_collapsed(struct doc_walk *w, const char *s, size_t len)
{
	size_t off = w->arena.len;

	/* Folding starts afresh: the arena ends with a NUL here. */
	buf_addc(&w->arena, ' ');
	doc_add_text(&w->arena, s, len);
	while (w->arena.len > off + 1 &&
	    (w->arena.data[w->arena.len - 1] == ' ' ||
	    w->arena.data[w->arena.len - 1] == '\n'))
		w->arena.len--;
	for (size_t i = off + 1; i < w->arena.len; i++)
		if (w->arena.data[i] == '\n')
			w->arena.data[i] = ' ';
	buf_addc(&w->arena, '\0');
	return off + 1;
}

/* Whether a link (not an image) is open around the innermost one. */
static bool
doc_inside_link(const struct doc_walk *w)
{
	for (size_t i = 0; i < w->link_depth && i < DOC_MAX_LINK_NESTING; i++)
		if (!w->links[i].image && !w->links[i].skip)
			return true;
	return false;
}

static void
doc_link_open(struct doc_walk *w, const char *url, bool image, bool html,
    int line)
{
	struct walk_link *l;

	if (w->link_depth++ >= DOC_MAX_LINK_NESTING)
		return;
	l = &w->links[w->link_depth - 1];
	l->start = w->text.len;
	l->alt_start = w->alt.len;
	l->first_link = w->doc->nlinks;
	l->image = image;
	l->html = html;
	l->skip = url == NULL || *url == '\0';
	l->url_off = l->skip ? 0 : doc_intern(w, url, strlen(url));
	l->line = line > 0 ? line : w->leaf_line + w->breaks;
}

/*
 * Ends the innermost link or image.  An image inside a link adds no link
 * of its own: the link around it is the one offered (a badge).  In a
 * heading an image's alt text leaves the heading's text; it labels the
 * image's link, or the link around it.
 */
static void
doc_link_close(struct doc_walk *w)
{
	struct walk_link *l;
	struct doc_link *dl;
	size_t label_off;

	if (w->link_depth == 0)
		return;
	if (--w->link_depth >= DOC_MAX_LINK_NESTING)
		return;
	l = &w->links[w->link_depth];
	label_off = doc_intern_label(w, buf_str(&w->text) + l->start,
	    w->text.len - l->start);
	if (l->image && w->heading) {
		buf_truncate(&w->text, l->start);
		/* Links inside the alt text go with it: none may point past
		 * the text that is left. */
		for (size_t i = l->first_link; i < w->doc->nlinks; i++) {
			struct doc_link *in = &w->doc->links[i];

			in->start = in->start < l->start ? in->start : l->start;
			in->end = in->end < l->start ? in->end : l->start;
		}
		if (doc_inside_link(w)) {
			buf_adds(&w->alt, " ");
			buf_adds(&w->alt, w->arena.data + label_off);
			return;
		}
	}
	if (l->skip || (l->image && doc_inside_link(w)))
		return;
	if (w->arena.data[label_off] == '\0' && w->alt.len > l->alt_start)
		label_off = doc_intern_collapsed(w, w->alt.data + l->alt_start,
		    w->alt.len - l->alt_start);
	buf_truncate(&w->alt, l->alt_start);
	dl = doc_push_link(w->doc);
	dl->url_off = l->url_off;
	dl->label_off = label_off;
	dl->start = l->start;
	dl->end = w->text.len;
	dl->is_image = l->image;
	dl->line = l->line;
}

/* A break inside a heading or cell is a space; elsewhere a new line. */
static void
doc_line_break(struct doc_walk *w)
{
	if (w->flat) {
		doc_add_text(&w->text, " ", 1);
		return;
	}
	while (w->text.len > 0 && w->text.data[w->text.len - 1] == ' ')
		w->text.len--;
	buf_addc(&w->text, '\n');
}

/* Makes room for footnote n's first block. */
static void
doc_note_slot(struct doc_walk *w, size_t n)
{
	if (n <= w->nnotes)
		return;
	w->note_blocks = xreallocarray(w->note_blocks, n,
	    sizeof(*w->note_blocks));
	for (size_t i = w->nnotes; i < n; i++)
		w->note_blocks[i] = DOC_NONE;
	w->nnotes = n;
}

/*
 * A footnote mark: "[^n]" in the text (as Markdown writes it: plain
 * text's references are "[n]"), and a link to the note whose
 * destination and label are filled in once the notes are read.
 * cmark-gfm numbers the marks (their literal) in the order of first use
 * and moves the notes to the end in that order.
 */
static void
doc_note_mark(struct doc_walk *w, cmark_node *node)
{
	const char *number = cmark_node_get_literal(node);
	size_t n = number != NULL ? strtoul(number, NULL, 10) : 0;
	struct doc_link *dl;

	if (n == 0 || n > DOC_MAX_NOTES)
		return;

	doc_add_text(&w->text, "[^", 2);
	buf_add_uint(&w->text, n);
	buf_addc(&w->text, ']');
	dl = doc_push_link(w->doc);
	dl->is_note = true;
	dl->start = dl->end = w->text.len;
	/* The number, until doc_finish_notes() puts the note's text. */
	dl->label_off = n;
	dl->line = doc_line(w, node);
}

/* The sink for HTML inside a heading, paragraph or cell. */
static void
doc_html_text(void *ctx, const char *s, size_t len)
{
	struct doc_walk *w = ctx;

	doc_add_text(&w->text, s, len);
}

static void
doc_html_link_open(void *ctx, const char *href)
{
	struct doc_walk *w = ctx;

	doc_link_open(w, href, false, true, w->html_line);
}

static void
doc_html_link_close(void *ctx)
{
	struct doc_walk *w = ctx;

	/* A stray </a> closes nothing that Markdown opened. */
	if (w->link_depth > 0 && w->link_depth <= DOC_MAX_LINK_NESTING &&
	    w->links[w->link_depth - 1].html)
		doc_link_close(w);
}

static void
doc_html_image(void *ctx, const char *src, const char *alt)
{
	struct doc_walk *w = ctx;

	doc_link_open(w, src, true, true, w->html_line);
	doc_add_text(&w->text, alt, strlen(alt));
	doc_link_close(w);
}

static void
doc_html_inline_break(void *ctx, bool block)
{
	(void)block;
	doc_line_break(ctx);
}

static const struct html_sink doc_inline_html = {
	doc_html_text, doc_html_link_open, doc_html_link_close,
	doc_html_image, doc_html_inline_break,
};

/*
 * Adds a text node's literal.  cmark-gfm checks the input's UTF-8, but the
 * text it makes of a "[^label" that is no footnote mark, when the label
 * runs over a line end, is cut short by bytes, through a character
 * (github/cmark-gfm#282): what is not UTF-8 becomes U+FFFD.
 */
static void
doc_add_literal(struct doc_walk *w, const char *lit, size_t len)
{
	struct buf fixed = BUF_INIT;
	size_t n;

	if (utf8_is_valid(lit, len)) {
		doc_add_text(&w->text, lit, len);
		return;
	}
	for (size_t i = 0; i < len; i += n)
		if ((n = utf8_decode(lit + i, len - i, NULL)) > 0)
			buf_add(&fixed, lit + i, n);
		else {
			buf_adds(&fixed, "\xef\xbf\xbd");
			n = 1;
		}
	doc_add_text(&w->text, fixed.data, fixed.len);
	buf_release(&fixed);
}

/*
 * Adds one inline event of the leaf being read to w->text and the
 * document's links.
 */
static void
doc_inline(struct doc_walk *w, cmark_node *node, cmark_event_type ev)
{
	const char *lit;

	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
		lit = cmark_node_get_literal(node);
		if (lit != NULL)
			doc_add_literal(w, lit, strlen(lit));
		break;
	case CMARK_NODE_SOFTBREAK:
		doc_add_text(&w->text, " ", 1);
		w->breaks++;
		break;
	case CMARK_NODE_LINEBREAK:
		doc_line_break(w);
		w->breaks++;
		break;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		if (ev == CMARK_EVENT_ENTER)
			doc_link_open(w, cmark_node_get_url(node),
			    cmark_node_get_type(node) == CMARK_NODE_IMAGE,
			    false, doc_line(w, node));
		else
			doc_link_close(w);
		break;
	case CMARK_NODE_HTML_INLINE:
		lit = cmark_node_get_literal(node);
		w->html_line = w->leaf_line + w->breaks;
		if (lit != NULL)
			html_scan_tag(lit, strlen(lit), &doc_inline_html, w);
		break;
	case CMARK_NODE_FOOTNOTE_REFERENCE:
		if (ev == CMARK_EVENT_ENTER)
			doc_note_mark(w, node);
		break;
	default:
		/* Emphasis, strong, strikethrough: their text is read below
		 * them, and struck text keeps its words. */
		break;
	}
}

static bool
doc_text_is_blank(struct doc_walk *w)
{
	return strspn(buf_str(&w->text), " \n") == w->text.len;
}

/* The sink for an HTML block: block elements end paragraphs. */
static void
doc_html_flush(struct doc_walk *w)
{
	if (!doc_text_is_blank(w) || w->doc->nlinks > w->first_link)
		doc_take_text(w, doc_add_block(w, DOC_PARAGRAPH,
		    w->html_line));
	else
		buf_clear(&w->text);
}

static void
doc_html_block_break(void *ctx, bool block)
{
	struct doc_walk *w = ctx;

	if (block)
		doc_html_flush(w);
	else
		doc_line_break(w);
}

static const struct html_sink doc_block_html = {
	doc_html_text, doc_html_link_open, doc_html_link_close,
	doc_html_image, doc_html_block_break,
};

static void
doc_push_list(struct doc_walk *w, cmark_node *list)
{
	if (w->nlists == w->lists_cap) {
		w->lists_cap = w->lists_cap ? w->lists_cap * 2 : 8;
		w->numbers = xreallocarray(w->numbers, w->lists_cap,
		    sizeof(*w->numbers));
		w->items = xreallocarray(w->items, w->lists_cap,
		    sizeof(*w->items));
	}
	if (w->nlists == 0)
		w->top_lists++;
	w->items[w->nlists] = DOC_NONE;
	w->numbers[w->nlists++] =
	    cmark_node_get_list_type(list) == CMARK_ORDERED_LIST ?
	    cmark_node_get_list_start(list) : 0;
}

/* The number of a new item of the innermost list (0: a bullet). */
static int
doc_next_number(struct doc_walk *w)
{
	int *n;

	if (w->nlists == 0)
		return 0;
	n = &w->numbers[w->nlists - 1];
	return *n == 0 ? 0 : (*n)++;
}

/*
 * What names an item in the links of the items nested in it: its link's
 * text when it is a link entry, else its text, cut at a word.
 */
static size_t
doc_item_title(struct doc_walk *w, size_t item)
{
	const struct doc_block *p = &w->doc->blocks[item];
	const char *text = w->arena.data + p->text_off;
	size_t len = p->len, cut;

	if (p->nlinks > 0 && w->doc->links[p->first_link].start == 0 &&
	    !w->doc->links[p->first_link].is_image)
		len = w->doc->links[p->first_link].end;
	/* A task's box is not part of its title. */
	if (len >= 4 && (strncmp(text, "[ ] ", 4) == 0 ||
	    strncmp(text, "[x] ", 4) == 0)) {
		text += 4;
		len -= 4;
	}
	cut = utf8_prefix_for_columns(text, len, DOC_CONTEXT_COLUMNS);
	if (cut < len) {
		while (cut > 0 && text[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = utf8_prefix_for_columns(text, len,
			    DOC_CONTEXT_COLUMNS);
	}
	while (cut > 0 && (text[cut - 1] == ' ' || text[cut - 1] == '\n'))
		cut--;
	/* text lives in the arena, which interning may move. */
	buf_clear(&w->scratch);
	buf_add(&w->scratch, text, cut);
	return doc_intern_collapsed(w, buf_str(&w->scratch), cut);
}

/* A block inside a nested item tells which item it belongs to. */
static void
doc_set_context(struct doc_walk *w, struct doc_block *b)
{
	size_t parent;

	if (w->nlists < 2 || (parent = w->items[w->nlists - 2]) == DOC_NONE)
		return;
	b->context_off = doc_item_title(w, parent);
}

/* A new list item's block. */
static struct doc_block *
doc_add_item(struct doc_walk *w, cmark_node *item, int line)
{
	struct doc_block *b = doc_add_block(w, DOC_ITEM, line);
	size_t index = (size_t)(b - w->doc->blocks);

	b->number = doc_next_number(w);
	doc_set_context(w, b);
	if (w->nlists > 0)
		w->items[w->nlists - 1] = index;
	/* A task item says whether it is done, as GitHub's box does. */
	if (strcmp(cmark_node_get_type_string(item), "tasklist") == 0) {
		struct buf mark = BUF_INIT;

		buf_adds(&mark, cmark_gfm_extensions_get_tasklist_item_checked(
		    item) ? "[x] " : "[ ] ");
		buf_add(&mark, buf_str(&w->text), w->text.len);
		for (size_t i = w->first_link; i < w->doc->nlinks; i++) {
			w->doc->links[i].start += 4;
			w->doc->links[i].end += 4;
		}
		buf_clear(&w->text);
		buf_add(&w->text, mark.data, mark.len);
		buf_release(&mark);
	}
	return b;
}

/* Starts reading the inlines of a heading, paragraph or cell. */
static void
doc_open_leaf(struct doc_walk *w, cmark_node *node, bool flat, bool heading)
{
	w->leaf = node;
	w->flat = flat;
	w->heading = heading;
	w->leaf_line = doc_line(w, node);
	w->breaks = 0;
	w->link_depth = 0;
	buf_clear(&w->alt);
	if (w->note_mark > 0 && !heading) {
		doc_add_text(&w->text, "[^", 2);
		buf_add_uint(&w->text, w->note_mark);
		buf_add(&w->text, "] ", 2);
	}
}

static void
doc_close_cell(struct doc_walk *w)
{
	struct doc_cell *c;

	if (w->cell_dropped) {
		buf_clear(&w->text);
		w->doc->nlinks = w->first_link;
		return;
	}
	c = doc_push_cell(w->doc);
	c->text_off = doc_take_trimmed(w, &c->len);
	c->first_link = w->first_link;
	c->nlinks = w->doc->nlinks - w->first_link;
	w->first_link = w->doc->nlinks;
	w->row_cells++;
}

/* Ends the heading, paragraph or cell being read. */
static void
doc_close_leaf(struct doc_walk *w, cmark_node *node)
{
	cmark_node *parent = cmark_node_parent(node);
	struct doc_block *b;
	size_t index;

	while (w->link_depth > 0)
		doc_link_close(w);
	w->leaf = NULL;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_HEADING:
		b = doc_add_block(w, DOC_HEADING, w->leaf_line);
		b->level = cmark_node_get_heading_level(node);
		doc_take_text(w, b);
		return;
	case CMARK_NODE_PARAGRAPH:
		if (cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
		    cmark_node_previous(node) == NULL)
			b = doc_add_item(w, parent, w->leaf_line);
		else if (doc_text_is_blank(w) &&
		    w->doc->nlinks == w->first_link) {
			/* Only tags a reader never sees (<a name>). */
			buf_clear(&w->text);
			w->note_mark = 0;
			return;
		} else {
			b = doc_add_block(w, DOC_PARAGRAPH, w->leaf_line);
			doc_set_context(w, b);
		}
		index = (size_t)(b - w->doc->blocks);
		doc_take_text(w, b);
		if (w->note_mark > 0) {
			if (w->note_blocks[w->note_mark - 1] == DOC_NONE)
				w->note_blocks[w->note_mark - 1] = index;
			w->note_mark = 0;
		}
		return;
	default:
		doc_close_cell(w);
		return;
	}
}

static void
doc_code_block(struct doc_walk *w, cmark_node *node)
{
	struct doc_block *b = doc_add_block(w, DOC_CODE,
	    doc_line(w, node));
	const char *lit = cmark_node_get_literal(node);

	b->len = lit ? strlen(lit) : 0;
	b->text_off = doc_intern(w, lit ? lit : "", b->len);
	lit = cmark_node_get_fence_info(node);
	b->info_off = doc_intern_collapsed(w, lit ? lit : "",
	    lit ? strlen(lit) : 0);
}

static void
doc_html_block(struct doc_walk *w, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);

	w->html_line = doc_line(w, node);
	w->leaf_line = w->html_line;
	w->breaks = 0;
	w->flat = false;
	w->heading = false;
	w->link_depth = 0;
	buf_clear(&w->text);
	if (lit != NULL)
		html_scan_block(lit, strlen(lit), &doc_block_html, w);
	while (w->link_depth > 0)
		doc_link_close(w);
	doc_html_flush(w);
}

static void
doc_open_table(struct doc_walk *w, cmark_node *node)
{
	uint16_t ncols = cmark_gfm_extensions_get_table_columns(node);
	const uint8_t *aligns = cmark_gfm_extensions_get_table_alignments(node);
	struct buf a = BUF_INIT;

	w->table_cell = w->doc->ncells;
	w->table_link = w->first_link = w->doc->nlinks;
	w->ncols = ncols;
	w->nrows = 0;
	w->table_line = doc_line(w, node);
	for (uint16_t i = 0; i < ncols; i++)
		buf_addc(&a, aligns != NULL && (aligns[i] == 'l' ||
		    aligns[i] == 'c' || aligns[i] == 'r') ?
		    (char)aligns[i] : 'n');
	w->align_off = doc_intern(w, buf_str(&a), a.len);
	buf_release(&a);
}

/* A row ends with as many cells as the header has: short rows are
 * filled with empty cells. */
static void
doc_close_row(struct doc_walk *w)
{
	for (; w->row_cells < w->ncols; w->row_cells++)
		doc_push_cell(w->doc)->first_link = w->doc->nlinks;
	w->nrows++;
}

static void
doc_close_table(struct doc_walk *w)
{
	struct doc_block *b = doc_add_block(w, DOC_TABLE, w->table_line);

	b->first_cell = w->table_cell;
	b->ncols = w->ncols;
	b->nrows = w->nrows;
	b->info_off = w->align_off;
	b->first_link = w->table_link;
	b->nlinks = w->doc->nlinks - w->table_link;
	w->first_link = w->doc->nlinks;
	if (w->ncols == 0 || w->nrows == 0)
		w->doc->nblocks--;
}

/* Tables come from an extension: their nodes are told apart by name. */
static void
doc_extension_block(struct doc_walk *w, cmark_node *node,
    cmark_event_type ev)
{
	const char *type = cmark_node_get_type_string(node);
	bool enter = ev == CMARK_EVENT_ENTER;

	if (strcmp(type, "table") == 0) {
		if (enter)
			doc_open_table(w, node);
		else
			doc_close_table(w);
	} else if (strcmp(type, "table_header") == 0 ||
	    strcmp(type, "table_row") == 0) {
		if (enter)
			w->row_cells = 0;
		else
			doc_close_row(w);
	} else if (strcmp(type, "table_cell") == 0 && enter) {
		w->cell_dropped = w->row_cells >= w->ncols;
		doc_open_leaf(w, node, true, false);
	}
}

/* Footnotes are listed at the end, under a heading of their own. */
static void
doc_note_definition(struct doc_walk *w, cmark_node *node)
{
	struct doc_block *b;

	if (!w->doc->has_notes) {
		b = doc_add_block(w, DOC_HEADING,
		    doc_line(w, node));
		b->level = 2;
		buf_adds(&w->text, "Footnotes");
		doc_take_text(w, b);
		w->doc->has_notes = true;
		w->doc->notes = w->doc->nblocks - 1;
	}
	w->note_mark = ++w->ndefs;
	doc_note_slot(w, w->note_mark);
}

static void
doc_walk_tree(struct doc_walk *w, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	cmark_node *node;
	bool enter;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		enter = ev == CMARK_EVENT_ENTER;
		if (w->leaf != NULL && node != w->leaf) {
			doc_inline(w, node, ev);
			continue;
		}
		if (node == w->leaf) {
			doc_close_leaf(w, node);
			continue;
		}
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_DOCUMENT:
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			w->quote_depth += enter ? 1 : -1;
			break;
		case CMARK_NODE_LIST:
			if (enter)
				doc_push_list(w, node);
			else
				w->nlists--;
			break;
		case CMARK_NODE_ITEM:
			/* An item that opens with no paragraph still shows. */
			if (enter && (cmark_node_first_child(node) == NULL ||
			    cmark_node_get_type(cmark_node_first_child(
			    node)) != CMARK_NODE_PARAGRAPH))
				doc_take_text(w, doc_add_item(w, node,
				    doc_line(w, node)));
			break;
		case CMARK_NODE_HEADING:
		case CMARK_NODE_PARAGRAPH:
			if (enter)
				doc_open_leaf(w, node, cmark_node_get_type(
				    node) == CMARK_NODE_HEADING,
				    cmark_node_get_type(node) ==
				    CMARK_NODE_HEADING);
			break;
		case CMARK_NODE_CODE_BLOCK:
			doc_code_block(w, node);
			break;
		case CMARK_NODE_HTML_BLOCK:
			doc_html_block(w, node);
			break;
		case CMARK_NODE_THEMATIC_BREAK:
			doc_add_block(w, DOC_RULE,
			    doc_line(w, node));
			break;
		case CMARK_NODE_FOOTNOTE_DEFINITION:
			if (enter)
				doc_note_definition(w, node);
			else
				w->note_mark = 0;
			break;
		default:
			doc_extension_block(w, node, ev);
			break;
		}
	}
	cmark_iter_free(it);
}

/*
 * A footnote mark's link is labelled with its note's text; a mark whose
 * note is missing links nowhere.
 */
static void
doc_finish_notes(struct doc_walk *w)
{
	struct doc *doc = w->doc;

	for (size_t i = 0; i < doc->nlinks; i++) {
		struct doc_link *l = &doc->links[i];
		size_t n = l->label_off, block;

		if (!l->is_note)
			continue;
		block = n >= 1 && n <= w->nnotes ? w->note_blocks[n - 1] :
		    DOC_NONE;
		l->label_off = block != DOC_NONE ?
		    doc->blocks[block].text_off : 0;
		if (block == DOC_NONE)
			l->is_note = false;	/* url "": shown nowhere */
	}
}

static pthread_once_t doc_once = PTHREAD_ONCE_INIT;
/*
 * Parses take turns.  cmark-gfm 0.29 keeps the inline parser's special
 * characters in one table for the whole process: a parse adds its
 * extensions' characters (':' and 'w' for autolinks, '~', '|') when it
 * reads inlines and takes them out when done, table rows included, so a
 * parse that ends takes them from under one still running.  That one then
 * misses bare URLs, strikethrough and table cells: 50 pages of 600 lost
 * links so when two threads parsed side by side.
 */
static pthread_mutex_t doc_parse_lock = PTHREAD_MUTEX_INITIALIZER;

static void
doc_register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* The extensions GitHub renders lists with; footnotes are an option. */
static const char *const doc_extensions[] = {
	"autolink", "table", "strikethrough", "tasklist",
};

/*
 * Parses with cmark-gfm's own allocator.  A bump arena that freed nothing
 * (kept for libcmark, where it halved a parse) made cmark-gfm's parse
 * walk fresh memory: bench-render measured 1.44x-1.61x cmark-gfm's HTML
 * with it, 1.13x-1.23x without.
 */
static cmark_node *
doc_cmark_parse(const char *markdown, size_t len)
{
	cmark_parser *parser;
	cmark_syntax_extension *ext;
	cmark_node *root;

	pthread_once(&doc_once, doc_register_extensions);
	parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8 |
	    CMARK_OPT_FOOTNOTES);
	if (parser == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(doc_extensions) /
	    sizeof(doc_extensions[0]); i++)
		if ((ext = cmark_find_syntax_extension(doc_extensions[i])) !=
		    NULL)
			cmark_parser_attach_syntax_extension(parser, ext);
	/* See doc_parse_lock. */
	pthread_mutex_lock(&doc_parse_lock);
	cmark_parser_feed(parser, markdown, len);
	root = cmark_parser_finish(parser);
	pthread_mutex_unlock(&doc_parse_lock);
	cmark_parser_free(parser);
	return root;
}

/* A part's tree, and the lines of the Markdown before it. */
struct doc_part {
	cmark_node	*root;		/* NULL if cmark-gfm ran out of memory */
	int		 line_base;
};

/*
 * The parts of one page: a thread parses them in order while the caller
 * walks them in order.  At most DOC_PARTS_AHEAD parts are parsed and not
 * yet walked.  Everything below lock is guarded by it.
 */
struct doc_parts {
	const char	*markdown;
	size_t		 len;
	size_t		 part_bytes;
	pthread_mutex_t	 lock;
	pthread_cond_t	 changed;
	struct mdsplit	 split;
	size_t		 from;		/* where the next part starts */
	size_t		 next_cut;	/* and where it ends */
	int		 lines;		/* the lines before from */
	size_t		 nclaimed;	/* parts claimed so far */
	size_t		 nwalked;	/* parts walked so far */
	size_t		 nparts;	/* SIZE_MAX until the last is claimed */
	struct doc_part	 ready[DOC_PARTS_AHEAD];
	bool		 filled[DOC_PARTS_AHEAD];
};

static int
doc_count_lines(const char *s, size_t len)
{
	int n = 0;

	for (const char *end = s + len;
	    (s = memchr(s, '\n', (size_t)(end - s))) != NULL; s++)
		n++;
	return n;
}

/*
 * With the lock held: claims the next part, [*start, *end) of the
 * Markdown, and returns its number; SIZE_MAX once all are claimed.
 */
static size_t
doc_parts_claim(struct doc_parts *p, size_t *start, size_t *end,
    int *line_base)
{
	if (p->from == p->len)
		return SIZE_MAX;
	*start = p->from;
	*end = p->next_cut;
	*line_base = p->lines;
	p->lines += doc_count_lines(p->markdown + *start, *end - *start);
	p->from = *end;
	if (*end < p->len)
		p->next_cut = mdsplit_next(&p->split, p->part_bytes);
	else
		p->nparts = p->nclaimed + 1;
	return p->nclaimed++;
}

/* With the lock held: parses the next part into its slot, the lock let
 * go meanwhile; false once all are claimed. */
static bool
doc_parts_parse_next(struct doc_parts *p)
{
	struct doc_part part;
	size_t start, end, seq;

	seq = doc_parts_claim(p, &start, &end, &part.line_base);
	if (seq == SIZE_MAX)
		return false;
	pthread_mutex_unlock(&p->lock);
	part.root = doc_cmark_parse(p->markdown + start, end - start);
	pthread_mutex_lock(&p->lock);
	p->ready[seq % DOC_PARTS_AHEAD] = part;
	p->filled[seq % DOC_PARTS_AHEAD] = true;
	pthread_cond_broadcast(&p->changed);
	return true;
}

/* A parsing thread's body. */
static void *
doc_parts_parse(void *arg)
{
	struct doc_parts *p = arg;

	pthread_mutex_lock(&p->lock);
	do {
		while (p->from < p->len &&
		    p->nclaimed - p->nwalked >= DOC_PARTS_AHEAD)
			pthread_cond_wait(&p->changed, &p->lock);
	} while (doc_parts_parse_next(p));
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void
doc_walk_part(struct doc_walk *w, const struct doc_part *part)
{
	if (part->root == NULL)
		return;
	w->line_base = part->line_base;
	doc_walk_tree(w, part->root);
	cmark_node_free(part->root);
}

/*
 * Walks the parts of a page, the first one ending at first_cut, each
 * tree freed once walked.  With no thread to parse them (none could be
 * made), each part is parsed here in turn.
 */
static void
doc_walk_parts(struct doc_walk *w, const char *markdown, size_t len,
    size_t part_bytes, const struct mdsplit *split, size_t first_cut)
{
	struct doc_parts p = {
		.markdown = markdown, .len = len, .part_bytes = part_bytes,
		.split = *split, .next_cut = first_cut, .nparts = SIZE_MAX,
	};
	struct doc_part part;
	pthread_t parser;
	bool threaded;
	size_t slot;

	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	threaded = pthread_create(&parser, NULL, doc_parts_parse, &p) == 0;
	pthread_mutex_lock(&p.lock);
	while (p.nwalked < p.nparts) {
		slot = p.nwalked % DOC_PARTS_AHEAD;
		if (!threaded && !p.filled[slot])
			(void)doc_parts_parse_next(&p);
		while (!p.filled[slot])
			pthread_cond_wait(&p.changed, &p.lock);
		part = p.ready[slot];
		p.filled[slot] = false;
		pthread_mutex_unlock(&p.lock);
		doc_walk_part(w, &part);
		pthread_mutex_lock(&p.lock);
		p.nwalked++;
		pthread_cond_broadcast(&p.changed);
	}
	pthread_mutex_unlock(&p.lock);
	if (threaded)
		pthread_join(parser, NULL);
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
}

struct doc *
doc_parse_in_parts(const char *markdown, size_t len, size_t part_bytes)
{
	struct doc_walk w;
	struct mdsplit split;
	size_t first_cut = len;
	struct doc_part whole = { .root = NULL, .line_base = 0 };

	memset(&w, 0, sizeof(w));
	w.doc = xcalloc(1, sizeof(*w.doc));
	/* Offset 0 is the empty string every block starts with. */
	buf_reserve(&w.arena, len + len / 4);
	doc_intern(&w, "", 0);
	buf_reserve(&w.text, 0);
	if (len / 2 >= part_bytes) {
		mdsplit_init(&split, markdown, len);
		first_cut = mdsplit_next(&split, part_bytes);
	}
	if (first_cut < len) {
		doc_walk_parts(&w, markdown, len, part_bytes, &split,
		    first_cut);
	} else {
		whole.root = doc_cmark_parse(markdown, len);
		doc_walk_part(&w, &whole);
	}
	doc_finish_notes(&w);
	buf_release(&w.text);
	buf_release(&w.alt);
	buf_release(&w.scratch);
	free(w.numbers);
	free(w.items);
	free(w.note_blocks);
	w.doc->arena = buf_detach(&w.arena, NULL);
	doc_fix_pointers(w.doc);
	return w.doc;
}

struct doc *
doc_parse(const char *markdown, size_t len)
{
	return doc_parse_in_parts(markdown, len, DOC_PART_BYTES);
}
