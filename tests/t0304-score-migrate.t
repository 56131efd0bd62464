#!/bin/sh
# soc-score: a score.db of the first schema (one row per baseline entry
# and per recent alert) is upgraded and scores exactly as a database of
# the new schema holding the same history does; the new schema keeps the
# same state across runs; max_recent prunes at the same alert.
#
# legacy-v1.sql was made by soc-score before schema 2: its database
# (sqlite3 .dump, plus the schema version) after scoring
# migrate-before.ndjson.  migrate-x.out and migrate-y.out are what
# soc-score writes for migrate-x.ndjson, then, after learning
# migrate-fb.ndjson (verdicts on alerts of both files), for
# migrate-y.ndjson (first written by the program of schema 1, taken again
# from a new-schema database when the warm-up, the hour-of-day spread and
# silence and joined escalations changed the scores: both paths must
# agree); migrate-show.out is "baseline show h1" at the end.
. "$(dirname "$0")/lib.sh"
F=$FIX/score
command -v python3 >/dev/null 2>&1 || skip_all 'python3 not installed'
plan 12

# restore DIR: the first schema's database in DIR
restore() {
	mkdir -p "$1" &&
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1] + "/score.db")
c.executescript(open(sys.argv[2]).read())
c.close()' "$1" "$F/legacy-v1.sql"
}
# sql DIR QUERY: one value from DIR's database
sql() {
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1] + "/score.db")
print(c.execute(sys.argv[2]).fetchone()[0])' "$@"
}
export SOC_NOW=2026-01-20T00:00:00.000Z

restore "$T/old"
check '--no-learn reads the old rows' \
	'SOC_HOME=$T/old soc-score --no-learn "$F/migrate-x.ndjson" >nx && cmp nx "$F/migrate-x.out"'
check_exit 'learning on the old database' 0 \
	'SOC_HOME=$T/old soc-score "$F/migrate-x.ndjson" >x'
check_same 'scores as the old program did' "$F/migrate-x.out" x
check '...and moved the baselines to partitions' \
	'[ "$(sql "$T/old" "PRAGMA user_version") $(sql "$T/old" "SELECT count(*) FROM baseline") $(sql "$T/old" "SELECT count(*) > 0 FROM baseline_part")" = "3 0 1" ]'
check 'verdicts on alerts of both schemas learned' \
	'SOC_HOME=$T/old soc-score learn "$F/migrate-fb.ndjson" 2>fb && grep -q "learned 3 verdicts (0 already known, 0 for unknown" fb'
SOC_HOME=$T/old soc-score "$F/migrate-y.ndjson" >y
check_same 'the next run too' "$F/migrate-y.out" y
SOC_HOME=$T/old soc-score baseline show h1 >show
check_same 'baseline show as before' "$F/migrate-show.out" show

# Replay: the same input on the same state gives the same bytes.
restore "$T/r1"
restore "$T/r2"
SOC_HOME=$T/r1 soc-score "$F/migrate-x.ndjson" "$F/migrate-y.ndjson" >out1
SOC_HOME=$T/r2 soc-score "$F/migrate-x.ndjson" "$F/migrate-y.ndjson" >out2
check_same 'replay from the same state' out1 out2

# A database of the new schema from the start holds the same state.
SOC_HOME=$T/new soc-score "$F/migrate-before.ndjson" >/dev/null
SOC_HOME=$T/new soc-score "$F/migrate-x.ndjson" >nx
check_same 'new schema: the same scores' "$F/migrate-x.out" nx
SOC_HOME=$T/new soc-score learn "$F/migrate-fb.ndjson" 2>/dev/null
SOC_HOME=$T/new soc-score "$F/migrate-y.ndjson" >ny
check_same 'new schema: the next run too' "$F/migrate-y.out" ny

# max_recent 30 after 160 alerts: the 130th alert (m1-0129) is gone, the
# 131st (m1-0130) is still known.
mkdir -p "$T/pr"
echo '{"max_recent": 30}' >"$T/pr/score.json"
SOC_HOME=$T/pr soc-score "$F/migrate-before.ndjson" >/dev/null
for id in m1-0129 m1-0130; do
	printf '{"soc":{"kind":"feedback"},"feedback":{"target":"%s","verdict":"false_positive","by":"ann"}}\n' $id
done >pfb
check 'max_recent: the older alert is forgotten' \
	'SOC_HOME=$T/pr soc-score learn pfb 2>perr && grep -q "learned 1 verdicts (0 already known, 1 for unknown" perr'
check 'the one forgotten is the older' 'grep -q "m1-0129.: no such alert" perr'
