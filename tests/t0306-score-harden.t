#!/bin/sh
# soc-score against the defects of issue 10 (each test failed before its
# fix): an empty string read from a record, SQL from the environment,
# score.db's mode, the evidence's words, an input learned twice.
. "$(dirname "$0")/lib.sh"
F=$FIX/score
plan 12

# An empty verdict was read into an unterminated buffer (an ASan
# heap-buffer-overflow in the sanitizer build).
echo '{"soc":{"kind":"feedback"},"feedback":{"target":"x","verdict":"","by":"a"}}' >empty
check_exit 'an empty verdict is ignored, not over-read' 0 'soc-score learn empty 2>err'
check 'and said so' 'grep -q "unknown verdict .. ignored" err'

umask 022	# what SQLite alone turned into a 0644 score.db

# No variable runs SQL on score.db (SOC_X_PRAGMA did, undocumented).
SOC_X_PRAGMA='CREATE TABLE evil(x)' soc-score "$F/alert-a.ndjson" >/dev/null 2>&1
check 'SOC_X_PRAGMA runs nothing' \
	'[ "$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM sqlite_master WHERE name = '"'evil'"'\").fetchone()[0])" "$SOC_HOME/score.db")" = 0 ]'

# score.db holds what was learned about users and hosts: 0600.
check 'score.db is created 0600' \
	'[ "$(stat -c %a "$SOC_HOME/score.db")" = 600 ]'

# An alert older than the last sighting: "after this alert", never
# "last -0 minutes ago".
SOC_HOME=$T/e soc-score "$F/alert-a2.ndjson" "$F/alert-a.ndjson" >ooo 2>/dev/null
sed -n 2p ooo | jq -r '.soc.score.factors[].evidence' >ooo.ev
check 'an out-of-order sighting is "after this alert"' \
	'grep -q "^rule .sshd: brute force. on .web-1.: 1 times before, 1.00 recently (half-life 24 h), last less than a minute after this alert$" ooo.ev'
check 'and never "-0"' '! grep -q -- "-0 minutes" ooo.ev'

# The model's strongest features are named whole: the rule key and the
# pair's second part, not cut at the key's internal separator.
SOC_HOME=$T/e soc-score learn "$F/fp-a.ndjson" 2>/dev/null
SOC_HOME=$T/e soc-score "$F/alert-a3.ndjson" >m 2>/dev/null
check 'strongest features named whole' \
	'[ "$(jq -r ".soc.score.factors[] | select(.name == \"model\") | .evidence" m)" = "model trained on 1 analyst verdicts; strongest: rule=Wazuh/5712 -1.5, rule@entity=Wazuh/5712@web-1 -1.5" ]'

# Learning is idempotent per soc.id: the same 68 alerts scored twice are
# 68 sightings, not 136; the second run scores them (against the first's
# baselines) but learns nothing.
awk 'BEGIN { for (i = 0; i < 68; i++)
	printf "{\"@timestamp\":\"2026-01-05T10:%02d:00.000Z\",\"event\":{\"kind\":\"alert\"},\"observer\":{\"product\":\"P\"},\"rule\":{\"id\":\"r1\",\"name\":\"r1\"},\"host\":{\"name\":\"h1\"},\"soc\":{\"kind\":\"alert\",\"id\":\"i%04d\",\"severity\":50}}\n", i % 60, i }' >a68
SOC_HOME=$T/i soc-score a68 >/dev/null 2>&1
check_exit 'the same file scored again' 0 'SOC_HOME=$T/i soc-score a68 >i2 2>/dev/null'
check 'baselines count it once: 68 stays 68' \
	'SOC_HOME=$T/i soc-score baseline show h1 >bs && grep -q "^re	r	P/r1	h1	total=68	" bs'
check 'every record was scored' '[ "$(jq -r .soc.score.value i2 | grep -c .)" = 68 ]'
# Within one stream too: a record repeated is learned once.
cat a68 a68 >a136
SOC_HOME=$T/j soc-score a136 >/dev/null 2>&1
check 'a repeated record in one stream is learned once' \
	'SOC_HOME=$T/j soc-score baseline show h1 | grep -q "^re	r	P/r1	h1	total=68	"'
# Ageing: only the last max_learned ids are remembered.
echo '{"max_learned": 10}' >age.json
SOC_HOME=$T/k soc-score --config age.json a68 >/dev/null 2>&1
head -n 5 a68 >first5
SOC_HOME=$T/k soc-score --config age.json first5 >/dev/null 2>&1
check 'an id aged out of max_learned is learned again' \
	'SOC_HOME=$T/k soc-score baseline show h1 | grep -q "^re	r	P/r1	h1	total=73	"'

done_testing
