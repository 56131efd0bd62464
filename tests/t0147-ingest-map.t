#!/bin/sh
# csv and json-map: CSV with a header row and a JSON log, each with --map
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 6
golden map-csv -f csv --map map-csv.json map.csv
golden map-json -f json-map --map map-json.json map.json
done_testing
