/* gemstatus: every byte of a Gemini response header. */
#ifndef CAPSULED_GEMSTATUS_H
#define CAPSULED_GEMSTATUS_H

#include "buf.h"
#include "reply.h"

enum gemini_status {
	GEMINI_INPUT = 10,
	GEMINI_SUCCESS = 20,
	GEMINI_REDIRECT_TEMPORARY = 30,
	GEMINI_REDIRECT_PERMANENT = 31,
	GEMINI_TEMPORARY_FAILURE = 40,
	GEMINI_SLOW_DOWN = 44,
	GEMINI_PERMANENT_FAILURE = 50,
	GEMINI_NOT_FOUND = 51,
	GEMINI_PROXY_REFUSED = 53,
	GEMINI_BAD_REQUEST = 59,
};

/* Appends "STATUS META\r\n"; CR and LF in meta become spaces. */
void	gemstatus_header(struct buf *out, enum gemini_status status,
	    const char *meta);
/*
 * Appends the success header for a body of MIME type mime: text/gemini
 * with charset and lang, other text with charset, the rest as it is.
 */
void	gemstatus_success(struct buf *out, const char *mime,
	    const char *lang);
/* The Gemini status that answers a reply status. */
enum gemini_status gemstatus_of(enum reply_status status);

#endif
