/* url: URL parsing, percent-encoding and path normalisation. */
#ifndef CAPSULED_URL_H
#define CAPSULED_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The parts of a URL, each NULL when absent; they point into the string
 * that url_parse() was given and live as long as it. */
struct url {
	char	*scheme;	/* lower-cased */
	char	*userinfo;
	char	*host;		/* without the brackets of an IPv6 literal */
	char	*port;
	char	*path;		/* "" when the URL has none */
	char	*query;
	char	*fragment;
};

/*
 * Returns the length of the scheme of ref ("https" in "https://..."), or 0
 * when ref is a relative reference.
 */
size_t	url_scheme_len(const char *ref, size_t len);
/* Whether ref is a relative reference: no scheme, not "//host". */
bool	url_is_relative(const char *ref);
/*
 * Appends s to out with every byte that may not stand in a URL (space,
 * controls, non-ASCII, quotes, angle brackets, ...) percent-encoded.  Bytes
 * that are already escapes ("%20") are kept.
 */
void	url_encode(struct buf *out, const char *s, size_t len);
/*
 * Appends s as one path segment: every byte but RFC 3986's unreserved
 * ones (letters, digits, "-._~") percent-encoded, "%" included, so that
 * a file name of any bytes decodes back to itself.
 */
void	url_encode_segment(struct buf *out, const char *s, size_t len);
/*
 * Percent-decodes s in place and stores the new length in *len.  Returns 0,
 * or -1 when an escape is malformed ("%4", "%zz").
 */
int	url_decode(char *s, size_t *len);
/*
 * Removes dot segments and empty segments from the absolute path in place,
 * keeping a trailing slash.  Returns 0, or -1 when a ".." would climb above
 * the root.
 */
int	url_normalize_path(char *path);
/*
 * Appends to out the absolute path that the relative path ref (len bytes,
 * without query or fragment) names when read from the folder base_dir
 * (absolute, ending in '/').  A ".." at the root stays at the root.
 */
void	url_resolve_path(struct buf *out, const char *base_dir,
	    const char *ref, size_t len);
/*
 * Splits the absolute URL s in place into u.  Returns 0, or -1 with
 * *errstr set when s has no scheme or a malformed authority.
 */
int	url_parse(char *s, struct url *u, const char **errstr);

#endif
