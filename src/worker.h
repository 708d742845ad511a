/* worker: one thread with its own event loop, listeners and connections. */
#ifndef CAPSULED_WORKER_H
#define CAPSULED_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "buf.h"

struct conn;
struct gen;
struct limits;
struct listener;
struct server;

struct worker;
struct hub;
struct listen_spec;

/*
 * Makes a worker that shares hub (which must outlive it) and opens its
 * own SO_REUSEPORT listener for each of the n specs.  Returns it, or NULL
 * with the reason in err.
 */
struct worker	*worker_new(struct hub *hub, unsigned id,
		    const struct listen_spec *specs, size_t n,
		    struct buf *err);
/*
 * Has the worker's loop watch, and at once stop watching, each of the n
 * descriptors, so that libevent makes its record for those numbers now
 * (see server_meet_fds()).  Before the worker starts.
 */
void		 worker_meet_fds(struct worker *w, const int *fds, size_t n);
/*
 * From the main thread, after a reload: the worker is to listen on
 * exactly these n specs (copied), opening the new ones and closing the
 * others, in its own thread; it logs what it could not open.
 */
void		 worker_sync_listeners(struct worker *w,
		    const struct listen_spec *specs, size_t n);
/* Runs the worker's loop in a new thread; 0 or -1. */
int		 worker_start(struct worker *w);
/*
 * From the main thread, while the server is not stopping: moves the
 * worker's loop, its listeners and connections to a new thread, so that
 * the memory the old thread's malloc cache held goes back to the heap.
 * Returns 0, or -1 when the loop had ended or no thread could be made.
 */
int		 worker_renew(struct worker *w);
/* From any thread: stop accepting, finish the answers in flight, end. */
void		 worker_stop(struct worker *w);
/* From any thread: end the loop now, answers in flight or not. */
void		 worker_break(struct worker *w);
/* From any thread: the connection cap is reached, pause accepting. */
void		 worker_pause(struct worker *w);
/* Waits for the thread, closes what is left, frees the worker. */
void		 worker_free(struct worker *w);

/* For conn.c and listener.c: the worker's event loop, its number, and
 * its connections in the order they came. */
struct event_base *worker_base(struct worker *w);
unsigned	 worker_id(const struct worker *w);
struct conn_list *worker_conns(struct worker *w);
/* For conn.c: the generation new connections use (a new reference). */
struct gen	*worker_gen(struct worker *w);
/* For conn.c: the per-address limits shared by every worker. */
struct limits	*worker_limits(struct worker *w);
/*
 * For conn.c: a connection opened / closed on this worker.  At the
 * connection cap, opening one closes the oldest that are still waiting
 * for their request (conn_evict_waiting()), or pauses accepting.
 */
void		 worker_conn_opened(struct worker *w, struct conn *c);
void		 worker_conn_closed(struct worker *w, struct conn *c);
/* For listener.c: descriptors ran out; pause accepting for a while. */
void		 worker_accept_backoff(struct worker *w);

#endif
