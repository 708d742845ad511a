/* wrap: word-wrapping text into lines of a given number of columns. */
#include "wrap.h"

#include <stdbool.h>
#include <string.h>

#include "utf8.h"

/* Fewest columns of text a line keeps whatever its prefix. */
#define WRAP_MIN_TEXT	10

/* The line being filled: a prefix, then text[start, end). */
struct wrap_line {
	const char	*text;
	size_t		 width;
	const char	*prefix;
	size_t		 prefix_len;
	size_t		 prefix_cols;
	const char	*rest_prefix;
	size_t		 start;
	size_t		 end;
	size_t		 cols;		/* columns used, prefix included */
	bool		 empty;
	wrap_emit_fn	*emit;
	void		*ctx;
};

static void
wrap_set_prefix(struct wrap_line *l, const char *prefix)
{
	size_t max = l->width - WRAP_MIN_TEXT;

	l->prefix = prefix;
	l->prefix_len = strlen(prefix);
	l->prefix_cols = utf8_columns(prefix, l->prefix_len);
	if (l->prefix_cols > max) {
		l->prefix_len = utf8_prefix_for_columns(prefix, l->prefix_len,
		    max);
		l->prefix_cols = max;
	}
	l->cols = l->prefix_cols;
	l->empty = true;
}

static void
wrap_flush(struct wrap_line *l)
{
	l->emit(l->ctx, l->prefix, l->prefix_len, l->text + l->start,
	    l->empty ? 0 : l->end - l->start);
	wrap_set_prefix(l, l->rest_prefix);
}

/* Puts the word text[ws, we) on the current line or the next ones. */
static void
wrap_word(struct wrap_line *l, size_t ws, size_t we)
{
	size_t cols = utf8_columns(l->text + ws, we - ws), n;

	if (!l->empty && l->cols + (ws - l->end) + cols > l->width)
		wrap_flush(l);
	if (!l->empty) {
		l->cols += (ws - l->end) + cols;
		l->end = we;
		return;
	}
	/* A word longer than a whole line is split where it must be. */
	while (l->cols + cols > l->width) {
		n = utf8_prefix_for_columns(l->text + ws, we - ws,
		    l->width - l->cols);
		l->start = ws;
		l->end = ws + n;
		l->empty = false;
		wrap_flush(l);
		ws += n;
		cols = utf8_columns(l->text + ws, we - ws);
	}
	l->start = ws;
	l->end = we;
	l->cols += cols;
	l->empty = false;
}

/* A dash between a title and its author ("Title - Author"). */
static bool
wrap_is_dash(const char *w, size_t len)
{
	return (len == 1 && *w == '-') || (len == 3 &&
	    (memcmp(w, "\xe2\x80\x93", 3) == 0 ||
	    memcmp(w, "\xe2\x80\x94", 3) == 0));
}

/* The end of the word at i. */
static size_t
wrap_word_end(const char *text, size_t len, size_t i)
{
	while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\n')
		i++;
	return i;
}

void
wrap_text(const char *text, size_t len, size_t width,
    const char *first_prefix, const char *rest_prefix,
    wrap_emit_fn *emit, void *ctx)
{
	struct wrap_line l;
	size_t i = 0, start;

	memset(&l, 0, sizeof(l));
	l.text = text;
	l.width = width < 2 * WRAP_MIN_TEXT ? 2 * WRAP_MIN_TEXT : width;
	l.rest_prefix = rest_prefix;
	l.emit = emit;
	l.ctx = ctx;
	wrap_set_prefix(&l, first_prefix);
	while (i < len) {
		if (text[i] == '\n') {
			wrap_flush(&l);
			i++;
		} else if (text[i] == ' ' || text[i] == '\t') {
			i++;
		} else {
			start = i;
			i = wrap_word_end(text, len, i);
			/* A dash never ends a line: it goes down with the
			 * word after it. */
			if (wrap_is_dash(text + start, i - start)) {
				size_t next = i;

				while (next < len && (text[next] == ' ' ||
				    text[next] == '\t'))
					next++;
				if (next < len && text[next] != '\n')
					i = wrap_word_end(text, len, next);
			}
			wrap_word(&l, start, i);
		}
	}
	wrap_flush(&l);
}
