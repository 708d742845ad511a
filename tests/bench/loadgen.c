/*
 * loadgen: the benchmark's client.  Opens one connection per request, as
 * Gopher and Gemini clients do, keeps -c of them in flight with epoll,
 * and prints one line of figures.
 *
 *   loadgen -m gopher|gemini -a ADDR -p PORT -q REQUEST [-c N]
 *           [-n COUNT | -t SECONDS] [-r] [-e PREFIX] [-s NAME,NAME...]
 *   loadgen -m gopher|gemini -a ADDR -p PORT -i IDLE
 *
 * -r resumes TLS sessions (tickets); -e checks every answer starts with
 * PREFIX.  -s spreads Gemini connections over the names, in turn: each
 * sends its name as SNI and asks for gemini://NAME/ (instead of REQUEST).
 * -i opens IDLE connections (Gemini: handshake done, nothing sent),
 * prints "idle N", and holds them until its standard input ends.  Gemini
 * runs print the handshakes' p50 and p99 too (connect to handshake done).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

enum slot_state { SLOT_IDLE, SLOT_CONNECTING, SLOT_HANDSHAKE, SLOT_WRITE,
    SLOT_READ };

struct slot {
	int		 fd;
	SSL		*ssl;
	enum slot_state	 state;
	size_t		 sent;
	size_t		 got;
	char		 head[64];
	double		 start;
	char		 req[300];	/* with -s: this connection's */
	size_t		 req_len;
	const char	*name;		/* its SNI */
};

struct opts {
	bool		 gemini;
	struct sockaddr_in addr;
	const char	*request;
	size_t		 request_len;
	int		 concurrency;
	long		 count;
	double		 seconds;
	bool		 resume;
	const char	*expect;
	int		 idle;
	char		*names[1024];	/* -s */
	int		 nnames;
};

static SSL_CTX *ctx;
static SSL_SESSION *session;
static int epfd;
static double *latencies;
static long nlat, latcap, errors, started, resumed;
static double *handshakes;
static long nhs, hscap;

static void
push(double **v, long *n, long *cap, double x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		*v = realloc(*v, (size_t)*cap * sizeof(double));
		if (*v == NULL)
			abort();
	}
	(*v)[(*n)++] = x;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
slot_watch(struct slot *s, int op, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.ptr = s };

	epoll_ctl(epfd, op, s->fd, &ev);
}

static void
slot_close(struct slot *s)
{
	if (s->ssl != NULL) {
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd != -1) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
	}
	s->fd = -1;
	s->state = SLOT_IDLE;
	ERR_clear_error();
}

static void
slot_fail(struct slot *s)
{
	errors++;
	slot_close(s);
}

static void
slot_start(struct slot *s, const struct opts *o)
{
	int one = 1;

	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (s->fd == -1) {
		errors++;
		return;
	}
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->sent = s->got = 0;
	s->start = now();
	s->name = "localhost";
	s->req_len = 0;
	if (o->nnames > 0) {
		s->name = o->names[started % o->nnames];
		s->req_len = (size_t)snprintf(s->req, sizeof(s->req),
		    "gemini://%s/\r\n", s->name);
	}
	started++;
	if (connect(s->fd, (const struct sockaddr *)&o->addr,
	    sizeof(o->addr)) == -1 && errno != EINPROGRESS) {
		slot_fail(s);
		return;
	}
	s->state = SLOT_CONNECTING;
	slot_watch(s, EPOLL_CTL_ADD, EPOLLOUT);
}

/* Maps an SSL result to the events to wait for; -1 on failure. */
static int
slot_ssl_wait(struct slot *s, int rc)
{
	switch (SSL_get_error(s->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		slot_watch(s, EPOLL_CTL_MOD, EPOLLIN);
		return 0;
	case SSL_ERROR_WANT_WRITE:
		slot_watch(s, EPOLL_CTL_MOD, EPOLLOUT);
		return 0;
	default:
		return -1;
	}
}

static void
slot_done(struct slot *s, const struct opts *o)
{
	if (s->got == 0 || (o->expect != NULL && strncmp(s->head, o->expect,
	    strlen(o->expect)) != 0)) {
		slot_fail(s);
		return;
	}
	push(&latencies, &nlat, &latcap, now() - s->start);
	if (s->ssl != NULL && SSL_session_reused(s->ssl))
		resumed++;
	/* Answer the server's close_notify, as clients do: a session not
	 * shut down cleanly is never resumed. */
	if (s->ssl != NULL)
		SSL_shutdown(s->ssl);
	if (o->resume && s->ssl != NULL) {
		SSL_SESSION *fresh = SSL_get1_session(s->ssl);

		/* Keep the last session that can still be resumed. */
		if (fresh != NULL && SSL_SESSION_is_resumable(fresh)) {
			SSL_SESSION_free(session);
			session = fresh;
		} else
			SSL_SESSION_free(fresh);
	}
	slot_close(s);
}

static void
slot_step(struct slot *s, const struct opts *o)
{
	char buf[16384];
	ssize_t n;
	int rc, err;
	socklen_t len = sizeof(err);

	switch (s->state) {
	case SLOT_CONNECTING:
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
		    err != 0) {
			slot_fail(s);
			return;
		}
		if (!o->gemini) {
			s->state = SLOT_WRITE;
			break;
		}
		s->ssl = SSL_new(ctx);
		SSL_set_fd(s->ssl, s->fd);
		SSL_set_tlsext_host_name(s->ssl, s->name);
		if (o->resume && session != NULL)
			SSL_set_session(s->ssl, session);
		s->state = SLOT_HANDSHAKE;
		/* FALLTHROUGH */
	case SLOT_HANDSHAKE:
		if ((rc = SSL_connect(s->ssl)) != 1) {
			if (slot_ssl_wait(s, rc) == -1)
				slot_fail(s);
			return;
		}
		push(&handshakes, &nhs, &hscap, now() - s->start);
		if (o->idle > 0) {
			slot_watch(s, EPOLL_CTL_MOD, 0);
			s->state = SLOT_WRITE;
			s->got = 1;
			return;
		}
		s->state = SLOT_WRITE;
		break;
	default:
		break;
	}
	if (s->state == SLOT_WRITE) {
		const char *req = s->req_len > 0 ? s->req : o->request;
		size_t req_len = s->req_len > 0 ? s->req_len : o->request_len;

		while (s->sent < req_len) {
			if (s->ssl != NULL) {
				rc = SSL_write(s->ssl, req + s->sent,
				    (int)(req_len - s->sent));
				if (rc <= 0) {
					if (slot_ssl_wait(s, rc) == -1)
						slot_fail(s);
					return;
				}
				n = rc;
			} else if ((n = write(s->fd, req + s->sent,
			    req_len - s->sent)) == -1) {
				if (errno == EAGAIN) {
					slot_watch(s, EPOLL_CTL_MOD, EPOLLOUT);
					return;
				}
				slot_fail(s);
				return;
			}
			s->sent += (size_t)n;
		}
		s->state = SLOT_READ;
		slot_watch(s, EPOLL_CTL_MOD, EPOLLIN);
	}
	for (;;) {
		if (s->ssl != NULL) {
			rc = SSL_read(s->ssl, buf, sizeof(buf));
			if (rc <= 0) {
				err = SSL_get_error(s->ssl, rc);
				if (err == SSL_ERROR_ZERO_RETURN)
					break;
				if (err == SSL_ERROR_WANT_READ)
					return;
				/* An EOF without close_notify is an error. */
				slot_fail(s);
				return;
			}
			n = rc;
		} else if ((n = read(s->fd, buf, sizeof(buf))) <= 0) {
			if (n == -1 && errno == EAGAIN)
				return;
			if (n == -1) {
				slot_fail(s);
				return;
			}
			break;
		}
		if (s->got < sizeof(s->head) - 1) {
			size_t k = sizeof(s->head) - 1 - s->got;

			memcpy(s->head + s->got, buf, (size_t)n < k ?
			    (size_t)n : k);
		}
		s->got += (size_t)n;
	}
	slot_done(s, o);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
run_idle(const struct opts *o, struct slot *slots)
{
	struct epoll_event evs[256];
	int ready = 0, n;
	char c;

	for (int i = 0; i < o->idle; i++)
		slot_start(&slots[i], o);
	while (ready + errors < o->idle) {
		n = epoll_wait(epfd, evs, 256, 10000);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			struct slot *s = evs[i].data.ptr;

			if (!o->gemini) {
				slot_watch(s, EPOLL_CTL_MOD, 0);
				s->state = SLOT_WRITE;
				ready++;
				continue;
			}
			slot_step(s, o);
			if (s->state == SLOT_WRITE)
				ready++;
		}
	}
	printf("idle %d errors %ld\n", ready, errors);
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	return 0;
}

static int
usage(void)
{
	fputs("usage: loadgen -m gopher|gemini -a addr -p port -q request "
	    "[-c n] [-n count | -t seconds] [-r] [-e prefix] [-s names] "
	    "[-i idle]\n",
	    stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	struct opts o = { .concurrency = 1, .count = 1000 };
	struct epoll_event evs[256];
	struct slot *slots;
	double t0, elapsed;
	int ch, n;
	long done;

	o.addr.sin_family = AF_INET;
	o.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while ((ch = getopt(argc, argv, "m:a:p:q:c:n:t:re:i:s:")) != -1) {
		switch (ch) {
		case 'm':
			o.gemini = strcmp(optarg, "gemini") == 0;
			break;
		case 'a':
			inet_pton(AF_INET, optarg, &o.addr.sin_addr);
			break;
		case 'p':
			o.addr.sin_port = htons((uint16_t)atoi(optarg));
			break;
		case 'q':
			o.request = optarg;
			break;
		case 'c':
			o.concurrency = atoi(optarg);
			break;
		case 'n':
			o.count = atol(optarg);
			break;
		case 't':
			o.seconds = atof(optarg);
			o.count = 0;
			break;
		case 'r':
			o.resume = true;
			break;
		case 'e':
			o.expect = optarg;
			break;
		case 'i':
			o.idle = atoi(optarg);
			break;
		case 's':
			for (char *save = NULL, *w = strtok_r(optarg, ",",
			    &save); w != NULL && o.nnames < 1024;
			    w = strtok_r(NULL, ",", &save))
				o.names[o.nnames++] = w;
			break;
		default:
			return usage();
		}
	}
	if (o.request == NULL && o.idle == 0)
		return usage();
	if (o.request != NULL) {
		/* The request as given, "\r\n" spelled out as escapes. */
		static char req[2048];
		size_t j = 0;

		for (const char *p = o.request; *p && j < sizeof(req) - 1;
		    p++) {
			if (p[0] == '\\' && (p[1] == 'r' || p[1] == 'n' ||
			    p[1] == 't')) {
				req[j++] = p[1] == 'r' ? '\r' : p[1] == 'n' ?
				    '\n' : '\t';
				p++;
			} else
				req[j++] = *p;
		}
		o.request = req;
		o.request_len = j;
	}
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
	epfd = epoll_create1(0);
	n = o.idle > 0 ? o.idle : o.concurrency;
	slots = calloc((size_t)n, sizeof(*slots));
	for (int i = 0; i < n; i++)
		slots[i].fd = -1;
	if (o.idle > 0)
		return run_idle(&o, slots);
	t0 = now();
	for (int i = 0; i < o.concurrency; i++)
		if (o.count == 0 || started < o.count)
			slot_start(&slots[i], &o);
	for (;;) {
		done = nlat + errors;
		if (o.count > 0 && done >= o.count)
			break;
		if (o.count == 0 && now() - t0 >= o.seconds && started == done)
			break;
		n = epoll_wait(epfd, evs, 256, 5000);
		if (n <= 0) {
			fprintf(stderr, "loadgen: no progress for 5 s\n");
			break;
		}
		for (int i = 0; i < n; i++) {
			struct slot *s = evs[i].data.ptr;

			slot_step(s, &o);
			if (s->state == SLOT_IDLE && ((o.count > 0 &&
			    started < o.count) || (o.count == 0 &&
			    now() - t0 < o.seconds)))
				slot_start(s, &o);
		}
	}
	elapsed = now() - t0;
	qsort(latencies, (size_t)nlat, sizeof(double), cmp_double);
	qsort(handshakes, (size_t)nhs, sizeof(double), cmp_double);
	printf("requests %ld errors %ld seconds %.3f rps %.1f p50_us %.0f "
	    "p99_us %.0f resumed %ld hs_p50_us %.0f hs_p99_us %.0f\n", nlat,
	    errors, elapsed, (double)nlat / elapsed,
	    nlat ? latencies[nlat / 2] * 1e6 : 0.0,
	    nlat ? latencies[(nlat * 99) / 100] * 1e6 : 0.0, resumed,
	    nhs ? handshakes[nhs / 2] * 1e6 : 0.0,
	    nhs ? handshakes[(nhs * 99) / 100] * 1e6 : 0.0);
	return 0;
}
