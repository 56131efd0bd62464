#!/bin/sh
# Crashes and faults (attack table #17, #18, #19, #28): the fault hook
# SOC_AUDIT_FAULT stops the appender dead (exit 86) at a chosen point; the
# verifier reports the state (75, never 0 for what is not sealed, never 1
# for an honest crash) and the next append repairs it.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 26

L=$SOC_HOME/audit
mklog 5 || exit 1
v() { soc-audit verify --json >"$T/v.json"; }
reason() { grep -q "\"reason\":\"$1\"" "$T/v.json" || { cat "$T/v.json"; false; }; }

# 17: torn write
check_exit '#17 mid_write:37 stops the appender' 86 'echo "{\"x\":1}" | SOC_AUDIT_FAULT=mid_write:37 soc-audit append'
check 'the log now ends without a newline' 'test "$(tail -c1 "$L/audit.log" | od -An -c | tr -d " ")" != "\\n"'
check_exit '#17 verify: 75' 75 'v'
check '#17 TORN_TAIL' 'reason TORN_TAIL'
check_exit '#17 --strict: 1' 1 'soc-audit verify --strict'
check 'the next append recovers' 'echo "{\"x\":2}" | soc-audit append >"$T/r"'
check 'a recovery entry names the torn line' 'soc-audit show --kind recovery | grep -q "\"torn\":\[{\"bytes\":37,\"seq\":6,"'
check_exit '#17 after recovery: 0' 0 'v'
check 'the torn bytes are still there (nothing deleted)' 'sed -n 7p "$L/audit.log" | grep -q "^{\"actor\"" && test $(sed -n 7p "$L/audit.log" | wc -c) = 38'
check 'python agrees' '$PYVERIFY "$L" >/dev/null'
# a torn write inside the recovery write itself, at several cut points
for cut in 1 60 300; do
	echo '{"y":1}' | SOC_AUDIT_FAULT=mid_write:$cut soc-audit append >/dev/null 2>&1
	echo '{"y":2}' | SOC_AUDIT_FAULT=mid_write:$((cut + 5)) soc-audit append >/dev/null 2>&1
done
check 'after six torn writes in a row, one append recovers all' 'echo "{\"y\":3}" | soc-audit append >/dev/null && v'
# a torn leaf in the middle with no recovery entry after it
cp -a "$L" "$T/mid"; sed -i '3s/^{/{"garbage/' "$T/mid/audit.log"
check_exit '#17 torn line in the middle, no recovery: 1' 1 'soc-audit verify --log "$T/mid" --json >"$T/v.json"'
check '... JSON_INVALID' 'reason JSON_INVALID'

# 18: crash after fdatasync, before the checkpoint
n=$(wc -l <"$L/audit.log")
check_exit '#18 before_checkpoint stops the appender' 86 'echo "{\"z\":1}" | SOC_AUDIT_FAULT=before_checkpoint soc-audit append'
check_exit '#18 verify: 75' 75 'v'
check '#18 UNSEALED_TAIL of 1' 'reason UNSEALED_TAIL && grep -q "\"unsealed\":1" "$T/v.json"'
check 'the next append seals it' 'echo "{\"z\":2}" | soc-audit append >/dev/null && v && test $(wc -l <"$L/audit.log") = $((n + 2))'

# 19: crash in the middle of the checkpoint replace
check_exit '#19 before_rename stops the appender' 86 'echo "{\"w\":1}" | SOC_AUDIT_FAULT=before_rename soc-audit append'
check 'a checkpoint.tmp was left' 'test -f "$L/checkpoint.tmp"'
check_exit '#19 verify: 75 (old checkpoint holds, tmp ignored)' 75 'v'
check '#19 UNSEALED_TAIL' 'reason UNSEALED_TAIL'
check 'the next append seals it and replaces the tmp' 'echo "{\"w\":2}" | soc-audit append >/dev/null && v && test ! -f "$L/checkpoint.tmp"'

# 28: RLIMIT_FSIZE during an append: E_IO, the caller must not act
size=$(wc -c <"$L/audit.log")
seq 200 | sed 's/.*/{"big":&,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}/' >"$T/big"
check_exit '#28 file size limit: append fails with 74' 74 '(ulimit -f $(( (size + 3000) / 512 )); soc-audit append <"$T/big" >"$T/r28")'
check '#28 no receipt was printed (the caller does not act)' 'test ! -s "$T/r28"'
check_exit '#28 verify: 75 (torn tail), not 1' 75 'v'
check '#28 the next append writes the recovery entry' 'echo "{\"after\":1}" | soc-audit append >/dev/null && v && soc-audit show --kind recovery | tail -n1 | grep -q "\"torn\":\["'
done_testing
