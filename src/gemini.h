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
struct gemini_server {
	const char	*hostname;
	unsigned	 port;
};

/* A valid request; strings point into the line given to gemini_parse(). */
struct gemini_request {
	const char	*path;	/* decoded and normalised, starts with '/' */
	char	*query;		/* still percent-encoded, or NULL */
};

/*
 * Checks and splits a request line (len bytes, without its CR LF) in
 * place; line[len] must be writable, for the NUL put there.  sni is the
 * name the client sent in the TLS handshake, or NULL.
 * Returns GEMINI_SUCCESS, or the status to answer (59 malformed, 53 for
 * another scheme, host or port) with *why set to the reason.
 */
enum gemini_status gemini_parse(char *line, size_t len,
		    const struct gemini_server *server, const char *sni,
		    struct gemini_request *req, const char **why);
/*
 * Answers a valid request from the snapshot: reply gets the entry to
 * send, or a header (and for a search, the whole page) made for it.
 */
void		 gemini_respond(const struct store *store,
		    const struct gemini_request *req, struct reply *reply);

#endif
