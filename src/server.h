/* server: start-up, the control loop, reloads, and the workers. */
#ifndef CAPSULED_SERVER_H
#define CAPSULED_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <event2/event.h>

#include "buf.h"

struct gen;
struct limits;
struct watch;
struct worker;

#define SERVER_MAX_WORKERS	64

/* What the certificate files were when last loaded. */
struct server_cert_stamp {
	dev_t		dev;
	ino_t		ino;
	time_t		mtime;
	long		mtime_ns;
};

/*
 * The main thread runs the control loop (signals, reloads, content
 * watching, ticket key rotation); each worker thread runs its own loop
 * with its own listeners and connections.
 */
struct server {
	char			*config_path;
	pthread_mutex_t		 gen_lock;
	struct gen		*gen;		/* current, under gen_lock */
	char			*content_path;	/* "/" once chrooted */
	bool			 chrooted;
	struct server_cert_stamp cert_stamp[2];	/* cert, key */
	struct event_base	*base;		/* the control loop */
	struct watch		*watch;
	struct worker		*workers[SERVER_MAX_WORKERS];
	unsigned		 nworkers;
	atomic_size_t		 nconns;	/* over all workers */
	atomic_size_t		 nclosed;	/* ever, over all workers */
	size_t			 nclosed_trimmed; /* at the last heap trim */
	struct event		*trim_ev;
	atomic_size_t		 max_conns;
	atomic_uint		 workers_done;
	struct event		*worker_done_ev;
	struct event		*signal_evs[6];
	struct event		*stop_ev;	/* the drain deadline */
	struct event		*ticket_ev;	/* ticket key rotation */
	struct limits		*limits;	/* per client address */
	bool			 stopping;
};

/*
 * Loads the config at path, builds the snapshot and TLS context, binds
 * the listeners of every worker and drops root.  Exits with status 2 on
 * a config error, 1 otherwise.  check_only: stop after loading
 * (capsuled -n).
 */
struct server	*server_new(const char *path, bool check_only);
/* Runs the workers and the control loop until SIGTERM or SIGINT has
 * drained; returns the exit status. */
int		 server_run(struct server *server);
void		 server_free(struct server *server);

/* For workers, from any thread: */
/* The current generation, with a new reference for the caller. */
struct gen	*server_gen(struct server *server);
/* Binds a worker's listeners on every configured address and port. */
int		 server_open_listeners(struct server *server,
		    struct worker *w, struct buf *err);
/* Counts a connection in; returns whether the cap is now reached. */
bool		 server_conn_opened(struct server *server);
void		 server_conn_closed(struct server *server);
size_t		 server_conns(struct server *server);
/* The cap is reached: every worker pauses accepting. */
void		 server_pause_workers(struct server *server);
size_t		 server_max_conns(struct server *server);
/* The per-address limits table, shared by all workers. */
struct limits	*server_limits(struct server *server);
/* A worker's loop has ended. */
void		 server_worker_done(struct server *server);

#endif
