#!/bin/sh
# windows-xml: Security and Sysmon events, UserData, entities, rejects; a
# pretty-printed <Events> file with events over several lines, one cut short
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 6
golden winxml winxml.log
golden winxml-pretty winxml-pretty.xml
done_testing
