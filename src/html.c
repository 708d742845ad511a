/*
 * html: raw HTML read with gumbo, the HTML5 parser, so that attributes,
 * quoting, entities and broken markup are handled as a browser would, not
 * by pattern matching.  gumbo needs nothing but the C library, so reading
 * HTML costs the server gumbo's own pages and no more.
 */
#include "html.h"

#include <ctype.h>
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
html_is_block(const char *name)
{
	for (size_t i = 0; i < sizeof(html_blocks) / sizeof(html_blocks[0]);
	    i++)
		if (strcasecmp(name, html_blocks[i]) == 0)
			return true;
	return false;
}

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
	else if (html_is_block(name))
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
	} else if (html_is_block(name))
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
html_parse(struct html_scan *s, const char *html, size_t len)
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
		else if (n > 0 && html_is_block(name))
			sink->brk(ctx, true);
		return;
	}
	html_parse(&s, tag, len);
}
