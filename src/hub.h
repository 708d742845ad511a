/* hub: what the workers share with each other and with the main thread. */
#ifndef CAPSULED_HUB_H
#define CAPSULED_HUB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct gen;
struct limits;

/*
 * The current generation, the connection count and cap over all workers,
 * the per-address limits, and two ways to reach the main thread.  The
 * main thread makes it before the workers and frees it after them; each
 * worker holds a pointer to it and nothing of the server's.
 */
struct hub {
	pthread_mutex_t	 gen_lock;
	struct gen	*gen;		/* current, under gen_lock */
	atomic_size_t	 nconns;	/* open, over all workers */
	atomic_size_t	 nclosed;	/* ever closed, over all workers */
	atomic_size_t	 max_conns;	/* the cap, from the generation */
	struct limits	*limits;	/* per client address */
	/* The cap is reached and this worker could not make room: every
	 * worker is told (from any thread). */
	void		(*at_cap)(void *arg);
	/* A worker's loop has ended by itself (from its thread). */
	void		(*worker_done)(void *arg);
	void		*arg;		/* for both */
};

/* Makes the hub with gen (its reference taken over) and empty limits. */
void		 hub_init(struct hub *hub, struct gen *gen);
/* Drops the generation and the limits. */
void		 hub_release(struct hub *hub);
/* The current generation, with a new reference for the caller. */
struct gen	*hub_gen(struct hub *hub);
/* Swaps in fresh (its reference taken over) and its cap; connections
 * keep the generation they hold. */
void		 hub_set_gen(struct hub *hub, struct gen *fresh);
/* Counts a connection in; returns whether the cap is now reached. */
bool		 hub_conn_opened(struct hub *hub);
void		 hub_conn_closed(struct hub *hub);
size_t		 hub_conns(struct hub *hub);
size_t		 hub_max_conns(struct hub *hub);
bool		 hub_at_cap(struct hub *hub);

#endif
