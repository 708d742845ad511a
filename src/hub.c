/* hub: what the workers share with each other and with the main thread. */
#include "hub.h"

#include <string.h>

#include "gen.h"
#include "limit.h"

void
hub_init(struct hub *h, struct gen *gen)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->gen_lock, NULL);
	h->gen = gen;
	atomic_init(&h->nconns, 0);
	atomic_init(&h->nclosed, 0);
	atomic_init(&h->max_conns, gen->config->max_connections);
	h->limits = limits_new();
}

void
hub_release(struct hub *h)
{
	gen_unref(h->gen);
	h->gen = NULL;
	limits_free(h->limits);
	h->limits = NULL;
	pthread_mutex_destroy(&h->gen_lock);
}

struct gen *
hub_gen(struct hub *h)
{
	struct gen *g;

	pthread_mutex_lock(&h->gen_lock);
	g = gen_ref(h->gen);
	pthread_mutex_unlock(&h->gen_lock);
	return g;
}

void
hub_set_gen(struct hub *h, struct gen *fresh)
{
	struct gen *old;

	pthread_mutex_lock(&h->gen_lock);
	old = h->gen;
	h->gen = fresh;
	pthread_mutex_unlock(&h->gen_lock);
	atomic_store(&h->max_conns, fresh->config->max_connections);
	gen_unref(old);
}

bool
hub_conn_opened(struct hub *h)
{
	return atomic_fetch_add(&h->nconns, 1) + 1 >=
	    atomic_load(&h->max_conns);
}

void
hub_conn_closed(struct hub *h)
{
	atomic_fetch_sub(&h->nconns, 1);
	atomic_fetch_add(&h->nclosed, 1);
}

size_t
hub_conns(struct hub *h)
{
	return atomic_load(&h->nconns);
}

size_t
hub_max_conns(struct hub *h)
{
	return atomic_load(&h->max_conns);
}

bool
hub_at_cap(struct hub *h)
{
	return hub_conns(h) >= hub_max_conns(h);
}
