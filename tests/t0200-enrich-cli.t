#!/bin/sh
# soc-enrich's command line and stream contract (the usage is t0007's):
# the golden output over the fixtures, byte-for-byte pass-through
# of other records, rejects, idempotence, exit codes.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null 2>&1 || skip_all 'mandoc not installed'
plan 20
MAN="$SOC_TOP/man/soc-enrich.1"
E="$FIX/enrich"
export SOC_NOW=2026-11-22T12:00:00Z

check 'man page is mandoc -Tlint -Wwarning clean' 'mandoc -Tlint -Wwarning "$MAN"'
check_exit 'an unknown option is a usage error' 64 'soc-enrich --nosuch'
check_exit 'an unknown intel verb is a usage error' 64 'soc-enrich intel frob'
check_exit 'zones import takes one file' 64 'soc-enrich zones import a b'

# Before any import: every alert gets an empty enrichment.
check_exit 'no state yet: exit 0' 0 \
	'sed -n 1p "$E/alerts.ndjson" | soc-enrich >"$T/empty"'
check 'no state yet: empty enrichment' \
	'grep -q "\"enrich\":{\"intel\":\[\],\"intel_max_confidence\":0,\"assets\":\[\],\"asset_criticality\":0,\"identities\":\[\],\"privileged\":false,\"zones\":{\"source\":\"internal\",\"destination\":\"external\"},\"lookups\":\[\]}" "$T/empty"'

soc-enrich intel import "$E"/intel/* >/dev/null
soc-enrich assets import "$E/assets.csv" >/dev/null
soc-enrich identities import "$E/identities.json" >/dev/null
soc-enrich zones import "$E/zones.csv" >/dev/null
check_exit 'the fixtures: two bad lines make 65' 65 \
	'soc-enrich --rejects "$T/rej" "$E/alerts.ndjson" >"$T/out" 2>"$T/err"'
check_same 'golden output' "$E/expected.ndjson" "$T/out"
check 'the rejects name file and line' \
	'grep -q "^soc-enrich: .*alerts.ndjson:9: invalid JSON" "$T/err" && test "$(wc -l <"$T/err")" -eq 2'
check 'a record without soc.kind is a reject that names the fix' \
	'grep -q "^soc-enrich: .*alerts.ndjson:7: no soc.kind: not a socpipe record (normalise raw events with soc-ingest first)" "$T/err"'
check 'the reject sink holds the line' \
	'grep -q "this line is not JSON" "$T/rej" && grep -q "\"kind\":\"reject\"" "$T/rej"'
sed -n '5,6p' "$E/alerts.ndjson" >"$T/other.in"
grep -v '"kind":"alert"' "$T/out" >"$T/other.out"
check_same 'records that are not alerts pass byte for byte' "$T/other.in" "$T/other.out"
check 'every other byte of an alert is kept' \
	'sed -n 1p "$E/alerts.ndjson" | sed "s/}}\$//" | tr -d "\\n" >"$T/pre" &&
	 head -c "$(wc -c <"$T/pre")" "$T/out" | cmp -s - "$T/pre"'
check_exit 'stdin works the same' 65 'soc-enrich <"$E/alerts.ndjson" >"$T/out2" 2>/dev/null'
check_same 'stdin output' "$T/out" "$T/out2"
check_exit 'a second run replaces soc.enrich' 0 'soc-enrich "$T/out" >"$T/out3"'
check_same 'a second run gives the same bytes' "$T/out" "$T/out3"
check_exit 'a missing input is 66, the others are read' 66 \
	'soc-enrich "$T/missing" "$T/other.in" >"$T/out4" 2>"$T/err4"'
check 'the readable input still passed' 'cmp -s "$T/other.in" "$T/out4" && grep -q "cannot open" "$T/err4"'
check_exit 'a closed stdout ends quietly with 0' 0 \
	'for i in 1 2 3 4 5 6 7 8; do cat "$E/expected.ndjson"; done >"$T/many";
	 for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/many"; done >"$T/more";
	 soc-enrich "$T/more" | head -n 1 >/dev/null'
done_testing
