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
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <openssl/ssl.h>

#include "config.h"
#include "gen.h"
#include "heap.h"
#include "hub.h"
#include "limit.h"
#include "listener.h"
#include "log.h"
#include "priv.h"
#include "build.h"
#include "store.h"
#include "tlsctx.h"
#include "watch.h"
#include "worker.h"

#define SERVER_MAX_WORKERS	64

/* What the certificate files were when last loaded. */
struct server_cert_stamp {
	dev_t		dev;
	ino_t		ino;
	time_t		mtime;
	long		mtime_ns;
};

/*
 * The main thread runs the control loop (signals, reloads, content
 * watching, ticket key rotation); each worker thread runs its own loop
 * with its own listeners and connections.
 */
struct server {
	char			*config_path;
	struct hub		 hub;		/* what the workers share */
	char			*content_path;	/* "/" once chrooted */
	bool			 chrooted;
	struct server_cert_stamp cert_stamp[2];	/* cert, key */
	struct event_base	*base;		/* the control loop */
	struct watch		*watch;
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

/* How long content changes must settle before a reload. */
#define SERVER_WATCH_SETTLE_MS	300

/* Builds the content; the pages of previous (or NULL) that did not
 * change are shared, not made again. */
static struct store *
server_build_store(const struct config *cfg, const char *content,
    bool check_only, const struct store *previous, struct buf *err)
{
	struct store_params p = {
		content, cfg->hostname, cfg->gopher_port, cfg->gemini_port,
		cfg->lang, cfg->wrap, cfg->source_url, check_only,
		cfg->search_results, cfg->page_max, previous,
	};
	struct store *store = build_snapshot(&p, err);

	/* Parsing left free space between the pages kept: give it back. */
	heap_trim();
	return store;
}

static void
server_cert_stamp(const char *path, struct server_cert_stamp *stamp)
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

/* Whether the certificate or key changed since they were loaded. */
static bool
server_cert_changed(const struct server *s, const struct config *old,
    const struct config *cfg)
{
	struct server_cert_stamp now[2];

	if (strcmp(cfg->cert, old->cert) != 0 ||
	    strcmp(cfg->key, old->key) != 0)
		return true;
	server_cert_stamp(cfg->cert, &now[0]);
	server_cert_stamp(cfg->key, &now[1]);
	return memcmp(now, s->cert_stamp, sizeof(now)) != 0;
}

static SSL_CTX *
server_load_tls(struct server *s, const struct config *cfg, struct buf *err)
{
	SSL_CTX *ctx = tlsctx_new(cfg->cert, cfg->key, err);

	if (ctx != NULL) {
		server_cert_stamp(cfg->cert, &s->cert_stamp[0]);
		server_cert_stamp(cfg->key, &s->cert_stamp[1]);
	}
	return ctx;
}

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
	fresh->gemini_port = old->gemini_port;
	fresh->gopher_proxy = old->gopher_proxy;
	fresh->gemini_proxy = old->gemini_proxy;
	fresh->workers = old->workers;
	fresh->chroot = old->chroot;
}

static void	server_watch_cb(void *);

/* Follows the content folder, which a reload may have moved. */
static void
server_watch_content(struct server *s, bool moved)
{
	struct buf err = BUF_INIT;

	if (!s->hub.gen->config->watch) {
		watch_free(s->watch);
		s->watch = NULL;
		return;
	}
	if (s->watch == NULL || moved) {
		watch_free(s->watch);
		s->watch = watch_new(s->base, s->content_path,
		    SERVER_WATCH_SETTLE_MS, server_watch_cb, s, &err);
		if (s->watch == NULL)
			log_warn("content changes will need SIGHUP: %s",
			    err.data);
	}
	buf_release(&err);
}

/*
 * A new generation (config, snapshot, certificate) is built beside the
 * old one and swapped in only when all of it loads; otherwise the old one
 * keeps serving.  Requests in flight keep the generation they hold.
 */
static void
server_reload(struct server *s, bool content_only)
{
	const struct config *old = s->hub.gen->config;
	struct config *cfg = NULL;
	struct buf err = BUF_INIT;
	struct store *store = NULL;
	SSL_CTX *tls = NULL;
	char *content = NULL;
	bool moved;

	if (!content_only && s->chrooted) {
		log_info("chrooted: reloading the content only");
		content_only = true;
	}
	/* New folders are watched before they are read: a change made
	 * after this reload has read them still brings another. */
	if (s->watch != NULL && watch_rescan(s->watch, &err) == -1) {
		log_warn("content changes: %s", err.data);
		buf_clear(&err);
	}
	/* A content-only reload keeps the running config as it is. */
	if (content_only)
		cfg = config_dup(old);
	else if ((cfg = config_load(s->config_path, &err)) != NULL)
		server_keep_fixed(old, cfg);
	if (cfg == NULL)
		goto fail;
	moved = !s->chrooted && strcmp(cfg->content, old->content) != 0;
	content = xstrndup(s->chrooted ? "/" : cfg->content,
	    strlen(s->chrooted ? "/" : cfg->content));
	if ((store = server_build_store(cfg, content, false,
	    s->hub.gen->store, &err)) == NULL)
		goto fail;
	if (cfg->gemini_port != 0) {
		if (!content_only && server_cert_changed(s, old, cfg)) {
			if ((tls = server_load_tls(s, cfg, &err)) == NULL)
				goto fail;
		} else if (s->hub.gen->tls != NULL) {
			SSL_CTX_up_ref(s->hub.gen->tls);
			tls = s->hub.gen->tls;
		}
	}
	if (strcmp(cfg->access_log, old->access_log) != 0 &&
	    log_access_open(cfg->access_log, &err) == -1) {
		log_warn("keeping the old access log: %s", err.data);
		free(cfg->access_log);
		cfg->access_log = xstrdup(old->access_log);
	}
	log_info("reload done: %zu pages (%zu unchanged, kept), %zu files%s",
	    store_pages(store), store_reused(store), store_files(store),
	    tls != s->hub.gen->tls ? ", new certificate" : "");
	hub_set_gen(&s->hub, gen_new(cfg, store, tls));
	free(s->content_path);
	s->content_path = content;
	server_watch_content(s, moved);
	buf_release(&err);
	return;
fail:
	log_error("reload failed, still serving the old content: %s",
	    buf_str(&err));
	store_unref(store);
	config_free(cfg);
	free(content);
	buf_release(&err);
}

static void
server_watch_cb(void *arg)
{
	server_reload(arg, true);
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
	watch_free(s->watch);
	s->watch = NULL;
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

/* SIGUSR2: what the server holds, for operators and the tests. */
static void
server_log_status(struct server *s)
{
	log_info("status: %zu connections open, %d descriptors, %zu "
	    "connections closed so far, %zu KiB of heap in use",
	    hub_conns(&s->hub), server_count_fds(), atomic_load(&s->hub.nclosed),
	    heap_in_use_kib());
}

static void
server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;

	(void)what;
	switch (sig) {
	case SIGHUP:
		server_reload(s, false);
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
	if (jail != NULL) {
		s->chrooted = true;
		free(s->content_path);
		s->content_path = xstrndup("/", 1);
	}
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
	struct listen_spec specs[LISTENER_MAX_SPECS];
	size_t nspecs = listener_specs(cfg, specs);
	unsigned n = cfg->workers;
	struct buf err = BUF_INIT;

	if (n == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		n = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (n > SERVER_MAX_WORKERS)
		n = SERVER_MAX_WORKERS;
	server_probe_ports(specs, nspecs);
	for (unsigned i = 0; i < n; i++) {
		if ((s->workers[i] = worker_new(&s->hub, i, specs, nspecs,
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

/* "capsuled -n": what the capsule holds and what serving it will take. */
static void
server_print_totals(const struct store *store)
{
	struct store_totals t;
	struct buf line = BUF_INIT;

	store_totals(store, &t);
	buf_printf(&line, "%zu pages (", t.pages);
	server_size(&line, t.md_bytes);
	buf_printf(&line, " of Markdown), %zu files (", t.files);
	server_size(&line, t.file_bytes);
	buf_adds(&line, "); memory estimated ");
	server_size(&line, t.held_bytes);
	printf("%s\n", line.data);
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
	struct buf err = BUF_INIT;
	struct config *cfg;
	struct store *store;
	SSL_CTX *tls = NULL;

	heap_tune();
	s->config_path = xstrdup(path);
	if ((cfg = config_load(path, &err)) == NULL)
		log_fatal(2, "%s", err.data);
	s->content_path = xstrdup(cfg->content);
	if (!check_only)
		server_open_logs(cfg);
	if ((store = server_build_store(cfg, s->content_path,
	    check_only, NULL, &err)) == NULL) {
		config_free(cfg);
		log_fatal(2, "%s", err.data);
	}
	if (cfg->gemini_port != 0 &&
	    (tls = server_load_tls(s, cfg, &err)) == NULL) {
		config_free(cfg);
		store_unref(store);
		log_fatal(2, "%s", err.data);
	}
	hub_init(&s->hub, gen_new(cfg, store, tls));
	s->hub.at_cap = server_pause_workers;
	s->hub.worker_done = server_worker_done;
	s->hub.arg = s;
	if (check_only) {
		server_print_totals(store);
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
	server_watch_content(s, true);
	buf_release(&err);
	return s;
}

int
server_run(struct server *s)
{
	const struct config *cfg = s->hub.gen->config;

	for (unsigned i = 0; i < s->nworkers; i++)
		if (worker_start(s->workers[i]) == -1)
			log_fatal(1, "cannot start worker %u", i);
	log_info("capsuled serving %s as %s: %zu pages, %zu files; gopher "
	    "port %u, gemini port %u, %u workers", cfg->content,
	    cfg->hostname, store_pages(s->hub.gen->store),
	    store_files(s->hub.gen->store), cfg->gopher_port, cfg->gemini_port,
	    s->nworkers);
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
	watch_free(s->watch);
	if (s->hub.gen != NULL)
		hub_release(&s->hub);
	if (s->base != NULL)
		event_base_free(s->base);
	free(s->content_path);
	free(s->config_path);
	free(s);
}
