/* reply: what a protocol module decided to send for one request. */
#ifndef CAPSULED_REPLY_H
#define CAPSULED_REPLY_H

#include "buf.h"
#include "store.h"

/*
 * What a reply says, in no protocol's words: each protocol maps it to
 * its wire form (Gemini's status, a Gopher error line) and to the number
 * the access log documents.
 */
enum reply_status {
	REPLY_NONE,		/* nothing was answered */
	REPLY_FOUND,
	REPLY_INPUT,		/* the request needs words (a search) */
	REPLY_REDIRECT,		/* permanently elsewhere */
	REPLY_NOT_FOUND,
	REPLY_BAD_REQUEST,	/* malformed */
	REPLY_REFUSED,		/* another scheme, host or port */
	REPLY_SLOW_DOWN,	/* over a per-address limit */
	REPLY_UNAVAILABLE,	/* the server cannot answer now */
};

/*
 * head is sent first: a header, or a whole answer made for this request
 * (an error, a search result).  Then, when entry is not NULL, the
 * entry's bytes from the snapshot, by reference.
 */
struct reply {
	enum reply_status		 status;
	struct buf			 head;
	const struct store_entry	*entry;
	struct store_entry		 slot;	/* where entry points when
						 * the answer is made of
						 * parts of a page */
};

#endif
