#!/bin/sh
# Auto-detection over a mixed text stream (cat *.log | soc-ingest): a
# closed Zeek TSV log, syslog with CEF inside, fast.log, a pretty-printed
# Windows XML file and CEF lines each keep their format, line by line.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'no jq'
plan 8
F="$FIX/ingest"
{ cat "$F/zeek-tsv.log"; printf '#close\t2026-11-21-11-00-00\n'
  cat "$F/syslog.log" "$F/fast.log" "$F/winxml-pretty.xml" "$F/cef.log"; } >mixed.log
check_exit 'mixed stream: exit 65 (the fixtures hold rejects)' 65 \
    'SOC_NOW=2026-11-22T00:00:00Z soc-ingest mixed.log >out.json 2>err'
jq -r .soc.source.format out.json | sort | uniq -c | awk '{print $2, $1}' >counts
count() { [ "$(awk -v f="$1" '$1 == f { print $2 }' counts)" = "$2" ]; }
check 'zeek: 5 records' 'count zeek 5'
check 'syslog: 12 records' 'count syslog 12'
check 'cef: 9 records (8 alone, 1 inside syslog)' 'count cef 9'
check 'suricata-fast: 4 records' 'count suricata-fast 4'
check 'windows-xml: 3 records' 'count windows-xml 3'
# headers: the 23 '#' lines of Zeek; of the XML file the declaration,
# <Events>, </Events> and the 18 lines of gathered events before their
# last: 21
check 'every line is a record, a header or a reject' \
    '[ $(( $(wc -l <out.json) + $(wc -l <err) + 23 + 21 )) -eq $(wc -l <mixed.log) ]'
check 'the same rejects as the files alone' \
    '[ $(wc -l <err) -eq $(cat "$F"/syslog.err "$F"/fast.err "$F"/winxml-pretty.err "$F"/cef.err | wc -l) ]'
done_testing
