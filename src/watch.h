/* watch: noticing changes under the content folder (inotify). */
#ifndef CAPSULED_WATCH_H
#define CAPSULED_WATCH_H

#include <event2/event.h>

#include "buf.h"

struct watch;

/* Called once changes have settled for a moment. */
typedef void	watch_fn(void *arg);

/*
 * Watches root and every folder below it; after a burst of changes has
 * been quiet for debounce_ms, calls fn(arg) once.  Returns the watch, or
 * NULL with the reason in err.
 */
struct watch	*watch_new(struct event_base *base, const char *root,
		    unsigned debounce_ms, watch_fn *fn, void *arg,
		    struct buf *err);
/* Watches the folders made since; events keep coming meanwhile. */
int		 watch_rescan(struct watch *w, struct buf *err);
/* Stops watching; watch_free(NULL) does nothing. */
void		 watch_free(struct watch *w);

#endif
