/* config: the configuration file, one "key value" per line, # comments. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "utf8.h"

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
	return c;
}

static char *
config_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
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
	return d;
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

static void
config_set_string(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

/* Applies one "key value"; returns NULL or what is wrong with it. */
static const char *
config_apply(struct config *c, const char *key, char *value)
{
	struct {
		const char	*key;
		unsigned	*field;
		unsigned long	 min, max;
	} numbers[] = {
		{ "gopher_port", &c->gopher_port, 0, 65535 },
		{ "gemini_port", &c->gemini_port, 0, 65535 },
		{ "wrap", &c->wrap, 20, 1000 },
		{ "search_results", &c->search_results, 1, 1000 },
		{ "page_max", &c->page_max, 1024, 1024UL * 1024 * 1024 },
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

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		if (strcmp(key, numbers[i].key) == 0)
			return config_number(value, numbers[i].min,
			    numbers[i].max, numbers[i].field) == -1 ?
			    "value out of range or not a number" : NULL;
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
	} else if (strcmp(key, "content") == 0)
		config_set_string(&c->content, value);
	else if (strcmp(key, "cert") == 0)
		config_set_string(&c->cert, value);
	else if (strcmp(key, "key") == 0)
		config_set_string(&c->key, value);
	else if (strcmp(key, "lang") == 0) {
		for (const char *p = value; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '-')
				return "not a language tag";
		config_set_string(&c->lang, value);
	} else if (strcmp(key, "source_url") == 0) {
		if (!config_is_web_url(value))
			return "not an http:// or https:// URL";
		config_set_string(&c->source_url, value);
	} else
		return "unknown setting";
	return NULL;
}

struct config *
config_parse(const char *text, size_t len, const char *name,
    struct buf *err)
{
	struct config *c = config_defaults();
	struct buf line = BUF_INIT;
	const char *p = text, *end = text + len, *nl, *problem;
	char *key, *value, *s;
	unsigned lineno = 0;

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
		s += strcspn(s, " \t");
		if (*s == '\0') {
			buf_printf(err, "%s:%u: %s: missing value", name,
			    lineno, key);
			goto fail;
		}
		*s++ = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if ((problem = config_apply(c, key, s)) != NULL) {
			buf_printf(err, "%s:%u: %s: %s", name, lineno, key,
			    problem);
			goto fail;
		}
	}
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
	return c;
fail:
	buf_release(&line);
	config_free(c);
	return NULL;
}

struct config *
config_load(const char *path, struct buf *err)
{
	struct buf text = BUF_INIT;
	struct config *c = NULL;

	/* A config is a page of text: anything larger is a mistake. */
	if (file_read(path, CONFIG_MAX_SIZE, &text, err) == 0)
		c = config_parse(buf_str(&text), text.len, path, err);
	buf_release(&text);
	return c;
}
