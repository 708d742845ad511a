/* test_store: building the snapshot from a folder and looking it up. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
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
build(struct buf *err)
{
	struct store_params p = { folder, "capsule.example", 70, 1965, "en",
	    70, NULL, false, 0, 0 };

	return build_snapshot(&p, err);
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
	    70, NULL, false, 0, 0 };
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

Suite *
store_test_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_store_lookups);
	tcase_add_test(tc, test_store_refuses_broken_content);
	tcase_add_test(tc, test_store_skips_links_out_and_hidden);
	suite_add_tcase(s, tc);
	return s;
}
