/*
 * html: raw HTML read with gumbo, the HTML5 parser, so that attributes,
 * quoting, entities and broken markup are handled as a browser would, not
 * by pattern matching.  gumbo needs nothing but the C library, so reading
 * HTML costs the server gumbo's own pages and no more.
 */
#include "html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "buf.h"

struct html_scan {
	const struct html_sink	*sink;
	void			*ctx;
	bool			 one_tag;	/* ignore closing events */
	int			 open_links;	/* <a href> left open */
};

/* Elements whose edges end a paragraph's worth of text. */
static const char *const html_blocks[] = {
	"address", "article", "aside", "blockquote", "center", "dd",
	"details", "div", "dl", "dt", "figcaption", "figure", "footer",
	"h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
	"nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
};

static bool
html_is_one_of(const char *name, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(name, set[i]) == 0)
			return true;
	return false;
}

/* Whether name is in the array set. */
#define html_in(name, set) \
	html_is_one_of((name), (set), sizeof(set) / sizeof((set)[0]))

/* The element's name in lower case; "" for one gumbo does not know. */
static const char *
html_name(const GumboNode *node)
{
	return node->v.element.tag == GUMBO_TAG_UNKNOWN ? "" :
	    gumbo_normalized_tagname(node->v.element.tag);
}

static const char *
html_attr(const GumboNode *node, const char *name)
{
	const GumboAttribute *a =
	    gumbo_get_attribute(&node->v.element.attributes, name);

	return a != NULL ? a->value : NULL;
}

static void
html_start(struct html_scan *s, const GumboNode *node)
{
	const char *name = html_name(node), *href, *src, *alt;

	if (strcmp(name, "a") == 0) {
		if ((href = html_attr(node, "href")) != NULL && *href != '\0') {
			s->open_links++;
			s->sink->link_open(s->ctx, href);
		}
	} else if (strcmp(name, "img") == 0) {
		src = html_attr(node, "src");
		alt = html_attr(node, "alt");
		if (src != NULL && *src != '\0')
			s->sink->image(s->ctx, src, alt != NULL ? alt : "");
		else if (alt != NULL)
			s->sink->text(s->ctx, alt, strlen(alt));
	} else if (strcmp(name, "br") == 0)
		s->sink->brk(s->ctx, false);
	else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		s->sink->text(s->ctx, " ", 1);
	else if (html_in(name, html_blocks))
		s->sink->brk(s->ctx, true);
}

static void
html_end(struct html_scan *s, const GumboNode *node)
{
	const char *name = html_name(node);

	if (s->one_tag)
		return;
	if (strcmp(name, "a") == 0) {
		if (s->open_links > 0) {
			s->open_links--;
			s->sink->link_close(s->ctx);
		}
	} else if (html_in(name, html_blocks))
		s->sink->brk(s->ctx, true);
}

/*
 * Whether the walk opens node: an element, but not one whose content a
 * reader never sees (<script>, <style>, and <template>, which gumbo gives
 * a node type of its own).
 */
static bool
html_opens(const GumboNode *node)
{
	return node->type == GUMBO_NODE_ELEMENT &&
	    node->v.element.tag != GUMBO_TAG_SCRIPT &&
	    node->v.element.tag != GUMBO_TAG_STYLE;
}

static void
html_leaf(struct html_scan *s, const GumboNode *node)
{
	if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
	    node->type == GUMBO_NODE_WHITESPACE)
		s->sink->text(s->ctx, node->v.text.text,
		    strlen(node->v.text.text));
}

/*
 * Visits what root holds in document order without recursion, as a
 * hostile page may nest elements as deep as it is long: down to a first
 * child, else on to the next sibling, else up through the parents, each
 * closed on the way, to the next sibling of one of them.
 */
static void
html_walk(struct html_scan *s, const GumboNode *root)
{
	const GumboNode *node;

	if (root->v.element.children.length == 0)
		return;
	node = root->v.element.children.data[0];
	for (;;) {
		if (html_opens(node)) {
			html_start(s, node);
			if (node->v.element.children.length > 0) {
				node = node->v.element.children.data[0];
				continue;
			}
			html_end(s, node);
		} else
			html_leaf(s, node);
		for (;;) {
			const GumboNode *up = node->parent;
			size_t next = node->index_within_parent + 1;

			if (next < up->v.element.children.length) {
				node = up->v.element.children.data[next];
				break;
			}
			if (up == root)
				return;
			node = up;
			html_end(s, node);
		}
	}
}

/*
 * gumbo follows HTML5's tree building, where many a start tag looks down
 * the stack of open elements: its time grows with the nesting, and a
 * block of 200 000 nested <div> takes minutes.  So a block stops where
 * its elements would nest deeper than this (libxml2 stopped at the same
 * depth), or a tag holds more attributes than HTML_MAX_ATTRS; the rest
 * is dropped.
 */
#define HTML_MAX_DEPTH	256
/* And a tag's attributes are checked against each other: as many. */
#define HTML_MAX_ATTRS	256

/* Elements that never hold others, so never nest. */
static const char *const html_voids[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
	"meta", "param", "source", "track", "wbr",
};

/* Elements that an end tag out of turn leaves the others open around:
 * HTML5 opens the ones inside again after it. */
static const char *const html_formatting[] = {
	"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small",
	"strike", "strong", "tt", "u",
};

/* Elements whose content is text up to their end tag, never tags. */
static const char *const html_raws[] = {
	"script", "style", "textarea", "title", "xmp", "noembed", "noframes",
};

/* Where "</name" next stands in s (len bytes) from at, or len. */
static size_t
html_find_end_tag(const char *s, size_t len, size_t at, const char *name)
{
	size_t n = strlen(name);

	for (; at + 2 + n <= len; at++)
		if (s[at] == '<' && s[at + 1] == '/' &&
		    strncasecmp(s + at + 2, name, n) == 0)
			return at;
	return len;
}

/*
 * Elements left open as the next of their kind starts, by kind: a <dd>
 * ends a <dt>, a <tbody> a <thead>.  0 for the others.
 */
static int
html_sibling_kind(const char *name)
{
	static const struct {
		const char	*name;
		int		 kind;
	} kinds[] = {
		{ "p", 1 }, { "li", 2 }, { "dt", 3 }, { "dd", 3 }, { "td", 4 },
		{ "th", 4 }, { "option", 5 }, { "thead", 6 }, { "tbody", 6 },
		{ "tfoot", 6 },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(name, kinds[i].name) == 0)
			return kinds[i].kind;
	return 0;
}

struct html_depth {
	char	 open[HTML_MAX_DEPTH + 1][12];	/* names, cut short */
	size_t	 n;
};

/* Closes name: what it holds with it, but for <b>, <a>, ... itself
 * alone, as what it holds stays open (or is opened again). */
static void
html_depth_end(struct html_depth *d, const char *name)
{
	bool formatting = html_in(name, html_formatting);

	for (size_t k = d->n; k > 0; k--) {
		if (strcasecmp(d->open[k - 1], name) != 0)
			continue;
		if (!formatting) {
			d->n = k - 1;
			return;
		}
		memmove(d->open[k - 1], d->open[k], (d->n - k) *
		    sizeof(d->open[0]));
		d->n--;
		return;
	}
}

/*
 * The end of the tag whose name ends at i: the '>' outside quotes, or
 * len.  Counts its attributes into *nattrs.
 */
static size_t
html_tag_end(const char *s, size_t len, size_t i, size_t *nattrs)
{
	char quote = 0;
	bool space = false;

	*nattrs = 0;
	for (; i < len; i++) {
		char c = s[i];

		if (quote != 0) {
			if (c == quote)
				quote = 0;
		} else if (c == '>')
			return i;
		else if (c == '"' || c == '\'')
			quote = c;
		else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f')
			space = true;
		else if (space) {
			space = false;
			if (c != '/' && c != '=')
				(*nattrs)++;
		}
	}
	return len;
}

/* Opens name; false when that would go deeper than HTML_MAX_DEPTH. */
static bool
html_depth_start(struct html_depth *d, const char *name)
{
	int kind = html_sibling_kind(name);

	if (kind != 0 && d->n > 0 &&
	    html_sibling_kind(d->open[d->n - 1]) == kind)
		d->n--;
	else if (strcasecmp(name, "tr") == 0) {
		/* A row ends the cells and the row before it. */
		while (d->n > 0 && (strcasecmp(d->open[d->n - 1], "td") == 0 ||
		    strcasecmp(d->open[d->n - 1], "th") == 0))
			d->n--;
		if (d->n > 0 && strcasecmp(d->open[d->n - 1], "tr") == 0)
			d->n--;
	}
	if (d->n == HTML_MAX_DEPTH)
		return false;
	snprintf(d->open[d->n++], sizeof(d->open[0]), "%s", name);
	return true;
}

/*
 * A block is given to gumbo in pieces of about this size, cut where every
 * element is closed: gumbo's tree of a piece takes some 70 times its
 * bytes, and a block may be megabytes long.
 */
#define HTML_PIECE	(64 * 1024)
/* A piece that finds no such place by then ends the block there. */
#define HTML_PIECE_MAX	(1024 * 1024)

/* n, moved back to the start of a UTF-8 character. */
static size_t
html_char_start(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/*
 * The length of the piece html starts with, and whether the block goes
 * on after it (*more).  It ends past HTML_PIECE bytes where every element
 * is closed; or the block stops: at its end, at a start tag that would
 * open an element deeper than HTML_MAX_DEPTH or holds more than
 * HTML_MAX_ATTRS attributes, or after HTML_PIECE_MAX bytes with no place
 * to cut.  The depth is followed roughly, from the tags alone: an end tag
 * closes up to its element, a <li>, <p>, <td> or <tr> the one of its kind
 * left open.
 */
static size_t
html_piece(const char *html, size_t len, bool *more)
{
	struct html_depth d;
	size_t i = 0;

	d.n = 0;
	*more = false;
	while (i < len) {
		char name[12];
		size_t n = 0, start = i, gt, nattrs;
		bool end;

		if (i >= HTML_PIECE_MAX)
			return html_char_start(html, i);
		if (html[i] != '<' || i + 2 >= len) {
			i++;
			continue;
		}
		end = html[i + 1] == '/';
		if (!isalpha((unsigned char)html[i + (end ? 2 : 1)])) {
			i++;
			continue;
		}
		for (i += end ? 2 : 1; i < len &&
		    isalnum((unsigned char)html[i]); i++)
			if (n < sizeof(name) - 1)
				name[n++] = html[i];
		name[n] = '\0';
		gt = html_tag_end(html, len, i, &nattrs);
		i = gt < len ? gt + 1 : len;
		if (nattrs > HTML_MAX_ATTRS)
			return start;
		if (end)
			html_depth_end(&d, name);
		else if (html_in(name, html_raws))
			i = html_find_end_tag(html, len, i, name);
		else if (!html_in(name, html_voids) &&
		    !(gt < len && html[gt - 1] == '/') &&
		    !html_depth_start(&d, name))
			return start;
		if (d.n == 0 && i >= HTML_PIECE && i < len) {
			*more = true;
			return i;
		}
	}
	return len;
}

/* gumbo's allocator: running out of memory ends the process, as
 * everywhere else in the server. */
static void *
html_alloc(void *userdata, size_t size)
{
	(void)userdata;
	return xmalloc(size);
}

static void
html_free(void *userdata, void *p)
{
	(void)userdata;
	free(p);
}

static void
html_parse_piece(struct html_scan *s, const char *html, size_t len)
{
	GumboOptions opts = kGumboDefaultOptions;
	GumboOutput *out;

	if (len == 0)
		return;
	opts.allocator = html_alloc;
	opts.deallocator = html_free;
	opts.max_errors = 0;		/* nobody to tell: keep none */
	/* HTML within Markdown stands inside a page's body. */
	opts.fragment_context = GUMBO_TAG_BODY;
	out = gumbo_parse_with_options(&opts, html, len);
	html_walk(s, out->root);
	gumbo_destroy_output(&opts, out);
}

static void
html_parse(struct html_scan *s, const char *html, size_t len)
{
	bool more = true;

	while (len > 0 && more) {
		size_t n = html_piece(html, len, &more);

		html_parse_piece(s, html, n);
		html += n;
		len -= n;
	}
}

void
html_scan_block(const char *html, size_t len, const struct html_sink *sink,
    void *ctx)
{
	struct html_scan s = { sink, ctx, false, 0 };

	html_parse(&s, html, len);
	/* A link the block left open ends with it. */
	for (; s.open_links > 0; s.open_links--)
		sink->link_close(ctx);
}

void
html_scan_tag(const char *tag, size_t len, const struct html_sink *sink,
    void *ctx)
{
	struct html_scan s = { sink, ctx, true, 0 };
	char name[16];
	size_t n = 0;

	if (len >= 2 && tag[0] == '<' && tag[1] == '/') {
		/* cmark-gfm has checked the syntax: "</" name [space] ">". */
		for (size_t i = 2; i < len && n < sizeof(name) - 1 &&
		    isalnum((unsigned char)tag[i]); i++)
			name[n++] = tag[i];
		name[n] = '\0';
		if (strcasecmp(name, "a") == 0)
			sink->link_close(ctx);
		else if (n > 0 && html_in(name, html_blocks))
			sink->brk(ctx, true);
		return;
	}
	html_parse(&s, tag, len);
}
