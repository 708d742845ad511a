/* tlsctx: the OpenSSL context of the Gemini listener. */
#ifndef CAPSULED_TLSCTX_H
#define CAPSULED_TLSCTX_H

#include <openssl/ssl.h>

#include "buf.h"

/*
 * Builds a server context for the capsule called name from a PEM
 * certificate (chain) and key: TLS 1.2
 * and 1.3 only, no renegotiation, no compression, forward-secret ciphers,
 * session tickets for resumption.  Returns the context, which the caller
 * frees with SSL_CTX_free(), or NULL with the reason in err (the OpenSSL
 * error queue is drained into it).
 */
SSL_CTX	*tlsctx_new(const char *cert, const char *key, const char *name,
	    struct buf *err);
/*
 * Whom a handshake is for: called from the client hello, before OpenSSL
 * reads the rest of it, with the server name the client sent (len
 * bytes, not NUL-terminated; NULL when it sent none).  Returns the
 * context to answer with, or NULL to keep the one the session was made
 * with.  Set once, before any handshake.
 */
typedef SSL_CTX *(*tlsctx_pick_fn)(SSL *ssl, const char *name, size_t len);
void	 tlsctx_set_picker(tlsctx_pick_fn pick);
/*
 * TLS 1.3 suites, in the server's order (the benchmark's floor uses them
 * too).  AES-128-GCM first: as strong as a capsule needs, and its SHA-256
 * key schedule (some thirty HMACs per handshake) runs on the CPU's SHA
 * extensions where SHA-384 does not.
 */
#define TLSCTX_CIPHERS_13 \
	"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:" \
	"TLS_AES_256_GCM_SHA384"
/*
 * Session tickets: every context uses one key ring, so that all workers
 * (and the contexts of later reloads) resume each other's sessions.
 * tlsctx_rotate_tickets() makes a new encrypting key and keeps the last
 * one for decrypting; call it at start-up and then every
 * TLSCTX_TICKET_ROTATE seconds.  Returns 0, or -1 when no random bytes
 * could be had.
 */
#define TLSCTX_TICKET_ROTATE	3600
int	 tlsctx_rotate_tickets(void);

#endif
