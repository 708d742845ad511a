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
	const char		*capsule; /* whose port, for messages */
	char			*owned;	/* holds addr and capsule in a copy
					 * (listener_spec_copy()), or NULL */
};

/*
 * The listeners cfg asks for: each listen address with the Gemini port,
 * the top level's Gopher port, and each capsule's own Gopher port.
 * Stores an array the caller frees in *out and returns its length; the
 * strings are borrowed from cfg.  The one list the probe, the workers
 * and reloads use.
 */
size_t	listener_specs(const struct config *cfg, struct listen_spec **out);
/* A copy of src whose strings are its own; listener_spec_release()
 * frees them. */
struct listen_spec listener_spec_copy(const struct listen_spec *src);
void	listener_spec_release(struct listen_spec *spec);
/* n copies of specs, in an array the caller frees with
 * listener_specs_free(). */
struct listen_spec *listener_specs_copy(const struct listen_spec *specs,
	    size_t n);
void	listener_specs_free(struct listen_spec *specs, size_t n);
/* Whether a and b are the same socket's (the capsule aside). */
bool	listener_spec_equal(const struct listen_spec *a,
	    const struct listen_spec *b);
/* Whether one of the n specs is spec's socket. */
bool	listener_specs_have(const struct listen_spec *specs, size_t n,
	    const struct listen_spec *spec);

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
