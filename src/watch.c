/* watch: noticing changes under the content folder (inotify). */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define WATCH_EVENTS	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | \
			 IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | \
			 IN_DELETE_SELF | IN_MOVE_SELF)
/* Deeper folders are not served either (store.c). */
#define WATCH_MAX_DEPTH	16

struct watch {
	struct event_base	*base;
	char			*root;
	int			 fd;
	struct event		*read_ev;
	struct event		*settle_ev;
	struct timeval		 debounce;
	watch_fn		*fn;
	void			*arg;
};

static int
watch_add_tree(struct watch *w, const char *dir, int depth, struct buf *err)
{
	struct buf sub = BUF_INIT;
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int rc = 0;

	if (inotify_add_watch(w->fd, dir, WATCH_EVENTS) == -1) {
		buf_printf(err, "watching %s: %s", dir, strerror(errno));
		return -1;
	}
	if (depth >= WATCH_MAX_DEPTH || (dp = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		buf_clear(&sub);
		buf_printf(&sub, "%s/%s", dir, d->d_name);
		/* Symlinked folders are not followed: a loop would never
		 * end, and their targets may lie outside. */
		if (lstat(sub.data, &st) == 0 && S_ISDIR(st.st_mode))
			rc = watch_add_tree(w, sub.data, depth + 1, err);
	}
	closedir(dp);
	buf_release(&sub);
	return rc;
}

static void
watch_settled_cb(evutil_socket_t fd, short what, void *arg)
{
	struct watch *w = arg;

	(void)fd;
	(void)what;
	w->fn(w->arg);
}

static void
watch_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct watch *w = arg;
	char events[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	bool changed = false;

	(void)what;
	while ((n = read(fd, events, sizeof(events))) > 0)
		changed = true;
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		log_errno("reading inotify events");
	/* Every new change restarts the wait: one reload per burst. */
	if (changed)
		evtimer_add(w->settle_ev, &w->debounce);
}

int
watch_rescan(struct watch *w, struct buf *err)
{
	/* Adding a watch twice is harmless and folders that went away
	 * dropped theirs: the same descriptor keeps every event queued. */
	return watch_add_tree(w, w->root, 0, err);
}

static int
watch_open(struct watch *w, struct buf *err)
{
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		buf_printf(err, "inotify: %s", strerror(errno));
		return -1;
	}
	w->read_ev = event_new(w->base, w->fd, EV_READ | EV_PERSIST,
	    watch_read_cb, w);
	if (w->read_ev == NULL || event_add(w->read_ev, NULL) == -1) {
		buf_adds(err, "cannot watch inotify events");
		return -1;
	}
	return watch_rescan(w, err);
}

struct watch *
watch_new(struct event_base *base, const char *root, unsigned debounce_ms,
    watch_fn *fn, void *arg, struct buf *err)
{
	struct watch *w = xcalloc(1, sizeof(*w));

	w->base = base;
	w->root = xstrdup(root);
	w->fd = -1;
	w->fn = fn;
	w->arg = arg;
	w->debounce.tv_sec = debounce_ms / 1000;
	w->debounce.tv_usec = (suseconds_t)(debounce_ms % 1000) * 1000;
	w->settle_ev = evtimer_new(base, watch_settled_cb, w);
	if (w->settle_ev == NULL || watch_open(w, err) == -1) {
		watch_free(w);
		return NULL;
	}
	return w;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	if (w->read_ev != NULL)
		event_free(w->read_ev);
	if (w->settle_ev != NULL)
		event_free(w->settle_ev);
	if (w->fd != -1)
		close(w->fd);
	free(w->root);
	free(w);
}
