#!/bin/sh
# soc-correlate's cases: list, show, assign, note, close (audit first,
# feedback out), merge and split with versions that name their parents,
# SLA clocks under SOC_NOW, and feedback in the stream closing an incident.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 25
F=$FIX/correlate
export SOC_NOW=2026-11-20T13:00:00Z

soc-correlate --config "$F/hub.json" "$F/group.ndjson" >group.out
ids() { jq -r 'select(.soc.kind == "incident" and .soc.incident.status == "open") | .soc.id' group.out; }
A=$(ids | sed -n 1p)
B=$(ids | sed -n 2p)
C=$(ids | sed -n 3p)

check_exit 'list' 0 'soc-correlate list >list'
check 'list shows the five open incidents and the merged one' \
	'test "$(grep -c " open " list)" = 5 && test "$(grep -c " merged " list)" = 1'
check_exit 'list --status open --priority P2 --json' 0 \
	'soc-correlate list --status open --priority P2 --json >l2'
jq -r '.soc.incident.priority + " " + .soc.incident.status' l2 | sort -u >got
echo 'P2 open' >want
check_same 'the filter holds' want got
check_exit 'show by a prefix' 0 "soc-correlate show ${A%????????????????????????} >story"
check 'the story has its timeline and blast radius' 'grep -q "^timeline:" story && grep -q "^blast radius:" story'
check_exit 'an unknown incident is 66' 66 'soc-correlate show 0123456789abcdef'

# SLA: acknowledge within 1 h for P2 (created 13:00); at 14:30 it is breached.
check_exit 'assign at 14:30' 0 "SOC_NOW=2026-11-20T14:30:00Z soc-correlate assign $A --to alice >assigned"
jq -c '.soc.incident | [.version, .assignee, .sla.acknowledged, .sla.acknowledge_breached]' assigned >got
echo '[2,"alice","2026-11-20T14:30:00.000Z",true]' >want
check_same 'assign: a new version, acknowledged late' want got
check_exit 'note' 0 "soc-correlate note $A --by alice --text 'beacon confirmed in proxy logs' >noted"
jq -c '.soc.incident | [.version, [.notes[] | [.by, .text]]]' noted >got
echo '[3,[["alice","beacon confirmed in proxy logs"]]]' >want
check_same 'note: a new version with the note' want got

# Close: the audit log gets the verdict first, then feedback goes out.
soc-audit init >/dev/null 2>&1
check_exit 'close' 0 "soc-correlate close $A --verdict true_positive --by alice >closed"
jq -c 'select(.soc.kind == "incident") | .soc.incident | [.version, .status, .verdict, .closed_by]' closed >got
echo '[4,"closed","true_positive","alice"]' >want
check_same 'close: status, verdict and who' want got
jq -r 'select(.soc.kind == "feedback") | .feedback.target' closed | sort -u | wc -l >fb
jq -r 'select(.soc.kind == "incident") | .soc.incident.counts.alerts' closed >alerts
check_same 'one feedback record per alert of the incident, absorbed ones too' alerts fb
check 'the verdict is in the audit log and verifies' \
	"grep -q '\"kind\":\"verdict\"' \"\$SOC_HOME/audit/audit.log\" && grep -q $A \"\$SOC_HOME/audit/audit.log\" && soc-audit verify"
# soc-enrich reads correlate.db's incident_entity: the address of A's
# first alert now carries A's verdict.
head -n 1 "$F/group.ndjson" >first
check_exit 'soc-enrich reads the incident_entity table' 0 'soc-enrich first >enriched'
jq -c '[.soc.enrich.prior[] | select(.incident == "'"$A"'") | [.observable, .verdict]]' enriched >got
echo '[["10.0.0.5","true_positive"]]' >want
check_same 'the closed incident is prior evidence for its address' want got
check_exit 'a closed incident cannot be assigned' 64 "soc-correlate assign $A --to bob"
check_exit 'a verdict outside the vocabulary is a usage error' 64 "soc-correlate close $B --verdict maybe --by bob"

# Merge and split.
check_exit 'merge' 0 "soc-correlate merge $C $B >merged"
# B was opened first: it survives.
jq -c '.soc.incident | [.status, (.parents | length), (.merged_into // "") | tostring]' merged >got
printf '%s\n' '["open","1",""]' "[\"merged\",\"0\",\"$B\"]" >want
check_same 'merge: the older survives naming the other' want got
X=$(jq -r "select(.soc.incident.id == \"$B\") | .soc.incident.timeline[0].alert" merged)
check_exit 'split' 0 "soc-correlate split $B --alerts $X >split"
jq -c '.soc.incident | [(.parents == [] or .parents[0] == "'"$B"'"), .counts.alerts]' split >got
check 'split: a child naming its parent, and the parent smaller' \
	"test \"\$(sed -n 2p got)\" = '[true,1]'"

# Feedback in the stream closes an incident, audited the same way.
D=$(ids | sed -n 4p)
printf '{"soc":{"kind":"feedback"},"feedback":{"target":"%s","verdict":"false_positive","by":"bob"}}\n' "$D" >fbin
check_exit 'feedback on an incident in the stream' 0 'soc-correlate fbin >fbout'
jq -c '[.soc.kind, .soc.incident.status // .feedback.target[0:8]]' fbout | head -n 2 >got
printf '%s\n' "[\"feedback\",\"$(echo $D | cut -c1-8)\"]" '["incident","closed"]' >want
check_same 'it passes on and closes the incident' want got
done_testing
