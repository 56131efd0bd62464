#!/bin/sh
# soc-correlate infers T1110 Brute Force (credential-access, marked
# inferred) for an incident's failed authentications once they pass a
# threshold: five failures of one user within the hour (Okta), or one
# address failing for four users (an Entra ID spray); four failures, or
# five a day apart, are not enough.  The alerts' own threat fields are
# never written; failures spread over two runs count together; the
# thresholds are configuration (0 turns the inference off); the sample
# policy's password-guessing rule then plans credential resets.  The
# fixture is hand-written alerts of the shape soc-ingest gives sign-in
# logs (brute.ndjson: alice 5, the spray 4 users, frank 4, grace 5 a day
# apart).
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 13
F=$FIX/correlate
export SOC_NOW=2026-11-20T13:00:00Z

check_exit 'the sign-in failures group' 0 'soc-correlate "$F/brute.ndjson" >brute.out'
check_same 'brute golden output' "$F/brute.expected" brute.out
jq -c 'select(.soc.kind == "incident") | .soc.incident |
	[.entities[0].value, [.tactics[] | [.id, .alerts, .inferred, .technique, .first_seen]],
	 .chain.tactics]' brute.out >got
cat >want <<'W'
["alice",[["TA0006",5,true,"T1110","2026-11-20T10:00:00.000Z"]],["credential-access"]]
["bob",[["TA0006",4,true,"T1110","2026-11-20T11:10:00.000Z"]],["credential-access"]]
["frank",[],[]]
["grace",[],[]]
W
check_same 'five failures of one user and a spray over four users are T1110; four, or five a day apart, are not' want got
jq -c 'select(.soc.kind == "alert") | [.threat, .soc.incident.id != null]' brute.out | sort -u >got
echo '[null,true]' >want
check_same 'the alerts gain no threat field of their own' want got

# Over two runs: three failures, then two more, with the same state.
head -n 3 "$F/brute.ndjson" >run1.ndjson
sed -n '4,5p' "$F/brute.ndjson" >run2.ndjson
check_exit 'run 1' 0 'SOC_HOME=$T/two soc-correlate run1.ndjson >run1.out'
check_exit 'run 2' 0 'SOC_HOME=$T/two soc-correlate run2.ndjson >run2.out'
jq -c 'select(.soc.kind == "incident") | .soc.incident | [.counts.alerts, [.tactics[] | .technique]]' run1.out run2.out >got
printf '%s\n' '[3,[]]' '[5,["T1110"]]' >want
check_same 'failures over two runs count together' want got

echo '{"brute_failures":0,"brute_users":0}' >off.json
check_exit 'the inference off' 0 'SOC_HOME=$T/off soc-correlate --config off.json "$F/brute.ndjson" >off.out'
jq -c 'select(.soc.kind == "incident") | .soc.incident.tactics' off.out | sort -u >got
echo '[]' >want
check_same 'with both thresholds 0 nothing is inferred' want got

echo '{"brute_failures":4}' >four.json
check_exit 'a threshold of four' 0 'SOC_HOME=$T/four soc-correlate --config four.json "$F/brute.ndjson" >four.out'
jq -c 'select(.soc.kind == "incident") | .soc.incident | select(.entities[0].value == "frank") | [.tactics[].technique]' four.out >got
echo '["T1110"]' >want
check_same 'brute_failures 4: frank'"'"'s four failures are enough' want got

# The sample policy's password-guessing rule sees the inferred tactic.
check_exit 'soc-decide plans' 0 \
	'soc-decide --policy "$SOC_TOP/examples/policy.json" brute.out >decide.out 2>/dev/null'
jq -r 'select(.soc.kind == "decision") | .message' decide.out |
	sed -n 's/^Incident [0-9a-f]* v1, P3, score [0-9]*: \([0-9]* alerts[^.]*\)\. Plan: \(.*\)\.$/\1: \2/p' |
	sed 's/ [0-9a-f]\{32\}//g' >got
cat >want <<'W'
5 alerts, credential-access: reset_credentials alice (approve), force_mfa_reenrollment alice (approve), open_ticket (auto), tag (auto)
4 alerts, credential-access: reset_credentials bob (approve), reset_credentials carol (approve), reset_credentials dave (approve), reset_credentials erin (approve), force_mfa_reenrollment bob (approve), force_mfa_reenrollment carol (approve), and 4 more
4 alerts: open_ticket (auto), tag (auto)
5 alerts: open_ticket (auto), tag (auto)
W
check_same 'the password-guessing rule resets the guessed accounts, only those' want got
done_testing
