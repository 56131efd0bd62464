#!/bin/sh
# JSON events over several lines: pretty-printed objects, top-level
# arrays, {"Records":[...]}, and what must not swallow the lines after it.
. "$(dirname "$0")/lib.sh"
plan 33
export SOC_NOW=2026-11-22T00:00:00Z
ev() { printf '{"timestamp":"2026-11-21T00:00:0%dZ","flow_id":%d,"event_type":"dns","src_ip":"10.0.0.%d","dns":{"type":"query","rrname":"h%d.example","rrtype":"A"}}' "$1" "$1" "$1" "$1"; }
lines() { soc-ingest "$@" 2>/dev/null | wc -l | tr -d ' '; }

# A pretty-printed object between two NDJSON lines.
{ ev 1; echo; printf '{\n  "timestamp": "2026-11-21T00:00:02Z",\n  "flow_id": 2,\n  "event_type": "dns",\n  "src_ip": "10.0.0.2",\n  "dns": {\n    "rrname": "h2.example"\n  }\n}\n'; ev 3; echo; } >"$T/pretty"
check_exit 'pretty-printed object: exit 0' 0 'soc-ingest "$T/pretty" >"$T/out"'
check 'three records, the document at its first line' \
    'test "$(wc -l <"$T/out")" -eq 3 && jq -e -s ".[1].soc.source.line == 2 and .[2].soc.source.line == 11" "$T/out" >/dev/null'

# A top-level array, pretty and on one line.
{ echo '['; ev 1; echo ','; ev 2; echo; echo ']'; } >"$T/array"
check_exit 'array over lines: exit 0' 0 'soc-ingest "$T/array" >"$T/out"'
check 'two records from the array' 'test "$(wc -l <"$T/out")" -eq 2'
{ printf '['; ev 1; printf ','; ev 2; printf ']\n'; } >"$T/array1"
check 'a one-line array gives two records' 'test "$(lines "$T/array1")" -eq 2'
{ printf '{"Records": [\n'; ev 1; echo ','; ev 2; printf '\n]}\n'; } >"$T/records"
check 'CloudTrail-style {"Records":[...]} gives two records' \
    'test "$(lines "$T/records")" -eq 2'
printf '[]\n{"Records":[]}\n{"value":[],"@odata.context":"x"}\n[\n]\n' >"$T/empty"
check_exit 'empty lists hold no event: exit 0, no output' 0 \
    'soc-ingest --stats "$T/empty" >"$T/out" 2>"$T/err" && test ! -s "$T/out"'
check '--stats counts them: never silence' \
    'test "$(cat "$T/err")" = "soc-ingest: 5 lines in, 0 records out, 0 rejected, 0 headers, 4 empty lists, 0 blank"'

# A truncated NDJSON line is one reject and does not swallow the next.
{ ev 1; echo; ev 2 | cut -c1-60; ev 3; echo; } >"$T/trunc"
check_exit 'truncated line: exit 65' 65 'soc-ingest --rejects "$T/rej" "$T/trunc" >"$T/out" 2>"$T/err"'
check 'the lines around it are records' 'test "$(wc -l <"$T/out")" -eq 2'
check 'the reject names line 2 and the cut' \
    'grep -q "trunc:2: truncated JSON" "$T/err" && test "$(wc -l <"$T/rej")" -eq 1'

# A document cut short at the end of input.
{ ev 1; echo; printf '{\n  "timestamp": "2026-11-21T00:00:02Z",\n  "flow_id": 2,\n'; } >"$T/cut"
check_exit 'document cut at EOF: exit 65' 65 'soc-ingest "$T/cut" >"$T/out" 2>"$T/err"'
check 'one record, one reject naming the document' \
    'test "$(wc -l <"$T/out")" -eq 1 && grep -q "cut:2: JSON document cut short" "$T/err"'

# A bad document is one reject, and the stream goes on after it.
{ printf '{\n  "a": 1,\n  "b": tru\n}\n'; ev 5; echo; } >"$T/bad"
check_exit 'invalid document: exit 65' 65 'soc-ingest "$T/bad" >"$T/out" 2>"$T/err"'
check 'reject names its line; the next event is a record' \
    'grep -q "bad:1: invalid JSON document (4 lines) at line 3" "$T/err" && test "$(wc -l <"$T/out")" -eq 1'

# A document longer than its cap (64 lines' worth) is a reject.
{ echo '{'; i=0; while [ $i -lt 200 ]; do printf '"k%d": "%s",\n' $i 'xxxxxxxxxxxxxxxxxxxxxxxxx'; i=$((i + 1)); done; echo '"z": 1}'; ev 6; echo; } >"$T/big"
check_exit 'oversized document: exit 65' 65 'soc-ingest --max-line 64 "$T/big" >"$T/out" 2>"$T/err"'
check 'reject names the cap' 'grep -q "JSON document longer than 4096 bytes" "$T/err"'

# A line that opens a document (a writer killed mid-line) never swallows
# the complete records after it: the document breaks off at the first
# line that cannot continue it; its first line is the reject, and the
# lines it took are read again on their own.
i=1; while [ $i -le 9 ]; do ev $i; echo; i=$((i + 1)); done >"$T/nine"
for opener in '{' '[' '{"a":' '{"a":[' '{"a":1,' '  {"alert": {'; do
	{ echo "$opener"; cat "$T/nine"; } >"$T/open"; rm -f "$T/rej"
	check_exit "'$opener' then 9 records: exit 65" 65 \
	    'soc-ingest --rejects "$T/rej" "$T/open" >"$T/out" 2>"$T/err"'
	check "'$opener': 9 records, line 1 the only reject" \
	    'test "$(wc -l <"$T/out")" -eq 9 && test "$(wc -l <"$T/rej")" -eq 1 && grep -q "open:1: JSON document cut short" "$T/err" && test "$(wc -l <"$T/err")" -eq 1 && test "$(jq .soc.source.line "$T/out" | tr "\n" " ")" = "2 3 4 5 6 7 8 9 10 "'
done

# The lines a broken document took keep their numbers (blank lines too),
# and what is not a record on its own is a reject of its own.
{ echo '{"a":'; echo; ev 1; echo; echo '  "b": 2,'; echo '{"c":'; } >"$T/gaps"
check_exit 'broken document with gaps: exit 65' 65 'soc-ingest "$T/gaps" >"$T/out" 2>"$T/err"'
check 'the record keeps line 3; lines 1, 4 and 5 are rejects' \
    'test "$(jq .soc.source.line "$T/out")" = 3 && grep -q "gaps:1: JSON document cut short: line 4 cannot" "$T/err" && grep -q "gaps:4: " "$T/err" && grep -q "gaps:5: JSON document cut short at the end of input" "$T/err" && test "$(wc -l <"$T/err")" -eq 3'

# The issue's repro: 1000 EVE alerts after a lone "{".
{ echo '{'; i=0; while [ $i -lt 1000 ]; do head -1 "$FIX/ingest/suricata-eve.json"; i=$((i + 1)); done; } >"$T/repro"
check_exit 'a lone { and 1000 alerts: exit 65' 65 'soc-ingest "$T/repro" >"$T/out" 2>"$T/err"'
check '1000 records, one reject' 'test "$(wc -l <"$T/out")" -eq 1000 && test "$(wc -l <"$T/err")" -eq 1'
done_testing
