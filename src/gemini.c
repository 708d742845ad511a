/* gemini: Gemini requests, answered from the snapshot. */
#include "gemini.h"

#include <stdlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gemstatus.h"
#include "proto.h"
#include "render.h"
#include "search.h"
#include "store.h"
#include "url.h"
#include "utf8.h"

/* Whether host is one of the capsule's names. */
static bool
gemini_host_matches(const char *host, const struct gemini_server *server)
{
	if (strcasecmp(host, server->hostname) == 0)
		return true;
	for (size_t i = 0; i < server->naliases; i++)
		if (strcasecmp(host, server->aliases[i]) == 0)
			return true;
	return false;
}

enum gemini_status
gemini_parse(char *line, size_t len, const struct gemini_server *server,
    struct gemini_request *req, const char **why)
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
	/* Another capsule's name is refused too: the certificate the
	 * client checked was this one's. */
	if (!gemini_host_matches(u.host, server)) {
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

/* Makes reply a header-only answer. */
static void
gemini_reply(struct reply *reply, enum reply_status status, const char *meta)
{
	buf_clear(&reply->head);
	reply->entry = NULL;
	reply->status = status;
	gemstatus_header(&reply->head, gemstatus_of(status), meta);
}

static void
gemini_error(struct reply *reply, enum reply_status status, const char *why)
{
	gemini_reply(reply, status, why);
}

/* A link to the answer from entry first + 1 on: "/search/51?words". */
static void
gemini_search_link(struct buf *out, size_t first, const char *query,
    const char *label, const struct render_opts *opts)
{
	struct buf url = BUF_INIT;

	if (first == 0)
		buf_adds(&url, "/search?");
	else
		buf_printf(&url, "/search/%zu?", first + 1);
	url_encode(&url, query, strlen(query));
	render_gemtext_link(out, url.data, label, opts);
	buf_release(&url);
}

/* The words of a query: '+' is a space, as clients send it for one;
 * "%2B" is a '+'.  0, or -1 with *why set. */
static int
gemini_search_words(const char *query, struct buf *words, const char **why)
{
	size_t len;

	if (*query == '\0')
		return 0;
	for (const char *p = query; *p != '\0'; p++)
		buf_addc(words, *p == '+' ? ' ' : *p);
	if (url_decode(words->data, &len) == -1) {
		*why = "malformed percent-encoding in query";
		return -1;
	}
	if (memchr(words->data, '\0', len) != NULL) {
		*why = "NUL byte in query";
		return -1;
	}
	buf_truncate(words, len);
	return 0;
}

static void
gemini_search_heading(struct buf *out, const char *label)
{
	render_gemtext_blank(out);
	render_gemtext_heading(out, 2, label, strlen(label));
}

/*
 * "/search": a prompt without words, otherwise the matches grouped under
 * their sections, search_results of them an answer; "/search/51?words"
 * answers from the 51st on.
 */
static void
gemini_search(const struct store *store, size_t first, const char *query,
    struct reply *reply)
{
	const struct search_index *index = store_search(store);
	struct search_answer found;
	struct buf words = BUF_INIT, line = BUF_INIT;
	struct render_opts opts;
	const char *why = NULL;
	size_t shown, page = search_page_size(index);

	if (query == NULL || gemini_search_words(query, &words, &why) == 0) {
		if (query == NULL || strspn(buf_str(&words), " ") ==
		    words.len) {
			/* No words: ask for them rather than answer "no
			 * entry". */
			gemini_reply(reply, REPLY_INPUT,
			    "Search the reading list");
			buf_release(&words);
			return;
		}
		if (search_answer(index, buf_str(&words), words.len, first,
		    &found, &why) == 0)
			why = NULL;
	}
	if (why != NULL) {
		gemini_reply(reply, REPLY_BAD_REQUEST, why);
		buf_release(&words);
		return;
	}
	render_opts_init(&opts);
	shown = first < found.n ? search_page_count(index, &found, first,
	    false, 6) : 0;
	gemstatus_success(&reply->head, "text/gemini", store_lang(store));
	buf_printf(&line, "Search: %s", buf_str(&words));
	render_gemtext_heading(&reply->head, 1, line.data, line.len);
	render_gemtext_blank(&reply->head);
	buf_clear(&line);
	search_summary(&line, found.n, first, shown);
	render_gemtext_text(&reply->head, line.data, line.len);
	search_write_results(&reply->head, &found, first, shown, false,
	    gemini_search_heading);
	render_gemtext_blank(&reply->head);
	if (first + shown < found.n)
		gemini_search_link(&reply->head, first + shown, query,
		    "Next results", &opts);
	if (first > 0)
		gemini_search_link(&reply->head, first > page ? first - page :
		    0, query, "Previous results", &opts);
	render_gemtext_link(&reply->head, "/search", "Search again", &opts);
	render_gemtext_link(&reply->head, "/", "Home", &opts);
	reply->status = REPLY_FOUND;
	search_answer_release(&found);
	buf_release(&words);
	buf_release(&line);
}

void
gemini_respond(const struct store *store, const struct gemini_request *req,
    struct reply *reply)
{
	const struct store_entry *e;
	size_t first;

	if (search_page_path(req->path, &first)) {
		gemini_search(store, first, req->query, reply);
		return;
	}
	if ((e = store_gemini(store, req->path, &reply->slot)) == NULL)
		gemini_reply(reply, REPLY_NOT_FOUND, "Not found");
	else if (e->kind == STORE_REDIRECT)
		gemini_reply(reply, REPLY_REDIRECT, e->part[0].data);
	else {
		reply->entry = e;
		reply->status = REPLY_FOUND;
	}
}

static void
gemini_answer(const struct proto_ctx *ctx, char *line, size_t len,
    struct reply *reply)
{
	struct gemini_server server = { ctx->hostname, ctx->aliases,
	    ctx->naliases, ctx->port };
	struct gemini_request req;
	const char *why;
	enum gemini_status st = gemini_parse(line, len, &server,
	    &req, &why);

	if (st == GEMINI_SUCCESS)
		gemini_respond(ctx->store, &req, reply);
	else
		gemini_reply(reply, st == GEMINI_PROXY_REFUSED ? REPLY_REFUSED :
		    REPLY_BAD_REQUEST, why);
}

static int
gemini_log_status(enum reply_status status)
{
	return status == REPLY_NONE ? 0 : (int)gemstatus_of(status);
}

_Static_assert(GEMINI_MAX_REQUEST <= PROTO_MAX_LINE, "the transport's room");

const struct proto gemini_proto = {
	.name = "gemini",
	/* CR LF only: a bare LF ends no request. */
	.rules = { GEMINI_MAX_REQUEST, false, false },
	.answer = gemini_answer,
	.error = gemini_error,
	.log_status = gemini_log_status,
};
