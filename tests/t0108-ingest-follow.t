#!/bin/sh
# --follow: records of a growing file appear as it grows (flushed each
# batch), a rotated file (new inode) and a truncated one are read anew.
. "$(dirname "$0")/lib.sh"
plan 8
export SOC_NOW=2026-11-22T00:00:00Z
ev() { printf '{"timestamp":"2026-11-21T00:00:00Z","flow_id":%d,"event_type":"dns","src_ip":"10.0.0.1","dns":{"rrname":"h%d.example"}}\n' "$1" "$1"; }
# Wait up to 10 s for the output (or file $2) to hold n lines.
wait_for() {
	_f=${2:-$T/out}
	i=0
	while [ "$(wc -l <"$_f" 2>/dev/null || echo 0)" -lt "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(wc -l <"$_f")" -ge "$1" ]
}
ev 1 >"$T/log"
soc-ingest --follow "$T/log" >"$T/out" 2>"$T/err" &
pid=$!
check 'the existing line is written at once' 'wait_for 1'
ev 2 >>"$T/log"; ev 3 >>"$T/log"
check 'appended lines follow' 'wait_for 3'
mv "$T/log" "$T/log.1"; ev 4 >"$T/log"
check 'a rotated file is followed at its path' 'wait_for 4'
: >"$T/log"; sleep 0.5; ev 5 >"$T/log"
check 'a truncated file is read from its start' 'wait_for 5'
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
check 'the records are the five events, in order, once each' \
    'test "$(jq -r .dns.question.name "$T/out" | tr "\n" " ")" = "h1.example h2.example h3.example h4.example h5.example "'

# A line a killed writer left open ("{\"a\":"), then one record and no
# more input: the record is written at once, not held by the document.
{ echo '{"flow_id":1,"alert":'; ev 6; } >"$T/cut"
soc-ingest --follow "$T/cut" >"$T/out2" 2>"$T/err2" &
pid=$!
check 'the record after an open line is written while input waits' 'wait_for 1 "$T/out2"'
check 'the open line is a reject' 'wait_for 1 "$T/err2" && grep -q "cut:1: JSON document cut short" "$T/err2"'
ev 7 >>"$T/cut"
check 'and the stream goes on' 'wait_for 2 "$T/out2"'
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done_testing
