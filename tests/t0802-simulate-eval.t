#!/bin/sh
# scripts/eval-sim on a tiny company: it runs, labels every line, its
# campaign summary agrees with the ground truth it was given, and the
# incident and response figures (scripts/eval-correlate,
# scripts/eval-incidents) count the same campaigns and alerts.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
plan 9

check_exit 'eval-sim runs: 0' 0 \
	'EVAL_SIM_KEEP="$T/keep" sh "$SOC_TOP/scripts/eval-sim" -n 5 --days 1 --users 20 --warm 1 >out 2>err'
check 'every event was scored and labelled' \
	'test "$(sed -n "s/^alerts: //p" out)" -eq "$(wc -l <keep/org/events.log)" &&
	 test "$(wc -l <keep/labels.ndjson)" -eq "$(wc -l <keep/org/events.log)"'
check 'the malicious labels are the truth lines' \
	'test "$(grep -c "\"malicious\"" keep/labels.ndjson)" -eq "$(wc -l <keep/org/truth.ndjson)"'
check 'one summary line a campaign' \
	'test "$(grep -c "steps caught" out)" -eq "$(wc -l <keep/org/campaigns.ndjson)"'
steps=$(jq -r .step keep/org/truth.ndjson | sort -u | wc -l)
check 'the summary counts every step of the truth' \
	'grep -q "^campaign_steps_caught: [0-9]*/$steps\$" out'
camps=$(wc -l <keep/org/campaigns.ndjson)
check 'every campaign is counted at incident level' \
	'grep -q "^campaigns_in_escalated: [0-9]*/$camps\$" out &&
	 grep -q "^campaigns_whole_chain: [0-9]*/$camps\$" out &&
	 grep -q "^campaigns_decided: [0-9]*/$camps\$" out'
check 'every step of the truth is counted in incidents' \
	'grep -q "^steps_in_escalated: [0-9]*/$steps\$" out'
check 'the share decided without a person is over every alert' \
	'grep -q "^decided_without_person: [0-9.]* ([0-9]*/$(wc -l <keep/org/events.log))\$" out'
check 'a time to the first decision, or none' \
	'grep -Eq "^time_to_decision_min: ([0-9.]+ \(worst [0-9.]+\)|-)\$" out'
