#!/bin/sh
# syslog: the syslog samples of ../shared/corpus (PAN-OS CSV, Cisco ASA
# RFC 3164, RFC 5424 with structured data), and Snort's alert_csv through
# csv with a mapping file.
. "$(dirname "$0")/lib.sh"
C="$CORPUS/syslog"
[ -d "$C" ] || skip_all 'no ../shared/corpus/syslog'
command -v jq >/dev/null || skip_all 'no jq'
plan 15
export SOC_NOW=2026-11-22T00:00:00Z
check_exit 'PaloaltoOutput: line 88 is malformed' 65 "soc-ingest '$C/PaloaltoOutput' >pan.json 2>err"
check 'PaloaltoOutput: 99 records, the reject names line 88' \
    '[ $(wc -l <pan.json) -eq 99 ] && [ $(wc -l <err) -eq 1 ] && grep -q "PaloaltoOutput:88: syslog: PAN-OS log: columns" err'
check 'PaloaltoOutput: 50 THREAT alerts with rule and severity' \
    '[ $(jq -c "select(.event.dataset==\"panw.panos.threat\" and .event.kind==\"alert\" and (.rule.name|length>0) and .soc.severity>=50)" pan.json | wc -l) -eq 50 ]'
check 'PaloaltoOutput: 49 TRAFFIC events with endpoints' \
    '[ $(jq -c "select(.event.dataset==\"panw.panos.traffic\" and .source.ip and .destination.ip and .network.transport)" pan.json | wc -l) -eq 49 ]'
check 'PaloaltoOutput: users split' \
    '[ $(jq -c "select(.user.domain==\"example\" and (.user.name|startswith(\"user.name\")))" pan.json | wc -l) -eq $(jq -c "select(.user.name)" pan.json | wc -l) ]'
check_exit 'Syslog3164Output: exit 0' 0 "soc-ingest '$C/Syslog3164Output' >asa.json"
check 'Syslog3164Output: 100 records' '[ $(wc -l <asa.json) -eq 100 ]'
check 'Syslog3164Output: every record is Cisco ASA with a code' \
    '[ $(jq -c "select(.observer.product==\"ASA\" and (.event.code|length==6))" asa.json | wc -l) -eq 100 ]'
check 'Syslog3164Output: connections have both endpoints' \
    '[ $(jq -c "select(.event.code|test(\"^30201[3-6]$\")) | select(.source.ip and .destination.ip and .source.port and .destination.port)" asa.json | wc -l) -eq 73 ]'
check_exit 'Syslog5424Output: exit 0' 0 "soc-ingest '$C/Syslog5424Output' >r5424.json"
check 'Syslog5424Output: 3 records, host and time' \
    '[ $(jq -c "select(.host.name==\"loggregator\" and (.[\"@timestamp\"]|startswith(\"2014-06-20T09:14:0\")))" r5424.json | wc -l) -eq 3 ]'
check 'Syslog5424Output: structured data' \
    'sed -n 2p r5424.json | jq -e ".log.syslog.structured_data[\"exampleSDID@32480\"].eventSource==\"Other Application\"" >/dev/null'
check_exit 'SnortOutput: not syslog, rejected by detection' 65 "soc-ingest '$C/SnortOutput' >/dev/null 2>err"
check_exit 'SnortOutput: csv with a map' 0 \
    "soc-ingest -f csv --map '$FIX/ingest/snort-csv.map.json' '$C/SnortOutput' >snort.json"
check 'SnortOutput: 3 alerts with rule and endpoints' \
    '[ $(jq -c "select(.rule.id==\"12\" and .source.ip and .destination.port and .event.kind==\"alert\")" snort.json | wc -l) -eq 3 ]'
done_testing
