#!/bin/sh
# A wait for approval has an end (approval_ttl_s, a day by default): the
# step expires, with a record and an audit entry that say so, the steps
# after it are skipped, and an approval given later is refused with the
# reason.  A later decision that plans the step again queues it anew,
# without the approvals given before.  The clock is SOC_NOW's.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/act-lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 21
export SOC_NOW=2026-12-04T10:00:00.000Z
cat >c.json <<'EOF'
{"mode":"live","local":{"tickets":{"dir":"tickets"}},"approval_ttl_s":3600,
 "approvers":{"alice":{"roles":["senior"]},"bob":{"roles":["approve"]}}}
EOF
soc-audit init --origin soc.test/act >/dev/null
I='"target":{"type":"incident","value":"inc-1"},"phase":"notify"'
decision d1 inc-1 "{\"id\":\"s-up\",\"action\":\"update_ticket\",$I,\"tier\":\"senior\",\"inputs\":{\"text\":\"x\"}}" \
    "{\"id\":\"s-tag\",\"action\":\"tag\",$I,\"tier\":\"auto\",\"inputs\":{\"tags\":[\"t\"]},\"after\":[\"s-up\"]}" >d1
sed 's/"d1"/"d2"/' d1 >d2
rec() { jq -se "[.[] | select(.soc.action.step == \"$2\")] | last | .soc.action | $3" "$1" >/dev/null; }
at() { SOC_NOW=2026-12-04T$1.000Z; export SOC_NOW; }

check_exit 'a step for approval waits' 0 'soc-act --config c.json d1 >o1'
check 'its record says until when' \
	'rec o1 s-up ".status == \"pending_approval\" and .since == \"2026-12-04T10:00:00.000Z\" and
	   .waiting_for.expires == \"2026-12-04T11:00:00.000Z\"" && rec o1 s-tag ".status == \"waiting\""'
check_exit 'a first approval within the hour' 0 'at 10:30:00 && soc-act --config c.json approve s-up --by bob >a1'
check 'pending says when the wait ends' \
	'at 10:59:59 && soc-act --config c.json pending >p1 && grep -qx "  expires at 2026-12-04T11:00:00.000Z" p1'
check 'and when it has ended' \
	'at 11:00:00 && soc-act --config c.json pending >p2 &&
	 grep -qx "  expired at 2026-12-04T11:00:00.000Z: an approval is refused (soc-act expire records it)" p2'
check_exit 'the second approval, after the hour: refused' 1 \
	'at 11:00:00 && soc-act --config c.json approve s-up --by alice >a2 2>e2'
check 'with the reason' \
	'grep -q "step s-up is not approved: it waited for approval from 2026-12-04T10:00:00.000Z; approval_ttl_s is 3600 s, so it expired at 2026-12-04T11:00:00.000Z" e2'
check 'the expiry is recorded: the step, and the step after it skipped' \
	'rec a2 s-up ".status == \"approval_expired\" and (.reason | startswith(\"waited for approval from\")) and (has(\"waiting_for\") | not)" &&
	 rec a2 s-tag ".status == \"skipped\"" && [ ! -e state/tickets ]'
check 'in the audit log, which verifies; the refused approval is not there' \
	'jq -se "map(select(.kind == \"approval_expired\") | .data) == [{step: \"s-up\", since: \"2026-12-04T10:00:00.000Z\",
	   expired: \"2026-12-04T11:00:00.000Z\", approval_ttl_s: 3600}] and
	   (map(select(.kind == \"approval\")) | length) == 1" state/audit/audit.log >/dev/null && soc-audit verify >/dev/null'
check_exit 'approving it again: refused' 1 'at 11:05:00 && soc-act --config c.json approve s-up --by alice 2>e3'
check 'saying it expired' 'grep -q "its wait for approval expired (approval_ttl_s)" e3'
check_exit 'a replay of the same decision' 0 'at 11:10:00 && soc-act --config c.json d1 >o3'
check 'skips it' 'rec o3 s-up ".status == \"skipped\" and .reason == \"this step was seen before: approval_expired\""'
check_exit 'a later decision that plans it again' 0 'at 11:20:00 && soc-act --config c.json d2 >o4'
check 'queues it anew, without the approvals given before, and the step after it too' \
	'rec o4 s-up ".status == \"pending_approval\" and .approvals == [] and .decision == \"d2\" and
	   .since == \"2026-12-04T11:20:00.000Z\" and .waiting_for.expires == \"2026-12-04T12:20:00.000Z\" and
	   .waiting_for.approvals == 2" && rec o4 s-tag ".status == \"waiting\""'
check_exit 'two approvals within the hour run both' 0 \
	'at 11:30:00 && soc-act --config c.json approve s-up --by bob >/dev/null &&
	 soc-act --config c.json approve s-up --by alice >a5'
check 'done' 'rec a5 s-up ".status == \"done\"" && rec a5 s-tag ".status == \"done\"" && grep -q "\"x\"" state/tickets/inc-1.json'

# soc-act expire (cron) and a live run end the waits that are over.
decision d3 inc-3 "{\"id\":\"e-1\",\"action\":\"contain_host\",\"target\":{\"type\":\"host\",\"value\":\"ws-3\"},\"tier\":\"approve\",\"phase\":\"contain\"}" >d3
decision d4 inc-4 "{\"id\":\"e-2\",\"action\":\"contain_host\",\"target\":{\"type\":\"host\",\"value\":\"ws-4\"},\"tier\":\"approve\",\"phase\":\"contain\"}" >d4
jq '.local.respond = {type: "hook", command: ["/bin/true"], actions: ["contain_host"]}' c.json >h.json
check 'soc-act expire records a wait that is over, and only that' \
	'at 12:00:00 && soc-act --config h.json d3 >/dev/null && at 12:30:00 && soc-act --config h.json d4 >/dev/null &&
	 at 13:00:00 && soc-act --config h.json expire >x1 &&
	 [ "$(jq -r .soc.action.step x1)" = e-1 ] && rec x1 e-1 ".status == \"approval_expired\""'
check 'a live run does at its start' \
	'at 13:30:00 && soc-act --config h.json </dev/null >x2 && [ "$(jq -r .soc.action.step x2)" = e-2 ] &&
	 rec x2 e-2 ".status == \"approval_expired\""'
check 'with approval_ttl_s 0 a wait never ends' \
	'jq ".approval_ttl_s = 0" h.json >n.json && decision d5 inc-5 "{\"id\":\"e-5\",\"action\":\"contain_host\",\"target\":{\"type\":\"host\",\"value\":\"ws-5\"},\"tier\":\"approve\",\"phase\":\"contain\"}" >d5 &&
	 at 14:00:00 && soc-act --config n.json d5 >o5 && rec o5 e-5 ".waiting_for | has(\"expires\") | not" &&
	 SOC_NOW=2027-12-04T14:00:00.000Z soc-act --config n.json expire >x3 && [ ! -s x3 ] &&
	 SOC_NOW=2027-12-04T14:00:00.000Z soc-act --config n.json approve e-5 --by bob >a6 && rec a6 e-5 ".status == \"done\""'
check_exit 'approval_ttl_s that is not a number of seconds is refused' 78 \
	'jq ".approval_ttl_s = \"1h\"" c.json >bad.json && soc-act --config bad.json pending'
done_testing
