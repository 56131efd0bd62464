#!/bin/sh
# soc-ingest golden records of the identity formats (okta entra-signin entra-audit m365 google-workspace): fixtures
# written to each vendor's documented shape, detected with -f auto.
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
command -v jq >/dev/null || skip_all 'jq not installed'

n=0
for f in okta entra-signin entra-audit m365 google-workspace; do
	n=$((n + $(golden_nfiles "$f") * 4))
done
plan "$n"
for f in okta entra-signin entra-audit m365 google-workspace; do
	golden_dir "$f"
done
done_testing
