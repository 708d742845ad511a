/*
 * html: raw HTML read with libxml2's HTML parser (its SAX interface), so
 * that attributes, quoting, entities and broken markup are handled as a
 * browser would, not by pattern matching.
 */
#include "html.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

struct html_scan {
	const struct html_sink	*sink;
	void			*ctx;
	bool			 one_tag;	/* ignore closing events */
	int			 open_links;	/* <a href> left open */
	int			 hidden;	/* inside <script>, <style> */
};

/* Elements whose content a reader never sees. */
static bool
html_is_hidden(const char *name)
{
	return strcasecmp(name, "script") == 0 ||
	    strcasecmp(name, "style") == 0 || strcasecmp(name, "template") == 0;
}

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

static const char *
html_attr(const xmlChar **attrs, const char *name)
{
	for (size_t i = 0; attrs != NULL && attrs[i] != NULL; i += 2)
		if (strcasecmp((const char *)attrs[i], name) == 0)
			return attrs[i + 1] != NULL ?
			    (const char *)attrs[i + 1] : "";
	return NULL;
}

static void
html_start(void *arg, const xmlChar *xname, const xmlChar **attrs)
{
	struct html_scan *s = arg;
	const char *name = (const char *)xname, *href, *src, *alt;

	if (html_is_hidden(name)) {
		s->hidden++;
		return;
	}
	if (s->hidden > 0)
		return;
	if (strcasecmp(name, "a") == 0) {
		if ((href = html_attr(attrs, "href")) != NULL &&
		    *href != '\0') {
			s->open_links++;
			s->sink->link_open(s->ctx, href);
		}
	} else if (strcasecmp(name, "img") == 0) {
		src = html_attr(attrs, "src");
		alt = html_attr(attrs, "alt");
		if (src != NULL && *src != '\0')
			s->sink->image(s->ctx, src, alt != NULL ? alt : "");
		else if (alt != NULL)
			s->sink->text(s->ctx, alt, strlen(alt));
	} else if (strcasecmp(name, "br") == 0)
		s->sink->brk(s->ctx, false);
	else if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0)
		s->sink->text(s->ctx, " ", 1);
	else if (html_is_block(name))
		s->sink->brk(s->ctx, true);
}

static void
html_end(void *arg, const xmlChar *xname)
{
	struct html_scan *s = arg;
	const char *name = (const char *)xname;

	if (s->one_tag)
		return;
	if (html_is_hidden(name)) {
		if (s->hidden > 0)
			s->hidden--;
		return;
	}
	if (s->hidden > 0)
		return;
	if (strcasecmp(name, "a") == 0) {
		if (s->open_links > 0) {
			s->open_links--;
			s->sink->link_close(s->ctx);
		}
	} else if (html_is_block(name))
		s->sink->brk(s->ctx, true);
}

static void
html_chars(void *arg, const xmlChar *text, int len)
{
	struct html_scan *s = arg;

	if (len > 0 && s->hidden == 0)
		s->sink->text(s->ctx, (const char *)text, (size_t)len);
}

/* libxml2 reports recovered errors to a handler; there is nobody to tell. */
static void
html_quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static void
html_quiet_structured(void *ctx, xmlErrorPtr error)
{
	(void)ctx;
	(void)error;
}

static pthread_once_t html_once = PTHREAD_ONCE_INIT;

static void
html_init(void)
{
	xmlInitParser();
}

static void
html_parse(struct html_scan *s, const char *html, size_t len)
{
	htmlSAXHandler sax;
	htmlParserCtxtPtr ctxt;

	if (len == 0 || len > INT32_MAX)
		return;
	pthread_once(&html_once, html_init);
	/* Per thread in libxml2: set where the parse runs. */
	xmlSetGenericErrorFunc(NULL, html_quiet);
	xmlSetStructuredErrorFunc(NULL, html_quiet_structured);
	memset(&sax, 0, sizeof(sax));
	sax.startElement = html_start;
	sax.endElement = html_end;
	sax.characters = html_chars;
	sax.ignorableWhitespace = html_chars;
	ctxt = htmlCreatePushParserCtxt(&sax, s, NULL, 0, NULL,
	    XML_CHAR_ENCODING_UTF8);
	if (ctxt == NULL)
		return;
	htmlCtxtUseOptions(ctxt, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED | HTML_PARSE_RECOVER);
	htmlParseChunk(ctxt, html, (int)len, 1);
	htmlFreeParserCtxt(ctxt);
}

void
html_scan_block(const char *html, size_t len, const struct html_sink *sink,
    void *ctx)
{
	struct html_scan s = { sink, ctx, false, 0, 0 };

	html_parse(&s, html, len);
	/* A link the block left open ends with it. */
	for (; s.open_links > 0; s.open_links--)
		sink->link_close(ctx);
}

void
html_scan_tag(const char *tag, size_t len, const struct html_sink *sink,
    void *ctx)
{
	struct html_scan s = { sink, ctx, true, 0, 0 };
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
