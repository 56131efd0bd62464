#!/bin/sh
# A merge into an incident that holds max_entries already: the entries it
# cannot take are cut (counted in the record) and freed once, with their
# strings (a merge past the bound aborted in free() when an entry's four
# strings became one allocation and the merge still freed them one by
# one).  max_entries 2; two incidents of two entries each on hosts h1 and
# h2, then an alert naming both hosts merges them.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 3
export SOC_NOW=2026-01-05T12:00:00Z

alert() {	# alert N RULE HOST [OTHER HOST]
	o=${4:+",\"related\":{\"hosts\":[\"$4\"]}"}
	printf '{"@timestamp":"2026-01-05T10:0%d:00.000Z","event":{"kind":"alert","dataset":"t.ids"},"rule":{"id":"%s","name":"rule %s"},"host":{"name":"%s"}%s,"soc":{"kind":"alert","id":"%032x","severity":50}}\n' \
	    "$1" "$2" "$2" "$3" "$o" "$1"
}
{ alert 1 r1 h1; alert 2 r2 h1; alert 3 r3 h2; alert 4 r4 h2; alert 5 r5 h1 h2; } >in.ndjson
echo '{"max_entries":2}' >cut.json
check_exit 'the merge past the bound runs' 0 \
	'soc-correlate --config cut.json in.ndjson >out'
jq -c 'select(.soc.kind == "incident") | .soc.incident |
	[.status, .counts.alerts, .counts.entries, .counts.timeline_cut,
	 [.timeline[].rule]]' out | tail -n 2 >got
printf '%s\n' '["open",5,5,3,["r1","r2"]]' '["merged",2,0,0,[]]' >want
check_same 'the survivor keeps two entries and counts the three cut' want got
check_exit 'the state reads back' 0 'soc-correlate show "$(jq -r "select(.soc.kind == \"incident\") | .soc.incident.id" out | tail -n 1)" --json >show'
done_testing
