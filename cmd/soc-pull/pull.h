/*
 * pull.h: soc-pull's sources and cursors.
 *
 * A source is a read connector template (common/connector.h) from
 * connectors/pull/, compiled in, with a "pull" member that says how its
 * answers page:
 *   "first"    the action of a run's first request (step.since: the
 *              cursor's time);
 *   "more"     the action of a next page by token (step.token), when the
 *              next page is a token; absent, the next page is a URL;
 *   "next"     "link" (the Link header's rel="next") or the path of the
 *              next page's URL or token in the answer;
 *   "events"   the path of the array of events ("" for the answer itself);
 *   "ids", "entities": a page of ids at "ids" whose events the action
 *              "entities" fetches (step.ids), from "events" of its answer;
 *   "time", "id": each event's time (RFC 3339) and id;
 *   "poll"     the next link is the cursor even after the last event
 *              (Okta's polling): a run stops at an empty page.
 *
 * A cursor (STATE/pull/NAME.json) is written whole to a temporary file,
 * synced, and renamed over the old one: a crash leaves the old cursor or
 * the new one.  It is saved only after a page's events were written and
 * flushed, so a kill repeats at most the page being written, never skips
 * one.  STATE/pull/NAME.lock is held by the run.
 */
#ifndef SOC_PULL_H
#define SOC_PULL_H

#include <stdint.h>
#include <jansson.h>

#include "embed.h"

/* The templates, built in (common/embed.h). */
extern const struct soc_embed pull_builtins[];

struct pull_cursor {
	char *next;		/* the next page's URL or token, or NULL */
	char *since;		/* the time a first request starts at */
	int64_t since_ms;
	json_t *seen;		/* ids of events at exactly since, written */
	char *high;		/* the latest time of this pass so far */
	int64_t high_ms;
	json_t *high_ids;	/* ids of the events at high */
	int64_t pages;		/* pages written, over all runs */
};

/* Lock STATE/pull/NAME.lock (dir is STATE/pull), waiting at most wait_s
 * seconds; dies with 75 when another run holds it.  Returns the fd. */
int pull_lock(const char *dir, const char *name, double wait_s);
/* Load the cursor (1), or start one at since (0) when there is none;
 * dies with 78 on a damaged cursor. */
int pull_cursor_load(struct pull_cursor *c, const char *dir,
    const char *name, const char *since);
/* Save it atomically; 0 or -1 with a warning. */
int pull_cursor_save(const struct pull_cursor *c, const char *dir,
    const char *name);
void pull_cursor_release(struct pull_cursor *c);
/* Set *s to a copy of v (NULL frees it). */
void pull_set(char **s, const char *v);

#endif
