#!/bin/sh
# soc-audit rotate-key: rotation mid-log, keyrings, --follow-rotations,
# a checkpoint signed only by the retired key.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 15

L=$SOC_HOME/audit
K=$SOC_HOME/keys
mklog 20 || exit 1
cp "$K/audit.key" "$T/k1.key"; chmod 600 "$T/k1.key"
cp "$K/audit.vkey" "$T/k1.vkey"
check 'rotate-key' 'soc-audit rotate-key --reason scheduled >"$T/k2.vkey"'
check 'the new vkey was printed and joined the keyring file' 'test $(wc -l <"$K/audit.vkey") = 2 && grep -qxF "$(cat "$T/k2.vkey")" "$K/audit.vkey"'
check 'the key file now holds the new key, still 0600' 'test "$(stat -c %a "$K/audit.key")" = 600 && ! cmp -s "$K/audit.key" "$T/k1.key"'
check 'no leftover key files' 'test "$(ls "$K")" = "$(printf "audit.key\naudit.vkey")"'
check 'a key_rotation entry names both keys' 'soc-audit show --kind key_rotation >"$T/rot" && grep -qF "$(cat "$T/k1.vkey")" "$T/rot" && grep -qF "$(cat "$T/k2.vkey")" "$T/rot"'
check 'the rotation checkpoint was signed by both keys' 'tail -n1 "$L/checkpoints.log" | grep -o "\\\\u2014\|—" | wc -l | grep -qx 2'
n=$(wc -l <"$L/audit.log")
seq 20 | sed 's/.*/{"after":&}/' | soc-audit append >/dev/null
check 'appends continue with the new key (a header and 20 entries)' 'test $(wc -l <"$L/audit.log") = $((n + 21))'
check_exit 'keyring {K1,K2}: exit 0' 0 'soc-audit verify'
check_exit 'only K1 with --follow-rotations: exit 0' 0 'soc-audit verify --vkey "$T/k1.vkey" --follow-rotations'
check_exit 'only K1 without it: exit 1' 1 'soc-audit verify --json --vkey "$T/k1.vkey" >"$T/v.json"'
check '... NO_TRUSTED_SIGNATURE' 'grep -q "\"reason\":\"NO_TRUSTED_SIGNATURE\"" "$T/v.json"'
check_exit 'only K2: exit 0 (older history untrusted, warned)' 0 'soc-audit verify --json --vkey "$T/k2.vkey" >"$T/v.json"'
# a later checkpoint signed only by the retired K1
$FORGE body "$L" >"$T/body"; sign_note "$T/k1.key" "$T/body" >"$L/checkpoint"
check_exit 'checkpoint signed only by the retired key: exit 1' 1 'soc-audit verify --json >"$T/v.json"'
check '... RETIRED_KEY' 'grep -q "\"reason\":\"RETIRED_KEY\"" "$T/v.json"'
check_exit 'and the appender refuses to extend it' 1 'echo "{}" | soc-audit append'
done_testing
