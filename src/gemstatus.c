/* gemstatus: every byte of a Gemini response header. */
#include "gemstatus.h"

#include <string.h>

void
gemstatus_header(struct buf *out, enum gemini_status status,
    const char *meta)
{
	size_t start;

	buf_add_uint(out, (unsigned)status);
	buf_addc(out, ' ');
	start = out->len;
	buf_adds(out, meta);
	/* A META is one line whatever it was made from. */
	for (size_t i = start; i < out->len; i++)
		if (out->data[i] == '\r' || out->data[i] == '\n')
			out->data[i] = ' ';
	buf_add(out, "\r\n", 2);
}

void
gemstatus_success(struct buf *out, const char *mime, const char *lang)
{
	buf_add(out, "20 ", 3);
	buf_adds(out, mime);
	if (strcmp(mime, "text/gemini") == 0) {
		buf_adds(out, "; charset=utf-8; lang=");
		buf_adds(out, lang);
	} else if (strncmp(mime, "text/", 5) == 0)
		buf_adds(out, "; charset=utf-8");
	buf_add(out, "\r\n", 2);
}

enum gemini_status
gemstatus_of(enum reply_status status)
{
	switch (status) {
	case REPLY_FOUND:
		return GEMINI_SUCCESS;
	case REPLY_INPUT:
		return GEMINI_INPUT;
	case REPLY_REDIRECT:
		return GEMINI_REDIRECT_PERMANENT;
	case REPLY_NOT_FOUND:
		return GEMINI_NOT_FOUND;
	case REPLY_REFUSED:
		return GEMINI_PROXY_REFUSED;
	case REPLY_SLOW_DOWN:
		return GEMINI_SLOW_DOWN;
	case REPLY_UNAVAILABLE:
		return GEMINI_TEMPORARY_FAILURE;
	case REPLY_BAD_REQUEST:
	case REPLY_NONE:
		break;
	}
	return GEMINI_BAD_REQUEST;
}
