#!/bin/sh
# windows-xml: Security and Sysmon events, UserData, entities, rejects
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 3
golden winxml winxml.log
done_testing
