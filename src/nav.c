/* nav: a page's sections, their slugs, and their labels. */
#include "nav.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void
nav_slug(struct buf *out, const char *text)
{
	size_t start = out->len;
	bool dash = false;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (isalnum(*p) && *p < 0x80) {
			if (dash && out->len > start)
				buf_addc(out, '-');
			buf_addc(out, (char)tolower(*p));
			dash = false;
		} else
			dash = true;
	}
	if (out->len == start)
		buf_adds(out, "section");
}

/* Makes the slug unique among the sections before it: "a", "a-2", ... */
static char *
nav_unique_slug(const struct nav *nav, const char *title)
{
	struct buf slug = BUF_INIT;
	size_t base_len;
	bool taken = true;

	nav_slug(&slug, title);
	base_len = slug.len;
	for (unsigned n = 2; taken; n++) {
		taken = false;
		for (size_t i = 0; i < nav->n && !taken; i++)
			taken = strcmp(nav->sections[i].slug, slug.data) == 0;
		if (taken) {
			buf_truncate(&slug, base_len);
			buf_printf(&slug, "-%u", n);
		}
	}
	return buf_detach(&slug, NULL);
}

void
nav_build(const struct doc *doc, struct nav *nav)
{
	size_t cap = 0;

	memset(nav, 0, sizeof(*nav));
	for (size_t i = 0; i < doc->nblocks; i++) {
		const struct doc_block *b = &doc->blocks[i];
		struct nav_section *s;

		if (b->kind != DOC_HEADING)
			continue;
		/* A heading ends every open section at its level or deeper. */
		for (size_t j = 0; j < nav->n; j++)
			if (nav->sections[j].end == doc->nblocks &&
			    nav->sections[j].level >= b->level)
				nav->sections[j].end = i;
		if (b->level != 2 && b->level != 3)
			continue;
		if (nav->n == cap) {
			cap = cap ? cap * 2 : 8;
			nav->sections = xreallocarray(nav->sections, cap,
			    sizeof(*nav->sections));
		}
		s = &nav->sections[nav->n];
		s->start = i;
		s->end = doc->nblocks;
		s->level = b->level;
		s->title = b->text;
		s->parent = NAV_NONE;
		for (size_t j = nav->n; j-- > 0;)
			if (nav->sections[j].end == doc->nblocks &&
			    nav->sections[j].level < b->level) {
				s->parent = j;
				break;
			}
		s->slug = nav_unique_slug(nav, b->text);
		nav->n++;
	}
}

void
nav_free(struct nav *nav)
{
	for (size_t i = 0; i < nav->n; i++)
		free(nav->sections[i].slug);
	free(nav->sections);
	memset(nav, 0, sizeof(*nav));
}

void
nav_label(const struct nav *nav, size_t i, struct buf *out)
{
	const struct nav_section *s = &nav->sections[i];

	if (s->parent != NAV_NONE) {
		buf_adds(out, nav->sections[s->parent].title);
		buf_adds(out, ": ");
	}
	buf_adds(out, s->title);
}
