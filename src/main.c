/* main: the command line: render mode, config check, and serving. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "file.h"
#include "gophermap.h"
#include "log.h"
#include "render.h"
#include "server.h"
#include "version.h"

#ifndef CAPSULED_CONFIG
#define CAPSULED_CONFIG	"/etc/capsuled.conf"
#endif

/* Exit statuses scripts can rely on. */
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

static void
usage(FILE *f)
{
	fputs("usage: capsuled [-dn] [-f config]\n"
	    "       capsuled render [-H host] [-P port] [-w width] "
	    "gemtext|gophermap|text FILE.md\n"
	    "       capsuled --version | --help\n", f);
}

/* The largest Markdown file the render mode takes, as the server does. */
#define RENDER_MAX_INPUT	(16 * 1024 * 1024)

/* "lists/awesome.md" is the page "awesome". */
static char *
render_page_name(const char *path)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	size_t len = strlen(name);

	if (len > 3 && strcmp(name + len - 3, ".md") == 0)
		len -= 3;
	return xstrndup(name, len);
}

static int
render_main(int argc, char **argv)
{
	struct render_opts opts;
	enum render_format fmt;
	struct buf md = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	char *page;
	unsigned n;
	int ch;

	render_opts_init(&opts);
	optind = 1;
	while ((ch = getopt(argc, argv, "H:P:w:")) != -1) {
		switch (ch) {
		case 'H':
			opts.host = optarg;
			break;
		case 'P':
			if (config_number(optarg, 1, 65535, &n) == -1) {
				fprintf(stderr, "capsuled: bad port: %s\n",
				    optarg);
				return EXIT_USAGE;
			}
			opts.port = n;
			break;
		case 'w':
			if (config_number(optarg, 20, 1000, &n) == -1) {
				fprintf(stderr, "capsuled: bad width: %s "
				    "(20 to 1000)\n", optarg);
				return EXIT_USAGE;
			}
			opts.width = n;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (render_format_parse(argv[optind], &fmt) == -1) {
		fprintf(stderr, "capsuled: unknown format: %s (gemtext, "
		    "gophermap or text)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (file_read(argv[optind + 1], RENDER_MAX_INPUT, &md, &err) == -1) {
		fprintf(stderr, "capsuled: %s\n", err.data);
		buf_release(&err);
		return EXIT_USAGE;
	}
	/* In-page anchors lead to the sections of the page served from the
	 * file's name, as the server names them. */
	page = render_page_name(argv[optind + 1]);
	opts.page = page;
	render_markdown(buf_str(&md), md.len, fmt, &opts, &out);
	free(page);
	if (fmt == RENDER_GOPHERMAP)
		gophermap_end(&out);
	buf_release(&md);
	if (fwrite(buf_str(&out), 1, out.len, stdout) != out.len ||
	    fflush(stdout) == EOF) {
		fprintf(stderr, "capsuled: writing output: %s\n",
		    strerror(errno));
		buf_release(&out);
		return EXIT_RUNTIME;
	}
	buf_release(&out);
	return 0;
}

static int
serve_main(int argc, char **argv)
{
	const char *config = CAPSULED_CONFIG;
	bool check_only = false;
	struct server *server;
	int ch, status;

	log_init(LOG_LEVEL_INFO);
	while ((ch = getopt(argc, argv, "df:n")) != -1) {
		switch (ch) {
		case 'd':
			log_init(LOG_LEVEL_DEBUG);
			break;
		case 'f':
			config = optarg;
			break;
		case 'n':
			check_only = true;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	server = server_new(config, check_only);
	if (check_only) {
		printf("%s: configuration and content OK\n", config);
		server_free(server);
		return 0;
	}
	status = server_run(server);
	server_free(server);
	return status;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "render") == 0)
		return render_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("capsuled %s\n", CAPSULED_VERSION);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	return serve_main(argc, argv);
}
