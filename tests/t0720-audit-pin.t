#!/bin/sh
# soc-audit verify --pin: rollback and fork (attacks #9, #10, #11), and
# the documented limit without an anchor.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 16

L=$SOC_HOME/audit
mklog 10 || exit 1
cp "$L/checkpoint" "$T/ck11"
check 'first verify with --pin trusts and pins' 'soc-audit verify --pin "$T/pin" >/dev/null && cmp -s "$T/pin" "$L/checkpoint"'
seq 10 30 | sed 's/.*/{"later":&}/' | soc-audit append --batch 3 >/dev/null
check 'a later verify moves the pin forward' 'soc-audit verify --pin "$T/pin" >/dev/null && cmp -s "$T/pin" "$L/checkpoint"'
cp -a "$SOC_HOME" "$T/clean"
fresh() { rm -rf "$SOC_HOME" && cp -a "$T/clean" "$SOC_HOME"; cp "$T/clean/../pin" "$T/pin" 2>/dev/null; }
cp "$T/pin" "$T/pin.saved"
fresh() { rm -rf "$SOC_HOME" && cp -a "$T/clean" "$SOC_HOME" && cp "$T/pin.saved" "$T/pin"; }

# 9: truncate, restore an old genuine checkpoint, cut the history
head -n 11 "$L/audit.log" >"$T/x" && cat "$T/x" >"$L/audit.log"
cp "$T/ck11" "$L/checkpoint"
check_exit '#9 old checkpoint restored, history kept: exit 1' 1 'soc-audit verify --json >"$T/v.json"'
check '#9 ... ROLLBACK (history is newer than the checkpoint)' 'grep -q "\"reason\":\"ROLLBACK\"" "$T/v.json"'
python3 -c '
import json, sys
p = sys.argv[1]
keep = [l for l in open(p) if json.loads(l)["size"] <= 11]
open(p, "w").writelines(keep)' "$L/checkpoints.log"
check_exit '#9 and history cut, no anchor: exit 0 (documented limit)' 0 'soc-audit verify'
check_exit '#9 with the pin: exit 1' 1 'soc-audit verify --pin "$T/pin" >"$T/out"'
check '#9 ROLLBACK, both notes printed' 'grep -q "ROLLBACK" "$T/out" && grep -q "pinned checkpoint:" "$T/out" && grep -q "current checkpoint:" "$T/out"'
check '#9 the pin is not moved back' 'cmp -s "$T/pin" "$T/pin.saved"'

# 10: stolen key: rewrite entry k, recompute the tree, re-sign
fresh; $FORGE edit "$L" 5; rm -f "$L/checkpoints.log"
$FORGE body "$L" >"$T/body"; sign_note "$SOC_HOME/keys/audit.key" "$T/body" >"$L/checkpoint"
check_exit '#10 re-signed with the stolen key, no anchor: exit 0 (documented)' 0 'soc-audit verify'
check_exit '#10 with the pin: exit 1' 1 'soc-audit verify --pin "$T/pin" >"$T/out"'
check '#10 FORK with a portable proof of misbehaviour' 'grep -q "FAILED: FORK" "$T/out" && grep -q "proof of misbehaviour" "$T/out" && grep -q "^old 32$" "$T/out"'
check '#10 the evidence holds two notes signed by the same key' 'test $(grep -c "^— soc.test/audit/t " "$T/out") -ge 2'
check '#10 the pinned root fails the printed consistency proof (python)' '
	sed -n "/^old 32$/,\$p" "$T/out" >"$T/cons" &&
	oldroot=$(sed -n 3p "$T/pin") &&
	! $PYVERIFY --consistency "$T/cons" --old-root "$oldroot" >/dev/null'

# 11: truncate and re-append different entries, re-signed
fresh; $FORGE reappend "$L" 20 15; rm -f "$L/checkpoints.log"
$FORGE body "$L" >"$T/body"; sign_note "$SOC_HOME/keys/audit.key" "$T/body" >"$L/checkpoint"
check_exit '#11 rewritten tail, no anchor: exit 0 (documented)' 0 'soc-audit verify'
check_exit '#11 with the pin: exit 1' 1 'soc-audit verify --json --pin "$T/pin" >"$T/v.json"'
check '#11 FORK' 'grep -q "\"reason\":\"FORK\"" "$T/v.json" && grep -q "\"evidence\":\"proof of misbehaviour" "$T/v.json"'
done_testing
