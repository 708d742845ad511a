/* proto: what the transport needs to know of a protocol, in one table. */
#ifndef CAPSULED_PROTO_H
#define CAPSULED_PROTO_H

#include <stddef.h>

#include "frame.h"
#include "reply.h"

struct store;

/* No protocol's request line is longer (without its CR LF): what the
 * transport buffers at most. */
#define PROTO_MAX_LINE	1024

/* What an answer is made from; everything is borrowed for the call. */
struct proto_ctx {
	const struct store	*store;		/* the capsule's */
	const char		*hostname;	/* the capsule's name */
	char *const		*aliases;	/* and its other names */
	size_t			 naliases;
	unsigned		 port;		/* the port the request came to */
};

/*
 * One protocol: the listener holds it and the connection follows it, so
 * that the transport never asks which protocol it carries.
 */
struct proto {
	const char		*name;	/* in the access log */
	struct frame_rules	 rules;	/* where its request line ends */
	/*
	 * Answers one framed request line (len bytes; line[len] is
	 * writable, for a NUL) into reply.
	 */
	void	(*answer)(const struct proto_ctx *ctx, char *line, size_t len,
		    struct reply *reply);
	/*
	 * Makes reply the protocol's error answer for status, saying why
	 * (for REPLY_SLOW_DOWN, why is the seconds to wait).
	 */
	void	(*error)(struct reply *reply, enum reply_status status,
		    const char *why);
	/* The number the access log shows for status. */
	int	(*log_status)(enum reply_status status);
};

extern const struct proto gemini_proto;
extern const struct proto gopher_proto;

#endif
