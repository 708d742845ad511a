/*
 * floor: the least a server can do per request, for the benchmark to
 * measure capsuled against.  A blocking loop: accept, read the request
 * line, write a fixed answer, close; with -c/-k, the same over TLS
 * (SSL_accept, SSL_read, SSL_write, SSL_shutdown) with that certificate.
 *
 * With -H N it answers nothing: it finishes each TLS handshake and keeps
 * the connection, up to N of them (then the oldest goes).  What it holds
 * per connection is what OpenSSL itself needs for one waiting for its
 * request, the least any server built on it can spend.
 *
 *   floor -p PORT -f ANSWER_FILE [-c CERT -k KEY [-H N]]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsctx.h"

static char answer[1 << 20];
static size_t answer_len;

static void
serve_plain(int fd)
{
	char line[1100];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(line) &&
	    (n = read(fd, line + got, sizeof(line) - got)) > 0) {
		got += (size_t)n;
		if (memchr(line, '\n', got) != NULL)
			break;
	}
	for (size_t off = 0; off < answer_len; off += (size_t)n)
		if ((n = write(fd, answer + off, answer_len - off)) <= 0)
			break;
}

/* A TLS session on fd with its handshake done, or NULL. */
static SSL *
accept_tls(SSL_CTX *ctx, int fd)
{
	SSL *ssl = SSL_new(ctx);

	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1)
		return ssl;
	SSL_free(ssl);
	ERR_clear_error();
	return NULL;
}

static void
serve_tls(SSL_CTX *ctx, int fd)
{
	SSL *ssl = accept_tls(ctx, fd);
	char line[1100];
	int got = 0, n;

	if (ssl == NULL)
		return;
	while (got < (int)sizeof(line) &&
	    (n = SSL_read(ssl, line + got, (int)sizeof(line) - got)) > 0) {
		got += n;
		if (memchr(line, '\n', (size_t)got) != NULL)
			break;
	}
	SSL_write(ssl, answer, (int)answer_len);
	SSL_shutdown(ssl);
	SSL_free(ssl);
	ERR_clear_error();
}

/* One connection of -H: handshake done, then kept as it is. */
struct held {
	SSL	*ssl;
	int	 fd;
};

static void
hold_tls(SSL_CTX *ctx, int fd, struct held *slot)
{
	if (slot->ssl != NULL) {
		SSL_free(slot->ssl);
		close(slot->fd);
	}
	slot->fd = fd;
	if ((slot->ssl = accept_tls(ctx, fd)) == NULL)
		close(fd);
}

int
main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *file = NULL;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	SSL_CTX *ctx = NULL;
	struct held *held = NULL;
	long nheld = 0, next = 0;
	int ch, lfd, fd, one = 1;
	FILE *f;

	while ((ch = getopt(argc, argv, "p:f:c:k:H:")) != -1) {
		switch (ch) {
		case 'p':
			sin.sin_port = htons((uint16_t)atoi(optarg));
			break;
		case 'f':
			file = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'H':
			nheld = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (file == NULL || (f = fopen(file, "rb")) == NULL)
		return 2;
	answer_len = fread(answer, 1, sizeof(answer), f);
	fclose(f);
	signal(SIGPIPE, SIG_IGN);
	if (nheld > 0) {
		if (cert == NULL ||
		    (held = calloc((size_t)nheld, sizeof(*held))) == NULL)
			return 2;
	}
	if (cert != NULL) {
		ctx = SSL_CTX_new(TLS_server_method());
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
		/* capsuled's TLS 1.3 suites and one ticket per handshake
		 * (OpenSSL's default is two), so that both do the same
		 * cryptography and only the servers' own work differs. */
		SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
		SSL_CTX_set_num_tickets(ctx, 1);
		/* Held connections keep no record buffers, as capsuled's. */
		if (held != NULL)
			SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
		if (SSL_CTX_set_ciphersuites(ctx, TLSCTX_CIPHERS_13) != 1) {
			fprintf(stderr, "floor: cannot set the TLS suites\n");
			return 1;
		}
		if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) !=
		    1)
			return 1;
	}
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 4096) == -1) {
		perror("floor");
		return 1;
	}
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		if (held != NULL) {
			hold_tls(ctx, fd, &held[next]);
			next = (next + 1) % nheld;
			continue;
		}
		if (ctx != NULL)
			serve_tls(ctx, fd);
		else
			serve_plain(fd);
		close(fd);
	}
}
