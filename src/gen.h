/* gen: one generation of what is served: config, snapshot, TLS context. */
#ifndef CAPSULED_GEN_H
#define CAPSULED_GEN_H

#include <stdatomic.h>

#include <openssl/ssl.h>

#include "config.h"
#include "store.h"

/*
 * A reload makes a new generation and swaps it in whole; a connection
 * holds a reference to the generation it started with, so that its
 * settings and content never change under it.  Shared read-only by all
 * workers; only the reference count changes.
 */
struct gen {
	atomic_uint	 refs;
	struct config	*config;	/* owned */
	struct store	*store;		/* one reference owned */
	SSL_CTX		*tls;		/* one reference owned, or NULL */
};

/* Takes ownership of the three; returns a generation with one
 * reference.  Never NULL. */
struct gen	*gen_new(struct config *config, struct store *store,
		    SSL_CTX *tls);
struct gen	*gen_ref(struct gen *gen);
/* Drops a reference; the last frees the generation.  NULL: no-op. */
void		 gen_unref(struct gen *gen);

#endif
