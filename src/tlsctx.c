/* tlsctx: the OpenSSL context of the Gemini listener. */
#include "tlsctx.h"

#include <openssl/err.h>

/* TLS 1.2 suites: ECDHE only (forward secrecy), AEAD only. */
#define TLSCTX_CIPHERS_12 \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

void
tlsctx_drain_errors(struct buf *err)
{
	char line[256];
	unsigned long e;

	while ((e = ERR_get_error()) != 0) {
		if (err == NULL)
			continue;
		ERR_error_string_n(e, line, sizeof(line));
		buf_printf(err, "%s%s", err->len > 0 ? "; " : "", line);
	}
}

SSL_CTX *
tlsctx_new(const char *cert, const char *key, struct buf *err)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		buf_adds(err, "cannot make a TLS context: ");
		goto fail;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, TLSCTX_CIPHERS_12) != 1) {
		buf_adds(err, "cannot set TLS versions or ciphers: ");
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle connections keep no TLS buffers. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	/* Clients resume with a ticket; no server-side session cache. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 1);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		buf_printf(err, "%s: cannot load certificate: ", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		buf_printf(err, "%s: cannot load key: ", key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		buf_printf(err, "%s does not match %s: ", key, cert);
		goto fail;
	}
	return ctx;
fail:
	tlsctx_drain_errors(err);
	SSL_CTX_free(ctx);
	return NULL;
}
