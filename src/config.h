/* config: the configuration file, one "key value" per line. */
#ifndef CAPSULED_CONFIG_H
#define CAPSULED_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define CONFIG_MAX_LISTEN	16
/* More names a capsule block may give its capsule. */
#define CONFIG_MAX_ALIASES	16
/* Capsule blocks in one file at most. */
#define CONFIG_MAX_CAPSULES	4096
/* A config file larger than this is refused. */
#define CONFIG_MAX_SIZE		(1024 * 1024)

/*
 * One capsule: what it serves and under which names.  A config always has
 * at least one, the default: [0] is made from the top level (its name is
 * hostname), the others from "capsule NAME { ... }" blocks, in order.
 */
struct config_capsule {
	char		*name;		/* lower case, as are the aliases */
	char		*aliases[CONFIG_MAX_ALIASES];
	size_t		 naliases;
	char		*content;
	char		*cert;
	char		*key;
	char		*lang;
	char		*source_url;	/* or NULL */
	unsigned	 gopher_port;	/* its own listener; 0: Gemini only */
	unsigned	 wrap;
	unsigned	 search_results;
	unsigned	 page_max;
	unsigned	 line;		/* where its block starts; 0: top */
	char		*error;		/* what is wrong with its block, when
					 * parsed for a reload; else NULL */
};

struct config {
	struct config_capsule *capsules; /* [0] the default; owned */
	size_t		 ncapsules;
	char		*hostname;	/* written into menus, checked in URLs */
	char		*listen[CONFIG_MAX_LISTEN]; /* addresses to bind */
	size_t		 nlisten;
	unsigned	 gopher_port;	/* 0: no Gopher listener */
	unsigned	 gemini_port;	/* 0: no Gemini listener */
	char		*content;	/* the capsule's folder */
	char		*cert;		/* PEM certificate (chain) */
	char		*key;		/* PEM private key */
	char		*lang;		/* lang= of text/gemini answers */
	char		*source_url;	/* where relative links to files the
					 * content lacks point, or NULL */
	unsigned	 wrap;		/* gophermap and text wrap column */
	unsigned	 search_results; /* entries per search answer */
	unsigned	 page_max;	/* gemtext bytes over which a page is
					 * served summed up */
	unsigned	 read_timeout;	/* seconds to send a request */
	unsigned	 write_timeout;	/* seconds without progress writing */
	unsigned	 max_connections; /* open connections before pausing */
	unsigned	 shutdown_timeout; /* seconds to finish on SIGTERM */
	unsigned	 workers;	/* threads; 0: one per online CPU */
	unsigned	 max_per_address; /* open connections per client */
	unsigned	 rate_per_address; /* requests a second per client */
	char		*exempt[CONFIG_MAX_LISTEN]; /* never limited */
	size_t		 nexempt;
	bool		 exempt_set;	/* the config named its own */
	char		*user;		/* drop root for this user, or NULL */
	char		*group;		/* and this group (default: user's) */
	bool		 chroot;	/* chroot into the content folder */
	bool		 watch;		/* reload when the content changes */
	bool		 gopher_proxy;	/* PROXY header on the Gopher port */
	bool		 gemini_proxy;	/* PROXY header on the Gemini port */
	char		*access_log;	/* "stderr", "syslog", "off" or a file */
	char		*error_log;	/* "stderr" or "syslog" */
};

/*
 * Parses text (len bytes, read from the file called name) into a new
 * config with defaults for what it leaves out.  Returns the config, which
 * the caller frees with config_free(), or NULL with "NAME:LINE: reason" in
 * err.
 */
struct config	*config_parse(const char *text, size_t len, const char *name,
		    struct buf *err);
/*
 * As config_parse(), for a reload: what is wrong inside a capsule block
 * (a setting, a missing content, cert or key, a name or port another
 * capsule has) fails that capsule alone, said in its error, so that the
 * others still take their changes.  Anything else fails the whole file.
 */
struct config	*config_parse_reload(const char *text, size_t len,
		    const char *name, struct buf *err);
/*
 * Parses v as a decimal number from min to max (digits only, no sign, no
 * spaces) into *out: 0, or -1 when it is not one.  Also for the command
 * line.
 */
int		 config_number(const char *v, unsigned long min,
		    unsigned long max, unsigned *out);
/* Reads and parses the file at path (for a reload: as
 * config_parse_reload()); NULL with the reason in err (also when it is
 * larger than CONFIG_MAX_SIZE). */
struct config	*config_load(const char *path, bool reload, struct buf *err);
/* A config holding only the defaults; never NULL. */
struct config	*config_defaults(void);
/* Whether addr (numeric) is in the limit_exempt list. */
bool		 config_is_exempt(const struct config *config,
		    const char *addr);
/* A deep copy of config, which the caller frees; never NULL. */
struct config	*config_dup(const struct config *config);
/*
 * What a capsule's name (len bytes, no NUL needed) is keyed by, wherever
 * names are compared: written lower-cased into out, which holds
 * CONFIG_NAME_KEY bytes.  False when it is longer than a host name.
 */
#define CONFIG_NAME_KEY		254
bool		 config_name_key(const char *name, size_t len, char *out);
/* The capsule one of whose names is name (any case), or NULL. */
const struct config_capsule *config_find_capsule(const struct config *config,
		    const char *name);
/* Deep-copies src into dst, which config_capsule_release() frees. */
void		 config_capsule_copy(struct config_capsule *dst,
		    const struct config_capsule *src);
void		 config_capsule_release(struct config_capsule *cc);
/* Whether the two describe the same capsule with the same settings. */
bool		 config_capsule_equal(const struct config_capsule *a,
		    const struct config_capsule *b);
/* Frees the config; config_free(NULL) does nothing. */
void		 config_free(struct config *config);

#endif
