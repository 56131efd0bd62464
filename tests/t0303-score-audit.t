#!/bin/sh
# soc-score appends every model update to the audit log before applying
# it, and the log still verifies afterwards.
. "$(dirname "$0")/lib.sh"
plan 6
export SOC_NOW=2026-11-22T00:00:00Z
F=$FIX/score
check_exit 'audit log created' 0 'soc-audit init >/dev/null'
check_exit 'the alert is scored (and remembered for feedback)' 0 \
	'soc-score "$F/alert-a.ndjson" >scored'
check_exit 'a false positive is learned' 0 'soc-score learn "$F/fp-a.ndjson" 2>err'
check 'no "no audit log" warning when there is one' '! grep -q "no audit log" err'
check 'the update is in the log, naming the alert and the verdict' \
	'soc-audit show --kind model_update >upd &&
	 test "$(wc -l <upd)" -eq 1 &&
	 grep -q a0000000000000000000000000000001 upd && grep -q false_positive upd'
check_exit 'the log verifies' 0 'soc-audit verify'
done_testing
