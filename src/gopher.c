/* gopher: RFC 1436 requests and the answers that are not pages. */
#include "gopher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gophermap.h"
#include "search.h"
#include "store.h"
#include "url.h"
#include "version.h"

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

void
gopher_text_item(struct buf *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;

	buf_reserve(out, len + len / 16 + 8);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (*p == '.')
			buf_addc(out, '.');
		buf_add(out, p, (size_t)((nl ? nl : end) - p));
		buf_add(out, "\r\n", 2);
		p = nl ? nl + 1 : end;
	}
	buf_add(out, ".\r\n", 3);
}

void
gopher_error_menu(struct buf *out, const char *message)
{
	gophermap_error(out, message);
	gophermap_end(out);
}

static void
gopher_html_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_adds(out, "&amp;");
			break;
		case '<':
			buf_adds(out, "&lt;");
			break;
		case '>':
			buf_adds(out, "&gt;");
			break;
		case '"':
			buf_adds(out, "&quot;");
			break;
		case '\'':
			buf_adds(out, "&#39;");
			break;
		default:
			buf_addc(out, *s);
		}
	}
}

int
gopher_url_page(struct buf *out, const char *url, const char **why)
{
	static const char *schemes[] = {
		"http", "https", "gemini", "gopher", "ftp", "ftps", "mailto",
		"irc", "ircs", "news", "nntp", "telnet", "xmpp", "finger",
		"spartan",
	};
	size_t slen = url_scheme_len(url, strlen(url));
	bool known = false;

	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			*why = "URL holds spaces or control bytes";
			return -1;
		}
	for (size_t i = 0; slen > 0 && i < sizeof(schemes) /
	    sizeof(schemes[0]); i++)
		if (strlen(schemes[i]) == slen &&
		    strncasecmp(url, schemes[i], slen) == 0)
			known = true;
	if (!known) {
		*why = "URL scheme not allowed";
		return -1;
	}
	buf_adds(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<meta http-equiv=\"refresh\" content=\"2; url=");
	gopher_html_escape(out, url);
	buf_adds(out, "\"><title>Leaving Gopherspace</title></head>\n<body>"
	    "<p>This link leaves Gopherspace for <a href=\"");
	gopher_html_escape(out, url);
	buf_adds(out, "\">");
	gopher_html_escape(out, url);
	buf_adds(out, "</a>.</p></body></html>\n");
	return 0;
}

void
gopher_caps(struct buf *out, const char *host)
{
	buf_printf(out, "CAPS\n\nCapsVersion=1\nExpireCapsAfter=3600\n\n"
	    "PathDelimeter=/\nPathIdentity=.\nPathParent=..\n"
	    "PathParentDouble=FALSE\nPathEscapeCharacter=\\\n"
	    "PathKeepPreDelimeter=FALSE\n\n"
	    "ServerSoftware=capsuled\nServerSoftwareVersion=%s\n"
	    "ServerDefaultEncoding=utf-8\nServerSupportsStdinScripts=FALSE\n"
	    "ServerServerName=%s\n", CAPSULED_VERSION, host);
}

/* Finds the entry for a selector: as sent, then as a normalised path
 * ("page", "/a/../page", "/page/" all reach "/page"). */
static const struct store_entry *
gopher_lookup(const struct store *store, const char *selector,
    const char **why)
{
	const struct store_entry *e;
	struct buf path = BUF_INIT;

	*why = NULL;
	if ((e = store_gopher(store, selector)) != NULL)
		return e;
	if (*selector != '/')
		buf_addc(&path, '/');
	buf_adds(&path, selector);
	if (url_normalize_path(path.data) == -1)
		*why = "refused: the path climbs above the root";
	else {
		path.len = strlen(path.data);
		if ((e = store_gopher(store, path.data)) == NULL &&
		    path.len > 1 && path.data[path.len - 1] == '/') {
			buf_truncate(&path, path.len - 1);
			e = store_gopher(store, path.data);
		}
	}
	buf_release(&path);
	return e;
}

/* "/search" TAB words: the matching entries as the page's items. */
static void
gopher_search(const struct store *store, const char *query,
    struct reply *reply)
{
	const struct search_entry **results;
	struct buf line = BUF_INIT;
	const char *why, *section = NULL;
	int n;

	if (query == NULL || *query == '\0') {
		static const char hint[] = "Search the reading list: send "
		    "words after a TAB (a type 7 item)";

		gophermap_info(&reply->head, hint, sizeof(hint) - 1);
		gophermap_end(&reply->head);
		reply->status = 10;
		return;
	}
	if ((n = search_query(store_search(store), query, strlen(query),
	    &results, &why)) == -1) {
		gopher_error_menu(&reply->head, why);
		reply->status = 59;
		return;
	}
	search_group(results, (size_t)n);
	buf_printf(&line, "Search: %s", query);
	gophermap_info(&reply->head, line.data, line.len);
	buf_clear(&line);
	if (n == 0)
		buf_adds(&line, "No entry matches.");
	else
		buf_printf(&line, "%d %s.", n, n == 1 ? "entry matches" :
		    "entries match");
	gophermap_info(&reply->head, line.data, line.len);
	for (int i = 0; i < n; i++) {
		if (section == NULL || strcmp(section, results[i]->section)) {
			section = results[i]->section;
			gophermap_info(&reply->head, "", 0);
			gophermap_info(&reply->head, *section ? section :
			    "Other", strlen(*section ? section : "Other"));
		}
		buf_adds(&reply->head, results[i]->gophermap);
	}
	gophermap_end(&reply->head);
	reply->status = 20;
	free(results);
	buf_release(&line);
}

void
gopher_respond(const struct store *store, const struct gopher_request *req,
    struct reply *reply)
{
	const struct store_entry *e;
	struct buf message = BUF_INIT;
	const char *why;

	if (strcmp(req->selector, "/search") == 0 ||
	    strcmp(req->selector, "search") == 0) {
		gopher_search(store, req->search, reply);
		return;
	}
	if (strncmp(req->selector, "URL:", 4) == 0) {
		if (gopher_url_page(&reply->head, req->selector + 4, &why) ==
		    -1) {
			gopher_error_menu(&reply->head, why);
			reply->status = 59;
		} else
			reply->status = 20;
		return;
	}
	if ((e = gopher_lookup(store, req->selector, &why)) != NULL &&
	    e->kind != STORE_REDIRECT) {
		reply->entry = e;
		reply->status = 20;
		return;
	}
	if (why != NULL) {
		gopher_error_menu(&reply->head, why);
		reply->status = 59;
		return;
	}
	buf_adds(&message, "Not found: ");
	buf_add(&message, req->selector, strnlen(req->selector, 200));
	gopher_error_menu(&reply->head, message.data);
	buf_release(&message);
	reply->status = 51;
}
