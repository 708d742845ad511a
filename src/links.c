/* links: anchors to section pages, notes, and links the content lacks. */
#include "links.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "url.h"

/* Where an anchor lands: its section's page, or the page itself. */
static void
links_anchor_url(struct buf *out, const char *rel, const char *name,
    const char *slug)
{
	buf_clear(out);
	buf_addc(out, '/');
	buf_adds(out, rel);
	url_encode_segment(out, name, strlen(name));
	if (*slug != '\0') {
		buf_addc(out, '/');
		url_encode_segment(out, slug, strlen(slug));
	}
	buf_adds(out, ".md");
}

/* The anchor as GitHub writes it in links: percent-escapes undone. */
static void
links_anchor_name(struct buf *out, const char *frag)
{
	size_t len;

	buf_clear(out);
	buf_adds(out, frag);
	if (url_decode(out->data, &len) == 0)
		buf_truncate(out, len);
}

/* The section slug of anchor name in nav ("" for the page), or NULL. */
static const char *
links_nav_slug(const struct nav *nav, const char *name)
{
	const struct nav_anchor *a = nav_find(nav, name);
	struct buf folded = BUF_INIT;

	/* "#Books" reaches "books" in a browser too. */
	if (a == NULL) {
		nav_anchor(&folded, name);
		a = nav_find(nav, buf_str(&folded));
		buf_release(&folded);
	}
	if (a == NULL)
		return NULL;
	return a->section == NAV_NONE ? "" : nav->sections[a->section].slug;
}

static const char *
links_table_slug(const struct links_table *t, const char *name)
{
	struct buf folded = BUF_INIT;
	const char *slug = links_table_find(t, name);

	if (slug == NULL) {
		nav_anchor(&folded, name);
		slug = links_table_find(t, buf_str(&folded));
		buf_release(&folded);
	}
	return slug;
}

static void
links_set(struct doc *doc, struct doc_link *l, const struct buf *url)
{
	doc_set_url(doc, l, buf_str(url));
	l->resolved = true;
}

/* The footnotes' heading is a section of the page like any other. */
static void
links_note(struct doc *doc, struct doc_link *l, const struct links_page *p,
    struct buf *url)
{
	const struct nav *nav = p->nav;

	for (size_t i = 0; i < nav->nanchors; i++) {
		const struct nav_anchor *a = &nav->anchors[i];

		if (!doc->has_notes || a->block != doc->notes)
			continue;
		links_anchor_url(url, p->rel, p->name,
		    a->section == NAV_NONE ? "" :
		    nav->sections[a->section].slug);
		links_set(doc, l, url);
		return;
	}
}

/* Whether path (percent-decoded) or, for a folder named without its
 * slash, path "/" is in the content folder. */
static bool
links_exists(const struct links_content *c, const char *path)
{
	struct buf dir = BUF_INIT;
	bool found = c->exists(c->arg, path);

	if (!found && *path != '\0' && path[strlen(path) - 1] != '/') {
		buf_printf(&dir, "%s/", path);
		found = c->exists(c->arg, dir.data);
		buf_release(&dir);
	}
	return found;
}

/*
 * A relative link that leaves the page.  Returns whether it waits for the
 * anchors of a page not read yet.
 */
static bool
links_relative(struct doc *doc, struct doc_link *l, const struct links_page *p,
    const struct links_content *c, struct buf *url)
{
	const char *u = l->url, *frag = strchr(u, '#'), *slug, *slash;
	size_t path_len = strcspn(u, "?#"), len;
	struct buf base = BUF_INIT, abs = BUF_INIT, plain = BUF_INIT,
	    name = BUF_INIT;
	const struct links_table *t;
	bool waits = false;

	if (path_len == 0 || c->exists == NULL)
		return false;
	buf_printf(&base, "/%s", p->rel);
	url_resolve_path(&abs, base.data, u, path_len);
	buf_add(&plain, abs.data, abs.len);
	if (url_decode(plain.data, &len) == 0)
		buf_truncate(&plain, len);
	if (!links_exists(c, plain.data)) {
		if (c->source_url != NULL && *c->source_url != '\0') {
			buf_clear(url);
			buf_adds(url, c->source_url);
			if (url->data[url->len - 1] != '/')
				buf_addc(url, '/');
			buf_adds(url, abs.data + 1);
			buf_adds(url, u + path_len);
			links_set(doc, l, url);
		} else if (c->missing != NULL)
			c->missing(c->arg, l->line, u);
		goto out;
	}
	if (frag == NULL || frag[1] == '\0' || plain.len < 4 ||
	    strcasecmp(plain.data + plain.len - 3, ".md") != 0)
		goto out;
	if (c->anchors == NULL ||
	    (t = c->anchors(c->arg, plain.data)) == NULL) {
		waits = c->anchors != NULL;
		goto out;
	}
	links_anchor_name(&name, frag + 1);
	slug = links_table_slug(t, name.data);
	/* "/a/b.md" is page b of folder "a/". */
	buf_truncate(&plain, plain.len - 3);
	slash = strrchr(plain.data, '/');
	buf_clear(&base);
	buf_add(&base, plain.data + 1, (size_t)(slash - plain.data));
	links_anchor_url(url, base.data, slash + 1, slug != NULL ? slug : "");
	links_set(doc, l, url);
out:
	/* Checked once: a page that waits is resolved again. */
	l->resolved = !waits;
	buf_release(&base);
	buf_release(&abs);
	buf_release(&plain);
	buf_release(&name);
	return waits;
}

size_t
links_resolve(struct doc *doc, const struct links_page *p,
    const struct links_content *c)
{
	struct buf url = BUF_INIT, name = BUF_INIT;
	size_t waiting = 0;
	const char *slug;

	for (size_t i = 0; i < doc->nlinks; i++) {
		struct doc_link *l = &doc->links[i];

		if (l->resolved || l->is_search)
			continue;
		if (l->is_note)
			links_note(doc, l, p, &url);
		else if (l->url[0] == '#') {
			/* An anchor that names no heading is the page. */
			links_anchor_name(&name, l->url + 1);
			slug = links_nav_slug(p->nav, name.data);
			links_anchor_url(&url, p->rel, p->name,
			    slug != NULL ? slug : "");
			links_set(doc, l, &url);
		} else if (url_is_relative(l->url) &&
		    links_relative(doc, l, p, c, &url))
			waiting++;
	}
	buf_release(&url);
	buf_release(&name);
	return waiting;
}

/* Orders anchor indexes by name. */
static int
links_anchor_cmp(const void *a, const void *b, void *arg)
{
	const struct nav *nav = arg;

	return strcmp(nav->anchors[*(const size_t *)a].name,
	    nav->anchors[*(const size_t *)b].name);
}

void
links_table_init(struct links_table *t, const struct nav *nav)
{
	size_t *order = xcalloc(nav->nanchors + 1, sizeof(*order));
	struct buf block = BUF_INIT;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < nav->nanchors; i++)
		order[i] = i;
	qsort_r(order, nav->nanchors, sizeof(*order), links_anchor_cmp,
	    (void *)(uintptr_t)nav);
	t->names = xcalloc(nav->nanchors + 1, sizeof(*t->names));
	for (size_t i = 0; i < nav->nanchors; i++) {
		const struct nav_anchor *a = &nav->anchors[order[i]];

		/* Anchors are unique in a page: each name once. */
		t->names[t->n++] = (uint32_t)block.len;
		buf_add(&block, a->name, strlen(a->name) + 1);
		buf_adds(&block, a->section == NAV_NONE ? "" :
		    nav->sections[a->section].slug);
		buf_addc(&block, '\0');
	}
	t->block = buf_detach(&block, NULL);
	free(order);
}

const char *
links_table_find(const struct links_table *t, const char *name)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *at = t->block + t->names[mid];
		int c = strcmp(at, name);

		if (c == 0)
			return at + strlen(at) + 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
links_table_free(struct links_table *t)
{
	free(t->block);
	free(t->names);
	memset(t, 0, sizeof(*t));
}
