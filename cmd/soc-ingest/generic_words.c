/*
 * generic_words.c: how the generic reading sees a key and a value
 * (generic_walk.h).  Keys are compared by their words: "sourceIPAddress",
 * "src_ip" and "Source-Ip" are the words source/ip/address, src/ip and
 * source/ip; a key's own words decide what a value is (a user, a host, a
 * hash), the words of the whole path its side (source or destination).
 * Values are told by their shape: an address, an e-mail address, a host
 * name, hex digits.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "generic_walk.h"

/* Split key k into lower-case words at non-alphanumerics and camel-case
 * humps ("IPAddress" is ip, address). */
void
ing_gen_words(struct words *w, const char *k)
{
	size_t i, len = 0;

	for (i = 0; k[i]; i++) {
		unsigned char ch = (unsigned char)k[i];
		int split = 0;

		if (!isalnum(ch)) {
			len = 0;
			continue;
		}
		if (len > 0 && isupper(ch) && (islower((unsigned char)k[i - 1]) ||
		    (isupper((unsigned char)k[i - 1]) &&
		    islower((unsigned char)k[i + 1]))))
			split = 1;
		if (len == 0 || split) {
			if (w->n == MAXW)
				return;
			w->n++;
			len = 0;
		}
		if (len + 1 < WLEN) {
			w->w[w->n - 1][len++] = (char)tolower(ch);
			w->w[w->n - 1][len] = '\0';
		}
	}
}

void
ing_gen_squash(const char *k, char *buf, size_t sz)
{
	size_t i, j = 0;

	for (i = 0; k && k[i] && j + 1 < sz; i++)
		if (isalnum((unsigned char)k[i]))
			buf[j++] = (char)tolower((unsigned char)k[i]);
	buf[j] = '\0';
}

/* Does any word (from word `from` on) start with one of pre? */
int
ing_gen_word_pre(const struct words *w, size_t from,
    const char *const *pre)
{
	size_t i, j;

	for (i = from; i < w->n; i++)
		for (j = 0; pre[j]; j++)
			if (strncmp(w->w[i], pre[j], strlen(pre[j])) == 0)
				return 1;
	return 0;
}

int
ing_gen_word_is(const struct words *w, size_t from,
    const char *const *list)
{
	size_t i;

	for (i = from; i < w->n; i++)
		if (ing_gen_in_list(w->w[i], list))
			return 1;
	return 0;
}

int
ing_gen_is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

int
ing_gen_is_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at && at > s && strchr(at + 1, '.') && !strchr(at + 1, '@') &&
	    !strpbrk(s, " \t/\\:<>\"") && at[1] != '.';
}

/* A host or domain name: letters, digits, '-', '.', '_', with a letter. */
int
ing_gen_is_hostname(const char *s, int need_dot)
{
	size_t i, n = strlen(s);
	int alpha = 0, dot = 0;

	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (isalpha(ch))
			alpha = 1;
		else if (ch == '.')
			dot = 1;
		else if (!isdigit(ch) && ch != '-' && ch != '_')
			return 0;
	}
	return alpha && (dot || !need_dot);
}

int
ing_gen_is_ip(const char *s)
{
	unsigned char addr[16];
	char tmp[64];
	size_t n = strlen(s);

	if (n >= sizeof tmp || n < 2)
		return 0;
	memcpy(tmp, s, n + 1);
	if (strchr(tmp, '%'))
		*strchr(tmp, '%') = '\0';
	return inet_pton(strchr(tmp, ':') ? AF_INET6 : AF_INET, tmp, addr) == 1;
}
