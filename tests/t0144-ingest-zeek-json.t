#!/bin/sh
# zeek JSON: _path, epoch and ISO ts; one event of each further mapped log
# (ssl, files, weird, x509, ssh, smtp, smb_mapping, intel, software, dhcp),
# an unknown log, and rejects
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 6
golden zeek-json zeek-json.log
golden zeek-logs zeek-logs.json
done_testing
