#!/bin/sh
# soc-audit verify --pin: rollback (truncated log and an old genuine
# checkpoint restored) and fork (rewritten with the stolen key), and the
# documented limit without an anchor.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 16

L=$SOC_HOME/audit
mklog 10 || exit 1
N0=$(wc -l <"$L/audit.log")
cp "$L/checkpoint" "$T/ck0"
check 'first verify with --pin trusts and pins' 'soc-audit verify --pin "$T/pin" >/dev/null && cmp -s "$T/pin" "$L/checkpoint"'
seq 10 30 | sed 's/.*/{"later":&}/' | soc-audit append --batch 3 >/dev/null
check 'a later verify moves the pin forward' 'soc-audit verify --pin "$T/pin" >/dev/null && cmp -s "$T/pin" "$L/checkpoint"'
cp -a "$SOC_HOME" "$T/clean"
fresh() { rm -rf "$SOC_HOME" && cp -a "$T/clean" "$SOC_HOME"; cp "$T/clean/../pin" "$T/pin" 2>/dev/null; }
cp "$T/pin" "$T/pin.saved"
P=$(sed -n 2p "$T/pin")
fresh() { rm -rf "$SOC_HOME" && cp -a "$T/clean" "$SOC_HOME" && cp "$T/pin.saved" "$T/pin"; }

# truncate, restore an old genuine checkpoint, cut the history
head -n $N0 "$L/audit.log" >"$T/x" && cat "$T/x" >"$L/audit.log"
cp "$T/ck0" "$L/checkpoint"
check_exit 'truncated, old checkpoint restored, history kept: exit 1' 1 'soc-audit verify --json >"$T/v.json"'
check '... ROLLBACK (history is newer than the checkpoint)' 'grep -q "\"reason\":\"ROLLBACK\"" "$T/v.json"'
python3 -c '
import json, sys
p = sys.argv[1]
keep = [l for l in open(p) if json.loads(l)["size"] <= int(sys.argv[2])]
open(p, "w").writelines(keep)' "$L/checkpoints.log" $N0
check_exit 'truncated and history cut, no anchor: exit 0 (documented limit)' 0 'soc-audit verify'
check_exit 'truncated, with the pin: exit 1' 1 'soc-audit verify --pin "$T/pin" >"$T/out"'
check 'rollback: ROLLBACK, both notes printed' 'grep -q "ROLLBACK" "$T/out" && grep -q "pinned checkpoint:" "$T/out" && grep -q "current checkpoint:" "$T/out"'
check 'rollback: the pin is not moved back' 'cmp -s "$T/pin" "$T/pin.saved"'

# stolen key: rewrite entry k, recompute the tree, re-sign
fresh; $FORGE edit "$L" 5; rm -f "$L/checkpoints.log"
$FORGE body "$L" >"$T/body"; sign_note "$SOC_HOME/keys/audit.key" "$T/body" >"$L/checkpoint"
check_exit 'entry rewritten and re-signed with the stolen key, no anchor: exit 0 (documented)' 0 'soc-audit verify'
check_exit 'rewritten with the stolen key, with the pin: exit 1' 1 'soc-audit verify --pin "$T/pin" >"$T/out"'
check 'fork: FORK with a portable proof of misbehaviour' 'grep -q "FAILED: FORK" "$T/out" && grep -q "proof of misbehaviour" "$T/out" && grep -q "^old $P\$" "$T/out"'
check 'fork: the evidence holds two notes signed by the same key' 'test $(grep -c "^— soc.test/audit/t " "$T/out") -ge 2'
check 'fork: the pinned root fails the printed consistency proof (python)' '
	sed -n "/^old $P\$/,\$p" "$T/out" >"$T/cons" &&
	oldroot=$(sed -n 3p "$T/pin") &&
	! $PYVERIFY --consistency "$T/cons" --old-root "$oldroot" >/dev/null'

# truncate and re-append different entries, re-signed
fresh; $FORGE reappend "$L" 20 30; rm -f "$L/checkpoints.log"
$FORGE body "$L" >"$T/body"; sign_note "$SOC_HOME/keys/audit.key" "$T/body" >"$L/checkpoint"
check_exit 'tail cut and re-appended with the stolen key, no anchor: exit 0 (documented)' 0 'soc-audit verify'
check_exit 're-appended tail, with the pin: exit 1' 1 'soc-audit verify --json --pin "$T/pin" >"$T/v.json"'
check 're-appended tail: FORK' 'grep -q "\"reason\":\"FORK\"" "$T/v.json" && grep -q "\"evidence\":\"proof of misbehaviour" "$T/v.json"'
done_testing
