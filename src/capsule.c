/* capsule: one capsule as served: its settings, snapshot and certificate. */
#include "capsule.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "build.h"
#include "store.h"
#include "tlsctx.h"

static void
capsule_stamp(const char *path, struct capsule_stamp *stamp)
{
	struct stat st;

	memset(stamp, 0, sizeof(*stamp));
	if (stat(path, &st) == 0) {
		stamp->dev = st.st_dev;
		stamp->ino = st.st_ino;
		stamp->mtime = st.st_mtim.tv_sec;
		stamp->mtime_ns = st.st_mtim.tv_nsec;
	}
}

/* Whether old's certificate serves cc as it is: the same files, which
 * have not changed since old loaded them. */
static bool
capsule_tls_unchanged(const struct capsule *old,
    const struct config_capsule *cc)
{
	struct capsule_stamp now[2];

	if (old->tls == NULL || strcmp(cc->cert, old->config.cert) != 0 ||
	    strcmp(cc->key, old->config.key) != 0)
		return false;
	capsule_stamp(cc->cert, &now[0]);
	capsule_stamp(cc->key, &now[1]);
	return memcmp(now, old->stamp, sizeof(now)) == 0;
}

static struct store *
capsule_build_store(const struct config_capsule *cc, const char *content,
    const struct capsule_load *how, struct buf *err)
{
	struct store_params p = {
		content, cc->name, cc->gopher_port, how->gemini_port,
		cc->lang, cc->wrap, cc->source_url, how->check_only,
		cc->search_results, cc->page_max,
		how->old != NULL ? how->old->store : NULL,
	};

	return build_snapshot(&p, err);
}

/* The certificate: old's, or loaded (and stamped) now. */
static int
capsule_load_tls(struct capsule *c, const struct capsule_load *how,
    struct buf *err)
{
	const struct capsule *old = how->old;

	if (how->gemini_port == 0 || how->check_only)
		return 0;
	if (old != NULL && old->tls != NULL && (how->keep_tls ||
	    capsule_tls_unchanged(old, &c->config))) {
		SSL_CTX_up_ref(old->tls);
		c->tls = old->tls;
		memcpy(c->stamp, old->stamp, sizeof(c->stamp));
		return 0;
	}
	/* Stamped first: a file changed while it loads is loaded again at
	 * the next reload rather than never. */
	capsule_stamp(c->config.cert, &c->stamp[0]);
	capsule_stamp(c->config.key, &c->stamp[1]);
	if ((c->tls = tlsctx_new(c->config.cert, c->config.key,
	    c->config.name, err)) == NULL)
		return -1;
	return 0;
}

struct capsule *
capsule_load(const struct config_capsule *cc, const struct capsule_load *how,
    struct buf *err)
{
	struct capsule *c = xcalloc(1, sizeof(*c));
	const char *content = how->content_path != NULL ? how->content_path :
	    cc->content;

	atomic_init(&c->refs, 1);
	config_capsule_copy(&c->config, cc);
	c->gemini_port = how->gemini_port;
	c->content_path = xstrdup(content);
	if (how->old != NULL && strcmp(how->old->config.name, cc->name) == 0) {
		c->counts = how->old->counts;
		atomic_fetch_add(&c->counts->refs, 1);
	} else {
		c->counts = xcalloc(1, sizeof(*c->counts));
		atomic_init(&c->counts->refs, 1);
		atomic_init(&c->counts->requests, 0);
	}
	if ((c->store = capsule_build_store(cc, content, how, err)) == NULL ||
	    capsule_load_tls(c, how, err) == -1) {
		capsule_unref(c);
		return NULL;
	}
	return c;
}

struct capsule *
capsule_ref(struct capsule *c)
{
	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	return c;
}

void
capsule_unref(struct capsule *c)
{
	if (c == NULL ||
	    atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (atomic_fetch_sub(&c->counts->refs, 1) == 1)
		free(c->counts);
	config_capsule_release(&c->config);
	free(c->content_path);
	store_unref(c->store);
	SSL_CTX_free(c->tls);
	free(c);
}

bool
capsule_has_name(const struct capsule *c, const char *name)
{
	if (strcasecmp(c->config.name, name) == 0)
		return true;
	for (size_t i = 0; i < c->config.naliases; i++)
		if (strcasecmp(c->config.aliases[i], name) == 0)
			return true;
	return false;
}
