#!/bin/sh
# ecs golden test: fixture input written from the vendor's documented
# format, expected records read field by field, the rejects named.
. "$(dirname "$0")/lib.sh"
plan 5
export SOC_NOW=2026-11-22T00:00:00Z
check_exit 'auto-detected: exit 65 for the bad events' 65 \
    'cd "$FIX/ingest" && soc-ingest ecs.json >"$T/out" 2>"$T/err"'
check_same 'records' "$FIX/ingest/ecs.expected" "$T/out"
check_same 'rejects on stderr' "$FIX/ingest/ecs.stderr" "$T/err"
check_exit 'with -f ecs' 65 \
    'cd "$FIX/ingest" && soc-ingest -f ecs ecs.json >"$T/out2" 2>/dev/null'
check_same 'the same records with -f' "$FIX/ingest/ecs.expected" "$T/out2"
done_testing
