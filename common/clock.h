/*
 * clock: the program's notion of now, and RFC 3339 time.
 *
 * Times are int64 milliseconds since the Unix epoch, UTC.  SOC_NOW (an
 * RFC 3339 time) fixes the clock so tests and replays give the same bytes.
 * Output times are always "YYYY-MM-DDTHH:MM:SS.mmmZ".
 */
#ifndef SOC_CLOCK_H
#define SOC_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define SOC_TIME_LEN 24		/* "2026-11-22T10:15:03.123Z" */

/* Now, or SOC_NOW when set; dies with SOC_EX_USAGE if SOC_NOW is bad. */
int64_t soc_clock_now(void);
/* Seconds on the monotonic clock, for timeouts and budgets (never
 * SOC_NOW: a fixed clock must not stop time running out). */
double soc_clock_mono(void);
/* Format ms into out (at least SOC_TIME_LEN + 1 bytes). */
void soc_time_format(int64_t ms, char *out);
/* The same for a writer of many times: f (zeroed at first) keeps the
 * date of the day last formatted ("2026-11-22T"), so a time of that day,
 * most of a record's, costs only its time of day. */
struct soc_time_fmt {
	int64_t day;		/* days since the epoch, when set */
	int set;
	char date[11];
};
void soc_time_format_at(struct soc_time_fmt *f, int64_t ms, char *out);
/*
 * Parse RFC 3339 / ISO 8601: "2026-11-22T10:15:03Z", fractions of any
 * length (truncated to ms), offsets "+01:00" / "+0100", "T" or " " between
 * date and time, a missing zone taken as UTC.  Years 0001-9999.  Returns 0
 * or -1.
 */
int soc_time_parse(const char *s, size_t n, int64_t *ms);
/* Days since the epoch of a proleptic Gregorian date, and back. */
int64_t soc_days_from_civil(int64_t y, unsigned m, unsigned d);
void soc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
