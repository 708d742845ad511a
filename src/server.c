/* server: start-up, the control loop, reloads, and the workers. */
#include "server.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <openssl/ssl.h>

#include "capsule.h"
#include "capsules.h"
#include "config.h"
#include "conn.h"
#include "gen.h"
#include "heap.h"
#include "hub.h"
#include "limit.h"
#include "listener.h"
#include "log.h"
#include "priv.h"
#include "store.h"
#include "tlsctx.h"
#include "watch.h"
#include "worker.h"

#define SERVER_MAX_WORKERS	64

/* One capsule's content watch. */
struct server_watch {
	struct server		*server;
	char			*name;		/* the capsule's */
	char			*path;		/* the folder watched */
	struct watch		*watch;
};

/*
 * The main thread runs the control loop (signals, reloads, content
 * watching, ticket key rotation); each worker thread runs its own loop
 * with its own listeners and connections.
 */
struct server {
	char			*config_path;
	struct hub		 hub;		/* what the workers share */
	bool			 chrooted;
	struct event_base	*base;		/* the control loop */
	struct server_watch	**watches;	/* one per capsule watched */
	size_t			 nwatches;
	struct listen_spec	*specs;		/* listened on; strings owned */
	size_t			 nspecs;
	struct worker		*workers[SERVER_MAX_WORKERS];
	unsigned		 nworkers;
	size_t			 nclosed_trimmed; /* at the last heap trim */
	struct event		*trim_ev;
	atomic_uint		 workers_done;
	struct event		*worker_done_ev;
	struct event		*signal_evs[6];
	struct event		*stop_ev;	/* the drain deadline */
	struct event		*ticket_ev;	/* ticket key rotation */
	bool			 stopping;
};

/*
 * How long content changes must settle before a reload: an editor's save
 * (a write, a rename) or a copy of many files comes as a burst of events
 * a few milliseconds apart, and each new event starts the wait again.
 * With a reload of 10 000 pages taking under 0.2 s, an edit is served
 * within 0.5 s.
 */
#define SERVER_WATCH_SETTLE_MS	200

/* How often the heap is looked at, and what makes a trim worth it. */
#define SERVER_TRIM_SECONDS	5
#define SERVER_TRIM_CLOSED	1000
#define SERVER_TRIM_QUIET	64

/*
 * After a burst of connections, malloc keeps the memory they used in its
 * arenas (one per worker thread); once the server is quiet again it goes
 * back to the system, so that RSS stays flat over months.  The workers
 * move to fresh threads first: see worker_renew().
 */
static void
server_trim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	size_t closed = atomic_load(&s->hub.nclosed);

	(void)fd;
	(void)what;
	/* Worth it after a burst, or once all is quiet after any work. */
	if (closed == s->nclosed_trimmed || hub_conns(&s->hub) >
	    SERVER_TRIM_QUIET || (closed - s->nclosed_trimmed <
	    SERVER_TRIM_CLOSED && hub_conns(&s->hub) > 0))
		return;
	s->nclosed_trimmed = closed;
	/* CAPSULED_NO_RENEW builds the variant that `make bench-bursts`
	 * weighs the renewal against; releases never set it. */
#ifndef CAPSULED_NO_RENEW
	for (unsigned i = 0; i < s->nworkers && !s->stopping; i++)
		(void)worker_renew(s->workers[i]);
#endif
	heap_trim();
}

/* The hub's at_cap: any thread. */
static void
server_pause_workers(void *arg)
{
	struct server *s = arg;

	for (unsigned i = 0; i < s->nworkers; i++)
		worker_pause(s->workers[i]);
}

/*
 * Settings that take a restart: a reload warns when any of them changed,
 * and keeps the running ports, proxy flags, workers and chroot in the new
 * config; listen, user, group and error_log are read only at start.
 */
static void
server_keep_fixed(const struct config *old, struct config *fresh)
{
	bool changed = old->gopher_port != fresh->gopher_port ||
	    old->gemini_port != fresh->gemini_port ||
	    old->nlisten != fresh->nlisten ||
	    old->gopher_proxy != fresh->gopher_proxy ||
	    old->gemini_proxy != fresh->gemini_proxy ||
	    old->chroot != fresh->chroot || old->workers != fresh->workers ||
	    (old->user == NULL) != (fresh->user == NULL) ||
	    (old->user && strcmp(old->user, fresh->user) != 0) ||
	    (old->group == NULL) != (fresh->group == NULL) ||
	    (old->group && strcmp(old->group, fresh->group) != 0) ||
	    strcmp(old->error_log, fresh->error_log) != 0;

	for (size_t i = 0; !changed && i < old->nlisten; i++)
		changed = strcmp(old->listen[i], fresh->listen[i]) != 0;
	if (changed)
		log_warn("listen, ports, proxy, workers, user, group, chroot "
		    "and error_log changes take a restart; keeping the "
		    "running ones");
	fresh->gopher_port = old->gopher_port;
	fresh->capsules[0].gopher_port = old->gopher_port;
	fresh->gemini_port = old->gemini_port;
	fresh->gopher_proxy = old->gopher_proxy;
	fresh->gemini_proxy = old->gemini_proxy;
	fresh->workers = old->workers;
	fresh->chroot = old->chroot;
}

static void
server_watch_free(struct server_watch *sw)
{
	if (sw == NULL)
		return;
	watch_free(sw->watch);
	free(sw->name);
	free(sw->path);
	free(sw);
}

static void
server_unwatch_all(struct server *s)
{
	for (size_t i = 0; i < s->nwatches; i++)
		server_watch_free(s->watches[i]);
	free(s->watches);
	s->watches = NULL;
	s->nwatches = 0;
}

static void	server_reload(struct server *, bool, const char *);

/* A capsule's content changed and settled: reload that capsule alone. */
static void
server_watch_cb(void *arg)
{
	struct server_watch *sw = arg;

	server_reload(sw->server, true, sw->name);
}

/* The watch of the capsule called name, taken out of the list, or NULL. */
static struct server_watch *
server_take_watch(struct server *s, const char *name)
{
	for (size_t i = 0; i < s->nwatches; i++) {
		struct server_watch *sw = s->watches[i];

		if (sw != NULL && strcmp(sw->name, name) == 0) {
			s->watches[i] = NULL;
			return sw;
		}
	}
	return NULL;
}

/*
 * Watches each capsule's folder: the watches of capsules whose folder did
 * not move are kept (one may be the watch whose callback runs now), new
 * ones are made, and those of capsules gone are dropped.
 */
static void
server_sync_watches(struct server *s)
{
	const struct gen *g = s->hub.gen;
	struct server_watch **fresh;
	struct buf err = BUF_INIT;
	size_t n = 0;

	if (!g->config->watch || s->stopping) {
		server_unwatch_all(s);
		return;
	}
	fresh = xcalloc(g->ncapsules, sizeof(*fresh));
	for (size_t i = 0; i < g->ncapsules; i++) {
		const struct capsule *c = g->capsules[i];
		struct server_watch *sw = server_take_watch(s, c->config.name);
		/* Chrooted, the one capsule's folder is the root. */
		const char *path = s->chrooted ? "/" : c->content_path;

		if (sw != NULL && strcmp(sw->path, path) != 0) {
			server_watch_free(sw);
			sw = NULL;
		}
		if (sw == NULL) {
			sw = xcalloc(1, sizeof(*sw));
			sw->server = s;
			sw->name = xstrdup(c->config.name);
			sw->path = xstrdup(path);
			sw->watch = watch_new(s->base, sw->path,
			    SERVER_WATCH_SETTLE_MS, server_watch_cb, sw, &err);
			if (sw->watch == NULL) {
				log_warn("capsule %s: content changes will need "
				    "SIGHUP: %s", sw->name, err.data);
				buf_clear(&err);
			}
		}
		fresh[n++] = sw;
	}
	server_unwatch_all(s);
	s->watches = fresh;
	s->nwatches = n;
	buf_release(&err);
}

/* New folders are watched before they are read: a change made after a
 * reload has read them still brings another.  only: that capsule's. */
static void
server_rescan_watches(struct server *s, const char *only)
{
	struct buf err = BUF_INIT;

	for (size_t i = 0; i < s->nwatches; i++) {
		struct server_watch *sw = s->watches[i];

		if (sw->watch == NULL || (only != NULL &&
		    strcmp(only, sw->name) != 0))
			continue;
		if (watch_rescan(sw->watch, &err) == -1) {
			log_warn("capsule %s: content changes: %s", sw->name,
			    err.data);
			buf_clear(&err);
		}
	}
	buf_release(&err);
}

/* Takes the specs cfg asks for, with strings of their own. */
static size_t
server_own_specs(const struct config *cfg, struct listen_spec **out)
{
	struct listen_spec *borrowed;
	size_t n = listener_specs(cfg, &borrowed);

	*out = listener_specs_copy(borrowed, n);
	free(borrowed);
	return n;
}

/*
 * After a reload: capsules added or given another gopher_port get their
 * listeners, removed ones lose theirs (connections in flight finish).  A
 * port that cannot be had is said once, with why, and left out.
 */
static void
server_sync_listeners(struct server *s)
{
	struct listen_spec *want;
	struct buf err = BUF_INIT;
	size_t n = server_own_specs(s->hub.gen->config, &want), kept = 0;
	bool changed = n != s->nspecs;

	for (size_t i = 0; i < n; i++) {
		if (listener_specs_have(s->specs, s->nspecs, &want[i])) {
			want[kept++] = want[i];
			continue;
		}
		changed = true;
		buf_clear(&err);
		if (listener_probe(want[i].addr, want[i].port, &err) == 0) {
			want[kept++] = want[i];
			continue;
		}
		log_error("capsule %s: cannot open gopher port %u: %s%s",
		    want[i].capsule, want[i].port, err.data,
		    want[i].port < 1024 && geteuid() != 0 ? " (a port under "
		    "1024 needs root, which capsuled gave up after starting: "
		    "restart it to open the port)" : "");
		listener_spec_release(&want[i]);
	}
	buf_release(&err);
	if (!changed) {
		listener_specs_free(want, kept);
		return;
	}
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_sync_listeners(s->workers[i], want, kept);
	listener_specs_free(s->specs, s->nspecs);
	s->specs = want;
	s->nspecs = kept;
}

/*
 * A new generation (config and capsules) is built beside the old one and
 * swapped in whole.  A capsule that fails to load keeps serving its old
 * snapshot and certificate while the others take their changes (see
 * capsules_load()); a config that fails keeps everything as it is.
 * Requests in flight keep the generation they hold.  only: a content
 * change in that capsule, which alone is read again.
 */
static void
server_reload(struct server *s, bool content_only, const char *only)
{
	const struct config *old = s->hub.gen->config;
	struct capsules_how how = { false, content_only, only,
	    s->chrooted ? "/" : NULL };
	struct config *cfg = NULL;
	struct buf err = BUF_INIT;
	struct gen *fresh;

	if (!content_only && s->chrooted) {
		log_info("chrooted: reloading the content only");
		how.content_only = content_only = true;
	}
	server_rescan_watches(s, only);
	/* A content-only reload keeps the running config as it is. */
	if (content_only)
		cfg = config_dup(old);
	else if ((cfg = config_load(s->config_path, true, &err)) != NULL)
		server_keep_fixed(old, cfg);
	if (cfg == NULL)
		goto fail;
	if (strcmp(cfg->access_log, old->access_log) != 0 &&
	    log_access_open(cfg->access_log, &err) == -1) {
		log_warn("keeping the old access log: %s", err.data);
		buf_clear(&err);
		free(cfg->access_log);
		cfg->access_log = xstrdup(old->access_log);
	}
	if ((fresh = capsules_load(cfg, s->hub.gen, &how, &err)) == NULL)
		goto fail;
	hub_set_gen(&s->hub, fresh);
	if (!content_only)
		server_sync_listeners(s);
	server_sync_watches(s);
	buf_release(&err);
	return;
fail:
	log_error("reload failed, still serving the old content: %s",
	    buf_str(&err));
	buf_release(&err);
}

/* The hub's worker_done: a worker's thread. */
static void
server_worker_done(void *arg)
{
	struct server *s = arg;

	atomic_fetch_add(&s->workers_done, 1);
	event_active(s->worker_done_ev, EV_TIMEOUT, 0);
}

static void
server_worker_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	if (atomic_load(&s->workers_done) == s->nworkers) {
		if (!s->stopping)
			log_error("the workers stopped by themselves");
		event_base_loopbreak(s->base);
	}
}

static void
server_stop_now_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	log_warn("%zu connections still open after %u s, closing them",
	    hub_conns(&s->hub), s->hub.gen->config->shutdown_timeout);
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_break(s->workers[i]);
}

static void
server_stop(struct server *s, int sig)
{
	struct timeval tv = { (time_t)s->hub.gen->config->shutdown_timeout, 0 };

	if (s->stopping)
		return;
	log_info("stopping on signal %d, %zu connections open", sig,
	    hub_conns(&s->hub));
	s->stopping = true;
	server_unwatch_all(s);
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_stop(s->workers[i]);
	s->stop_ev = evtimer_new(s->base, server_stop_now_cb, s);
	if (s->stop_ev == NULL || evtimer_add(s->stop_ev, &tv) == -1)
		server_stop_now_cb(-1, 0, s);
}

/* How many descriptors the process holds, from /proc. */
static int
server_count_fds(void)
{
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if ((dp = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		n += d->d_name[0] != '.';
	closedir(dp);
	/* Less the one opendir holds. */
	return n - 1;
}

/* SIGUSR2: what the server holds, for operators and the tests; then a
 * line per capsule, each counted since it was first loaded. */
static void
server_log_status(struct server *s)
{
	const struct gen *g = s->hub.gen;

	log_info("status: %zu connections open, %d descriptors, %zu "
	    "connections closed so far, %zu KiB of heap in use, %zu "
	    "capsule%s", hub_conns(&s->hub), server_count_fds(),
	    atomic_load(&s->hub.nclosed), heap_in_use_kib(), g->ncapsules,
	    g->ncapsules == 1 ? "" : "s");
	for (size_t i = 0; i < g->ncapsules; i++) {
		const struct capsule *c = g->capsules[i];

		log_info("status: capsule %s: %zu requests, %zu pages",
		    c->config.name, atomic_load(&c->counts->requests),
		    store_pages(c->store));
	}
}

static void
server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;

	(void)what;
	switch (sig) {
	case SIGHUP:
		server_reload(s, false, NULL);
		break;
	case SIGUSR1:
		log_access_reopen();
		break;
	case SIGUSR2:
		server_log_status(s);
		break;
	default:
		server_stop(s, (int)sig);
		break;
	}
}

static void
server_ticket_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (tlsctx_rotate_tickets() == -1)
		log_error("cannot make a new session ticket key");
}

/* Logs go where the config says before anything else is said. */
static void
server_open_logs(const struct config *cfg)
{
	struct buf err = BUF_INIT;

	if (strcmp(cfg->error_log, "syslog") == 0)
		log_use_syslog();
	if (log_access_open(cfg->access_log, &err) == -1)
		log_fatal(2, "access_log %s", err.data);
	buf_release(&err);
}

/* After the ports are bound and the keys read: root is not needed. */
static void
server_drop_root(struct server *s)
{
	const struct config *cfg = s->hub.gen->config;
	struct buf err = BUF_INIT;
	const char *jail = cfg->chroot ? cfg->content : NULL;

	if (cfg->user == NULL) {
		if (cfg->chroot)
			log_fatal(2, "chroot needs a user to drop to");
		if (geteuid() == 0)
			log_warn("running as root: set user in %s",
			    s->config_path);
		return;
	}
	if (priv_drop(cfg->user, cfg->group, jail, &err) == -1)
		log_fatal(1, "%s", err.data);
	if (jail != NULL)
		s->chrooted = true;
	buf_release(&err);
}

/* Another process on a port would silently share it through
 * SO_REUSEPORT: make sure the ports are free first. */
static void
server_probe_ports(const struct listen_spec *specs, size_t n)
{
	struct buf err = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		if (listener_probe(specs[i].addr, specs[i].port, &err) == -1)
			log_fatal(1, "%s", err.data);
	buf_release(&err);
}

/* Descriptor numbers whose records are made at start, at most. */
#define SERVER_FD_MAP_MAX	16384

/*
 * libevent keeps a small record for each descriptor number a loop has
 * watched, made the first time and kept until the loop ends.  Made one by
 * one as connections come, amid their much larger TLS state, those records
 * pin heap pages that would otherwise go back to the system once the
 * connections close, and each worker met new numbers round after round of
 * 2 000 connections.  So every loop makes them at start, together, for
 * every number a connection may take: eventfds take those numbers, each
 * worker watches them once, and they are closed.  That is twice the
 * connection cap: a closed connection leaves the count at once, but
 * libevent closes its descriptor a loop pass later, so in a burst new
 * connections take numbers past the cap.  Best effort: a number not made
 * now is made when first used, as before.
 */
static void
server_meet_fds(struct server *s, unsigned max_conns)
{
	int upto = (int)(max_conns < SERVER_FD_MAP_MAX / 2 ? 2 * max_conns :
	    SERVER_FD_MAP_MAX) + 64;
	int *fds = xcalloc((size_t)upto, sizeof(*fds));
	int n = 0, fd = -1;

	while (n < upto && fd < upto &&
	    (fd = eventfd(0, EFD_CLOEXEC)) != -1)
		fds[n++] = fd;
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_meet_fds(s->workers[i], fds, (size_t)n);
	while (n > 0)
		close(fds[--n]);
	free(fds);
}

static void
server_start_workers(struct server *s)
{
	const struct config *cfg = s->hub.gen->config;
	unsigned n = cfg->workers;
	struct buf err = BUF_INIT;

	if (n == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		n = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (n > SERVER_MAX_WORKERS)
		n = SERVER_MAX_WORKERS;
	s->nspecs = server_own_specs(cfg, &s->specs);
	server_probe_ports(s->specs, s->nspecs);
	for (unsigned i = 0; i < n; i++) {
		if ((s->workers[i] = worker_new(&s->hub, i, s->specs, s->nspecs,
		    &err)) == NULL)
			log_fatal(1, "%s", err.data);
		s->nworkers++;
	}
	buf_release(&err);
	server_meet_fds(s, cfg->max_connections);
}

/* Appends n bytes as a person reads them: "812 bytes", "3.4 MiB". */
static void
server_size(struct buf *out, size_t n)
{
	if (n < 1024)
		buf_printf(out, "%zu bytes", n);
	else if (n < 1024 * 1024)
		buf_printf(out, "%.1f KiB", (double)n / 1024.0);
	else
		buf_printf(out, "%.1f MiB", (double)n / (1024.0 * 1024.0));
}

/* "capsuled -n": what each capsule holds and what serving it will take. */
static void
server_print_totals(const struct gen *g)
{
	struct store_totals t;
	struct buf line = BUF_INIT;

	for (size_t i = 0; i < g->ncapsules; i++) {
		const struct capsule *c = g->capsules[i];

		buf_clear(&line);
		buf_printf(&line, "capsule %s%s", c->config.name,
		    i == 0 ? " (the default)" : "");
		for (size_t j = 0; j < c->config.naliases; j++)
			buf_printf(&line, "%s%s", j == 0 ? ", also " : " ",
			    c->config.aliases[j]);
		if (c->config.gopher_port != 0)
			buf_printf(&line, "; gopher port %u",
			    c->config.gopher_port);
		else
			buf_adds(&line, "; Gemini only");
		buf_printf(&line, "; content %s", c->content_path);
		printf("%s\n", line.data);
		buf_clear(&line);
		store_totals(c->store, &t);
		buf_printf(&line, "%zu pages (", t.pages);
		server_size(&line, t.md_bytes);
		buf_printf(&line, " of Markdown), %zu files (", t.files);
		server_size(&line, t.file_bytes);
		buf_adds(&line, "); memory estimated ");
		server_size(&line, t.held_bytes);
		printf("%s\n", line.data);
	}
	buf_release(&line);
}

struct server *
server_new(const char *path, bool check_only)
{
	static const int signals[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1,
	    SIGUSR2 };
	struct timeval rotate = { TLSCTX_TICKET_ROTATE, 0 };
	struct timeval trim = { SERVER_TRIM_SECONDS, 0 };
	struct server *s = xcalloc(1, sizeof(*s));
	struct capsules_how how = { check_only, false, NULL, NULL };
	struct buf err = BUF_INIT;
	struct config *cfg;
	struct gen *gen;

	heap_tune();
	s->config_path = xstrdup(path);
	if ((cfg = config_load(path, false, &err)) == NULL)
		log_fatal(2, "%s", err.data);
	if (!check_only)
		server_open_logs(cfg);
	/* Before any context is made: handshakes pick their capsule. */
	if (conn_setup_tls() == -1)
		log_fatal(1, "cannot set up TLS sessions");
	/* capsules_load() frees cfg when it fails. */
	if ((gen = capsules_load(cfg, NULL, &how, &err)) == NULL)
		log_fatal(2, "%s", err.data);
	hub_init(&s->hub, gen);
	s->hub.at_cap = server_pause_workers;
	s->hub.worker_done = server_worker_done;
	s->hub.arg = s;
	if (check_only) {
		server_print_totals(gen);
		buf_release(&err);
		return s;
	}
	/* Workers' loops are woken from the control thread. */
	if (evthread_use_pthreads() == -1)
		log_fatal(1, "libevent has no thread support");
	if (tlsctx_rotate_tickets() == -1)
		log_fatal(1, "cannot make a session ticket key");
	if ((s->base = event_base_new()) == NULL)
		log_fatal(1, "cannot make an event loop");
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		s->signal_evs[i] = evsignal_new(s->base, signals[i],
		    server_signal_cb, s);
		if (s->signal_evs[i] == NULL ||
		    evsignal_add(s->signal_evs[i], NULL) == -1)
			log_fatal(1, "cannot handle signal %d", signals[i]);
	}
	s->worker_done_ev = event_new(s->base, -1, 0, server_worker_done_cb,
	    s);
	s->ticket_ev = event_new(s->base, -1, EV_PERSIST, server_ticket_cb,
	    s);
	s->trim_ev = event_new(s->base, -1, EV_PERSIST, server_trim_cb, s);
	if (s->worker_done_ev == NULL || s->ticket_ev == NULL ||
	    s->trim_ev == NULL || evtimer_add(s->ticket_ev, &rotate) == -1 ||
	    evtimer_add(s->trim_ev, &trim) == -1)
		log_fatal(1, "cannot make events");
	/* A client that goes away must not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	server_start_workers(s);
	server_drop_root(s);
	server_sync_watches(s);
	buf_release(&err);
	return s;
}

int
server_run(struct server *s)
{
	const struct gen *g = s->hub.gen;
	const struct capsule *c = gen_default(g);

	for (unsigned i = 0; i < s->nworkers; i++)
		if (worker_start(s->workers[i]) == -1)
			log_fatal(1, "cannot start worker %u", i);
	for (size_t i = 1; i < g->ncapsules; i++)
		log_info("capsule %s: %s: %zu pages, %zu files; gopher port "
		    "%u", g->capsules[i]->config.name,
		    g->capsules[i]->content_path,
		    store_pages(g->capsules[i]->store),
		    store_files(g->capsules[i]->store),
		    g->capsules[i]->config.gopher_port);
	log_info("capsuled serving %s as %s: %zu pages, %zu files; gopher "
	    "port %u, gemini port %u, %u workers, %zu capsule%s",
	    c->content_path, c->config.name, store_pages(c->store),
	    store_files(c->store), g->config->gopher_port,
	    g->config->gemini_port, s->nworkers, g->ncapsules,
	    g->ncapsules == 1 ? "" : "s");
	if (event_base_dispatch(s->base) == -1) {
		log_error("event loop failed");
		return 1;
	}
	log_info("stopped");
	return 0;
}

void
server_free(struct server *s)
{
	if (s == NULL)
		return;
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_free(s->workers[i]);
	for (size_t i = 0; i < sizeof(s->signal_evs) /
	    sizeof(s->signal_evs[0]); i++)
		if (s->signal_evs[i] != NULL)
			event_free(s->signal_evs[i]);
	if (s->worker_done_ev != NULL)
		event_free(s->worker_done_ev);
	if (s->ticket_ev != NULL)
		event_free(s->ticket_ev);
	if (s->trim_ev != NULL)
		event_free(s->trim_ev);
	if (s->stop_ev != NULL)
		event_free(s->stop_ev);
	server_unwatch_all(s);
	listener_specs_free(s->specs, s->nspecs);
	if (s->hub.gen != NULL)
		hub_release(&s->hub);
	if (s->base != NULL)
		event_base_free(s->base);
	free(s->config_path);
	free(s);
}
