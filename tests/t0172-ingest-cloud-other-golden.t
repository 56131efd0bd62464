#!/bin/sh
# soc-ingest golden records of the cloud-other formats (azure-activity gcp-audit): fixtures
# written to each vendor's documented shape, detected with -f auto.
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
command -v jq >/dev/null || skip_all 'jq not installed'

n=0
for f in azure-activity gcp-audit; do
	n=$((n + $(golden_nfiles "$f") * 4))
done
plan "$n"
for f in azure-activity gcp-audit; do
	golden_dir "$f"
done
done_testing
