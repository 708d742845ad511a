/* server: start-up, the control loop, reloads, and the workers. */
#ifndef CAPSULED_SERVER_H
#define CAPSULED_SERVER_H

#include <stdbool.h>

struct server;

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

#endif
