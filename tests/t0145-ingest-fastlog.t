#!/bin/sh
# suricata-fast: fast.log lines (IPv4, IPv6, ICMP, no classification), rejects
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 3
golden fast fast.log
done_testing
