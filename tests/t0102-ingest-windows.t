#!/bin/sh
# windows golden test: fixture input written from the vendor's documented
# format, expected records read field by field, the rejects named;
# detected on its own, and the same with -f windows.
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 5
golden windows windows.json
check_exit 'with -f windows: exit 65 for the bad events' 65 \
    'cd "$FIX/ingest" && SOC_NOW=2026-11-22T00:00:00Z soc-ingest -f windows windows.json >"$T/out2" 2>/dev/null'
check_same 'the same records with -f' "$FIX/ingest/windows.out" "$T/out2"
done_testing
