#!/bin/sh
# Vendor severities off the vendor's own scale are no evidence, the same
# rule in every format: the record has no event.severity and gets the
# default soc.severity (50 for alerts), never a value made up from the
# bad one (EVE severity 0 and 1e-400 were 80, "most severe").
. "$(dirname "$0")/lib.sh"
plan 22
export SOC_NOW=2026-11-22T00:00:00Z
eve() { printf '{"timestamp":"2026-11-21T00:00:00Z","flow_id":1,"event_type":"alert","src_ip":"10.0.0.1","alert":{"signature_id":1,"signature":"x","severity":%s}}\n' "$1"; }
wazuh() { printf '{"timestamp":"2026-11-21T09:00:00.000+0000","rule":{"level":%s,"description":"d","id":"5760"},"agent":{"id":"001","name":"web-1"},"location":"x"}\n' "$1"; }
fast() { printf '11/21/2026-10:15:03.123456  [**] [1:2019401:3] ET X [**] [Classification: C] [Priority: %s] {TCP} 10.0.0.5:51234 -> 93.184.216.34:80\n' "$1"; }
# sev WHAT SOC EVENT: the record of $T/in has those severities ("null": none)
sev() {
	check_exit "$1: a record" 0 'soc-ingest "$T/in" >"$T/out"'
	check "$1: soc.severity $2, event.severity $3" \
	    "test \"\$(jq -c '[.soc.severity, .event.severity]' \"\$T/out\")\" = '[$2,$3]'"
}
for v in 0 1e-400 -1 1.5 256; do eve "$v" >"$T/in"; sev "eve severity $v" 50 null; done
eve 1 >"$T/in"; sev 'eve severity 1' 80 1
for v in 16 1e9; do wazuh "$v" >"$T/in"; sev "wazuh level $v" 50 null; done
wazuh 15 >"$T/in"; sev 'wazuh level 15' 100 15
fast 0 >"$T/in"; sev 'fast.log priority 0' 50 null
printf 'LEEF:1.0|V|P|1.0|ev1|src=10.0.0.1\tsev=0\n' >"$T/in"; sev 'leef sev 0 (of 1-10)' 50 null
done_testing
