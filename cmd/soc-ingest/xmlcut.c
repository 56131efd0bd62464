/*
 * xmlcut.c: where a text line of Windows Event XML holds more than one
 * piece (drive.h): tools export a whole log on one line
 * (<?xml ...?><Events><Event>...</Event><Event>...</Event></Events>) or
 * open an event on the wrapper's line (<Events><Event).  The driver
 * reads each piece as a line of its own, so the windows-xml format sees
 * declarations, wrappers and events apart.
 */
#include <string.h>

#include "drive.h"

/* Does an element start at s that is a piece of its own? */
static int
piece_start(const char *s, size_t n)
{
	static const char *const tags[] = { "<?xml", "<Events", "</Events>",
		"<Event", NULL };
	size_t i, k;

	for (i = 0; tags[i]; i++) {
		k = strlen(tags[i]);
		if (n < k || memcmp(s, tags[i], k) != 0)
			continue;
		if (i == 1 || i == 3) {
			/* <Events> / <Event ...>, not <EventData>, <EventID> */
			if (n > k && s[k] != '>' && s[k] != ' ' &&
			    s[k] != '\t' && s[k] != '\r')
				continue;
		}
		return 1;
	}
	return 0;
}

size_t
ing_xml_cuts(const char *s, size_t n, size_t *cuts, size_t max)
{
	size_t i, k = 0;
	const char *lt;

	if (max == 0)
		return 0;
	cuts[k++] = 0;
	for (i = 1; i < n && k < max; i++) {
		lt = memchr(s + i, '<', n - i);
		if (!lt)
			break;
		i = (size_t)(lt - s);
		if (n - i >= 8 && memcmp(lt, "</Event>", 8) == 0) {
			if (i + 8 < n && k < max)
				cuts[k++] = i + 8;
			i += 7;
			continue;
		}
		if (piece_start(lt, n - i) && cuts[k - 1] != i)
			cuts[k++] = i;
	}
	return k;
}
