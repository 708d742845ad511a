/* test_tlsctx: the server context, handshakes and session tickets, with
 * client and server joined by an in-memory BIO pair. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tests.h"
#include "tlsctx.h"

/* A self-signed P-256 certificate and its key, written once per test. */
struct tls_files {
	char	dir[64];
	char	cert[96];
	char	key[96];
};

static void
tls_files_write_pem(const char *path, EVP_PKEY *pkey, X509 *x509)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	if (pkey != NULL)
		ck_assert_int_eq(PEM_write_PrivateKey(f, pkey, NULL, NULL, 0,
		    NULL, NULL), 1);
	else
		ck_assert_int_eq(PEM_write_X509(f, x509), 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* Makes a key and a certificate for "localhost"; with other_key, the key
 * file holds a second key that does not match the certificate. */
static void
tls_files_make(struct tls_files *tf, bool other_key)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *wrong = NULL;
	X509 *x509 = X509_new();
	X509_NAME *name;

	ck_assert_ptr_nonnull(pkey);
	ck_assert_ptr_nonnull(x509);
	strcpy(tf->dir, "/tmp/capsuled-tlsctx-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tf->dir));
	snprintf(tf->cert, sizeof(tf->cert), "%s/cert.pem", tf->dir);
	snprintf(tf->key, sizeof(tf->key), "%s/key.pem", tf->dir);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x509), 1), 1);
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x509), 0));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x509),
	    86400));
	ck_assert_int_eq(X509_set_pubkey(x509, pkey), 1);
	name = X509_get_subject_name(x509);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0), 1);
	ck_assert_int_eq(X509_set_issuer_name(x509, name), 1);
	ck_assert_int_gt(X509_sign(x509, pkey, EVP_sha256()), 0);
	if (other_key) {
		wrong = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		ck_assert_ptr_nonnull(wrong);
	}
	tls_files_write_pem(tf->key, wrong != NULL ? wrong : pkey, NULL);
	tls_files_write_pem(tf->cert, NULL, x509);
	EVP_PKEY_free(wrong);
	EVP_PKEY_free(pkey);
	X509_free(x509);
}

static void
tls_files_remove(struct tls_files *tf)
{
	unlink(tf->cert);
	unlink(tf->key);
	rmdir(tf->dir);
}

/* Writes tf's key again, encrypted with a passphrase. */
static void
tls_files_encrypt_key(const struct tls_files *tf)
{
	FILE *f = fopen(tf->key, "r");
	EVP_PKEY *pkey;

	ck_assert_ptr_nonnull(f);
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(pkey);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(f = fopen(tf->key, "w"));
	ck_assert_int_eq(PEM_write_PrivateKey(f, pkey, EVP_aes_256_cbc(),
	    (const unsigned char *)"secret", 6, NULL, NULL), 1);
	ck_assert_int_eq(fclose(f), 0);
	EVP_PKEY_free(pkey);
}

/* Runs both ends' handshakes until neither wants more. */
static void
tls_pump(SSL *client, SSL *server)
{
	int done_c = 0, done_s = 0;

	for (int round = 0; round < 32 && !(done_c && done_s); round++) {
		if (!done_c)
			done_c = SSL_do_handshake(client) == 1;
		if (!done_s)
			done_s = SSL_do_handshake(server) == 1;
	}
	ck_assert_msg(done_c && done_s, "the handshake did not finish");
}

/*
 * One connection: a handshake (offering resume if not NULL), one byte from
 * the server, which makes the client read the session ticket sent after
 * the handshake.  Returns whether the server resumed; *fresh gets the
 * client's session from this connection (the caller frees it).
 */
static bool
tls_connect_as(SSL_CTX *server_ctx, const char *sni, SSL_SESSION *resume,
    SSL_SESSION **fresh)
{
	SSL_CTX *client_ctx = SSL_CTX_new(TLS_client_method());
	SSL *client, *server;
	BIO *cbio, *sbio;
	char byte = 0;
	bool reused;

	ck_assert_ptr_nonnull(client_ctx);
	client = SSL_new(client_ctx);
	server = SSL_new(server_ctx);
	ck_assert_ptr_nonnull(client);
	ck_assert_ptr_nonnull(server);
	ck_assert_int_eq(BIO_new_bio_pair(&cbio, 0, &sbio, 0), 1);
	SSL_set_bio(client, cbio, cbio);
	SSL_set_bio(server, sbio, sbio);
	SSL_set_connect_state(client);
	SSL_set_accept_state(server);
	ck_assert_int_eq(SSL_set_tlsext_host_name(client, sni), 1);
	if (resume != NULL)
		ck_assert_int_eq(SSL_set_session(client, resume), 1);
	tls_pump(client, server);
	ck_assert_int_eq(SSL_version(server), TLS1_3_VERSION);
	ck_assert_int_eq(SSL_write(server, "x", 1), 1);
	ck_assert_int_eq(SSL_read(client, &byte, 1), 1);
	ck_assert_int_eq(byte, 'x');
	reused = SSL_session_reused(server) == 1;
	ck_assert_int_eq(SSL_session_reused(client), reused);
	*fresh = SSL_get1_session(client);
	ck_assert_ptr_nonnull(*fresh);
	/* Closed without close_notify, OpenSSL would mark the session as
	 * not resumable. */
	ck_assert_int_ge(SSL_shutdown(server), 0);
	ck_assert_int_ge(SSL_shutdown(client), 0);
	SSL_free(client);
	SSL_free(server);
	SSL_CTX_free(client_ctx);
	return reused;
}

static bool
tls_connect(SSL_CTX *server_ctx, SSL_SESSION *resume, SSL_SESSION **fresh)
{
	return tls_connect_as(server_ctx, "localhost", resume, fresh);
}

/* The ticket a session carries, for comparing two of them. */
static bool
tls_same_ticket(const SSL_SESSION *a, const SSL_SESSION *b)
{
	const unsigned char *ta, *tb;
	size_t la, lb;

	SSL_SESSION_get0_ticket(a, &ta, &la);
	SSL_SESSION_get0_ticket(b, &tb, &lb);
	ck_assert_uint_gt(la, 0);
	ck_assert_uint_gt(lb, 0);
	return la == lb && memcmp(ta, tb, la) == 0;
}

static SSL_CTX *
tls_server(struct tls_files *tf)
{
	struct buf err = BUF_INIT;
	SSL_CTX *ctx;

	tls_files_make(tf, false);
	ctx = tlsctx_new(tf->cert, tf->key, "capsule.example", &err);
	ck_assert_msg(ctx != NULL, "tlsctx_new: %s", err.data);
	buf_release(&err);
	ck_assert_int_eq(tlsctx_rotate_tickets(), 0);
	return ctx;
}

START_TEST(test_tlsctx_resumes_with_a_fresh_ticket)
{
	struct tls_files tf;
	SSL_CTX *ctx = tls_server(&tf);
	SSL_SESSION *first, *second, *third;

	ck_assert(!tls_connect(ctx, NULL, &first));
	ck_assert(tls_connect(ctx, first, &second));
	/* RFC 8446, C.4: a client uses a ticket once, so every resumption
	 * must bring a new one, which resumes in its turn. */
	ck_assert(!tls_same_ticket(first, second));
	ck_assert(tls_connect(ctx, second, &third));
	ck_assert(!tls_same_ticket(second, third));
	SSL_SESSION_free(first);
	SSL_SESSION_free(second);
	SSL_SESSION_free(third);
	SSL_CTX_free(ctx);
	tls_files_remove(&tf);
}
END_TEST

START_TEST(test_tlsctx_ticket_outlives_one_rotation_not_two)
{
	struct tls_files tf;
	SSL_CTX *ctx = tls_server(&tf);
	SSL_SESSION *old, *fresh, *after;

	ck_assert(!tls_connect(ctx, NULL, &old));
	ck_assert_int_eq(tlsctx_rotate_tickets(), 0);
	ck_assert_msg(tls_connect(ctx, old, &fresh),
	    "a ticket of the previous key no longer resumes");
	ck_assert_int_eq(tlsctx_rotate_tickets(), 0);
	ck_assert_msg(!tls_connect(ctx, old, &after),
	    "a ticket two keys old still resumes");
	SSL_SESSION_free(after);
	/* The ticket issued under the previous key, one rotation ago. */
	ck_assert(tls_connect(ctx, fresh, &after));
	SSL_SESSION_free(old);
	SSL_SESSION_free(fresh);
	SSL_SESSION_free(after);
	SSL_CTX_free(ctx);
	tls_files_remove(&tf);
}
END_TEST

START_TEST(test_tlsctx_contexts_share_ticket_keys)
{
	struct tls_files tf;
	SSL_CTX *ctx = tls_server(&tf);
	struct buf err = BUF_INIT;
	SSL_CTX *reloaded = tlsctx_new(tf.cert, tf.key, "capsule.example",
	    &err);
	SSL_SESSION *s1, *s2;

	/* A reload builds a new context; clients keep resuming. */
	ck_assert_msg(reloaded != NULL, "tlsctx_new: %s", err.data);
	ck_assert(!tls_connect(ctx, NULL, &s1));
	ck_assert(tls_connect(reloaded, s1, &s2));
	SSL_SESSION_free(s1);
	SSL_SESSION_free(s2);
	SSL_CTX_free(reloaded);
	SSL_CTX_free(ctx);
	buf_release(&err);
	tls_files_remove(&tf);
}
END_TEST

/* The second capsule's context, which the picker switches to by name. */
static SSL_CTX *tls_other_ctx;

static SSL_CTX *
tls_pick(SSL *ssl, const char *name, size_t len)
{
	(void)ssl;
	if (name != NULL && len == 9 && memcmp(name, "b.example", 9) == 0)
		return tls_other_ctx;
	return NULL;
}

START_TEST(test_tlsctx_tickets_stay_with_their_capsule)
{
	struct tls_files tf;
	struct buf err = BUF_INIT;
	SSL_CTX *a, *b;
	SSL_SESSION *first, *again, *crossed, *direct;

	tls_files_make(&tf, false);
	/* The same certificate, so that only the capsule differs. */
	a = tlsctx_new(tf.cert, tf.key, "a.example", &err);
	b = tlsctx_new(tf.cert, tf.key, "b.example", &err);
	ck_assert_msg(a != NULL && b != NULL, "%s", buf_str(&err));
	ck_assert_int_eq(tlsctx_rotate_tickets(), 0);
	tls_other_ctx = b;
	tlsctx_set_picker(tls_pick);
	ck_assert(!tls_connect_as(a, "a.example", NULL, &first));
	ck_assert_msg(tls_connect_as(a, "a.example", first, &again),
	    "a ticket does not resume on its own capsule");
	/* The hello names b: the picker switches before the ticket is
	 * read, and a's ticket is no key of b's. */
	ck_assert_msg(!tls_connect_as(a, "b.example", first, &crossed),
	    "a's ticket resumed on b, picked by name");
	ck_assert_msg(!tls_connect_as(b, "a.example", first, &direct),
	    "a's ticket resumed on b's context");
	tlsctx_set_picker(NULL);
	SSL_SESSION_free(first);
	SSL_SESSION_free(again);
	SSL_SESSION_free(crossed);
	SSL_SESSION_free(direct);
	SSL_CTX_free(a);
	SSL_CTX_free(b);
	buf_release(&err);
	tls_files_remove(&tf);
}
END_TEST

START_TEST(test_tlsctx_errors_name_the_file)
{
	struct tls_files tf;
	struct buf err = BUF_INIT;
	char missing[128];

	tls_files_make(&tf, true);
	ck_assert_ptr_null(tlsctx_new(tf.cert, tf.key, "capsule.example",
	    &err));
	/* OpenSSL finds the mismatch as it loads the key. */
	ck_assert_msg(strncmp(err.data, tf.key, strlen(tf.key)) == 0 &&
	    strstr(err.data, "cannot load key") != NULL, "%s", err.data);
	buf_release(&err);
	snprintf(missing, sizeof(missing), "%s/none.pem", tf.dir);
	ck_assert_ptr_null(tlsctx_new(missing, tf.key, "capsule.example",
	    &err));
	ck_assert_msg(strstr(err.data, "cannot load certificate") != NULL,
	    "%s", err.data);
	ck_assert_ptr_nonnull(strstr(err.data, missing));
	/* OpenSSL started without its texts; they are loaded to say this. */
	ck_assert_msg(strstr(err.data, "SSL routines") != NULL, "%s",
	    err.data);
	buf_release(&err);
	tls_files_remove(&tf);
}
END_TEST

/* A key with a passphrase: refused at once, saying why, not prompted
 * for on the terminal (which would stop the server until typed). */
START_TEST(test_tlsctx_encrypted_key_is_refused)
{
	struct tls_files tf;
	struct buf err = BUF_INIT;

	tls_files_make(&tf, false);
	tls_files_encrypt_key(&tf);
	ck_assert_ptr_null(tlsctx_new(tf.cert, tf.key, "capsule.example",
	    &err));
	ck_assert_msg(strncmp(err.data, tf.key, strlen(tf.key)) == 0 &&
	    strstr(err.data, "cannot load key: it is encrypted") != NULL,
	    "%s", err.data);
	ck_assert_msg(strstr(err.data, "PEM routines") != NULL, "%s",
	    err.data);
	buf_release(&err);
	tls_files_remove(&tf);
}
END_TEST

Suite *
tlsctx_test_suite(void)
{
	Suite *s = suite_create("tlsctx");
	TCase *tc = tcase_create("tickets");

	tcase_add_test(tc, test_tlsctx_resumes_with_a_fresh_ticket);
	tcase_add_test(tc, test_tlsctx_ticket_outlives_one_rotation_not_two);
	tcase_add_test(tc, test_tlsctx_contexts_share_ticket_keys);
	tcase_add_test(tc, test_tlsctx_tickets_stay_with_their_capsule);
	tcase_add_test(tc, test_tlsctx_errors_name_the_file);
	tcase_add_test(tc, test_tlsctx_encrypted_key_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
