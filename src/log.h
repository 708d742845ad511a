/* log: error, info and debug messages, and the access log. */
#ifndef CAPSULED_LOG_H
#define CAPSULED_LOG_H

#include <stdbool.h>

#include "buf.h"

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Messages above level are dropped; they go to stderr until
 * log_use_syslog() is called. */
void	log_init(enum log_level level);
bool	log_is_debug(void);
/* Sends error and lifecycle messages to syslog (daemon facility). */
void	log_use_syslog(void);
/*
 * Where access-log lines go: "stderr", "syslog", "off", or a file opened
 * for appending.  Returns 0, or -1 with the reason in err (the old
 * destination stays).
 */
int	log_access_open(const char *dest, struct buf *err);
/* Reopens the access-log file (after logrotate moved it); SIGUSR1. */
void	log_access_reopen(void);
/*
 * Lines bound for an access-log file are kept per thread and written when
 * 16 KiB have gathered or when this is called: a thread that logs requests
 * calls it at least every second and before it ends.
 */
void	log_access_flush(void);

void	log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like log_error, with ": " and strerror(errno) appended. */
void	log_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs the message and exits with status (1 at run time, 2 for usage
 * and configuration errors). */
void	log_fatal(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * One access-log line per request:
 *   TIME ADDRESS PROTOCOL "REQUEST" STATUS BYTES MILLISECONDS CAPSULE
 * MILLISECONDS is us, the time from accept to close, written to the
 * microsecond ("3.217"); CAPSULE is the name of the capsule that
 * answered ("-" for none).  The request is written with its quotes, backslashes and control bytes
 * escaped so that one request is always one line.
 */
void	log_access(const char *addr, const char *proto, const char *request,
	    int status, unsigned long long bytes, unsigned long long us,
	    const char *capsule);

#endif
