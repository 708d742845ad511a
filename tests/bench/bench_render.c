/*
 * bench_render: times rendering a generated 1 MiB GitHub-style reading
 * list into each format against cmark-gfm's own HTML renderer with the
 * same extensions, in the same run.  Both sides parse and render, as a
 * page build does.
 */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "gophermap.h"
#include "render.h"

#define BENCH_ROUNDS	31

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * An awesome list: a badge in the title, a contents block of anchors,
 * sections of linked entries (some nested, some tasks), a table and bare
 * URLs now and then, footnotes; ~1 MiB.
 */
static void
make_document(struct buf *md)
{
	int i = 0;

	buf_adds(md, "# Generated reading list [![Awesome]"
	    "(https://awesome.re/badge.svg)](https://awesome.re)\n\n"
	    "## Contents\n\n");
	for (int s = 0; s < 1024 * 1024 / 2400; s++)
		buf_printf(md, "- [Section %d](#section-%d)\n", s * 40, s * 40);
	buf_addc(md, '\n');
	while (md->len < 1024 * 1024) {
		if (i % 40 == 0)
			buf_printf(md, "\n## Section %d\n\nSome *intro* text "
			    "with a [link](https://s.example/%d), see "
			    "https://s.example/%d/ and ~~old~~ news[^n%d].\n\n"
			    "| Name | Stars |\n|:--|--:|\n| [a](https://a.example/"
			    "%d) | %d |\n| b | 7 |\n\n[^n%d]: A note.\n\n",
			    i, i, i, i, i, i, i);
		if (i % 11 == 0)
			buf_printf(md, "- [x] [Task %d](https://t.example/%d)\n",
			    i, i);
		buf_printf(md, "* [Entry number %d on distributed systems]"
		    "(https://example.org/papers/%d.html) - Author %d\n",
		    i, i, i);
		if (i % 7 == 0)
			buf_printf(md, "  * [Notes %d](notes/%d.md)\n", i, i);
		i++;
	}
}

/* cmark-gfm's HTML, with the extensions and options capsuled uses. */
static char *
gfm_html(const struct buf *md)
{
	static const char *const names[] = {
		"autolink", "table", "strikethrough", "tasklist",
	};
	int options = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_FOOTNOTES;
	cmark_parser *parser = cmark_parser_new(options);
	cmark_node *root;
	char *html;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cmark_parser_attach_syntax_extension(parser,
		    cmark_find_syntax_extension(names[i]));
	cmark_parser_feed(parser, md->data, md->len);
	root = cmark_parser_finish(parser);
	html = cmark_render_html(root, options,
	    cmark_parser_get_syntax_extensions(parser));
	cmark_node_free(root);
	cmark_parser_free(parser);
	return html;
}

/* Seconds to parse and render once; fmt < 0 means cmark-gfm's HTML. */
static double
time_once(const struct buf *md, int fmt, struct buf *out)
{
	struct render_opts opts;
	double start = now();

	render_opts_init(&opts);
	buf_clear(out);
	if (fmt < 0) {
		char *html = gfm_html(md);

		buf_adds(out, html);
		free(html);
	} else
		render_markdown(md->data, md->len, (enum render_format)fmt,
		    &opts, out);
	return now() - start;
}

int
main(void)
{
	static const struct {
		const char	*name;
		int		 fmt;
	} formats[] = {
		{ "gfm-html", -1 },
		{ "gemtext", RENDER_GEMTEXT },
		{ "gophermap", RENDER_GOPHERMAP },
		{ "text", RENDER_TEXT },
	};
	enum { NFORMATS = sizeof(formats) / sizeof(formats[0]) };
	double t[NFORMATS][BENCH_ROUNDS], median[NFORMATS], worst = 0;
	size_t out_len[NFORMATS];
	struct buf md = BUF_INIT, out = BUF_INIT;

	cmark_gfm_core_extensions_ensure_registered();
	make_document(&md);
	/* Rounds alternate the formats so that a drifting machine weighs
	 * on all of them alike. */
	for (int r = 0; r < BENCH_ROUNDS; r++)
		for (int f = 0; f < NFORMATS; f++) {
			t[f][r] = time_once(&md, formats[f].fmt, &out);
			out_len[f] = out.len;
		}
	printf("bench-render: %zu bytes of Markdown, median of %d rounds "
	    "(parse + render)\n", md.len, BENCH_ROUNDS);
	for (int f = 0; f < NFORMATS; f++) {
		qsort(t[f], BENCH_ROUNDS, sizeof(t[f][0]), cmp_double);
		median[f] = t[f][BENCH_ROUNDS / 2];
		printf("  %-10s %8.2f ms  %8zu bytes out", formats[f].name,
		    median[f] * 1e3, out_len[f]);
		if (f > 0) {
			printf("  %.2fx gfm-html", median[f] / median[0]);
			if (median[f] / median[0] > worst)
				worst = median[f] / median[0];
		}
		printf("\n");
	}
	printf("bench-render: worst ratio %.2fx (goal: at most 1.50x)\n",
	    worst);
	buf_release(&md);
	buf_release(&out);
	return 0;
}
