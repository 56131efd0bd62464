#!/bin/sh
# soc-act runs plans: dry run by default, live actions written ahead to
# the audit log, each step once (replays, retries, crashes), failures as
# records with exit 69, no credential anywhere.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/act-lib.sh"
plan 31
export SOC_NOW=2026-12-04T10:00:00.000Z
cat >script.json <<'EOF2'
{"panos.uid": ["500", "500", "500", "500", "500", "500", "500", "500", "500", "500", "500", "500"], "hive.alert": ["slow"]}
EOF2
start_vendor --script script.json
act_config cfg.json
jq '. + {mode: "dry_run"}' cfg.json >dry.json
CS='"ids":{"crowdstrike.device_id":"4d5e6f708192a3b4c5d6e7f8091a2b3c"}'
decision d1 inc-0001 \
    "{\"id\":\"s-contain\",\"action\":\"contain_host\",\"target\":{\"type\":\"host\",\"value\":\"ws-12\",$CS},\"tier\":\"approve\",\"phase\":\"contain\",\"ttl_s\":3600}" \
    '{"id":"s-notify","action":"notify_channel","target":{"type":"channel","value":"soc"},"inputs":{"title":"contained","text":"host ws-12 contained"},"tier":"auto","phase":"notify","after":["s-contain"]}' \
    '{"id":"s-disable","action":"disable_user","target":{"type":"user","value":"alice@corp.example"},"tier":"senior","phase":"contain"}' >d1.ndjson
# rec_ok FILE STEP EXPR: EXPR holds for the last action record of STEP.
rec_ok() { jq -se "[.[] | select(.soc.kind==\"action\" and .soc.action.step==\"$2\")] | last | .soc.action | $3" "$1" >/dev/null; }
status_of() { jq -r "select(.soc.kind==\"action\" and .soc.action.step==\"$2\") | .soc.action.status" "$1" | tail -n 1; }

check_exit 'a dry run by default' 0 'soc-act --config dry.json d1.ndjson >o 2>e'
check 'the decision passes through, one dry_run record per step' \
	'[ "$(jq -c "select(.soc.kind==\"decision\")" o)" = "$(cat d1.ndjson)" ] &&
	 [ "$(jq -r "select(.soc.kind==\"action\") | .soc.action.status" o | sort | uniq -c | tr -s " ")" = " 3 dry_run" ]'
check 'the exact request, credentials masked, nothing sent' \
	'rec_ok o s-contain ".request | .method == \"POST\" and .headers.Authorization == \"Bearer [redacted]\" and
	  (.url | endswith(\"/cs/devices/entities/devices-actions/v2?action_name=contain\"))" &&
	 [ ! -s "$VLOG" ]'
check 'a step for approval shows who must approve and how' \
	'rec_ok o s-disable ".waiting_for | .roles == [\"senior\"] and .approvals == 2 and .command == \"soc-act approve s-disable --by NAME --config dry.json\" and
	  .approvers == [\"alice\", \"bob\", \"carol\"]"'
decision d0 inc-0000 \
    '{"id":"s-block","action":"block_ip","target":{"type":"ip","value":"203.0.113.9"},"tier":"auto","phase":"contain"}' >d0.ndjson
check_exit 'live with no audit log: nothing runs' 74 'soc-act --state noaudit --config cfg.json d0.ndjson >o 2>e'
check 'the step failed, saying why, and nothing reached the service' \
	'[ "$(status_of o s-block)" = failed ] && grep -q "soc-audit init" o && [ "$(count panos.uid)" -eq 0 ]'
soc-audit init --origin soc.test/act >/dev/null
check_exit 'live: the steps for approval wait' 0 'soc-act --config cfg.json d1.ndjson >o0 2>e'
check 'the containment and the senior step pending, the notice waiting for the containment' \
	'[ "$(status_of o0 s-contain)" = pending_approval ] && [ "$(status_of o0 s-notify)" = waiting ] &&
	 [ "$(status_of o0 s-disable)" = pending_approval ] && [ "$(count cs.contain)" -eq 0 ]'
check_exit 'an approval runs the containment' 0 'soc-act --config cfg.json approve s-contain --by bob >o 2>e'
check 'contained (polled), the mailbox notified after it' \
	'[ "$(status_of o s-contain)" = done ] && [ "$(status_of o s-notify)" = done ] &&
	 [ "$(count cs.contain)" -eq 1 ] && grep -q "^Subject: \[socpipe\] contained (incident inc-0001)" state/mbox'
check 'the action record: connector, response, result, inverse due' \
	'rec_ok o s-contain ".connector == \"crowdstrike\" and .response.status == 202 and (.response.sha256 | length) == 64 and
	  .result.verify == \"contained\" and .inverse_due == \"2026-12-04T11:00:00.000Z\" and .mode == \"live\""'
check 'the intent is in the audit log before the result' \
	'grep -n "\"action_intent\"" state/audit/audit.log | grep s-contain | cut -d: -f1 >i &&
	 grep -n "\"action_result\"" state/audit/audit.log | grep s-contain | cut -d: -f1 >r &&
	 [ -s i ] && [ "$(cat i)" -lt "$(cat r)" ]'
check_exit 'the audit log verifies' 0 'soc-audit verify >/dev/null'
check_exit 'a replay acts on nothing' 0 'soc-act --config cfg.json d1.ndjson >o2 2>e'
check 'every step skipped, the service asked once' \
	'[ "$(jq -r "select(.soc.kind==\"action\") | .soc.action.status" o2 | sort -u)" = skipped ] &&
	 [ "$(count cs.contain)" -eq 1 ] && [ "$(grep -c "^From " state/mbox)" -eq 1 ]'
check 'pending names the step, the tier and the command' \
	'soc-act --config cfg.json pending >p && grep -q "^s-disable disable_user user:alice@corp.example tier senior since 2026-12-04T10:00:00.000Z" p &&
	 grep -q "soc-act approve s-disable --by NAME" p'
check_exit 'senior: a first approval by an approver' 0 \
	'soc-act --config cfg.json approve s-disable --by bob --note "seen it" >a1'
check 'still pending, with the approval' \
	'jq -e ".soc.action.status == \"pending_approval\" and .soc.action.approvals[0].by == \"bob\" and .soc.action.waiting_for.approvals == 1" a1 >/dev/null &&
	 [ "$(count graph.account)" -eq 0 ]'
check_exit 'the same person twice is refused' 77 'soc-act --config cfg.json approve s-disable --by bob'
check_exit 'a second approver without the senior role is refused' 77 \
	'soc-act --config cfg.json approve s-disable --by carol'
check_exit 'someone without a role is refused' 77 'soc-act --config cfg.json approve s-disable --by dave'
check_exit 'a senior completes it: the step runs' 0 'soc-act --config cfg.json approve s-disable --by alice >a2'
check 'done once, both approvals recorded' \
	'jq -e ".soc.action.status == \"done\" and ([.soc.action.approvals[].by] | sort) == [\"alice\",\"bob\"]" a2 >/dev/null &&
	 [ "$(count graph.account)" -eq 1 ]'
# Blocks run at tier auto (the action catalog's): a firewall that fails.
decision d2 inc-0002 \
    '{"id":"s-iso","action":"block_ip","target":{"type":"ip","value":"203.0.113.9"},"tier":"auto","phase":"contain"}' >d2.ndjson
jq '.routes.block_ip = "panos"' cfg.json >s1.json
check_exit 'a service that keeps failing: exit 69' 69 'soc-act --config s1.json d2.ndjson >o 2>e'
check 'a failed record with the reason; three attempts' \
	'rec_ok o s-iso ".status == \"failed\" and .attempts == 3 and (.error | test(\"HTTP 500\"))"'
A='"target":{"type":"ip","value":"203.0.113.9"},"tier":"auto","phase":"contain"'
decision d4 inc-0004 "{\"id\":\"c1\",\"action\":\"block_ip\",$A}" \
    "{\"id\":\"c2\",\"action\":\"block_ip\",$A}" "{\"id\":\"c3\",\"action\":\"block_ip\",$A}" >d4.ndjson
jq '.connectors.panos.circuit = {failures: 2, open_s: 60}' s1.json >s1c.json
check_exit 'a failing service opens the circuit' 69 'soc-act --config s1c.json d4.ndjson >o 2>e'
check 'after two failed steps the third fails at once, sending nothing' \
	'rec_ok o c3 ".status == \"failed\" and (.error | test(\"circuit open\")) and .attempts == 0" &&
	 [ "$(count panos.uid)" -eq 9 ]'
decision d3 inc-0003 \
    '{"id":"s-hive","action":"open_ticket","target":{"type":"ip","value":"203.0.113.7"},"inputs":{"title":"t","text":"x"},"tier":"auto","phase":"notify"}' >d3.ndjson
jq '.routes.open_ticket = "thehive"' cfg.json >hive.json
soc-act --config hive.json d3.ndjson >crash.out 2>&1 &
ACT_PID=$!
_i=0; while [ "$(count hive.alert)" -eq 0 ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
kill -9 $ACT_PID; wait $ACT_PID 2>/dev/null
check 'killed while the request was in flight (after its intent)' \
	'[ "$(count hive.alert)" -eq 1 ] && grep -q s-hive state/audit/audit.log'
check_exit 'the next run does not act again: a failure to check by hand' 69 \
	'soc-act --config hive.json d3.ndjson >o 2>e'
check 'interrupted, then skipped; the service asked once' \
	'[ "$(jq -r "select(.soc.action.step==\"s-hive\") | .soc.action.status" o | tr "\n" " ")" = "failed skipped " ] &&
	 grep -q "outcome is unknown" o && sleep 5 && [ "$(count hive.alert)" -eq 1 ]'
check 'no credential in any output, log, database or audit entry' \
	'! grep -rq S3CR3T o0 o o2 a1 a2 e p crash.out state'
done_testing
