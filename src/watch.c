/* watch: noticing changes under content folders (one inotify for all). */
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

/*
 * Every watch shares one inotify instance: the kernel allows a user 128
 * of them (fs.inotify.max_user_instances), and a process serving many
 * capsules watches a folder tree for each.  Used from the control
 * loop's thread only.
 */
struct watch_ref {
	int		 wd;
	unsigned	 refs;		/* watches that hold it */
};

static struct {
	int			 fd;	/* -1 while no watch exists */
	struct event		*read_ev;
	struct watch		**watches;
	size_t			 nwatches;
	struct watch_ref	*refs;	/* sorted by wd */
	size_t			 nrefs;
} watch_inotify = { -1, NULL, NULL, 0, NULL, 0 };

struct watch {
	char			*root;
	int			*wds;	/* its folders', sorted */
	size_t			 nwds;
	struct event		*settle_ev;
	struct timeval		 debounce;
	watch_fn		*fn;
	void			*arg;
};

/* Where wd is in the sorted wds (n of them), or where it would go. */
static size_t
watch_place(const int *wds, size_t n, int wd)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (wds[mid] < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The same in the shared references. */
static size_t
watch_ref_place(int wd)
{
	size_t lo = 0, hi = watch_inotify.nrefs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (watch_inotify.refs[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool
watch_holds(const struct watch *w, int wd)
{
	size_t i = watch_place(w->wds, w->nwds, wd);

	return i < w->nwds && w->wds[i] == wd;
}

/* w now watches wd (once, however often its folder is added). */
static void
watch_hold(struct watch *w, int wd)
{
	size_t i = watch_place(w->wds, w->nwds, wd), j;

	if (i < w->nwds && w->wds[i] == wd)
		return;
	w->wds = xreallocarray(w->wds, w->nwds + 1, sizeof(*w->wds));
	memmove(w->wds + i + 1, w->wds + i, (w->nwds - i) * sizeof(*w->wds));
	w->wds[i] = wd;
	w->nwds++;
	j = watch_ref_place(wd);
	if (j < watch_inotify.nrefs && watch_inotify.refs[j].wd == wd) {
		watch_inotify.refs[j].refs++;
		return;
	}
	watch_inotify.refs = xreallocarray(watch_inotify.refs,
	    watch_inotify.nrefs + 1, sizeof(*watch_inotify.refs));
	memmove(watch_inotify.refs + j + 1, watch_inotify.refs + j,
	    (watch_inotify.nrefs - j) * sizeof(*watch_inotify.refs));
	watch_inotify.refs[j] = (struct watch_ref){ wd, 1 };
	watch_inotify.nrefs++;
}

/* w lets go of its folders; a folder no other watch holds is dropped. */
static void
watch_release_all(struct watch *w)
{
	for (size_t i = 0; i < w->nwds; i++) {
		size_t j = watch_ref_place(w->wds[i]);

		if (j == watch_inotify.nrefs ||
		    watch_inotify.refs[j].wd != w->wds[i] ||
		    --watch_inotify.refs[j].refs > 0)
			continue;
		/* It may be gone already (its folder was removed). */
		(void)inotify_rm_watch(watch_inotify.fd, w->wds[i]);
		memmove(watch_inotify.refs + j, watch_inotify.refs + j + 1,
		    (watch_inotify.nrefs - j - 1) * sizeof(*watch_inotify.refs));
		watch_inotify.nrefs--;
	}
	free(w->wds);
	w->wds = NULL;
	w->nwds = 0;
}

static int
watch_add_tree(struct watch *w, const char *dir, int depth, struct buf *err)
{
	struct buf sub = BUF_INIT;
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int rc = 0, wd;

	if ((wd = inotify_add_watch(watch_inotify.fd, dir, WATCH_EVENTS)) ==
	    -1) {
		buf_printf(err, "watching %s: %s", dir, strerror(errno));
		return -1;
	}
	watch_hold(w, wd);
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

/* Something changed under w: every new change restarts the wait, so
 * that a burst brings one reload. */
static void
watch_changed(struct watch *w)
{
	evtimer_add(w->settle_ev, &w->debounce);
}

static void
watch_read_cb(evutil_socket_t fd, short what, void *arg)
{
	char events[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;

	(void)what;
	(void)arg;
	while ((n = read(fd, events, sizeof(events))) > 0) {
		for (char *p = events; p + sizeof(*ev) <= events + n;
		    p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			/* An overflowed queue lost events: anything may have
			 * changed. */
			for (size_t i = 0; i < watch_inotify.nwatches; i++)
				if ((ev->mask & IN_Q_OVERFLOW) ||
				    watch_holds(watch_inotify.watches[i],
				    ev->wd))
					watch_changed(watch_inotify.watches[i]);
		}
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		log_errno("reading inotify events");
}

int
watch_rescan(struct watch *w, struct buf *err)
{
	/* Adding a watch twice is harmless and folders that went away
	 * dropped theirs: the same descriptor keeps every event queued. */
	return watch_add_tree(w, w->root, 0, err);
}

/* Opens the shared instance for the first watch. */
static int
watch_open(struct event_base *base, struct buf *err)
{
	if (watch_inotify.fd != -1)
		return 0;
	if ((watch_inotify.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) ==
	    -1) {
		buf_printf(err, "inotify: %s", strerror(errno));
		return -1;
	}
	watch_inotify.read_ev = event_new(base, watch_inotify.fd,
	    EV_READ | EV_PERSIST, watch_read_cb, NULL);
	if (watch_inotify.read_ev == NULL ||
	    event_add(watch_inotify.read_ev, NULL) == -1) {
		buf_adds(err, "cannot watch inotify events");
		if (watch_inotify.read_ev != NULL)
			event_free(watch_inotify.read_ev);
		watch_inotify.read_ev = NULL;
		close(watch_inotify.fd);
		watch_inotify.fd = -1;
		return -1;
	}
	return 0;
}

/* The last watch is gone: so is the instance. */
static void
watch_close_if_unused(void)
{
	if (watch_inotify.nwatches > 0 || watch_inotify.fd == -1)
		return;
	event_free(watch_inotify.read_ev);
	watch_inotify.read_ev = NULL;
	close(watch_inotify.fd);
	watch_inotify.fd = -1;
	free(watch_inotify.watches);
	watch_inotify.watches = NULL;
	free(watch_inotify.refs);
	watch_inotify.refs = NULL;
	watch_inotify.nrefs = 0;
}

struct watch *
watch_new(struct event_base *base, const char *root, unsigned debounce_ms,
    watch_fn *fn, void *arg, struct buf *err)
{
	struct watch *w;

	if (watch_open(base, err) == -1) {
		watch_close_if_unused();
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->root = xstrdup(root);
	w->fn = fn;
	w->arg = arg;
	w->debounce.tv_sec = debounce_ms / 1000;
	w->debounce.tv_usec = (suseconds_t)(debounce_ms % 1000) * 1000;
	watch_inotify.watches = xreallocarray(watch_inotify.watches,
	    watch_inotify.nwatches + 1, sizeof(*watch_inotify.watches));
	watch_inotify.watches[watch_inotify.nwatches++] = w;
	if ((w->settle_ev = evtimer_new(base, watch_settled_cb, w)) == NULL) {
		buf_adds(err, "cannot make an event");
		watch_free(w);
		return NULL;
	}
	if (watch_rescan(w, err) == -1) {
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
	watch_release_all(w);
	for (size_t i = 0; i < watch_inotify.nwatches; i++)
		if (watch_inotify.watches[i] == w) {
			watch_inotify.watches[i] =
			    watch_inotify.watches[--watch_inotify.nwatches];
			break;
		}
	if (w->settle_ev != NULL)
		event_free(w->settle_ev);
	free(w->root);
	free(w);
	watch_close_if_unused();
}
