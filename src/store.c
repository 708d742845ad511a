/* store: the content snapshot, every answer rendered ahead of time. */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc.h"
#include "gemini.h"
#include "gopher.h"
#include "gophermap.h"
#include "log.h"
#include "mime.h"
#include "nav.h"
#include "render.h"
#include "search.h"

/* Folders nested deeper than this are not served (and symlink loops end). */
#define STORE_MAX_DEPTH	16

struct store_slot {
	char				*key;
	const struct store_entry	*entry;
};

/* An open-addressing hash map from path or selector to entry. */
struct store_map {
	struct store_slot	*slots;
	size_t			 cap;	/* a power of two */
	size_t			 count;
};

struct store {
	atomic_uint		 refs;
	struct store_map	 gemini;
	struct store_map	 gopher;
	void			**owned;	/* every allocation to free */
	size_t			 nowned;
	size_t			 owned_cap;
	size_t			 pages;
	size_t			 files;
	struct search_index	*search;
	char			*lang;
};

/* What one folder holds, for its generated listing. */
struct store_listing_item {
	char	*name;
	char	 kind;		/* 'd' folder, 'p' page, 'f' file */
};

struct store_builder {
	struct store			*store;
	const struct store_params	*params;
	char				*root;	/* realpath of the folder */
	size_t				 root_len;
	struct buf			*err;
};

static uint64_t
store_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct store_slot *
store_map_find(const struct store_map *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = store_hash(key) & (m->cap - 1); m->slots[i].key != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (strcmp(m->slots[i].key, key) == 0)
			return &m->slots[i];
	return &m->slots[i];
}

static void
store_map_grow(struct store_map *m)
{
	struct store_map bigger = { NULL, m->cap ? m->cap * 2 : 64, 0 };
	struct store_slot *slot;

	bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].key == NULL)
			continue;
		slot = store_map_find(&bigger, m->slots[i].key);
		*slot = m->slots[i];
		bigger.count++;
	}
	free(m->slots);
	*m = bigger;
}

/* Adds key (copied) unless it is there already; returns whether added. */
static bool
store_map_put(struct store_map *m, const char *key,
    const struct store_entry *entry)
{
	struct store_slot *slot;

	if ((m->count + 1) * 10 > m->cap * 7)
		store_map_grow(m);
	slot = store_map_find(m, key);
	if (slot->key != NULL)
		return false;
	slot->key = xstrndup(key, strlen(key));
	slot->entry = entry;
	m->count++;
	return true;
}

static void
store_map_free(struct store_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
}

/* Hands an allocation to the snapshot, which frees it with itself. */
static void *
store_own(struct store *s, void *p)
{
	if (s->nowned == s->owned_cap) {
		s->owned_cap = s->owned_cap ? s->owned_cap * 2 : 64;
		s->owned = xreallocarray(s->owned, s->owned_cap,
		    sizeof(*s->owned));
	}
	s->owned[s->nowned++] = p;
	return p;
}

static struct store_entry *
store_new_entry(struct store *s, enum store_kind kind, struct buf *data)
{
	struct store_entry *e = store_own(s, xcalloc(1, sizeof(*e)));
	size_t len;

	e->kind = kind;
	e->data = store_own(s, buf_detach(data, &len));
	e->len = len;
	return e;
}

/* Reads a whole file of at most max bytes; 0 or -1 with err set. */
static int
store_read(struct store_builder *b, const char *path, size_t max,
    struct buf *out)
{
	char chunk[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		buf_printf(b->err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (out->len + (size_t)n > max) {
			buf_printf(b->err, "%s: larger than %zu bytes", path,
			    max);
			close(fd);
			return -1;
		}
		buf_add(out, chunk, (size_t)n);
	}
	if (n == -1) {
		buf_printf(b->err, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The gemini:// or gopher:// URL of this capsule's root. */
static void
store_root_url(struct buf *out, const char *scheme, const char *host,
    unsigned port, unsigned default_port)
{
	buf_printf(out, "%s://%s", scheme, host);
	if (port != default_port)
		buf_printf(out, ":%u", port);
	buf_addc(out, '/');
}

static void
store_gemini_success(struct buf *out, const char *mime, const char *lang)
{
	char meta[128];

	if (strcmp(mime, "text/gemini") == 0)
		snprintf(meta, sizeof(meta), "text/gemini; charset=utf-8; "
		    "lang=%s", lang);
	else if (strncmp(mime, "text/", 5) == 0)
		snprintf(meta, sizeof(meta), "%s; charset=utf-8", mime);
	else
		snprintf(meta, sizeof(meta), "%s", mime);
	gemini_header(out, GEMINI_SUCCESS, meta);
}

/* Registers key in both maps' sense: "/rel/name" forms. */
static void
store_key(struct buf *key, const char *rel, const char *name,
    const char *suffix)
{
	buf_clear(key);
	buf_addc(key, '/');
	buf_adds(key, rel);
	buf_adds(key, name);
	buf_adds(key, suffix);
}

/* Adds key to one of the maps; the first file to claim a key keeps it. */
static void
store_put(struct store_builder *b, struct store_map *map, const char *key,
    const struct store_entry *e)
{
	if (!store_map_put(map, key, e))
		log_warn("%s: \"%s\" is served already by another file, "
		    "skipped", b->root, key);
}

#define store_put_gemini(b, key, e)	store_put(b, &(b)->store->gemini, key, e)
#define store_put_gopher(b, key, e)	store_put(b, &(b)->store->gopher, key, e)

/*
 * How pages of the folder rel are rendered; opts->base points into base,
 * which must outlive opts.
 */
static void
store_render_opts(struct store_builder *b, const char *rel, struct buf *base,
    struct render_opts *opts)
{
	render_opts_init(opts);
	opts->host = b->params->hostname;
	opts->port = b->params->gopher_port;
	opts->width = b->params->wrap;
	store_key(base, rel, "", "");
	opts->base = base->data;
}

/* The front page links to the other protocol's version of the capsule
 * and, in Gopher, to its own plain text. */
static void
store_front_gemtext(struct store_builder *b, struct buf *gmi)
{
	const struct store_params *p = b->params;

	if (p->gopher_port == 0)
		return;
	buf_adds(gmi, "\n=> ");
	store_root_url(gmi, "gopher", p->hostname, p->gopher_port, 70);
	buf_adds(gmi, " This capsule on Gopher\n");
}

static void
store_front_gophermap(struct store_builder *b, struct buf *map)
{
	const struct store_params *p = b->params;
	struct buf url = BUF_INIT;
	static const char text_label[] = "This page as plain text";

	gophermap_info(map, "", 0);
	gophermap_item(map, '0', text_label, sizeof(text_label) - 1,
	    "/index.txt", p->hostname, p->gopher_port);
	if (p->gemini_port != 0) {
		static const char label[] = "This capsule on Gemini";

		buf_adds(&url, "URL:");
		store_root_url(&url, "gemini", p->hostname, p->gemini_port,
		    1965);
		gophermap_item(map, 'h', label, sizeof(label) - 1, url.data,
		    p->hostname, p->gopher_port);
	}
	buf_release(&url);
}

/* A view of blocks [start, end) of doc, sharing its strings. */
static struct doc
store_doc_slice(const struct doc *doc, size_t start, size_t end)
{
	struct doc view = *doc;

	view.blocks = doc->blocks + start;
	view.nblocks = end - start;
	return view;
}

/* Where a page's section pages live: "/rel/NAME/". */
static void
store_section_folder(struct buf *out, const char *rel, const char *name)
{
	buf_addc(out, '/');
	buf_adds(out, rel);
	buf_adds(out, name);
	buf_addc(out, '/');
}

/*
 * The front page opens with a table of contents of its sections and the
 * search, right under its title.
 */
static void
store_front_toc(struct store_builder *b, const struct nav *nav,
    const char *folder, struct buf *gmi, struct buf *map)
{
	const struct store_params *p = b->params;
	static const char search[] = "Search the reading list";
	struct buf label = BUF_INIT, sel = BUF_INIT;

	for (size_t i = 0; i < nav->n; i++) {
		buf_clear(&label);
		nav_label(nav, i, &label);
		buf_clear(&sel);
		buf_printf(&sel, "%s%s", folder, nav->sections[i].slug);
		buf_printf(gmi, "=> %s.gmi %s\n", sel.data, label.data);
		gophermap_item(map, '1', label.data, label.len, sel.data,
		    p->hostname, p->gopher_port);
	}
	buf_printf(gmi, "=> /search %s\n", search);
	gophermap_item(map, '7', search, sizeof(search) - 1, "/search",
	    p->hostname, p->gopher_port);
	gophermap_info(map, "", 0);
	buf_release(&label);
	buf_release(&sel);
}

/* Renders the front page: its title, the table of contents, the rest. */
static void
store_render_front(struct store_builder *b, const struct doc *doc,
    const struct nav *nav, const char *folder,
    const struct render_opts *opts, struct buf *gmi, struct buf *map)
{
	size_t title = doc->nblocks > 0 && doc->blocks[0].kind ==
	    DOC_HEADING && doc->blocks[0].level == 1 ? 1 : 0;
	struct doc head = store_doc_slice(doc, 0, title);
	struct doc rest = store_doc_slice(doc, title, doc->nblocks);

	render_gemtext(&head, opts, gmi);
	render_gophermap(&head, opts, map);
	if (title > 0) {
		buf_addc(gmi, '\n');
		gophermap_info(map, "", 0);
	}
	store_front_toc(b, nav, folder, gmi, map);
	buf_addc(gmi, '\n');
	render_gemtext(&rest, opts, gmi);
	render_gophermap(&rest, opts, map);
	store_front_gemtext(b, gmi);
	store_front_gophermap(b, map);
}

/*
 * Each section of a page is a page of its own, "/rel/NAME/SLUG.gmi" and
 * "/rel/NAME/SLUG", linking back up to its parent section or the page.
 */
static void
store_add_sections(struct store_builder *b, const struct doc *doc,
    const struct nav *nav, const char *rel, const char *name,
    const char *page_title)
{
	const struct store_params *p = b->params;
	struct buf folder = BUF_INIT, gmi = BUF_INIT, map = BUF_INIT,
	    key = BUF_INIT, up = BUF_INIT, label = BUF_INIT;
	struct render_opts opts;
	bool is_front = *rel == '\0' && strcmp(name, "index") == 0;

	store_render_opts(b, rel, &key, &opts);
	/* Section pages sit one folder down: their links must not move. */
	opts.absolute = true;
	store_section_folder(&folder, rel, name);
	for (size_t i = 0; i < nav->n; i++) {
		const struct nav_section *s = &nav->sections[i];
		struct doc view = store_doc_slice(doc, s->start, s->end);

		buf_clear(&gmi);
		buf_clear(&map);
		buf_clear(&up);
		buf_clear(&label);
		store_gemini_success(&gmi, "text/gemini", p->lang);
		render_gemtext(&view, &opts, &gmi);
		render_gophermap(&view, &opts, &map);
		gophermap_info(&map, "", 0);
		buf_adds(&label, "Up: ");
		if (s->parent != NAV_NONE) {
			buf_printf(&up, "%s%s", folder.data,
			    nav->sections[s->parent].slug);
			buf_adds(&label, nav->sections[s->parent].title);
			buf_printf(&gmi, "\n=> %s.gmi %s\n", up.data,
			    label.data);
		} else {
			store_key(&up, rel, is_front ? "" : name, "");
			buf_adds(&label, page_title);
			buf_printf(&gmi, "\n=> %s%s %s\n", up.data,
			    is_front ? "" : ".gmi", label.data);
		}
		gophermap_item(&map, '1', label.data, label.len, up.data,
		    p->hostname, p->gopher_port);
		gophermap_end(&map);
		buf_clear(&key);
		buf_printf(&key, "%s%s.gmi", folder.data, s->slug);
		store_put_gemini(b, key.data, store_new_entry(b->store,
		    STORE_BYTES, &gmi));
		buf_truncate(&key, key.len - 4);
		store_put_gopher(b, key.data, store_new_entry(b->store,
		    STORE_BYTES, &map));
	}
	buf_release(&folder);
	buf_release(&gmi);
	buf_release(&map);
	buf_release(&key);
	buf_release(&up);
	buf_release(&label);
}

/* Renders the Markdown page rel/NAME.md (name without ".md"), its
 * section pages, and adds its entries to the search index. */
static int
store_add_page(struct store_builder *b, const char *rel, const char *name,
    const char *path)
{
	const struct store_params *p = b->params;
	struct buf md = BUF_INIT, gmi = BUF_INIT, map = BUF_INIT,
	    key = BUF_INIT, folder = BUF_INIT;
	struct store_entry *gmi_entry, *menu, *text;
	struct render_opts opts, search_opts;
	struct doc *doc;
	struct nav nav;
	bool is_index = strcmp(name, "index") == 0;
	bool is_front = is_index && *rel == '\0';

	if (store_read(b, path, STORE_PAGE_MAX, &md) == -1) {
		buf_release(&md);
		return -1;
	}
	doc = doc_parse(buf_str(&md), md.len);
	buf_release(&md);
	nav_build(doc, &nav);
	store_render_opts(b, rel, &key, &opts);
	store_section_folder(&folder, rel, name);

	store_gemini_success(&gmi, "text/gemini", p->lang);
	if (is_front)
		store_render_front(b, doc, &nav, folder.data, &opts, &gmi,
		    &map);
	else {
		render_gemtext(doc, &opts, &gmi);
		render_gophermap(doc, &opts, &map);
	}
	gophermap_end(&map);
	gmi_entry = store_new_entry(b->store, STORE_BYTES, &gmi);
	menu = store_new_entry(b->store, STORE_BYTES, &map);
	{
		struct buf plain = BUF_INIT;

		render_text(doc, &opts, &plain);
		gopher_text_item(&gmi, buf_str(&plain), plain.len);
		buf_release(&plain);
	}
	text = store_new_entry(b->store, STORE_BYTES, &gmi);
	search_opts = opts;
	search_opts.absolute = true;
	search_add_doc(b->store->search, doc, &search_opts, &opts);
	store_add_sections(b, doc, &nav, rel, name,
	    doc->nblocks > 0 && doc->blocks[0].kind == DOC_HEADING ?
	    doc->blocks[0].text : name);
	nav_free(&nav);
	doc_free(doc);

	if (is_index) {
		store_key(&key, rel, "", "");
		store_put_gemini(b, key.data, gmi_entry);
		store_put_gopher(b, key.data, menu);
		if (is_front)
			store_put_gopher(b, "", menu);
	}
	store_key(&key, rel, name, ".gmi");
	store_put_gemini(b, key.data, gmi_entry);
	store_key(&key, rel, name, "");
	store_put_gopher(b, key.data, menu);
	store_key(&key, rel, name, ".txt");
	store_put_gopher(b, key.data, text);
	buf_release(&key);
	buf_release(&folder);
	b->store->pages++;
	return 0;
}

/* A file served as it is: kept in memory when small, else streamed. */
static int
store_add_file(struct store_builder *b, const char *rel, const char *name,
    const char *path, const struct stat *st)
{
	struct buf data = BUF_INIT, key = BUF_INIT;
	struct store_entry *gem, *gopher;
	size_t header;

	store_key(&key, rel, name, "");
	store_gemini_success(&data, mime_type(name), b->params->lang);
	header = data.len;
	if (st->st_size <= STORE_CACHE_MAX) {
		if (store_read(b, path, STORE_CACHE_MAX, &data) == -1) {
			buf_release(&data);
			buf_release(&key);
			return -1;
		}
		gem = store_new_entry(b->store, STORE_BYTES, &data);
		/* Gopher sends the same bytes without the Gemini header. */
		gopher = store_own(b->store, xcalloc(1, sizeof(*gopher)));
		gopher->kind = STORE_BYTES;
		gopher->data = gem->data + header;
		gopher->len = gem->len - header;
	} else {
		gem = store_new_entry(b->store, STORE_FILE, &data);
		gem->file = store_own(b->store, xstrndup(path, strlen(path)));
		gem->dev = st->st_dev;
		gem->ino = st->st_ino;
		gem->size = st->st_size;
		gopher = store_own(b->store, xcalloc(1, sizeof(*gopher)));
		*gopher = *gem;
		gopher->data = "";
		gopher->len = 0;
	}
	store_put_gemini(b, key.data, gem);
	store_put_gopher(b, key.data, gopher);
	buf_release(&key);
	b->store->files++;
	return 0;
}

/* The listing of a folder that has no index.md. */
static void
store_add_listing(struct store_builder *b, const char *rel,
    const struct store_listing_item *items, size_t n)
{
	const struct store_params *p = b->params;
	struct buf gmi = BUF_INIT, map = BUF_INIT, key = BUF_INIT,
	    line = BUF_INIT;
	struct store_entry *ge, *me;

	store_gemini_success(&gmi, "text/gemini", p->lang);
	buf_printf(&gmi, "# Index of /%s\n\n", rel);
	buf_printf(&line, "Index of /%s", rel);
	gophermap_info(&map, line.data, line.len);
	gophermap_info(&map, "", 0);
	if (*rel != '\0') {
		static const char up[] = "Parent folder";

		buf_adds(&gmi, "=> ../ Parent folder\n");
		store_key(&key, rel, "", "");
		/* The parent: cut the last "name/" of "/rel/". */
		key.len--;
		while (key.len > 0 && key.data[key.len - 1] != '/')
			key.len--;
		buf_truncate(&key, key.len);
		gophermap_item(&map, '1', up, sizeof(up) - 1, key.data,
		    p->hostname, p->gopher_port);
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = items[i].name;
		char type;

		buf_clear(&line);
		switch (items[i].kind) {
		case 'd':
			buf_printf(&gmi, "=> %s/ %s/\n", name, name);
			store_key(&key, rel, name, "/");
			buf_printf(&line, "%s/", name);
			type = '1';
			break;
		case 'p':
			buf_printf(&gmi, "=> %s.gmi %s\n", name, name);
			store_key(&key, rel, name, "");
			buf_adds(&line, name);
			type = '1';
			break;
		default:
			buf_printf(&gmi, "=> %s %s\n", name, name);
			store_key(&key, rel, name, "");
			buf_adds(&line, name);
			type = mime_gopher_type(name);
			break;
		}
		gophermap_item(&map, type, line.data, line.len, key.data,
		    p->hostname, p->gopher_port);
	}
	gophermap_end(&map);
	ge = store_new_entry(b->store, STORE_BYTES, &gmi);
	me = store_new_entry(b->store, STORE_BYTES, &map);
	store_key(&key, rel, "", "");
	store_put_gemini(b, key.data, ge);
	store_put_gopher(b, key.data, me);
	if (*rel == '\0')
		store_put_gopher(b, "", me);
	buf_release(&key);
	buf_release(&line);
}

/* Where a folder has no trailing slash: Gemini redirects, Gopher serves
 * the same menu. */
static void
store_add_folder_aliases(struct store_builder *b, const char *rel)
{
	struct buf key = BUF_INIT, target = BUF_INIT;
	const struct store_entry *menu;
	struct store_entry *redirect;

	store_key(&target, rel, "", "");
	buf_add(&key, target.data, target.len - 1);
	redirect = store_new_entry(b->store, STORE_REDIRECT, &target);
	store_put_gemini(b, key.data, redirect);
	store_key(&target, rel, "", "");
	menu = store_gopher(b->store, target.data);
	if (menu != NULL)
		store_put_gopher(b, key.data, menu);
	buf_release(&key);
	buf_release(&target);
}

/*
 * Whether path (a symlink) resolves inside the content folder; nothing
 * outside it is ever served.
 */
static bool
store_inside_root(struct store_builder *b, const char *path)
{
	char *real = realpath(path, NULL);
	bool inside;

	if (real == NULL)
		return false;
	inside = strncmp(real, b->root, b->root_len) == 0 &&
	    real[b->root_len] == '/';
	free(real);
	return inside;
}

static int
store_has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcmp(name + n - s, suffix) == 0;
}

static int	store_scan(struct store_builder *, const char *, int);

static int
store_scan_entry(struct store_builder *b, const char *rel, const char *name,
    int depth, struct store_listing_item *item)
{
	struct buf path = BUF_INIT, sub = BUF_INIT;
	struct stat st;
	int rc = 0;

	buf_printf(&path, "%s/%s%s", b->root, rel, name);
	item->kind = 0;
	if (lstat(path.data, &st) == -1) {
		buf_printf(b->err, "%s: %s", path.data, strerror(errno));
		rc = -1;
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		if (!store_inside_root(b, path.data) ||
		    stat(path.data, &st) == -1) {
			log_warn("%s: links outside the content folder or "
			    "nowhere, not served", path.data);
			goto out;
		}
	}
	if (S_ISDIR(st.st_mode)) {
		buf_printf(&sub, "%s%s/", rel, name);
		if (depth + 1 > STORE_MAX_DEPTH) {
			log_warn("%s: nested too deep, not served", path.data);
			goto out;
		}
		rc = store_scan(b, sub.data, depth + 1);
		item->kind = 'd';
	} else if (S_ISREG(st.st_mode)) {
		if (store_has_suffix(name, ".md")) {
			buf_add(&sub, name, strlen(name) - 3);
			rc = store_add_page(b, rel, sub.data, path.data);
			item->kind = 'p';
			item->name[strlen(name) - 3] = '\0';
		} else {
			rc = store_add_file(b, rel, name, path.data, &st);
			item->kind = 'f';
		}
	}
out:
	buf_release(&path);
	buf_release(&sub);
	return rc;
}

static int
store_skip_name(const struct dirent *d)
{
	/* Hidden files (and "." and "..") are never served. */
	return d->d_name[0] != '.';
}

/* Scans the folder rel ("" or "a/b/") and everything below it. */
static int
store_scan(struct store_builder *b, const char *rel, int depth)
{
	struct store_listing_item *items = NULL;
	struct dirent **names = NULL;
	struct buf path = BUF_INIT;
	size_t nitems = 0;
	bool has_index = false;
	int n, rc = 0;

	buf_printf(&path, "%s/%s", b->root, rel);
	if ((n = scandir(path.data, &names, store_skip_name, alphasort)) ==
	    -1) {
		buf_printf(b->err, "%s: %s", path.data, strerror(errno));
		buf_release(&path);
		return -1;
	}
	items = xcalloc((size_t)n + 1, sizeof(*items));
	for (int i = 0; i < n; i++) {
		struct store_listing_item *it = &items[nitems];

		it->name = xstrndup(names[i]->d_name,
		    strlen(names[i]->d_name));
		if (strcmp(it->name, "index.md") == 0)
			has_index = true;
		if (rc == 0 && store_scan_entry(b, rel, names[i]->d_name,
		    depth, it) == -1)
			rc = -1;
		if (it->kind != 0)
			nitems++;
		else
			free(it->name);
	}
	if (rc == 0 && !has_index)
		store_add_listing(b, rel, items, nitems);
	if (rc == 0 && *rel != '\0')
		store_add_folder_aliases(b, rel);
	for (size_t i = 0; i < nitems; i++)
		free(items[i].name);
	free(items);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	return rc;
}

static void
store_add_caps(struct store_builder *b)
{
	struct buf caps = BUF_INIT;
	struct store_entry *e;

	if (store_gopher(b->store, "/caps.txt") != NULL)
		return;
	gopher_caps(&caps, b->params->hostname);
	e = store_new_entry(b->store, STORE_BYTES, &caps);
	store_put_gopher(b, "/caps.txt", e);
	store_put_gopher(b, "caps.txt", e);
}

/* Gemini crawlers ask for robots.txt; without one, all is allowed. */
static void
store_add_robots(struct store_builder *b)
{
	struct buf robots = BUF_INIT;

	if (store_gemini(b->store, "/robots.txt") != NULL)
		return;
	store_gemini_success(&robots, "text/plain", b->params->lang);
	buf_adds(&robots, "User-agent: *\nDisallow:\n");
	store_put_gemini(b, "/robots.txt", store_new_entry(b->store,
	    STORE_BYTES, &robots));
}

static void
store_free(struct store *s)
{
	store_map_free(&s->gemini);
	store_map_free(&s->gopher);
	for (size_t i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	search_free(s->search);
	free(s->lang);
	free(s);
}

struct store *
store_build(const struct store_params *params, struct buf *err)
{
	struct store_builder b;
	struct stat st;

	memset(&b, 0, sizeof(b));
	b.params = params;
	b.err = err;
	if ((b.root = realpath(params->content, NULL)) == NULL) {
		buf_printf(err, "%s: %s", params->content, strerror(errno));
		return NULL;
	}
	if (stat(b.root, &st) == -1 || !S_ISDIR(st.st_mode)) {
		buf_printf(err, "%s: not a folder", params->content);
		free(b.root);
		return NULL;
	}
	b.root_len = strlen(b.root);
	b.store = xcalloc(1, sizeof(*b.store));
	atomic_init(&b.store->refs, 1);
	b.store->search = search_new();
	b.store->lang = xstrndup(params->lang, strlen(params->lang));
	if (store_scan(&b, "", 0) == -1) {
		store_free(b.store);
		b.store = NULL;
	} else {
		store_add_caps(&b);
		store_add_robots(&b);
	}
	/* Parsing is over for this batch: give back the parser's memory. */
	doc_trim();
	free(b.root);
	return b.store;
}

struct store *
store_ref(struct store *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void
store_unref(struct store *s)
{
	if (s == NULL)
		return;
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		store_free(s);
}

const struct store_entry *
store_gemini(const struct store *s, const char *path)
{
	const struct store_slot *slot = store_map_find(&s->gemini, path);

	return slot != NULL && slot->key != NULL ? slot->entry : NULL;
}

const struct store_entry *
store_gopher(const struct store *s, const char *selector)
{
	const struct store_slot *slot = store_map_find(&s->gopher, selector);

	return slot != NULL && slot->key != NULL ? slot->entry : NULL;
}

size_t
store_pages(const struct store *s)
{
	return s->pages;
}

size_t
store_files(const struct store *s)
{
	return s->files;
}

const struct search_index *
store_search(const struct store *s)
{
	return s->search;
}

const char *
store_lang(const struct store *s)
{
	return s->lang;
}
