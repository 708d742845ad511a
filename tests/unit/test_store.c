/* test_store: building the snapshot from a folder and looking it up. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "page.h"
#include "store.h"
#include "tests.h"

static char folder[64];

static void
write_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", folder, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
make_folder(void)
{
	char path[256];

	strcpy(folder, "/tmp/capsuled-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(folder));
	snprintf(path, sizeof(path), "%s/sub", folder);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	write_file("index.md", "# Home\n\n[Page](page.md)\n");
	write_file("page.md", "# Page\n");
	write_file("sub/notes.txt", "notes\n");
}

static void
remove_folder(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", folder);
	ck_assert_int_eq(system(cmd), 0);
}

static struct store *
build_with(const struct store *previous, size_t wrap, size_t page_max,
    struct buf *err)
{
	struct store_params p = { folder, "capsule.example", 70, 1965, "en",
	    wrap, NULL, false, 0, page_max, previous };

	return build_snapshot(&p, err);
}

static struct store *
build(struct buf *err)
{
	return build_with(NULL, 70, 0, err);
}

static void
assert_starts(const struct store_entry *e, const char *prefix)
{
	struct buf got = BUF_INIT;

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, STORE_BYTES);
	store_entry_join(e, &got);
	ck_assert_msg(got.len >= strlen(prefix) &&
	    memcmp(buf_str(&got), prefix, strlen(prefix)) == 0, "%.*s",
	    (int)(got.len < 80 ? got.len : 80), buf_str(&got));
	buf_release(&got);
}

/* The whole answer, byte for byte. */
static void
assert_is(const struct store_entry *e, const char *want)
{
	struct buf got = BUF_INIT;

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, STORE_BYTES);
	store_entry_join(e, &got);
	ck_assert_msg(got.len == strlen(want) && memcmp(buf_str(&got), want,
	    got.len) == 0, "got:\n%s", buf_str(&got));
	buf_release(&got);
}

#define NOWHERE	"\t\terror.host\t1\r\n"
#define HERE	"\tcapsule.example\t70\r\n"

START_TEST(test_store_lookups)
{
	struct buf err = BUF_INIT;
	struct store *s;
	const struct store_entry *e;

	make_folder();
	s = build(&err);
	ck_assert_msg(s != NULL, "%s", buf_str(&err));
	ck_assert_uint_eq(store_pages(s), 2);
	ck_assert_uint_eq(store_files(s), 1);
	assert_is(store_gemini(s, "/", NULL), "20 text/gemini; charset=utf-8; "
	    "lang=en\r\n# Home\n\n=> /search Search the reading list\n\n"
	    "=> /page.gmi Page\n\n=> gopher://capsule.example/ This capsule "
	    "on Gopher\n");
	ck_assert_ptr_eq(store_gemini(s, "/", NULL), store_gemini(s, "/index.gmi", NULL));
	assert_starts(store_gemini(s, "/page.gmi", NULL), "20 text/gemini");
	assert_is(store_gopher(s, "", NULL), "iHome" NOWHERE "i====" NOWHERE
	    "i" NOWHERE "7Search the reading list\t/search" HERE "i" NOWHERE
	    "1Page\t/page" HERE "i" NOWHERE "0This page as plain text\t"
	    "/index.txt" HERE "hThis capsule on Gemini\tURL:gemini://"
	    "capsule.example/" HERE ".\r\n");
	ck_assert_ptr_eq(store_gopher(s, "", NULL), store_gopher(s, "/", NULL));
	ck_assert_ptr_eq(store_gopher(s, "", NULL), store_gopher(s, "/index", NULL));
	assert_is(store_gopher(s, "/page.txt", NULL), "Page\r\n====\r\n.\r\n");
	assert_is(store_gopher(s, "/sub/notes.txt", NULL), "notes\n");
	assert_is(store_gemini(s, "/sub/notes.txt", NULL),
	    "20 text/plain; charset=utf-8\r\nnotes\n");
	e = store_gemini(s, "/sub", NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, STORE_REDIRECT);
	ck_assert_str_eq(e->part[0].data, "/sub/");
	assert_is(store_gemini(s, "/sub/", NULL), "20 text/gemini; charset="
	    "utf-8; lang=en\r\n# Index of /sub/\n\n=> ../ Parent folder\n"
	    "=> notes.txt notes.txt\n");
	assert_is(store_gopher(s, "/sub/", NULL), "iIndex of /sub/" NOWHERE
	    "i==============" NOWHERE "i" NOWHERE "1Parent folder\t/" HERE
	    "0notes.txt\t/sub/notes.txt" HERE ".\r\n");
	ck_assert_ptr_eq(store_gopher(s, "/sub", NULL), store_gopher(s, "/sub/", NULL));
	assert_starts(store_gopher(s, "caps.txt", NULL), "CAPS\n");
	ck_assert_ptr_eq(store_gopher(s, "caps.txt", NULL),
	    store_gopher(s, "/caps.txt", NULL));
	assert_is(store_gemini(s, "/robots.txt", NULL), "20 text/plain; "
	    "charset=utf-8\r\nUser-agent: *\nDisallow:\n");
	ck_assert_ptr_null(store_gemini(s, "/nothing", NULL));
	ck_assert_ptr_null(store_gopher(s, "/page.md", NULL));
	/* A reference keeps the snapshot alive past its builder's. */
	store_ref(s);
	store_unref(s);
	ck_assert_ptr_nonnull(store_gemini(s, "/", NULL));
	store_unref(s);
	store_unref(NULL);
	buf_release(&err);
	remove_folder();
}
END_TEST

START_TEST(test_store_refuses_broken_content)
{
	struct buf err = BUF_INIT;
	struct store_params p = { "/nonexistent/content", "h", 70, 1965, "en",
	    70, NULL, false, 0, 0, NULL };
	char path[256];
	int fd;

	ck_assert_ptr_null(build_snapshot(&p, &err));
	ck_assert_str_eq(buf_str(&err), "/nonexistent/content: No such file "
	    "or directory");
	buf_clear(&err);
	make_folder();
	/* A page too large to render: the whole build fails, saying why. */
	snprintf(path, sizeof(path), "%s/huge.md", folder);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(ftruncate(fd, STORE_PAGE_MAX + 1), 0);
	close(fd);
	ck_assert_ptr_null(build(&err));
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "huge.md: larger than"));
	buf_release(&err);
	remove_folder();
}
END_TEST

START_TEST(test_store_skips_links_out_and_hidden)
{
	struct buf err = BUF_INIT;
	struct store *s;
	char path[256];

	make_folder();
	snprintf(path, sizeof(path), "%s/out.txt", folder);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/dangling.md", folder);
	ck_assert_int_eq(symlink("/nonexistent", path), 0);
	write_file(".secret.md", "# hidden\n");
	s = build(&err);
	ck_assert_msg(s != NULL, "%s", buf_str(&err));
	ck_assert_ptr_null(store_gemini(s, "/out.txt", NULL));
	ck_assert_ptr_null(store_gopher(s, "/out.txt", NULL));
	ck_assert_ptr_null(store_gemini(s, "/dangling.gmi", NULL));
	ck_assert_ptr_null(store_gemini(s, "/.secret.gmi", NULL));
	store_unref(s);
	buf_release(&err);
	remove_folder();
}
END_TEST


/* The whole answer of e as a string, which the caller releases. */
static void
joined(const struct store_entry *e, struct buf *out)
{
	ck_assert_ptr_nonnull(e);
	buf_clear(out);
	store_entry_join(e, out);
}

static const char sections_md[] =
    "# List\n\nIntro [home](index.md).\n\n"
    "## Books\n\n* [DDIA](https://dataintensive.net/) - Kleppmann\n\n"
    "### Old\n\n* [Lamport](https://lamport.example/) - Leslie\n\n"
    "## Talks\n\n* [Raft](https://raft.github.io/) - Ongaro\n";

/* A section is its head, its slice of the page, and its foot: the same
 * bytes the page has, not a copy, and each format's own. */
START_TEST(test_store_sections_are_slices)
{
	struct buf err = BUF_INIT, got = BUF_INIT;
	struct store_entry slot, slot2;
	const struct store_entry *page, *e;
	struct store *s;

	make_folder();
	write_file("list.md", sections_md);
	s = build(&err);
	ck_assert_msg(s != NULL, "%s", buf_str(&err));
	page = store_gemini(s, "/list.gmi", NULL);
	e = store_gemini(s, "/list/books.gmi", &slot);
	ck_assert_ptr_eq(e, &slot);
	ck_assert_uint_gt(e->nparts, 2);
	/* Its body points into the page's own rendering. */
	ck_assert(e->part[2].data > page->part[0].data &&
	    e->part[2].data < page->part[0].data + page->len);
	joined(e, &got);
	ck_assert_msg(strncmp(buf_str(&got), "20 text/gemini; charset=utf-8; "
	    "lang=en\r\n# Books - List\n\nList > Books\n\n=> /list.gmi "
	    "List\n\n## Books\n", 91) == 0, "%s", buf_str(&got));
	/* A level-2 section holds its level-3 one, not the next. */
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "Lamport"));
	ck_assert_ptr_null(strstr(buf_str(&got), "Raft"));
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "=> /list.gmi Up: List\n"));
	joined(store_gemini(s, "/list/old.gmi", &slot2), &got);
	ck_assert_ptr_nonnull(strstr(buf_str(&got),
	    "=> /list/books.gmi Up: Books\n"));
	ck_assert_ptr_null(strstr(buf_str(&got), "DDIA"));
	/* The menu and the plain text: a text item with its own references,
	 * numbered as on the page. */
	joined(store_gopher(s, "/list/talks", &slot), &got);
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "hRaft - Ongaro\t"));
	ck_assert_str_eq(buf_str(&got) + got.len - 3, ".\r\n");
	joined(store_gopher(s, "/list/talks.txt", &slot), &got);
	ck_assert_msg(strstr(buf_str(&got), "Talks\r\n-----\r\n") != NULL &&
	    strstr(buf_str(&got), "Raft [4] - Ongaro\r\n") != NULL &&
	    strstr(buf_str(&got), "References\r\n----------\r\n\r\n"
	    "[4] https://raft.github.io/\r\n.\r\n") != NULL &&
	    strstr(buf_str(&got), "[3]") == NULL, "%s", buf_str(&got));
	ck_assert_ptr_null(store_gemini(s, "/list/nothing.gmi", &slot));
	ck_assert_ptr_null(store_gopher(s, "/list/.txt", &slot));
	store_unref(s);
	buf_release(&got);
	buf_release(&err);
	remove_folder();
}
END_TEST

/* A page over page_max is served as its text up to the first section,
 * its table of contents and the search; the sections stay whole. */
START_TEST(test_store_big_page_summed_up)
{
	struct buf err = BUF_INIT, md = BUF_INIT, got = BUF_INIT;
	struct store_entry slot;
	struct store *s;

	make_folder();
	buf_adds(&md, "# Big\n\nWhat it is.\n\n## First\n\n");
	for (int i = 0; i < 40; i++)
		buf_printf(&md, "* [Entry %d](https://e.example/%d) - A\n", i,
		    i);
	buf_adds(&md, "\n## Second\n\n* [Last](https://e.example/last)\n");
	write_file("big.md", buf_str(&md));
	s = build_with(NULL, 70, 1024, &err);
	ck_assert_msg(s != NULL, "%s", buf_str(&err));
	joined(store_gemini(s, "/big.gmi", NULL), &got);
	ck_assert_msg(strstr(buf_str(&got), "What it is.\n") != NULL &&
	    strstr(buf_str(&got), "What it is.\n\n=> /big/first.gmi") != NULL &&
	    strstr(buf_str(&got), "=> /big/second.gmi Second\n") != NULL &&
	    strstr(buf_str(&got), "=> /search Search") != NULL &&
	    strstr(buf_str(&got), "Entry 7") == NULL, "%s", buf_str(&got));
	ck_assert_uint_lt(got.len, 1024);
	joined(store_gopher(s, "/big", NULL), &got);
	ck_assert_ptr_null(strstr(buf_str(&got), "Entry 7"));
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "7Search"));
	ck_assert_str_eq(buf_str(&got) + got.len - 3, ".\r\n");
	joined(store_gemini(s, "/big/first.gmi", &slot), &got);
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "Entry 39"));
	/* The plain text stays whole. */
	joined(store_gopher(s, "/big.txt", NULL), &got);
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "Entry 39"));
	store_unref(s);
	/* Under the default, the same page is served whole. */
	s = build(&err);
	joined(store_gemini(s, "/big.gmi", NULL), &got);
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "Entry 39"));
	store_unref(s);
	buf_release(&md);
	buf_release(&got);
	buf_release(&err);
	remove_folder();
}
END_TEST

/* Sets the file's modification time, so that a rewrite of the same
 * size is told apart from the old one whatever the clock's grain. */
static void
touch_back(const char *rel, long seconds)
{
	char path[256];
	struct timespec times[2] = { { seconds, 0 }, { seconds, 0 } };

	snprintf(path, sizeof(path), "%s/%s", folder, rel);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* A reload shares the pages whose file, settings and links' targets are
 * unchanged, and makes the others again. */
START_TEST(test_store_reload_shares_unchanged_pages)
{
	struct buf err = BUF_INIT, got = BUF_INIT;
	struct store *a, *b, *c, *d;

	make_folder();
	write_file("books.md", "# Books\n\n## Old\n\n* [x](https://x.example/)"
	    "\n");
	write_file("links.md", "# Links\n\nSee [old books](books.md#old).\n");
	touch_back("books.md", 1000000);
	a = build(&err);
	ck_assert_msg(a != NULL, "%s", buf_str(&err));
	joined(store_gemini(a, "/links.gmi", NULL), &got);
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "=> /books/old.gmi"));
	b = build_with(a, 70, 0, &err);
	ck_assert_uint_eq(store_reused(b), store_pages(b));
	ck_assert_ptr_eq(store_page(a, "/books.md"), store_page(b, "/books.md"));
	ck_assert_ptr_eq(store_gemini(a, "/links.gmi", NULL),
	    store_gemini(b, "/links.gmi", NULL));
	/* The heading links.md points to goes: books.md changes, and so
	 * does links.md, whose file did not. */
	write_file("books.md", "# Books\n\n## New\n\n* [x](https://x.example/)"
	    "\n");
	touch_back("books.md", 2000000);
	c = build_with(b, 70, 0, &err);
	ck_assert_msg(c != NULL, "%s", buf_str(&err));
	ck_assert_uint_eq(store_reused(c), store_pages(c) - 2);
	ck_assert_ptr_ne(store_page(b, "/links.md"), store_page(c, "/links.md"));
	ck_assert_ptr_eq(store_page(b, "/index.md"), store_page(c, "/index.md"));
	joined(store_gemini(c, "/links.gmi", NULL), &got);
	ck_assert_ptr_null(strstr(buf_str(&got), "/books/old.gmi"));
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "=> /books.gmi"));
	/* Other settings: nothing is shared. */
	d = build_with(c, 60, 0, &err);
	ck_assert_uint_eq(store_reused(d), 0);
	/* The old snapshots still answer as they did. */
	store_unref(c);
	store_unref(b);
	joined(store_gemini(a, "/links.gmi", NULL), &got);
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "=> /books/old.gmi"));
	store_unref(a);
	store_unref(d);
	buf_release(&got);
	buf_release(&err);
	remove_folder();
}
END_TEST

Suite *
store_test_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_store_lookups);
	tcase_add_test(tc, test_store_refuses_broken_content);
	tcase_add_test(tc, test_store_skips_links_out_and_hidden);
	tcase_add_test(tc, test_store_sections_are_slices);
	tcase_add_test(tc, test_store_big_page_summed_up);
	tcase_add_test(tc, test_store_reload_shares_unchanged_pages);
	suite_add_tcase(s, tc);
	return s;
}
