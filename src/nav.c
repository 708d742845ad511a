/* nav: a page's sections, its headings' anchors, and their labels. */
#include "nav.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Letters and digits of any script stay in an anchor; emoji, their
 * modifiers and symbols go, as on GitHub. */
static bool
nav_keeps(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z') || cp == '-' || cp == '_' ||
		    cp == ' ';
	if ((cp >= 0x1f000 && cp <= 0x1faff) || (cp >= 0xfe00 &&
	    cp <= 0xfe0f) || (cp >= 0xe0000 && cp <= 0xe007f) ||
	    (cp >= 0x2190 && cp <= 0x2bff))
		return false;
	return utf8_is_word(cp);
}

void
nav_anchor(struct buf *out, const char *text)
{
	size_t len = strlen(text), i = 0, n;
	uint32_t cp;
	char enc[4];

	while (i < len) {
		if ((n = utf8_decode(text + i, len - i, &cp)) == 0) {
			i++;
			continue;
		}
		i += n;
		if (!nav_keeps(cp))
			continue;
		if (cp == ' ')
			buf_addc(out, '-');
		else
			buf_add(out, enc, utf8_encode(utf8_fold(cp), enc));
	}
}

/*
 * Makes an anchor unique as GitHub does: the second "a" is "a-1", the
 * third "a-2", skipping any that an earlier heading took.
 */
static char *
nav_unique(struct nav *nav, struct hmap *counts, const char *base)
{
	struct buf name = BUF_INIT;
	bool added;
	void **count = hmap_slot(counts, base, &added);

	buf_adds(&name, base);
	while (hmap_get(&nav->by_name, name.data) != NULL) {
		*count = (void *)((uintptr_t)*count + 1);
		buf_clear(&name);
		buf_printf(&name, "%s-%zu", base, (size_t)(uintptr_t)*count);
	}
	return buf_detach(&name, NULL);
}

static bool
nav_slug_taken(const struct nav *nav, const char *slug)
{
	if (hmap_get(&nav->by_name, slug) != NULL)
		return true;
	for (size_t i = 0; i < nav->n; i++)
		if (nav->sections[i].slug != NULL &&
		    strcmp(nav->sections[i].slug, slug) == 0)
			return true;
	return false;
}

/*
 * A section page needs a name: "section", "section-1", ... when its
 * anchor is empty, once all anchors are known, so that it takes no later
 * heading's.
 */
static void
nav_name_empty_sections(struct nav *nav)
{
	struct buf slug = BUF_INIT;

	for (size_t i = 0; i < nav->n; i++) {
		if (nav->sections[i].slug != NULL)
			continue;
		buf_clear(&slug);
		buf_adds(&slug, "section");
		for (size_t n = 1; nav_slug_taken(nav, slug.data); n++) {
			buf_clear(&slug);
			buf_printf(&slug, "section-%zu", n);
		}
		nav->sections[i].slug = xstrdup(slug.data);
	}
	buf_release(&slug);
}

static void
nav_add_anchor(struct nav *nav, struct hmap *counts, size_t block,
    const char *text)
{
	struct buf base = BUF_INIT;
	struct nav_anchor *a;

	/* Room for 8, then twice as much at each power of two: a page of
	 * 2 000 headings does not copy its anchors 2 000 times. */
	if (nav->nanchors == 0 || (nav->nanchors >= 8 &&
	    (nav->nanchors & (nav->nanchors - 1)) == 0))
		nav->anchors = xreallocarray(nav->anchors, nav->nanchors ?
		    2 * nav->nanchors : 8, sizeof(*nav->anchors));
	a = &nav->anchors[nav->nanchors++];
	nav_anchor(&base, text);
	a->name = nav_unique(nav, counts, buf_str(&base));
	a->block = block;
	a->section = NAV_NONE;
	buf_release(&base);
}

void
nav_build(const struct doc *doc, struct nav *nav)
{
	struct hmap counts = HMAP_INIT;
	size_t cap = 0, open = NAV_NONE;

	memset(nav, 0, sizeof(*nav));
	for (size_t i = 0; i < doc->nblocks; i++) {
		const struct doc_block *b = &doc->blocks[i];
		struct nav_section *s;

		if (b->kind != DOC_HEADING)
			continue;
		/* A heading ends every open section at its level or deeper. */
		for (size_t j = open; j != NAV_NONE;
		    j = nav->sections[j].parent)
			if (nav->sections[j].level >= b->level)
				nav->sections[j].end = i;
		while (open != NAV_NONE && nav->sections[open].end != doc->nblocks)
			open = nav->sections[open].parent;
		nav_add_anchor(nav, &counts, i, b->text);
		/* A level 4-6 heading is shown on its section's page. */
		nav->anchors[nav->nanchors - 1].section = b->level > 3 ? open :
		    NAV_NONE;
		hmap_put(&nav->by_name, nav->anchors[nav->nanchors - 1].name,
		    (void *)(uintptr_t)nav->nanchors);
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
		s->parent = open;
		s->slug = nav->anchors[nav->nanchors - 1].name[0] == '\0' ?
		    NULL : xstrdup(nav->anchors[nav->nanchors - 1].name);
		nav->anchors[nav->nanchors - 1].section = nav->n;
		open = nav->n++;
	}
	nav_name_empty_sections(nav);
	hmap_free(&counts, NULL);
}

const struct nav_anchor *
nav_find(const struct nav *nav, const char *name)
{
	uintptr_t n = (uintptr_t)hmap_get(&nav->by_name, name);

	return n == 0 ? NULL : &nav->anchors[n - 1];
}

void
nav_free(struct nav *nav)
{
	for (size_t i = 0; i < nav->n; i++)
		free(nav->sections[i].slug);
	free(nav->sections);
	for (size_t i = 0; i < nav->nanchors; i++)
		free(nav->anchors[i].name);
	free(nav->anchors);
	hmap_free(&nav->by_name, NULL);
	memset(nav, 0, sizeof(*nav));
}
