#!/bin/sh
# soc-score against the defects of issue 10 (each test failed before its
# fix): an empty string read from a record, SQL from the environment,
# score.db's mode, the evidence's words.
. "$(dirname "$0")/lib.sh"
F=$FIX/score
plan 7

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

done_testing
