#!/bin/sh
# soc-correlate's correlation rules: each type fires (or not) on the
# Suricata fixture and raises the incident's score with its evidence;
# rules check names the line and column of what is wrong; a rule's windows
# go on in the next run (an input split in two runs fires as one run).
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 16
F=$FIX/correlate
export SOC_NOW=2026-11-20T13:00:00Z

check_exit 'rules check accepts the sample' 0 'soc-correlate rules check "$F/rules.json" >out'
echo "$F/rules.json: 5 rules" >want
check_same 'rules check counts the rules' want out
check_exit 'a bad timespan is a configuration error' 78 \
	'soc-correlate rules check "$F/rules-bad-span.json" 2>err'
check 'its line and column are named' \
	"grep -q 'rules-bad-span.json:4:16: timespan .10 minutes. is not' err"
check_exit 'an unknown type is a configuration error' 78 \
	'soc-correlate rules check "$F/rules-bad-type.json" 2>err2'
check 'the type is named at its place' "grep -q 'rules-bad-type.json:2:25: unknown type .sequence.' err2"
check_exit 'broken JSON is a configuration error' 78 \
	'soc-correlate rules check "$F/rules-bad-json.json" 2>err3'

check_exit 'the stream runs with the rules' 0 \
	'soc-correlate --rules "$F/rules.json" --config "$F/hub.json" "$F/group.ndjson" >out.ndjson'
jq -c 'select(.soc.kind == "incident" and .soc.incident.status == "open") |
	select(.soc.incident.rules | length > 0) | .soc.incident |
	[[.rules[] | [.rule, .type, .points]], .score,
	 [.explanation[] | select(.name == "rule") | .points]]' out.ndjson >got
cat >want <<'W'
[[["beacon burst","event_count",15],["beacon then payload","temporal_ordered",20],["one source, many destinations","value_count",10],["scan and payload in any order","temporal",10]],100,[15,20,10,10]]
W
check_same 'event_count, value_count, ordered and unordered sequences fire' want got
jq -r 'select(.soc.kind == "incident") | .soc.incident.rules[].rule' out.ndjson | grep -c 'payload then beacon' >got
echo 0 >want
check_same 'an ordered sequence out of order does not fire' want got
check_exit 'two rules of one name are a configuration error' 78 \
	'jq ".rules += [.rules[0]]" "$F/rules.json" >twice.json && soc-correlate rules check twice.json 2>err4'
check 'the second is named' "grep -q \"twice.json:.*a second rule named 'beacon burst'\" err4"

# Windows persist: the fixture split in two runs over one state ends with
# the same incidents, with the same rules fired at the same times, as one
# run over it.
final() { SOC_HOME=$1 soc-correlate list --json |
	jq -c '.soc.incident | [.id, .status, .score, [.rules[] | [.rule, .type, .at]]]'; }
final "$SOC_HOME" >one
check 'the one run fired its four rules' \
	"test \"\$(grep -o '\"beacon burst\"\\|\"beacon then payload\"\\|\"one source, many destinations\"\\|\"scan and payload in any order\"' one | sort -u | wc -l)\" = 4"
for h in 4 8 10; do
	head -n $h "$F/group.ndjson" >a.$h
	tail -n +$((h + 1)) "$F/group.ndjson" >b.$h
	SOC_HOME=$T/split.$h soc-correlate --rules "$F/rules.json" --config "$F/hub.json" a.$h >/dev/null
	SOC_HOME=$T/split.$h soc-correlate --rules "$F/rules.json" --config "$F/hub.json" b.$h >/dev/null
	final "$T/split.$h" >two.$h
	check_same "split after $h alerts: the same firings as one run" one two.$h
done
done_testing
