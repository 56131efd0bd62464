#!/bin/sh
# The mapping language's capture and reject (soc-ingest(1), MAPPING
# FILES): parts of strings by a regular expression's group (a
# subscription in a resource id, a provider before its '/', a verb after
# the last '.', DOMAIN\HOST cut in two, each value of a list), matched
# ignoring case, absent when it does not match; rejects by condition with
# their own reason and the raw line kept, before the time; the "time"
# type; and the errors of the new members, each naming its line.  Then
# the other constructs the mappers moved from C needed: numeric tests,
# the "ip" type, "$PATH" (the record so far), rules without "if", a
# list read as strings, a scale onto part of the house scale, a certain
# detection.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 30
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

# The other constructs of the moved mappers.
mkdir ed
cat >ed/acme-edr.json <<'M'
{"format": "json", "ignore_case": true,
 "detect": [{"if": {"field": "kind", "eq": "acme-edr/v1"}, "score": 100}],
 "timestamp": {"field": "t"},
 "fields": {
   "http.response.status_code": "code",
   "event.outcome": {"if": {"field": "code", "is": "numeric"}, "cases": [
     {"if": {"field": "code", "lt": 400}, "value": "success"}, {"value": "failure"}]},
   "labels.peer": {"if": {"field": "peer", "is": "ip"}, "field": "peer"},
   "user.name": {"field": ["login", "account", "owner"], "as": "string"},
   "process": {"field": "sha", "as": "hash"}},
 "rules": [
   {"if": {"not": {"exists": "$process.hash.sha256"}},
    "fields": {"process": {"field": "cause_sha", "as": "hash"}}},
   {"fields": {"labels.big": {"if": {"field": "bytes", "ge": 1000}, "value": "yes"}}}],
 "severity": {"field": "level", "scale": [1, 10, 10, 100], "default": 50},
 "message": "acme {kind}"}
M
cat >e.json <<'E'
{"kind":"acme-edr/v1","t":"2026-11-21T10:00:00Z","code":404,"peer":"192.0.2.7","login":17,"account":"ann","sha":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","cause_sha":"4fa8c2b1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7","bytes":"1000","level":8}
{"kind":"acme-edr/v1","t":"2026-11-21T10:01:00Z","code":"201","peer":"not-an-address","owner":"bob","cause_sha":"4fa8c2b1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7","bytes":999,"level":11}
{"kind":"acme-edr/v1","t":"2026-11-21T10:02:00Z","level":"5.5"}
E
check_exit 'the constructs of the moved mappers: exit 0' 0 \
    'soc-ingest --mappings ed e.json >eo 2>ee'
check 'lt on a number and on a numeric string' \
    'jq -r ".event.outcome // \"-\"" eo | tr "\n" " " | grep -qx "failure success - "'
check 'the ip type: an address only' \
    'jq -r ".labels.peer // \"-\"" eo | tr "\n" " " | grep -qx "192.0.2.7 - - "'
check 'a list read as strings takes the first string (a number is passed over)' \
    'jq -r ".user.name // \"-\"" eo | tr "\n" " " | grep -qx "ann bob - "'
check '$PATH reads the record so far: the cause only when no process hash' \
    'jq -r ".process.hash.sha256 // \"-\"" eo | cut -c1-4 | tr "\n" " " | grep -qx "e3b0 4fa8 - "'
check 'a rule without if always holds; ge on a numeric string' \
    'jq -r ".labels.big // \"-\"" eo | tr "\n" " " | grep -qx "yes - - "'
check 'scale [1, 10, 10, 100]: 8 is 80, off the scale no evidence, 5.5 rounded' \
    'jq -c "[.soc.severity, .event.severity]" eo | tr "\n" " " | grep -qx "\[80,8\] \[50,null\] \[55,6\] "'
check 'a certain detection (100)' \
    '[ "$(jq -r .soc.source.format eo | sort -u)" = acme-edr ]'
printf '{"format": "json", "fields": {"a.b": "x"},\n "severity": {"field": "x", "scale": [1, 10, 10]}}\n' >ed/acme-edr.json
check 'a scale of three numbers: exit 78' \
    'soc-ingest --mappings ed e.json >o 2>e2; [ $? -eq 78 ] && grep -q "ed/acme-edr.json:2:[0-9]*: severity.scale: scale is" e2'

# A group between fixed characters is found by the expression without
# the group (mapre.c): the same parts as the expression with a second
# group after it, which takes the general way.
mkdir fl
cat >fl/acme-flat.json <<'M'
{"format": "json", "detect": {"has": "s"}, "timestamp": {"field": "t"},
 "fields": {
   "labels.a1": {"field": "s", "capture": "/x-([^/]+)"},
   "labels.a2": {"field": "s", "capture": "/x-([^/]+)()"},
   "labels.b1": {"field": "s", "capture": "^[a-z]([^/]*)/$"},
   "labels.b2": {"field": "s", "capture": "^[a-z]([^/]*)(/)$"},
   "labels.c1": {"field": "s", "capture": "[[:digit:]]\\.(.*)q.$"},
   "labels.c2": {"field": "s", "capture": "[[:digit:]]\\.(.*)(q.)$"}},
 "message": "{s}"}
M
printf '%s\n' '{"t":"2026-11-21T10:00:00Z","s":"/X-ab/x-cd/"}' \
    '{"t":"2026-11-21T10:00:00Z","s":"q/x-/9.abqZ"}' \
    '{"t":"2026-11-21T10:00:00Z","s":"Bq7.x/y.zqQ/"}' \
    '{"t":"2026-11-21T10:00:00Z","s":"Kq7.x/"}' \
    '{"t":"2026-11-21T10:00:00Z","s":"nothing"}' >fl.json
check_exit 'flat and general captures: exit 0' 0 \
    'soc-ingest --mappings fl fl.json >flo 2>fle'
check 'the flat way finds what the general way finds' \
    'jq -c "[.labels.a1, .labels.b1, .labels.c1] == [.labels.a2, .labels.b2, .labels.c2]" flo >eq &&
     [ "$(wc -l <eq)" -eq 5 ] && ! grep -qvx true eq &&
     jq -c "[.labels.a1, .labels.b1, .labels.c1]" flo | tr "\n" " " |
     grep -qx "\[\"ab\",null,null\] \[null,null,\"ab\"\] \[null,null,\"x/y.zq\"\] \[null,\"q7.x\",null\] \[null,null,null\] "'

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
