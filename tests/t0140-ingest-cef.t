#!/bin/sh
# cef: escaping in header and extension, severities, syslog/5424/PRI prefixes, times, rejects
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 3
golden cef cef.log
done_testing
