/* proxy: the PROXY protocol header (v1 text and v2 binary) that a load
 * balancer puts before a client's bytes. */
#ifndef CAPSULED_PROXY_H
#define CAPSULED_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* The longest header read: v1 is at most 107 bytes, v2 16 plus its
 * addresses and TLVs. */
#define PROXY_MAX_HEADER	1040

enum proxy_result {
	PROXY_NEED_MORE,	/* a valid start; wait for more bytes */
	PROXY_DONE,		/* a whole header; see info and *consumed */
	PROXY_INVALID,		/* not a PROXY header, or a broken one */
};

struct proxy_info {
	bool			 local;	/* a health check: no client address */
	struct sockaddr_storage	 src;	/* the client as the proxy saw it */
	socklen_t		 srclen;
};

/*
 * Parses the header at the start of len bytes of data.  On PROXY_DONE,
 * *consumed is the header's length and info says who the client is; on
 * PROXY_INVALID, *why says what is wrong.
 */
enum proxy_result proxy_parse(const unsigned char *data, size_t len,
		    struct proxy_info *info, size_t *consumed,
		    const char **why);

#endif
