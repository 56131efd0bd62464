#!/bin/sh
# soc-ingest(1), ADDING A PRODUCT: the worked example is run as printed
# (tests/man-tutorial.py writes its files and runs its commands), so the
# manual's mapping file loads and gives the records it shows.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
command -v python3 >/dev/null || skip_all 'python3 not installed'
plan 2
export SOC_NOW=2026-11-22T00:00:00Z
check 'the man page has the worked example' \
    'grep -c "^\.\\\\\" tutorial-" "$SOC_TOP/man/soc-ingest.1" | grep -qx 3'
mkdir ex
check 'the worked example runs as printed' \
    'python3 "$SOC_TOP/tests/man-tutorial.py" "$SOC_TOP/man/soc-ingest.1" ex'
done_testing
