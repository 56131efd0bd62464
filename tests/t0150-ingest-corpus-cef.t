#!/bin/sh
# cef, leef: every CEF/LEEF sample of ../shared/corpus: exit status,
# records, key fields; the Tenzir edge-case file's junk line is a reject
# that names its line.
. "$(dirname "$0")/lib.sh"
C="$CORPUS/cef-leef"
[ -d "$C" ] || skip_all 'no ../shared/corpus/cef-leef'
command -v jq >/dev/null || skip_all 'no jq'
plan 19
export SOC_NOW=2026-11-22T00:00:00Z
# file, expected records, jq test every record must pass
while read -r f n q; do
	check_exit "$f: exit 0" 0 "soc-ingest '$C/$f' >out.json"
	check "$f: $n records" "[ \$(wc -l <out.json) -eq $n ]"
	check "$f: $q" "jq -e '$q' out.json >/dev/null"
done <<'EOF2'
cef/adallom.cef 1 .observer.vendor=="Adallom" and .user.email=="auser@example.com" and .["@timestamp"]=="2016-04-01T13:28:00.810Z"
cef/cyberark.cef 1 .observer.hostname=="HHHPVATN1" and .source.user.name=="spilgrim" and .source.ip=="10.44.134.78"
cef/palo.cef 1 .source.ip=="10.10.10.10" and .destination.port==443 and .url.original=="www.example.com/" and .observer.hostname=="hostname"
cef/waf.cef 1 .soc.severity==80 and .source.port==34435 and .["@timestamp"]=="2016-03-31T13:04:55.000Z"
leef/sample.leef 4 .observer.vendor=="Trend Micro" and (.rule.id|length>0) and .soc.source.format=="leef"
EOF2
check_exit 'tenzir/leef1.log: the junk line is rejected' 65 \
    "soc-ingest '$C/tenzir/leef1.log' >out.json 2>err"
check 'tenzir/leef1.log: 4 records' '[ $(wc -l <out.json) -eq 4 ]'
check 'tenzir/leef1.log: the reject names line 2' \
    'grep -q "leef1.log:2: leef: LEEF attributes: no key=value pair" err && [ $(wc -l <err) -eq 1 ]'
check 'tenzir/leef1.log: PTA event' \
    'head -1 out.json | jq -e ".user.name==\"mike\" and .soc.severity==80 and .[\"@timestamp\"]==\"2014-01-01T12:00:00.000Z\"" >/dev/null'
done_testing
