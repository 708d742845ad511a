/* test_nav: sections, slugs and labels. */
#include <string.h>

#include "doc.h"
#include "nav.h"
#include "tests.h"

START_TEST(test_nav_anchors)
{
	static const struct {
		const char *text, *anchor;
	} cases[] = {
		{ "Hacker News threads", "hacker-news-threads" },
		/* Each space is a '-', punctuation goes: GitHub's rule. */
		{ "Calendar & Contacts", "calendar--contacts" },
		{ "C++ & Rust: 2024!", "c--rust-2024" },
		{ "snake_case and-dash", "snake_case-and-dash" },
		/* Letters of any script stay, lower-cased. */
		{ "\xc3\x89t\xc3\xa9 \xd0\x9c\xd0\xb8\xd1\x80",
		  "\xc3\xa9t\xc3\xa9-\xd0\xbc\xd0\xb8\xd1\x80" },
		{ "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac" },
		/* Dashes, emoji and symbols go. */
		{ "\xe2\x80\x94 Tools \xf0\x9f\x9a\x80", "-tools-" },
		{ "\xe2\x80\x94", "" },
	};
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_clear(&b);
		nav_anchor(&b, cases[i].text);
		ck_assert_msg(strcmp(buf_str(&b), cases[i].anchor) == 0,
		    "%s: got \"%s\", want \"%s\"", cases[i].text,
		    buf_str(&b), cases[i].anchor);
	}
	buf_release(&b);
}
END_TEST

START_TEST(test_nav_duplicate_anchors)
{
	static const char md[] = "# Foo\n\n## Foo\n\n## Foo-1\n\n## Foo\n\n"
	    "## \xe2\x80\x94\n\n## Section\n";
	struct doc *doc = doc_parse(md, sizeof(md) - 1);
	struct nav nav;

	nav_build(doc, &nav);
	ck_assert_uint_eq(nav.nanchors, 6);
	ck_assert_str_eq(nav.anchors[0].name, "foo");
	ck_assert_str_eq(nav.anchors[1].name, "foo-1");
	/* "Foo-1" is taken by the second "Foo": GitHub counts on. */
	ck_assert_str_eq(nav.anchors[2].name, "foo-1-1");
	ck_assert_str_eq(nav.anchors[3].name, "foo-2");
	ck_assert_str_eq(nav.anchors[4].name, "");
	ck_assert_str_eq(nav.anchors[5].name, "section");
	/* A section page needs a name even when its anchor is empty, and
	 * it must not be another section's. */
	ck_assert_str_eq(nav.sections[3].slug, "section-1");
	ck_assert_str_eq(nav.sections[4].slug, "section");
	ck_assert_ptr_null(nav_find(&nav, "foo-3"));
	ck_assert_uint_eq(nav_find(&nav, "foo-2")->section, 2);
	ck_assert_uint_eq(nav_find(&nav, "foo")->section, NAV_NONE);
	nav_free(&nav);
	doc_free(doc);
}
END_TEST

START_TEST(test_nav_sections)
{
	static const char md[] = "# T\n\n## A\n\npara\n\n### B\n\n* x\n\n"
	    "### B\n\n## A\n\n#### deep\n\n## C\n";
	struct doc *doc = doc_parse(md, sizeof(md) - 1);
	struct nav nav;

	nav_build(doc, &nav);
	ck_assert_uint_eq(nav.n, 5);
	ck_assert_str_eq(nav.sections[0].slug, "a");
	ck_assert_str_eq(nav.sections[1].slug, "b");
	ck_assert_str_eq(nav.sections[2].slug, "b-1");
	ck_assert_str_eq(nav.sections[3].slug, "a-1");
	ck_assert_str_eq(nav.sections[4].slug, "c");
	/* "## A" runs until the next level-2 heading, subsections in. */
	ck_assert_uint_eq(nav.sections[0].start, 1);
	ck_assert_uint_eq(nav.sections[0].end, 6);
	ck_assert_uint_eq(nav.sections[1].end, 5);
	ck_assert_uint_eq(nav.sections[1].parent, 0);
	ck_assert_uint_eq(nav.sections[0].parent, NAV_NONE);
	/* Level 4 stays inside its section. */
	ck_assert_uint_eq(nav.sections[3].end, 8);
	/* Its anchor lands on that section's page; the title's on the
	 * page itself. */
	ck_assert_uint_eq(nav_find(&nav, "deep")->section, 3);
	ck_assert_uint_eq(nav_find(&nav, "t")->section, NAV_NONE);
	nav_free(&nav);
	doc_free(doc);
}
END_TEST

Suite *
nav_test_suite(void)
{
	Suite *s = suite_create("nav");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_nav_anchors);
	tcase_add_test(tc, test_nav_duplicate_anchors);
	tcase_add_test(tc, test_nav_sections);
	suite_add_tcase(s, tc);
	return s;
}
