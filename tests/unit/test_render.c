/* test_render: the three renderers, against golden files, rules, and
 * pathological input. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "gophermap.h"
#include "render.h"
#include "tests.h"
#include "utf8.h"

static const char *golden_names[] = {
	"reading-list", "headings", "inline", "links", "lists", "blocks",
	"escapes", "awesome",
};

static const struct {
	enum render_format	 fmt;
	const char		*ext;
} golden_formats[] = {
	{ RENDER_GEMTEXT, "gmi" },
	{ RENDER_GOPHERMAP, "gophermap" },
	{ RENDER_TEXT, "txt" },
};

/* Renders md as the page "name" (in-page anchors lead to its sections). */
static void
render_page(const char *md, size_t len, enum render_format fmt,
    const char *name, struct buf *out)
{
	struct render_opts opts;

	render_opts_init(&opts);
	opts.page = name;
	render_markdown(md, len, fmt, &opts, out);
	if (fmt == RENDER_GOPHERMAP)
		gophermap_end(out);
}

static void
render_string(const char *md, size_t len, enum render_format fmt,
    struct buf *out)
{
	render_page(md, len, fmt, "index", out);
}

START_TEST(test_render_golden)
{
	const char *dir = getenv("CAPSULED_GOLDEN");
	const char *name = golden_names[_i / 3];
	char path[512];
	char *md, *expected;
	size_t md_len, expected_len;
	struct buf out = BUF_INIT;
	int f = _i % 3;

	ck_assert_msg(dir != NULL, "CAPSULED_GOLDEN is not set");
	snprintf(path, sizeof(path), "%s/%s.md", dir, name);
	md = test_read_file(path, &md_len);
	snprintf(path, sizeof(path), "%s/%s.%s", dir, name,
	    golden_formats[f].ext);
	expected = test_read_file(path, &expected_len);
	render_page(md, md_len, golden_formats[f].fmt, name, &out);
	ck_assert_msg(out.len == expected_len &&
	    memcmp(buf_str(&out), expected, expected_len) == 0,
	    "%s differs; got:\n%s", path, buf_str(&out));
	free(md);
	free(expected);
	buf_release(&out);
}
END_TEST

/* One rule each: Markdown in, the exact gemtext out. */
static const struct {
	const char	*md;
	const char	*gemtext;
} gemtext_rules[] = {
	{ "#### Four\n", "### Four\n" },
	{ "# *A* **b** `c`\n", "# A b c\n" },
	{ "one\ntwo\n", "one two\n" },
	{ "one  \ntwo\n", "one\ntwo\n" },
	{ "a <span>b</span> c\n", "a b c\n" },
	{ "[T](https://x.example/) - A\n", "=> https://x.example/ T - A\n" },
	{ "* [T](https://x.example/) - A\n",
	  "=> https://x.example/ T - A\n" },
	{ "See [x](https://x.example/) now.\n",
	  "See x now.\n=> https://x.example/ x\n" },
	{ "![alt](pic.png)\n", "=> pic.png alt\n" },
	{ "Go [there](<a b.md#c d>)\n",
	  "Go there\n=> a%20b.gmi#c%20d there\n" },
	{ "* a\n  * [n](https://n.example/)\n",
	  "* a\n=> https://n.example/ n (in a)\n" },
	/* GitHub-flavoured Markdown, as cmark-gfm reads it. */
	{ "# T [![B](https://b.example/b.svg)](https://awesome.re)\n",
	  "# T\n=> https://awesome.re B\n" },
	{ "# T ![Logo](logo.png)\n", "# T\n=> logo.png Logo\n" },
	{ "[![CI](https://ci.example/b.svg)](https://ci.example/) x\n",
	  "=> https://ci.example/ CI x\n" },
	{ "Go to https://x.example/a.\n",
	  "Go to https://x.example/a.\n=> https://x.example/a "
	  "https://x.example/a\n" },
	{ "See www.x.example now\n",
	  "See www.x.example now\n=> http://www.x.example www.x.example\n" },
	{ "a ~~b~~ c\n", "a b c\n" },
	{ "- [ ] open\n- [x] done\n", "* [ ] open\n* [x] done\n" },
	{ "# T\n\n## Calendar & Contacts\n\n[c](#calendar--contacts)\n",
	  "# T\n\n## Calendar & Contacts\n\n"
	  "=> /index/calendar--contacts.gmi c\n" },
	{ "[x](#nowhere)\n", "=> /index.gmi x\n" },
	{ "## A\n\n#### Deep\n\n[d](#deep)\n",
	  "## A\n\n### Deep\n\n=> /index/a.gmi d\n" },
	{ "## \xc3\x89t\xc3\xa9\n\n[e](#%C3%A9t%C3%A9)\n",
	  "## \xc3\x89t\xc3\xa9\n\n=> /index/%C3%A9t%C3%A9.gmi e\n" },
	{ "A[^1].\n\n[^1]: Note.\n",
	  "A[^1].\n=> /index/footnotes.gmi [^1] Note.\n\n## Footnotes\n\n"
	  "[^1] Note.\n" },
	{ "a <a href=\"https://h.example/\">b &amp; c</a> d\n",
	  "a b & c d\n=> https://h.example/ b & c\n" },
	{ "<p align=\"center\"><img src=\"logo.png\" alt=\"Logo\"></p>\n",
	  "=> logo.png Logo\n" },
	{ "| \xe6\x97\xa5\xe6\x9c\xac | b |\n|--|--|\n| x | y |\n",
	  "```table\n\xe6\x97\xa5\xe6\x9c\xac | b\n-----+--\nx    | y\n```\n" },
	{ "<script>alert(1)</script>\n\nafter\n", "after\n" },
	/* HTML as a browser builds it: text astray in a table stands
	 * before it, and a legacy entity needs no semicolon. */
	{ "<table><tr><td>a</td></tr>stray</table>\n", "stray\n\na\n" },
	{ "<p>&copy; &amp x</p>\n", "\xc2\xa9 & x\n" },
	{ "<a name=\"top\"></a>\n\n<img src=\"x.png\">\n", "=> x.png\n" },
	{ "<details><summary>More</summary>\n\nHidden text\n\n</details>\n",
	  "More\n\nHidden text\n" },
	{ "| a | b |\n|:-|-:|\n| [x](https://x.example/) | 22 |\n",
	  "```table\na |  b\n--+---\nx | 22\n```\n=> https://x.example/ x\n" },
	{ "3. c\n4. d\n", "3. c\n4. d\n" },
	{ "```py\nx\n```\n", "```py\nx\n```\n" },
	{ "    code\n", "```\ncode\n```\n" },
	{ "> q\n", "> q\n" },
	{ "***\n", "----------------------------------------\n" },
	{ "\\=> x\n", " => x\n" },
	{ "\\* x\n", " * x\n" },
	{ "\\## x\n", " ## x\n" },
	{ "\\> x\n", " > x\n" },
	{ "\\`\\`\\` x\n", " ``` x\n" },
	{ "[a](https://x.example/\xc3\xa9)\n",
	  "=> https://x.example/%C3%A9 a\n" },
	{ "[](https://x.example/)\n", "=> https://x.example/\n" },
};

START_TEST(test_render_gemtext_rule)
{
	struct buf out = BUF_INIT;
	const char *md = gemtext_rules[_i].md;

	render_string(md, strlen(md), RENDER_GEMTEXT, &out);
	ck_assert_msg(strcmp(buf_str(&out), gemtext_rules[_i].gemtext) == 0,
	    "rule %d: %s gave:\n%s", _i, md, buf_str(&out));
	buf_release(&out);
}
END_TEST

/* Every line: a type, four TAB-separated fields, CRLF; then ".". */
static void
assert_gophermap_valid(const struct buf *map, size_t width)
{
	const char *line = map->data, *end = map->data + map->len, *crlf;
	int tabs;

	ck_assert_msg(map->len >= 3 &&
	    strcmp(end - 3, ".\r\n") == 0, "no closing line");
	end -= 3;
	/* memchr, not strstr: the sanitizer's strstr measures the whole
	 * rest of the map at every call. */
	for (; line < end; line = crlf + 2) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));

		crlf = nl != NULL && nl > line ? nl - 1 : NULL;
		ck_assert_msg(crlf != NULL && *crlf == '\r',
		    "line without CRLF");
		tabs = 0;
		for (const char *p = line; p < crlf; p++) {
			ck_assert_msg(*p != '\r' && *p != '\n' && *p != '\0',
			    "control byte inside a line");
			tabs += *p == '\t';
		}
		ck_assert_msg(tabs == 3, "line with %d TABs: %.60s", tabs,
		    line);
		ck_assert_msg(utf8_is_valid(line, (size_t)(crlf - line)),
		    "invalid UTF-8 in %.60s", line);
		if (line[0] == 'i' && width > 0)
			ck_assert_uint_le(utf8_columns(line + 1,
			    strcspn(line + 1, "\t")), width);
	}
}

START_TEST(test_render_gophermap_wraps_prose)
{
	struct buf out = BUF_INIT, md = BUF_INIT;

	for (int i = 0; i < 200; i++)
		buf_adds(&md, "word\xc3\xa9 ");
	render_string(md.data, md.len, RENDER_GOPHERMAP, &out);
	assert_gophermap_valid(&out, RENDER_WIDTH);
	ck_assert_ptr_nonnull(strstr(out.data, "i" "word\xc3\xa9 word"));
	buf_release(&out);
	buf_release(&md);
}
END_TEST

START_TEST(test_render_gophermap_items)
{
	struct buf out = BUF_INIT;
	struct render_opts opts;
	const char *md =
	    "* [Title](<https://x.example/a b>) - Author\n\n"
	    "[g](gopher://g.example:7070/0/f%20x.txt)\n\n"
	    "[page](sub/page.md) [up](../index.md) [pic](p/i.gif)\n";

	render_opts_init(&opts);
	opts.host = "capsule.example";
	opts.port = 7070;
	opts.base = "/dir/";
	render_markdown(md, strlen(md), RENDER_GOPHERMAP, &opts, &out);
	ck_assert_str_eq(out.data,
	    "hTitle - Author\tURL:https://x.example/a%20b\tcapsule.example"
	    "\t7070\r\n"
	    "i\t\terror.host\t1\r\n"
	    "0g\t/f x.txt\tg.example\t7070\r\n"
	    "i\t\terror.host\t1\r\n"
	    "1page\t/dir/sub/page\tcapsule.example\t7070\r\n"
	    "1up\t/\tcapsule.example\t7070\r\n"
	    "gpic\t/dir/p/i.gif\tcapsule.example\t7070\r\n");
	buf_release(&out);
}
END_TEST

/* Found by fuzz_render: a decoded selector must stay UTF-8, and a code
 * line that starts with "=>" is no link line. */
START_TEST(test_render_fuzz_regressions)
{
	struct buf out = BUF_INIT;
	const char *md = "[x](gopher://g.example/1a%ED%09b) [y](c%20d.txt) "
	    "[z](gopher://g.example/\xc3\xa9t\xc3\xa9)\n\n"
	    "```\n=> not a link\n```\n";

	render_string(md, strlen(md), RENDER_GOPHERMAP, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "1x\ta%ED%09b\tg.example\t70"));
	ck_assert_ptr_nonnull(strstr(out.data, "0y\t/c d.txt\tlocalhost"));
	/* No type character: an 'h' item for the URL, never half a
	 * UTF-8 character as the type. */
	ck_assert_ptr_nonnull(strstr(out.data, "hz\tURL:gopher://g.example/"
	    "%C3%A9t%C3%A9\tlocalhost\t70"));
	assert_gophermap_valid(&out, RENDER_WIDTH);
	buf_clear(&out);
	render_string(md, strlen(md), RENDER_GEMTEXT, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "```\n=> not a link\n```\n"));
	/* A link inside an image's alt in a heading: the alt leaves the
	 * heading's text, and the link's number must not land inside the
	 * character that is left. */
	buf_clear(&out);
	md = "# ![l[](x)]()\xc3\xa9t\xc3\xa9\n";
	render_string(md, strlen(md), RENDER_TEXT, &out);
	ck_assert(utf8_is_valid(out.data, out.len));
	ck_assert_ptr_nonnull(strstr(out.data, "\xc3\xa9t\xc3\xa9\n"));
	/* cmark-gfm cuts the text of a "[^label" over a line end by bytes,
	 * through a character: still UTF-8 out. */
	for (int f = RENDER_GEMTEXT; f <= RENDER_TEXT; f++) {
		buf_clear(&out);
		render_string("[^t\n\xff\0]", 7, (enum render_format)f, &out);
		ck_assert(utf8_is_valid(out.data, out.len));
		ck_assert_ptr_nonnull(strstr(out.data, "[^t"));
	}
	buf_release(&out);
}
END_TEST

START_TEST(test_render_text_numbers_links)
{
	struct buf out = BUF_INIT;
	const char *md = "# T\n\nRead [a](https://a.example/) and "
	    "[b](page.md).\n";

	render_string(md, strlen(md), RENDER_TEXT, &out);
	ck_assert_str_eq(out.data, "T\n=\n\nRead a [1] and b [2].\n\n"
	    "References\n----------\n\n[1] https://a.example/\n"
	    "[2] gopher://localhost:70/1/page\n");
	buf_release(&out);
}
END_TEST

/* Counts how often needle occurs in hay. */
static size_t
count_occurrences(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle), left = strlen(hay);
	const char *p = hay, *hit;

	while ((hit = memmem(p, left, needle, len)) != NULL) {
		n++;
		left -= (size_t)(hit - p) + len;
		p = hit + len;
	}
	return n;
}

START_TEST(test_render_keeps_every_link)
{
	struct buf md = BUF_INIT, gmi = BUF_INIT, map = BUF_INIT;
	char needle[64];
	const int n = 100000;

	/* Half as list items with authors, half inside one paragraph. */
	for (int i = 0; i < n / 2; i++)
		buf_printf(&md, "* [l%d](https://x.example/%d) - a\n", i, i);
	buf_addc(&md, '\n');
	for (int i = n / 2; i < n; i++)
		buf_printf(&md, "[l%d](https://x.example/%d)\n", i, i);
	render_string(md.data, md.len, RENDER_GEMTEXT, &gmi);
	render_string(md.data, md.len, RENDER_GOPHERMAP, &map);
	ck_assert_uint_eq(count_occurrences(gmi.data, "\n=> https://x."),
	    (size_t)n - 1);
	ck_assert(strncmp(gmi.data, "=> https://x.example/0 l0 - a\n",
	    30) == 0);
	ck_assert_uint_eq(count_occurrences(map.data,
	    "\tURL:https://x.example/"), (size_t)n);
	snprintf(needle, sizeof(needle), "=> https://x.example/%d l%d\n",
	    n - 1, n - 1);
	ck_assert_ptr_nonnull(strstr(gmi.data, needle));
	assert_gophermap_valid(&map, 0);
	buf_release(&md);
	buf_release(&gmi);
	buf_release(&map);
}
END_TEST

START_TEST(test_render_deep_quotes)
{
	struct buf md = BUF_INIT, out = BUF_INIT;

	for (int i = 0; i < 10000; i++)
		buf_adds(&md, "> ");
	buf_adds(&md, "deep [x](https://deep.example/)\n");
	render_string(md.data, md.len, RENDER_GEMTEXT, &out);
	ck_assert_str_eq(out.data, "> deep x\n=> https://deep.example/ x\n");
	buf_clear(&out);
	render_string(md.data, md.len, RENDER_GOPHERMAP, &out);
	assert_gophermap_valid(&out, RENDER_WIDTH);
	ck_assert_ptr_nonnull(strstr(out.data, "> > > > deep x"));
	buf_clear(&out);
	render_string(md.data, md.len, RENDER_TEXT, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "deep x [1]"));
	buf_release(&md);
	buf_release(&out);
}
END_TEST

/* Appends s n times to b. */
static void
repeat(struct buf *b, const char *s, int n)
{
	for (int i = 0; i < n; i++)
		buf_adds(b, s);
}

/*
 * HTML nested deeper than 256 elements is cut there (its tree building
 * would take time growing with the depth, minutes for a hostile page);
 * elements that hold none (<br>, <img>), the text of <script>, and cells,
 * rows and items left open for the next to close (as HTML allows) do not
 * count as nesting, and what follows the block stays.
 */
START_TEST(test_render_deep_html)
{
	struct buf md = BUF_INIT, out = BUF_INIT;

	buf_adds(&md, "<div>top");
	repeat(&md, "<div>", 300);
	buf_adds(&md, "deep");
	repeat(&md, "</div>", 301);
	buf_adds(&md, "\n\n<p>");
	repeat(&md, "a<br><img alt=\"\">", 400);
	buf_adds(&md, "end of voids</p>\n\n<div><script>");
	repeat(&md, "<div>", 400);
	buf_adds(&md, "</script>after the script</div>\n\n<table>");
	repeat(&md, "<tr><td>a<td>b", 300);
	buf_adds(&md, "<tr><td>last cell</table>\n\n<ul>");
	repeat(&md, "<li>x", 300);
	buf_adds(&md, "<li>last item</ul>\n\nafter\n");
	render_string(md.data, md.len, RENDER_GEMTEXT, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "top"));
	ck_assert_ptr_null(strstr(out.data, "deep"));
	ck_assert_ptr_nonnull(strstr(out.data, "end of voids"));
	ck_assert_ptr_nonnull(strstr(out.data, "after the script"));
	ck_assert_ptr_nonnull(strstr(out.data, "last cell"));
	ck_assert_ptr_nonnull(strstr(out.data, "last item"));
	ck_assert_ptr_nonnull(strstr(out.data, "\nafter\n"));
	buf_release(&md);
	buf_release(&out);
}
END_TEST

/*
 * A long HTML block is read in pieces cut where every element is closed,
 * nothing lost; one element left open over a megabyte ends the block
 * there (gumbo's tree takes some 70 times the bytes it reads).
 */
START_TEST(test_render_long_html)
{
	struct buf md = BUF_INIT, out = BUF_INIT;

	buf_adds(&md, "<div>first</div>");
	repeat(&md, "<p>x <b>y</b></p>", 20000);
	buf_adds(&md, "<a href=\"https://last.example/\">last</a>\n\n<div>");
	repeat(&md, "z ", 600000);
	buf_adds(&md, "tail</div>\n\nafter\n");
	render_string(md.data, md.len, RENDER_GEMTEXT, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "first"));
	ck_assert_ptr_nonnull(strstr(out.data, "=> https://last.example/ last"));
	ck_assert_uint_eq(count_occurrences(out.data, "x y"), 20000);
	ck_assert_ptr_null(strstr(out.data, "tail"));
	ck_assert_ptr_nonnull(strstr(out.data, "\nafter\n"));
	buf_release(&md);
	buf_release(&out);
}
END_TEST

START_TEST(test_render_megabyte_line)
{
	struct buf md = BUF_INIT, out = BUF_INIT;

	/* One line of 1 MiB: words, then one unbroken run. */
	while (md.len < 512 * 1024)
		buf_adds(&md, "lorem ipsum ");
	buf_addn(&md, 'x', 1024 * 1024 - md.len);
	buf_addc(&md, '\n');
	render_string(md.data, md.len, RENDER_GOPHERMAP, &out);
	assert_gophermap_valid(&out, RENDER_WIDTH);
	buf_clear(&out);
	render_string(md.data, md.len, RENDER_GEMTEXT, &out);
	/* A paragraph is one gemtext line, however long. */
	ck_assert_uint_eq(count_occurrences(out.data, "\n"), 1);
	ck_assert_uint_ge(out.len, 1000000);
	buf_clear(&out);
	render_string(md.data, md.len, RENDER_TEXT, &out);
	ck_assert_uint_ge(count_occurrences(out.data, "\n"), 14000);
	buf_release(&md);
	buf_release(&out);
}
END_TEST

START_TEST(test_render_nul_and_invalid_utf8)
{
	static const char md[] = "# he\0ad\xff\n\n* it\xc3\x28m [l\xfe](htt"
	    "ps://x.example/\x80) - \xed\xa0\x80\n\n```\n\0\xff\n```\n";
	struct buf out = BUF_INIT;

	for (size_t f = 0; f < 3; f++) {
		buf_clear(&out);
		render_string(md, sizeof(md) - 1, golden_formats[f].fmt, &out);
		ck_assert_msg(utf8_is_valid(out.data, out.len),
		    "invalid UTF-8 in %s", golden_formats[f].ext);
		ck_assert_ptr_null(memchr(out.data, '\0', out.len));
		if (golden_formats[f].fmt == RENDER_GOPHERMAP)
			assert_gophermap_valid(&out, RENDER_WIDTH);
	}
	buf_release(&out);
}
END_TEST

START_TEST(test_render_format_names)
{
	enum render_format fmt;

	ck_assert_int_eq(render_format_parse("gemtext", &fmt), 0);
	ck_assert_int_eq(fmt, RENDER_GEMTEXT);
	ck_assert_int_eq(render_format_parse("gophermap", &fmt), 0);
	ck_assert_int_eq(fmt, RENDER_GOPHERMAP);
	ck_assert_int_eq(render_format_parse("text", &fmt), 0);
	ck_assert_int_eq(fmt, RENDER_TEXT);
	ck_assert_int_eq(render_format_parse("html", &fmt), -1);
}
END_TEST

/* A page of bare URLs, struck text and a table, for parsing side by side. */
#define RACE_ROWS	200
#define RACE_PARSES	40

struct race_run {
	const char	*md;
	size_t		 len;
	int		 short_parses;	/* parses that lost links or cells */
};

static void *
race_parse(void *arg)
{
	struct race_run *r = arg;

	for (int i = 0; i < RACE_PARSES; i++) {
		struct doc *doc = doc_parse(r->md, r->len);
		size_t cells = 0;

		for (size_t b = 0; b < doc->nblocks; b++)
			if (doc->blocks[b].kind == DOC_TABLE)
				cells += doc->blocks[b].nrows *
				    doc->blocks[b].ncols;
		if (doc->nlinks != 2 * RACE_ROWS ||
		    cells != 2 * (RACE_ROWS + 1))
			r->short_parses++;
		doc_free(doc);
	}
	return NULL;
}

/*
 * Two threads parse at once, as the build does: each finds every bare URL
 * and table cell (cmark-gfm 0.29 shares one table of inline characters
 * between parsers; see doc_parse_lock).
 */
START_TEST(test_render_parses_side_by_side)
{
	struct buf md = BUF_INIT;
	struct race_run runs[2];
	pthread_t threads[2];

	for (int i = 0; i < RACE_ROWS; i++)
		buf_printf(&md, "- see https://example.org/%d or "
		    "www.example.com/%d, ~~old~~\n", i, i);
	buf_adds(&md, "\n| a | b |\n|---|---|\n");
	for (int i = 0; i < RACE_ROWS; i++)
		buf_printf(&md, "| x%d | y%d |\n", i, i);
	for (int t = 0; t < 2; t++) {
		runs[t].md = md.data;
		runs[t].len = md.len;
		runs[t].short_parses = 0;
		ck_assert_int_eq(pthread_create(&threads[t], NULL, race_parse,
		    &runs[t]), 0);
	}
	for (int t = 0; t < 2; t++) {
		pthread_join(threads[t], NULL);
		ck_assert_msg(runs[t].short_parses == 0,
		    "thread %d: %d of %d parses lost links or cells", t,
		    runs[t].short_parses, RACE_PARSES);
	}
	buf_release(&md);
}
END_TEST

Suite *
render_test_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("core");
	TCase *big = tcase_create("pathological");

	tcase_add_loop_test(tc, test_render_golden, 0,
	    (int)(sizeof(golden_names) / sizeof(golden_names[0])) * 3);
	tcase_add_loop_test(tc, test_render_gemtext_rule, 0,
	    sizeof(gemtext_rules) / sizeof(gemtext_rules[0]));
	tcase_add_test(tc, test_render_gophermap_wraps_prose);
	tcase_add_test(tc, test_render_gophermap_items);
	tcase_add_test(tc, test_render_text_numbers_links);
	tcase_add_test(tc, test_render_fuzz_regressions);
	tcase_add_test(tc, test_render_format_names);
	tcase_add_test(tc, test_render_nul_and_invalid_utf8);
	suite_add_tcase(s, tc);
	/* Large inputs: generous for the sanitizer build, not a benchmark. */
	tcase_set_timeout(big, 300);
	tcase_add_test(big, test_render_keeps_every_link);
	tcase_add_test(big, test_render_deep_quotes);
	tcase_add_test(big, test_render_deep_html);
	tcase_add_test(big, test_render_long_html);
	tcase_add_test(big, test_render_megabyte_line);
	tcase_add_test(big, test_render_parses_side_by_side);
	suite_add_tcase(s, big);
	return s;
}
