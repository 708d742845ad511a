/* gen: one generation of what is served: the config and its capsules. */
#ifndef CAPSULED_GEN_H
#define CAPSULED_GEN_H

#include <stdatomic.h>
#include <stddef.h>

#include "capsule.h"
#include "config.h"
#include "hmap.h"

/* A capsule's own Gopher port. */
struct gen_port {
	unsigned	 port;
	struct capsule	*capsule;
};

/*
 * A reload makes a new generation and swaps it in whole; a connection
 * holds a reference to the generation it started with, so that its
 * settings and content never change under it.  Shared read-only by all
 * workers; only the reference count changes.  Capsules a reload left
 * alone are shared with the generation before.
 */
struct gen {
	atomic_uint	 refs;
	struct config	*config;	/* owned */
	struct capsule	**capsules;	/* [0] the default; a reference each */
	size_t		 ncapsules;
	struct hmap	 names;		/* lower-case name or alias: capsule */
	struct gen_port	*ports;		/* sorted by port */
	size_t		 nports;
};

/* Takes ownership of config, the array capsules (n of them, the default
 * first) and their references; returns a generation with one reference.
 * Never NULL. */
struct gen	*gen_new(struct config *config, struct capsule **capsules,
		    size_t n);
struct gen	*gen_ref(struct gen *gen);
/* Drops a reference; the last frees the generation.  NULL: no-op. */
void		 gen_unref(struct gen *gen);
/* The default capsule: the top level's. */
struct capsule	*gen_default(const struct gen *gen);
/* The capsule named name (any case, up to 253 bytes), or NULL: one hash
 * lookup, however many capsules there are. */
struct capsule	*gen_find(const struct gen *gen, const char *name, size_t len);
/* The capsule whose own gopher_port is port, the default's for the top
 * level's, or NULL. */
struct capsule	*gen_gopher(const struct gen *gen, unsigned port);

#endif
