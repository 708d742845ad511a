/* gen: one generation of what is served: the config and its capsules. */
#include "gen.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Lower-cases name (len bytes) into out (256 bytes); false when too long. */
static bool
gen_lower(const char *name, size_t len, char *out)
{
	if (len > 253)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[len] = '\0';
	return true;
}

static void
gen_add_name(struct gen *g, const char *name, struct capsule *c)
{
	char lower[256];

	/* The config made sure names are short and unique. */
	if (gen_lower(name, strlen(name), lower))
		(void)hmap_put(&g->names, lower, c);
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
	char lower[256];

	if (!gen_lower(name, len, lower))
		return NULL;
	return hmap_get(&g->names, lower);
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
