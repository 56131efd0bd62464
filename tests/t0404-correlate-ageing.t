#!/bin/sh
# soc-correlate's bounded state: entities idle for entity_idle_s (by the
# stream's time, their incidents past window_s) are evicted and counted,
# and leave correlate.db; closed
# incidents older than closed_keep_s (by the wall clock, SOC_NOW) are
# removed with their rows and counted; open ones stay.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
command -v sqlite3 >/dev/null || skip_all 'sqlite3 not installed'
plan 10
F=$FIX/correlate
export SOC_NOW=2026-11-20T13:00:00Z
echo '{"window_s": 1800, "entity_idle_s": 3600, "closed_keep_s": 600}' >cfg.json
# The same, but no entity is ever idle: a run with it and no input reads
# every entity correlate.db holds (its blocks are not readable in SQL).
echo '{"window_s": 1800, "entity_idle_s": 1e9, "closed_keep_s": 600}' >all.json
stored() {
	soc-correlate --config all.json --stats </dev/null 2>"$1.err" >/dev/null
	awk '/entities in the index/ { print $1 }' "$1.err" >"$1"
}

check_exit 'the Suricata fixture groups' 0 \
	'soc-correlate --config cfg.json "$F/group.ndjson" >group.out'
stored ents.before
check 'its entities are in correlate.db' 'test "$(cat ents.before)" -gt 5'

# One alert two hours later: every other entity has been idle for more
# than an hour of the stream.
tail -n 1 "$F/group.ndjson" |
	jq -c '."@timestamp" = "2026-11-20T14:30:00.000Z" |
	    .soc.id = "0123456789abcdef0123456789abcdef"' >late.ndjson
check_exit 'a later alert' 0 \
	'soc-correlate --config cfg.json --stats late.ndjson >late.out 2>late.err'
n=$(awk '/entities aged out/ { print $1 }' late.err)
check 'idle entities are evicted and counted' 'test "${n:-0}" -gt 0'
# What correlate.db holds now is the late alert's entities only.
awk '/entities in the index/ { print $1 }' late.err >want
stored ents.after
check_same 'they leave correlate.db' want ents.after

# Closed incidents age out by the wall clock; open ones stay.
A=$(jq -r 'select(.soc.kind == "incident" and .soc.incident.status == "open") | .soc.id' group.out | sed -n 1p)
check_exit 'close an incident at 13:00' 0 \
	"soc-correlate close $A --verdict benign --by ann >closed.out 2>closed.err"
soc-correlate list >list.before
check_exit 'a run at 13:20 (its closing 20 minutes old)' 0 \
	'SOC_NOW=2026-11-20T13:20:00Z soc-correlate --config cfg.json --stats </dev/null >aged.out 2>aged.err'
check 'one closed incident aged out, counted' \
	'grep -q "^ *1 closed incidents aged out" aged.err'
check_exit 'it is gone' 66 "soc-correlate show $A >gone.out 2>gone.err"
grep -v "^$A" list.before >want
soc-correlate list >got
check_same 'the others are still listed' want got
