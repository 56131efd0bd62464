#!/bin/sh
# zeek JSON: _path, epoch and ISO ts
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 3
golden zeek-json zeek-json.log
done_testing
