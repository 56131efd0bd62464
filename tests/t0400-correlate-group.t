#!/bin/sh
# soc-correlate's grouping: the cross-source story (an Okta sign-in, an
# endpoint alert on the user's host, a CloudTrail call with the user's
# key) as one incident; de-duplication, entities, the hub cut-off and
# merging on the Suricata fixture; golden output; pass-through; rejects;
# re-runs over the same state change nothing.  (The man page and --help
# are checked by t0007 with every program's.)
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 23
F=$FIX/correlate
export SOC_NOW=2026-11-20T13:00:00Z


check_exit 'the cross-source fixture groups' 0 'soc-correlate "$F/cross.ndjson" >cross.out'
check_same 'cross-source golden output' "$F/cross.expected" cross.out
jq -c 'select(.soc.kind == "incident") | .soc.incident |
	[.status, .counts.alerts, [.tactics[].name], .chain.in_kill_chain_order,
	 [.blast_radius.users[].value], [.blast_radius.hosts[].value],
	 [.blast_radius.keys[].value]]' cross.out >got
echo '["open",3,["initial-access","execution","discovery"],true,["alice"],["alice-lt"],["AKIAEXAMPLEALICE0001"]]' >want
check_same 'one incident, three tactics in order, user, host and key' want got
jq -r 'select(.soc.kind == "alert") | .soc.incident.id' cross.out | sort -u | wc -l >got
echo 1 >want
check_same 'every alert names the one incident' want got
jq -c 'select(.soc.kind == "alert") | del(.soc.incident)' cross.out >stripped
jq -c . "$F/cross.ndjson" >orig
check_same 'alerts change only by soc.incident' orig stripped

# A second run over the same input and state changes nothing: the alerts
# come out the same and no incident gets a new version.
check_exit 'a re-run succeeds' 0 'soc-correlate "$F/cross.ndjson" >again.out'
grep -v '"kind":"incident"' cross.out >want
check_same 're-run: the same alerts, no new incident version' want again.out
sqlite3 "$SOC_HOME/correlate.db" 'select id, version from incident' >db1 2>&1
soc-correlate "$F/cross.ndjson" >/dev/null
sqlite3 "$SOC_HOME/correlate.db" 'select id, version from incident' >db2 2>&1
check_same 're-run: the database is unchanged' db1 db2

# Suricata: de-duplication, grouping by internal address, the hub, merge.
check_exit 'the Suricata fixture groups' 0 \
	'SOC_HOME=$T/g soc-correlate --config "$F/hub.json" --stats "$F/group.ndjson" >group.out 2>group.err'
check_same 'Suricata golden output' "$F/group.expected" group.out
jq -c 'select(.soc.kind == "incident" and .soc.incident.status == "open" and
	(.soc.incident.entities | map(.value) | index("10.0.0.5"))) | .soc.incident |
	[.counts.alerts, .counts.entries, .counts.deduplicated,
	 [.timeline[] | [.rule, .count]]]' group.out >got
echo '[9,5,4,[["2024001",5],["2024002",1],["2025001",1],["2024001",1],["2027001",1]]]' >want
check_same 'repeats within the TTL are one entry; after it, a new one' want got
jq -c 'select(.soc.kind == "incident" and .soc.incident.status == "merged") |
	.soc.incident.merged_into' group.out >merged
jq -c 'select(.soc.kind == "incident" and (.soc.incident.parents | length) > 0) |
	.soc.incident.id' group.out >survivor
check_same 'a bridging alert merges two incidents, each naming the other' merged survivor
# Re-run over the merged state: no incident version, and each alert names
# the incident holding it now (the survivor where its first was merged).
check_exit 'a re-run over the merged state' 0 \
	'SOC_HOME=$T/g soc-correlate --config "$F/hub.json" "$F/group.ndjson" >regroup.out'
jq -r 'select(.soc.kind == "incident" and .soc.incident.status == "merged") |
	"s/\(.soc.incident.id)/\(.soc.incident.merged_into)/"' group.out >merge.sed
grep -v '"kind":"incident"' group.out | sed -f merge.sed >want
check_same 're-run after a merge: the alerts name the survivor, no version' want regroup.out
jq -c 'select(.soc.kind == "incident") | .soc.incident.blast_radius.addresses[]? |
	select(.hub) | .value' group.out | sort -u >got
echo '"10.0.0.53"' >want
check_same 'the DNS server is recognised as a hub' want got
jq -c 'select(.soc.kind == "incident") | select(any(.soc.incident.blast_radius.addresses[]?; .hub)) |
	.soc.incident.counts.alerts' group.out >got
printf '1\n1\n1\n' >want
check_same 'past the cut-off, clients of the hub stay apart' want got
check 'the hub and its skipped links are counted' \
	'grep -q "1 hub entities (over 5 partners)" group.err && grep -q "3 links skipped at hubs" group.err'

# Other kinds pass byte for byte; bad lines are rejected, the rest goes on.
printf '%s\n' '{"soc":{"kind":"decision"},"x":0.10}' 'not json' \
	'{"soc":{"kind":"alert","id":"00000000000000000000000000000001"},"@timestamp":"2026-11-20T10:00:00Z","host":{"name":"h1"},"rule":{"id":"r"},"soc.severity":1}' >mixed
check_exit 'a bad line is rejected with 65' 65 'SOC_HOME=$T/m soc-correlate mixed >mixed.out 2>mixed.err'
check 'the rejected line is named' 'grep -q "mixed:2:" mixed.err'
head -n 1 mixed >want
head -n 1 mixed.out >got
check_same 'a decision passes byte for byte' want got
check 'the alert still opens its incident' \
	'test "$(grep -c "\"kind\":\"incident\"" mixed.out)" = 1'
check_exit 'a missing input is 66' 66 'soc-correlate nosuch.ndjson'
check_exit 'a bad configuration is 78' 78 'echo "{\"window_s\":-1}" >bad.json && soc-correlate --config bad.json "$F/cross.ndjson"'
done_testing
