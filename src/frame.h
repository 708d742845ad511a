/* frame: where one request line ends, the same for every read path. */
#ifndef CAPSULED_FRAME_H
#define CAPSULED_FRAME_H

#include <stdbool.h>
#include <stddef.h>

/* What the bytes received so far make of a request line. */
enum frame_result {
	FRAME_LINE,		/* a whole line: *line_len bytes, then *used */
	FRAME_MORE,		/* no end yet: read on (or, at EOF, give up) */
	FRAME_TOO_LONG,		/* more than rules->max bytes before its end */
	FRAME_BARE_LF,		/* ended by LF alone where CR LF is required */
};

/* A protocol's rules for its request line. */
struct frame_rules {
	size_t	 max;		/* bytes allowed before the CR LF */
	bool	 lf_ends;	/* a bare LF ends the line too (Gopher) */
	bool	 eof_ends;	/* the client closing its side ends it */
};

/*
 * Frames the request line at the start of data (len bytes received so
 * far; eof: the client has closed its side, nothing more will come).
 * On FRAME_LINE, *line_len is the line's length without its CR LF (or
 * LF) and *used how many bytes it took with them (on FRAME_BARE_LF too);
 * on the other results both are 0.  A line is too long as
 * soon as more than rules->max bytes (a trailing CR aside) have come
 * without its end, so that no path buffers more than max + 2 bytes.
 * Pure: reads data, writes only the two results.
 */
enum frame_result frame_line(const char *data, size_t len, bool eof,
		    const struct frame_rules *rules, size_t *line_len,
		    size_t *used);

#endif
