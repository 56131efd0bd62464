#!/bin/sh
# soc-simulate: the option values, determinism, the files it writes, and
# memory that does not grow with the run.  (The man page, --help against
# the SYNOPSIS, --version and unknown options: t0007.)
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
plan 16

check_exit '--days 0: 64' 64 'soc-simulate --days 0'
check_exit '--users not a number: 64' 64 'soc-simulate --users many'
check_exit 'a bad --start: 64' 64 'soc-simulate --start yesterday'
# RFC 3339 ends at 9999: a run that would pass it (times written as 9999
# again, 10000-01-01 as 9999-01-01) is refused; one that ends before runs.
check_exit 'a run past 9999: 64' 64 'soc-simulate --start 9999-12-31T23:59:59Z --events 10 >late.out 2>late.err'
check 'said, and nothing written; a run ending before it: 0' \
	'grep -q "the run must end before 9999-12-31T00:00:00Z" late.err && [ ! -s late.out ] &&
	 soc-simulate --start 9999-12-29T00:00:00Z --days 1 --events 10 >late.out &&
	 ! grep -q "9999-01-01" late.out && grep -q "9999-12-29T" late.out'
check_exit 'an operand: 64' 64 'soc-simulate extra'
check_exit 'an --out that cannot be made: 74' 74 'soc-simulate --out /proc/nope/org'

check_exit 'a small company: 0' 0 'soc-simulate --seed 7 --days 2 --users 30 --out a 2>err'
check 'it writes every file, the events and truth not empty' \
	'for f in events.log truth.ndjson campaigns.ndjson assets.csv identities.csv zones.csv intel/feed.txt; do test -s "a/$f" || { echo "$f"; exit 1; }; done'
soc-simulate --seed 7 --days 2 --users 30 --out b 2>/dev/null
check 'the same seed gives the same bytes' \
	'for f in events.log truth.ndjson campaigns.ndjson assets.csv identities.csv zones.csv intel/feed.txt; do cmp "a/$f" "b/$f" || exit 1; done'
soc-simulate --seed 8 --days 2 --users 30 --out c 2>/dev/null
check_exit 'another seed gives other events' 1 'cmp -s a/events.log c/events.log'
soc-simulate --seed 7 --days 2 --users 30 >stdout.log
check_same 'without --out the events go to the standard output' a/events.log stdout.log
soc-simulate --seed 7 --days 2 --users 30 --rate 400 --campaigns 4 --out d 2>/dev/null
check_same 'the campaigns do not depend on the volume' a/campaigns.ndjson d/campaigns.ndjson

# Four campaigns by default here, one of each kind, every step with events.
check 'four campaigns, of the four kinds, each step with events' \
	'test "$(jq -r .kind a/campaigns.ndjson | sort -u | wc -l)" -eq 4 &&
	 test "$(jq "[.steps[] | select(.events < 1)] | length" a/campaigns.ndjson | sort -u)" = 0'
check '--stats counts the lines written' \
	'soc-simulate --seed 7 --days 2 --users 30 --stats >/dev/null 2>stats &&
	 grep -q "^soc-simulate: $(wc -l <a/events.log) events" stats'

# Streaming: a run ten times longer holds no more memory than a short one
# (one simulated minute at a time; the campaigns, planned at the start,
# are as many), within a margin for the allocator.
if /usr/bin/time -f %M true >/dev/null 2>&1; then
	/usr/bin/time -o rss1 -f %M soc-simulate --users 200 --days 1 --campaigns 4 >/dev/null
	/usr/bin/time -o rss10 -f %M soc-simulate --users 200 --days 10 --campaigns 4 >/dev/null
	check 'memory does not grow with the days simulated' \
		'test "$(cat rss10)" -lt $(( $(cat rss1) * 3 / 2 + 2048 ))'
else
	skip '/usr/bin/time not installed'
fi
