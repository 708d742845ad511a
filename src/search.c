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

/* One entry: where its lines are in the page's renderings. */
struct search_entry {
	uint32_t	 gmi_start, gmi_end;
	uint32_t	 map_start, map_end;
};

/* The entries under one heading, from first to the next group's. */
struct search_group {
	uint32_t	 first;
	uint32_t	 label;		/* which of the part's labels */
};

struct search_part {
	struct search_entry	*entries;
	size_t			 n;
	struct search_group	*groups;	/* ngroups + 1: the last
						 * ends the entries */
	size_t			 ngroups;
	char			*strings;	/* section labels */
	size_t			 strings_len;
	uint32_t		*labels;	/* each label once, in strings */
	size_t			 nlabels;
	/* The entries' folded words, sorted and each once, NUL-ended in
	 * vocab; word w's postings are the bytes post[post_start[w]] up to
	 * post[post_start[w + 1]]: each an entry << 2 | its best field, or
	 * for the words of a heading, group << 2 | SEARCH_SECTION, as the
	 * difference from the one before in 7-bit groups (most take one
	 * byte: a third of the index as plain 32-bit numbers). */
	char			*vocab;
	size_t			 vocab_len;
	uint32_t		*words;		/* offsets in vocab */
	size_t			 nwords;
	uint32_t		*post_start;
	unsigned char		*post;
	const char		*gmi;		/* the renderings */
	const char		*map;
	char			*own_gmi;	/* search_add_doc()'s */
	char			*own_map;
	size_t			 packed_bytes;	/* the block of it all */
};

struct search_index {
	const struct search_part **parts;	/* the capsule's order */
	size_t			*label_base;	/* each part's first label */
	size_t			 nparts;
	size_t			 nlabels;
	size_t			 cap;
	size_t			 nentries;
	size_t			 max_part;	/* entries of the largest */
	struct search_part	**owned;
	size_t			 nowned;
	size_t			 page_size;	/* entries per answer */
	char			*gopher_host;	/* where entries' items point */
	unsigned		 gopher_port;
};

/* A word of an entry while its part is made: in the scratch words. */
struct search_posting {
	uint32_t	 word;		/* offset in the scratch */
	uint32_t	 len;
	uint32_t	 entry_field;
};

/* What a part is made with. */
struct search_maker {
	const struct doc		*doc;
	struct search_part		*part;
	size_t				 cap;
	struct buf			 strings;
	struct buf			 scratch;	/* folded words */
	struct search_posting		*postings;
	size_t				 npostings;
	size_t				 postings_cap;
	size_t				 groups_cap;
	struct hmap			 label_ids;	/* text -> index + 1 */
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
search_result_text(const struct search_result *r, bool gopher, size_t *len)
{
	const struct search_entry *e = &r->part->entries[r->entry];

	if (gopher) {
		*len = e->map_end - e->map_start;
		return r->part->map + e->map_start;
	}
	*len = e->gmi_end - e->gmi_start;
	return r->part->gmi + e->gmi_start;
}

const char *
search_result_section(const struct search_result *r)
{
	return r->section;
}

size_t
search_page_count(const struct search_index *index,
    const struct search_answer *a, size_t first, bool gopher,
    size_t heading_cost)
{
	size_t used = SEARCH_ANSWER_FRAME, n = 0, len;
	const char *section = NULL;

	for (size_t i = first; i < a->first + a->nresults &&
	    n < index->page_size; i++) {
		const struct search_result *r = &a->results[i - a->first];
		const char *label = search_section_label(r);
		size_t cost;

		search_result_text(r, gopher, &len);
		cost = len;
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

	for (size_t i = first; i < first + shown &&
	    i < a->first + a->nresults; i++) {
		const struct search_result *r = &a->results[i - a->first];
		const char *label = search_section_label(r);
		size_t len, room;
		const char *text = search_result_text(r, gopher, &len);

		if (section == NULL || strcmp(section, label) != 0) {
			section = label;
			heading(out, label);
		}
		room = SEARCH_ANSWER_MAX - SEARCH_ANSWER_FRAME > out->len ?
		    SEARCH_ANSWER_MAX - SEARCH_ANSWER_FRAME - out->len : 0;
		buf_add(out, text, search_fit(text, len, room));
	}
}

size_t
search_fit(const char *text, size_t len, size_t room)
{
	if (len <= room)
		return len;
	/* Cut after the last whole line that fits. */
	while (room > 0 && text[room - 1] != '\n')
		room--;
	return room;
}

void
search_part_free(struct search_part *part)
{
	if (part == NULL)
		return;
	/* The arrays are in the part's block (search_part_pack()). */
	free(part->own_gmi);
	free(part->own_map);
	free(part);
}

void
search_free(struct search_index *index)
{
	if (index == NULL)
		return;
	for (size_t i = 0; i < index->nowned; i++)
		search_part_free(index->owned[i]);
	free(index->owned);
	free(index->parts);
	free(index->label_base);
	free(index->gopher_host);
	free(index);
}

size_t
search_count(const struct search_index *index)
{
	return index->nentries;
}

size_t
search_part_bytes(const struct search_part *part)
{
	return part->packed_bytes;
}

void
search_add_part(struct search_index *index, const struct search_part *part)
{
	if (index->nparts == index->cap) {
		index->cap = index->cap ? index->cap * 2 : 64;
		index->parts = xreallocarray(index->parts, index->cap,
		    sizeof(*index->parts));
		index->label_base = xreallocarray(index->label_base,
		    index->cap, sizeof(*index->label_base));
	}
	index->label_base[index->nparts] = index->nlabels;
	index->nlabels += part->nlabels;
	index->parts[index->nparts++] = part;
	index->nentries += part->n;
	if (part->n > index->max_part)
		index->max_part = part->n;
}

/* An ASCII byte folded, or 0 for a byte that breaks words. */
static const unsigned char search_ascii_fold[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
	['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
	['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
	['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
	['z'] = 'z',
};

/*
 * Writes straight into out: folding never makes a character longer, and
 * at most one space follows each byte read, so 2 * len + 2 bytes do.
 * ASCII, most of any list, is folded by table.
 */
void
search_fold_words(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;
	char *o;
	bool in_word = false;

	buf_reserve(out, 2 * len + 2);
	o = out->data + out->len;
	*o++ = ' ';
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			i++;
			if (search_ascii_fold[c] != 0) {
				*o++ = (char)search_ascii_fold[c];
				in_word = true;
			} else if (in_word) {
				*o++ = ' ';
				in_word = false;
			}
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0) {
			/* Not UTF-8: a word break, never half a character. */
			n = 1;
			cp = ' ';
		}
		i += n;
		if (!utf8_is_word(cp)) {
			if (in_word)
				*o++ = ' ';
			in_word = false;
			continue;
		}
		o += utf8_encode(utf8_fold(cp), o);
		in_word = true;
	}
	if (in_word)
		*o++ = ' ';
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
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

/* Notes each folded word of s (len bytes) as one of entry's, in field. */
static void
search_note_words(struct search_maker *m, size_t entry, int field,
    const char *s, size_t len)
{
	size_t from = m->scratch.len, i;

	search_fold_words(&m->scratch, s, len);
	/* " w1 w2 ": each word starts after a space. */
	for (i = from; i + 1 < m->scratch.len; i++) {
		size_t end;
		struct search_posting *p;

		if (m->scratch.data[i] != ' ')
			continue;
		end = i + 1;
		while (end < m->scratch.len && m->scratch.data[end] != ' ')
			end++;
		if (end == i + 1)
			continue;
		if (m->npostings == m->postings_cap) {
			m->postings_cap = m->postings_cap ?
			    m->postings_cap * 2 : 64;
			m->postings = xreallocarray(m->postings,
			    m->postings_cap, sizeof(*m->postings));
		}
		p = &m->postings[m->npostings++];
		p->word = (uint32_t)(i + 1);
		p->len = (uint32_t)(end - i - 1);
		p->entry_field = (uint32_t)(entry << 2 | (size_t)field);
		i = end - 1;
	}
}

/* Where links [first, first + n) of the doc stand in a rendering:
 * from the first shown one's line to the last's; false if none is. */
static bool
search_span(const struct render_marks *marks, size_t first, size_t n,
    uint32_t *start, uint32_t *end)
{
	size_t lo = SIZE_MAX, hi = 0;

	for (size_t i = first; i < first + n; i++) {
		if (marks->link_start[i] == SIZE_MAX)
			continue;
		if (marks->link_start[i] < lo)
			lo = marks->link_start[i];
		if (marks->link_end[i] > hi)
			hi = marks->link_end[i];
	}
	if (lo == SIZE_MAX || hi > UINT32_MAX)
		return false;
	*start = (uint32_t)lo;
	*end = (uint32_t)hi;
	return true;
}

/*
 * Adds an entry: links [first, first + n) of the doc, whose text (with
 * the author) is text, in a nested item context too.
 */
static void
search_add_entry(struct search_maker *m, const struct doc_block *b,
    size_t first, size_t n, const char *text, size_t len)
{
	const struct doc_link *links = m->doc->links + first;
	struct buf rest = BUF_INIT;
	struct search_entry e;
	size_t pos = 0, entry = m->part->n;

	/* Where its lines are waits for the marks: search_place_entries(). */
	e.gmi_start = (uint32_t)first;
	e.gmi_end = (uint32_t)n;
	e.map_start = e.map_end = 0;
	for (size_t i = 0; i < n; i++) {
		const struct doc_link *l = &links[i];
		struct buf host = BUF_INIT;

		search_note_words(m, entry, SEARCH_TITLE, l->label,
		    strlen(l->label));
		search_add_host(&host, l->url);
		search_note_words(m, entry, SEARCH_HOST, buf_str(&host),
		    host.len);
		buf_release(&host);
		/* The text around the links: the author in "[T](u) - A". */
		if (b->kind != DOC_TABLE) {
			if (l->start >= pos && l->start <= len)
				buf_add(&rest, text + pos, l->start - pos);
			if (l->end > pos && l->end <= len)
				pos = l->end;
		}
	}
	if (pos < len)
		buf_add(&rest, text + pos, len - pos);
	/* A nested item is found by what it belongs to, too. */
	buf_addc(&rest, ' ');
	buf_adds(&rest, b->context);
	search_note_words(m, entry, SEARCH_AUTHOR, buf_str(&rest), rest.len);
	buf_release(&rest);
	if (m->part->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->part->entries = xreallocarray(m->part->entries, m->cap,
		    sizeof(*m->part->entries));
	}
	m->part->entries[m->part->n++] = e;
}

/*
 * A table row with links is an entry too: its links are its title, all
 * its cells' text the rest.
 */
static void
search_add_row(struct search_maker *m, const struct doc_block *b, size_t r)
{
	const struct doc_cell *first = &b->cells[r * b->ncols];
	const struct doc_cell *last = first + b->ncols - 1;
	size_t nlinks = last->first_link + last->nlinks - first->first_link;
	struct buf text = BUF_INIT;

	if (nlinks == 0)
		return;
	for (const struct doc_cell *c = first; c <= last; c++) {
		buf_add(&text, c->text, c->len);
		buf_addc(&text, ' ');
	}
	search_add_entry(m, b, first->first_link, nlinks, buf_str(&text),
	    text.len);
	buf_release(&text);
}

/* Writes v in 7-bit groups, low first, the high bit saying more come. */
static size_t
search_put_delta(unsigned char *out, uint32_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (unsigned char)v;
	return n;
}

/* Reads what search_put_delta() wrote at *p, moving *p past it. */
static uint32_t
search_get_delta(const unsigned char **p)
{
	uint32_t v = 0;
	unsigned shift = 0;

	while (**p & 0x80) {
		v |= (uint32_t)(**p & 0x7f) << shift;
		shift += 7;
		(*p)++;
	}
	v |= (uint32_t)**p << shift;
	(*p)++;
	return v;
}

static int
search_posting_cmp(const void *a, const void *b, void *arg)
{
	const struct search_posting *x = a, *y = b;
	const char *words = arg;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(words + x->word, words + y->word, n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->entry_field < y->entry_field ? -1 :
	    x->entry_field > y->entry_field;
}

/* FNV-1a over a word's bytes. */
static uint32_t
search_word_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int
search_entry_field_cmp(const void *a, const void *b)
{
	const struct search_posting *x = a, *y = b;

	return x->entry_field < y->entry_field ? -1 :
	    x->entry_field > y->entry_field;
}

/*
 * Numbers the postings' words through a hash table: id[i] is posting i's
 * word, numbered in the order words first came, and first[w] the first
 * posting of word w.  Returns the number of distinct words.
 */
static size_t
search_number_words(const struct search_maker *m, uint32_t *id,
    uint32_t *first)
{
	const char *words = m->scratch.data;
	size_t n = m->npostings, cap = 16, nuniq = 0;
	uint32_t *slot;

	while (cap < 2 * n)
		cap *= 2;
	slot = xcalloc(cap, sizeof(*slot));	/* a posting + 1, or 0 */
	for (size_t i = 0; i < n; i++) {
		const struct search_posting *p = &m->postings[i];
		size_t h = search_word_hash(words + p->word, p->len) &
		    (cap - 1);

		for (;; h = (h + 1) & (cap - 1)) {
			const struct search_posting *q;

			if (slot[h] == 0) {
				slot[h] = (uint32_t)i + 1;
				first[nuniq] = (uint32_t)i;
				id[i] = (uint32_t)nuniq++;
				break;
			}
			q = &m->postings[slot[h] - 1];
			if (q->len == p->len && memcmp(words + q->word,
			    words + p->word, p->len) == 0) {
				id[i] = id[slot[h] - 1];
				break;
			}
		}
	}
	free(slot);
	return nuniq;
}

/* Each of the nuniq words' place among them in order, into rank[]. */
static void
search_rank_words(const struct search_maker *m, const uint32_t *first,
    size_t nuniq, uint32_t *rank)
{
	struct search_posting *reps = xreallocarray(NULL, nuniq + 1,
	    sizeof(*reps));

	/* A posting stands for each word, its entry_field the word's id. */
	for (size_t w = 0; w < nuniq; w++) {
		reps[w] = m->postings[first[w]];
		reps[w].entry_field = (uint32_t)w;
	}
	qsort_r(reps, nuniq, sizeof(*reps), search_posting_cmp,
	    m->scratch.data);
	for (size_t r = 0; r < nuniq; r++)
		rank[reps[r].entry_field] = (uint32_t)r;
	free(reps);
}

/*
 * Puts the postings in the order of their words, then of entry_field,
 * as one sort comparing words would, without comparing words but to find
 * them: the distinct words alone are sorted, and the postings are dealt
 * into their word's place (in the order they came, mostly that of their
 * entries already).  A page of 20 000 entries has 200 000 postings and
 * some thousands of words.
 */
static void
search_sort_postings(struct search_maker *m)
{
	size_t n = m->npostings, nuniq;
	uint32_t *id = xreallocarray(NULL, n, sizeof(*id));
	uint32_t *first = xreallocarray(NULL, n, sizeof(*first));
	uint32_t *rank = xreallocarray(NULL, n, sizeof(*rank));
	uint32_t *at;
	struct search_posting *sorted;

	nuniq = search_number_words(m, id, first);
	search_rank_words(m, first, nuniq, rank);
	/* Each word's postings, in the order they came. */
	at = xcalloc(nuniq + 1, sizeof(*at));
	for (size_t i = 0; i < n; i++)
		at[rank[id[i]] + 1]++;
	for (size_t r = 0; r < nuniq; r++)
		at[r + 1] += at[r];
	sorted = xreallocarray(NULL, n, sizeof(*sorted));
	for (size_t i = 0; i < n; i++)
		sorted[at[rank[id[i]]]++] = m->postings[i];
	/* at[r] is now the end of word r's postings: order them by entry. */
	for (size_t r = 0, from = 0; r < nuniq; from = at[r++]) {
		bool ordered = true;

		for (size_t i = from + 1; i < at[r] && ordered; i++)
			ordered = sorted[i - 1].entry_field <=
			    sorted[i].entry_field;
		if (!ordered)
			qsort(sorted + from, at[r] - from, sizeof(*sorted),
			    search_entry_field_cmp);
	}
	free(at);
	free(rank);
	free(first);
	free(id);
	free(m->postings);
	m->postings = sorted;
	m->postings_cap = n;
}

/* Sorts the postings into the vocabulary: each word once, and for each
 * word each entry once, with its best field. */
static void
search_make_vocab(struct search_maker *m)
{
	struct search_part *part = m->part;
	struct buf vocab = BUF_INIT;
	size_t nwords = 0, npost = 0;
	uint32_t last[2] = { 0, 0 };	/* last entry and group kept, + 1 */
	uint32_t prev = 0;

	if (m->npostings > 0)
		search_sort_postings(m);
	part->words = xreallocarray(NULL, m->npostings + 1, sizeof(uint32_t));
	part->post_start = xreallocarray(NULL, m->npostings + 1,
	    sizeof(uint32_t));
	part->post = xreallocarray(NULL, m->npostings + 1, 5);
	for (size_t i = 0; i < m->npostings; i++) {
		const struct search_posting *p = &m->postings[i];
		const struct search_posting *q = i > 0 ? p - 1 : NULL;
		bool same_word = q != NULL && q->len == p->len &&
		    memcmp(m->scratch.data + q->word, m->scratch.data + p->word,
		    p->len) == 0;

		bool group = (p->entry_field & 3) == SEARCH_SECTION;

		if (!same_word) {
			part->words[nwords] = (uint32_t)vocab.len;
			part->post_start[nwords++] = (uint32_t)npost;
			buf_add(&vocab, m->scratch.data + p->word, p->len);
			buf_addc(&vocab, '\0');
			last[0] = last[1] = 0;
			prev = 0;
		} else if (last[group] == (p->entry_field >> 2) + 1)
			continue;
		last[group] = (p->entry_field >> 2) + 1;
		npost += search_put_delta(part->post + npost,
		    p->entry_field - prev);
		prev = p->entry_field;
	}
	part->post_start[nwords] = (uint32_t)npost;
	part->nwords = nwords;
	part->vocab = buf_detach(&vocab, &part->vocab_len);
	part->words = xreallocarray(part->words, nwords + 1, sizeof(uint32_t));
	part->post_start = xreallocarray(part->post_start, nwords + 1,
	    sizeof(uint32_t));
	part->post = xreallocarray(part->post, npost + 1, 1);
}

/* The number of label text (len bytes) in the part, added if new: the
 * headings of one text are one group of results. */
static uint32_t
search_label(struct search_maker *m, const char *text, size_t len)
{
	struct search_part *part = m->part;
	bool added;
	void **slot = hmap_slot(&m->label_ids, text, &added);

	if (!added)
		return (uint32_t)((uintptr_t)*slot - 1);
	part->labels = xreallocarray(part->labels, part->nlabels + 1,
	    sizeof(*part->labels));
	part->labels[part->nlabels] = (uint32_t)m->strings.len;
	buf_add(&m->strings, text, len);
	buf_addc(&m->strings, '\0');
	*slot = (void *)(uintptr_t)(part->nlabels + 1);
	return (uint32_t)part->nlabels++;
}

/* Starts a group of entries: those under the next heading. */
static void
search_new_group(struct search_maker *m, uint32_t label)
{
	struct search_part *part = m->part;

	if (part->ngroups + 2 > m->groups_cap) {
		m->groups_cap = m->groups_cap ? m->groups_cap * 2 : 8;
		part->groups = xreallocarray(part->groups, m->groups_cap,
		    sizeof(*part->groups));
	}
	part->groups[part->ngroups].label = label;
	part->groups[part->ngroups++].first = (uint32_t)part->n;
}

/* Copies n bytes of *from to the block at *at, and points *from there. */
static void
search_pack_array(void **from, size_t n, char *block, size_t *at)
{
	void *to = block + *at;

	if (n > 0)
		memcpy(to, *from, n);
	free(*from);
	*from = to;
	*at += (n + 7) & ~(size_t)7;
}

/*
 * Moves the part and its arrays into one block: a query looks at every
 * part, so what it reads of one should sit together, and a large capsule
 * has a part for each of its pages.
 */
static struct search_part *
search_part_pack(struct search_part *part)
{
	size_t sizes[] = {
		part->n * sizeof(*part->entries),
		(part->ngroups + 1) * sizeof(*part->groups),
		part->nlabels * sizeof(*part->labels),
		(part->nwords + 1) * sizeof(*part->words),
		(part->nwords + 1) * sizeof(*part->post_start),
		part->post_start[part->nwords],
		part->vocab_len + 1,
		part->strings_len + 1,
	};
	void **arrays[] = {
		(void **)&part->entries, (void **)&part->groups,
		(void **)&part->labels, (void **)&part->words,
		(void **)&part->post_start, (void **)&part->post,
		(void **)&part->vocab, (void **)&part->strings,
	};
	size_t total = (sizeof(*part) + 7) & ~(size_t)7, at = total;
	struct search_part *packed;
	char *block;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		total += (sizes[i] + 7) & ~(size_t)7;
	block = xreallocarray(NULL, total, 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		search_pack_array(arrays[i], sizes[i], block, &at);
	packed = (struct search_part *)(void *)block;
	*packed = *part;
	packed->packed_bytes = total;
	free(part);
	return packed;
}

/* Headings deeper than this share the path of their level-6 parent. */
#define SEARCH_MAX_LEVEL	6

/* A heading: the label of the entries under it, "A > B". */
static void
search_heading(struct search_maker *m, const char **path,
    const struct doc_block *b)
{
	struct buf label = BUF_INIT;

	path[b->level] = b->text;
	for (int l = b->level + 1; l <= SEARCH_MAX_LEVEL; l++)
		path[l] = NULL;
	/* The title (level 1) names the page, not a section. */
	for (int l = 2; l <= SEARCH_MAX_LEVEL; l++) {
		if (path[l] == NULL)
			continue;
		if (label.len > 0)
			buf_adds(&label, " > ");
		buf_adds(&label, path[l]);
	}
	/* Its words are the group's, found for all its entries. */
	search_new_group(m, search_label(m, buf_str(&label), label.len));
	search_note_words(m, m->part->ngroups - 1, SEARCH_SECTION,
	    buf_str(&label), label.len);
	buf_release(&label);
}

struct search_maker *
search_part_start(const struct doc *doc)
{
	const char *path[SEARCH_MAX_LEVEL + 1] = { NULL };
	struct search_maker *m = xcalloc(1, sizeof(*m));

	m->doc = doc;
	m->part = xcalloc(1, sizeof(*m->part));
	search_new_group(m, search_label(m, "", 0));	/* outside one */
	for (size_t i = 0; i < doc->nblocks; i++) {
		const struct doc_block *b = &doc->blocks[i];

		if (b->kind == DOC_HEADING)
			search_heading(m, path, b);
		else if ((b->kind == DOC_ITEM || b->kind == DOC_PARAGRAPH) &&
		    b->nlinks > 0)
			search_add_entry(m, b, (size_t)(b->links - doc->links),
			    b->nlinks, b->text, b->len);
		else if (b->kind == DOC_TABLE)
			for (size_t r = 1; r < b->nrows; r++)
				search_add_row(m, b, r);
	}
	return m;
}

/*
 * Gives each entry where its lines are in the two renderings, and drops
 * those that neither shows (all their links left out), with their words;
 * the entries after them, and the groups, are numbered anew.
 */
static void
search_place_entries(struct search_maker *m, const struct render_marks *gmi,
    const struct render_marks *map)
{
	struct search_part *part = m->part;
	uint32_t *kept_before = xreallocarray(NULL, part->n + 1,
	    sizeof(*kept_before));
	size_t kept = 0, np = 0;

	for (size_t i = 0; i < part->n; i++) {
		struct search_entry e = part->entries[i];
		size_t first = e.gmi_start, n = e.gmi_end;

		kept_before[i] = (uint32_t)kept;
		if (search_span(gmi, first, n, &e.gmi_start, &e.gmi_end) &&
		    search_span(map, first, n, &e.map_start, &e.map_end))
			part->entries[kept++] = e;
		else
			kept_before[i] = UINT32_MAX;	/* dropped */
	}
	for (size_t i = 0; i < m->npostings; i++) {
		struct search_posting p = m->postings[i];
		uint32_t to = p.entry_field >> 2;

		if ((p.entry_field & 3) != SEARCH_SECTION) {
			if ((to = kept_before[to]) == UINT32_MAX)
				continue;
			p.entry_field = to << 2 | (p.entry_field & 3);
		}
		m->postings[np++] = p;
	}
	m->npostings = np;
	/* A group's first entry: the first kept at or after its old one. */
	kept_before[part->n] = (uint32_t)kept;
	for (size_t i = part->n; i-- > 0;)
		if (kept_before[i] == UINT32_MAX)
			kept_before[i] = kept_before[i + 1];
	for (size_t g = 0; g < part->ngroups; g++)
		part->groups[g].first = kept_before[part->groups[g].first];
	part->n = kept;
	free(kept_before);
}

struct search_part *
search_part_finish(struct search_maker *m, const struct render_marks *gmi,
    const struct render_marks *map)
{
	struct search_part *part = m->part;

	search_place_entries(m, gmi, map);
	search_make_vocab(m);
	part->groups[part->ngroups].first = (uint32_t)part->n;
	part->strings = buf_detach(&m->strings, &part->strings_len);
	free(m->postings);
	buf_release(&m->scratch);
	hmap_free(&m->label_ids, NULL);
	free(m);
	return search_part_pack(part);
}

struct search_part *
search_part_build(const struct doc *doc, const struct render_marks *gmi,
    const struct render_marks *map)
{
	return search_part_finish(search_part_start(doc), gmi, map);
}

void
search_part_set_text(struct search_part *part, const char *gmi,
    const char *map)
{
	part->gmi = gmi;
	part->map = map;
}

void
search_add_doc(struct search_index *index, const struct doc *doc,
    const struct render_opts *gemini, const struct render_opts *gopher)
{
	struct render_marks gmi_marks, map_marks;
	struct render_opts g = *gemini, o = *gopher;
	struct buf gmi = BUF_INIT, map = BUF_INIT;
	struct search_part *part;

	render_marks_init(&gmi_marks, doc);
	render_marks_init(&map_marks, doc);
	g.marks = &gmi_marks;
	o.marks = &map_marks;
	render_gemtext(doc, &g, &gmi);
	render_gophermap(doc, &o, &map);
	part = search_part_build(doc, &gmi_marks, &map_marks);
	part->own_gmi = buf_detach(&gmi, NULL);
	part->own_map = buf_detach(&map, NULL);
	search_part_set_text(part, part->own_gmi, part->own_map);
	render_marks_free(&gmi_marks);
	render_marks_free(&map_marks);
	index->owned = xreallocarray(index->owned, index->nowned + 1,
	    sizeof(*index->owned));
	index->owned[index->nowned++] = part;
	search_add_part(index, part);
}

/* A match while the query runs: small, as there may be many. */
struct search_hit {
	uint32_t	 part;		/* in the index's order */
	uint32_t	 entry;
	uint32_t	 label;		/* in the index */
	int32_t		 score;
};

/* The matches of a query, found in the capsule's order. */
struct search_hits {
	struct search_hit	*hit;
	size_t			 n;
	size_t			 cap;
	int			 max_score;
};

/*
 * The order of the hits, best score first and in the capsule's order
 * within a score: a counting sort, as scores are small and a common word
 * matches a fifth of a capsule.  The caller frees it.
 */
static uint32_t *
search_rank(const struct search_hits *h)
{
	size_t *start = xcalloc((size_t)h->max_score + 2, sizeof(*start));
	uint32_t *order = xreallocarray(NULL, h->n + 1, sizeof(*order));

	for (size_t i = 0; i < h->n; i++)
		start[h->max_score - h->hit[i].score + 1]++;
	for (int sc = 1; sc <= h->max_score + 1; sc++)
		start[sc] += start[sc - 1];
	for (size_t i = 0; i < h->n; i++)
		order[start[h->max_score - h->hit[i].score]++] = (uint32_t)i;
	free(start);
	return order;
}

/* The result of hit h. */
static struct search_result
search_result_of(const struct search_index *index, const struct search_hit *h)
{
	const struct search_part *part = index->parts[h->part];
	struct search_result r;

	r.part = part;
	r.entry = h->entry;
	r.label = h->label;
	r.section = part->strings +
	    part->labels[h->label - index->label_base[h->part]];
	return r;
}

/* The first word of the part's vocabulary not below w (len bytes). */
static size_t
search_lower_bound(const struct search_part *part, const char *w,
    size_t len)
{
	size_t lo = 0, hi = part->nwords;

	/* A word that starts with w sorts at or after it: comparing len
	 * bytes is enough (a shorter word ends in a NUL, below any byte). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(part->vocab + part->words[mid], w, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether vocabulary word k starts with w. */
static bool
search_word_starts(const struct search_part *part, size_t k, const char *w,
    size_t len)
{
	return k < part->nwords &&
	    strncmp(part->vocab + part->words[k], w, len) == 0;
}

/* The query's words, " w1 w2 ", cut into (start, length) pairs. */
struct search_words {
	const char	*w[SEARCH_MAX_QUERY];
	size_t		 len[SEARCH_MAX_QUERY];
	size_t		 first[SEARCH_MAX_QUERY];	/* per part */
	size_t		 n;
};

/* Scratch per entry of one part, reused from part to part. */
struct search_scratch {
	int		*score;
	int		*best;		/* the weight of the current word */
	uint16_t	*matched;	/* query words matched so far */
};

/* Entry e has query word i, with weight w. */
static void
search_score(struct search_scratch *s, size_t e, size_t i, int w)
{
	if (s->matched[e] == i) {
		s->matched[e]++;
		s->best[e] = w;
		s->score[e] += w;
	} else if (s->matched[e] == i + 1 && w > s->best[e]) {
		s->score[e] += w - s->best[e];
		s->best[e] = w;
	}
}

/* Scores the entries that vocabulary word k of part is in, for query
 * word i. */
static void
search_word_postings(const struct search_part *part, size_t k,
    struct search_scratch *s, size_t i)
{
	const unsigned char *p = part->post + part->post_start[k];
	const unsigned char *end = part->post + part->post_start[k + 1];
	uint32_t v = 0;

	while (p < end) {
		size_t id;
		int f;

		v += search_get_delta(&p);
		id = v >> 2;
		f = (int)(v & 3);
		if (f != SEARCH_SECTION) {
			search_score(s, id, i, search_weight[f]);
			continue;
		}
		for (size_t e = part->groups[id].first;
		    e < part->groups[id + 1].first; e++)
			search_score(s, e, i, search_weight[f]);
	}
}

/*
 * Scores the entries of part against every word: an entry matches when
 * each word is a word (or the start of one) of one of its fields, and
 * scores the best field's weight for each.  Appends its matches.
 */
static void
search_part_query(const struct search_index *index, size_t p,
    struct search_words *q, struct search_scratch *s, struct search_hits *h)
{
	const struct search_part *part = index->parts[p];

	for (size_t i = 0; i < q->n; i++) {
		q->first[i] = search_lower_bound(part, q->w[i], q->len[i]);
		if (!search_word_starts(part, q->first[i], q->w[i], q->len[i]))
			return;
	}
	memset(s->score, 0, part->n * sizeof(*s->score));
	memset(s->matched, 0, part->n * sizeof(*s->matched));
	for (size_t i = 0; i < q->n; i++)
		for (size_t k = q->first[i];
		    search_word_starts(part, k, q->w[i], q->len[i]); k++)
			search_word_postings(part, k, s, i);
	for (size_t e = 0, g = 0; e < part->n; e++) {
		struct search_hit *hit;

		if (s->matched[e] != q->n)
			continue;
		while (g + 1 < part->ngroups && part->groups[g + 1].first <= e)
			g++;
		if (h->n == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 64;
			h->hit = xreallocarray(h->hit, h->cap, sizeof(*h->hit));
		}
		hit = &h->hit[h->n++];
		hit->part = (uint32_t)p;
		hit->entry = (uint32_t)e;
		hit->label = (uint32_t)(index->label_base[p] +
		    part->groups[g].label);
		hit->score = s->score[e];
	}
}

/* Finds the hits of query (len bytes); 0, or -1 with *why set. */
static int
search_find(const struct search_index *index, const char *query,
    size_t len, struct search_hits *h, const char **why)
{
	struct search_scratch s;
	struct search_words *q;
	struct buf words = BUF_INIT;

	memset(h, 0, sizeof(*h));
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
	q = xcalloc(1, sizeof(*q));
	for (size_t i = 1; i < words.len; i++) {
		size_t end = i;

		while (end < words.len && words.data[end] != ' ')
			end++;
		if (end > i && q->n < SEARCH_MAX_QUERY) {
			q->w[q->n] = words.data + i;
			q->len[q->n++] = end - i;
		}
		i = end;
	}
	s.score = xcalloc(index->max_part + 1, sizeof(*s.score));
	s.best = xcalloc(index->max_part + 1, sizeof(*s.best));
	s.matched = xcalloc(index->max_part + 1, sizeof(*s.matched));
	for (size_t p = 0; q->n > 0 && p < index->nparts; p++)
		search_part_query(index, p, q, &s, h);
	h->max_score = search_weight[0] * (int)q->n;
	free(s.score);
	free(s.best);
	free(s.matched);
	free(q);
	buf_release(&words);
	return 0;
}

int
search_query(const struct search_index *index, const char *query,
    size_t len, struct search_result **results, const char **why)
{
	struct search_hits h;
	uint32_t *order;

	*results = NULL;
	if (search_find(index, query, len, &h, why) == -1)
		return -1;
	order = search_rank(&h);
	*results = xcalloc(h.n + 1, sizeof(**results));
	for (size_t i = 0; i < h.n; i++)
		(*results)[i] = search_result_of(index, &h.hit[order[i]]);
	free(order);
	free(h.hit);
	return (int)h.n;
}

/*
 * Reorders the ranked hits so that those of one label stand together,
 * the labels in the order of their best hit; within one, best first.  A
 * counting sort by the order of each label's first hit: linear.
 */
static void
search_group_order(const struct search_index *index,
    const struct search_hits *h, uint32_t *order)
{
	uint32_t *of_label = xcalloc(index->nlabels + 1, sizeof(*of_label));
	uint32_t *group = xreallocarray(NULL, h->n + 1, sizeof(*group));
	uint32_t *sorted = xreallocarray(NULL, h->n + 1, sizeof(*sorted));
	size_t *start = xcalloc(h->n + 2, sizeof(*start));
	uint32_t ngroups = 0;

	for (size_t i = 0; i < h->n; i++) {
		uint32_t *g = &of_label[h->hit[order[i]].label];

		if (*g == 0)
			*g = ++ngroups;
		group[i] = *g - 1;
		start[group[i] + 1]++;
	}
	for (size_t g = 1; g <= ngroups; g++)
		start[g] += start[g - 1];
	for (size_t i = 0; i < h->n; i++)
		sorted[start[group[i]]++] = order[i];
	memcpy(order, sorted, h->n * sizeof(*order));
	free(start);
	free(sorted);
	free(group);
	free(of_label);
}

void
search_group(struct search_result *results, size_t n)
{
	/*
	 * Each label's group number is the order of its first result; a
	 * counting sort by it keeps the order within a group.  Linear, and
	 * without a look-up by text: a common word matches a fifth of a
	 * capsule.
	 */
	struct search_result *sorted = xcalloc(n + 1, sizeof(*sorted));
	size_t *group = xcalloc(n + 1, sizeof(*group));
	size_t *start = xcalloc(n + 2, sizeof(*start));
	size_t nlabels = 0, ngroups = 0, *of_label;

	for (size_t i = 0; i < n; i++)
		if (results[i].label + 1 > nlabels)
			nlabels = results[i].label + 1;
	/* 0: no result yet, else group + 1. */
	of_label = xcalloc(nlabels + 1, sizeof(*of_label));
	for (size_t i = 0; i < n; i++) {
		size_t *g = &of_label[results[i].label];

		if (*g == 0)
			*g = ++ngroups;
		group[i] = *g - 1;
		start[group[i] + 1]++;
	}
	for (size_t g = 1; g <= ngroups; g++)
		start[g] += start[g - 1];
	for (size_t i = 0; i < n; i++)
		sorted[start[group[i]]++] = results[i];
	if (n > 0)
		memcpy(results, sorted, n * sizeof(*results));
	free(of_label);
	free(start);
	free(group);
	free(sorted);
}

int
search_answer(const struct search_index *index, const char *query,
    size_t len, size_t first, struct search_answer *answer,
    const char **why)
{
	struct search_hits h;
	uint32_t *order;
	size_t n;

	memset(answer, 0, sizeof(*answer));
	if (search_find(index, query, len, &h, why) == -1)
		return -1;
	order = search_rank(&h);
	search_group_order(index, &h, order);
	/* Only the entries one answer may show become results. */
	answer->n = h.n;
	answer->first = first;
	n = first < h.n ? h.n - first : 0;
	if (n > index->page_size)
		n = index->page_size;
	answer->results = xcalloc(n + 1, sizeof(*answer->results));
	for (size_t i = 0; i < n; i++)
		answer->results[i] = search_result_of(index,
		    &h.hit[order[first + i]]);
	answer->nresults = n;
	free(order);
	free(h.hit);
	return 0;
}

void
search_answer_release(struct search_answer *answer)
{
	free(answer->results);
	memset(answer, 0, sizeof(*answer));
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
search_section_label(const struct search_result *r)
{
	const char *section = search_result_section(r);

	return *section != '\0' ? section : "Other";
}
