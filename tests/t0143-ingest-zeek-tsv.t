#!/bin/sh
# zeek TSV: header blocks, sets, vectors, unset and empty fields, escapes
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 3
golden zeek-tsv zeek-tsv.log
done_testing
