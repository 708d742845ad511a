/* conn: one client connection, from accept to close. */
#ifndef CAPSULED_CONN_H
#define CAPSULED_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>
#include <sys/socket.h>

struct proto;
struct worker;
struct conn;

/* A worker's connections, oldest first (see worker_conns()). */
TAILQ_HEAD(conn_list, conn);

/* What a listener's connections carry; copied into each connection. */
struct conn_spec {
	const struct proto	*proto;	/* its request line and answers */
	bool			 tls;	/* a TLS session first */
	bool			 proxy;	/* a PROXY header (v1 or v2) first */
	unsigned		 port;	/* the port it came to */
};

/*
 * Takes over the socket fd that worker accepted: reads one request,
 * answers it from the current generation's snapshot, and closes.  With
 * spec->proxy the client's address is the one the PROXY header gives.
 * On failure the socket is closed at once.
 */
void	conn_new(struct worker *worker, int fd, const struct sockaddr *sa,
	    socklen_t salen, const struct conn_spec *spec);
/* Has TLS handshakes pick their capsule by the name the client sends:
 * once, before any connection; 0, or -1 when OpenSSL could not. */
int	conn_setup_tls(void);
/*
 * Tears the connection down, wherever it is, and logs the request if one
 * was read.  The one place a connection ends.
 */
void	conn_close(struct conn *conn, const char *why);
/*
 * Closes up to n of the worker's connections that have waited longest
 * without sending a whole request, to make room at the connection cap;
 * spare (the one that just came, or NULL) and those open for less than
 * half a second are never closed.  Returns how
 * many it closed.  In the worker's thread.
 */
size_t	conn_evict_waiting(struct worker *worker, size_t n,
	    const struct conn *spare);

#endif
