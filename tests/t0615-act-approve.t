#!/bin/sh
# soc-act's approval queue: denial is final, racing approvals run a step
# once, steps that run after others wait for them, expire runs inverses.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/act-lib.sh"
plan 16
export SOC_NOW=2026-12-04T10:00:00.000Z
start_vendor
act_config cfg.json
soc-audit init --origin soc.test/act >/dev/null
U='"target":{"type":"user","value":"alice@corp.example"}'
decision d1 inc-0001 \
    "{\"id\":\"s-deny\",\"action\":\"revoke_sessions\",$U,\"tier\":\"approve\",\"phase\":\"contain\"}" \
    "{\"id\":\"s-race\",\"action\":\"suspend_user\",$U,\"tier\":\"approve\",\"phase\":\"contain\",\"ttl_s\":600}" \
    "{\"id\":\"s-after\",\"action\":\"revoke_sessions\",$U,\"tier\":\"auto\",\"phase\":\"eradicate\",\"after\":[\"s-race\"]}" \
    "{\"id\":\"s-dead\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"203.0.113.5\"},\"tier\":\"auto\",\"phase\":\"recover\",\"after\":[\"s-deny\"]}" >d1.ndjson
jq '.routes.revoke_sessions = "okta" | .routes.suspend_user = "okta"' cfg.json >c.json
check_exit 'live: two steps wait for approval, two for them' 0 'soc-act --config c.json d1.ndjson >o'
check 'the step of tier auto after one pending approval is waiting, naming what it waits for' \
	'jq -se "[.[] | select(.soc.action.step==\"s-after\")][0].soc.action | .status == \"waiting\" and .waiting_for.steps == [\"s-race\"] and (.since | length) > 0" o >/dev/null'
check_exit 'deny needs a reason' 64 'soc-act --config c.json deny s-deny --by bob'
check_exit 'deny by an approver' 0 'soc-act --config c.json deny s-deny --by bob --reason "user is travelling" >dn'
check 'denied with the reason; what ran after it is skipped' \
	'jq -se ".[0].soc.action.status == \"denied\" and (.[0].soc.action.reason | test(\"travelling\")) and
	   .[1].soc.action.step == \"s-dead\" and .[1].soc.action.status == \"skipped\"" dn >/dev/null'
check_exit 'denial is final' 1 'soc-act --config c.json approve s-deny --by alice'
check 'and nothing was sent' '[ "$(count okta.sessions)" -eq 0 ]'
( soc-act --wait 20 --config c.json approve s-race --by bob >r1 2>e1; echo $? >x1 ) &
P1=$!
( soc-act --wait 20 --config c.json approve s-race --by alice >r2 2>e2; echo $? >x2 ) &
P2=$!
wait $P1 $P2
check 'two approvals at once: one runs the step, the other is told' \
	'[ "$(cat x1 x2 | sort | tr "\n" " ")" = "0 1 " ] && cat e1 e2 | grep -q "s-race is done, not pending approval"'
check 'the service was asked once' '[ "$(count okta.suspend)" -eq 1 ]'
check 'the step that waited ran after it' \
	'cat r1 r2 >r && jq -se "[.[] | .soc.action | select(.step==\"s-after\")][0].status == \"done\"" r >/dev/null &&
	 [ "$(count okta.sessions)" -eq 1 ]'
check 'pending is empty now' 'soc-act --config c.json pending >p && [ ! -s p ]'
check_exit 'expire before the TTL does nothing' 0 'soc-act --config c.json expire >x'
check 'nothing' '[ ! -s x ] && [ "$(count okta.unsuspend)" -eq 0 ]'
check_exit 'expire after it runs the inverse' 0 \
	'SOC_NOW=2026-12-04T10:11:00.000Z soc-act --config c.json expire >x'
check 'unsuspended, recorded as expired, once' \
	'jq -se ".[0].soc.action | .status == \"expired\" and .inverse == \"unsuspend_user\"" x >/dev/null &&
	 [ "$(count okta.unsuspend)" -eq 1 ] &&
	 SOC_NOW=2026-12-04T10:12:00.000Z soc-act --config c.json expire >x2 && [ ! -s x2 ] &&
	 [ "$(count okta.unsuspend)" -eq 1 ]'
check 'approvals, denial and the inverse are in the audit log, which verifies' \
	'grep -q "\"approval\"" state/audit/audit.log && grep -q "\"denial\"" state/audit/audit.log &&
	 grep -q "unsuspend_user" state/audit/audit.log && soc-audit verify >/dev/null'
done_testing
