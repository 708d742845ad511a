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

#endif
