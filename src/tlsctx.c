/* tlsctx: the OpenSSL context of the Gemini listener. */
#include "tlsctx.h"

#include <stdbool.h>

#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* A ticket key: its name (sent in the ticket), cipher and MAC keys. */
struct tlsctx_ticket_key {
	unsigned char	name[16];
	unsigned char	aes[32];
	unsigned char	hmac[32];
	bool		set;
};

/* [0] encrypts new tickets, [1] still decrypts the ones it made. */
static struct tlsctx_ticket_key tlsctx_keys[2];
static pthread_rwlock_t tlsctx_keys_lock = PTHREAD_RWLOCK_INITIALIZER;
/*
 * The ticket cipher, fetched once by the first tlsctx_new() (before any
 * worker runs) and kept for the life of the process: EVP_aes_256_cbc()
 * would make OpenSSL 3 look it up by name for every ticket sealed or
 * opened.
 */
static EVP_CIPHER *tlsctx_ticket_cipher;

int
tlsctx_rotate_tickets(void)
{
	struct tlsctx_ticket_key fresh;

	if (RAND_bytes(fresh.name, sizeof(fresh.name)) != 1 ||
	    RAND_bytes(fresh.aes, sizeof(fresh.aes)) != 1 ||
	    RAND_bytes(fresh.hmac, sizeof(fresh.hmac)) != 1) {
		tlsctx_drain_errors(NULL);
		return -1;
	}
	fresh.set = true;
	pthread_rwlock_wrlock(&tlsctx_keys_lock);
	tlsctx_keys[1] = tlsctx_keys[0];
	tlsctx_keys[0] = fresh;
	pthread_rwlock_unlock(&tlsctx_keys_lock);
	return 0;
}

static int
tlsctx_ticket_mac(EVP_MAC_CTX *hctx, unsigned char *key)
{
	static char digest[] = "sha256";
	OSSL_PARAM params[3];

	params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key,
	    32);
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[2] = OSSL_PARAM_construct_end();
	return EVP_MAC_CTX_set_params(hctx, params) == 1 ? 0 : -1;
}

/*
 * OpenSSL's ticket callback: 1 to use the key, 2 to use it and send a
 * fresh ticket, 0 for a full handshake, -1 on error.  A resumed session
 * always gets a fresh ticket: TLS 1.3 clients should use a ticket once
 * (RFC 8446, C.4), and without a new one they could resume only every
 * other connection.
 */
static int
tlsctx_ticket_cb(SSL *ssl, unsigned char *name, unsigned char *iv,
    EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	struct tlsctx_ticket_key *k = NULL;
	int rc = -1;

	(void)ssl;
	pthread_rwlock_rdlock(&tlsctx_keys_lock);
	if (enc) {
		k = &tlsctx_keys[0];
		if (k->set && RAND_bytes(iv, EVP_MAX_IV_LENGTH) == 1 &&
		    EVP_EncryptInit_ex(cctx, tlsctx_ticket_cipher, NULL, k->aes,
		    iv) == 1 && tlsctx_ticket_mac(hctx, k->hmac) == 0) {
			memcpy(name, k->name, sizeof(k->name));
			rc = 1;
		}
	} else {
		rc = 0;
		for (int i = 0; i < 2; i++)
			if (tlsctx_keys[i].set && memcmp(name,
			    tlsctx_keys[i].name, sizeof(k->name)) == 0) {
				k = &tlsctx_keys[i];
				rc = 2;
			}
		if (k != NULL && (EVP_DecryptInit_ex(cctx, tlsctx_ticket_cipher,
		    NULL, k->aes, iv) != 1 || tlsctx_ticket_mac(hctx,
		    k->hmac) == -1))
			rc = -1;
	}
	pthread_rwlock_unlock(&tlsctx_keys_lock);
	if (rc == -1)
		tlsctx_drain_errors(NULL);
	return rc;
}

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
	SSL_CTX *ctx = NULL;

	if (tlsctx_ticket_cipher == NULL &&
	    (tlsctx_ticket_cipher = EVP_CIPHER_fetch(NULL, "AES-256-CBC",
	    NULL)) == NULL) {
		buf_adds(err, "cannot load the session ticket cipher: ");
		goto fail;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		buf_adds(err, "cannot make a TLS context: ");
		goto fail;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, TLSCTX_CIPHERS_12) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLSCTX_CIPHERS_13) != 1) {
		buf_adds(err, "cannot set TLS versions or ciphers: ");
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle connections keep no TLS buffers. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	/* Clients resume with a ticket; no server-side session cache.  The
	 * ticket keys are shared by every worker and rotated hourly. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER |
	    SSL_SESS_CACHE_NO_INTERNAL);
	SSL_CTX_set_num_tickets(ctx, 1);
	SSL_CTX_set_timeout(ctx, 2 * TLSCTX_TICKET_ROTATE);
	if (SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, tlsctx_ticket_cb) != 1) {
		buf_adds(err, "cannot set the session ticket keys: ");
		goto fail;
	}
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
