/* pages: a build's pages, made on every core, reused when unchanged. */
#include "pages.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc.h"
#include "file.h"
#include "heap.h"
#include "links.h"
#include "log.h"
#include "nav.h"

/* More threads than this find little more to do. */
#define PAGES_MAX_THREADS	8
/* Pages a thread should have at least, or fewer threads start. */
#define PAGES_PER_THREAD	8

/* A page's anchors, for the links of the others. */
struct pages_anchors {
	const struct links_table	*table;
	unsigned long			 hash;
	struct links_table		 own;	/* a page read in this build */
	bool				 owned;
};

/* One build's pages while they are made. */
struct pages_run {
	struct pages_job	*jobs;
	size_t			 n;
	const struct pages_ctx	*ctx;
	/* "/rel/name.md" -> pages_anchors; written only in round one,
	 * under the lock, as pages are read. */
	struct hmap		 anchors;
	pthread_rwlock_t	 lock;
	bool			 threaded;
	/* The jobs of the current round, and the next one to take. */
	size_t			*todo;
	size_t			 ntodo;
	atomic_size_t		 next;
	int			 round;
};

/* What a page's links are resolved with: the run and the page. */
struct pages_link {
	struct pages_run	*run;
	struct pages_job	*job;
};

/* Notes the answer a link got for key, the last one winning: a link
 * that waited asks again once every page is read. */
static void
pages_note(struct pages_job *job, char kind, const char *path,
    const char *answer)
{
	struct buf key = BUF_INIT;
	bool added;
	void **slot;

	buf_addc(&key, kind);
	buf_adds(&key, path);
	slot = hmap_slot(&job->deps, key.data, &added);
	free(*slot);
	*slot = xstrdup(answer);
	buf_release(&key);
}

/* Looks a page's anchors up. */
static const struct pages_anchors *
pages_find_anchors(struct pages_run *run, const char *path)
{
	const struct pages_anchors *a;

	if (run->threaded && run->round == 1)
		pthread_rwlock_rdlock(&run->lock);
	a = hmap_get(&run->anchors, path);
	if (run->threaded && run->round == 1)
		pthread_rwlock_unlock(&run->lock);
	return a;
}

/* The answer of a page's anchors, as deps keep it. */
static void
pages_anchors_answer(const struct pages_anchors *a, char out[24])
{
	if (a == NULL)
		strcpy(out, "-");
	else
		snprintf(out, 24, "%lx", a->hash);
}

static bool
pages_exists(void *arg, const char *path)
{
	struct pages_link *l = arg;
	bool there = hmap_get(l->run->ctx->inventory, path) != NULL;

	pages_note(l->job, '?', path, there ? "1" : "0");
	return there;
}

static const struct links_table *
pages_anchors(void *arg, const char *path)
{
	struct pages_link *l = arg;
	const struct pages_anchors *a = pages_find_anchors(l->run, path);
	char answer[24];

	pages_anchors_answer(a, answer);
	pages_note(l->job, '#', path, answer);
	return a != NULL ? a->table : NULL;
}

static void
pages_missing(void *arg, int line, const char *target)
{
	struct pages_link *l = arg;

	l->job->nmissing++;
	if (l->run->ctx->list_missing)
		log_warn("%s:%d: %s: not in the content folder", l->job->file,
		    line, target);
}

/* "/rel/name.md", the key of a page's anchors and of its page. */
static void
pages_key(struct buf *out, const struct pages_job *job)
{
	buf_printf(out, "/%s%s.md", job->rel, job->name);
}

/* Reads and parses the job's file. */
static int
pages_parse(struct pages_job *job)
{
	struct buf md = BUF_INIT, err = BUF_INIT;

	if (file_read(job->file, STORE_PAGE_MAX, &md, &err) == -1) {
		job->error = buf_detach(&err, NULL);
		buf_release(&md);
		return -1;
	}
	job->doc = doc_parse(buf_str(&md), md.len);
	buf_release(&md);
	nav_build(job->doc, &job->nav);
	job->parsed = true;
	return 0;
}

/* Resolves the job's links; notes whether some wait for a page that is
 * not read yet. */
static void
pages_resolve(struct pages_run *run, struct pages_job *job)
{
	struct pages_link l = { run, job };
	struct links_content content = {
		pages_exists, pages_anchors, pages_missing, &l,
		run->ctx->source_url,
	};
	struct links_page page = { job->rel, job->name, &job->nav };

	job->waits = links_resolve(job->doc, &page, &content) > 0;
}

/* Renders the job's page, with what its links were resolved against. */
static void
pages_render(struct pages_run *run, struct pages_job *job)
{
	struct buf deps = BUF_INIT;
	struct page_where where;

	for (size_t i = 0; i < job->deps.cap; i++) {
		const struct hmap_slot *s = &job->deps.slots[i];

		if (s->key == NULL)
			continue;
		buf_add(&deps, s->key, strlen(s->key) + 1);
		buf_add(&deps, s->value, strlen(s->value) + 1);
	}
	where.rel = job->rel;
	where.name = job->name;
	where.file = &job->id;
	where.deps = buf_str(&deps);
	where.deps_len = deps.len;
	where.nmissing = job->nmissing;
	job->page = page_render(job->doc, &job->nav, &where,
	    run->ctx->settings);
	buf_release(&deps);
	nav_free(&job->nav);
	doc_free(job->doc);
	job->doc = NULL;
	job->parsed = false;
	hmap_free(&job->deps, free);
}

/* Round one: a page read for the first time.  Its anchors join the
 * others'; it is rendered now unless its links wait for a page's. */
static void
pages_first(struct pages_run *run, struct pages_job *job)
{
	struct pages_anchors *a;
	struct buf key = BUF_INIT;

	if (pages_parse(job) == -1)
		return;
	a = xcalloc(1, sizeof(*a));
	links_table_init(&a->own, &job->nav);
	a->owned = true;
	a->table = &a->own;
	a->hash = page_anchors_hash(&job->nav);
	pages_key(&key, job);
	if (run->threaded)
		pthread_rwlock_wrlock(&run->lock);
	if (!hmap_put(&run->anchors, key.data, a)) {
		links_table_free(&a->own);
		free(a);
	}
	if (run->threaded)
		pthread_rwlock_unlock(&run->lock);
	buf_release(&key);
	pages_resolve(run, job);
	if (!job->waits)
		pages_render(run, job);
}

/* Round two: every page's anchors are known.  A page that waited is
 * resolved again; one whose old page could not be kept is made anew. */
static void
pages_second(struct pages_run *run, struct pages_job *job)
{
	if (!job->parsed && pages_parse(job) == -1)
		return;
	/* A link that still waits names a page that is not one. */
	pages_resolve(run, job);
	pages_render(run, job);
}

static void
pages_do(struct pages_run *run, size_t i)
{
	struct pages_job *job = &run->jobs[run->todo[i]];

	if (run->round == 1)
		pages_first(run, job);
	else
		pages_second(run, job);
}

static void *
pages_thread(void *arg)
{
	struct pages_run *run = arg;
	size_t i;

	while ((i = atomic_fetch_add(&run->next, 1)) < run->ntodo)
		pages_do(run, i);
	return NULL;
}

/* Works through the round's jobs on as many threads as are worth it. */
static void
pages_round(struct pages_run *run, int round)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = run->ntodo / PAGES_PER_THREAD;
	pthread_t threads[PAGES_MAX_THREADS];
	size_t nthreads = 0;

	if (want > (cpus > 0 ? (size_t)cpus : 1))
		want = cpus > 0 ? (size_t)cpus : 1;
	if (want > PAGES_MAX_THREADS)
		want = PAGES_MAX_THREADS;
	run->round = round;
	atomic_store(&run->next, 0);
	run->threaded = want > 1;
	/* This thread works too: want - 1 more. */
	for (size_t t = 1; t < want; t++)
		if (pthread_create(&threads[nthreads], NULL, pages_thread,
		    run) == 0)
			nthreads++;
	run->threaded = nthreads > 0;
	pages_thread(run);
	for (size_t t = 0; t < nthreads; t++)
		pthread_join(threads[t], NULL);
}

/* Whether what the old page's links were resolved against holds now. */
static bool
pages_deps_hold(struct pages_run *run, const struct page *pg)
{
	const char *p = pg->deps, *end = pg->deps + pg->deps_len;
	char answer[24];

	while (p < end) {
		const char *key = p, *was = key + strlen(key) + 1;

		p = was + strlen(was) + 1;
		if (*key == '?')
			strcpy(answer, hmap_get(run->ctx->inventory, key + 1) !=
			    NULL ? "1" : "0");
		else
			pages_anchors_answer(hmap_get(&run->anchors, key + 1),
			    answer);
		if (strcmp(answer, was) != 0)
			return false;
	}
	return true;
}

static bool
pages_same_file(const struct page_file *a, const struct page_file *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/*
 * Takes the previous snapshot's page of each job whose file is the
 * same: its anchors are known at once.  The others are round one's.
 */
static void
pages_take_unchanged(struct pages_run *run)
{
	struct buf key = BUF_INIT;

	for (size_t i = 0; i < run->n; i++) {
		struct pages_job *job = &run->jobs[i];
		struct page *old = NULL;

		buf_clear(&key);
		pages_key(&key, job);
		if (run->ctx->previous != NULL)
			old = store_page(run->ctx->previous, key.data);
		if (old != NULL && pages_same_file(&old->file, &job->id)) {
			struct pages_anchors *a = xcalloc(1, sizeof(*a));

			a->table = &old->anchors;
			a->hash = old->anchors_hash;
			if (hmap_put(&run->anchors, key.data, a)) {
				job->page = page_ref(old);
				job->reused = true;
				continue;
			}
			free(a);
		}
		run->todo[run->ntodo++] = i;
	}
	buf_release(&key);
}

static void
pages_drop_anchors(void *p)
{
	struct pages_anchors *a = p;

	if (a->owned)
		links_table_free(&a->own);
	free(a);
}

int
pages_make(struct pages_job *jobs, size_t n, const struct pages_ctx *ctx,
    struct pages_totals *totals, struct buf *err)
{
	struct pages_run run;
	int rc = 0;

	memset(&run, 0, sizeof(run));
	memset(totals, 0, sizeof(*totals));
	run.jobs = jobs;
	run.n = n;
	run.ctx = ctx;
	run.todo = xcalloc(n + 1, sizeof(*run.todo));
	pthread_rwlock_init(&run.lock, NULL);
	heap_build_begin();
	pages_take_unchanged(&run);
	pages_round(&run, 1);
	/* Round two: pages that waited, and kept pages whose links no
	 * longer hold (a page they link to changed its headings). */
	run.ntodo = 0;
	for (size_t i = 0; i < n; i++) {
		struct pages_job *job = &jobs[i];

		if (job->error != NULL)
			continue;
		if (job->reused && !pages_deps_hold(&run, job->page)) {
			page_unref(job->page);
			job->page = NULL;
			job->reused = false;
		}
		if (job->page == NULL)
			run.todo[run.ntodo++] = i;
	}
	pages_round(&run, 2);
	heap_build_end();
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].error != NULL && rc == 0) {
			buf_adds(err, jobs[i].error);
			rc = -1;
		}
		if (jobs[i].page == NULL)
			continue;
		totals->reused += jobs[i].reused;
		totals->made += !jobs[i].reused;
		totals->nmissing += jobs[i].page->nmissing;
	}
	pthread_rwlock_destroy(&run.lock);
	hmap_free(&run.anchors, pages_drop_anchors);
	free(run.todo);
	return rc;
}

void
pages_job_free(struct pages_job *job)
{
	if (job->parsed) {
		nav_free(&job->nav);
		doc_free(job->doc);
	}
	hmap_free(&job->deps, free);
	page_unref(job->page);
	free(job->error);
	free(job->rel);
	free(job->name);
	free(job->file);
	memset(job, 0, sizeof(*job));
}
