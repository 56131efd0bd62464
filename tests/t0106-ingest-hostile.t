#!/bin/sh
# Hostile input: binary garbage, invalid UTF-8, deep nesting, NULs,
# oversized lines, wrong types, absurd times.  Every line ends as exactly
# one record or one reject; nothing crashes, nothing stops the stream.
. "$(dirname "$0")/lib.sh"
plan 15
export SOC_NOW=2026-11-22T00:00:00Z
good='{"timestamp":"2026-11-21T00:00:00Z","flow_id":1,"event_type":"dns","src_ip":"10.0.0.1","dns":{"rrname":"a.example"}}'

# Three lines of random bytes (no LF or CR in them), then a good line.
for i in 1 2 3; do
	head -c 7000 /dev/urandom | tr -d '\n\r' | tr '\000' x >>"$T/in"
	printf 'z\n' >>"$T/in"
done
echo "$good" >>"$T/in"
check_exit 'binary garbage: exit 65, no crash' 65 \
    'soc-ingest --rejects "$T/rej" "$T/in" >"$T/out" 2>"$T/err"'
check 'the good line after the garbage is a record' \
    'test "$(tail -n 1 "$T/out" | jq -r .dns.question.name)" = a.example'
check 'every line is a record or a reject: 1 + 3' \
    'test "$(wc -l <"$T/out")" -eq 1 && test "$(wc -l <"$T/rej")" -eq 3'

printf '{"timestamp":"2026-11-21T00:00:00Z","flow_id":1,"event_type":"dns","src_ip":"10.0.0.1","dns":{"rrname":"a\377\376.example"}}\n' >"$T/utf8"
check_exit 'invalid UTF-8 in a JSON string: a reject' 65 'soc-ingest "$T/utf8" >"$T/out" 2>"$T/err"'
check 'the reason names UTF-8' 'grep -q "invalid UTF-8" "$T/err"'

awk 'BEGIN { for (i = 0; i < 5000; i++) printf "["; for (i = 0; i < 5000; i++) printf "]"; print "" }' >"$T/deep"
check_exit 'nesting 5000 deep: a reject, no stack overflow' 65 'soc-ingest "$T/deep" >"$T/out" 2>"$T/err"'

awk 'BEGIN { printf "{\"timestamp\":\"2026-11-21T00:00:00Z\",\"event_type\":\"dns\",\"flow_id\":1,\"x\":\""; for (i = 0; i < 300000; i++) printf "a"; print "\"}" }' >"$T/long"
echo "$good" >>"$T/long"
check_exit 'a line over --max-line: exit 65' 65 'soc-ingest --max-line 64K "$T/long" >"$T/out" 2>"$T/err"'
check 'it is rejected and the next line is a record' \
    'grep -q "line longer than 65536 bytes" "$T/err" && test "$(wc -l <"$T/out")" -eq 1'

cat >"$T/types" <<'X'
{"timestamp":12,"flow_id":1,"event_type":"dns","src_ip":"10.0.0.1"}
{"timestamp":"2026-11-21T00:00:00Z","flow_id":1,"event_type":"alert","src_ip":["x"],"alert":{"signature":5,"severity":"high"}}
{"timestamp":"2199-01-01T00:00:00Z","flow_id":1,"event_type":"dns","src_ip":"10.0.0.1"}
{"timestamp":"1970-01-01T00:00:00Z","flow_id":1,"event_type":"dns","src_ip":"10.0.0.1"}
{"timestamp":"2026-11-21T00:00:00Z","flow_id":1,"event_type":"dns","src_ip":"999.1.1.1","src_port":70000}
X
check_exit 'wrong types and absurd times: exit 65' 65 'soc-ingest "$T/types" >"$T/out" 2>"$T/err"'
check 'absurd times are rejects (lines 1, 3, 4)' \
    'test "$(grep -c "not a valid time" "$T/err")" -eq 3'
check 'wrong-typed fields are left out, never copied wrong' \
    'jq -e -s "length == 2 and (.[0].source.ip == null) and (.[1].source.ip == null) and (.[1].source.port == null)" "$T/out" >/dev/null'
printf 'a\0b\n%s\n' "$good" >"$T/nul"
check_exit 'a NUL byte in a text line: a reject, the next line a record' 65 \
    'soc-ingest "$T/nul" >"$T/out" 2>"$T/err" ; rc=$?; test "$(wc -l <"$T/out")" -eq 1 && exit $rc'

# Counts at the edges of int64 and a number of 80 digits: no overflow (a
# SANITIZE=1 build would stop on one), no total that cannot be, and the
# long number read as itself, not as 0.
cat >"$T/big" <<'X'
{"ts":1763683200.5,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":2,"proto":"tcp","duration":1e300,"orig_ip_bytes":9223372036854775807,"resp_ip_bytes":1,"orig_pkts":-9223372036854775808,"resp_pkts":-1,"_path":"conn"}
{"timestamp":"2026-11-21T00:00:00Z","flow_id":1,"event_type":"flow","src_ip":"10.0.0.1","flow":{"bytes_toserver":9223372036854775807,"bytes_toclient":5,"pkts_toserver":2,"pkts_toclient":3}}
{"@timestamp":"2026-11-21T00:00:00Z","message":"m","event":{"kind":"event"},"labels":{"n":11111111111111111111111111111111111111111111111111111111111111111111111111111111.5}}
X
check_exit 'counts at the edges of int64: records, exit 0' 0 'soc-ingest "$T/big" >"$T/out" 2>"$T/err"'
check 'no network totals that overflow, no absurd duration; real sums kept' \
    'jq -e -s "(.[0].network.bytes == null) and (.[0].network.packets == null) and (.[0].event.duration == null) and (.[1].network.bytes == null) and (.[1].network.packets == 5)" "$T/out" >/dev/null'
check 'a number of 80 digits is read as itself' \
    'jq -e -s ".[2].labels.n > 1e79" "$T/out" >/dev/null'
done_testing
