#!/bin/sh
# syslog: RFC 5424 (SD escapes, nil values, BOM), RFC 3164 variants, sshd, Cisco ASA, PAN-OS, CEF body
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 3
golden syslog syslog.log
done_testing
