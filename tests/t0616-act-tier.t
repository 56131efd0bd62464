#!/bin/sh
# A step's tier in soc-act is raised by a later decision and never
# lowered.  soc-decide names a step by its incident, action and target,
# so the next version of an incident (one whose host turned out to be a
# crown jewel) plans the same step at a higher tier: a step still waiting
# takes it, with the approvals given so far counting.  A replayed
# decision that names a lower tier, for a step tried again after a
# failure that sent nothing, does not run it without its approvals.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/act-lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 14
export SOC_NOW=2026-12-04T10:00:00.000Z
soc-audit init --origin soc.test/act >/dev/null
cat >c.json <<'EOF'
{"mode":"live","local":{"tickets":{"dir":"tickets"}},
 "rate":{"per_target":{"max":1,"window_s":60}},
 "approvers":{"alice":{"roles":["senior"]},"bob":{"roles":["approve"]},
  "carol":{"roles":["approve"]}}}
EOF
I1='"target":{"type":"incident","value":"inc-1"},"phase":"notify"'
I2='"target":{"type":"incident","value":"inc-2"},"phase":"notify"'
decision d1 inc-1 "{\"id\":\"s-up\",\"action\":\"open_ticket\",$I1,\"tier\":\"approve\"}" \
    "{\"id\":\"s-wait\",\"action\":\"update_ticket\",$I1,\"tier\":\"auto\",\"after\":[\"s-up\"]}" >d1
sed 's/"approve"/"senior"/; s/"auto"/"approve"/; s/"d1"/"d2"/' d1 >d2

check_exit 'a step of tier approve waits, one after it too' 0 'soc-act --config c.json d1 >o1'
check_exit 'the next version names both a tier higher' 0 'soc-act --config c.json d2 >o2'
check 'each takes it and waits for its approvals, saying why' \
	'jq -se "map(.soc.action | select(.)) | length == 2 and all(.status == \"pending_approval\" and
	   .reason == \"decision d2 raised its tier to \" + .tier) and
	   (map(.tier) | sort) == [\"approve\", \"senior\"]" o2 >/dev/null'
check_exit 'one approver no longer completes it' 0 'soc-act --config c.json approve s-up --by bob >a1'
check 'it still waits, for a senior' \
	'jq -se ".[0].soc.action | .status == \"pending_approval\" and .waiting_for.approvers == [\"alice\"]" a1 >/dev/null &&
	 [ ! -e state/tickets ]'
check_exit 'nor does a second without the role senior' 77 'soc-act --config c.json approve s-up --by carol'
check_exit 'with a senior it runs' 0 'soc-act --config c.json approve s-up --by alice >a2'
check 'the step after it waits for its own approval' \
	'jq -se "map(.soc.action) | length == 1 and .[0].status == \"done\"" a2 >/dev/null &&
	 soc-act --config c.json pending --json >p &&
	 jq -se "map(.soc.action) | length == 1 and .[0].step == \"s-wait\" and
	   .[0].status == \"pending_approval\"" p >/dev/null'
check_exit 'a decision naming a lower tier changes nothing' 0 \
	'sed "s/\"senior\"/\"auto\"/; s/\"approve\"/\"auto\"/; s/\"d2\"/\"d3\"/" d2 >d3 && soc-act --config c.json d3 >o3'
check 'both are skipped as seen before' \
	'jq -se "map(.soc.action | select(.) | .status) == [\"skipped\", \"skipped\"]" o3 >/dev/null &&
	 soc-act --config c.json pending >p && grep -q "s-wait update_ticket incident:inc-1 tier approve" p'

# A senior step approved, then over the per-target limit (nothing sent):
# a replay tries it again, still senior whatever the replay says.
decision d4 inc-2 "{\"id\":\"s-a\",\"action\":\"open_ticket\",$I2,\"tier\":\"auto\"}" \
    "{\"id\":\"s-b\",\"action\":\"update_ticket\",$I2,\"tier\":\"senior\",\"inputs\":{\"text\":\"x\"}}" >d4
sed 's/"senior"/"auto"/; s/"d4"/"d5"/' d4 >d5
check 'approved, it fails over the limit having sent nothing' \
	'soc-act --config c.json d4 >/dev/null && soc-act --config c.json approve s-b --by alice >/dev/null &&
	 soc-act --config c.json approve s-b --by bob >b; [ $? -eq 69 ] &&
	 jq -se ".[0].soc.action.status == \"failed\"" b >/dev/null'
check 'a replay naming tier auto does not run it unapproved' \
	'SOC_NOW=2026-12-04T10:05:00.000Z soc-act --config c.json d5 >o5 &&
	 jq -se "map(.soc.action | select(.step == \"s-b\"))[0] | .status == \"pending_approval\" and .tier == \"senior\"" o5 >/dev/null &&
	 ! grep -q "\"x\"" state/tickets/inc-2.json'

# Every record has an id of its own (the raised one, the first of two
# approvals, each replay's "skipped"), and the same input over the same
# state gives the same ids.
check 'no two records share an id' \
	'cat o1 o2 a1 a2 o3 b o5 >all && jq -se "map(select(.soc.kind == \"action\") | .soc.id) |
	   length == 11 and length == (unique | length)" all >/dev/null'
ids() {
	soc-audit --state "$1" init --origin soc.test/act >/dev/null &&
	soc-act --state "$1" --config c.json d1 >"$1.o" && soc-act --state "$1" --config c.json d2 >>"$1.o" &&
	soc-act --state "$1" --config c.json approve s-up --by bob >>"$1.o" &&
	soc-act --state "$1" --config c.json d3 >>"$1.o" && soc-act --state "$1" --config c.json d3 >>"$1.o" &&
	soc-act --state "$1" --config c.json pending --json >>"$1.o" &&
	jq -r "select(.soc.kind == \"action\") | .soc.id" "$1.o" >"$1.ids"
}
check 'the same ids on the same input over fresh state; pending shows the latest' \
	'ids r1 && ids r2 && cmp r1.ids r2.ids && [ "$(sort -u r1.ids | wc -l)" -eq 9 ] && [ "$(wc -l <r1.ids)" -eq 11 ] &&
	 [ "$(sed -n 5p r1.ids)" = "$(sed -n 10p r1.ids)" ] && [ "$(sed -n 4p r1.ids)" = "$(sed -n 11p r1.ids)" ]'
done_testing
