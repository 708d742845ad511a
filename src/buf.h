/* buf: a growable byte buffer, the output sink of every renderer. */
#ifndef CAPSULED_BUF_H
#define CAPSULED_BUF_H

#include <stddef.h>

/*
 * A byte buffer that grows as needed.  The bytes are always followed by a
 * NUL (not counted in len) so that text can be handed to C string functions.
 * Allocation failure is fatal: the process aborts with a message, because a
 * renderer that silently drops output would be worse than no answer.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT	{ NULL, 0, 0 }

/* Makes room for extra more bytes. */
void	buf_reserve(struct buf *b, size_t extra);
/* Appends len bytes of data. */
void	buf_add(struct buf *b, const void *data, size_t len);
/* Appends a NUL-terminated string. */
void	buf_adds(struct buf *b, const char *s);
/* Appends one byte. */
static inline void
buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
/* Appends c n times. */
void	buf_addn(struct buf *b, char c, size_t n);
/* Appends n in decimal (cheaper than buf_printf on hot paths). */
void	buf_add_uint(struct buf *b, unsigned long long n);
/* Appends printf-style formatted text. */
void	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Returns the contents as a C string, "" when nothing was ever added; the
 * pointer lives until the buffer next changes. */
const char *buf_str(const struct buf *b);
/* Forgets the contents but keeps the memory. */
void	buf_clear(struct buf *b);
/* Cuts the contents to len bytes (len <= b->len). */
void	buf_truncate(struct buf *b, size_t len);
/*
 * Hands the bytes over: returns a NUL-terminated string of *len bytes that
 * the caller frees with free(); the buffer is left empty.  Never NULL.
 */
char	*buf_detach(struct buf *b, size_t *len);
/* Frees the memory; the buffer is left empty and usable. */
void	buf_release(struct buf *b);

/* malloc/calloc/strdup that abort on failure, with the same message. */
void	*xmalloc(size_t size);
void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *p, size_t n, size_t size);
char	*xstrndup(const char *s, size_t len);
char	*xstrdup(const char *s);

#endif
