/*
 * pages: the Markdown pages of one build, read, resolved and rendered on
 * every core, and a page of the previous snapshot taken as it is when its
 * file, the settings and what its links were resolved against are all
 * unchanged.
 */
#ifndef CAPSULED_PAGES_H
#define CAPSULED_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "hmap.h"
#include "page.h"
#include "store.h"

/* One page to make: filled by the scan, the page set by pages_make(). */
struct pages_job {
	char		*rel;		/* its folder: "" or "a/b/" */
	char		*name;		/* its file name without ".md" */
	char		*file;		/* its path, for messages */
	struct page_file id;		/* what the file was when scanned */
	struct page	*page;		/* made or taken, one reference */
	bool		 reused;
	/* While it is made (pages.c). */
	struct doc	*doc;
	struct nav	 nav;
	struct hmap	 deps;		/* "?path" / "#path" -> answer */
	char		*error;
	size_t		 nmissing;
	bool		 waits;		/* for anchors of a page not read */
	bool		 parsed;
};

struct pages_ctx {
	const struct page_settings	*settings;
	const char			*source_url;
	bool				 list_missing;
	const struct hmap		*inventory;	/* what the folder
							 * holds: links_content */
	const struct store		*previous;	/* or NULL: reuse none */
};

/* What pages_make() did, for the log. */
struct pages_totals {
	size_t	 reused;
	size_t	 made;
	size_t	 nmissing;	/* relative links to files not there */
};

/*
 * Makes the page of each of the n jobs.  Returns 0, or -1 with the
 * reason (the first page that could not be read) in err.
 */
int	pages_make(struct pages_job *jobs, size_t n,
	    const struct pages_ctx *ctx, struct pages_totals *totals,
	    struct buf *err);
/* Frees what the job holds (its page reference too). */
void	pages_job_free(struct pages_job *job);

#endif
