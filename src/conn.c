/* conn: one client connection: read one request line, answer, close.
 * It moves bytes; what they mean is its protocol table's business. */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/queue.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "clock.h"
#include "frame.h"
#include "limit.h"
#include "listener.h"
#include "log.h"
#include "proto.h"
#include "proxy.h"
#include "reply.h"
#include "capsule.h"
#include "gen.h"
#include "store.h"
#include "tlsctx.h"
#include "tlserr.h"
#include "worker.h"

/* What a streamed file reads at a time: the memory it costs. */
#define CONN_CHUNK	(64 * 1024)
/* The most any protocol's request line takes, with its CR LF. */
#define CONN_MAX_READ	(PROTO_MAX_LINE + 2)
/* At the cap, connections younger than this are never closed for room. */
#define CONN_EVICT_GRACE_MS	500
/* How much of an overlong request the access log keeps. */
#define CONN_LOG_TOO_LONG	64

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct worker		*worker;
	struct gen		*gen;		/* what it is served from */
	struct capsule		*capsule;	/* which of gen's: borrowed */
	struct conn_spec	 spec;		/* its listener's */
	int			 fd;		/* owned until bev takes it */
	struct event		*wait_ev;	/* the first bytes */
	struct event		*deadline_ev;	/* the whole request */
	struct bufferevent	*bev;
	bool			 answered;	/* a request was read */
	char			 addr[64];
	struct timespec		 start;		/* the accept, for the log */
	struct store		*store;		/* held while answering */
	struct reply		 reply;
	char			*request;	/* for the access log; owned */
	int			 file_fd;	/* a file being streamed */
	size_t			 sent;		/* written before the bev */
	bool			 exempt;	/* never limited */
	bool			 counted;	/* in the per-address count */
	bool			 over;		/* too many open from there */
	unsigned long long	 bytes;		/* queued for the client */
};

static void	conn_format_addr(struct conn *, const struct sockaddr *,
		    socklen_t);
static void	conn_keep_request(struct conn *, const char *, size_t);
static bool	conn_try_at_once(struct conn *);
static bool	conn_take_partial(struct conn *, const char *, size_t);
static int	conn_frame(struct conn *, const char *, size_t, bool);
static void	conn_read_cb(struct bufferevent *, void *);
static void	conn_write_cb(struct bufferevent *, void *);
static void	conn_event_cb(struct bufferevent *, short, void *);

/* Where a TLS session keeps its connection, for conn_pick_capsule(). */
static int conn_ssl_index = -1;

/*
 * The handshake's hello named a server (or none): the capsule of that
 * name answers, the default when it names no capsule.  In the worker's
 * thread, from OpenSSL's client hello callback.
 */
static SSL_CTX *
conn_pick_capsule(SSL *ssl, const char *name, size_t len)
{
	struct conn *c = SSL_get_ex_data(ssl, conn_ssl_index);
	struct capsule *picked = NULL;

	if (c == NULL)
		return NULL;
	if (name != NULL)
		picked = gen_find(c->gen, name, len);
	c->capsule = picked != NULL ? picked : gen_default(c->gen);
	return c->capsule->tls;
}

int
conn_setup_tls(void)
{
	if (conn_ssl_index == -1 && (conn_ssl_index = SSL_get_ex_new_index(0,
	    NULL, NULL, NULL, NULL)) == -1)
		return -1;
	tlsctx_set_picker(conn_pick_capsule);
	return 0;
}

static void
conn_format_addr(struct conn *c, const struct sockaddr *sa, socklen_t len)
{
	/* c->addr holds any numeric IPv6 address (INET6_ADDRSTRLEN). */
	if (getnameinfo(sa, len, c->addr, sizeof(c->addr), NULL, 0,
	    NI_NUMERICHOST) != 0)
		strcpy(c->addr, "?");
}

/*
 * The client has sent its first bytes: only now does the connection get
 * a bufferevent, and a TLS one its session, so that an idle connection
 * costs this struct and two events.
 */
static void
conn_start_session(struct conn *c, bool reading)
{
	struct worker *w = c->worker;
	const struct config *cfg = c->gen->config;
	struct timeval wto = { (time_t)cfg->write_timeout, 0 };
	SSL *ssl;

	if (c->spec.tls) {
		/* The default capsule's, until the hello names another. */
		if ((ssl = SSL_new(c->capsule->tls)) == NULL ||
		    SSL_set_ex_data(ssl, conn_ssl_index, c) != 1) {
			SSL_free(ssl);
			tlserr_drain(NULL);
			conn_close(c, "cannot make a TLS session");
			return;
		}
		/* On failure libevent 2.1 frees neither the SSL nor fd. */
		c->bev = bufferevent_openssl_socket_new(worker_base(w), c->fd,
		    ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		if (c->bev == NULL)
			SSL_free(ssl);
	} else
		c->bev = bufferevent_socket_new(worker_base(w), c->fd,
		    BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		conn_close(c, "cannot make a bufferevent");
		return;
	}
	c->fd = -1;
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	/* Reading is bounded by the request deadline, writing by progress. */
	bufferevent_set_timeouts(c->bev, NULL, &wto);
	if (!reading)
		return;
	/* Never buffer more than the longest request line and its CR LF:
	 * the framer decides on that many bytes whatever they hold. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, CONN_MAX_READ);
	if (bufferevent_enable(c->bev, EV_READ) == -1)
		conn_close(c, "cannot start reading");
}

/*
 * Counts the connection against its address, once the address is known
 * (after a PROXY header).  One over the limit is still read, and then
 * answered with the protocol's "slow down".
 */
static void
conn_admit(struct conn *c)
{
	const struct config *cfg = c->gen->config;

	if ((c->exempt = config_is_exempt(cfg, c->addr)))
		return;
	c->counted = limits_conn_open(worker_limits(c->worker), c->addr,
	    cfg->max_per_address);
	c->over = !c->counted;
}

/* Whether the request may go on; if not, the reply says when to retry. */
static bool
conn_within_limits(struct conn *c)
{
	const struct config *cfg = c->gen->config;
	unsigned retry = 5;
	char seconds[16];

	if (c->exempt)
		return true;
	if (!c->over && limits_request(worker_limits(c->worker), c->addr,
	    cfg->rate_per_address, limits_now(), &retry))
		return true;
	snprintf(seconds, sizeof(seconds), "%u", retry);
	c->spec.proto->error(&c->reply, REPLY_SLOW_DOWN, seconds);
	return false;
}

/* Reads the PROXY header off the socket; 1 done, 0 wait, -1 refused. */
static int
conn_read_proxy(struct conn *c)
{
	unsigned char head[PROXY_MAX_HEADER];
	struct proxy_info info;
	enum proxy_result r;
	const char *why;
	size_t used;
	ssize_t n;

	n = recv(c->fd, head, sizeof(head), MSG_PEEK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		conn_close(c, n == 0 ? "closed before the PROXY header" :
		    strerror(errno));
		return -1;
	}
	r = proxy_parse(head, (size_t)n, &info, &used, &why);
	if (r == PROXY_NEED_MORE && (size_t)n < sizeof(head))
		return 0;
	if (r != PROXY_DONE) {
		conn_close(c, why ? why : "PROXY header too long");
		return -1;
	}
	/* Take exactly the header: what follows is the client's. */
	if (recv(c->fd, head, used, 0) != (ssize_t)used) {
		conn_close(c, "cannot read the PROXY header");
		return -1;
	}
	if (!info.local)
		conn_format_addr(c, (struct sockaddr *)&info.src, info.srclen);
	conn_admit(c);
	return 1;
}

static void
conn_first_bytes_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->spec.proxy) {
		switch (conn_read_proxy(c)) {
		case -1:
			return;
		case 0:
			event_add(c->wait_ev, NULL);
			return;
		default:
			break;
		}
	}
	event_free(c->wait_ev);
	c->wait_ev = NULL;
	conn_start_session(c, true);
}

static void
conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_close(arg, "read timeout");
}

/*
 * The request deadline as counted from the accept.  The documented
 * deadline counts from the connect: the listener defers accepting a
 * connection that has sent nothing for up to LISTENER_DEFER_WAIT seconds,
 * so that much is taken off.
 */
static struct timeval
conn_deadline(const struct config *cfg)
{
	unsigned seconds = cfg->read_timeout;

	if (seconds > LISTENER_DEFER_WAIT)
		seconds -= LISTENER_DEFER_WAIT;
	return (struct timeval){ (time_t)seconds, 0 };
}

/*
 * Watches the connection until it has sent its request: the deadline for
 * the whole request, and when wait_first the first bytes, before which it
 * gets no bufferevent.  Returns false when it could not, and closed it.
 */
static bool
conn_watch(struct conn *c, bool wait_first)
{
	struct worker *w = c->worker;
	struct timeval rto = conn_deadline(c->gen->config);

	c->deadline_ev = evtimer_new(worker_base(w), conn_deadline_cb, c);
	if (c->deadline_ev == NULL || evtimer_add(c->deadline_ev, &rto) == -1)
		goto fail;
	if (!wait_first)
		return true;
	c->wait_ev = event_new(worker_base(w), c->fd, EV_READ, conn_first_bytes_cb,
	    c);
	if (c->wait_ev != NULL && event_add(c->wait_ev, NULL) != -1)
		return true;
fail:
	conn_close(c, "cannot watch the connection");
	return false;
}

void
conn_new(struct worker *w, int fd, const struct sockaddr *sa,
    socklen_t salen, const struct conn_spec *spec)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->worker = w;
	c->gen = worker_gen(w);
	c->spec = *spec;
	c->fd = fd;
	/* A Gopher port is one capsule's; Gemini's serves them all. */
	c->capsule = spec->tls ? gen_default(c->gen) : gen_gopher(c->gen,
	    spec->port);
	c->file_fd = -1;
	conn_format_addr(c, sa, salen);
	/* libevent's cached clock is coarse (4 ms steps): the access log's
	 * duration reads the real one. */
	clock_now(&c->start);
	TAILQ_INSERT_TAIL(worker_conns(w), c, entry);
	worker_conn_opened(w, c);
	if (c->capsule == NULL) {
		/* Its capsule went away with a reload; so will the port. */
		conn_close(c, "no capsule serves this port any more");
		return;
	}
	if (!spec->proxy)
		conn_admit(c);
	if (!spec->tls && !spec->proxy && conn_try_at_once(c))
		return;
	conn_watch(c, true);
}

size_t
conn_evict_waiting(struct worker *w, size_t n, const struct conn *spare)
{
	struct conn *c, *next;
	size_t closed = 0;

	/* Connections are in the order they came: the oldest first, and
	 * none younger than the grace, which an honest client may still be
	 * spending on its handshake. */
	for (c = TAILQ_FIRST(worker_conns(w)); c != NULL && closed < n;
	    c = next) {
		next = TAILQ_NEXT(c, entry);
		if (clock_since_us(&c->start) < CONN_EVICT_GRACE_MS * 1000ULL)
			break;
		if (c->answered || c == spare)
			continue;
		conn_close(c, "closed to make room at the connection cap");
		closed++;
	}
	return closed;
}

static void
conn_drop_store_cb(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	store_unref(arg);
}

/* Opens a file to stream and checks it is still the one scanned. */
static int
conn_open_file(const struct store_entry *e)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO put in the file's place would hold the open,
	 * and the worker's loop with it, until someone wrote to it.  Reads of
	 * a regular file do not heed the flag. */
	if ((fd = open(e->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_dev != e->dev ||
	    st.st_ino != e->ino || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/*
 * Queues the parts of e, less the first skip bytes, by reference to the
 * snapshot, which each part holds until it is sent.
 */
static int
conn_add_parts(struct conn *c, struct evbuffer *out,
    const struct store_entry *e, size_t skip)
{
	for (unsigned i = 0; i < e->nparts; i++) {
		const struct store_part *p = &e->part[i];

		if (skip >= p->len) {
			skip -= p->len;
			continue;
		}
		store_ref(c->store);
		if (evbuffer_add_reference(out, p->data + skip, p->len - skip,
		    conn_drop_store_cb, c->store) == -1) {
			store_unref(c->store);
			return -1;
		}
		c->bytes += p->len - skip;
		skip = 0;
	}
	return 0;
}

/*
 * Queues the reply, less the c->sent bytes written already; the body goes
 * by reference to the snapshot.
 */
static void
conn_send(struct conn *c)
{
	const struct store_entry *e = c->reply.entry;
	size_t head_skip, body_skip;
	struct evbuffer *out;

	if (c->bev == NULL) {
		conn_start_session(c, false);
		if (c->bev == NULL)
			return;
	}
	out = bufferevent_get_output(c->bev);
	if (e != NULL && e->kind == STORE_FILE &&
	    (c->file_fd = conn_open_file(e)) == -1) {
		log_error("%s: %s", e->file, strerror(errno));
		c->spec.proto->error(&c->reply, REPLY_NOT_FOUND, "Not found");
		e = NULL;
	}
	head_skip = c->sent < c->reply.head.len ? c->sent : c->reply.head.len;
	body_skip = c->sent - head_skip;
	c->bytes += c->sent;
	if (c->reply.head.len > head_skip) {
		evbuffer_add(out, c->reply.head.data + head_skip,
		    c->reply.head.len - head_skip);
		c->bytes += c->reply.head.len - head_skip;
	}
	if (e != NULL && conn_add_parts(c, out, e, body_skip) == -1) {
		conn_close(c, "out of memory");
		return;
	}
	bufferevent_setcb(c->bev, NULL, conn_write_cb, conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	if (bufferevent_enable(c->bev, EV_WRITE) == -1)
		conn_close(c, "cannot start writing");
}

/* Reads the next chunk of a streamed file; 1 if more is coming. */
static int
conn_stream_more(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer_iovec vec;
	ssize_t n;

	if (c->file_fd == -1)
		return 0;
	if (evbuffer_reserve_space(out, CONN_CHUNK, &vec, 1) < 1)
		return -1;
	n = read(c->file_fd, vec.iov_base, CONN_CHUNK);
	if (n <= 0) {
		close(c->file_fd);
		c->file_fd = -1;
		return n == 0 ? 0 : -1;
	}
	vec.iov_len = (size_t)n;
	evbuffer_commit_space(out, &vec, 1);
	c->bytes += (unsigned long long)n;
	return 1;
}

/* A request came (or failed): the deadline is over, the snapshot held. */
static void
conn_begin_answer(struct conn *c)
{
	c->answered = true;
	if (c->deadline_ev != NULL)
		evtimer_del(c->deadline_ev);
	c->store = store_ref(c->capsule->store);
	atomic_fetch_add_explicit(&c->capsule->counts->requests, 1,
	    memory_order_relaxed);
}

/* Decides the reply to a request line (len bytes, room for a NUL). */
static void
conn_decide(struct conn *c, char *line, size_t len)
{
	struct proto_ctx ctx;

	conn_begin_answer(c);
	if (!conn_within_limits(c))
		return;
	ctx.store = c->store;
	ctx.hostname = c->capsule->config.name;
	ctx.aliases = c->capsule->config.aliases;
	ctx.naliases = c->capsule->config.naliases;
	ctx.port = c->spec.port;
	c->spec.proto->answer(&ctx, line, len, &c->reply);
}

/*
 * Acts on the bytes received so far (eof: the client closed its side).
 * Returns 1 when a whole line came and the reply is decided (the caller
 * sends it), 0 when more is needed, -1 when the request is over: refused
 * with an answer already queued, or closed.
 */
static int
conn_frame(struct conn *c, const char *data, size_t len, bool eof)
{
	char line[CONN_MAX_READ + 1];
	size_t line_len, used;
	char why[64];

	switch (frame_line(data, len, eof, &c->spec.proto->rules, &line_len,
	    &used)) {
	case FRAME_MORE:
		if (!eof)
			return 0;
		conn_close(c, "closed by the client");
		return -1;
	case FRAME_TOO_LONG:
		conn_keep_request(c, data, len < CONN_LOG_TOO_LONG ? len :
		    CONN_LOG_TOO_LONG);
		conn_begin_answer(c);
		snprintf(why, sizeof(why), "request longer than %zu bytes",
		    c->spec.proto->rules.max);
		c->spec.proto->error(&c->reply, REPLY_BAD_REQUEST, why);
		conn_send(c);
		return -1;
	case FRAME_BARE_LF:
		/* Malformed in a way that gets no answer at all. */
		conn_keep_request(c, data, line_len);
		c->answered = true;
		conn_close(c, "request ended by a bare LF");
		return -1;
	case FRAME_LINE:
		break;
	}
	memcpy(line, data, line_len);
	conn_keep_request(c, line, line_len);
	conn_decide(c, line, line_len);
	return 1;
}

/*
 * A plaintext client sends its request as it connects: when the whole
 * line is already in, the answer is written at once, and when it all fits
 * in the socket's buffer the connection ends without an event or a
 * buffer of its own.  Part of a line goes on the usual way, with what
 * came of it in the bufferevent.  Returns whether the connection was
 * taken care of.
 */
static bool
conn_try_at_once(struct conn *c)
{
	char data[CONN_MAX_READ];
	const struct store_entry *e;
	struct iovec iov[1 + STORE_PARTS];
	size_t total;
	ssize_t n;
	int cnt = 0;

	/* One read takes the line, and anything a client sent after it, so
	 * that closing never resets a connection over unread bytes. */
	n = recv(c->fd, data, sizeof(data), MSG_DONTWAIT);
	if (n <= 0)
		return false;
	switch (conn_frame(c, data, (size_t)n, false)) {
	case -1:
		return true;
	case 0:
		return conn_take_partial(c, data, (size_t)n);
	default:
		break;
	}
	e = c->reply.entry;
	if (e != NULL && e->kind == STORE_FILE) {
		conn_send(c);
		return true;
	}
	if (c->reply.head.len > 0) {
		iov[cnt].iov_base = c->reply.head.data;
		iov[cnt++].iov_len = c->reply.head.len;
	}
	for (unsigned i = 0; e != NULL && i < e->nparts; i++)
		if (e->part[i].len > 0) {
			iov[cnt].iov_base = (void *)(uintptr_t)e->part[i].data;
			iov[cnt++].iov_len = e->part[i].len;
		}
	total = c->reply.head.len + (e != NULL ? e->len : 0);
	n = cnt > 0 ? writev(c->fd, iov, cnt) : 0;
	if (n == (ssize_t)total) {
		c->bytes = total;
		conn_close(c, NULL);
		return true;
	}
	/* The rest waits for the socket, as any other answer does. */
	c->sent = n > 0 ? (size_t)n : 0;
	conn_send(c);
	return true;
}

/*
 * The first read brought len bytes but no end of line: they go into the
 * input of the connection's bufferevent, which reads the rest.
 */
static bool
conn_take_partial(struct conn *c, const char *bytes, size_t len)
{
	struct evbuffer *in;
	int added;

	if (!conn_watch(c, false))
		return true;
	conn_start_session(c, true);
	if (c->bev == NULL)
		return true;
	/* Only the bufferevent adds to its input: the end is frozen. */
	in = bufferevent_get_input(c->bev);
	evbuffer_unfreeze(in, 0);
	added = evbuffer_add(in, bytes, len);
	evbuffer_freeze(in, 0);
	if (added == -1)
		conn_close(c, "out of memory");
	return true;
}

/*
 * Records the request for the access log.  It is copied only once it
 * came, so that a connection waiting for it holds no room for it.
 */
static void
conn_keep_request(struct conn *c, const char *line, size_t len)
{
	free(c->request);
	c->request = xstrndup(line, len);
}

/* Frames what the bufferevent holds; sends a decided reply. */
static void
conn_take_input(struct conn *c, struct bufferevent *bev, bool eof)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = evbuffer_get_length(in);
	const char *data;
	int r;

	if (len > CONN_MAX_READ)
		len = CONN_MAX_READ;
	data = (const char *)evbuffer_pullup(in, (ssize_t)len);
	if (data == NULL && len > 0) {
		conn_close(c, "out of memory");
		return;
	}
	if (data == NULL)
		data = "";
	/* The bytes are framed before the callbacks change: reading stops
	 * once a line is in, one request per connection. */
	r = conn_frame(c, data, len, eof);
	if (r == 1) {
		bufferevent_disable(bev, EV_READ);
		conn_send(c);
	}
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	conn_take_input(arg, bev, false);
}

/* Sends TLS close_notify once the body has drained, then closes. */
static void
conn_finish(struct conn *c)
{
	SSL *ssl;

	if (c->spec.tls && (ssl = bufferevent_openssl_get_ssl(c->bev)) !=
	    NULL) {
		if (SSL_shutdown(ssl) < 0)
			tlserr_drain(NULL);
	}
	conn_close(c, NULL);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	int more;

	if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	if ((more = conn_stream_more(c)) == 1)
		return;
	if (more == -1) {
		conn_close(c, "reading a streamed file failed");
		return;
	}
	conn_finish(c);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	/* The end of the input may end the request line (the protocol's
	 * rules say), or leave it unfinished. */
	if ((what & BEV_EVENT_EOF) && !c->answered) {
		bufferevent_disable(bev, EV_READ);
		conn_take_input(c, bev, true);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		conn_close(c, what & BEV_EVENT_READING ? "read timeout" :
		    "write timeout");
	else if (what & BEV_EVENT_ERROR)
		conn_close(c, "connection error");
	else if (what & BEV_EVENT_EOF)
		conn_close(c, "closed by the client");
}

/* Microseconds since the connection was accepted. */
void
conn_close(struct conn *c, const char *why)
{
	unsigned long err;

	if (c->spec.tls && c->bev != NULL) {
		while ((err = bufferevent_get_openssl_error(c->bev)) != 0)
			if (log_is_debug())
				log_debug("%s: TLS: %s", c->addr,
				    ERR_reason_error_string(err));
		tlserr_drain(NULL);
	}
	if (why != NULL)
		log_debug("%s: %s", c->addr, why);
	if (c->answered)
		log_access(c->addr, c->spec.proto->name,
		    c->request != NULL ? c->request : "",
		    c->spec.proto->log_status(c->reply.status), c->bytes,
		    clock_since_us(&c->start), c->capsule != NULL ?
		    c->capsule->config.name : NULL);
	if (c->file_fd != -1)
		close(c->file_fd);
	if (c->wait_ev != NULL)
		event_free(c->wait_ev);
	if (c->deadline_ev != NULL)
		event_free(c->deadline_ev);
	if (c->fd != -1)
		close(c->fd);
	/* Frees the fd, the SSL, and the references to the snapshot held
	 * by queued bodies. */
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	store_unref(c->store);
	buf_release(&c->reply.head);
	free(c->request);
	if (c->counted)
		limits_conn_close(worker_limits(c->worker), c->addr);
	gen_unref(c->gen);
	TAILQ_REMOVE(worker_conns(c->worker), c, entry);
	worker_conn_closed(c->worker, c);
	free(c);
}
