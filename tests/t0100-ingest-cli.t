#!/bin/sh
# soc-ingest's command line (the usage and SYNOPSIS are t0007's):
# --list-formats lists every format and the man page documents each one,
# exit codes for usage errors and unopenable inputs.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null 2>&1 || skip_all 'mandoc not installed'
plan 9
MAN="$SOC_TOP/man/soc-ingest.1"
export SOC_NOW=2026-11-22T00:00:00Z

check 'man page is mandoc -Tlint -Wwarning clean' 'mandoc -Tlint -Wwarning "$MAN"'
check_exit '--list-formats exits 0' 0 'soc-ingest --list-formats >"$T/list"'
# Every name in the registry, in order, is listed once: the formats
# written in C, with the shipped mapping files' (mappings/) before csv.
grep -o '&ing_fmt_[a-z_0-9]*' "$SOC_TOP/cmd/soc-ingest/formats.c" |
    sed 's/&ing_fmt_//; s/_/-/g' >"$T/builtin"
(cd "$SOC_TOP/mappings" && ls) | sed -n 's/\.json$//p' | LC_ALL=C sort >"$T/maps"
awk 'NR == FNR { m[++n] = $0; next }
    $0 == "csv" { for (i = 1; i <= n; i++) print m[i] } { print }' \
    "$T/maps" "$T/builtin" >"$T/registry"
awk '{ print $1 }' "$T/list" >"$T/listed"
check_same '--list-formats lists every registered format, in order' \
    "$T/registry" "$T/listed"
check 'every listed format has a description' \
    'awk "NF < 2 { exit 1 }" "$T/list"'
grep '^\.Ss ' "$MAN" | awk '{ print $2 }' >"$T/man-ss"
check_same 'the man page has one FORMATS section per format, in order' \
    "$T/registry" "$T/man-ss"
check_exit 'an unknown -f is a usage error' 64 'soc-ingest -f nosuch </dev/null'
check_exit 'an unknown option is a usage error' 64 'soc-ingest --nosuch </dev/null'
printf '{"timestamp":"2026-11-21T00:00:00Z","event_type":"dns","src_ip":"10.0.0.1","flow_id":1,"dns":{"rrname":"a.example"}}\n' >"$T/ok.json"
check_exit 'a missing input is 66, the others are read' 66 \
    'soc-ingest "$T/missing" "$T/ok.json" >"$T/out" 2>"$T/err"'
check 'the readable input still gave its record' \
    'test "$(wc -l <"$T/out")" -eq 1 && grep -q "cannot open" "$T/err"'
done_testing
