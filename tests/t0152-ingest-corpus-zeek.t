#!/bin/sh
# zeek: every Zeek sample of ../shared/corpus (TSV with headers, zeek-cut
# rows, JSON in the @stream/underscore and Metron-wrapped forms): exit
# status, records, key fields; missing-separator.log's malformed lines
# are rejects that name them.
. "$(dirname "$0")/lib.sh"
C="$CORPUS/zeek"
[ -d "$C" ] || skip_all 'no ../shared/corpus/zeek'
command -v jq >/dev/null || skip_all 'no jq'
plan 46
export SOC_NOW=2026-11-22T00:00:00Z
while read -r f n q; do
	check_exit "$f: exit 0" 0 "soc-ingest '$C/$f' >out.json"
	check "$f: $n records" "[ \$(wc -l <out.json) -eq $n ]"
	check "$f: every record has $q" \
	    "[ \$(jq -c 'select($q)' out.json | wc -l) -eq $n ]"
done <<'EOF2'
BroExampleOutput 31 .observer.product=="Zeek" and (.event.dataset|startswith("zeek."))
otrf-apt29-day2/NEWYORK_dce_rpc.log 270 .event.dataset=="zeek.dce_rpc" and .source.ip and .destination.port and .event.action
otrf-apt29-day2/NEWYORK_kerberos.log 62 .event.dataset=="zeek.kerberos" and .source.ip and (.event.category|index("authentication"))
otrf-apt29-day2/UTICA-A_conn.log 353 .event.dataset=="zeek.conn" and .source.ip and .destination.ip and .network.transport
otrf-apt29-day2/UTICA-A_notice.log 1 .event.kind=="alert" and .rule.name=="SSL::Invalid_Server_Cert" and .destination.port==443
otrf-apt29-day2/UTICA-A_pe.log 1 .event.dataset=="zeek.pe" and .event.id=="FbJqNG3VobFODlAgpj"
wrccdc2018-tsv/dce_rpc.log 78 .event.dataset=="zeek.dce_rpc" and .source.ip and .event.id
wrccdc2018-tsv/kerberos.log 11 .event.dataset=="zeek.kerberos" and .destination.ip
wrccdc2018-tsv/notice.log 207 .event.kind=="alert" and (.rule.name|length>0) and .soc.severity==60
wrccdc2018-tsv/pe.log 21 .event.dataset=="zeek.pe" and .event.id
wrccdc2018-tsv/smb_files.log 13 .event.dataset=="zeek.smb_files" and .file.name and .event.action
wrccdc2018-tsv/ssh.log 22 .event.dataset=="zeek.ssh" and .destination.port and .network.protocol=="ssh"
zeek-repo/conn-tsv.log 5 .event.dataset=="zeek.conn" and .source.port and .event.duration
zeek-repo/conn.log 5 .event.dataset=="zeek.conn" and .network.bytes and (.["@timestamp"]|startswith("2012-02-21T"))
EOF2
check_exit 'missing-separator.log: malformed' 65 \
    "soc-ingest '$C/zeek-repo/missing-separator.log' >out.json 2>err"
check 'missing-separator.log: no record' '[ ! -s out.json ]'
check 'missing-separator.log: the rejects name lines 1 and 3' \
    'grep -q "missing-separator.log:1: zeek: #separator without a value" err &&
     grep -q "missing-separator.log:3: zeek: no ts" err && [ $(wc -l <err) -eq 2 ]'
check 'TSV and JSON conn of the zeek repo: same ids for the same uid-less fields' \
    'soc-ingest "$C/zeek-repo/conn.log" | jq -c "[.source.ip,.destination.port,.network.bytes]" | sort >a &&
     soc-ingest "$C/zeek-repo/conn-tsv.log" | jq -c "[.source.ip,.destination.port,.network.bytes]" | sort >b && cmp -s a b'
done_testing
