/* listener: listening sockets for both protocols. */
#ifndef CAPSULED_LISTENER_H
#define CAPSULED_LISTENER_H

#include <stdbool.h>

#include "buf.h"

struct server;

enum listener_proto {
	LISTENER_GOPHER,
	LISTENER_GEMINI,
};

struct listener;

/*
 * Binds addr ("*" for every IPv4 and IPv6 address) on port and starts
 * accepting into server; proxy: clients come through a proxy that sends
 * a PROXY protocol header first.  Returns the listeners made (up to 2 for
 * "*"), storing them in out, or -1 with the reason in err.
 */
int	listener_open(struct server *server, enum listener_proto proto,
	    bool proxy, const char *addr, unsigned port,
	    struct listener **out, size_t max, struct buf *err);
void	listener_enable(struct listener *l, bool on);
void	listener_free(struct listener *l);

#endif
