/* gopher: RFC 1436 requests, answered from the snapshot. */
#ifndef CAPSULED_GOPHER_H
#define CAPSULED_GOPHER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "reply.h"

#define GOPHER_MAX_SELECTOR	1024

struct store;

/* A parsed request; the strings point into the line given to
 * gopher_parse() and live as long as it. */
struct gopher_request {
	char	*selector;
	char	*search;	/* the words after a TAB, or NULL */
	bool	 plus;		/* a Gopher+ request ("\t+", "\t$", "\t!") */
};

/*
 * Splits a request line (without its CR LF, len bytes) in place.  Returns
 * 0, or -1 with *why set when it holds a NUL byte, a CR, or is too long.
 */
int	gopher_parse(char *line, size_t len, struct gopher_request *req,
	    const char **why);
/*
 * Answers a request from the snapshot: fills reply with the entry to send
 * or with a menu made for the request (an error, a search result).
 */
void	gopher_respond(const struct store *store,
	    const struct gopher_request *req, struct reply *reply);
/* The number the access log shows for a Gopher reply: Gemini's numbers,
 * 20 found, 10 search prompt, 44 slowed down, 51 not found, 59 refused. */
int	gopher_log_status(enum reply_status status);

#endif
