/* listener: listening sockets for both protocols. */
#ifndef CAPSULED_LISTENER_H
#define CAPSULED_LISTENER_H

#include <stdbool.h>

#include "buf.h"

struct worker;

enum listener_proto {
	LISTENER_GOPHER,
	LISTENER_GEMINI,
};

struct listener;
struct config;

/* One listener a worker opens: a protocol on an address and port. */
struct listen_spec {
	enum listener_proto	 proto;
	bool			 proxy;	/* a PROXY header comes first */
	const char		*addr;	/* "*": every IPv4 and IPv6 address */
	unsigned		 port;
};

#define LISTENER_MAX_SPECS	32

/*
 * Fills out with the listeners cfg asks for (each listen address with
 * each protocol that has a port) and returns how many; the strings are
 * borrowed from cfg.  The one list both the probe and the workers use.
 */
size_t	listener_specs(const struct config *cfg, struct listen_spec *out);

/* The longest the kernel holds a connection that has sent nothing before
 * accept sees it (deferred accepting): the request deadline counts it. */
#define LISTENER_DEFER_WAIT	1

/*
 * Binds addr ("*" for every IPv4 and IPv6 address) on port with
 * SO_REUSEPORT, so that every worker has its own socket and the kernel
 * spreads connections over them, and starts accepting into worker.
 * proxy: clients come through a proxy that sends a PROXY protocol header
 * first.  Returns the listeners made (up to 2 for "*"), storing them in
 * out, or -1 with the reason in err.
 */
int	listener_open(struct worker *worker, enum listener_proto proto,
	    bool proxy, const char *addr, unsigned port,
	    struct listener **out, size_t max, struct buf *err);
/*
 * Checks that nobody listens on addr and port yet (SO_REUSEPORT would
 * let another process share it silently): 0, or -1 with the reason.
 */
int	listener_probe(const char *addr, unsigned port, struct buf *err);
void	listener_enable(struct listener *l, bool on);
void	listener_free(struct listener *l);

#endif
