#!/bin/sh
# soc-audit verify against edits of a signed log: changed, deleted,
# swapped, replayed, inserted and re-chained entries, truncation, wrong
# and colliding keys, mangled checkpoints, edited state, a replaced file,
# non-canonical lines, duplicate keys, CRLF and BOM.  Each case starts
# from a fresh copy of one log (genesis + 40 entries in 6 batches) and
# asserts the exit code and the reason.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 51

L=$SOC_HOME/audit
mklog 40 || exit 1
N=$(wc -l <"$L/audit.log")
cp -a "$SOC_HOME" "$T/clean"
fresh() { rm -rf "$SOC_HOME" && cp -a "$T/clean" "$SOC_HOME"; }
v() { soc-audit verify --json >"$T/v.json"; }

check_exit 'clean log verifies' 0 'v'
check 'report counts every line (entries and batch headers)' 'test $N = 47 && grep -q "\"log_entries\":$N" v.json && grep -q "\"checkpoint_size\":$N" v.json'

# a byte changed, JSON still valid
k=$(seqof '"alert":"A-2",')
fresh; sed -i 's/"alert":"A-2",/"alert":"A-9",/' "$L/audit.log"
check_exit 'edited value: exit 1' 1 'v'
check 'edited value: PREV_MISMATCH at the next entry' 'reason PREV_MISMATCH $((k + 1))'
fresh; sed -i 's/"alert":"A-39",/"alert":"A-99",/' "$L/audit.log"
check_exit 'last entry edited: exit 1' 1 'v'
check 'last entry edited: ROOT_MISMATCH at the last entry' 'reason ROOT_MISMATCH $((N - 1))'

# delete entry k
fresh; sed -i '11d' "$L/audit.log"
check_exit 'deleted entry: exit 1' 1 'v'
check 'deleted entry: SEQ_MISMATCH where it was' 'reason SEQ_MISMATCH 10'

# swap k and k+1
fresh; sed -i '11{h;d};12{G}' "$L/audit.log"
check_exit 'swapped entries: exit 1' 1 'v'
check 'swapped entries: SEQ_MISMATCH at the first' 'reason SEQ_MISMATCH 10'

# duplicate k after itself
fresh; sed -i '11p' "$L/audit.log"
check_exit 'replayed entry: exit 1' 1 'v'
check 'replayed entry: SEQ_MISMATCH at the copy' 'reason SEQ_MISMATCH 11'

# forged entry with the right seq and prev, later ones renumbered
fresh; $FORGE insert "$L" 20
check_exit 'forged entry inserted, later ones re-chained: exit 1' 1 'v'
check 'inserted entry: not what the checkpoint signs' 'reason ROOT_MISMATCH || reason HISTORY_MISMATCH'
fresh; $FORGE edit "$L" 20; rm -f "$L/checkpoints.log"
check_exit 'entry edited and re-chained, no history: exit 1' 1 'v'
check 'edited and re-chained: ROOT_MISMATCH' 'reason ROOT_MISMATCH'

# truncate the tail
fresh; head -n 37 "$L/audit.log" >"$T/x" && cat "$T/x" >"$L/audit.log"
check_exit 'truncated by 4 lines: exit 1' 1 'v'
check 'truncated: TRUNCATED at 37' 'reason TRUNCATED 37'

# wrong vkey
fresh; soc-audit keygen --origin soc.test/audit/t --out "$T/other" >/dev/null
check_exit 'verified with another key: exit 1' 1 'soc-audit verify --json --vkey "$T/other.vkey" >"$T/v.json"'
check 'another key: NO_TRUSTED_SIGNATURE' 'reason NO_TRUSTED_SIGNATURE'

# our name and key id, the attacker's signature
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
check_exit 'our name and key id on a signature by another key: exit 1' 1 'v'
check 'key id collision: BAD_SIGNATURE' 'reason BAD_SIGNATURE'

# an extra signature from an unknown key is ignored; 101 lines are not
fresh; sign_note "$T/other.key" "$T/body" | tail -n 1 >"$T/extra"
sed -i 's/soc.test\/audit\/t /witness.example\/w /' "$T/extra"
cat "$T/extra" >>"$L/checkpoint"
check_exit 'an extra signature by an unknown key is ignored: exit 0' 0 'v'
fresh; for i in $(seq 100); do cat "$T/extra"; done >>"$L/checkpoint"
check_exit '101 signatures: exit 1' 1 'v'
check '101 signatures: MALFORMED_CHECKPOINT' 'reason MALFORMED_CHECKPOINT'

# mangled checkpoint bodies
for m in "s/^$N\$/0$N/" "s/^$N\$/+$N/" '3s/=$//' '3s/.=$/B=/' '3s/$/\n/' 's/$/\r/' '1s/t$/u/'; do
	fresh; sed -i "$m" "$L/checkpoint"
	check_exit "checkpoint edit '$m': exit 1" 1 'v'
done
check 'checkpoint names another origin: ORIGIN_MISMATCH' 'reason ORIGIN_MISMATCH'
fresh; sed -i "s/^$N\$/05/" "$L/checkpoint"
check 'checkpoint size 05: MALFORMED_CHECKPOINT' '! v && reason MALFORMED_CHECKPOINT'

# state edited: the appender refuses, the verifier does not care
fresh; sed -i '5s/^./A/' "$L/state"; [ "$(sed -n 5p "$L/state" | cut -c1)" = A ] || sed -i '5s/^./B/' "$L/state"
check_exit 'appender refuses an edited state cache: exit 1' 1 'echo "{}" | soc-audit append'
check 'edited state: nothing was written' 'cmp -s "$L/audit.log" "$T/clean/audit/audit.log"'
check_exit 'verifier ignores the state cache: exit 0' 0 'v'

# entry edited and the state rebuilt to match (no key)
fresh; $FORGE edit "$L" 15; $FORGE state "$L"
check_exit 'entry edited, state rebuilt to match: appender refuses (root != signed checkpoint)' 1 'echo "{}" | soc-audit append 2>"$T/err"'
check '... and says it refuses to sign' 'grep -q "refusing to sign" "$T/err"'
check_exit 'entry edited, state rebuilt: verifier: exit 1' 1 'v'

# audit.log replaced by another file while writers run.  fresh's copy
# has a new inode, not the one the state names: make the state name it, so
# the replacement (made while the log exists) has an inode of its own
# (else a reused inode number could match by chance)
fresh; sed -i "4s/.*/inode $(stat -c %i "$L/audit.log")/" "$L/state"
cp "$L/audit.log" "$T/copy"; sed -i 's/"alert":"A-5",/"alert":"A-6",/' "$T/copy"; mv "$T/copy" "$L/audit.log"
check_exit 'appender refuses a replaced audit.log (inode)' 1 'echo "{}" | soc-audit append 2>"$T/err"'
check '... and says it was replaced' 'grep -q "was replaced" "$T/err"'
check_exit 'replaced audit.log: verifier: exit 1' 1 'v'

# re-serialised non-canonically, re-signed with the key: a warning
fresh; $FORGE noncanon "$L" 12; rm -f "$L/checkpoints.log"
$FORGE body "$L" >"$T/body"; sign_note "$SOC_HOME/keys/audit.key" "$T/body" >"$L/checkpoint"
check_exit 'non-canonical line but signed: exit 0' 0 'v'
check 'non-canonical: warning NON_CANONICAL at 12' 'grep -q "\"code\":\"NON_CANONICAL\",\"seq\":12" v.json'
check_exit 'non-canonical with --strict: exit 1' 1 'soc-audit verify --strict'

# duplicate keys
fresh; sed -i '4s/"seq":3,/"seq":3,"seq":4,/' "$L/audit.log"
check_exit 'duplicate key: exit 1' 1 'v'
check 'duplicate key: DUPLICATE_KEY at 3' 'reason DUPLICATE_KEY 3'

# CRLF conversion, BOM
fresh; sed -i 's/$/\r/' "$L/audit.log"
check_exit 'CRLF line ends: exit 1' 1 'v'
check 'CRLF: CR_DETECTED hint' 'grep -q CR_DETECTED v.json'
fresh; printf '\357\273\277' | cat - "$T/clean/audit/audit.log" >"$L/audit.log"
check_exit 'UTF-8 BOM: exit 1 (JSON_INVALID at 0)' 1 'v && false; reason JSON_INVALID 0 && false'
done_testing
