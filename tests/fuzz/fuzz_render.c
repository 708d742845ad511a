/* fuzz_render: Markdown into the three formats.  Every gophermap line has
 * four TAB-separated fields and CR LF, every gemtext link line is
 * "=> URL[ label]" with a URL free of spaces, and all output is UTF-8. */
#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "gophermap.h"
#include "render.h"
#include "utf8.h"

#include "fuzz.h"

static void
check_gophermap(const struct buf *map)
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
	check_gophermap(&out);
	FUZZ_ASSERT(utf8_is_valid(buf_str(&out), out.len));
	buf_clear(&out);
	render_markdown(md, size, RENDER_TEXT, &opts, &out);
	FUZZ_ASSERT(utf8_is_valid(buf_str(&out), out.len));
	FUZZ_ASSERT(memchr(buf_str(&out), '\0', out.len) == NULL);
	buf_release(&out);
	return 0;
}
