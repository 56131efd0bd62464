#!/bin/sh
# The mapping language's constructs for the products that moved from C
# (soc-ingest(1), MAPPING FILES): keys in any case, fields in order with
# constants, tables, cases and conditions, the transforms (login, user,
# hash, ip_port, number, string), detection by levels, type tests and
# lists, a computed severity, message alternatives and sections, the
# time's reasons, and the errors of the new members.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 26
export SOC_NOW=2026-11-22T00:00:00Z
mkdir d
cat >d/acme-sso.json <<'M'
{"format": "json", "namespace": "acme.sso", "ignore_case": true,
 "detect": [
   {"if": {"all": [{"field": "kind", "eq": "sso"}, {"field": "actor", "is": "object"}]}, "score": 90},
   {"if": {"field": "kind", "eq": "sso"}, "score": 40}],
 "timestamp": {"field": ["when", "at"]},
 "fields": {
   "event.kind": {"value": "event"},
   "event.category": {"cases": [
     {"if": {"field": "op", "prefix": ["login.", "logout."]}, "value": ["authentication", "session"]},
     {"if": {"field": "op", "contains": ["grant", "revoke"]}, "value": "iam"},
     {"value": "configuration"}]},
   "event.outcome": {"if": {"has": "result"}, "field": "result",
     "map": {"OK": "success", "NO": "failure"}, "default": "unknown"},
   "user": {"field": "actor.login", "as": "login"},
   "user.target": {"field": "target", "as": "user"},
   "source": {"field": "client.addr", "as": "ip_port"},
   "process": {"field": "file.digest", "as": "hash"},
   "source.as.number": {"field": "client.asn", "as": "number"},
   "event.id": {"field": "id", "as": "string"},
   "labels.tier": {"field": "tier", "default": "basic"},
   "host.ip": {"each": ["client.addr", "agent.ip", "agent.nat_ip"], "as": "ip"},
   "file.name": {"field": "agent.path", "as": "basename"},
   "threat.tactic.name": {"field": "tactics[*].name", "as": "tactic"},
   "labels.route": {"if": {"has": "op"}, "template": "{op}/{tier|'basic'}"}},
 "severity": {"field": "level", "map": {"warn": 40}, "default": 10,
   "adjust": [{"if": {"field": "result", "eq": "NO"}, "min": 30},
              {"if": {"field": "op", "contains": ["grant"]}, "min": 50},
              {"if": {"field": "reviewed", "eq": "yes"}, "max": 20}]},
 "message": "SSO {op|'activity'} by {actor.login|actor.name|'someone'} from {$source.ip|'nowhere'}{?reason}: {reason}{/}"}
M
cat >ev.json <<'E'
{"KIND":"sso","When":"2026-11-21T10:00:00Z","Op":"login.start","Actor":{"Login":"ann@corp.example"},"Result":"NO","Client":{"Addr":"[2001:db8::7]:4433","ASN":"64500"},"reason":"bad password","id":17}
{"kind":"sso","at":"2026-11-21T10:01:00Z","op":"role.grant","actor":{"name":"bob"},"target":"CORP\\carol","file":{"digest":"d41d8cd98f00b204e9800998ecf8427e"},"reviewed":"yes","id":"x-2","tier":"gold"}
{"kind":"sso","at":"2026-11-21T10:02:00Z","level":"warn","client":{"addr":"not an address"},"id":3,"agent":{"ip":"10.0.0.9","nat_ip":"198.51.100.4","path":"C:\\Tools\\run.exe"},"tactics":[{"name":"Execution"},{"name":"lateral-movement"}]}
{"kind":"sso","when":"soon","op":"x"}
{"kind":"sso","op":"y"}
E
check_exit 'bad and missing times are rejects: exit 65' 65 \
    'soc-ingest --mappings d --rejects rej ev.json >out 2>err'
check 'keys in another case are found (ignore_case)' \
    'sed -n 1p out | jq -e ".user.name == \"ann@corp.example\" and .source.as.number == 64500 and (.event.id | not)"'
check 'detection by levels: an actor object is 90 sure, none 40 (still the product)' \
    '[ "$(jq -r .soc.source.format out | sort -u)" = acme-sso ]'
check 'the record starts with @timestamp, then the fields in the order written' \
    'sed -n 1p out | jq -c "keys_unsorted[0:4]" | grep -qx "\[\"@timestamp\",\"event\",\"user\",\"source\"\]"'
check 'cases: the first that holds, a list, a default' \
    'jq -c ".event.category" out | tr "\n" " " | grep -qx "\[\"authentication\",\"session\"\] \[\"iam\"\] \[\"configuration\"\] "'
check 'a table under a condition: absent field, nothing set' \
    'jq -r ".event.outcome // \"-\"" out | tr "\n" " " | grep -qx "failure - - "'
check 'login: name, domain and e-mail' \
    'sed -n 1p out | jq -e ".user.domain == \"corp.example\" and .user.email == \"ann@corp.example\""'
check 'user: DOMAIN\user split' \
    'sed -n 2p out | jq -e ".user.target.name == \"carol\" and .user.target.domain == \"CORP\""'
check 'ip_port: a bracketed IPv6 address and its port' \
    'sed -n 1p out | jq -e ".source.ip == \"2001:db8::7\" and .source.port == 4433"'
check 'ip_port: what is not an address sets nothing' \
    'sed -n 3p out | jq -e ".source | not"'
check 'hash by length: 32 hex digits are md5' \
    'sed -n 2p out | jq -e ".process.hash.md5 == \"d41d8cd98f00b204e9800998ecf8427e\""'
check 'string: a number is dropped, a string kept' \
    'jq -r ".event.id // \"-\"" out | tr "\n" " " | grep -qx -e "- x-2 - "'
check 'a field default when absent' \
    'jq -r .labels.tier out | tr "\n" " " | grep -qx "basic gold basic "'
check 'severity: min for a failure, min then max, the map' \
    'jq -r .soc.severity out | tr "\n" " " | grep -qx "30 20 40 "'
check 'message: alternatives, the record value, a section' \
    'jq -r .message out >msgs && printf "%s\n" "SSO login.start by ann@corp.example from 2001:db8::7: bad password" "SSO role.grant by bob from nowhere" "SSO activity by someone from nowhere" | cmp -s - msgs'
check 'the reasons of a bad and a missing time' \
    'grep -q "ev.json:4: acme-sso: bad when .soon.\$" err && grep -q "ev.json:5: acme-sso: no when\$" err'
check 'each: every address of the list, what is not one left out' \
    'sed -n 3p out | jq -e ".host.ip == [\"10.0.0.9\", \"198.51.100.4\"]"'
check 'basename of a Windows path' \
    'sed -n 3p out | jq -e ".file.name == \"run.exe\""'
check 'tactics by name through the ATT&CK table' \
    'sed -n 3p out | jq -e ".threat.tactic.id == [\"TA0002\", \"TA0008\"]"'
check 'a template value, only when its condition holds' \
    'jq -r ".labels.route // \"-\"" out | tr "\n" " " | grep -qx -e "login.start/basic role.grant/gold - "'
check 'unmapped fields under the namespace' \
    'sed -n 2p out | jq -e ".acme.sso.reviewed == \"yes\""'

# The new members' errors.
mkdir b
bad() { cat >b/x.json; }
printf '{"format": "json", "fields": {"user": {"field": "u", "as": "upper"}}}\n' | bad
check 'an unknown transform: exit 78, named' \
    'soc-ingest --mappings b ev.json >o 2>e; [ $? -eq 78 ] && grep -q "b/x.json:1:[0-9]*: fields.user.as: as is login" e'
printf '{"format": "json", "fields": {"user.name": {"value": "a", "field": "b"}}}\n' | bad
check 'a field with value and field: exit 78' \
    'soc-ingest --mappings b ev.json >o 2>e; [ $? -eq 78 ] && grep -q "a field object has one of value, template, field, each and cases" e'
printf '{"format": "json", "fields": {"user.name": "u"},\n "detect": [{"if": {"has": "u"}, "score": 120}]}\n' | bad
check 'a detection score out of range: exit 78, its line' \
    'soc-ingest --mappings b ev.json >o 2>e; [ $? -eq 78 ] && grep -q "b/x.json:2:[0-9]*: detect.0: a detection is" e'
printf '{"format": "json", "fields": {"user.name": "u"},\n "severity": {"adjust": [{"if": {"has": "u"}, "least": 3}]}}\n' | bad
check 'a bad adjustment: exit 78' \
    'soc-ingest --mappings b ev.json >o 2>e; [ $? -eq 78 ] && grep -q "severity.adjust.0: an adjustment is" e'
printf '{"format": "json", "fields": {"user.name": "u"},\n "detect": {"field": "u", "is": "text"}}\n' | bad
check 'an unknown type: exit 78' \
    'soc-ingest --mappings b ev.json >o 2>e; [ $? -eq 78 ] && grep -q "detect.is: .is. takes object" e'
done_testing
