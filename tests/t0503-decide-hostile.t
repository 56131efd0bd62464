#!/bin/sh
# soc-decide over incidents that are valid JSON but hold what its jansson
# values cannot (an integer past 64 bits in a member it reads; in one it
# skips, the timeline, it is decided): each is a reject naming the
# incident and the reason, the incidents around it are decided, and lines in = records out + rejects,
# in a run and in replay.  Before, the first such incident ended the run
# with status 70 and nothing written.  And a never-touch address that is
# not an address or a CIDR (a typo: /33) is refused by the policy check,
# where it used to protect nothing.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
command -v python3 >/dev/null || skip_all 'python3 not installed'
plan 9
F=$FIX/decide
export SOC_NOW=2026-11-20T03:00:00Z
soc-audit init --origin soc.test/decide >/dev/null
big=9223372036854775808
head -n 1 "$F/incidents.ndjson" | sed "s/\"score\":95,/\"score\":$big,/" >in.ndjson
sed -n 2p "$F/incidents.ndjson" >>in.ndjson
sed -n 3p "$F/incidents.ndjson" | sed "s/\"counts\":{\"alerts\":[0-9]*/\"counts\":{\"alerts\":$big/" >>in.ndjson
sed -n 4p "$F/incidents.ndjson" | sed "s/\"timeline\":\[\]/\"timeline\":[$big]/" >>in.ndjson
sed -n 5,6p "$F/incidents.ndjson" >>in.ndjson
check 'the input holds the three big integers' '[ "$(grep -c "$big" in.ndjson)" -eq 3 ]'

# rows: the decisions in decide.db, and those of the two rejected.
rows() {
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("select count(*) from decisions").fetchone()[0],
      c.execute("select count(*) from decisions where incident like \"1111%\" or incident like \"3333%\"").fetchone()[0])' \
	    "$SOC_HOME/decide.db"
}
check_exit 'two rejects: 65' 65 'soc-decide --rejects rej.ndjson in.ndjson >out 2>err'
check 'each is named with the reason; the four others are decided' \
	'[ "$(grep -c "^soc-decide: in.ndjson:[13]: incident [0-9a-f]*: soc.incident cannot be read: too big integer" err)" -eq 2 ] &&
	 jq -se "map(.soc.kind) == [\"incident\",\"decision\",\"incident\",\"decision\",\"incident\",\"decision\",\"incident\",\"decision\"]" out >/dev/null &&
	 [ "$(wc -l <rej.ndjson)" -eq 2 ]'
check 'nothing of them is in decide.db or the audit log' \
	'! grep -q 11111111111111111111111111111111 state/audit/audit.log &&
	 soc-audit verify >/dev/null &&
	 [ "$(rows)" = "4 0" ]'
check_exit 'replay: the same two rejects' 65 \
	'soc-decide replay --policy "$SOC_TOP/examples/policy.json" in.ndjson >rep 2>rerr'
check 'and the four decisions' \
	'[ "$(grep -c "cannot be read: too big integer" rerr)" -eq 2 ] &&
	 [ "$(jq -se "map(select(.soc.kind == \"decision\")) | length" rep)" -eq 4 ]'
jq '.guards.never.addresses += ["203.0.113.9/33", "203.0.113.0/24x", "203.0.113.0/", "203.0.113.999"]' \
    "$SOC_TOP/examples/policy.json" >typo.json
check_exit 'never-touch addresses that are not addresses: 78' 78 'soc-decide check --policy typo.json 2>typo.err'
check 'each named, with its line' \
	'[ "$(grep -c "^typo.json:[0-9]*:[0-9]*: \"203.0.113.[0-9/x]*\" is not an address or a CIDR$" typo.err)" -eq 4 ]'
check 'a run with that policy decides nothing (78), a good CIDR holds the block back' \
	'head -n 1 "$F/incidents.ndjson" >one && soc-decide --state typo --policy typo.json one >o 2>/dev/null; [ $? -eq 78 ] && [ ! -s o ] &&
	 jq ".guards.never.addresses += [\"203.0.113.0/24\"]" "$SOC_TOP/examples/policy.json" >good.json &&
	 soc-decide --state good --policy good.json one >o 2>/dev/null &&
	 jq -e "select(.soc.kind == \"decision\") | .soc.decision.rejected[] | select(.action == \"block_ip\") |
	   .why | test(\"never touched .guards.never.addresses: 203.0.113.0/24.\")" o >/dev/null'
done_testing
