/* build: a snapshot made from the content folder: the scan, the URL
 * layout (which path and selector answer what), and the renderings. */
#ifndef CAPSULED_BUILD_H
#define CAPSULED_BUILD_H

#include <stddef.h>

#include "buf.h"
#include "store.h"

/* What a snapshot is built from; strings are borrowed for the call. */
struct store_params {
	const char	*content;	/* the content folder */
	const char	*hostname;
	unsigned	 gopher_port;
	unsigned	 gemini_port;
	const char	*lang;
	size_t		 wrap;
	const char	*source_url;	/* or NULL: see links.h */
	bool		 list_missing;	/* warn of each link the content
					 * lacks, not only of their count */
	size_t		 search_results; /* entries per search answer, or 0
					  * for the default */
	size_t		 page_max;	/* gemtext over this makes a big
					 * page; 0 for the default */
	const struct store *previous;	/* the snapshot served now, whose
					 * unchanged pages are taken as they
					 * are; or NULL */
};

/*
 * Reads and renders the whole content folder into a new snapshot with one
 * reference, which the caller drops with store_unref().  Returns NULL with
 * the reason in err when the folder or a file in it cannot be read.
 */
struct store	*build_snapshot(const struct store_params *params,
		    struct buf *err);

#endif
