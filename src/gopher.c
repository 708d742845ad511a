/* gopher: RFC 1436 requests, answered from the snapshot. */
#include "gopher.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gophermap.h"
#include "proto.h"
#include "search.h"
#include "store.h"
#include "url.h"

int
gopher_parse(char *line, size_t len, struct gopher_request *req,
    const char **why)
{
	char *tab, *rest;

	memset(req, 0, sizeof(*req));
	if (len > GOPHER_MAX_SELECTOR) {
		*why = "request too long";
		return -1;
	}
	if (memchr(line, '\0', len) != NULL) {
		*why = "NUL byte in request";
		return -1;
	}
	line[len] = '\0';
	if (strchr(line, '\r') != NULL || strchr(line, '\n') != NULL) {
		*why = "CR or LF inside request";
		return -1;
	}
	req->selector = line;
	if ((tab = strchr(line, '\t')) == NULL)
		return 0;
	*tab = '\0';
	rest = tab + 1;
	/* Gopher+ clients add "\t+", "\t$" or "\t!" (after any search
	 * words); they get the plain answer. */
	if (*rest == '+' || *rest == '$' || *rest == '!') {
		req->plus = true;
		return 0;
	}
	if ((tab = strchr(rest, '\t')) != NULL) {
		*tab = '\0';
		req->plus = tab[1] == '+' || tab[1] == '$' || tab[1] == '!';
	}
	req->search = rest;
	return 0;
}






/* Looks path (a buffer that may be changed) up as a normalised path:
 * "page", "/a/../page" and "/page/" all reach "/page". */
static const struct store_entry *
gopher_lookup_path(const struct store *store, struct buf *path,
    struct store_entry *slot, const char **why)
{
	const struct store_entry *e;

	if (url_normalize_path(path->data) == -1) {
		*why = "refused: the path climbs above the root";
		return NULL;
	}
	path->len = strlen(path->data);
	if ((e = store_gopher(store, path->data, slot)) == NULL &&
	    path->len > 1 && path->data[path->len - 1] == '/') {
		buf_truncate(path, path->len - 1);
		e = store_gopher(store, path->data, slot);
	}
	return e;
}

/*
 * Finds the entry for a selector: as sent, then as a normalised path,
 * then percent-decoded (the form menus give names that hold bytes a
 * selector cannot carry, such as a line feed).  An answer made of a
 * page's parts is set in *slot.
 */
static const struct store_entry *
gopher_lookup(const struct store *store, const char *selector,
    struct store_entry *slot, const char **why)
{
	const struct store_entry *e;
	struct buf path = BUF_INIT;
	size_t len;

	*why = NULL;
	if ((e = store_gopher(store, selector, slot)) != NULL)
		return e;
	if (*selector != '/')
		buf_addc(&path, '/');
	buf_adds(&path, selector);
	e = gopher_lookup_path(store, &path, slot, why);
	if (e == NULL && *why == NULL && strchr(selector, '%') != NULL) {
		buf_clear(&path);
		if (*selector != '/')
			buf_addc(&path, '/');
		buf_adds(&path, selector);
		if (url_decode(path.data, &len) == 0 &&
		    strlen(path.data) == len)
			e = gopher_lookup_path(store, &path, slot, why);
	}
	buf_release(&path);
	return e;
}

static void
gopher_error(struct reply *reply, enum reply_status status, const char *why)
{
	struct buf msg = BUF_INIT;

	buf_clear(&reply->head);
	reply->entry = NULL;
	reply->status = status;
	if (status == REPLY_SLOW_DOWN) {
		buf_printf(&msg, "Too many requests from your address; retry "
		    "in %s s", why);
		why = msg.data;
	}
	gophermap_error_menu(&reply->head, why);
	buf_release(&msg);
}

/* An item on this capsule's Gopher host and port, where the answers'
 * entries point. */
static void
gopher_search_item(struct buf *out, const struct search_index *index,
    char type, const char *display, const char *selector)
{
	unsigned port;
	const char *host = search_gopher_host(index, &port);

	gophermap_item(out, type, display, strlen(display), selector, host,
	    port);
}

/* A type 7 item for the answer from entry first + 1 on: the words are
 * asked for again, as Gopher carries no query in a selector. */
static void
gopher_search_page_item(struct buf *out, const struct search_index *index,
    size_t first, size_t shown, const char *what)
{
	struct buf display = BUF_INIT, selector = BUF_INIT;

	buf_printf(&display, "%s results (%zu-%zu): send the same words", what,
	    first + 1, first + shown);
	buf_printf(&selector, "/search/%zu", first + 1);
	gopher_search_item(out, index, '7', display.data, selector.data);
	buf_release(&display);
	buf_release(&selector);
}

static void
gopher_search_heading(struct buf *out, const char *label)
{
	gophermap_info(out, "", 0);
	gophermap_info(out, label, strlen(label));
}

/* "/search" TAB words: the matching entries as the page's items,
 * search_results of them; "/search/51" TAB words from the 51st on. */
static void
gopher_search(const struct store *store, size_t first, const char *query,
    struct reply *reply)
{
	static const char hint[] = "Search the reading list: send words "
	    "after a TAB (a type 7 item)";
	const struct search_index *index = store_search(store);
	struct search_answer found;
	struct buf line = BUF_INIT;
	const char *why;
	size_t shown, page = search_page_size(index), prev;

	if (query == NULL || strspn(query, " ") == strlen(query)) {
		gophermap_info(&reply->head, hint, sizeof(hint) - 1);
		gophermap_end(&reply->head);
		reply->status = REPLY_INPUT;
		return;
	}
	if (search_answer(index, query, strlen(query), first, &found,
	    &why) == -1) {
		gopher_error(reply, REPLY_BAD_REQUEST, why);
		return;
	}
	shown = first < found.n ? search_page_count(index, &found, first,
	    true, 40) : 0;
	buf_printf(&line, "Search: %s", query);
	gophermap_info(&reply->head, line.data, line.len);
	buf_clear(&line);
	search_summary(&line, found.n, first, shown);
	gophermap_info(&reply->head, line.data, line.len);
	search_write_results(&reply->head, &found, first, shown, true,
	    gopher_search_heading);
	gophermap_info(&reply->head, "", 0);
	if (first + shown < found.n)
		gopher_search_page_item(&reply->head, index, first + shown,
		    found.n - first - shown < page ? found.n - first - shown :
		    page, "Next");
	if (first > 0) {
		prev = first > page ? first - page : 0;
		gopher_search_page_item(&reply->head, index, prev,
		    first - prev, "Previous");
	}
	/* It ends as the Gemini answer does. */
	gopher_search_item(&reply->head, index, '7', "Search again",
	    "/search");
	gopher_search_item(&reply->head, index, '1', "Home", "/");
	gophermap_end(&reply->head);
	reply->status = REPLY_FOUND;
	search_answer_release(&found);
	buf_release(&line);
}

void
gopher_respond(const struct store *store, const struct gopher_request *req,
    struct reply *reply)
{
	const struct store_entry *e;
	struct buf message = BUF_INIT;
	const char *why;
	size_t first;

	/* "search" without the slash too, as some clients send it. */
	first = 0;
	if (strcmp(req->selector, "search") == 0 ||
	    search_page_path(req->selector, &first)) {
		gopher_search(store, first, req->search, reply);
		return;
	}
	if (strncmp(req->selector, "URL:", 4) == 0) {
		if (gophermap_url_page(&reply->head, req->selector + 4, &why) ==
		    -1)
			gopher_error(reply, REPLY_BAD_REQUEST, why);
		else
			reply->status = REPLY_FOUND;
		return;
	}
	if ((e = gopher_lookup(store, req->selector, &reply->slot, &why)) !=
	    NULL &&
	    e->kind != STORE_REDIRECT) {
		reply->entry = e;
		reply->status = REPLY_FOUND;
		return;
	}
	if (why != NULL) {
		gopher_error(reply, REPLY_REFUSED, why);
		return;
	}
	buf_adds(&message, "Not found: ");
	buf_add(&message, req->selector, strnlen(req->selector, 200));
	gopher_error(reply, REPLY_NOT_FOUND, message.data);
	buf_release(&message);
}

static void
gopher_answer(const struct proto_ctx *ctx, char *line, size_t len,
    struct reply *reply)
{
	struct gopher_request req;
	const char *why;

	if (gopher_parse(line, len, &req, &why) == -1)
		gopher_error(reply, REPLY_BAD_REQUEST, why);
	else
		gopher_respond(ctx->store, &req, reply);
}

int
gopher_log_status(enum reply_status status)
{
	/* The numbers the access log documents, borrowed from Gemini. */
	switch (status) {
	case REPLY_NONE:
		return 0;
	case REPLY_FOUND:
		return 20;
	case REPLY_INPUT:
		return 10;
	case REPLY_SLOW_DOWN:
		return 44;
	case REPLY_UNAVAILABLE:
		return 40;
	case REPLY_REDIRECT:
	case REPLY_NOT_FOUND:
		return 51;
	case REPLY_BAD_REQUEST:
	case REPLY_REFUSED:
		break;
	}
	return 59;
}

_Static_assert(GOPHER_MAX_SELECTOR <= PROTO_MAX_LINE, "the transport's room");

const struct proto gopher_proto = {
	.name = "gopher",
	/* Clients send CR LF, LF alone, or close their side. */
	.rules = { GOPHER_MAX_SELECTOR, true, true },
	.answer = gopher_answer,
	.error = gopher_error,
	.log_status = gopher_log_status,
};
