#!/bin/sh
# The tier a decision names is a request: soc-act runs each step at no
# less than its floor, the action catalog's tier raised by the site's
# policy and the configuration's "tiers".  A decision edited between
# soc-decide and soc-act to tier auto (or any stage that writes the
# stream) does not run a senior action, nor one for approval, without
# its approvals; the records and the audit log say why.  Nor does it run
# a step on a target the policy's never-touch lists hold.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/act-lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 28
export SOC_NOW=2026-12-04T10:00:00.000Z
cat >hook.sh <<'EOF'
#!/bin/sh
echo "$SOC_ACTION $SOC_TARGET_VALUE" >>"$(dirname "$0")/hook.out"
EOF
chmod +x hook.sh
cat >c.json <<EOF
{"mode":"live",
 "local":{"respond":{"type":"hook","command":["$T/hook.sh"],
  "actions":["contain_host","rotate_access_key","block_hash","block_ip","block_domain",
   "suspend_user","collect_forensics"]}},
 "approvers":{"alice":{"roles":["senior"]},"bob":{"roles":["approve"]},
  "carol":{"roles":["approve"]}}}
EOF
for s in state st2 st4 st5; do soc-audit --state $s init --origin soc.test/act >/dev/null; done
S='"tier":"auto","phase":"contain"'
decision d1 inc-1 \
    "{\"id\":\"f-host\",\"action\":\"contain_host\",\"target\":{\"type\":\"host\",\"value\":\"ws-1\"},$S}" \
    "{\"id\":\"f-key\",\"action\":\"rotate_access_key\",\"target\":{\"type\":\"access_key\",\"value\":\"AKIA1\"},$S}" \
    "{\"id\":\"f-hash\",\"action\":\"block_hash\",\"target\":{\"type\":\"hash\",\"value\":\"ab12\"},$S}" \
    "{\"id\":\"f-own\",\"action\":\"collect_forensics\",\"target\":{\"type\":\"host\",\"value\":\"ws-1\"},$S}" \
    "{\"id\":\"f-jewel\",\"action\":\"suspend_user\",\"target\":{\"type\":\"user\",\"value\":\"ceo\"},\"tier\":\"approve\",\"phase\":\"contain\",\"guards\":[\"crown jewel: senior\"]}" \
    "{\"id\":\"f-ip\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"203.0.113.9\"},$S}" >d1
# rec FILE STEP EXPR: EXPR holds for the last action record of STEP.
rec() { jq -se "[.[] | select(.soc.action.step == \"$2\")] | last | .soc.action | $3" "$1" >/dev/null; }

check_exit 'a decision naming tier auto for everything' 0 'soc-act --config c.json d1 >o'
check 'only the action whose floor is auto ran' \
	'[ "$(cat hook.out)" = "block_ip 203.0.113.9" ] && rec o f-ip ".status == \"done\" and (has(\"floor\") | not)"'
check 'an action for approval waits for one, saying why' \
	'rec o f-host ".status == \"pending_approval\" and .tier == \"approve\" and
	   .floor == {tier: \"approve\", named: \"auto\", source: \"the action catalog\"} and
	   .reason == \"decision d1 named tier auto for contain_host, under its floor approve (the action catalog)\" and
	   .waiting_for.approvals == 1"'
check 'a senior action waits for two, one a senior' \
	'rec o f-key ".status == \"pending_approval\" and .tier == \"senior\" and .floor.source == \"the action catalog\" and
	   .waiting_for.roles == [\"senior\"] and .waiting_for.approvals == 2"'
check 'the policy raises block_hash (the built-in sample plans it at approve)' \
	'rec o f-hash ".tier == \"approve\" and .floor.source == \"policy '"'"'socpipe-sample-1'"'"'\""'
check 'an action outside the catalog waits for an approval' \
	'rec o f-own ".tier == \"approve\" and .floor.source == \"an action outside the action catalog\""'
check 'the step'"'"'s own guards (a crown jewel) make it senior' \
	'rec o f-jewel ".tier == \"senior\" and .floor.named == \"approve\" and
	   .floor.source == \"the step'"'"'s guards: crown jewel: senior\""'
check 'each raise is in the audit log, which verifies' \
	'jq -se "map(select(.kind == \"tier_floor\") | .data | .step + \" \" + .named + \">\" + .tier) | sort ==
	   [\"f-hash auto>approve\", \"f-host auto>approve\", \"f-jewel approve>senior\", \"f-key auto>senior\", \"f-own auto>approve\"]" \
	   state/audit/audit.log >/dev/null && soc-audit verify >/dev/null'
check_exit 'one approver runs the action for approval' 0 'soc-act --config c.json approve f-host --by bob >a1'
check 'done' 'rec a1 f-host ".status == \"done\"" && grep -qx "contain_host ws-1" hook.out'
check_exit 'the senior action: a first approval' 0 'soc-act --config c.json approve f-key --by bob >a2'
check 'it still waits, for a senior' \
	'rec a2 f-key ".status == \"pending_approval\" and .waiting_for.approvers == [\"alice\"]" && ! grep -q rotate hook.out'
check_exit 'a second approver who is not senior is refused' 77 'soc-act --config c.json approve f-key --by carol'
check_exit 'a senior completes it' 0 'soc-act --config c.json approve f-key --by alice >a3'
check 'and it runs' 'rec a3 f-key ".status == \"done\"" && grep -qx "rotate_access_key AKIA1" hook.out'
check 'a dry run shows the floor too' \
	'soc-act --state dry --config c.json --dry-run d1 >o2 &&
	 rec o2 f-key ".status == \"dry_run\" and .tier == \"senior\" and .floor.named == \"auto\" and .waiting_for.approvals == 2"'

# The configuration raises a tier, or sets one for an action outside the
# catalog; it never lowers the catalog's.
decision d2 inc-2 "{\"id\":\"g-ip\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"203.0.113.10\"},$S}" \
    "{\"id\":\"g-own\",\"action\":\"collect_forensics\",\"target\":{\"type\":\"host\",\"value\":\"ws-2\"},$S}" >d2
jq '.tiers = {block_ip: "approve", collect_forensics: "auto"}' c.json >t.json
check 'the configuration'"'"'s tiers: block_ip waits, the hook'"'"'s own action runs' \
	'soc-act --state st2 --config t.json d2 >o3 &&
	 rec o3 g-ip ".status == \"pending_approval\" and .floor.source == \"the configuration'"'"'s tiers\"" &&
	 rec o3 g-own ".status == \"done\""'
check_exit 'a configuration that lowers the catalog'"'"'s tier is refused' 78 \
	'jq ".tiers = {contain_host: \"auto\"}" c.json >bad.json && soc-act --state st3 --config bad.json d2 >o4 2>e4'
check 'naming the action and its tier' 'grep -q "tiers.contain_host: the action catalog gives contain_host approve" e4'

# The site's policy: the lowest tier a rule of it plans an action at.
cat >p.json <<'EOF'
{"name":"site","rules":[
 {"name":"r1","when":{},"steps":[{"action":"block_domain","tier":"senior"},{"action":"block_ip","tier":"approve"}]},
 {"name":"r2","when":{},"steps":[{"action":"block_ip"}]}]}
EOF
decision d3 inc-3 "{\"id\":\"h-dom\",\"action\":\"block_domain\",\"target\":{\"type\":\"domain\",\"value\":\"evil.example\"},$S}" \
    "{\"id\":\"h-ip\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"203.0.113.11\"},$S}" >d3
jq '.policy = "'"$T"'/p.json"' c.json >pc.json
check 'a policy that plans an action only at senior makes it senior; one that plans it at auto too, not' \
	'soc-act --state st4 --config pc.json d3 >o5 &&
	 rec o5 h-dom ".status == \"pending_approval\" and .tier == \"senior\" and .floor.source == \"policy '"'"'site'"'"'\"" &&
	 rec o5 h-ip ".status == \"done\""'
check 'STATE/policy.json is the policy when the configuration names none' \
	'cp p.json st5/policy.json && soc-act --state st5 --config c.json d3 >o6 &&
	 rec o6 h-dom ".tier == \"senior\""'
check_exit 'a policy that does not load is a configuration error' 78 \
	'echo "{" >st6.json && jq ".policy = \"'"$T"'/st6.json\"" c.json >pb.json && soc-act --state st6 --config pb.json d3 >/dev/null 2>&1'

# A floor raised after a step was queued holds when the step comes to run
# (here the configuration's, between the queueing and the approval of the
# step it runs after).
decision d7 inc-7 "{\"id\":\"w-dom\",\"action\":\"block_domain\",\"target\":{\"type\":\"domain\",\"value\":\"w.example\"},\"tier\":\"approve\",\"phase\":\"contain\"}" \
    "{\"id\":\"w-ip\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"203.0.113.77\"},$S,\"after\":[\"w-dom\"]}" >d7
jq '.tiers = {block_ip: "approve"}' c.json >t2.json
check 'queued: one waits for approval, the block after it for it' \
	'soc-act --config c.json d7 >o9 && rec o9 w-dom ".status == \"pending_approval\"" && rec o9 w-ip ".status == \"waiting\""'
check_exit 'the first approved after the floor of the second rose' 0 \
	'soc-act --config t2.json approve w-dom --by bob >a9'
check 'the second waits for its approval instead of running' \
	'rec a9 w-dom ".status == \"done\"" && rec a9 w-ip ".status == \"pending_approval\" and .tier == \"approve\" and
	   .floor == {tier: \"approve\", named: \"auto\", source: \"the configuration'"'"'s tiers\"}" &&
	 ! grep -q 203.0.113.77 hook.out && soc-act --config t2.json approve w-ip --by bob >a10 &&
	 rec a10 w-ip ".status == \"done\"" && grep -qx "block_ip 203.0.113.77" hook.out'

# The policy's never-touch lists (the built-in sample: break-glass users,
# loopback addresses) hold for any step, whatever its tier or the type
# its target names.
decision d6 inc-6 "{\"id\":\"n-lo\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"127.0.0.53\"},$S}" \
    "{\"id\":\"n-bg\",\"action\":\"suspend_user\",\"target\":{\"type\":\"user\",\"value\":\"Break-Glass\"},\"tier\":\"senior\",\"phase\":\"contain\"}" \
    "{\"id\":\"n-v6\",\"action\":\"block_ip\",\"target\":{\"type\":\"host\",\"value\":\"::1\"},$S}" \
    "{\"id\":\"n-ok\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"198.51.100.1\"},$S}" >d6
: >hook.out
check_exit 'steps on never-touch targets fail (69)' 69 'soc-act --config c.json d6 >o7 2>e7'
check 'refused, naming the list and the entry; only the other step ran' \
	'rec o7 n-lo ".status == \"failed\" and .error == \"never touched (guards.never.addresses: 127.0.0.0/8, policy '"'"'socpipe-sample-1'"'"')\"" &&
	 rec o7 n-bg ".error | startswith(\"never touched (guards.never.users: break-glass\")" &&
	 rec o7 n-v6 ".error | startswith(\"never touched (guards.never.addresses: ::1/128\")" &&
	 rec o7 n-ok ".status == \"done\"" && [ "$(cat hook.out)" = "block_ip 198.51.100.1" ]'
check 'in the audit log, nothing stored: a replay refuses them again' \
	'jq -se "map(select(.kind == \"never_touch\") | .data.step) | sort == [\"n-bg\", \"n-lo\", \"n-v6\"]" state/audit/audit.log >/dev/null &&
	 soc-act --config c.json d6 >o8 2>/dev/null; [ $? -eq 69 ] && rec o8 n-lo ".status == \"failed\"" && rec o8 n-ok ".status == \"skipped\""'
done_testing
