#!/bin/sh
# soc-ingest golden records of the edr formats (crowdstrike crowdstrike-fdr mde graph-alert defender-incident sentinelone carbonblack elastic-alert): fixtures
# written to each vendor's documented shape, detected with -f auto.
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/cloud-golden.sh"
command -v jq >/dev/null || skip_all 'jq not installed'

n=0
for f in crowdstrike crowdstrike-fdr mde graph-alert defender-incident sentinelone carbonblack elastic-alert; do
	n=$((n + $(cloud_nfiles "$f") * 4))
done
plan "$n"
for f in crowdstrike crowdstrike-fdr mde graph-alert defender-incident sentinelone carbonblack elastic-alert; do
	cloud_golden "$f"
done
done_testing
