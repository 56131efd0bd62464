#!/bin/sh
# suricata-eve golden test: fixture input written from the vendor's documented
# format, expected records read field by field, the rejects named;
# detected on its own, and the same with -f suricata-eve.
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 5
golden suricata-eve suricata-eve.json
check_exit 'with -f suricata-eve: exit 65 for the bad events' 65 \
    'cd "$FIX/ingest" && SOC_NOW=2026-11-22T00:00:00Z soc-ingest -f suricata-eve suricata-eve.json >"$T/out2" 2>/dev/null'
check_same 'the same records with -f' "$FIX/ingest/suricata-eve.out" "$T/out2"
done_testing
