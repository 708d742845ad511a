/* capsule: one capsule as served: its settings, snapshot and certificate. */
#ifndef CAPSULED_CAPSULE_H
#define CAPSULED_CAPSULE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/ssl.h>

#include "buf.h"
#include "config.h"

struct store;

/* What a certificate or key file was when it was loaded. */
struct capsule_stamp {
	dev_t		dev;
	ino_t		ino;
	time_t		mtime;
	long		mtime_ns;
};

/* Counted over a capsule's whole life, across reloads: shared by each
 * capsule made again under the same name. */
struct capsule_counts {
	atomic_uint	 refs;
	atomic_size_t	 requests;	/* answered, in either protocol */
};

/*
 * Immutable once made, shared by the generations that hold it; only the
 * reference counts change.  A reload that leaves a capsule alone (or
 * fails to load it) keeps this very object in the next generation.
 */
struct capsule {
	atomic_uint		 refs;
	struct config_capsule	 config;	/* owned copy */
	unsigned		 gemini_port;	/* the process's, for links */
	char			*content_path;	/* what was read ("/" chrooted) */
	struct store		*store;		/* one reference owned */
	SSL_CTX			*tls;		/* one reference owned, or NULL */
	struct capsule_stamp	 stamp[2];	/* cert, key */
	struct capsule_counts	*counts;	/* one reference owned */
};

/* How capsule_load() goes about it. */
struct capsule_load {
	const char		*content_path;	/* NULL: config.content */
	unsigned		 gemini_port;	/* 0: no certificate */
	bool			 check_only;	/* capsuled -n */
	bool			 keep_tls;	/* reuse old's certificate as is */
	const struct capsule	*old;		/* the one served now, or NULL */
};

/*
 * Loads the capsule cc describes: its snapshot, sharing the pages of
 * how->old that did not change, and its certificate, old's when neither
 * file changed.  Returns it with one reference, or NULL with the reason
 * in err.
 */
struct capsule	*capsule_load(const struct config_capsule *cc,
		    const struct capsule_load *how, struct buf *err);
struct capsule	*capsule_ref(struct capsule *capsule);
/* Drops a reference; the last frees it.  NULL: no-op. */
void		 capsule_unref(struct capsule *capsule);
/* Whether name (any case) is one of the capsule's names. */
bool		 capsule_has_name(const struct capsule *capsule,
		    const char *name);

#endif
