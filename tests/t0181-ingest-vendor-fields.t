#!/bin/sh
# The vendor namespace rule (socpipe-record(7), Vendor fields): what a
# format does not map is kept under the product's namespace, so two Okta
# privilege grants that differ only in debugData.privilegeGranted are two
# records with two ids, while the same events read from another encoding
# (pretty-printed documents, and Zeek TSV/JSON in t0158) keep their ids.
# Lossless: every value of a vendor's event is in its record.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 9
export SOC_NOW=2026-11-22T00:00:00Z
V=$FIX/ingest/vendor
check_exit 'two grants: exit 0' 0 'soc-ingest "$V/okta-grant.ndjson" >lines 2>err'
check 'two records, two ids' \
    '[ $(wc -l <lines) -eq 2 ] && [ $(jq -r .soc.id lines | sort -u | wc -l) -eq 2 ]'
check 'the privilege granted is kept under okta.*' \
    'jq -r .okta.debug_context.debug_data.privilege_granted lines >got &&
     printf "Read-only Administrator\nSuper Administrator\n" | cmp -s - got'
check 'mapped fields are not repeated (no okta.uuid, okta.published)' \
    '! jq -e "select(.okta.uuid or .okta.published or .okta.actor.alternate_id)" lines >/dev/null'
check_exit 'the same events as pretty-printed documents: exit 0' 0 \
    'soc-ingest "$V/okta-grant-pretty.json" >docs 2>err'
check 'the twins keep their ids' \
    'jq -r .soc.id lines >a && jq -r .soc.id docs >b && cmp -s a b'

# Lossless: each scalar of the input events (strings of two bytes or
# more, numbers) is a value of the record, ignoring case.
leaves='[.. | scalars | select(type == "number" or (type == "string" and length >= 2)) | tostring | ascii_downcase] | unique'
all='[.. | scalars | tostring | ascii_downcase] | unique'
lossless() {
	jq -c "$leaves" "$1" >in.leaves &&
	soc-ingest "$1" 2>/dev/null | jq -c "$all" >out.leaves &&
	paste -d '\n' in.leaves out.leaves | jq -s -e '
	    [range(0; length; 2) as $i | .[$i] - .[$i + 1]] | all(length == 0)' >/dev/null
}
check 'lossless: Okta grants' 'lossless "$V/okta-grant.ndjson"'
check 'lossless: the generic products' \
    'grep -v noTimeHere "$FIX/ingest/generic/products.ndjson" >p.ndjson && lossless p.ndjson'
check 'lossless: Suricata EVE alerts and events' \
    'grep -v "\"bad\|1e-400\|not-a-time" "$FIX/ingest/suricata-eve.json" | sed -n 1,10p >eve.json && lossless eve.json'
done_testing
