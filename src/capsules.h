/* capsules: the capsules of a generation, loaded from a config beside the
 * ones served now. */
#ifndef CAPSULED_CAPSULES_H
#define CAPSULED_CAPSULES_H

#include <stdbool.h>

#include "buf.h"
#include "config.h"

struct gen;

struct capsules_how {
	bool		 check_only;	/* capsuled -n */
	bool		 content_only;	/* certificates stay as they are */
	const char	*only;		/* load this capsule alone, keep the
					 * others as they are; or NULL */
	const char	*default_path;	/* what the default capsule reads
					 * ("/" once chrooted), or NULL */
};

/*
 * Loads each capsule of cfg, sharing what old (the generation served now,
 * or NULL at start) has of it.  On a reload, a capsule that fails keeps
 * old's version of it, which cfg is made to describe again, and is said
 * in the log; one that has no old version is left out.  Returns the new
 * generation, which takes over cfg, or NULL (cfg freed) with the reason
 * in err when a capsule fails at start (old NULL).
 */
struct gen	*capsules_load(struct config *cfg, const struct gen *old,
		    const struct capsules_how *how, struct buf *err);

#endif
