/* html: the text, links, images and breaks of raw HTML in Markdown. */
#ifndef CAPSULED_HTML_H
#define CAPSULED_HTML_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What a scan finds, in document order.  Strings are UTF-8, entities
 * decoded, and borrowed for the call.
 */
struct html_sink {
	void	(*text)(void *ctx, const char *s, size_t len);
	/* <a href>; an <a> without href (a named anchor) is not a link. */
	void	(*link_open)(void *ctx, const char *href);
	void	(*link_close)(void *ctx);
	/* <img src alt>: alt is "" when missing. */
	void	(*image)(void *ctx, const char *src, const char *alt);
	/* <br> (block false), or the edge of a block element such as <p>,
	 * <div>, <li> or <details> (block true). */
	void	(*brk)(void *ctx, bool block);
};

/*
 * Reads an HTML block (any bytes: gumbo builds a tree from anything, as a
 * browser does, and nothing is reported).  Elements left open at its end are
 * closed: Markdown ends an HTML block at a blank line.
 */
void	html_scan_block(const char *html, size_t len,
	    const struct html_sink *sink, void *ctx);
/*
 * Reads one inline tag as cmark-gfm cuts them ("<a href=x>", "</a>",
 * "<br/>", a comment): an opening tag opens, a closing tag closes, and
 * nothing is closed at its end.
 */
void	html_scan_tag(const char *tag, size_t len,
	    const struct html_sink *sink, void *ctx);

#endif
