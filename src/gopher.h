/* gopher: RFC 1436 requests and the answers that are not pages. */
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
 * or with an error menu.  The status it sets, for the access log, uses
 * Gemini's numbers: 20 found, 51 not found, 59 refused.
 */
void	gopher_respond(const struct store *store,
	    const struct gopher_request *req, struct reply *reply);
/*
 * Appends text as an RFC 1436 text item: CR LF line endings, a '.' doubled
 * at the start of a line, and the closing "." line.
 */
void	gopher_text_item(struct buf *out, const char *text, size_t len);
/* Appends a whole menu holding one type 3 error line. */
void	gopher_error_menu(struct buf *out, const char *message);
/*
 * Appends the HTML page that sends a client that does not know the "URL:"
 * convention on to url.  Returns 0, or -1 with *why set when url has no
 * scheme or one that is not allowed (only http, https, gemini, gopher,
 * ftp, mailto and a few more are).
 */
int	gopher_url_page(struct buf *out, const char *url, const char **why);
/* Appends caps.txt, which describes this server to clients. */
void	gopher_caps(struct buf *out, const char *host);

#endif
