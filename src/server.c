/* server: start-up, the event loop, signals, reload, and shutdown. */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "conn.h"
#include "listener.h"
#include "log.h"
#include "tlsctx.h"

/* How long a stop waits for answers in flight. */
#define SERVER_DRAIN_SECONDS	10
/* How long accepting pauses when descriptors run out. */
#define SERVER_BACKOFF_SECONDS	1

static struct store *
server_build_store(const struct config *cfg, struct buf *err)
{
	struct store_params p = {
		cfg->content, cfg->hostname, cfg->gopher_port,
		cfg->gemini_port, cfg->lang, cfg->wrap,
	};

	return store_build(&p, err);
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
			    LISTENER_GOPHER, addrs[i], port,
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

/*
 * SIGHUP: a new snapshot is built beside the old one and swapped in only
 * if it builds; requests in flight keep the snapshot they hold.
 */
static void
server_reload(struct server *s)
{
	struct buf err = BUF_INIT;
	struct store *fresh;

	log_info("reloading %s", s->config->content);
	if ((fresh = server_build_store(s->config, &err)) == NULL) {
		log_error("reload failed, still serving the old content: %s",
		    err.data);
		buf_release(&err);
		return;
	}
	store_unref(s->store);
	s->store = fresh;
	log_info("reload done: %zu pages, %zu files", store_pages(fresh),
	    store_files(fresh));
	buf_release(&err);
}

static void
server_stop_now_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	log_warn("%zu connections still open after %d s, closing them",
	    s->nconns, SERVER_DRAIN_SECONDS);
	event_base_loopbreak(s->base);
}

static void
server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	struct timeval tv = { SERVER_DRAIN_SECONDS, 0 };

	(void)what;
	if (sig == SIGHUP) {
		server_reload(s);
		return;
	}
	if (s->stopping)
		return;
	log_info("stopping on signal %d, %zu connections open", (int)sig,
	    s->nconns);
	s->stopping = true;
	server_set_accepting(s, false);
	if (s->nconns == 0) {
		event_base_loopbreak(s->base);
		return;
	}
	s->stop_ev = evtimer_new(s->base, server_stop_now_cb, s);
	if (s->stop_ev == NULL || evtimer_add(s->stop_ev, &tv) == -1)
		event_base_loopbreak(s->base);
}

struct server *
server_new(const char *path, bool check_only)
{
	static const int signals[] = { SIGTERM, SIGINT, SIGHUP };
	struct server *s = xcalloc(1, sizeof(*s));
	struct buf err = BUF_INIT;

	TAILQ_INIT(&s->conns);
	s->config_path = xstrndup(path, strlen(path));
	if ((s->config = config_load(path, &err)) == NULL)
		log_fatal(2, "%s", err.data);
	if ((s->store = server_build_store(s->config, &err)) == NULL)
		log_fatal(2, "%s", err.data);
	if (s->config->gemini_port != 0 && (s->tls = tlsctx_new(
	    s->config->cert, s->config->key, &err)) == NULL)
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
	store_unref(s->store);
	SSL_CTX_free(s->tls);
	if (s->base != NULL)
		event_base_free(s->base);
	config_free(s->config);
	free(s->config_path);
	free(s);
}
