#!/bin/sh
# examples/ops/soc-approvals, the approval workflow from the shell, after
# a soc-hourly run over the samples with a live soc-act (tickets, and a
# hook for every other action): list what waits with the commands, show
# a step with its incident's story, approve one that then runs, approve
# a senior step with two people (an approver without the role refused),
# deny one, and the exit statuses of what is refused.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
plan 14
export SOC_NOW=2026-11-22T12:00:00Z SOCPIPE_OUT="$T/out" SOCPIPE_BIN="$SOC_BIN"
export SOCPIPE_POLICY="$SOC_TOP/examples/policy.json"
O=$SOC_TOP/examples/ops
EX=$SOC_TOP/examples
A=$O/soc-approvals

soc-audit init >/dev/null
{ soc-enrich intel import "$EX"/intel/* && soc-enrich assets import "$EX/assets.csv" &&
  soc-enrich identities import "$EX/identities.csv" &&
  soc-enrich zones import "$EX/zones.csv"; } >/dev/null
mkdir -p "$SOC_HOME"
printf '#!/bin/sh\necho "$SOC_ACTION $SOC_TARGET_TYPE:$SOC_TARGET_VALUE" >>%s/hook.log\n' "$T" >hook
chmod 755 hook
cat >"$SOC_HOME/act.json" <<EOJ
{"mode": "live",
 "local": {"tickets": {"dir": "tickets"},
  "hook": {"command": ["$T/hook"], "actions": ["block_ip", "block_domain",
   "contain_host", "block_hash", "suspend_user", "revoke_sessions",
   "reset_credentials", "force_mfa_reenrollment", "disable_access_key",
   "rotate_access_key", "page_oncall", "notify_owner"]}},
 "approvers": {"alice": {"roles": ["senior"]}, "bob": {"roles": ["approve"]},
  "carol": {"roles": ["approve"]}}}
EOJ
sh "$O/soc-hourly" "$EX/auth.log" "$EX/cloudtrail.json" "$EX/suricata-eve.json" \
    "$EX/sysmon.json" >/dev/null 2>hourly.err

check_exit 'list: 0' 0 'sh "$A" list >list'
soc-act pending --json | jq -r 'select(.soc.action.waiting_for.command != null) |
	"\(.soc.action.tier) \(.soc.action.step)"' >pending
# Steps that run after no other, so that an approval runs them at once.
jq -r 'select(.soc.kind == "decision") | .soc.decision.steps[] |
	select((.after // []) | length == 0) | "free \(.id)"' "$T/out/socpipe.ndjson" >free
awk 'FILENAME == "free" { ok[$2] = 1; next } ($2 in ok) { print }' free pending >ready
check 'every step waiting for a person is listed with its command' \
	'test -s pending && while read -r tier id; do
		grep -qx "    soc-act approve $id --by NAME" list || exit 1; done <pending'
one=$(awk '$1 == "approve" { print $2; exit }' ready)
two=$(awk -v one="$one" '$1 == "approve" && $2 != one { print $2; exit }' pending)
sen=$(awk '$1 == "senior" { print $2; exit }' ready)
check 'a step of tier approve and one of tier senior that run after no other, and another, wait' \
	'test -n "$one" && test -n "$two" && test -n "$sen"'

check_exit 'show: 0' 0 'sh "$A" show "$one" >show'
check 'show: the step, then the story of its incident' \
	'grep -q "^step $one: " show && grep -q "^incident [0-9a-f]* version" show &&
	 grep -q "^timeline:" show && grep -q "^blast radius:" show'
check_exit 'approve as bob: 0' 0 'SOC_APPROVER=bob sh "$A" approve "$one" "checked" >ap1'
check 'the step ran, its record is kept, the hook was called' \
	'grep -q "^$one done " ap1 &&
	 jq -s -e --arg s "$one" "map(select(.soc.kind == \"action\" and .soc.action.step == \$s and
	     .soc.action.status == \"done\")) | length == 1" "$T/out/socpipe.ndjson" >/dev/null &&
	 test -s "$T/hook.log" && ! grep -q "$one" "$(sh "$A" list >l2; echo l2)"'
check_exit 'approving it again: 1 (no longer pending)' 1 \
	'SOC_APPROVER=bob sh "$A" approve "$one"'

check_exit 'a senior step: bob approves first: 0' 0 'SOC_APPROVER=bob sh "$A" approve "$sen"'
check_exit 'carol has no senior role to complete it: 77' 77 'SOC_APPROVER=carol sh "$A" approve "$sen"'
check_exit 'alice completes it: 0' 0 'SOC_APPROVER=alice sh "$A" approve "$sen" >ap2'
check 'it ran' 'grep -q "^$sen done " ap2'

check_exit 'deny as alice: 0' 0 'SOC_APPROVER=alice sh "$A" deny "$two" "a false positive"'
check 'the denied step no longer waits; the audit log has the approvals and the denial' \
	'sh "$A" list >l3 && ! grep -q "$two" l3 &&
	 test "$(soc-audit show --kind approval | wc -l)" -eq 3 &&
	 test "$(soc-audit show --kind denial | wc -l)" -eq 1'
