/* tlsctx: the OpenSSL context of the Gemini listener. */
#include "tlsctx.h"

#include <stdbool.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tlserr.h"

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

/*
 * Each context's tag, mixed into the names of the tickets it issues: a
 * ticket one capsule issued names no key of another's, so that a session
 * made for one capsule never resumes on another (its certificate and
 * names were checked for the first only).  Kept in the context's ex_data.
 */
#define TLSCTX_TAG_LEN	16
static int tlsctx_tag_index = -1;
/* Set once at start-up, before any worker runs. */
static tlsctx_pick_fn tlsctx_picker;

void
tlsctx_set_picker(tlsctx_pick_fn pick)
{
	tlsctx_picker = pick;
}

static void
tlsctx_tag_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	free(ptr);
}

/* The key name a ticket of ssl's context carries for key name. */
static void
tlsctx_tagged_name(const SSL *ssl, const unsigned char *name,
    unsigned char *out)
{
	const unsigned char *tag = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl),
	    tlsctx_tag_index);

	for (size_t i = 0; i < TLSCTX_TAG_LEN; i++)
		out[i] = name[i] ^ (tag != NULL ? tag[i] : 0);
}

int
tlsctx_rotate_tickets(void)
{
	struct tlsctx_ticket_key fresh;

	tlserr_start();
	if (RAND_bytes(fresh.name, sizeof(fresh.name)) != 1 ||
	    RAND_bytes(fresh.aes, sizeof(fresh.aes)) != 1 ||
	    RAND_bytes(fresh.hmac, sizeof(fresh.hmac)) != 1) {
		tlserr_drain(NULL);
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
	unsigned char tagged[TLSCTX_TAG_LEN];
	int rc = -1;

	_Static_assert(sizeof(k->name) == TLSCTX_TAG_LEN, "one tag a name");
	pthread_rwlock_rdlock(&tlsctx_keys_lock);
	if (enc) {
		k = &tlsctx_keys[0];
		if (k->set && RAND_bytes(iv, EVP_MAX_IV_LENGTH) == 1 &&
		    EVP_EncryptInit_ex(cctx, tlsctx_ticket_cipher, NULL, k->aes,
		    iv) == 1 && tlsctx_ticket_mac(hctx, k->hmac) == 0) {
			tlsctx_tagged_name(ssl, k->name, name);
			rc = 1;
		}
	} else {
		rc = 0;
		for (int i = 0; i < 2; i++) {
			if (!tlsctx_keys[i].set)
				continue;
			tlsctx_tagged_name(ssl, tlsctx_keys[i].name, tagged);
			if (memcmp(name, tagged, sizeof(tagged)) == 0) {
				k = &tlsctx_keys[i];
				rc = 2;
			}
		}
		if (k != NULL && (EVP_DecryptInit_ex(cctx, tlsctx_ticket_cipher,
		    NULL, k->aes, iv) != 1 || tlsctx_ticket_mac(hctx,
		    k->hmac) == -1))
			rc = -1;
	}
	pthread_rwlock_unlock(&tlsctx_keys_lock);
	if (rc == -1)
		tlserr_drain(NULL);
	return rc;
}

/* TLS 1.2 suites: ECDHE only (forward secrecy), AEAD only. */
#define TLSCTX_CIPHERS_12 \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

/*
 * The server name of a client hello's server_name extension (ext, len
 * bytes): its first host_name, or NULL when there is none or the
 * extension is malformed (OpenSSL rejects those later on its own).
 */
static const char *
tlsctx_hello_name(const unsigned char *ext, size_t len, size_t *name_len)
{
	size_t list, n;

	if (len < 2 || (list = (size_t)ext[0] << 8 | ext[1]) != len - 2)
		return NULL;
	for (ext += 2; list >= 3; ext += 3 + n, list -= 3 + n) {
		n = (size_t)ext[1] << 8 | ext[2];
		if (n > list - 3)
			return NULL;
		if (ext[0] == TLSEXT_NAMETYPE_host_name && n > 0) {
			*name_len = n;
			return (const char *)ext + 3;
		}
	}
	return NULL;
}

/*
 * Picks the capsule's context before OpenSSL looks at anything else in
 * the hello, the session ticket included: the ticket is then checked
 * against the capsule's own tag, and the certificate sent is the
 * capsule's.
 */
static int
tlsctx_hello_cb(SSL *ssl, int *alert, void *arg)
{
	const unsigned char *ext;
	const char *name = NULL;
	size_t ext_len, name_len = 0;
	SSL_CTX *ctx;

	(void)arg;
	if (tlsctx_picker == NULL)
		return SSL_CLIENT_HELLO_SUCCESS;
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext,
	    &ext_len) == 1)
		name = tlsctx_hello_name(ext, ext_len, &name_len);
	ctx = tlsctx_picker(ssl, name, name_len);
	if (ctx != NULL && ctx != SSL_get_SSL_CTX(ssl) &&
	    SSL_set_SSL_CTX(ssl, ctx) == NULL) {
		tlserr_drain(NULL);
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* Gives ctx the tag and session context made from the capsule's name. */
static int
tlsctx_set_tag(SSL_CTX *ctx, const char *name)
{
	unsigned char digest[EVP_MAX_MD_SIZE], *tag;
	unsigned int dlen = 0;

	if (tlsctx_tag_index == -1 && (tlsctx_tag_index =
	    SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, tlsctx_tag_free)) ==
	    -1)
		return -1;
	if (EVP_Digest(name, strlen(name), digest, &dlen, EVP_sha256(),
	    NULL) != 1 || dlen < TLSCTX_TAG_LEN)
		return -1;
	tag = xcalloc(1, TLSCTX_TAG_LEN);
	memcpy(tag, digest, TLSCTX_TAG_LEN);
	if (SSL_CTX_set_ex_data(ctx, tlsctx_tag_index, tag) != 1) {
		free(tag);
		return -1;
	}
	return SSL_CTX_set_session_id_context(ctx, digest,
	    dlen < SSL_MAX_SID_CTX_LENGTH ? dlen : SSL_MAX_SID_CTX_LENGTH) ==
	    1 ? 0 : -1;
}

/*
 * Asked for the key's passphrase: there is no one to ask.  OpenSSL's own
 * way is to prompt on the terminal, which would stop the server (and a
 * reload) until someone typed.  Notes that it was asked, so that the
 * error says why the key did not load.
 */
static int
tlsctx_no_passphrase(char *buf, int size, int rwflag, void *asked)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	if (asked != NULL)
		*(bool *)asked = true;
	return -1;
}

SSL_CTX *
tlsctx_new(const char *cert, const char *key, const char *name,
    struct buf *err)
{
	SSL_CTX *ctx = NULL;
	bool asked = false;

	tlserr_start();
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
	SSL_CTX_set_client_hello_cb(ctx, tlsctx_hello_cb, NULL);
	if (tlsctx_set_tag(ctx, name) == -1) {
		buf_adds(err, "cannot tag the TLS context: ");
		goto fail;
	}
	SSL_CTX_set_default_passwd_cb(ctx, tlsctx_no_passphrase);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &asked);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		buf_printf(err, "%s: cannot load certificate: ", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		buf_printf(err, "%s: cannot load key: %s", key, asked ?
		    "it is encrypted (give capsuled a key without a "
		    "passphrase): " : "");
		goto fail;
	}
	/* The context keeps the pointer: it must not outlive this call. */
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	if (SSL_CTX_check_private_key(ctx) != 1) {
		buf_printf(err, "%s does not match %s: ", key, cert);
		goto fail;
	}
	return ctx;
fail:
	tlserr_drain(err);
	SSL_CTX_free(ctx);
	return NULL;
}
