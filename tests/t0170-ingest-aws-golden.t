#!/bin/sh
# soc-ingest golden records of the aws formats (cloudtrail guardduty asff): fixtures
# written to each vendor's documented shape, detected with -f auto.
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
command -v jq >/dev/null || skip_all 'jq not installed'

n=0
for f in cloudtrail guardduty asff; do
	n=$((n + $(golden_nfiles "$f") * 4))
done
plan "$n"
for f in cloudtrail guardduty asff; do
	golden_dir "$f"
done
done_testing
