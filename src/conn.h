/* conn: one client connection, from accept to close. */
#ifndef CAPSULED_CONN_H
#define CAPSULED_CONN_H

#include <stdbool.h>
#include <sys/socket.h>

struct worker;
struct conn;

/*
 * Takes over the socket fd that worker accepted: reads one request,
 * answers it from the current generation's snapshot, and closes.  gemini: TLS first.  proxy:
 * a PROXY protocol header (v1 or v2) must come first, and the client's
 * address is the one it gives.  On failure the socket is closed at once.
 */
void	conn_new(struct worker *worker, int fd, const struct sockaddr *sa,
	    socklen_t salen, bool gemini, bool proxy);
/*
 * Tears the connection down, wherever it is, and logs the request if one
 * was read.  The one place a connection ends.
 */
void	conn_close(struct conn *conn, const char *why);

#endif
