/* server: what the event loop shares: config, snapshot, TLS, connections. */
#ifndef CAPSULED_SERVER_H
#define CAPSULED_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#include "config.h"
#include "store.h"

struct conn;
struct listener;
struct watch;

#define SERVER_MAX_LISTENERS	(2 * CONFIG_MAX_LISTEN)

/* What the certificate files were when last loaded. */
struct server_cert_stamp {
	dev_t		dev;
	ino_t		ino;
	time_t		mtime;
	long		mtime_ns;
};

struct server {
	struct config		*config;
	char			*config_path;
	const char		*content_path;	/* "/" once chrooted */
	bool			 chrooted;
	struct event_base	*base;
	SSL_CTX			*tls;
	struct server_cert_stamp cert_stamp[2];	/* cert, key */
	struct watch		*watch;
	struct store		*store;		/* the snapshot now served */
	struct listener		*listeners[SERVER_MAX_LISTENERS];
	size_t			 nlisteners;
	TAILQ_HEAD(, conn)	 conns;
	size_t			 nconns;
	bool			 paused;	/* accepting stopped */
	bool			 stopping;
	struct event		*resume_ev;	/* accepting again after EMFILE */
	struct event		*signal_evs[5];
	struct event		*stop_ev;	/* drain deadline */
};

/*
 * Loads the config at path, builds the snapshot and TLS context and binds
 * the listeners.  Exits with status 2 on a config error, 1 otherwise.
 * check_only: stop after loading (capsuled -n).
 */
struct server	*server_new(const char *path, bool check_only);
/* Runs the event loop until SIGTERM or SIGINT has drained; returns the
 * exit status. */
int		 server_run(struct server *server);
void		 server_free(struct server *server);

/* For conn.c, which keeps the conns list: a connection was opened /
 * closed. */
void		 server_conn_opened(struct server *server, struct conn *conn);
void		 server_conn_closed(struct server *server, struct conn *conn);
/* For listener.c: accepting failed for lack of descriptors. */
void		 server_accept_backoff(struct server *server);

#endif
