/* mime: what a file name's extension says of its content, per protocol. */
#ifndef CAPSULED_MIME_H
#define CAPSULED_MIME_H

/*
 * Returns the MIME type for path from its extension (case-insensitive), or
 * "application/octet-stream".  The string is static.
 */
const char	*mime_type(const char *path);
/* Returns the Gopher item type for path from its extension ('9' when the
 * extension is unknown). */
char		 mime_gopher_type(const char *path);

#endif
