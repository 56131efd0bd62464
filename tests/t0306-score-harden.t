#!/bin/sh
# soc-score against the defects of issue 10 (each test failed before its
# fix): an empty string read from a record, SQL from the environment,
# score.db's mode.
. "$(dirname "$0")/lib.sh"
F=$FIX/score
plan 4

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

done_testing
