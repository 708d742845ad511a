/* page: one Markdown page rendered once; its sections are slices of it. */
#include "page.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "docbuild.h"
#include "gemstatus.h"
#include "gophermap.h"
#include "render.h"
#include "search.h"
#include "url.h"

/* A section's plain text ends with its own references, under this. */
static const char page_refs_heading[] =
    "\r\nReferences\r\n----------\r\n\r\n";
static const char page_menu_end[] = ".\r\n";
/*
 * A page of this many blocks has its plain text rendered, and its search
 * words read, by threads of their own while this one renders the gemtext
 * and the menu: on a 20 000-entry page these take longer than its parse.
 */
#define PAGE_THREAD_BLOCKS	4096

/* What rendering one page takes. */
struct page_maker {
	struct page			*page;
	const struct nav		*nav;
	const struct page_settings	*settings;
	struct render_opts		 opts;
	struct render_marks		 gmi_marks;
	struct render_marks		 map_marks;
	struct render_marks		 txt_marks;
	struct buf			 base;	/* "/rel/" */
	struct buf			 folder; /* "/rel/NAME/" */
	struct buf			 gmi;
	struct buf			 map;
	struct buf			 txt;
	struct buf			 frames;
	bool				 is_front;
	/* The front page's links to the other protocol, at its end. */
	size_t				 gmi_links;
	size_t				 map_links;
	/* A big page's table of contents, in frames. */
	struct page_slice		 toc_gmi;
	struct page_slice		 toc_map;
};

/* The gemini:// or gopher:// URL of this capsule's root. */
static void
page_root_url(struct buf *out, const char *scheme, const char *host,
    unsigned port, unsigned default_port)
{
	buf_printf(out, "%s://%s", scheme, host);
	if (port != default_port)
		buf_printf(out, ":%u", port);
	buf_addc(out, '/');
}

/* Renders a document made by docbuild into gemtext or a menu, and frees
 * it.  Unmarked: its blocks are not the page's. */
static void
page_render_built(struct page_maker *m, struct doc *doc, struct buf *gmi,
    struct buf *map)
{
	struct render_opts opts = m->opts;

	opts.marks = NULL;
	if (gmi != NULL)
		render_gemtext(doc, &opts, gmi);
	if (map != NULL)
		render_gophermap(doc, &opts, map);
	doc_free(doc);
}

/* A view of blocks [start, end) of doc, sharing its strings. */
static struct doc
page_doc_slice(const struct doc *doc, size_t start, size_t end)
{
	struct doc view = *doc;

	view.blocks = doc->blocks + start;
	view.nblocks = end - start;
	return view;
}

/* The link to section i, or with i NAV_NONE to the page itself; its
 * label is appended. */
static void
page_section_link(const struct page_maker *m, size_t i, struct buf *url,
    struct buf *label)
{
	const struct page *pg = m->page;

	buf_clear(url);
	if (i != NAV_NONE) {
		buf_adds(url, m->folder.data);
		url_encode_segment(url, m->nav->sections[i].slug,
		    strlen(m->nav->sections[i].slug));
		buf_adds(url, ".md");
		buf_adds(label, m->nav->sections[i].title);
		return;
	}
	buf_addc(url, '/');
	buf_adds(url, pg->rel);
	if (!m->is_front) {
		url_encode_segment(url, pg->name, strlen(pg->name));
		buf_adds(url, ".md");
	}
	buf_adds(label, pg->title);
}

/*
 * The table of contents of the page's sections and the search.  It reads
 * as a tree: in menus a subsection is indented under its section;
 * gemtext cannot indent a link line, so each section with subsections
 * stands as a group of its own.
 */
static void
page_toc(struct page_maker *m, struct buf *gmi, struct buf *map)
{
	const struct nav *nav = m->nav;
	struct docbuild *gem = docbuild_new(), *menu = docbuild_new();
	struct buf label = BUF_INIT, url = BUF_INIT;

	for (size_t i = 0; i < nav->n; i++) {
		const struct nav_section *s = &nav->sections[i];
		bool top = s->parent == NAV_NONE;
		bool has_children = i + 1 < nav->n &&
		    nav->sections[i + 1].parent == i;

		if (top && (has_children || (i > 0 &&
		    nav->sections[i - 1].parent != NAV_NONE)))
			docbuild_end_list(gem);
		buf_clear(&label);
		for (size_t p = s->parent; p != NAV_NONE;
		    p = nav->sections[p].parent)
			buf_adds(&label, "  ");
		page_section_link(m, i, &url, &label);
		docbuild_link(gem, url.data, s->title, 1);
		docbuild_link(menu, url.data, label.data, 1);
	}
	docbuild_end_list(gem);
	docbuild_search(gem, "/search", "Search the reading list");
	docbuild_search(menu, "/search", "Search the reading list");
	page_render_built(m, docbuild_finish(gem), gmi, NULL);
	page_render_built(m, docbuild_finish(menu), NULL, map);
	gophermap_info(map, "", 0);
	buf_release(&label);
	buf_release(&url);
}

/* The front page links to the other protocol's version of the capsule
 * and, in Gopher, to its own plain text. */
static void
page_front_links(struct page_maker *m)
{
	const struct page_settings *p = m->settings;
	struct docbuild *db;
	struct buf url = BUF_INIT;

	m->gmi_links = m->gmi.len;
	m->map_links = m->map.len;
	if (p->gopher_port != 0) {
		db = docbuild_new();
		page_root_url(&url, "gopher", p->hostname, p->gopher_port, 70);
		docbuild_link(db, url.data, "This capsule on Gopher", 1);
		render_gemtext_blank(&m->gmi);
		page_render_built(m, docbuild_finish(db), &m->gmi, NULL);
	}
	db = docbuild_new();
	docbuild_link(db, "/index.txt", "This page as plain text", 1);
	if (p->gemini_port != 0) {
		buf_clear(&url);
		page_root_url(&url, "gemini", p->hostname, p->gemini_port,
		    1965);
		docbuild_link(db, url.data, "This capsule on Gemini", 1);
	}
	gophermap_info(&m->map, "", 0);
	page_render_built(m, docbuild_finish(db), NULL, &m->map);
	buf_release(&url);
}

/* The front page: its title, the table of contents, the rest. */
static void
page_render_front(struct page_maker *m, const struct doc *doc)
{
	size_t title = doc->nblocks > 0 && doc->blocks[0].kind ==
	    DOC_HEADING && doc->blocks[0].level == 1 ? 1 : 0;
	struct doc head = page_doc_slice(doc, 0, title);
	struct doc rest = page_doc_slice(doc, title, doc->nblocks);
	struct render_opts gmi_opts = m->opts, map_opts = m->opts;

	gmi_opts.marks = &m->gmi_marks;
	map_opts.marks = &m->map_marks;
	render_gemtext(&head, &gmi_opts, &m->gmi);
	render_gophermap(&head, &map_opts, &m->map);
	if (title > 0) {
		render_gemtext_blank(&m->gmi);
		gophermap_info(&m->map, "", 0);
	}
	page_toc(m, &m->gmi, &m->map);
	render_gemtext_blank(&m->gmi);
	render_gemtext(&rest, &gmi_opts, &m->gmi);
	render_gophermap(&rest, &map_opts, &m->map);
	page_front_links(m);
}

/* Appends piece to the frames; returns where it is. */
static struct page_slice
page_frame(struct page_maker *m, const struct buf *piece)
{
	struct page_slice s;

	s.start = (uint32_t)m->frames.len;
	buf_add(&m->frames, buf_str(piece), piece->len);
	s.end = (uint32_t)m->frames.len;
	return s;
}

/*
 * The same for a piece that sections share (the "Up" link of sections
 * with one parent): kept once.  Only the feet so far are looked through.
 */
static struct page_slice
page_frame_shared(struct page_maker *m, const struct buf *piece,
    const struct page_section *so_far, size_t n, bool gemtext)
{
	for (size_t i = 0; i < n; i++) {
		struct page_slice f = gemtext ? so_far[i].gmi_foot :
		    so_far[i].map_foot;

		if (f.end - f.start == piece->len &&
		    memcmp(m->frames.data + f.start, buf_str(piece),
		    piece->len) == 0)
			return f;
	}
	return page_frame(m, piece);
}

/*
 * A section page opens with a real title, "Books - Distributed Systems"
 * (clients show it as the window's), and the breadcrumbs up to it,
 * "Distributed Systems > Resources > Books", with a link to each.
 */
static struct doc *
page_section_head(const struct page_maker *m, size_t i)
{
	const struct nav_section *s = &m->nav->sections[i];
	struct docbuild *db = docbuild_new();
	struct buf title = BUF_INIT, crumbs = BUF_INIT, url = BUF_INIT,
	    label = BUF_INIT;
	size_t chain[3], n = 0;

	buf_printf(&title, "%s - %s", s->title, m->page->title);
	docbuild_heading(db, 1, title.data);
	chain[n++] = NAV_NONE;
	if (s->parent != NAV_NONE && m->nav->sections[s->parent].parent !=
	    NAV_NONE)
		chain[n++] = m->nav->sections[s->parent].parent;
	if (s->parent != NAV_NONE)
		chain[n++] = s->parent;
	for (size_t k = 0; k < n; k++) {
		buf_clear(&label);
		page_section_link(m, chain[k], &url, &label);
		buf_adds(&crumbs, label.data);
		buf_adds(&crumbs, " > ");
	}
	buf_adds(&crumbs, s->title);
	docbuild_text(db, crumbs.data);
	for (size_t k = 0; k < n; k++) {
		buf_clear(&label);
		page_section_link(m, chain[k], &url, &label);
		docbuild_link(db, url.data, label.data, 1);
	}
	buf_release(&title);
	buf_release(&crumbs);
	buf_release(&url);
	buf_release(&label);
	return docbuild_finish(db);
}

/* Bytes [marks' start of block first, end of block last] as a slice. */
static struct page_slice
page_blocks(const struct render_marks *marks, size_t first, size_t last)
{
	struct page_slice s = { 0, 0 };

	if (marks->block_start[first] != SIZE_MAX &&
	    marks->block_end[last] != SIZE_MAX) {
		s.start = (uint32_t)marks->block_start[first];
		s.end = (uint32_t)marks->block_end[last];
	}
	return s;
}

/* Section i: where its blocks are, and its head and foot; the sections
 * before it are done. */
static void
page_add_section(struct page_maker *m, size_t i, struct page_section *out)
{
	const struct page_section *so_far = out - i;
	const struct nav_section *s = &m->nav->sections[i];
	const struct render_marks *t = &m->txt_marks;
	struct buf gmi = BUF_INIT, map = BUF_INIT, up = BUF_INIT,
	    label = BUF_INIT;
	struct docbuild *db;

	out->slug = (uint32_t)m->frames.len;
	buf_add(&m->frames, s->slug, strlen(s->slug) + 1);
	out->gmi = page_blocks(&m->gmi_marks, s->start, s->end - 1);
	out->map = page_blocks(&m->map_marks, s->start, s->end - 1);
	out->txt = page_blocks(t, s->start, s->end - 1);
	out->refs.start = out->refs.end = 0;
	if (t->ref_start != NULL && t->block_refs[s->start] <
	    t->block_refs[s->end]) {
		out->refs.start = (uint32_t)t->ref_start[t->block_refs[
		    s->start]];
		out->refs.end = (uint32_t)t->ref_start[t->block_refs[s->end]];
	}
	page_render_built(m, page_section_head(m, i), &gmi, &map);
	render_gemtext_blank(&gmi);
	gophermap_info(&map, "", 0);
	out->gmi_head = page_frame(m, &gmi);
	out->map_head = page_frame(m, &map);
	buf_clear(&gmi);
	buf_clear(&map);
	buf_adds(&label, "Up: ");
	page_section_link(m, s->parent, &up, &label);
	db = docbuild_new();
	docbuild_link(db, up.data, label.data, 1);
	render_gemtext_blank(&gmi);
	gophermap_info(&map, "", 0);
	page_render_built(m, docbuild_finish(db), &gmi, &map);
	gophermap_end(&map);
	out->gmi_foot = page_frame_shared(m, &gmi, so_far, i, true);
	out->map_foot = page_frame_shared(m, &map, so_far, i, false);
	buf_release(&gmi);
	buf_release(&map);
	buf_release(&up);
	buf_release(&label);
}

/* A big page that is not the front page gets a table of contents. */
static void
page_add_toc(struct page_maker *m)
{
	struct buf gmi = BUF_INIT, map = BUF_INIT;

	/* The text before it ends with the blank line before a heading. */
	page_toc(m, &gmi, &map);
	gophermap_end(&map);
	m->toc_gmi = page_frame(m, &gmi);
	m->toc_map = page_frame(m, &map);
	buf_release(&gmi);
	buf_release(&map);
}

/*
 * A page whose gemtext exceeds page_max is served as its text up to its
 * first section, the table of contents (the front page has it already)
 * and the search; its sections stay their own pages.
 */
static void
page_set_summary(struct page_maker *m)
{
	struct page *pg = m->page;
	const struct page_section *first = &pg->sections[0];

	pg->big = true;
	store_entry_set(&pg->gmi, STORE_BYTES, pg->gmi_data, first->gmi.start);
	store_entry_set(&pg->map, STORE_BYTES, pg->map_data, first->map.start);
	if (m->is_front) {
		store_entry_add(&pg->gmi, pg->gmi_data + m->gmi_links,
		    pg->gmi_len - m->gmi_links);
		store_entry_add(&pg->map, pg->map_data + m->map_links,
		    pg->map_len - m->map_links);
		return;
	}
	store_entry_add(&pg->gmi, pg->frames + m->toc_gmi.start,
	    m->toc_gmi.end - m->toc_gmi.start);
	store_entry_add(&pg->map, pg->frames + m->toc_map.start,
	    m->toc_map.end - m->toc_map.start);
}

/* Moves the renderings and frames into one block, the page's: one
 * allocation, not four, for each page of a large capsule. */
static void
page_keep(struct page_maker *m)
{
	struct page *pg = m->page;
	struct buf *parts[] = { &m->gmi, &m->map, &m->txt, &m->frames };
	size_t total = 0, at = 0;
	char *p[4];

	for (size_t i = 0; i < 4; i++)
		total += parts[i]->len + 1;
	pg->block = xreallocarray(NULL, total, 1);
	for (size_t i = 0; i < 4; i++) {
		p[i] = pg->block + at;
		if (parts[i]->len > 0)
			memcpy(p[i], parts[i]->data, parts[i]->len);
		p[i][parts[i]->len] = '\0';
		at += parts[i]->len + 1;
	}
	pg->gmi_data = p[0];
	pg->gmi_len = m->gmi.len;
	pg->map_data = p[1];
	pg->map_len = m->map.len;
	pg->txt_data = p[2];
	pg->txt_len = m->txt.len;
	pg->frames = p[3];
	pg->frames_len = m->frames.len;
}

static void
page_maker_release(struct page_maker *m)
{
	render_marks_free(&m->gmi_marks);
	render_marks_free(&m->map_marks);
	render_marks_free(&m->txt_marks);
	buf_release(&m->base);
	buf_release(&m->folder);
	buf_release(&m->gmi);
	buf_release(&m->map);
	buf_release(&m->txt);
	buf_release(&m->frames);
}

/* What the plain text and the search's words are made from, and into. */
struct page_text_job {
	struct page_maker	*maker;
	const struct doc	*doc;
	struct search_maker	*search;	/* once its words are read */
};

/* The page's plain text, marked; a thread's body too. */
static void *
page_render_text(void *arg)
{
	const struct page_text_job *job = arg;
	struct page_maker *m = job->maker;
	struct render_opts opts = m->opts;

	opts.marks = &m->txt_marks;
	opts.gopher_text = true;
	render_text(job->doc, &opts, &m->txt);
	buf_add(&m->txt, page_menu_end, sizeof(page_menu_end) - 1);
	return NULL;
}

/* The search's words of the page; a thread's body. */
static void *
page_read_words(void *arg)
{
	struct page_text_job *job = arg;

	job->search = search_part_start(job->doc);
	return NULL;
}

/*
 * The three renderings of the whole page, marked, and its search part.
 * Each rendering writes only its own buffer and marks, and the search's
 * words come from the doc alone, so on a big page the plain text and the
 * words are made on threads of their own.
 */
static void
page_render_all(struct page_maker *m, const struct doc *doc)
{
	struct render_opts opts = m->opts;
	struct page_text_job job = { m, doc, NULL };
	pthread_t text, words;
	bool big = doc->nblocks >= PAGE_THREAD_BLOCKS;
	bool text_threaded = big &&
	    pthread_create(&text, NULL, page_render_text, &job) == 0;
	bool words_threaded = big &&
	    pthread_create(&words, NULL, page_read_words, &job) == 0;

	gemstatus_success(&m->gmi, "text/gemini", m->settings->lang);
	if (m->is_front)
		page_render_front(m, doc);
	else {
		opts.marks = &m->gmi_marks;
		render_gemtext(doc, &opts, &m->gmi);
		opts.marks = &m->map_marks;
		render_gophermap(doc, &opts, &m->map);
	}
	gophermap_end(&m->map);
	if (text_threaded)
		pthread_join(text, NULL);
	else
		page_render_text(&job);
	if (words_threaded)
		pthread_join(words, NULL);
	else
		page_read_words(&job);
	m->page->search = search_part_finish(job.search, &m->gmi_marks,
	    &m->map_marks);
}

struct page *
page_render(const struct doc *doc, const struct nav *nav,
    const struct page_where *where, const struct page_settings *settings)
{
	struct page *pg = xcalloc(1, sizeof(*pg));
	size_t page_max = settings->page_max > 0 ? settings->page_max :
	    PAGE_MAX_DEFAULT;
	struct page_maker m;
	bool big;

	atomic_init(&pg->refs, 1);
	pg->rel = xstrdup(where->rel);
	pg->name = xstrdup(where->name);
	pg->title = xstrdup(doc->nblocks > 0 && doc->blocks[0].kind ==
	    DOC_HEADING ? doc->blocks[0].text : where->name);
	if (where->file != NULL)
		pg->file = *where->file;
	pg->deps = xreallocarray(NULL, where->deps_len + 1, 1);
	memcpy(pg->deps, where->deps, where->deps_len);
	pg->deps_len = where->deps_len;
	memset(&m, 0, sizeof(m));
	m.page = pg;
	m.nav = nav;
	m.settings = settings;
	m.is_front = *where->rel == '\0' && strcmp(where->name, "index") == 0;
	buf_printf(&m.base, "/%s", where->rel);
	buf_printf(&m.folder, "/%s%s/", where->rel, where->name);
	buf_printf(&m.txt, "/%s%s.md", where->rel, where->name);
	pg->path = buf_detach(&m.txt, NULL);
	render_opts_init(&m.opts);
	m.opts.host = settings->hostname;
	m.opts.port = settings->gopher_port;
	m.opts.width = settings->wrap;
	m.opts.base = m.base.data;
	/* One rendering serves the page, its sections (one folder down)
	 * and the search: links must not depend on where it is shown. */
	m.opts.absolute = true;
	render_marks_init(&m.gmi_marks, doc);
	render_marks_init(&m.map_marks, doc);
	render_marks_init(&m.txt_marks, doc);
	page_render_all(&m, doc);
	/* Every section's gemtext starts with the page's status line. */
	gemstatus_success(&m.frames, "text/gemini", settings->lang);
	pg->status_len = (uint32_t)m.frames.len;
	pg->sections = xcalloc(nav->n + 1, sizeof(*pg->sections));
	pg->nsections = nav->n;
	for (size_t i = 0; i < nav->n; i++)
		page_add_section(&m, i, &pg->sections[i]);
	links_table_init(&pg->anchors, nav);
	pg->anchors_hash = page_anchors_hash(nav);
	pg->nmissing = where->nmissing;
	big = m.gmi.len > page_max && nav->n > 0 &&
	    pg->sections[0].gmi.end > 0;
	if (big && !m.is_front)
		page_add_toc(&m);
	page_keep(&m);
	search_part_set_text(pg->search, pg->gmi_data, pg->map_data);
	store_entry_set(&pg->gmi, STORE_BYTES, pg->gmi_data, pg->gmi_len);
	store_entry_set(&pg->map, STORE_BYTES, pg->map_data, pg->map_len);
	store_entry_set(&pg->txt, STORE_BYTES, pg->txt_data, pg->txt_len);
	if (big)
		page_set_summary(&m);
	page_maker_release(&m);
	return pg;
}

struct page *
page_ref(struct page *pg)
{
	atomic_fetch_add_explicit(&pg->refs, 1, memory_order_relaxed);
	return pg;
}

void
page_unref(struct page *pg)
{
	if (pg == NULL || atomic_fetch_sub_explicit(&pg->refs, 1,
	    memory_order_acq_rel) != 1)
		return;
	free(pg->sections);
	search_part_free(pg->search);
	links_table_free(&pg->anchors);
	free(pg->path);
	free(pg->rel);
	free(pg->name);
	free(pg->title);
	free(pg->block);
	free(pg->deps);
	free(pg);
}

const struct page_section *
page_section(const struct page *pg, const char *slug, size_t len)
{
	for (size_t i = 0; i < pg->nsections; i++) {
		const char *name = pg->frames + pg->sections[i].slug;

		if (strncmp(name, slug, len) == 0 && name[len] == '\0')
			return &pg->sections[i];
	}
	return NULL;
}

static void
page_add_slice(struct store_entry *e, const char *data, struct page_slice s)
{
	if (s.end > s.start)
		store_entry_add(e, data + s.start, s.end - s.start);
}

void
page_section_entry(const struct page *pg, const struct page_section *s,
    enum page_format fmt, struct store_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->kind = STORE_BYTES;
	switch (fmt) {
	case PAGE_GEMTEXT:
		store_entry_add(e, pg->frames, pg->status_len);
		page_add_slice(e, pg->frames, s->gmi_head);
		page_add_slice(e, pg->gmi_data, s->gmi);
		page_add_slice(e, pg->frames, s->gmi_foot);
		break;
	case PAGE_MENU:
		page_add_slice(e, pg->frames, s->map_head);
		page_add_slice(e, pg->map_data, s->map);
		page_add_slice(e, pg->frames, s->map_foot);
		break;
	case PAGE_TEXT:
		page_add_slice(e, pg->txt_data, s->txt);
		if (s->refs.end > s->refs.start) {
			store_entry_add(e, page_refs_heading,
			    sizeof(page_refs_heading) - 1);
			page_add_slice(e, pg->txt_data, s->refs);
		}
		store_entry_add(e, page_menu_end, sizeof(page_menu_end) - 1);
		break;
	}
}

size_t
page_bytes(const struct page *pg)
{
	return sizeof(*pg) + pg->gmi_len + pg->map_len + pg->txt_len +
	    pg->frames_len + pg->deps_len + strlen(pg->path) * 2 +
	    strlen(pg->title) + pg->nsections * sizeof(*pg->sections) +
	    search_part_bytes(pg->search);
}

unsigned long
page_anchors_hash(const struct nav *nav)
{
	/* FNV-1a over each anchor and the section it lands on. */
	unsigned long h = 14695981039346656037UL;

	for (size_t i = 0; i < nav->nanchors; i++) {
		const struct nav_anchor *a = &nav->anchors[i];
		const char *slug = a->section == NAV_NONE ? "" :
		    nav->sections[a->section].slug;

		for (const char *p = a->name; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211UL;
		h = (h ^ '#') * 1099511628211UL;
		for (const char *p = slug; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211UL;
		h = (h ^ '\n') * 1099511628211UL;
	}
	return h;
}
