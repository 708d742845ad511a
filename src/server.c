/* server: start-up, the event loop, signals, reload, and shutdown. */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "conn.h"
#include "listener.h"
#include "log.h"
#include "priv.h"
#include "tlsctx.h"
#include "watch.h"

/* How long accepting pauses when descriptors run out. */
#define SERVER_BACKOFF_SECONDS	1
/* How long content changes must settle before a reload. */
#define SERVER_WATCH_SETTLE_MS	300

static struct store *
server_build_store(const struct config *cfg, const char *content,
    struct buf *err)
{
	struct store_params p = {
		content, cfg->hostname, cfg->gopher_port, cfg->gemini_port,
		cfg->lang, cfg->wrap,
	};

	return store_build(&p, err);
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
server_cert_changed(const struct server *s, const struct config *cfg)
{
	struct server_cert_stamp now[2];

	if (strcmp(cfg->cert, s->config->cert) != 0 ||
	    strcmp(cfg->key, s->config->key) != 0)
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

static void
server_listen(struct server *s)
{
	static const char *all[] = { "*" };
	const struct config *cfg = s->config;
	const char *const *addrs = cfg->nlisten > 0 ?
	    (const char *const *)cfg->listen : all;
	size_t naddrs = cfg->nlisten > 0 ? cfg->nlisten : 1;
	struct buf err = BUF_INIT;
	int n;

	for (size_t i = 0; i < naddrs; i++) {
		for (int g = 0; g < 2; g++) {
			unsigned port = g ? cfg->gemini_port :
			    cfg->gopher_port;

			if (port == 0)
				continue;
			n = listener_open(s, g ? LISTENER_GEMINI :
			    LISTENER_GOPHER, g ? cfg->gemini_proxy :
			    cfg->gopher_proxy, addrs[i], port,
			    s->listeners + s->nlisteners,
			    SERVER_MAX_LISTENERS - s->nlisteners, &err);
			if (n == -1)
				log_fatal(1, "%s", err.data);
			s->nlisteners += (size_t)n;
		}
	}
	buf_release(&err);
}

static void
server_set_accepting(struct server *s, bool on)
{
	if (s->paused == !on)
		return;
	s->paused = !on;
	for (size_t i = 0; i < s->nlisteners; i++)
		listener_enable(s->listeners[i], on);
}

static void
server_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	if (!s->stopping && s->nconns < s->config->max_connections)
		server_set_accepting(s, true);
}

void
server_accept_backoff(struct server *s)
{
	struct timeval tv = { SERVER_BACKOFF_SECONDS, 0 };

	server_set_accepting(s, false);
	evtimer_add(s->resume_ev, &tv);
}

void
server_conn_opened(struct server *s, struct conn *c)
{
	(void)c;
	if (++s->nconns >= s->config->max_connections)
		server_set_accepting(s, false);
}

void
server_conn_closed(struct server *s, struct conn *c)
{
	(void)c;
	s->nconns--;
	if (s->stopping) {
		if (s->nconns == 0)
			event_base_loopbreak(s->base);
		return;
	}
	if (s->paused && s->nconns < s->config->max_connections &&
	    !evtimer_pending(s->resume_ev, NULL))
		server_set_accepting(s, true);
}

/* Settings that take a restart: the reload keeps the running values. */
static void
server_keep_fixed(const struct config *old, struct config *fresh)
{
	bool changed = old->gopher_port != fresh->gopher_port ||
	    old->gemini_port != fresh->gemini_port ||
	    old->nlisten != fresh->nlisten ||
	    old->gopher_proxy != fresh->gopher_proxy ||
	    old->gemini_proxy != fresh->gemini_proxy ||
	    old->chroot != fresh->chroot ||
	    (old->user == NULL) != (fresh->user == NULL) ||
	    (old->user && strcmp(old->user, fresh->user) != 0) ||
	    strcmp(old->error_log, fresh->error_log) != 0;

	for (size_t i = 0; !changed && i < old->nlisten; i++)
		changed = strcmp(old->listen[i], fresh->listen[i]) != 0;
	if (changed)
		log_warn("listen, ports, proxy, user, chroot and error_log "
		    "changes take a restart; keeping the running ones");
	fresh->gopher_port = old->gopher_port;
	fresh->gemini_port = old->gemini_port;
	fresh->gopher_proxy = old->gopher_proxy;
	fresh->gemini_proxy = old->gemini_proxy;
}

static void	server_watch_cb(void *);

/* Follows the content folder, which a reload may have moved. */
static void
server_watch_content(struct server *s, bool moved)
{
	struct buf err = BUF_INIT;

	if (!s->config->watch) {
		watch_free(s->watch);
		s->watch = NULL;
		return;
	}
	if (s->watch != NULL && !moved) {
		if (watch_rescan(s->watch, &err) == -1)
			log_warn("content changes: %s", err.data);
	} else {
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
 * A new snapshot (and config and certificate, unless only the content
 * changed) is built beside the old one and swapped in only when all of it
 * loads; otherwise the old one keeps serving.  Requests in flight keep
 * the snapshot they hold.
 */
static void
server_reload(struct server *s, bool content_only)
{
	struct config *fresh_cfg = NULL;
	const struct config *cfg = s->config;
	struct buf err = BUF_INIT;
	struct store *fresh;
	SSL_CTX *tls = NULL;
	bool moved = false;

	if (!content_only && s->chrooted) {
		log_info("chrooted: reloading the content only");
		content_only = true;
	}
	if (!content_only) {
		if ((fresh_cfg = config_load(s->config_path, &err)) == NULL)
			goto fail;
		server_keep_fixed(s->config, fresh_cfg);
		cfg = fresh_cfg;
		moved = strcmp(fresh_cfg->content, s->config->content) != 0;
		if (moved)
			s->content_path = fresh_cfg->content;
	}
	if ((fresh = server_build_store(cfg, s->content_path, &err)) == NULL)
		goto fail;
	if (fresh_cfg != NULL && cfg->gemini_port != 0 &&
	    server_cert_changed(s, cfg) &&
	    (tls = server_load_tls(s, cfg, &err)) == NULL) {
		store_unref(fresh);
		goto fail;
	}
	if (fresh_cfg != NULL &&
	    strcmp(fresh_cfg->access_log, s->config->access_log) != 0 &&
	    log_access_open(fresh_cfg->access_log, &err) == -1) {
		log_warn("keeping the old access log: %s", err.data);
		free(fresh_cfg->access_log);
		fresh_cfg->access_log = xstrndup(s->config->access_log,
		    strlen(s->config->access_log));
	}
	store_unref(s->store);
	s->store = fresh;
	if (tls != NULL) {
		/* Sessions in flight hold their own reference to the old
		 * context. */
		SSL_CTX_free(s->tls);
		s->tls = tls;
	}
	if (fresh_cfg != NULL) {
		config_free(s->config);
		s->config = fresh_cfg;
		if (!s->chrooted)
			s->content_path = s->config->content;
	}
	server_watch_content(s, moved);
	log_info("reload done: %zu pages, %zu files%s", store_pages(fresh),
	    store_files(fresh), tls != NULL ? ", new certificate" : "");
	buf_release(&err);
	return;
fail:
	if (moved)
		s->content_path = s->config->content;
	log_error("reload failed, still serving the old content: %s",
	    buf_str(&err));
	config_free(fresh_cfg);
	buf_release(&err);
}

static void
server_watch_cb(void *arg)
{
	server_reload(arg, true);
}

static void
server_stop_now_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	log_warn("%zu connections still open after %u s, closing them",
	    s->nconns, s->config->shutdown_timeout);
	event_base_loopbreak(s->base);
}

static void
server_stop(struct server *s, int sig)
{
	struct timeval tv = { (time_t)s->config->shutdown_timeout, 0 };

	if (s->stopping)
		return;
	log_info("stopping on signal %d, %zu connections open", sig,
	    s->nconns);
	s->stopping = true;
	/* Closing the sockets, not pausing them: new clients are refused
	 * rather than left waiting in the backlog. */
	for (size_t i = 0; i < s->nlisteners; i++)
		listener_free(s->listeners[i]);
	s->nlisteners = 0;
	watch_free(s->watch);
	s->watch = NULL;
	if (s->nconns == 0) {
		event_base_loopbreak(s->base);
		return;
	}
	s->stop_ev = evtimer_new(s->base, server_stop_now_cb, s);
	if (s->stop_ev == NULL || evtimer_add(s->stop_ev, &tv) == -1)
		event_base_loopbreak(s->base);
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
	default:
		server_stop(s, (int)sig);
		break;
	}
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
	const struct config *cfg = s->config;
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
		s->content_path = "/";
	}
	buf_release(&err);
}

struct server *
server_new(const char *path, bool check_only)
{
	static const int signals[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct server *s = xcalloc(1, sizeof(*s));
	struct buf err = BUF_INIT;

	TAILQ_INIT(&s->conns);
	s->config_path = xstrndup(path, strlen(path));
	if ((s->config = config_load(path, &err)) == NULL)
		log_fatal(2, "%s", err.data);
	s->content_path = s->config->content;
	if (!check_only)
		server_open_logs(s->config);
	if ((s->store = server_build_store(s->config, s->content_path,
	    &err)) == NULL)
		log_fatal(2, "%s", err.data);
	if (s->config->gemini_port != 0 &&
	    (s->tls = server_load_tls(s, s->config, &err)) == NULL)
		log_fatal(2, "%s", err.data);
	if (check_only) {
		buf_release(&err);
		return s;
	}
	if ((s->base = event_base_new()) == NULL)
		log_fatal(1, "cannot make an event loop");
	s->resume_ev = evtimer_new(s->base, server_resume_cb, s);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		s->signal_evs[i] = evsignal_new(s->base, signals[i],
		    server_signal_cb, s);
		if (s->signal_evs[i] == NULL ||
		    evsignal_add(s->signal_evs[i], NULL) == -1)
			log_fatal(1, "cannot handle signal %d", signals[i]);
	}
	/* A client that goes away must not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	server_listen(s);
	server_drop_root(s);
	server_watch_content(s, true);
	buf_release(&err);
	return s;
}

int
server_run(struct server *s)
{
	const struct config *cfg = s->config;

	log_info("capsuled serving %s as %s: %zu pages, %zu files; gopher "
	    "port %u, gemini port %u", cfg->content, cfg->hostname,
	    store_pages(s->store), store_files(s->store), cfg->gopher_port,
	    cfg->gemini_port);
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
	struct conn *c;

	if (s == NULL)
		return;
	while ((c = TAILQ_FIRST(&s->conns)) != NULL)
		conn_close(c, "server stopping");
	for (size_t i = 0; i < s->nlisteners; i++)
		listener_free(s->listeners[i]);
	for (size_t i = 0; i < sizeof(s->signal_evs) /
	    sizeof(s->signal_evs[0]); i++)
		if (s->signal_evs[i] != NULL)
			event_free(s->signal_evs[i]);
	if (s->resume_ev != NULL)
		event_free(s->resume_ev);
	if (s->stop_ev != NULL)
		event_free(s->stop_ev);
	watch_free(s->watch);
	store_unref(s->store);
	SSL_CTX_free(s->tls);
	if (s->base != NULL)
		event_base_free(s->base);
	config_free(s->config);
	free(s->config_path);
	free(s);
}
