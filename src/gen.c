/* gen: one generation of what is served: the config and its capsules. */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

static void
gen_add_name(struct gen *g, const char *name, struct capsule *c)
{
	char key[CONFIG_NAME_KEY];

	/* The config made sure names are short and unique. */
	if (config_name_key(name, strlen(name), key))
		(void)hmap_put(&g->names, key, c);
}

static int
gen_port_cmp(const void *a, const void *b)
{
	const struct gen_port *x = a, *y = b;

	return (x->port > y->port) - (x->port < y->port);
}

struct gen *
gen_new(struct config *config, struct capsule **capsules, size_t n)
{
	struct gen *g = xcalloc(1, sizeof(*g));

	atomic_init(&g->refs, 1);
	g->config = config;
	g->capsules = capsules;
	g->ncapsules = n;
	g->ports = xcalloc(n, sizeof(*g->ports));
	for (size_t i = 0; i < n; i++) {
		struct capsule *c = capsules[i];

		gen_add_name(g, c->config.name, c);
		for (size_t j = 0; j < c->config.naliases; j++)
			gen_add_name(g, c->config.aliases[j], c);
		if (c->config.gopher_port != 0)
			g->ports[g->nports++] = (struct gen_port){
			    c->config.gopher_port, c };
	}
	qsort(g->ports, g->nports, sizeof(*g->ports), gen_port_cmp);
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
	for (size_t i = 0; i < g->ncapsules; i++)
		capsule_unref(g->capsules[i]);
	free(g->capsules);
	hmap_free(&g->names, NULL);
	free(g->ports);
	free(g);
}

struct capsule *
gen_default(const struct gen *g)
{
	return g->capsules[0];
}

struct capsule *
gen_find(const struct gen *g, const char *name, size_t len)
{
	char key[CONFIG_NAME_KEY];

	if (!config_name_key(name, len, key))
		return NULL;
	return hmap_get(&g->names, key);
}

struct capsule *
gen_gopher(const struct gen *g, unsigned port)
{
	struct gen_port key = { port, NULL }, *hit;

	if (g->nports == 0)
		return NULL;
	hit = bsearch(&key, g->ports, g->nports, sizeof(*g->ports),
	    gen_port_cmp);
	return hit != NULL ? hit->capsule : NULL;
}
