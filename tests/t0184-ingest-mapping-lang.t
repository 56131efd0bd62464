#!/bin/sh
# The mapping language (soc-ingest(1), MAPPING FILES) through --mappings
# DIR: selectors on arrays, tables with defaults, rules, nulls, time
# formats, a key=value text product behind a syslog header with its
# vendor namespace, a user's mapping replacing a shipped one, and the
# errors of a mapping file, each naming FILE:LINE:COL and the reason.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 27
export SOC_NOW=2026-11-22T00:00:00Z
mkdir d
cat >d/acme-idp.json <<'M'
{"description": "Acme IdP audit events",
 "format": "json",
 "namespace": "acme.idp",
 "detect": {"all": [{"has": "acme_event"}, {"field": "schema", "prefix": "acme/"}]},
 "fields": {"user.name": "actor.login",
            "user.target.name": "targets[type=user].login",
            "group.name": "targets[type=group].name",
            "user.roles": "targets[*].role",
            "event.id": ["uuid", "id"],
            "source.ip": "client.addrs[0]", "labels.note": "note"},
 "constants": {"event.category": "iam"},
 "tables": {"event.outcome": {"field": "result", "map": {"OK": "success", "DENIED": "failure"}, "default": "unknown"},
            "event.type": {"field": "acme_event", "map": {"grant": ["change", "admin"]}, "default": "info"}},
 "rules": [{"if": {"all": [{"field": "acme_event", "eq": "grant"}, {"field": "targets[*].role", "in": ["owner", "admin"]}]},
            "constants": {"event.kind": "alert", "tags": "privileged"},
            "message": "privileged grant to {targets[type=user].login} by {actor.login}"}],
 "nulls": ["n/a"],
 "timestamp": {"field": "at_us", "format": "epoch_us"},
 "severity": {"field": "acme_event", "map": {"grant": 60}},
 "message": "{acme_event} by {actor.login}"}
M
cat >ev.json <<'E'
{"schema":"acme/v2","acme_event":"grant","uuid":"u-1","at_us":1795252800123456,"actor":{"login":"root-admin"},"result":"OK","client":{"addrs":["198.51.100.7","10.0.0.1"]},"targets":[{"type":"group","name":"Admins","role":"admin"},{"type":"user","login":"eve","role":"owner"}],"note":"n/a","ticket":"CHG-42"}
{"schema":"acme/v2","acme_event":"login","id":"i-2","at_us":1795252860000000,"actor":{"login":"bob"},"result":"MAYBE","targets":[]}
E
check_exit 'a mapping directory: exit 0' 0 'soc-ingest --mappings d ev.json >out 2>err'
check 'the format is the file name' \
    '[ "$(jq -r .soc.source.format out | sort -u)" = acme-idp ]'
check '[key=value] and [*] selectors' \
    'sed -n 1p out | jq -e ".user.target.name == \"eve\" and .group.name == \"Admins\" and .user.roles == [\"admin\", \"owner\"] and .source.ip == \"198.51.100.7\""'
check 'candidate paths: the first present wins' \
    'jq -r .event.id out | tr "\n" " " | grep -qx "u-1 i-2 "'
check 'tables: a value, a list, a default' \
    'jq -c "[.event.outcome, .event.type]" out | tr "\n" " " | grep -qx "\[\"success\",\[\"change\",\"admin\"\]\] \[\"unknown\",\[\"info\"\]\] "'
check 'a rule that holds: its constants and its message' \
    'sed -n 1p out | jq -e ".event.kind == \"alert\" and .tags == [\"privileged\"] and .message == \"privileged grant to eve by root-admin\""'
check 'a rule that does not hold changes nothing' \
    'sed -n 2p out | jq -e ".event.kind == \"event\" and .message == \"login by bob\" and (.tags | not)"'
check 'epoch_us keeps the milliseconds' \
    'sed -n 1p out | jq -e ".\"@timestamp\" == \"2026-11-21T09:20:00.123Z\""'
check 'unmapped fields under the namespace; nulls are absent' \
    'sed -n 1p out | jq -e ".acme.idp.ticket == \"CHG-42\" and .acme.idp.schema == \"acme/v2\" and (.labels | not)"'

# A key=value product behind a syslog header.
cat >d/acme-fw.json <<'M'
{"format": "kv", "namespace": "acme.fw",
 "detect": {"all": [{"field": "devtype", "eq": "acmefw"}, {"has": "act"}]},
 "fields": {"source.ip": "src", "destination.ip": "dst", "destination.port": "dport",
            "event.action": "act", "rule.name": "policy"},
 "tables": {"event.outcome": {"field": "act", "map": {"drop": "failure", "pass": "success"}}},
 "message": "acme-fw {act} {src} -> {dst}:{dport}"}
M
printf '%s\n' '<134>Nov 21 09:30:00 fw-edge-1 acmefw: devtype=acmefw act=drop src=192.0.2.9 dst=10.1.1.5 dport=3389 policy="block rdp" zone=wan' >fw.log
check_exit 'kv text: exit 0' 0 'soc-ingest --mappings d fw.log >fw.out 2>fw.err'
check 'kv text: fields, the header host and time, the namespace' \
    'jq -e ".source.ip == \"192.0.2.9\" and .destination.port == 3389 and .rule.name == \"block rdp\"
        and .observer.hostname == \"fw-edge-1\" and .\"@timestamp\" == \"2026-11-21T09:30:00.000Z\"
        and .acme.fw.zone == \"wan\" and .soc.source.format == \"acme-fw\"" fw.out'
check_exit '-f names a mapping file format' 0 \
    'soc-ingest --mappings d -f acme-fw fw.log >fw2.out && cmp fw.out fw2.out'
check '--list-formats lists the directory mappings before csv' \
    'soc-ingest --mappings d --list-formats | awk "{ print \$1 }" >list &&
     grep -n "^acme-fw\$\|^acme-idp\$\|^csv\$" list | cut -d: -f2 | tr "\n" " " | grep -qx "acme-fw acme-idp csv "'

# A user's file replaces the shipped mapping of the same name.
mkdir u
jq '.constants["observer.product"] = "Duo (site copy)"' "$SOC_TOP/mappings/cisco-duo.json" >u/cisco-duo.json
jq -c '.examples[0]' "$SOC_TOP/mappings/cisco-duo.json" >duo.json
check_exit 'a user copy of a shipped mapping: exit 0' 0 'soc-ingest --mappings u duo.json >duo.out'
check 'the user copy wins' 'jq -e ".observer.product == \"Duo (site copy)\"" duo.out'

# Errors: FILE:LINE:COL: reason, exit 78, before any input is read.
bad() {
	rm -rf b && mkdir b && cat >b/x.json
}
printf '{"format": "json",\n "fields": {"user.name": "u",}\n}\n' | bad
check_exit 'a JSON syntax error: exit 78' 78 'soc-ingest --mappings b ev.json >o 2>e'
check 'it names the file, line and column' 'grep -q "^soc-ingest: b/x.json:2:[0-9]*: " e'
printf '{"format": "json",\n "fields": {"user.name": "u"},\n "detcet": {"has": "u"}\n}\n' | bad
check_exit 'an unknown member: exit 78' 78 'soc-ingest --mappings b ev.json >o 2>e'
check 'its line and column, and the member' \
    'grep -qx "soc-ingest: b/x.json:3:12: detcet: unknown member .detcet. (see soc-ingest(1), MAPPING FILES)" e'
printf '{"format": "json",\n "fields": {"user.name": "u"},\n "detect": {"all": [\n   {"has": "a"},\n   {"field": "b", "equals": "c"}]}\n}\n' | bad
check_exit 'an unknown condition deep inside: exit 78' 78 'soc-ingest --mappings b ev.json >o 2>e'
check 'it names its line' 'grep -q "^soc-ingest: b/x.json:5:[0-9]*: detect.all.1.equals: unknown condition .equals." e'
printf '{"format": "json", "fields": {"user.name": "u"},\n "timestamp": {"field": "t", "format": "epoch_s"}}\n' | bad
check_exit 'an unknown time format: exit 78' 78 'soc-ingest --mappings b ev.json >o 2>e'
check 'it names the format' 'grep -q "b/x.json:2:[0-9]*: timestamp.format: unknown time format .epoch_s." e'
printf '{"format": "json", "fields": {"user.name": "u[type=x"}}\n' | bad
check_exit 'a bad selector: exit 78' 78 'soc-ingest --mappings b ev.json >o 2>e && grep -q "bad selector" e'
mkdir c && printf '{"format": "json", "fields": {"user.name": "u"}}\n' >c/suricata-eve.json
check_exit 'a mapping named like a built-in format: exit 78' 78 \
    'soc-ingest --mappings c ev.json >o 2>e && grep -q "c/suricata-eve.json: .suricata-eve. is the name of a built-in format" e'
check_exit 'a missing directory: exit 66' 66 'soc-ingest --mappings nosuch ev.json >o 2>e'
printf '{"format": "json", "fields": {"user.name": "u"}}\n' >one.json
check_exit '--map checks its file the same way (no error here)' 0 \
    'echo "{\"u\":\"x\"}" | soc-ingest --map one.json >o 2>e'
done_testing
