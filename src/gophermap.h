/* gophermap: the exact bytes of RFC 1436 menu lines. */
#ifndef CAPSULED_GOPHERMAP_H
#define CAPSULED_GOPHERMAP_H

#include <stddef.h>

#include "buf.h"

/*
 * Appends one menu line "TYPE DISPLAY \t SELECTOR \t HOST \t PORT \r\n".
 * TAB, CR and LF in display or selector become spaces so the line keeps
 * its four fields.
 */
void	gophermap_item(struct buf *out, char type, const char *display,
	    size_t display_len, const char *selector, const char *host,
	    unsigned port);
/*
 * The same line in two halves, for a caller that writes the selector
 * itself (free of TAB, CR and LF) in between: "TYPE DISPLAY \t", then
 * "\t HOST \t PORT \r\n".
 */
void	gophermap_item_start(struct buf *out, char type, const char *display,
	    size_t display_len);
void	gophermap_item_finish(struct buf *out, const char *host,
	    unsigned port);
/* Appends an 'i' (information) line showing text. */
void	gophermap_info(struct buf *out, const char *text, size_t len);
/* Appends a type '3' error line showing text. */
void	gophermap_error(struct buf *out, const char *text);
/* Appends the menu's closing "." line. */
void	gophermap_end(struct buf *out);

/*
 * Appends text as an RFC 1436 text item: CR LF line endings, a '.' doubled
 * at the start of a line, and the closing "." line.
 */
void	gophermap_text_item(struct buf *out, const char *text, size_t len);
/* Appends a whole menu holding one type 3 error line. */
void	gophermap_error_menu(struct buf *out, const char *message);
/*
 * Appends the HTML page that sends a client that does not know the "URL:"
 * convention on to url, every byte of url escaped.  Returns 0, or -1 with
 * *why set when url has no scheme or one that is not allowed (only http,
 * https, gemini, gopher, ftp, mailto and a few more are).
 */
int	gophermap_url_page(struct buf *out, const char *url, const char **why);
/* Appends caps.txt, which describes this server to clients. */
void	gophermap_caps(struct buf *out, const char *host);

#endif
