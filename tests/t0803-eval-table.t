#!/bin/sh
# scripts/eval-table with no AIT-ADS recording present: it says so, and
# prints the one table with the simulated company's column alone.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
plan 4

mkdir empty
check_exit 'eval-table without recordings: 0' 0 \
	'EVAL_AIT_N=5 EVAL_SIM_ARGS="--days 1 --users 20 --warm 1" sh "$SOC_TOP/scripts/eval-table" empty >out 2>err'
check 'it says the recordings are absent' \
	'grep -q "no AIT-ADS recordings" err'
check 'one column, the simulated company, and no worst case' \
	'grep -Eq "^ +sim\$" out'
check 'the alert, incident and response rows' \
	'grep -q "^  benign alerts auto-closed " out &&
	 grep -q "^  incidents a day for a person " out &&
	 grep -q "^  alerts decided without a person " out'
