/*
 * fuzz_render: GitHub-flavoured Markdown into the three formats.  Every
 * gophermap line has four TAB-separated fields and CR LF, and its 'i'
 * lines stay within the width (but code, which keeps its lines); every
 * gemtext link line is "=> URL[ label]" with a URL free of spaces and
 * never an in-page "#anchor"; all output is UTF-8.
 */
#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "gophermap.h"
#include "render.h"
#include "utf8.h"

#include "fuzz.h"

/* An 'i' line's text wider than the width is code: indented 4 more. */
static void
check_info_width(const char *p, const char *nl, size_t width)
{
	const char *tab = memchr(p, '\t', (size_t)(nl - p));
	size_t len;

	if (*p != 'i' || tab == NULL)
		return;
	len = (size_t)(tab - p - 1);
	if (utf8_columns(p + 1, len) <= width)
		return;
	FUZZ_ASSERT(memmem(p + 1, len, "    ", 4) != NULL);
}

static void
check_gophermap(const struct buf *map, size_t width)
{
	const char *p = buf_str(map), *end = p + map->len, *nl;
	int tabs;

	FUZZ_ASSERT(map->len >= 3 && strcmp(end - 3, ".\r\n") == 0);
	end -= 3;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_ASSERT(nl != NULL && nl > p && nl[-1] == '\r');
		tabs = 0;
		for (const char *q = p; q < nl - 1; q++) {
			FUZZ_ASSERT(*q != '\r' && *q != '\0');
			tabs += *q == '\t';
		}
		FUZZ_ASSERT(tabs == 3);
		check_info_width(p, nl, width);
	}
}

static void
check_gemtext(const struct buf *gmi)
{
	const char *p = buf_str(gmi), *end = p + gmi->len, *nl;
	bool pre = false;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_ASSERT(nl != NULL);
		/* Inside a preformatted block every line is text. */
		if (strncmp(p, "```", 3) == 0)
			pre = !pre;
		if (pre || strncmp(p, "=>", 2) != 0)
			continue;
		FUZZ_ASSERT(p[2] == ' ' && p + 3 < nl && p[3] != ' ');
		FUZZ_ASSERT(p[3] != '#');
		/* The URL runs to the first space: no space inside it. */
		for (const char *q = p + 3; q < nl && *q != ' '; q++)
			FUZZ_ASSERT((unsigned char)*q > ' ');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render_opts opts;
	struct buf out = BUF_INIT;
	const char *md = (const char *)data;

	render_opts_init(&opts);
	render_markdown(md, size, RENDER_GEMTEXT, &opts, &out);
	check_gemtext(&out);
	FUZZ_ASSERT(utf8_is_valid(buf_str(&out), out.len));
	buf_clear(&out);
	render_markdown(md, size, RENDER_GOPHERMAP, &opts, &out);
	gophermap_end(&out);
	check_gophermap(&out, opts.width);
	FUZZ_ASSERT(utf8_is_valid(buf_str(&out), out.len));
	buf_clear(&out);
	render_markdown(md, size, RENDER_TEXT, &opts, &out);
	FUZZ_ASSERT(utf8_is_valid(buf_str(&out), out.len));
	FUZZ_ASSERT(memchr(buf_str(&out), '\0', out.len) == NULL);
	buf_release(&out);
	return 0;
}
