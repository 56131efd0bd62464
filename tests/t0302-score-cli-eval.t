#!/bin/sh
# soc-score: usage errors, the man pages are clean,
# and eval computes the figures by hand on a tiny labelled stream.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null 2>&1 || skip_all 'mandoc not installed'
F=$FIX/score
plan 10
MAN="$SOC_TOP/man/soc-score.1"

check 'man page is mandoc -Tlint -Wwarning clean' 'mandoc -Tlint -Wwarning "$MAN"'
check_exit 'eval without --truth: 64' 64 'soc-score eval x'
check_exit 'model without a verb: 64' 64 'soc-score model'

# Four alerts: a1 first seen (escalate, malicious, step s1), a2 (escalate,
# value 75, benign), a3 (auto_close, value 12, benign), intel (escalate,
# unknown label).
cat "$F/alert-a.ndjson" "$F/alert-a2.ndjson" "$F/alert-a3.ndjson" \
    "$F/intel.ndjson" >all
mkdir -p "$SOC_HOME" && echo '{"warmup_s": 0}' >"$SOC_HOME/score.json"
soc-score all >scored
cat >truth <<'T'
{"id":"a0000000000000000000000000000001","label":"malicious","step":"s1"}
{"id":"a0000000000000000000000000000002","label":"benign"}
{"id":"a0000000000000000000000000000003","label":"benign"}
{"id":"a0000000000000000000000000000009","label":"unknown"}
T
check_exit 'eval runs' 0 'soc-score eval --truth truth scored >ev'
tail -n 10 ev >overall
cat >want <<'W'
alerts: 4
benign_auto_closed: 0.5000 (1/2)
malicious_recall: 1.0000 (1/1)
steps_caught: 1.0000 (1/1)
escalation_precision: 0.5000 (1/2)
escalations: 3
monitored: 0
escalations_per_day: 3.0
roc_auc: 1.0000
pr_auc: 1.0000
W
check_same 'overall figures by hand, last' want overall
check 'per-day figures first' 'head -n 1 ev | grep -q "^2026-01-05 alerts: 4$"'
check_exit 'eval: missing truth file: 66' 66 'soc-score eval --truth nosuch scored'

# The AIT mapping keeps the label columns out of the records.
AIT="$CORPUS/labeled/ait-ads/shaw_alerts.txt.gz"
if [ -r "$AIT" ]; then
	gzip -dc "$AIT" | head -n 2000 >slice.csv
	soc-ingest -f csv --map "$SOC_TOP/scripts/ait-map.json" slice.csv >slice.ndjson 2>/dev/null
	check 'AIT slice ingested' '[ "$(wc -l <slice.ndjson)" -eq 1999 ]'
	check 'no label reaches the records' '! grep -q "false_positive" slice.ndjson'
	soc-score slice.ndjson >slice.scored
	check 'AIT slice scored, mostly auto-closed' \
		'[ "$(grep -c "\"disposition\":\"auto_close\"" slice.scored)" -gt 1800 ]'
else
	skip 'no corpus'; skip 'no corpus'; skip 'no corpus'
fi
done_testing
