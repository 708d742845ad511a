/* mime: what a file name's extension says of its content, per protocol. */
#include "mime.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

struct mime_entry {
	const char	*ext;
	const char	*type;
	char		 gopher;
};

static const struct mime_entry mime_table[] = {
	{ "gmi",	"text/gemini",		'0' },
	{ "gemini",	"text/gemini",		'0' },
	{ "txt",	"text/plain",		'0' },
	{ "md",		"text/markdown",	'0' },
	{ "csv",	"text/csv",		'0' },
	{ "css",	"text/css",		'0' },
	{ "xml",	"application/xml",	'0' },
	{ "atom",	"application/atom+xml",	'0' },
	{ "rss",	"application/rss+xml",	'0' },
	{ "json",	"application/json",	'0' },
	{ "html",	"text/html",		'h' },
	{ "htm",	"text/html",		'h' },
	{ "gif",	"image/gif",		'g' },
	{ "png",	"image/png",		'p' },
	{ "jpg",	"image/jpeg",		'I' },
	{ "jpeg",	"image/jpeg",		'I' },
	{ "webp",	"image/webp",		'I' },
	{ "svg",	"image/svg+xml",	'I' },
	{ "ico",	"image/x-icon",		'I' },
	{ "bmp",	"image/bmp",		'I' },
	{ "pdf",	"application/pdf",	'd' },
	{ "ps",		"application/postscript", 'd' },
	{ "mp3",	"audio/mpeg",		's' },
	{ "ogg",	"audio/ogg",		's' },
	{ "opus",	"audio/opus",		's' },
	{ "flac",	"audio/flac",		's' },
	{ "wav",	"audio/wav",		's' },
	{ "mp4",	"video/mp4",		';' },
	{ "webm",	"video/webm",		';' },
	{ "hqx",	"application/mac-binhex40", '4' },
	{ "uue",	"text/x-uuencode",	'6' },
	{ "zip",	"application/zip",	'5' },
	{ "gz",		"application/gzip",	'9' },
	{ "tar",	"application/x-tar",	'9' },
	{ "epub",	"application/epub+zip",	'9' },
};

static const struct mime_entry *
mime_lookup(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');

	if (dot == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(mime_table) / sizeof(mime_table[0]);
	    i++)
		if (strcasecmp(dot + 1, mime_table[i].ext) == 0)
			return &mime_table[i];
	return NULL;
}

const char *
mime_type(const char *path)
{
	const struct mime_entry *m = mime_lookup(path);

	return m ? m->type : "application/octet-stream";
}

char
mime_gopher_type(const char *path)
{
	const struct mime_entry *m = mime_lookup(path);

	return m ? m->gopher : '9';
}
