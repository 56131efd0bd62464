/*
 * redact: the secrets a program holds, and their removal from text.
 *
 * A program adds every secret it reads (API keys, tokens) to one struct
 * soc_redact.  Every string that came from outside and leaves the
 * program (output, stderr, a database, a cache) goes through
 * soc_redact_buf or soc_redact_str first: each occurrence of a secret
 * becomes "[redacted]", the longest secret first, so one that contains
 * another goes whole.  Redact before truncating: a cut might leave a
 * secret's prefix that no longer matches.  A secret is found as it is,
 * %-escaped (upper or lower case hex), JSON-escaped, and inside base64 or
 * base64url text at any alignment (the characters that depend on its
 * bytes alone, for secrets of 8 bytes or more: so an Authorization:
 * Basic header that a server echoes is caught too).  Other encodings
 * (hex, double escaping) are not, which is why secrets also travel only
 * to their own origin (http.h).
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

/* Remember secret (copied) and its encoded forms; NULL, empty and known
 * secrets are ignored. */
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
