/* log: error, info and debug messages, and the access log, on stderr. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

/* Room for "[28/Nov/2026:21:30:00 +0000] " and its NUL. */
#define LOG_STAMP_MAX	48
/* Room for an access-log line whatever the request (see log_access). */
#define LOG_ACCESS_MAX	4608

static enum log_level log_level = LOG_LEVEL_INFO;
static bool log_syslog;			/* error log to syslog */

enum log_access_kind {
	LOG_ACCESS_STDERR,
	LOG_ACCESS_FILE,
	LOG_ACCESS_SYSLOG,
	LOG_ACCESS_OFF,
};
/* Read by the workers for every request, set by the main thread. */
static _Atomic int log_access_kind = LOG_ACCESS_STDERR;
/*
 * The access-log file.  Once open, its descriptor number never changes
 * and is never closed: reopening puts the new file behind the same number
 * (dup3), so that a worker writing at that moment never writes to a
 * closed, or worse a reused, descriptor.
 */
static _Atomic int log_access_file = -1;
static char *log_access_path;		/* the file, to reopen */

/*
 * Lines for the access-log file, gathered per thread and written a buffer
 * at a time: one write for many requests instead of one each.
 */
#define LOG_PENDING_MAX	16384
static _Thread_local struct {
	size_t	len;
	char	data[LOG_PENDING_MAX];
} log_pending;
_Static_assert(LOG_ACCESS_MAX <= LOG_PENDING_MAX, "a line fits the buffer");

static void
log_open_syslog(void)
{
	static bool open;

	if (!open)
		openlog("capsuled", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	open = true;
}

void
log_use_syslog(void)
{
	log_open_syslog();
	log_syslog = true;
}

/* Opens path as the access-log file; -1 with the reason in err. */
static int
log_access_open_file(const char *path, struct buf *err)
{
	int fd, file = log_access_file;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (file == -1)
		log_access_file = fd;
	else {
		if (dup3(fd, file, O_CLOEXEC) == -1) {
			buf_printf(err, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

int
log_access_open(const char *dest, struct buf *err)
{
	bool file = strcmp(dest, "stderr") != 0 &&
	    strcmp(dest, "syslog") != 0 && strcmp(dest, "off") != 0;

	/* This thread's lines belong to the old destination. */
	log_access_flush();
	if (file && log_access_open_file(dest, err) == -1)
		return -1;
	free(log_access_path);
	log_access_path = NULL;
	if (file) {
		log_access_path = xstrdup(dest);
		log_access_kind = LOG_ACCESS_FILE;
	} else if (strcmp(dest, "syslog") == 0) {
		log_open_syslog();
		log_access_kind = LOG_ACCESS_SYSLOG;
	} else if (strcmp(dest, "off") == 0)
		log_access_kind = LOG_ACCESS_OFF;
	else
		log_access_kind = LOG_ACCESS_STDERR;
	return 0;
}

/* Writes whole lines at once, so that threads and processes sharing the
 * file never interleave. */
static void
log_write_all(int fd, const char *data, size_t len)
{
	if (write(fd, data, len) == -1) {
		/* Nowhere left to say it. */
	}
}

/*
 * The access-log file's health, over all threads: lines lost since it
 * last failed, and when the operator was last told.  A full disk must
 * not silence the log without a word, nor fill the error log either.
 */
#define LOG_FAILURE_EVERY	60	/* seconds between reports */
static atomic_bool log_access_failing;
static atomic_ullong log_access_lost;		/* since it began failing */
static _Atomic time_t log_access_told;		/* last report */

static unsigned long long
log_count_lines(const char *data, size_t len)
{
	unsigned long long n = 0;

	for (const char *p = data; (p = memchr(p, '\n', len -
	    (size_t)(p - data))) != NULL; p++)
		n++;
	return n;
}

/* A write of the access-log file failed with err, losing lines. */
static void
log_access_failed(int err, unsigned long long lines)
{
	unsigned long long lost = atomic_fetch_add(&log_access_lost, lines) +
	    lines;
	time_t now = time(NULL), told = atomic_load(&log_access_told);
	bool first = !atomic_exchange(&log_access_failing, true);

	if (!first && now - told < LOG_FAILURE_EVERY)
		return;
	if (!atomic_compare_exchange_strong(&log_access_told, &told, now))
		return;
	/* Not the path: the main thread may be changing it. */
	log_error("writing the access log: %s; %llu line%s lost so far",
	    strerror(err), lost, lost == 1 ? "" : "s");
}

/* A write succeeded: if writes had failed, say that they work again. */
static void
log_access_recovered(void)
{
	unsigned long long lost;

	if (!atomic_load(&log_access_failing) ||
	    !atomic_exchange(&log_access_failing, false))
		return;
	lost = atomic_exchange(&log_access_lost, 0);
	atomic_store(&log_access_told, 0);
	log_info("writing the access log again; %llu line%s lost", lost,
	    lost == 1 ? "" : "s");
}

void
log_access_flush(void)
{
	int fd = log_access_file;
	ssize_t n;

	if (log_pending.len > 0 && fd != -1) {
		n = write(fd, log_pending.data, log_pending.len);
		if (n == (ssize_t)log_pending.len)
			log_access_recovered();
		else {
			/* A short write kept the lines that went in whole. */
			size_t done = n > 0 ? (size_t)n : 0;

			log_access_failed(n == -1 ? errno : ENOSPC,
			    log_count_lines(log_pending.data + done,
			    log_pending.len - done));
		}
	}
	log_pending.len = 0;
}

/* Writes one whole access-log line (ending in a newline) where it goes. */
static void
log_access_write(const char *line, size_t len)
{
	int kind = log_access_kind;

	switch (kind) {
	case LOG_ACCESS_FILE:
		if (log_pending.len + len > sizeof(log_pending.data))
			log_access_flush();
		memcpy(log_pending.data + log_pending.len, line, len);
		log_pending.len += len;
		break;
	case LOG_ACCESS_SYSLOG:
		syslog(LOG_INFO, "%.*s", (int)len - 1, line);
		break;
	case LOG_ACCESS_STDERR:
		/* Seen at once: what "make run" shows as requests come. */
		log_write_all(STDERR_FILENO, line, len);
		break;
	default:
		break;
	}
}

void
log_access_reopen(void)
{
	struct buf err = BUF_INIT;
	char *path;

	if (log_access_path == NULL)
		return;
	path = xstrdup(log_access_path);
	if (log_access_open(path, &err) == -1)
		log_error("reopening the access log: %s", err.data);
	else
		log_info("access log reopened: %s", path);
	free(path);
	buf_release(&err);
}

void
log_init(enum log_level level)
{
	log_level = level;
}

bool
log_is_debug(void)
{
	return log_level >= LOG_LEVEL_DEBUG;
}

/*
 * The local time as "[28/Nov/2026:21:30:00 +0000] ", formatted once a
 * second per thread: the access log writes it for every request.
 * Returns its length.
 */
static size_t
log_stamp(char out[LOG_STAMP_MAX])
{
	static _Thread_local time_t stamp_second = (time_t)-1;
	static _Thread_local char stamp[LOG_STAMP_MAX];
	static _Thread_local size_t stamp_len;
	time_t now = time(NULL);
	struct tm tm;

	if (now != stamp_second) {
		stamp_len = 0;
		if (localtime_r(&now, &tm) != NULL)
			stamp_len = strftime(stamp, sizeof(stamp),
			    "[%d/%b/%Y:%H:%M:%S %z] ", &tm);
		if (stamp_len == 0)
			stamp_len = (size_t)snprintf(stamp, sizeof(stamp),
			    "[-] ");
		stamp_second = now;
	}
	memcpy(out, stamp, stamp_len);
	return stamp_len;
}

static void
log_time(struct buf *b)
{
	char stamp[LOG_STAMP_MAX];

	buf_add(b, stamp, log_stamp(stamp));
}

/* Ends the message's line and writes it to stderr. */
static void
log_write(struct buf *b)
{
	buf_addc(b, '\n');
	log_write_all(STDERR_FILENO, b->data, b->len);
	buf_release(b);
}

static void
log_vmsg(enum log_level level, const char *prefix, const char *fmt,
    va_list ap, const char *suffix)
{
	static const int priorities[] = {
		LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG,
	};
	struct buf b = BUF_INIT;
	va_list copy;
	int n;

	if (level > log_level)
		return;
	if (!log_syslog)
		log_time(&b);
	buf_adds(&b, prefix);
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n > 0) {
		buf_reserve(&b, (size_t)n);
		vsnprintf(b.data + b.len, (size_t)n + 1, fmt, ap);
		b.len += (size_t)n;
	}
	if (suffix != NULL) {
		buf_adds(&b, ": ");
		buf_adds(&b, suffix);
	}
	if (log_syslog) {
		syslog(priorities[level], "%s", b.data);
		buf_release(&b);
		return;
	}
	log_write(&b);
}

#define LOG_FN(name, level, prefix)					\
void									\
name(const char *fmt, ...)						\
{									\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_vmsg(level, prefix, fmt, ap, NULL);				\
	va_end(ap);							\
}

LOG_FN(log_error, LOG_LEVEL_ERROR, "error: ")
LOG_FN(log_warn, LOG_LEVEL_WARN, "warning: ")
LOG_FN(log_info, LOG_LEVEL_INFO, "")
LOG_FN(log_debug, LOG_LEVEL_DEBUG, "debug: ")

void
log_errno(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_ERROR, "error: ", fmt, ap, err);
	va_end(ap);
}

void
log_fatal(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_ERROR, "fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(status);
}

/*
 * Appends request to line[*len], escaped, while room is left for the
 * rest of the line (tail bytes); a request too long for it ends in "...".
 */
static void
log_escape(char *line, size_t *len, size_t tail, const char *request)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)request;
	size_t n = *len;

	for (; *p != '\0'; p++) {
		if (n + 4 + 3 + tail > LOG_ACCESS_MAX) {
			memcpy(line + n, "...", 3);
			n += 3;
			break;
		}
		if (*p == '"' || *p == '\\') {
			line[n++] = '\\';
			line[n++] = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			line[n++] = '\\';
			line[n++] = 'x';
			line[n++] = hex[*p >> 4];
			line[n++] = hex[*p & 0xf];
		} else
			line[n++] = (char)*p;
	}
	*len = n;
}

/* Appends s to line[*len]; the caller has checked the room. */
static void
log_append(char *line, size_t *len, const char *s)
{
	size_t n = strlen(s);

	memcpy(line + *len, s, n);
	*len += n;
}

/*
 * One line in one buffer on the stack and one write: it runs for every
 * request.  Addresses and protocol names are short (under 64 bytes).
 */
void
log_access(const char *addr, const char *proto, const char *request,
    int status, unsigned long long bytes, unsigned long long us,
    const char *capsule)
{
	/* " 404 18446744073709551615 18446744073709551.615 ", a capsule's
	 * name (253 bytes at most), "\n" and a NUL. */
	enum { TAIL = 72 + 256 };
	char line[LOG_ACCESS_MAX];
	size_t len = 0;
	int n;

	if (log_access_kind == LOG_ACCESS_OFF)
		return;
	if (strlen(addr) + strlen(proto) > 128)
		addr = proto = "?";
	if (capsule == NULL || strlen(capsule) > 253)
		capsule = "-";
	if (log_access_kind != LOG_ACCESS_SYSLOG)
		len = log_stamp(line);
	log_append(line, &len, addr);
	line[len++] = ' ';
	log_append(line, &len, proto);
	log_append(line, &len, " \"");
	log_escape(line, &len, TAIL, request);
	n = snprintf(line + len, TAIL, "\" %d %llu %llu.%03llu %s\n", status,
	    bytes, us / 1000, us % 1000, capsule);
	if (n < 0 || n >= TAIL)
		return;
	log_access_write(line, len + (size_t)n);
}
