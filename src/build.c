/* build: a snapshot made from the content folder: the scan, the URL
 * layout (which path and selector answer what), and the renderings. */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc.h"
#include "docbuild.h"
#include "file.h"
#include "gemstatus.h"
#include "gophermap.h"
#include "hmap.h"
#include "links.h"
#include "log.h"
#include "mime.h"
#include "nav.h"
#include "page.h"
#include "pages.h"
#include "render.h"
#include "search.h"
#include "url.h"

/* Folders nested deeper than this are not served (and symlink loops end). */
#define BUILD_MAX_DEPTH	16

/* What one folder holds, for its generated listing. */
struct build_listing_item {
	char	*name;
	char	 kind;		/* 'd' folder, 'p' page, 'f' file */
};

struct build {
	struct store			*store;
	const struct store_params	*params;
	struct page_settings		 settings;
	char				*root;	/* realpath of the folder */
	size_t				 root_len;
	struct buf			*err;
	/*
	 * A first scan only notes what the folder holds ("/a/b.png",
	 * "/a/" for a folder), so that links can be checked against it
	 * while pages are rendered.
	 */
	bool				 inventory_only;
	struct hmap			 inventory;
	/* The pages, made once the whole folder is scanned. */
	struct pages_job		*jobs;
	size_t				 njobs;
	size_t				 jobs_cap;
	/* Folders below the root, whose aliases come once all is built. */
	char				**folders;
	size_t				 nfolders;
	/* Pages with section pages: "/rel/name/" answers the page too. */
	char				**section_folders;
	size_t				 nsection_folders;
	struct pages_totals		 totals;
};

/* Makes key "/" rel name suffix ("/a/b/" "page" ".gmi"), rel being "" or
 * ending in "/": the form both maps are keyed by. */
static void
build_key(struct buf *key, const char *rel, const char *name,
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
build_put(struct build *b, enum store_proto proto, const char *key,
    const struct store_entry *e)
{
	if (!store_put(b->store, proto, key, e))
		log_warn("%s: \"%s\" is served already by another file, "
		    "skipped", b->root, key);
}

#define build_put_gemini(b, key, e)	build_put(b, STORE_GEMINI, key, e)
#define build_put_gopher(b, key, e)	build_put(b, STORE_GOPHER, key, e)

/*
 * How pages of the folder rel are rendered; opts->base points into base,
 * which must outlive opts.
 */
static void
build_render_opts(struct build *b, const char *rel, struct buf *base,
    struct render_opts *opts)
{
	render_opts_init(opts);
	opts->host = b->params->hostname;
	opts->port = b->params->gopher_port;
	opts->width = b->params->wrap;
	build_key(base, rel, "", "");
	opts->base = base->data;
}

/* Renders a document made by docbuild into gemtext or a menu, and frees it. */
static void
build_render_built(struct doc *doc, const struct render_opts *opts,
    struct buf *gmi, struct buf *map)
{
	if (gmi != NULL)
		render_gemtext(doc, opts, gmi);
	if (map != NULL)
		render_gophermap(doc, opts, map);
	doc_free(doc);
}

/* Puts a rendered page's answers in the maps: "/rel/name.gmi",
 * "/rel/name", "/rel/name.txt", a folder's index at "/rel/" too. */
static void
build_add_rendered(struct build *b, struct page *pg)
{
	struct buf key = BUF_INIT;
	bool is_index = strcmp(pg->name, "index") == 0;

	if (!store_add_page(b->store, pg)) {
		log_warn("%s: \"%s\" is served already by another file, "
		    "skipped", b->root, pg->path);
		return;
	}
	if (pg->nsections > 0) {
		b->section_folders = xreallocarray(b->section_folders,
		    b->nsection_folders + 1, sizeof(*b->section_folders));
		buf_printf(&key, "/%s%s/", pg->rel, pg->name);
		b->section_folders[b->nsection_folders++] = buf_detach(&key,
		    NULL);
	}
	if (is_index) {
		build_key(&key, pg->rel, "", "");
		build_put_gemini(b, key.data, &pg->gmi);
		build_put_gopher(b, key.data, &pg->map);
		if (*pg->rel == '\0')
			build_put_gopher(b, "", &pg->map);
	}
	build_key(&key, pg->rel, pg->name, ".gmi");
	build_put_gemini(b, key.data, &pg->gmi);
	build_key(&key, pg->rel, pg->name, "");
	build_put_gopher(b, key.data, &pg->map);
	build_key(&key, pg->rel, pg->name, ".txt");
	build_put_gopher(b, key.data, &pg->txt);
	buf_release(&key);
}

/*
 * Notes the Markdown page rel/NAME.md (name without ".md"): pages are made
 * once the folder is scanned, when every page's anchors can be known.
 */
static void
build_add_page(struct build *b, const char *rel, const char *name,
    const struct stat *st)
{
	struct pages_job *job;
	struct buf file = BUF_INIT;

	if (b->njobs == b->jobs_cap) {
		b->jobs_cap = b->jobs_cap ? b->jobs_cap * 2 : 64;
		b->jobs = xreallocarray(b->jobs, b->jobs_cap,
		    sizeof(*b->jobs));
	}
	job = &b->jobs[b->njobs++];
	memset(job, 0, sizeof(*job));
	job->rel = xstrdup(rel);
	job->name = xstrdup(name);
	buf_printf(&file, "%s/%s%s.md", b->params->content, rel, name);
	job->file = buf_detach(&file, NULL);
	job->id.dev = st->st_dev;
	job->id.ino = st->st_ino;
	job->id.size = st->st_size;
	job->id.mtime = st->st_mtim;
}

/* Makes the pages (on every core, the unchanged ones taken from the
 * previous snapshot) and serves them, in the order they were found. */
static int
build_make_pages(struct build *b)
{
	const struct store *previous = b->params->previous;
	struct pages_ctx ctx = {
		&b->settings, b->params->source_url, b->params->list_missing,
		&b->inventory, NULL,
	};
	struct buf settings = BUF_INIT;

	/* Pages are shared only with a snapshot rendered the same way. */
	buf_printf(&settings, "%s|%s|%u|%u|%s|%zu|%zu|%s", b->root,
	    b->settings.hostname, b->settings.gopher_port,
	    b->settings.gemini_port, b->settings.lang, b->settings.wrap,
	    b->settings.page_max, b->params->source_url != NULL ?
	    b->params->source_url : "");
	store_set_settings(b->store, settings.data);
	if (previous != NULL && strcmp(store_settings(previous),
	    settings.data) == 0)
		ctx.previous = previous;
	buf_release(&settings);

	if (pages_make(b->jobs, b->njobs, &ctx, &b->totals, b->err) == -1)
		return -1;
	for (size_t i = 0; i < b->njobs; i++)
		build_add_rendered(b, b->jobs[i].page);
	return 0;
}

/* A file served as it is: kept in memory when small, else streamed. */
static int
build_add_file(struct build *b, const char *rel, const char *name,
    const char *path, const struct stat *st)
{
	struct buf data = BUF_INIT, key = BUF_INIT;
	struct store_entry *gem, *gopher;
	size_t header;

	build_key(&key, rel, name, "");
	gemstatus_success(&data, mime_type(name), b->params->lang);
	header = data.len;
	if (st->st_size <= STORE_CACHE_MAX) {
		if (file_read(path, STORE_CACHE_MAX, &data, b->err) == -1) {
			buf_release(&data);
			buf_release(&key);
			return -1;
		}
		gem = store_add_entry(b->store, STORE_BYTES, &data);
		/* Gopher sends the same bytes without the Gemini header. */
		gopher = store_keep(b->store, xcalloc(1, sizeof(*gopher)));
		store_entry_set(gopher, STORE_BYTES, gem->part[0].data + header,
		    gem->len - header);
	} else {
		gem = store_add_entry(b->store, STORE_FILE, &data);
		gem->file = store_keep(b->store, xstrdup(path));
		gem->dev = st->st_dev;
		gem->ino = st->st_ino;
		gem->size = st->st_size;
		gopher = store_keep(b->store, xcalloc(1, sizeof(*gopher)));
		*gopher = *gem;
		gopher->nparts = 0;
		gopher->len = 0;
	}
	build_put_gemini(b, key.data, gem);
	build_put_gopher(b, key.data, gopher);
	buf_release(&key);
	store_count_file(b->store, (size_t)st->st_size);
	return 0;
}

/* The listing of a folder that has no index.md: a document of links,
 * each name percent-encoded as one path segment. */
static void
build_add_listing(struct build *b, const char *rel,
    const struct build_listing_item *items, size_t n)
{
	const struct store_params *p = b->params;
	struct buf gmi = BUF_INIT, map = BUF_INIT, key = BUF_INIT,
	    url = BUF_INIT, label = BUF_INIT;
	struct docbuild *db = docbuild_new();
	struct render_opts opts;
	struct store_entry *ge, *me;

	buf_printf(&label, "Index of /%s", rel);
	docbuild_heading(db, 1, label.data);
	if (*rel != '\0')
		docbuild_link(db, "../", "Parent folder", 1);
	for (size_t i = 0; i < n; i++) {
		const char *name = items[i].name;

		buf_clear(&url);
		buf_clear(&label);
		url_encode_segment(&url, name, strlen(name));
		buf_adds(&label, name);
		if (items[i].kind == 'd') {
			buf_addc(&url, '/');
			buf_addc(&label, '/');
		} else if (items[i].kind == 'p')
			buf_adds(&url, ".md");
		docbuild_link(db, url.data, label.data, 1);
	}
	build_render_opts(b, rel, &key, &opts);
	gemstatus_success(&gmi, "text/gemini", p->lang);
	build_render_built(docbuild_finish(db), &opts, &gmi, &map);
	gophermap_end(&map);
	ge = store_add_entry(b->store, STORE_BYTES, &gmi);
	me = store_add_entry(b->store, STORE_BYTES, &map);
	build_key(&key, rel, "", "");
	build_put_gemini(b, key.data, ge);
	build_put_gopher(b, key.data, me);
	if (*rel == '\0')
		build_put_gopher(b, "", me);
	buf_release(&key);
	buf_release(&url);
	buf_release(&label);
}

/* Where a folder has no trailing slash: Gemini redirects, Gopher serves
 * the same menu. */
static void
build_add_folder_aliases(struct build *b, const char *rel)
{
	struct buf key = BUF_INIT, target = BUF_INIT;
	const struct store_entry *menu;
	struct store_entry *redirect;

	build_key(&target, rel, "", "");
	buf_add(&key, target.data, target.len - 1);
	redirect = store_add_entry(b->store, STORE_REDIRECT, &target);
	build_put_gemini(b, key.data, redirect);
	build_key(&target, rel, "", "");
	menu = store_gopher(b->store, target.data, NULL);
	if (menu != NULL)
		build_put_gopher(b, key.data, menu);
	buf_release(&key);
	buf_release(&target);
}

/*
 * Whether path (a symlink) resolves inside the content folder; nothing
 * outside it is ever served.
 */
static bool
build_inside_root(struct build *b, const char *path)
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
build_has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcmp(name + n - s, suffix) == 0;
}

static int	build_scan(struct build *, const char *, int);

static int
build_scan_entry(struct build *b, const char *rel, const char *name,
    int depth, struct build_listing_item *item)
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
		if (!build_inside_root(b, path.data) ||
		    stat(path.data, &st) == -1) {
			if (!b->inventory_only)
				log_warn("%s: links outside the content folder or "
				    "nowhere, not served", path.data);
			goto out;
		}
	}
	if (S_ISDIR(st.st_mode)) {
		buf_printf(&sub, "%s%s/", rel, name);
		if (depth + 1 > BUILD_MAX_DEPTH) {
			if (!b->inventory_only)
				log_warn("%s: nested too deep, not served",
				    path.data);
			goto out;
		}
		rc = build_scan(b, sub.data, depth + 1);
		item->kind = 'd';
	} else if (S_ISREG(st.st_mode) && b->inventory_only) {
		buf_printf(&sub, "/%s%s", rel, name);
		hmap_put(&b->inventory, sub.data, b);
	} else if (S_ISREG(st.st_mode)) {
		if (build_has_suffix(name, ".md")) {
			buf_add(&sub, name, strlen(name) - 3);
			build_add_page(b, rel, sub.data, &st);
			item->kind = 'p';
			item->name[strlen(name) - 3] = '\0';
		} else {
			rc = build_add_file(b, rel, name, path.data, &st);
			item->kind = 'f';
		}
	} else if (!b->inventory_only) {
		log_warn("%s: not a file or a folder, not served", path.data);
	}
out:
	buf_release(&path);
	buf_release(&sub);
	return rc;
}

static int
build_skip_name(const struct dirent *d)
{
	/* Hidden files (and "." and "..") are never served. */
	return d->d_name[0] != '.';
}

/* Scans the folder rel ("" or "a/b/") and everything below it. */
static int
build_scan(struct build *b, const char *rel, int depth)
{
	struct build_listing_item *items = NULL;
	struct dirent **names = NULL;
	struct buf path = BUF_INIT;
	size_t nitems = 0;
	bool has_index = false;
	int n, rc = 0;

	buf_printf(&path, "%s/%s", b->root, rel);
	if ((n = scandir(path.data, &names, build_skip_name, alphasort)) ==
	    -1) {
		buf_printf(b->err, "%s: %s", path.data, strerror(errno));
		buf_release(&path);
		return -1;
	}
	items = xcalloc((size_t)n + 1, sizeof(*items));
	for (int i = 0; i < n; i++) {
		struct build_listing_item *it = &items[nitems];

		it->name = xstrdup(names[i]->d_name);
		if (strcmp(it->name, "index.md") == 0)
			has_index = true;
		if (rc == 0 && build_scan_entry(b, rel, names[i]->d_name,
		    depth, it) == -1)
			rc = -1;
		if (it->kind != 0)
			nitems++;
		else
			free(it->name);
	}
	if (b->inventory_only) {
		buf_clear(&path);
		buf_printf(&path, "/%s", rel);
		hmap_put(&b->inventory, path.data, b);
	} else if (rc == 0 && !has_index)
		build_add_listing(b, rel, items, nitems);
	if (rc == 0 && *rel != '\0' && !b->inventory_only) {
		b->folders = xreallocarray(b->folders, b->nfolders + 1,
		    sizeof(*b->folders));
		b->folders[b->nfolders++] = xstrdup(rel);
	}
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
build_add_caps(struct build *b)
{
	struct buf caps = BUF_INIT;
	struct store_entry *e;

	if (store_gopher(b->store, "/caps.txt", NULL) != NULL)
		return;
	gophermap_caps(&caps, b->params->hostname);
	e = store_add_entry(b->store, STORE_BYTES, &caps);
	build_put_gopher(b, "/caps.txt", e);
	build_put_gopher(b, "caps.txt", e);
}

/* Gemini crawlers ask for robots.txt; without one, all is allowed. */
static void
build_add_robots(struct build *b)
{
	struct buf robots = BUF_INIT;

	if (store_gemini(b->store, "/robots.txt", NULL) != NULL)
		return;
	gemstatus_success(&robots, "text/plain", b->params->lang);
	buf_adds(&robots, "User-agent: *\nDisallow:\n");
	build_put_gemini(b, "/robots.txt", store_add_entry(b->store,
	    STORE_BYTES, &robots));
}

/*
 * The folder of a page's sections, "/rel/name/", is where a client's
 * "parent" button goes from a section: it answers the page (Gemini by a
 * redirect), unless a real folder of that name is served there.
 */
static void
build_add_section_folder(struct build *b, const char *folder)
{
	struct buf target = BUF_INIT, page = BUF_INIT;
	const struct store_entry *menu;

	buf_add(&page, folder, strlen(folder) - 1);	/* "/rel/name" */
	if (store_gemini(b->store, folder, NULL) == NULL) {
		if (strcmp(folder, "/index/") == 0)
			buf_adds(&target, "/");
		else
			buf_printf(&target, "%s.gmi", page.data);
		build_put_gemini(b, folder, store_add_entry(b->store,
		    STORE_REDIRECT, &target));
	}
	if (store_gopher(b->store, folder, NULL) == NULL &&
	    (menu = store_gopher(b->store, page.data, NULL)) != NULL)
		build_put_gopher(b, folder, menu);
	buf_release(&target);
	buf_release(&page);
}

/* Once the folder is scanned: the pages, the folders' aliases, the
 * generated files. */
static int
build_finish(struct build *b)
{
	if (build_make_pages(b) == -1)
		return -1;
	for (size_t i = 0; i < b->nfolders; i++)
		build_add_folder_aliases(b, b->folders[i]);
	for (size_t i = 0; i < b->nsection_folders; i++)
		build_add_section_folder(b, b->section_folders[i]);
	build_add_caps(b);
	build_add_robots(b);
	if (b->totals.nmissing > 0 && !b->params->list_missing)
		log_warn("%s: %zu relative link(s) lead to files the content "
		    "folder lacks (capsuled -n lists them; source_url points "
		    "them elsewhere)", b->params->content, b->totals.nmissing);
	return 0;
}

static void
build_release(struct build *b)
{
	for (size_t i = 0; i < b->njobs; i++)
		pages_job_free(&b->jobs[i]);
	free(b->jobs);
	for (size_t i = 0; i < b->nfolders; i++)
		free(b->folders[i]);
	free(b->folders);
	for (size_t i = 0; i < b->nsection_folders; i++)
		free(b->section_folders[i]);
	free(b->section_folders);
	hmap_free(&b->inventory, NULL);
	free(b->root);
}

struct store *
build_snapshot(const struct store_params *params, struct buf *err)
{
	struct build b;
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
	b.settings.hostname = params->hostname;
	b.settings.gopher_port = params->gopher_port;
	b.settings.gemini_port = params->gemini_port;
	b.settings.lang = params->lang;
	b.settings.wrap = params->wrap;
	b.settings.page_max = params->page_max;
	b.store = store_new(params->lang);
	search_set_page_size(store_index(b.store), params->search_results);
	search_set_gopher_origin(store_index(b.store), params->hostname,
	    params->gopher_port);
	b.inventory_only = true;
	if (build_scan(&b, "", 0) == 0) {
		b.inventory_only = false;
		if (build_scan(&b, "", 0) == 0 && build_finish(&b) == 0)
			store_set_reused(b.store, b.totals.reused);
		else {
			store_unref(b.store);
			b.store = NULL;
		}
	} else {
		store_unref(b.store);
		b.store = NULL;
	}
	build_release(&b);
	return b.store;
}
