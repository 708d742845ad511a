/* file: reading a whole file into memory, with a limit. */
#ifndef CAPSULED_FILE_H
#define CAPSULED_FILE_H

#include <stddef.h>

#include "buf.h"

/*
 * Appends the whole file at path, at most max bytes, to out.  Returns 0,
 * or -1 with "PATH: reason" in err: it cannot be opened or read, it is
 * not a regular file (a FIFO or a device, which could block or never
 * end), or it is larger than max bytes (never cut short without a word).
 */
int	file_read(const char *path, size_t max, struct buf *out,
	    struct buf *err);

#endif
