/* doc: walks cmark's tree once and keeps only the blocks, text and links. */
#include "doc.h"

#include <cmark.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Links nest only through images in link text: this is plenty. */
#define DOC_MAX_LINK_NESTING	64

struct doc_walk {
	struct doc	*doc;
	cmark_node	*leaf;		/* the heading or paragraph being read */
	bool		 flat;		/* hard breaks are spaces in it */
	size_t		 link_starts[DOC_MAX_LINK_NESTING];
	size_t		 link_depth;
	struct buf	 arena;		/* every string, NUL-terminated */
	int		*numbers;	/* per open list: the next item number */
	size_t		 nlists;
	size_t		 lists_cap;
	int		 top_lists;	/* top-level lists seen so far */
	int		 quote_depth;
	struct buf	 text;		/* the inline text being collected */
	size_t		 first_link;	/* the block's first link in doc */
};

/*
 * cmark allocates every node and, through cmark_node_get_literal(), a copy
 * of every text it hands out.  A parse is short-lived and all of it is
 * thrown away at once, so its memory comes from a bump arena: freeing is a
 * no-op and the whole tree goes with the arena, which more than halves the
 * cost of a parse.  cmark_mem has no context pointer, hence the
 * thread-local arena, set only for the length of doc_parse().
 */
struct doc_arena_chunk {
	struct doc_arena_chunk	*next;
	size_t			 size;
	size_t			 used;
	max_align_t		 data[];
};

/* Every allocation starts with its size, so that realloc can copy it. */
#define DOC_ARENA_HEADER	sizeof(max_align_t)
#define DOC_ARENA_FIRST		(64 * 1024)
#define DOC_ARENA_LARGEST	(8 * 1024 * 1024)

static _Thread_local struct doc_arena_chunk *doc_arena;
static _Thread_local struct doc_arena_chunk *doc_arena_spare;
static _Thread_local void *doc_arena_last;	/* the newest allocation */

static size_t
doc_arena_round(size_t size)
{
	size_t align = sizeof(max_align_t);

	if (size > SIZE_MAX / 2)
		abort();
	return (size + DOC_ARENA_HEADER + align - 1) / align * align;
}

/* Makes a chunk of at least need bytes the current one. */
static void
doc_arena_grow(size_t need)
{
	struct doc_arena_chunk *c = doc_arena_spare;
	size_t size;

	if (c != NULL && c->size >= need)
		doc_arena_spare = c->next;
	else {
		size = doc_arena == NULL ? DOC_ARENA_FIRST : doc_arena->size * 2;
		if (size > DOC_ARENA_LARGEST)
			size = DOC_ARENA_LARGEST;
		if (size < need)
			size = need;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
	}
	c->used = 0;
	c->next = doc_arena;
	doc_arena = c;
}

/* Returns zeroed memory, as cmark's calloc must. */
static void *
doc_arena_alloc(size_t size)
{
	size_t need = doc_arena_round(size);
	struct doc_arena_chunk *c = doc_arena;
	char *p;

	if (c == NULL || c->size - c->used < need) {
		doc_arena_grow(need);
		c = doc_arena;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memcpy(p, &size, sizeof(size));
	memset(p + DOC_ARENA_HEADER, 0, need - DOC_ARENA_HEADER);
	doc_arena_last = p + DOC_ARENA_HEADER;
	return doc_arena_last;
}

static void *
doc_arena_calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		abort();
	return doc_arena_alloc(n * size);
}

static void *
doc_arena_realloc(void *p, size_t size)
{
	struct doc_arena_chunk *c = doc_arena;
	size_t old, grow;
	char *start;

	if (p == NULL)
		return doc_arena_alloc(size);
	start = (char *)p - DOC_ARENA_HEADER;
	memcpy(&old, start, sizeof(old));
	if (size <= old)
		return p;
	/* The newest allocation grows in place when its chunk has room. */
	grow = doc_arena_round(size) - doc_arena_round(old);
	if (p == doc_arena_last && c->size - c->used >= grow) {
		memset((char *)c->data + c->used, 0, grow);
		c->used += grow;
		memcpy(start, &size, sizeof(size));
		return p;
	}
	start = doc_arena_alloc(size);
	memcpy(start, p, old);
	return start;
}

static void
doc_arena_free(void *p)
{
	(void)p;
}

/* Keeps the chunks for the next parse of this thread: documents are
 * parsed in batches, and fresh memory costs a page fault per page. */
static void
doc_arena_release(void)
{
	struct doc_arena_chunk *c, *next;

	for (c = doc_arena; c != NULL; c = next) {
		next = c->next;
		c->next = doc_arena_spare;
		doc_arena_spare = c;
	}
	doc_arena = NULL;
	doc_arena_last = NULL;
}

void
doc_trim(void)
{
	struct doc_arena_chunk *c, *next;

	for (c = doc_arena_spare; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	doc_arena_spare = NULL;
}

/* Parses with the arena; the tree lives until doc_arena_release(). */
static cmark_node *
doc_arena_parse(const char *markdown, size_t len)
{
	static cmark_mem mem = {
		doc_arena_calloc, doc_arena_realloc, doc_arena_free
	};
	cmark_parser *parser;
	cmark_node *root;

	parser = cmark_parser_new_with_mem(CMARK_OPT_VALIDATE_UTF8, &mem);
	if (parser == NULL)
		return NULL;
	cmark_parser_feed(parser, markdown, len);
	root = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return root;
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

struct doc_block *
doc_push_block(struct doc *doc, enum doc_kind kind)
{
	struct doc_block *b;

	if (doc->nblocks == doc->cap) {
		doc->cap = doc->cap ? doc->cap * 2 : 32;
		doc->blocks = xreallocarray(doc->blocks, doc->cap,
		    sizeof(*doc->blocks));
	}
	b = &doc->blocks[doc->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->first_link = doc->nlinks;
	return b;
}

struct doc_link *
doc_push_link(struct doc *doc)
{
	struct doc_link *l;

	if (doc->nlinks == doc->links_cap) {
		doc->links_cap = doc->links_cap ? doc->links_cap * 2 : 16;
		doc->links = xreallocarray(doc->links, doc->links_cap,
		    sizeof(*doc->links));
	}
	l = &doc->links[doc->nlinks++];
	memset(l, 0, sizeof(*l));
	return l;
}

static struct doc_block *
doc_add_block(struct doc_walk *w, enum doc_kind kind)
{
	struct doc_block *b = doc_push_block(w->doc, kind);

	b->list_depth = (int)w->nlists;
	b->list = w->nlists > 0 ? w->top_lists : 0;
	b->quote_depth = w->quote_depth;
	b->text_off = b->info_off = 0;	/* the arena opens with "" */
	return b;
}

/*
 * Moves the collected text into the block, trimmed, and gives it the links
 * collected since the last block, their offsets moved with the trim.
 */
static void
doc_take_text(struct doc_walk *w, struct doc_block *b)
{
	struct doc *doc = w->doc;
	const char *t = buf_str(&w->text);
	size_t start = 0, end = w->text.len;

	while (start < end && t[start] == ' ')
		start++;
	while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\n'))
		end--;
	b->text_off = doc_intern(w, t + start, end - start);
	b->len = end - start;
	b->first_link = w->first_link;
	b->nlinks = doc->nlinks - w->first_link;
	for (size_t i = w->first_link; i < doc->nlinks; i++) {
		struct doc_link *l = &doc->links[i];

		l->start = l->start > start ? l->start - start : 0;
		l->end = l->end > start ? l->end - start : 0;
		if (l->start > b->len)
			l->start = b->len;
		if (l->end > b->len)
			l->end = b->len;
	}
	w->first_link = doc->nlinks;
	buf_clear(&w->text);
}

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
		for (run = 0; i + run < len && s[i + run] != ' ' &&
		    s[i + run] != '\t' && s[i + run] != '\r' &&
		    s[i + run] != '\n'; run++)
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

static void
doc_add_link(struct doc_walk *w, cmark_node *node, size_t start)
{
	struct doc *doc = w->doc;
	const char *url = cmark_node_get_url(node);
	struct doc_link *l;

	/* An empty destination names nothing to link to. */
	if (url == NULL || *url == '\0')
		return;
	l = doc_push_link(doc);
	l->url_off = doc_intern(w, url, strlen(url));
	l->label_off = doc_intern_collapsed(w, buf_str(&w->text) + start,
	    w->text.len - start);
	l->start = start;
	l->end = w->text.len;
	l->is_image = cmark_node_get_type(node) == CMARK_NODE_IMAGE;
}

/*
 * Adds one inline event of the leaf block being read to w->text and the
 * document's links.  Hard breaks become '\n' unless w->flat is set
 * (headings are one line).
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
			doc_add_text(&w->text, lit, strlen(lit));
		break;
	case CMARK_NODE_SOFTBREAK:
		doc_add_text(&w->text, " ", 1);
		break;
	case CMARK_NODE_LINEBREAK:
		if (w->flat) {
			doc_add_text(&w->text, " ", 1);
			break;
		}
		while (w->text.len > 0 && w->text.data[w->text.len - 1] == ' ')
			w->text.len--;
		buf_addc(&w->text, '\n');
		break;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		/* Links nest only through images in link text. */
		if (ev == CMARK_EVENT_ENTER) {
			if (w->link_depth < DOC_MAX_LINK_NESTING)
				w->link_starts[w->link_depth] = w->text.len;
			w->link_depth++;
		} else {
			w->link_depth--;
			doc_add_link(w, node,
			    w->link_depth < DOC_MAX_LINK_NESTING ?
			    w->link_starts[w->link_depth] : w->text.len);
		}
		break;
	default:
		/* Emphasis, strong: their text is read below them.  Inline
		 * HTML: the tags are dropped. */
		break;
	}
}

/* Keeps the text of an HTML block, without its tags and comments. */
static void
doc_strip_html(struct doc_walk *w, const char *html)
{
	bool in_tag = false;

	for (const char *p = html; *p != '\0'; p++) {
		if (!in_tag && strncmp(p, "<!--", 4) == 0) {
			const char *end = strstr(p + 4, "-->");

			if (end == NULL)
				break;
			p = end + 2;
		} else if (*p == '<')
			in_tag = true;
		else if (*p == '>' && in_tag)
			in_tag = false;
		else if (!in_tag)
			doc_add_text(&w->text, p, 1);
	}
}

static void
doc_push_list(struct doc_walk *w, cmark_node *list)
{
	if (w->nlists == w->lists_cap) {
		w->lists_cap = w->lists_cap ? w->lists_cap * 2 : 8;
		w->numbers = xreallocarray(w->numbers, w->lists_cap,
		    sizeof(*w->numbers));
	}
	if (w->nlists == 0)
		w->top_lists++;
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

static void
doc_leaf(struct doc_walk *w, cmark_node *node)
{
	cmark_node *parent = cmark_node_parent(node);
	struct doc_block *b;
	const char *lit;

	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_HEADING:
		b = doc_add_block(w, DOC_HEADING);
		b->level = cmark_node_get_heading_level(node);
		doc_take_text(w, b);
		break;
	case CMARK_NODE_PARAGRAPH:
		if (cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
		    cmark_node_previous(node) == NULL) {
			b = doc_add_block(w, DOC_ITEM);
			b->number = doc_next_number(w);
		} else
			b = doc_add_block(w, DOC_PARAGRAPH);
		doc_take_text(w, b);
		break;
	case CMARK_NODE_CODE_BLOCK:
		b = doc_add_block(w, DOC_CODE);
		lit = cmark_node_get_literal(node);
		b->len = lit ? strlen(lit) : 0;
		b->text_off = doc_intern(w, lit ? lit : "", b->len);
		lit = cmark_node_get_fence_info(node);
		b->info_off = doc_intern_collapsed(w, lit ? lit : "",
		    lit ? strlen(lit) : 0);
		break;
	case CMARK_NODE_HTML_BLOCK:
		lit = cmark_node_get_literal(node);
		doc_strip_html(w, lit ? lit : "");
		if (strspn(buf_str(&w->text), " \n") < w->text.len)
			doc_take_text(w, doc_add_block(w, DOC_PARAGRAPH));
		buf_clear(&w->text);
		break;
	case CMARK_NODE_THEMATIC_BREAK:
		doc_add_block(w, DOC_RULE);
		break;
	default:
		break;
	}
}

static void
doc_walk_tree(struct doc_walk *w, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	cmark_node *node, *child;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_BLOCK_QUOTE:
			w->quote_depth += ev == CMARK_EVENT_ENTER ? 1 : -1;
			break;
		case CMARK_NODE_LIST:
			if (ev == CMARK_EVENT_ENTER)
				doc_push_list(w, node);
			else
				w->nlists--;
			break;
		case CMARK_NODE_ITEM:
			/* An item that opens with no paragraph still shows. */
			child = cmark_node_first_child(node);
			if (ev == CMARK_EVENT_ENTER && (child == NULL ||
			    cmark_node_get_type(child) !=
			    CMARK_NODE_PARAGRAPH)) {
				struct doc_block *b =
				    doc_add_block(w, DOC_ITEM);

				b->number = doc_next_number(w);
				doc_take_text(w, b);
			}
			break;
		case CMARK_NODE_HEADING:
		case CMARK_NODE_PARAGRAPH:
			/* Its inlines come between its enter and exit. */
			if (ev == CMARK_EVENT_ENTER) {
				w->leaf = node;
				w->flat = cmark_node_get_type(node) ==
				    CMARK_NODE_HEADING;
				w->link_depth = 0;
			} else {
				doc_leaf(w, node);
				w->leaf = NULL;
			}
			break;
		default:
			if (w->leaf != NULL)
				doc_inline(w, node, ev);
			else if (ev == CMARK_EVENT_ENTER)
				doc_leaf(w, node);
			break;
		}
	}
	cmark_iter_free(it);
}

void
doc_fix_pointers(struct doc *doc)
{
	for (size_t i = 0; i < doc->nlinks; i++) {
		doc->links[i].url = doc->arena + doc->links[i].url_off;
		doc->links[i].label = doc->arena + doc->links[i].label_off;
	}
	for (size_t i = 0; i < doc->nblocks; i++) {
		struct doc_block *b = &doc->blocks[i];

		b->text = doc->arena + b->text_off;
		b->info = doc->arena + b->info_off;
		b->links = b->nlinks > 0 ? doc->links + b->first_link : NULL;
	}
}

struct doc *
doc_parse(const char *markdown, size_t len)
{
	struct doc_walk w;
	cmark_node *root;

	memset(&w, 0, sizeof(w));
	w.doc = xcalloc(1, sizeof(*w.doc));
	/* Offset 0 is the empty string every block starts with. */
	buf_reserve(&w.arena, len + len / 4);
	doc_intern(&w, "", 0);
	buf_reserve(&w.text, 0);
	root = doc_arena_parse(markdown, len);
	if (root != NULL)
		doc_walk_tree(&w, root);
	/* The tree goes with the arena: no cmark_node_free(). */
	doc_arena_release();
	buf_release(&w.text);
	free(w.numbers);
	w.doc->arena = buf_detach(&w.arena, NULL);
	doc_fix_pointers(w.doc);
	return w.doc;
}

void
doc_free(struct doc *doc)
{
	if (doc == NULL)
		return;
	free(doc->blocks);
	free(doc->links);
	free(doc->arena);
	free(doc);
}

bool
doc_is_link_entry(const struct doc_block *b)
{
	return (b->kind == DOC_PARAGRAPH || b->kind == DOC_ITEM) &&
	    b->nlinks == 1 && !b->links[0].is_image &&
	    b->links[0].start == 0 && memchr(b->text, '\n', b->len) == NULL;
}

bool
doc_is_only_links(const struct doc_block *b)
{
	size_t pos = 0;

	for (size_t i = 0; i < b->nlinks; i++) {
		if (b->links[i].start < pos)
			continue;
		while (pos < b->links[i].start)
			if (b->text[pos++] != ' ')
				return false;
		pos = b->links[i].end;
	}
	while (pos < b->len)
		if (b->text[pos++] != ' ')
			return false;
	return b->nlinks > 0;
}
