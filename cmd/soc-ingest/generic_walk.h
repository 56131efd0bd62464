/*
 * generic_walk.h: the parts of the generic reading (generic.h): how a
 * key is read as words and a value by its shape (generic_words.c), and
 * the walk over an event that finds its entities and event fields by
 * those (generic_walk.c).  generic.c makes the record from what the walk
 * found; generic_time.c finds the event's time by the same key words.
 */
#ifndef SOC_INGEST_GENERIC_WALK_H
#define SOC_INGEST_GENERIC_WALK_H

#include <stddef.h>
#include <string.h>

#include "generic.h"

#define MAXW 12		/* words of a path kept */
#define WLEN 24		/* bytes of a word kept */

/* The words of a key's path, from the top down to the leaf key. */
struct words {
	size_t n, leaf;		/* words in all; the leaf key's first */
	char w[MAXW][WLEN];
	char key[64];		/* the leaf key, lower-case, alphanumerics only */
	char parent[64];	/* the parent key, the same way */
};

/* Add key k's words to w: lower-case, split at non-alphanumerics and
 * camel-case humps ("IPAddress" is ip, address). */
void ing_gen_words(struct words *w, const char *k);
/* k lower-case without its non-alphanumerics ("Source-Ip" sourceip). */
void ing_gen_squash(const char *k, char *buf, size_t sz);
/* Is s in list (NULL-terminated)?  _rank: its index (0 best), or -1.
 * Inline: the walk asks it of every key against a dozen lists (out of
 * line they cost 1.5% more instructions on the generic reading of 4,460
 * cloud events). */
static inline int
ing_gen_rank(const char *s, const char *const *list)
{
	int i;

	for (i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return i;
	return -1;
}

static inline int
ing_gen_in_list(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Does a word of w from word `from` on start with one of pre (_pre), or
 * equal one of list (_is)? */
int ing_gen_word_pre(const struct words *w, size_t from,
    const char *const *pre);
int ing_gen_word_is(const struct words *w, size_t from,
    const char *const *list);

/* Value shapes: hex digits (n > 0), an e-mail address, a host or domain
 * name (a letter, and a dot when need_dot), an IPv4 or IPv6 address (a
 * zone "%eth0" allowed). */
int ing_gen_is_hex(const char *s, size_t n);
int ing_gen_is_email(const char *s);
int ing_gen_is_hostname(const char *s, int need_dot);
int ing_gen_is_ip(const char *s);

/* What a walk over an event found, beside the fields it set in out. */
struct walk {
	struct ing_ctx *c;
	struct soc_val *out;
	const char *vendor, *product, *logtype;
	int kind_alert, entities, msg_rank, action_rank, have_outcome;
	int have_sev;
};

/* Walk every member of in (up to 8 levels down), setting in wk->out the
 * fields its keys and values show; wk->c and wk->out set by the caller,
 * the rest zero. */
void ing_gen_walk(struct walk *wk, const struct soc_val *in);

#endif
