/* gophermap: the exact bytes of RFC 1436 menus, text items, caps.txt and
 * the page that sends web browsers on from a "URL:" selector. */
#include "gophermap.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "url.h"
#include "version.h"

/* Info and error lines point nowhere, in the form most clients expect. */
#define GOPHERMAP_NOWHERE	"\t\terror.host\t1\r\n"

static void
gophermap_field(struct buf *out, const char *s, size_t len)
{
	size_t start = out->len;

	buf_add(out, s, len);
	for (size_t i = start; i < out->len; i++)
		if (out->data[i] == '\t' || out->data[i] == '\r' ||
		    out->data[i] == '\n')
			out->data[i] = ' ';
}

void
gophermap_item_start(struct buf *out, char type, const char *display,
    size_t display_len)
{
	buf_addc(out, type);
	gophermap_field(out, display, display_len);
	buf_addc(out, '\t');
}

void
gophermap_item_finish(struct buf *out, const char *host, unsigned port)
{
	buf_addc(out, '\t');
	gophermap_field(out, host, strlen(host));
	buf_addc(out, '\t');
	buf_add_uint(out, port);
	buf_add(out, "\r\n", 2);
}

void
gophermap_item(struct buf *out, char type, const char *display,
    size_t display_len, const char *selector, const char *host,
    unsigned port)
{
	gophermap_item_start(out, type, display, display_len);
	gophermap_field(out, selector, strlen(selector));
	gophermap_item_finish(out, host, port);
}

void
gophermap_info(struct buf *out, const char *text, size_t len)
{
	buf_addc(out, 'i');
	gophermap_field(out, text, len);
	buf_adds(out, GOPHERMAP_NOWHERE);
}

void
gophermap_error(struct buf *out, const char *text)
{
	buf_addc(out, '3');
	gophermap_field(out, text, strlen(text));
	buf_adds(out, GOPHERMAP_NOWHERE);
}

void
gophermap_end(struct buf *out)
{
	buf_adds(out, ".\r\n");
}

void
gophermap_text_item(struct buf *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;

	buf_reserve(out, len + len / 16 + 8);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (*p == '.')
			buf_addc(out, '.');
		buf_add(out, p, (size_t)((nl ? nl : end) - p));
		buf_add(out, "\r\n", 2);
		p = nl ? nl + 1 : end;
	}
	buf_add(out, ".\r\n", 3);
}

void
gophermap_error_menu(struct buf *out, const char *message)
{
	gophermap_error(out, message);
	gophermap_end(out);
}

static void
gophermap_html_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_adds(out, "&amp;");
			break;
		case '<':
			buf_adds(out, "&lt;");
			break;
		case '>':
			buf_adds(out, "&gt;");
			break;
		case '"':
			buf_adds(out, "&quot;");
			break;
		case '\'':
			buf_adds(out, "&#39;");
			break;
		default:
			buf_addc(out, *s);
		}
	}
}

int
gophermap_url_page(struct buf *out, const char *url, const char **why)
{
	static const char *schemes[] = {
		"http", "https", "gemini", "gopher", "ftp", "ftps", "mailto",
		"irc", "ircs", "news", "nntp", "telnet", "xmpp", "finger",
		"spartan",
	};
	size_t slen = url_scheme_len(url, strlen(url));
	bool known = false;

	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			*why = "URL holds spaces or control bytes";
			return -1;
		}
	for (size_t i = 0; slen > 0 && i < sizeof(schemes) /
	    sizeof(schemes[0]); i++)
		if (strlen(schemes[i]) == slen &&
		    strncasecmp(url, schemes[i], slen) == 0)
			known = true;
	if (!known) {
		*why = "URL scheme not allowed";
		return -1;
	}
	buf_adds(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<meta http-equiv=\"refresh\" content=\"2; url=");
	gophermap_html_escape(out, url);
	buf_adds(out, "\"><title>Leaving Gopherspace</title></head>\n<body>"
	    "<p>This link leaves Gopherspace for <a href=\"");
	gophermap_html_escape(out, url);
	buf_adds(out, "\">");
	gophermap_html_escape(out, url);
	buf_adds(out, "</a>.</p></body></html>\n");
	return 0;
}

void
gophermap_caps(struct buf *out, const char *host)
{
	buf_printf(out, "CAPS\n\nCapsVersion=1\nExpireCapsAfter=3600\n\n"
	    "PathDelimeter=/\nPathIdentity=.\nPathParent=..\n"
	    "PathParentDouble=FALSE\nPathEscapeCharacter=\\\n"
	    "PathKeepPreDelimeter=FALSE\n\n"
	    "ServerSoftware=capsuled\nServerSoftwareVersion=%s\n"
	    "ServerDefaultEncoding=utf-8\nServerSupportsStdinScripts=FALSE\n"
	    "ServerServerName=%s\n", CAPSULED_VERSION, host);
}
