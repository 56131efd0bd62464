#!/bin/sh
# correlate.db upgrades: a database soc-correlate's schema version 1 wrote
# (its tables built from the migration steps themselves, soc-corr-schema,
# its rows from a fixture) is brought to the current schema by the
# current binary with its incidents intact: list and show tell the same
# story, the views soc-enrich and soc-decide read give the same rows, and
# the next run goes on with the same incidents (a new alert joins one, an
# alert the old database had grouped is a replay).
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
command -v sqlite3 >/dev/null || skip_all 'sqlite3 not installed'
plan 11
F=$FIX/correlate
export SOC_NOW=2025-11-20T13:00:00Z
A=0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a

mkdir -p "$SOC_HOME"
check_exit 'the version 1 schema from its migration step' 0 \
	'soc-corr-schema 1 >v1.sql'
cat "$F/schema-v1.sql" >>v1.sql
check_exit 'a version 1 database with two incidents' 0 \
	'sqlite3 "$SOC_HOME/correlate.db" <v1.sql >sql.out 2>&1'

check_exit 'the current soc-correlate lists them' 0 'soc-correlate list >list.out 2>list.err'
cat >want <<'W'
0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a open   P1  90      3  2 2025-11-20T12:10:00.000Z bob
0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b closed P4  20      1  0 2025-11-20T12:01:40.000Z -
W
check_same 'list: both incidents, their status, priority, counts and assignee' want list.out

SOC_HOME=$T/fresh soc-correlate </dev/null >/dev/null 2>&1
sqlite3 "$T/fresh/correlate.db" 'pragma user_version' >want
sqlite3 "$SOC_HOME/correlate.db" 'pragma user_version' >got
check_same 'the database is at the schema version a new one gets' want got

check_exit 'show an upgraded incident' 0 "soc-correlate show $A --json >show.out"
check_same 'its timeline, entities, tactics, rule, note and parent are intact' \
	"$F/schema-v1-show.expected" show.out

sqlite3 "$SOC_HOME/correlate.db" 'select * from incident_entity order by incident, value' >got
cat >want <<'W'
ALICE|0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a||2025-11-20T12:10:00.000Z|user|alice
alice|0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a||2025-11-20T12:10:00.000Z|user|alice
web1|0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a||2025-11-20T12:10:00.000Z|host|web1
10.1.2.3|0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b|benign|2025-11-20T12:01:40.000Z|ip|10.1.2.3
W
check_same 'incident_entity: each value, normal and as given, with verdict and time' want got
sqlite3 "$SOC_HOME/correlate.db" 'select incident, n, key, alert, rule, count, score from incident_entry order by incident, n' >got
cat >want <<'W'
0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a|0|1234567|a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1|2001|2|70
0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a|1|-7654321|a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2|4625|1|55
0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b|0|99|b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1|77|1|20
W
check_same 'incident_entry: the timeline entries' want got

# The next run: a new alert on alice joins the open incident (version 4),
# and one the version 1 database had grouped is a replay.
check_exit 'a run over the upgraded database' 0 \
	'soc-correlate --stats "$F/schema-v1-next.ndjson" >next.out 2>next.err'
jq -c '[.soc.kind, .soc.incident.id, .soc.incident.version]' next.out >got
cat >want <<W
["alert","$A",4]
["alert","$A",4]
["incident","$A",4]
W
check_same 'the new alert joins the old incident; the old alert is a replay' want got
