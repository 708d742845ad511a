/* listener: listening sockets for both protocols. */
#include "listener.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/listener.h>

#include "config.h"
#include "conn.h"
#include "log.h"
#include "proto.h"
#include "worker.h"

/*
 * TCP_DEFER_ACCEPT's setting.  Linux turns it into SYN-ACK
 * retransmissions: one, so that a connection that sends nothing reaches
 * accept after LISTENER_DEFER_WAIT seconds (the first retransmission,
 * at the initial RTO of one second), and the request deadline counts it.
 */
#define LISTENER_DEFER_SECONDS	1
/* The kernel caps it at net.core.somaxconn. */
#define LISTENER_BACKLOG	4096

struct listener {
	struct worker		*worker;
	struct evconnlistener	*ev;
	struct conn_spec	 spec;	/* what its connections carry */
};

static void
listener_accept_cb(struct evconnlistener *ev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listener *l = arg;

	(void)ev;
	conn_new(l->worker, fd, sa, (socklen_t)salen, &l->spec);
}

static void
listener_error_cb(struct evconnlistener *ev, void *arg)
{
	struct listener *l = arg;
	int err = EVUTIL_SOCKET_ERROR();

	(void)ev;
	if (err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM) {
		/* Spinning on accept() would not free a descriptor: wait. */
		log_error("accept: %s; pausing", strerror(err));
		worker_accept_backoff(l->worker);
	} else
		log_error("accept: %s", strerror(err));
}

/* Binds one resolved address; returns the listening fd or -1. */
static int
listener_bind(const struct addrinfo *ai, bool reuseport, struct buf *err)
{
	int fd, on = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		buf_printf(err, "socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on,
	    sizeof(on)) == -1) ||
	    (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)) {
		buf_printf(err, "setsockopt: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* Wake accept only once the client has sent something: a Gopher
	 * selector is then usually whole at accept, and a connection that
	 * sends nothing never costs more than the kernel's queue entry. */
	if (reuseport)
		setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT,
		    &(int){ LISTENER_DEFER_SECONDS }, sizeof(int));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, LISTENER_BACKLOG) == -1) {
		buf_printf(err, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static struct listener *
listener_start(struct worker *worker, enum listener_proto proto, bool proxy,
    unsigned port, int fd)
{
	struct listener *l = xcalloc(1, sizeof(*l));

	l->worker = worker;
	l->spec.proto = proto == LISTENER_GEMINI ? &gemini_proto :
	    &gopher_proto;
	l->spec.tls = proto == LISTENER_GEMINI;
	l->spec.proxy = proxy;
	l->spec.port = port;
	l->ev = evconnlistener_new(worker_base(worker), listener_accept_cb, l,
	    LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (l->ev == NULL) {
		close(fd);
		free(l);
		return NULL;
	}
	evconnlistener_set_error_cb(l->ev, listener_error_cb);
	return l;
}

/*
 * Binds every address addr stands for on port.  With worker, each socket
 * becomes a listener stored in out; without, it is only a probe, closed
 * at once.  Returns how many were bound, or -1 with the reason in err.
 */
static int
listener_bind_all(struct worker *worker, enum listener_proto proto,
    bool proxy, const char *addr, unsigned port, struct listener **out,
    size_t max, struct buf *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[16];
	const char *hosts[2];
	size_t nhosts = 0, made = 0;
	int fd, rc;

	if (strcmp(addr, "*") == 0) {
		hosts[nhosts++] = "0.0.0.0";
		hosts[nhosts++] = "::";
	} else
		hosts[nhosts++] = addr;
	snprintf(service, sizeof(service), "%u", port);
	for (size_t i = 0; i < nhosts; i++) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
		if ((rc = getaddrinfo(hosts[i], service, &hints, &res)) != 0) {
			buf_printf(err, "%s: %s", hosts[i], gai_strerror(rc));
			return -1;
		}
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if ((fd = listener_bind(ai, worker != NULL, err)) ==
			    -1) {
				/* A machine without IPv6 still serves IPv4. */
				if (nhosts == 2 && ai->ai_family == AF_INET6 &&
				    made > 0) {
					if (worker == NULL ||
					    worker_id(worker) == 0)
						log_warn("[%s]:%u: %s; IPv6 not "
						    "served", hosts[i], port,
						    buf_str(err));
					buf_clear(err);
					continue;
				}
				buf_printf(err, " (binding %s port %u)",
				    hosts[i], port);
				freeaddrinfo(res);
				return -1;
			}
			if (worker == NULL)
				close(fd);
			else if (made == max || (out[made] = listener_start(
			    worker, proto, proxy, port, fd)) == NULL) {
				buf_printf(err, "cannot listen on %s port %u",
				    hosts[i], port);
				if (made == max)
					close(fd);
				freeaddrinfo(res);
				return -1;
			}
			made++;
			/* One socket per address: the first that binds. */
			break;
		}
		freeaddrinfo(res);
	}
	return (int)made;
}

int
listener_open(struct worker *worker, enum listener_proto proto, bool proxy,
    const char *addr, unsigned port, struct listener **out, size_t max,
    struct buf *err)
{
	return listener_bind_all(worker, proto, proxy, addr, port, out, max,
	    err);
}

size_t
listener_specs(const struct config *cfg, struct listen_spec **out)
{
	size_t naddrs = cfg->nlisten > 0 ? cfg->nlisten : 1, n = 0;
	struct listen_spec *specs = xcalloc(naddrs * (cfg->ncapsules + 1),
	    sizeof(*specs));

	for (size_t i = 0; i < naddrs; i++) {
		const char *addr = cfg->nlisten > 0 ? cfg->listen[i] : "*";

		if (cfg->gemini_port != 0)
			specs[n++] = (struct listen_spec){ LISTENER_GEMINI,
			    cfg->gemini_proxy, addr, cfg->gemini_port,
			    cfg->capsules[0].name, NULL };
		/* [0] is the top level, with the top level's port. */
		for (size_t j = 0; j < cfg->ncapsules; j++)
			if (cfg->capsules[j].gopher_port != 0)
				specs[n++] = (struct listen_spec){
				    LISTENER_GOPHER, cfg->gopher_proxy, addr,
				    cfg->capsules[j].gopher_port,
				    cfg->capsules[j].name, NULL };
	}
	*out = specs;
	return n;
}

struct listen_spec
listener_spec_copy(const struct listen_spec *src)
{
	struct listen_spec d = *src;
	const char *capsule = src->capsule != NULL ? src->capsule : "";
	size_t alen = strlen(src->addr) + 1, clen = strlen(capsule) + 1;

	d.owned = xcalloc(1, alen + clen);
	memcpy(d.owned, src->addr, alen);
	memcpy(d.owned + alen, capsule, clen);
	d.addr = d.owned;
	d.capsule = d.owned + alen;
	return d;
}

void
listener_spec_release(struct listen_spec *spec)
{
	free(spec->owned);
	memset(spec, 0, sizeof(*spec));
}

struct listen_spec *
listener_specs_copy(const struct listen_spec *specs, size_t n)
{
	struct listen_spec *copy = xcalloc(n + 1, sizeof(*copy));

	for (size_t i = 0; i < n; i++)
		copy[i] = listener_spec_copy(&specs[i]);
	return copy;
}

void
listener_specs_free(struct listen_spec *specs, size_t n)
{
	for (size_t i = 0; specs != NULL && i < n; i++)
		listener_spec_release(&specs[i]);
	free(specs);
}

bool
listener_spec_equal(const struct listen_spec *a, const struct listen_spec *b)
{
	return a->proto == b->proto && a->proxy == b->proxy &&
	    a->port == b->port && strcmp(a->addr, b->addr) == 0;
}

bool
listener_specs_have(const struct listen_spec *specs, size_t n,
    const struct listen_spec *spec)
{
	for (size_t i = 0; i < n; i++)
		if (listener_spec_equal(&specs[i], spec))
			return true;
	return false;
}

int
listener_probe(const char *addr, unsigned port, struct buf *err)
{
	return listener_bind_all(NULL, LISTENER_GOPHER, false, addr, port,
	    NULL, 0, err) == -1 ? -1 : 0;
}

void
listener_enable(struct listener *l, bool on)
{
	if (on)
		evconnlistener_enable(l->ev);
	else
		evconnlistener_disable(l->ev);
}

void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	evconnlistener_free(l->ev);
	free(l);
}
