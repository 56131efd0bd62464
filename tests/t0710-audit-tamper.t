#!/bin/sh
# soc-audit verify against the attack table (audit-log reference, section
# 3): #3-8, 12-15, 22-26, 33.  Each case starts from a fresh copy of one
# log (genesis + 40 entries) and asserts the exit code and the reason.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 51

L=$SOC_HOME/audit
mklog 40 || exit 1
cp -a "$SOC_HOME" "$T/clean"
fresh() { rm -rf "$SOC_HOME" && cp -a "$T/clean" "$SOC_HOME"; }
v() { soc-audit verify --json >"$T/v.json"; }
# reason CODE [SEQ]: the last report has this reason (and first bad seq)
reason() {
	grep -q "\"reason\":\"$1\"" "$T/v.json" || { cat "$T/v.json"; return 1; }
	[ -z "${2:-}" ] || grep -q "\"first_bad_seq\":$2," "$T/v.json" || { cat "$T/v.json"; return 1; }
}

check_exit 'clean log verifies' 0 'v'
check 'report counts 41 entries' 'grep -q "\"log_entries\":41" v.json && grep -q "\"checkpoint_size\":41" v.json'

# 3: a byte changed, JSON still valid
fresh; sed -i 's/"alert":"A-2",/"alert":"A-9",/' "$L/audit.log"
check_exit '#3 edited value: exit 1' 1 'v'
check '#3 PREV_MISMATCH at k+1' 'reason PREV_MISMATCH 4'
fresh; sed -i 's/"alert":"A-39",/"alert":"A-99",/' "$L/audit.log"
check_exit '#3 last entry edited: exit 1' 1 'v'
check '#3 ROOT_MISMATCH at the last entry' 'reason ROOT_MISMATCH 40'

# 4: delete entry k
fresh; sed -i '11d' "$L/audit.log"
check_exit '#4 deleted entry: exit 1' 1 'v'
check '#4 SEQ_MISMATCH at k' 'reason SEQ_MISMATCH 10'

# 5: swap k and k+1
fresh; sed -i '11{h;d};12{G}' "$L/audit.log"
check_exit '#5 swapped entries: exit 1' 1 'v'
check '#5 SEQ_MISMATCH at k' 'reason SEQ_MISMATCH 10'

# 6: duplicate k after itself
fresh; sed -i '11p' "$L/audit.log"
check_exit '#6 replayed entry: exit 1' 1 'v'
check '#6 SEQ_MISMATCH at k+1' 'reason SEQ_MISMATCH 11'

# 7: forged entry with the right seq and prev, later ones renumbered
fresh; $FORGE insert "$L" 20
check_exit '#7 inserted forged entry: exit 1' 1 'v'
check '#7 not what the checkpoint signs' 'reason ROOT_MISMATCH || reason HISTORY_MISMATCH'
fresh; $FORGE edit "$L" 20; rm -f "$L/checkpoints.log"
check_exit '#7 edited and re-chained, no history: exit 1' 1 'v'
check '#7 ROOT_MISMATCH' 'reason ROOT_MISMATCH'

# 8: truncate the tail
fresh; head -n 37 "$L/audit.log" >"$T/x" && cat "$T/x" >"$L/audit.log"
check_exit '#8 truncated by 4 lines: exit 1' 1 'v'
check '#8 TRUNCATED at 37' 'reason TRUNCATED 37'

# 12: wrong vkey
fresh; soc-audit keygen --origin soc.test/audit/t --out "$T/other" >/dev/null
check_exit '#12 wrong key: exit 1' 1 'soc-audit verify --json --vkey "$T/other.vkey" >"$T/v.json"'
check '#12 NO_TRUSTED_SIGNATURE' 'reason NO_TRUSTED_SIGNATURE'

# 13: our name and key id, the attacker's signature
fresh; $FORGE body "$L" >"$T/body"; sign_note "$T/other.key" "$T/body" >"$T/forged"
ourid=$(cut -d+ -f2 "$SOC_HOME/keys/audit.vkey")
python3 - "$T/forged" "$ourid" <<'PY' >"$L/checkpoint"
import base64, sys
t = open(sys.argv[1], encoding="utf-8").read()
head, sig = t.rsplit(" ", 1)
raw = bytearray(base64.b64decode(sig))
raw[:4] = bytes.fromhex(sys.argv[2])
sys.stdout.write(head + " " + base64.b64encode(bytes(raw)).decode() + "\n")
PY
check_exit '#13 key id collision: exit 1' 1 'v'
check '#13 BAD_SIGNATURE' 'reason BAD_SIGNATURE'

# 14: an extra signature from an unknown key is ignored; 101 lines are not
fresh; sign_note "$T/other.key" "$T/body" | tail -n 1 >"$T/extra"
sed -i 's/soc.test\/audit\/t /witness.example\/w /' "$T/extra"
cat "$T/extra" >>"$L/checkpoint"
check_exit '#14 unknown extra signature ignored: exit 0' 0 'v'
fresh; for i in $(seq 100); do cat "$T/extra"; done >>"$L/checkpoint"
check_exit '#14 101 signatures: exit 1' 1 'v'
check '#14 MALFORMED_CHECKPOINT' 'reason MALFORMED_CHECKPOINT'

# 15: mangled checkpoint bodies
for m in 's/^41$/041/' 's/^41$/+41/' '3s/=$//' '3s/.=$/B=/' '3s/$/\n/' 's/$/\r/' '1s/t$/u/'; do
	fresh; sed -i "$m" "$L/checkpoint"
	check_exit "#15 checkpoint edit '$m': exit 1" 1 'v'
done
check '#15 origin from another log: ORIGIN_MISMATCH' 'reason ORIGIN_MISMATCH'
fresh; sed -i 's/^41$/05/' "$L/checkpoint"
check '#15 size 05: MALFORMED_CHECKPOINT' '! v && reason MALFORMED_CHECKPOINT'

# 22: state edited: the appender refuses, the verifier does not care
fresh; sed -i '5s/^./A/' "$L/state"; [ "$(sed -n 5p "$L/state" | cut -c1)" = A ] || sed -i '5s/^./B/' "$L/state"
check_exit '#22 appender refuses an edited state: exit 1' 1 'echo "{}" | soc-audit append'
check '#22 nothing was written' 'cmp -s "$L/audit.log" "$T/clean/audit/audit.log"'
check_exit '#22 verifier ignores state: exit 0' 0 'v'

# 23: entry edited and the state rebuilt to match (no key)
fresh; $FORGE edit "$L" 15; $FORGE state "$L"
check_exit '#23 appender refuses (root != signed checkpoint)' 1 'echo "{}" | soc-audit append 2>"$T/err"'
check '#23 says it refuses to sign' 'grep -q "refusing to sign" "$T/err"'
check_exit '#23 verifier: exit 1' 1 'v'

# 24: audit.log replaced by another file while writers run
fresh; cp "$L/audit.log" "$T/copy"; sed -i 's/"alert":"A-5",/"alert":"A-6",/' "$T/copy"; mv "$T/copy" "$L/audit.log"
check_exit '#24 appender refuses a replaced log (inode)' 1 'echo "{}" | soc-audit append 2>"$T/err"'
check '#24 says it was replaced' 'grep -q "was replaced" "$T/err"'
check_exit '#24 verifier: exit 1' 1 'v'

# 25: re-serialised non-canonically, re-signed with the key: a warning
fresh; $FORGE noncanon "$L" 12; rm -f "$L/checkpoints.log"
$FORGE body "$L" >"$T/body"; sign_note "$SOC_HOME/keys/audit.key" "$T/body" >"$L/checkpoint"
check_exit '#25 non-canonical but signed: exit 0' 0 'v'
check '#25 warning NON_CANONICAL at 12' 'grep -q "\"code\":\"NON_CANONICAL\",\"seq\":12" v.json'
check_exit '#25 --strict: exit 1' 1 'soc-audit verify --strict'

# 26: duplicate keys
fresh; sed -i '4s/"seq":3,/"seq":3,"seq":4,/' "$L/audit.log"
check_exit '#26 duplicate key: exit 1' 1 'v'
check '#26 DUPLICATE_KEY at 3' 'reason DUPLICATE_KEY 3'

# 33: CRLF conversion, BOM
fresh; sed -i 's/$/\r/' "$L/audit.log"
check_exit '#33 CRLF: exit 1' 1 'v'
check '#33 CR_DETECTED hint' 'grep -q CR_DETECTED v.json'
fresh; printf '\357\273\277' | cat - "$T/clean/audit/audit.log" >"$L/audit.log"
check_exit '#33 BOM: exit 1 (JSON_INVALID at 0)' 1 'v && false; reason JSON_INVALID 0 && false'
done_testing
