#!/bin/sh
# Encodings soc-ingest reads besides each product's own (fixtures written
# from the tools' documented output): Windows Event XML as tools export
# it (a whole log on one line; a byte order mark and CRLF; the <Event>
# start tag split over lines), raw Linux auditd records, key=value
# firewall and proxy logs with quoted values, and JSON inside a
# shipper's envelope (Logstash/Beats message, Log Analytics RawData).
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 24
enc() {
	_g=enc-${1%.*}
	( cd "$FIX/ingest" && SOC_NOW=2026-11-23T00:00:00Z soc-ingest \
	    "encodings/$1" >"$T/$_g.out" 2>"$T/$_g.err"; echo $? >"$T/$_g.rc" )
	check_same "$1: records" "$FIX/ingest/$_g.out" "$T/$_g.out"
	check_same "$1: rejects" "$FIX/ingest/$_g.err" "$T/$_g.err"
	check_same "$1: exit status" "$FIX/ingest/$_g.rc" "$T/$_g.rc"
}
for f in audit.log firewall.log envelopes.ndjson winxml-oneline.xml \
    winxml-bom-crlf.xml winxml-split-tag.xml; do
	enc "$f"
done
O=$FIX/ingest
check 'XML on one line: two events, both windows-xml' \
    '[ "$(jq -r .soc.source.format "$O/enc-winxml-oneline.out" | tr "\n" " ")" = "windows-xml windows-xml " ]'
check 'auditd: the failed PAM login of the inner msg, by root from its address' \
    'sed -n 6p "$O/enc-audit.out" | jq -e ".user.name == \"root\" and .event.outcome == \"failure\"
        and .source.ip == \"203.0.113.77\" and .event.action == \"user_auth\""'
check 'auditd: proctitle decoded from hex' \
    'sed -n 5p "$O/enc-audit.out" | jq -e ".process.title == \"cat /etc/shadow\""'
check 'kv behind a syslog header: the header host is the observer' \
    'sed -n 2p "$O/enc-firewall.out" | jq -e ".soc.source.format == \"kv\" and .observer.hostname == \"fw02\"
        and .event.action == \"blocked\""'
check 'envelopes: the originals are read as their products' \
    '[ "$(jq -r .soc.source.format "$O/enc-envelopes.out" | tr "\n" " ")" = "suricata-eve auditd okta syslog " ]'
check 'the twin rule: an Okta event in Log Analytics RawData keeps its id' \
    'jq -r .RawData "$O/encodings/envelopes.ndjson" | grep . >raw.json &&
     SOC_NOW=2026-11-23T00:00:00Z soc-ingest raw.json | jq -r .soc.id >a &&
     sed -n 3p "$O/enc-envelopes.out" | jq -r .soc.id >b && cmp -s a b'
done_testing
