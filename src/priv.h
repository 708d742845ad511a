/* priv: giving up root after start-up. */
#ifndef CAPSULED_PRIV_H
#define CAPSULED_PRIV_H

#include "buf.h"

/*
 * Drops to user (and group, or the user's own group when NULL) for good,
 * after chroot into root_dir when it is not NULL.  Run as root; a process
 * already running as that user is left as it is.  Returns 0, or -1 with
 * the reason in err: the caller must then exit, never serve as root.
 */
int	priv_drop(const char *user, const char *group, const char *root_dir,
	    struct buf *err);

#endif
