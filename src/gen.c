/* gen: one generation of what is served: config, snapshot, TLS context. */
#include "gen.h"

#include <stdlib.h>

struct gen *
gen_new(struct config *config, struct store *store, SSL_CTX *tls)
{
	struct gen *g = xcalloc(1, sizeof(*g));

	atomic_init(&g->refs, 1);
	g->config = config;
	g->store = store;
	g->tls = tls;
	return g;
}

struct gen *
gen_ref(struct gen *g)
{
	atomic_fetch_add_explicit(&g->refs, 1, memory_order_relaxed);
	return g;
}

void
gen_unref(struct gen *g)
{
	if (g == NULL ||
	    atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) != 1)
		return;
	config_free(g->config);
	store_unref(g->store);
	SSL_CTX_free(g->tls);
	free(g);
}
