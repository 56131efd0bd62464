#!/bin/sh
# The mapping language's capture and reject (soc-ingest(1), MAPPING
# FILES): parts of strings by a regular expression's group (a
# subscription in a resource id, a provider before its '/', a verb after
# the last '.', DOMAIN\HOST cut in two, each value of a list), matched
# ignoring case, absent when it does not match; rejects by condition with
# their own reason and the raw line kept, before the time; the "time"
# type; and the errors of the new members, each naming its line.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 19
export SOC_NOW=2026-11-22T00:00:00Z
G=$FIX/ingest/map-capture
cp -R "$G/d" d
cp "$G/events.json" .
check_exit 'the rejects make exit 65' 65 \
    'soc-ingest --mappings d --rejects rej events.json >out 2>err'
check_same 'golden records' "$G/events.out" out
check_same 'golden reasons' "$G/events.err" err
check_same 'golden rejects' "$G/events.rej" rej
check 'a group of a match that ignores case (/SUBSCRIPTIONS/)' \
    'sed -n 1p out | jq -e ".cloud.account.id == \"9f3c-11\""'
check 'no match is no value, and the default then applies' \
    'sed -n 2p out | jq -e "(.cloud.account | not) and .event.provider == \"unknown\""'
check 'the whole match without a group; group 2' \
    'sed -n 1p out | jq -e ".cloud.service.name == \"Microsoft.Compute\" and .labels.code == \"7\""'
check 'a capture through a table (a verb read as an event type)' \
    'jq -c .event.type out | tr "\n" " " | grep -qx "\[\"deletion\"\] \[\"access\"\] \[\"info\"\] "'
check 'DOMAIN\HOST in two' \
    'sed -n 1p out | jq -e ".host.domain == \"CORP\" and .host.name == \"ws-17\""'
check 'each value of a list through the capture' \
    'sed -n 1p out | jq -e ".host.ip == [\"192.0.2.5\", \"10.1.2.3\"]"'
check 'a reject holds the raw line' \
    'sed -n 1p rej | jq -e ".soc.reject.raw | fromjson | .op == \"y\""'
check 'a stage time that reads as a time is the time' \
    'sed -n 2p out | jq -e ".[\"@timestamp\"] == \"2026-11-21T10:00:59.500Z\""'

# The new members' errors, each with its file, line and member.
mkdir b
bad() { cat >b/x.json; }
printf '{"format": "json",\n "fields": {"a.b": {"field": "x", "capture": "(["}}}\n' | bad
check 'a regular expression that does not compile: exit 78, named' \
    'soc-ingest --mappings b events.json >o 2>e; [ $? -eq 78 ] && grep -q "^soc-ingest: b/x.json:2:[0-9]*: fields.a.b.capture: bad regular expression .(\[.: " e'
printf '{"format": "json",\n "fields": {"a.b": {"field": "x", "capture": "(a)", "group": 2}}}\n' | bad
check 'a group the expression does not have: exit 78' \
    'soc-ingest --mappings b events.json >o 2>e; [ $? -eq 78 ] && grep -q "b/x.json:2:[0-9]*: fields.a.b.group: group is a whole number from 0 to 1" e'
printf '{"format": "json",\n "fields": {"a.b": {"field": "x", "group": 1}}}\n' | bad
check 'a group without a capture: exit 78' \
    'soc-ingest --mappings b events.json >o 2>e; [ $? -eq 78 ] && grep -q "fields.a.b.group: group goes with capture" e'
printf '{"format": "json",\n "fields": {"a.b": {"value": "x", "capture": "a"}}}\n' | bad
check 'a capture with nothing to read: exit 78' \
    'soc-ingest --mappings b events.json >o 2>e; [ $? -eq 78 ] && grep -q "fields.a.b: a capture reads a field" e'
printf '{"format": "json", "fields": {"a.b": "x"},\n "reject": [{"if": {"has": "x"}}]}\n' | bad
check 'a reject without a reason: exit 78' \
    'soc-ingest --mappings b events.json >o 2>e; [ $? -eq 78 ] && grep -q "b/x.json:2:[0-9]*: reject.0: a reject is" e'
printf '{"format": "json", "fields": {"a.b": "x"},\n "reject": {"if": {"field": "x", "matches": "y"}, "reason": "r"}}\n' | bad
check 'a reject with a bad condition: exit 78' \
    'soc-ingest --mappings b events.json >o 2>e; [ $? -eq 78 ] && grep -q "reject.if.matches: unknown condition" e'
printf '{"format": "json", "fields": {"a.b": "x"},\n "reject": []}\n' | bad
check 'an empty list of rejects: exit 78' \
    'soc-ingest --mappings b events.json >o 2>e; [ $? -eq 78 ] && grep -q "reject: a list of rejects is not empty" e'
done_testing
