#!/bin/sh
# --resume: a read position per FILE in the state directory, so a re-run
# (cron, a restarted --follow) reads each line once: appended lines only,
# a last line without its newline left for later, rotation, truncation and
# rewriting detected, a Zeek header restored, one reader per file, and a
# follower killed with -9 again and again loses no line and doubles none.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 32
export SOC_NOW=2026-11-22T00:00:00Z
ev() { printf '{"timestamp":"2026-11-21T00:00:00Z","flow_id":%d,"event_type":"dns","src_ip":"10.0.0.1","dns":{"rrname":"h%d.example"}}\n' "$1" "$1"; }
names() { jq -r .dns.question.name "$1" | tr '\n' ' '; }
lines() { jq -r .soc.source.line "$1" | tr '\n' ' '; }

ev 1 >"$T/log"; ev 2 >>"$T/log"; ev 3 >>"$T/log"
check_exit 'first run: exit 0' 0 'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err"'
check 'the three events' 'test "$(names "$T/out")" = "h1.example h2.example h3.example "'
check 'a position 0600 in STATE/ingest' \
    'test "$(stat -c %a "$SOC_HOME"/ingest/*.pos)" = 600 && jq -e ".offset == $(wc -c <"$T/log") and .line == 3" "$SOC_HOME"/ingest/*.pos >/dev/null'
ev 4 >>"$T/log"; ev 5 >>"$T/log"
check_exit 'second run: exit 0' 0 'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err"'
check 'only the appended events, with their own line numbers' \
    'test "$(names "$T/out")" = "h4.example h5.example " && test "$(lines "$T/out")" = "4 5 " && test ! -s "$T/err"'
check_exit 'nothing new: exit 0, nothing written' 0 \
    'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err" && test ! -s "$T/out" && test ! -s "$T/err"'
check_exit 'without --resume the file is read whole' 0 \
    'soc-ingest "$T/log" >"$T/out" && test "$(wc -l <"$T/out")" -eq 5'

# A line still being written is left for the next run.
ev 6 | head -c 50 >>"$T/log"
check_exit 'a last line without its newline: exit 0' 0 \
    'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err" && test ! -s "$T/out" && test ! -s "$T/err"'
ev 6 | tail -c +51 >>"$T/log"
check_exit 'once finished it is read: exit 0' 0 'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err"'
check 'whole, once' 'test "$(names "$T/out")" = "h6.example " && test "$(lines "$T/out")" = "6 "'

# Rotation: a new file at the path is read from its start.
mv "$T/log" "$T/log.1"; ev 7 >"$T/log"
check_exit 'rotated: exit 0' 0 'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err"'
check 'the new file from its start, its lines counted from 1, and a warning says why' \
    'test "$(names "$T/out")" = "h7.example " && test "$(lines "$T/out")" = "1 " && grep -q "rotated" "$T/err" && test "$(wc -l <"$T/err")" -eq 1'
# Lines written to the file before it was rotated away are read first.
ev 12 >>"$T/log"; mv "$T/log" "$T/log.2"; ev 13 >"$T/log"
check_exit 'rotated after more lines: exit 0' 0 'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err"'
check 'the rest of the rotated file, then the new one, each line numbered in its file' \
    'test "$(names "$T/out")" = "h12.example h13.example " && test "$(lines "$T/out")" = "2 1 " && grep -q "the rest of .*log.2. is read first" "$T/err"'
# Truncation in place (same inode, shorter).
ev 8 >>"$T/log"; soc-ingest --resume "$T/log" >/dev/null 2>&1
: >"$T/log"; ev 9 >>"$T/log"
check_exit 'truncated: exit 0' 0 'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err"'
check 'read from its start, and said' \
    'test "$(names "$T/out")" = "h9.example " && test "$(lines "$T/out")" = "1 " && grep -q "truncated" "$T/err"'
# Rewritten in place, as long or longer: the first bytes tell.
{ ev 10; ev 11; } >"$T/log"
check_exit 'rewritten: exit 0' 0 'soc-ingest --resume "$T/log" >"$T/out" 2>"$T/err"'
check 'read from its start, and said' \
    'test "$(names "$T/out")" = "h10.example h11.example " && grep -q "first bytes changed" "$T/err"'

# A Zeek TSV log: the header is restored, the data after it maps.
F=$FIX/ingest
sed -n 1,9p "$F/zeek-tsv.log" >"$T/conn.log"
check_exit 'zeek, first run: exit 0' 0 'soc-ingest --resume "$T/conn.log" >"$T/out" 2>"$T/err"'
sed -n 10p "$F/zeek-tsv.log" >>"$T/conn.log"
check_exit 'zeek, the appended data line: exit 0, no reject' 0 \
    'soc-ingest --resume "$T/conn.log" >"$T/out" 2>"$T/err" && test ! -s "$T/err"'
check 'one record, at line 10' \
    'test "$(wc -l <"$T/out")" -eq 1 && test "$(lines "$T/out")" = "10 "'

# A document open at the end of a run is read whole by the next.
ev 20 >"$T/doc"; printf '{\n  "timestamp": "2026-11-21T00:00:00Z",\n' >>"$T/doc"
check_exit 'an open document at the end: its lines are rejects' 65 'soc-ingest --resume "$T/doc" >"$T/out" 2>"$T/err"'
check 'the record before it' 'test "$(names "$T/out")" = "h20.example "'

# Usage: --resume reads named files only.
check_exit '--resume on the standard input: exit 64' 64 'soc-ingest --resume >"$T/out" 2>"$T/err"'
check_exit '--resume - : exit 64' 64 'soc-ingest --resume - >"$T/out" 2>"$T/err"'

# --follow keeps a position by default; a second reader of the file exits 75.
wait_for() {	# wait_for N FILE: up to 10 s for FILE to hold N lines
	i=0
	while [ "$(wc -l <"$2" 2>/dev/null || echo 0)" -lt "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$(wc -l <"$2")" -ge "$1" ]
}
ev 30 >"$T/live"
soc-ingest --follow "$T/live" >"$T/f1" 2>"$T/f1.err" &
pid=$!
check 'the follower writes the line' 'wait_for 1 "$T/f1"'
check_exit 'a second --resume of the same file: exit 75 at once' 75 \
    'soc-ingest --resume "$T/live" >"$T/f2" 2>"$T/f2.err"; rc=$?; test ! -s "$T/f2" && grep -q "being read by another" "$T/f2.err" && exit $rc'
kill "$pid"; wait "$pid" 2>/dev/null
ev 31 >>"$T/live"
soc-ingest --follow "$T/live" >"$T/f1" 2>"$T/f1.err" &
pid=$!
check 'a restarted follower continues: only the new line' \
    'wait_for 1 "$T/f1" && sleep 0.5 && test "$(names "$T/f1")" = "h31.example "'
kill "$pid"; wait "$pid" 2>/dev/null
soc-ingest --follow --no-resume "$T/live" >"$T/f1" 2>"$T/f1.err" &
pid=$!
check '--no-resume reads from the start' 'wait_for 2 "$T/f1" && test "$(names "$T/f1")" = "h30.example h31.example "'
kill "$pid"; wait "$pid" 2>/dev/null

# kill -9 at random points while a writer appends (with a rotation in the
# middle): every event is written once, none lost, none doubled.
: >"$T/all"
( i=100; while [ $i -lt 400 ]; do ev $i >>"$T/k"; i=$((i + 1)); [ $i -eq 250 ] && mv "$T/k" "$T/k.1"; sleep 0.01; done ) &
wpid=$!
n=0
while [ $n -lt 6 ]; do
	soc-ingest --follow "$T/k" >>"$T/all" 2>>"$T/kerr" &
	fpid=$!
	sleep "0.$(( (n * 37 + 13) % 9 + 1 ))"
	kill -9 "$fpid"; wait "$fpid" 2>/dev/null
	n=$((n + 1))
done
wait "$wpid"
soc-ingest --follow "$T/k" >>"$T/all" 2>>"$T/kerr" &
fpid=$!
# The last follower reads what was appended to k after the rotation;
# k.1 was drained by a follower before it, or is read now by --resume.
i=0
while [ "$(wc -l <"$T/all")" -lt 300 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill "$fpid"; wait "$fpid" 2>/dev/null
jq -r .flow_id "$T/all" >/dev/null 2>&1
jq -r '.dns.question.name' "$T/all" | sort >"$T/seen"
sort -u "$T/seen" >"$T/uniq"
check 'no event doubled' 'cmp -s "$T/seen" "$T/uniq" || { uniq -d "$T/seen" | head; false; }'
i=100; while [ $i -lt 400 ]; do echo "h$i.example"; i=$((i + 1)); done | sort >"$T/want"
check 'no event lost (those of the rotated file included)' \
    'cmp -s "$T/want" "$T/uniq" || { comm -23 "$T/want" "$T/uniq" | head; false; }'
check 'no reject on the way' '! grep -q "soc-ingest: .*:[0-9]*: " "$T/kerr"'
done_testing
