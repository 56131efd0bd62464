#!/bin/sh
# soc-correlate reads each entity by its field's meaning and its value's
# shape: a C2 name in TLS and DNS is a domain, never a host; an address
# written as a URL's host or as a syslog host is an address, never a domain
# or a host; the source address of failed logins is an entity even when
# external, and links the attempts on two hosts; soc.enrich marks the
# crown jewel and the privileged user, not the alert's other entities; a
# spray across many hosts makes its address a hub, and the addresses that
# try one host do not make that host a hub.  The fixtures come from
# raw events through soc-ingest (and soc-enrich): tests/fixtures/correlate/
# regen.sh.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 15
F=$FIX/correlate
export SOC_NOW=2026-11-20T13:00:00Z

check_exit 'the kinds fixture groups' 0 'soc-correlate "$F/kinds.ndjson" >kinds.out'
check_same 'kinds golden output' "$F/kinds.expected" kinds.out
# incidents: [[kind, value]...] of each, in order of first alert
jq -c 'select(.soc.kind == "incident") | .soc.incident |
	[.entities[] | [.kind, .value]]' kinds.out >ents

jq -c 'select(any(.[]; . == ["domain","update-check.example.net"]))' ents >got
echo '[["ip","10.3.0.21"],["domain","update-check.example.net"],["ip","10.3.0.22"],["ip","10.3.0.2"]]' >want
check_same 'the C2 name seen in TLS (SNI) and DNS is one domain and links both' want got
check 'no host is made of a domain name' \
	'! grep -q "\"host\",\"update-check" ents'

jq -c 'select(any(.[]; . == ["ip","10.3.0.44"]))' ents >got
echo '[["ip","10.3.0.44"]]' >want
check_same 'an address as the URL host is not a domain (external: not kept)' want got
check_exit 'with internal_only 0 it is an address' 0 \
	'echo "{\"internal_only\":0}" >all.json && SOC_HOME=$T/all soc-correlate --config all.json "$F/kinds.ndjson" >all.out'
jq -c 'select(.soc.kind == "incident") | .soc.incident | [.entities[] | [.kind, .value]] |
	select(any(.[]; . == ["ip","10.3.0.44"]))' all.out >got
echo '[["ip","10.3.0.44"],["ip","192.0.2.91"]]' >want
check_same 'the download address is an ip, never a domain' want got

jq -c 'select(.soc.kind == "incident") | .soc.incident |
	select(.entities | map(.value) | index("198.51.100.45")) |
	[.counts.alerts, .blast_radius.users, .blast_radius.hosts,
	 [.blast_radius.addresses[] | [.value, .alerts, .crown_jewel]]]' kinds.out >got
jq -c '[.[0], [.[1][] | [.value, .privileged]], [.[2][] | [.value, .crown_jewel]], .[3]]' got >got2
echo '[2,[["root",true],["admin",false]],[["db-7",true],["web-3",false]],[["198.51.100.45",2,false]]]' >want
check_same 'failed logins on two hosts from one address: one incident; crown jewel and privileged only where soc.enrich named them' want got2

jq -c 'select(any(.[]; . == ["user","oracle"]))' ents >got
echo '[["user","oracle"],["ip","10.3.0.9"],["ip","10.3.0.77"]]' >want
check_same 'a syslog host written as its address is an address, not a host' want got

# The hub cut-off still holds for the new address entities: a spray from
# one external address across eight hosts links the first attempts, then
# the address is a hub (counted) and the rest stay apart.
check_exit 'the spray groups' 0 \
	'SOC_HOME=$T/spray soc-correlate --config "$F/hub.json" --stats "$F/kinds-spray.ndjson" >spray.out 2>spray.err'
jq -c 'select(.soc.kind == "incident") | .soc.incident |
	[.counts.alerts, (.blast_radius.addresses[0].hub // false)]' spray.out >got
printf '%s\n' '[2,false]' '[1,true]' '[1,true]' '[1,true]' '[1,true]' '[1,true]' '[1,true]' >want
check_same 'past the cut-off the spraying address links nothing' want got
check 'the hub and its skipped links are counted' \
	'grep -q "1 hub entities (over 5 partners)" spray.err && grep -q "6 links skipped at hubs" spray.err'

# Internet noise: failed root logins on one host from eight outside
# addresses.  The addresses are entities, but no one's partners: the host
# does not become a hub from the attempts it gets, and still links.
check_exit 'the noise groups' 0 \
	'SOC_HOME=$T/noise soc-correlate --config "$F/hub.json" --stats "$F/kinds-noise.ndjson" >noise.out 2>noise.err'
jq -c 'select(.soc.kind == "incident") | .soc.incident |
	[.counts.alerts, [.blast_radius.hosts[] | [.value, .hub // false]],
	 (.blast_radius.addresses | length)]' noise.out | tail -n 1 >got
echo '[8,[["vpn-1",false]],8]' >want
check_same 'one incident on the host, which is no hub; every address in it' want got
check 'no hub' 'grep -q " 0 hub entities" noise.err'
done_testing
