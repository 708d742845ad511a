/* limit: per-address limits on open connections and on request rate. */
#ifndef CAPSULED_LIMIT_H
#define CAPSULED_LIMIT_H

#include <stdbool.h>

struct limits;

/* A new, empty table, shared by every worker; never NULL. */
struct limits	*limits_new(void);
void		 limits_free(struct limits *l);
/*
 * Counts a connection from addr in; returns false (and counts nothing)
 * when addr has max open already.  Every true is paired with one
 * limits_conn_close().
 */
bool		 limits_conn_open(struct limits *l, const char *addr,
		    unsigned max);
void		 limits_conn_close(struct limits *l, const char *addr);
/*
 * Takes one request from addr's allowance of rate a second (bursts of up
 * to rate); returns true, or false with the whole seconds to wait in
 * *retry.  now is a monotonic time in seconds.
 */
bool		 limits_request(struct limits *l, const char *addr,
		    unsigned rate, double now, unsigned *retry);
/* The monotonic clock in seconds, as limits_request() takes it. */
double		 limits_now(void);
/* How many addresses the table tracks once those idle at now are
 * forgotten (for tests). */
unsigned	 limits_tracked(struct limits *l, double now);

#endif
