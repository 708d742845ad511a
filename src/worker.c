/* worker: one thread with its own event loop, listeners and connections. */
#include "worker.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "hub.h"
#include "gen.h"
#include "heap.h"
#include "listener.h"
#include "log.h"

/* One listen spec as this worker serves it: up to two sockets ("*" is
 * IPv4 and IPv6). */
struct worker_listen {
	struct listen_spec	 spec;		/* addr and capsule owned */
	struct listener		*made[2];
	int			 nmade;
};

struct worker {
	struct hub		*hub;
	unsigned		 id;
	pthread_t		 thread;
	bool			 started;
	struct event_base	*base;
	struct worker_listen	*listens;
	size_t			 nlistens;
	pthread_mutex_t		 sync_lock;	/* for the two below */
	struct listen_spec	*sync_specs;	/* wanted next, owned */
	size_t			 nsync_specs;
	struct event		*sync_ev;	/* from the main thread */
	struct conn_list	 conns;
	size_t			 nconns;	/* this worker's */
	bool			 paused;	/* accepting stopped */
	bool			 stopping;
	bool			 retiring;	/* the thread ends, not the loop */
	bool			 renewed;	/* runs on a later thread */
	struct event		*resume_ev;	/* try accepting again */
	struct event		*stop_ev;	/* from the main thread */
	struct event		*pause_ev;	/* the cap was reached */
	struct event		*flush_ev;	/* access-log lines, each second */
	struct event		*retire_ev;	/* from the main thread */
};

/* How long accepting pauses when descriptors or the cap run out. */
static const struct timeval worker_backoff = { 1, 0 };
static const struct timeval worker_recheck = { 0, 100 * 1000 };

static bool	worker_make_room(struct worker *, const struct conn *);
static void	worker_close_listeners(struct worker *);

static void
worker_set_accepting(struct worker *w, bool on)
{
	if (w->paused == !on)
		return;
	w->paused = !on;
	for (size_t i = 0; i < w->nlistens; i++)
		for (int j = 0; j < w->listens[i].nmade; j++)
			listener_enable(w->listens[i].made[j], on);
}

static bool
worker_at_cap(struct worker *w)
{
	return hub_at_cap(w->hub);
}

static void
worker_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	if (w->stopping)
		return;
	/* Another worker's connections may be the ones that closed; or
	 * this one's waiting connections may now be old enough to go. */
	if (worker_at_cap(w) && !worker_make_room(w, NULL))
		evtimer_add(w->resume_ev, &worker_recheck);
	else
		worker_set_accepting(w, true);
}

void
worker_accept_backoff(struct worker *w)
{
	worker_set_accepting(w, false);
	evtimer_add(w->resume_ev, &worker_backoff);
}

struct gen *
worker_gen(struct worker *w)
{
	return hub_gen(w->hub);
}

/* Runs in the worker's thread: pause until the count falls below the
 * cap, checking now and then, since any worker's connections may be the
 * ones that close. */
static void
worker_pause_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	if (w->stopping || w->paused || !worker_at_cap(w))
		return;
	if (worker_make_room(w, NULL))
		return;
	worker_set_accepting(w, false);
	evtimer_add(w->resume_ev, &worker_recheck);
}

void
worker_pause(struct worker *w)
{
	event_active(w->pause_ev, EV_TIMEOUT, 0);
}

struct limits *
worker_limits(struct worker *w)
{
	return w->hub->limits;
}

/*
 * Says, at most once a second over all workers, how many connections
 * were closed to make room at the cap since it last said so.
 */
static void
worker_log_evictions(size_t closed)
{
	static atomic_size_t unsaid;
	static _Atomic time_t said_at;
	time_t now = time(NULL), then = said_at;
	size_t n = atomic_fetch_add(&unsaid, closed) + closed;

	if (now == then || !atomic_compare_exchange_strong(&said_at, &then,
	    now))
		return;
	n = atomic_exchange(&unsaid, 0);
	if (n > 0)
		log_warn("connection cap reached: closed %zu connection%s "
		    "that had sent no request", n, n == 1 ? "" : "s");
}

/*
 * At the cap, the connections that have waited longest without a whole
 * request make room for new ones, as an overloaded server shortens idle
 * deadlines; a batch at a time, so that the next clients get in without
 * a close each.  Returns whether any was closed.
 */
static bool
worker_make_room(struct worker *w, const struct conn *spare)
{
	size_t closed = conn_evict_waiting(w,
	    hub_max_conns(w->hub) / 64 + 1, spare);

	if (closed > 0)
		worker_log_evictions(closed);
	return closed > 0;
}

void
worker_conn_opened(struct worker *w, struct conn *c)
{
	w->nconns++;
	/* When this worker has no one waiting, every worker is told: those
	 * that do make room, the others pause accepting. */
	if (hub_conn_opened(w->hub) && !worker_make_room(w, c))
		w->hub->at_cap(w->hub->arg);
}

void
worker_conn_closed(struct worker *w, struct conn *c)
{
	(void)c;
	w->nconns--;
	hub_conn_closed(w->hub);
	if (w->stopping) {
		if (w->nconns == 0)
			event_base_loopbreak(w->base);
		return;
	}
	if (w->paused && !worker_at_cap(w) &&
	    !evtimer_pending(w->resume_ev, NULL))
		worker_set_accepting(w, true);
}

/* Runs in the worker's thread when the main thread asks it to stop. */
static void
worker_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	w->stopping = true;
	/* Closing the sockets, not pausing them: new clients are refused
	 * rather than left waiting in the backlog. */
	worker_close_listeners(w);
	if (w->nconns == 0)
		event_base_loopbreak(w->base);
}

/* Runs in the worker's thread when the main thread renews it. */
static void
worker_retire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	w->retiring = true;
	event_base_loopbreak(w->base);
}

/* Access-log lines wait at most this long in a worker's buffer. */
static const struct timeval worker_flush_every = { 1, 0 };

static void
worker_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	log_access_flush();
	/* What the last second's evictions did not say yet. */
	worker_log_evictions(0);
}

/*
 * A worker's loop.  A TLS connection turns reading and writing on and off
 * several times per handshake: with epoll's change list, the changes made
 * in one pass of the loop go to the kernel once, at its end (a dozen
 * epoll_ctl calls per Gemini request otherwise).  The change list is
 * unsafe only with dup()ed descriptors, which the workers never watch.
 */
static struct event_base *
worker_new_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	if (cfg == NULL)
		return NULL;
	if (event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST)
	    == -1) {
		event_config_free(cfg);
		return NULL;
	}
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

static void
worker_noop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

void
worker_meet_fds(struct worker *w, const int *fds, size_t n)
{
	struct event *ev;

	for (size_t i = 0; i < n; i++) {
		if ((ev = event_new(w->base, fds[i], EV_READ, worker_noop_cb,
		    NULL)) == NULL)
			continue;
		if (event_add(ev, NULL) == 0)
			event_del(ev);
		event_free(ev);
	}
}

static void
worker_listen_release(struct worker_listen *wl)
{
	for (int j = 0; j < wl->nmade; j++)
		listener_free(wl->made[j]);
	listener_spec_release(&wl->spec);
	memset(wl, 0, sizeof(*wl));
}

static void
worker_close_listeners(struct worker *w)
{
	for (size_t i = 0; i < w->nlistens; i++)
		worker_listen_release(&w->listens[i]);
	w->nlistens = 0;
}

/* Opens the worker's own listener for spec; 0, or -1 with the reason. */
static int
worker_listen_add(struct worker *w, const struct listen_spec *spec,
    struct buf *err)
{
	struct worker_listen wl = { *spec, { NULL, NULL }, 0 };

	wl.nmade = listener_open(w, spec->proto, spec->proxy, spec->addr,
	    spec->port, wl.made, 2, err);
	if (wl.nmade == -1)
		return -1;
	wl.spec = listener_spec_copy(spec);
	for (int j = 0; j < wl.nmade; j++)
		listener_enable(wl.made[j], !w->paused);
	w->listens = xreallocarray(w->listens, w->nlistens + 1,
	    sizeof(*w->listens));
	w->listens[w->nlistens++] = wl;
	return 0;
}

/* Opens the worker's own listener for each spec. */
static int
worker_open_listeners(struct worker *w, const struct listen_spec *specs,
    size_t n, struct buf *err)
{
	for (size_t i = 0; i < n; i++)
		if (worker_listen_add(w, &specs[i], err) == -1)
			return -1;
	return 0;
}

/*
 * Runs in the worker's thread after a reload changed the capsules: closes
 * the listeners no capsule wants any more (their connections in flight
 * finish), and opens those of new capsules.
 */
static void
worker_sync_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct listen_spec *specs;
	struct buf err = BUF_INIT;
	size_t n, kept = 0;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&w->sync_lock);
	specs = w->sync_specs;
	n = w->nsync_specs;
	w->sync_specs = NULL;
	w->nsync_specs = 0;
	pthread_mutex_unlock(&w->sync_lock);
	if (w->stopping || specs == NULL) {
		listener_specs_free(specs, n);
		return;
	}
	for (size_t i = 0; i < w->nlistens; i++) {
		if (listener_specs_have(specs, n, &w->listens[i].spec))
			w->listens[kept++] = w->listens[i];
		else {
			if (w->id == 0)
				log_info("closed gopher port %u",
				    w->listens[i].spec.port);
			worker_listen_release(&w->listens[i]);
		}
	}
	w->nlistens = kept;
	for (size_t i = 0; i < n; i++) {
		bool have = false;

		for (size_t j = 0; j < w->nlistens && !have; j++)
			have = listener_spec_equal(&w->listens[j].spec,
			    &specs[i]);
		if (have)
			continue;
		buf_clear(&err);
		if (worker_listen_add(w, &specs[i], &err) == -1) {
			if (w->id == 0)
				log_error("capsule %s: cannot listen on port "
				    "%u: %s", specs[i].capsule, specs[i].port,
				    err.data);
		} else if (w->id == 0)
			log_info("capsule %s: listening on gopher port %u",
			    specs[i].capsule, specs[i].port);
	}
	buf_release(&err);
	listener_specs_free(specs, n);
}

void
worker_sync_listeners(struct worker *w, const struct listen_spec *specs,
    size_t n)
{
	struct listen_spec *copy = listener_specs_copy(specs, n);

	pthread_mutex_lock(&w->sync_lock);
	listener_specs_free(w->sync_specs, w->nsync_specs);
	w->sync_specs = copy;
	w->nsync_specs = n;
	pthread_mutex_unlock(&w->sync_lock);
	event_active(w->sync_ev, EV_TIMEOUT, 0);
}

struct event_base *
worker_base(struct worker *w)
{
	return w->base;
}

unsigned
worker_id(const struct worker *w)
{
	return w->id;
}

struct conn_list *
worker_conns(struct worker *w)
{
	return &w->conns;
}

struct worker *
worker_new(struct hub *hub, unsigned id, const struct listen_spec *specs,
    size_t n, struct buf *err)
{
	struct worker *w = xcalloc(1, sizeof(*w));

	w->hub = hub;
	w->id = id;
	TAILQ_INIT(&w->conns);
	pthread_mutex_init(&w->sync_lock, NULL);
	if ((w->base = worker_new_base()) == NULL) {
		buf_adds(err, "cannot make an event loop");
		goto fail;
	}
	w->resume_ev = evtimer_new(w->base, worker_resume_cb, w);
	w->stop_ev = event_new(w->base, -1, 0, worker_stop_cb, w);
	w->pause_ev = event_new(w->base, -1, 0, worker_pause_cb, w);
	w->flush_ev = event_new(w->base, -1, EV_PERSIST, worker_flush_cb, w);
	w->retire_ev = event_new(w->base, -1, 0, worker_retire_cb, w);
	w->sync_ev = event_new(w->base, -1, 0, worker_sync_cb, w);
	if (w->resume_ev == NULL || w->stop_ev == NULL ||
	    w->pause_ev == NULL || w->flush_ev == NULL ||
	    w->retire_ev == NULL || w->sync_ev == NULL ||
	    event_add(w->flush_ev, &worker_flush_every) == -1) {
		buf_adds(err, "cannot make events");
		goto fail;
	}
	if (worker_open_listeners(w, specs, n, err) == -1)
		goto fail;
	return w;
fail:
	worker_free(w);
	return NULL;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	/* A renewed worker: its arena's free top goes back first. */
	if (w->renewed)
		heap_trim_own_arena();
	if (event_base_dispatch(w->base) == -1)
		log_error("worker %u: event loop failed", w->id);
	log_access_flush();
	if (!w->retiring)
		w->hub->worker_done(w->hub->arg);
	return NULL;
}

int
worker_start(struct worker *w)
{
	sigset_t all, old;
	int rc;

	/* Signals are the main thread's: the worker blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	w->started = true;
	return 0;
}

/* With no thread running the loop: closes connections and listeners. */
static void
worker_close_all(struct worker *w, const char *why)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&w->conns)) != NULL)
		conn_close(c, why);
	log_access_flush();
	worker_close_listeners(w);
}

/*
 * glibc gives each thread a cache of recently freed small blocks, and
 * keeps them as in use.  After a burst of connections they lie scattered
 * over the pages the burst used, one or two per page, and no trim can
 * give those pages back: RSS creeps up burst after burst.  Only the end
 * of a thread empties its cache into the heap.  The old thread ends
 * before the new one starts, so that the new one takes over its malloc
 * arena instead of making another.
 */
int
worker_renew(struct worker *w)
{
	if (!w->started)
		return -1;
	event_active(w->retire_ev, EV_TIMEOUT, 0);
	pthread_join(w->thread, NULL);
	w->started = false;
	if (!w->retiring)
		return -1;	/* the loop ended by itself, and said so */
	w->retiring = false;
	w->renewed = true;
	if (worker_start(w) == 0)
		return 0;
	/* No thread runs the loop: its clients would wait for nothing.
	 * Close them and the listeners, which leaves the others' SO_REUSEPORT
	 * sockets to take the new clients, and count the worker as ended. */
	log_error("worker %u: cannot start a thread, closing its "
	    "connections and listeners", w->id);
	worker_close_all(w, "worker ended");
	w->hub->worker_done(w->hub->arg);
	return -1;
}

void
worker_stop(struct worker *w)
{
	event_active(w->stop_ev, EV_TIMEOUT, 0);
}

void
worker_break(struct worker *w)
{
	event_base_loopbreak(w->base);
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	if (w->started)
		pthread_join(w->thread, NULL);
	worker_close_all(w, "server stopping");
	if (w->resume_ev != NULL)
		event_free(w->resume_ev);
	if (w->stop_ev != NULL)
		event_free(w->stop_ev);
	if (w->pause_ev != NULL)
		event_free(w->pause_ev);
	if (w->flush_ev != NULL)
		event_free(w->flush_ev);
	if (w->retire_ev != NULL)
		event_free(w->retire_ev);
	if (w->sync_ev != NULL)
		event_free(w->sync_ev);
	free(w->listens);
	listener_specs_free(w->sync_specs, w->nsync_specs);
	pthread_mutex_destroy(&w->sync_lock);
	if (w->base != NULL)
		event_base_free(w->base);
	free(w);
}
