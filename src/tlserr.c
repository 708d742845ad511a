/* tlserr: OpenSSL's error texts, loaded only when an error is worded. */

/*
 * The one way to load OpenSSL 3's error texts after it started without
 * them is its per-library loaders, which 3.0 keeps but marks deprecated:
 * OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS) runs once, and
 * that once was spent on not loading.  Only this file sees them.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "tlserr.h"

#include <pthread.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static pthread_once_t tlserr_start_once = PTHREAD_ONCE_INIT;
static pthread_once_t tlserr_words_once = PTHREAD_ONCE_INIT;

static void
tlserr_start_quiet(void)
{
	/* On failure OpenSSL starts later on its own, texts and all. */
	(void)OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_SSL_STRINGS |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
}

void
tlserr_start(void)
{
	pthread_once(&tlserr_start_once, tlserr_start_quiet);
}

/*
 * What OPENSSL_INIT_LOAD_CRYPTO_STRINGS and ..._SSL_STRINGS would have
 * loaded, less the providers' reasons, which have no public loader
 * (they read "Provider routines::reason(N)").  ERR first: the libraries'
 * names and the system's errors.  Each loader skips what is loaded.
 */
static int (*const tlserr_loaders[])(void) = {
	ERR_load_ERR_strings, ERR_load_SSL_strings, ERR_load_ASN1_strings,
	ERR_load_ASYNC_strings, ERR_load_BIO_strings, ERR_load_BN_strings,
	ERR_load_BUF_strings, ERR_load_CONF_strings, ERR_load_CRYPTO_strings,
	ERR_load_DH_strings, ERR_load_DSA_strings, ERR_load_EC_strings,
	ERR_load_EVP_strings, ERR_load_KDF_strings, ERR_load_OBJ_strings,
	ERR_load_OSSL_STORE_strings, ERR_load_PEM_strings,
	ERR_load_PKCS12_strings, ERR_load_PKCS7_strings, ERR_load_RAND_strings,
	ERR_load_RSA_strings, ERR_load_UI_strings, ERR_load_X509_strings,
	ERR_load_X509V3_strings,
};

static void
tlserr_load_words(void)
{
	for (size_t i = 0; i < sizeof(tlserr_loaders) /
	    sizeof(tlserr_loaders[0]); i++)
		(void)tlserr_loaders[i]();	/* unworded codes at worst */
}

void
tlserr_drain(struct buf *err)
{
	char line[256];
	unsigned long e;

	if (err != NULL)
		pthread_once(&tlserr_words_once, tlserr_load_words);
	while ((e = ERR_get_error()) != 0) {
		if (err == NULL)
			continue;
		ERR_error_string_n(e, line, sizeof(line));
		/* After "what failed: " comes the first error as it is. */
		buf_printf(err, "%s%s", err->len > 0 &&
		    err->data[err->len - 1] != ' ' ? "; " : "", line);
	}
}
