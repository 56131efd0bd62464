#!/bin/sh
# File-form wrappers split into their events, and --map choosing its
# format without -f.
. "$(dirname "$0")/lib.sh"
plan 7
export SOC_NOW=2026-11-22T00:00:00Z
F=$FIX/ingest

finding() {
	printf '{"SchemaVersion":"2018-10-08","Id":"%s","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/guardduty","GeneratorId":"g","AwsAccountId":"111122223333","Types":["TTPs"],"CreatedAt":"2026-11-20T10:00:00Z","UpdatedAt":"2026-11-20T10:00:00Z","Severity":{"Label":"HIGH"},"Title":"%s","Description":"d","Resources":[{"Type":"AwsEc2Instance","Id":"i-1"}]}' "$1" "$1"
}
{ printf '{"Findings":['; finding a; printf ','; finding b; printf ','; finding c; printf '],"NextToken":"tok"}\n'; } >findings.json
check_exit 'a Security Hub page with NextToken: exit 0' 0 \
	'soc-ingest findings.json >out.ndjson'
check 'three findings, each its own record, in order' \
	'test "$(jq -r .message out.ndjson | sed "s/.*: //" | tr "\n" " ")" = "a b c "'
{ printf '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#alerts","value":['; sed -n 1p "$F/graph-alert/alerts.json" | tr -d '\n'; printf ']}\n'; } >page.json
check 'a Microsoft Graph page {"value":[...]} splits into its alerts' \
	'soc-ingest page.json >g.ndjson && test "$(jq -r .soc.source.format g.ndjson)" = graph-alert'
check 'an unknown member next to Findings keeps the object whole (one event)' \
	'{ printf "{\"Findings\":[],\"Other\":1}\n"; } | soc-ingest -f asff >o2.ndjson 2>e2.txt; test "$(wc -l <o2.ndjson)" -le 1'
check_exit '--map without -f reads CSV as its map says (the fixture has 3 bad rows)' 65 \
	'soc-ingest --map "$F/map-csv.json" "$F/map.csv" >csv.ndjson'
check 'the CSV records are those of -f csv' \
	'soc-ingest -f csv --map "$F/map-csv.json" "$F/map.csv" >csv2.ndjson 2>/dev/null; cmp csv.ndjson csv2.ndjson && test -s csv.ndjson'
check 'and came out as csv' \
	'test "$(jq -r .soc.source.format csv.ndjson | sort -u)" = csv'
done_testing
