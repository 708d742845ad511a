/* config: the configuration file, one "key value" per line, # comments. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "file.h"
#include "hmap.h"
#include "utf8.h"

static char *
config_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
config_capsule_release(struct config_capsule *cc)
{
	free(cc->name);
	for (size_t i = 0; i < cc->naliases; i++)
		free(cc->aliases[i]);
	free(cc->content);
	free(cc->cert);
	free(cc->key);
	free(cc->lang);
	free(cc->source_url);
	free(cc->error);
	memset(cc, 0, sizeof(*cc));
}

void
config_capsule_copy(struct config_capsule *d, const struct config_capsule *s)
{
	*d = *s;
	d->name = config_strdup(s->name);
	for (size_t i = 0; i < s->naliases; i++)
		d->aliases[i] = config_strdup(s->aliases[i]);
	d->content = config_strdup(s->content);
	d->cert = config_strdup(s->cert);
	d->key = config_strdup(s->key);
	d->lang = config_strdup(s->lang);
	d->source_url = config_strdup(s->source_url);
	d->error = config_strdup(s->error);
}

/* (Re)makes capsules[0], the default capsule, from the top level. */
static void
config_make_default(struct config *c)
{
	struct config_capsule *d = &c->capsules[0];

	config_capsule_release(d);
	d->name = xstrdup(c->hostname);
	d->content = xstrdup(c->content);
	d->cert = xstrdup(c->cert);
	d->key = xstrdup(c->key);
	d->lang = xstrdup(c->lang);
	d->source_url = config_strdup(c->source_url);
	d->gopher_port = c->gopher_port;
	d->wrap = c->wrap;
	d->search_results = c->search_results;
	d->page_max = c->page_max;
}

static bool
config_str_equal(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

bool
config_capsule_equal(const struct config_capsule *a,
    const struct config_capsule *b)
{
	if (a->naliases != b->naliases || a->gopher_port != b->gopher_port ||
	    a->wrap != b->wrap || a->search_results != b->search_results ||
	    a->page_max != b->page_max || !config_str_equal(a->name, b->name) ||
	    !config_str_equal(a->content, b->content) ||
	    !config_str_equal(a->cert, b->cert) ||
	    !config_str_equal(a->key, b->key) ||
	    !config_str_equal(a->lang, b->lang) ||
	    !config_str_equal(a->source_url, b->source_url) ||
	    a->error != NULL || b->error != NULL)
		return false;
	for (size_t i = 0; i < a->naliases; i++)
		if (strcmp(a->aliases[i], b->aliases[i]) != 0)
			return false;
	return true;
}

const struct config_capsule *
config_find_capsule(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->ncapsules; i++) {
		const struct config_capsule *cc = &c->capsules[i];

		if (strcasecmp(cc->name, name) == 0)
			return cc;
		for (size_t j = 0; j < cc->naliases; j++)
			if (strcasecmp(cc->aliases[j], name) == 0)
				return cc;
	}
	return NULL;
}

struct config *
config_defaults(void)
{
	struct config *c = xcalloc(1, sizeof(*c));

	c->hostname = xstrndup("localhost", 9);
	c->gopher_port = 70;
	c->gemini_port = 1965;
	c->content = xstrndup("content", 7);
	c->cert = xstrndup("certs/cert.pem", 14);
	c->key = xstrndup("certs/key.pem", 13);
	c->lang = xstrndup("en", 2);
	c->wrap = 70;
	c->search_results = 50;
	c->page_max = 64 * 1024;
	c->read_timeout = 10;
	c->write_timeout = 30;
	c->max_connections = 1024;
	c->shutdown_timeout = 10;
	c->watch = true;
	c->access_log = xstrndup("stderr", 6);
	c->max_per_address = 32;
	c->rate_per_address = 20;
	/* Local tools and health checks are never limited. */
	c->exempt[c->nexempt++] = xstrndup("127.0.0.1", 9);
	c->exempt[c->nexempt++] = xstrndup("::1", 3);
	c->error_log = xstrndup("stderr", 6);
	c->capsules = xcalloc(1, sizeof(*c->capsules));
	c->ncapsules = 1;
	config_make_default(c);
	return c;
}

struct config *
config_dup(const struct config *c)
{
	struct config *d = xcalloc(1, sizeof(*d));

	*d = *c;
	d->hostname = config_strdup(c->hostname);
	for (size_t i = 0; i < c->nlisten; i++)
		d->listen[i] = config_strdup(c->listen[i]);
	for (size_t i = 0; i < c->nexempt; i++)
		d->exempt[i] = config_strdup(c->exempt[i]);
	d->content = config_strdup(c->content);
	d->cert = config_strdup(c->cert);
	d->key = config_strdup(c->key);
	d->lang = config_strdup(c->lang);
	d->source_url = config_strdup(c->source_url);
	d->user = config_strdup(c->user);
	d->group = config_strdup(c->group);
	d->access_log = config_strdup(c->access_log);
	d->error_log = config_strdup(c->error_log);
	d->capsules = xcalloc(c->ncapsules, sizeof(*d->capsules));
	for (size_t i = 0; i < c->ncapsules; i++)
		config_capsule_copy(&d->capsules[i], &c->capsules[i]);
	return d;
}

bool
config_name_key(const char *name, size_t len, char *out)
{
	if (len > CONFIG_NAME_KEY - 1)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[len] = '\0';
	return true;
}

bool
config_is_exempt(const struct config *c, const char *addr)
{
	for (size_t i = 0; i < c->nexempt; i++)
		if (strcmp(c->exempt[i], addr) == 0)
			return true;
	return false;
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	free(c->hostname);
	for (size_t i = 0; i < c->nlisten; i++)
		free(c->listen[i]);
	for (size_t i = 0; i < c->nexempt; i++)
		free(c->exempt[i]);
	free(c->content);
	free(c->cert);
	free(c->key);
	free(c->lang);
	free(c->source_url);
	free(c->user);
	free(c->group);
	free(c->access_log);
	free(c->error_log);
	for (size_t i = 0; i < c->ncapsules; i++)
		config_capsule_release(&c->capsules[i]);
	free(c->capsules);
	free(c);
}

int
config_number(const char *v, unsigned long min, unsigned long max,
    unsigned *out)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* A host name or address: letters, digits, '-', '.', ':' (IPv6). */
static bool
config_is_hostname(const char *v)
{
	if (*v == '\0' || strlen(v) > 253)
		return false;
	for (const char *p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-.:", *p) == NULL)
			return false;
	return true;
}

static int
config_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0 ||
	    strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0 ||
	    strcmp(v, "false") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

/* A user or group name as useradd takes it. */
static bool
config_is_name(const char *v)
{
	if (*v == '\0' || *v == '-' || strlen(v) > 32)
		return false;
	for (const char *p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_.", *p) == NULL)
			return false;
	return true;
}

/* Where a list's own files live: a web address, printable, no spaces. */
static bool
config_is_web_url(const char *v)
{
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return false;
	if (v[strcspn(v, ":") + 3] == '\0')
		return false;
	for (const char *p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

static bool
config_is_lang(const char *v)
{
	for (const char *p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
	return true;
}

static void
config_set_string(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

#define CONFIG_WRAP_MIN			20
#define CONFIG_WRAP_MAX			1000
#define CONFIG_SEARCH_RESULTS_MAX	1000
#define CONFIG_PAGE_MAX_MIN		1024
#define CONFIG_PAGE_MAX_MAX		(1024UL * 1024 * 1024)

/* Where a capsule's settings given as text go: the top level's or a
 * block's. */
struct config_texts {
	char	**content;
	char	**cert;
	char	**key;
	char	**lang;
	char	**source_url;
};

/* Applies key when it is one of the settings in texts; returns whether it
 * was, with *problem NULL or what is wrong with the value. */
static bool
config_apply_text(const struct config_texts *texts, const char *key,
    const char *value, const char **problem)
{
	*problem = NULL;
	if (strcmp(key, "content") == 0)
		config_set_string(texts->content, value);
	else if (strcmp(key, "cert") == 0)
		config_set_string(texts->cert, value);
	else if (strcmp(key, "key") == 0)
		config_set_string(texts->key, value);
	else if (strcmp(key, "lang") == 0) {
		if (!config_is_lang(value))
			*problem = "not a language tag";
		else
			config_set_string(texts->lang, value);
	} else if (strcmp(key, "source_url") == 0) {
		if (!config_is_web_url(value))
			*problem = "not an http:// or https:// URL";
		else
			config_set_string(texts->source_url, value);
	} else
		return false;
	return true;
}

/* What the process as a whole has once, whichever capsule is asked for:
 * never inside a capsule block. */
static const char *const config_process_keys[] = {
	"listen", "gemini_port", "user", "group", "chroot", "workers",
	"access_log", "error_log", "read_timeout", "write_timeout",
	"max_connections", "shutdown_timeout", "max_per_address",
	"rate_per_address", "limit_exempt", "watch", "gopher_proxy",
	"gemini_proxy",
};

/* A numeric setting: where it goes and what it may be. */
struct config_number_field {
	const char	*key;
	unsigned	*field;
	unsigned long	 min, max;
};

/* Applies key when it is one of the n numbers; returns whether it was,
 * with *problem NULL or what is wrong with the value. */
static bool
config_apply_number(const struct config_number_field *numbers, size_t n,
    const char *key, const char *value, const char **problem)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, numbers[i].key) == 0) {
			*problem = config_number(value, numbers[i].min,
			    numbers[i].max, numbers[i].field) == -1 ?
			    "value out of range or not a number" : NULL;
			return true;
		}
	return false;
}

/* Applies one "key value" inside a capsule block; NULL or what is wrong.
 * Settings it leaves out are the top level's (see config_close()). */
static const char *
config_apply_capsule(struct config_capsule *cc, const char *key, char *value)
{
	const struct config_number_field numbers[] = {
		{ "gopher_port", &cc->gopher_port, 1, 65535 },
		{ "wrap", &cc->wrap, CONFIG_WRAP_MIN, CONFIG_WRAP_MAX },
		{ "search_results", &cc->search_results, 1,
		  CONFIG_SEARCH_RESULTS_MAX },
		{ "page_max", &cc->page_max, CONFIG_PAGE_MAX_MIN,
		  CONFIG_PAGE_MAX_MAX },
	};
	const char *problem;

	if (config_apply_number(numbers, sizeof(numbers) / sizeof(numbers[0]),
	    key, value, &problem))
		return problem;
	for (size_t i = 0; i < sizeof(config_process_keys) /
	    sizeof(config_process_keys[0]); i++)
		if (strcmp(key, config_process_keys[i]) == 0)
			return "a setting of the whole process: top level only";
	if (config_apply_text(&(struct config_texts){ &cc->content, &cc->cert,
	    &cc->key, &cc->lang, &cc->source_url }, key, value, &problem))
		return problem;
	if (strcmp(key, "alias") == 0) {
		if (!config_is_hostname(value))
			return "not a host name";
		if (cc->naliases == CONFIG_MAX_ALIASES)
			return "too many aliases";
		cc->aliases[cc->naliases++] = xstrdup(value);
	} else if (strcmp(key, "hostname") == 0)
		return "a capsule's name is its block's; more names are "
		    "aliases";
	else if (strcmp(key, "capsule") == 0)
		return "capsule blocks do not nest";
	else
		return "unknown setting";
	return NULL;
}

/* Applies one "key value"; returns NULL or what is wrong with it. */
static const char *
config_apply(struct config *c, const char *key, char *value)
{
	const struct config_number_field numbers[] = {
		{ "gopher_port", &c->gopher_port, 0, 65535 },
		{ "gemini_port", &c->gemini_port, 0, 65535 },
		{ "wrap", &c->wrap, CONFIG_WRAP_MIN, CONFIG_WRAP_MAX },
		{ "search_results", &c->search_results, 1,
		  CONFIG_SEARCH_RESULTS_MAX },
		{ "page_max", &c->page_max, CONFIG_PAGE_MAX_MIN,
		  CONFIG_PAGE_MAX_MAX },
		{ "read_timeout", &c->read_timeout, 1, 3600 },
		{ "write_timeout", &c->write_timeout, 1, 3600 },
		{ "max_connections", &c->max_connections, 1, 1000000 },
		{ "shutdown_timeout", &c->shutdown_timeout, 0, 3600 },
		{ "workers", &c->workers, 0, 64 },
		{ "max_per_address", &c->max_per_address, 1, 1000000 },
		{ "rate_per_address", &c->rate_per_address, 1, 1000000 },
	};
	struct {
		const char	*key;
		bool		*field;
	} flags[] = {
		{ "chroot", &c->chroot },
		{ "watch", &c->watch },
		{ "gopher_proxy", &c->gopher_proxy },
		{ "gemini_proxy", &c->gemini_proxy },
	};
	char *word, *save = NULL;
	const char *problem = NULL;

	if (config_apply_number(numbers, sizeof(numbers) / sizeof(numbers[0]),
	    key, value, &problem))
		return problem;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(key, flags[i].key) == 0)
			return config_bool(value, flags[i].field) == -1 ?
			    "not yes or no" : NULL;
	if (strcmp(key, "user") == 0 || strcmp(key, "group") == 0) {
		if (!config_is_name(value))
			return "not a user or group name";
		config_set_string(*key == 'u' ? &c->user : &c->group, value);
	} else if (strcmp(key, "access_log") == 0)
		config_set_string(&c->access_log, value);
	else if (strcmp(key, "error_log") == 0) {
		if (strcmp(value, "stderr") != 0 && strcmp(value, "syslog") != 0)
			return "not stderr or syslog";
		config_set_string(&c->error_log, value);
	} else if (strcmp(key, "hostname") == 0) {
		if (!config_is_hostname(value))
			return "not a host name";
		config_set_string(&c->hostname, value);
	} else if (strcmp(key, "listen") == 0) {
		for (word = strtok_r(value, " \t", &save); word != NULL;
		    word = strtok_r(NULL, " \t", &save)) {
			if (c->nlisten == CONFIG_MAX_LISTEN)
				return "too many listen addresses";
			if (strcmp(word, "*") != 0 && !config_is_hostname(word))
				return "not an address";
			c->listen[c->nlisten++] = xstrdup(word);
		}
	} else if (strcmp(key, "limit_exempt") == 0) {
		/* The first line replaces the defaults; more lines add. */
		if (!c->exempt_set) {
			for (size_t i = 0; i < c->nexempt; i++)
				free(c->exempt[i]);
			c->nexempt = 0;
			c->exempt_set = true;
		}
		for (word = strtok_r(value, " \t", &save); word != NULL;
		    word = strtok_r(NULL, " \t", &save)) {
			if (strcmp(word, "none") == 0)
				continue;
			if (c->nexempt == CONFIG_MAX_LISTEN)
				return "too many addresses";
			if (!config_is_hostname(word))
				return "not an address";
			c->exempt[c->nexempt++] = xstrdup(word);
		}
	} else if (!config_apply_text(&(struct config_texts){ &c->content,
	    &c->cert, &c->key, &c->lang, &c->source_url }, key, value,
	    &problem))
		return "unknown setting";
	return problem;
}

/* "capsule NAME {": starts a block; NULL, or what is wrong with it. */
static const char *
config_open_block(struct config *c, char *value, unsigned lineno,
    size_t *open)
{
	struct config_capsule *cc;
	size_t len = strlen(value);

	if (len < 2 || value[len - 1] != '{' || (value[len - 2] != ' ' &&
	    value[len - 2] != '\t'))
		return "expected \"capsule NAME {\"";
	value[len - 1] = '\0';
	while (len > 1 && (value[len - 2] == ' ' || value[len - 2] == '\t'))
		value[--len - 1] = '\0';
	if (!config_is_hostname(value))
		return "not a host name";
	if (c->ncapsules == CONFIG_MAX_CAPSULES)
		return "too many capsules";
	c->capsules = xreallocarray(c->capsules, c->ncapsules + 1,
	    sizeof(*c->capsules));
	cc = &c->capsules[c->ncapsules];
	memset(cc, 0, sizeof(*cc));
	cc->name = xstrdup(value);
	cc->line = lineno;
	*open = c->ncapsules++;
	return NULL;
}

/* Claims name for capsule number owner; -1 with the reason when another
 * capsule (or this one) has it already. */
static int
config_claim_name(const struct config *c, struct hmap *names,
    const char *name, size_t owner, const char *file, struct buf *err)
{
	char key[CONFIG_NAME_KEY];
	void **slot;
	bool added;

	/* Names are host names: 253 bytes at most, so always a key. */
	(void)config_name_key(name, strlen(name), key);
	slot = hmap_slot(names, key, &added);
	if (added) {
		*slot = (void *)(c->capsules + owner);
		return 0;
	}
	buf_printf(err, "%s:%u: %s is already a name of capsule %s", file,
	    c->capsules[owner].line, name,
	    ((const struct config_capsule *)*slot)->name);
	return -1;
}

/*
 * Something is wrong with capsule number i's block (why, with file and
 * line): for a reload, that capsule fails alone (its first reason is
 * kept); otherwise the file does.  Returns -1 when the whole file fails.
 */
static int
config_block_fails(struct config *c, size_t i, bool reload, struct buf *err,
    const struct buf *why)
{
	if (!reload || i == 0) {
		buf_add(err, why->data, why->len);
		return -1;
	}
	if (c->capsules[i].error == NULL)
		c->capsules[i].error = xstrdup(why->data);
	return 0;
}

/* Fills in what capsule cc's block left out: the top level's. */
static void
config_inherit(struct config_capsule *cc, const struct config_capsule *top)
{
	if (cc->lang == NULL)
		cc->lang = xstrdup(top->lang);
	if (cc->source_url == NULL)
		cc->source_url = config_strdup(top->source_url);
	if (cc->wrap == 0)
		cc->wrap = top->wrap;
	if (cc->search_results == 0)
		cc->search_results = top->search_results;
	if (cc->page_max == 0)
		cc->page_max = top->page_max;
}

/* Claims capsule i's names and port, or says why it cannot have them
 * (into why, with the file's name). */
static bool
config_claim(struct config *c, size_t i, struct hmap *names,
    const char *file, struct buf *why)
{
	struct config_capsule *cc = &c->capsules[i];

	if (config_claim_name(c, names, cc->name, i, file, why) == -1)
		return false;
	for (size_t j = 0; j < cc->naliases; j++)
		if (config_claim_name(c, names, cc->aliases[j], i, file,
		    why) == -1)
			return false;
	if (i == 0 || cc->gopher_port == 0)
		return true;
	if (cc->gopher_port == c->gemini_port ||
	    cc->gopher_port == c->gopher_port) {
		buf_printf(why, "%s:%u: capsule %s: gopher_port %u is the top "
		    "level's", file, cc->line, cc->name, cc->gopher_port);
		return false;
	}
	for (size_t j = 1; j < i; j++)
		if (c->capsules[j].error == NULL &&
		    c->capsules[j].gopher_port == cc->gopher_port) {
			buf_printf(why, "%s:%u: capsule %s: gopher_port %u is "
			    "capsule %s's", file, cc->line, cc->name,
			    cc->gopher_port, c->capsules[j].name);
			return false;
		}
	return true;
}

/*
 * After the last line: each block has what it must, takes the top level's
 * settings it left out, and no two capsules share a name or a port.
 */
static int
config_close(struct config *c, const char *file, bool reload,
    struct buf *err)
{
	struct hmap names = HMAP_INIT;
	struct buf why = BUF_INIT;
	int rc = -1;

	if (c->ncapsules > 1 && c->chroot) {
		buf_printf(err, "%s:%u: capsule %s: chroot serves one content "
		    "folder, and cannot be used with capsule blocks", file,
		    c->capsules[1].line, c->capsules[1].name);
		return -1;
	}
	for (size_t i = 0; i < c->ncapsules; i++) {
		struct config_capsule *cc = &c->capsules[i];
		const char *missing = cc->content == NULL ? "content" :
		    cc->cert == NULL ? "cert" : cc->key == NULL ? "key" : NULL;

		config_inherit(cc, &c->capsules[0]);
		buf_clear(&why);
		/* A capsule that failed keeps its old version, names and
		 * all: its names stay taken. */
		if (cc->error != NULL) {
			(void)config_claim(c, i, &names, file, &why);
			continue;
		}
		if (missing != NULL)
			buf_printf(&why, "%s:%u: capsule %s: no %s", file,
			    cc->line, cc->name, missing);
		if ((missing != NULL || !config_claim(c, i, &names, file,
		    &why)) && config_block_fails(c, i, reload, err, &why) == -1)
			goto out;
	}
	rc = 0;
out:
	hmap_free(&names, NULL);
	buf_release(&why);
	return rc;
}

static struct config *
config_parse_as(const char *text, size_t len, const char *name, bool reload,
    struct buf *err)
{
	struct config *c = config_defaults();
	struct buf line = BUF_INIT, why = BUF_INIT;
	const char *p = text, *end = text + len, *nl, *problem;
	char *key, *value, *s;
	unsigned lineno = 0;
	size_t open = 0;	/* the capsule block being read, or 0 */

	if (!utf8_is_valid(text, len) || memchr(text, '\0', len) != NULL) {
		buf_printf(err, "%s: not a UTF-8 text file", name);
		goto fail;
	}
	for (; p < end; p = nl ? nl + 1 : end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		buf_clear(&line);
		buf_add(&line, p, (size_t)((nl ? nl : end) - p));
		s = line.data;
		if ((value = strchr(s, '#')) != NULL)
			*value = '\0';
		/* Trim, then split the key from the value. */
		while (isspace((unsigned char)*s))
			s++;
		for (value = s + strlen(s); value > s &&
		    isspace((unsigned char)value[-1]); value--)
			value[-1] = '\0';
		if (*s == '\0')
			continue;
		key = s;
		if (strcmp(key, "}") == 0) {
			if (open == 0) {
				buf_printf(err, "%s:%u: } without a capsule "
				    "block", name, lineno);
				goto fail;
			}
			open = 0;
			continue;
		}
		s += strcspn(s, " \t");
		if (*s == '\0')
			problem = "missing value";
		else {
			*s++ = '\0';
			while (*s == ' ' || *s == '\t')
				s++;
			if (open == 0 && strcmp(key, "capsule") == 0)
				problem = config_open_block(c, s, lineno, &open);
			else if (open != 0)
				problem = config_apply_capsule(
				    &c->capsules[open], key, s);
			else
				problem = config_apply(c, key, s);
		}
		if (problem == NULL)
			continue;
		buf_clear(&why);
		buf_printf(&why, "%s:%u: %s: %s", name, lineno, key, problem);
		/* A block that nests another is the file's mistake: where
		 * the blocks end is no longer known. */
		if (open == 0 || strcmp(key, "capsule") == 0) {
			buf_add(err, why.data, why.len);
			goto fail;
		}
		if (config_block_fails(c, open, reload, err, &why) == -1)
			goto fail;
	}
	if (open != 0) {
		buf_printf(err, "%s:%u: capsule %s: block not closed", name,
		    c->capsules[open].line, c->capsules[open].name);
		goto fail;
	}
	config_make_default(c);
	if (config_close(c, name, reload, err) == -1)
		goto fail;
	if (c->gopher_port == 0 && c->gemini_port == 0) {
		buf_printf(err, "%s: both gopher_port and gemini_port are 0",
		    name);
		goto fail;
	}
	if (c->gopher_port != 0 && c->gopher_port == c->gemini_port) {
		buf_printf(err, "%s: gopher_port and gemini_port are the same",
		    name);
		goto fail;
	}
	buf_release(&line);
	buf_release(&why);
	return c;
fail:
	buf_release(&line);
	buf_release(&why);
	config_free(c);
	return NULL;
}

struct config *
config_parse(const char *text, size_t len, const char *name,
    struct buf *err)
{
	return config_parse_as(text, len, name, false, err);
}

struct config *
config_parse_reload(const char *text, size_t len, const char *name,
    struct buf *err)
{
	return config_parse_as(text, len, name, true, err);
}

struct config *
config_load(const char *path, bool reload, struct buf *err)
{
	struct buf text = BUF_INIT;
	struct config *c = NULL;

	/* A config is a page of text: anything larger is a mistake. */
	if (file_read(path, CONFIG_MAX_SIZE, &text, err) == 0)
		c = config_parse_as(buf_str(&text), text.len, path, reload,
		    err);
	buf_release(&text);
	return c;
}
