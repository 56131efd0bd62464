#!/bin/sh
# wazuh golden test: fixture input written from the vendor's documented
# format, expected records read field by field, the rejects named.
. "$(dirname "$0")/lib.sh"
plan 5
export SOC_NOW=2026-11-22T00:00:00Z
check_exit 'auto-detected: exit 65 for the bad events' 65 \
    'cd "$FIX/ingest" && soc-ingest wazuh.json >"$T/out" 2>"$T/err"'
check_same 'records' "$FIX/ingest/wazuh.expected" "$T/out"
check_same 'rejects on stderr' "$FIX/ingest/wazuh.stderr" "$T/err"
check_exit 'with -f wazuh' 65 \
    'cd "$FIX/ingest" && soc-ingest -f wazuh wazuh.json >"$T/out2" 2>/dev/null'
check_same 'the same records with -f' "$FIX/ingest/wazuh.expected" "$T/out2"
done_testing
