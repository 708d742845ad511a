/* url: URL parsing, percent-encoding and path normalisation (RFC 3986). */
#include "url.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>

static bool
url_is_scheme_char(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '-' || c == '.';
}

size_t
url_scheme_len(const char *ref, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)ref[0]))
		return 0;
	for (i = 1; i < len && url_is_scheme_char((unsigned char)ref[i]); i++)
		;
	return i < len && ref[i] == ':' ? i : 0;
}

bool
url_is_relative(const char *ref)
{
	return url_scheme_len(ref, strcspn(ref, "?#")) == 0 &&
	    strncmp(ref, "//", 2) != 0;
}

static int
url_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3986 unreserved and reserved characters: these stay as they are. */
static bool
url_is_allowed(unsigned char c)
{
	return isalnum(c) || (c != '\0' &&
	    strchr("-._~:/?#[]@!$&'()*+,;=", c) != NULL);
}

/* The bytes url_encode() keeps; made once, whichever thread is first. */
static bool url_allowed[256];
static pthread_once_t url_allowed_once = PTHREAD_ONCE_INIT;

static void
url_make_allowed(void)
{
	for (int b = 0; b < 256; b++)
		url_allowed[b] = url_is_allowed((unsigned char)b);
}

void
url_encode(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const bool *allowed = url_allowed;
	size_t i = 0, run;
	unsigned char c;

	pthread_once(&url_allowed_once, url_make_allowed);
	buf_reserve(out, len);
	while (i < len) {
		for (run = 0; i + run < len &&
		    allowed[(unsigned char)s[i + run]]; run++)
			;
		buf_add(out, s + i, run);
		if ((i += run) >= len)
			break;
		c = (unsigned char)s[i++];
		/* An escape already made stays as it is. */
		if (c == '%' && i + 1 < len &&
		    url_hexval((unsigned char)s[i]) >= 0 &&
		    url_hexval((unsigned char)s[i + 1]) >= 0) {
			buf_addc(out, '%');
			continue;
		}
		buf_addc(out, '%');
		buf_addc(out, hex[c >> 4]);
		buf_addc(out, hex[c & 15]);
	}
}

void
url_encode_segment(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	buf_reserve(out, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* RFC 3986's unreserved characters stand as they are. */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			buf_addc(out, (char)c);
		else {
			buf_addc(out, '%');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 0xf]);
		}
	}
}

int
url_decode(char *s, size_t *len)
{
	size_t i, o = 0, n = strlen(s);
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			s[o++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return -1;
		hi = url_hexval((unsigned char)s[i + 1]);
		lo = hi < 0 ? -1 : url_hexval((unsigned char)s[i + 2]);
		if (hi < 0 || lo < 0)
			return -1;
		s[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	s[o] = '\0';
	if (len != NULL)
		*len = o;
	return 0;
}

int
url_normalize_path(char *path)
{
	char *in = path, *out = path, *seg, *end;
	size_t seglen;

	/*
	 * out never passes in, and always ends just after a '/' unless the
	 * last segment was written: each output byte was an input byte.
	 */
	if (*in == '/')
		*out++ = *in++;
	while (*in != '\0') {
		seg = in;
		end = strchr(seg, '/');
		seglen = end ? (size_t)(end - seg) : strlen(seg);
		in = end ? end + 1 : seg + seglen;
		if (seglen == 0 || (seglen == 1 && seg[0] == '.'))
			continue;
		if (seglen == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out <= path + 1)
				return -1;
			/* Drop the last segment written, keep its '/'. */
			out--;
			while (out > path && out[-1] != '/')
				out--;
			continue;
		}
		memmove(out, seg, seglen);
		out += seglen;
		if (end != NULL)
			*out++ = '/';
	}
	*out = '\0';
	return 0;
}

void
url_resolve_path(struct buf *out, const char *base_dir, const char *ref,
    size_t len)
{
	size_t start = out->len;

	if (len > 0 && ref[0] == '/')
		buf_add(out, ref, len);
	else {
		buf_adds(out, base_dir);
		buf_add(out, ref, len);
	}
	/* Climbing above the root stops there, as browsers do. */
	while (url_normalize_path(out->data + start) == -1) {
		char *p = out->data + start;
		char *dots = strstr(p, "/..");

		if (dots == NULL)
			break;
		memmove(dots, dots + 3, strlen(dots + 3) + 1);
		if (p[0] != '/') {
			memmove(p + 1, p, strlen(p) + 1);
			p[0] = '/';
		}
	}
	out->len = start + strlen(out->data + start);
}

static void
url_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int
url_parse_authority(char *auth, struct url *u, const char **errstr)
{
	char *at, *p;

	if ((at = strrchr(auth, '@')) != NULL) {
		*at = '\0';
		u->userinfo = auth;
		auth = at + 1;
	}
	if (*auth == '[') {
		if ((p = strchr(auth, ']')) == NULL) {
			*errstr = "unterminated IPv6 address";
			return -1;
		}
		*p++ = '\0';
		u->host = auth + 1;
		if (*p == ':')
			u->port = p + 1;
		else if (*p != '\0') {
			*errstr = "junk after IPv6 address";
			return -1;
		}
	} else {
		u->host = auth;
		if ((p = strchr(auth, ':')) != NULL) {
			*p = '\0';
			u->port = p + 1;
		}
	}
	if (u->port != NULL) {
		for (p = u->port; *p != '\0'; p++)
			if (!isdigit((unsigned char)*p)) {
				*errstr = "port is not a number";
				return -1;
			}
	}
	return 0;
}

int
url_parse(char *s, struct url *u, const char **errstr)
{
	size_t slen;
	char *p, *auth;

	memset(u, 0, sizeof(*u));
	if ((slen = url_scheme_len(s, strlen(s))) == 0) {
		*errstr = "not an absolute URL";
		return -1;
	}
	s[slen] = '\0';
	u->scheme = s;
	url_lower(u->scheme);
	p = s + slen + 1;
	if ((u->fragment = strchr(p, '#')) != NULL)
		*u->fragment++ = '\0';
	if ((u->query = strchr(p, '?')) != NULL)
		*u->query++ = '\0';
	if (p[0] == '/' && p[1] == '/') {
		auth = p + 2;
		p = auth + strcspn(auth, "/");
		if (*p == '/') {
			/* Make room for the authority's NUL: shift it left. */
			memmove(auth - 1, auth, (size_t)(p - auth));
			p[-1] = '\0';
			auth--;
		}
		if (url_parse_authority(auth, u, errstr) == -1)
			return -1;
		/* The path keeps its leading '/': only the byte before the
		 * authority was overwritten. */
		u->path = p;
	} else
		u->path = p;
	return 0;
}
