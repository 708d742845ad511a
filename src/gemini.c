/* gemini: Gemini requests and response headers. */
#include "gemini.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "search.h"
#include "store.h"
#include "url.h"
#include "utf8.h"

void
gemini_header(struct buf *out, enum gemini_status status, const char *meta)
{
	buf_add_uint(out, (unsigned)status);
	buf_addc(out, ' ');
	buf_adds(out, meta);
	buf_add(out, "\r\n", 2);
}

static bool
gemini_host_matches(const char *host, const char *name)
{
	return name != NULL && strcasecmp(host, name) == 0;
}

enum gemini_status
gemini_parse(char *line, size_t len, const struct gemini_server *server,
    const char *sni, struct gemini_request *req, const char **why)
{
	const char *err;
	struct url u;
	size_t plen;

	memset(req, 0, sizeof(*req));
	*why = NULL;
	if (len > GEMINI_MAX_REQUEST)
		*why = "request longer than 1024 bytes";
	else if (len == 0)
		*why = "empty request";
	else if (memchr(line, '\0', len) != NULL)
		*why = "NUL byte in request";
	else if (!utf8_is_valid(line, len))
		*why = "request is not UTF-8";
	if (*why != NULL)
		return GEMINI_BAD_REQUEST;
	line[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < ' ' || line[i] == 0x7f) {
			*why = "control byte in request";
			return GEMINI_BAD_REQUEST;
		}
	if (url_parse(line, &u, &err) == -1) {
		*why = err;
		return GEMINI_BAD_REQUEST;
	}
	if (strcmp(u.scheme, "gemini") != 0) {
		*why = "not a gemini:// URL";
		return GEMINI_PROXY_REFUSED;
	}
	if (u.host == NULL || *u.host == '\0') {
		*why = "no host in URL";
		return GEMINI_BAD_REQUEST;
	}
	if (u.userinfo != NULL) {
		*why = "userinfo in URL";
		return GEMINI_BAD_REQUEST;
	}
	if (u.fragment != NULL) {
		*why = "fragment in URL";
		return GEMINI_BAD_REQUEST;
	}
	if (!gemini_host_matches(u.host, server->hostname) ||
	    (sni != NULL && !gemini_host_matches(u.host, sni))) {
		*why = "another host";
		return GEMINI_PROXY_REFUSED;
	}
	if (u.port != NULL && *u.port != '\0' &&
	    strtoul(u.port, NULL, 10) != server->port) {
		*why = "another port";
		return GEMINI_PROXY_REFUSED;
	}
	if (url_decode(u.path, &plen) == -1) {
		*why = "malformed percent-encoding";
		return GEMINI_BAD_REQUEST;
	}
	if (memchr(u.path, '\0', plen) != NULL || strlen(u.path) != plen) {
		*why = "encoded NUL byte in path";
		return GEMINI_BAD_REQUEST;
	}
	if (*u.path == '\0') {
		/* "gemini://host" is "gemini://host/". */
		req->path = "/";
	} else if (url_normalize_path(u.path) == -1) {
		*why = "path climbs above the root";
		return GEMINI_BAD_REQUEST;
	}
	if (req->path == NULL)
		req->path = u.path;
	req->query = u.query;
	return GEMINI_SUCCESS;
}

/* "/search": a prompt without a query, otherwise the matches grouped
 * under their sections. */
static void
gemini_search(const struct store *store, const char *query,
    struct reply *reply)
{
	const struct search_entry **results;
	struct buf words = BUF_INIT, meta = BUF_INIT;
	const char *why, *section = NULL;
	size_t len;
	int n;

	if (query == NULL || *query == '\0') {
		gemini_header(&reply->head, GEMINI_INPUT,
		    "Search the reading list");
		reply->status = GEMINI_INPUT;
		return;
	}
	buf_adds(&words, query);
	if (url_decode(words.data, &len) == -1) {
		why = "malformed percent-encoding in query";
		n = -1;
	} else if (memchr(words.data, '\0', len) != NULL) {
		why = "NUL byte in query";
		n = -1;
	} else
		n = search_query(store_search(store), words.data, len,
		    &results, &why);
	if (n == -1) {
		gemini_header(&reply->head, GEMINI_BAD_REQUEST, why);
		reply->status = GEMINI_BAD_REQUEST;
		buf_release(&words);
		return;
	}
	search_group(results, (size_t)n);
	buf_printf(&meta, "text/gemini; charset=utf-8; lang=%s",
	    store_lang(store));
	gemini_header(&reply->head, GEMINI_SUCCESS, meta.data);
	buf_printf(&reply->head, "# Search: %s\n\n", words.data);
	if (n == 0)
		buf_adds(&reply->head, "No entry matches.\n");
	else
		buf_printf(&reply->head, "%d %s.\n", n,
		    n == 1 ? "entry matches" : "entries match");
	for (int i = 0; i < n; i++) {
		if (section == NULL || strcmp(section, results[i]->section)) {
			section = results[i]->section;
			buf_printf(&reply->head, "\n## %s\n", *section ?
			    section : "Other");
		}
		buf_adds(&reply->head, results[i]->gemtext);
	}
	buf_adds(&reply->head, "\n=> /search Search again\n=> / Home\n");
	reply->status = GEMINI_SUCCESS;
	free(results);
	buf_release(&words);
	buf_release(&meta);
}

void
gemini_respond(const struct store *store, const struct gemini_request *req,
    struct reply *reply)
{
	const struct store_entry *e;

	if (strcmp(req->path, "/search") == 0) {
		gemini_search(store, req->query, reply);
		return;
	}
	e = store_gemini(store, req->path);

	if (e == NULL) {
		gemini_header(&reply->head, GEMINI_NOT_FOUND, "Not found");
		reply->status = GEMINI_NOT_FOUND;
	} else if (e->kind == STORE_REDIRECT) {
		gemini_header(&reply->head, GEMINI_REDIRECT_PERMANENT,
		    e->data);
		reply->status = GEMINI_REDIRECT_PERMANENT;
	} else {
		reply->entry = e;
		reply->status = GEMINI_SUCCESS;
	}
}
