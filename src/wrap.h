/* wrap: word-wrapping text into lines of a given number of columns. */
#ifndef CAPSULED_WRAP_H
#define CAPSULED_WRAP_H

#include <stddef.h>

/*
 * Receives one finished line, without its line ending, as a prefix and a
 * slice of the text; both are borrowed for the call.
 */
typedef void	wrap_emit_fn(void *ctx, const char *prefix, size_t prefix_len,
		    const char *text, size_t len);

/*
 * Cuts text (len bytes; '\n' forces a new line) into lines of at most width
 * columns, counting UTF-8 characters, breaking at spaces and splitting only
 * words longer than a line.  The first line starts with first_prefix and
 * the others with rest_prefix; a prefix so long that fewer than 10 columns
 * remain is cut.  Empty text still gives one line holding the prefix.
 * Nothing is copied: each line is a slice of text.
 */
void	wrap_text(const char *text, size_t len, size_t width,
	    const char *first_prefix, const char *rest_prefix,
	    wrap_emit_fn *emit, void *ctx);

#endif
