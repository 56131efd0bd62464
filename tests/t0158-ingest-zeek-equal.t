#!/bin/sh
# zeek: the TSV and the JSON form of the same events (conn with sets and
# unset fields, dns with vectors and an escaped TAB, notice, http with an
# ISO ts in the JSON form) give identical records apart from soc.source.
. "$(dirname "$0")/lib.sh"
plan 5
export SOC_NOW=2026-11-22T00:00:00Z
check_exit 'TSV form' 0 'soc-ingest "$FIX/ingest/zeek-tsv.log" >tsv.json'
check_exit 'JSON form' 0 'soc-ingest "$FIX/ingest/zeek-json.log" >json.json'
check 'five records each' '[ $(wc -l <tsv.json) -eq 5 ] && [ $(wc -l <json.json) -eq 5 ]'
check 'strip soc.source' 'jq -c "del(.soc.source)" tsv.json >a && jq -c "del(.soc.source)" json.json >b'
check_same 'identical records' a b
done_testing
