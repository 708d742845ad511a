/* search: the index of a capsule's entries, and queries over it. */
#include "search.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "hmap.h"
#include "url.h"
#include "utf8.h"

/* How much a query word weighs in each field: title first. */
static const int search_weight[SEARCH_NFIELDS] = { 8, 4, 2, 1 };

struct search_index {
	struct search_entry	*entries;
	size_t			 n;
	size_t			 cap;
	size_t			 page_size;	/* entries per answer */
	char			*gopher_host;	/* where entries' items point */
	unsigned		 gopher_port;
};

struct search_hit {
	const struct search_entry	*entry;
	int				 score;
};

struct search_index *
search_new(void)
{
	struct search_index *index = xcalloc(1, sizeof(*index));

	index->page_size = SEARCH_RESULTS_DEFAULT;
	return index;
}

void
search_set_gopher_origin(struct search_index *index, const char *host,
    unsigned port)
{
	free(index->gopher_host);
	index->gopher_host = xstrdup(host);
	index->gopher_port = port;
}

const char *
search_gopher_host(const struct search_index *index, unsigned *port)
{
	*port = index->gopher_port != 0 ? index->gopher_port : 70;
	return index->gopher_host != NULL ? index->gopher_host : "localhost";
}

void
search_set_page_size(struct search_index *index, size_t n)
{
	index->page_size = n > 0 ? n : SEARCH_RESULTS_DEFAULT;
}

size_t
search_page_size(const struct search_index *index)
{
	return index->page_size;
}

const char *
search_entry_text(const struct search_entry *e, bool gopher)
{
	return gopher ? e->gophermap : e->gemtext;
}

size_t
search_page_count(const struct search_index *index,
    const struct search_answer *a, size_t first, bool gopher,
    size_t heading_cost)
{
	size_t used = SEARCH_ANSWER_FRAME, n = 0;
	const char *section = NULL;

	for (size_t i = first; i < a->n && n < index->page_size; i++) {
		const char *label = search_section_label(a->results[i]);
		size_t cost = strlen(search_entry_text(a->results[i], gopher));

		if (section == NULL || strcmp(section, label) != 0)
			cost += heading_cost + strlen(label);
		section = label;
		/* The first entry is shown even when it alone is too long:
		 * the writer cuts it to whole lines. */
		if (n > 0 && used + cost > SEARCH_ANSWER_MAX)
			break;
		used += cost;
		n++;
	}
	return n;
}

bool
search_page_path(const char *path, size_t *first)
{
	unsigned long n;
	char *end;

	*first = 0;
	if (strcmp(path, "/search") == 0)
		return true;
	if (strncmp(path, "/search/", 8) != 0 || path[8] < '1' ||
	    path[8] > '9')
		return false;
	n = strtoul(path + 8, &end, 10);
	if (*end != '\0' || n > SIZE_MAX / 2)
		return false;
	*first = (size_t)n - 1;
	return true;
}

void
search_write_results(struct buf *out, const struct search_answer *a,
    size_t first, size_t shown, bool gopher, search_heading_fn *heading)
{
	const char *section = NULL;

	for (size_t i = first; i < first + shown && i < a->n; i++) {
		const char *label = search_section_label(a->results[i]);
		const char *text = search_entry_text(a->results[i], gopher);
		size_t room;

		if (section == NULL || strcmp(section, label) != 0) {
			section = label;
			heading(out, label);
		}
		room = SEARCH_ANSWER_MAX - SEARCH_ANSWER_FRAME > out->len ?
		    SEARCH_ANSWER_MAX - SEARCH_ANSWER_FRAME - out->len : 0;
		buf_add(out, text, search_fit(text, room));
	}
}

size_t
search_fit(const char *text, size_t room)
{
	size_t len = strlen(text);

	if (len <= room)
		return len;
	/* Cut after the last whole line that fits. */
	while (room > 0 && text[room - 1] != '\n')
		room--;
	return room;
}

void
search_free(struct search_index *index)
{
	if (index == NULL)
		return;
	for (size_t i = 0; i < index->n; i++) {
		struct search_entry *e = &index->entries[i];

		free(e->section);
		free(e->gemtext);
		free(e->gophermap);
		for (int f = 0; f < SEARCH_NFIELDS; f++)
			free(e->words[f]);
	}
	free(index->entries);
	free(index->gopher_host);
	free(index);
}

size_t
search_count(const struct search_index *index)
{
	return index->n;
}

void
search_fold_words(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;
	char enc[4];
	bool in_word = false;

	buf_addc(out, ' ');
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0) {
			/* Not UTF-8: a word break, never half a character. */
			n = 1;
			cp = ' ';
		}
		i += n;
		if (!utf8_is_word(cp)) {
			if (in_word)
				buf_addc(out, ' ');
			in_word = false;
			continue;
		}
		buf_add(out, enc, utf8_encode(utf8_fold(cp), enc));
		in_word = true;
	}
	if (in_word)
		buf_addc(out, ' ');
}

static char *
search_fold(const char *s, size_t len)
{
	struct buf b = BUF_INIT;

	search_fold_words(&b, s, len);
	return buf_detach(&b, NULL);
}

/* The host of an absolute URL, for matching "jepsen" in jepsen.io. */
static void
search_add_host(struct buf *hosts, const char *url)
{
	size_t slen = url_scheme_len(url, strlen(url)), hlen;
	const char *host;

	if (slen == 0 || strncmp(url + slen, "://", 3) != 0)
		return;
	host = url + slen + 3;
	hlen = strcspn(host, "/?#:");
	buf_add(hosts, host, hlen);
	buf_addc(hosts, ' ');
}

static void
search_add_entry(struct search_index *index, const struct doc_block *b,
    const char *section, const struct render_opts *gemini,
    const struct render_opts *gopher)
{
	struct buf title = BUF_INIT, rest = BUF_INIT, hosts = BUF_INIT,
	    out = BUF_INIT;
	struct search_entry *e;
	size_t pos = 0;

	for (size_t i = 0; i < b->nlinks; i++) {
		const struct doc_link *l = &b->links[i];

		buf_adds(&title, l->label);
		buf_addc(&title, ' ');
		search_add_host(&hosts, l->url);
		/* The text around the links: the author in "[T](u) - A". */
		if (l->start >= pos)
			buf_add(&rest, b->text + pos, l->start - pos);
		if (l->end > pos)
			pos = l->end;
	}
	buf_add(&rest, b->text + pos, b->len - pos);
	/* A nested item is found by what it belongs to, too. */
	buf_addc(&rest, ' ');
	buf_adds(&rest, b->context);
	if (index->n == index->cap) {
		index->cap = index->cap ? index->cap * 2 : 64;
		index->entries = xreallocarray(index->entries, index->cap,
		    sizeof(*index->entries));
	}
	e = &index->entries[index->n];
	memset(e, 0, sizeof(*e));
	e->order = index->n++;
	e->section = xstrdup(section);
	e->words[SEARCH_TITLE] = search_fold(buf_str(&title), title.len);
	e->words[SEARCH_AUTHOR] = search_fold(buf_str(&rest), rest.len);
	e->words[SEARCH_SECTION] = search_fold(section, strlen(section));
	e->words[SEARCH_HOST] = search_fold(buf_str(&hosts), hosts.len);
	render_gemtext_links(b, gemini, &out);
	e->gemtext = buf_detach(&out, NULL);
	render_gopher_links(b, gopher, &out);
	e->gophermap = buf_detach(&out, NULL);
	buf_release(&title);
	buf_release(&rest);
	buf_release(&hosts);
}

/*
 * A table row with links is an entry too: its links are its title, all
 * its cells' text the rest.
 */
static void
search_add_row(struct search_index *index, const struct doc *doc,
    const struct doc_block *b, size_t r, const char *section,
    const struct render_opts *gemini, const struct render_opts *gopher)
{
	const struct doc_cell *first = &b->cells[r * b->ncols];
	const struct doc_cell *last = first + b->ncols - 1;
	size_t nlinks = last->first_link + last->nlinks - first->first_link;
	struct doc_link *links;
	struct doc_block row;
	struct buf text = BUF_INIT;

	if (nlinks == 0)
		return;
	links = xreallocarray(NULL, nlinks, sizeof(*links));
	memcpy(links, doc->links + first->first_link, nlinks * sizeof(*links));
	/* The offsets count from each cell: here the text is all cells. */
	for (size_t i = 0; i < nlinks; i++)
		links[i].start = links[i].end = 0;
	for (const struct doc_cell *c = first; c <= last; c++) {
		buf_add(&text, c->text, c->len);
		buf_addc(&text, ' ');
	}
	row = *b;
	row.text = buf_str(&text);
	row.len = text.len;
	row.links = links;
	row.nlinks = nlinks;
	search_add_entry(index, &row, section, gemini, gopher);
	buf_release(&text);
	free(links);
}

/* Headings deeper than this share the path of their level-6 parent. */
#define SEARCH_MAX_LEVEL	6

void
search_add_doc(struct search_index *index, const struct doc *doc,
    const struct render_opts *gemini, const struct render_opts *gopher)
{
	const char *path[SEARCH_MAX_LEVEL + 1] = { NULL };
	struct buf section = BUF_INIT;

	for (size_t i = 0; i < doc->nblocks; i++) {
		const struct doc_block *b = &doc->blocks[i];

		if (b->kind == DOC_HEADING) {
			path[b->level] = b->text;
			for (int l = b->level + 1; l <= SEARCH_MAX_LEVEL; l++)
				path[l] = NULL;
			/* The title (level 1) names the page, not a section. */
			buf_clear(&section);
			for (int l = 2; l <= SEARCH_MAX_LEVEL; l++) {
				if (path[l] == NULL)
					continue;
				if (section.len > 0)
					buf_adds(&section, " > ");
				buf_adds(&section, path[l]);
			}
			continue;
		}
		if ((b->kind == DOC_ITEM || b->kind == DOC_PARAGRAPH) &&
		    b->nlinks > 0)
			search_add_entry(index, b, buf_str(&section), gemini,
			    gopher);
		if (b->kind == DOC_TABLE)
			for (size_t r = 1; r < b->nrows; r++)
				search_add_row(index, doc, b, r,
				    buf_str(&section), gemini, gopher);
	}
	buf_release(&section);
}

static int
search_hit_cmp(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return x->entry->order < y->entry->order ? -1 :
	    x->entry->order > y->entry->order;
}

/* The score of entry for the query words (" w1 w2 "), 0 if one misses. */
static int
search_score(const struct search_entry *e, const char *words)
{
	const char *w = words + 1, *end;
	char needle[SEARCH_MAX_QUERY * 4 + 2];
	int total = 0, best;
	size_t n;

	while (*w != '\0' && (end = strchr(w, ' ')) != NULL) {
		/* " word": a word of the field that starts so. */
		n = (size_t)(end - w);
		needle[0] = ' ';
		memcpy(needle + 1, w, n);
		needle[n + 1] = '\0';
		best = 0;
		for (int f = 0; f < SEARCH_NFIELDS; f++)
			if (search_weight[f] > best &&
			    strstr(e->words[f], needle) != NULL)
				best = search_weight[f];
		if (best == 0)
			return 0;
		total += best;
		w = end + 1;
	}
	return total;
}

int
search_query(const struct search_index *index, const char *query,
    size_t len, const struct search_entry ***results, const char **why)
{
	struct search_hit *hits;
	struct buf words = BUF_INIT;
	size_t n = 0;

	*results = NULL;
	if (len > SEARCH_MAX_QUERY) {
		*why = "query longer than 256 bytes";
		return -1;
	}
	if (!utf8_is_valid(query, len)) {
		*why = "query is not UTF-8";
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)query[i] < ' ' || query[i] == 0x7f) {
			*why = "control byte in query";
			return -1;
		}
	search_fold_words(&words, query, len);
	hits = xcalloc(index->n + 1, sizeof(*hits));
	for (size_t i = 0; words.len > 1 && i < index->n; i++) {
		int score = search_score(&index->entries[i], words.data);

		if (score > 0) {
			hits[n].entry = &index->entries[i];
			hits[n++].score = score;
		}
	}
	buf_release(&words);
	qsort(hits, n, sizeof(*hits), search_hit_cmp);
	*results = xcalloc(n + 1, sizeof(**results));
	for (size_t i = 0; i < n; i++)
		(*results)[i] = hits[i].entry;
	free(hits);
	return (int)n;
}

void
search_group(const struct search_entry **results, size_t n)
{
	/*
	 * Each section's number is the order of its first result; a
	 * counting sort by it keeps the order within a section.  Linear:
	 * a common word matches thousands of entries.
	 */
	const struct search_entry **sorted = xcalloc(n + 1, sizeof(*sorted));
	size_t *group = xcalloc(n + 1, sizeof(*group));
	size_t *start = xcalloc(n + 2, sizeof(*start));
	struct hmap sections = HMAP_INIT;
	size_t ngroups = 0;
	bool added;

	for (size_t i = 0; i < n; i++) {
		void **slot = hmap_slot(&sections, results[i]->section, &added);

		if (added)
			*slot = (void *)(uintptr_t)ngroups++;
		group[i] = (size_t)(uintptr_t)*slot;
		start[group[i] + 1]++;
	}
	for (size_t g = 1; g <= ngroups; g++)
		start[g] += start[g - 1];
	for (size_t i = 0; i < n; i++)
		sorted[start[group[i]]++] = results[i];
	memcpy(results, sorted, n * sizeof(*results));
	hmap_free(&sections, NULL);
	free(start);
	free(group);
	free(sorted);
}

int
search_answer(const struct search_index *index, const char *query,
    size_t len, struct search_answer *answer, const char **why)
{
	int n = search_query(index, query, len, &answer->results, why);

	answer->n = n > 0 ? (size_t)n : 0;
	if (n == -1)
		return -1;
	search_group(answer->results, answer->n);
	return 0;
}

void
search_answer_release(struct search_answer *answer)
{
	free(answer->results);
	answer->results = NULL;
	answer->n = 0;
}

void
search_summary(struct buf *out, size_t n, size_t first, size_t shown)
{
	if (n == 0)
		buf_adds(out, "No entry matches.");
	else if (first == 0 && shown == n)
		buf_printf(out, "%zu %s.", n, n == 1 ? "entry matches" :
		    "entries match");
	else if (shown == 0)
		buf_printf(out, "%zu %s; none from %zu on.", n, n == 1 ?
		    "entry matches" : "entries match", first + 1);
	else
		buf_printf(out, "%zu %s; %zu-%zu shown.", n, n == 1 ?
		    "entry matches" : "entries match", first + 1,
		    first + shown);
}

const char *
search_section_label(const struct search_entry *entry)
{
	return *entry->section != '\0' ? entry->section : "Other";
}
