#!/bin/sh
# The mapping language's constructs for exports that wrap the product's
# event or carry its members as JSON text (soc-ingest(1), MAPPING FILES):
# [json] selectors (also followed by [key=value] on a [{Name, Value}]
# list), a body with /PATH for the wrapper, let values read as %NAME,
# exists, the true, false and numeric types, a list of timestamps, and
# the errors of the new members.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 16
export SOC_NOW=2026-11-22T00:00:00Z
mkdir d
cat >d/acme-audit.json <<'M'
{"format": "json", "namespace": "acme.audit", "ignore_case": true,
 "detect": {"any": [{"field": "kind", "eq": "audit"}, {"field": "properties.kind", "eq": "audit"}]},
 "body": {"if": {"all": [{"field": "category", "eq": "AcmeAudit"}, {"exists": "time"}]}, "field": "properties"},
 "timestamp": [{"field": "when"}, {"field": ["/time", "/p_event_time"]}],
 "let": {
   "code": {"cases": [
     {"if": {"field": "Status[json].code", "is": "numeric"}, "field": "Status[json].code"},
     {"if": {"field": "/resultCode", "is": "numeric"}, "field": "/resultCode"}]},
   "outcome": {"if": {"exists": "%code"}, "field": "%code", "map": {"0": "success"}, "default": "failure"}},
 "fields": {
   "user": {"field": "Initiator[json].user.upn", "as": "login"},
   "user.target": {"field": "Parameters[json][Name=Identity].Value", "as": "login"},
   "event.outcome": "%outcome",
   "event.code": {"field": "%code", "as": "id"},
   "event.action": {"cases": [
     {"if": {"field": "interactive", "is": "false"}, "value": "background"},
     {"if": {"field": "interactive", "is": "true"}, "value": "interactive"},
     {"if": {"exists": "note"}, "value": "noted"}]},
   "cloud.account.id": {"field": "/tenant", "as": "string"}},
 "severity": {"default": 10, "adjust": [
   {"if": {"has": "Parameters[json][Name=ForwardTo].Value"}, "min": 60},
   {"if": {"field": "%outcome", "eq": "failure"}, "min": 30}]},
 "message": "acme {%outcome|'unknown'} by {Initiator[json].user.upn|'someone'}"}
M
cat >ev.json <<'E'
{"kind":"audit","when":"2026-11-21T10:00:00Z","Status":"{\"code\":0}","Initiator":"{\"user\":{\"upn\":\"ann@corp.example\"}}","Parameters":"[{\"Name\":\"Identity\",\"Value\":\"bob@corp.example\"},{\"Name\":\"ForwardTo\",\"Value\":\"x@evil.example\"}]","interactive":false}
{"category":"AcmeAudit","time":"2026-11-21T10:01:00Z","tenant":"t-1","resultCode":"50126","properties":{"kind":"audit","tenant":"inner","interactive":true,"initiator":{"user":{"upn":"carol@corp.example"}}}}
{"category":"AcmeAudit","time":"2026-11-21T10:02:00Z","properties":{"kind":"audit","when":"not a time","Status":"not json","note":""}}
{"category":"Other","time":"2026-11-21T10:03:00Z","properties":{"kind":"audit","when":"2026-11-21T10:04:00Z"}}
{"kind":"audit","when":"later"}
E
check_exit 'a time no alternative gives is a reject: exit 65' 65 \
    'soc-ingest --mappings d --rejects rej ev.json >out 2>err'
check '[json] reads a member carried as JSON text' \
    'sed -n 1p out | jq -e ".user.name == \"ann@corp.example\""'
check '[json][Name=Identity] reads a [{Name, Value}] list carried as text' \
    'sed -n 1p out | jq -e ".user.target.name == \"bob@corp.example\""'
check 'let values: a code from a JSON column, its outcome' \
    'sed -n 1p out | jq -e ".event.code == \"0\" and .event.outcome == \"success\""'
check 'has on a [json] path: the forwarding raises the severity' \
    'sed -n 1p out | jq -e ".soc.severity == 60"'
check 'is false, is true' \
    'jq -r ".event.action // \"-\"" out | tr "\n" " " | grep -qx "background interactive noted - "'
check 'body: paths read properties, /PATH the wrapper' \
    'sed -n 2p out | jq -e ".user.name == \"carol@corp.example\" and .cloud.account.id == \"t-1\""'
check 'a code the body lacks is read from the wrapper (numeric string)' \
    'sed -n 2p out | jq -e ".event.code == \"50126\" and .event.outcome == \"failure\" and .soc.severity == 30"'
check 'a bad first time falls to the next of the list' \
    'sed -n 3p out | jq -e ".[\"@timestamp\"] == \"2026-11-21T10:02:00.000Z\""'
check 'a string that is not JSON reads as absent' \
    'sed -n 3p out | jq -e "(.event.code | not) and (.event.outcome | not)"'
check 'the body is taken only when its condition holds' \
    'sed -n 4p out | jq -e ".[\"@timestamp\"] == \"2026-11-21T10:03:00.000Z\""'
check 'the last alternative names the reason' \
    'jq -r .soc.reject.reason rej | grep -qx "acme-audit: no time"'
check 'the message reads let values and [json] paths' \
    'sed -n 1p out | jq -e ".message == \"acme success by ann@corp.example\""'

# Errors of the new members name their place.
bad() {
	mkdir -p "e$1" && printf '%s\n' "$2" >"e$1/x.json"
	soc-ingest --mappings "e$1" </dev/null >/dev/null 2>"e$1.err"
	echo $? >"e$1.rc"
}
bad 1 '{"format":"json","let":{"Bad-Name":{"value":1}},"constants":{"a":1}}'
check 'a let name that is not lower-case: exit 78 at its place' \
    '[ "$(cat e1.rc)" = 78 ] && grep -q "x.json:1:.*let.Bad-Name: a value.s name" e1.err'
bad 2 '{"format":"json","body":{"if":{"has":"a"}},"constants":{"a":1}}'
check 'a body without field: exit 78' \
    '[ "$(cat e2.rc)" = 78 ] && grep -q "body: a body is" e2.err'
bad 3 '{"format":"json","detect":{"field":"a","is":"nothing"},"constants":{"a":1}}'
check 'an unknown type: exit 78 naming the types' \
    '[ "$(cat e3.rc)" = 78 ] && grep -q "true, false, numeric, time or ip" e3.err'
done_testing
