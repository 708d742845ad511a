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

#define WORKER_MAX_LISTENERS	32

struct worker {
	struct hub		*hub;
	unsigned		 id;
	pthread_t		 thread;
	bool			 started;
	struct event_base	*base;
	struct listener		*listeners[WORKER_MAX_LISTENERS];
	size_t			 nlisteners;
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

static void
worker_set_accepting(struct worker *w, bool on)
{
	if (w->paused == !on)
		return;
	w->paused = !on;
	for (size_t i = 0; i < w->nlisteners; i++)
		listener_enable(w->listeners[i], on);
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
	for (size_t i = 0; i < w->nlisteners; i++)
		listener_free(w->listeners[i]);
	w->nlisteners = 0;
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

/* Adds a listener to the worker; 0, or -1 when full. */
static int
worker_add_listener(struct worker *w, struct listener *l)
{
	if (w->nlisteners == WORKER_MAX_LISTENERS)
		return -1;
	w->listeners[w->nlisteners++] = l;
	return 0;
}

/* Opens the worker's own listener for each spec. */
static int
worker_open_listeners(struct worker *w, const struct listen_spec *specs,
    size_t n, struct buf *err)
{
	struct listener *made[2];
	int got;

	for (size_t i = 0; i < n; i++) {
		got = listener_open(w, specs[i].proto, specs[i].proxy,
		    specs[i].addr, specs[i].port, made, 2, err);
		if (got == -1)
			return -1;
		for (int j = 0; j < got; j++)
			if (worker_add_listener(w, made[j]) == -1) {
				listener_free(made[j]);
				buf_adds(err, "too many listeners");
				return -1;
			}
	}
	return 0;
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
	if ((w->base = worker_new_base()) == NULL) {
		buf_adds(err, "cannot make an event loop");
		goto fail;
	}
	w->resume_ev = evtimer_new(w->base, worker_resume_cb, w);
	w->stop_ev = event_new(w->base, -1, 0, worker_stop_cb, w);
	w->pause_ev = event_new(w->base, -1, 0, worker_pause_cb, w);
	w->flush_ev = event_new(w->base, -1, EV_PERSIST, worker_flush_cb, w);
	w->retire_ev = event_new(w->base, -1, 0, worker_retire_cb, w);
	if (w->resume_ev == NULL || w->stop_ev == NULL ||
	    w->pause_ev == NULL || w->flush_ev == NULL ||
	    w->retire_ev == NULL ||
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
	for (size_t i = 0; i < w->nlisteners; i++)
		listener_free(w->listeners[i]);
	w->nlisteners = 0;
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
	if (w->base != NULL)
		event_base_free(w->base);
	free(w);
}
