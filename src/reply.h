/* reply: what a protocol module decided to send for one request. */
#ifndef CAPSULED_REPLY_H
#define CAPSULED_REPLY_H

#include <stdbool.h>

#include "buf.h"

struct store_entry;

/*
 * head is sent first (a header or a whole error answer made for this
 * request), then entry's bytes from the snapshot when entry is not NULL.
 * close_now: send nothing at all and close.
 */
struct reply {
	int				 status;	/* for the access log */
	struct buf			 head;
	const struct store_entry	*entry;
	bool				 close_now;
};

#endif
