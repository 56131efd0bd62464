#!/bin/sh
# Crashes and failed batches: the fault hook SOC_AUDIT_FAULT stops the
# appender dead (exit 86) at a chosen point, or makes its checkpoint fail
# as a full disk would; RLIMIT_FSIZE cuts its write short.  A batch is
# committed only by its durable checkpoint: the verifier reports what an
# interrupted batch left (75, never 0 and never 1), the next append rolls
# it back, and nothing of a failed batch is ever sealed.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 35

L=$SOC_HOME/audit
mklog 5 || exit 1
v() { soc-audit verify --json >"$T/v.json"; }
snap() { cp "$L/audit.log" "$T/log.before"; cp "$L/checkpoint" "$T/ck.before"; }
same() { cmp -s "$L/audit.log" "$T/log.before"; }
# gone MARK: no entry holds MARK, and the log verifies
gone() { ! grep -q "$1" "$L/audit.log" && v; }

# killed in the middle of its write
snap
check_exit 'killed mid-write (37 bytes in): exit 86' 86 'echo "{\"x\":\"torn\"}" | SOC_AUDIT_FAULT=mid_write:37 soc-audit append'
check 'the log now ends without a newline' 'test "$(tail -c1 "$L/audit.log" | od -An -c | tr -d " ")" != "\\n"'
check_exit 'torn batch: verify 75' 75 'v'
check 'torn batch: TORN_TAIL, never committed' 'reason TORN_TAIL && grep -q "never committed" "$T/v.json"'
check_exit 'torn batch: --strict makes it 1' 1 'soc-audit verify --strict'
check 'the next append rolls it back, then appends' 'echo "{\"x\":\"next\"}" | soc-audit append >"$T/r" 2>"$T/e" && grep -q "rolled back 37 bytes" "$T/e"'
check_exit 'after the roll-back: 0' 0 'v'
check 'nothing of the torn batch is in the log' '! grep -q torn "$L/audit.log" && grep -q next "$L/audit.log"'
check 'the log is the old one plus the new batch' 'cmp -s "$T/log.before" "$L/audit.log" -n $(wc -c <"$T/log.before") && test $(wc -l <"$L/audit.log") = $(( $(wc -l <"$T/log.before") + 2 ))'
check 'python agrees' '$PYVERIFY "$L" >/dev/null'
# torn at every kind of point: inside the header, after it, after a line
for cut in 1 150 300 700; do
	printf '{"y":"cut%d"}\n{"y":"cut%d"}\n' $cut $cut | SOC_AUDIT_FAULT=mid_write:$cut soc-audit append >/dev/null 2>&1
	echo "{\"y\":\"after$cut\"}" | soc-audit append >/dev/null 2>&1 || break
done
check 'torn at 1, 150, 300 and 700 bytes: each rolled back by the next append' 'gone cut1 && gone cut150 && gone cut300 && gone cut700 && grep -q after700 "$L/audit.log"'
# a line that is not JSON in the middle of the signed log
cp -a "$L" "$T/mid"; sed -i '3s/^{/{"garbage/' "$T/mid/audit.log"
check_exit 'a non-JSON line inside the signed log: 1' 1 'soc-audit verify --log "$T/mid" --json >"$T/v.json"'
check '... JSON_INVALID' 'reason JSON_INVALID'

# killed after its write and sync, before the checkpoint
snap
check_exit 'killed before the checkpoint: exit 86' 86 'echo "{\"z\":\"uncommitted\"}" | SOC_AUDIT_FAULT=before_checkpoint soc-audit append'
check_exit 'uncommitted batch: verify 75' 75 'v'
check 'uncommitted batch: UNSEALED_TAIL of 2 lines (header and entry)' 'reason UNSEALED_TAIL && grep -q "\"unsealed\":2" "$T/v.json"'
check 'the next append rolls it back: it is never sealed' 'echo "{\"z\":\"later\"}" | soc-audit append >/dev/null 2>&1 && gone uncommitted && grep -q later "$L/audit.log"'

# killed in the middle of the checkpoint replace
snap
check_exit 'killed before the rename: exit 86' 86 'echo "{\"w\":\"norename\"}" | SOC_AUDIT_FAULT=before_rename soc-audit append'
check 'a checkpoint.tmp was left' 'test -f "$L/checkpoint.tmp"'
check_exit 'verify: 75 (the old checkpoint holds, the tmp is ignored)' 75 'v'
check '... UNSEALED_TAIL' 'reason UNSEALED_TAIL'
check 'the next append rolls it back and replaces the tmp' 'echo "{\"w\":\"2\"}" | soc-audit append >/dev/null 2>&1 && gone norename && test ! -f "$L/checkpoint.tmp"'

# the checkpoint cannot be written (disk full): the appender undoes it
snap
check_exit 'checkpoint write fails: exit 74' 74 'echo "{\"c\":\"nockpt\"}" | SOC_AUDIT_FAULT=checkpoint_fail soc-audit append >"$T/r" 2>"$T/e"'
check '... no receipt, a reason' 'test ! -s "$T/r" && grep -q "No space left" "$T/e"'
check '... the log and checkpoint are as before, at once' 'same && cmp -s "$L/checkpoint" "$T/ck.before" && v'
check 'the next append does not seal it' 'echo "{}" | soc-audit append >/dev/null && gone nockpt'
snap
check_exit 'directory sync fails after the rename: exit 74' 74 'echo "{\"c\":\"nosync\"}" | SOC_AUDIT_FAULT=dirsync_fail soc-audit append >"$T/r" 2>/dev/null'
check '... no receipt; the old checkpoint is put back, the log cut back' 'test ! -s "$T/r" && same && cmp -s "$L/checkpoint" "$T/ck.before" && v'
check 'the next append does not seal it' 'echo "{}" | soc-audit append >/dev/null && gone nosync'

# RLIMIT_FSIZE during a batch: a short write, E_IO, rolled back at once
snap
size=$(wc -c <"$L/audit.log")
seq 200 | sed 's/.*/{"big":&,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}/' >"$T/big"
check_exit 'file size limit: append fails with 74' 74 '(ulimit -f $(( (size + 3000) / 512 )); soc-audit append <"$T/big" >"$T/r28" 2>"$T/e28")'
check '... no receipt was printed (the caller does not act)' 'test ! -s "$T/r28"'
check '... the message says why' 'grep -q "File too large\|short write" "$T/e28"'
check_exit '... verify: 0 at once, the partial batch is gone' 0 'v'
check '... the log is byte for byte as before' 'same'
check 'the next append does not seal any of it' 'echo "{\"after\":1}" | soc-audit append >/dev/null && gone "\"big\"" && $PYVERIFY "$L" >/dev/null'
done_testing
