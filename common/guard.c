/*
 * guard: the never-touch lists of a policy (guard.h).
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "guard.h"

int
soc_guard_cidr_parse(const char *c, unsigned char net[16], int *len, int *bits)
{
	const char *slash = strchr(c, '/');
	char a[64], *end;
	size_t n = slash ? (size_t)(slash - c) : strlen(c);
	long b;

	if (n >= sizeof a)
		return -1;
	memcpy(a, c, n);
	a[n] = '\0';
	*len = strchr(a, ':') ? 16 : 4;
	if (inet_pton(*len == 16 ? AF_INET6 : AF_INET, a, net) != 1)
		return -1;
	*bits = *len * 8;
	if (!slash)
		return 0;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	b = strtol(slash + 1, &end, 10);
	if (*end || b > *len * 8)
		return -1;
	*bits = (int)b;
	return 0;
}

/* Does the address s lie in the CIDR (or equal the address) c?  A c that
 * is neither (the policy check refuses one) holds nothing. */
static int
in_cidr(const char *s, const char *c)
{
	unsigned char a[16], b[16];
	int len, bits, i;

	if (soc_guard_cidr_parse(c, b, &len, &bits) < 0 ||
	    inet_pton(len == 16 ? AF_INET6 : AF_INET, s, a) != 1)
		return 0;
	for (i = 0; i < len && bits > 0; i++, bits -= 8) {
		unsigned char m = bits >= 8 ? 0xFF :
		    (unsigned char)(0xFF << (8 - bits));

		if ((a[i] & m) != (b[i] & m))
			return 0;
	}
	return 1;
}

const char *
soc_guard_never(const json_t *guards, const char *kind, const char *value)
{
	const json_t *list = json_object_get(json_object_get(guards, "never"),
	    kind), *e;
	size_t i;

	/* An entry that is not a string matches nothing (soc-decide's
	 * policy check refuses one; soc-act reads the policy unchecked). */
	json_array_foreach(list, i, e) {
		const char *n = json_string_value(e);

		if (n && (strcasecmp(n, value) == 0 ||
		    (strcmp(kind, "addresses") == 0 && in_cidr(value, n)) ||
		    (strcmp(kind, "domains") == 0 && strlen(value) > strlen(n) &&
		    value[strlen(value) - strlen(n) - 1] == '.' &&
		    strcasecmp(value + strlen(value) - strlen(n), n) == 0)))
			return n;
	}
	return NULL;
}
