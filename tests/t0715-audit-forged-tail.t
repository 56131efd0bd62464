#!/bin/sh
# Forged tails: someone who can write audit.log but does not hold the
# signing key appends well-formed entries (seq and prev are public) past
# the signed checkpoint.  The verifier reports them as tampering (exit 1,
# the entry and the reason), the appender refuses to sign them (exit 1,
# a clear error) and writes nothing: an honest append never seals a line
# it cannot authenticate.  Only an interrupted batch, under a header
# signed with the key, may lie there, and only as long as it announces.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 27

L=$SOC_HOME/audit
mklog 10 || exit 1
N=$(wc -l <"$L/audit.log")
cp -a "$SOC_HOME" "$T/clean"
# fresh: the clean log, the attacker writing into the same file (inode)
fresh() { cat "$T/clean/audit/audit.log" >"$L/audit.log" && cp "$T/clean/audit/checkpoint" "$T/clean/audit/state" "$L/"; }
v() { soc-audit verify --json "$@" >"$T/v.json"; }
# refused: append exits 1, names the entry, and the log is untouched
refused() {
	cp "$L/audit.log" "$T/before"; cp "$L/checkpoint" "$T/ck.before"
	echo '{"honest":1}' | soc-audit append >"$T/r" 2>"$T/e"; rc=$?
	[ $rc = 1 ] || { echo "append exit $rc"; cat "$T/e"; return 1; }
	grep -q "entry $1 of .* was not written by a holder of the signing key" "$T/e" || { cat "$T/e"; return 1; }
	test ! -s "$T/r" && cmp -s "$L/audit.log" "$T/before" && cmp -s "$L/checkpoint" "$T/ck.before"
}

fresh; $FORGE append "$L" approval 1
check_exit 'a forged approval past the checkpoint: verify 1' 1 'v'
check '... UNAUTHENTICATED_ENTRY at that entry' 'reason UNAUTHENTICATED_ENTRY $N'
check '... the detail says why' 'grep -q "not written by a holder of the signing key" "$T/v.json"'
check '... append refuses to sign it and writes nothing' 'refused $N'
check_exit '... and keeps refusing (never exit 0)' 1 'echo "{}" | soc-audit append 2>/dev/null'
check 'the human report names the entry' 'soc-audit verify >"$T/h"; test $? = 1 && grep -q "^FAILED: UNAUTHENTICATED_ENTRY at seq $N: " "$T/h"'

fresh; $FORGE append "$L" approval 3
check_exit 'three forged approvals: verify 1' 1 'v'
check '... reported at the first' 'reason UNAUTHENTICATED_ENTRY $N'
check '... append refuses' 'refused $N'

fresh; $FORGE append "$L" key_rotation 1
check_exit 'a forged key_rotation to the attacker'"'"'s key: verify 1' 1 'v'
check '... UNAUTHENTICATED_ENTRY, not a retired key' 'reason UNAUTHENTICATED_ENTRY $N'
check_exit '... with --follow-rotations too' 1 'v --follow-rotations'
check '... the attacker'"'"'s key is not followed' 'reason UNAUTHENTICATED_ENTRY $N'
check '... append refuses' 'refused $N'

fresh; $FORGE fakebatch "$L" 2
check_exit 'a batch header with a signature copied from another: verify 1' 1 'v'
check '... the header is not authenticated' 'reason UNAUTHENTICATED_ENTRY $N && grep -q "signature does not verify" "$T/v.json"'
check '... append refuses' 'refused $N'

# an honest batch interrupted before its checkpoint, then a forged line
# after the lines its header announces
fresh; echo '{"y":"interrupted"}' | SOC_AUDIT_FAULT=before_checkpoint soc-audit append >/dev/null 2>&1
check_exit 'an interrupted batch alone: 75' 75 'v'
$FORGE append "$L" approval 1
check_exit 'a forged line past the interrupted batch: verify 1' 1 'v'
check '... UNAUTHENTICATED_ENTRY past its header'"'"'s claim' 'reason UNAUTHENTICATED_ENTRY $((N + 2)) && grep -q "past the 1 lines its batch header" "$T/v.json"'
check '... append refuses (it does not roll the forgery back either)' 'refused $((N + 2))'

# a forged line with a torn fragment after it, made to look like a crash
fresh; $FORGE append "$L" approval 1; printf '{"actor":' >>"$L/audit.log"
check_exit 'a forged line and a torn fragment: verify 1' 1 'v'
check '... the forged line is named' 'reason UNAUTHENTICATED_ENTRY $N'
check '... append refuses' 'refused $N'

# a line that is not JSON past the checkpoint
fresh; echo 'garbage' >>"$L/audit.log"
check_exit 'a line that is not JSON past the checkpoint: verify 1' 1 'v'
check '... append refuses' 'refused $N'

fresh
check_exit 'the clean log still verifies and appends' 0 'echo "{}" | soc-audit append >/dev/null && v'
done_testing
