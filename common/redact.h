/*
 * redact: the secrets a program holds, and their removal from text.
 *
 * A program adds every secret it reads (API keys, tokens) to one struct
 * soc_redact.  Every string that came from outside and leaves the
 * program (output, stderr, a database, a cache) goes through
 * soc_redact_buf or soc_redact_str first: each occurrence of a secret
 * becomes "[redacted]", the longest secret first, so one that contains
 * another goes whole.  Redact before truncating: a cut might leave a
 * secret's prefix that no longer matches.  Only the exact bytes are
 * found; a server that returns a key encoded (base64, %-escapes) is not
 * caught, which is why secrets also travel only to their own origin
 * (http.h).
 *
 * The struct owns copies of the secrets and wipes them in
 * soc_redact_free.
 */
#ifndef SOC_REDACT_H
#define SOC_REDACT_H

#include <stddef.h>

#include "buf.h"

struct soc_redact {
	char **s;		/* longest first */
	size_t n;
};

#define SOC_REDACT_INIT { NULL, 0 }
#define SOC_REDACT_MARK "[redacted]"

/* Remember secret (copied); NULL, empty and known secrets are ignored. */
void soc_redact_add(struct soc_redact *r, const char *secret);
/* Replace every secret in b, in place; returns how many were replaced,
 * or -1 when b's maximum is reached (b is then emptied: a string that
 * cannot be cleaned is not passed on). */
int soc_redact_buf(const struct soc_redact *r, struct soc_buf *b);
/* s with every secret replaced: a new string. */
char *soc_redact_str(const struct soc_redact *r, const char *s);
/* Wipe and free the secrets. */
void soc_redact_free(struct soc_redact *r);

#endif
