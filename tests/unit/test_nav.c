/* test_nav: sections, slugs and labels. */
#include <string.h>

#include "doc.h"
#include "nav.h"
#include "tests.h"

START_TEST(test_nav_slugs)
{
	struct buf b = BUF_INIT;

	nav_slug(&b, "Hacker News threads");
	ck_assert_str_eq(b.data, "hacker-news-threads");
	buf_clear(&b);
	nav_slug(&b, "  C++ & Rust: 2024!  ");
	ck_assert_str_eq(b.data, "c-rust-2024");
	buf_clear(&b);
	nav_slug(&b, "\xc3\x89t\xc3\xa9");
	ck_assert_str_eq(b.data, "t");
	buf_clear(&b);
	nav_slug(&b, "\xe2\x80\x94");
	ck_assert_str_eq(b.data, "section");
	buf_release(&b);
}
END_TEST

START_TEST(test_nav_sections)
{
	static const char md[] = "# T\n\n## A\n\npara\n\n### B\n\n* x\n\n"
	    "### B\n\n## A\n\n#### deep\n\n## C\n";
	struct doc *doc = doc_parse(md, sizeof(md) - 1);
	struct nav nav;
	struct buf label = BUF_INIT;

	nav_build(doc, &nav);
	ck_assert_uint_eq(nav.n, 5);
	ck_assert_str_eq(nav.sections[0].slug, "a");
	ck_assert_str_eq(nav.sections[1].slug, "b");
	ck_assert_str_eq(nav.sections[2].slug, "b-2");
	ck_assert_str_eq(nav.sections[3].slug, "a-2");
	ck_assert_str_eq(nav.sections[4].slug, "c");
	/* "## A" runs until the next level-2 heading, subsections in. */
	ck_assert_uint_eq(nav.sections[0].start, 1);
	ck_assert_uint_eq(nav.sections[0].end, 6);
	ck_assert_uint_eq(nav.sections[1].end, 5);
	ck_assert_uint_eq(nav.sections[1].parent, 0);
	ck_assert_uint_eq(nav.sections[0].parent, NAV_NONE);
	/* Level 4 stays inside its section. */
	ck_assert_uint_eq(nav.sections[3].end, 8);
	nav_label(&nav, 2, &label);
	ck_assert_str_eq(label.data, "A: B");
	buf_release(&label);
	nav_free(&nav);
	doc_free(doc);
}
END_TEST

Suite *
nav_test_suite(void)
{
	Suite *s = suite_create("nav");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_nav_slugs);
	tcase_add_test(tc, test_nav_sections);
	suite_add_tcase(s, tc);
	return s;
}
