/* test_mdsplit: where big pages are cut, and that a page parsed in parts
 * is the page parsed whole. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "mdsplit.h"
#include "render.h"
#include "tests.h"

#include "../fuzz/describe.h"

/* Every cut of md with parts of at least 1 byte, as offsets joined by
 * commas ("" for none). */
static void
all_cuts(const char *md, struct buf *out)
{
	struct mdsplit s;
	size_t len = strlen(md), cut;

	mdsplit_init(&s, md, len);
	while ((cut = mdsplit_next(&s, 1)) < len) {
		if (out->len > 0)
			buf_addc(out, ',');
		buf_add_uint(out, cut);
	}
}

static const struct {
	const char	*md;
	const char	*cuts;
} cut_cases[] = {
	/* Before a heading at column 0 after a blank line, and only so. */
	{ "# A\n\ntext\n\n## B\n\n- x\n\n### C\n", "11,22" },
	{ "text\n## B\n", "" },
	{ "text\n\n ## B\n", "" },
	{ "text\n\n#hashtag\n", "" },
	{ "text\n\n#\n", "6" },
	{ "text\r\n\r\n## B\r\n", "8" },
	/* Not inside a fenced code block; after it again. */
	{ "```\n\n# no\n```\n\n# yes\n", "15" },
	{ "~~~~\n\n# no\n~~~\n\n# no\n~~~~\n\n# yes\n", "27" },
	{ "``` `not a fence`\n\n# yes\n", "19" },
	{ "```\n\n# no\n", "" },
	/* Not inside an HTML block of kinds 1-5; after it again. */
	{ "<!--\n\n# no\n-->\n\n# yes\n", "16" },
	{ "<pre>\n\n# no\n</style>\n\n# yes\n", "22" },
	{ "<!-- one line -->\n\n# yes\n", "19" },
	{ "<?php\n\n# no\n?>\n\n# yes\n", "16" },
	{ "<!DOCTYPE\n\n# no\n>\n\n# yes\n", "19" },
	{ "<![CDATA[\n\n# no\n]]>\n\n# yes\n", "21" },
	{ "<![cdata[\n\n# no\n]]>\n\n# yes\n", "21" },
	/* HTML of kinds 6 and 7 ends at a blank line. */
	{ "<div>\n\n# yes\n", "7" },
	/* What the scan cannot be sure of stops it for good. */
	{ "- a\n  ```\n```\n\n# no\n```\n\n# no\n", "" },
	{ "- a\n  <!--\n\n# no\n-->\n\n# no\n", "" },
	{ "<div>\n```\n</div>\n\n```\n\n# no\n```\n\n# no\n", "" },
	{ "<span>\n<!--\n\n# no\n-->\n\n# no\n", "" },
	{ "<textarea>\n\n# no\n", "" },
	{ "<!doctype html>\n\n# no\n", "" },
	{ "# A\n\n[x]: /url\n\n# no\n", "" },
	{ "# A\n\nnote[^1]\n\n# no\n\n[^1]: the note\n", "" },
	{ "# A\r\rtext\n\n# no\n", "" },
};

START_TEST(test_mdsplit_cuts)
{
	struct buf got = BUF_INIT;

	all_cuts(cut_cases[_i].md, &got);
	ck_assert_msg(strcmp(buf_str(&got), cut_cases[_i].cuts) == 0,
	    "case %d: cuts \"%s\", want \"%s\"", _i, buf_str(&got),
	    cut_cases[_i].cuts);
	buf_release(&got);
}
END_TEST

/* A part is at least min_bytes long, so a small page is never cut. */
START_TEST(test_mdsplit_min_bytes)
{
	const char *md = "# A\n\nabc\n\n# B\n\nabcdefghij\n\n# C\n\nd\n";
	struct mdsplit s;

	mdsplit_init(&s, md, strlen(md));
	ck_assert_uint_eq(mdsplit_next(&s, 10), 10);
	ck_assert_uint_eq(mdsplit_next(&s, 10), 27);
	ck_assert_uint_eq(mdsplit_next(&s, 10), strlen(md));
	mdsplit_init(&s, md, strlen(md));
	ck_assert_uint_eq(mdsplit_next(&s, 1000), strlen(md));
}
END_TEST

/* Parsed in parts as small as can be, md is what it is parsed whole. */
static void
check_parts_match_whole(const char *what, const char *md, size_t len)
{
	struct buf whole = BUF_INIT, parts = BUF_INIT;

	describe_markdown(md, len, SIZE_MAX, &whole);
	describe_markdown(md, len, 1, &parts);
	ck_assert_msg(whole.len == parts.len &&
	    memcmp(buf_str(&whole), buf_str(&parts), whole.len) == 0,
	    "%s: parsed in parts, it differs:\n%s\n---- whole:\n%s", what,
	    buf_str(&parts), buf_str(&whole));
	buf_release(&whole);
	buf_release(&parts);
}

static const char *golden_pages[] = {
	"reading-list", "headings", "inline", "links", "lists", "blocks",
	"escapes", "awesome",
};

START_TEST(test_mdsplit_golden_pages)
{
	const char *dir = getenv("CAPSULED_GOLDEN");
	char path[512];
	size_t len;
	char *md;

	ck_assert_msg(dir != NULL, "CAPSULED_GOLDEN is not set");
	snprintf(path, sizeof(path), "%s/%s.md", dir, golden_pages[_i]);
	md = test_read_file(path, &len);
	check_parts_match_whole(path, md, len);
	free(md);
}
END_TEST

/* Each block that could run on over a cut, next to a heading to cut at. */
static const char *const tricky_pages[] = {
	"# T\n\n- a\n- b\n\n## S\n\n- c\n\n  d\n\n## U\n\n1. e\n",
	"# T\n\n> q\n> r\n\n## S\n\n> s\nlazy\n\n## U\n",
	"# T\n\n```\n\n## in code\n```\n\n## S\n\n~~~\n## in\n~~~\n",
	"# T\n\n<!--\n\n## in a comment\n-->\n\n## S\n\ntext\n",
	"# T\n\n<details>\n<summary>More</summary>\n\n## S\n\n</details>\n",
	"# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## S\n\n| c |\n|---|\n",
	"# T\n\n    indented\n\n## S\n\n    code\n\n## U\n",
	"# T\n\n- [x] done\n- [ ] not\n\n## S\n\nhttps://example.org/\n",
	"# T\n\ntext  \nbreak\n\n## S\n\n***\n\n## U\n\n---\n",
	"# T\n\n- a\n\n      code in item\n\n## S\n\n- b\n",
	"# T\n\n- [A](#s) - x\n- [B](#u)\n\n## S\n\n- [C](#t)\n\n## U\n",
	"# T\n\n<p align=\"center\"><img src=\"x.png\" alt=\"b\"></p>\n\n## S\n",
	"# T\n\n##\n\n## S\n\n## S\n\n#\n",
	"\xef\xbb\xbf# T\n\n## S\n\n\xff bad \xc3\n\n## U\n",
	"# T\n\t\n\n## S\n   \n\n## U\n",
};

START_TEST(test_mdsplit_tricky_pages)
{
	char what[32];

	snprintf(what, sizeof(what), "tricky page %d", _i);
	check_parts_match_whole(what, tricky_pages[_i],
	    strlen(tricky_pages[_i]));
}
END_TEST

/*
 * A page big enough for doc_parse() to cut on its own, made of the
 * tricky pages over and over: the same document as parsed whole.
 */
START_TEST(test_mdsplit_big_page)
{
	size_t n = sizeof(tricky_pages) / sizeof(tricky_pages[0]);
	struct buf md = BUF_INIT, whole = BUF_INIT, parts = BUF_INIT;

	for (size_t i = 0; md.len < 1024 * 1024; i++) {
		buf_adds(&md, tricky_pages[i % n]);
		buf_addc(&md, '\n');
	}
	/* doc_parse() cuts parts of its own size. */
	describe_markdown(md.data, md.len, SIZE_MAX, &whole);
	describe_markdown(md.data, md.len, 32 * 1024, &parts);
	for (size_t i = 0; i < whole.len && i < parts.len; i++)
		ck_assert_msg(whole.data[i] == parts.data[i],
		    "parsed in parts, it differs at %zu: %.200s\n---- whole: "
		    "%.200s", i, parts.data + i, whole.data + i);
	ck_assert_uint_eq(whole.len, parts.len);
	buf_release(&md);
	buf_release(&whole);
	buf_release(&parts);
}
END_TEST

Suite *
mdsplit_test_suite(void)
{
	Suite *s = suite_create("mdsplit");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_mdsplit_cuts, 0,
	    (int)(sizeof(cut_cases) / sizeof(cut_cases[0])));
	tcase_add_test(tc, test_mdsplit_min_bytes);
	tcase_add_loop_test(tc, test_mdsplit_golden_pages, 0,
	    (int)(sizeof(golden_pages) / sizeof(golden_pages[0])));
	tcase_add_loop_test(tc, test_mdsplit_tricky_pages, 0,
	    (int)(sizeof(tricky_pages) / sizeof(tricky_pages[0])));
	tcase_add_test(tc, test_mdsplit_big_page);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
