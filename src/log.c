/* log: error, info and debug messages, and the access log, on stderr. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"

static enum log_level log_level = LOG_LEVEL_INFO;

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

/* Appends the local time as [28/Nov/2026:21:30:00 +0000]. */
static void
log_time(struct buf *b)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%d/%b/%Y:%H:%M:%S %z", &tm) == 0)
		strcpy(stamp, "-");
	buf_printf(b, "[%s] ", stamp);
}

/* Writes the whole line at once, so that threads never interleave. */
static void
log_write(struct buf *b)
{
	buf_addc(b, '\n');
	fwrite(b->data, 1, b->len, stderr);
	fflush(stderr);
	buf_release(b);
}

static void
log_vmsg(enum log_level level, const char *prefix, const char *fmt,
    va_list ap, const char *suffix)
{
	struct buf b = BUF_INIT;
	va_list copy;
	int n;

	if (level > log_level)
		return;
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

void
log_access(const char *addr, const char *proto, const char *request,
    int status, unsigned long long bytes, unsigned long ms)
{
	struct buf b = BUF_INIT;

	log_time(&b);
	buf_printf(&b, "%s %s \"", addr, proto);
	for (const unsigned char *p = (const unsigned char *)request; *p;
	    p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(&b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(&b, "\\x%02x", *p);
		else
			buf_addc(&b, (char)*p);
	}
	buf_printf(&b, "\" %d %llu %lu", status, bytes, ms);
	log_write(&b);
}
