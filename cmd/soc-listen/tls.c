/*
 * tls.c: syslog over TLS (RFC 5425) by OpenSSL (listen.h).
 *
 * OpenSSL rather than GnuTLS: libssl is in the tree already (libcurl is
 * built on it, libcurl4-openssl-dev brings it), its non-blocking
 * SSL_accept/SSL_read fit the poll loop as they are, and the openssl
 * command the tests make their certificates with is the same library.
 * TLS 1.2 at least; the server's certificate and key from PEM files;
 * clients are not asked for certificates (RFC 5425's mutual
 * authentication is left to a later version, see soc-listen(1)).
 */
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "err.h"
#include "listen.h"

struct lsn_tls {
	SSL_CTX *ctx;
};

struct lsn_tls *
lsn_tls_new(const char *cert, const char *key)
{
	struct lsn_tls *t = soc_xcalloc(1, sizeof *t);
	char why[256];

	if (!(t->ctx = SSL_CTX_new(TLS_server_method())))
		soc_die(SOC_EX_SOFTWARE, "cannot create a TLS context");
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_use_certificate_chain_file(t->ctx, cert) != 1) {
		ERR_error_string_n(ERR_get_error(), why, sizeof why);
		soc_die(SOC_EX_CONFIG, "cannot use certificate '%s': %s", cert, why);
	}
	if (SSL_CTX_use_PrivateKey_file(t->ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(t->ctx) != 1) {
		ERR_error_string_n(ERR_get_error(), why, sizeof why);
		soc_die(SOC_EX_CONFIG, "cannot use key '%s': %s", key, why);
	}
	return t;
}

void
lsn_tls_free(struct lsn_tls *t)
{
	if (t) {
		SSL_CTX_free(t->ctx);
		free(t);
	}
}

void *
lsn_tls_session(struct lsn_tls *t, int fd)
{
	SSL *s = SSL_new(t->ctx);

	if (s && SSL_set_fd(s, fd) != 1) {
		SSL_free(s);
		return NULL;
	}
	if (s)
		SSL_set_accept_state(s);
	return s;
}

void
lsn_tls_session_free(void *s)
{
	if (s) {
		SSL_shutdown(s);
		SSL_free(s);
	}
}

long
lsn_tls_read(void *s, char *buf, size_t n)
{
	size_t got = 0;
	int rc = SSL_read_ex(s, buf, n, &got), e;

	if (rc == 1)
		return (long)got;
	e = SSL_get_error(s, rc);
	ERR_clear_error();
	if (e == SSL_ERROR_WANT_READ)
		return -2;
	if (e == SSL_ERROR_WANT_WRITE)
		return -3;
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	return -1;
}
