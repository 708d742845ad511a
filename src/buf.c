/* buf: a growable byte buffer and the allocation helpers that abort on OOM. */
#include "buf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
buf_oom(void)
{
	fputs("capsuled: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		buf_oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		buf_oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		buf_oom();
	p = realloc(p, n * size > 0 ? n * size : 1);
	if (p == NULL)
		buf_oom();
	return p;
}

char *
xstrndup(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	bool fresh = b->data == NULL;

	if (extra > SIZE_MAX - b->len - 1)
		buf_oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
	/* The contents are always a valid C string, even when empty. */
	if (fresh)
		b->data[0] = '\0';
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap || b->data == NULL)
		buf_reserve(b, len);
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addn(struct buf *b, char c, size_t n)
{
	buf_reserve(b, n);
	memset(b->data + b->len, c, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_add_uint(struct buf *b, unsigned long long n)
{
	char digits[24];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	buf_add(b, digits + i, sizeof(digits) - i);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

void
buf_clear(struct buf *b)
{
	buf_truncate(b, 0);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (b->data == NULL || len > b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	buf_reserve(b, 0);
	b->data[b->len] = '\0';
	/* What is detached is kept: it should not keep the growth's room. */
	if (b->cap - b->len > 64)
		b->data = xreallocarray(b->data, b->len + 1, 1);
	p = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}
