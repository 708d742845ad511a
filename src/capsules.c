/* capsules: the capsules of a generation, loaded from a config beside the
 * ones served now. */
#include "capsules.h"

#include <stdlib.h>
#include <string.h>

#include "capsule.h"
#include "clock.h"
#include "gen.h"
#include "heap.h"
#include "log.h"
#include "store.h"

/* old's capsule for cc: by name, and for the default whatever it was
 * called (a reload may rename it). */
static struct capsule *
capsules_old(const struct gen *old, const struct config_capsule *cc,
    bool is_default)
{
	struct capsule *c;

	if (old == NULL)
		return NULL;
	if (is_default)
		return gen_default(old);
	c = gen_find(old, cc->name, strlen(cc->name));
	return c != NULL && strcmp(c->config.name, cc->name) == 0 &&
	    c != gen_default(old) ? c : NULL;
}

/* Whether the fresh capsule is worth a line: something in it changed. */
static bool
capsules_changed(const struct capsule *fresh, const struct capsule *was)
{
	return was == NULL || fresh->tls != was->tls ||
	    store_reused(fresh->store) != store_pages(fresh->store) ||
	    store_pages(fresh->store) != store_pages(was->store) ||
	    !config_capsule_equal(&fresh->config, &was->config);
}

static void
capsules_say_loaded(const struct capsule *c, const struct capsule *was,
    long ms)
{
	log_info("capsule %s: %s: %zu pages (%zu unchanged, kept), %zu "
	    "files%s, in %ld ms", c->config.name, was != NULL ? "reload done" :
	    "added", store_pages(c->store), store_reused(c->store),
	    store_files(c->store), was != NULL && c->tls != was->tls ?
	    ", new certificate" : "", ms);
}

struct gen *
capsules_load(struct config *cfg, const struct gen *old,
    const struct capsules_how *how, struct buf *err)
{
	struct capsule **made = xcalloc(cfg->ncapsules, sizeof(*made));
	struct buf why = BUF_INIT;
	size_t n = 0, loaded = 0, failed = 0;

	for (size_t i = 0; i < cfg->ncapsules; i++) {
		struct config_capsule *cc = &cfg->capsules[i];
		struct capsule *was = capsules_old(old, cc, i == 0), *c;
		struct timespec started;
		struct capsule_load load = {
			i == 0 ? how->default_path : NULL, cfg->gemini_port,
			how->check_only, how->content_only, was,
		};

		if (how->only != NULL && was != NULL &&
		    strcmp(how->only, cc->name) != 0) {
			made[n++] = capsule_ref(was);
			continue;
		}
		/* A block the config could not read fails as a load does. */
		clock_now(&started);
		c = NULL;
		if (cc->error != NULL)
			buf_adds(&why, cc->error);
		else
			c = capsule_load(cc, &load, &why);
		if (c != NULL) {
			loaded++;
			if (old != NULL && (capsules_changed(c, was) ||
			    cfg->ncapsules == 1))
				capsules_say_loaded(c, was, (long)(
				    clock_since_us(&started) / 1000));
		} else if (old == NULL) {
			/* At start nothing is served yet: any capsule that
			 * cannot load is the operator's to fix now. */
			if (i > 0)
				buf_printf(err, "capsule %s: ", cc->name);
			buf_add(err, why.data, why.len);
			goto fail;
		} else {
			failed++;
			if (was != NULL) {
				log_error("capsule %s: reload failed, still "
				    "serving its old content: %s", cc->name,
				    why.data);
				c = capsule_ref(was);
			} else
				log_error("capsule %s: cannot load, not "
				    "served: %s", cc->name, why.data);
		}
		buf_clear(&why);
		if (c == NULL)
			continue;
		/* cfg says what is served: the old version's settings. */
		if (c == was && !config_capsule_equal(cc, &c->config)) {
			config_capsule_release(cc);
			config_capsule_copy(cc, &c->config);
		}
		made[n++] = c;
	}
	/* Capsules not served are not in the config either. */
	for (size_t i = 0, j = 0; i < cfg->ncapsules; i++) {
		if (j < n && strcmp(made[j]->config.name,
		    cfg->capsules[i].name) == 0)
			cfg->capsules[j++] = cfg->capsules[i];
		else
			config_capsule_release(&cfg->capsules[i]);
	}
	cfg->ncapsules = n;
	free(cfg->hostname);
	cfg->hostname = xstrdup(cfg->capsules[0].name);
	if (old != NULL) {
		for (size_t i = 0; i < old->ncapsules; i++)
			if (config_find_capsule(cfg,
			    old->capsules[i]->config.name) == NULL)
				log_info("capsule %s: removed",
				    old->capsules[i]->config.name);
		if (how->only == NULL)
			log_info("reload done: %zu capsule%s, %zu loaded, %zu "
			    "failed", n, n == 1 ? "" : "s", loaded, failed);
	}
	buf_release(&why);
	/* Parsing left free space between the pages kept: give it back,
	 * once for all the capsules loaded. */
	heap_trim();
	return gen_new(cfg, made, n);
fail:
	for (size_t i = 0; i < n; i++)
		capsule_unref(made[i]);
	free(made);
	config_free(cfg);
	buf_release(&why);
	return NULL;
}
