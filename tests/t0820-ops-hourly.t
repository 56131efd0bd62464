#!/bin/sh
# examples/ops/soc-hourly, the cron pipeline: run after run over growing
# logs, each line is processed once (soc-ingest --resume), across a
# rotation as socpipe.logrotate does it (a new file at the path, the old
# one beside it, uncompressed), and a run with nothing new adds nothing.
# Each alert's verdict is in the audit log once.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
plan 15
export SOC_NOW=2026-11-22T12:00:00Z SOCPIPE_OUT="$T/out" SOCPIPE_BIN="$SOC_BIN"
export SOCPIPE_POLICY="$SOC_TOP/examples/policy.json"
export SOCPIPE_LOGS="$T/log/eve.json $T/log/auth.log"
H="$SOC_TOP/examples/ops/soc-hourly"
EX=$SOC_TOP/examples
mkdir log
soc-audit init >/dev/null

# gen FIRST LAST: Suricata DNS events, one a minute from 08:00.
gen() {
	awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i <= b; i++)
	printf "{\"timestamp\":\"2026-11-22T%02d:%02d:00.000000+0000\",\"flow_id\":%d," \
	    "\"event_type\":\"dns\",\"src_ip\":\"10.20.1.%d\",\"src_port\":%d,\"dest_ip\":" \
	    "\"10.20.0.2\",\"dest_port\":53,\"proto\":\"UDP\",\"dns\":{\"type\":\"query\"," \
	    "\"id\":%d,\"rrname\":\"host%d.example.com\",\"rrtype\":\"A\"}}\n",
	    8 + int(i / 60), i % 60, 9000 + i, 10 + i % 5, 30000 + i, i, i % 7 }'
}
# What soc-hourly wrote: the generated lines seen (by their number, in
# the source port), the alerts' ids, the verdicts in the audit log.
seen() {
	jq -r 'select(.soc.kind == "alert" and .dns.id != null and
	    .source.port >= 30000 and .source.port < 31000) |
	    .source.port - 30000' out/socpipe.ndjson | sort -n >seen
	jq -r 'select(.soc.kind == "alert") | .soc.id' out/socpipe.ndjson >ids
	soc-audit show --kind verdict | jq -r .data.alert >audited
}

gen 1 20 >log/eve.json
head -n 2 "$EX/auth.log" >log/auth.log
check_exit 'the first run: 0' 0 'sh "$H" 2>err1'
gen 21 40 >>log/eve.json
cat "$EX/suricata-eve.json" >>log/eve.json
tail -n +3 "$EX/auth.log" >>log/auth.log
check_exit 'the second run, over grown logs: 0' 0 'sh "$H" 2>err2'
seen
seq 1 40 >want
check_same 'every generated line once, none twice' want seen
check 'one alert a line, each id once' \
	'test "$(wc -l <ids)" -eq 49 && test "$(sort -u ids | wc -l)" -eq 49'
check 'each verdict in the audit log once' \
	'sort audited >a1 && sort ids >i1 && cmp -s a1 i1'
check 'every alert went through enrich and score' \
	'test "$(jq -r "select(.soc.kind == \"alert\" and .soc.enrich != null and
	    .soc.score.disposition != null) | .soc.id" out/socpipe.ndjson | wc -l)" -eq 49'

# A rotation between runs: ten lines written to the old file after the
# last run, then the old file moved aside and a new one created.
gen 41 50 >>log/eve.json
if command -v logrotate >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	awk -v p="$T/log/eve.json" '/^\/var\/log\/suricata\/eve.json/ { on = 1; sub(/^[^ ]*/, p) }
	    on { print } on && /^}/ { exit }' "$SOC_TOP/examples/ops/socpipe.logrotate" >lr.conf
	chmod 644 lr.conf
	check_exit 'logrotate with socpipe.logrotate: 0' 0 'logrotate -f -s lr.state lr.conf'
else
	mv log/eve.json log/eve.json.1 && : >log/eve.json
	skip 'logrotate not installed, or not root: the rotation done by hand'
fi
check 'rotated: the old file beside the new, uncompressed' \
	'test -f log/eve.json.1 && test -f log/eve.json && ! test -s log/eve.json'
gen 51 55 >>log/eve.json
check_exit 'the run after the rotation: 0' 0 'sh "$H" 2>err3'
check 'it said it read the rest of the rotated file first' \
	'grep -q "rotated since the last run: the rest of .*eve.json.1. is read first" err3'
seen
seq 1 55 >want
check_same 'the ten lines of the old file and the five of the new, once each' want seen
check 'one alert a line, each id once' \
	'test "$(wc -l <ids)" -eq 64 && test "$(sort -u ids | wc -l)" -eq 64'
check_exit 'a run with nothing new: 0' 0 'sh "$H" 2>err4'
seen
check 'adds no alert and no verdict' \
	'test "$(wc -l <ids)" -eq 64 && test "$(wc -l <audited)" -eq 64'
check 'stderr of the runs: only the rotation notice' \
	'! grep -v "rotated since the last run" err1 err2 err3 err4'
