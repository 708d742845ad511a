/* tlserr: OpenSSL's error texts, loaded only when an error is worded. */
#ifndef CAPSULED_TLSERR_H
#define CAPSULED_TLSERR_H

#include "buf.h"

/*
 * Has OpenSSL start without its error texts: loading them costs some
 * 300 KiB of heap for the life of the process, and only a certificate
 * or key that fails to load is ever worded.  Call before any other
 * OpenSSL call (it is a no-op once OpenSSL has loaded them); any thread,
 * any number of times.
 */
void	 tlserr_start(void);
/*
 * Appends OpenSSL's queued errors to err (if not NULL), in its own words,
 * loading them first if they were not; clears the queue either way.
 */
void	 tlserr_drain(struct buf *err);

#endif
