"""Let the sandbox's Dovecot resume TLS sessions of clients that present a certificate.

Dovecot 2.3 never sets an OpenSSL session id context, and OpenSSL then aborts any
handshake that offers an earlier session while client certificates are verified
("session id context uninitialized"): a card client could never resume, so every
connection would cost a card signature. It also seals session tickets with a key each
login process draws at start, so a ticket from the IMAP service means nothing to the
submission service or after a restart.

An operator that resumes card sessions runs its TLS endpoints the way server farms do:
one session context and shared ticket keys (RFC 5077 section 4, "ticket protection keys
shared by the servers of a farm"). The sandbox does the same with a small preloaded
library, built here with the system C compiler, that sets both on every OpenSSL context
Dovecot creates, and replays Dovecot's own client-certificate check on a resumed session
(OpenSSL skips the verify callback there, so Dovecot would not name the holder for SASL
EXTERNAL). The ticket keys are drawn per sandbox and compiled into the library in its
private directory; nothing else changes in Dovecot. Without a compiler the sandbox runs as before
and clients fall back to full handshakes.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import subprocess
from pathlib import Path

__all__ = ["build_session_library"]

logger = logging.getLogger(__name__)

_SOURCE = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

static unsigned char ticket_keys[80] = { @KEY_BYTES@ };
static const unsigned char context[] = "mssante-sandbox";
static SSL_verify_cb dovecot_verify;

static SSL_CTX *prepare(SSL_CTX *ctx)
{
    if (ctx != NULL) {
        SSL_CTX_set_session_id_context(ctx, context, sizeof(context) - 1);
        SSL_CTX_set_tlsext_ticket_keys(ctx, ticket_keys, sizeof(ticket_keys));
    }
    return ctx;
}

SSL_CTX *SSL_CTX_new(const SSL_METHOD *method)
{
    static SSL_CTX *(*real)(const SSL_METHOD *);
    if (real == NULL)
        real = (SSL_CTX *(*)(const SSL_METHOD *))dlsym(RTLD_NEXT, "SSL_CTX_new");
    return prepare(real(method));
}

SSL_CTX *SSL_CTX_new_ex(OSSL_LIB_CTX *libctx, const char *propq, const SSL_METHOD *method)
{
    static SSL_CTX *(*real)(OSSL_LIB_CTX *, const char *, const SSL_METHOD *);
    if (real == NULL)
        real = (SSL_CTX *(*)(OSSL_LIB_CTX *, const char *, const SSL_METHOD *))
            dlsym(RTLD_NEXT, "SSL_CTX_new_ex");
    return prepare(real(libctx, propq, method));
}

/* Dovecot learns that a client certificate was verified from its verify callback, which
   OpenSSL does not call on a resumed session: remember the callback, and call it once with
   the certificate the session was made with (verified then, as OpenSSL recorded). */
void SSL_set_verify(SSL *ssl, int mode, SSL_verify_cb callback)
{
    static void (*real)(SSL *, int, SSL_verify_cb);
    if (real == NULL)
        real = (void (*)(SSL *, int, SSL_verify_cb))dlsym(RTLD_NEXT, "SSL_set_verify");
    if (callback != NULL)
        dovecot_verify = callback;
    real(ssl, mode, callback);
}

static void replay_verification(SSL *ssl)
{
    X509 *peer;
    X509_STORE_CTX *store;

    if (dovecot_verify == NULL || !SSL_session_reused(ssl) ||
        SSL_get_verify_result(ssl) != X509_V_OK)
        return;
    peer = SSL_get1_peer_certificate(ssl);
    if (peer == NULL)
        return;
    store = X509_STORE_CTX_new();
    if (store != NULL && X509_STORE_CTX_init(store, NULL, peer, NULL) == 1) {
        X509_STORE_CTX_set_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx(), ssl);
        X509_STORE_CTX_set_current_cert(store, peer);
        X509_STORE_CTX_set_error_depth(store, 0);
        dovecot_verify(1, store);
    }
    X509_STORE_CTX_free(store);
    X509_free(peer);
}

int SSL_accept(SSL *ssl)
{
    static int (*real)(SSL *);
    int ret;
    if (real == NULL)
        real = (int (*)(SSL *))dlsym(RTLD_NEXT, "SSL_accept");
    ret = real(ssl);
    if (ret == 1)
        replay_verification(ssl);
    return ret;
}

int SSL_do_handshake(SSL *ssl)
{
    static int (*real)(SSL *);
    int ret;
    if (real == NULL)
        real = (int (*)(SSL *))dlsym(RTLD_NEXT, "SSL_do_handshake");
    ret = real(ssl);
    if (ret == 1 && SSL_is_server(ssl))
        replay_verification(ssl);
    return ret;
}
"""


def build_session_library(directory: Path) -> Path | None:
    """Build ``directory/tls-sessions.so``; return its path, or None without a compiler."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        logger.warning("no C compiler: the sandbox's Dovecot will not resume TLS sessions")
        return None
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / "tls-sessions.c"
    library = directory / "tls-sessions.so"
    keys = ",".join(str(b) for b in secrets.token_bytes(80))
    source.write_text(_SOURCE.replace("@KEY_BYTES@", keys))
    os.chmod(source, 0o600)
    result = subprocess.run(  # a fixed command line on our own file
        [compiler, "-shared", "-fPIC", "-O2", "-o", str(library), str(source),
         "-lssl", "-lcrypto", "-ldl"],
        capture_output=True, text=True, check=False,
    )
    source.unlink()
    if result.returncode != 0:
        logger.warning("could not build the TLS session library: %s", result.stderr.strip())
        return None
    return library
