/* gemini: Gemini requests, answered from the snapshot. */
#ifndef CAPSULED_GEMINI_H
#define CAPSULED_GEMINI_H

#include <stddef.h>

#include "buf.h"
#include "gemstatus.h"
#include "reply.h"

#define GEMINI_MAX_REQUEST	1024

struct store;

/* What the server is; strings are borrowed. */
/* The capsule the TLS handshake picked: a request names one of these. */
struct gemini_server {
	const char	*hostname;
	char *const	*aliases;
	size_t		 naliases;
	unsigned	 port;
};

/* A valid request; strings point into the line given to gemini_parse(). */
struct gemini_request {
	const char	*path;	/* decoded and normalised, starts with '/' */
	char	*query;		/* still percent-encoded, or NULL */
};

/*
 * Checks and splits a request line (len bytes, without its CR LF) in
 * place; line[len] must be writable, for the NUL put there.  server is
 * the capsule the handshake picked (by the name the client sent in it).
 * Returns GEMINI_SUCCESS, or the status to answer (59 malformed, 53 for
 * another scheme, port, or a host that is not one of server's names)
 * with *why set to the reason.
 */
enum gemini_status gemini_parse(char *line, size_t len,
		    const struct gemini_server *server,
		    struct gemini_request *req, const char **why);
/*
 * Answers a valid request from the snapshot: reply gets the entry to
 * send, or a header (and for a search, the whole page) made for it.
 */
void		 gemini_respond(const struct store *store,
		    const struct gemini_request *req, struct reply *reply);

#endif
