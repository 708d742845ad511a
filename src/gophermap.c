/* gophermap: the exact bytes of RFC 1436 menu lines. */
#include "gophermap.h"

#include <string.h>

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
