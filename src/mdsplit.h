/*
 * mdsplit: where a Markdown text may be cut into parts that cmark-gfm
 * parses, one by one, into the very blocks it makes of the whole.
 *
 * A big page is then parsed a part at a time: the parts' trees are walked
 * in turn, each freed before the next, so the tree of a 2 MB page is never
 * whole in memory, and one thread can parse while another walks.
 */
#ifndef CAPSULED_MDSPLIT_H
#define CAPSULED_MDSPLIT_H

#include <stdbool.h>
#include <stddef.h>

/* Where the scan stands; see mdsplit.c for what it follows. */
struct mdsplit {
	const char	*md;
	size_t		 len;
	size_t		 pos;		/* the next line to read */
	size_t		 last_cut;	/* where the current part starts */
	int		 state;
	char		 fence_char;	/* the open fence: ` or ~ */
	size_t		 fence_len;
	int		 html_kind;	/* the open HTML block: 1 to 5 */
	bool		 after_blank;	/* the line before was blank */
};

/* Starts a scan of md (len bytes, borrowed until the scan ends). */
void	mdsplit_init(struct mdsplit *s, const char *md, size_t len);
/*
 * Returns where the next part ends: the first cut at least min_bytes after
 * the last one, or len when no cut is left.  Call again with the same
 * scan for the part after it.
 */
size_t	mdsplit_next(struct mdsplit *s, size_t min_bytes);

#endif
