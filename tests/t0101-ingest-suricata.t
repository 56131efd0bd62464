#!/bin/sh
# suricata-eve golden test: fixture input written from the vendor's documented
# format, expected records read field by field, the rejects named.
. "$(dirname "$0")/lib.sh"
plan 5
export SOC_NOW=2026-11-22T00:00:00Z
check_exit 'auto-detected: exit 65 for the bad events' 65 \
    'cd "$FIX/ingest" && soc-ingest suricata-eve.json >"$T/out" 2>"$T/err"'
check_same 'records' "$FIX/ingest/suricata-eve.expected" "$T/out"
check_same 'rejects on stderr' "$FIX/ingest/suricata-eve.stderr" "$T/err"
check_exit 'with -f suricata-eve' 65 \
    'cd "$FIX/ingest" && soc-ingest -f suricata-eve suricata-eve.json >"$T/out2" 2>/dev/null'
check_same 'the same records with -f' "$FIX/ingest/suricata-eve.expected" "$T/out2"
done_testing
